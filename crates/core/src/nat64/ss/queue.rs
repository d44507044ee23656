//! The kernel side of session synchronization (spec §8): the queue of sessions waiting to
//! be sent, the rule that decides when a batch goes, and the `JSTAT_JOOLD_*` counters.
//!
//! ```text
//!   packet ─► push(session) ─► ring (ss-capacity; full: JSTAT_JOOLD_SSS_ENOSPC + warning)
//!   poll(now) ─► decide: EMPTY │ TIMEOUT │ MISSING_ACK │ AD_ONGOING │ PKT_FULL │ QUEUING
//!                        sends?──► take ≤ ss-max-sessions-per-packet ─► wait for the ACK
//! ```
//! The ring is allocated when the configuration is set (`ss-capacity` entries), so queueing
//! never allocates.

use std::collections::VecDeque;

use super::wire::SsSession;
use crate::globals::Globals;
use crate::stats::{Jstat, Stats};

/// Jool's warning when the queue is full.
pub const ENOSPC_WARNING: &str = "joold: Too many sessions deferred! I need to drop some; sorry.";

/// Sessions per batch whatever `ss-max-sessions-per-packet` says: what fits in one UDP
/// datagram (1600 × 40 = 64 000 bytes < 65 507).
pub const MAX_SESSIONS_PER_BATCH: usize = 1600;

/// Entries allocated up front at most (`ss-capacity` may be 2^32 − 1: a larger queue grows
/// on demand, once).
pub const PREALLOCATED_MAX: usize = 1 << 16;

/// The `ss-*` globals, as the queue reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SsConfig {
    /// `ss-enabled`.
    pub enabled: bool,
    /// `ss-flush-deadline`, ms.
    pub flush_deadline: u64,
    /// `ss-capacity`.
    pub capacity: usize,
    /// `ss-max-sessions-per-packet` (at least 1, at most [`MAX_SESSIONS_PER_BATCH`]).
    pub max_per_packet: usize,
}

impl From<&Globals> for SsConfig {
    fn from(g: &Globals) -> Self {
        SsConfig {
            enabled: g.ss_enabled,
            flush_deadline: u64::from(g.ss_flush_deadline),
            capacity: g.ss_capacity as usize,
            max_per_packet: (g.ss_max_sessions_per_packet as usize)
                .clamp(1, MAX_SESSIONS_PER_BATCH),
        }
    }
}

/// What the rule of spec §8 decided at one look at the queue; each is one counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Not sent: nothing queued.
    Empty,
    /// Sent: `ss-flush-deadline` passed since the last batch.
    Timeout,
    /// Not sent: the previous batch was not acknowledged.
    MissingAck,
    /// Sent: an advertisement is in progress.
    AdOngoing,
    /// Sent: a full batch is queued.
    PktFull,
    /// Not sent: there is room for more.
    Queuing,
}

impl Decision {
    /// Its counter.
    pub fn jstat(self) -> Jstat {
        match self {
            Decision::Empty => Jstat::JooldEmpty,
            Decision::Timeout => Jstat::JooldTimeout,
            Decision::MissingAck => Jstat::JooldMissingAck,
            Decision::AdOngoing => Jstat::JooldAdOngoing,
            Decision::PktFull => Jstat::JooldPktFull,
            Decision::Queuing => Jstat::JooldQueuing,
        }
    }

    /// Does a batch go?
    pub fn sends(self) -> bool {
        matches!(
            self,
            Decision::Timeout | Decision::AdOngoing | Decision::PktFull
        )
    }
}

/// The `JSTAT_JOOLD_*` counters (IDs 69–82).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SsCounters {
    counts: [u64; 14],
}

impl SsCounters {
    fn slot(s: Jstat) -> Option<usize> {
        (s.id() as usize).checked_sub(Jstat::JooldEmpty.id() as usize)
    }

    /// Adds `n` to `s` (ignored unless `s` is a `JSTAT_JOOLD_*` counter).
    pub fn add(&mut self, s: Jstat, n: u64) {
        if let Some(c) = Self::slot(s).and_then(|i| self.counts.get_mut(i)) {
            *c += n;
        }
    }

