//! The real `jool` and `jool_siit` binaries, for everything that needs no daemon: help,
//! version, parse errors with their exit codes, and the message when no daemon listens.

use jool_ctl::proto::{Op, ProtoDto, Response, SessionRow};
use jool_ctl::transport::{read_request, write_response};
use std::os::unix::net::UnixListener;
use std::process::{Command, Output};

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env_remove("JOOL_SOCKET")
        .output()
        .expect("the client binary runs")
}

fn jool(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_jool"), args)
}

fn jool_siit(args: &[&str]) -> Output {
    run(env!("CARGO_BIN_EXE_jool_siit"), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const NO_DAEMON: &str = "/nonexistent/jool-rs-test.sock";

#[test]
fn prints_jool_version() {
    for o in [jool(&["--version"]), jool_siit(&["-V"])] {
        assert_eq!(stdout(&o), "4.1.15.0\n");
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn prints_help_with_the_modes_of_each_type() {
    let nat64 = jool(&[]);
    assert_eq!(nat64.status.code(), Some(0));
    assert!(stdout(&nat64).starts_with("Usage\n=====\njool (\n"));
    assert!(stdout(&nat64).contains("- pool4 -> display add remove flush \n"));
    assert!(!stdout(&nat64).contains("eamt"));
    let siit = jool_siit(&["--help"]);
    assert!(stdout(&siit).contains("- eamt -> display add remove flush \n"));
    assert!(!stdout(&siit).contains("- session"));
    let op_help = jool(&["session", "display", "--help"]);
    assert_eq!(op_help.status.code(), Some(0));
    assert!(stdout(&op_help).contains("--numeric"));
}

#[test]
fn reports_ambiguous_keywords() {
    let o = jool(&["s", "d"]);
    assert_eq!(
        stderr(&o),
        "Ambiguous token: 's'\nAvailable options: stats session \n"
    );
    assert_eq!(o.status.code(), Some(234));
}

#[test]
fn hides_the_modes_of_the_other_type() {
    let o = jool(&["eamt", "display"]);
    assert!(stderr(&o).starts_with("Unexpected token: 'eamt'\n"));
    assert_eq!(o.status.code(), Some(234));
    let o = jool_siit(&["session", "display"]);
    assert!(stderr(&o).starts_with("Unexpected token: 'session'\n"));
}

#[test]
fn asks_for_more_arguments() {
    let o = jool(&["pool4"]);
    assert_eq!(
        stderr(&o),
        "More arguments expected.\nPossible follow-ups: display add remove flush \n"
    );
    assert_eq!(o.status.code(), Some(234));
}

#[test]
fn reports_missing_positionals_before_contacting_the_daemon() {
    let o = jool_siit(&["--socket", NO_DAEMON, "eamt", "add", "2001:db8::/96"]);
    assert_eq!(stderr(&o), "The command is missing an IPv4 prefix.\n");
    assert_eq!(o.status.code(), Some(234));
}

#[test]
fn reports_unknown_operation_options_like_argp() {
    let o = jool(&["session", "display", "--bogus"]);
    assert_eq!(
        stderr(&o),
        "display: unrecognized option '--bogus'\nTry `display --help' or `display --usage' for more information.\n"
    );
    assert_eq!(o.status.code(), Some(64));
}

#[test]
fn explains_that_the_daemon_is_not_running() {
    let o = jool_siit(&["--socket", NO_DAEMON, "i", "a"]);
    assert_eq!(
        stderr(&o),
        format!(
            "Error: jool-daemon does not seem to be running.\n(Could not connect to {NO_DAEMON}: No such file or directory (os error 2). Start it with 'jool-daemon'.)\n"
        )
    );
    assert_eq!(o.status.code(), Some(253));
    assert!(stdout(&o).is_empty());
}

#[test]
fn finds_the_socket_through_the_environment() {
    let o = Command::new(env!("CARGO_BIN_EXE_jool"))
        .args(["global", "display"])
        .env("JOOL_SOCKET", NO_DAEMON)
        .output()
        .unwrap();
    assert!(stderr(&o).contains(&format!("Could not connect to {NO_DAEMON}:")));
}

#[test]
fn reports_a_dead_instance_without_a_daemon() {
    let o = jool(&["--socket", NO_DAEMON, "instance", "status"]);
    assert_eq!(stdout(&o), "Dead\n");
    assert_eq!(o.status.code(), Some(0));
}

/// A one-shot fake daemon: answers the first request with `response`, returns the request.
fn serve_once(
    response: Response,
) -> (
    std::path::PathBuf,
    std::thread::JoinHandle<jool_ctl::proto::Request>,
) {
    let dir = std::env::temp_dir().join(format!("jool-cli-sock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fake.sock");
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let (request, _netns) = read_request(&stream).unwrap();
        write_response(&stream, &response).unwrap();
        request
    });
    (path, handle)
}

#[test]
fn prints_the_seed_session_display_through_the_socket() {
    let row = SessionRow {
        proto: ProtoDto::Icmp,
        src6: ("2001:db8:1::8".parse().unwrap(), 3206),
        dst6: ("2001:db8:64::c000:208".parse().unwrap(), 3206),
        src4: ("192.0.2.1".parse().unwrap(), 62253),
        dst4: ("192.0.2.8".parse().unwrap(), 62253),
        expires_in_ms: 42_017,
        state: None,
    };
    let (path, server) = serve_once(Response::Sessions(vec![row]));
    let socket = path.to_str().unwrap();
    let o = jool(&[
        "--socket",
        socket,
        "session",
        "display",
        "--icmp",
        "--numeric",
    ]);
    let request = server.join().unwrap();
    assert_eq!(
        request.op,
        Op::SessionDisplay {
            proto: ProtoDto::Icmp
        }
    );
    assert_eq!(
        stdout(&o),
        "ICMP:\n---------------------------------\nExpires in 42 seconds\nRemote: 192.0.2.8#62253\t2001:db8:1::8#3206\nLocal: 192.0.2.1#62253\t2001:db8:64::c000:208#3206\n---------------------------------\n  (Fetched 1 entries.)\n"
    );
    assert_eq!(o.status.code(), Some(0));
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
