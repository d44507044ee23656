//! The 3.x grammar (spec §9): `[-i NAME|-f FILE|--socket PATH] [--<target>] [--<operation>]
//! [flags] [positionals]`, mapped to 4.x requests.

use super::{Plan, Show, Step};
use crate::client::grammar::instance_from_file;
use crate::client::report::{warning, Report, EXIT_EINVAL};
use crate::client::values;
use jool_core::config::validate_instance_name;
use jool_core::globals::{find, format_timeout};
use jool_core::XlatorType;
use jool_ctl::proto::{FrameworkDto, Op, ProtoDto, Request, Xlator, PROTOCOL_VERSION};
use std::path::PathBuf;

/// The 3.x targets (`--pool6` ...), plus `--enable`/`--disable`.
pub const TARGETS: &[&str] = &[
    "global",
    "pool6",
    "pool4",
    "bib",
    "session",
    "eamt",
    "blacklist",
    "pool6791",
    "joold",
    "instance",
    "enable",
    "disable",
    "file",
];

/// The 3.x operations.
pub const OPERATIONS: &[&str] = &[
    "display",
    "count",
    "add",
    "update",
    "remove",
    "flush",
    "advertise",
];

/// Flags without a value.
pub const SWITCHES: &[&str] = &[
    "tcp",
    "udp",
    "icmp",
    "numeric",
    "csv",
    "force",
    "quick",
    "no-headers",
];

/// Deprecated 3.x global names (spec §9) → 4.x key; `None` = removed in 4.x.
pub const DEPRECATED: &[(&str, Option<&str>)] = &[
    ("dropAddr", Some("address-dependent-filtering")),
    ("dropInfo", Some("drop-icmpv6-info")),
    ("dropTCP", Some("drop-externally-initiated-tcp")),
    ("toUDP", Some("udp-timeout")),
    ("toTCPest", Some("tcp-est-timeout")),
    ("toTCPtrans", Some("tcp-trans-timeout")),
    ("toICMP", Some("icmp-timeout")),
    ("toFrag", None),
    ("fragment-arrival-timeout", None),
    ("maxStoredPkts", Some("maximum-simultaneous-opens")),
    ("setTC", Some("zeroize-traffic-class")),
    ("setTOS", Some("override-tos")),
    ("TOS", Some("tos")),
    ("plateaus", Some("mtu-plateaus")),
];

fn deprecated(name: &str) -> Option<Option<&'static str>> {
    DEPRECATED.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// Whether `name` is a global key of either translator type (`pool6` is a target instead).
fn is_key(name: &str) -> bool {
    name != "pool6"
        && (find(name, XlatorType::Siit).is_some() || find(name, XlatorType::Nat64).is_some())
}

/// `--name[=value]` → (name, value).
fn split(a: &str) -> Option<(&str, Option<&str>)> {
    let body = a.strip_prefix("--")?;
    Some(match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    })
}

/// Where the prefix options (`-i`, `-f`, `--socket`, `--instance NAME`) end.
fn prefix_end(args: &[String]) -> usize {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let next_is_value = args.get(i + 1).is_some_and(|n| !n.starts_with("--"));
        match a.as_str() {
            "-i" | "-f" | "--socket" => i += 2,
            "--instance" if next_is_value => i += 2,
            s if (s.starts_with("-i") || s.starts_with("-f")) && s.len() > 2 => i += 1,
            s if s.starts_with("--socket=") || s.starts_with("--instance=") => i += 1,
            _ => break,
        }
    }
    i
}

/// Whether `args` (without the program name) are Jool 3.x syntax: the first argument after
/// the prefix options is a 3.x target, operation or global-key flag. `--file FILE` alone is
/// 3.x; `--file FILE <mode> ...` is 4.x's `-f`.
pub fn is_legacy(args: &[String]) -> bool {
    let i = prefix_end(args);
    let Some((name, inline)) = args.get(i).and_then(|a| split(a)) else {
        return false;
    };
    match name {
        "file" => {
            let after = if inline.is_some() { i + 1 } else { i + 2 };
            args.len() == after
        }
        n if TARGETS.contains(&n) || OPERATIONS.contains(&n) => true,
        n => deprecated(n).is_some() || is_key(n),
    }
}

fn einval(msg: impl AsRef<str>) -> Report {
    Report::error(msg, EXIT_EINVAL)
}

