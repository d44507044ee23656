use super::*;
use crate::stats::Jstat;

fn reply(
    db: &Nat64Db,
    now: u64,
    p: &Params,
    s: &SessionView,
    f: TcpFlags,
) -> Result<Filtered4, Jstat> {
    let t = Tuple4 {
        src: s.dst4,
        dst: s.src4,
        proto: s.proto,
    };
    db.filtering_and_updating_4to6(now, p, &t, f, &[0x45, 0, 0, 40])
}

fn state_of(db: &Nat64Db, s: &SessionView) -> Option<TcpState> {
    db.session_lookup4(&Tuple4 {
        src: s.dst4,
        dst: s.src4,
        proto: s.proto,
    })
    .and_then(|v| v.state)
}

#[test]
fn creates_bib_and_session_6to4_and_matches_the_reply_4to6() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.2/32", 8000, 8999);
    let t = t6(L4Proto::Udp, 5, 19945, 8, 53);
    let s = out6(&db, 100, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    assert!(s.created_bib && s.created_session && s.has_session);
    assert_eq!(s.src6, t.src);
    assert_eq!(s.dst6, t.dst);
    assert_eq!(s.dst4, Taddr4::new(v4("203.0.113.8"), 53));
    assert_eq!(s.src4.addr, v4("192.0.2.2"));
    assert!((8000..=8999).contains(&s.src4.port));
    assert_eq!(
        s.out_tuple_6to4(),
        Tuple4 {
            src: s.src4,
            dst: s.dst4,
            proto: L4Proto::Udp
        }
    );
    assert_eq!((db.bib_count(), db.session_count()), (1, 1));
    let Ok(Filtered4::Translate(r)) = reply(&db, 200, &p, &s, TcpFlags::NONE) else {
        panic!("reply refused");
    };
    assert!(!r.created_session);
    assert_eq!(
        r.out_tuple_4to6(),
        Tuple6 {
            src: t.dst,
            dst: t.src,
            proto: L4Proto::Udp
        }
    );
    assert_eq!(r.update_time, 200);
    // The same packet again reuses both.
    let again = out6(&db, 300, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    assert!(!again.created_bib && !again.created_session);
    assert_eq!(again.src4, s.src4);
}

#[test]
fn maps_one_ipv6_taddr_to_one_mask_whatever_the_destination() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.0/28", 1, 65535);
    let a = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 7000, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    let b = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 7000, 9, 123),
        TcpFlags::NONE,
    )
    .unwrap();
    let c = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 7001, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    assert_eq!(a.src4, b.src4);
    assert!(!b.created_bib && b.created_session);
    assert_ne!(a.src4, c.src4);
    assert_eq!((db.bib_count(), db.session_count()), (2, 3));
}

#[test]
fn icmp_identifier_plays_the_port_on_both_sides() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Icmp, "192.0.2.1/32", 15000, 15999);
    let t = t6(L4Proto::Icmp, 8, 211, 8, 211);
    let s = out6(&db, 0, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    assert_eq!(s.dst6.port, 211);
    assert_eq!(s.dst4.port, s.src4.port);
    assert_eq!(s.timer, TimerClass::Icmp);
    let echo_reply = Tuple4 {
        src: Taddr4::new(s.dst4.addr, s.src4.port),
        dst: s.src4,
        proto: L4Proto::Icmp,
    };
    let Ok(Filtered4::Translate(r)) =
        db.filtering_and_updating_4to6(1, &p, &echo_reply, TcpFlags::NONE, &[])
    else {
        panic!("echo reply refused");
    };
    assert_eq!(r.out_tuple_4to6().dst, t.src);
}

