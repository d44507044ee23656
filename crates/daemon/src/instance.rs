//! One translator instance: identity, configuration, NAT64 state and counters. Shared by the
//! control operations and the instance's worker threads.
//!
//! ```text
//!   SIIT:  control op ──lock(update)──► clone config ─► modify ─► ArcSwap::store ──┐
//!          worker (per batch) ─────────────────────────────► ArcSwap::load_full ◄──┘
//!   NAT64: control op ──lock(update)──► Nat64 admin calls (short write lock inside the core)
//!          worker ──► Nat64::handle (read lock per packet; state sharded in the core)
//!   worker ──► own Stats slot ──► Instance::stats() sums the slots (+ NAT64 gauges)
//! ```

use crate::error::OpError;
use crate::ss::SsHub;
use arc_swap::ArcSwap;
use jool_core::globals::Globals;
use jool_core::nat64::Events;
use jool_core::{Host, Nat64, PacketBuf, Siit, SiitConfig, Stats, Verdict};
use jool_ctl::proto::{FrameworkDto, QueueRange, Xlator};
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Locks a mutex, recovering from poisoning (a panicked holder leaves plain data behind).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The translator of an instance.
pub enum Xlat {
    /// `jool_siit`: the configuration is swapped whole.
    Siit(ArcSwap<Siit>),
    /// `jool`: the core keeps configuration and state; `own4` is what was last given to its
    /// implicit pool4.
    Nat64 {
        /// The translator.
        nat: Arc<Nat64>,
        /// The namespace's universe-scope IPv4 addresses, as last given to `nat`.
        own4: Mutex<Vec<Ipv4Addr>>,
    },
}

/// The translator of an instance, owned (for planning its plumbing).
#[derive(Clone)]
pub enum Translator {
    /// SIIT configuration snapshot.
    Siit(Arc<Siit>),
    /// The NAT64 instance.
    Nat64(Arc<Nat64>),
}

/// Counter slots: one per worker thread (plain integers, no sharing on the packet path).
#[derive(Default)]
pub struct StatsBoard {
    slots: Mutex<Vec<Arc<Mutex<Stats>>>>,
}

impl StatsBoard {
    /// A new slot for one worker; it publishes its counters there.
    pub fn slot(&self) -> Arc<Mutex<Stats>> {
        let s = Arc::new(Mutex::new(Stats::default()));
        lock(&self.slots).push(Arc::clone(&s));
        s
    }

    /// The sum of every slot.
    pub fn sum(&self) -> Stats {
        let mut total = Stats::default();
        for s in lock(&self.slots).iter() {
            total.merge(&lock(s));
        }
        total
    }
}

/// One instance.
pub struct Instance {
    /// Translator type.
    pub xlator: Xlator,
    /// Name (1–15 printable ASCII characters).
    pub name: String,
    /// Framework.
    pub framework: FrameworkDto,
    /// NFQUEUE queues (iptables framework): `N..=M`, one worker each.
    pub queues: Option<QueueRange>,
    /// The translator.
    pub xlat: Xlat,
    /// Counters.
    pub stats: StatsBoard,
    /// Session-sync subscribers (NAT64).
    pub ss: SsHub,
    /// Serializes configuration updates (read-modify-write); never taken by workers.
    update: Mutex<()>,
}

/// 16 bytes from the OS for the NAT64 hashes and RFC 6056 F() (a constant if
/// `/dev/urandom` cannot be read: correct, only more predictable).
pub fn random_secret() -> [u8; 16] {
    use std::io::Read;
    let mut secret = [0x5au8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = f.read_exact(&mut secret);
    }
    secret
}

impl Instance {
    /// A SIIT instance.
    pub fn new_siit(
        name: &str,
        framework: FrameworkDto,
        queues: Option<QueueRange>,
        config: SiitConfig,
    ) -> Instance {
        Instance {
            xlator: Xlator::Siit,
            name: name.to_owned(),
            framework,
            queues,
            xlat: Xlat::Siit(ArcSwap::from_pointee(Siit::new(config))),
            stats: StatsBoard::default(),
            ss: SsHub::default(),
            update: Mutex::new(()),
        }
    }

    /// A NAT64 instance around `nat`, whose implicit pool4 was given `own4`.
    pub fn new_nat64(
        name: &str,
        framework: FrameworkDto,
        queues: Option<QueueRange>,
        nat: Nat64,
        own4: Vec<Ipv4Addr>,
    ) -> Instance {
        Instance {
            xlator: Xlator::Nat64,
            name: name.to_owned(),
            framework,
            queues,
            xlat: Xlat::Nat64 {
                nat: Arc::new(nat),
                own4: Mutex::new(own4),
            },
            stats: StatsBoard::default(),
            ss: SsHub::default(),
            update: Mutex::new(()),
        }
    }

    /// Translates one packet in place with the current configuration; `reply` receives an
    /// ICMP error the translator originates. `mark` selects the NAT64 pool4 set; `now_ms` is
    /// the daemon's clock. Borrows the translator (no reference count is touched, so workers
    /// on other CPUs share no written cache line here).
    pub fn handle(
        &self,
        now_ms: u64,
        host: &mut dyn Host,
        stats: &mut Stats,
        mark: u32,
        pkt: &mut PacketBuf,
        reply: &mut PacketBuf,
    ) -> Verdict {
        match &self.xlat {
            Xlat::Siit(s) => s.load().handle(host, stats, pkt, reply),
            Xlat::Nat64 { nat, .. } => nat.handle(now_ms, host, stats, mark, pkt, reply),
        }
    }

