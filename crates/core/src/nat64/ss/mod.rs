//! Session synchronization (spec §8, Jool's "joold"): NAT64 nodes of an active/passive
//! cluster share their sessions so that a backup can take over the flows.
//!
//! ```text
//!   translation ─► queue::SsQueue::push (created/updated sessions; ss-capacity)
//!   timer / ACK  ─► poll: the batch rule ─► wire::encode (40-byte attributes) ─► daemon ─► proxy
//!   proxy ─► daemon ─► wire::decode ─► Nat64Db::ss_import (add / refresh / out-of-sync)
//!   advertise ─► Nat64Db::ss_walk (the whole DB, a batch at a time, beyond ss-capacity)
//! ```
//! Jool's kernel module does all of this; here the core keeps the queue and the rules, and the
//! daemon moves the bytes (the core opens no socket and reads no clock).

mod import;
pub mod queue;
pub mod wire;

pub use import::{AdCursor, Imported};
pub use queue::{Decision, Pushed, SsConfig, SsCounters, SsQueue, ENOSPC_WARNING};
pub use wire::{decode, SsSession, SsWireError, ATTR_LEN};

/// Jool's message when sessions reach an instance whose `ss-enabled` is off.
pub const SS_DISABLED: &str = "Session sync is disabled on this instance.";

/// Jool's message when an advertisement is asked for during another.
pub const AD_ONGOING: &str = "joold advertisement already in progress.";

#[cfg(test)]
mod tests;
