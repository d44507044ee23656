//! One client run: parse, send, print.
//!
//! Errors the daemon returns are printed as Jool 4.1 prints the kernel module's errors:
//! `Error: The kernel module returned error <errno>: <message>`, exit status `<errno>`
//! (jool-daemon plays the kernel module's part; see [`daemon_error`]).

use super::command::{build, completion_candidates, Invocation, View};
use super::grammar::{self, Mode};
use super::output::{self, Numeric, Resolver, SystemResolver};
use super::report::{warning, Report, EXIT_EINVAL, EXIT_ESRCH};
use jool_core::XlatorType;
use jool_ctl::proto::{Request, Response};
use jool_ctl::transport::{self, TransportError};
use std::path::Path;
use std::process::ExitCode;

/// Sends a request to the daemon at a socket path.
pub type Send<'a> = dyn FnMut(&Path, &Request) -> Result<Response, TransportError> + 'a;

/// Entry point of the `jool` and `jool_siit` binaries.
pub fn main(t: XlatorType) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    run(t, &args, &mut transport::request, &SystemResolver).emit()
}

/// Runs the client of type `t` on `args` (without the program name).
pub fn run(t: XlatorType, args: &[String], send: &mut Send<'_>, resolver: &dyn Resolver) -> Report {
    if let Some(report) = crate::docs::client_hidden_option(t, args) {
        return report;
    }
    if let Some(report) = super::legacy::run(t, args, send, resolver) {
        return report;
    }
    let parsed = match grammar::parse(t, args) {
        Ok(p) => p,
        Err(report) => return report,
    };
    if parsed.mode == Mode::Autocomplete {
        return Report::out(grammar::autocomplete(
            t,
            &parsed.rest,
            completion_candidates,
        ));
    }
    let inv = match build(t, &parsed) {
        Ok(inv) => inv,
        Err(report) => return report,
    };
    let path = transport::socket_path(parsed.socket.as_deref());
    if let Some(report) = super::ss::intercept(&path, &inv) {
        return report;
    }
    let answer = send(&path, &inv.request);
    render(t, &inv, answer, resolver).with_stderr_prefix(&inv.warnings)
}

/// How a daemon-side failure is printed (Jool's `joolnl_msg2result`), exit status = errno.
pub fn daemon_error(errno: i32, message: &str) -> Report {
    let code = u8::try_from(errno).ok().filter(|c| *c != 0).unwrap_or(1);
    Report::error(
        format!("The kernel module returned error {errno}: {message}"),
        code,
    )
}

fn transport_error(e: &TransportError) -> Report {
    let code = match e {
        TransportError::NoDaemon(..) => EXIT_ESRCH,
        _ => EXIT_EINVAL,
    };
    Report::error(e.to_string(), code)
}

/// The report of a daemon answer that does not fit the request.
pub fn unexpected() -> Report {
    Report::error(
        "jool-daemon sent a response this client did not expect.",
        EXIT_EINVAL,
    )
}

/// Prints the answer to `inv` (pure apart from `resolver`).
pub fn render(
    t: XlatorType,
    inv: &Invocation,
    answer: Result<Response, TransportError>,
    resolver: &dyn Resolver,
) -> Report {
    if let View::Status { name } = &inv.view {
        return match answer {
            Ok(Response::Status(true)) => Report::out("Running\n"),
            Ok(Response::Status(false)) => {
                Report::out(format!("Dead\n(Instance '{name}' does not exist.)\n"))
            }
            Err(e @ TransportError::NoDaemon(..)) => Report {
                stdout: "Dead\n".into(),
                stderr: format!("Error: {e}\n"),
                code: 0,
            },
            Ok(Response::Error { errno, message }) => Report {
                stdout: "Status unknown\n".into(),
                ..daemon_error(errno, &message)
            },
            Err(e) => Report {
                stdout: "Status unknown\n".into(),
                ..transport_error(&e)
            },
            Ok(_) => unexpected(),
        };
    }
    let response = match answer {
        Ok(r) => r,
        Err(e) => return transport_error(&e),
    };
    let numeric_or = |numeric: bool| -> &dyn Resolver {
        if numeric {
            &Numeric
        } else {
            resolver
        }
    };
    match (&inv.view, response) {
        (view, Response::Error { errno, message }) => Report {
            stdout: header_before_failure(view),
            ..daemon_error(errno, &message)
        },
        (View::Silent, Response::Ok) => Report::default(),
        (View::Silent, Response::Warnings(list)) => Report {
            stderr: list.iter().map(|w| warning(w)).collect(),
            ..Report::default()
        },
        (View::Instances { csv, no_headers }, Response::Instances(rows)) => {
            Report::out(output::instance::display(&rows, *csv, *no_headers))
        }
        (
            View::Stats {
                all,
                explain,
                csv,
                no_headers,
            },
            Response::Stats(values),
        ) => {
            let (out, warnings) =
                output::stats::display(&values, *all, *explain, *csv, *no_headers);
            Report {
                stdout: out,
                stderr: warnings,
                code: 0,
            }
        }
        (View::Globals { csv, no_headers }, Response::Globals(pairs)) => {
            match output::global::display(&pairs, t, *csv, *no_headers) {
                Ok(out) => Report::out(out),
                Err(e) => Report::error(e, EXIT_EINVAL),
            }
        }
        (View::Pool4 { csv, no_headers }, Response::Pool4(rows)) => {
            Report::out(output::pool4::display(&rows, *csv, *no_headers))
        }
        (
            View::Bib {
                csv,
                no_headers,
                numeric,
            },
            Response::Bib(rows),
        ) => {
            let r = numeric_or(*numeric);
            let (out, errors) = output::bib::display(&rows, *csv, *no_headers, *numeric, r);
            Report {
                stdout: out,
                stderr: errors,
                code: 0,
            }
        }
        (
            View::Sessions {
                proto,
                csv,
                no_headers,
                numeric,
            },
            Response::Sessions(rows),
        ) => {
            let r = numeric_or(*numeric);
            let (out, errors) =
                output::session::display(*proto, &rows, *csv, *no_headers, *numeric, r);
            Report {
                stdout: out,
                stderr: errors,
                code: 0,
            }
        }
        (View::Eamt { csv, no_headers }, Response::Eamt(rows)) => {
            Report::out(output::eamt::display(&rows, *csv, *no_headers))
        }
        (View::Denylist4 { csv, no_headers }, Response::Denylist4(rows)) => {
            Report::out(output::denylist4::display(&rows, *csv, *no_headers))
        }
        (View::Address { query, verbose }, Response::Address(result)) => {
            Report::out(output::address::display(*query, &result, *verbose))
        }
        _ => unexpected(),
    }
}

