//! The JOOL 3.x COMPATIBILITY section of the client pages, from the 3.x parser's tables
//! (`legacy::{TARGETS, OPERATIONS, SWITCHES, DEPRECATED}`).
//!
//! Which operations a target accepts on this client is asked of the 3.x parser itself: a
//! target/operation pair it refuses as nonexistent or as the other type's is left out.

use super::model::Client;
use super::prose;
use super::roff::{b, i, Roff};
use crate::client::legacy::{self, DEPRECATED, OPERATIONS, SWITCHES, TARGETS};
use jool_core::globals::find;
use jool_core::XlatorType;

/// What the 3.x parser does with `--target --operation` on client `t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// Every operation: the target ignores the operation flag (`--enable`, `--file`).
    Any,
    /// These operations only.
    Some,
    /// None: the target is not supported (or belongs to the other type).
    None,
}

/// Whether the 3.x parser maps `--target --op` to something on client `t`. Failures for
/// missing arguments or files still mean "mapped"; only the two refusals below do not.
pub fn accepts(t: XlatorType, target: &str, op: &str) -> bool {
    let args = [format!("--{target}"), format!("--{op}")];
    match legacy::parse(t, &args) {
        Ok(_) => true,
        Err(r) => {
            !(r.stderr
                .contains("does not exist (or has no Jool 4 equivalent)")
                || r.stderr.contains("only applies to"))
        }
    }
}

/// The operations target `target` accepts on client `t`.
pub fn target_ops(t: XlatorType, target: &str) -> (Accepts, Vec<&'static str>) {
    let ops: Vec<&'static str> = OPERATIONS
        .iter()
        .copied()
        .filter(|op| accepts(t, target, op))
        .collect();
    let kind = match ops.len() {
        0 => Accepts::None,
        n if n == OPERATIONS.len() => Accepts::Any,
        _ => Accepts::Some,
    };
    (kind, ops)
}

fn flags(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| b(&format!("--{n}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Appends the section.
pub fn section(r: &mut Roff, c: &Client) {
    r.sh("JOOL 3.x COMPATIBILITY");
    r.line(&format!(
        "{} also accepts the flag syntax of Jool 3.x: {} [{} {} | {} {}] [{}] [{}] [{}] \
         [{}]. A command line is read this way when its first argument after {}, {} and {} \
         is one of the targets, operations or global key flags below. Each 3.x command is \
         carried out as one or more Jool 4 requests and printed the way Jool 3.x printed it.",
        b(c.prog),
        b(c.prog),
        b("-i"),
        i("name"),
        b("-f"),
        i("file"),
        i("--target"),
        i("--operation"),
        i("flags"),
        i("arguments"),
        b("-i"),
        b("-f"),
        b("--socket")
    ));
    r.ss("Targets");
    r.text("--global is the default target.");
    for target in TARGETS {
        let (kind, ops) = target_ops(c.t, target);
        if kind == Accepts::None {
            continue;
        }
        let mut tag = b(&format!("--{target}"));
        if kind == Accepts::Some {
            tag.push_str(&format!(" ({})", flags(&ops)));
        }
        r.tp(&tag);
        r.text(&format!(
            "Jool 4: {}",
            prose::legacy_target(c.t, target).unwrap_or("")
        ));
    }
    r.ss("Operations and flags");
    r.line(&format!(
        "Operations: {}. {} is the default ({} for {}, {} when key flags are given); {} \
         prints the number of entries instead of the entries.",
        flags(OPERATIONS),
        b("--display"),
        b("--add"),
        b("--instance"),
        b("--update"),
        b("--count")
    ));
    r.pp();
    r.line(&format!(
        "Flags: {}, plus {} {} and {} {}. Unlike Jool 4, the protocol flags may be combined, \
         and none means all three.",
        flags(SWITCHES),
        b("--mark"),
        i("mark"),
        b("--max-iterations"),
        i("value")
    ));
    r.ss("Global keys");
    let hairpin = match find("eam-hairpin-mode", c.t) {
        Some(_) => ", and eam\\-hairpin\\-mode as 0, 1 or 2",
        None => "",
    };
    r.line(&format!(
        "{}{} {} (or {}{}={}) sets a key of GLOBAL KEYS; a Boolean key given alone means \
         true. Timeouts may be given in seconds{hairpin}. The old key names still work, \
         with a warning:",
        b("--"),
        i("key"),
        i("value"),
        b("--"),
        i("key"),
        i("value")
    ));
    for (old, new) in DEPRECATED {
        match new {
            Some(key) if find(key, c.t).is_some() => {
                r.tp(&b(&format!("--{old}")));
                r.line(&b(key));
            }
            Some(_) => {}
            None => {
                r.tp(&b(&format!("--{old}")));
                r.text("Removed in Jool 4 (fragments are no longer stored).");
            }
        }
    }
}
