//! One instance's datapath: its TUN, the worker threads that translate what the TUN (and, for
//! the iptables framework, the NFQUEUE) delivers, and the plumbing that follows its
//! configuration.
//!
//! ```text
//!   TUN ──recv──► worker: Instance::handle ──┬ Translated      ─► TUN (+ reply)
//!                                            ├ Untranslatable  ─► TUN (hand-back, unchanged)
//!                                            └ Drop / Stolen   ─► (reply, if any)
//!   NFQUEUE ──recv──► worker ─┬ Translated ─► TUN, verdict DROP (stolen)
//!                             ├ Untranslatable ─► verdict ACCEPT
//!                             └ Drop / Stolen ─► verdict DROP
//!   tick: NAT64 expiry (probes, ICMP errors ─► TUN); every 2 s: snapshot + re-plumb
//! ```
//!
//! Netfilter framework: the routes go in the instance's own table, which a rule
//! `not iif <tun>` selects ([`super::policy`]): what the workers write into the TUN is routed
//! by the namespace's other tables.

use super::host::{seed, HostSnapshot, NsHost};
use super::offload::{offload_of, vnet_of, UnknownGso};
use super::plan::{plan, Plan};
use super::policy::{self, Policy};
use super::snapshot;
use crate::instance::{lock, Instance};
use crate::plumbing::Runtime;
use crate::{clock, log_error, log_warn};
use arc_swap::ArcSwap;
use jool_core::nat64::Events;
use jool_core::offload;
use jool_core::Jstat;
use jool_core::{PacketBuf, Stats, Verdict};
use jool_ctl::proto::FrameworkDto;
use jool_datapath::netlink;
use jool_datapath::{nft, steering, IpPrefix, NetNs, NfQueue, ShutdownHandle, Tun};
use jool_datapath::{TunConfig, TunQueue, VnetHdr};
use std::collections::BTreeSet;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Metric of the routes the daemon adds (the kernel's default for IPv6 user routes).
const ROUTE_METRIC: u32 = 1024;
/// Pause after an unexpected read error, so a persistent one cannot spin a core.
pub(super) const ERROR_PAUSE: Duration = Duration::from_millis(50);

/// What is currently plumbed.
#[derive(Default)]
struct Plumbed {
    routes: BTreeSet<IpPrefix>,
    ruleset: Option<String>,
}

pub(super) struct Inner {
    ns: Arc<NetNs>,
    pub(super) inst: Arc<Instance>,
    /// Taken (and so closed: device and routes gone) by `stop`.
    tun: Mutex<Option<Arc<Tun>>>,
    tun_name: String,
    ifindex: u32,
    /// The nftables table (`jool_<id>`).
    table: String,
    /// Routing table and rules (netfilter framework).
    policy: Option<Policy>,
    stops: Vec<ShutdownHandle>,
    snap: ArcSwap<HostSnapshot>,
    devices: Mutex<Vec<String>>,
    plumbed: Mutex<Plumbed>,
    timer_stats: Arc<Mutex<Stats>>,
    rng: Mutex<u32>,
    pub(super) stopped: AtomicBool,
    send_errors: AtomicU64,
}

/// A running instance's datapath ([`Runtime`]).
pub struct SysRuntime {
    inner: Arc<Inner>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Inner {
    fn tun(&self) -> Option<Arc<Tun>> {
        lock(&self.tun).clone()
    }

    /// Writes a plain packet into the first queue (timer output, NFQUEUE translations).
    fn send(&self, tun: &Tun, pkt: &[u8]) {
        if let Some(q) = tun.queues().first() {
            self.send_on(q, &VnetHdr::NONE, pkt);
        }
    }

    /// Writes `pkt` with header `hdr` into queue `q`; failures are logged (the first, then one
    /// in a thousand), never fatal.
    fn send_on(&self, q: &TunQueue, hdr: &VnetHdr, pkt: &[u8]) {
        if pkt.is_empty() {
            return;
        }
        if let Err(e) = q.send(hdr, pkt) {
            let n = self.send_errors.fetch_add(1, Ordering::Relaxed);
            if n.checked_rem(1000) == Some(0) {
                log_warn!(
                    "instance '{}': cannot write a packet into {}: {e} ({} failures)",
                    self.inst.name,
                    self.tun_name,
                    n + 1
                );
            }
        }
    }

    /// Refreshes the namespace snapshot (and the implicit pool4 with it).
    fn refresh(&self) {
        match snapshot(&self.ns) {
            Ok((snap, devices)) => {
                self.inst.set_own_addresses(&snap.own4());
                self.snap.store(Arc::new(snap));
                *lock(&self.devices) = devices;
            }
            Err(e) => log_warn!(
                "instance '{}': cannot read the namespace's addresses: {e}",
                self.inst.name
            ),
        }
    }

    /// Brings routes and steering in line with the configuration; the first error is returned
    /// (everything else is still attempted).
    fn resync(&self) -> io::Result<()> {
        let devices = lock(&self.devices).clone();
        let want: Plan = plan(&self.inst, &self.snap.load(), &devices);
        let mut have = lock(&self.plumbed);
        // Checked under the lock: `stop` sets the flag before `unplumb` takes the lock, so
        // nothing is plumbed again after `unplumb`.
        if self.stopped.load(Ordering::SeqCst) {
            return Ok(());
        }
        let mut first_err = None;
        let table = match &self.policy {
            Some(p) => {
                if let Err(e) = policy::ensure(&self.ns, p) {
                    log_warn!(
                        "instance '{}': cannot restore the routing rules: {e}",
                        self.inst.name
                    );
                    first_err.get_or_insert(e);
                }
                p.table
            }
            // The iptables framework routes nothing (its plan is empty).
            None => netlink::RT_TABLE_MAIN,
        };
        let gone: Vec<IpPrefix> = have.routes.difference(&want.routes).copied().collect();
        for r in gone {
            match netlink::route_del(&self.ns, r, self.ifindex, ROUTE_METRIC, table) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    log_warn!(
                        "instance '{}': cannot remove route {r}: {e}",
                        self.inst.name
                    );
                }
            }
            have.routes.remove(&r);
        }
        let new: Vec<IpPrefix> = want.routes.difference(&have.routes).copied().collect();
        for r in new {
            match netlink::route_add(&self.ns, r, self.ifindex, ROUTE_METRIC, table) {
                Ok(()) => {
                    have.routes.insert(r);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    have.routes.insert(r);
                }
                Err(e) => {
                    log_warn!("instance '{}': cannot add route {r}: {e}", self.inst.name);
                    first_err.get_or_insert(e);
                }
            }
        }
        let text = want
            .steering
            .map(|spec| steering::ruleset(&self.table, &self.tun_name, &spec));
        if text != have.ruleset {
            let result = match &text {
                Some(t) => nft::apply(&self.ns, t),
                None => nft::delete_table(&self.ns, "netdev", &self.table),
            };
            match result {
                Ok(()) => have.ruleset = text,
                Err(e) => {
                    log_warn!("instance '{}': cannot update steering: {e}", self.inst.name);
                    first_err.get_or_insert(e);
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }

    /// Removes the routing rules and the steering table (routes go with the TUN).
    fn unplumb(&self) {
        let mut have = lock(&self.plumbed);
        if let Some(p) = &self.policy {
            if let Err(e) = policy::remove(&self.ns, p) {
                log_error!(
                    "instance '{}': cannot delete the routing rules of table {}: {e}",
                    self.inst.name,
                    p.table
                );
            }
        }
        if have.ruleset.take().is_some() {
            if let Err(e) = nft::delete_table(&self.ns, "netdev", &self.table) {
                log_error!(
                    "instance '{}': cannot delete nft table netdev {}: {e}",
                    self.inst.name,
                    self.table
                );
            }
        }
        have.routes.clear();
    }

    /// Translates one packet; returns whether it was for the kernel to keep (hand-back /
    /// NF_ACCEPT). Output goes into TUN queue `lane` (modulo the number of queues), so that
    /// several NFQUEUE workers do not all write through the same queue.
    pub(super) fn translate(
        &self,
        tun: &Tun,
        lane: usize,
        rng: &mut u32,
        stats: &Mutex<Stats>,
        from: Source,
        bufs: &mut (PacketBuf, PacketBuf),
    ) -> bool {
        let queues = tun.queues();
        match queues.get(lane.checked_rem(queues.len()).unwrap_or(0)) {
            Some(q) => self.translate_on(q, rng, stats, from, &mut bufs.0, &mut bufs.1),
            None => true,
        }
    }

    /// Translates `pkt` (with its offloads); the translation (with its virtio-net header) and
    /// any ICMP error go into `q`. Returns whether the kernel should keep `pkt` unchanged.
    fn translate_on(
        &self,
        q: &TunQueue,
        rng: &mut u32,
        stats: &Mutex<Stats>,
        from: Source,
        pkt: &mut PacketBuf,
        reply: &mut PacketBuf,
    ) -> bool {
        let snap = self.snap.load();
        let (mark, queued) = match from {
            Source::Tun => (0, false),
            Source::Queue { mark } => (mark, true),
        };
        let mut host = NsHost {
            snap: &snap,
            rng,
            queued,
        };
        let verdict = self.inst.handle(
            clock::now_ms(),
            &mut host,
            &mut lock(stats),
            mark,
            pkt,
            reply,
        );
        match verdict {
            Verdict::Translated => {
                self.send_on(q, &vnet_of(pkt), pkt.bytes());
                self.send_on(q, &VnetHdr::NONE, reply.bytes());
                false
            }
            Verdict::Untranslatable(_) => true,
            Verdict::Drop(_) | Verdict::Stolen(_) => {
                self.send_on(q, &VnetHdr::NONE, reply.bytes());
                false
            }
        }
    }
}

/// Reads TUN queue `index` until shutdown. Untranslatable packets are written back
/// (hand-back), offloads and all. A GSO packet the core cannot translate in one piece (UDP
/// segmentation, odd layouts) is cut into plain segments first.
fn tun_worker(inner: Arc<Inner>, tun: Arc<Tun>, index: usize) {
    let Some(q) = tun.queues().get(index) else {
        return;
    };
    let stats = inner.inst.stats.slot();
    let (mut pkt, mut reply, mut seg) = (PacketBuf::new(), PacketBuf::new(), PacketBuf::new());
    let mut hdr = VnetHdr::NONE;
    let mut rng = seed();
    loop {
        let n = match q.recv_timeout(&mut hdr, pkt.spare_mut(), Duration::from_secs(3600)) {
            Ok(Some(0)) => break,
            Ok(Some(n)) => n,
            Ok(None) => continue,
            Err(e) => {
                if inner.stopped.load(Ordering::SeqCst) {
                    break;
                }
                log_warn!("instance '{}': TUN read failed: {e}", inner.inst.name);
                std::thread::sleep(ERROR_PAUSE);
                continue;
            }
        };
        pkt.set_len(n);
        match offload_of(&hdr) {
            Ok(o) => pkt.set_offload(o),
            Err(UnknownGso(ty)) => {
                lock(&stats).inc(Jstat::Unknown);
                log_warn!(
                    "instance '{}': dropped a packet of unknown GSO type {ty}",
                    inner.inst.name
                );
                continue;
            }
        }
        if offload::needs_split(&pkt) {
            let mut i = 0;
            while offload::split(&pkt, i, &mut seg) {
                if inner.translate_on(q, &mut rng, &stats, Source::Tun, &mut seg, &mut reply) {
                    inner.send_on(q, &VnetHdr::NONE, seg.bytes());
                }
                i += 1;
            }
            continue;
        }
        if inner.translate_on(q, &mut rng, &stats, Source::Tun, &mut pkt, &mut reply) {
            inner.send_on(q, &vnet_of(&pkt), pkt.bytes());
        }
    }
}

/// Where a packet reached the instance.
#[derive(Clone, Copy, Debug)]
pub(super) enum Source {
    /// Read from the TUN (netfilter framework): routed or `fwd`ed there by the kernel.
    Tun,
    /// From NFQUEUE (iptables framework), in PREROUTING, with the packet's mark.
    Queue {
        /// `skb->mark`: selects the pool4 set.
        mark: u32,
    },
}

/// The instance TUN's MTU: the most a TUN accepts (`ETH_MAX_MTU`).
const TUN_MTU: u32 = 65_535;

/// Most TUN queues (and so worker threads) per instance.
pub const MAX_WORKERS: usize = 16;

/// Workers per instance chosen with `jool-daemon --workers` (0: one per CPU).
static WORKERS: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of workers (TUN queues) of the instances created from now on.
pub fn set_workers(n: usize) {
    WORKERS.store(n.clamp(1, MAX_WORKERS), Ordering::Relaxed);
}

/// The instance TUN's settings: one queue (and worker) per CPU, so that the kernel spreads
/// flows over the workers by hash while every flow stays on one of them; offloads (GSO
/// super-packets, partial checksums); a transmit queue long enough for bursts of small
/// packets while a worker is busy; the largest MTU, because the TUN is not a link: the
/// translator judges packet sizes against the outgoing interfaces (Packet Too Big /
/// Fragmentation Needed, RFC 7915 §4 and §5), as Jool does in the kernel, and a 9000-byte
/// jumbo frame must reach it rather than be refused at the TUN.
fn tun_config() -> TunConfig {
    let queues = match WORKERS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    TunConfig {
        txqueuelen: 5000,
        queues: queues.clamp(1, MAX_WORKERS),
        offload: true,
        mtu: Some(TUN_MTU),
    }
}

impl SysRuntime {
    /// Creates the TUN (and NFQUEUE binding), plumbs the namespace and starts the workers.
    /// On failure nothing is left behind.
    pub fn start(ns: Arc<NetNs>, inst: Arc<Instance>) -> io::Result<SysRuntime> {
        let id = seed();
        let tun_name = format!("jool-{id:08x}");
        let tun = Arc::new(Tun::create_with(&ns, &tun_name, &tun_config())?);
        let (snap, devices) = snapshot(&ns).unwrap_or_else(|e| {
            log_warn!(
                "instance '{}': cannot read the namespace's addresses: {e}",
                inst.name
            );
            (HostSnapshot::default(), Vec::new())
        });
        inst.set_own_addresses(&snap.own4());
        let mut stops = vec![tun.shutdown_handle()];
        let queues = super::queue::bind_queues(&ns, inst.queues)?;
        stops.extend(queues.iter().map(NfQueue::shutdown_handle));
        let policy = match inst.framework {
            FrameworkDto::Netfilter => {
                policy::sweep_steering(&ns);
                Some(policy::install(&ns, &tun_name)?)
            }
            FrameworkDto::Iptables => None,
        };
        let inner = Arc::new(Inner {
            ns,
            ifindex: tun.ifindex(),
            tun: Mutex::new(Some(Arc::clone(&tun))),
            tun_name,
            table: format!("jool_{id:08x}"),
            policy,
            stops,
            snap: ArcSwap::from_pointee(snap),
            devices: Mutex::new(devices),
            plumbed: Mutex::new(Plumbed::default()),
            timer_stats: inst.stats.slot(),
            rng: Mutex::new(seed()),
            stopped: AtomicBool::new(false),
            send_errors: AtomicU64::new(0),
            inst,
        });
        if let Err(e) = inner.resync() {
            inner.stopped.store(true, Ordering::SeqCst);
            inner.unplumb();
            return Err(e);
        }
        let rt = SysRuntime {
            inner: Arc::clone(&inner),
            threads: Mutex::new(Vec::new()),
        };
        let name = |what: &str| format!("jool-{what}-{}", inner.table.trim_start_matches("jool_"));
        let spawn = |what: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new().name(name(what)).spawn(f)
        };
        for index in 0..tun.queues().len() {
            let (i, t) = (Arc::clone(&inner), Arc::clone(&tun));
            match spawn(
                &format!("tun{index}"),
                Box::new(move || tun_worker(i, t, index)),
            ) {
                Ok(h) => lock(&rt.threads).push(h),
                Err(e) => {
                    rt.stop();
                    return Err(e);
                }
            }
        }
        let spawned =
            super::queue::spawn_queue_workers(&inner, &tun, queues, &spawn, &mut lock(&rt.threads));
        if let Err(e) = spawned {
            rt.stop();
            return Err(e);
        }
        Ok(rt)
    }

    /// The TUN device's name (`jool-<8 hex>`).
    pub fn tun_name(&self) -> &str {
        &self.inner.tun_name
    }
}

impl Runtime for SysRuntime {
    fn config_changed(&self) {
        let _ = self.inner.resync();
    }

    fn tick(&self, now_ms: u64, full: bool) {
        let inner = &self.inner;
        if inner.stopped.load(Ordering::SeqCst) {
            return;
        }
        if full {
            inner.refresh();
            let _ = inner.resync();
        }
        let Some(tun) = inner.tun() else { return };
        let snap = inner.snap.load();
        let mut rng = lock(&inner.rng);
        let mut host = NsHost {
            snap: &snap,
            rng: &mut rng,
            queued: false,
        };
        let mut stats = lock(&inner.timer_stats);
        inner
            .inst
            .expire(now_ms, &mut host, &mut stats, &mut |p| inner.send(&tun, p));
        drop(stats);
        // Session synchronization: the batch rule, its counters, batches to the subscribers.
        inner.inst.ss_tick(now_ms);
    }

    fn admin_events(&self, events: &Events) {
        let inner = &self.inner;
        let Some(tun) = inner.tun() else { return };
        let snap = inner.snap.load();
        let mut rng = lock(&inner.rng);
        let mut host = NsHost {
            snap: &snap,
            rng: &mut rng,
            queued: false,
        };
        let mut stats = lock(&inner.timer_stats);
        inner
            .inst
            .admin_events(events, &mut host, &mut stats, &mut |p| inner.send(&tun, p));
    }

    fn stop(&self) {
        let inner = &self.inner;
        if inner.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        for s in &inner.stops {
            s.shutdown();
        }
        let threads: Vec<JoinHandle<()>> = lock(&self.threads).drain(..).collect();
        for t in threads {
            if t.join().is_err() {
                log_error!("instance '{}': a worker thread panicked", inner.inst.name);
            }
        }
        inner.unplumb();
        // The last reference: closing it deletes the device and every route through it.
        drop(lock(&inner.tun).take());
    }
}

impl Drop for SysRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}
