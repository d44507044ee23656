//! Shell completions for `jool` and `jool_siit`, from the same [`Client`] as the man page.
//!
//! ```text
//!   Client ──► Words { modes, ops per mode, options per operation, keys, key values } ──► bash
//!                                                                                     ├─► zsh
//!                                                                                     └─► fish
//! ```
//! Every script resolves the words already typed the way the grammar does (an exact keyword,
//! else the only keyword starting with the word), so `jool g u <TAB>` offers the global keys
//! like `jool global update <TAB>`. The scripts are static: completing never runs the client.

mod bash;
mod fish;
mod zsh;

use super::model::{key_choices, option_choices, Argp1, Client, ARGP1};
use super::prose;
use crate::client::args::OptSpec;
use jool_core::XlatorType;

/// A shell the completions are generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// GNU bash (bash-completion's `completions/` directory).
    Bash,
    /// zsh (`site-functions`, `#compdef`).
    Zsh,
    /// fish (`vendor_completions.d`).
    Fish,
}

impl Shell {
    /// Every shell, in the order the docs list them.
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The shell's name, as given to `--generate-completion`.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }

    /// The shell named `name`.
    pub fn from_name(name: &str) -> Option<Shell> {
        Shell::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The completion script of client `t` for `shell`.
pub fn script(t: XlatorType, shell: Shell) -> String {
    let words = Words::of(&Client::of(t));
    match shell {
        Shell::Bash => bash::script(&words),
        Shell::Zsh => zsh::script(&words),
        Shell::Fish => fish::script(&words),
    }
}

/// A word to offer and its one-line description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word.
    pub word: String,
    /// What it means (may be empty).
    pub doc: String,
}

/// An option of an operation.
#[derive(Clone, Debug)]
pub struct Opt {
    /// Its definition.
    pub spec: OptSpec,
    /// The literal choices of its argument.
    pub choices: Vec<&'static str>,
}

/// One operation: `mode op`, its options, its third keyword level and its positionals.
#[derive(Clone, Debug)]
pub struct OpWords {
    /// `global update`.
    pub path: String,
    /// Options.
    pub options: Vec<Opt>,
    /// Third-level keywords (`global update <key>`) with the values worth offering for each.
    pub keys: Vec<(Word, Vec<&'static str>)>,
    /// Whether the positionals are file names.
    pub files: bool,
}

/// Everything a completion script offers.
#[derive(Clone, Debug)]
pub struct Words {
    /// `jool` or `jool_siit`.
    pub prog: &'static str,
    /// Prefix of the script's function names (`__jool_siit_`).
    pub fn_prefix: String,
    /// Options before the mode.
    pub argp1: &'static [Argp1],
    /// Modes.
    pub modes: Vec<Word>,
    /// Operations of each mode.
    pub ops: Vec<(String, Vec<Word>)>,
    /// Each operation.
    pub op_words: Vec<OpWords>,
}

/// The first sentence (or line) of `doc`, without its final period.
pub fn first_sentence(doc: &str) -> String {
    let line = doc.lines().next().unwrap_or("");
    let sentence = line.split(". ").next().unwrap_or(line);
    sentence.trim_end_matches('.').trim().to_string()
}

impl Words {
    /// Reads the client's tables.
    pub fn of(c: &Client) -> Words {
        let modes = c
            .modes
            .iter()
            .map(|m| Word {
                word: m.def.label.to_string(),
                doc: first_sentence(prose::mode(m.def.mode).unwrap_or("")),
            })
            .collect();
        let ops = c
            .modes
            .iter()
            .map(|m| {
                let ops = m
                    .ops
                    .iter()
                    .map(|op| Word {
                        word: op.name.to_string(),
                        doc: first_sentence(prose::op(m.def.mode, op.name).unwrap_or("")),
                    })
                    .collect();
                (m.def.label.to_string(), ops)
            })
            .collect();
        let op_words = c
            .modes
            .iter()
            .flat_map(|m| m.ops.iter().map(move |op| (m, op)))
            .map(|(m, op)| OpWords {
                path: format!("{} {}", m.def.label, op.name),
                options: op
                    .options()
                    .iter()
                    .map(|spec| Opt {
                        spec: *spec,
                        choices: option_choices(spec),
                    })
                    .collect(),
                keys: op
                    .keys
                    .iter()
                    .map(|k| {
                        let word = Word {
                            word: k.name.to_string(),
                            doc: first_sentence(k.doc),
                        };
                        (word, key_choices(k.kind).to_vec())
                    })
                    .collect(),
                files: op.takes_files(),
            })
            .collect();
        Words {
            prog: c.prog,
            fn_prefix: format!(
                "__{}_",
                c.prog.replace(|ch: char| !ch.is_alphanumeric(), "_")
            ),
            argp1: ARGP1,
            modes,
            ops,
            op_words,
        }
    }
}

/// `s` as one single-quoted word for bash and zsh.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `s` as one single-quoted word for fish.
pub fn fish_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Words joined by spaces, single-quoted as one word.
pub fn sh_list<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    sh_quote(&words.into_iter().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests;
