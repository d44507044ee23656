//! The RFC 6146 scenarios, as data: each one names the RFC sentence it checks, the NAT64
//! configuration (globals in client syntax, pool4, static BIB entries), and a sequence of
//! steps on a virtual clock — a packet in with its expected verdict, counter, translated
//! packet and originated ICMP error; the timers at some instant with the packets they must
//! emit; the BIB/session gauges; the TCP state; a `global update`.
//!
//! State makes some expected values depend on the translator's earlier choices: the mask
//! (pool4 port or ICMP identifier) of a new BIB entry is picked by RFC 6056 algorithm 3. A
//! step may *learn* such a value from the packet it translated (after checking that it lies
//! inside pool4); the packets of later steps are then built with it (`Vars`). Everything
//! else is built field by field from the RFC rules with `builders` (own RFC 1071 code),
//! never by running the translator.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::rc::Rc;

use crate::builders::*;

#[path = "scen_misc.rs"]
mod scen_misc;
#[path = "scen_tcp.rs"]
mod scen_tcp;
#[path = "scen_udp_icmp.rs"]
mod scen_udp_icmp;

/// pool6 of the graybox NAT64 setup (spec §11.3).
pub const POOL6: &str = "64:ff9b::/96";
/// The IPv6 client (graybox n6).
pub const C6: &str = "2001:db8::5";
/// A second IPv6 client.
pub const C6B: &str = "2001:db8::6";
/// The IPv4 server (graybox n4).
pub const S4: &str = "192.0.2.5";
/// `S4` as the IPv6 side sees it (pool6 + S4, RFC 6052 /96).
pub const S4_6: &str = "64:ff9b::c000:205";
/// A second IPv4 node.
pub const S4B: &str = "203.0.113.6";
/// `S4B` through pool6.
pub const S4B_6: &str = "64:ff9b::cb00:7106";
/// pool4's address, also the translator's own IPv4 address (graybox j).
pub const T4: &str = "192.0.2.2";
/// `T4` through pool6 (the destination of hairpinned packets).
pub const T4_6: &str = "64:ff9b::c000:202";
/// The translator's own IPv6 address (source of the ICMPv6 errors it originates).
pub const J6: &str = "2001:db8::1";
/// An IPv4 router that reports errors.
pub const R4: &str = "203.0.113.1";
/// `R4` through pool6.
pub const R4_6: &str = "64:ff9b::cb00:7101";

/// Lowest / highest port of the graybox pool4 (`192.0.2.2 1-3000`, every protocol).
pub const POOL4_LO: u32 = 1;
/// Highest port of the graybox pool4.
pub const POOL4_HI: u32 = 3000;

/// TCP flags.
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// SYN + ACK.
    pub const SYNACK: u8 = 0x12;
    /// FIN + ACK.
    pub const FINACK: u8 = 0x11;
}

/// Milliseconds in a minute.
pub const MIN: u64 = 60_000;

/// IPv4 identification + header checksum (generated ID of 6→4 packets and of originated
/// ICMPv4 errors). The runner checks the header checksum independently.
pub const IGN_ID4: &[usize] = &[4, 5, 10, 11];
/// `IGN_ID4` plus the ICMPv4 checksum and the inner identification and header checksum of a
/// translated ICMPv6 error. The runner verifies both checksums.
pub const IGN_ERR4: &[usize] = &[4, 5, 10, 11, 22, 23, 32, 33, 38, 39];

/// Values learned from translated packets (masks), by name.
#[derive(Clone, Debug, Default)]
pub struct Vars(pub BTreeMap<&'static str, u32>);

impl Vars {
    /// A learned 16-bit value (port / ICMP identifier).
    pub fn port(&self, name: &str) -> u16 {
        match self.0.get(name) {
            Some(&v) => v as u16,
            None => panic!("value {name} not learned yet"),
        }
    }
}

/// Builds bytes from the learned values.
pub type Gen = Rc<dyn Fn(&Vars) -> Vec<u8>>;

/// A generator from a closure.
pub fn gen(f: impl Fn(&Vars) -> Vec<u8> + 'static) -> Gen {
    Rc::new(f)
}

/// A generator of fixed bytes.
pub fn fixed(b: Vec<u8>) -> Gen {
    Rc::new(move |_| b.clone())
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
    /// `stolen <JSTAT>`: kept by the translator (fragment, stored SYN).
    Stolen(&'static str),
}

impl Expect {
    /// The verdict word.
    pub fn word(self) -> &'static str {
        match self {
            Expect::Translated => "translated",
            Expect::Dropped(_) => "dropped",
            Expect::Untranslatable(_) => "untranslatable",
            Expect::Stolen(_) => "stolen",
        }
    }

    /// The counter name.
    pub fn jstat(self) -> &'static str {
        match self {
            Expect::Translated => "JSTAT_SUCCESS",
            Expect::Dropped(s) | Expect::Untranslatable(s) | Expect::Stolen(s) => s,
        }
    }
}

