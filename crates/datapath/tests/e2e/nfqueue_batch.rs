//! NFQUEUE batches, queue ranges and the queue parameters, against the kernel.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use jool_datapath::nfqueue::{QueueConfig, RecvBatch, Verdicts, MAX_BATCH};
use jool_datapath::{NetNs, NfQueue};

use crate::support::{nfqueue_pair, udp_socket_in, TestNs};

/// The sequence number carried in the first 4 payload bytes of a test datagram.
fn seq_of(ip: &[u8]) -> u32 {
    let p = &ip[28..32];
    u32::from_be_bytes([p[0], p[1], p[2], p[3]])
}

/// Every datagram that reaches `sink` within `quiet` of the previous one.
fn drain(sink: &std::net::UdpSocket, quiet: Duration) -> BTreeSet<u32> {
    sink.set_read_timeout(Some(quiet)).unwrap();
    let mut got = BTreeSet::new();
    let mut buf = [0u8; 64];
    while let Ok((n, _)) = sink.recv_from(&mut buf) {
        if n >= 4 {
            got.insert(u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]));
        }
    }
    got
}

#[test]
fn batched_verdicts_accept_and_drop_as_decided() {
    let (_a, _b, nsa, nsb) = nfqueue_pair(&["--queue-num", "2"], 0);
    let mut q = NfQueue::bind(&nsb, 2).unwrap();
    let sink = udp_socket_in(&nsb, "192.0.2.2:7000");
    let from_a = udp_socket_in(&nsa, "192.0.2.1:0");
    // Sent before anything is read: they wait in the queue and come out in batches.
    for i in 0..200u32 {
        from_a.send_to(&i.to_be_bytes(), "192.0.2.2:7000").unwrap();
    }
    let mut batch = RecvBatch::new(MAX_BATCH);
    let mut verdicts = Verdicts::with_capacity(MAX_BATCH);
    let (mut seen, mut batches, mut largest, mut last_id) = (0, 0, 0, 0);
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen < 200 && Instant::now() < deadline {
        let n = q
            .recv_batch(&mut batch, Some(Duration::from_millis(500)))
            .unwrap();
        assert_eq!(n, batch.len());
        for (p, ip) in batch.iter() {
            assert!(p.id > last_id, "ids increase: {} after {last_id}", p.id);
            last_id = p.id;
            // Runs of two accepts and one drop: batch verdicts and single ones mixed.
            verdicts.push(p.id, !seq_of(ip.expect("whole packet")).is_multiple_of(3));
        }
        q.send_verdicts(&mut verdicts).unwrap();
        assert!(verdicts.is_empty());
        seen += n;
        batches += usize::from(n > 0);
        largest = largest.max(n);
    }
    assert_eq!(seen, 200);
    assert!(largest > 1, "{batches} batches, the largest of {largest}");
    assert!(batches < 200, "{batches} batches");
    let want: BTreeSet<u32> = (0..200).filter(|i: &u32| !i.is_multiple_of(3)).collect();
    assert_eq!(drain(&sink, Duration::from_millis(300)), want);
    // Nothing is left waiting for a verdict.
    assert_eq!(
        q.recv_batch(&mut batch, Some(Duration::from_millis(100)))
            .unwrap(),
        0
    );
}

#[test]
fn full_queue_accepts_when_fail_open_and_drops_otherwise() {
    for fail_open in [true, false] {
        let (_a, _b, nsa, nsb) = nfqueue_pair(&["--queue-num", "5"], 0);
        let config = QueueConfig {
            max_len: 8,
            fail_open,
            ..QueueConfig::default()
        };
        let mut q = NfQueue::bind_with(&nsb, 5, &config).unwrap();
        let sink = udp_socket_in(&nsb, "192.0.2.2:7000");
        let from_a = udp_socket_in(&nsa, "192.0.2.1:0");
        for i in 0..30u32 {
            from_a.send_to(&i.to_be_bytes(), "192.0.2.2:7000").unwrap();
        }
        // Before any verdict: what did not fit in the 8 places went on (or was dropped).
        let passed = drain(&sink, Duration::from_millis(300));
        let want: BTreeSet<u32> = if fail_open {
            (8..30).collect()
        } else {
            BTreeSet::new()
        };
        assert_eq!(passed, want, "fail_open {fail_open}");
        let mut batch = RecvBatch::new(MAX_BATCH);
        let mut verdicts = Verdicts::with_capacity(MAX_BATCH);
        let mut queued = Vec::new();
        while q
            .recv_batch(&mut batch, Some(Duration::from_millis(200)))
            .unwrap()
            > 0
        {
            for (p, ip) in batch.iter() {
                queued.push(seq_of(ip.unwrap()));
                verdicts.push(p.id, false);
            }
            q.send_verdicts(&mut verdicts).unwrap();
        }
        assert_eq!(
            queued,
            (0..8).collect::<Vec<u32>>(),
            "fail_open {fail_open}"
        );
        assert!(drain(&sink, Duration::from_millis(200)).is_empty());
    }
}