#[test]
fn refuses_ipv4_packets_without_bib_entry() {
    let db = db();
    let p = Params::default();
    let m = Taddr4::new(v4("192.0.2.1"), 1000);
    let f = |proto, flags| db.filtering_and_updating_4to6(0, &p, &t4(proto, 8, 80, m), flags, &[1]);
    assert_eq!(f(L4Proto::Udp, TcpFlags::NONE), Err(Jstat::Bib4NotFound));
    assert_eq!(f(L4Proto::Icmp, TcpFlags::NONE), Err(Jstat::Bib4NotFound));
    assert_eq!(f(L4Proto::Tcp, TcpFlags::NONE), Err(Jstat::Syn4Expected));
    let p2 = Params {
        drop_externally_initiated_tcp: true,
        ..p
    };
    let r =
        db.filtering_and_updating_4to6(0, &p2, &t4(L4Proto::Tcp, 8, 80, m), TcpFlags::SYN, &[1]);
    assert_eq!(r, Err(Jstat::V4Syn));
}

#[test]
fn refuses_ipv6_tcp_without_syn_or_bib_and_packets_outside_pool6() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let t = t6(L4Proto::Tcp, 5, 4000, 8, 80);
    assert_eq!(
        out6(&db, 0, &p, &pool4, &t, TcpFlags::NONE),
        Err(Jstat::Syn6Expected)
    );
    out6(&db, 0, &p, &pool4, &t, TcpFlags::SYN).unwrap();
    // BIB exists, but no session toward this other server: RFC 6146 §3.5.2.2 (CLOSED state)
    // translates it through the BIB entry alone and creates no session.
    let t2 = t6(L4Proto::Tcp, 5, 4000, 9, 80);
    let sessions = db.session_count();
    let v = out6(&db, 0, &p, &pool4, &t2, TcpFlags::NONE).unwrap();
    assert!(!v.has_session);
    assert_eq!(db.session_count(), sessions);
    let mut bad = t;
    bad.dst.addr = v6("2001:db8::1");
    assert_eq!(
        out6(&db, 0, &p, &pool4, &bad, TcpFlags::SYN),
        Err(Jstat::Pool6Mismatch)
    );
}

#[test]
fn refuses_when_no_mask_domain_or_no_free_mask() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1001);
    let t = t6(L4Proto::Udp, 5, 1, 8, 53);
    let r = db.filtering_and_updating_6to4(0, &p, &pool4, 7, None, &t, TcpFlags::NONE);
    assert_eq!(r, Err(Jstat::MaskDomainNotFound));
    out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 1, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 2, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    let r = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 3, 8, 53),
        TcpFlags::NONE,
    );
    assert_eq!(r, Err(Jstat::Bib6NotFound));
    assert_eq!((db.bib_count(), db.session_count()), (2, 2));
}

#[test]
fn uses_the_implicit_pool4_when_pool4_is_empty() {
    let db = db();
    let p = Params::default();
    let pool4 = Pool4::new();
    let t = t6(L4Proto::Tcp, 5, 1, 8, 80);
    let own = Some(v4("198.51.100.1"));
    let s = db
        .filtering_and_updating_6to4(0, &p, &pool4, 0, own, &t, TcpFlags::SYN)
        .unwrap();
    assert_eq!(s.src4.addr, v4("198.51.100.1"));
    assert!(s.src4.port >= 61001);
}

#[test]
fn session_cap_refuses_new_bib_and_new_session() {
    let db = db_with(2, 2);
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 1, 1, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 2, 1, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    let r = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 3, 1, 8, 53),
        TcpFlags::NONE,
    );
    assert_eq!(r, Err(Jstat::Bib6NotFound));
    let r = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 2, 1, 9, 53),
        TcpFlags::NONE,
    );
    assert_eq!(r, Err(Jstat::Enomem));
    let from_other = Tuple4 {
        src: Taddr4::new(v4("203.0.113.77"), 9),
        dst: s.src4,
        proto: L4Proto::Udp,
    };
    let r = db.filtering_and_updating_4to6(0, &p, &from_other, TcpFlags::NONE, &[]);
    assert_eq!(r, Err(Jstat::Enomem));
    assert_eq!((db.bib_count(), db.session_count()), (2, 2));
}

