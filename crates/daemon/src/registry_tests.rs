//! Registry behaviour through the fake plumbing (no root needed).

use super::*;
use crate::plumbing::fake::{FakeNs, FakePlumbing};
use jool_ctl::proto::{FrameworkDto, Op, Request, Response, Xlator, PROTOCOL_VERSION};
use std::sync::atomic::AtomicBool;

pub(crate) fn ns(inode: u64) -> FakeNs {
    FakeNs {
        inode,
        alive: Arc::new(AtomicBool::new(true)),
    }
}

pub(crate) fn req(xlator: Xlator, name: &str, op: Op) -> Request {
    Request {
        version: PROTOCOL_VERSION,
        xlator,
        instance: name.into(),
        op,
    }
}

pub(crate) fn add_op(framework: FrameworkDto, pool6: Option<&str>) -> Op {
    Op::InstanceAdd {
        framework,
        pool6: pool6.map(str::to_owned),
        queue: None,
    }
}

pub(crate) fn registry() -> Registry<FakePlumbing> {
    Registry::new(FakePlumbing {
        own4: vec!["192.0.2.1".parse().unwrap()],
        ..FakePlumbing::default()
    })
}

/// Sends `op` as root from namespace `inode`.
pub(crate) fn run(
    r: &Registry<FakePlumbing>,
    inode: u64,
    x: Xlator,
    name: &str,
    op: Op,
) -> Response {
    r.handle(ns(inode), true, &req(x, name, op))
}

pub(crate) fn err(errno: i32, message: &str) -> Response {
    Response::Error {
        errno,
        message: message.into(),
    }
}

const NF: FrameworkDto = FrameworkDto::Netfilter;
const IPT: FrameworkDto = FrameworkDto::Iptables;

fn rows(r: &Registry<FakePlumbing>, x: Xlator) -> Vec<(String, String, FrameworkDto, Option<u16>)> {
    r.display(x)
        .into_iter()
        .map(|row| {
            (
                row.namespace,
                row.name,
                row.framework,
                row.queue.map(|q| q.first()),
            )
        })
        .collect()
}

#[test]
fn adds_instances_and_displays_every_namespace_in_creation_order() {
    let r = registry();
    let s = Xlator::Siit;
    assert_eq!(run(&r, 1, s, "default", add_op(IPT, None)), Response::Ok);
    assert_eq!(run(&r, 1, s, "alpha", add_op(IPT, None)), Response::Ok);
    assert_eq!(run(&r, 1, s, "beta", add_op(NF, None)), Response::Ok);
    assert_eq!(run(&r, 2, s, "alpha", add_op(NF, None)), Response::Ok);
    let n64 = add_op(NF, Some("64:ff9b::/96"));
    assert_eq!(run(&r, 1, Xlator::Nat64, "default", n64), Response::Ok);
    let ns1 = "net:[1]".to_string();
    assert_eq!(
        rows(&r, s),
        vec![
            (ns1.clone(), "default".into(), IPT, Some(0)),
            (ns1.clone(), "alpha".into(), IPT, Some(1)),
            (ns1, "beta".into(), NF, None),
            ("net:[2]".into(), "alpha".into(), NF, None),
        ]
    );
    // The other type's instance is only in its own list; display needs no privilege.
    let display = r.handle(ns(9), false, &req(Xlator::Nat64, "x", Op::InstanceDisplay));
    let Response::Instances(v) = display else {
        panic!("{display:?}")
    };
    assert_eq!(v.len(), 1);
}

#[test]
fn refuses_duplicate_names_and_second_netfilter_instance() {
    let r = registry();
    let s = Xlator::Siit;
    run(&r, 1, s, "alpha", add_op(NF, None));
    assert_eq!(
        run(&r, 1, s, "alpha", add_op(IPT, None)),
        err(
            17,
            "This namespace already has a Jool instance named 'alpha'."
        )
    );
    assert_eq!(
        run(&r, 1, s, "beta", add_op(NF, None)),
        err(17, "This namespace already has a Netfilter Jool instance.")
    );
    // Same name in another namespace, or of the other type: fine.
    assert_eq!(run(&r, 2, s, "alpha", add_op(NF, None)), Response::Ok);
    let n64 = add_op(NF, Some("64:ff9b::/96"));
    assert_eq!(run(&r, 1, Xlator::Nat64, "alpha", n64), Response::Ok);
}

