//! The man pages of `jool-daemon` (from its usage text) and `jool-translate` (from its clap
//! command).
//!
//! ```text
//!   jool_daemon::cli::USAGE ──parse_usage──► synopsis, summary, options ──► jool-daemon.8
//!   translate_cmd::Args::command() ──► usage, about, arguments, after_help ──► jool-translate.8
//! ```

use super::roff::{b, esc, i, Roff};
use super::{PAGE_DATE, SOURCE};
use crate::translate_cmd::Args;
use clap::CommandFactory;
use jool_ctl::proto::{DEFAULT_SOCKET, SOCKET_ENV};

/// A usage text split into its parts.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage<'a> {
    /// What follows `Usage: ` on the first line.
    pub synopsis: &'a str,
    /// The paragraphs that are not option lists.
    pub paragraphs: Vec<String>,
    /// (`--socket PATH`, `control socket ...`) for each option line.
    pub options: Vec<(&'a str, &'a str)>,
}

/// Reads a usage text in the common layout: `Usage: prog ...`, paragraphs, and option lines
/// indented by two spaces whose help starts after a run of at least two spaces.
pub fn parse_usage(text: &str) -> Usage<'_> {
    let mut usage = Usage {
        synopsis: "",
        paragraphs: Vec::new(),
        options: Vec::new(),
    };
    let mut paragraph = String::new();
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("Usage: ") {
            usage.synopsis = s.trim();
        } else if line.trim_start().starts_with('-') && line.starts_with("  ") {
            let body = line.trim_start();
            match body.split_once("  ") {
                Some((opt, help)) => usage.options.push((opt.trim(), help.trim())),
                None => usage.options.push((body.trim(), "")),
            }
        } else if line.trim().is_empty() {
            if !paragraph.is_empty() {
                usage.paragraphs.push(std::mem::take(&mut paragraph));
            }
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(line.trim());
        }
    }
    if !paragraph.is_empty() {
        usage.paragraphs.push(paragraph);
    }
    usage
}

/// `--socket PATH` → bold option, italic argument.
fn option_tag(opt: &str) -> String {
    let (name, arg) = match opt.split_once([' ', '=']) {
        Some((n, a)) => (n, Some(a)),
        None => (opt, None),
    };
    let mut tag = b(name);
    if let Some(a) = arg {
        tag.push(' ');
        tag.push_str(&i(a));
    }
    tag
}

/// A usage line in man style: the program and options in bold, placeholders (`PATH`,
/// `<FILE.json>`) in italics, brackets and bars as they are.
fn synopsis(line: &str) -> String {
    let mut out = Vec::new();
    for (n, word) in line.split_whitespace().enumerate() {
        if n == 0 {
            out.push(b(word));
            continue;
        }
        let mut styled = String::new();
        let mut part = String::new();
        let flush = |part: &mut String, styled: &mut String| {
            if part.is_empty() {
                return;
            }
            styled.push_str(&if part.starts_with('-') {
                b(part)
            } else if part.chars().any(|c| c.is_ascii_uppercase()) {
                i(part)
            } else {
                esc(part)
            });
            part.clear();
        };
        for c in word.chars() {
            if "[]()<>|".contains(c) {
                flush(&mut part, &mut styled);
                styled.push(c);
            } else {
                part.push(c);
            }
        }
        flush(&mut part, &mut styled);
        out.push(styled);
    }
    out.join(" ")
}