    /// The value of `s`.
    pub fn get(&self, s: Jstat) -> u64 {
        Self::slot(s)
            .and_then(|i| self.counts.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Adds every counter to `stats`.
    pub fn fill(&self, stats: &mut Stats) {
        for (i, v) in self.counts.iter().enumerate() {
            if let Some(s) = Jstat::from_id(Jstat::JooldEmpty.id() + i as u8) {
                stats.add(s, *v);
            }
        }
    }
}

/// What [`SsQueue::push`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Queued.
    Queued,
    /// Dropped (queue full); `warn`: first drop since the queue last had room, log
    /// [`ENOSPC_WARNING`].
    Dropped {
        /// Log the warning now.
        warn: bool,
    },
}

/// One instance's queue.
#[derive(Debug)]
pub struct SsQueue {
    cfg: SsConfig,
    /// (session, absolute expiry ms): its remaining time is computed when it is sent.
    ring: VecDeque<(SsSession, u64)>,
    ack_received: bool,
    last_flush: Option<u64>,
    advertising: bool,
    overflowing: bool,
    /// The counters.
    pub counters: SsCounters,
}

impl SsQueue {
    /// A queue for `cfg` (its ring allocated now if enabled).
    pub fn new(cfg: SsConfig) -> Self {
        let mut q = SsQueue {
            cfg,
            ring: VecDeque::new(),
            ack_received: true,
            last_flush: None,
            advertising: false,
            overflowing: false,
            counters: SsCounters::default(),
        };
        q.configure(cfg);
        q
    }

    /// Applies new globals. Disabling empties the queue and ends an advertisement; a smaller
    /// capacity keeps the oldest entries that fit; the ring is allocated here.
    pub fn configure(&mut self, cfg: SsConfig) {
        self.cfg = cfg;
        if !cfg.enabled {
            self.ring = VecDeque::new();
            self.advertising = false;
            self.ack_received = true;
            self.last_flush = None;
            return;
        }
        self.ring.truncate(cfg.capacity);
        let want = cfg.capacity.min(PREALLOCATED_MAX);
        if self.ring.capacity() < want {
            self.ring.reserve_exact(want - self.ring.len());
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> SsConfig {
        self.cfg
    }

    /// Sessions waiting (advertisement aside).
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Nothing waiting (advertisement aside)?
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// Is an advertisement in progress?
    pub fn advertising(&self) -> bool {
        self.advertising
    }

    /// Queues a created or updated session expiring at `expires` (ms). Counts
    /// `JSTAT_JOOLD_SSS_QUEUED` or `JSTAT_JOOLD_SSS_ENOSPC`. Never allocates.
    pub fn push(&mut self, now: u64, s: SsSession, expires: u64) -> Pushed {
        if self.last_flush.is_none() {
            self.last_flush = Some(now);
        }
        if self.ring.len() >= self.cfg.capacity {
            self.counters.add(Jstat::JooldSssEnospc, 1);
            let warn = !self.overflowing;
            self.overflowing = true;
            return Pushed::Dropped { warn };
        }
        self.ring.push_back((s, expires));
        self.counters.add(Jstat::JooldSssQueued, 1);
        Pushed::Queued
    }

    /// Starts an advertisement (the caller walks the database); false if one is ongoing.
    pub fn start_advertise(&mut self, now: u64) -> bool {
        if self.advertising {
            return false;
        }
        self.advertising = true;
        if self.last_flush.is_none() {
            self.last_flush = Some(now);
        }
        self.counters.add(Jstat::JooldAds, 1);
        true
    }

    /// The advertisement walked the whole database.
    pub fn end_advertise(&mut self) {
        self.advertising = false;
    }

    /// The proxy acknowledged the last batch.
    pub fn ack(&mut self) {
        self.ack_received = true;
        self.counters.add(Jstat::JooldAcks, 1);
    }

    /// spec §8: "A batch is sent when: queue non-empty AND (deadline `ss-flush-deadline`
    /// since last send has elapsed, OR (ACK for the previous batch received AND (advertise
    /// in progress OR queue ≥ `ss-max-sessions-per-packet`)))".
    pub fn decide(&self, now: u64) -> Decision {
        if self.ring.is_empty() && !self.advertising {
            return Decision::Empty;
        }
        let last = self.last_flush.unwrap_or(now);
        if now.saturating_sub(last) >= self.cfg.flush_deadline {
            return Decision::Timeout;
        }
        if !self.ack_received {
            return Decision::MissingAck;
        }
        if self.advertising {
            return Decision::AdOngoing;
        }
        if self.ring.len() >= self.cfg.max_per_packet {
            return Decision::PktFull;
        }
        Decision::Queuing
    }

    /// Moves up to `room` queued sessions into `out` (40 bytes each, their remaining time
    /// as of `now`); returns how many.
    pub fn take(&mut self, now: u64, room: usize, out: &mut Vec<u8>) -> usize {
        let n = room.min(self.ring.len());
        for (mut s, expires) in self.ring.drain(..n) {
            s.remaining_ms = u32::try_from(expires.saturating_sub(now)).unwrap_or(u32::MAX);
            s.encode_into(out);
        }
        n
    }

    /// A batch of `n` sessions left at `now`: wait for its ACK, restart the deadline.
    pub fn sent(&mut self, now: u64, n: usize) {
        self.ack_received = false;
        self.last_flush = Some(now);
        self.overflowing = self.ring.len() >= self.cfg.capacity;
        self.counters.add(Jstat::JooldPktSent, 1);
        self.counters.add(Jstat::JooldSssSent, n as u64);
    }

    /// Nothing went although the rule said so (an advertisement that found nothing more):
    /// the deadline restarts so that the rule does not fire again at once.
    pub fn nothing_sent(&mut self, now: u64) {
        self.last_flush = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::tcp::TcpState;
    use crate::nat64::timer::TimerClass;
    use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6};

    fn cfg(capacity: usize, max: usize) -> SsConfig {
        SsConfig {
            enabled: true,
            flush_deadline: 2000,
            capacity,
            max_per_packet: max,
        }
    }

    fn session(port: u16) -> SsSession {
        SsSession {
            proto: L4Proto::Udp,
            src6: Taddr6::new("2001:db8::8".parse().unwrap(), port),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), port),
            dst4: Taddr4::new("203.0.113.8".parse().unwrap(), 53),
            remaining_ms: 0,
            state: TcpState::Established,
            timer: TimerClass::Udp,
        }
    }

