//! The man page of `jool` and `jool_siit` (section 8), from [`Client`].
//!
//! ```text
//!   Client ──► NAME, SYNOPSIS, DESCRIPTION, OPTIONS (argp1), MODES (each operation: synopsis
//!              from its OpGrammar, sentence, options), VALUE SYNTAX, GLOBAL KEYS (GLOBALS),
//!              JOOL 3.x COMPATIBILITY (legacy tables), EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO
//! ```

use super::legacy_man;
use super::model::{key_default, key_immutable, Argp1, Client, Op, ARGP1};
use super::prose;
use super::roff::{b, esc, i, Roff};
use super::{PAGE_DATE, SOURCE};
use crate::client::args::OptSpec;
use crate::client::report::{EXIT_E2BIG, EXIT_EINVAL, EXIT_ESRCH, EXIT_USAGE};
use crate::client::VERSION;
use jool_core::globals::ValueKind;
use jool_core::XlatorType;
use jool_ctl::proto::{DEFAULT_SOCKET, SOCKET_ENV};

/// The whole page of client `t`.
pub fn page(t: XlatorType) -> String {
    let c = Client::of(t);
    let mut r = Roff::new();
    r.th(
        &c.prog.to_ascii_uppercase(),
        "8",
        PAGE_DATE,
        SOURCE,
        "System Manager's Manual",
    );
    name_and_synopsis(&mut r, &c);
    description(&mut r, &c);
    options(&mut r);
    modes(&mut r, &c);
    value_syntax(&mut r, &c);
    global_keys(&mut r, &c);
    legacy_man::section(&mut r, &c);
    exit_status(&mut r, &c);
    environment(&mut r, &c);
    see_also(&mut r, &c);
    r.finish()
}

fn kind_of(t: XlatorType) -> &'static str {
    match t {
        XlatorType::Siit => "SIIT (stateless IP/ICMP translation, RFC 7915, with RFC 7757 EAM)",
        XlatorType::Nat64 => "stateful NAT64 (RFC 6146)",
    }
}

fn name_and_synopsis(r: &mut Roff, c: &Client) {
    r.sh("NAME");
    r.line(&format!(
        "{} \\- configure the {} instances of jool\\-daemon",
        esc(c.prog),
        kind_of(c.t)
    ));
    r.sh("SYNOPSIS");
    r.line(&format!(
        "{} [{} {} | {} {}] [{} {}] {} {} [{}]",
        b(c.prog),
        b("-i"),
        i("name"),
        b("-f"),
        i("file"),
        b("--socket"),
        i("path"),
        i("mode"),
        i("operation"),
        i("arguments")
    ));
    r.br();
    r.line(&format!(
        "{} ({} | {} | {})",
        b(c.prog),
        b("--help"),
        b("--usage"),
        b("--version")
    ));
}

fn description(r: &mut Roff, c: &Client) {
    r.sh("DESCRIPTION");
    r.line(&format!(
        "{} configures the {} translator instances hosted by {}(8). Its command line is \
         the one of Jool {}, whose client of the same name configures a kernel module; this \
         one sends its requests to the daemon through a Unix socket.",
        b(c.prog),
        esc(kind_of(c.t)),
        b("jool-daemon"),
        esc(VERSION)
    ));
    r.pp();
    r.text(
        "The first keyword picks a mode (what to operate on) and the second one an operation \
         (what to do with it). Keywords may be abbreviated to any unambiguous prefix. \
         Without arguments the client prints its help screen. Every operation accepts \
         --help (its options), --usage and --version.",
    );
    r.pp();
    r.text(
        "The instance is the one of the network namespace the client runs in. Modifying \
         anything needs root or CAP_NET_ADMIN; displays and statistics do not.",
    );
}

fn argp1_tag(o: &Argp1) -> String {
    let mut names: Vec<String> = o.shorts.iter().map(|s| b(&format!("-{s}"))).collect();
    names.push(b(&format!("--{}", o.long)));
    let mut tag = names.join(", ");
    if let Some(a) = o.arg {
        tag.push(' ');
        tag.push_str(&i(a));
    }
    tag
}

