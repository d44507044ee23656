//! Behaviour tests of session synchronization: received sessions in the database, the
//! advertisement walk, and the whole loop on two instances (queue → batch → import).

use super::*;
use crate::globals::Globals;
use crate::host::StaticHost;
use crate::nat64::tests::{db, db_with, out6, pool, t6, v4, v6};
use crate::nat64::{
    L4Proto, Params, Pool4, PortRange, Taddr4, Taddr6, TcpFlags, TcpState, Timeouts, TimerClass,
};
use crate::nat64_instance::{Nat64, Nat64Config, SsError};
use crate::packet::PacketBuf;
use crate::stats::{Jstat, Stats};
use crate::verdict::Verdict;
use jool_wire::checksum;

fn udp_session(port6: u16, port4: u16, remaining_ms: u32) -> SsSession {
    SsSession {
        proto: L4Proto::Udp,
        src6: Taddr6::new(v6("2001:db8::8"), port6),
        src4: Taddr4::new(v4("192.0.2.1"), port4),
        dst4: Taddr4::new(v4("203.0.113.8"), 53),
        remaining_ms,
        state: TcpState::Established,
        timer: TimerClass::Udp,
    }
}

#[test]
fn imports_a_session_with_its_bib_entry_and_remaining_time() {
    let db = db();
    let t = Timeouts::default();
    let s = udp_session(5000, 6000, 100_000);
    assert_eq!(db.ss_import(1_000_000, &t, &s), Imported::Added);
    let got = db.sessions(L4Proto::Udp);
    assert_eq!(got.len(), 1);
    let v = got[0];
    assert_eq!((v.src6, v.src4, v.dst4), (s.src6, s.src4, s.dst4));
    assert_eq!(v.dst6, Taddr6::new(v6("64:ff9b::cb00:7108"), 53));
    assert_eq!(v.remaining(1_000_000, &t), 100_000);
    assert_eq!(db.bib_count(), 1);
    assert_eq!(db.session_count(), 1);
    let bib = db.bib_entries(L4Proto::Udp);
    assert!(!bib[0].is_static);
}

#[test]
fn refreshes_an_identical_session_state_and_timer() {
    let db = db();
    let t = Timeouts::default();
    let mut s = SsSession {
        proto: L4Proto::Tcp,
        state: TcpState::V6Init,
        timer: TimerClass::TcpTrans,
        ..udp_session(5000, 6000, 60_000)
    };
    assert_eq!(db.ss_import(10_000_000, &t, &s), Imported::Added);
    s.state = TcpState::Established;
    s.timer = TimerClass::TcpEst;
    s.remaining_ms = 7_000_000;
    assert_eq!(db.ss_import(10_000_500, &t, &s), Imported::Refreshed);
    let v = db.sessions(L4Proto::Tcp)[0];
    assert_eq!(v.state, Some(TcpState::Established));
    assert_eq!(v.timer, TimerClass::TcpEst);
    assert_eq!(v.remaining(10_000_500, &t), 7_000_000);
    assert_eq!(db.session_count(), 1);
    // A lifetime longer than this instance's timeout: the whole timeout from now.
    s.remaining_ms = 9_000_000;
    assert_eq!(db.ss_import(10_001_000, &t, &s), Imported::Refreshed);
    let v = db.sessions(L4Proto::Tcp)[0];
    assert_eq!(v.remaining(10_001_000, &t), t.tcp_est);
}

#[test]
fn icmp_sessions_take_the_identifier_of_the_mask_as_the_peers() {
    let db = db();
    let s = SsSession {
        proto: L4Proto::Icmp,
        timer: TimerClass::Icmp,
        dst4: Taddr4::new(v4("203.0.113.8"), 999), // the peer's own idea: ignored
        ..udp_session(211, 15308, 30_000)
    };
    db.ss_import(100_000, &Timeouts::default(), &s);
    let v = db.sessions(L4Proto::Icmp)[0];
    assert_eq!(v.dst4.port, 15308);
    assert_eq!(v.dst6.port, 211);
}

#[test]
fn warns_when_the_bib_contradicts_the_incoming_session() {
    let db = db();
    let t = Timeouts::default();
    db.ss_import(0, &t, &udp_session(5000, 6000, 1000));
    // Same client, other mask.
    let s = udp_session(5000, 6001, 1000);
    assert_eq!(
        db.ss_import(0, &t, &s),
        Imported::OutOfSync(
            "We're out of sync: Incoming session entry 2001:db8::8#5000|64:ff9b::cb00:7108#53|192.0.2.1#6001|203.0.113.8#53|UDP collides with DB entry 2001:db8::8#5000|192.0.2.1#6000|UDP."
                .into()
        )
    );
    // Other client, same mask.
    let s = udp_session(5001, 6000, 1000);
    let Imported::OutOfSync(text) = db.ss_import(0, &t, &s) else {
        panic!("not out of sync");
    };
    assert!(text.ends_with("collides with DB entry 2001:db8::8#5000|192.0.2.1#6000|UDP."));
    assert_eq!(db.session_count(), 1);
    assert_eq!(db.bib_count(), 1);
}