#[test]
fn address_dependent_filtering_admits_only_contacted_addresses() {
    let db = db();
    let p = Params {
        address_dependent_filtering: true,
        ..Params::default()
    };
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 1, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    let stranger = t4(L4Proto::Udp, 99, 53, s.src4);
    assert_eq!(
        db.filtering_and_updating_4to6(0, &p, &stranger, TcpFlags::NONE, &[]),
        Err(Jstat::Adf)
    );
    // Same address, other port: address-restricted, so admitted (new session).
    let other_port = t4(L4Proto::Udp, 8, 5353, s.src4);
    let r = db
        .filtering_and_updating_4to6(0, &p, &other_port, TcpFlags::NONE, &[])
        .unwrap();
    assert!(matches!(r, Filtered4::Translate(v) if v.created_session));
    // Without ADF the stranger gets in (endpoint-independent filtering).
    let open = Params::default();
    assert!(db
        .filtering_and_updating_4to6(0, &open, &stranger, TcpFlags::NONE, &[])
        .is_ok());
}

#[test]
fn walks_tcp_states_through_the_tables() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let t = t6(L4Proto::Tcp, 5, 4000, 8, 80);
    let s = out6(&db, 0, &p, &pool4, &t, TcpFlags::SYN).unwrap();
    assert_eq!(
        (s.state, s.timer),
        (Some(TcpState::V6Init), TimerClass::TcpTrans)
    );
    reply(&db, 10, &p, &s, TcpFlags::SYN).unwrap();
    assert_eq!(state_of(&db, &s), Some(TcpState::Established));
    out6(&db, 20, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    reply(&db, 30, &p, &s, TcpFlags::FIN).unwrap();
    assert_eq!(state_of(&db, &s), Some(TcpState::V4FinRcv));
    let v = out6(&db, 40, &p, &pool4, &t, TcpFlags::FIN).unwrap();
    assert_eq!(
        (v.state, v.timer),
        (Some(TcpState::V4FinV6FinRcv), TimerClass::TcpTrans)
    );
    let mut ev = Events::default();
    db.expire(40 + p.timeouts.tcp_trans - 1, &p, &mut ev);
    assert!(ev.is_empty());
    db.expire(40 + p.timeouts.tcp_trans, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 1);
    assert_eq!(ev.bibs_removed, vec![s.bib()]);
    assert_eq!((db.bib_count(), db.session_count()), (0, 0));
}

#[test]
fn translates_non_syn_ipv4_tcp_through_bib_without_session() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Tcp, 5, 4000, 8, 80),
        TcpFlags::SYN,
    )
    .unwrap();
    let r = db.filtering_and_updating_4to6(
        0,
        &p,
        &t4(L4Proto::Tcp, 50, 80, s.src4),
        TcpFlags::NONE,
        &[],
    );
    let Ok(Filtered4::Translate(v)) = r else {
        panic!("{r:?}")
    };
    assert!(!v.has_session && !v.created_session);
    assert_eq!(v.out_tuple_4to6().dst, s.src6);
    assert_eq!(db.session_count(), 1);
}

#[test]
fn stores_type1_syn_and_refuses_retries_and_overflow() {
    let db = db();
    let p = Params {
        maximum_simultaneous_opens: 2,
        ..Params::default()
    };
    let m = Taddr4::new(v4("192.0.2.1"), 1000);
    let syn = |srv, port| {
        db.filtering_and_updating_4to6(
            0,
            &p,
            &t4(L4Proto::Tcp, srv, port, m),
            TcpFlags::SYN,
            &[0x45; 60],
        )
    };
    assert_eq!(syn(8, 80), Ok(Filtered4::Stored(SoType::Type1)));
    assert_eq!(syn(8, 80), Err(Jstat::SoExists));
    assert_eq!(syn(9, 80), Ok(Filtered4::Stored(SoType::Type1)));
    assert_eq!(syn(10, 80), Err(Jstat::SoFull));
    let mut ev = Events::default();
    db.expire(5_999, &p, &mut ev);
    assert!(ev.stored_expired.is_empty());
    db.expire(6_000, &p, &mut ev);
    assert_eq!(ev.stored_expired.len(), 2);
    assert_eq!(ev.stored_expired[0].bytes, vec![0x45; 60]);
    assert_eq!(db.stored_count(), 0);
}

