//! Configuration operations through the registry and the fake plumbing.

use crate::plumbing::fake::FakePlumbing;
use crate::registry::tests::{add_op, err, registry, run};
use crate::registry::Registry;
use jool_ctl::proto::{
    AddressQueryResult, FrameworkDto, MaxIterDto, Op, Pool4Row, ProtoDto, Response, Xlator,
};

fn siit() -> Registry<FakePlumbing> {
    let r = registry();
    let add = add_op(FrameworkDto::Netfilter, Some("64:ff9b::/96"));
    assert_eq!(run(&r, 1, Xlator::Siit, "default", add), Response::Ok);
    r
}

fn nat64() -> Registry<FakePlumbing> {
    let r = registry();
    let add = add_op(FrameworkDto::Netfilter, Some("64:ff9b::/96"));
    assert_eq!(run(&r, 1, Xlator::Nat64, "default", add), Response::Ok);
    r
}

fn s(r: &Registry<FakePlumbing>, op: Op) -> Response {
    run(r, 1, Xlator::Siit, "default", op)
}

fn n(r: &Registry<FakePlumbing>, op: Op) -> Response {
    run(r, 1, Xlator::Nat64, "default", op)
}

fn update(key: &str, value: &str) -> Op {
    Op::GlobalUpdate {
        key: key.into(),
        value: value.into(),
        force: false,
    }
}

fn global(resp: &Response, key: &str) -> String {
    let Response::Globals(g) = resp else {
        panic!("{resp:?}")
    };
    g.iter().find(|(k, _)| k == key).unwrap().1.clone()
}

#[test]
fn global_update_validates_and_display_shows_the_new_value() {
    let r = siit();
    let shown = s(&r, Op::GlobalDisplay);
    let Response::Globals(keys) = &shown else {
        panic!()
    };
    assert_eq!(keys.len(), 13);
    assert_eq!(global(&shown, "pool6"), "64:ff9b::/96");
    assert_eq!(s(&r, update("lowest-ipv6-mtu", "1500")), Response::Ok);
    assert_eq!(global(&s(&r, Op::GlobalDisplay), "lowest-ipv6-mtu"), "1500");
    assert_eq!(
        s(&r, update("lowest-ipv6-mtu", "1279")),
        err(22, "lowest-ipv6-mtu (1279) is too small (min: 1280).")
    );
    assert_eq!(
        s(&r, update("udp-timeout", "5:00")),
        err(22, "Unknown global key: 'udp-timeout'")
    );
    assert_eq!(global(&s(&r, Op::GlobalDisplay), "lowest-ipv6-mtu"), "1500");
}

#[test]
fn nat64_pool6_is_immutable_and_timeouts_update() {
    let r = nat64();
    assert_eq!(
        n(&r, update("pool6", "2001:db8::/96")),
        err(
            22,
            "Sorry; you can't change a NAT64 instance's pool6 for now."
        )
    );
    assert_eq!(n(&r, update("udp-timeout", "0:10:00")), Response::Ok);
    assert_eq!(global(&n(&r, Op::GlobalDisplay), "udp-timeout"), "0:10:00");
}

#[test]
fn eamt_add_display_remove_with_jools_errors() {
    let r = siit();
    let add = |p6: &str, p4: &str| Op::EamtAdd {
        prefix6: p6.into(),
        prefix4: p4.into(),
        force: false,
    };
    assert_eq!(s(&r, add("2001:db8:aaaa::/128", "192.0.2.1")), Response::Ok);
    assert_eq!(s(&r, add("64:ff9b::/127", "192.0.2.192/31")), Response::Ok);
    assert_eq!(
        s(&r, add("64:ff9b::/127", "192.0.2.192/31")),
        err(17, "The requested entry already exists.")
    );
    assert_eq!(
        s(&r, Op::EamtDisplay),
        Response::Eamt(vec![
            ("64:ff9b::/127".into(), "192.0.2.192/31".into()),
            ("2001:db8:aaaa::/128".into(), "192.0.2.1/32".into()),
        ])
    );
    let remove = |p4: &str| Op::EamtRemove {
        prefix6: None,
        prefix4: Some(p4.into()),
    };
    assert_eq!(s(&r, remove("192.0.2.1")), Response::Ok);
    assert_eq!(
        s(&r, remove("192.0.2.1")),
        err(3, "The requested entry does not exist.")
    );
    assert_eq!(s(&r, Op::EamtFlush), Response::Ok);
    assert_eq!(s(&r, Op::EamtDisplay), Response::Eamt(vec![]));
}

#[test]
fn denylist4_keeps_insertion_order_and_checks_scope() {
    let r = siit();
    let add = |p: &str| Op::Denylist4Add {
        prefix: p.into(),
        force: false,
    };
    assert_eq!(s(&r, add("198.51.100.0/30")), Response::Ok);
    assert_eq!(s(&r, add("192.0.2.0/28")), Response::Ok);
    assert!(matches!(
        s(&r, add("127.0.0.0/24")),
        Response::Error { errno: 22, .. }
    ));
    assert_eq!(
        s(&r, Op::Denylist4Display),
        Response::Denylist4(vec!["198.51.100.0/30".into(), "192.0.2.0/28".into()])
    );
    let remove = Op::Denylist4Remove {
        prefix: "203.0.113.0/24".into(),
    };
    assert_eq!(
        s(&r, remove),
        err(3, "Could not find the requested entry in the IPv4 pool.")
    );
}

