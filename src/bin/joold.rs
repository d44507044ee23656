//! `joold`: Jool's deprecated session-synchronization daemon (`joold NETSOCKET.json
//! MODSOCKET.json [STATS_PORT]`), a wrapper of `jool session proxy`. See
//! `jool_cli::client::ss::joold`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    jool_cli::client::ss::joold::main()
}
