//! Behaviour tests of the database: BIB rules, sessions both ways, TCP through the tables,
//! timers, the simultaneous-open store, and the invariants under random traffic.

use super::*;
use std::net::{Ipv4Addr, Ipv6Addr};

mod bib_rules;
mod filtering;
mod props;
mod scale;
mod timers;

pub(super) const POOL6: &str = "64:ff9b::/96";

pub(super) fn db_with(shards: usize, max_sessions: usize) -> Nat64Db {
    let mut cfg = DbConfig::new(POOL6.parse().unwrap(), [42; 16]);
    cfg.shards = shards;
    cfg.max_sessions = max_sessions;
    Nat64Db::new(&cfg)
}

pub(super) fn db() -> Nat64Db {
    db_with(4, 1000)
}

pub(super) fn pool(proto: L4Proto, pfx: &str, lo: u16, hi: u16) -> Pool4 {
    let mut p = Pool4::new();
    p.add(0, proto, pfx.parse().unwrap(), PortRange::new(lo, hi), None)
        .unwrap();
    p
}

pub(super) fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

pub(super) fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// Client `2001:db8::<host>`#`port` → server 203.0.113.`srv`#`dport` through 64:ff9b::/96.
pub(super) fn t6(proto: L4Proto, host: u16, port: u16, srv: u8, dport: u16) -> Tuple6 {
    Tuple6 {
        src: Taddr6::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, host), port),
        dst: Taddr6::new(
            crate::addr::rfc6052::addr_4to6(
                &POOL6.parse().unwrap(),
                Ipv4Addr::new(203, 0, 113, srv),
            )
            .unwrap(),
            dport,
        ),
        proto,
    }
}

/// Server 203.0.113.`srv`#`sport` → pool4 taddr `dst`.
pub(super) fn t4(proto: L4Proto, srv: u8, sport: u16, dst: Taddr4) -> Tuple4 {
    Tuple4 {
        src: Taddr4::new(Ipv4Addr::new(203, 0, 113, srv), sport),
        dst,
        proto,
    }
}

pub(super) fn out6(
    db: &Nat64Db,
    now: u64,
    p: &Params,
    pool4: &Pool4,
    t: &Tuple6,
    f: TcpFlags,
) -> Result<SessionView, crate::stats::Jstat> {
    db.filtering_and_updating_6to4(now, p, pool4, 0, None, t, f)
}
