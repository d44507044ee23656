//! The pages against the parser's tables, and `groff`/`mandoc` when they are installed.

use super::legacy_man::{accepts, target_ops, Accepts};
use super::model::{key_choices, option_choices, Client, ARGP1};
use super::roff::{b, esc};
use super::*;
use crate::client::command::grammar_of;
use crate::client::grammar::{help_screen, parse, Mode, Who, MODES};
use crate::client::legacy::{DEPRECATED, TARGETS};
use crate::client::values;
use jool_core::globals::{keys_for, GLOBALS};
use jool_core::XlatorType::{self, Nat64, Siit};
use std::process::{Command, Stdio};

fn sees(t: XlatorType, who: Who) -> bool {
    matches!(
        (who, t),
        (Who::Both, _) | (Who::Siit, Siit) | (Who::Nat64, Nat64)
    )
}

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Every visible mode, operation, option and key of type `t` is on its page.
fn assert_page_lists_everything(t: XlatorType) {
    let page = client_page(t);
    let prog = t.binary_name();
    for m in MODES.iter().filter(|m| !m.hidden && sees(t, m.who)) {
        assert!(
            page.contains(&format!(".SS \"{}\"\n", m.label)),
            "{prog}: mode {}",
            m.label
        );
        for op in m.ops {
            let synopsis = format!("{} {} {}", b(prog), b(m.label), b(op));
            assert!(page.contains(&synopsis), "{prog}: {} {op}", m.label);
            for o in grammar_of(m.mode, op).map_or(&[][..], |g| g.options) {
                assert!(
                    page.contains(&b(&format!("--{}", o.long))),
                    "{prog}: {} {op} --{}",
                    m.label,
                    o.long
                );
            }
        }
    }
    for key in keys_for(t) {
        assert!(
            page.contains(&format!(".TP\n{}\n", b(key.name))),
            "{prog}: key {}",
            key.name
        );
    }
}

#[test]
fn jool_page_lists_every_mode_operation_option_and_global_key() {
    assert_page_lists_everything(Nat64);
}

#[test]
fn jool_siit_page_lists_every_mode_operation_option_and_global_key() {
    assert_page_lists_everything(Siit);
}

/// Whether `word` occurs in `text` as a whole word (not inside `pool4-ish` names).
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        edge(before) && edge(after)
    })
}

#[test]
fn jool_siit_page_has_no_nat64_only_mode_or_key() {
    let page = client_page(Siit);
    for m in MODES.iter().filter(|m| m.who == Who::Nat64) {
        assert!(
            !has_word(&page, m.label),
            "jool_siit.8 mentions {}",
            m.label
        );
    }
    for key in GLOBALS.iter().filter(|k| !k.applies_to(Siit)) {
        assert!(
            !page.contains(&esc(key.name)),
            "jool_siit.8 mentions {}",
            key.name
        );
    }
}

#[test]
fn jool_page_has_no_siit_only_mode_or_key() {
    let page = client_page(Nat64);
    for m in MODES.iter().filter(|m| m.who == Who::Siit) {
        assert!(
            !page.contains(&format!(".SS \"{}\"", m.label)),
            "{}",
            m.label
        );
        assert!(
            !page.contains(&format!("{} {}", b("jool"), b(m.label))),
            "{}",
            m.label
        );
    }
    for key in GLOBALS.iter().filter(|k| !k.applies_to(Nat64)) {
        assert!(
            !page.contains(&esc(key.name)),
            "jool.8 mentions {}",
            key.name
        );
    }
}

#[test]
fn hidden_modes_stay_out_of_the_pages() {
    for t in [Siit, Nat64] {
        let page = client_page(t);
        for m in MODES.iter().filter(|m| m.hidden) {
            assert!(
                !page.contains(&format!(".SS \"{}\"", m.label)),
                "{}",
                m.label
            );
        }
    }
}

#[test]
fn global_keys_show_type_default_and_doc() {
    let page = client_page(Nat64);
    assert!(page.contains(
        ".TP\n\\fBudp\\-timeout\\fR\n\\fI[HH:[MM:]]SS[.mmm]\\fR; default: 0:05:00.\n.br\n\
         Set the UDP session lifetime (HH:MM:SS.mmm).\n"
    ));
    assert!(page.contains("\\fBmtu\\-plateaus\\fR\n\\fIList of 16\\-bit unsigned integers separated by commas\\fR; default: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68.\n"));
    let siit = client_page(Siit);
    assert!(siit.contains("\\fBrfc6791v4\\-prefix\\fR\n\\fIIPv4 prefix\\fR; default: unset.\n"));
    assert!(siit
        .contains("\\fBeam\\-hairpin\\-mode\\fR\n\\fIHairpinning Mode\\fR; default: intrinsic.\n"));
}