/// Everything on a 3.x command line.
#[derive(Default)]
struct Line {
    instance: Option<String>,
    socket: Option<PathBuf>,
    target: Option<&'static str>,
    operation: Option<&'static str>,
    switches: Vec<&'static str>,
    mark: Option<u32>,
    max_iterations: Option<String>,
    /// (4.x key, value) pairs of `--<key> value`.
    updates: Vec<(&'static str, String)>,
    positionals: Vec<String>,
    warnings: String,
}

impl Line {
    fn has(&self, s: &str) -> bool {
        self.switches.contains(&s)
    }

    /// `--tcp --udp --icmp` as given, in that order; none = `default`.
    fn protos(&self, default: &[ProtoDto]) -> Vec<ProtoDto> {
        let given: Vec<ProtoDto> = [
            ("tcp", ProtoDto::Tcp),
            ("udp", ProtoDto::Udp),
            ("icmp", ProtoDto::Icmp),
        ]
        .iter()
        .filter(|(n, _)| self.has(n))
        .map(|(_, p)| *p)
        .collect();
        if given.is_empty() {
            default.to_vec()
        } else {
            given
        }
    }
}

const ALL: [ProtoDto; 3] = [ProtoDto::Tcp, ProtoDto::Udp, ProtoDto::Icmp];

/// A 3.x value in 4.x syntax: integer-second timeouts become `H:MM:SS`, hairpin modes
/// `0|1|2` become `off|simple|intrinsic`.
fn convert_value(key: &str, value: &str) -> String {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    if key.ends_with("-timeout") && digits {
        if let Ok(secs) = value.parse::<u64>() {
            return format_timeout(secs.saturating_mul(1000));
        }
    }
    if key == "eam-hairpin-mode" {
        match value {
            "0" => return "off".into(),
            "1" => return "simple".into(),
            "2" => return "intrinsic".into(),
            _ => {}
        }
    }
    value.to_string()
}

/// Boolean keys may be given without a value (`--dropAddr` = `--dropAddr true`).
fn is_bool_key(t: XlatorType, key: &str) -> bool {
    find(key, t).is_some_and(|d| d.parse("true").is_ok() && d.parse("false").is_ok())
}

fn read_line(t: XlatorType, args: &[String]) -> Result<Line, Report> {
    let mut line = Line::default();
    let end = prefix_end(args);
    let mut i = 0;
    while i < end {
        let a = args[i].as_str();
        let (opt, inline) = match a.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o.to_string(), Some(v.to_string())),
            _ if a.len() > 2 && !a.starts_with("--") => (a[..2].to_string(), Some(a[2..].into())),
            _ => (a.to_string(), None),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            }
        };
        i += 1;
        match opt.as_str() {
            "-f" => line.instance = Some(instance_from_file(&value)?),
            "--socket" => line.socket = Some(PathBuf::from(value)),
            _ => {
                validate_instance_name(&value).map_err(einval)?;
                line.instance = Some(value);
            }
        }
    }
    let mut i = end;
    while let Some(a) = args.get(i) {
        i += 1;
        let Some((name, inline)) = split(a) else {
            line.positionals.push(a.clone());
            continue;
        };
        // A value: inline, else the next argument unless it is a flag.
        let mut take = |optional: bool| -> Option<String> {
            if let Some(v) = inline {
                return Some(v.to_string());
            }
            match args.get(i) {
                Some(n) if !(optional && n.starts_with("--")) => {
                    i += 1;
                    Some(n.clone())
                }
                _ => None,
            }
        };
        if let Some(target) = TARGETS.iter().find(|x| **x == name) {
            if line.target.is_some_and(|t| t != *target) {
                return Err(einval("Only one target is allowed per request."));
            }
            line.target = Some(target);
            if *target == "file" {
                let path = take(false).ok_or_else(|| einval("--file requires a file name."))?;
                line.positionals.push(path);
            }
        } else if let Some(op) = OPERATIONS.iter().find(|x| **x == name) {
            if line.operation.is_some_and(|o| o != *op) {
                return Err(einval("Only one operation is allowed per request."));
            }
            line.operation = Some(op);
        } else if let Some(s) = SWITCHES.iter().find(|x| **x == name) {
            line.switches.push(s);
        } else if name == "mark" {
            let v = take(false).ok_or_else(|| einval("--mark requires a value."))?;
            line.mark = Some(values::u32_of(&v).map_err(einval)?);
        } else if name == "max-iterations" {
            let v = take(false).ok_or_else(|| einval("--max-iterations requires a value."))?;
            line.max_iterations = Some(v);
        } else {
            let key = match deprecated(name) {
                Some(Some(k)) => {
                    line.warnings.push_str(&warning(&format!(
                        "--{name} is deprecated. Use --{k} instead."
                    )));
                    k
                }
                Some(None) => {
                    return Err(einval(format!(
                        "--{name} does not exist in Jool 4 (fragments are no longer stored)."
                    )))
                }
                None => match find(name, t) {
                    Some(d) if name != "pool6" => d.name,
                    _ => return Err(einval(format!("Unknown option: '--{name}'"))),
                },
            };
            let value = if is_bool_key(t, key) {
                take(true).unwrap_or_else(|| "true".to_string())
            } else {
                take(false).ok_or_else(|| einval(format!("--{name} requires a value.")))?
            };
            line.updates.push((key, convert_value(key, &value)));
        }
    }
    Ok(line)
}

