//! The table of global keys (spec §3) in `global display` order (spec §2.3): the eight
//! keys of both types, the five SIIT keys, then the NAT64 keys.

use super::value::{format_value, parse_value, GlobalError, GlobalValue, ValueKind, PLATEAUS_MAX};
use super::Globals;
use crate::addr::{rfc6052, rfc6791};
use crate::config::XlatorType;

/// RFC 8200 §5: every IPv6 link has an MTU of at least 1280 octets.
pub const MIN_IPV6_MTU: u32 = 1280;
/// RFC 6146 §3.5.1: the UDP session lifetime MUST NOT be less than 2 minutes.
pub const UDP_MIN_MS: u64 = 2 * 60 * 1000;
/// RFC 6146 §3.5.2.2 (established TCP idle timeout); Jool enforces 2 hours.
pub const TCP_EST_MIN_MS: u64 = 2 * 60 * 60 * 1000;
/// RFC 6146 §3.5.2.2: the transitory TCP timeout is 4 minutes.
pub const TCP_TRANS_MIN_MS: u64 = 4 * 60 * 1000;
/// Largest `f-args` (four bits: RFC 6056 algorithm 3 inputs).
pub const F_ARGS_MAX: u8 = 0x0f;

/// Which translator type a key belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// SIIT and NAT64.
    Both,
    /// `jool_siit` only.
    Siit,
    /// `jool` only.
    Nat64,
}

impl Who {
    /// Does a key of this audience exist for translator type `t`?
    pub fn includes(self, t: XlatorType) -> bool {
        matches!(
            (self, t),
            (Who::Both, _) | (Who::Siit, XlatorType::Siit) | (Who::Nat64, XlatorType::Nat64)
        )
    }
}

/// One global key: name, type, audience, help text, and how to read and write it.
#[derive(Debug)]
pub struct GlobalDef {
    /// Jool's key name (`lowest-ipv6-mtu`).
    pub name: &'static str,
    /// Value type: picks the parser and the formatter.
    pub kind: ValueKind,
    /// Translator types that have the key.
    pub who: Who,
    /// One-paragraph help.
    pub doc: &'static str,
    get: fn(&Globals) -> GlobalValue,
    set: fn(&mut Globals, GlobalValue, bool) -> Result<(), GlobalError>,
}

impl GlobalDef {
    /// The key's current value.
    pub fn get(&self, globals: &Globals) -> GlobalValue {
        (self.get)(globals)
    }

    /// Validates (spec §3; `force` relaxes the "(force)" checks) and stores `value`.
    /// On error `globals` is unchanged.
    pub fn set(
        &self,
        globals: &mut Globals,
        value: GlobalValue,
        force: bool,
    ) -> Result<(), GlobalError> {
        (self.set)(globals, value, force)
    }

    /// `global update` semantics for an instance of type `t`: the key must exist for `t`,
    /// and a NAT64 instance's pool6 is immutable.
    pub fn update(
        &self,
        globals: &mut Globals,
        t: XlatorType,
        value: GlobalValue,
        force: bool,
    ) -> Result<(), GlobalError> {
        if !self.who.includes(t) {
            return Err(GlobalError::UnknownKey(self.name.to_string()));
        }
        if t == XlatorType::Nat64 && self.name == "pool6" {
            return Err(GlobalError::Pool6Immutable);
        }
        self.set(globals, value, force)
    }

    /// Does translator type `t` have this key?
    pub fn applies_to(&self, t: XlatorType) -> bool {
        self.who.includes(t)
    }

    /// Parses a client string for this key.
    pub fn parse(&self, s: &str) -> Result<GlobalValue, GlobalError> {
        parse_value(self.kind, s)
    }

    /// The `global display` text of this key's value.
    pub fn format(&self, globals: &Globals, csv: bool) -> String {
        format_value(&self.get(globals), self.kind, csv)
    }
}

