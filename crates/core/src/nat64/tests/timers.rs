use super::*;

fn udp_sessions(db: &Nat64Db, p: &Params, pool4: &Pool4, times: &[u64]) -> Vec<SessionView> {
    times
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            out6(
                db,
                t,
                p,
                pool4,
                &t6(L4Proto::Udp, 1, i as u16 + 1, 8, 53),
                TcpFlags::NONE,
            )
            .unwrap()
        })
        .collect()
}

fn examined(db: &Nat64Db) -> usize {
    db.shards.iter().map(|s| db::lock(s).examined.get()).sum()
}

#[test]
fn expires_sessions_oldest_first() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    let s = udp_sessions(&db, &p, &pool4, &[0, 1_000, 2_000, 3_000]);
    let mut ev = Events::default();
    db.expire(p.timeouts.udp + 1_000, &p, &mut ev);
    let gone: Vec<Taddr6> = ev.sessions_removed.iter().map(|v| v.src6).collect();
    assert_eq!(gone, vec![s[0].src6, s[1].src6]);
    assert_eq!(ev.bibs_removed.len(), 2);
    assert_eq!(db.session_count(), 2);
}

#[test]
fn expire_with_nothing_due_looks_only_at_list_heads() {
    let db = db_with(4, 100_000);
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.0/30", 1, 65535);
    let times: Vec<u64> = (0..5_000).collect();
    udp_sessions(&db, &p, &pool4, &times);
    let before = examined(&db);
    let mut ev = Events::default();
    db.expire(p.timeouts.udp - 1, &p, &mut ev);
    assert!(ev.is_empty());
    // One head per non-empty list (4 shards × 1 UDP list), not 5,000 sessions.
    assert!(examined(&db) - before <= 4, "{}", examined(&db) - before);
    // Three due: three removed, and only those (plus one head per list) examined.
    let before = examined(&db);
    db.expire(p.timeouts.udp + 2, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 3);
    assert!(examined(&db) - before <= 3 + 4);
}

#[test]
fn refresh_moves_session_to_the_back_of_the_line() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    let s = udp_sessions(&db, &p, &pool4, &[0, 1_000]);
    let t = Tuple4 {
        src: s[0].dst4,
        dst: s[0].src4,
        proto: L4Proto::Udp,
    };
    db.filtering_and_updating_4to6(2_000, &p, &t, TcpFlags::NONE, &[])
        .unwrap();
    let mut ev = Events::default();
    db.expire(p.timeouts.udp + 1_500, &p, &mut ev);
    assert_eq!(
        ev.sessions_removed
            .iter()
            .map(|v| v.src6)
            .collect::<Vec<_>>(),
        vec![s[1].src6]
    );
    db.expire(p.timeouts.udp + 2_000, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 2);
}

#[test]
fn changing_a_timeout_retimes_existing_sessions() {
    let db = db();
    let mut p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1999);
    udp_sessions(&db, &p, &pool4, &[0, 10]);
    let s = &db.sessions(L4Proto::Udp)[0];
    assert_eq!(s.remaining(100, &p.timeouts), 300_000 - 100);
    p.timeouts.udp = 120_000;
    assert_eq!(s.remaining(100, &p.timeouts), 120_000 - 100);
    let mut ev = Events::default();
    db.expire(120_000, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 1);
    db.expire(120_010, &p, &mut ev);
    assert_eq!(db.session_count(), 0);
}

#[test]
fn established_expiry_sends_probe_and_moves_to_trans() {
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
    let t = Tuple4 {
        src: s.dst4,
        dst: s.src4,
        proto: L4Proto::Tcp,
    };
    db.filtering_and_updating_4to6(0, &p, &t, TcpFlags::SYN, &[])
        .unwrap();
    let mut ev = Events::default();
    let est = p.timeouts.tcp_est;
    db.expire(est, &p, &mut ev);
    assert_eq!(
        ev.probes,
        vec![TcpProbe {
            src: s.dst6,
            dst: s.src6
        }]
    );
    assert!(ev.sessions_removed.is_empty());
    let v = db.session_lookup4(&t).unwrap();
    assert_eq!(
        (v.state, v.timer, v.update_time),
        (Some(TcpState::Trans), TimerClass::TcpTrans, est)
    );
    // Traffic resumes: back to ESTABLISHED.
    db.filtering_and_updating_4to6(est + 1, &p, &t, TcpFlags::NONE, &[])
        .unwrap();
    assert_eq!(
        db.session_lookup4(&t).unwrap().state,
        Some(TcpState::Established)
    );
    // Silence: probe, then the transitory timer removes it.
    ev.clear();
    db.expire(2 * est + 1, &p, &mut ev);
    assert_eq!(ev.probes.len(), 1);
    db.expire(2 * est + 1 + p.timeouts.tcp_trans, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 1);
    assert_eq!(db.bib_count(), 0);
}

#[test]
fn fin_rcv_session_dies_when_established_timer_expires() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let t = t6(L4Proto::Tcp, 5, 4000, 8, 80);
    let s = out6(&db, 0, &p, &pool4, &t, TcpFlags::SYN).unwrap();
    let r = Tuple4 {
        src: s.dst4,
        dst: s.src4,
        proto: L4Proto::Tcp,
    };
    db.filtering_and_updating_4to6(0, &p, &r, TcpFlags::SYN, &[])
        .unwrap();
    out6(&db, 0, &p, &pool4, &t, TcpFlags::FIN).unwrap();
    let mut ev = Events::default();
    db.expire(p.timeouts.tcp_est, &p, &mut ev);
    assert!(ev.probes.is_empty());
    assert_eq!(ev.sessions_removed[0].state, Some(TcpState::V6FinRcv));
}

#[test]
fn unanswered_v6_init_dies_on_the_transitory_timer() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Tcp, 5, 4000, 8, 80),
        TcpFlags::SYN,
    )
    .unwrap();
    let mut ev = Events::default();
    db.expire(p.timeouts.tcp_trans, &p, &mut ev);
    assert_eq!(ev.sessions_removed[0].state, Some(TcpState::V6Init));
    assert_eq!((db.bib_count(), db.session_count()), (0, 0));
}

#[test]
fn rst_during_fin_rcv_shortens_life_only_when_enabled() {
    let db = db();
    let p = Params {
        handle_rst_during_fin_rcv: true,
        ..Params::default()
    };
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1999);
    let t = t6(L4Proto::Tcp, 5, 4000, 8, 80);
    let s = out6(&db, 0, &p, &pool4, &t, TcpFlags::SYN).unwrap();
    let r = Tuple4 {
        src: s.dst4,
        dst: s.src4,
        proto: L4Proto::Tcp,
    };
    db.filtering_and_updating_4to6(0, &p, &r, TcpFlags::SYN, &[])
        .unwrap();
    db.filtering_and_updating_4to6(0, &p, &r, TcpFlags::FIN, &[])
        .unwrap();
    db.filtering_and_updating_4to6(0, &p, &r, TcpFlags::RST, &[])
        .unwrap();
    let v = db.session_lookup4(&r).unwrap();
    assert_eq!(
        (v.state, v.timer),
        (Some(TcpState::V4FinRcv), TimerClass::TcpTrans)
    );
}
