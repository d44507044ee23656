use super::*;
use std::time::Instant;

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One million UDP sessions (one per IPv6 transport address, so one BIB entry each): they
/// fit, cost a measured number of bytes each, and all expire. Slow in debug builds:
/// `cargo test -p jool-core --release -- --ignored --nocapture million`.
#[test]
#[ignore]
fn million_udp_sessions_fit_and_expire() {
    const N: u32 = 1_000_000;
    let db = db_with(64, 2 * N as usize);
    let p = Params::default();
    let mut pool4 = Pool4::new();
    pool4
        .add(
            0,
            L4Proto::Udp,
            "192.0.2.0/27".parse().unwrap(),
            PortRange::new(1, 65535),
            None,
        )
        .unwrap();
    let rss0 = rss_kib();
    let start = Instant::now();
    for i in 0..N {
        let t = t6(
            L4Proto::Udp,
            (i >> 16) as u16 + 1,
            i as u16,
            (i % 200) as u8 + 1,
            53,
        );
        db.filtering_and_updating_6to4(
            u64::from(i / 1000),
            &p,
            &pool4,
            0,
            None,
            &t,
            TcpFlags::NONE,
        )
        .expect("session must fit");
    }
    let created = start.elapsed();
    assert_eq!(db.session_count(), N as usize);
    assert_eq!(db.bib_count(), N as usize);
    let mem = db.memory();
    let rss1 = rss_kib();
    println!(
        "created {N} sessions in {created:?} ({:.0} ns each)",
        created.as_nanos() as f64 / f64::from(N)
    );
    println!(
        "computed: {mem} bytes = {:.1} bytes per session (BIB entry included)",
        mem as f64 / f64::from(N)
    );
    if let (Some(a), Some(b)) = (rss0, rss1) {
        println!(
            "RSS growth: {} KiB = {:.1} bytes per session",
            b - a,
            (b - a) as f64 * 1024.0 / f64::from(N)
        );
    }
    // Nothing is due yet: the timer examines list heads only.
    let mut ev = Events::default();
    let t0 = Instant::now();
    db.expire(p.timeouts.udp - 1, &p, &mut ev);
    println!("expire with nothing due: {:?}", t0.elapsed());
    assert!(ev.is_empty());
    let t0 = Instant::now();
    db.expire(p.timeouts.udp + 2_000, &p, &mut ev);
    println!(
        "expired {} sessions in {:?}",
        ev.sessions_removed.len(),
        t0.elapsed()
    );
    assert_eq!(ev.sessions_removed.len(), N as usize);
    assert_eq!(ev.bibs_removed.len(), N as usize);
    assert_eq!((db.session_count(), db.bib_count()), (0, 0));
}

#[test]
fn slot_sizes_stay_small() {
    assert_eq!(std::mem::size_of::<super::super::session::SessSlot>(), 40);
    assert!(std::mem::size_of::<super::super::session::BibSlot>() <= 40);
}

#[test]
fn database_is_shared_by_worker_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Nat64Db>();
    shareable::<Pool4>();
}
