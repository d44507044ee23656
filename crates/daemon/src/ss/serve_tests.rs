//! Session synchronization through the registry and a subscriber connection (fake plumbing).

use super::serve;
use crate::plumbing::fake::FakePlumbing;
use crate::registry::tests::{add_op, err, ns, registry, req, run};
use crate::registry::Registry;
use jool_core::nat64::ss::SsSession;
use jool_core::nat64::{L4Proto, Taddr4, Taddr6, TcpState, TimerClass};
use jool_core::Jstat;
use jool_ctl::proto::{FrameworkDto, Op, Response, SsUp, Xlator};
use jool_ctl::stream::{write_frame, FrameReader};
use jool_ctl::transport;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const NAT: Xlator = Xlator::Nat64;

fn set(r: &Registry<FakePlumbing>, key: &str, value: &str) {
    let op = Op::GlobalUpdate {
        key: key.into(),
        value: value.into(),
        force: false,
    };
    assert_eq!(run(r, 1, NAT, "default", op), Response::Ok);
}

fn nat64(ss: bool) -> Registry<FakePlumbing> {
    let r = registry();
    let add = add_op(FrameworkDto::Netfilter, Some("64:ff9b::/96"));
    assert_eq!(run(&r, 1, NAT, "default", add), Response::Ok);
    if ss {
        set(&r, "ss-enabled", "true");
    }
    r
}

/// Two UDP sessions of 2001:db8::8 toward 203.0.113.8#53, as a peer sends them.
fn peer_batch() -> Vec<u8> {
    let mut out = Vec::new();
    for port in [5000u16, 5001] {
        SsSession {
            proto: L4Proto::Udp,
            src6: Taddr6::new("2001:db8::8".parse().unwrap(), port),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), port + 1000),
            dst4: Taddr4::new("203.0.113.8".parse().unwrap(), 53),
            remaining_ms: 100_000,
            state: TcpState::Established,
            timer: TimerClass::Udp,
        }
        .encode_into(&mut out);
    }
    out
}

fn stat(r: &Registry<FakePlumbing>, s: Jstat) -> u64 {
    let Response::Stats(v) = run(r, 1, NAT, "default", Op::StatsDisplay) else {
        panic!("no stats");
    };
    v.iter()
        .find(|(id, _)| *id == s.id())
        .map_or(0, |(_, v)| *v)
}

#[test]
fn injected_sessions_show_in_session_display_and_stats() {
    let r = nat64(true);
    let inject = Op::SsInject { data: peer_batch() };
    assert_eq!(run(&r, 1, NAT, "default", inject), Response::Ok);
    let Response::Sessions(rows) = run(
        &r,
        1,
        NAT,
        "default",
        Op::SessionDisplay {
            proto: jool_ctl::proto::ProtoDto::Udp,
        },
    ) else {
        panic!("no sessions");
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].dst6, ("64:ff9b::cb00:7108".parse().unwrap(), 53));
    assert_eq!(stat(&r, Jstat::JooldPktRcvd), 1);
    assert_eq!(stat(&r, Jstat::JooldSssRcvd), 2);
}

#[test]
fn refuses_sessions_and_advertisements_when_ss_is_disabled() {
    let r = nat64(false);
    let msg = "Session sync is disabled on this instance.";
    let inject = Op::SsInject { data: peer_batch() };
    assert_eq!(run(&r, 1, NAT, "default", inject), err(22, msg));
    assert_eq!(run(&r, 1, NAT, "default", Op::SsAdvertise), err(22, msg));
    let unprivileged = r.handle(ns(1), false, &req(NAT, "default", Op::SsAdvertise));
    assert!(matches!(unprivileged, Response::Error { errno: 1, .. }));
}

