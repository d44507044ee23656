//! Per-operation arguments (Jool's `wargp` tables) and the request each operation sends.
//!
//! ```text
//!   Parsed { Pool4, "add", rest: ["192.0.2.1", "61001-65535", "--tcp"] }
//!     ──build──► Invocation { Request { op: Pool4Add { .. } }, View::Silent }
//! ```
//! Client-side checks and messages are Jool's: missing positionals
//! (`The command is missing ...`), `Only one protocol is allowed per request.`, value
//! syntaxes (spec §1.3), the pool4 /24 guard.
//!
//! - `specs`: the option tables (`wargp_option` arrays) of every operation;
//! - this file: the dispatch and the display/flush operations;
//! - `edits`: the operations that take positionals (instance add/remove, pool4, bib, eamt,
//!   file handle).

mod edits;
mod specs;

pub use specs::{completion_candidates, grammar_of};

use edits::{
    bib_edit, eamt_edit, file_handle, instance_add, no_positionals, pool4_add, pool4_remove,
    positional_name,
};

use super::args::{self, usage_error, Item};
use super::grammar::{Mode, Parsed};
use super::report::{warning, Report, EXIT_EINVAL};
use super::values;
use jool_core::globals::find;
use jool_core::XlatorType;
use jool_ctl::proto::{Op, ProtoDto, Request, Xlator, PROTOCOL_VERSION};
use std::net::IpAddr;