#[test]
fn address_query_uses_eamt_then_pool6() {
    let r = siit();
    s(
        &r,
        Op::EamtAdd {
            prefix6: "2001:db8:6::/127".into(),
            prefix4: "192.0.2.224/31".into(),
            force: false,
        },
    );
    let q = |a: &str| s(&r, Op::AddressQuery { address: a.into() });
    assert_eq!(
        q("192.0.2.225"),
        Response::Address(AddressQueryResult {
            query: "192.0.2.225".into(),
            scheme: "EAMT".into(),
            via: "2001:db8:6::/127 | 192.0.2.224/31".into(),
            result: "2001:db8:6::1".into(),
        })
    );
    assert_eq!(
        q("64:ff9b::c000:2f8"),
        Response::Address(AddressQueryResult {
            query: "64:ff9b::c000:2f8".into(),
            scheme: "RFC 6052 prefix".into(),
            via: "64:ff9b::/96".into(),
            result: "192.0.2.248".into(),
        })
    );
    assert_eq!(
        q("2001:db8::1"),
        err(22, "The input address lacks both pool6 prefix and EAM.")
    );
    assert!(matches!(q("nonsense"), Response::Error { errno: 22, .. }));
}

#[test]
fn pool4_add_display_and_ephemeral_range_check() {
    let r = nat64();
    let add = |ports, force| Op::Pool4Add {
        proto: ProtoDto::Udp,
        prefix: "192.0.2.1".into(),
        ports,
        mark: 0,
        max_iterations: Some(MaxIterDto::Fixed(9)),
        force,
    };
    // The fake namespace's ephemeral range is 32768-60999.
    assert_eq!(
        n(&r, add((40000, 40010), false)),
        err(
            22,
            "Port range 40000-40010 intersects with the namespace's ephemeral range (32768-60999).\nWill cancel the operation. Use --force to override this."
        )
    );
    assert_eq!(n(&r, add((40000, 40010), true)), Response::Ok);
    assert_eq!(n(&r, add((61001, 65535), false)), Response::Ok);
    assert_eq!(
        n(
            &r,
            Op::Pool4Display {
                proto: ProtoDto::Udp
            }
        ),
        Response::Pool4(vec![
            Pool4Row {
                mark: 0,
                proto: ProtoDto::Udp,
                iterations: Some(9),
                iterations_fixed: true,
                addr: "192.0.2.1".parse().unwrap(),
                ports: (40000, 40010),
            },
            Pool4Row {
                mark: 0,
                proto: ProtoDto::Udp,
                iterations: Some(9),
                iterations_fixed: true,
                addr: "192.0.2.1".parse().unwrap(),
                ports: (61001, 65535),
            },
        ])
    );
    assert_eq!(
        n(
            &r,
            Op::Pool4Display {
                proto: ProtoDto::Tcp
            }
        ),
        Response::Pool4(vec![])
    );
    assert_eq!(n(&r, Op::Pool4Flush { quick: false }), Response::Ok);
    assert_eq!(
        n(
            &r,
            Op::Pool4Display {
                proto: ProtoDto::Udp
            }
        ),
        Response::Pool4(vec![])
    );
}

#[test]
fn bib_add_needs_pool4_and_remove_reports_missing_entries() {
    let r = nat64();
    let add = |t4: &str| Op::BibAdd {
        proto: ProtoDto::Tcp,
        taddr6: "2001:db8::6#6".into(),
        taddr4: t4.into(),
    };
    assert_eq!(
        n(&r, add("203.0.113.4#4")),
        err(
            22,
            "Transport address '203.0.113.4#4' does not belong to pool4.\nPlease add it there first."
        )
    );
    // The implicit pool4 (the namespace's 192.0.2.1, ports 61001-65535) counts.
    assert_eq!(n(&r, add("192.0.2.1#61005")), Response::Ok);
    let Response::Bib(rows) = n(
        &r,
        Op::BibDisplay {
            proto: ProtoDto::Tcp,
        },
    ) else {
        panic!()
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].addr4, ("192.0.2.1".parse().unwrap(), 61005));
    let remove = |t6: &str| Op::BibRemove {
        proto: ProtoDto::Tcp,
        taddr6: Some(t6.into()),
        taddr4: None,
    };
    assert_eq!(n(&r, remove("2001:db8::6#6")), Response::Ok);
    assert_eq!(
        n(&r, remove("2001:db8::6#6")),
        err(3, "The entry wasn't in the database.")
    );
    assert!(matches!(
        n(&r, add("192.0.2.1")),
        Response::Error { errno: 22, .. }
    ));
}

#[test]
fn stats_list_every_counter_and_sessions_start_empty() {
    let r = nat64();
    let Response::Stats(v) = n(&r, Op::StatsDisplay) else {
        panic!()
    };
    assert!(v.len() > 80, "{}", v.len());
    assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(
        n(
            &r,
            Op::SessionDisplay {
                proto: ProtoDto::Icmp
            }
        ),
        Response::Sessions(vec![])
    );
}

#[test]
fn modes_of_the_other_type_are_refused() {
    let r = nat64();
    assert!(matches!(
        n(&r, Op::EamtDisplay),
        Response::Error { errno: 22, .. }
    ));
    let r = siit();
    assert!(matches!(
        s(&r, Op::Pool4Flush { quick: true }),
        Response::Error { errno: 22, .. }
    ));
}