    /// The translator, owned.
    pub fn translator(&self) -> Translator {
        match &self.xlat {
            Xlat::Siit(s) => Translator::Siit(s.load_full()),
            Xlat::Nat64 { nat, .. } => Translator::Nat64(Arc::clone(nat)),
        }
    }

    /// The current global keys.
    pub fn globals(&self) -> Globals {
        match &self.xlat {
            Xlat::Siit(s) => s.load().config().globals.clone(),
            Xlat::Nat64 { nat, .. } => nat.globals(),
        }
    }

    /// The NAT64 translator, or a refusal for a SIIT instance.
    pub fn nat64(&self) -> Result<&Arc<Nat64>, OpError> {
        match &self.xlat {
            Xlat::Nat64 { nat, .. } => Ok(nat),
            Xlat::Siit(_) => Err(OpError::inval("This operation needs a NAT64 instance.")),
        }
    }

    /// The current SIIT configuration.
    pub fn siit(&self) -> Result<Arc<Siit>, OpError> {
        match &self.xlat {
            Xlat::Siit(s) => Ok(s.load_full()),
            Xlat::Nat64 { .. } => Err(OpError::inval("This operation needs a SIIT instance.")),
        }
    }

    /// Changes the SIIT configuration: `f` edits a copy, which replaces the running one only
    /// if `f` succeeds (one atomic swap; workers never wait).
    pub fn update_siit<R>(
        &self,
        f: impl FnOnce(&mut SiitConfig) -> Result<R, OpError>,
    ) -> Result<R, OpError> {
        let Xlat::Siit(s) = &self.xlat else {
            return Err(OpError::inval("This operation needs a SIIT instance."));
        };
        let _guard = lock(&self.update);
        let mut config = s.load().config().clone();
        let r = f(&mut config)?;
        s.store(Arc::new(Siit::new(config)));
        Ok(r)
    }

    /// Runs a NAT64 change with the other configuration changes held off.
    pub fn update_nat64<R>(
        &self,
        f: impl FnOnce(&Nat64) -> Result<R, OpError>,
    ) -> Result<R, OpError> {
        let nat = self.nat64()?;
        let _guard = lock(&self.update);
        f(nat)
    }

    /// Changes the global keys of either type; `f` edits a copy which is applied only if
    /// `f` succeeds.
    pub fn update_globals<R>(
        &self,
        f: impl FnOnce(&mut Globals) -> Result<R, OpError>,
    ) -> Result<R, OpError> {
        match &self.xlat {
            Xlat::Siit(_) => self.update_siit(|c| f(&mut c.globals)),
            Xlat::Nat64 { .. } => self.update_nat64(|nat| {
                let mut g = nat.globals();
                let r = f(&mut g)?;
                nat.set_globals(g).map_err(OpError::inval)?;
                Ok(r)
            }),
        }
    }

    /// Tells a NAT64 instance the namespace's own IPv4 addresses (the implicit pool4), only
    /// when they changed.
    pub fn set_own_addresses(&self, addrs: &[Ipv4Addr]) {
        let Xlat::Nat64 { nat, own4 } = &self.xlat else {
            return;
        };
        let mut own4 = lock(own4);
        if own4.as_slice() != addrs {
            *own4 = addrs.to_vec();
            nat.set_own_addresses(addrs.to_vec());
        }
    }

    /// The addresses last given to the implicit pool4 (empty for SIIT).
    pub fn own_addresses(&self) -> Vec<Ipv4Addr> {
        match &self.xlat {
            Xlat::Nat64 { own4, .. } => lock(own4).clone(),
            Xlat::Siit(_) => Vec::new(),
        }
    }

    /// Every counter, summed over the workers, with the NAT64 gauges and session-sync
    /// counters.
    pub fn stats(&self) -> Stats {
        let mut total = self.stats.sum();
        if let Xlat::Nat64 { nat, .. } = &self.xlat {
            nat.db().fill_gauges(&mut total);
            nat.fill_ss_stats(&mut total);
        }
        total
    }

    /// The NAT64 timers (RFC 6146 §3.5.2.2, spec §7.3): packets they produce (TCP probes,
    /// ICMP errors for stored SYNs) go to `emit`, log lines to `host.log`.
    pub fn expire(
        &self,
        now_ms: u64,
        host: &mut dyn Host,
        stats: &mut Stats,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        if let Xlat::Nat64 { nat, .. } = &self.xlat {
            nat.expire(now_ms, host, stats, emit);
        }
    }

    /// Logs and sends what an administrative removal produced (`bib remove`, `pool4
    /// remove/flush`).
    pub fn admin_events(
        &self,
        events: &Events,
        host: &mut dyn Host,
        stats: &mut Stats,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        if let Xlat::Nat64 { nat, .. } = &self.xlat {
            nat.emit_admin_events(host, stats, events, emit);
        }
    }
}