/// Learn a value of the translated packet: `width` (2 or 4) bytes at `offset`, which must
/// lie in `lo..=hi` (the pool4 range it comes from).
#[derive(Clone, Copy, Debug)]
pub struct Learn {
    /// Name of the value.
    pub var: &'static str,
    /// Offset in the translated packet.
    pub offset: usize,
    /// 2 (port) or 4 (IPv4 address).
    pub width: usize,
    /// Lowest allowed value.
    pub lo: u32,
    /// Highest allowed value.
    pub hi: u32,
}

/// Learn the graybox pool4 port at `offset` as `var`.
pub fn mask(var: &'static str, offset: usize) -> Learn {
    Learn {
        var,
        offset,
        width: 2,
        lo: POOL4_LO,
        hi: POOL4_HI,
    }
}

/// A packet handed to `Nat64::handle`.
#[derive(Clone)]
pub struct PacketStep {
    /// The packet.
    pub input: Gen,
    /// The packet's mark (selects the pool4 set, spec §7.3).
    pub mark: u32,
    /// Verdict and counter.
    pub expect: Expect,
    /// Values to learn from the translated packet (before `output` is built).
    pub learn: Vec<Learn>,
    /// The translated packet.
    pub output: Option<Gen>,
    /// Offsets of `output` not compared.
    pub ignore: Vec<usize>,
    /// The ICMP error the translator originates (None: none may be).
    pub reply: Option<Gen>,
    /// Offsets of `reply` not compared.
    pub reply_ignore: Vec<usize>,
}