#[test]
fn refuses_sessions_beyond_the_session_cap() {
    let db = db_with(2, 1);
    let t = Timeouts::default();
    assert_eq!(
        db.ss_import(0, &t, &udp_session(1, 1, 1000)),
        Imported::Added
    );
    assert_eq!(
        db.ss_import(0, &t, &udp_session(2, 2, 1000)),
        Imported::Refused(Jstat::Enomem)
    );
    assert_eq!(db.bib_count(), 1);
}

#[test]
fn the_advertisement_walk_visits_every_session_once_in_batches() {
    let db = db_with(4, 1000);
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 2000);
    for host in 1..=10u16 {
        out6(
            &db,
            0,
            &p,
            &pool4,
            &t6(L4Proto::Udp, host, 4000, 8, 53),
            TcpFlags::default(),
        )
        .unwrap();
    }
    let mut cur = AdCursor::default();
    let mut seen = Vec::new();
    let mut batches = 0;
    loop {
        let mut out = Vec::new();
        let (n, done) = db.ss_walk(&mut cur, 1000, &p.timeouts, 4, &mut out);
        assert!(n <= 4);
        assert_eq!(out.len(), n * ATTR_LEN);
        seen.extend(decode(&out).map(|s| s.unwrap()));
        batches += 1;
        if done {
            break;
        }
        assert!(batches < 20, "the walk must end");
    }
    assert_eq!(seen.len(), 10);
    let mut ports: Vec<_> = seen.iter().map(|s| s.src6.addr).collect();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 10);
    assert!(seen.iter().all(|s| s.remaining_ms == 299_000));
}

// ---- Two instances ---------------------------------------------------------------------

fn nat(ss_enabled: bool, max_per_packet: u32) -> Nat64 {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ss_enabled,
        ss_max_sessions_per_packet: max_per_packet,
        ..Globals::default()
    };
    let mut p4 = Pool4::new();
    p4.add(
        0,
        L4Proto::Udp,
        "192.0.2.1/32".parse().unwrap(),
        PortRange::new(1000, 2000),
        None,
    )
    .unwrap();
    Nat64::new(Nat64Config::new(globals, p4, [9; 16])).unwrap()
}

/// UDP 2001:db8::8#`sport` → 64:ff9b::203.0.113.8#53.
fn udp6(sport: u16) -> Vec<u8> {
    let src = v6("2001:db8::8");
    let dst = v6("64:ff9b::cb00:7108");
    let mut udp = vec![0u8; 12];
    udp[0..2].copy_from_slice(&sport.to_be_bytes());
    udp[2..4].copy_from_slice(&53u16.to_be_bytes());
    udp[4..6].copy_from_slice(&12u16.to_be_bytes());
    udp[8..12].copy_from_slice(b"ping");
    let ph = checksum::pseudo_v6(src, dst, 17, 12);
    let c = checksum::finish(checksum::combine(checksum::sum(&udp), ph));
    udp[6..8].copy_from_slice(&c.to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0, 0, 12, 17, 64];
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&udp);
    p
}

fn translate(n: &Nat64, now: u64, pkt: &[u8]) -> Verdict {
    let mut host = StaticHost::default();
    let mut stats = Stats::default();
    let mut buf = PacketBuf::new();
    let mut reply = PacketBuf::new();
    buf.load(pkt);
    n.handle(now, &mut host, &mut stats, 0, &mut buf, &mut reply)
}

fn ss_stats(n: &Nat64) -> Stats {
    let mut s = Stats::default();
    n.fill_ss_stats(&mut s);
    s
}

#[test]
fn translation_queues_nothing_while_ss_is_disabled() {
    let a = nat(false, 1);
    assert_eq!(translate(&a, 1000, &udp6(4000)), Verdict::Translated);
    assert_eq!(a.ss_poll(1000, true), None);
    assert_eq!(a.ss_poll(100_000, true), None);
    assert_eq!(ss_stats(&a).iter().filter(|(_, v)| *v != 0).count(), 0);
}

#[test]
fn a_translated_session_reaches_the_peer_instance() {
    let (a, b) = (nat(true, 1), nat(true, 1));
    assert_eq!(translate(&a, 1000, &udp6(4000)), Verdict::Translated);
    let batch = a.ss_poll(1000, true).expect("a full batch goes at once");
    assert_eq!(batch.len(), ATTR_LEN);
    let report = b.ss_import(5000, &batch).unwrap();
    assert_eq!((report.added, report.refreshed), (1, 0));
    let sa = a.sessions(L4Proto::Udp);
    let sb = b.sessions(L4Proto::Udp);
    assert_eq!(sb.len(), 1);
    assert_eq!(
        (sb[0].src6, sb[0].src4, sb[0].dst4, sb[0].dst6),
        (sa[0].src6, sa[0].src4, sa[0].dst4, sa[0].dst6)
    );
    // The time left as of the send, counted from the reception (clocks need not agree).
    let t = a.params().timeouts;
    assert_eq!(sb[0].expires_at(&t), sa[0].expires_at(&t) + 4000);
    let st = ss_stats(&a);
    assert_eq!(st.get(Jstat::JooldSssQueued), 1);
    assert_eq!(st.get(Jstat::JooldPktFull), 1);
    assert_eq!(st.get(Jstat::JooldPktSent), 1);
    assert_eq!(st.get(Jstat::JooldSssSent), 1);
    let st = ss_stats(&b);
    assert_eq!(st.get(Jstat::JooldPktRcvd), 1);
    assert_eq!(st.get(Jstat::JooldSssRcvd), 1);
}

