//! The control socket: a single-daemon lock, the listening socket, one thread per
//! connection (bounded), a read timeout, and the privilege check.
//!
//! ```text
//!   <socket>.lock ── flock(EX|NB) ──► refused: "another jool-daemon is already running"
//!   accept ──► thread: read_request (timeout, size limit) ──► SO_PEERCRED ──► Registry
//!                      frame error ──► Response::Error     (never a crash)
//!                      Op::SsSubscribe ──► ss::serve (long-lived, bounded, ends on close)
//! ```

use crate::creds;
use crate::instance::lock;
use crate::plumbing::Plumbing;
use crate::registry::Registry;
use crate::ss;
use crate::{log_info, log_warn};
use jool_ctl::proto::{Op, Response};
use jool_ctl::transport::{self, FrameError};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a client may take to send its request (and to read the answer).
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections handled at once; more are answered with an error at once.
pub const MAX_CONNECTIONS: usize = 64;

/// Why the daemon could not start serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another daemon holds the lock or answers on the socket.
    #[error("another jool-daemon is already running on {}.", .0.display())]
    AlreadyRunning(PathBuf),
    /// Anything else (directory, lock file, bind).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: io::Error,
    },
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> StartError {
    let context = context.into();
    move |source| StartError::Io { context, source }
}

/// `<socket>.lock`.
pub fn lock_path(socket: &Path) -> PathBuf {
    let mut s = OsString::from(socket.as_os_str());
    s.push(".lock");
    PathBuf::from(s)
}

/// The bound control socket and the lock that makes this daemon the only one on it.
pub struct Listener {
    listener: UnixListener,
    path: PathBuf,
    _lock: File,
    /// Set when serving stops: long-lived (session-sync) connections end.
    closing: Arc<AtomicBool>,
}

impl Listener {
    /// Creates the socket's directory (0755) if needed, takes `<socket>.lock`, replaces a
    /// stale socket file and binds `path` with mode 0666 (unprivileged clients may display).
    pub fn bind(path: &Path) -> Result<Listener, StartError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o755)
                    .create(dir)
                    .map_err(io_err(format!("Cannot create {}", dir.display())))?;
            }
        }
        let lock_file = lock_path(path);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_file)
            .map_err(io_err(format!("Cannot open {}", lock_file.display())))?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(rustix::io::Errno::WOULDBLOCK) => {
                return Err(StartError::AlreadyRunning(path.to_path_buf()))
            }
            Err(e) => {
                return Err(io_err(format!("Cannot lock {}", lock_file.display()))(
                    e.into(),
                ))
            }
        }
        // A daemon that lost its lock file would still answer: never steal its socket.
        if UnixStream::connect(path).is_ok() {
            return Err(StartError::AlreadyRunning(path.to_path_buf()));
        }
        match fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(format!("Cannot remove {}", path.display()))(e)),
        }
        let listener =
            UnixListener::bind(path).map_err(io_err(format!("Cannot bind {}", path.display())))?;
        fs::set_permissions(path, fs::Permissions::from_mode(0o666))
            .map_err(io_err(format!("Cannot chmod {}", path.display())))?;
        Ok(Listener {
            listener,
            path: path.to_path_buf(),
            _lock: file,
            closing: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Accepts connections until `shutdown` is set (whoever sets it connects once to wake
    /// the accept), then waits (bounded) for the connections in flight to finish.
    pub fn serve<P: Plumbing>(&self, registry: &Arc<Registry<P>>, shutdown: &AtomicBool) {
        let active = Arc::new((Mutex::new(0usize), Condvar::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        for conn in self.listener.incoming() {
            if shutdown.load(Ordering::SeqCst) {
                break;
            }
            let stream = match conn {
                Ok(s) => s,
                Err(e) => {
                    log_warn!("accept failed: {e}");
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            if in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let busy = Response::Error {
                    errno: 16,
                    message: "jool-daemon is busy; try again.".into(),
                };
                let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
                let _ = transport::write_response(&stream, &busy);
                continue;
            }
            *lock(&active.0) += 1;
            let (registry, active2, in_flight2, closing) = (
                Arc::clone(registry),
                Arc::clone(&active),
                Arc::clone(&in_flight),
                Arc::clone(&self.closing),
            );
            let spawned = std::thread::Builder::new()
                .name("jool-ctl".into())
                .spawn(move || {
                    // A bug must not leak the connection counters (or take the daemon down).
                    let run = || handle_connection_in(&registry, &stream, &closing);
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).is_err() {
                        log_warn!("a request handler panicked");
                    }
                    in_flight2.fetch_sub(1, Ordering::SeqCst);
                    *lock(&active2.0) -= 1;
                    active2.1.notify_all();
                });
            if let Err(e) = spawned {
                log_warn!("cannot spawn a connection thread: {e}");
                in_flight.fetch_sub(1, Ordering::SeqCst);
                *lock(&active.0) -= 1;
            }
        }
        self.closing.store(true, Ordering::SeqCst);
        let (count, cv) = &*active;
        let guard = lock(count);
        let _ = cv.wait_timeout_while(guard, 2 * IO_TIMEOUT, |n| *n > 0);
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Reads one request, checks privileges, answers. Never panics on client input.
pub fn handle_connection<P: Plumbing>(registry: &Registry<P>, stream: &UnixStream) {
    handle_connection_in(registry, stream, &AtomicBool::new(false));
}

/// [`handle_connection`]; a session-sync subscription keeps the connection until `closing`.
pub fn handle_connection_in<P: Plumbing>(
    registry: &Registry<P>,
    stream: &UnixStream,
    closing: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let response = match transport::read_request(stream) {
        // A connection closed without a byte (a liveness probe): nothing to answer.
        Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => return,
        Err(e) => {
            log_info!("rejected a request: {e}");
            e.response()
        }
        Ok((req, fd)) if req.op == Op::SsSubscribe => {
            let privileged = creds::peer_is_privileged(stream).unwrap_or(false);
            match registry.plumbing().namespace(fd) {
                Ok(ns) => return ss::serve(registry, stream, ns, privileged, &req, closing),
                Err(e) => Response::Error {
                    errno: 22,
                    message: format!("The request's namespace descriptor is unusable: {e}"),
                },
            }
        }
        Ok((req, fd)) => {
            let privileged = creds::peer_is_privileged(stream).unwrap_or(false);
            match registry.plumbing().namespace(fd) {
                Ok(ns) => registry.handle(ns, privileged, &req),
                Err(e) => Response::Error {
                    errno: 22,
                    message: format!("The request's namespace descriptor is unusable: {e}"),
                },
            }
        }
    };
    if let Err(e) = transport::write_response(stream, &response) {
        log_info!("could not answer a client: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_second_daemon_on_the_same_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/jool.sock");
        let first = Listener::bind(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666);
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o755);
        let err = Listener::bind(&path).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "another jool-daemon is already running on {}.",
                path.display()
            )
        );
        drop(first);
        assert!(!path.exists());
        // The lock went with the first daemon.
        let _again = Listener::bind(&path).unwrap();
    }

    #[test]
    fn replaces_a_stale_socket_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jool.sock");
        drop(UnixListener::bind(&path).unwrap()); // leaves the file, nobody listening
        assert!(path.exists());
        let _l = Listener::bind(&path).unwrap();
    }
}
