use super::*;

fn a(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn p(s: &str) -> Ipv4Prefix {
    s.parse().unwrap()
}

fn rows(pool: &Pool4, proto: L4Proto) -> Vec<(u32, String, u16, u16)> {
    pool.display(Some(proto))
        .into_iter()
        .flat_map(|s| s.rows)
        .map(|r| (r.mark, r.addr.to_string(), r.ports.min, r.ports.max))
        .collect()
}

#[test]
fn fuses_touching_and_overlapping_ranges_of_same_address() {
    let mut pool = Pool4::new();
    let tcp = L4Proto::Tcp;
    pool.add(0, tcp, p("192.0.2.1/32"), PortRange::new(1000, 1999), None)
        .unwrap();
    pool.add(0, tcp, p("192.0.2.1/32"), PortRange::new(2000, 2500), None)
        .unwrap();
    pool.add(0, tcp, p("192.0.2.1/32"), PortRange::new(2400, 3000), None)
        .unwrap();
    // Not fused: other address, other mark, a gap.
    pool.add(0, tcp, p("192.0.2.2/32"), PortRange::new(3001, 3001), None)
        .unwrap();
    pool.add(1, tcp, p("192.0.2.1/32"), PortRange::new(3001, 3002), None)
        .unwrap();
    pool.add(0, tcp, p("192.0.2.1/32"), PortRange::new(3002, 3002), None)
        .unwrap();
    assert_eq!(
        rows(&pool, tcp),
        vec![
            (0, "192.0.2.1".into(), 1000, 3000),
            (0, "192.0.2.1".into(), 3002, 3002),
            (0, "192.0.2.2".into(), 3001, 3001),
            (1, "192.0.2.1".into(), 3001, 3002),
        ]
    );
    pool.add(0, tcp, p("192.0.2.1/32"), PortRange::new(3001, 3001), None)
        .unwrap();
    assert_eq!(rows(&pool, tcp)[0], (0, "192.0.2.1".into(), 1000, 3002));
}

#[test]
fn swaps_reversed_range_and_turns_port_zero_into_one_for_tcp_udp_only() {
    let mut pool = Pool4::new();
    pool.add(
        0,
        L4Proto::Udp,
        p("192.0.2.1/32"),
        PortRange { min: 20, max: 0 },
        None,
    )
    .unwrap();
    pool.add(
        0,
        L4Proto::Icmp,
        p("192.0.2.1/32"),
        PortRange::new(0, 10),
        None,
    )
    .unwrap();
    assert_eq!(
        rows(&pool, L4Proto::Udp),
        vec![(0, "192.0.2.1".into(), 1, 20)]
    );
    assert_eq!(
        rows(&pool, L4Proto::Icmp),
        vec![(0, "192.0.2.1".into(), 0, 10)]
    );
}

#[test]
fn adds_one_row_per_address_of_prefix() {
    let mut pool = Pool4::new();
    pool.add(
        0,
        L4Proto::Tcp,
        p("192.0.2.4/30"),
        PortRange::new(1, 2),
        None,
    )
    .unwrap();
    assert_eq!(rows(&pool, L4Proto::Tcp).len(), 4);
    assert!(pool.contains(L4Proto::Tcp, a("192.0.2.7"), 2));
    assert!(!pool.contains(L4Proto::Tcp, a("192.0.2.8"), 2));
    assert!(!pool.contains(L4Proto::Udp, a("192.0.2.7"), 2));
    assert_eq!(
        pool.add(0, L4Proto::Tcp, p("10.0.0.0/8"), PortRange::ALL, None),
        Err(Pool4Error::PrefixTooLarge(p("10.0.0.0/8")))
    );
}

#[test]
fn remove_punches_holes_and_reports_removed_rows() {
    let mut pool = Pool4::new();
    pool.add(
        0,
        L4Proto::Tcp,
        p("192.0.2.1/32"),
        PortRange::new(1000, 3000),
        None,
    )
    .unwrap();
    let removed = pool.remove(
        0,
        L4Proto::Tcp,
        p("192.0.2.0/24"),
        PortRange::new(1500, 1600),
    );
    assert_eq!(
        removed,
        vec![Pool4Row {
            mark: 0,
            proto: L4Proto::Tcp,
            addr: a("192.0.2.1"),
            ports: PortRange::new(1500, 1600)
        }]
    );
    assert_eq!(
        rows(&pool, L4Proto::Tcp),
        vec![
            (0, "192.0.2.1".into(), 1000, 1499),
            (0, "192.0.2.1".into(), 1601, 3000)
        ]
    );
    assert!(!pool.contains(L4Proto::Tcp, a("192.0.2.1"), 1550));
    assert!(pool.contains(L4Proto::Tcp, a("192.0.2.1"), 1601));
    // Other mark: nothing removed.
    assert!(pool
        .remove(7, L4Proto::Tcp, p("192.0.2.1/32"), PortRange::ALL)
        .is_empty());
    // Removing everything drops the set.
    assert_eq!(
        pool.remove(0, L4Proto::Tcp, p("192.0.2.1/32"), PortRange::ALL)
            .len(),
        2
    );
    assert!(pool.is_empty());
}

#[test]
fn flush_empties_every_protocol() {
    let mut pool = Pool4::new();
    for proto in L4Proto::ALL {
        pool.add(3, proto, p("192.0.2.1/32"), PortRange::new(5, 6), None)
            .unwrap();
    }
    assert_eq!(pool.display(None).len(), 3);
    pool.flush();
    assert!(pool.is_empty());
    assert!(pool.display(None).is_empty());
    assert!(!pool.contains(L4Proto::Tcp, a("192.0.2.1"), 5));
}

#[test]
fn computes_auto_max_iterations_and_updates_set_on_add() {
    assert_eq!(MaxIterations::Auto.effective(100), Some(1024));
    assert_eq!(MaxIterations::Auto.effective(128 * 2059), Some(2059));
    assert_eq!(MaxIterations::Auto.effective(1 << 24), Some(8192));
    assert_eq!(MaxIterations::Infinity.effective(5), None);
    let mut pool = Pool4::new();
    let pfx = p("192.0.2.0/31");
    pool.add(0, L4Proto::Tcp, pfx, PortRange::new(1, 65535), None)
        .unwrap();
    let set = &pool.display(None)[0];
    assert_eq!(set.max_iterations, MaxIterations::Auto);
    assert_eq!(set.effective_iterations, Some(1024)); // 131070 / 128 = 1023 → 1024
    pool.add(
        0,
        L4Proto::Tcp,
        pfx,
        PortRange::new(1, 1),
        Some(MaxIterations::Fixed(5)),
    )
    .unwrap();
    assert_eq!(pool.display(None)[0].effective_iterations, Some(5));
    pool.add(
        0,
        L4Proto::Tcp,
        pfx,
        PortRange::new(1, 1),
        Some(MaxIterations::Infinity),
    )
    .unwrap();
    assert_eq!(pool.display(None)[0].effective_iterations, None);
    assert_eq!(
        pool.add(
            0,
            L4Proto::Tcp,
            pfx,
            PortRange::new(1, 1),
            Some(MaxIterations::Fixed(0))
        ),
        Err(Pool4Error::ZeroIterations)
    );
}

#[test]
fn displays_sets_in_insertion_order() {
    let mut pool = Pool4::new();
    pool.add(
        1,
        L4Proto::Tcp,
        p("192.0.2.1/32"),
        PortRange::new(1500, 2500),
        None,
    )
    .unwrap();
    pool.add(
        0,
        L4Proto::Tcp,
        p("192.0.2.8/32"),
        PortRange::new(1, 65535),
        None,
    )
    .unwrap();
    pool.add(
        0,
        L4Proto::Tcp,
        p("192.0.2.1/32"),
        PortRange::new(1000, 3000),
        None,
    )
    .unwrap();
    let sets = pool.display(Some(L4Proto::Tcp));
    assert_eq!(sets.iter().map(|s| s.mark).collect::<Vec<_>>(), vec![1, 0]);
    assert_eq!(sets[1].rows[0].addr, a("192.0.2.1"));
    assert_eq!(sets[1].rows[1].addr, a("192.0.2.8"));
}

#[test]
fn empty_pool4_is_the_implicit_pool4_of_own_addresses() {
    let mut pool = Pool4::new();
    pool.set_own_addresses(vec![a("198.51.100.1")]);
    assert!(pool.contains(L4Proto::Udp, a("198.51.100.1"), 61001));
    assert!(!pool.contains(L4Proto::Udp, a("198.51.100.1"), 61000));
    assert!(!pool.contains(L4Proto::Udp, a("198.51.100.2"), 62000));
    let d = pool
        .domain(L4Proto::Tcp, 99, Some(a("198.51.100.1")))
        .unwrap();
    assert_eq!(d.len(), 4535);
    assert_eq!(d.max_iterations(), None);
    assert!(pool.domain(L4Proto::Tcp, 0, None).is_none());
    pool.add(
        0,
        L4Proto::Icmp,
        p("192.0.2.1/32"),
        PortRange::new(1, 2),
        None,
    )
    .unwrap();
    // Populating any protocol disables the fallback for all.
    assert!(!pool.contains(L4Proto::Udp, a("198.51.100.1"), 61001));
    assert!(pool
        .domain(L4Proto::Udp, 0, Some(a("198.51.100.1")))
        .is_none());
}

#[test]
fn domain_walk_visits_every_taddr_once_from_any_start() {
    let mut pool = Pool4::new();
    pool.add(
        0,
        L4Proto::Udp,
        p("192.0.2.1/32"),
        PortRange::new(10, 11),
        None,
    )
    .unwrap();
    pool.add(
        0,
        L4Proto::Udp,
        p("192.0.2.2/32"),
        PortRange::new(5, 5),
        None,
    )
    .unwrap();
    let d = pool.domain(L4Proto::Udp, 0, None).unwrap();
    let seen: Vec<String> = d.walk(4).map(|t| t.to_string()).collect();
    assert_eq!(seen, vec!["192.0.2.1#11", "192.0.2.2#5", "192.0.2.1#10"]);
    assert!(d.contains(Taddr4::new(a("192.0.2.2"), 5)));
    assert!(!d.contains(Taddr4::new(a("192.0.2.2"), 6)));
}

#[test]
fn rejects_range_intersecting_ephemeral_range() {
    let eph = PortRange::new(32768, 60999);
    assert_eq!(
        check_ephemeral(L4Proto::Tcp, PortRange::new(60000, 61500), eph),
        Err(
            "Port range 60000-61500 intersects with the namespace's ephemeral range (32768-60999)."
                .into()
        )
    );
    assert_eq!(
        check_ephemeral(L4Proto::Udp, PortRange::new(61000, 65535), eph),
        Ok(())
    );
    assert_eq!(check_ephemeral(L4Proto::Icmp, PortRange::ALL, eph), Ok(()));
}
