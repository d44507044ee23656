//! The Jool 3.x flag syntax (spec §9), as a compatibility layer over the 4.x requests.
//!
//! ```text
//!   jool --pool6 --add 2001:db8:64::/96 ──parse──► Plan [ Step { InstanceAdd { pool6 }, Silent } ]
//!   jool --session                      ──parse──► Plan [ TCP, UDP, ICMP SessionDisplay steps ]
//!        ──run: send each step, print it in 3.x's shape, stop at the first failure──► Report
//! ```
//!
//! A command line is 3.x when its first argument (after `-i NAME`, `-f FILE`, `--socket PATH`)
//! is a 3.x target or global-key flag ([`is_legacy`]); everything else goes to the 4.x grammar.
//!
//! The one semantic gap: a 3.x NAT64 instance was created empty (`jool --instance --add`) and
//! given its pool6 afterwards (`jool --pool6 --add P`), whereas 4.x creates a NAT64 instance
//! with its (immutable) pool6 at once. The client keeps no state, so:
//! `jool --instance --add` only checks that the namespace has no NAT64 instance yet (EEXIST
//! otherwise) and creates nothing; `jool --pool6 --add P` creates the instance with pool6 `P`.
//! Until then the "instance" translates nothing, as a 3.x instance without pool6 did; the
//! difference is that other 3.x commands in that window (`--pool4 --add`...) fail with
//! "instance does not exist" instead of succeeding.

mod parse;
#[cfg(test)]
mod tests;

pub use parse::{is_legacy, parse, DEPRECATED, OPERATIONS, SWITCHES, TARGETS};

use super::command::{Invocation, View};
use super::output::{self, proto_str, Numeric, Resolver};
use super::report::{Report, EXIT_EINVAL};
use super::run::{daemon_error, render, unexpected, Send};
use super::values;
use jool_core::XlatorType;
use jool_ctl::proto::{Pool4Row, ProtoDto, Request, Response};
use jool_ctl::transport;
use std::net::IpAddr;
use std::path::PathBuf;

/// EEXIST.
const EXIT_EEXIST: i32 = 17;

/// What a 3.x command line does: requests sent in order, each printed its way.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// `--socket PATH`.
    pub socket: Option<PathBuf>,
    /// The requests.
    pub steps: Vec<Step>,
    /// `Warning: ...` lines printed first.
    pub warnings: String,
}

/// One request and how 3.x printed its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The 4.x request.
    pub request: Request,
    /// How to print the response.
    pub show: Show,
}

/// The 3.x output shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    /// Nothing on success.
    Silent,
    /// NAT64 `--instance --add` (an `instance status` request): fails with EEXIST when the
    /// instance exists, prints nothing otherwise.
    ReserveNat64,
    /// `--pool6` / `--pool6791` (a `global display` request): the prefix stored in global
    /// `key`, as a one-entry list (`--count`: the number).
    GlobalAsList {
        /// Global key (`pool6`, `rfc6791v4-prefix`).
        key: &'static str,
        /// `--count`
        count: bool,
    },
    /// `--global` (4.x's `global display`).
    Globals {
        /// `--csv`
        csv: bool,
    },
    /// `--session` for one protocol (`--count`: `TCP: N`).
    Sessions {
        /// Protocol.
        proto: ProtoDto,
        /// `--numeric`
        numeric: bool,
        /// `--csv`
        csv: bool,
        /// `--count`
        count: bool,
    },
    /// `--bib` for one protocol: `TCP:` then `[Dynamic] V4#P - V6#P` lines.
    Bib {
        /// Protocol.
        proto: ProtoDto,
        /// `--numeric`
        numeric: bool,
        /// `--count`
        count: bool,
    },
    /// `--pool4`, one protocol; the table is printed after the step with `last`.
    Pool4 {
        /// `--csv`
        csv: bool,
        /// `--count`
        count: bool,
        /// Last protocol of the table.
        last: bool,
    },
    /// `--eamt`: `V6 - V4` lines.
    Eamt {
        /// `--count`
        count: bool,
    },
    /// `--blacklist`: one prefix a line.
    Denylist4 {
        /// `--count`
        count: bool,
    },
}

/// Runs `args` if they are 3.x syntax; `None` lets the 4.x grammar handle them.
pub fn run(
    t: XlatorType,
    args: &[String],
    send: &mut Send<'_>,
    resolver: &dyn Resolver,
) -> Option<Report> {
    if !is_legacy(args) {
        return None;
    }
    let plan = match parse(t, args) {
        Ok(plan) => plan,
        Err(report) => return Some(report),
    };
    let path = transport::socket_path(plan.socket.as_deref());
    let mut out = Report::default();
    let mut pool4 = Vec::new();
    for step in &plan.steps {
        let answer = send(&path, &step.request);
        let r = match answer {
            Ok(Response::Error { errno, message }) => daemon_error(errno, &message),
            Ok(response) => show(t, &step.show, response, resolver, &mut pool4),
            Err(e) => {
                let inv = Invocation {
                    request: step.request.clone(),
                    view: View::Silent,
                    warnings: String::new(),
                };
                render(t, &inv, Err(e), resolver)
            }
        };
        out.stdout.push_str(&r.stdout);
        out.stderr.push_str(&r.stderr);
        if r.code != 0 {
            out.code = r.code;
            break;
        }
    }
    Some(out.with_stderr_prefix(&plan.warnings))
}