#[test]
fn nat64_instances_need_a_valid_pool6() {
    let r = registry();
    let n = Xlator::Nat64;
    assert_eq!(
        run(&r, 1, n, "default", add_op(NF, None)),
        err(22, "pool6 is mandatory in NAT64 instances.")
    );
    assert_eq!(
        run(&r, 1, n, "default", add_op(NF, Some("64:ff9b::/80"))),
        err(
            22,
            "80 is not a valid prefix length (32, 40, 48, 56, 64, 96)."
        )
    );
    // instance add validates pool6 forced: the u-bit check does not bite.
    let ubit = add_op(NF, Some("64:ff9b:0:0:ff00::/96"));
    assert_eq!(run(&r, 1, n, "default", ubit), Response::Ok);
    assert!(r.is_empty() || r.len() == 1);
}

#[test]
fn refuses_invalid_instance_names() {
    let r = registry();
    assert_eq!(
        run(&r, 1, Xlator::Siit, "1234567890123456", add_op(NF, None)),
        err(
            22,
            "The instance name must be a null-terminated ascii string, 15 characters max."
        )
    );
    assert!(r.is_empty());
}

#[test]
fn removes_instances_and_reports_missing_ones() {
    let r = registry();
    let s = Xlator::Siit;
    run(&r, 1, s, "alpha", add_op(NF, None));
    let calls = r.plumbing().calls("alpha");
    assert_eq!(
        run(&r, 2, s, "alpha", Op::InstanceRemove),
        err(3, "The requested instance does not exist.")
    );
    assert_eq!(run(&r, 1, s, "alpha", Op::InstanceRemove), Response::Ok);
    assert!(calls.stopped.load(Ordering::SeqCst));
    assert!(r.is_empty());
    assert_eq!(
        run(&r, 1, s, "alpha", Op::GlobalDisplay),
        err(3, "This namespace lacks an instance named 'alpha'.")
    );
}

#[test]
fn flush_removes_only_this_namespace_and_type() {
    let r = registry();
    run(&r, 1, Xlator::Siit, "a", add_op(IPT, None));
    run(&r, 1, Xlator::Siit, "b", add_op(IPT, None));
    run(&r, 2, Xlator::Siit, "a", add_op(IPT, None));
    run(&r, 1, Xlator::Nat64, "a", add_op(IPT, Some("64:ff9b::/96")));
    assert_eq!(
        run(&r, 1, Xlator::Siit, "x", Op::InstanceFlush),
        Response::Ok
    );
    assert_eq!(rows(&r, Xlator::Siit).len(), 1);
    assert_eq!(rows(&r, Xlator::Nat64).len(), 1);
    assert_eq!(r.remove_all(), 2);
}

#[test]
fn status_tells_whether_the_instance_exists() {
    let r = registry();
    run(&r, 1, Xlator::Siit, "a", add_op(NF, None));
    let status = |name: &str| r.handle(ns(1), false, &req(Xlator::Siit, name, Op::InstanceStatus));
    assert_eq!(status("a"), Response::Status(true));
    assert_eq!(status("b"), Response::Status(false));
}

#[test]
fn unprivileged_clients_may_only_read() {
    let r = registry();
    run(&r, 1, Xlator::Siit, "default", add_op(NF, None));
    let eperm = err(
        1,
        "CAP_NET_ADMIN capability required. (Maybe try su or sudo?)",
    );
    let as_user = |op: Op| r.handle(ns(1), false, &req(Xlator::Siit, "default", op));
    assert_eq!(as_user(add_op(IPT, None)), eperm);
    assert_eq!(as_user(Op::InstanceRemove), eperm);
    assert_eq!(as_user(Op::InstanceFlush), eperm);
    assert_eq!(as_user(Op::EamtFlush), eperm);
    let update = Op::GlobalUpdate {
        key: "tos".into(),
        value: "3".into(),
        force: false,
    };
    assert_eq!(as_user(update), eperm);
    assert!(matches!(as_user(Op::StatsDisplay), Response::Stats(_)));
    assert!(matches!(as_user(Op::GlobalDisplay), Response::Globals(_)));
    assert!(matches!(as_user(Op::EamtDisplay), Response::Eamt(_)));
    assert_eq!(r.len(), 1);
}

