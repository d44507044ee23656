//! The scripts run in the real shells: bash always (it is everywhere), zsh and fish when
//! installed (otherwise only their content is checked).

use super::{script, Shell};
use crate::client::grammar::{Who, MODES};
use jool_core::globals::keys_for;
use jool_core::XlatorType::{self, Nat64, Siit};
use std::process::Command;

fn installed(shell: &str) -> bool {
    Command::new(shell)
        .arg("-c")
        .arg("exit 0")
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `shell -c code args...` in the crate's directory (bash and zsh take the first of
/// `args` as `$0`); stdout lines.
fn run(shell: &str, code: &str, args: &[&str]) -> Vec<String> {
    let out = Command::new(shell)
        .arg("-c")
        .arg(code)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the shell runs");
    assert!(
        out.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// What bash's completion function offers for `line` (the last word is completed).
fn bash_complete(t: XlatorType, line: &[&str]) -> Vec<String> {
    let code = r#"eval "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); "_${COMP_WORDS[0]}"; printf '%s\n' "${COMPREPLY[@]}""#;
    let s = script(t, Shell::Bash);
    let mut args = vec!["bash", s.as_str()];
    args.extend(line);
    run("bash", code, &args)
}

fn has(words: &[String], w: &str) -> bool {
    words.iter().any(|x| x == w)
}

#[test]
fn bash_script_is_valid_bash() {
    for t in [Siit, Nat64] {
        let s = script(t, Shell::Bash);
        let out = Command::new("bash")
            .arg("-n")
            .arg("-c")
            .arg(&s)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bash_completes_abbreviated_modes_of_the_right_type() {
    assert_eq!(bash_complete(Siit, &["jool_siit", "e"]), ["eamt"]);
    assert!(bash_complete(Nat64, &["jool", "e"]).is_empty());
    let modes = bash_complete(Nat64, &["jool", ""]);
    for m in MODES.iter().filter(|m| !m.hidden) {
        assert_eq!(has(&modes, m.label), m.who != Who::Siit, "{}", m.label);
    }
}

#[test]
fn bash_completes_global_keys_and_their_values() {
    let keys = bash_complete(Nat64, &["jool", "global", "update", ""]);
    assert!(has(&keys, "manually-enabled"));
    let expected: Vec<String> = keys_for(Nat64).map(|k| k.name.to_string()).collect();
    assert_eq!(keys, expected);
    assert_eq!(
        bash_complete(Nat64, &["jool", "g", "u", "udp"]),
        ["udp-timeout"]
    );
    assert_eq!(
        bash_complete(Nat64, &["jool", "global", "update", "manually-enabled", ""]),
        ["true", "false"]
    );
    assert_eq!(
        bash_complete(Siit, &["jool_siit", "global", "update", "eam", ""]),
        ["off", "simple", "intrinsic"]
    );
    assert!(!has(
        &bash_complete(Siit, &["jool_siit", "global", "update", ""]),
        "udp-timeout"
    ));
}

#[test]
fn bash_completes_options_per_operation() {
    let opts = bash_complete(Nat64, &["jool", "bib", "display", "--"]);
    for o in ["--tcp", "--udp", "--icmp", "--numeric", "--csv", "--help"] {
        assert!(has(&opts, o), "{o}: {opts:?}");
    }
    assert!(!has(
        &bash_complete(Nat64, &["jool", "pool4", "display", "--"]),
        "--numeric"
    ));
    assert_eq!(
        bash_complete(Nat64, &["jool", "pool4", "add", "--max-iterations", ""]),
        ["auto", "infinity"]
    );
    assert!(bash_complete(Nat64, &["jool", "pool4", "add", "--mark", ""]).is_empty());
    assert_eq!(
        bash_complete(Nat64, &["jool", "-i", "alpha", "se", ""]),
        ["display", "follow", "proxy", "advertise"]
    );
    // bash splits `--opt=value` at the `=`.
    let max = ["jool", "pool4", "add", "--max-iterations", "=", ""];
    assert_eq!(bash_complete(Nat64, &max), ["auto", "infinity"]);
    assert_eq!(bash_complete(Nat64, &max[..5]), ["auto", "infinity"]);
    assert_eq!(
        bash_complete(Nat64, &["jool", "--instance", "=", "alpha", "gl"]),
        ["global"]
    );
}

#[test]
fn bash_completes_files_after_file_handle_and_dash_f() {
    assert_eq!(
        bash_complete(Siit, &["jool_siit", "file", "handle", "Cargo.t"]),
        ["Cargo.toml"]
    );
    assert_eq!(
        bash_complete(Siit, &["jool_siit", "-f", "Cargo.t"]),
        ["Cargo.toml"]
    );
    assert!(bash_complete(Siit, &["jool_siit", "-i", "Cargo.t"]).is_empty());
}

#[test]
fn bash_offers_no_hidden_option_or_keyword() {
    let opts = bash_complete(Nat64, &["jool", "--"]);
    assert!(has(&opts, "--instance") && has(&opts, "--socket"));
    assert!(!opts.iter().any(|o| o.contains("generate")));
    assert!(bash_complete(Nat64, &["jool", "jo"]).is_empty());
    assert!(bash_complete(Nat64, &["jool", "auto"]).is_empty());
}

/// Stubs for zsh's completion functions: each prints the words it was given.
const ZSH_STUBS: &str = r#"
compdef() { : }
_describe() { local n=${@[-1]}; print -rl -- ${${(P@)n}%%:*} }
_files() { print -r -- FILES }
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }
"#;

fn zsh_complete(t: XlatorType, line: &[&str]) -> Vec<String> {
    let code = format!(
        "{ZSH_STUBS}\neval \"$1\"; shift; words=(\"$@\"); CURRENT=$#; _{}",
        t.binary_name()
    );
    let s = script(t, Shell::Zsh);
    let mut args = vec!["zsh", s.as_str()];
    args.extend(line);
    run("zsh", &code, &args)
}

#[test]
fn zsh_script_declares_itself_and_completes() {
    for t in [Siit, Nat64] {
        let s = script(t, Shell::Zsh);
        assert!(s.starts_with(&format!("#compdef {}\n", t.binary_name())));
        assert!(s.contains("'manually-enabled:Resumes or pauses the instance'\\''s translation'"));
    }
    if !installed("zsh") {
        eprintln!("zsh is not installed; only the content was checked");
        return;
    }
    for t in [Siit, Nat64] {
        let out = Command::new("zsh")
            .arg("-n")
            .arg("-c")
            .arg(script(t, Shell::Zsh))
            .output()
            .expect("zsh runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(has(&zsh_complete(Siit, &["jool_siit", "e"]), "eamt"));
    assert!(!has(&zsh_complete(Siit, &["jool_siit", "e"]), "pool4"));
    let keys = zsh_complete(Nat64, &["jool", "g", "u", ""]);
    assert!(has(&keys, "manually-enabled") && has(&keys, "udp-timeout"));
    assert_eq!(
        zsh_complete(Nat64, &["jool", "global", "update", "ss-enabled", ""]),
        ["true", "false"]
    );
    assert!(has(
        &zsh_complete(Nat64, &["jool", "session", "display", "--"]),
        "--icmp"
    ));
    assert_eq!(
        zsh_complete(Siit, &["jool_siit", "file", "handle", ""]),
        ["FILES"]
    );
}

fn fish_complete(t: XlatorType, line: &str) -> Vec<String> {
    let code = "printf '%s\\n' $argv[1] | source; complete -C\"$argv[2]\"";
    let s = script(t, Shell::Fish);
    run("fish", code, &[s.as_str(), line])
        .iter()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn fish_script_completes() {
    for t in [Siit, Nat64] {
        let s = script(t, Shell::Fish);
        let prog = t.binary_name();
        assert!(s.contains(&format!("complete -c {prog} -f\n")));
        assert!(s.contains(&format!(
            "complete -c {prog} -n '__{prog}_in \\'file handle\\'' -F\n"
        )));
    }
    if !installed("fish") {
        eprintln!("fish is not installed; only the content was checked");
        return;
    }
    for t in [Siit, Nat64] {
        let out = Command::new("fish")
            .arg("-n")
            .arg("-c")
            .arg(script(t, Shell::Fish))
            .output()
            .expect("fish runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(fish_complete(Siit, "jool_siit e"), ["eamt"]);
    assert!(has(
        &fish_complete(Nat64, "jool global update "),
        "manually-enabled"
    ));
    assert_eq!(fish_complete(Nat64, "jool g u udp"), ["udp-timeout"]);
    assert_eq!(
        fish_complete(Nat64, "jool global update logging-bib "),
        ["false", "true"]
    );
    let opts = fish_complete(Nat64, "jool bib display --");
    assert!(has(&opts, "--tcp") && has(&opts, "--udp") && has(&opts, "--icmp"));
    assert_eq!(
        fish_complete(Nat64, "jool pool4 add --max-iterations "),
        ["auto", "infinity"]
    );
    assert_eq!(
        fish_complete(Siit, "jool_siit file handle Cargo.t"),
        ["Cargo.toml"]
    );
    assert!(fish_complete(Nat64, "jool eamt ").is_empty());
}
