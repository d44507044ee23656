//! Operations with positionals: instance add/remove, pool4, bib, eamt, file handle.

use super::super::args::usage_error;
use super::super::grammar::Parsed;
use super::super::report::{Report, EXIT_E2BIG};
use super::super::values;
use super::{einval, missing, Built, Given, View};
use jool_core::config::validate_instance_name;
use jool_core::XlatorType;
use jool_ctl::proto::{FrameworkDto, Op, ProtoDto, QueueRange};

pub(super) fn no_positionals(given: &Given, too_many: impl Fn() -> Report) -> Result<(), Report> {
    match given.positionals().next() {
        Some(_) => Err(too_many()),
        None => Ok(()),
    }
}

/// The positional instance name of `instance add|remove`, reconciled with `-i`.
pub(super) fn positional_name(given: &Given, dash_i: Option<&str>) -> Result<String, Report> {
    let mut name = None;
    for pos in given.positionals() {
        validate_instance_name(pos).map_err(einval)?;
        name = Some(pos.to_string());
    }
    match (dash_i, name) {
        (Some(a), Some(b)) if a != b => Err(einval(
            "You entered two different instance names. Please delete one of them.".to_string(),
        )),
        (Some(a), _) => Ok(a.to_string()),
        (None, Some(b)) => Ok(b),
        (None, None) => Ok("default".to_string()),
    }
}

pub(super) fn instance_add(given: &Given, dash_i: Option<&str>) -> Result<Built, Report> {
    let name = positional_name(given, dash_i)?;
    let (iptables, netfilter) = (given.flag("iptables"), given.flag("netfilter"));
    if iptables && netfilter {
        return Err(einval(
            "The translator can only be hooked to one framework.".to_string(),
        ));
    }
    let pool6 = match given.value("pool6") {
        Some(p) => Some(values::prefix6(p).map_err(einval)?.to_string()),
        None => None,
    };
    let queue = match given.value("queue") {
        Some(q) => Some(queue_range(q)?),
        None => None,
    };
    if queue.is_some() && !iptables {
        return Err(einval(
            "--queue only applies to iptables instances.".to_string(),
        ));
    }
    let framework = if iptables {
        FrameworkDto::Iptables
    } else {
        FrameworkDto::Netfilter
    };
    let op = Op::InstanceAdd {
        framework,
        pool6,
        queue,
    };
    Ok((op, View::Silent, name))
}

/// `--queue N` or `--queue N:M` (the queues `N..=M`, as iptables' `--queue-balance N:M`).
fn queue_range(text: &str) -> Result<QueueRange, Report> {
    let number = |t: &str| {
        jool_core::globals::parse_uint(t, 0, u64::from(u16::MAX))
            .map(|n| n as u16)
            .map_err(|e| einval(e.to_string()))
    };
    let (first, last) = match text.split_once(':') {
        Some((a, b)) => (number(a)?, number(b)?),
        None => {
            let n = number(text)?;
            (n, n)
        }
    };
    QueueRange::new(first, last).ok_or_else(|| {
        einval(format!(
            "The queue range {first}:{last} is empty (the first queue is greater than the last)."
        ))
    })
}

/// The prefix and the port range of a pool4 command line.
pub(super) type Pool4Positionals = (Option<jool_core::Ipv4Prefix>, Option<(u16, u16)>);

/// pool4 positionals: a token with a `.` is the prefix, anything else the port range.
pub(super) fn pool4_entry(given: &Given) -> Result<Pool4Positionals, Report> {
    let (mut prefix, mut range) = (None, None);
    for pos in given.positionals() {
        if pos.contains('.') {
            prefix = Some(values::prefix4(pos).map_err(einval)?);
        } else {
            range = Some(values::port_range(pos).map_err(einval)?);
        }
    }
    Ok((prefix, range))
}

pub(super) fn mark(given: &Given) -> Result<u32, Report> {
    given
        .value("mark")
        .map_or(Ok(0), |m| values::u32_of(m).map_err(einval))
}

pub(super) fn pool4_add(given: &Given) -> Result<Op, Report> {
    let proto = given.proto()?;
    let mark = mark(given)?;
    let max_iterations = match given.value("max-iterations") {
        Some(m) => Some(values::max_iterations(m).map_err(einval)?),
        None => None,
    };
    let (prefix, range) = pool4_entry(given)?;
    let (Some(prefix), Some(ports), Some(proto)) = (prefix, range, proto) else {
        let mut what = Vec::new();
        if prefix.is_none() {
            what.push("an IPv4 prefix or address");
        }
        if range.is_none() {
            what.push("a port (or ICMP id) range");
        }
        if proto.is_none() {
            what.push("a protocol (--tcp, --udp or --icmp)");
        }
        return Err(missing(&what));
    };
    let force = given.flag("force");
    if prefix.len < 24 && !force {
        return Err(Report::raw_err(
            "Error: Warning: You're adding lots of addresses, which might defeat the whole point of NAT64 over SIIT.\nError: Will cancel the operation. Use --force to override this.\n",
            EXIT_E2BIG,
        ));
    }
    Ok(Op::Pool4Add {
        proto,
        prefix: prefix.to_string(),
        ports,
        mark,
        max_iterations,
        force,
    })
}