fn xlator(t: XlatorType) -> Xlator {
    match t {
        XlatorType::Siit => Xlator::Siit,
        XlatorType::Nat64 => Xlator::Nat64,
    }
}

fn nat64_only(t: XlatorType, target: &str) -> Result<(), Report> {
    if t == XlatorType::Siit {
        return Err(einval(format!("--{target} only applies to jool (NAT64).")));
    }
    Ok(())
}

fn siit_only(t: XlatorType, target: &str) -> Result<(), Report> {
    if t == XlatorType::Nat64 {
        return Err(einval(format!("--{target} only applies to jool_siit.")));
    }
    Ok(())
}

/// The one positional prefix of `--pool6 --add P` and the like.
fn one_positional<'a>(line: &'a Line, what: &str) -> Result<&'a str, Report> {
    match line.positionals.as_slice() {
        [one] => Ok(one),
        [] => Err(einval(format!("The command is missing {what}."))),
        _ => Err(einval("Too many arguments.")),
    }
}

fn no_positionals(line: &Line) -> Result<(), Report> {
    if line.positionals.is_empty() {
        Ok(())
    } else {
        Err(einval(format!(
            "Unexpected argument: '{}'",
            line.positionals[0]
        )))
    }
}

fn update(key: &str, value: impl Into<String>, force: bool) -> Op {
    Op::GlobalUpdate {
        key: key.to_string(),
        value: value.into(),
        force,
    }
}

/// Parses a 3.x command line into its plan.
pub fn parse(t: XlatorType, args: &[String]) -> Result<Plan, Report> {
    let line = read_line(t, args)?;
    let warnings = line.warnings.clone();
    build(t, &line).map_err(|r| r.with_stderr_prefix(&warnings))
}

