//! The pre-state checks of RFC 6146 §3.5, on tuples.

use super::*;
use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6, TcpFlags, Tuple4, Tuple6};
use crate::nat64::{DbConfig, PortRange};
use std::net::{Ipv4Addr, Ipv6Addr};

struct Env {
    db: Nat64Db,
    globals: Globals,
    params: Params,
    pool4: Pool4,
}

fn env() -> Env {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ..Globals::default()
    };
    let mut pool4 = Pool4::new();
    pool4
        .add(
            0,
            L4Proto::Udp,
            "192.0.2.1/32".parse().unwrap(),
            PortRange::new(1000, 1999),
            None,
        )
        .unwrap();
    Env {
        db: Nat64Db::new(&DbConfig::new(globals.pool6.unwrap(), [1; 16])),
        params: Params::from(&globals),
        globals,
        pool4,
    }
}

impl Env {
    fn filter(&self) -> Filter<'_> {
        Filter {
            db: &self.db,
            globals: &self.globals,
            params: &self.params,
            pool4: &self.pool4,
            now: 0,
        }
    }
}

fn inc6(src: &str, dst: &str, kind: Kind) -> Incoming6 {
    let (src, dst): (Ipv6Addr, Ipv6Addr) = (src.parse().unwrap(), dst.parse().unwrap());
    Incoming6 {
        tuple: Tuple6 {
            src: Taddr6::new(src, 5000),
            dst: Taddr6::new(dst, 53),
            proto: L4Proto::Udp,
        },
        flags: TcpFlags::NONE,
        kind,
        src,
        dst,
    }
}

fn host() -> crate::host::StaticHost {
    crate::host::StaticHost::default()
}

#[test]
fn creates_bib_and_session_for_ipv6_udp() {
    let e = env();
    let s = ipv6(
        &e.filter(),
        &mut host(),
        0,
        &inc6("2001:db8::8", "64:ff9b::cb00:7105", Kind::Transport),
    )
    .unwrap()
    .unwrap();
    assert!(s.created_bib && s.created_session);
    assert_eq!(s.dst4.addr, Ipv4Addr::new(203, 0, 113, 5));
}

#[test]
fn refuses_pool6_source_and_foreign_destination() {
    let e = env();
    let f = e.filter();
    let inc = inc6("64:ff9b::1", "64:ff9b::cb00:7105", Kind::Transport);
    assert_eq!(
        ipv6(&f, &mut host(), 0, &inc),
        Err(drop(Jstat::HairpinLoop))
    );
    let inc = inc6("2001:db8::8", "2001:db8::9", Kind::Transport);
    assert_eq!(
        ipv6(&f, &mut host(), 0, &inc),
        Err(untranslatable(Jstat::Pool6Mismatch))
    );
}

#[test]
fn leaves_state_alone_for_icmp_errors() {
    let e = env();
    let inc = inc6("2001:db8::8", "64:ff9b::cb00:7105", Kind::IcmpError);
    assert_eq!(ipv6(&e.filter(), &mut host(), 0, &inc), Ok(None));
    assert_eq!(e.db.session_count(), 0);
}

#[test]
fn hands_back_ipv4_outside_pool4() {
    let e = env();
    let inc = Incoming4 {
        tuple: Tuple4 {
            src: Taddr4::new(Ipv4Addr::new(203, 0, 113, 5), 53),
            dst: Taddr4::new(Ipv4Addr::new(192, 0, 2, 1), 2000),
            proto: L4Proto::Udp,
        },
        flags: TcpFlags::NONE,
        kind: Kind::Transport,
        src: Ipv4Addr::new(203, 0, 113, 5),
    };
    assert_eq!(
        ipv4(&e.filter(), &inc, &[]),
        Err(untranslatable(Jstat::Pool4Mismatch))
    );
    let mut inc = inc;
    inc.tuple.dst.port = 1500;
    assert_eq!(
        ipv4(&e.filter(), &inc, &[]),
        Err(untranslatable(Jstat::Bib4NotFound))
    );
}
