//! Session synchronization on a NAT64 instance (spec §8): what the translation path queues,
//! what the daemon polls, acknowledges, advertises and imports.
//!
//! ```text
//!   pipeline ─► ss_note (one branch when ss-enabled is off) ─► SsQueue::push
//!   daemon timer / subscriber ─► ss_poll(now) ─► Some(batch bytes) ─► proxy ─► ss_ack()
//!   proxy datagram ─► ss_import(now, bytes) ─► Nat64Db::ss_import per session
//!   session advertise ─► ss_advertise(now) ─► the next polls walk the whole database
//! ```
//! Locks: the configuration lock (read) may be held when the queue lock is taken, never the
//! other way round; the queue lock may be held when a shard lock is taken (advertisement),
//! never the other way round (the pipeline releases its shard before queueing).

use super::{lock, Live, Nat64};
use crate::globals::Globals;
use crate::host::Host;
use crate::nat64::ss::{
    self, AdCursor, Imported, Pushed, SsConfig, SsQueue, SsSession, SsWireError, ATTR_LEN,
};
use crate::nat64::SessionView;
use crate::stats::{Jstat, Stats};

/// The queue and what goes with it.
#[derive(Debug)]
pub(crate) struct SsState {
    queue: SsQueue,
    cursor: AdCursor,
    out_of_sync_warned: bool,
}

impl SsState {
    pub(crate) fn new(g: &Globals) -> Self {
        SsState {
            queue: SsQueue::new(SsConfig::from(g)),
            cursor: AdCursor::default(),
            out_of_sync_warned: false,
        }
    }
}

/// Why received sessions were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SsError {
    /// `ss-enabled` is off ([`ss::SS_DISABLED`]).
    #[error("{}", ss::SS_DISABLED)]
    Disabled,
    /// `session advertise` during another ([`ss::AD_ONGOING`]).
    #[error("{}", ss::AD_ONGOING)]
    AdvertiseOngoing,
}

/// What a received message did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SsImport {
    /// New sessions.
    pub added: usize,
    /// Refreshed sessions.
    pub refreshed: usize,
    /// Sessions not stored (session cap, or out of sync).
    pub refused: usize,
    /// Lines to log: the first out-of-sync warning of the instance's life.
    pub warnings: Vec<String>,
    /// The message was malformed from this point on (the sessions before it were taken).
    pub malformed: Option<SsWireError>,
}

impl Nat64 {
    /// Applies the `ss-*` globals to the queue (instance creation, `global update`, `file
    /// handle`); the caller holds the configuration write lock.
    pub(super) fn ss_configure(&self, g: &Globals) {
        lock(&self.ss).queue.configure(SsConfig::from(g));
    }

    /// Translation path: queues the session a packet created or updated (spec §8 "every
    /// session create/update during translation is queued"). One branch when `ss-enabled` is
    /// off; no allocation when on.
    #[inline]
    pub(super) fn ss_note(
        &self,
        live: &Live,
        host: &mut dyn Host,
        now: u64,
        s: Option<&SessionView>,
    ) {
        if !live.xlat.globals.ss_enabled {
            return;
        }
        let Some(s) = s.filter(|s| s.has_session) else {
            return;
        };
        // The remaining time is set when the session leaves the queue.
        let session = SsSession::from_view(s, 0);
        let expires = s.expires_at(&live.params.timeouts);
        let pushed = lock(&self.ss).queue.push(now, session, expires);
        if pushed == (Pushed::Dropped { warn: true }) {
            host.log(ss::ENOSPC_WARNING);
        }
    }

    /// The batch rule at `now` (call it from the timer, and whenever it may have changed:
    /// after an ACK, while subscribers wait). `Some(bytes)`: a batch of 40-byte session
    /// attributes to send now; the instance then waits for [`Nat64::ss_ack`]. Counts the
    /// decision (`JSTAT_JOOLD_TIMEOUT`, `_AD_ONGOING`, `_PKT_FULL` when a batch goes; with
    /// `count_idle`, also `_EMPTY`, `_MISSING_ACK`, `_QUEUING` when none does).
    pub fn ss_poll(&self, now: u64, count_idle: bool) -> Option<Vec<u8>> {
        let timeouts = self.live().params.timeouts;
        let mut guard = lock(&self.ss);
        let st = &mut *guard;
        let cfg = st.queue.config();
        if !cfg.enabled {
            return None;
        }
        let decision = st.queue.decide(now);
        if !decision.sends() {
            if count_idle {
                st.queue.counters.add(decision.jstat(), 1);
            }
            return None;
        }
        let max = cfg.max_per_packet;
        let mut out = Vec::with_capacity(max * ATTR_LEN);
        let mut n = st.queue.take(now, max, &mut out);
        if st.queue.advertising() && n < max {
            let (m, done) = self
                .db
                .ss_walk(&mut st.cursor, now, &timeouts, max - n, &mut out);
            n += m;
            if done {
                st.queue.end_advertise();
            }
        }
        if n == 0 {
            st.queue.nothing_sent(now);
            if count_idle {
                st.queue.counters.add(Jstat::JooldEmpty, 1);
            }
            return None;
        }
        st.queue.counters.add(decision.jstat(), 1);
        st.queue.sent(now, n);
        Some(out)
    }

    /// The proxy acknowledged the last batch (`JSTAT_JOOLD_ACKS`).
    pub fn ss_ack(&self) {
        lock(&self.ss).queue.ack();
    }

    /// `session advertise`: queue the whole session database (every protocol) for the next
    /// batches, beyond `ss-capacity` (`JSTAT_JOOLD_ADS`).
    pub fn ss_advertise(&self, now: u64) -> Result<(), SsError> {
        let mut st = lock(&self.ss);
        if !st.queue.config().enabled {
            return Err(SsError::Disabled);
        }
        if !st.queue.start_advertise(now) {
            return Err(SsError::AdvertiseOngoing);
        }
        st.cursor = AdCursor::default();
        Ok(())
    }

    /// Sessions received from a peer (a message of 40-byte attributes): each is added to the
    /// database or refreshes its twin (`JSTAT_JOOLD_PKT_RCVD`, `JSTAT_JOOLD_SSS_RCVD`).
    pub fn ss_import(&self, now: u64, msg: &[u8]) -> Result<SsImport, SsError> {
        let timeouts = self.live().params.timeouts;
        if !lock(&self.ss).queue.config().enabled {
            return Err(SsError::Disabled);
        }
        let mut report = SsImport::default();
        let mut received = 0u64;
        let mut warn = None;
        for item in ss::decode(msg) {
            let s = match item {
                Ok(s) => s,
                Err(e) => {
                    report.malformed = Some(e);
                    break;
                }
            };
            received += 1;
            match self.db.ss_import(now, &timeouts, &s) {
                Imported::Added => report.added += 1,
                Imported::Refreshed => report.refreshed += 1,
                Imported::Refused(_) => report.refused += 1,
                Imported::OutOfSync(text) => {
                    report.refused += 1;
                    warn.get_or_insert(text);
                }
            }
        }
        let mut st = lock(&self.ss);
        st.queue.counters.add(Jstat::JooldPktRcvd, 1);
        st.queue.counters.add(Jstat::JooldSssRcvd, received);
        if let Some(text) = warn {
            if !st.out_of_sync_warned {
                st.out_of_sync_warned = true;
                report.warnings.push(text);
            }
        }
        Ok(report)
    }

    /// Adds the `JSTAT_JOOLD_*` counters to `stats`.
    pub fn fill_ss_stats(&self, stats: &mut Stats) {
        lock(&self.ss).queue.counters.fill(stats);
    }
}
