//! Routing policy rules (`ip rule`): which routing table a packet is looked up in.
//!
//! The daemon puts an instance's routes in a table of its own and selects it with
//! `not iif <tun> lookup <table>`: packets arriving from anywhere but the TUN (and the
//! namespace's own output) see the instance's routes, while what the daemon writes into the
//! TUN (translated packets, hand-backs) is routed by the namespace's other tables, as if the
//! translator were not there.
//!
//! ```text
//!   0:          from all lookup local         (local destinations stay local)
//!   1000 + n:   not from all iif jool-… lookup 0x6a00 + n
//!   32766:      from all lookup main
//! ```

use std::fmt;
use std::io;

use super::socket::{self, attrs, Msg};
use super::{c_string, ne_u32, route_socket};
use crate::netns::NetNs;
use crate::tun::validate_name;

const RTM_NEWRULE: u16 = 32;
const RTM_DELRULE: u16 = 33;
const RTM_GETRULE: u16 = 34;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
/// `struct fib_rule_hdr` length.
const FIB_RULE_HDR_LEN: usize = 12;
const FRA_IIFNAME: u16 = 3;
const FRA_PRIORITY: u16 = 6;
const FRA_TABLE: u16 = 15;
/// `fib_rule_hdr.flags`: the selectors' match is inverted (`ip rule add not ...`).
const FIB_RULE_INVERT: u32 = 0x2;
/// `fib_rule_hdr.action`: look the packet up in `table`.
const FR_ACT_TO_TBL: u8 = 1;
/// `RT_TABLE_UNSPEC`: the header's 8-bit table field when the table is in `FRA_TABLE`.
const RT_TABLE_UNSPEC: u8 = 0;

/// Address family of a rule (IPv4 and IPv6 have separate rule lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `ip -4 rule`.
    Ipv4,
    /// `ip -6 rule`.
    Ipv6,
}

impl Family {
    fn af(self) -> u8 {
        match self {
            Family::Ipv4 => libc::AF_INET as u8,
            Family::Ipv6 => libc::AF_INET6 as u8,
        }
    }

    fn from_af(af: u8) -> Option<Family> {
        match i32::from(af) {
            libc::AF_INET => Some(Family::Ipv4),
            libc::AF_INET6 => Some(Family::Ipv6),
            _ => None,
        }
    }
}

/// A rule `[not] [iif <iif>] lookup <table>` at `priority`. [`rules`] reports the other
/// rules of a namespace in this shape too, leaving out the selectors and actions this
/// struct does not have (source/destination prefixes, marks, `goto`...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule {
    /// IPv4 or IPv6.
    pub family: Family,
    /// Priority (`pref`): lower is consulted first; the kernel's own rules sit at 0
    /// (`local`), 32766 (`main`) and 32767 (`default`, IPv4 only).
    pub priority: u32,
    /// The routing table (`lookup`); 0 for rules whose action is not a table lookup.
    pub table: u32,
    /// Input interface selector (`iif`), by name.
    pub iif: Option<String>,
    /// Inverted match (`not`).
    pub invert: bool,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fam = match self.family {
            Family::Ipv4 => "-4",
            Family::Ipv6 => "-6",
        };
        write!(f, "{fam} pref {}", self.priority)?;
        if self.invert {
            f.write_str(" not")?;
        }
        if let Some(iif) = &self.iif {
            write!(f, " iif {iif}")?;
        }
        write!(f, " lookup {}", self.table)
    }
}

/// The `RTM_NEWRULE` / `RTM_DELRULE` message for `rule`.
fn rule_msg(op: u16, flags: u16, rule: &Rule) -> io::Result<Msg> {
    if let Some(iif) = &rule.iif {
        validate_name(iif)?;
    }
    let mut msg = Msg::new(op, flags);
    let hdr_flags = if rule.invert { FIB_RULE_INVERT } else { 0 };
    let mut hdr = [0u8; FIB_RULE_HDR_LEN];
    hdr[0] = rule.family.af();
    // dst_len, src_len, tos: 0 (no prefix selector).
    // The table goes in FRA_TABLE (32 bits); the header's 8-bit field only for small ones.
    hdr[4] = u8::try_from(rule.table).unwrap_or(RT_TABLE_UNSPEC);
    hdr[7] = FR_ACT_TO_TBL;
    hdr[8..12].copy_from_slice(&hdr_flags.to_ne_bytes());
    msg.put(&hdr);
    msg.attr(FRA_PRIORITY, &rule.priority.to_ne_bytes());
    msg.attr(FRA_TABLE, &rule.table.to_ne_bytes());
    if let Some(iif) = &rule.iif {
        let mut name = iif.as_bytes().to_vec();
        name.push(0);
        msg.attr(FRA_IIFNAME, &name);
    }
    Ok(msg)
}

/// Adds `rule` to `ns`. An equal rule already there is an error of kind
/// [`io::ErrorKind::AlreadyExists`].
pub fn rule_add(ns: &NetNs, rule: &Rule) -> io::Result<()> {
    let mut msg = rule_msg(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, rule)?;
    ns.enter(move || route_socket()?.request(&mut msg, &format!("cannot add rule ({rule})")))?
}

