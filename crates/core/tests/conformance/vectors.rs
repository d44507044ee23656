//! The conformance vectors, as data: each one names the RFC sentence it checks, the
//! configuration (expressible as an atomic-config JSON file), the host, the input packet and
//! the expected verdict, counter and bytes. Expected bytes are built field by field from the
//! RFC rules with `builders`, never by running the translator.
//!
//! The same vectors run in-process (`crates/core/tests/conformance.rs`) and through the
//! `jool-translate` binary (`crates/cli/tests/conformance_pcap.rs`).
#![allow(dead_code)]

use crate::builders::*;

#[path = "vec46.rs"]
mod vec46;
#[path = "vec64.rs"]
mod vec64;
#[path = "vecaddr.rs"]
mod vecaddr;
#[path = "vecicmp.rs"]
mod vecicmp;

/// The IPv6 node of the graybox setup (spec §11.2), `192.0.2.33` through pool6.
pub const N6: &str = "2001:db8:1c0:2:21::";
/// `N6` as the IPv4 side sees it (RFC 6052 /40).
pub const N6_4: &str = "192.0.2.33";
/// The IPv4 node of the graybox setup.
pub const N4: &str = "198.51.100.2";
/// `N4` as the IPv6 side sees it (RFC 6052 /40).
pub const N4_6: &str = "2001:db8:1c6:3364:2::";
/// The translator's IPv4 address (source of the ICMPv4 errors it originates).
pub const J4: &str = "198.51.100.1";
/// The translator's IPv6 address (source of the ICMPv6 errors it originates).
pub const J6: &str = "2001:db8:1c0:2:1::";

/// IPv4 identification + header checksum (random ID of 6→4 packets and of originated
/// ICMPv4 errors). The runner checks the header checksum independently.
pub const IGN_ID4: &[usize] = &[4, 5, 10, 11];
/// `IGN_ID4` plus the ICMPv4 checksum and the inner packet's identification and header
/// checksum (28+4, 28+10) of a translated ICMPv6 error. The runner verifies both checksums.
pub const IGN_ERR4: &[usize] = &[4, 5, 10, 11, 22, 23, 32, 33, 38, 39];

/// A configuration: global keys in client syntax, EAMT, denylist4, `--force`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cfg {
    /// `(key, value)` in `jool_siit global update` syntax.
    pub globals: Vec<(&'static str, &'static str)>,
    /// `(ipv6 prefix, ipv4 prefix)`.
    pub eamt: Vec<(&'static str, &'static str)>,
    /// Denylisted IPv4 prefixes.
    pub denylist4: Vec<&'static str>,
    /// Whether the configuration needs `--force` (overlapping EAMs).
    pub force: bool,
}

impl Cfg {
    /// The graybox SIIT configuration (spec §11.2): pool6 2001:db8:100::/40, EAMT
    /// 2001:db8:3::/120 ↔ 1.0.0.0/24 and 2001:db8:2::/120 ↔ 10.0.0.0/24, rfc6791v4-prefix
    /// 203.0.113.8.
    pub fn graybox() -> Cfg {
        Cfg {
            globals: vec![
                ("pool6", "2001:db8:100::/40"),
                ("rfc6791v4-prefix", "203.0.113.8/32"),
            ],
            eamt: vec![
                ("2001:db8:3::/120", "1.0.0.0/24"),
                ("2001:db8:2::/120", "10.0.0.0/24"),
            ],
            denylist4: Vec::new(),
            force: false,
        }
    }

    /// Sets (or replaces) a global key.
    pub fn set(mut self, key: &'static str, value: &'static str) -> Cfg {
        match self.globals.iter_mut().find(|e| e.0 == key) {
            Some(e) => e.1 = value,
            None => self.globals.push((key, value)),
        }
        self
    }

    /// Adds an EAM.
    pub fn eam(mut self, p6: &'static str, p4: &'static str) -> Cfg {
        self.eamt.push((p6, p4));
        self
    }

    /// Adds a denylist4 entry.
    pub fn deny(mut self, p4: &'static str) -> Cfg {
        self.denylist4.push(p4);
        self
    }