/// A one-line summary for NAME: the first sentence, without its final period, starting in
/// lower case.
fn summary(sentence: &str) -> String {
    let first = sentence.split(". ").next().unwrap_or(sentence);
    let first = first.trim_end_matches('.');
    let mut chars = first.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn socket_sections(r: &mut Roff, what: &str) {
    r.sh("ENVIRONMENT");
    r.tp(&b(SOCKET_ENV));
    r.line(&format!(
        "{} when {} is not given.",
        esc(what),
        b("--socket")
    ));
    r.sh("FILES");
    r.tp(&i(DEFAULT_SOCKET));
    r.line(&format!(
        "{} when neither {} nor {} is given. Its directory is created when missing.",
        esc(what),
        b("--socket"),
        b(SOCKET_ENV)
    ));
}

/// The page of `jool-daemon`, from its usage text.
pub fn daemon_page(usage_text: &str) -> String {
    let usage = parse_usage(usage_text);
    let mut r = Roff::new();
    r.th(
        "JOOL-DAEMON",
        "8",
        PAGE_DATE,
        SOURCE,
        "System Manager's Manual",
    );
    r.sh("NAME");
    let lead = usage.paragraphs.first().map(String::as_str).unwrap_or("");
    r.line(&format!("jool\\-daemon \\- {}", esc(&summary(lead))));
    r.sh("SYNOPSIS");
    r.line(&synopsis(usage.synopsis));
    r.sh("DESCRIPTION");
    for (n, p) in usage.paragraphs.iter().enumerate() {
        if n > 0 {
            r.pp();
        }
        r.text(p);
    }
    r.pp();
    r.line(&format!(
        "jool\\-daemon stands in for Jool's kernel modules: {}(8) and {}(8) send it their \
         requests through a Unix socket, and it translates in user space. It runs in the \
         foreground, logs to standard error (journald captures it under systemd) and must run \
         as root: it creates TUN devices, routes, policy routing rules and nftables tables in \
         the namespaces of the instances (Netfilter framework), or reads NFQUEUE queues \
         (iptables framework).",
        b("jool"),
        b("jool_siit")
    ));
    r.pp();
    r.text(
        "On SIGTERM or SIGINT it removes every instance with everything it set up and exits. \
         A second daemon on the same socket is refused.",
    );
    r.sh("OPTIONS");
    for (opt, help) in &usage.options {
        r.tp(&option_tag(opt));
        r.text(&as_sentence(help));
    }
    r.sh("EXIT STATUS");
    for (code, text) in [
        (
            "0",
            "Clean shutdown after SIGTERM or SIGINT, or --help and --version.",
        ),
        (
            "1",
            "The daemon could not start (the socket is in use, no privileges...).",
        ),
        ("2", "The command line was not understood."),
    ] {
        r.tp(&b(code));
        r.text(text);
    }
    socket_sections(&mut r, "The control socket");
    r.sh("SEE ALSO");
    r.line(&format!(
        "{}(8), {}(8), {}(8), {}(8), {}(8)",
        b("jool"),
        b("jool_siit"),
        b("jool-translate"),
        b("nft"),
        b("ip-netns")
    ));
    r.finish()
}

/// Clap help text as a sentence.
fn sentence(help: Option<&clap::builder::StyledStr>) -> String {
    as_sentence(&help.map(|h| h.to_string()).unwrap_or_default())
}

/// `text` capitalised and ending with a period.
fn as_sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?', ')']) || out.ends_with(')') && !out.ends_with(".)") {
        out.push('.');
    }
    out
}

/// One block of clap's `after_help`: `Heading: text` or `Heading:` then indented lines.
fn after_help_blocks(text: &str) -> Vec<(String, String)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let joined: Vec<&str> = block.lines().map(str::trim).collect();
            let joined = joined.join(" ");
            match joined.split_once(':') {
                Some((head, body)) if !head.contains(". ") => {
                    (head.trim().to_string(), body.trim().to_string())
                }
                _ => (String::new(), joined),
            }
        })
        .collect()
}

/// The page of `jool-translate`, from its clap definition.
pub fn translate_page() -> String {
    let mut cmd = Args::command();
    cmd.build();
    let name = cmd.get_name().to_string();
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    let usage = cmd.render_usage().to_string();
    let mut r = Roff::new();
    r.th(
        &name.to_ascii_uppercase(),
        "8",
        PAGE_DATE,
        SOURCE,
        "System Manager's Manual",
    );
    r.sh("NAME");
    r.line(&format!("{} \\- {}", esc(&name), esc(&summary(&about))));
    r.sh("SYNOPSIS");
    r.line(&synopsis(usage.trim().trim_start_matches("Usage:").trim()));
    r.sh("DESCRIPTION");
    r.text(&about);
    if let Some(after) = cmd.get_after_help() {
        for (head, body) in after_help_blocks(&after.to_string()) {
            if !head.is_empty() {
                r.ss(&head);
            } else {
                r.pp();
            }
            r.text(&body);
        }
    }
    let (positionals, options): (Vec<_>, Vec<_>) = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .partition(|a| a.is_positional());
    r.sh("OPTIONS");
    for a in options {
        let mut tag = Vec::new();
        if let Some(s) = a.get_short() {
            tag.push(b(&format!("-{s}")));
        }
        if let Some(l) = a.get_long() {
            tag.push(b(&format!("--{l}")));
        }
        let mut tag = tag.join(", ");
        if a.get_action().takes_values() {
            let names: Vec<String> = a
                .get_value_names()
                .unwrap_or_default()
                .iter()
                .map(|n| i(n.as_str()))
                .collect();
            tag.push(' ');
            tag.push_str(&names.join(" "));
        }
        r.tp(&tag);
        r.text(&sentence(a.get_long_help().or(a.get_help())));
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        if a.get_action().takes_values() && !defaults.is_empty() {
            r.text(&format!("Default: {}.", defaults.join(", ")));
        }
    }
    if !positionals.is_empty() {
        r.sh("ARGUMENTS");
        for a in positionals {
            let names: Vec<String> = a
                .get_value_names()
                .unwrap_or_default()
                .iter()
                .map(|n| i(n.as_str()))
                .collect();
            r.tp(&names.join(" "));
            r.text(&sentence(a.get_long_help().or(a.get_help())));
        }
    }
    r.sh("EXIT STATUS");
    for (code, text) in [
        ("0", "Every packet was processed (whatever its verdict)."),
        (
            "1",
            "The configuration, a capture or the output could not be read or written.",
        ),
        ("2", "The command line was not understood."),
    ] {
        r.tp(&b(code));
        r.text(text);
    }
    r.sh("SEE ALSO");
    r.line(&format!(
        "{}(8), {}(8), {}(8), {}(1)",
        b("jool"),
        b("jool_siit"),
        b("jool-daemon"),
        b("tcpdump")
    ));
    r.finish()
}
