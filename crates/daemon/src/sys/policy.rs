//! Policy routing of a netfilter-framework instance: its routes (pool6, EAMT, pool4 prefixes)
//! live in a routing table of its own, consulted by every packet except those that come out
//! of its TUN.
//!
//! ```text
//!   0:          from all lookup local                        local destinations stay local
//!   1000 + n:   not from all iif jool-<id> lookup 0x6a00 + n  the instance's routes → TUN
//!   32766:      from all lookup main                         everything else, and what the
//!                                                            daemon writes into the TUN
//! ```
//!
//! A translated packet (iif = the TUN) is therefore routed as if the translator were not
//! there: an EAMT prefix that covers real hosts (on a link or behind a router) does not
//! send it back into the TUN, and a hand-back of an untranslatable packet goes where the
//! kernel would have sent it (or gets the kernel's own ICMP error) instead of looping.
//!
//! `n` is the first slot whose table no rule of the namespace uses; rules left by a
//! daemon that died (the TUN they name is gone) are removed first, and so are its nftables
//! steering tables ([`sweep_steering`]), which would otherwise keep sending traffic to a
//! device that no longer exists.

use jool_datapath::netlink::{self, Family, Rule};
use jool_datapath::{nft, NetNs};
use std::io;

/// First routing table of the instances (`0x6a00`: far from main/local/default, 253–255).
pub const TABLE_BASE: u32 = 0x6a00;
/// Priority of slot 0's rules (after `local` at 0, before `main` at 32766).
pub const PRIORITY_BASE: u32 = 1000;
/// Number of slots per namespace (each namespace has at most one netfilter instance per
/// translator type; the rest is headroom for other daemons and leftovers).
pub const SLOTS: u32 = 256;
/// The daemon's TUN devices are named `jool-<8 hex>`.
const TUN_PREFIX: &str = "jool-";

/// An instance's table and its two rules (IPv4, IPv6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The routing table of the instance's routes.
    pub table: u32,
    /// `not iif <tun> lookup <table>` for each family.
    pub rules: [Rule; 2],
}

impl Policy {
    /// The policy of slot `n` for TUN `tun`.
    pub fn new(n: u32, tun: &str) -> Policy {
        let table = TABLE_BASE + n;
        let rule = |family| Rule {
            family,
            priority: PRIORITY_BASE + n,
            table,
            iif: Some(tun.to_owned()),
            invert: true,
        };
        Policy {
            table,
            rules: [rule(Family::Ipv4), rule(Family::Ipv6)],
        }
    }
}

fn is_ours(r: &Rule) -> bool {
    r.invert
        && (TABLE_BASE..TABLE_BASE + SLOTS).contains(&r.table)
        && r.iif.as_deref().is_some_and(|i| i.starts_with(TUN_PREFIX))
}

/// Rules of jool-daemon instances whose TUN no longer exists among `links` (the daemon that
/// added them died without cleaning up).
pub fn stale(rules: &[Rule], links: &[String]) -> Vec<Rule> {
    rules
        .iter()
        .filter(|r| is_ours(r) && !r.iif.as_ref().is_some_and(|i| links.contains(i)))
        .cloned()
        .collect()
}

/// The first slot whose table no rule of `rules` (but those in `ignore`) uses.
pub fn free_slot(rules: &[Rule], ignore: &[Rule]) -> Option<u32> {
    (0..SLOTS).find(|n| {
        !rules
            .iter()
            .any(|r| r.table == TABLE_BASE + n && !ignore.contains(r))
    })
}

/// Picks a slot in `ns` for TUN `tun` (removing stale rules) and adds its rules. On error,
/// nothing is left behind.
pub fn install(ns: &NetNs, tun: &str) -> io::Result<Policy> {
    let rules = netlink::rules(ns)?;
    let links: Vec<String> = netlink::links(ns)?.into_iter().map(|l| l.name).collect();
    let stale = stale(&rules, &links);
    for r in &stale {
        match netlink::rule_del(ns, r) {
            Ok(()) => crate::log_info!("Removed the leftover routing rule ({r})."),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => crate::log_warn!("Cannot remove the leftover routing rule ({r}): {e}"),
        }
    }
    let n = free_slot(&rules, &stale).ok_or_else(|| {
        io::Error::other(format!(
            "every routing table from {TABLE_BASE} to {} is in use",
            TABLE_BASE + SLOTS - 1
        ))
    })?;
    let policy = Policy::new(n, tun);
    for (i, r) in policy.rules.iter().enumerate() {
        if let Err(e) = netlink::rule_add(ns, r) {
            for done in &policy.rules[..i] {
                let _ = netlink::rule_del(ns, done);
            }
            return Err(e);
        }
    }
    Ok(policy)
}

