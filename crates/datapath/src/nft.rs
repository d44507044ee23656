//! nftables through the `nft` binary, run inside the namespace (`nft -f -` from a child spawned
//! in [`NetNs::enter`], so it inherits the namespace). Each call is one atomic transaction.

use std::io::{self, Write};
use std::process::{Command, Stdio};

use crate::error::context;
use crate::netns::NetNs;

/// The `nft` executable (found through `PATH`).
const NFT: &str = "nft";

fn run_nft(args: &[&str], input: &str) -> io::Result<String> {
    let mut child = Command::new(NFT)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                io::Error::new(io::ErrorKind::NotFound, "nft not found; install nftables")
            } else {
                context(e, "cannot run nft")
            }
        })?;
    let write_result = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(input.as_bytes()),
        None => Ok(()),
    };
    let out = child.wait_with_output().map_err(|e| context(e, "nft"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "nft {} failed ({}): {}",
            args.join(" "),
            out.status,
            stderr.trim()
        )));
    }
    write_result.map_err(|e| context(e, "cannot write the ruleset to nft"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Applies `ruleset` (nft script text) in `ns` as one atomic transaction: all or nothing.
pub fn apply(ns: &NetNs, ruleset: &str) -> io::Result<()> {
    ns.enter(|| run_nft(&["-f", "-"], ruleset).map(drop))?
}

/// Checks `ruleset` in `ns` without applying it (`nft -c`).
pub fn check(ns: &NetNs, ruleset: &str) -> io::Result<()> {
    ns.enter(|| run_nft(&["-c", "-f", "-"], ruleset).map(drop))?
}

/// Deletes table `family name` in `ns`; no error when it does not exist.
pub fn delete_table(ns: &NetNs, family: &str, name: &str) -> io::Result<()> {
    apply(ns, &delete_table_script(family, name))
}

/// Adding a table that exists is a no-op, so "add; delete" deletes it whether it was there or
/// not, atomically.
pub(crate) fn delete_table_script(family: &str, name: &str) -> String {
    format!("add table {family} {name}\ndelete table {family} {name}\n")
}

/// The tables of `ns` as `(family, name)`.
pub fn list_tables(ns: &NetNs) -> io::Result<Vec<(String, String)>> {
    let out = ns.enter(|| run_nft(&["list", "tables"], ""))??;
    Ok(parse_tables(&out))
}

fn parse_tables(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            match (w.next(), w.next(), w.next()) {
                (Some("table"), Some(f), Some(n)) => Some((f.to_string(), n.to_string())),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_script_adds_then_deletes() {
        assert_eq!(
            delete_table_script("netdev", "jool_x"),
            "add table netdev jool_x\ndelete table netdev jool_x\n"
        );
    }

    #[test]
    fn parses_table_listing() {
        let out = "table inet filter\ntable netdev jool_1\n";
        assert_eq!(
            parse_tables(out),
            vec![
                ("inet".to_string(), "filter".to_string()),
                ("netdev".to_string(), "jool_1".to_string())
            ]
        );
    }
}
