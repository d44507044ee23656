//! The per-operation option parser: GNU argp as Jool's `wargp` uses it.
//!
//! ```text
//!   ["add", "--pool6", "64:ff9b::/96", "alpha"] ──parse(specs)──► [Opt(pool6, "64:ff9b::/96"), Pos("alpha")]
//! ```
//! Options and positionals may be interleaved; `--` ends the options; long options may be
//! abbreviated to any unique prefix and take their argument as `--x=V` or `--x V`; short ones
//! cluster (`-tf`) and take `-6P` or `-6 P`. Every operation also accepts `--help`/`-?`,
//! `--usage` and `--version`/`-V`. Errors use glibc's wording and argp's exit status 64, with
//! the operation keyword (as typed) as the program name, which is what Jool prints.

use super::report::{Report, EXIT_USAGE};
use super::{BUG_ADDRESS, VERSION};

/// One option an operation accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptSpec {
    /// Long name without dashes (`pool6`).
    pub long: &'static str,
    /// Short letter, if any (`6`).
    pub short: Option<char>,
    /// Argument name for help (`<IPv6 Prefix>`); `None` for flags.
    pub arg: Option<&'static str>,
    /// Help line.
    pub doc: &'static str,
}

impl OptSpec {
    /// A flag (no argument).
    pub const fn flag(long: &'static str, short: Option<char>, doc: &'static str) -> Self {
        OptSpec {
            long,
            short,
            arg: None,
            doc,
        }
    }

    /// An option taking an argument.
    pub const fn with_arg(
        long: &'static str,
        short: Option<char>,
        arg: &'static str,
        doc: &'static str,
    ) -> Self {
        OptSpec {
            long,
            short,
            arg: Some(arg),
            doc,
        }
    }
}

/// One parsed command-line element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An option: its long name and its argument, if it takes one.
    Opt(&'static str, Option<String>),
    /// A positional argument.
    Pos(String),
}

/// The operation's grammar: its options and the help text of its positionals.
#[derive(Clone, Copy, Debug)]
pub struct OpGrammar {
    /// Accepted options (the built-in help/usage/version are added).
    pub options: &'static [OptSpec],
    /// `args_doc` of argp (`<IPv6 prefix> <IPv4 prefix>`), if the operation takes positionals.
    pub positionals: Option<&'static str>,
}

const BUILTINS: [OptSpec; 3] = [
    OptSpec::flag("help", Some('?'), "Give this help list"),
    OptSpec::flag("usage", None, "Give a short usage message"),
    OptSpec::flag("version", Some('V'), "Print program version"),
];

fn try_again(argv0: &str) -> String {
    format!("Try `{argv0} --help' or `{argv0} --usage' for more information.\n")
}

/// argp's usage error: `<argv0>: <message>` plus the "Try" line, exit 64.
pub fn usage_error(argv0: &str, message: &str) -> Report {
    Report::raw_err(
        format!("{argv0}: {message}\n{}", try_again(argv0)),
        EXIT_USAGE,
    )
}

fn all_specs(g: &OpGrammar) -> impl Iterator<Item = &OptSpec> {
    g.options.iter().chain(BUILTINS.iter())
}

