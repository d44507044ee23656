//! Session synchronization in the daemon: the daemon plays the part of Jool's kernel module,
//! whose Netlink multicast group `joold` the `session follow` / `session proxy` clients join.
//!
//! ```text
//!   timer tick ──► Instance::ss_tick(now) ──┐ Nat64::ss_poll ─► batch ─► SsHub::publish
//!   subscriber thread (every 20 ms) ────────┘                           │ (bounded queues)
//!   subscriber thread ◄── SsHub::take(id) ◄──────────────────────────────┘
//!        ──► Response::SsBatch frame ──► client ──► SsUp::Ack ──► Nat64::ss_ack
//!                                               ──► SsUp::Inject ──► Nat64::ss_import
//! ```
//! Bounds: [`MAX_SUBSCRIBERS`] per instance, [`MAX_STREAMS`] long-lived connections in the
//! daemon (the control socket keeps the rest of its connection slots for other clients),
//! [`MAX_PENDING`] batches waiting per subscriber (a stalled one loses its oldest).

mod stream;

pub use stream::{inject, serve};

use crate::error::{OpError, EBUSY};
use crate::instance::lock;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Subscribers (`session follow` / `session proxy`) per instance.
pub const MAX_SUBSCRIBERS: usize = 8;
/// Long-lived session-sync connections in the whole daemon.
pub const MAX_STREAMS: usize = 16;
/// Batches waiting for one subscriber.
pub const MAX_PENDING: usize = 64;

/// One subscriber's queue.
struct Sub {
    id: u64,
    pending: VecDeque<Arc<[u8]>>,
    dropped: u64,
}

/// An instance's subscribers (the members of its multicast group).
#[derive(Default)]
pub struct SsHub {
    subs: Mutex<Vec<Sub>>,
    next_id: AtomicU64,
}

impl SsHub {
    /// A new subscriber; refused (EBUSY) beyond [`MAX_SUBSCRIBERS`].
    pub fn subscribe(&self) -> Result<u64, OpError> {
        let mut subs = lock(&self.subs);
        if subs.len() >= MAX_SUBSCRIBERS {
            return Err(OpError::new(
                EBUSY,
                format!("This instance already has {MAX_SUBSCRIBERS} session-sync subscribers."),
            ));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        subs.push(Sub {
            id,
            pending: VecDeque::new(),
            dropped: 0,
        });
        Ok(id)
    }

    /// Removes subscriber `id`.
    pub fn unsubscribe(&self, id: u64) {
        lock(&self.subs).retain(|s| s.id != id);
    }

    /// Number of subscribers.
    pub fn len(&self) -> usize {
        lock(&self.subs).len()
    }

    /// No subscribers?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands `batch` to every subscriber (to nobody if there is none: like a multicast to an
    /// empty group). A subscriber with [`MAX_PENDING`] batches waiting loses its oldest.
    pub fn publish(&self, batch: Vec<u8>) {
        let batch: Arc<[u8]> = batch.into();
        for s in lock(&self.subs).iter_mut() {
            if s.pending.len() >= MAX_PENDING {
                s.pending.pop_front();
                s.dropped += 1;
            }
            s.pending.push_back(Arc::clone(&batch));
        }
    }

    /// The batches waiting for subscriber `id`, oldest first, and how many it lost since
    /// the last call.
    pub fn take(&self, id: u64) -> (Vec<Arc<[u8]>>, u64) {
        let mut subs = lock(&self.subs);
        match subs.iter_mut().find(|s| s.id == id) {
            Some(s) => (
                s.pending.drain(..).collect(),
                std::mem::take(&mut s.dropped),
            ),
            None => (Vec::new(), 0),
        }
    }
}

/// Counts the daemon's long-lived connections; a slot is released on drop.
pub struct StreamSlot<'a>(&'a AtomicUsize);

static STREAMS: AtomicUsize = AtomicUsize::new(0);

impl StreamSlot<'static> {
    /// A slot of the daemon's [`MAX_STREAMS`], or EBUSY.
    pub fn acquire() -> Result<Self, OpError> {
        StreamSlot::acquire_on(&STREAMS)
    }
}

impl<'a> StreamSlot<'a> {
    /// A slot counted on `counter`, or EBUSY beyond [`MAX_STREAMS`].
    pub fn acquire_on(counter: &'a AtomicUsize) -> Result<Self, OpError> {
        if counter.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
            counter.fetch_sub(1, Ordering::SeqCst);
            return Err(OpError::new(
                EBUSY,
                "jool-daemon already serves its maximum of session-sync subscribers.",
            ));
        }
        Ok(StreamSlot(counter))
    }
}

impl Drop for StreamSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_every_batch_to_every_subscriber() {
        let hub = SsHub::default();
        let a = hub.subscribe().unwrap();
        let b = hub.subscribe().unwrap();
        hub.publish(vec![1]);
        hub.publish(vec![2]);
        let (got, lost) = hub.take(a);
        assert_eq!(got.iter().map(|b| b[0]).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(lost, 0);
        assert!(hub.take(a).0.is_empty());
        assert_eq!(hub.take(b).0.len(), 2);
        hub.unsubscribe(a);
        hub.publish(vec![3]);
        assert!(hub.take(a).0.is_empty());
        assert_eq!(hub.len(), 1);
    }

    #[test]
    fn bounds_subscribers_and_their_queues() {
        let hub = SsHub::default();
        let ids: Vec<_> = (0..MAX_SUBSCRIBERS)
            .map(|_| hub.subscribe().unwrap())
            .collect();
        assert_eq!(hub.subscribe().unwrap_err().errno, EBUSY);
        for i in 0..MAX_PENDING + 3 {
            hub.publish(vec![i as u8]);
        }
        let (got, lost) = hub.take(ids[0]);
        assert_eq!(got.len(), MAX_PENDING);
        assert_eq!(got[0][0], 3, "the oldest went");
        assert_eq!(lost, 3);
    }

    #[test]
    fn bounds_long_lived_connections() {
        let counter = AtomicUsize::new(0);
        let slots: Vec<_> = (0..MAX_STREAMS)
            .map(|_| StreamSlot::acquire_on(&counter).unwrap())
            .collect();
        assert_eq!(StreamSlot::acquire_on(&counter).err().unwrap().errno, EBUSY);
        drop(slots);
        assert!(StreamSlot::acquire_on(&counter).is_ok());
        assert_eq!(counter.load(Ordering::SeqCst), 0);
    }
}

#[cfg(test)]
mod serve_tests;