fn options(r: &mut Roff) {
    r.sh("OPTIONS");
    r.text("These come before the mode.");
    for o in ARGP1 {
        r.tp(&argp1_tag(o));
        r.text(o.doc);
    }
}

/// `--mark=<integer>` / `-t, --tcp` as a tag.
fn option_tag(o: &OptSpec) -> String {
    let mut tag = String::new();
    if let Some(s) = o.short {
        tag.push_str(&b(&format!("-{s}")));
        tag.push_str(", ");
    }
    tag.push_str(&b(&format!("--{}", o.long)));
    if let Some(a) = o.arg {
        tag.push('=');
        tag.push_str(&i(a));
    }
    tag
}

/// `jool pool4 add [--tcp] ... <IPv4 prefix> [<port range>]`.
fn op_synopsis(c: &Client, mode: &str, op: &Op) -> String {
    let mut s = format!("{} {} {}", b(c.prog), b(mode), b(op.name));
    if !op.keys.is_empty() {
        s.push(' ');
        s.push_str(&i("key"));
    }
    for o in op.options() {
        s.push_str(" [");
        s.push_str(&b(&format!("--{}", o.long)));
        if let Some(a) = o.arg {
            s.push('=');
            s.push_str(&i(a));
        }
        s.push(']');
    }
    if let Some(p) = op.grammar.and_then(|g| g.positionals) {
        s.push(' ');
        s.push_str(&i(p));
    }
    s
}

fn modes(r: &mut Roff, c: &Client) {
    r.sh("MODES");
    for m in &c.modes {
        r.ss(m.def.label);
        if let Some(text) = prose::mode(m.def.mode) {
            r.text(text);
        }
        for op in &m.ops {
            r.tp(&op_synopsis(c, m.def.label, op));
            if let Some(text) = prose::op(m.def.mode, op.name) {
                r.text(text);
            }
            if op.grammar.is_none() {
                r.text("(Not implemented by jool-rs yet.)");
            }
            if !op.options().is_empty() {
                r.rs();
                for o in op.options() {
                    r.tp(&option_tag(o));
                    r.lines(o.doc);
                }
                r.re();
            }
        }
    }
}

/// How values of type `k` are written (its name is `k.type_name()`).
fn kind_syntax(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Bool => "true, false, 1, 0, yes, no, on or off, in any case.",
        ValueKind::U8 | ValueKind::FArgs => "0 to 255, in decimal.",
        ValueKind::U32 => "0 to 4294967295, in decimal.",
        ValueKind::Timeout => "Hours, minutes, seconds and milliseconds: 2:00:00, 5:00, 90, 1.500.",
        ValueKind::Prefix6 => {
            "ADDRESS[/LENGTH]; the length defaults to 128. As a global value, null unsets it."
        }
        ValueKind::Prefix4 => {
            "ADDRESS[/LENGTH]; the length defaults to 32. As a global value, null unsets it."
        }
        ValueKind::Plateaus => "1 to 64 values, separated by commas without spaces.",
        ValueKind::HairpinMode => "off, simple or intrinsic.",
    }
}

fn value_syntax(r: &mut Roff, c: &Client) {
    let ops = || c.modes.iter().flat_map(|m| m.ops.iter());
    let positionals: Vec<&str> = ops()
        .filter_map(|op| op.grammar.and_then(|g| g.positionals))
        .collect();
    let positional = |what: &str| positionals.iter().any(|p| p.contains(what));
    let mut entries: Vec<(&str, &str)> = Vec::new();
    let mut add = |name: &'static str, text: &'static str| {
        if !entries.iter().any(|(n, _)| *n == name) {
            entries.push((name, text));
        }
    };
    for key in &c.keys {
        add(key.kind.type_name(), kind_syntax(key.kind));
    }
    if positional("IPv4 prefix") {
        add(
            ValueKind::Prefix4.type_name(),
            kind_syntax(ValueKind::Prefix4),
        );
    }
    if positional("transport address") {
        add(
            "Transport address",
            "ADDRESS#PORT, such as 192.0.2.1#80 or 2001:db8::1#80.",
        );
    }
    if positional("port range") {
        add(
            "Port range",
            "MIN[-MAX], 0 to 65535; a single number is a range of one port.",
        );
    }
    let integer_option = ops()
        .flat_map(|op| op.options())
        .any(|o| o.arg.is_some_and(|a| a.contains("<integer>")));
    if integer_option {
        add("<integer>", "An unsigned integer, in decimal.");
    }
    r.sh("VALUE SYNTAX");
    r.text(
        "Positional addresses and prefixes are told apart by their content (a colon means \
         IPv6), so their order does not matter.",
    );
    for (name, text) in entries {
        r.tp(&i(name));
        r.text(text);
    }
}