/// Parses `args` (the elements after the operation keyword). `Err` carries either a usage
/// error or the output of `--help`/`--usage`/`--version` (exit 0).
pub fn parse(argv0: &str, g: &OpGrammar, args: &[String]) -> Result<Vec<Item>, Report> {
    let mut items = Vec::new();
    let mut i = 0;
    let mut only_positionals = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if only_positionals || a == "-" || !a.starts_with('-') {
            items.push(Item::Pos(a.clone()));
        } else if a == "--" {
            only_positionals = true;
        } else if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = find_long(argv0, g, name, a)?;
            let value = match (spec.arg, inline) {
                (None, Some(_)) => {
                    return Err(usage_error(
                        argv0,
                        &format!("option '--{}' doesn't allow an argument", spec.long),
                    ))
                }
                (None, None) => None,
                (Some(_), Some(v)) => Some(v),
                (Some(_), None) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        Some(v.clone())
                    }
                    None => {
                        return Err(usage_error(
                            argv0,
                            &format!("option '--{}' requires an argument", spec.long),
                        ))
                    }
                },
            };
            items.push(builtin_or(argv0, g, spec, value)?);
        } else {
            let cluster: Vec<char> = a.chars().skip(1).collect();
            let mut j = 0;
            while j < cluster.len() {
                let c = cluster[j];
                j += 1;
                let spec = all_specs(g)
                    .find(|s| s.short == Some(c))
                    .ok_or_else(|| usage_error(argv0, &format!("invalid option -- '{c}'")))?;
                let value = if spec.arg.is_some() {
                    let rest: String = cluster[j..].iter().collect();
                    j = cluster.len();
                    if !rest.is_empty() {
                        Some(rest)
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        Some(v.clone())
                    } else {
                        return Err(usage_error(
                            argv0,
                            &format!("option requires an argument -- '{c}'"),
                        ));
                    }
                } else {
                    None
                };
                items.push(builtin_or(argv0, g, spec, value)?);
            }
        }
    }
    Ok(items)
}

fn find_long<'g>(
    argv0: &str,
    g: &'g OpGrammar,
    name: &str,
    typed: &str,
) -> Result<&'g OptSpec, Report> {
    if let Some(exact) = all_specs(g).find(|s| s.long == name) {
        return Ok(exact);
    }
    let matches: Vec<&OptSpec> = all_specs(g).filter(|s| s.long.starts_with(name)).collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(usage_error(
            argv0,
            &format!(
                "unrecognized option '{}'",
                typed.split('=').next().unwrap_or(typed)
            ),
        )),
        many => {
            let list: Vec<String> = many.iter().map(|s| format!("'--{}'", s.long)).collect();
            Err(usage_error(
                argv0,
                &format!(
                    "option '--{name}' is ambiguous; possibilities: {}",
                    list.join(" ")
                ),
            ))
        }
    }
}

fn builtin_or(
    argv0: &str,
    g: &OpGrammar,
    spec: &OptSpec,
    value: Option<String>,
) -> Result<Item, Report> {
    match spec.long {
        "help" if !g.options.contains(spec) => Err(Report::out(help(argv0, g))),
        "usage" if !g.options.contains(spec) => Err(Report::out(usage(argv0, g))),
        "version" if !g.options.contains(spec) => Err(Report::out(format!("{VERSION}\n"))),
        _ => Ok(Item::Opt(spec.long, value)),
    }
}

/// The `--help` screen of an operation, in argp's layout.
pub fn help(argv0: &str, g: &OpGrammar) -> String {
    let mut out = format!("Usage: {argv0} [OPTION...]");
    if let Some(p) = g.positionals {
        out.push(' ');
        out.push_str(p);
    }
    out.push_str("\n\n");
    for s in all_specs(g) {
        let short = match s.short {
            Some(c) => format!("-{c}, "),
            None => "    ".to_string(),
        };
        let long = match s.arg {
            Some(a) => format!("--{}={a}", s.long),
            None => format!("--{}", s.long),
        };
        let left = format!("  {short}{long}");
        let mut lines = s.doc.lines();
        let first = lines.next().unwrap_or("");
        if left.len() < 29 {
            out.push_str(&format!("{left:<29} {first}\n"));
        } else {
            out.push_str(&format!("{left}\n{:<29} {first}\n", ""));
        }
        for more in lines {
            out.push_str(&format!("{:<29} {more}\n", ""));
        }
    }
    out.push_str(&format!("\nReport bugs to {BUG_ADDRESS}.\n"));
    out
}

