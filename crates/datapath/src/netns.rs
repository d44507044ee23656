//! Network namespaces: a handle that owns the namespace's fd, names it for people, tells whether
//! it still exists, and runs code inside it.
//!
//! Everything that must live in a namespace (netlink and NFQUEUE sockets, the TUN device, the
//! `nft` child process) is created inside [`NetNs::enter`]: a socket or device belongs to the
//! namespace of the thread that created it, for its whole life, whichever thread uses it later.

use std::fs;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use nix::sched::{setns, CloneFlags};
use nix::sys::stat::fstat;

use crate::error::{context, errno};

mod ioctl {
    nix::ioctl_none_bad!(ns_get_nstype, libc::NS_GET_NSTYPE);
}

/// Where `ip netns` keeps its named namespaces (bind mounts of nsfs files).
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// A network namespace, kept alive by the file descriptor this handle owns.
#[derive(Debug)]
pub struct NetNs {
    fd: OwnedFd,
    /// nsfs device and inode: together they identify the namespace.
    dev: u64,
    inode: u64,
}

impl NetNs {
    /// The namespace of the calling thread (`/proc/thread-self/ns/net`).
    pub fn current() -> io::Result<NetNs> {
        Self::open("/proc/thread-self/ns/net")
    }

    /// A namespace named by `ip netns add NAME` (`/run/netns/NAME`).
    pub fn by_name(name: &str) -> io::Result<NetNs> {
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("invalid network namespace name {name:?}"),
            ));
        }
        Self::open(Path::new(NETNS_RUN_DIR).join(name))
    }

    /// Opens a namespace file (`/proc/PID/ns/net`, a bind mount of one, ...).
    pub fn open(path: impl AsRef<Path>) -> io::Result<NetNs> {
        let path = path.as_ref();
        let file = fs::File::open(path)
            .map_err(|e| context(e, format_args!("cannot open {}", path.display())))?;
        Self::from_fd(file.into())
    }

    /// Takes ownership of `fd` (e.g. received over SCM_RIGHTS) after checking that it refers to
    /// a network namespace; any other file is refused with [`io::ErrorKind::InvalidInput`].
    pub fn from_fd(fd: OwnedFd) -> io::Result<NetNs> {
        use std::os::fd::AsRawFd;
        let st = fstat(&fd).map_err(|e| errno(e, "fstat on the namespace descriptor"))?;
        // SAFETY: NS_GET_NSTYPE takes no argument and only reads the descriptor, which `fd`
        // keeps open for the duration of the call.
        let nstype = unsafe { ioctl::ns_get_nstype(fd.as_raw_fd()) };
        if nstype != Ok(libc::CLONE_NEWNET) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the descriptor is not a network namespace",
            ));
        }
        Ok(NetNs {
            fd,
            dev: st.st_dev,
            inode: st.st_ino,
        })
    }

    /// The namespace's inode number (the `4026531840` of `net:[4026531840]`).
    pub fn inode(&self) -> u64 {
        self.inode
    }

    /// The namespace's fd (to pass it on, or to compare).
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// A second handle on the same namespace.
    pub fn try_clone(&self) -> io::Result<NetNs> {
        Ok(NetNs {
            fd: self
                .fd
                .try_clone()
                .map_err(|e| context(e, "cannot duplicate the namespace descriptor"))?,
            dev: self.dev,
            inode: self.inode,
        })
    }

    /// Is `other` the same namespace?
    pub fn same_as(&self, other: &NetNs) -> bool {
        self.inode == other.inode && self.dev == other.dev
    }

    /// A name a person can use: the `ip netns` name when the namespace has one (the first in
    /// alphabetical order if several), else `net:[INODE]`.
    pub fn display_name(&self) -> String {
        self.netns_names()
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("net:[{}]", self.inode))
    }

    /// Every `ip netns` name of this namespace, sorted.
    pub fn netns_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let Ok(dir) = fs::read_dir(NETNS_RUN_DIR) else {
            return names;
        };
        for entry in dir.flatten() {
            if let Ok(md) = fs::metadata(entry.path()) {
                if md.ino() == self.inode && md.dev() == self.dev {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
        }
        names.sort();
        names
    }

    /// Does anything but this process still hold the namespace? True when an `ip netns` name
    /// or a process other than this one is in it. False means the namespace was deleted (this
    /// handle is what keeps it alive): its instances should go.
    ///
    /// Not seen: a namespace kept only by another process's open fd or by a bind mount outside
    /// `/run/netns` with no process inside.
    pub fn is_reachable(&self) -> bool {
        if !self.netns_names().is_empty() {
            return true;
        }
        let me = std::process::id();
        let Ok(proc_dir) = fs::read_dir("/proc") else {
            return true; // cannot tell: never delete on doubt
        };
        for entry in proc_dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if pid == me {
                continue;
            }
            if let Ok(md) = fs::metadata(entry.path().join("ns/net")) {
                if md.ino() == self.inode && md.dev() == self.dev {
                    return true;
                }
            }
        }
        false
    }

    /// Runs `f` on a new (scoped) thread that has joined this namespace, and returns its result.
    /// The calling thread never changes namespace. A panic in `f` is propagated.
    pub fn enter<R: Send>(&self, f: impl FnOnce() -> R + Send) -> io::Result<R> {
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .name("jool-netns".into())
                .spawn_scoped(scope, || -> io::Result<R> {
                    setns(&self.fd, CloneFlags::CLONE_NEWNET)
                        .map_err(|e| errno(e, format_args!("setns into net:[{}]", self.inode)))?;
                    Ok(f())
                })
                .map_err(|e| context(e, "cannot spawn a thread to enter a namespace"))?;
            match handle.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}
