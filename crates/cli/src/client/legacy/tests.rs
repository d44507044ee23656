use super::*;
use crate::client::output::Numeric;
use jool_ctl::proto::{BibRow, FrameworkDto, MaxIterDto, Op, SessionRow, Xlator};
use std::path::Path;
use XlatorType::{Nat64, Siit};

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The ops a 3.x line sends, with their views.
fn plan(t: XlatorType, args: &[&str]) -> Vec<(Op, Show)> {
    let args = v(args);
    assert!(is_legacy(&args), "{args:?} should be 3.x syntax");
    parse(t, &args)
        .unwrap_or_else(|r| panic!("{args:?}: {r:?}"))
        .steps
        .into_iter()
        .map(|s| (s.request.op, s.show))
        .collect()
}

fn ops(t: XlatorType, args: &[&str]) -> Vec<Op> {
    plan(t, args).into_iter().map(|(op, _)| op).collect()
}

fn error(t: XlatorType, args: &[&str]) -> String {
    parse(t, &v(args)).expect_err("should fail").stderr
}

fn update(key: &str, value: &str) -> Op {
    Op::GlobalUpdate {
        key: key.into(),
        value: value.into(),
        force: false,
    }
}

#[test]
fn recognises_3x_lines_and_leaves_4x_ones_alone() {
    for line in [
        &["--instance"][..],
        &["--instance", "--add"],
        &["--pool6"],
        &["-i", "alpha", "--pool6", "--add", "64:ff9b::/96"],
        &["--socket", "/tmp/s", "--session", "--icmp"],
        &["--enable"],
        &["--udp-timeout", "300"],
        &["--toUDP=300"],
        &["--file", "conf.json"],
        &["--display"],
    ] {
        assert!(is_legacy(&v(line)), "{line:?}");
    }
    for line in [
        &[][..],
        &["instance", "add"],
        &["--instance", "alpha", "global", "display"],
        &["-i", "alpha", "pool4", "display"],
        &["--file", "conf.json", "global", "display"],
        &["--help"],
        &["--version"],
        &["--socket", "/tmp/s", "eamt", "flush"],
    ] {
        assert!(!is_legacy(&v(line)), "{line:?}");
    }
}

#[test]
fn maps_instance_add_and_remove() {
    assert_eq!(
        ops(Siit, &["--instance", "--add"]),
        vec![Op::InstanceAdd {
            framework: FrameworkDto::Netfilter,
            pool6: None,
            queue: None
        }]
    );
    assert_eq!(
        ops(Siit, &["--instance"]),
        ops(Siit, &["--instance", "--add"])
    );
    assert_eq!(
        plan(Nat64, &["--instance", "--add"]),
        vec![(Op::InstanceStatus, Show::ReserveNat64)]
    );
    assert_eq!(
        ops(Nat64, &["--instance", "--remove"]),
        vec![Op::InstanceRemove]
    );
}

#[test]
fn nat64_pool6_add_creates_the_instance() {
    assert_eq!(
        ops(Nat64, &["--pool6", "--add", "2001:db8:64::/96"]),
        vec![Op::InstanceAdd {
            framework: FrameworkDto::Netfilter,
            pool6: Some("2001:db8:64::/96".into()),
            queue: None
        }]
    );
    assert_eq!(
        ops(Siit, &["--pool6", "--add", "64:ff9b::/96", "--force"]),
        vec![Op::GlobalUpdate {
            key: "pool6".into(),
            value: "64:ff9b::/96".into(),
            force: true
        }]
    );
    assert_eq!(
        ops(Siit, &["--pool6", "--flush"]),
        vec![update("pool6", "null")]
    );
    assert!(error(Nat64, &["--pool6", "--remove", "64:ff9b::/96"]).contains("jool_siit"));
    assert!(error(Nat64, &["--pool6", "--add"]).contains("missing an IPv6 prefix"));
}

#[test]
fn pool6_display_reads_the_global() {
    assert_eq!(
        plan(Nat64, &["--pool6"]),
        vec![(
            Op::GlobalDisplay,
            Show::GlobalAsList {
                key: "pool6",
                count: false
            }
        )]
    );
    assert_eq!(
        plan(Siit, &["--pool6791", "--count"]),
        vec![(
            Op::GlobalDisplay,
            Show::GlobalAsList {
                key: "rfc6791v4-prefix",
                count: true
            }
        )]
    );
}

