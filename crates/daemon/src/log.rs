//! Leveled logging to stderr. Under systemd (`$JOURNAL_STREAM` set) every line starts with
//! the `<N>` syslog priority prefix that journald understands; elsewhere with the level word.

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something is off but the daemon goes on.
    Warn,
    /// Normal operation (instances created and removed, startup, shutdown).
    Info,
}

impl Level {
    /// The syslog priority (`<3>`, `<4>`, `<6>`).
    fn priority(self) -> u8 {
        match self {
            Level::Error => 3,
            Level::Warn => 4,
            Level::Info => 6,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
        }
    }
}

fn journald() -> bool {
    static JOURNAL: OnceLock<bool> = OnceLock::new();
    *JOURNAL.get_or_init(|| std::env::var_os("JOURNAL_STREAM").is_some())
}

/// The text of one log line (without the newline).
pub fn format_line(level: Level, journald: bool, args: fmt::Arguments<'_>) -> String {
    if journald {
        format!("<{}>{}", level.priority(), args)
    } else {
        format!("jool-daemon: {}: {}", level.word(), args)
    }
}

/// Writes one line to stderr (errors writing it are ignored: there is nowhere else to go).
pub fn log(level: Level, args: fmt::Arguments<'_>) {
    let line = format_line(level, journald(), args);
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Logs at [`Level::Error`].
#[macro_export]
macro_rules! log_error {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Error, format_args!($($arg)*)) };
}

/// Logs at [`Level::Warn`].
#[macro_export]
macro_rules! log_warn {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Warn, format_args!($($arg)*)) };
}

/// Logs at [`Level::Info`].
#[macro_export]
macro_rules! log_info {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Info, format_args!($($arg)*)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_lines_with_syslog_priority_under_journald() {
        assert_eq!(
            format_line(Level::Warn, true, format_args!("x {}", 1)),
            "<4>x 1"
        );
        assert_eq!(
            format_line(Level::Error, false, format_args!("boom")),
            "jool-daemon: error: boom"
        );
    }
}
