//! Session synchronization clients (spec §2.9, §8): `session follow`, `session proxy`, and the
//! deprecated `joold` program. `session advertise` / `joold advertise` are plain requests.
//!
//! ```text
//!   follow: daemon ──SsBatch──► print one line per session ──Ack──► daemon
//!   proxy:  daemon ──SsBatch──► UDP multicast group ──Ack──► daemon
//!           group ──datagram──► SsUp::Inject ──► daemon   (+ optional stats server)
//! ```
//! Jool's follow and proxy switch to syslog once running. Here their log lines go to syslog
//! when `/dev/log` accepts them (ident `joold`, facility daemon), else to stderr with a
//! `joold: ` prefix.

mod follow;
pub mod joold;
mod proxy;

pub use follow::follow_line;
pub use proxy::{ProxyArgs, ProxyStats, DEFAULT_PORT, DEFAULT_STATS_PORT};

use super::command::{Invocation, View};
use super::report::{Report, EXIT_EINVAL};
use super::run::{daemon_error, unexpected};
use jool_ctl::proto::{Request, Response};
use jool_ctl::stream;
use std::io::Write;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::Path;
use std::sync::Mutex;

/// Runs the long-lived operations (`follow`, `proxy`); `None` for every other invocation.
pub fn intercept(path: &Path, inv: &Invocation) -> Option<Report> {
    match &inv.view {
        View::SsFollow => Some(follow::run(path, &inv.request).with_stderr_prefix(&inv.warnings)),
        View::SsProxy(args) => {
            Some(proxy::run(path, &inv.request, args).with_stderr_prefix(&inv.warnings))
        }
        _ => None,
    }
}

/// Opens the session stream `req` asks for (follow or proxy): the connection once the daemon
/// accepted it, else the report of why not.
fn subscribe(path: &Path, req: &Request) -> Result<UnixStream, Report> {
    let (conn, first) =
        stream::open(path, req).map_err(|e| Report::error(e.to_string(), EXIT_EINVAL))?;
    match first {
        Response::Ok => Ok(conn),
        Response::Error { errno, message } => Err(daemon_error(errno, &message)),
        _ => Err(unexpected()),
    }
}

/// Where a running follow/proxy logs: syslog (`/dev/log`) or stderr.
pub struct Log {
    syslog: Option<Mutex<UnixDatagram>>,
}

/// syslog facility `daemon` (3), as Jool's joold opens its log.
const LOG_DAEMON: u8 = 3 << 3;
/// Severity `err`.
pub const LOG_ERR: u8 = 3;
/// Severity `info`.
pub const LOG_INFO: u8 = 6;

impl Log {
    /// Syslog if `/dev/log` is there, else stderr.
    pub fn open() -> Log {
        let syslog = UnixDatagram::unbound()
            .and_then(|s| s.connect("/dev/log").map(|()| s))
            .ok()
            .map(Mutex::new);
        Log { syslog }
    }

    /// One line at `severity`.
    pub fn line(&self, severity: u8, msg: &str) {
        if let Some(s) = &self.syslog {
            let text = format!("<{}>joold: {msg}", LOG_DAEMON | severity);
            let sent = s
                .lock()
                .map(|s| s.send(text.as_bytes()).is_ok())
                .unwrap_or(false);
            if sent {
                return;
            }
        }
        let _ = writeln!(std::io::stderr(), "joold: {msg}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::command::build;
    use crate::client::grammar;
    use jool_core::XlatorType;
    use jool_ctl::proto::Op;

    fn build_line(line: &str) -> Result<Invocation, Report> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let parsed = grammar::parse(XlatorType::Nat64, &args)?;
        build(XlatorType::Nat64, &parsed)
    }

    #[test]
    fn builds_the_session_sync_requests() {
        let inv =
            build_line("-i alpha session proxy -p 7000 --net.dev.in=eth0 ff08::db8:64").unwrap();
        assert_eq!(inv.request.op, Op::SsSubscribe);
        assert_eq!(inv.request.instance, "alpha");
        let View::SsProxy(a) = inv.view else {
            panic!("not a proxy");
        };
        assert_eq!(
            (a.port, a.dev_in.as_deref(), a.instance.as_str()),
            (7000, Some("eth0"), "alpha")
        );
        let inv = build_line("session follow").unwrap();
        assert_eq!(
            (inv.request.op, inv.view),
            (Op::SsSubscribe, View::SsFollow)
        );
        for line in ["session advertise", "joold advertise", "se a"] {
            let inv = build_line(line).unwrap();
            assert_eq!(
                (inv.request.op, inv.view),
                (Op::SsAdvertise, View::Silent),
                "{line}"
            );
        }
        assert!(
            build_line("jool advertise").is_err(),
            "joold is spelled fully"
        );
    }

    #[test]
    fn reports_bad_proxy_arguments() {
        let missing = build_line("session proxy").unwrap_err();
        assert_eq!(
            missing.stderr,
            "The command is missing a multicast address.\n"
        );
        let bad = build_line("session proxy 192.0.2.1").unwrap_err();
        assert_eq!(
            bad.stderr,
            "Error: '192.0.2.1' is not a multicast address.\n"
        );
        assert!(build_line("session follow extra").is_err());
    }

    #[test]
    fn only_follow_and_proxy_are_intercepted() {
        let inv = build_line("session advertise").unwrap();
        assert!(intercept(Path::new("/nonexistent"), &inv).is_none());
    }
}