#[test]
fn the_next_batch_waits_for_the_ack_or_the_deadline() {
    let a = nat(true, 1);
    translate(&a, 1000, &udp6(4000));
    assert!(a.ss_poll(1000, true).is_some());
    translate(&a, 1100, &udp6(4001));
    assert_eq!(a.ss_poll(1100, true), None);
    assert_eq!(ss_stats(&a).get(Jstat::JooldMissingAck), 1);
    a.ss_ack();
    assert!(a.ss_poll(1100, true).is_some());
    translate(&a, 1200, &udp6(4002));
    assert_eq!(a.ss_poll(3099, false), None);
    assert!(a.ss_poll(3100, false).is_some(), "2 s after the last batch");
    let st = ss_stats(&a);
    assert_eq!(st.get(Jstat::JooldTimeout), 1);
    assert_eq!(st.get(Jstat::JooldAcks), 1);
    assert_eq!(
        st.get(Jstat::JooldMissingAck),
        1,
        "count_idle false counts nothing"
    );
    assert_eq!(a.ss_poll(10_000, true), None);
    assert_eq!(ss_stats(&a).get(Jstat::JooldEmpty), 1);
}

#[test]
fn advertise_sends_the_whole_database_beyond_capacity() {
    let a = nat(true, 2);
    let mut g = a.globals();
    g.ss_capacity = 1;
    a.set_globals(g).unwrap();
    for port in 4000..4005 {
        translate(&a, 1000, &udp6(port));
    }
    assert_eq!(ss_stats(&a).get(Jstat::JooldSssEnospc), 4);
    // The queued one goes first (a full batch is 2; one is queued: wait).
    assert_eq!(a.ss_poll(1000, true), None);
    a.ss_advertise(1000).unwrap();
    assert_eq!(a.ss_advertise(1000), Err(SsError::AdvertiseOngoing));
    assert_eq!(
        SsError::AdvertiseOngoing.to_string(),
        "joold advertisement already in progress."
    );
    let b = nat(true, 2);
    let mut batches = 0;
    while let Some(batch) = a.ss_poll(1000, true) {
        b.ss_import(1000, &batch).unwrap();
        a.ss_ack();
        batches += 1;
        assert!(batches < 10);
    }
    assert_eq!(b.sessions(L4Proto::Udp).len(), 5);
    assert!(a.ss_advertise(1000).is_ok(), "the advertisement ended");
    let st = ss_stats(&a);
    assert_eq!(st.get(Jstat::JooldAds), 2);
    assert!(st.get(Jstat::JooldAdOngoing) >= 3);
}

#[test]
fn an_instance_without_ss_refuses_sessions_and_advertisements() {
    let (a, b) = (nat(true, 1), nat(false, 1));
    translate(&a, 1000, &udp6(4000));
    let batch = a.ss_poll(1000, true).unwrap();
    assert_eq!(b.ss_import(1000, &batch), Err(SsError::Disabled));
    assert_eq!(b.ss_advertise(1000), Err(SsError::Disabled));
    assert_eq!(
        SsError::Disabled.to_string(),
        "Session sync is disabled on this instance."
    );
    assert!(b.sessions(L4Proto::Udp).is_empty());
}

#[test]
fn the_out_of_sync_warning_is_given_once() {
    let b = nat(true, 1);
    let mut msg = Vec::new();
    udp_session(5000, 1500, 1000).encode_into(&mut msg);
    udp_session(5000, 1501, 1000).encode_into(&mut msg);
    let r = b.ss_import(0, &msg).unwrap();
    assert_eq!((r.added, r.refused, r.warnings.len()), (1, 1, 1));
    assert!(r.warnings[0].starts_with("We're out of sync: Incoming session entry "));
    let r = b.ss_import(0, &msg).unwrap();
    assert_eq!((r.refreshed, r.refused, r.warnings.len()), (1, 1, 0));
}

#[test]
fn a_malformed_message_keeps_the_sessions_before_the_error() {
    let b = nat(true, 1);
    let mut msg = Vec::new();
    udp_session(5000, 1500, 1000).encode_into(&mut msg);
    msg.extend_from_slice(&[1, 2, 3]);
    let r = b.ss_import(0, &msg).unwrap();
    assert_eq!(r.added, 1);
    assert_eq!(r.malformed, Some(SsWireError::Truncated));
    assert_eq!(ss_stats(&b).get(Jstat::JooldSssRcvd), 1);
}