fn build(t: XlatorType, line: &Line) -> Result<Plan, Report> {
    let instance = line
        .instance
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let mut steps = Vec::new();
    let mut push = |op: Op, show: Show| {
        steps.push(Step {
            request: Request {
                version: PROTOCOL_VERSION,
                xlator: xlator(t),
                instance: instance.clone(),
                op,
            },
            show,
        })
    };
    let force = line.has("force");
    let (csv, numeric) = (line.has("csv"), line.has("numeric"));
    let target = line.target.unwrap_or("global");
    let operation = line.operation.unwrap_or(match target {
        "instance" => "add",
        _ if !line.updates.is_empty() => "update",
        _ => "display",
    });
    let count = operation == "count";
    let unsupported = || {
        einval(format!(
            "--{target} --{operation} does not exist (or has no Jool 4 equivalent)."
        ))
    };
    match (target, operation) {
        ("instance", "add") => {
            no_positionals(line)?;
            match t {
                XlatorType::Siit => push(
                    Op::InstanceAdd {
                        framework: FrameworkDto::Netfilter,
                        pool6: None,
                        queue: None,
                    },
                    Show::Silent,
                ),
                XlatorType::Nat64 => push(Op::InstanceStatus, Show::ReserveNat64),
            }
        }
        ("instance", "remove") => {
            no_positionals(line)?;
            push(Op::InstanceRemove, Show::Silent)
        }
        // 3.x `--joold --advertise` = 4.x `session advertise` (spec §9).
        ("joold", "advertise") => {
            nat64_only(t, target)?;
            no_positionals(line)?;
            push(Op::SsAdvertise, Show::Silent)
        }
        ("pool6" | "pool6791", "display" | "count") => {
            no_positionals(line)?;
            if target == "pool6791" {
                siit_only(t, target)?;
            }
            let key = if target == "pool6" {
                "pool6"
            } else {
                "rfc6791v4-prefix"
            };
            push(Op::GlobalDisplay, Show::GlobalAsList { key, count })
        }
        ("pool6", "add") => {
            let p = values::prefix6(one_positional(line, "an IPv6 prefix")?).map_err(einval)?;
            match t {
                XlatorType::Siit => push(update("pool6", p.to_string(), force), Show::Silent),
                XlatorType::Nat64 => push(
                    Op::InstanceAdd {
                        framework: FrameworkDto::Netfilter,
                        pool6: Some(p.to_string()),
                        queue: None,
                    },
                    Show::Silent,
                ),
            }
        }
        ("pool6", "remove" | "flush") => {
            siit_only(t, "pool6 --remove/--flush")?;
            push(update("pool6", "null", false), Show::Silent)
        }
        ("pool6791", "add") => {
            siit_only(t, target)?;
            let p = values::prefix4(one_positional(line, "an IPv4 prefix")?).map_err(einval)?;
            push(
                update("rfc6791v4-prefix", p.to_string(), force),
                Show::Silent,
            )
        }
        ("pool6791", "remove" | "flush") => {
            siit_only(t, target)?;
            push(update("rfc6791v4-prefix", "null", false), Show::Silent)
        }
        ("pool4", "display" | "count") => {
            nat64_only(t, target)?;
            no_positionals(line)?;
            let protos = line.protos(&ALL);
            let last = protos.len().saturating_sub(1);
            for (n, proto) in protos.into_iter().enumerate() {
                let show = Show::Pool4 {
                    csv,
                    count,
                    last: n == last,
                };
                push(Op::Pool4Display { proto }, show);
            }
        }
        ("pool4", "add" | "update" | "remove") => {
            nat64_only(t, target)?;
            let (mut prefix, mut ports) = (None, None);
            for p in &line.positionals {
                if p.contains('.') {
                    prefix = Some(values::prefix4(p).map_err(einval)?.to_string());
                } else {
                    ports = Some(values::port_range(p).map_err(einval)?);
                }
            }
            let prefix = prefix.ok_or_else(|| einval("The command is missing an IPv4 prefix."))?;
            let max_iterations = match &line.max_iterations {
                Some(v) => Some(values::max_iterations(v).map_err(einval)?),
                None => None,
            };
            let mark = line.mark.unwrap_or(0);
            for proto in line.protos(&ALL) {
                // 3.x defaults: TCP/UDP 1-65535, ICMP 0-65535; `--remove` covers every port.
                let default = if operation != "remove" && proto != ProtoDto::Icmp {
                    (1, 65535)
                } else {
                    (0, 65535)
                };
                let ports = ports.unwrap_or(default);
                let op = if operation == "remove" {
                    Op::Pool4Remove {
                        proto,
                        prefix: prefix.clone(),
                        ports,
                        mark,
                        quick: line.has("quick"),
                    }
                } else {
                    Op::Pool4Add {
                        proto,
                        prefix: prefix.clone(),
                        ports,
                        mark,
                        max_iterations,
                        force,
                    }
                };
                push(op, Show::Silent);
            }
        }
        ("pool4", "flush") => {
            nat64_only(t, target)?;
            push(
                Op::Pool4Flush {
                    quick: line.has("quick"),
                },
                Show::Silent,
            )
        }
        ("bib" | "session", "display" | "count") => {
            nat64_only(t, target)?;
            no_positionals(line)?;
            for proto in line.protos(&ALL) {
                if target == "bib" {
                    let show = Show::Bib {
                        proto,
                        numeric,
                        count,
                    };
                    push(Op::BibDisplay { proto }, show);
                } else {
                    let show = Show::Sessions {
                        proto,
                        numeric,
                        csv,
                        count,
                    };
                    push(Op::SessionDisplay { proto }, show);
                }
            }
        }
        ("bib", "add" | "remove") => {
            nat64_only(t, target)?;
            let (mut taddr6, mut taddr4) = (None, None);
            for p in &line.positionals {
                if p.contains(':') {
                    values::taddr6(p).map_err(einval)?;
                    taddr6 = Some(p.clone());
                } else {
                    values::taddr4(p).map_err(einval)?;
                    taddr4 = Some(p.clone());
                }
            }
            for proto in line.protos(&[ProtoDto::Tcp]) {
                let op = if operation == "add" {
                    let (Some(taddr6), Some(taddr4)) = (taddr6.clone(), taddr4.clone()) else {
                        return Err(einval(
                            "The command is missing an IPv6 and an IPv4 transport address.",
                        ));
                    };
                    Op::BibAdd {
                        proto,
                        taddr6,
                        taddr4,
                    }
                } else {
                    Op::BibRemove {
                        proto,
                        taddr6: taddr6.clone(),
                        taddr4: taddr4.clone(),
                    }
                };
                push(op, Show::Silent);
            }
        }
        ("eamt", "display" | "count") => {
            siit_only(t, target)?;
            no_positionals(line)?;
            push(Op::EamtDisplay, Show::Eamt { count })
        }
        ("eamt", "add" | "remove") => {
            siit_only(t, target)?;
            let (mut prefix6, mut prefix4) = (None, None);
            for p in &line.positionals {
                if p.contains(':') {
                    prefix6 = Some(values::prefix6(p).map_err(einval)?.to_string());
                } else {
                    prefix4 = Some(values::prefix4(p).map_err(einval)?.to_string());
                }
            }
            let op = if operation == "add" {
                let (Some(prefix6), Some(prefix4)) = (prefix6, prefix4) else {
                    return Err(einval(
                        "The command is missing an IPv6 prefix and an IPv4 prefix.",
                    ));
                };
                Op::EamtAdd {
                    prefix6,
                    prefix4,
                    force,
                }
            } else {
                Op::EamtRemove { prefix6, prefix4 }
            };
            push(op, Show::Silent)
        }
        ("eamt", "flush") => {
            siit_only(t, target)?;
            push(Op::EamtFlush, Show::Silent)
        }
        ("blacklist", "display" | "count") => {
            siit_only(t, target)?;
            no_positionals(line)?;
            push(Op::Denylist4Display, Show::Denylist4 { count })
        }
        ("blacklist", "add" | "remove") => {
            siit_only(t, target)?;
            let prefix = values::prefix4(one_positional(line, "an IPv4 prefix")?)
                .map_err(einval)?
                .to_string();
            let op = if operation == "add" {
                Op::Denylist4Add { prefix, force }
            } else {
                Op::Denylist4Remove { prefix }
            };
            push(op, Show::Silent)
        }
        ("blacklist", "flush") => {
            siit_only(t, target)?;
            push(Op::Denylist4Flush, Show::Silent)
        }
        ("global", "display") => {
            no_positionals(line)?;
            push(Op::GlobalDisplay, Show::Globals { csv })
        }
        ("global", "update") => {
            no_positionals(line)?;
            if line.updates.is_empty() {
                return Err(einval("--update needs a --<key>=<value> pair."));
            }
            for (key, value) in &line.updates {
                let def = find(key, t).ok_or_else(|| einval(format!("Unknown key: '{key}'")))?;
                def.parse(value).map_err(|e| einval(e.to_string()))?;
                push(update(key, value.clone(), force), Show::Silent);
            }
        }
        ("enable" | "disable", _) => {
            no_positionals(line)?;
            let on = if target == "enable" { "true" } else { "false" };
            push(update("manually-enabled", on, false), Show::Silent)
        }
        ("file", _) => {
            let path = one_positional(line, "a file name")?;
            let json = legacy_file(t, path, &instance)?;
            push(Op::FileHandle { json, force }, Show::Silent)
        }
        _ => return Err(unsupported()),
    }
    Ok(Plan {
        socket: line.socket.clone(),
        steps,
        warnings: line.warnings.clone(),
    })
}

/// A 3.x atomic-configuration file as a 4.x one: the instance name and the netfilter
/// framework are added when missing (3.x files had neither), `blacklist` becomes `denylist4`.
/// Unlike 3.x (which changed only the listed tags) 4.x's `file handle` replaces the whole
/// configuration; omitted tables end up empty.
fn legacy_file(t: XlatorType, path: &str, instance: &str) -> Result<String, Report> {
    let text =
        std::fs::read_to_string(path).map_err(|e| einval(format!("Cannot read '{path}': {e}")))?;
    let mut json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| einval(format!("The file is not valid JSON: {e}")))?;
    let Some(obj) = json.as_object_mut() else {
        return Err(einval("The file is not a JSON object."));
    };
    obj.entry("instance")
        .or_insert_with(|| serde_json::Value::String(instance.to_string()));
    obj.entry("framework")
        .or_insert_with(|| serde_json::Value::String("netfilter".to_string()));
    if t == XlatorType::Siit {
        if let Some(b) = obj.remove("blacklist") {
            obj.insert("denylist4".to_string(), b);
        }
    }
    Ok(json.to_string())
}