#[test]
fn only_the_nat64_pool6_is_marked_immutable() {
    let note = "it cannot be updated.";
    assert_eq!(client_page(Nat64).matches(note).count(), 1);
    assert!(client_page(Nat64).contains(&format!(".TP\n{}\n", b("pool6"))));
    assert!(!client_page(Siit).contains(note));
}

#[test]
fn every_visible_mode_and_operation_has_its_sentence() {
    for m in MODES.iter().filter(|m| !m.hidden) {
        assert!(prose::mode(m.mode).is_some(), "mode {}", m.label);
        for op in m.ops {
            assert!(prose::op(m.mode, op).is_some(), "{} {op}", m.label);
        }
    }
    assert!(prose::mode(Mode::Joold).is_none());
}

#[test]
fn every_listed_legacy_target_has_its_sentence() {
    for t in [Siit, Nat64] {
        for target in TARGETS {
            if target_ops(t, target).0 != Accepts::None {
                assert!(prose::legacy_target(t, target).is_some(), "--{target}");
            }
        }
    }
    assert_eq!(target_ops(Siit, "joold").0, Accepts::None);
    assert_ne!(target_ops(Nat64, "joold").0, Accepts::None);
}

#[test]
fn argp1_options_are_the_parsers() {
    for t in [Siit, Nat64] {
        let help = help_screen(t);
        for o in ARGP1 {
            let long = format!("--{}", o.long);
            assert!(help.contains(&long), "help screen lacks {long}");
            let mut names: Vec<String> = o.shorts.iter().map(|c| format!("-{c}")).collect();
            names.push(long);
            for name in names {
                let mut args = vec![name.clone()];
                if o.arg.is_some() {
                    args.push("/nonexistent/x".into());
                }
                args.extend(v(&["stats", "display"]));
                let r = parse(t, &args);
                if let Err(report) = r {
                    assert!(
                        !report.stderr.contains("unrecognized option")
                            && !report.stderr.contains("invalid option"),
                        "{name}: {}",
                        report.stderr
                    );
                }
            }
        }
    }
}

#[test]
fn offered_values_are_accepted_by_the_parsers() {
    for key in GLOBALS {
        for value in key_choices(key.kind) {
            assert!(key.parse(value).is_ok(), "{} {value}", key.name);
        }
    }
    let max = grammar_of(Mode::Pool4, "add")
        .and_then(|g| g.options.iter().find(|o| o.long == "max-iterations"))
        .expect("pool4 add --max-iterations");
    assert_eq!(option_choices(max), ["auto", "infinity"]);
    for choice in option_choices(max) {
        assert!(values::max_iterations(choice).is_ok(), "{choice}");
    }
}

#[test]
fn model_reads_the_third_keyword_level_from_the_grammar() {
    let c = Client::of(Siit);
    let global = c.mode("global").expect("global");
    let update = global
        .ops
        .iter()
        .find(|o| o.name == "update")
        .expect("update");
    let names: Vec<&str> = update.keys.iter().map(|k| k.name).collect();
    let expected: Vec<&str> = keys_for(Siit).map(|k| k.name).collect();
    assert_eq!(names, expected);
    let display = global
        .ops
        .iter()
        .find(|o| o.name == "display")
        .expect("display");
    assert!(display.keys.is_empty());
    assert!(c.mode("pool4").is_none());
    let file = c.mode("file").expect("file");
    assert!(file.ops[0].takes_files());
}

#[test]
fn legacy_section_follows_the_3x_parser() {
    assert_eq!(target_ops(Siit, "pool4").0, Accepts::None);
    assert!(accepts(Nat64, "pool4", "add"));
    assert!(!accepts(Nat64, "pool6", "remove"));
    assert!(accepts(Siit, "pool6", "remove"));
    assert_eq!(target_ops(Nat64, "enable").0, Accepts::Any);
    let jool = client_page(Nat64);
    assert!(jool.contains(&format!(
        "{} ({}, {}, {})",
        b("--pool6"),
        b("--display"),
        b("--count"),
        b("--add")
    )));
    assert!(jool.contains(&format!(
        ".TP\n{}\n{}\n",
        b("--dropAddr"),
        b("address-dependent-filtering")
    )));
    let siit = client_page(Siit);
    for (old, new) in DEPRECATED {
        let listed = siit.contains(&b(&format!("--{old}")));
        let applies = new.is_none_or(|k| jool_core::globals::find(k, Siit).is_some());
        assert_eq!(listed, applies, "--{old}");
    }
    assert!(!siit.contains(&b("--pool4")));
    assert!(siit.contains(&b("--pool6791")));
}

