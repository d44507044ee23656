//! What the man page and the completions of a client say, read from the parser's own tables.
//!
//! ```text
//!   grammar::MODES (visible to the type) ──► modes ──► ops ──► command::grammar_of(mode, op)
//!   grammar::autocomplete(mode op "")    ──► the third keyword level (global update <key>)
//!   globals::keys_for(type)              ──► keys (name, kind, doc, default)
//! ```
//! Nothing here lists a mode, an operation, an option or a key by name: a keyword added to
//! the parser shows up in the page and in the completions by itself.

use crate::client::args::{OpGrammar, OptSpec};
use crate::client::command::grammar_of;
use crate::client::grammar::{autocomplete, ModeDef, MODES};
use jool_core::globals::{
    find, format_plain, keys_for, GlobalDef, GlobalError, Globals, ValueKind,
};
use jool_core::XlatorType;

/// An option accepted before the mode (Jool's `argp1`, plus jool-rs's `--socket`).
#[derive(Clone, Copy, Debug)]
pub struct Argp1 {
    /// Long name without dashes.
    pub long: &'static str,
    /// Short letters (`-?` and `-h` both mean `--help`).
    pub shorts: &'static [char],
    /// Argument name, if the option takes one.
    pub arg: Option<&'static str>,
    /// Whether the argument is a file name.
    pub file: bool,
    /// Help text.
    pub doc: &'static str,
}

/// The options of `grammar::parse` before the mode (its getopt string `+?Vi:f:` plus its long
/// names). The parser keeps them in code, not in a table; the tests check that the parser
/// accepts each of them and that the help screen names each of them.
pub const ARGP1: &[Argp1] = &[
    Argp1 {
        long: "instance",
        shorts: &['i'],
        arg: Some("name"),
        file: false,
        doc: "The instance to operate on (at most 15 characters; default: default).",
    },
    Argp1 {
        long: "file",
        shorts: &['f'],
        arg: Some("file"),
        file: true,
        doc: "Take the instance name from the top-level \"instance\" string of this JSON file \
              (the last of -i and -f wins).",
    },
    Argp1 {
        long: "socket",
        shorts: &[],
        arg: Some("path"),
        file: true,
        doc: "jool-daemon's control socket (default: see ENVIRONMENT and FILES).",
    },
    Argp1 {
        long: "help",
        shorts: &['?'],
        arg: None,
        file: false,
        doc: "Print the help screen: the modes and operations of this client.",
    },
    Argp1 {
        long: "usage",
        shorts: &[],
        arg: None,
        file: false,
        doc: "Print a short usage message.",
    },
    Argp1 {
        long: "version",
        shorts: &['V'],
        arg: None,
        file: false,
        doc: "Print the Jool version whose behaviour the client reproduces.",
    },
];

/// One operation of a mode.
#[derive(Clone, Debug)]
pub struct Op {
    /// The keyword.
    pub name: &'static str,
    /// Its options and positionals; `None` when jool-rs does not implement it yet.
    pub grammar: Option<&'static OpGrammar>,
    /// The third keyword level, if any (`global update <key>`).
    pub keys: Vec<&'static GlobalDef>,
}

impl Op {
    /// The operation's options (none when unimplemented).
    pub fn options(&self) -> &'static [OptSpec] {
        self.grammar.map_or(&[], |g| g.options)
    }

    /// Whether the positional arguments are file names (`file handle <File name>`).
    pub fn takes_files(&self) -> bool {
        self.grammar
            .and_then(|g| g.positionals)
            .is_some_and(|p| p.to_ascii_lowercase().contains("file"))
    }
}

/// One mode visible to the client.
#[derive(Clone, Debug)]
pub struct Mode {
    /// Its definition in the grammar.
    pub def: &'static ModeDef,
    /// Its operations, in the grammar's order.
    pub ops: Vec<Op>,
}

/// Everything a client's page and completions list.
#[derive(Clone, Debug)]
pub struct Client {
    /// The translator type.
    pub t: XlatorType,
    /// `jool` or `jool_siit`.
    pub prog: &'static str,
    /// The visible modes, in the help screen's order.
    pub modes: Vec<Mode>,
    /// The global keys, in `global display` order.
    pub keys: Vec<&'static GlobalDef>,
}

impl Client {
    /// Reads the tables for client `t`.
    pub fn of(t: XlatorType) -> Client {
        let modes = MODES
            .iter()
            .filter(|m| !m.hidden && visible(t, m.label))
            .map(|def| Mode {
                def,
                ops: def
                    .ops
                    .iter()
                    .map(|op| Op {
                        name: op,
                        grammar: grammar_of(def.mode, op),
                        keys: third_level(t, def.label, op),
                    })
                    .collect(),
            })
            .collect();
        Client {
            t,
            prog: t.binary_name(),
            modes,
            keys: keys_for(t).collect(),
        }
    }

    /// The mode whose keyword is `label`.
    pub fn mode(&self, label: &str) -> Option<&Mode> {
        self.modes.iter().find(|m| m.def.label == label)
    }
}

/// Whether the grammar offers mode keyword `label` to type `t` (keywords of the other type
/// are invisible to it).
fn visible(t: XlatorType, label: &str) -> bool {
    let args = ["1".to_string(), label.to_string()];
    autocomplete(t, &args, |_, _| String::new())
        .split_whitespace()
        .any(|w| w == label)
}

/// The keywords the grammar expects after `mode op` (the keys of `global update`); empty for
/// operations whose next words are their own arguments.
fn third_level(t: XlatorType, mode: &str, op: &str) -> Vec<&'static GlobalDef> {
    const ARGUMENTS: &str = "\u{0}arguments";
    let args = [
        "3".to_string(),
        mode.to_string(),
        op.to_string(),
        String::new(),
    ];
    let words = autocomplete(t, &args, |_, _| ARGUMENTS.to_string());
    if words == ARGUMENTS {
        return Vec::new();
    }
    words
        .split_whitespace()
        .filter_map(|k| find(k, t))
        .collect()
}

/// The literal choices of an option's argument (`(<integer>|auto|infinity)` → auto,
/// infinity): the alternatives that are not `<placeholders>`.
pub fn option_choices(spec: &OptSpec) -> Vec<&'static str> {
    let Some(arg) = spec.arg else {
        return Vec::new();
    };
    arg.trim_start_matches('(')
        .trim_end_matches(')')
        .split('|')
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.starts_with('<'))
        .collect()
}

/// Values worth offering for a key of type `kind` (the tests check that each one parses).
pub fn key_choices(kind: ValueKind) -> &'static [&'static str] {
    match kind {
        ValueKind::Bool => &["true", "false"],
        ValueKind::HairpinMode => &["off", "simple", "intrinsic"],
        ValueKind::Prefix6 | ValueKind::Prefix4 => &["null"],
        ValueKind::U8
        | ValueKind::U32
        | ValueKind::Timeout
        | ValueKind::Plateaus
        | ValueKind::FArgs => &[],
    }
}

/// What a new instance holds for `key`, as it would be typed (`unset` for an unset prefix).
pub fn key_default(key: &GlobalDef) -> String {
    match format_plain(&key.get(&Globals::default())).as_str() {
        "null" => "unset".to_string(),
        other => other.to_string(),
    }
}

/// Whether `global update` refuses to change `key` on an instance of type `t` (NAT64's pool6,
/// which `instance add --pool6` sets once).
pub fn key_immutable(t: XlatorType, key: &GlobalDef) -> bool {
    let mut globals = Globals::default();
    let value = key.get(&globals);
    matches!(
        key.update(&mut globals, t, value, true),
        Err(GlobalError::Pool6Immutable)
    )
}