/// Steering tables (`netdev jool_<8 hex>`) whose TUN (`jool-<8 hex>`) is not among `links`.
pub fn stale_tables(tables: &[(String, String)], links: &[String]) -> Vec<(String, String)> {
    tables
        .iter()
        .filter(|(family, name)| {
            let Some(id) = name.strip_prefix("jool_") else {
                return false;
            };
            family == "netdev"
                && id.len() == 8
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !links.iter().any(|l| l.strip_prefix(TUN_PREFIX) == Some(id))
        })
        .cloned()
        .collect()
}

/// Deletes the steering tables a dead daemon left in `ns` (best effort: logged).
pub fn sweep_steering(ns: &NetNs) {
    let (tables, links) = match (nft::list_tables(ns), netlink::links(ns)) {
        (Ok(t), Ok(l)) => (t, l.into_iter().map(|l| l.name).collect::<Vec<_>>()),
        _ => return,
    };
    for (family, name) in stale_tables(&tables, &links) {
        match nft::delete_table(ns, &family, &name) {
            Ok(()) => crate::log_info!("Removed the leftover nftables table {family} {name}."),
            Err(e) => crate::log_warn!("Cannot remove the leftover table {family} {name}: {e}"),
        }
    }
}

/// Puts back a rule someone deleted (called on every re-sync).
pub fn ensure(ns: &NetNs, policy: &Policy) -> io::Result<()> {
    for r in &policy.rules {
        match netlink::rule_add(ns, r) {
            Ok(()) => crate::log_warn!("Restored the routing rule ({r})."),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Removes the rules (a rule already gone is fine); the first error is returned.
pub fn remove(ns: &NetNs, policy: &Policy) -> io::Result<()> {
    let mut first = None;
    for r in &policy.rules {
        match netlink::rule_del(ns, r) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    first.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(priority: u32, table: u32, iif: Option<&str>, invert: bool) -> Rule {
        Rule {
            family: Family::Ipv4,
            priority,
            table,
            iif: iif.map(str::to_owned),
            invert,
        }
    }

    #[test]
    fn slot_n_has_table_and_priority_n() {
        let p = Policy::new(2, "jool-0a1b2c3d");
        assert_eq!(p.table, 0x6a02);
        assert_eq!(
            p.rules[1].to_string(),
            "-6 pref 1002 not iif jool-0a1b2c3d lookup 27138"
        );
        assert_eq!(p.rules[0].family, Family::Ipv4);
    }

    #[test]
    fn picks_the_first_table_no_rule_uses() {
        let kernel = [
            rule(0, 255, None, false),
            rule(32766, 254, None, false),
            rule(32767, 253, None, false),
        ];
        assert_eq!(free_slot(&kernel, &[]), Some(0));
        let mut busy = kernel.to_vec();
        busy.push(rule(1000, TABLE_BASE, Some("jool-1"), true));
        // A user's rule on our second table counts too.
        busy.push(rule(5, TABLE_BASE + 1, None, false));
        assert_eq!(free_slot(&busy, &[]), Some(2));
        assert_eq!(free_slot(&busy, &busy[3..4]), Some(0));
        let full: Vec<Rule> = (0..SLOTS)
            .map(|n| rule(1, TABLE_BASE + n, None, false))
            .collect();
        assert_eq!(free_slot(&full, &[]), None);
    }

    #[test]
    fn only_rules_of_vanished_tuns_are_stale() {
        let rules = [
            rule(1000, TABLE_BASE, Some("jool-alive"), true),
            rule(1001, TABLE_BASE + 1, Some("jool-dead"), true),
            rule(1002, TABLE_BASE + 2, Some("eth0"), true),
            rule(1003, TABLE_BASE + 3, Some("jool-x"), false),
            rule(1004, 100, Some("jool-y"), true),
        ];
        let links = ["lo".to_string(), "jool-alive".to_string()];
        assert_eq!(stale(&rules, &links), [rules[1].clone()]);
    }

    #[test]
    fn only_steering_tables_of_vanished_tuns_are_stale() {
        let t = |f: &str, n: &str| (f.to_string(), n.to_string());
        let tables = [
            t("netdev", "jool_0a1b2c3d"),
            t("netdev", "jool_deadbeef"),
            t("inet", "jool_0badf00d"),
            t("netdev", "jool_mine"),
            t("netdev", "filter"),
        ];
        let links = ["lo".to_string(), "jool-0a1b2c3d".to_string()];
        assert_eq!(stale_tables(&tables, &links), [tables[1].clone()]);
    }
}
