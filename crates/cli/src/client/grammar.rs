//! The Jool 4 grammar (spec §1.1–§1.2): `[<argp1>] <mode> <operation> [<argp2>]`.
//!
//! ```text
//!   jool_siit -i alpha i a --iptables ──► Parsed { instance: alpha, mode: Instance, op: "add",
//!                                                  op_token: "a", rest: ["--iptables"] }
//! ```
//! Keywords may be abbreviated to any unambiguous prefix; hidden keywords must be spelled out;
//! keywords of the other translator type are invisible. `global update` has a third keyword
//! level: the global key.

use super::report::{Report, EXIT_EINVAL};
use super::{BUG_ADDRESS, VERSION};
use jool_core::config::{validate_instance_name, XlatorType};
use jool_core::globals::keys_for;
use std::path::PathBuf;

/// Which translator types see a keyword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// `jool` and `jool_siit`.
    Both,
    /// `jool_siit` only.
    Siit,
    /// `jool` only.
    Nat64,
}

impl Who {
    fn includes(self, t: XlatorType) -> bool {
        matches!(
            (self, t),
            (Who::Both, _) | (Who::Siit, XlatorType::Siit) | (Who::Nat64, XlatorType::Nat64)
        )
    }
}

/// The modes (first keyword).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `instance`
    Instance,
    /// `stats`
    Stats,
    /// `address` (SIIT)
    Address,
    /// `global`
    Global,
    /// `eamt` (SIIT)
    Eamt,
    /// `blacklist4` (SIIT, deprecated alias of `denylist4`)
    Blacklist4,
    /// `denylist4` (SIIT)
    Denylist4,
    /// `pool4` (NAT64)
    Pool4,
    /// `bib` (NAT64)
    Bib,
    /// `session` (NAT64)
    Session,
    /// `file`
    File,
    /// `joold` (NAT64, hidden)
    Joold,
    /// `autocomplete` (hidden)
    Autocomplete,
}

/// A mode keyword and its operations.
#[derive(Clone, Copy, Debug)]
pub struct ModeDef {
    /// The keyword.
    pub label: &'static str,
    /// The mode.
    pub mode: Mode,
    /// Who sees it.
    pub who: Who,
    /// Must be spelled out and is left out of listings.
    pub hidden: bool,
    /// Operation keywords, in Jool's order.
    pub ops: &'static [&'static str],
}

/// Jool's mode tree, in its order (which is the order of the help screen and of the
/// "Available options" lists).
pub const MODES: &[ModeDef] = &[
    mode(
        "instance",
        Mode::Instance,
        Who::Both,
        &["display", "add", "remove", "flush", "status"],
    ),
    mode("stats", Mode::Stats, Who::Both, &["display"]),
    mode("address", Mode::Address, Who::Siit, &["query"]),
    mode("global", Mode::Global, Who::Both, &["display", "update"]),
    mode(
        "eamt",
        Mode::Eamt,
        Who::Siit,
        &["display", "add", "remove", "flush"],
    ),
    mode(
        "blacklist4",
        Mode::Blacklist4,
        Who::Siit,
        &["display", "add", "remove", "flush"],
    ),
    mode(
        "denylist4",
        Mode::Denylist4,
        Who::Siit,
        &["display", "add", "remove", "flush"],
    ),
    mode(
        "pool4",
        Mode::Pool4,
        Who::Nat64,
        &["display", "add", "remove", "flush"],
    ),
    mode("bib", Mode::Bib, Who::Nat64, &["display", "add", "remove"]),
    mode(
        "session",
        Mode::Session,
        Who::Nat64,
        &["display", "follow", "proxy", "advertise"],
    ),
    mode("file", Mode::File, Who::Both, &["handle"]),
    ModeDef {
        label: "joold",
        mode: Mode::Joold,
        who: Who::Nat64,
        hidden: true,
        ops: &["advertise"],
    },
    ModeDef {
        label: "autocomplete",
        mode: Mode::Autocomplete,
        who: Who::Both,
        hidden: true,
        ops: &[],
    },
];