#[test]
fn picks_the_first_free_queue_and_refuses_a_taken_one() {
    let r = registry();
    let s = Xlator::Siit;
    let with_queue = |q: u16| Op::InstanceAdd {
        framework: IPT,
        pool6: None,
        queue: Some(q.into()),
    };
    assert_eq!(run(&r, 1, s, "a", with_queue(0)), Response::Ok);
    assert_eq!(run(&r, 1, s, "b", add_op(IPT, None)), Response::Ok);
    assert_eq!(
        run(&r, 1, s, "c", with_queue(1)),
        err(
            16,
            "NFQUEUE 1 is already used by instance 'b' of this namespace."
        )
    );
    // Queues are per namespace.
    assert_eq!(run(&r, 2, s, "c", with_queue(1)), Response::Ok);
    let queues: Vec<Option<u16>> = rows(&r, s).into_iter().map(|x| x.3).collect();
    assert_eq!(queues, [Some(0), Some(1), Some(1)]);
    let nf_queue = Op::InstanceAdd {
        framework: NF,
        pool6: None,
        queue: Some(5.into()),
    };
    assert!(matches!(
        run(&r, 3, s, "d", nf_queue),
        Response::Error { errno: 22, .. }
    ));
}

#[test]
fn refuses_overlapping_queue_ranges_and_picks_a_free_queue_around_them() {
    let r = registry();
    let s = Xlator::Siit;
    let with_queues = |first, last| Op::InstanceAdd {
        framework: IPT,
        pool6: None,
        queue: QueueRange::new(first, last),
    };
    assert_eq!(run(&r, 1, s, "a", with_queues(0, 3)), Response::Ok);
    assert_eq!(
        run(&r, 1, s, "b", with_queues(3, 5)),
        err(
            16,
            "NFQUEUE 3 is already used by instance 'a' of this namespace."
        )
    );
    assert_eq!(
        run(&r, 1, s, "b", with_queues(2, 2)),
        err(
            16,
            "NFQUEUE 2 is already used by instance 'a' of this namespace."
        )
    );
    assert_eq!(run(&r, 1, s, "b", with_queues(4, 5)), Response::Ok);
    // The first number outside every range.
    assert_eq!(run(&r, 1, s, "c", add_op(IPT, None)), Response::Ok);
    let shown: Vec<String> = r
        .display(s)
        .into_iter()
        .map(|row| row.queue.map(|q| q.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(shown, ["0:3", "4:5", "6"]);
}

#[test]
fn datapath_failure_registers_nothing() {
    let r = registry();
    *r.plumbing().fail_start.lock().unwrap() = Some(19);
    let resp = run(&r, 1, Xlator::Siit, "a", add_op(NF, None));
    assert!(
        matches!(resp, Response::Error { errno: 19, .. }),
        "{resp:?}"
    );
    assert!(r.is_empty());
}

#[test]
fn tick_removes_instances_of_deleted_namespaces() {
    let r = registry();
    let dead = ns(7);
    let alive = Arc::clone(&dead.alive);
    r.handle(dead, true, &req(Xlator::Siit, "a", add_op(NF, None)));
    run(&r, 8, Xlator::Siit, "b", add_op(NF, None));
    r.tick(0);
    assert_eq!(r.len(), 2);
    alive.store(false, Ordering::SeqCst);
    r.tick(1000); // odd tick: no reachability check
    assert_eq!(r.len(), 2);
    r.tick(2000);
    assert_eq!(r.len(), 1);
    assert!(r.plumbing().calls("a").stopped.load(Ordering::SeqCst));
    assert!(r.plumbing().calls("b").ticks.load(Ordering::SeqCst) >= 3);
}

#[test]
fn config_changes_replumb_and_displays_do_not() {
    let r = registry();
    run(&r, 1, Xlator::Siit, "a", add_op(NF, None));
    let calls = r.plumbing().calls("a");
    run(&r, 1, Xlator::Siit, "a", Op::EamtDisplay);
    assert_eq!(calls.changed.load(Ordering::SeqCst), 0);
    let add = Op::EamtAdd {
        prefix6: "2001:db8::/120".into(),
        prefix4: "192.0.2.0/24".into(),
        force: false,
    };
    assert_eq!(run(&r, 1, Xlator::Siit, "a", add), Response::Ok);
    assert_eq!(calls.changed.load(Ordering::SeqCst), 1);
}

const SIIT_FILE: &str = r#"{
    "instance": "file1", "framework": "netfilter",
    "global": { "pool6": "64:ff9b::/96", "tos": 7 },
    "eamt": [ { "ipv6 prefix": "2001:db8:1::/128", "ipv4 prefix": "192.0.2.9" } ]
}"#;

fn file(json: &str) -> Op {
    Op::FileHandle {
        json: json.into(),
        force: false,
    }
}

#[test]
fn file_handle_creates_then_replaces_a_siit_instance_whole() {
    let r = registry();
    let s = Xlator::Siit;
    assert_eq!(run(&r, 1, s, "default", file(SIIT_FILE)), Response::Ok);
    let e = r.find(1, s, "file1").expect("created");
    assert_eq!(e.instance.globals().tos, 7);
    // Omitted sections go back to their defaults; the instance object stays.
    let minimal = r#"{"instance": "file1", "framework": "netfilter"}"#;
    assert_eq!(run(&r, 1, s, "default", file(minimal)), Response::Ok);
    assert_eq!(r.len(), 1);
    assert_eq!(e.instance.globals().tos, 0);
    assert_eq!(e.instance.siit().unwrap().config().eamt.len(), 0);
    assert_eq!(
        r.plumbing().calls("file1").changed.load(Ordering::SeqCst),
        1
    );
    let iptables = r#"{"instance": "file1", "framework": "iptables"}"#;
    assert_eq!(
        run(&r, 1, s, "default", file(iptables)),
        err(
            22,
            "Sorry; you can't change an instance's framework for now."
        )
    );
}

#[test]
fn file_handle_validates_everything_before_changing_anything() {
    let r = registry();
    let s = Xlator::Siit;
    run(&r, 1, s, "default", file(SIIT_FILE));
    let bad = r#"{"instance": "file1", "framework": "netfilter",
        "global": {"tos": 9},
        "eamt": [ {"ipv6 prefix": "2001:db8::1/64", "ipv4 prefix": "192.0.2.0/24"} ]}"#;
    let resp = run(&r, 1, s, "default", file(bad));
    assert_eq!(
        resp,
        err(22, "'2001:db8::1/64' seems to have a suffix; please fix.")
    );
    let e = r.find(1, s, "file1").unwrap();
    assert_eq!(e.instance.globals().tos, 7);
    assert_eq!(e.instance.siit().unwrap().config().eamt.len(), 1);
    let garbage = run(&r, 1, s, "default", file("{ nope"));
    assert!(matches!(garbage, Response::Error { errno: 22, .. }));
}