/// Removes `rule` from `ns`. A rule that is not there is an error of kind
/// [`io::ErrorKind::NotFound`].
pub fn rule_del(ns: &NetNs, rule: &Rule) -> io::Result<()> {
    let mut msg = rule_msg(RTM_DELRULE, 0, rule)?;
    ns.enter(move || route_socket()?.request(&mut msg, &format!("cannot delete rule ({rule})")))?
}

/// Every rule of `ns`, IPv4 and IPv6, in the kernel's order (see [`Rule`] for what is left
/// out).
pub fn rules(ns: &NetNs) -> io::Result<Vec<Rule>> {
    ns.enter(|| -> io::Result<Vec<Rule>> {
        let mut sock = route_socket()?;
        let mut out = Vec::new();
        for family in [Family::Ipv4, Family::Ipv6] {
            let mut msg = Msg::new(RTM_GETRULE, socket::NLM_F_DUMP);
            let mut hdr = [0u8; FIB_RULE_HDR_LEN];
            hdr[0] = family.af();
            msg.put(&hdr);
            sock.dump(&mut msg, "cannot list rules", |ty, payload| {
                if ty == RTM_NEWRULE {
                    out.extend(parse_rule(payload));
                }
            })?;
        }
        Ok(out)
    })?
}

/// A rule from an `RTM_NEWRULE` payload (`fib_rule_hdr` + attributes).
fn parse_rule(payload: &[u8]) -> Option<Rule> {
    let hdr = payload.get(..FIB_RULE_HDR_LEN)?;
    let family = Family::from_af(hdr[0])?;
    let flags = u32::from_ne_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]);
    let mut rule = Rule {
        family,
        priority: 0,
        table: if hdr[7] == FR_ACT_TO_TBL {
            u32::from(hdr[4])
        } else {
            0
        },
        iif: None,
        invert: flags & FIB_RULE_INVERT != 0,
    };
    for (at, data) in attrs(&payload[FIB_RULE_HDR_LEN..]) {
        match at {
            FRA_PRIORITY => rule.priority = ne_u32(data).unwrap_or(0),
            FRA_TABLE if hdr[7] == FR_ACT_TO_TBL => rule.table = ne_u32(data).unwrap_or(0),
            FRA_IIFNAME => rule.iif = Some(c_string(data)),
            _ => {}
        }
    }
    Some(rule)
}

/// The payload (after the netlink header) of a message, for the unit tests.
#[cfg(test)]
fn payload_of(msg: &mut Msg) -> Vec<u8> {
    msg.finish(1)[super::NLMSG_HDRLEN..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tun_rule() -> Rule {
        Rule {
            family: Family::Ipv6,
            priority: 1000,
            table: 0x6a00,
            iif: Some("jool-0a1b2c3d".into()),
            invert: true,
        }
    }

    #[test]
    fn encodes_not_iif_lookup_rule() {
        let mut msg = rule_msg(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, &tun_rule()).unwrap();
        let p = payload_of(&mut msg);
        // fib_rule_hdr: AF_INET6, no prefixes, table in FRA_TABLE, FR_ACT_TO_TBL, INVERT.
        assert_eq!(&p[..12], &[10, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0]);
        let a: Vec<(u16, Vec<u8>)> = attrs(&p[12..]).map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(
            a,
            vec![
                (FRA_PRIORITY, 1000u32.to_ne_bytes().to_vec()),
                (FRA_TABLE, 0x6a00u32.to_ne_bytes().to_vec()),
                (FRA_IIFNAME, b"jool-0a1b2c3d\0".to_vec()),
            ]
        );
    }

    #[test]
    fn parses_back_what_it_encodes() {
        let mut msg = rule_msg(RTM_NEWRULE, 0, &tun_rule()).unwrap();
        assert_eq!(parse_rule(&payload_of(&mut msg)), Some(tun_rule()));
        // The kernel's `32766: from all lookup main` (table in the header only).
        let mut main = vec![2u8, 0, 0, 0, 254, 0, 0, 1, 0, 0, 0, 0, 8, 0];
        main.extend_from_slice(&FRA_PRIORITY.to_ne_bytes());
        main.extend_from_slice(&32766u32.to_ne_bytes());
        let r = parse_rule(&main).unwrap();
        assert_eq!(
            (r.family, r.priority, r.table, r.iif, r.invert),
            (Family::Ipv4, 32766, 254, None, false)
        );
    }

    #[test]
    fn refuses_bad_interface_names_and_truncated_headers() {
        let mut bad = tun_rule();
        bad.iif = Some("no spaces".into());
        assert!(rule_msg(RTM_NEWRULE, 0, &bad).is_err());
        assert_eq!(parse_rule(&[10, 0, 0]), None);
        assert_eq!(parse_rule(&[99; 12]), None, "unknown family");
    }

    #[test]
    fn displays_like_ip_rule() {
        assert_eq!(
            tun_rule().to_string(),
            "-6 pref 1000 not iif jool-0a1b2c3d lookup 27136"
        );
    }
}
