//! Man pages and completions from the real binaries, and `scripts/install-docs` into a
//! scratch prefix (issue 5). `groff`, `mandoc` and bash-completion are used when installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAGES: [(&str, &str); 4] = [
    ("jool", env!("CARGO_BIN_EXE_jool")),
    ("jool_siit", env!("CARGO_BIN_EXE_jool_siit")),
    ("jool-daemon", env!("CARGO_BIN_EXE_jool-daemon")),
    ("jool-translate", env!("CARGO_BIN_EXE_jool-translate")),
];

fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_jool"))
        .parent()
        .expect("a directory")
        .to_path_buf()
}

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_binary_prints_its_man_page() {
    for (name, bin) in PAGES {
        let o = run(bin, &["--generate-man"]);
        assert_eq!(o.status.code(), Some(0), "{name}");
        let title = format!(".TH \"{}\" 8 ", name.to_ascii_uppercase());
        assert!(stdout(&o).starts_with(&title), "{name}");
    }
}

#[test]
fn daemon_page_lists_the_options_of_its_help() {
    let help = stdout(&run(env!("CARGO_BIN_EXE_jool-daemon"), &["--help"]));
    let page = stdout(&run(env!("CARGO_BIN_EXE_jool-daemon"), &["--generate-man"]));
    let options: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(options.contains(&"socket"), "{help}");
    for o in options {
        assert!(page.contains(&format!("\\fB\\-\\-{o}\\fR")), "--{o}");
    }
}

#[test]
fn generating_options_stay_hidden() {
    for (name, bin) in PAGES {
        let help = stdout(&run(bin, &["--help"]));
        assert!(!help.is_empty(), "{name}");
        assert!(!help.contains("generate"), "{name}: {help}");
    }
    let o = run(
        env!("CARGO_BIN_EXE_jool"),
        &["--generate-completion", "tcsh"],
    );
    assert_eq!(o.status.code(), Some(234));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Error: Unknown shell: 'tcsh' (expected bash, zsh, fish).\n"
    );
}

const INSTALLED: [&str; 10] = [
    "share/man/man8/jool.8",
    "share/man/man8/jool_siit.8",
    "share/man/man8/jool-daemon.8",
    "share/man/man8/jool-translate.8",
    "share/bash-completion/completions/jool",
    "share/bash-completion/completions/jool_siit",
    "share/zsh/site-functions/_jool",
    "share/zsh/site-functions/_jool_siit",
    "share/fish/vendor_completions.d/jool.fish",
    "share/fish/vendor_completions.d/jool_siit.fish",
];

fn install_docs(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/install-docs"))
        .args(args)
        .output()
        .expect("install-docs runs")
}

#[test]
fn install_docs_writes_the_pages_and_completions() {
    let prefix = tempfile::tempdir().expect("a scratch prefix");
    let dir = bin_dir();
    let o = install_docs(&[
        "--bin-dir",
        dir.to_str().expect("utf-8"),
        prefix.path().to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in INSTALLED {
        let text = std::fs::read_to_string(prefix.path().join(f)).expect(f);
        assert!(!text.is_empty(), "{f}");
    }
    let jool_page = std::fs::read_to_string(prefix.path().join(INSTALLED[0])).expect("jool.8");
    assert_eq!(
        jool_page,
        stdout(&run(env!("CARGO_BIN_EXE_jool"), &["--generate-man"]))
    );

    // Pages: no warnings from the formatters that are installed.
    for f in &INSTALLED[..4] {
        let page = prefix.path().join(f);
        let page = page.to_str().expect("utf-8");
        for (tool, args) in [
            ("groff", vec!["-man", "-Tutf8", "-ww", "-z", page]),
            ("mandoc", vec!["-man", "-T", "lint", "-W", "warning", page]),
        ] {
            if !installed(tool) {
                eprintln!("{tool} is not installed; skipped");
                continue;
            }
            let o = Command::new(tool).args(&args).output().expect(tool);
            let complaints = String::from_utf8_lossy(&o.stderr).into_owned() + &stdout(&o);
            assert!(
                o.status.success() && complaints.is_empty(),
                "{tool} {f}: {complaints}"
            );
        }
    }

    // The installed bash script completes.
    let bash = prefix.path().join(INSTALLED[5]);
    let o = Command::new("bash")
        .args([
            "-c",
            "source \"$1\"; COMP_WORDS=(jool_siit e); COMP_CWORD=1; _jool_siit; echo \"${COMPREPLY[*]}\"",
            "bash",
            bash.to_str().expect("utf-8"),
        ])
        .output()
        .expect("bash runs");
    assert_eq!(stdout(&o), "eamt\n");

    // bash-completion finds it under PREFIX/share through XDG_DATA_DIRS.
    let loader = "/usr/share/bash-completion/bash_completion";
    if Path::new(loader).exists() {
        let o = Command::new("bash")
            .env("XDG_DATA_DIRS", prefix.path().join("share"))
            .args([
                "-c",
                "source \"$1\"; if declare -F _comp_load >/dev/null; then _comp_load jool_siit; \
                 else __load_completion jool_siit; fi; complete -p jool_siit",
                "bash",
                loader,
            ])
            .output()
            .expect("bash runs");
        assert_eq!(stdout(&o), "complete -F _jool_siit jool_siit\n");
    } else {
        eprintln!("bash-completion is not installed; its loader was not tried");
    }
}

#[test]
fn install_docs_installs_nothing_without_the_binaries() {
    let prefix = tempfile::tempdir().expect("a scratch prefix");
    let o = install_docs(&[
        "--bin-dir",
        "/nonexistent/jool-rs",
        prefix.path().to_str().expect("utf-8"),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/jool-rs/jool not found"));
    assert!(!prefix.path().join("share").exists());
}
