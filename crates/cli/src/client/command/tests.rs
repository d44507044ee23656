//! Unit tests of the per-operation argument parsing.

use super::super::grammar::parse;
use super::*;
use jool_ctl::proto::FrameworkDto;
use XlatorType::{Nat64, Siit};

fn inv(t: XlatorType, args: &[&str]) -> Result<Invocation, Report> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    build(t, &parse(t, &args)?)
}

#[test]
fn builds_instance_add_with_defaults() {
    let i = inv(Siit, &["i", "a", "--iptables", "alpha"]).unwrap();
    assert_eq!(i.request.instance, "alpha");
    assert_eq!(i.request.xlator, Xlator::Siit);
    assert_eq!(
        i.request.op,
        Op::InstanceAdd {
            framework: FrameworkDto::Iptables,
            pool6: None,
            queue: None
        }
    );
    let n = inv(Nat64, &["instance", "add", "--pool6", "64:ff9b::/96"]).unwrap();
    assert_eq!(n.request.instance, "default");
    assert_eq!(
        n.request.op,
        Op::InstanceAdd {
            framework: FrameworkDto::Netfilter,
            pool6: Some("64:ff9b::/96".into()),
            queue: None
        }
    );
    let q = inv(
        Nat64,
        &[
            "instance",
            "add",
            "--iptables",
            "--queue",
            "7",
            "-6",
            "64:ff9b::/96",
        ],
    )
    .unwrap();
    assert!(matches!(
        q.request.op,
        Op::InstanceAdd { queue: Some(q), .. } if q == 7.into()
    ));
}

#[test]
fn builds_instance_add_with_a_queue_range() {
    let q = inv(
        Nat64,
        &[
            "instance",
            "add",
            "--iptables",
            "--queue",
            "2:5",
            "-6",
            "64:ff9b::/96",
        ],
    )
    .unwrap();
    let want = jool_ctl::proto::QueueRange::new(2, 5);
    assert!(matches!(q.request.op, Op::InstanceAdd { queue, .. } if queue == want));
    let same = inv(Siit, &["instance", "add", "--iptables", "--queue", "4:4"]).unwrap();
    assert!(matches!(same.request.op, Op::InstanceAdd { queue: Some(q), .. } if q == 4.into()));
    let empty = inv(Siit, &["instance", "add", "--iptables", "--queue", "5:2"]).unwrap_err();
    assert_eq!(
        empty.stderr,
        "Error: The queue range 5:2 is empty (the first queue is greater than the last).\n"
    );
    let bad = inv(Siit, &["instance", "add", "--iptables", "--queue", "1:x"]).unwrap_err();
    assert!(bad.stderr.starts_with("Error: "), "{}", bad.stderr);
    let big = inv(
        Siit,
        &["instance", "add", "--iptables", "--queue", "0:65536"],
    )
    .unwrap_err();
    assert!(big.stderr.starts_with("Error: "), "{}", big.stderr);
}

#[test]
fn rejects_conflicting_instance_arguments() {
    let both = inv(Siit, &["instance", "add", "--iptables", "--netfilter"]).unwrap_err();
    assert_eq!(
        both.stderr,
        "Error: The translator can only be hooked to one framework.\n"
    );
    assert_eq!(both.code, 234);
    let names = inv(Siit, &["-i", "a", "instance", "remove", "b"]).unwrap_err();
    assert_eq!(
        names.stderr,
        "Error: You entered two different instance names. Please delete one of them.\n"
    );
    let long = inv(Siit, &["instance", "add", "a-name-too-long-x"]).unwrap_err();
    assert!(long.stderr.contains("15 characters max."));
    let queue = inv(Siit, &["instance", "add", "--queue", "1"]).unwrap_err();
    assert_eq!(
        queue.stderr,
        "Error: --queue only applies to iptables instances.\n"
    );
}

#[test]
fn warns_when_display_gets_an_instance_name() {
    let i = inv(Siit, &["-i", "x", "instance", "display", "--csv"]).unwrap();
    assert_eq!(
        i.warnings,
        "Warning: instance display ignores the instance name argument.\n"
    );
    assert_eq!(
        i.view,
        View::Instances {
            csv: true,
            no_headers: false
        }
    );
}

