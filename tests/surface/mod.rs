//! The transcript runner of the client-surface tests (`tests/surface_*.rs`; the coverage
//! matrix is `tests/surface/README.md`).
//!
//! A test is a terminal transcript: each `$ ` line is a command, run for real with
//! `ip netns exec <ns>` against a real `jool-daemon`; the lines after it are everything the
//! command printed — its standard error first, each line prefixed `! `, then its standard
//! output verbatim — and `[exit N]` when its exit status is not 0. The whole transcript is
//! compared at once, so a missing, extra or reworded line fails the test.
//!
//! ```text
//! $ jool_siit eamt add 2001:db8::/120 192.0.2.0/24 --bogus
//! ! a: unrecognized option '--bogus'
//! ...
//! [exit 64]
//! ```
//!
//! `{name}` variables are substituted in commands and expected text alike (`{ns}`: the
//! namespace; `{dir}`: a temporary directory). Words are split at spaces; `'...'` quotes one
//! word with spaces.

#![allow(dead_code)]

use super::common::{text, Daemon, Ns, COMMAND_LIMIT_SECS};
use std::process::{Command, Output, Stdio};

/// Runs transcripts in one namespace against one daemon.
pub struct Shell<'a> {
    d: &'a Daemon,
    ns: &'a Ns,
    vars: Vec<(String, String)>,
    mask: fn(&str) -> String,
}

/// Splits a command line into words; `'...'` keeps spaces inside one word.
pub fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            c => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// How one command's result reads in a transcript (see the module doc).
pub fn render(out: &Output) -> String {
    let mut s = String::new();
    for line in text(&out.stderr).lines() {
        s.push_str("! ");
        s.push_str(line);
        s.push('\n');
    }
    let stdout = text(&out.stdout);
    s.push_str(&stdout);
    if !stdout.is_empty() && !stdout.ends_with('\n') {
        s.push_str("[no newline]\n");
    }
    match out.status.code() {
        Some(0) => {}
        Some(n) => s.push_str(&format!("[exit {n}]\n")),
        None => s.push_str("[killed]\n"),
    }
    s
}

impl<'a> Shell<'a> {
    /// A shell in `ns`, talking to `d`, with `{ns}` defined.
    pub fn new(d: &'a Daemon, ns: &'a Ns) -> Self {
        Shell {
            d,
            ns,
            vars: vec![("{ns}".to_owned(), ns.name.clone())],
            mask: |s| s.to_owned(),
        }
    }

    /// Defines `{name}` (given with its braces).
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Applies `mask` to each command's rendered result before comparing (values that vary
    /// by nature: session lifetimes).
    pub fn mask(mut self, mask: fn(&str) -> String) -> Self {
        self.mask = mask;
        self
    }

    fn expand(&self, s: &str) -> String {
        let mut s = s.to_owned();
        for (k, v) in &self.vars {
            s = s.replace(k.as_str(), v);
        }
        s
    }

    /// Runs one command line (variables expanded) with the clients on PATH and this
    /// daemon's socket in `JOOL_SOCKET`.
    pub fn run(&self, line: &str) -> Output {
        let line = self.expand(line);
        Command::new("timeout")
            .args(["-k", "5", COMMAND_LIMIT_SECS, "ip", "netns", "exec"])
            .arg(&self.ns.name)
            .args(words(&line))
            .env("PATH", Daemon::path_env())
            .env("JOOL_SOCKET", &self.d.socket)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    /// Runs `line`, which must succeed silently.
    pub fn ok(&self, line: &str) {
        let out = self.run(line);
        assert_eq!(render(&out), "", "`{line}` in {}", self.ns.name);
    }

    /// The standard output of `line`, which must succeed without a word on standard error.
    pub fn stdout(&self, line: &str) -> String {
        let out = self.run(line);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "`{line}`:\n{}",
            render(&out)
        );
        text(&out.stdout)
    }

    /// Runs every command of `transcript` in order and compares the whole transcript.
    pub fn replay(&self, transcript: &str) {
        let expected = self.expand(transcript.strip_prefix('\n').unwrap_or(transcript));
        let mut actual = String::new();
        for line in expected.lines() {
            if let Some(cmd) = line.strip_prefix("$ ") {
                actual.push_str(line);
                actual.push('\n');
                actual.push_str(&(self.mask)(&render(&self.run(cmd))));
            }
        }
        if std::env::var_os("SURFACE_SHOW").is_some() {
            eprintln!("----- actual transcript -----\n{actual}-----------------------------");
        }
        if actual != expected {
            let first = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            panic!(
                "transcript differs at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
                 ===== expected =====\n{expected}===== actual =====\n{actual}",
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                actual.lines().nth(first).unwrap_or("<end>"),
            );
        }
    }
}

/// Replaces each run of digits in `line` with `N` (lifetimes, which vary by nature).
pub fn digits_to_n(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_with_quotes() {
        assert_eq!(
            words("jool_siit instance add 'CE 11b'  --iptables"),
            ["jool_siit", "instance", "add", "CE 11b", "--iptables"]
        );
        assert_eq!(words("a ''"), ["a", ""]);
    }

    #[test]
    fn masks_digit_runs() {
        assert_eq!(
            digits_to_n("(TRANS) Expires in 3 minutes, 59 seconds"),
            "(TRANS) Expires in N minutes, N seconds"
        );
    }
}
