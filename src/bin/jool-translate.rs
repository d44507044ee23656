//! `jool-translate`: see `jool_cli::translate_cmd`.
#![forbid(unsafe_code)]

use clap::Parser;
use jool_cli::translate_cmd::{print_stats, run, Args};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Hidden: `jool-translate --generate-man` prints the man page (scripts/install-docs).
    if let Some(code) = jool_cli::docs::man_if_asked(jool_cli::docs::translate_page) {
        return code;
    }
    let args = Args::parse();
    let stdout = std::io::stdout();
    let mut verdicts = std::io::BufWriter::new(stdout.lock());
    match run(&args, &mut verdicts) {
        Ok(stats) => {
            if args.stats {
                let _ = print_stats(&stats, &mut std::io::stderr().lock());
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let _ = verdicts.flush();
            eprintln!("Error: {failure}");
            ExitCode::from(failure.code)
        }
    }
}
