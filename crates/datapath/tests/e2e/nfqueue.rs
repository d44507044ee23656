use std::io::ErrorKind;
use std::time::{Duration, Instant};

use jool_datapath::nfqueue::RECV_BUF_LEN;
use jool_datapath::{NetNs, NfQueue};

use crate::support::{nfqueue_pair, udp_socket_in, TestNs};

#[test]
fn queued_packet_is_accepted_or_dropped_by_verdict() {
    let (_a, _b, nsa, nsb) = nfqueue_pair(&["--queue-num", "3"], 0);
    let mut q = NfQueue::bind(&nsb, 3).unwrap();
    assert_eq!(q.queue_num(), 3);
    let sink = udp_socket_in(&nsb, "192.0.2.2:7000");
    sink.set_read_timeout(Some(Duration::from_millis(400)))
        .unwrap();
    let from_a = udp_socket_in(&nsa, "192.0.2.1:0");
    let mut buf = vec![0u8; RECV_BUF_LEN];
    let mut got = [0u8; 16];

    from_a.send_to(b"one", "192.0.2.2:7000").unwrap();
    let p = q
        .recv_timeout(&mut buf, Duration::from_secs(2))
        .unwrap()
        .expect("queued");
    assert_eq!((p.hw_proto, p.hook), (0x0800, 0), "IPv4 from PREROUTING");
    let pkt = &buf[p.payload.clone()];
    assert_eq!(pkt[0], 0x45);
    assert_eq!(&pkt[16..20], &[192, 0, 2, 2]);
    assert_eq!(&pkt[28..], b"one");
    assert!(p.indev > 0);
    q.verdict(p.id, true).unwrap();
    let (n, _) = sink.recv_from(&mut got).expect("accepted packet delivered");
    assert_eq!(&got[..n], b"one");

    from_a.send_to(b"two", "192.0.2.2:7000").unwrap();
    let p = q
        .recv_timeout(&mut buf, Duration::from_secs(2))
        .unwrap()
        .expect("queued");
    assert_eq!(&buf[p.payload.clone()][28..], b"two");
    q.verdict(p.id, false).unwrap();
    assert!(
        sink.recv_from(&mut got).is_err(),
        "dropped packet not delivered"
    );

    // The queue is ours only.
    let busy = NfQueue::bind(&nsb, 3);
    assert!(busy.is_err(), "second bind of queue 3 refused");
    // Another queue number is free.
    NfQueue::bind(&nsb, 4).unwrap();
}

#[test]
fn blocked_queue_recv_returns_on_shutdown() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let mut q = NfQueue::bind(&ns, 9).unwrap();
    let stop = q.shutdown_handle();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; RECV_BUF_LEN];
        let start = Instant::now();
        (q.recv(&mut buf).unwrap_err().kind(), start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(100));
    stop.shutdown();
    let (kind, took) = reader.join().unwrap();
    assert_eq!(kind, ErrorKind::ConnectionAborted);
    assert!(took < Duration::from_secs(1));
}