#[test]
fn refuses_a_second_advertisement_while_one_is_in_progress() {
    let r = nat64(true);
    set(&r, "ss-max-sessions-per-packet", "1");
    let inject = Op::SsInject { data: peer_batch() };
    assert_eq!(run(&r, 1, NAT, "default", inject), Response::Ok);
    // The first batch goes at once; the second waits for its ACK: still in progress.
    assert_eq!(run(&r, 1, NAT, "default", Op::SsAdvertise), Response::Ok);
    assert_eq!(
        run(&r, 1, NAT, "default", Op::SsAdvertise),
        err(22, "joold advertisement already in progress.")
    );
    assert_eq!(stat(&r, Jstat::JooldAds), 1);
    assert_eq!(stat(&r, Jstat::JooldAdOngoing), 1);
    assert_eq!(stat(&r, Jstat::JooldSssSent), 1);
}

fn subscribe(
    r: &Arc<Registry<FakePlumbing>>,
    privileged: bool,
    name: &str,
) -> (UnixStream, Arc<AtomicBool>, std::thread::JoinHandle<()>) {
    let (client, server) = UnixStream::pair().unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let closing = Arc::new(AtomicBool::new(false));
    let (r2, c2, request) = (
        Arc::clone(r),
        Arc::clone(&closing),
        req(NAT, name, Op::SsSubscribe),
    );
    let t = std::thread::spawn(move || serve(&r2, &server, ns(1), privileged, &request, &c2));
    (client, closing, t)
}

#[test]
fn a_subscriber_gets_the_advertised_sessions_and_acknowledges_them() {
    let r = Arc::new(nat64(true));
    set(&r, "ss-max-sessions-per-packet", "1");
    let inject = Op::SsInject { data: peer_batch() };
    assert_eq!(run(&r, 1, NAT, "default", inject), Response::Ok);
    let (client, closing, t) = subscribe(&r, true, "default");
    assert_eq!(transport::read_response(&client).unwrap(), Response::Ok);
    assert_eq!(run(&r, 1, NAT, "default", Op::SsAdvertise), Response::Ok);
    let mut reader = FrameReader::new();
    let mut sessions = 0;
    for _ in 0..2 {
        let Response::SsBatch(b) = reader.read::<Response>(&client).unwrap() else {
            panic!("not a batch");
        };
        assert_eq!(b.len(), 40, "one session per batch");
        sessions += 1;
        // Without this ACK the second batch would wait for the 2 s deadline.
        write_frame(&client, &SsUp::Ack).unwrap();
    }
    assert_eq!(sessions, 2);
    // A peer's sessions arrive on the same connection.
    write_frame(&client, &SsUp::Inject(peer_batch())).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(stat(&r, Jstat::JooldPktRcvd), 2);
    assert!(stat(&r, Jstat::JooldAcks) >= 1);
    closing.store(true, Ordering::SeqCst);
    t.join().unwrap();
    let inst = r.find(1, NAT, "default").unwrap().instance.clone();
    assert!(
        inst.ss.is_empty(),
        "the subscription ended with the connection"
    );
}

#[test]
fn refuses_unprivileged_and_unknown_subscriptions() {
    let r = Arc::new(nat64(true));
    let (client, _c, t) = subscribe(&r, false, "default");
    assert!(matches!(
        transport::read_response(&client).unwrap(),
        Response::Error { errno: 1, .. }
    ));
    t.join().unwrap();
    let (client, _c, t) = subscribe(&r, true, "nobody");
    assert_eq!(
        transport::read_response(&client).unwrap(),
        err(3, "This namespace lacks an instance named 'nobody'.")
    );
    t.join().unwrap();
}

#[test]
fn a_subscription_ends_when_the_client_leaves_or_the_instance_goes() {
    let r = Arc::new(nat64(true));
    let (client, _c, t) = subscribe(&r, true, "default");
    assert_eq!(transport::read_response(&client).unwrap(), Response::Ok);
    drop(client);
    t.join().unwrap();
    let (client, _c, t) = subscribe(&r, true, "default");
    assert_eq!(transport::read_response(&client).unwrap(), Response::Ok);
    assert_eq!(run(&r, 1, NAT, "default", Op::InstanceRemove), Response::Ok);
    t.join().unwrap(); // within the 500 ms liveness check
}