pub(super) fn pool4_remove(given: &Given) -> Result<Op, Report> {
    let proto = given.proto()?.unwrap_or(ProtoDto::Tcp);
    let mark = mark(given)?;
    let (prefix, range) = pool4_entry(given)?;
    let Some(prefix) = prefix else {
        return Err(missing(&["an IPv4 prefix or address"]));
    };
    Ok(Op::Pool4Remove {
        proto,
        prefix: prefix.to_string(),
        ports: range.unwrap_or((0, 65535)),
        mark,
        quick: given.flag("quick"),
    })
}

pub(super) fn bib_edit(p: &Parsed, given: &Given) -> Result<Op, Report> {
    let proto = given.proto()?.unwrap_or(ProtoDto::Tcp);
    let (mut six, mut four) = (None, None);
    for pos in given.positionals() {
        if pos.contains(':') {
            let (a, port) = values::taddr6(pos).map_err(einval)?;
            six = Some(format!("{a}#{port}"));
        } else if pos.contains('.') {
            let (a, port) = values::taddr4(pos).map_err(einval)?;
            four = Some(format!("{a}#{port}"));
        } else {
            return Err(usage_error(&p.argv0, "Too many arguments"));
        }
    }
    if p.op == "add" {
        let (Some(taddr6), Some(taddr4)) = (six.clone(), four.clone()) else {
            let mut what = Vec::new();
            if six.is_none() {
                what.push("an IPv6 transport address");
            }
            if four.is_none() {
                what.push("an IPv4 transport address");
            }
            return Err(missing(&what));
        };
        return Ok(Op::BibAdd {
            proto,
            taddr6,
            taddr4,
        });
    }
    if six.is_none() && four.is_none() {
        return Err(missing(&["at least one transport address"]));
    }
    Ok(Op::BibRemove {
        proto,
        taddr6: six,
        taddr4: four,
    })
}

pub(super) fn eamt_edit(p: &Parsed, given: &Given) -> Result<Op, Report> {
    let (mut six, mut four) = (None, None);
    for pos in given.positionals() {
        if pos.contains(':') {
            six = Some(values::prefix6(pos).map_err(einval)?.to_string());
        } else if pos.contains('.') {
            four = Some(values::prefix4(pos).map_err(einval)?.to_string());
        } else {
            return Err(usage_error(&p.argv0, "Too many arguments"));
        }
    }
    if p.op == "add" {
        let (Some(prefix6), Some(prefix4)) = (six.clone(), four.clone()) else {
            let mut what = Vec::new();
            if six.is_none() {
                what.push("an IPv6 prefix");
            }
            if four.is_none() {
                what.push("an IPv4 prefix");
            }
            return Err(missing(&what));
        };
        return Ok(Op::EamtAdd {
            prefix6,
            prefix4,
            force: given.flag("force"),
        });
    }
    if six.is_none() && four.is_none() {
        return Err(missing(&["a prefix"]));
    }
    Ok(Op::EamtRemove {
        prefix6: six,
        prefix4: four,
    })
}

/// `file handle FILE`: the file is read and parsed here, as Jool's client does (its syntax,
/// tag and type errors are plain `Error:` lines); the daemon validates the values and applies
/// the file atomically, and its refusals print as the kernel module's
/// (`ConfigError::Rejected`). The instance is the file's `"instance"`, which `-i` must match.
pub(super) fn file_handle(t: XlatorType, p: &Parsed, given: &Given) -> Result<Built, Report> {
    use jool_ctl::json::ConfigError;
    let Some(path) = given.positionals().last() else {
        return Err(missing(&["a file name"]));
    };
    let json =
        std::fs::read_to_string(path).map_err(|e| einval(format!("Cannot read '{path}': {e}")))?;
    let force = given.flag("force");
    let instance = match jool_ctl::json::parse_atomic_config(&json, t, force) {
        Ok(config) => config.instance,
        // The daemon says why, as Jool's kernel module would.
        Err(ConfigError::Rejected(_)) => super::super::grammar::instance_from_json(&json)?,
        // Jool's second pass marks `instance` mandatory in an unnamed object, so with `-i`
        // (which skips the first pass's root check) the file still needs it (spec §4.1).
        Err(ConfigError::MissingChild { parent, child })
            if parent == "root" && child == "instance" && p.instance.is_some() =>
        {
            return Err(einval(
                "Object '<unnamed>' is missing the 'instance' child.".to_string(),
            ))
        }
        Err(e) => return Err(einval(e.to_string())),
    };
    if let Some(dash_i) = p.instance.as_deref().filter(|i| *i != instance) {
        return Err(einval(format!(
            "The -i command line argument ({dash_i}) does not match the instance name defined in the file ({instance})."
        )));
    }
    Ok((Op::FileHandle { json, force }, View::Silent, instance))
}