#[test]
fn exit_codes_come_from_the_report_constants() {
    use crate::client::report::{EXIT_E2BIG, EXIT_EINVAL, EXIT_ESRCH, EXIT_USAGE};
    let jool = client_page(Nat64);
    for code in [EXIT_EINVAL, EXIT_USAGE, EXIT_ESRCH, EXIT_E2BIG] {
        assert!(jool.contains(&format!(".TP\n\\fB{code}\\fR\n")), "{code}");
    }
    assert!(!client_page(Siit).contains(&format!(".TP\n\\fB{EXIT_E2BIG}\\fR\n")));
}

const DAEMON_USAGE: &str = "Usage: prog [--socket PATH] [--help]

Hosts things. More words.

  --socket PATH  control socket
  --help         print this help and exit
";

#[test]
fn reads_a_usage_text() {
    let u = parse_usage(DAEMON_USAGE);
    assert_eq!(u.synopsis, "prog [--socket PATH] [--help]");
    assert_eq!(u.paragraphs, ["Hosts things. More words."]);
    assert_eq!(
        u.options,
        [
            ("--socket PATH", "control socket"),
            ("--help", "print this help and exit")
        ]
    );
    let page = daemon_page(DAEMON_USAGE);
    assert!(page.contains("jool\\-daemon \\- hosts things\n"));
    assert!(page.contains(".TP\n\\fB\\-\\-socket\\fR \\fIPATH\\fR\nControl socket.\n"));
    assert!(
        page.contains("\\fBprog\\fR [\\fB\\-\\-socket\\fR \\fIPATH\\fR] [\\fB\\-\\-help\\fR]\n")
    );
}

#[test]
fn translate_page_lists_every_clap_argument() {
    use clap::CommandFactory;
    let page = translate_page();
    let cmd = crate::translate_cmd::Args::command();
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        match a.get_long() {
            Some(l) => assert!(page.contains(&b(&format!("--{l}"))), "--{l}"),
            None => {
                let names = a.get_value_names().unwrap_or_default();
                assert!(page.contains(&esc(names[0].as_str())), "{:?}", a.get_id());
            }
        }
    }
    assert!(page.contains(".SS \"Input link types\"\n"));
    assert!(page.contains("Default: 1500."));
}

#[test]
fn hidden_options_print_pages_and_scripts() {
    let page = client_hidden_option(Siit, &v(&["--generate-man"])).expect("handled");
    assert!(page
        .stdout
        .starts_with(".TH \"JOOL_SIIT\" 8 \"2026-11-24\""));
    let bash = client_hidden_option(Nat64, &v(&["--generate-completion", "bash"]));
    assert!(bash
        .expect("handled")
        .stdout
        .ends_with("complete -F _jool jool\n"));
    let bad = client_hidden_option(Nat64, &v(&["--generate-completion", "tcsh"])).expect("handled");
    assert_eq!(
        bad.stderr,
        "Error: Unknown shell: 'tcsh' (expected bash, zsh, fish).\n"
    );
    assert_eq!(bad.code, 234);
    assert!(
        client_hidden_option(Nat64, &v(&["--generate-completion"])).is_some_and(|r| r.code == 234)
    );
    assert!(client_hidden_option(Nat64, &v(&["global", "display"])).is_none());
    for t in [Siit, Nat64] {
        assert!(!help_screen(t).contains("generate"));
    }
}

/// `tool args...` with `page` on stdin: (success, stderr+stdout); `None` when not installed.
fn run_with_stdin(tool: &str, args: &[&str], input: &str) -> Option<(bool, String)> {
    use std::io::Write;
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    stdin.write_all(input.as_bytes()).ok()?;
    drop(stdin);
    let out = child.wait_with_output().ok()?;
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    Some((out.status.success(), text))
}

fn pages() -> Vec<(&'static str, String)> {
    vec![
        ("jool.8", client_page(Nat64)),
        ("jool_siit.8", client_page(Siit)),
        ("jool-translate.8", translate_page()),
        ("daemon sample", daemon_page(DAEMON_USAGE)),
    ]
}

#[test]
fn groff_renders_the_pages_without_warnings() {
    for (name, page) in pages() {
        match run_with_stdin("groff", &["-man", "-Tutf8", "-ww", "-z"], &page) {
            None => eprintln!("groff is not installed; skipped"),
            Some((ok, text)) => assert!(ok && text.is_empty(), "{name}: {text}"),
        }
    }
}

#[test]
fn mandoc_lints_the_pages_without_warnings() {
    for (name, page) in pages() {
        match run_with_stdin("mandoc", &["-man", "-T", "lint", "-W", "warning"], &page) {
            None => eprintln!("mandoc is not installed; skipped"),
            Some((ok, text)) => assert!(ok && text.is_empty(), "{name}: {text}"),
        }
    }
}