#[test]
fn queue_balance_spreads_hosts_over_a_range_of_queues() {
    let (a, _b, nsa, nsb) = nfqueue_pair(&["--queue-balance", "4:7"], 12);
    let mut queues = NfQueue::bind_range(&nsb, 4, 7, &QueueConfig::default()).unwrap();
    let nums: Vec<u16> = queues.iter().map(NfQueue::queue_num).collect();
    assert_eq!(nums, [4, 5, 6, 7]);
    let sink = udp_socket_in(&nsb, "192.0.2.2:7000");
    // The balance hash covers addresses and protocol: 12 hosts, two flows of two packets each.
    let mut sent = 0u32;
    for h in 0..12u32 {
        for port in [0u16, 0] {
            let s = udp_socket_in(&nsa, &format!("192.0.2.{}:{port}", 101 + h));
            for _ in 0..2 {
                s.send_to(&sent.to_be_bytes(), "192.0.2.2:7000").unwrap();
                sent += 1;
            }
        }
    }
    drop(a);
    let mut host_of_seq = BTreeMap::new();
    let mut queue_of_host: BTreeMap<[u8; 4], u16> = BTreeMap::new();
    let mut batch = RecvBatch::new(16);
    let mut verdicts = Verdicts::with_capacity(16);
    let deadline = Instant::now() + Duration::from_secs(5);
    while host_of_seq.len() < sent as usize && Instant::now() < deadline {
        for q in &mut queues {
            if q.recv_batch(&mut batch, Some(Duration::from_millis(20)))
                .unwrap()
                == 0
            {
                continue;
            }
            for (p, ip) in batch.iter() {
                let ip = ip.unwrap();
                let src = [ip[12], ip[13], ip[14], ip[15]];
                host_of_seq.insert(seq_of(ip), src);
                let first = *queue_of_host.entry(src).or_insert(q.queue_num());
                assert_eq!(first, q.queue_num(), "host {src:?} stays on one queue");
                verdicts.push(p.id, true);
            }
            q.send_verdicts(&mut verdicts).unwrap();
        }
    }
    assert_eq!(host_of_seq.len(), 48);
    let used: BTreeSet<u16> = queue_of_host.values().copied().collect();
    assert!(used.len() >= 2, "12 hosts on queues {used:?}");
    assert_eq!(drain(&sink, Duration::from_millis(300)).len(), 48);
}

#[test]
fn binding_a_range_is_all_or_nothing() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let taken = NfQueue::bind(&ns, 6).unwrap();
    let err = NfQueue::bind_range(&ns, 4, 7, &QueueConfig::default()).unwrap_err();
    assert!(err.to_string().contains("NFQUEUE 6"), "{err}");
    // 4 and 5 were released with the failure.
    let four = NfQueue::bind_range(&ns, 4, 5, &QueueConfig::default()).unwrap();
    assert_eq!(four.len(), 2);
    drop(taken);
    let empty = NfQueue::bind_range(&ns, 3, 2, &QueueConfig::default()).unwrap_err();
    assert_eq!(empty.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn batch_recv_times_out_and_returns_on_shutdown() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let mut q = NfQueue::bind(&ns, 11).unwrap();
    let mut batch = RecvBatch::new(8);
    let start = Instant::now();
    assert_eq!(
        q.recv_batch(&mut batch, Some(Duration::from_millis(100)))
            .unwrap(),
        0
    );
    assert!(start.elapsed() >= Duration::from_millis(90));
    let stop = q.shutdown_handle();
    let reader = std::thread::spawn(move || {
        let mut batch = RecvBatch::new(8);
        q.recv_batch(&mut batch, None).unwrap_err().kind()
    });
    std::thread::sleep(Duration::from_millis(100));
    stop.shutdown();
    assert_eq!(
        reader.join().unwrap(),
        std::io::ErrorKind::ConnectionAborted
    );
}