/// A key whose value is stored as-is.
macro_rules! plain {
    ($name:literal, $who:ident, $kind:ident, $variant:ident, $field:ident, $doc:expr) => {
        GlobalDef {
            name: $name,
            kind: ValueKind::$kind,
            who: Who::$who,
            doc: $doc,
            get: |g| GlobalValue::$variant(g.$field),
            set: |g, v, _force| match v {
                GlobalValue::$variant(x) => {
                    g.$field = x;
                    Ok(())
                }
                _ => Err(GlobalError::TypeMismatch($name)),
            },
        }
    };
}

/// A NAT64 session timeout with an RFC 6146 minimum.
macro_rules! timeout {
    ($name:literal, $field:ident, $short:literal, $min:expr, $doc:expr) => {
        GlobalDef {
            name: $name,
            kind: ValueKind::Timeout,
            who: Who::Nat64,
            doc: $doc,
            get: |g| GlobalValue::Timeout(g.$field),
            set: |g, v, _force| match v {
                GlobalValue::Timeout(ms) if ms < $min => Err(GlobalError::TimeoutTooSmall {
                    name: $short,
                    value: ms,
                    min: $min,
                }),
                GlobalValue::Timeout(ms) => {
                    g.$field = ms;
                    Ok(())
                }
                _ => Err(GlobalError::TypeMismatch($name)),
            },
        }
    };
}

/// `mtu-plateaus` normalisation (spec §3): sorted descending, no duplicates, no zeroes.
fn set_plateaus(g: &mut Globals, v: GlobalValue) -> Result<(), GlobalError> {
    let GlobalValue::Plateaus(mut list) = v else {
        return Err(GlobalError::TypeMismatch("mtu-plateaus"));
    };
    if list.is_empty() {
        return Err(GlobalError::PlateausEmpty);
    }
    if list.len() > PLATEAUS_MAX {
        return Err(GlobalError::PlateausTooMany);
    }
    list.retain(|&p| p != 0);
    list.sort_unstable_by(|a, b| b.cmp(a));
    list.dedup();
    if list.is_empty() {
        return Err(GlobalError::PlateausAllZero);
    }
    g.mtu_plateaus = list;
    Ok(())
}

