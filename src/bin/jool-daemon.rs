//! `jool-daemon [--socket PATH]`: hosts every jool / jool_siit instance of the machine.
//! See `jool_daemon::cli`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    // Hidden: `jool-daemon --generate-man` prints the man page (scripts/install-docs).
    if let Some(code) =
        jool_cli::docs::man_if_asked(|| jool_cli::docs::daemon_page(jool_daemon::cli::USAGE))
    {
        return code;
    }
    jool_daemon::cli::main()
}