const fn mode(label: &'static str, mode: Mode, who: Who, ops: &'static [&'static str]) -> ModeDef {
    ModeDef {
        label,
        mode,
        who,
        hidden: false,
        ops,
    }
}

/// The result of the grammar walk: everything before the operation's own arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// `-i NAME`, or the `"instance"` of `-f FILE` (the last one given wins).
    pub instance: Option<String>,
    /// `--socket PATH`.
    pub socket: Option<PathBuf>,
    /// The mode.
    pub mode: Mode,
    /// The full operation keyword (`add`), or the full global key for `global update`.
    pub op: &'static str,
    /// For `global update`: the full key.
    pub key: Option<&'static str>,
    /// The last keyword as typed (argp's program name in messages: `a`, `lowest-ipv6-mtu`).
    pub argv0: String,
    /// Everything after the last keyword.
    pub rest: Vec<String>,
}

/// Keywords visible to type `t` at some level, with their hidden flag.
struct Level {
    labels: Vec<(&'static str, bool)>,
}

impl Level {
    fn modes(t: XlatorType) -> Level {
        Level {
            labels: MODES
                .iter()
                .filter(|m| m.who.includes(t))
                .map(|m| (m.label, m.hidden))
                .collect(),
        }
    }

    fn ops(def: &ModeDef) -> Level {
        Level {
            labels: def.ops.iter().map(|o| (*o, false)).collect(),
        }
    }

    fn keys(t: XlatorType) -> Level {
        Level {
            labels: keys_for(t).map(|d| (d.name, false)).collect(),
        }
    }

    fn visible(&self) -> String {
        self.labels
            .iter()
            .filter(|(_, hidden)| !hidden)
            .map(|(l, _)| format!("{l} "))
            .collect()
    }

    /// Jool's `find_matches`: an exact match wins; hidden keywords need one; otherwise every
    /// visible keyword starting with `token`.
    fn matches(&self, token: &str) -> Vec<&'static str> {
        if let Some((l, _)) = self.labels.iter().find(|(l, _)| *l == token) {
            return vec![l];
        }
        self.labels
            .iter()
            .filter(|(l, hidden)| !hidden && l.starts_with(token))
            .map(|(l, _)| *l)
            .collect()
    }

    fn resolve(&self, token: &str) -> Result<&'static str, Report> {
        match self.matches(token).as_slice() {
            [one] => Ok(one),
            [] => Err(Report::raw_err(
                format!(
                    "Unexpected token: '{token}'\nAvailable options: {}\n",
                    self.visible()
                ),
                EXIT_EINVAL,
            )),
            many => Err(Report::raw_err(
                format!(
                    "Ambiguous token: '{token}'\nAvailable options: {}\n",
                    many.iter().map(|l| format!("{l} ")).collect::<String>()
                ),
                EXIT_EINVAL,
            )),
        }
    }

    fn more_expected(&self) -> Report {
        Report::raw_err(
            format!(
                "More arguments expected.\nPossible follow-ups: {}\n",
                self.visible()
            ),
            EXIT_EINVAL,
        )
    }
}

/// The mode definition of `m`.
pub fn mode_def(m: Mode) -> &'static ModeDef {
    MODES.iter().find(|d| d.mode == m).unwrap_or(&MODES[0])
}