const NAT64_FILE: &str = r#"{
    "instance": "n", "framework": "netfilter",
    "global": { "pool6": "64:ff9b::/96" },
    "pool4": [ { "protocol": "TCP", "prefix": "198.51.100.1", "port range": "1-1000" } ],
    "bib": [ { "protocol": "TCP", "ipv6 address": "2001:db8::1#80", "ipv4 address": "198.51.100.1#80" } ]
}"#;

#[test]
fn file_handle_creates_nat64_with_static_bib_and_replacement_keeps_it() {
    let r = registry();
    let n = Xlator::Nat64;
    assert_eq!(run(&r, 1, n, "x", file(NAT64_FILE)), Response::Ok);
    let bib = |r: &Registry<FakePlumbing>| {
        run(
            r,
            1,
            n,
            "n",
            Op::BibDisplay {
                proto: jool_ctl::proto::ProtoDto::Tcp,
            },
        )
    };
    let Response::Bib(before) = bib(&r) else {
        panic!()
    };
    assert_eq!(before.len(), 1);
    assert!(before[0].is_static);
    // Replacement: new pool4, BIB kept, the file's bib ignored.
    let replaced = NAT64_FILE.replace("1-1000", "2000-3000");
    assert_eq!(run(&r, 1, n, "x", file(&replaced)), Response::Ok);
    assert_eq!(bib(&r), Response::Bib(before));
    let Response::Pool4(p) = run(
        &r,
        1,
        n,
        "n",
        Op::Pool4Display {
            proto: jool_ctl::proto::ProtoDto::Tcp,
        },
    ) else {
        panic!()
    };
    assert_eq!(p[0].ports, (2000, 3000));
    let other_pool6 = NAT64_FILE.replace("64:ff9b::/96", "2001:db8:64::/96");
    assert_eq!(
        run(&r, 1, n, "x", file(&other_pool6)),
        err(
            22,
            "Sorry; you can't change a NAT64 instance's pool6 for now."
        )
    );
}

#[test]
fn file_handle_refuses_static_bib_outside_pool4_and_nat64_without_pool6() {
    let r = registry();
    let n = Xlator::Nat64;
    let outside = NAT64_FILE.replace("198.51.100.1#80", "198.51.100.2#80");
    assert_eq!(
        run(&r, 1, n, "x", file(&outside)),
        err(
            22,
            "TCP BIB transport address '198.51.100.2#80' does not belong to pool4.\nPlease add it there first."
        )
    );
    let no_pool6 = r#"{"instance": "n", "framework": "netfilter"}"#;
    assert_eq!(
        run(&r, 1, n, "x", file(no_pool6)),
        err(22, "pool6 is mandatory in NAT64 instances.")
    );
    assert!(r.is_empty());
}