/// What Jool has printed of a table when the request fails: its displays print the headers
/// (and, for the bordered tables, the border under them) before they ask the kernel, so a
/// failure (`This namespace lacks an instance named 'x'.`) comes after them. That is the empty
/// table without its closing border.
fn header_before_failure(view: &View) -> String {
    let (mut text, csv) = match view {
        View::Pool4 { csv, no_headers } => (output::pool4::display(&[], *csv, *no_headers), *csv),
        View::Eamt { csv, no_headers } => (output::eamt::display(&[], *csv, *no_headers), *csv),
        View::Denylist4 { csv, no_headers } => {
            (output::denylist4::display(&[], *csv, *no_headers), *csv)
        }
        View::Bib {
            csv: true,
            no_headers,
            ..
        } => (
            output::bib::display(&[], true, *no_headers, true, &Numeric).0,
            true,
        ),
        View::Sessions {
            proto,
            csv: true,
            no_headers,
            ..
        } => (
            output::session::display(*proto, &[], true, *no_headers, true, &Numeric).0,
            true,
        ),
        _ => return String::new(),
    };
    if !csv {
        // Drop the closing border (the last line).
        let keep = text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
        text.truncate(keep);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use jool_ctl::proto::{FrameworkDto, InstanceRow, Op, ProtoDto, SessionRow, Xlator};
    use std::path::PathBuf;

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    /// Runs with a fake daemon that records the request and answers `response`.
    fn run_with(t: XlatorType, args: &[&str], response: Response) -> (Report, Option<Request>) {
        let mut seen = None;
        let mut send = |_: &Path, req: &Request| {
            seen = Some(req.clone());
            Ok(response.clone())
        };
        let report = run(t, &v(args), &mut send, &Numeric);
        (report, seen)
    }

    #[test]
    fn prints_the_seed_instance_table() {
        let rows = vec![InstanceRow {
            namespace: "blue".into(),
            name: "alpha".into(),
            framework: FrameworkDto::Netfilter,
            queue: None,
        }];
        let (report, req) = run_with(
            XlatorType::Siit,
            &["instance", "display"],
            Response::Instances(rows),
        );
        assert_eq!(report.code, 0);
        assert_eq!(
            report.stdout,
            "+--------------------+-----------------+-----------+\n|          Namespace |            Name | Framework |\n+--------------------+-----------------+-----------+\n|               blue |           alpha | netfilter |\n+--------------------+-----------------+-----------+\n"
        );
        let req = req.unwrap();
        assert_eq!((req.xlator, req.op), (Xlator::Siit, Op::InstanceDisplay));
    }

    #[test]
    fn prints_the_seed_session_display() {
        let rows = vec![SessionRow {
            proto: ProtoDto::Icmp,
            src6: ("2001:db8:2::8".parse().unwrap(), 3207),
            dst6: ("2001:db8:46::cb00:7108".parse().unwrap(), 3207),
            src4: ("203.0.113.1".parse().unwrap(), 62941),
            dst4: ("203.0.113.8".parse().unwrap(), 62941),
            expires_in_ms: 48_100,
            state: None,
        }];
        let (report, _) = run_with(
            XlatorType::Nat64,
            &["session", "display", "--icmp", "--numeric"],
            Response::Sessions(rows),
        );
        assert_eq!(
            report.stdout,
            "ICMP:\n---------------------------------\nExpires in 48 seconds\nRemote: 203.0.113.8#62941\t2001:db8:2::8#3207\nLocal: 203.0.113.1#62941\t2001:db8:46::cb00:7108#3207\n---------------------------------\n  (Fetched 1 entries.)\n"
        );
    }

    #[test]
    fn wraps_daemon_errors_like_kernel_errors() {
        let (report, _) = run_with(
            XlatorType::Siit,
            &["instance", "add"],
            Response::Error {
                errno: 17,
                message: "This namespace already has a Jool instance named 'default'.".into(),
            },
        );
        assert_eq!(
            report.stderr,
            "Error: The kernel module returned error 17: This namespace already has a Jool instance named 'default'.\n"
        );
        assert_eq!(report.code, 17);
    }

    #[test]
    fn prints_table_headers_before_a_failure_like_jool() {
        let lacks = || Response::Error {
            errno: 3,
            message: "This namespace lacks an instance named 'x'.".into(),
        };
        let (report, _) = run_with(XlatorType::Nat64, &["-i", "x", "pool4", "display"], lacks());
        assert_eq!(
            report.stdout,
            "+------------+-------+--------------------+-----------------+-------------+\n|       Mark | Proto |     Max iterations |         Address |       Ports |\n"
        );
        assert_eq!(
            report.stderr,
            "Error: The kernel module returned error 3: This namespace lacks an instance named 'x'.\n"
        );
        let (csv, _) = run_with(XlatorType::Nat64, &["bib", "display", "--csv"], lacks());
        assert_eq!(
            csv.stdout,
            "Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?\n"
        );
        let (bare, _) = run_with(
            XlatorType::Siit,
            &["eamt", "display", "--no-headers"],
            lacks(),
        );
        assert_eq!(bare.stdout, "");
        let (global, _) = run_with(XlatorType::Siit, &["global", "display"], lacks());
        assert_eq!(global.stdout, "");
    }

    #[test]
    fn prints_daemon_warnings() {
        let (report, _) = run_with(
            XlatorType::Siit,
            &["blacklist4", "flush"],
            Response::Warnings(vec!["something".into()]),
        );
        assert_eq!(
            report.stderr,
            "Warning: blacklist4 is deprecated. Use 'denylist4' instead.\nWarning: something\n"
        );
        assert_eq!(report.code, 0);
    }

    #[test]
    fn explains_a_missing_daemon() {
        let mut send = |p: &Path, _: &Request| {
            Err(TransportError::NoDaemon(
                p.to_path_buf(),
                std::io::Error::from_raw_os_error(2),
            ))
        };
        let report = run(
            XlatorType::Nat64,
            &v(&["--socket", "/nonexistent", "global", "display"]),
            &mut send,
            &Numeric,
        );
        assert_eq!(
            report.stderr,
            "Error: jool-daemon does not seem to be running.\n(Could not connect to /nonexistent: No such file or directory (os error 2). Start it with 'jool-daemon'.)\n"
        );
        assert_eq!(report.code, 253);
        let status = run(
            XlatorType::Nat64,
            &v(&["--socket", "/nonexistent", "instance", "status"]),
            &mut send,
            &Numeric,
        );
        assert_eq!((status.stdout.as_str(), status.code), ("Dead\n", 0));
    }

    #[test]
    fn reports_instance_status() {
        let (running, _) = run_with(
            XlatorType::Siit,
            &["instance", "status"],
            Response::Status(true),
        );
        assert_eq!(running.stdout, "Running\n");
        let (dead, _) = run_with(
            XlatorType::Siit,
            &["-i", "alpha", "instance", "status"],
            Response::Status(false),
        );
        assert_eq!(dead.stdout, "Dead\n(Instance 'alpha' does not exist.)\n");
    }

    #[test]
    fn uses_the_socket_flag() {
        let mut path = PathBuf::new();
        let mut send = |p: &Path, _: &Request| {
            path = p.to_path_buf();
            Ok(Response::Ok)
        };
        let report = run(
            XlatorType::Siit,
            &v(&["--socket", "/tmp/x.sock", "eamt", "flush"]),
            &mut send,
            &Numeric,
        );
        assert_eq!(report, Report::default());
        assert_eq!(path, PathBuf::from("/tmp/x.sock"));
    }

    #[test]
    fn refuses_mismatched_responses() {
        let (report, _) = run_with(XlatorType::Siit, &["eamt", "display"], Response::Ok);
        assert_eq!(
            report.stderr,
            "Error: jool-daemon sent a response this client did not expect.\n"
        );
    }

    #[test]
    fn completes_without_a_daemon() {
        let mut send = |_: &Path, _: &Request| -> Result<Response, TransportError> {
            panic!("autocomplete must not talk to the daemon")
        };
        let report = run(
            XlatorType::Nat64,
            &v(&["autocomplete", "2", "pool4"]),
            &mut send,
            &Numeric,
        );
        assert_eq!(report.stdout, "display add remove flush ");
    }
}