/// The `--usage` line of an operation.
pub fn usage(argv0: &str, g: &OpGrammar) -> String {
    let shorts: String = all_specs(g)
        .filter(|s| s.arg.is_none())
        .filter_map(|s| s.short)
        .collect();
    let mut out = format!("Usage: {argv0}");
    if !shorts.is_empty() {
        out.push_str(&format!(" [-{shorts}]"));
    }
    for s in all_specs(g) {
        match (s.short, s.arg) {
            (Some(c), Some(a)) => out.push_str(&format!(" [-{c} {a}]")),
            (None, None) | (Some(_), None) => out.push_str(&format!(" [--{}]", s.long)),
            (None, Some(a)) => out.push_str(&format!(" [--{}={a}]", s.long)),
        }
    }
    if let Some(p) = g.positionals {
        out.push(' ');
        out.push_str(p);
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[OptSpec] = &[
        OptSpec::flag("tcp", Some('t'), "TCP"),
        OptSpec::flag("udp", Some('u'), "UDP"),
        OptSpec::flag("no-headers", None, "Do not print table headers"),
        OptSpec::flag("numeric", None, "Do not resolve names"),
        OptSpec::with_arg("pool6", Some('6'), "<IPv6 Prefix>", "pool6"),
    ];
    const G: OpGrammar = OpGrammar {
        options: OPTS,
        positionals: Some("<instance name>"),
    };

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn interleaves_options_and_positionals() {
        let items = parse("add", &G, &v(&["alpha", "--pool6", "64:ff9b::/96", "-tu"])).unwrap();
        assert_eq!(
            items,
            vec![
                Item::Pos("alpha".into()),
                Item::Opt("pool6", Some("64:ff9b::/96".into())),
                Item::Opt("tcp", None),
                Item::Opt("udp", None),
            ]
        );
    }

    #[test]
    fn accepts_inline_and_attached_arguments() {
        let items = parse("add", &G, &v(&["--pool6=64:ff9b::/96", "-62001:db8::/96"])).unwrap();
        assert_eq!(
            items,
            vec![
                Item::Opt("pool6", Some("64:ff9b::/96".into())),
                Item::Opt("pool6", Some("2001:db8::/96".into())),
            ]
        );
    }

    #[test]
    fn expands_unique_long_prefixes_and_rejects_ambiguous_ones() {
        assert_eq!(
            parse("display", &G, &v(&["--num"])).unwrap(),
            vec![Item::Opt("numeric", None)]
        );
        let err = parse("display", &G, &v(&["--n"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "display: option '--n' is ambiguous; possibilities: '--no-headers' '--numeric'\n\
             Try `display --help' or `display --usage' for more information.\n"
        );
        assert_eq!(err.code, 64);
    }

    #[test]
    fn reports_unknown_options_like_argp() {
        let err = parse("d", &G, &v(&["--bogus"])).unwrap_err();
        assert_eq!(
            err.stderr,
            "d: unrecognized option '--bogus'\nTry `d --help' or `d --usage' for more information.\n"
        );
        let err = parse("d", &G, &v(&["-x"])).unwrap_err();
        assert!(err.stderr.starts_with("d: invalid option -- 'x'\n"));
        let err = parse("add", &G, &v(&["--pool6"])).unwrap_err();
        assert!(err
            .stderr
            .starts_with("add: option '--pool6' requires an argument\n"));
        let err = parse("add", &G, &v(&["--tcp=1"])).unwrap_err();
        assert!(err
            .stderr
            .starts_with("add: option '--tcp' doesn't allow an argument\n"));
    }

    #[test]
    fn double_dash_ends_options() {
        assert_eq!(
            parse("add", &G, &v(&["--", "-weird"])).unwrap(),
            vec![Item::Pos("-weird".into())]
        );
    }

    #[test]
    fn answers_help_usage_and_version() {
        let help = parse("add", &G, &v(&["--help"])).unwrap_err();
        assert_eq!(help.code, 0);
        assert!(help
            .stdout
            .starts_with("Usage: add [OPTION...] <instance name>\n\n"));
        assert!(help
            .stdout
            .contains("  -6, --pool6=<IPv6 Prefix>   pool6\n"));
        assert!(help
            .stdout
            .ends_with("Report bugs to the jool-rs issue tracker.\n"));
        assert_eq!(
            parse("add", &G, &v(&["-V"])).unwrap_err().stdout,
            "4.1.15.0\n"
        );
        assert!(parse("add", &G, &v(&["--usage"]))
            .unwrap_err()
            .stdout
            .starts_with("Usage: add [-tu?V]"));
    }
}