#[test]
fn builds_the_seed_session_display() {
    let i = inv(Nat64, &["session", "display", "--icmp", "--numeric"]).unwrap();
    assert_eq!(
        i.request.op,
        Op::SessionDisplay {
            proto: ProtoDto::Icmp
        }
    );
    assert_eq!(
        i.view,
        View::Sessions {
            proto: ProtoDto::Icmp,
            csv: false,
            no_headers: false,
            numeric: true
        }
    );
    let err = inv(Nat64, &["session", "display", "--icmp", "--tcp"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "Error: Only one protocol is allowed per request.\n"
    );
}

#[test]
fn builds_the_seed_pool4_add() {
    let i = inv(
        Nat64,
        &[
            "-i",
            "alpha",
            "pool4",
            "add",
            "--tcp",
            "192.0.2.1",
            "61001-65535",
        ],
    )
    .unwrap();
    assert_eq!(i.request.instance, "alpha");
    assert_eq!(
        i.request.op,
        Op::Pool4Add {
            proto: ProtoDto::Tcp,
            prefix: "192.0.2.1/32".into(),
            ports: (61001, 65535),
            mark: 0,
            max_iterations: None,
            force: false
        }
    );
}

#[test]
fn lists_what_pool4_add_is_missing() {
    let err = inv(Nat64, &["pool4", "add"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "The command is missing an IPv4 prefix or address, a port (or ICMP id) range and a protocol (--tcp, --udp or --icmp).\n"
    );
    assert_eq!(err.code, 234);
    let err = inv(Nat64, &["pool4", "add", "192.0.2.0/24", "--udp"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "The command is missing a port (or ICMP id) range.\n"
    );
}

#[test]
fn refuses_large_pool4_prefixes_without_force() {
    let err = inv(Nat64, &["pool4", "add", "192.0.0.0/16", "1-2", "--icmp"]).unwrap_err();
    assert!(err
        .stderr
        .starts_with("Error: Warning: You're adding lots of addresses"));
    assert_eq!(err.code, 249);
    assert!(inv(
        Nat64,
        &["pool4", "add", "192.0.0.0/16", "1-2", "--icmp", "-f"]
    )
    .is_ok());
}

#[test]
fn builds_pool4_remove_with_defaults() {
    let i = inv(Nat64, &["pool4", "r", "192.0.2.1", "-q"]).unwrap();
    assert_eq!(
        i.request.op,
        Op::Pool4Remove {
            proto: ProtoDto::Tcp,
            prefix: "192.0.2.1/32".into(),
            ports: (0, 65535),
            mark: 0,
            quick: true
        }
    );
}

#[test]
fn builds_eamt_in_any_order_and_reports_missing_prefixes() {
    let i = inv(Siit, &["eamt", "add", "192.0.2.1", "2001:db8::/128"]).unwrap();
    assert_eq!(
        i.request.op,
        Op::EamtAdd {
            prefix6: "2001:db8::/128".into(),
            prefix4: "192.0.2.1/32".into(),
            force: false
        }
    );
    let err = inv(Siit, &["eamt", "add"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "The command is missing an IPv6 prefix and an IPv4 prefix.\n"
    );
    let err = inv(Siit, &["eamt", "remove"]).unwrap_err();
    assert_eq!(err.stderr, "The command is missing a prefix.\n");
}

#[test]
fn warns_that_blacklist4_is_deprecated() {
    let i = inv(Siit, &["blacklist4", "add", "192.0.2.0/28"]).unwrap();
    assert_eq!(
        i.warnings,
        "Warning: blacklist4 is deprecated. Use 'denylist4' instead.\n"
    );
    assert_eq!(
        i.request.op,
        Op::Denylist4Add {
            prefix: "192.0.2.0/28".into(),
            force: false
        }
    );
}

#[test]
fn validates_global_update_values_locally() {
    let i = inv(Nat64, &["global", "update", "udp-timeout", "0:10:00"]).unwrap();
    assert_eq!(
        i.request.op,
        Op::GlobalUpdate {
            key: "udp-timeout".into(),
            value: "0:10:00".into(),
            force: false
        }
    );
    let err = inv(Siit, &["global", "update", "manually-enabled", "maybe"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "Error: Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off).\n"
    );
    let err = inv(Siit, &["global", "update", "tos"]).unwrap_err();
    assert_eq!(err.stderr, "Error: Missing value of key tos.\n");
}

#[test]
fn builds_bib_and_address_requests() {
    let i = inv(
        Nat64,
        &["bib", "add", "192.0.2.1#61001", "2001:db8::1#80", "-u"],
    )
    .unwrap();
    assert_eq!(
        i.request.op,
        Op::BibAdd {
            proto: ProtoDto::Udp,
            taddr6: "2001:db8::1#80".into(),
            taddr4: "192.0.2.1#61001".into()
        }
    );
    let err = inv(Nat64, &["bib", "remove"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "The command is missing at least one transport address.\n"
    );
    let q = inv(Siit, &["address", "query", "-v", "64:ff9b::c000:2f8"]).unwrap();
    assert!(matches!(q.view, View::Address { verbose: true, .. }));
    let err = inv(Siit, &["address", "query"]).unwrap_err();
    assert_eq!(err.stderr, "The command is missing an IP address.\n");
}

#[test]
fn rejects_unexpected_positionals_like_argp() {
    let err = inv(Siit, &["instance", "display", "extra"]).unwrap_err();
    assert_eq!(
        err.stderr,
        "display: Too many arguments\nTry `display --help' or `display --usage' for more information.\n"
    );
    assert_eq!(err.code, 64);
}

#[test]
fn reads_file_handle_input() {
    let dir = std::env::temp_dir().join(format!("jool-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("siit.json");
    let json =
        r#"{"instance": "fh", "framework": "netfilter", "global": {"pool6": "64:ff9b::/96"}}"#;
    std::fs::write(&path, json).unwrap();
    let i = inv(Siit, &["file", "handle", path.to_str().unwrap()]).unwrap();
    assert_eq!(i.request.instance, "fh");
    assert_eq!(
        i.request.op,
        Op::FileHandle {
            json: json.into(),
            force: false
        }
    );
    let missing = inv(Siit, &["file", "handle"]).unwrap_err();
    assert_eq!(missing.stderr, "The command is missing a file name.\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lists_completion_candidates() {
    assert_eq!(
        completion_candidates(Mode::Instance, "display"),
        "--no-headers --csv --help --usage --version"
    );
}