    /// The atomic configuration (spec §4.1) equivalent to this configuration.
    pub fn json(&self) -> String {
        let globals: Vec<String> = self
            .globals
            .iter()
            .map(|(k, v)| {
                let value = if *k == "mtu-plateaus" {
                    format!("[{v}]")
                } else if matches!(*v, "true" | "false" | "null")
                    || v.bytes().all(|b| b.is_ascii_digit())
                {
                    v.to_string()
                } else {
                    format!("\"{v}\"")
                };
                format!("\"{k}\": {value}")
            })
            .collect();
        let eamt: Vec<String> = self
            .eamt
            .iter()
            .map(|(p6, p4)| format!("{{\"ipv6 prefix\": \"{p6}\", \"ipv4 prefix\": \"{p4}\"}}"))
            .collect();
        let deny: Vec<String> = self.denylist4.iter().map(|p| format!("\"{p}\"")).collect();
        format!(
            "{{\"global\": {{{}}}, \"eamt\": [{}], \"denylist4\": [{}]}}",
            globals.join(", "),
            eamt.join(", "),
            deny.join(", ")
        )
    }
}

/// What the translator knows about its host (`StaticHost` / `jool-translate` flags).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSpec {
    /// Local IPv4 addresses (`--local-address`); the first sources ICMPv4 errors.
    pub local4: Vec<&'static str>,
    /// Local IPv6 addresses; the first sources ICMPv6 errors.
    pub local6: Vec<&'static str>,
    /// `--mtu4`.
    pub mtu4: u32,
    /// `--mtu6`.
    pub mtu6: u32,
}

impl HostSpec {
    /// The graybox translator: 198.51.100.1 and 2001:db8:1c0:2:1::, MTU 1500 both sides.
    pub fn graybox() -> HostSpec {
        HostSpec {
            local4: vec![J4],
            local6: vec![J6],
            mtu4: 1500,
            mtu6: 1500,
        }
    }
}

/// The expected verdict, with its counter (`JSTAT_*` name, spec §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `translated JSTAT_SUCCESS`.
    Translated,
    /// `dropped <JSTAT>`.
    Dropped(&'static str),
    /// `untranslatable <JSTAT>`: handed back to the kernel unchanged.
    Untranslatable(&'static str),
}

impl Expect {
    /// The word `jool-translate` prints.
    pub fn word(self) -> &'static str {
        match self {
            Expect::Translated => "translated",
            Expect::Dropped(_) => "dropped",
            Expect::Untranslatable(_) => "untranslatable",
        }
    }

    /// The counter name.
    pub fn jstat(self) -> &'static str {
        match self {
            Expect::Translated => "JSTAT_SUCCESS",
            Expect::Dropped(s) | Expect::Untranslatable(s) => s,
        }
    }
}

/// One conformance vector.
#[derive(Clone, Debug)]
pub struct Vector {
    /// Behaviour name; table rows are `<table name>/<row>`.
    pub name: String,
    /// Where the rule is (`RFC 7915 §4.1`).
    pub rfc: &'static str,
    /// The sentence, quoted or summarised.
    pub sentence: &'static str,
    /// Configuration.
    pub cfg: Cfg,
    /// Host.
    pub host: HostSpec,
    /// The packet handed to the translator.
    pub input: Vec<u8>,
    /// Verdict + counter.
    pub expect: Expect,
    /// The translated packet (for `Translated`).
    pub output: Option<Vec<u8>>,
    /// The ICMP error the translator originates, if any.
    pub reply: Option<Vec<u8>>,
    /// Byte offsets of `output` not compared (random fields).
    pub ignore: Vec<usize>,
    /// Byte offsets of `reply` not compared.
    pub reply_ignore: Vec<usize>,
}

impl Vector {
    fn new(name: &str, rfc: &'static str, sentence: &'static str, input: Vec<u8>) -> Vector {
        Vector {
            name: name.to_string(),
            rfc,
            sentence,
            cfg: Cfg::graybox(),
            host: HostSpec::graybox(),
            input,
            expect: Expect::Translated,
            output: None,
            reply: None,
            ignore: Vec::new(),
            reply_ignore: Vec::new(),
        }
    }

    /// A vector whose input must be translated into `output`.
    pub fn translated(
        name: &str,
        rfc: &'static str,
        sentence: &'static str,
        input: Vec<u8>,
        output: Vec<u8>,
    ) -> Vector {
        let mut v = Vector::new(name, rfc, sentence, input);
        v.output = Some(output);
        // Every IPv4 output of a 6→4 translation has a generated identification.
        if v.output
            .as_ref()
            .is_some_and(|o| o.first().is_some_and(|b| b >> 4 == 4))
        {
            v.ignore = IGN_ID4.to_vec();
        }
        v
    }