    #[test]
    fn reads_the_ss_globals() {
        let g = Globals::default();
        assert_eq!(
            SsConfig::from(&g),
            SsConfig {
                enabled: false,
                flush_deadline: 2000,
                capacity: 512,
                max_per_packet: 36
            }
        );
        let g = Globals {
            ss_max_sessions_per_packet: 0,
            ..Globals::default()
        };
        assert_eq!(SsConfig::from(&g).max_per_packet, 1);
    }

    #[test]
    fn empty_queue_sends_nothing() {
        let q = SsQueue::new(cfg(8, 2));
        assert_eq!(q.decide(100_000), Decision::Empty);
        assert!(!Decision::Empty.sends());
    }

    #[test]
    fn waits_for_a_full_batch_then_sends_it() {
        let mut q = SsQueue::new(cfg(8, 2));
        assert_eq!(q.push(1000, session(1), 5000), Pushed::Queued);
        assert_eq!(q.decide(1000), Decision::Queuing);
        q.push(1001, session(2), 5000);
        q.push(1002, session(3), 5000);
        assert_eq!(q.decide(1002), Decision::PktFull);
        let mut out = Vec::new();
        assert_eq!(q.take(1002, 2, &mut out), 2);
        q.sent(1002, 2);
        assert_eq!(out.len(), 80);
        // Remaining time as of the send.
        assert_eq!(&out[28..32], &3998u32.to_be_bytes());
        assert_eq!(q.len(), 1);
        assert_eq!(q.counters.get(Jstat::JooldSssQueued), 3);
        assert_eq!(q.counters.get(Jstat::JooldSssSent), 2);
        assert_eq!(q.counters.get(Jstat::JooldPktSent), 1);
    }

    #[test]
    fn waits_for_the_ack_of_the_previous_batch() {
        let mut q = SsQueue::new(cfg(8, 1));
        q.push(0, session(1), 10);
        let mut out = Vec::new();
        q.take(0, 1, &mut out);
        q.sent(0, 1);
        q.push(10, session(2), 10);
        assert_eq!(q.decide(10), Decision::MissingAck);
        q.ack();
        assert_eq!(q.decide(10), Decision::PktFull);
        assert_eq!(q.counters.get(Jstat::JooldAcks), 1);
    }

