//! What the registry asks of the operating system, as traits: the real implementation is
//! [`crate::sys`] (over `jool-datapath`), the unit tests use [`fake`].
//!
//! ```text
//!   Registry ──namespace(fd)──► Ns (inode, display name, reachable?)
//!            ──start(ns, instance)──► Runtime (TUN, workers, NFQUEUE, routes, nft)
//!            ──runtime.config_changed() / tick() / stop()
//! ```

use crate::instance::Instance;
use jool_core::nat64::Events;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::OwnedFd;
use std::sync::Arc;

/// A network namespace as the registry sees it.
pub trait Namespace: Send + Sync + 'static {
    /// Identity (`st_ino` of the namespace file).
    fn inode(&self) -> u64;
    /// What `instance display` shows: the `ip netns` name, else `net:[inode]`.
    fn display_name(&self) -> String;
    /// False once the namespace was deleted (only the daemon still holds it).
    fn is_reachable(&self) -> bool;
}

/// A running instance's datapath. Dropping it (or [`Runtime::stop`]) removes everything it
/// created: threads, TUN, routes, nftables table, NFQUEUE binding.
pub trait Runtime: Send + Sync + 'static {
    /// The configuration changed: re-plumb (routes, steering) now.
    fn config_changed(&self);
    /// Called every second: NAT64 timers; with `full` (every 2 s) also the namespace's
    /// address snapshot and the plumbing re-sync.
    fn tick(&self, now_ms: u64, full: bool);
    /// Logs and sends (into the TUN) what an administrative removal produced: ICMP errors
    /// for stored SYNs whose BIB entry went, `logging-*` lines.
    fn admin_events(&self, events: &Events);
    /// Stops the workers and removes the plumbing (idempotent).
    fn stop(&self);
}

/// The operating system, for the registry.
pub trait Plumbing: Send + Sync + 'static {
    /// Namespace handle.
    type Ns: Namespace;
    /// Per-instance datapath.
    type Runtime: Runtime;

    /// The namespace a client's descriptor designates (validated to be a network namespace).
    fn namespace(&self, fd: OwnedFd) -> io::Result<Self::Ns>;

    /// `net.ipv4.ip_local_port_range` of the namespace (pool4's ephemeral check).
    fn ephemeral_range(&self, ns: &Self::Ns) -> io::Result<(u16, u16)>;

    /// The namespace's universe-scope IPv4 addresses (the implicit pool4).
    fn own_addresses4(&self, ns: &Self::Ns) -> io::Result<Vec<Ipv4Addr>>;

    /// Creates the instance's datapath in its namespace and starts its threads.
    fn start(&self, ns: &Arc<Self::Ns>, instance: &Arc<Instance>) -> io::Result<Self::Runtime>;
}

/// An in-memory [`Plumbing`] for tests: namespaces are numbers, runtimes record calls.
#[cfg(test)]
pub mod fake {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// A namespace with a settable reachability.
    pub struct FakeNs {
        /// Inode.
        pub inode: u64,
        /// Shared with the test: flip to false to "delete" the namespace.
        pub alive: Arc<AtomicBool>,
    }

    impl Namespace for FakeNs {
        fn inode(&self) -> u64 {
            self.inode
        }
        fn display_name(&self) -> String {
            format!("net:[{}]", self.inode)
        }
        fn is_reachable(&self) -> bool {
            self.alive.load(Ordering::SeqCst)
        }
    }

    /// Counts what happened to one runtime.
    #[derive(Default)]
    pub struct Calls {
        /// `config_changed` calls.
        pub changed: AtomicUsize,
        /// `tick` calls.
        pub ticks: AtomicUsize,
        /// `admin_events` calls.
        pub admin: AtomicUsize,
        /// Stopped?
        pub stopped: AtomicBool,
    }

    /// A runtime that only records.
    pub struct FakeRuntime {
        /// Its record.
        pub calls: Arc<Calls>,
    }

    impl Runtime for FakeRuntime {
        fn config_changed(&self) {
            self.calls.changed.fetch_add(1, Ordering::SeqCst);
        }
        fn tick(&self, _now_ms: u64, _full: bool) {
            self.calls.ticks.fetch_add(1, Ordering::SeqCst);
        }
        fn admin_events(&self, _events: &Events) {
            self.calls.admin.fetch_add(1, Ordering::SeqCst);
        }
        fn stop(&self) {
            self.calls.stopped.store(true, Ordering::SeqCst);
        }
    }

    /// The fake OS.
    #[derive(Default)]
    pub struct FakePlumbing {
        /// Every runtime started, by instance name.
        pub runtimes: Mutex<Vec<(String, Arc<Calls>)>>,
        /// When set, `start` fails with this errno.
        pub fail_start: Mutex<Option<i32>>,
        /// Own addresses of every namespace.
        pub own4: Vec<Ipv4Addr>,
    }

    impl FakePlumbing {
        /// The record of the last runtime started for `name`.
        pub fn calls(&self, name: &str) -> Arc<Calls> {
            let runtimes = self.runtimes.lock().unwrap();
            let found = runtimes.iter().rev().find(|(n, _)| n == name);
            Arc::clone(&found.expect("no such runtime").1)
        }
    }

    impl Plumbing for FakePlumbing {
        type Ns = FakeNs;
        type Runtime = FakeRuntime;

        fn namespace(&self, _fd: OwnedFd) -> io::Result<FakeNs> {
            Err(io::Error::other("the fake has no descriptors"))
        }
        fn ephemeral_range(&self, _ns: &FakeNs) -> io::Result<(u16, u16)> {
            Ok((32768, 60999))
        }
        fn own_addresses4(&self, _ns: &FakeNs) -> io::Result<Vec<Ipv4Addr>> {
            Ok(self.own4.clone())
        }
        fn start(&self, _ns: &Arc<FakeNs>, inst: &Arc<Instance>) -> io::Result<FakeRuntime> {
            if let Some(errno) = *self.fail_start.lock().unwrap() {
                return Err(io::Error::from_raw_os_error(errno));
            }
            let calls = Arc::new(Calls::default());
            self.runtimes
                .lock()
                .unwrap()
                .push((inst.name.clone(), Arc::clone(&calls)));
            Ok(FakeRuntime { calls })
        }
    }
}