/// Parses the whole command line (`args` excludes the program name). `Err` carries either a
/// parse error or the output of `--help`/`--usage`/`--version`.
pub fn parse(t: XlatorType, args: &[String]) -> Result<Parsed, Report> {
    let prog = t.binary_name();
    if args.is_empty() {
        return Err(Report::out(help_screen(t)));
    }
    let mut instance = None;
    let mut socket = None;
    let mut i = 0;
    // getopt_long "+?Vi:f:" (stop at the first non-option) plus our `--socket`.
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += 1;
        let (opt, inline) = split_option(a);
        let mut value = |name: &str| -> Result<String, Report> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = args.get(i).cloned().ok_or_else(|| {
                getopt_failure(t, &format!("option '{name}' requires an argument"))
            })?;
            i += 1;
            Ok(v)
        };
        match opt.as_str() {
            // `-h` is not in Jool's getopt string ("+?Vi:f:"): getopt complains about it,
            // then Jool prints the help screen anyway (as for any unknown option).
            "-?" | "--help" => return Err(Report::out(help_screen(t))),
            "-V" | "--version" => return Err(Report::out(format!("{VERSION}\n"))),
            "--usage" => return Err(Report::out(usage_text(prog))),
            "-i" | "--instance" => instance = Some(checked_name(value("--instance")?)?),
            "-f" | "--file" => {
                instance = Some(checked_name(instance_from_file(&value("--file")?)?)?)
            }
            "--socket" => socket = Some(PathBuf::from(value("--socket")?)),
            other => {
                let msg = if other.starts_with("--") {
                    format!("unrecognized option '{other}'")
                } else {
                    format!("invalid option -- '{}'", other.trim_start_matches('-'))
                };
                return Err(getopt_failure(t, &msg));
            }
        }
    }
    let words = &args[i..];
    let modes = Level::modes(t);
    let Some(first) = words.first() else {
        return Err(modes.more_expected());
    };
    let label = modes.resolve(first)?;
    let def = MODES.iter().find(|d| d.label == label).unwrap_or(&MODES[0]);
    if def.mode == Mode::Autocomplete {
        return Ok(Parsed {
            instance,
            socket,
            mode: Mode::Autocomplete,
            op: "autocomplete",
            key: None,
            argv0: first.clone(),
            rest: words[1..].to_vec(),
        });
    }
    let ops = Level::ops(def);
    let Some(second) = words.get(1) else {
        return Err(ops.more_expected());
    };
    let op = ops.resolve(second)?;
    let (key, argv0, rest) = if def.mode == Mode::Global && op == "update" {
        let keys = Level::keys(t);
        let Some(third) = words.get(2) else {
            return Err(keys.more_expected());
        };
        let key = keys.resolve(third)?;
        (Some(key), third.clone(), words[3..].to_vec())
    } else {
        (None, second.clone(), words[2..].to_vec())
    };
    Ok(Parsed {
        instance,
        socket,
        mode: def.mode,
        op,
        key,
        argv0,
        rest,
    })
}

/// `--name=value` → (`--name`, Some(value)); `-iNAME` → (`-i`, Some(NAME)); abbreviated long
/// options are expanded (getopt_long accepts unique prefixes).
fn split_option(a: &str) -> (String, Option<String>) {
    const LONGS: [&str; 6] = ["help", "version", "usage", "instance", "file", "socket"];
    if let Some(body) = a.strip_prefix("--") {
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let expanded = match LONGS.iter().filter(|l| l.starts_with(name)).count() {
            1 if !name.is_empty() => LONGS
                .iter()
                .find(|l| l.starts_with(name))
                .map(|l| format!("--{l}")),
            _ => None,
        };
        (expanded.unwrap_or_else(|| format!("--{name}")), inline)
    } else {
        let mut chars = a.chars();
        chars.next();
        let letter: String = chars.next().map(String::from).unwrap_or_default();
        let rest: String = chars.collect();
        let takes_arg = letter == "i" || letter == "f";
        let inline = (takes_arg && !rest.is_empty()).then_some(rest);
        (format!("-{letter}"), inline)
    }
}

/// getopt's complaint, after which Jool shows the help screen (getopt returned `?`).
fn getopt_failure(t: XlatorType, msg: &str) -> Report {
    Report {
        stdout: help_screen(t),
        stderr: format!("{}: {msg}\n", t.binary_name()),
        code: 0,
    }
}

fn checked_name(name: String) -> Result<String, Report> {
    validate_instance_name(&name).map_err(|m| Report::error(m, EXIT_EINVAL))?;
    Ok(name)
}

/// `-f FILE`: only the top-level `"instance"` string of the JSON file is read.
pub fn instance_from_file(path: &str) -> Result<String, Report> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Report::error(format!("Cannot read '{path}': {e}"), EXIT_EINVAL))?;
    instance_from_json(&text)
}

/// The `"instance"` string of a JSON document (spec §1.1), with the atomic-configuration
/// parser's syntax errors.
pub fn instance_from_json(text: &str) -> Result<String, Report> {
    match jool_ctl::json::instance_name(text) {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(Report::error(
            "The file does not contain an instance name.",
            EXIT_EINVAL,
        )),
        Err(e) => Err(Report::error(e.to_string(), EXIT_EINVAL)),
    }
}

fn usage_text(prog: &str) -> String {
    format!(
        "{prog} (\n        [<ARGP1>] <MODE> <OPERATION> [<ARGP2>]\n        | [-h|--help]\n        | (-V|--version)\n        | --usage\n)\n"
    )
}

