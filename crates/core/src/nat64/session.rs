//! BIB entries and sessions as the pipeline and the clients see them, and the compact slots
//! the tables store them in.
//!
//! A session is RFC 6146's 5-tuple pair (src6, dst6, src4, dst4, proto); it hangs off its BIB
//! entry (src6 ↔ src4), so a slot stores only what the BIB entry does not: the IPv4 remote
//! (dst4; dst6 is pool6 + dst4, pool6 being immutable on a NAT64 instance), state, timer.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::so_store::StoredPacket;
use super::tcp::TcpState;
use super::timer::{DList, Links, Timeouts, TimerClass};
use super::tuple::{L4Proto, Taddr4, Taddr6, Tuple4, Tuple6};

/// A BIB entry: an IPv6 transport address bound to an IPv4 one (RFC 6146 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BibEntry {
    /// The IPv6 client's transport address.
    pub addr6: Taddr6,
    /// Its mask, a pool4 transport address.
    pub addr4: Taddr4,
    /// Protocol.
    pub proto: L4Proto,
    /// Added by `bib add` (port forwarding) rather than by traffic.
    pub is_static: bool,
}

impl fmt::Display for BibEntry {
    /// `2001:db8::6#6|192.0.2.4#4|TCP`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}", self.addr6, self.addr4, self.proto)
    }
}

/// A session (or, for a non-SYN IPv4 TCP packet with a BIB entry but no session, the BIB's
/// translation), with everything the pipeline needs to compute the outgoing tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionView {
    /// Protocol.
    pub proto: L4Proto,
    /// IPv6 client (BIB IPv6 side).
    pub src6: Taddr6,
    /// IPv6 view of the IPv4 peer: pool6 + dst4 (ICMP: the identifier of src6).
    pub dst6: Taddr6,
    /// The mask (BIB IPv4 side).
    pub src4: Taddr4,
    /// The IPv4 peer (ICMP: the identifier of src4).
    pub dst4: Taddr4,
    /// TCP state (`None` for UDP and ICMP).
    pub state: Option<TcpState>,
    /// The timer the session is on.
    pub timer: TimerClass,
    /// Last update, ms.
    pub update_time: u64,
    /// False: no session exists; the packet is translated through the BIB entry alone.
    pub has_session: bool,
    /// Is the BIB entry static?
    pub bib_is_static: bool,
    /// Did this packet create the BIB entry (log `Mapped ...`)?
    pub created_bib: bool,
    /// Did this packet create the session (log `Added session ...`)?
    pub created_session: bool,
}

impl SessionView {
    /// The session's BIB entry.
    pub fn bib(&self) -> BibEntry {
        BibEntry {
            addr6: self.src6,
            addr4: self.src4,
            proto: self.proto,
            is_static: self.bib_is_static,
        }
    }

    /// When the session expires, ms.
    pub fn expires_at(&self, timeouts: &Timeouts) -> u64 {
        self.update_time.saturating_add(timeouts.of(self.timer))
    }

    /// Time left at `now` (what `session display` prints), ms.
    pub fn remaining(&self, now: u64, timeouts: &Timeouts) -> u64 {
        self.expires_at(timeouts).saturating_sub(now)
    }

    /// RFC 6146 §3.6.1: the outgoing tuple of a 6→4 packet: (src4, dst4).
    pub fn out_tuple_6to4(&self) -> Tuple4 {
        Tuple4 {
            src: self.src4,
            dst: self.dst4,
            proto: self.proto,
        }
    }

    /// RFC 6146 §3.6.2: the outgoing tuple of a 4→6 packet: (dst6, src6).
    pub fn out_tuple_4to6(&self) -> Tuple6 {
        Tuple6 {
            src: self.dst6,
            dst: self.src6,
            proto: self.proto,
        }
    }
}

/// RFC 6146 §3.5.2.2: when the established timer expires the NAT64 sends a probe: an empty
/// TCP ACK (sequence 0, window 8192) from `src` (dst6) to `dst` (src6). The pipeline builds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpProbe {
    /// Source: the session's dst6.
    pub src: Taddr6,
    /// Destination: the session's src6.
    pub dst: Taddr6,
}

/// What removals and timers produced: for logging, ICMP errors and probes.
#[derive(Debug, Default)]
pub struct Events {
    /// Dynamic or static BIB entries that left (log `Forgot ...`).
    pub bibs_removed: Vec<BibEntry>,
    /// Sessions that left (log `Forgot session ...`).
    pub sessions_removed: Vec<SessionView>,
    /// TCP probes to send (established timer expiries).
    pub probes: Vec<TcpProbe>,
    /// Stored simultaneous-open SYNs that left unanswered: send ICMPv4 3/3 for each.
    pub stored_expired: Vec<StoredPacket>,
}

impl Events {
    /// Empties every list (keeping the allocations, so a timer can reuse one `Events`).
    pub fn clear(&mut self) {
        self.bibs_removed.clear();
        self.sessions_removed.clear();
        self.probes.clear();
        self.stored_expired.clear();
    }

    /// Did nothing happen?
    pub fn is_empty(&self) -> bool {
        self.bibs_removed.is_empty()
            && self.sessions_removed.is_empty()
            && self.probes.is_empty()
            && self.stored_expired.is_empty()
    }
}

/// A BIB entry in a shard's slab.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BibSlot {
    pub addr6: Ipv6Addr,
    pub port6: u16,
    pub port4: u16,
    pub addr4: Ipv4Addr,
    pub proto: L4Proto,
    pub is_static: bool,
    pub live: bool,
    /// The entry's sessions (through `SessSlot::bl`); when dead, `head` chains the free list.
    pub sessions: DList,
    pub nsessions: u32,
}

impl BibSlot {
    pub fn entry(&self) -> BibEntry {
        BibEntry {
            addr6: Taddr6::new(self.addr6, self.port6),
            addr4: Taddr4::new(self.addr4, self.port4),
            proto: self.proto,
            is_static: self.is_static,
        }
    }
}

/// A session in a shard's slab (40 bytes).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SessSlot {
    /// Last update, ms.
    pub update: u64,
    pub dst4: Ipv4Addr,
    pub dst_port: u16,
    pub state: TcpState,
    pub class: TimerClass,
    /// Owning BIB slot; `NIL` when the slot is free.
    pub bib: u32,
    /// Timer list links; when free, `next` chains the free list.
    pub tl: Links,
    /// BIB session list links.
    pub bl: Links,
}

pub(crate) fn tl(s: &mut SessSlot) -> &mut Links {
    &mut s.tl
}

pub(crate) fn bl(s: &mut SessSlot) -> &mut Links {
    &mut s.bl
}
