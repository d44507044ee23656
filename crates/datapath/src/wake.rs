//! Waking a thread blocked in `Tun::recv` / `NfQueue::recv` (shutdown).

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::eventfd::{EfdFlags, EventFd};

use crate::error::errno;

/// Stops the blocking `recv` of a [`Tun`](crate::Tun) or an [`NfQueue`](crate::NfQueue) from
/// another thread: once [`shutdown`](ShutdownHandle::shutdown) is called, every pending and
/// future `recv` returns at once (`Ok(0)` for a TUN, an error of kind
/// [`io::ErrorKind::ConnectionAborted`] for a queue). Cheap to clone.
#[derive(Clone, Debug)]
pub struct ShutdownHandle(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    event: EventFd,
    down: AtomicBool,
}

/// What [`ShutdownHandle::wait_readable`] saw.
pub(crate) enum Ready {
    /// The watched fd is readable.
    Readable,
    /// `shutdown` was called.
    Shutdown,
    /// The timeout expired.
    Timeout,
}

impl ShutdownHandle {
    pub(crate) fn new() -> io::Result<Self> {
        let event = EventFd::from_flags(EfdFlags::EFD_CLOEXEC | EfdFlags::EFD_NONBLOCK)
            .map_err(|e| errno(e, "eventfd"))?;
        Ok(ShutdownHandle(Arc::new(Inner {
            event,
            down: AtomicBool::new(false),
        })))
    }

    /// Wakes every reader blocked on the device or queue; they return instead of reading.
    /// Idempotent; cannot fail in a way the caller could act on (an eventfd counter write only
    /// fails on overflow, which a set flag makes irrelevant).
    pub fn shutdown(&self) {
        self.0.down.store(true, Ordering::SeqCst);
        // The flag is authoritative; the eventfd only interrupts a poll() already running. A
        // failed write (counter overflow) means it is already readable.
        let _ = self.0.event.write(1);
    }

    /// Has [`shutdown`](Self::shutdown) been called?
    pub fn is_shutdown(&self) -> bool {
        self.0.down.load(Ordering::SeqCst)
    }

    /// Waits until `fd` is readable, `shutdown` is called, or `timeout_ms` (-1 = forever)
    /// passes. EINTR is retried.
    pub(crate) fn wait_readable(&self, fd: BorrowedFd<'_>, timeout_ms: i32) -> io::Result<Ready> {
        loop {
            if self.is_shutdown() {
                return Ok(Ready::Shutdown);
            }
            let mut fds = [
                PollFd::new(fd, PollFlags::POLLIN),
                PollFd::new(self.0.event.as_fd(), PollFlags::POLLIN),
            ];
            let timeout = if timeout_ms < 0 {
                PollTimeout::NONE
            } else {
                PollTimeout::try_from(timeout_ms).unwrap_or(PollTimeout::MAX)
            };
            match poll(&mut fds, timeout) {
                Ok(0) => return Ok(Ready::Timeout),
                Ok(_) => {
                    if self.is_shutdown() {
                        return Ok(Ready::Shutdown);
                    }
                    let rev = fds[0].revents().unwrap_or(PollFlags::empty());
                    if rev.intersects(PollFlags::POLLIN | PollFlags::POLLERR | PollFlags::POLLHUP) {
                        return Ok(Ready::Readable);
                    }
                    if rev.contains(PollFlags::POLLNVAL) {
                        return Err(io::Error::other("poll: descriptor not open"));
                    }
                }
                Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(errno(e, "poll")),
            }
        }
    }
}
