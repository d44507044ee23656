//! Stateful NAT64 state (RFC 6146): pool4, BIB, sessions, the TCP state machine, timers
//! and the simultaneous-open store — sans-IO: time is an argument (`now`, ms), randomness
//! is a secret given at construction.
//!
//! ```text
//!  6→4 packet ─► filtering_and_updating_6to4(now, params, pool4, mark, implicit4, tuple6, flags)
//!                  │ shard = H(proto, src6 taddr) ── lock ── BIB? ─no─► RFC 6056 mask ─► claim in index4
//!                  │                                        session? ─no─► create (V6_INIT / UDP / ICMP)
//!                  ▼                                        TCP state machine, timer refresh
//!               SessionView ─► out_tuple_6to4() ─► translate
//!
//!  4→6 packet ─► filtering_and_updating_4to6(now, params, tuple4, flags, bytes)
//!                  │ index4[H(proto, dst4 taddr)] ─► (shard, BIB slot) ── lock shard ── session?
//!                  ▼
//!               Filtered4::Translate(SessionView) ─► out_tuple_4to6()   |   Filtered4::Stored(SO type)
//!
//!  timer (every ~2 s) ─► expire(now, params, &mut Events) ─► removed BIB/sessions (logging),
//!                                                            TCP probes, expired stored SYNs (ICMP 3/3)
//! ```
//!
//! # Sharding
//!
//! Two worker threads translating different flows must not serialize on one lock, and RFC
//! 6146 semantics must hold: endpoint-independent mapping (one IPv6 transport address, one
//! mask, whatever the destination — RFC 6146 §3.5.1) and any client may use the whole pool4
//! (a CLAT/464XLAT client behind one IPv6 address must get every port, so ports are *not*
//! partitioned by client).
//!
//! * The BIB entries and their sessions live in `N` shards (a power of two, default 64),
//!   chosen by a keyed hash of (protocol, IPv6 transport address) — the BIB key. Everything
//!   about one BIB entry (its sessions, their timers, the TCP state) is in one shard, so a
//!   6→4 packet takes exactly one lock.
//! * A second, independently sharded index maps (protocol, IPv4 transport address) → (shard,
//!   BIB slot). It is what makes masks unique across shards: RFC 6056 probes claim a
//!   candidate there atomically (one short lock per probe), so two shards never hand out the
//!   same mask, and any shard may take any pool4 address and port. A 4→6 packet takes the
//!   index lock, then the shard lock — one after the other, never nested.
//! * Locks nest only as shard → index4 and shard → simultaneous-open store, never the other
//!   way, so there is no deadlock; no packet ever holds two shard locks.
//!
//! Partitioning the pool4 ports by shard (port mod N == shard) would make 4→6 take one lock,
//! but static BIB entries, masks dictated by a stored simultaneous-open SYN, and sessions
//! synchronized from a peer (whose shard count may differ) choose their mask freely, which
//! breaks any fixed port↔shard relation. The index costs one extra short lock per 4→6 packet.
//!
//! # Limits
//!
//! * Sessions: at most [`DbConfig::max_sessions`] (default 2^21). Hitting it refuses the
//!   packet with `JSTAT_BIB6_NOT_FOUND` when a new BIB entry was needed too ("no BIB entry and
//!   none could be created") and `JSTAT_ENOMEM` otherwise (4→6 included). Dynamic BIB entries
//!   never outnumber sessions (they die with their last one); static ones are administrative.
//! * Stored SYNs: at most `maximum-simultaneous-opens` ([`Params`]), each at most
//!   [`so_store::SO_STORED_BYTES_MAX`] bytes; overflow is `JSTAT_SO_FULL`.
//!
//! # Counting
//!
//! The entry points return the refusing `Jstat`; the caller counts it. Stored SYNs come back
//! as [`Filtered4::Stored`] and the caller counts `JSTAT_TYPE1PKT`/`JSTAT_TYPE2PKT`. The gauges
//! `JSTAT_BIB_ENTRIES` and `JSTAT_SESSIONS` are [`Nat64Db::fill_gauges`].

pub mod bib;
pub mod db;
pub mod frag;
pub mod hash;
pub mod logging;
pub mod pool4;
pub mod rfc6056;
pub mod session;
pub mod so_store;
pub mod ss;
mod table;
pub mod tcp;
pub mod timer;
pub mod tuple;

#[cfg(test)]
mod tests;

pub use bib::BibError;
pub use db::{Filtered4, Nat64Db};
pub use pool4::{MaxIterations, Pool4, Pool4Error, Pool4Row, Pool4SetView, PortRange};
pub use session::{BibEntry, Events, SessionView, TcpProbe};
pub use so_store::{SoType, StoredPacket};
pub use tcp::TcpState;
pub use timer::{Timeouts, TimerClass};
pub use tuple::{L4Proto, Taddr4, Taddr6, TcpFlags, Tuple4, Tuple6};

use crate::globals::Globals;
use crate::prefix::Ipv6Prefix;

/// Default session cap: 2^21 (about two million).
pub const DEFAULT_MAX_SESSIONS: usize = 1 << 21;
/// Default shard count.
pub const DEFAULT_SHARDS: usize = 64;

/// What a [`Nat64Db`] is built with (fixed for its lifetime).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DbConfig {
    /// pool6 (immutable on a NAT64 instance): dst6 = pool6 + dst4.
    pub pool6: Ipv6Prefix,
    /// Key of RFC 6056's F() and of the tables' hashes; the daemon draws it from the OS.
    pub secret: [u8; 16],
    /// Number of shards (rounded up to a power of two, 1..=65536).
    pub shards: usize,
    /// Session cap.
    pub max_sessions: usize,
}

impl DbConfig {
    /// Defaults: [`DEFAULT_SHARDS`] shards, [`DEFAULT_MAX_SESSIONS`] sessions.
    pub fn new(pool6: Ipv6Prefix, secret: [u8; 16]) -> Self {
        DbConfig {
            pool6,
            secret,
            shards: DEFAULT_SHARDS,
            max_sessions: DEFAULT_MAX_SESSIONS,
        }
    }
}

/// The NAT64 globals the state reads, copied per call (cheap): changing a timeout takes
/// effect at once for every session of its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Session timeouts.
    pub timeouts: Timeouts,
    /// `f-args` (RFC 6056 F() inputs).
    pub f_args: u8,
    /// `address-dependent-filtering`.
    pub address_dependent_filtering: bool,
    /// `drop-externally-initiated-tcp`.
    pub drop_externally_initiated_tcp: bool,
    /// `handle-rst-during-fin-rcv`.
    pub handle_rst_during_fin_rcv: bool,
    /// `maximum-simultaneous-opens`.
    pub maximum_simultaneous_opens: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params::from(&Globals::default())
    }
}

impl From<&Globals> for Params {
    fn from(g: &Globals) -> Self {
        Params {
            timeouts: Timeouts {
                udp: g.udp_timeout,
                icmp: g.icmp_timeout,
                tcp_est: g.tcp_est_timeout,
                tcp_trans: g.tcp_trans_timeout,
            },
            f_args: g.f_args,
            address_dependent_filtering: g.address_dependent_filtering,
            drop_externally_initiated_tcp: g.drop_externally_initiated_tcp,
            handle_rst_during_fin_rcv: g.handle_rst_during_fin_rcv,
            maximum_simultaneous_opens: g.maximum_simultaneous_opens,
        }
    }
}
