//! Timers on a virtual clock, TCP probes, and the logging lines.

use crate::build::*;
use jool_core::nat64::{L4Proto, TcpState};
use jool_core::{Jstat, Verdict};

#[test]
fn expires_udp_session_after_udp_timeout() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    assert!(r.expire(299_999).is_empty());
    assert_eq!(r.stats.get(Jstat::Sessions), 1);
    r.expire(300_000);
    assert_eq!(r.stats.get(Jstat::Sessions), 0);
    assert_eq!(r.stats.get(Jstat::BibEntries), 0);
    assert_eq!(
        r.run(300_001, &udp4(SERVER, 53, MASK, mp, b"late")),
        Verdict::Untranslatable(Jstat::Bib4NotFound)
    );
}

#[test]
fn global_update_retimes_existing_sessions() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mut g = r.nat.globals();
    g.udp_timeout = 120_000;
    r.nat.set_globals(g.clone()).unwrap();
    r.expire(120_000);
    assert_eq!(r.stats.get(Jstat::Sessions), 0);
    g.pool6 = Some("2001:db8:64::/96".parse().unwrap());
    assert!(r.nat.set_globals(g).is_err(), "pool6 is immutable");
}

#[test]
fn probes_established_tcp_session_when_the_est_timer_expires() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &tcp6(CLIENT, 40000, SERVER6, 80, 0x02)),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    assert_eq!(
        r.run(0, &tcp4(SERVER, 80, MASK, mp, 0x12)),
        Verdict::Translated
    );
    let sent = r.expire(2 * 60 * 60 * 1000);
    assert_eq!(sent.len(), 1);
    let p = &sent[0];
    assert_eq!((src6(p), dst6(p), p[6]), (SERVER6, CLIENT, 6));
    assert_eq!(
        (be16(p, 40), be16(p, 42), p[53], be16(p, 54)),
        (80, 40000, 0x10, 8192)
    );
    assert!(l4_ok6(p));
    let s = r.nat.sessions(L4Proto::Tcp);
    assert_eq!(s[0].state, Some(TcpState::Trans));
}

#[test]
fn logs_bib_and_session_lines_in_jools_format() {
    let mut r = Rig::with(|g| {
        g.logging_bib = true;
        g.logging_session = true;
    });
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    r.expire(300_000);
    let t = "alpha 2015/4/8 16:13:2 (GMT) - ";
    assert_eq!(
        r.host.logs,
        vec![
            format!("{t}Mapped 2001:db8::8#40000 to 192.0.2.1#{mp} (UDP)"),
            format!("{t}Added session 2001:db8::8#40000|64:ff9b::cb00:7105#53|192.0.2.1#{mp}|203.0.113.5#53|UDP"),
            format!("{t}Forgot session 2001:db8::8#40000|64:ff9b::cb00:7105#53|192.0.2.1#{mp}|203.0.113.5#53|UDP"),
            format!("{t}Forgot 2001:db8::8#40000 to 192.0.2.1#{mp} (UDP)"),
        ]
    );
}

#[test]
fn logs_nothing_by_default() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    r.expire(300_000);
    assert!(r.host.logs.is_empty());
}