/// Every key of spec §3, in display order.
pub static GLOBALS: &[GlobalDef] = &[
    plain!("manually-enabled", Both, Bool, Bool, manually_enabled, "Resumes or pauses the instance's translation."),
    GlobalDef {
        name: "pool6",
        kind: ValueKind::Prefix6,
        who: Who::Both,
        doc: "The IPv6 Address Pool prefix.",
        get: |g| GlobalValue::Prefix6(g.pool6),
        set: |g, v, force| match v {
            GlobalValue::Prefix6(p) => {
                if let Some(p) = &p {
                    rfc6052::validate_pool6(p, force).map_err(GlobalError::Invalid)?;
                }
                g.pool6 = p;
                Ok(())
            }
            _ => Err(GlobalError::TypeMismatch("pool6")),
        },
    },
    GlobalDef {
        name: "lowest-ipv6-mtu",
        kind: ValueKind::U32,
        who: Who::Both,
        doc: "Smallest reachable IPv6 MTU.",
        get: |g| GlobalValue::U32(g.lowest_ipv6_mtu),
        set: |g, v, _force| match v {
            GlobalValue::U32(mtu) if mtu < MIN_IPV6_MTU => Err(GlobalError::MtuTooSmall(mtu)),
            GlobalValue::U32(mtu) => {
                g.lowest_ipv6_mtu = mtu;
                Ok(())
            }
            _ => Err(GlobalError::TypeMismatch("lowest-ipv6-mtu")),
        },
    },
    plain!("logging-debug", Both, Bool, Bool, logging_debug, "Pour lots of debugging messages on the log?"),
    plain!(
        "zeroize-traffic-class",
        Both,
        Bool,
        Bool,
        zeroize_traffic_class,
        "Always set the IPv6 header's 'Traffic Class' field as zero? Otherwise copy from IPv4 header's 'TOS'."
    ),
    plain!(
        "override-tos",
        Both,
        Bool,
        Bool,
        override_tos,
        "Override the IPv4 header's 'TOS' field as --tos? Otherwise copy from IPv6 header's 'Traffic Class'."
    ),
    plain!("tos", Both, U8, U8, tos, "Value to override TOS as (only when --override-tos is ON)."),
    GlobalDef {
        name: "mtu-plateaus",
        kind: ValueKind::Plateaus,
        who: Who::Both,
        doc: "Set the list of plateaus for ICMPv4 Fragmentation Neededs with MTU unset.",
        get: |g| GlobalValue::Plateaus(g.mtu_plateaus.clone()),
        set: |g, v, _force| set_plateaus(g, v),
    },
    // SIIT
    plain!(
        "amend-udp-checksum-zero",
        Siit,
        Bool,
        Bool,
        amend_udp_checksum_zero,
        "Compute the UDP checksum of IPv4-UDP packets whose value is zero? Otherwise drop the packet."
    ),
    plain!(
        "eam-hairpin-mode",
        Siit,
        HairpinMode,
        HairpinMode,
        eam_hairpin_mode,
        "Defines how EAM+hairpinning is handled.\n(0 = Disabled; 1 = Simple; 2 = Intrinsic)"
    ),
    plain!(
        "randomize-rfc6791-addresses",
        Siit,
        Bool,
        Bool,
        randomize_rfc6791_addresses,
        "Randomize selection of address from the RFC6791 pool? Otherwise choose the 'Hop Limit'th address."
    ),
    GlobalDef {
        name: "rfc6791v6-prefix",
        kind: ValueKind::Prefix6,
        who: Who::Siit,
        doc: "IPv6 prefix to generate RFC6791v6 addresses from.",
        get: |g| GlobalValue::Prefix6(g.rfc6791v6_prefix),
        set: |g, v, _force| match v {
            GlobalValue::Prefix6(p) => {
                if let Some(p) = &p {
                    crate::addr::validate_no_host_bits6(p).map_err(GlobalError::Invalid)?;
                }
                g.rfc6791v6_prefix = p;
                Ok(())
            }
            _ => Err(GlobalError::TypeMismatch("rfc6791v6-prefix")),
        },
    },
    GlobalDef {
        name: "rfc6791v4-prefix",
        kind: ValueKind::Prefix4,
        who: Who::Siit,
        doc: "IPv4 prefix to generate RFC6791 addresses from.",
        get: |g| GlobalValue::Prefix4(g.rfc6791v4_prefix),
        set: |g, v, force| match v {
            GlobalValue::Prefix4(p) => {
                if let Some(p) = &p {
                    rfc6791::validate_rfc6791v4(p, force).map_err(GlobalError::Invalid)?;
                }
                g.rfc6791v4_prefix = p;
                Ok(())
            }
            _ => Err(GlobalError::TypeMismatch("rfc6791v4-prefix")),
        },
    },
    // NAT64
    plain!(
        "address-dependent-filtering",
        Nat64,
        Bool,
        Bool,
        address_dependent_filtering,
        "Use Address-Dependent Filtering? ON is (address)-restricted-cone NAT, OFF is full-cone NAT."
    ),
    plain!(
        "drop-externally-initiated-tcp",
        Nat64,
        Bool,
        Bool,
        drop_externally_initiated_tcp,
        "Drop externally initiated TCP connections?"
    ),
    plain!("drop-icmpv6-info", Nat64, Bool, Bool, drop_icmpv6_info, "Filter ICMPv6 Informational packets?"),
    plain!(
        "source-icmpv6-errors-better",
        Nat64,
        Bool,
        Bool,
        source_icmpv6_errors_better,
        "Translate source addresses directly on 4-to-6 ICMP errors?"
    ),
    GlobalDef {
        name: "f-args",
        kind: ValueKind::FArgs,
        who: Who::Nat64,
        doc: "Defines the arguments that will be sent to F().\n\
              (F() is defined by algorithm 3 of RFC 6056.)\n\
              - First (leftmost) bit is source address.\n\
              - Second bit is source port.\n\
              - Third bit is destination address.\n\
              - Fourth (rightmost) bit is destination port.",
        get: |g| GlobalValue::U8(g.f_args),
        set: |g, v, _force| match v {
            GlobalValue::U8(n) if n > F_ARGS_MAX => Err(GlobalError::FArgsRange(n)),
            GlobalValue::U8(n) => {
                g.f_args = n;
                Ok(())
            }
            _ => Err(GlobalError::TypeMismatch("f-args")),
        },
    },
    plain!(
        "handle-rst-during-fin-rcv",
        Nat64,
        Bool,
        Bool,
        handle_rst_during_fin_rcv,
        "Use transitory timer when RST is received during the V6 FIN RCV or V4 FIN RCV states?"
    ),
    timeout!(
        "tcp-est-timeout",
        tcp_est_timeout,
        "tcp-est",
        TCP_EST_MIN_MS,
        "Set the TCP established session lifetime (HH:MM:SS.mmm)."
    ),
    timeout!(
        "tcp-trans-timeout",
        tcp_trans_timeout,
        "tcp-trans",
        TCP_TRANS_MIN_MS,
        "Set the TCP transitory session lifetime (HH:MM:SS.mmm)."
    ),
    timeout!("udp-timeout", udp_timeout, "udp", UDP_MIN_MS, "Set the UDP session lifetime (HH:MM:SS.mmm)."),
    plain!(
        "icmp-timeout",
        Nat64,
        Timeout,
        Timeout,
        icmp_timeout,
        "Set the timeout for ICMP sessions (HH:MM:SS.mmm)."
    ),
    plain!("logging-bib", Nat64, Bool, Bool, logging_bib, "Log BIBs as they are created and destroyed?"),
    plain!("logging-session", Nat64, Bool, Bool, logging_session, "Log sessions as they are created and destroyed?"),
    plain!(
        "maximum-simultaneous-opens",
        Nat64,
        U32,
        U32,
        maximum_simultaneous_opens,
        "Set the maximum allowable 'simultaneous' Simultaneos Opens of TCP connections."
    ),
    plain!("ss-enabled", Nat64, Bool, Bool, ss_enabled, "Enable Session Synchronization?"),
    plain!("ss-flush-asap", Nat64, Bool, Bool, ss_flush_asap, "Try to synchronize sessions as soon as possible?"),
    plain!(
        "ss-flush-deadline",
        Nat64,
        U32,
        U32,
        ss_flush_deadline,
        "Inactive milliseconds after which to force a session sync."
    ),
    plain!("ss-capacity", Nat64, U32, U32, ss_capacity, "Maximim number of queuable entries."),
    plain!(
        "ss-max-payload",
        Nat64,
        U32,
        U32,
        ss_max_payload,
        "Maximum amount of bytes joold should send per packet."
    ),
    plain!(
        "ss-max-sessions-per-packet",
        Nat64,
        U32,
        U32,
        ss_max_sessions_per_packet,
        "Maximum number of sessions joold should send per packet."
    ),
];

/// The key `name` of translator type `t`, if it has one.
pub fn find(name: &str, t: XlatorType) -> Option<&'static GlobalDef> {
    GLOBALS.iter().find(|d| d.name == name && d.who.includes(t))
}

/// The keys of translator type `t`, in display order.
pub fn keys_for(t: XlatorType) -> impl Iterator<Item = &'static GlobalDef> {
    GLOBALS.iter().filter(move |d| d.who.includes(t))
}

/// The exact output of `global display [--csv] [--no-headers]`: one `key: value` line per key
/// in table order. Unlike spec §2.3 (Jool 4.1 indents each line by two spaces), lines start at
/// the margin, as the user's seed shows (`jool global display | grep pool6` prints
/// `pool6: 2001:db8:64::/96`); see the README's deliberate differences.
pub fn display(globals: &Globals, t: XlatorType, csv: bool, no_headers: bool) -> String {
    let mut out = String::new();
    if csv && !no_headers {
        out.push_str("Field,Value\n");
    }
    for def in keys_for(t) {
        let value = def.format(globals, csv);
        if csv {
            out.push_str(&format!("{},{}\n", def.name, value));
        } else {
            out.push_str(&format!("{}: {}\n", def.name, value));
        }
    }
    out
}