    #[test]
    fn the_flush_deadline_sends_even_without_ack_or_full_batch() {
        let mut q = SsQueue::new(cfg(8, 36));
        q.push(0, session(1), 10);
        let mut out = Vec::new();
        q.take(0, 36, &mut out);
        q.sent(0, 1);
        q.push(500, session(2), 10);
        assert_eq!(q.decide(1999), Decision::MissingAck);
        assert_eq!(q.decide(2000), Decision::Timeout);
        // The deadline counts from the first queued session on a fresh queue.
        let mut fresh = SsQueue::new(cfg(8, 36));
        fresh.push(5000, session(1), 10);
        assert_eq!(fresh.decide(6999), Decision::Queuing);
        assert_eq!(fresh.decide(7000), Decision::Timeout);
    }

    #[test]
    fn an_advertisement_sends_with_the_ack_and_only_one_at_a_time() {
        let mut q = SsQueue::new(cfg(8, 36));
        assert!(q.start_advertise(0));
        assert!(!q.start_advertise(0));
        assert_eq!(q.decide(0), Decision::AdOngoing);
        q.sent(0, 36);
        assert_eq!(q.decide(1), Decision::MissingAck);
        q.end_advertise();
        assert_eq!(q.decide(1), Decision::Empty);
        assert!(q.start_advertise(1));
        assert_eq!(q.counters.get(Jstat::JooldAds), 2);
    }

    #[test]
    fn drops_beyond_capacity_and_warns_once_per_overflow() {
        let mut q = SsQueue::new(cfg(2, 1));
        q.push(0, session(1), 10);
        q.push(0, session(2), 10);
        assert_eq!(q.push(0, session(3), 10), Pushed::Dropped { warn: true });
        assert_eq!(q.push(0, session(4), 10), Pushed::Dropped { warn: false });
        assert_eq!(q.counters.get(Jstat::JooldSssEnospc), 2);
        let mut out = Vec::new();
        q.take(0, 1, &mut out);
        q.sent(0, 1);
        q.push(0, session(5), 10);
        assert_eq!(q.push(0, session(6), 10), Pushed::Dropped { warn: true });
        assert_eq!(
            ENOSPC_WARNING,
            "joold: Too many sessions deferred! I need to drop some; sorry."
        );
    }

    #[test]
    fn queueing_does_not_allocate_past_the_configured_capacity() {
        let mut q = SsQueue::new(cfg(4, 36));
        let cap = q.ring.capacity();
        assert!(cap >= 4);
        for i in 0..10 {
            q.push(0, session(i), 10);
        }
        assert_eq!(q.ring.capacity(), cap);
        assert_eq!(q.len(), 4);
    }

    #[test]
    fn disabling_empties_the_queue_and_capacity_changes_keep_the_oldest() {
        let mut q = SsQueue::new(cfg(4, 36));
        for i in 0..4 {
            q.push(0, session(i), 10);
        }
        q.configure(cfg(2, 36));
        assert_eq!(q.len(), 2);
        let mut out = Vec::new();
        q.take(0, 1, &mut out);
        assert_eq!(&out[32..34], &0u16.to_be_bytes(), "session 0 first");
        let mut off = cfg(2, 36);
        off.enabled = false;
        q.start_advertise(0);
        q.configure(off);
        assert!(q.is_empty());
        assert!(!q.advertising());
    }

    #[test]
    fn counters_fill_the_joold_stats() {
        let mut c = SsCounters::default();
        c.add(Jstat::JooldEmpty, 1);
        c.add(Jstat::JooldAcks, 7);
        c.add(Jstat::Success, 9); // not ours: ignored
        let mut stats = Stats::default();
        c.fill(&mut stats);
        assert_eq!(stats.get(Jstat::JooldEmpty), 1);
        assert_eq!(stats.get(Jstat::JooldAcks), 7);
        assert_eq!(stats.get(Jstat::Success), 0);
        assert_eq!(Decision::PktFull.jstat(), Jstat::JooldPktFull);
    }
}