/// The help screen (spec §1.1), with the mode list of the binary's type, plus `--socket`.
pub fn help_screen(t: XlatorType) -> String {
    let prog = t.binary_name();
    let mut out = String::from("Usage\n=====\n");
    out.push_str(&usage_text(prog));
    out.push_str("\n<ARGP1>\n=======\n");
    out.push_str("Either (--instance|-i) <INSTANCE> or (--file|-f) <FILE>.\n");
    out.push_str("- <INSTANCE> is the instance name\n");
    out.push_str("- <FILE> is a path to a JSON file that contains the instance name\n");
    out.push_str("Also --socket <PATH>: jool-daemon's control socket\n");
    out.push_str("(default: $JOOL_SOCKET, else /run/jool/jool.sock).\n");
    out.push_str("\n<MODE>s -> <OPERATION>s\n=======================\n");
    for m in MODES.iter().filter(|m| m.who.includes(t) && !m.hidden) {
        out.push_str(&format!("- {} -> ", m.label));
        for op in m.ops {
            out.push_str(&format!("{op} "));
        }
        out.push('\n');
    }
    out.push_str("\n<ARGP2>\n======\n");
    out.push_str(
        "Depends on <MODE> and <OPERATION>. Normally, see respective --help for details.\n",
    );
    out.push_str(&format!("(Example: {prog} instance add --help)\n\n"));
    out.push_str(&format!("Report bugs to {BUG_ADDRESS}.\n"));
    out
}

