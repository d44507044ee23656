//! io::Error with context, keeping the error kind.

use std::fmt::Display;
use std::io;

/// `what: err`, with the kind of `err`.
pub(crate) fn context(err: io::Error, what: impl Display) -> io::Error {
    io::Error::new(err.kind(), format!("{what}: {err}"))
}

/// An errno from nix, with context.
pub(crate) fn errno(err: nix::errno::Errno, what: impl Display) -> io::Error {
    context(io::Error::from(err), what)
}