    /// A vector whose input must be dropped, counting `jstat`, optionally with an ICMP error.
    pub fn dropped(
        name: &str,
        rfc: &'static str,
        sentence: &'static str,
        input: Vec<u8>,
        jstat: &'static str,
        reply: Option<Vec<u8>>,
    ) -> Vector {
        let mut v = Vector::new(name, rfc, sentence, input);
        v.expect = Expect::Dropped(jstat);
        if reply
            .as_ref()
            .is_some_and(|o| o.first().is_some_and(|b| b >> 4 == 4))
        {
            v.reply_ignore = IGN_ID4.to_vec();
        }
        v.reply = reply;
        v
    }

    /// A vector whose input must be handed back to the kernel unchanged, counting `jstat`.
    pub fn untranslatable(
        name: &str,
        rfc: &'static str,
        sentence: &'static str,
        input: Vec<u8>,
        jstat: &'static str,
    ) -> Vector {
        let mut v = Vector::new(name, rfc, sentence, input);
        v.expect = Expect::Untranslatable(jstat);
        v
    }

    /// Replaces the configuration.
    pub fn cfg(mut self, cfg: Cfg) -> Vector {
        self.cfg = cfg;
        self
    }

    /// Replaces the host.
    pub fn host(mut self, host: HostSpec) -> Vector {
        self.host = host;
        self
    }

    /// Replaces the ignored offsets of the output.
    pub fn ignore(mut self, offsets: &[usize]) -> Vector {
        self.ignore = offsets.to_vec();
        self
    }
}

/// Every vector.
pub fn all() -> Vec<Vector> {
    let mut v = Vec::new();
    vec46::push(&mut v);
    vec64::push(&mut v);
    vecicmp::push(&mut v);
    vecaddr::push(&mut v);
    v
}

// ---------------------------------------------------------------------------------------
// Shared packet shapes.

/// IPv4 header of a packet from the IPv4 node to the IPv6 node (`N4 → N6_4`).
pub fn in4(proto: u8) -> V4 {
    V4::new(proto, N4, N6_4)
}

/// IPv6 header `in4` becomes (RFC 7915 §4.1): hop limit 63, TC 0, flow 0.
pub fn out6(proto: u8) -> V6 {
    V6::new(proto, N4_6, N6).hop(63)
}

/// IPv6 header of a packet from the IPv6 node to the IPv4 node (`N6 → N4_6`).
pub fn in6(proto: u8) -> V6 {
    V6::new(proto, N6, N4_6)
}

/// IPv4 header `in6` becomes (RFC 7915 §5.1): TTL 63, DF clear (≤ 1260 bytes), ID 0 (ignored).
pub fn out4(proto: u8) -> V4 {
    V4::new(proto, N6_4, N4).ttl(63).df(false).id(0)
}

/// The ICMPv4 error the translator originates about the IPv4 packet `offending`
/// (spec §7.4: TOS 0xC0, TTL 64, DF clear, source = the translator, quoting up to 576 bytes).
pub fn originated4(ty: u8, code: u8, rest: u32, offending: &[u8]) -> Vec<u8> {
    let src = std::net::Ipv4Addr::new(offending[12], offending[13], offending[14], offending[15]);
    let quote = &offending[..offending.len().min(576 - 28)];
    let mut h = V4::new(proto::ICMP, J4, "0.0.0.0")
        .tos(ORIGINATED_TOS)
        .ttl(ORIGINATED_TTL);
    h.dst = src;
    h.df = false;
    h.id = 0;
    h.with(icmp(ty, code, rest, quote))
}

/// The ICMPv6 error the translator originates about the IPv6 packet `offending`
/// (spec §7.4: hop limit 64, TC 0, flow 0, quoting up to 1280 bytes).
pub fn originated6(ty: u8, code: u8, rest: u32, offending: &[u8]) -> Vec<u8> {
    let mut src = [0u8; 16];
    src.copy_from_slice(&offending[8..24]);
    let quote = &offending[..offending.len().min(1280 - 48)];
    let mut h = V6::new(proto::ICMPV6, J6, "::").hop(ORIGINATED_TTL);
    h.dst = std::net::Ipv6Addr::from(src);
    h.with(icmp(ty, code, rest, quote))
}