#[test]
fn ipv6_syn_meets_stored_type1_syn_on_its_mask() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let m = Taddr4::new(v4("192.0.2.1"), 1777);
    let r = db.filtering_and_updating_4to6(0, &p, &t4(L4Proto::Tcp, 8, 80, m), TcpFlags::SYN, &[1]);
    assert_eq!(r, Ok(Filtered4::Stored(SoType::Type1)));
    let s = out6(
        &db,
        1,
        &p,
        &pool4,
        &t6(L4Proto::Tcp, 5, 4000, 8, 80),
        TcpFlags::SYN,
    )
    .unwrap();
    assert_eq!(s.src4, m);
    assert_eq!(db.stored_count(), 0);
}

#[test]
fn stores_type2_syn_on_v4_init_session_until_ipv6_answers() {
    let db = db();
    let p = Params {
        address_dependent_filtering: true,
        ..Params::default()
    };
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Tcp, 5, 4000, 8, 80),
        TcpFlags::SYN,
    )
    .unwrap();
    let peer = t4(L4Proto::Tcp, 50, 6000, s.src4);
    let r = db.filtering_and_updating_4to6(10, &p, &peer, TcpFlags::SYN, &[7; 40]);
    assert_eq!(r, Ok(Filtered4::Stored(SoType::Type2)));
    let v = db.session_lookup4(&peer).unwrap();
    assert_eq!(
        (v.state, v.timer),
        (Some(TcpState::V4Init), TimerClass::Syn4)
    );
    assert_eq!(
        db.filtering_and_updating_4to6(11, &p, &peer, TcpFlags::SYN, &[7; 40]),
        Err(Jstat::SoExists)
    );
    // The IPv6 side opens toward the peer: ESTABLISHED, stored SYN dropped.
    let t = t6(L4Proto::Tcp, 5, 4000, 50, 6000);
    let v = out6(&db, 20, &p, &pool4, &t, TcpFlags::SYN).unwrap();
    assert_eq!(
        (v.state, v.timer),
        (Some(TcpState::Established), TimerClass::TcpEst)
    );
    assert_eq!(db.stored_count(), 0);
}

#[test]
fn unanswered_type2_syn_expires_with_its_session_after_six_seconds() {
    let db = db();
    let p = Params {
        address_dependent_filtering: true,
        ..Params::default()
    };
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Tcp, 5, 4000, 8, 80),
        TcpFlags::SYN,
    )
    .unwrap();
    let peer = t4(L4Proto::Tcp, 50, 6000, s.src4);
    db.filtering_and_updating_4to6(1_000, &p, &peer, TcpFlags::SYN, &[9; 40])
        .unwrap();
    let mut ev = Events::default();
    db.expire(6_999, &p, &mut ev);
    assert!(ev.is_empty());
    db.expire(7_000, &p, &mut ev);
    assert_eq!(ev.stored_expired.len(), 1);
    assert_eq!(ev.stored_expired[0].tuple4, peer);
    assert_eq!(ev.sessions_removed.len(), 1);
    assert!(
        ev.bibs_removed.is_empty(),
        "the V6_INIT session keeps the BIB entry"
    );
    assert_eq!(db.session_count(), 1);
}

#[test]
fn lookups_do_not_refresh_sessions() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    let t = t6(L4Proto::Udp, 5, 4000, 8, 53);
    let s = out6(&db, 5, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    assert_eq!(db.session_lookup6(&t).unwrap().update_time, 5);
    assert_eq!(db.bib_lookup4(L4Proto::Udp, s.src4), Some(s.bib()));
    assert_eq!(db.bib_lookup6(L4Proto::Udp, s.src6), Some(s.bib()));
    assert_eq!(db.bib_lookup6(L4Proto::Tcp, s.src6), None);
    let mut stats = crate::stats::Stats::default();
    db.fill_gauges(&mut stats);
    assert_eq!(
        (stats.get(Jstat::BibEntries), stats.get(Jstat::Sessions)),
        (1, 1)
    );
}