#[test]
fn session_and_bib_protocols_combine_and_default_to_all() {
    let protos = |args: &[&str]| -> Vec<ProtoDto> {
        ops(Nat64, args)
            .into_iter()
            .map(|op| match op {
                Op::SessionDisplay { proto } | Op::BibDisplay { proto } => proto,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(
        protos(&["--session"]),
        vec![ProtoDto::Tcp, ProtoDto::Udp, ProtoDto::Icmp]
    );
    assert_eq!(
        protos(&["--session", "--icmp", "--numeric"]),
        vec![ProtoDto::Icmp]
    );
    assert_eq!(
        protos(&["--bib", "--display", "--udp", "--tcp"]),
        vec![ProtoDto::Tcp, ProtoDto::Udp]
    );
    assert_eq!(
        plan(Nat64, &["--session", "--icmp", "--numeric"])[0].1,
        Show::Sessions {
            proto: ProtoDto::Icmp,
            numeric: true,
            csv: false,
            count: false
        }
    );
    assert!(error(Siit, &["--session"]).contains("only applies to jool (NAT64)"));
}

#[test]
fn pool4_add_without_protocol_adds_all_three_with_3x_default_ports() {
    let added = ops(Nat64, &["--pool4", "--add", "192.0.2.1"]);
    let expect = |proto, ports| Op::Pool4Add {
        proto,
        prefix: "192.0.2.1/32".into(),
        ports,
        mark: 0,
        max_iterations: None,
        force: false,
    };
    assert_eq!(
        added,
        vec![
            expect(ProtoDto::Tcp, (1, 65535)),
            expect(ProtoDto::Udp, (1, 65535)),
            expect(ProtoDto::Icmp, (0, 65535)),
        ]
    );
    assert_eq!(
        ops(
            Nat64,
            &[
                "--pool4",
                "--add",
                "--mark",
                "7",
                "--udp",
                "192.0.2.0/30",
                "1000-2000",
                "--max-iterations",
                "5",
                "--force"
            ]
        ),
        vec![Op::Pool4Add {
            proto: ProtoDto::Udp,
            prefix: "192.0.2.0/30".into(),
            ports: (1000, 2000),
            mark: 7,
            max_iterations: Some(MaxIterDto::Fixed(5)),
            force: true,
        }]
    );
    assert_eq!(
        ops(
            Nat64,
            &["--pool4", "--remove", "--tcp", "192.0.2.1", "--quick"]
        ),
        vec![Op::Pool4Remove {
            proto: ProtoDto::Tcp,
            prefix: "192.0.2.1/32".into(),
            ports: (0, 65535),
            mark: 0,
            quick: true,
        }]
    );
    assert_eq!(
        ops(Nat64, &["--pool4", "--flush"]),
        vec![Op::Pool4Flush { quick: false }]
    );
    let shows: Vec<Show> = plan(Nat64, &["--pool4"]).into_iter().map(|p| p.1).collect();
    assert_eq!(
        shows
            .iter()
            .filter(|s| matches!(s, Show::Pool4 { last: true, .. }))
            .count(),
        1
    );
}

#[test]
fn maps_bib_edits() {
    assert_eq!(
        ops(
            Nat64,
            &["--bib", "--add", "192.0.2.1#80", "2001:db8::1#8080"]
        ),
        vec![Op::BibAdd {
            proto: ProtoDto::Tcp,
            taddr6: "2001:db8::1#8080".into(),
            taddr4: "192.0.2.1#80".into(),
        }]
    );
    assert_eq!(
        ops(Nat64, &["--bib", "--remove", "--udp", "192.0.2.1#53"]),
        vec![Op::BibRemove {
            proto: ProtoDto::Udp,
            taddr6: None,
            taddr4: Some("192.0.2.1#53".into()),
        }]
    );
}

#[test]
fn maps_eamt_blacklist_and_pool6791() {
    assert_eq!(
        ops(Siit, &["--eamt", "--add", "192.0.2.1", "2001:db8:aaaa::"]),
        vec![Op::EamtAdd {
            prefix6: "2001:db8:aaaa::/128".into(),
            prefix4: "192.0.2.1/32".into(),
            force: false,
        }]
    );
    assert_eq!(
        plan(Siit, &["--eamt"]),
        vec![(Op::EamtDisplay, Show::Eamt { count: false })]
    );
    assert_eq!(
        ops(Siit, &["--blacklist", "--add", "192.0.2.0/24"]),
        vec![Op::Denylist4Add {
            prefix: "192.0.2.0/24".into(),
            force: false
        }]
    );
    assert_eq!(
        ops(Siit, &["--blacklist", "--flush"]),
        vec![Op::Denylist4Flush]
    );
    assert_eq!(
        ops(Siit, &["--pool6791", "--add", "198.51.100.0/24"]),
        vec![update("rfc6791v4-prefix", "198.51.100.0/24")]
    );
    assert!(error(Nat64, &["--eamt"]).contains("only applies to jool_siit"));
}

#[test]
fn maps_global_flags_and_deprecated_names() {
    assert_eq!(
        plan(Nat64, &["--global"]),
        vec![(Op::GlobalDisplay, Show::Globals { csv: false })]
    );
    assert_eq!(
        ops(Nat64, &["--enable"]),
        vec![update("manually-enabled", "true")]
    );
    assert_eq!(
        ops(Siit, &["--disable"]),
        vec![update("manually-enabled", "false")]
    );
    assert_eq!(
        ops(Nat64, &["--manually-enabled", "false"]),
        vec![update("manually-enabled", "false")]
    );
    assert_eq!(
        ops(Nat64, &["--udp-timeout", "300"]),
        vec![update("udp-timeout", "0:05:00")]
    );
    assert_eq!(
        ops(Nat64, &["--global", "--update", "--toTCPest=7200"]),
        vec![update("tcp-est-timeout", "2:00:00")]
    );
    assert_eq!(
        ops(Nat64, &["--dropAddr", "--zeroize-traffic-class", "false"]),
        vec![
            update("address-dependent-filtering", "true"),
            update("zeroize-traffic-class", "false")
        ]
    );
    assert_eq!(
        ops(Siit, &["--eam-hairpin-mode", "2"]),
        vec![update("eam-hairpin-mode", "intrinsic")]
    );
    assert_eq!(
        ops(Siit, &["--plateaus", "1500,1280"]),
        vec![update("mtu-plateaus", "1500,1280")]
    );
    let warned = parse(Nat64, &v(&["--toUDP", "300"])).unwrap().warnings;
    assert_eq!(
        warned,
        "Warning: --toUDP is deprecated. Use --udp-timeout instead.\n"
    );
    assert!(error(Nat64, &["--toFrag", "2"]).contains("does not exist in Jool 4"));
    assert!(error(Nat64, &["--tos", "banana"]).starts_with("Error: "));
}

#[test]
fn prints_sessions_bib_and_lists_like_3x() {
    let mut pool4 = Vec::new();
    let session = SessionRow {
        proto: ProtoDto::Icmp,
        src6: ("2001:db8:1::8".parse().unwrap(), 3206),
        dst6: ("2001:db8:64::c000:208".parse().unwrap(), 3206),
        src4: ("192.0.2.1".parse().unwrap(), 62253),
        dst4: ("192.0.2.8".parse().unwrap(), 62253),
        expires_in_ms: 42_500,
        state: None,
    };
    let icmp = Show::Sessions {
        proto: ProtoDto::Icmp,
        numeric: true,
        csv: false,
        count: false,
    };
    let r = show(
        Nat64,
        &icmp,
        Response::Sessions(vec![session]),
        &Numeric,
        &mut pool4,
    );
    assert_eq!(
        r.stdout,
        "ICMP:\n---------------------------------\nExpires in 42 seconds\nRemote: 192.0.2.8#62253\t2001:db8:1::8#3206\nLocal: 192.0.2.1#62253\t2001:db8:64::c000:208#3206\n---------------------------------\n  (Fetched 1 entries.)\n"
    );
    let bib = |proto| Show::Bib {
        proto,
        numeric: true,
        count: false,
    };
    let row = BibRow {
        proto: ProtoDto::Tcp,
        addr6: ("2001:db8::6".parse().unwrap(), 1234),
        addr4: ("4.4.4.4".parse().unwrap(), 1234),
        is_static: false,
    };
    let tcp = show(
        Nat64,
        &bib(ProtoDto::Tcp),
        Response::Bib(vec![row]),
        &Numeric,
        &mut pool4,
    );
    let udp = show(
        Nat64,
        &bib(ProtoDto::Udp),
        Response::Bib(vec![]),
        &Numeric,
        &mut pool4,
    );
    assert_eq!(
        tcp.stdout + &udp.stdout,
        "TCP:\n[Dynamic] 4.4.4.4#1234 - 2001:db8::6#1234\n  (Fetched 1 entries.)\nUDP:\n  (empty)\n"
    );
    let pool6 = Show::GlobalAsList {
        key: "pool6",
        count: false,
    };
    let globals = |v: &str| {
        Response::Globals(vec![
            ("manually-enabled".into(), "true".into()),
            ("pool6".into(), v.into()),
        ])
    };
    let r = show(
        Nat64,
        &pool6,
        globals("2001:db8:64::/96"),
        &Numeric,
        &mut pool4,
    );
    assert_eq!(r.stdout, "2001:db8:64::/96\n  (Fetched 1 entries.)\n");
    let r = show(Siit, &pool6, globals("(unset)"), &Numeric, &mut pool4);
    assert_eq!(r.stdout, "  (empty)\n");
    let eamt = Response::Eamt(vec![("2001:db8:aaaa::/128".into(), "192.0.2.1/32".into())]);
    let r = show(
        Siit,
        &Show::Eamt { count: false },
        eamt,
        &Numeric,
        &mut pool4,
    );
    assert_eq!(
        r.stdout,
        "2001:db8:aaaa::/128 - 192.0.2.1/32\n  (Fetched 1 entries.)\n"
    );
    let counted = Show::Sessions {
        proto: ProtoDto::Udp,
        numeric: false,
        csv: false,
        count: true,
    };
    let r = show(
        Nat64,
        &counted,
        Response::Sessions(vec![]),
        &Numeric,
        &mut pool4,
    );
    assert_eq!(r.stdout, "UDP: 0\n");
}

/// Runs a 3.x line against a fake daemon answering `answers` in order.
fn run_fake(t: XlatorType, args: &[&str], answers: Vec<Response>) -> (Report, Vec<Request>) {
    let mut sent = Vec::new();
    let mut answers = answers.into_iter();
    let mut send = |_: &Path, req: &Request| {
        sent.push(req.clone());
        Ok(answers.next().unwrap_or(Response::Ok))
    };
    let report = run(t, &v(args), &mut send, &Numeric).expect("3.x syntax");
    (report, sent)
}

#[test]
fn nat64_instance_add_refuses_an_existing_instance() {
    let (ok, sent) = run_fake(
        Nat64,
        &["--instance", "--add"],
        vec![Response::Status(false)],
    );
    assert_eq!(ok, Report::default());
    assert_eq!(sent[0].xlator, Xlator::Nat64);
    let (dup, _) = run_fake(
        Nat64,
        &["--instance", "--add"],
        vec![Response::Status(true)],
    );
    assert_eq!(
        dup.stderr,
        "Error: The kernel module returned error 17: This namespace already has a Jool instance.\n"
    );
    assert_eq!(dup.code, 17);
}

#[test]
fn stops_at_the_first_failing_step() {
    let (r, sent) = run_fake(
        Nat64,
        &["--session"],
        vec![
            Response::Sessions(vec![]),
            Response::Error {
                errno: 3,
                message: "Instance 'default' does not exist.".into(),
            },
        ],
    );
    assert_eq!(sent.len(), 2);
    assert_eq!(
        r.stdout,
        "TCP:\n---------------------------------\n  (empty)\n"
    );
    assert_eq!(r.code, 3);
}

#[test]
fn refuses_unknown_flags_and_operations() {
    assert!(error(Nat64, &["--pool4", "--banana"]).contains("Unknown option: '--banana'"));
    assert!(error(Nat64, &["--session", "--add"]).contains("--session --add"));
    assert!(error(Nat64, &["--pool6", "--bib"]).contains("Only one target"));
}

#[test]
fn maps_joold_advertise_to_session_advertise() {
    // Spec §9: `jool --joold --advertise` = `jool session advertise`.
    assert_eq!(
        ops(Nat64, &["--joold", "--advertise"]),
        vec![Op::SsAdvertise]
    );
    assert!(error(Siit, &["--joold", "--advertise"]).contains("only applies to jool (NAT64)"));
    assert!(error(Nat64, &["--joold", "--display"]).contains("does not exist"));
}