/// What a step does.
#[derive(Clone)]
pub enum Action {
    /// Hand a packet to the translator.
    Packet(PacketStep),
    /// Run the timers; exactly these packets (and offsets ignored in each) must come out.
    Expire(Vec<(Gen, Vec<usize>)>),
    /// `JSTAT_BIB_ENTRIES` and `JSTAT_SESSIONS` now.
    Gauges {
        /// BIB entries (every protocol).
        bib: u64,
        /// Sessions (every protocol).
        sessions: u64,
    },
    /// The states of the TCP sessions (`session display`), in display order.
    TcpStates(Vec<&'static str>),
    /// `global update <key> <value>` must succeed (`true`) or be refused (`false`).
    Global(&'static str, &'static str, bool),
    /// A relation between learned values (`what` describes it).
    Check(&'static str, Rc<dyn Fn(&Vars) -> bool>),
}

/// One step of a scenario, at `at` ms on the virtual clock.
#[derive(Clone)]
pub struct Step {
    /// Virtual time of packets and timer runs (ms).
    pub at: u64,
    /// What happens.
    pub action: Action,
}

impl Step {
    fn packet(at: u64, input: Gen, expect: Expect) -> Step {
        Step {
            at,
            action: Action::Packet(PacketStep {
                input,
                mark: 0,
                expect,
                learn: Vec::new(),
                output: None,
                ignore: Vec::new(),
                reply: None,
                reply_ignore: Vec::new(),
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut PacketStep)) -> Step {
        if let Action::Packet(p) = &mut self.action {
            f(p);
        }
        self
    }

    /// Learns a value from the translated packet.
    pub fn learn(self, l: Learn) -> Step {
        self.edit(|p| p.learn.push(l))
    }

    /// Sets the packet's mark.
    pub fn mark(self, mark: u32) -> Step {
        self.edit(|p| p.mark = mark)
    }

    /// Replaces the ignored offsets of the output.
    pub fn ignore(self, offsets: &[usize]) -> Step {
        self.edit(|p| p.ignore = offsets.to_vec())
    }

    /// The translator must originate this ICMP error.
    pub fn reply(self, reply: Gen) -> Step {
        self.edit(|p| {
            p.reply = Some(reply);
            p.reply_ignore = IGN_ID4.to_vec();
        })
    }

    /// Replaces the ignored offsets of the reply.
    pub fn reply_ignore(self, offsets: &[usize]) -> Step {
        self.edit(|p| p.reply_ignore = offsets.to_vec())
    }
}

/// `input` must be translated into `output` (IPv4 outputs: ID and header checksum ignored).
pub fn tx(at: u64, input: Gen, output: Gen) -> Step {
    Step::packet(at, input, Expect::Translated).edit(|p| p.output = Some(output))
}

/// `input` must be translated; the output is not compared (only learned from).
pub fn tx_any(at: u64, input: Gen) -> Step {
    Step::packet(at, input, Expect::Translated)
}

/// `input` must be translated into an IPv4 packet `output`.
pub fn tx4(at: u64, input: Gen, output: Gen) -> Step {
    tx(at, input, output).ignore(IGN_ID4)
}

/// `input` must be dropped, counting `jstat` (no ICMP error unless `.reply()`).
pub fn dropped(at: u64, input: Gen, jstat: &'static str) -> Step {
    Step::packet(at, input, Expect::Dropped(jstat))
}

/// `input` must be handed back to the kernel unchanged, counting `jstat`.
pub fn back(at: u64, input: Gen, jstat: &'static str) -> Step {
    Step::packet(at, input, Expect::Untranslatable(jstat))
}

/// `input` must be kept by the translator, counting `jstat`.
pub fn stolen(at: u64, input: Gen, jstat: &'static str) -> Step {
    Step::packet(at, input, Expect::Stolen(jstat))
}

/// The timers run at `at` and emit exactly `emitted`.
pub fn expire(at: u64, emitted: Vec<(Gen, Vec<usize>)>) -> Step {
    Step {
        at,
        action: Action::Expire(emitted),
    }
}

/// The timers run at `at` and emit nothing.
pub fn expire_quiet(at: u64) -> Step {
    expire(at, Vec::new())
}

/// The gauges now.
pub fn gauges(bib: u64, sessions: u64) -> Step {
    Step {
        at: 0,
        action: Action::Gauges { bib, sessions },
    }
}

/// The TCP session states now.
pub fn tcp_states(states: &[&'static str]) -> Step {
    Step {
        at: 0,
        action: Action::TcpStates(states.to_vec()),
    }
}

/// A `global update`.
pub fn global(key: &'static str, value: &'static str, ok: bool) -> Step {
    Step {
        at: 0,
        action: Action::Global(key, value, ok),
    }
}

/// A relation between learned values.
pub fn check(what: &'static str, f: impl Fn(&Vars) -> bool + 'static) -> Step {
    Step {
        at: 0,
        action: Action::Check(what, Rc::new(f)),
    }
}

/// A NAT64 configuration: globals (client syntax; `pool6` included), pool4 rows, static BIB
/// entries, and the namespace's own IPv4 addresses (the implicit pool4).
#[derive(Clone, Debug)]
pub struct Cfg {
    /// `(key, value)`; `pool6` is set at instance creation.
    pub globals: Vec<(&'static str, &'static str)>,
    /// `(mark, protocol, prefix, min port, max port)`.
    pub pool4: Vec<(u32, &'static str, &'static str, u16, u16)>,
    /// `(protocol, IPv6 address, port, IPv4 address, port)`.
    pub statics: Vec<(&'static str, &'static str, u16, &'static str, u16)>,
    /// Own IPv4 addresses (`Nat64::set_own_addresses`).
    pub own4: Vec<&'static str>,
}

impl Cfg {
    /// The graybox NAT64 setup (spec §11.3) without its static BIB entries: pool6
    /// 64:ff9b::/96, pool4 192.0.2.2 ports 1-3000 for TCP, UDP and ICMP.
    pub fn graybox() -> Cfg {
        Cfg {
            globals: vec![("pool6", POOL6)],
            pool4: ["tcp", "udp", "icmp"]
                .iter()
                .map(|p| (0, *p, "192.0.2.2/32", 1, 3000))
                .collect(),
            statics: Vec::new(),
            own4: vec![T4],
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

    /// Replaces pool4.
    pub fn pool4(mut self, rows: &[(u32, &'static str, &'static str, u16, u16)]) -> Cfg {
        self.pool4 = rows.to_vec();
        self
    }

    /// Adds a static BIB entry.
    pub fn bib(
        mut self,
        proto: &'static str,
        a6: &'static str,
        p6: u16,
        a4: &'static str,
        p4: u16,
    ) -> Cfg {
        self.statics.push((proto, a6, p6, a4, p4));
        self
    }
}

/// One scenario: name (`<test>` or `<test>/<row>`), RFC section and sentence, configuration,
/// steps.
#[derive(Clone)]
pub struct Scenario {
    /// Behaviour name.
    pub name: String,
    /// Where the rule is (`RFC 6146 §3.5.1`).
    pub rfc: &'static str,
    /// The sentence, quoted or summarised.
    pub sentence: &'static str,
    /// Configuration.
    pub cfg: Cfg,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

/// A scenario on the graybox configuration.
pub fn sc(name: &str, rfc: &'static str, sentence: &'static str, steps: Vec<Step>) -> Scenario {
    Scenario {
        name: name.to_string(),
        rfc,
        sentence,
        cfg: Cfg::graybox(),
        steps,
    }
}

impl Scenario {
    /// Replaces the configuration.
    pub fn cfg(mut self, cfg: Cfg) -> Scenario {
        self.cfg = cfg;
        self
    }
}

/// Every scenario.
pub fn all() -> Vec<Scenario> {
    let mut v = Vec::new();
    scen_udp_icmp::push(&mut v);
    scen_tcp::push(&mut v);
    scen_misc::push(&mut v);
    v
}

// ---------------------------------------------------------------------------------------
// Packet shapes.

/// A TCP segment with `flags`, seq 0x11223344, ack 0x55667788, window 8192, no options,
/// checksum 0 (computed by `V4::with` / `V6::with`).
pub fn tcpf(sport: u16, dport: u16, fl: u8) -> Vec<u8> {
    let mut b = Vec::with_capacity(20);
    b.extend_from_slice(&sport.to_be_bytes());
    b.extend_from_slice(&dport.to_be_bytes());
    b.extend_from_slice(&0x1122_3344u32.to_be_bytes());
    b.extend_from_slice(&0x5566_7788u32.to_be_bytes());
    b.extend_from_slice(&[0x50, fl, 0x20, 0x00, 0, 0, 0, 0]);
    b
}

/// An IPv6 packet as a node sends it (hop limit 64).
pub fn ip6(p: u8, src: &str, dst: &str, seg: Vec<u8>) -> Vec<u8> {
    V6::new(p, src, dst).with(seg)
}

/// An IPv4 packet as a node sends it (TTL 64, DF, ID 0x1234).
pub fn ip4(p: u8, src: &str, dst: &str, seg: Vec<u8>) -> Vec<u8> {
    V4::new(p, src, dst).with(seg)
}

/// The IPv4 packet a 6→4 translation produces (RFC 7915 §5.1: TTL 63, TOS 0, DF clear below
/// 1260 bytes; the ID is the translator's and ignored).
pub fn out4(p: u8, src: &str, dst: &str, seg: Vec<u8>) -> Vec<u8> {
    V4::new(p, src, dst).ttl(63).df(false).id(0).with(seg)
}

/// The IPv6 packet a 4→6 translation produces (RFC 7915 §4.1: hop limit 63, TC 0, flow 0).
pub fn out6(p: u8, src: &str, dst: &str, seg: Vec<u8>) -> Vec<u8> {
    V6::new(p, src, dst).hop(63).with(seg)
}

/// Deterministic payload.
pub fn payload(n: usize, seed: u8) -> Vec<u8> {
    data(n, seed)
}

/// An ICMP echo message (v4 type 8/0 or v6 128/129), identifier `id`, sequence 1,
/// 8 bytes of payload.
pub fn echo(ty: u8, id: u16) -> Vec<u8> {
    icmp(ty, 0, (u32::from(id) << 16) | 1, &data(8, 3))
}

/// The ICMPv4 error the translator originates about the IPv4 packet `offending`
/// (spec §7.4: source = the translator's address toward the sender, TOS 0xC0, TTL 64, DF
/// clear, quoting up to 576 bytes).
pub fn originated4(ty: u8, code: u8, offending: &[u8]) -> Vec<u8> {
    let src = Ipv4Addr::new(offending[12], offending[13], offending[14], offending[15]);
    let quote = &offending[..offending.len().min(576 - 28)];
    let mut h = V4::new(proto::ICMP, T4, "0.0.0.0")
        .tos(ORIGINATED_TOS)
        .ttl(ORIGINATED_TTL)
        .df(false)
        .id(0);
    h.dst = src;
    h.with(icmp(ty, code, 0, quote))
}

/// The ICMPv6 error the translator originates about the IPv6 packet `offending`
/// (spec §7.4: source = the translator's address, hop limit 64, quoting up to 1280 bytes).
pub fn originated6(ty: u8, code: u8, offending: &[u8]) -> Vec<u8> {
    let mut src = [0u8; 16];
    src.copy_from_slice(&offending[8..24]);
    let quote = &offending[..offending.len().min(1280 - 48)];
    let mut h = V6::new(proto::ICMPV6, J6, "::").hop(ORIGINATED_TTL);
    h.dst = Ipv6Addr::from(src);
    h.with(icmp(ty, code, 0, quote))
}

/// RFC 6052 §2.2: the IPv4-embedded IPv6 address of `v4` under `prefix` (length 32, 40,
/// 48, 56, 64 or 96), bits 64–71 (the u octet) zero. Written from the figure, bit by bit.
pub fn rfc6052_embed(prefix: &str, v4: &str) -> String {
    let (p, len) = prefix.split_once('/').expect("prefix/len");
    let len: usize = len.parse().expect("length");
    let mut a = a6(p).octets();
    let v = a4(v4).octets();
    let mut pos = len / 8;
    for byte in v {
        if pos == 8 {
            pos += 1; // skip the u octet
        }
        a[pos] = byte;
        pos += 1;
    }
    Ipv6Addr::from(a).to_string()
}
