//! A refused operation: Jool's errno and message, sent back as `Response::Error`.

use jool_ctl::proto::Response;

/// EPERM: not privileged.
pub const EPERM: i32 = 1;
/// ESRCH: no such instance / entry.
pub const ESRCH: i32 = 3;
/// EIO: the datapath failed.
pub const EIO: i32 = 5;
/// EEXIST: duplicate.
pub const EEXIST: i32 = 17;
/// EINVAL: bad argument.
pub const EINVAL: i32 = 22;
/// EBUSY: resource in use (an NFQUEUE number).
pub const EBUSY: i32 = 16;

/// Why an operation was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (errno {errno})")]
pub struct OpError {
    /// Jool's errno.
    pub errno: i32,
    /// Jool's message.
    pub message: String,
}

impl OpError {
    /// An error with `errno`.
    pub fn new(errno: i32, message: impl Into<String>) -> Self {
        OpError {
            errno,
            message: message.into(),
        }
    }

    /// EINVAL.
    pub fn inval(message: impl Into<String>) -> Self {
        Self::new(EINVAL, message)
    }

    /// ESRCH.
    pub fn srch(message: impl Into<String>) -> Self {
        Self::new(ESRCH, message)
    }

    /// EEXIST.
    pub fn exist(message: impl Into<String>) -> Self {
        Self::new(EEXIST, message)
    }

    /// From an I/O error of the datapath: its OS errno when it has one, else EIO.
    pub fn io(context: &str, e: &std::io::Error) -> Self {
        Self::new(e.raw_os_error().unwrap_or(EIO), format!("{context}: {e}"))
    }
}

impl From<OpError> for Response {
    fn from(e: OpError) -> Response {
        Response::Error {
            errno: e.errno,
            message: e.message,
        }
    }
}
