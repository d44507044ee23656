//! The iptables framework's workers: one per NFQUEUE queue of the instance (`--queue N:M`).
//! Each reads its queue in batches, translates, and answers the whole batch with as few
//! verdict messages as there are runs of equal verdicts (translated: written into the TUN and
//! NF_DROP; untranslatable: NF_ACCEPT, as if the rule had not matched).
//!
//! ```text
//!   NFQUEUE n ──recv_batch (≤ 64 packets, one recvmmsg)──► worker n ──► Inner::translate ─► TUN
//!             ◄──send_verdicts (one datagram)──────────────┘
//! ```

use super::host::seed;
use super::runtime::{Inner, Source, ERROR_PAUSE};
use crate::log_warn;
use jool_core::PacketBuf;
use jool_ctl::proto::QueueRange;
use jool_datapath::nfqueue::{QueueConfig, RecvBatch, Verdicts, MAX_BATCH};
use jool_datapath::{NetNs, NfQueue, Tun};
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

/// Packets read (and verdicts sent) at a time.
const BATCH: usize = MAX_BATCH;

/// Starts a named worker thread: `spawn(name suffix, body)` (`SysRuntime::start`'s closure).
pub(super) type Spawn<'a> =
    dyn Fn(&str, Box<dyn FnOnce() + Send>) -> io::Result<JoinHandle<()>> + 'a;

/// Binds every queue of `queues` in `ns` (none for a netfilter instance), all or none; the
/// settings are [`QueueConfig::default`] (4096 packets each, fail-open).
// Called by `SysRuntime::start` once it runs one worker per queue (runtime.rs).
pub(super) fn bind_queues(ns: &NetNs, queues: Option<QueueRange>) -> io::Result<Vec<NfQueue>> {
    match queues {
        Some(q) => NfQueue::bind_range(ns, q.first(), q.last(), &QueueConfig::default()),
        None => Ok(Vec::new()),
    }
}

/// Starts one [`queue_worker`] per queue, each through `spawn(name, body)` (thread name
/// suffix `nfq<N>`); every handle started is pushed into `threads`, also when a later one
/// fails (then the error is returned: the caller stops the runtime, which joins them).
pub(super) fn spawn_queue_workers(
    inner: &Arc<Inner>,
    tun: &Arc<Tun>,
    queues: Vec<NfQueue>,
    spawn: &Spawn<'_>,
    threads: &mut Vec<JoinHandle<()>>,
) -> io::Result<()> {
    for (lane, queue) in queues.into_iter().enumerate() {
        let (i, t) = (Arc::clone(inner), Arc::clone(tun));
        let what = format!("nfq{}", queue.queue_num());
        threads.push(spawn(
            &what,
            Box::new(move || queue_worker(i, queue, t, lane)),
        )?);
    }
    Ok(())
}

/// Reads one NFQUEUE until shutdown; verdicts per the iptables framework, a batch at a time.
/// Translations go out through TUN queue `lane`.
fn queue_worker(inner: Arc<Inner>, mut queue: NfQueue, tun: Arc<Tun>, lane: usize) {
    let stats = inner.inst.stats.slot();
    let mut batch = RecvBatch::new(BATCH);
    let mut verdicts = Verdicts::with_capacity(BATCH);
    let mut bufs = (PacketBuf::new(), PacketBuf::new());
    let mut rng = seed();
    let mut overruns_seen = 0;
    loop {
        if let Err(e) = queue.recv_batch(&mut batch, None) {
            if e.kind() == io::ErrorKind::ConnectionAborted || inner.stopped.load(Ordering::SeqCst)
            {
                break;
            }
            log_warn!(
                "instance '{}': NFQUEUE {} read failed: {e}",
                inner.inst.name,
                queue.queue_num()
            );
            std::thread::sleep(ERROR_PAUSE);
            continue;
        }
        for (p, bytes) in batch.iter() {
            let accept = match bytes {
                Some(bytes) => {
                    bufs.0.load(bytes);
                    let from = Source::Queue { mark: p.mark };
                    inner.translate(&tun, lane, &mut rng, &stats, from, &mut bufs)
                }
                // Not received whole (cannot happen with the copy range in use): let it go on.
                None => true,
            };
            verdicts.push(p.id, accept);
        }
        if let Err(e) = queue.send_verdicts(&mut verdicts) {
            log_warn!(
                "instance '{}': NFQUEUE {} verdicts failed: {e}",
                inner.inst.name,
                queue.queue_num()
            );
        }
        if queue.overruns() != overruns_seen {
            if overruns_seen == 0 {
                log_warn!(
                    "instance '{}': NFQUEUE {} overflowed: the kernel let packets through \
                     untranslated (fail-open); more CPU, more queues (--queue N:M with \
                     --queue-balance) or less traffic",
                    inner.inst.name,
                    queue.queue_num()
                );
            }
            overruns_seen = queue.overruns();
        }
    }
}