/// `jool autocomplete <index> <words...>`: the candidates for word `index` (1-based), for
/// the bash completion scripts. Option candidates of operations come from `options`.
pub fn autocomplete(
    t: XlatorType,
    args: &[String],
    options: impl Fn(Mode, &str) -> String,
) -> String {
    let Some(depth) = args
        .first()
        .and_then(|d| d.parse::<usize>().ok())
        .and_then(|d| d.checked_sub(1))
    else {
        return String::new();
    };
    let words = &args[1..];
    if depth != words.len() && depth + 1 != words.len() {
        return String::new();
    }
    let current = words.get(depth).map(String::as_str).unwrap_or("");
    let mut level = Level::modes(t);
    let mut def: Option<&ModeDef> = None;
    for (i, w) in words.iter().take(depth).enumerate() {
        let m = level.matches(w);
        let [label] = m.as_slice() else {
            return String::new();
        };
        match (i, def) {
            (0, _) => {
                let Some(d) = MODES.iter().find(|d| d.label == *label) else {
                    return String::new();
                };
                def = Some(d);
                level = Level::ops(d);
            }
            (1, Some(d)) if d.mode == Mode::Global && *label == "update" => level = Level::keys(t),
            (2, Some(d)) => return options(d.mode, "update"),
            (_, Some(d)) => return options(d.mode, label),
            _ => return String::new(),
        }
    }
    level
        .matches(current)
        .iter()
        .map(|l| format!("{l} "))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use XlatorType::{Nat64, Siit};

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn expands_abbreviated_keywords() {
        let p = parse(Siit, &v(&["i", "a", "--iptables"])).unwrap();
        assert_eq!(
            (p.mode, p.op, p.argv0.as_str()),
            (Mode::Instance, "add", "a")
        );
        assert_eq!(p.rest, v(&["--iptables"]));
        let p = parse(Nat64, &v(&["g", "u", "lowest", "1400"])).unwrap();
        assert_eq!(
            (p.mode, p.op, p.key),
            (Mode::Global, "update", Some("lowest-ipv6-mtu"))
        );
        assert_eq!(p.rest, v(&["1400"]));
    }

    #[test]
    fn reports_ambiguous_keywords_with_the_candidates() {
        let err = parse(Nat64, &v(&["s", "d"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "Ambiguous token: 's'\nAvailable options: stats session \n"
        );
        assert_eq!(err.code, 234);
    }

    #[test]
    fn hides_modes_of_the_other_type() {
        let err = parse(Nat64, &v(&["eamt", "display"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "Unexpected token: 'eamt'\nAvailable options: instance stats global pool4 bib session file \n"
        );
        let err = parse(Siit, &v(&["pool4"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "Unexpected token: 'pool4'\nAvailable options: instance stats address global eamt blacklist4 denylist4 file \n"
        );
        // `s` is not ambiguous for SIIT: only `stats` starts with it.
        assert_eq!(parse(Siit, &v(&["s", "d"])).unwrap().mode, Mode::Stats);
    }

    #[test]
    fn asks_for_more_arguments() {
        let err = parse(Nat64, &v(&["pool4"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "More arguments expected.\nPossible follow-ups: display add remove flush \n"
        );
        assert_eq!(err.code, 234);
        let err = parse(Siit, &v(&["-i", "alpha"])).unwrap_err();
        assert!(err
            .stderr
            .starts_with("More arguments expected.\nPossible follow-ups: instance stats address"));
        let err = parse(Siit, &v(&["global", "update"])).unwrap_err();
        assert!(err.stderr.ends_with("rfc6791v6-prefix rfc6791v4-prefix \n"));
        assert!(!err.stderr.contains("udp-timeout"));
    }

    #[test]
    fn rejects_keys_of_the_other_type() {
        let err = parse(Siit, &v(&["global", "update", "udp-timeout", "1"])).unwrap_err();
        assert!(err.stderr.starts_with("Unexpected token: 'udp-timeout'\n"));
    }

    #[test]
    fn hidden_keywords_need_the_full_word() {
        assert!(parse(Nat64, &v(&["j", "advertise"])).is_err());
        assert_eq!(parse(Nat64, &v(&["joold", "a"])).unwrap().mode, Mode::Joold);
        assert!(parse(Siit, &v(&["joold", "advertise"])).is_err());
    }

    #[test]
    fn reads_instance_socket_and_file_options() {
        let p = parse(
            Nat64,
            &v(&[
                "-i",
                "alpha",
                "--socket=/tmp/s",
                "--inst",
                "beta",
                "bib",
                "display",
            ]),
        )
        .unwrap();
        assert_eq!(p.instance.as_deref(), Some("beta"));
        assert_eq!(p.socket, Some(PathBuf::from("/tmp/s")));
        let p = parse(Nat64, &v(&["-igamma", "bib", "d"])).unwrap();
        assert_eq!(p.instance.as_deref(), Some("gamma"));
    }

    #[test]
    fn rejects_bad_instance_names() {
        let err = parse(Siit, &v(&["-i", "sixteen-chars-xx", "stats", "display"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "Error: The instance name must be a null-terminated ascii string, 15 characters max.\n"
        );
    }

    #[test]
    fn reads_the_instance_name_from_json() {
        assert_eq!(
            instance_from_json(r#"{"instance": "alpha", "framework": "netfilter"}"#).unwrap(),
            "alpha"
        );
        assert_eq!(
            instance_from_json(r#"{"global": {}}"#).unwrap_err().stderr,
            "Error: The file does not contain an instance name.\n"
        );
    }

    #[test]
    fn prints_help_version_and_usage() {
        let help = parse(Nat64, &[]).unwrap_err();
        assert_eq!(help.code, 0);
        assert!(help.stdout.contains(
            "- instance -> display add remove flush status \n- stats -> display \n- global -> display update \n- pool4 -> display add remove flush \n- bib -> display add remove \n- session -> display follow proxy advertise \n- file -> handle \n"
        ));
        let siit = help_screen(Siit);
        assert!(siit.contains("- address -> query \n"));
        assert!(!siit.contains("pool4"));
        assert_eq!(
            parse(Siit, &v(&["--version"])).unwrap_err().stdout,
            "4.1.15.0\n"
        );
        assert!(parse(Siit, &v(&["--usage"]))
            .unwrap_err()
            .stdout
            .starts_with("jool_siit (\n"));
        let unknown = parse(Siit, &v(&["--bogus"])).unwrap_err();
        assert_eq!(unknown.stderr, "jool_siit: unrecognized option '--bogus'\n");
        assert!(unknown.stdout.starts_with("Usage\n"));
    }

    #[test]
    fn completes_keywords() {
        let none = |_: Mode, _: &str| String::new();
        assert_eq!(autocomplete(Nat64, &v(&["1", "s"]), none), "stats session ");
        assert_eq!(
            autocomplete(Nat64, &v(&["3", "global", "update", "udp"]), none),
            "udp-timeout "
        );
        let opts = |m: Mode, op: &str| format!("{m:?}-{op}");
        assert_eq!(
            autocomplete(Nat64, &v(&["3", "bib", "d"]), opts),
            "Bib-display"
        );
    }
}
