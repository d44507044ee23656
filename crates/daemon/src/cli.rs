//! `jool-daemon [--socket PATH]`: hosts every jool / jool_siit instance of the machine.
//! Runs in the foreground and logs to stderr; SIGTERM/SIGINT remove every instance and its
//! plumbing, then the daemon exits 0.

use crate::registry::Registry;
use crate::server::{Listener, StartError};
use crate::sys::{SysPlumbing, MAX_WORKERS};
use crate::{clock, log_error, log_info};
use jool_ctl::transport;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The help text; `jool-daemon --generate-man` (see `jool_cli::docs`) builds the man page
/// from it.
pub const USAGE: &str = "Usage: jool-daemon [--socket PATH] [--workers N] [--help] [--version]

Hosts the jool (NAT64) and jool_siit (SIIT) instances of every network namespace.

  --socket PATH  control socket (default: $JOOL_SOCKET, else /run/jool/jool.sock)
  --workers N    translating threads (and TUN queues) per instance, 1-16
                 (default: one per CPU, at most 16)
  --help         print this help and exit
  --version      print the version and exit
";

enum Args {
    Run(Option<PathBuf>),
    Help,
    Version,
}

/// `--workers N`: 1 to [`MAX_WORKERS`].
fn set_workers(n: &str) -> Result<(), String> {
    match n.parse::<usize>() {
        Ok(n) if (1..=MAX_WORKERS).contains(&n) => {
            crate::sys::set_workers(n);
            Ok(())
        }
        _ => Err(format!(
            "--workers takes a number from 1 to {MAX_WORKERS}, not '{n}'."
        )),
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut socket = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--help" | "-h" => return Ok(Args::Help),
            "--version" | "-V" => return Ok(Args::Version),
            "--socket" => {
                let p = args.next().ok_or("--socket needs a path.")?;
                socket = Some(PathBuf::from(p));
            }
            s if s.starts_with("--socket=") => {
                socket = Some(PathBuf::from(&s["--socket=".len()..]));
            }
            "--workers" => {
                let n = args.next().ok_or("--workers needs a number.")?;
                set_workers(&n)?;
            }
            s if s.starts_with("--workers=") => set_workers(&s["--workers=".len()..])?,
            other => return Err(format!("Unexpected argument: '{other}'")),
        }
    }
    Ok(Args::Run(socket))
}

/// The `jool-daemon` program: parses the command line, serves until SIGTERM/SIGINT.
pub fn main() -> ExitCode {
    let socket = match parse_args(std::env::args().skip(1)) {
        Ok(Args::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Args::Version) => {
            println!("jool-daemon {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Args::Run(s)) => transport::socket_path(s.as_deref()),
        Err(e) => {
            eprintln!("Error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(socket) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(socket: PathBuf) -> Result<(), StartError> {
    clock::now_ms(); // starts the clock
    let listener = Listener::bind(&socket)?;
    let registry = Arc::new(Registry::new(SysPlumbing));
    let shutdown = Arc::new(AtomicBool::new(false));

    let mut signals = Signals::new([SIGTERM, SIGINT]).map_err(|source| StartError::Io {
        context: "Cannot install the signal handlers".into(),
        source,
    })?;
    let signal_thread = {
        let (shutdown, path) = (Arc::clone(&shutdown), socket.clone());
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                log_info!("signal {sig} received; shutting down.");
                shutdown.store(true, Ordering::SeqCst);
                // Wakes the accept loop.
                let _ = UnixStream::connect(&path);
            }
        })
    };
    let timer_thread = {
        let (shutdown, registry) = (Arc::clone(&shutdown), Arc::clone(&registry));
        std::thread::spawn(move || {
            let mut next = Instant::now() + Duration::from_secs(1);
            while !shutdown.load(Ordering::SeqCst) {
                let now = Instant::now();
                if now >= next {
                    let tick = || registry.tick(clock::now_ms());
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(tick)).is_err() {
                        log_error!("the periodic work panicked; going on");
                    }
                    next += Duration::from_secs(1);
                    if next < now {
                        next = now + Duration::from_secs(1);
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    log_info!("listening on {}", listener.path().display());
    listener.serve(&registry, &shutdown);

    if timer_thread.join().is_err() {
        log_error!("the timer thread panicked");
    }
    let n = registry.remove_all();
    drop(listener); // removes the socket
    let _ = signal_thread.join();
    log_info!("removed {n} instance(s); bye.");
    Ok(())
}