fn fetched(n: usize, what: &str) -> String {
    format!("  (Fetched {n} {what}.)\n")
}

/// `  (Fetched N entries.)`, or `  (empty)` when nothing was fetched.
fn footer(n: usize) -> String {
    if n == 0 {
        "  (empty)\n".to_string()
    } else {
        fetched(n, "entries")
    }
}

/// Prints one successful response in its 3.x shape (pure apart from `resolver`).
pub fn show(
    t: XlatorType,
    s: &Show,
    response: Response,
    resolver: &dyn Resolver,
    pool4: &mut Vec<Pool4Row>,
) -> Report {
    match (s, response) {
        (Show::Silent, Response::Ok) => Report::default(),
        (Show::Silent, Response::Warnings(list)) => Report {
            stderr: list.iter().map(|w| super::report::warning(w)).collect(),
            ..Report::default()
        },
        (Show::ReserveNat64, Response::Status(false)) => Report::default(),
        (Show::ReserveNat64, Response::Status(true)) => {
            daemon_error(EXIT_EEXIST, "This namespace already has a Jool instance.")
        }
        (Show::GlobalAsList { key, count }, Response::Globals(pairs)) => {
            let value = pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .filter(|v| values::prefix6(v).is_ok() || values::prefix4(v).is_ok());
            let n = usize::from(value.is_some());
            if *count {
                return Report::out(format!("{n}\n"));
            }
            let mut text = value.map(|v| format!("{v}\n")).unwrap_or_default();
            text.push_str(&footer(n));
            Report::out(text)
        }
        (Show::Globals { csv }, Response::Globals(pairs)) => {
            match output::global::display(&pairs, t, *csv, false) {
                Ok(text) => Report::out(text),
                Err(e) => Report::error(e, EXIT_EINVAL),
            }
        }
        (
            Show::Sessions {
                proto,
                numeric,
                csv,
                count,
            },
            Response::Sessions(rows),
        ) => {
            if *count {
                return Report::out(format!("{}: {}\n", proto_str(*proto), rows.len()));
            }
            let r: &dyn Resolver = if *numeric { &Numeric } else { resolver };
            let (stdout, stderr) =
                output::session::display(*proto, &rows, *csv, false, *numeric, r);
            Report {
                stdout,
                stderr,
                code: 0,
            }
        }
        (
            Show::Bib {
                proto,
                numeric,
                count,
            },
            Response::Bib(rows),
        ) => {
            if *count {
                return Report::out(format!("{}: {}\n", proto_str(*proto), rows.len()));
            }
            let r: &dyn Resolver = if *numeric { &Numeric } else { resolver };
            let mut stdout = format!("{}:\n", proto_str(*proto));
            let mut stderr = String::new();
            for b in &rows {
                let kind = if b.is_static { "Static" } else { "Dynamic" };
                let v4 = output::taddr(
                    IpAddr::V4(b.addr4.0),
                    b.addr4.1,
                    *numeric,
                    "#",
                    *proto,
                    r,
                    &mut stderr,
                );
                let v6 = output::taddr(
                    IpAddr::V6(b.addr6.0),
                    b.addr6.1,
                    *numeric,
                    "#",
                    *proto,
                    r,
                    &mut stderr,
                );
                stdout.push_str(&format!("[{kind}] {v4} - {v6}\n"));
            }
            stdout.push_str(&footer(rows.len()));
            Report {
                stdout,
                stderr,
                code: 0,
            }
        }
        (Show::Pool4 { csv, count, last }, Response::Pool4(rows)) => {
            pool4.extend(rows);
            if !*last {
                return Report::default();
            }
            if *count {
                return Report::out(format!("{}\n", pool4.len()));
            }
            let mut text = output::pool4::display(pool4, *csv, false);
            if !*csv {
                text.push_str(&fetched(pool4.len(), "samples"));
            }
            Report::out(text)
        }
        (Show::Eamt { count }, Response::Eamt(rows)) => {
            if *count {
                return Report::out(format!("{}\n", rows.len()));
            }
            let mut text: String = rows
                .iter()
                .map(|(p6, p4)| format!("{p6} - {p4}\n"))
                .collect();
            text.push_str(&footer(rows.len()));
            Report::out(text)
        }
        (Show::Denylist4 { count }, Response::Denylist4(rows)) => {
            if *count {
                return Report::out(format!("{}\n", rows.len()));
            }
            let mut text: String = rows.iter().map(|p| format!("{p}\n")).collect();
            text.push_str(&footer(rows.len()));
            Report::out(text)
        }
        _ => unexpected(),
    }
}
