//! Man pages and shell completions, generated from the parsers' own definitions.
//!
//! ```text
//!   grammar::MODES, command::grammar_of, ──► model::Client ──► client_man ──► jool.8, jool_siit.8
//!   globals::GLOBALS, legacy::{TARGETS..}                 └──► completion ──► bash, zsh, fish
//!   jool_daemon::cli::USAGE ──────────────────────────────► tool_man ──► jool-daemon.8
//!   translate_cmd::Args (clap) ───────────────────────────► tool_man ──► jool-translate.8
//! ```
//! The binaries print them through hidden options (not in `--help`, not completed):
//! `jool --generate-man`, `jool --generate-completion bash|zsh|fish` (and `jool_siit ...`),
//! `jool-daemon --generate-man`, `jool-translate --generate-man`. `scripts/install-docs`
//! writes them where man and the shells look.
//!
//! Lists (modes, operations, options, keys, 3.x targets) are never written here; only
//! sentences the tables have no text for ([`prose`]), checked to cover every entry.

mod client_man;
pub mod completion;
mod legacy_man;
pub mod model;
mod prose;
pub mod roff;
mod tool_man;

#[cfg(test)]
mod tests;

pub use completion::Shell;
pub use tool_man::{daemon_page, parse_usage, translate_page};

use crate::client::report::{Report, EXIT_EINVAL};
use jool_core::XlatorType;
use std::io::Write;
use std::process::ExitCode;

/// Hidden option: print the man page.
pub const GENERATE_MAN: &str = "--generate-man";
/// Hidden option: print the completion script for the shell named next.
pub const GENERATE_COMPLETION: &str = "--generate-completion";

/// The date on the pages' title lines (when their text last changed).
pub const PAGE_DATE: &str = "2026-11-24";
/// The source on the pages' title lines.
pub const SOURCE: &str = concat!("jool-rs ", env!("CARGO_PKG_VERSION"));

/// The man page of client `t` (`jool.8` or `jool_siit.8`).
pub fn client_page(t: XlatorType) -> String {
    client_man::page(t)
}

/// The completion script of client `t` for `shell`.
pub fn client_completion(t: XlatorType, shell: Shell) -> String {
    completion::script(t, shell)
}

/// The clients' hidden options: `--generate-man`, `--generate-completion SHELL`. `None` when
/// `args` are something else.
pub fn client_hidden_option(t: XlatorType, args: &[String]) -> Option<Report> {
    let first = args.first()?;
    if first == GENERATE_MAN {
        return Some(match args.len() {
            1 => Report::out(client_page(t)),
            _ => Report::error(format!("{GENERATE_MAN} takes no argument."), EXIT_EINVAL),
        });
    }
    if first != GENERATE_COMPLETION {
        return None;
    }
    let names: Vec<&str> = Shell::ALL.iter().map(|s| s.name()).collect();
    Some(match args.get(1..) {
        Some([shell]) => match Shell::from_name(shell) {
            Some(shell) => Report::out(client_completion(t, shell)),
            None => Report::error(
                format!("Unknown shell: '{shell}' (expected {}).", names.join(", ")),
                EXIT_EINVAL,
            ),
        },
        _ => Report::error(
            format!("Usage: {GENERATE_COMPLETION} ({})", names.join("|")),
            EXIT_EINVAL,
        ),
    })
}

/// For `jool-daemon` and `jool-translate`: when the only argument is `--generate-man`, prints
/// `page()` and returns the exit code; otherwise `None` and the program runs normally.
pub fn man_if_asked(page: impl FnOnce() -> String) -> Option<ExitCode> {
    let mut args = std::env::args().skip(1);
    match (args.next(), args.next()) {
        (Some(a), None) if a == GENERATE_MAN => {
            let mut out = std::io::stdout().lock();
            let ok = out.write_all(page().as_bytes()).and_then(|()| out.flush());
            Some(if ok.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        _ => None,
    }
}
