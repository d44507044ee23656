use super::*;
use crate::nat64::bib::BibError;

#[test]
fn static_entry_must_lie_in_pool4() {
    let db = db();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 2000);
    let a6 = Taddr6::new(v6("2001:db8::6"), 6);
    let e = db
        .bib_add_static(&pool4, L4Proto::Tcp, a6, Taddr4::new(v4("192.0.2.1"), 80))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Transport address '192.0.2.1#80' does not belong to pool4.\nPlease add it there first."
    );
    // Other protocol's pool4 does not count.
    let e = db.bib_add_static(&pool4, L4Proto::Udp, a6, Taddr4::new(v4("192.0.2.1"), 1000));
    assert!(matches!(e, Err(BibError::NotInPool4(_))));
    db.bib_add_static(&pool4, L4Proto::Tcp, a6, Taddr4::new(v4("192.0.2.1"), 1000))
        .unwrap();
    assert_eq!(db.bib_count(), 1);
    let e = db.bib_lookup6(L4Proto::Tcp, a6).unwrap();
    assert!(e.is_static);
}

#[test]
fn colliding_static_entries_are_refused() {
    let db = db();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1, 65535);
    let a6 = Taddr6::new(v6("2001:db8::6"), 6);
    let b6 = Taddr6::new(v6("2001:db8::7"), 7);
    let a4 = Taddr4::new(v4("192.0.2.1"), 4);
    let b4 = Taddr4::new(v4("192.0.2.1"), 5);
    db.bib_add_static(&pool4, L4Proto::Tcp, a6, a4).unwrap();
    let e = db.bib_add_static(&pool4, L4Proto::Tcp, a6, b4).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Entry 2001:db8::6#6|192.0.2.1#5|TCP collides with 2001:db8::6#6|192.0.2.1#4|TCP."
    );
    let e = db.bib_add_static(&pool4, L4Proto::Tcp, b6, a4).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Entry 2001:db8::7#7|192.0.2.1#4|TCP collides with 2001:db8::6#6|192.0.2.1#4|TCP."
    );
    // The identical static entry again silently succeeds (spec §12).
    db.bib_add_static(&pool4, L4Proto::Tcp, a6, a4).unwrap();
    assert_eq!(db.bib_count(), 1);
}

#[test]
fn identical_dynamic_entry_is_upgraded_to_static_and_outlives_its_sessions() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1000);
    let t = t6(L4Proto::Udp, 5, 5000, 8, 53);
    let s = out6(&db, 0, &p, &pool4, &t, TcpFlags::NONE).unwrap();
    assert!(!s.bib_is_static);
    db.bib_add_static(&pool4, L4Proto::Udp, s.src6, s.src4)
        .unwrap();
    assert_eq!(db.bib_count(), 1);
    let mut ev = Events::default();
    db.expire(10_000_000, &p, &mut ev);
    assert_eq!(ev.sessions_removed.len(), 1);
    assert!(ev.bibs_removed.is_empty());
    assert_eq!(
        db.bib_entries(L4Proto::Udp),
        vec![BibEntry {
            is_static: true,
            ..s.bib()
        }]
    );
}

#[test]
fn remove_finds_by_either_side_and_reports_missing_entries() {
    let db = db();
    let pool4 = pool(L4Proto::Icmp, "192.0.2.1/32", 0, 100);
    let a6 = Taddr6::new(v6("2001:db8::6"), 6);
    let a4 = Taddr4::new(v4("192.0.2.1"), 4);
    let mut ev = Events::default();
    db.bib_add_static(&pool4, L4Proto::Icmp, a6, a4).unwrap();
    let e = db.bib_remove(
        L4Proto::Icmp,
        Some(a6),
        Some(Taddr4::new(a4.addr, 5)),
        &mut ev,
    );
    assert_eq!(
        e.unwrap_err().to_string(),
        "The entry wasn't in the database."
    );
    assert_eq!(
        db.bib_remove(L4Proto::Tcp, None, Some(a4), &mut ev),
        Err(BibError::NotFound)
    );
    let gone = db
        .bib_remove(L4Proto::Icmp, None, Some(a4), &mut ev)
        .unwrap();
    assert_eq!((gone.addr6, gone.addr4), (a6, a4));
    assert_eq!(ev.bibs_removed, vec![gone]);
    assert_eq!(db.bib_count(), 0);
    assert_eq!(
        db.bib_remove(L4Proto::Icmp, Some(a6), None, &mut ev),
        Err(BibError::NotFound)
    );
    // The IPv4 side is free again.
    db.bib_add_static(&pool4, L4Proto::Icmp, Taddr6::new(v6("2001:db8::9"), 9), a4)
        .unwrap();
}

#[test]
fn removing_a_bib_entry_removes_its_sessions() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Udp, "192.0.2.1/32", 1000, 1000);
    let s = out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 5000, 8, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    out6(
        &db,
        0,
        &p,
        &pool4,
        &t6(L4Proto::Udp, 5, 5000, 9, 53),
        TcpFlags::NONE,
    )
    .unwrap();
    assert_eq!(db.session_count(), 2);
    let mut ev = Events::default();
    db.bib_remove(L4Proto::Udp, Some(s.src6), None, &mut ev)
        .unwrap();
    assert_eq!(ev.sessions_removed.len(), 2);
    assert_eq!(db.session_count(), 0);
    assert!(db.sessions(L4Proto::Udp).is_empty());
}

#[test]
fn static_tcp_entry_discards_stored_syns_for_its_address() {
    let db = db();
    let p = Params::default();
    let pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1000, 1010);
    let m = Taddr4::new(v4("192.0.2.1"), 1005);
    let r =
        db.filtering_and_updating_4to6(0, &p, &t4(L4Proto::Tcp, 8, 80, m), TcpFlags::SYN, &[0x45]);
    assert_eq!(r, Ok(Filtered4::Stored(SoType::Type1)));
    assert_eq!(db.stored_count(), 1);
    db.bib_add_static(&pool4, L4Proto::Tcp, Taddr6::new(v6("2001:db8::1"), 80), m)
        .unwrap();
    assert_eq!(db.stored_count(), 0);
}

#[test]
fn pool4_purge_removes_entries_in_removed_rows_only() {
    let db = db();
    let mut pool4 = pool(L4Proto::Tcp, "192.0.2.1/32", 1, 65535);
    db.bib_add_static(
        &pool4,
        L4Proto::Tcp,
        Taddr6::new(v6("2001:db8::1"), 1),
        Taddr4::new(v4("192.0.2.1"), 100),
    )
    .unwrap();
    db.bib_add_static(
        &pool4,
        L4Proto::Tcp,
        Taddr6::new(v6("2001:db8::2"), 2),
        Taddr4::new(v4("192.0.2.1"), 200),
    )
    .unwrap();
    let removed = pool4.remove(
        0,
        L4Proto::Tcp,
        "192.0.2.1/32".parse().unwrap(),
        PortRange::new(150, 250),
    );
    let mut ev = Events::default();
    db.purge_pool4(&removed, &mut ev);
    assert_eq!(ev.bibs_removed.len(), 1);
    assert_eq!(ev.bibs_removed[0].addr4.port, 200);
    assert_eq!(db.bib_entries(L4Proto::Tcp).len(), 1);
    db.flush(&mut ev);
    assert_eq!(db.bib_count(), 0);
}