/// How the response is printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// Nothing to print on success (warnings aside).
    Silent,
    /// `instance display`.
    Instances {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `instance status` of instance `name`.
    Status {
        /// Instance name.
        name: String,
    },
    /// `stats display`.
    Stats {
        /// `--all`
        all: bool,
        /// `--explain`
        explain: bool,
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `global display`.
    Globals {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `pool4 display`.
    Pool4 {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `bib display`.
    Bib {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
        /// `--numeric`
        numeric: bool,
    },
    /// `session display`.
    Sessions {
        /// Protocol of the table.
        proto: ProtoDto,
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
        /// `--numeric`
        numeric: bool,
    },
    /// `eamt display`.
    Eamt {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `denylist4 display`.
    Denylist4 {
        /// `--csv`
        csv: bool,
        /// `--no-headers`
        no_headers: bool,
    },
    /// `address query`.
    Address {
        /// The address queried.
        query: IpAddr,
        /// `--verbose`
        verbose: bool,
    },
    /// `session follow`: a long-lived subscription printing sessions (`client::ss`).
    SsFollow,
    /// `session proxy`: a long-lived subscription forwarding to a multicast group.
    SsProxy(super::ss::ProxyArgs),
}

/// A fully parsed command: what to send, how to print the answer, and what to warn first.
#[derive(Clone, Debug, PartialEq)]
pub struct Invocation {
    /// The request for the daemon.
    pub request: Request,
    /// How to print the response.
    pub view: View,
    /// `Warning: ...` lines printed before anything else.
    pub warnings: String,
}

/// The options and positionals given, with Jool's per-type checks.
struct Given {
    items: Vec<Item>,
}

impl Given {
    fn flag(&self, name: &str) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i, Item::Opt(n, _) if *n == name))
    }

    /// The last value of option `name`.
    fn value(&self, name: &str) -> Option<&str> {
        self.items.iter().rev().find_map(|i| match i {
            Item::Opt(n, v) if *n == name => v.as_deref(),
            _ => None,
        })
    }

    fn positionals(&self) -> impl Iterator<Item = &str> {
        self.items.iter().filter_map(|i| match i {
            Item::Pos(p) => Some(p.as_str()),
            _ => None,
        })
    }

    /// `--tcp`/`--udp`/`--icmp`: at most one (Jool's `wargp_parse_l4proto`).
    fn proto(&self) -> Result<Option<ProtoDto>, Report> {
        let mut found = None;
        for i in &self.items {
            let p = match i {
                Item::Opt("tcp", _) => ProtoDto::Tcp,
                Item::Opt("udp", _) => ProtoDto::Udp,
                Item::Opt("icmp", _) => ProtoDto::Icmp,
                _ => continue,
            };
            if found.is_some() {
                return Err(Report::error(
                    "Only one protocol is allowed per request.",
                    EXIT_EINVAL,
                ));
            }
            found = Some(p);
        }
        Ok(found)
    }
}

/// Jool's `requirement_print`: `The command is missing A, B and C.` (no `Error:` prefix).
pub fn missing(what: &[&str]) -> Report {
    let list = match what {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    Report::raw_err(format!("The command is missing {list}.\n"), EXIT_EINVAL)
}

fn einval(msg: String) -> Report {
    Report::error(msg, EXIT_EINVAL)
}

fn xlator(t: XlatorType) -> Xlator {
    match t {
        XlatorType::Siit => Xlator::Siit,
        XlatorType::Nat64 => Xlator::Nat64,
    }
}

/// Builds the request of a parsed command line (every mode but `autocomplete`).
pub fn build(t: XlatorType, p: &Parsed) -> Result<Invocation, Report> {
    let argv0 = p.argv0.as_str();
    let mut warnings = String::new();
    if p.mode == Mode::Blacklist4 {
        warnings.push_str(&warning(
            "blacklist4 is deprecated. Use 'denylist4' instead.",
        ));
    }
    let Some(grammar) = grammar_of(p.mode, p.op) else {
        return Err(Report::error(
            format!(
                "'{} {}' is not implemented by jool-rs yet.",
                super::grammar::mode_def(p.mode).label,
                p.op
            ),
            95,
        )
        .with_stderr_prefix(&warnings));
    };
    let given = Given {
        items: args::parse(argv0, grammar, &p.rest)?,
    };
    let result = build_op(t, p, &given, &mut warnings);
    let prefix = warnings.clone();
    match result {
        Ok((op, view, instance)) => Ok(Invocation {
            request: Request {
                version: PROTOCOL_VERSION,
                xlator: xlator(t),
                instance,
                op,
            },
            view,
            warnings,
        }),
        Err(report) => Err(report.with_stderr_prefix(&prefix)),
    }
}

type Built = (Op, View, String);

fn build_op(
    t: XlatorType,
    p: &Parsed,
    given: &Given,
    warnings: &mut String,
) -> Result<Built, Report> {
    let iname = || p.instance.clone().unwrap_or_else(|| "default".to_string());
    let csv = given.flag("csv");
    let no_headers = given.flag("no-headers");
    let too_many = || usage_error(&p.argv0, "Too many arguments");
    let done = |op: Op, view: View| Ok((op, view, iname()));
    match (p.mode, p.op) {
        (Mode::Instance, "display") => {
            if p.instance.is_some() {
                warnings.push_str(&warning(
                    "instance display ignores the instance name argument.",
                ));
            }
            no_positionals(given, too_many)?;
            done(Op::InstanceDisplay, View::Instances { csv, no_headers })
        }
        (Mode::Instance, "add") => instance_add(given, p.instance.as_deref()),
        (Mode::Instance, "remove") => {
            let name = positional_name(given, p.instance.as_deref())?;
            Ok((Op::InstanceRemove, View::Silent, name))
        }
        (Mode::Instance, "flush") => {
            if p.instance.is_some() {
                warnings.push_str(&warning(
                    "instance flush ignores the instance name argument.",
                ));
            }
            no_positionals(given, too_many)?;
            done(Op::InstanceFlush, View::Silent)
        }
        (Mode::Instance, "status") => {
            no_positionals(given, too_many)?;
            done(Op::InstanceStatus, View::Status { name: iname() })
        }
        (Mode::Stats, "display") => {
            no_positionals(given, too_many)?;
            let view = View::Stats {
                all: given.flag("all"),
                explain: given.flag("explain"),
                csv,
                no_headers,
            };
            done(Op::StatsDisplay, view)
        }
        (Mode::Global, "display") => {
            no_positionals(given, too_many)?;
            done(Op::GlobalDisplay, View::Globals { csv, no_headers })
        }
        (Mode::Global, "update") => {
            let key = p.key.unwrap_or_default();
            let Some(value) = given.positionals().last() else {
                return Err(einval(format!("Missing value of key {}.", p.argv0)));
            };
            let def = find(key, t).ok_or_else(|| einval(format!("Unknown global key: '{key}'")))?;
            def.parse(value).map_err(|e| einval(e.to_string()))?;
            let op = Op::GlobalUpdate {
                key: key.to_string(),
                value: value.to_string(),
                force: given.flag("force"),
            };
            done(op, View::Silent)
        }
        (Mode::Pool4, "display") => {
            no_positionals(given, too_many)?;
            let proto = given.proto()?.unwrap_or(ProtoDto::Tcp);
            done(Op::Pool4Display { proto }, View::Pool4 { csv, no_headers })
        }
        (Mode::Pool4, "add") => done(pool4_add(given)?, View::Silent),
        (Mode::Pool4, "remove") => done(pool4_remove(given)?, View::Silent),
        (Mode::Pool4, "flush") => {
            no_positionals(given, too_many)?;
            let quick = given.flag("quick");
            done(Op::Pool4Flush { quick }, View::Silent)
        }
        (Mode::Bib, "display") => {
            no_positionals(given, too_many)?;
            let proto = given.proto()?.unwrap_or(ProtoDto::Tcp);
            let numeric = given.flag("numeric");
            let view = View::Bib {
                csv,
                no_headers,
                numeric,
            };
            done(Op::BibDisplay { proto }, view)
        }
        (Mode::Bib, "add" | "remove") => done(bib_edit(p, given)?, View::Silent),
        (Mode::Session, "display") => {
            no_positionals(given, too_many)?;
            let proto = given.proto()?.unwrap_or(ProtoDto::Tcp);
            let view = View::Sessions {
                proto,
                csv,
                no_headers,
                numeric: given.flag("numeric"),
            };
            done(Op::SessionDisplay { proto }, view)
        }
        (Mode::Eamt, "display") => {
            no_positionals(given, too_many)?;
            done(Op::EamtDisplay, View::Eamt { csv, no_headers })
        }
        (Mode::Eamt, "add" | "remove") => done(eamt_edit(p, given)?, View::Silent),
        (Mode::Eamt, "flush") => {
            no_positionals(given, too_many)?;
            done(Op::EamtFlush, View::Silent)
        }
        (Mode::Denylist4 | Mode::Blacklist4, "display") => {
            no_positionals(given, too_many)?;
            done(Op::Denylist4Display, View::Denylist4 { csv, no_headers })
        }
        (Mode::Denylist4 | Mode::Blacklist4, "add" | "remove") => {
            let mut prefix = None;
            for pos in given.positionals() {
                prefix = Some(values::prefix4(pos).map_err(einval)?.to_string());
            }
            let Some(prefix) = prefix else {
                return Err(missing(&["an IPv4 prefix"]));
            };
            let op = if p.op == "add" {
                Op::Denylist4Add {
                    prefix,
                    force: given.flag("force"),
                }
            } else {
                Op::Denylist4Remove { prefix }
            };
            done(op, View::Silent)
        }
        (Mode::Denylist4 | Mode::Blacklist4, "flush") => {
            no_positionals(given, too_many)?;
            done(Op::Denylist4Flush, View::Silent)
        }
        (Mode::Address, "query") => {
            let mut query = None;
            for pos in given.positionals() {
                if !pos.contains(':') && !pos.contains('.') {
                    return Err(too_many());
                }
                query = Some(values::address(pos).map_err(einval)?);
            }
            let Some(query) = query else {
                return Err(missing(&["an IP address"]));
            };
            let view = View::Address {
                query,
                verbose: given.flag("verbose"),
            };
            let op = Op::AddressQuery {
                address: query.to_string(),
            };
            done(op, view)
        }
        (Mode::File, "handle") => file_handle(t, p, given),
        (Mode::Session, "follow") => {
            no_positionals(given, too_many)?;
            done(Op::SsSubscribe, View::SsFollow)
        }
        (Mode::Session, "proxy") => {
            let Some(addr) = given.positionals().last() else {
                return Err(missing(&["a multicast address"]));
            };
            let args = super::ss::ProxyArgs::parse(
                iname(),
                addr,
                given.value("net.mcast.port"),
                given.value("net.dev.in"),
                given.value("net.dev.out"),
                given.value("net.ttl"),
                given.value("stats.address"),
                given.value("stats.port"),
            )
            .map_err(einval)?;
            done(Op::SsSubscribe, View::SsProxy(args))
        }
        (Mode::Session | Mode::Joold, "advertise") => {
            no_positionals(given, too_many)?;
            done(Op::SsAdvertise, View::Silent)
        }
        _ => Err(einval(format!(
            "'{}' is not implemented by jool-rs yet.",
            p.op
        ))),
    }
}

#[cfg(test)]
mod tests;
