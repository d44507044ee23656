//! What a client invocation prints and returns: stdout text, stderr text and the exit code.

use std::io::Write;
use std::process::ExitCode;

/// Exit code of Jool's parse errors: `main` returns `-EINVAL`, which the shell sees as 234.
pub const EXIT_EINVAL: u8 = (-22i32) as u8;
/// Exit code when the daemon is absent: Jool returns `-ESRCH` when its module is not loaded.
pub const EXIT_ESRCH: u8 = (-3i32) as u8;
/// `pool4 add` refusing a prefix shorter than /24 without `--force` (`-E2BIG`).
pub const EXIT_E2BIG: u8 = (-7i32) as u8;
/// GNU argp's exit status for usage errors (`EX_USAGE`).
pub const EXIT_USAGE: u8 = 64;

/// The complete observable result of one client run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// Process exit code.
    pub code: u8,
}

impl Report {
    /// Success with `stdout` text.
    pub fn out(stdout: impl Into<String>) -> Self {
        Report {
            stdout: stdout.into(),
            ..Report::default()
        }
    }

    /// `Error: <message>` (Jool's `pr_err`) with exit `code`.
    pub fn error(message: impl AsRef<str>, code: u8) -> Self {
        Report {
            stderr: format!("Error: {}\n", message.as_ref()),
            code,
            ..Report::default()
        }
    }

    /// Raw stderr text (already newline-terminated) with exit `code`.
    pub fn raw_err(stderr: impl Into<String>, code: u8) -> Self {
        Report {
            stderr: stderr.into(),
            code,
            ..Report::default()
        }
    }

    /// Prepends stderr text (warnings printed before the failure or the output).
    pub fn with_stderr_prefix(mut self, prefix: &str) -> Self {
        self.stderr.insert_str(0, prefix);
        self
    }

    /// Writes both streams and returns the exit code for `main`.
    pub fn emit(&self) -> ExitCode {
        let _ = std::io::stderr().lock().write_all(self.stderr.as_bytes());
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(self.stdout.as_bytes());
        let _ = out.flush();
        ExitCode::from(self.code)
    }
}

/// `Warning: <msg>\n`.
pub fn warning(msg: &str) -> String {
    format!("Warning: {msg}\n")
}
