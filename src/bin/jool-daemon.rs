//! `jool-daemon [--socket PATH]`: hosts every jool / jool_siit instance of the machine.
//! See `jool_daemon::cli`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    jool_daemon::cli::main()
}
