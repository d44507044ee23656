//! `jool`: the NAT64 client of jool-daemon (Jool 4 syntax). See `jool_cli::client`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    jool_cli::client::main(jool_core::XlatorType::Nat64)
}