fn global_keys(r: &mut Roff, c: &Client) {
    r.sh("GLOBAL KEYS");
    r.line(&format!(
        "Shown by {} and set by {} {} {}. Types are described in VALUE SYNTAX; the default \
         is the value of a new instance.",
        b(&format!("{} global display", c.prog)),
        b(&format!("{} global update", c.prog)),
        i("key"),
        i("value")
    ));
    for key in &c.keys {
        r.tp(&b(key.name));
        r.line(&format!(
            "{}; default: {}.",
            i(key.kind.type_name()),
            esc(&key_default(key))
        ));
        r.br();
        r.lines(key.doc);
        if key_immutable(c.t, key) {
            r.br();
            r.text(
                "Set when the instance is created (instance add --pool6); it cannot be updated.",
            );
        }
    }
}

fn exit_status(r: &mut Roff, c: &Client) {
    r.sh("EXIT STATUS");
    let mut rows = vec![
        (0, "Success (also after --help, --usage and --version)."),
        (
            EXIT_EINVAL,
            "The command line was not understood (unknown or ambiguous keyword, missing \
             argument, invalid value).",
        ),
        (
            EXIT_USAGE,
            "An operation's options were not understood (unknown option, missing option \
             argument).",
        ),
        (
            EXIT_ESRCH,
            "jool-daemon is not running (nothing listens on the socket).",
        ),
    ];
    if c.mode("pool4").is_some() {
        rows.push((
            EXIT_E2BIG,
            "pool4 add refused a prefix shorter than /24 without --force.",
        ));
    }
    for (code, text) in rows {
        r.tp(&b(&code.to_string()));
        r.text(text);
    }
    r.tp(&i("errno"));
    r.text(
        "jool-daemon refused the request; the client prints \"Error: The kernel module \
         returned error N: message\" and exits with N (for example 1 EPERM: no CAP_NET_ADMIN, \
         3 ESRCH: no such instance, 17 EEXIST: already exists, 22 EINVAL: invalid request).",
    );
}

fn environment(r: &mut Roff, c: &Client) {
    r.sh("ENVIRONMENT");
    r.tp(&b(SOCKET_ENV));
    r.line(&format!(
        "The control socket of jool\\-daemon when {} is not given.",
        b("--socket")
    ));
    r.sh("FILES");
    r.tp(&i(DEFAULT_SOCKET));
    r.line(&format!(
        "The control socket when neither {} nor {} is given.",
        b("--socket"),
        b(SOCKET_ENV)
    ));
    r.sh("NOTES");
    r.line(&format!(
        "This page is generated by {}; the shell completions by {} {}.",
        b(&format!("{} --generate-man", c.prog)),
        b(&format!("{} --generate-completion", c.prog)),
        i("bash|zsh|fish")
    ));
}

fn see_also(r: &mut Roff, c: &Client) {
    let other = match c.t {
        XlatorType::Siit => "jool",
        XlatorType::Nat64 => "jool_siit",
    };
    r.sh("SEE ALSO");
    r.line(&format!(
        "{}(8), {}(8), {}(8), {}(8)",
        b(other),
        b("jool-daemon"),
        b("jool-translate"),
        b("ip-netns")
    ));
    r.pp();
    r.text("Jool's documentation: https://nicmx.github.io/Jool/");
}
