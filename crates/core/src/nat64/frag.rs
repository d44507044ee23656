//! Fragment reassembly for the stateful translator.
//!
//! NAT64 needs the transport ports of every packet (RFC 6146 §3.4 determines the tuple from
//! them), and only the first fragment carries them. Jool relies on the kernel's
//! defragmentation (spec §7.5: "NAT64 relies on kernel defragmentation and sees whole
//! packets"); we reassemble here, then translate the whole datagram (the kernel fragments the
//! result on output again).
//!
//! ```text
//!   fragment ─► key (src, dst, proto, id) / (src, dst, id) ─► pending datagram
//!                 ├─ incomplete ─► Held (the caller returns Verdict::Stolen)
//!                 └─ complete   ─► the whole datagram replaces the fragment in the buffer
//!   expire(now) ─► datagrams older than the timeout are discarded (counted)
//! ```
//!
//! Limits: the bytes held by all pending datagrams are capped ([`FragLimits::max_bytes`]; a
//! fragment that would exceed the cap is dropped and counted as `JSTAT_ENOMEM`, the counter of
//! memory exhaustion), and a datagram not complete [`FragLimits::timeout_ms`] after its first
//! fragment is discarded (Jool 3's `fragment-arrival-timeout`, 2 s; counted in
//! [`FragCounters::timed_out`] — Jool has no `JSTAT_*` for the kernel's reassembly timeouts,
//! and, like the kernel's netfilter defragmentation, no ICMP Time Exceeded is sent).
//! Overlapping fragments discard their datagram (RFC 5722 §4 for IPv6; done for IPv4 too).
//! Reassembly allocates (a buffer per pending datagram): it is the documented exception to the
//! allocation-free translation path, bounded by the cap.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::packet::{PacketBuf, MAX_PACKET};
use crate::stats::Jstat;
use jool_wire::ipv6::walk_chain;
use jool_wire::{Ipv4Packet, Ipv6Packet};

/// Jool 3's `fragment-arrival-timeout` default: 2 s.
pub const DEFAULT_FRAG_TIMEOUT_MS: u64 = 2_000;
/// Default memory cap: 4 MiB (Linux's `ipfrag_high_thresh`).
pub const DEFAULT_FRAG_MAX_BYTES: usize = 4 << 20;

/// Reassembly limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FragLimits {
    /// Bytes all pending datagrams may hold together.
    pub max_bytes: usize,
    /// How long a datagram may wait for its missing fragments, ms.
    pub timeout_ms: u64,
}

impl Default for FragLimits {
    fn default() -> Self {
        FragLimits {
            max_bytes: DEFAULT_FRAG_MAX_BYTES,
            timeout_ms: DEFAULT_FRAG_TIMEOUT_MS,
        }
    }
}

/// What reassembly counted beyond the `JSTAT_*` counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FragCounters {
    /// Datagrams completed.
    pub reassembled: u64,
    /// Datagrams discarded because their fragments did not all arrive in time.
    pub timed_out: u64,
    /// Fragments refused because of the memory cap (also counted as `JSTAT_ENOMEM`).
    pub over_cap: u64,
}

/// What happened to an offered packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Not a fragment: translate it as it is.
    Whole,
    /// A fragment, kept until its datagram is complete.
    Held,
    /// The datagram is complete: the buffer now holds it, unfragmented.
    Complete,
    /// The fragment was refused (bogus, overlapping, or over the memory cap).
    Refused(Jstat),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    V4(Ipv4Addr, Ipv4Addr, u8, u16),
    V6(Ipv6Addr, Ipv6Addr, u32),
}

#[derive(Debug, Default)]
struct Pending {
    first_seen: u64,
    /// The unfragmentable part of the first fragment (empty until it arrives).
    hdr: Vec<u8>,
    /// IPv6: where in `hdr` the Next Header byte naming the Fragment header is.
    nh_at: usize,
    /// IPv6: the Fragment header's Next Header.
    next_header: u8,
    /// The fragmentable part, each fragment at its offset.
    data: Vec<u8>,
    /// Received ranges of `data`, sorted and disjoint.
    have: Vec<(usize, usize)>,
    /// Length of the fragmentable part, once the last fragment arrived.
    total: Option<usize>,
    /// Bytes charged to the cap.
    bytes: usize,
}

impl Pending {
    fn complete(&self) -> Option<usize> {
        let total = self.total?;
        (!self.hdr.is_empty() && self.have.as_slice() == [(0, total)]).then_some(total)
    }

    /// Records `[start, end)`: false if it overlaps a different range (duplicates are fine).
    fn insert(&mut self, start: usize, end: usize) -> Result<bool, ()> {
        if self.have.contains(&(start, end)) {
            return Ok(false);
        }
        if self.have.iter().any(|&(s, e)| start < e && s < end) {
            return Err(());
        }
        let at = self.have.partition_point(|&(s, _)| s < start);
        self.have.insert(at, (start, end));
        // Merge neighbours that touch.
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.have.len());
        for &(s, e) in &self.have {
            match merged.last_mut() {
                Some(last) if last.1 == s => last.1 = e,
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
        Ok(true)
    }
}

/// One fragment, parsed.
struct Frag<'a> {
    key: Key,
    offset: usize,
    more: bool,
    /// The unfragmentable part (whole header) — used when `offset == 0`.
    hdr: &'a [u8],
    nh_at: usize,
    next_header: u8,
    payload: &'a [u8],
}

/// Pending datagrams of one instance.
#[derive(Debug, Default)]
pub struct FragStore {
    map: HashMap<Key, Pending>,
    bytes: usize,
    counters: FragCounters,
}

impl FragStore {
    /// What was counted so far.
    pub fn counters(&self) -> FragCounters {
        self.counters
    }

    /// Datagrams waiting for fragments.
    pub fn pending(&self) -> usize {
        self.map.len()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Offers the packet in `pkt` (IPv4 or IPv6). On [`Offer::Complete`] `pkt` holds the
    /// reassembled datagram.
    pub fn offer(&mut self, now: u64, limits: &FragLimits, pkt: &mut PacketBuf) -> Offer {
        let parsed = match pkt.bytes().first().map(|b| b >> 4) {
            Some(4) => parse4(pkt.bytes()),
            Some(6) => parse6(pkt.bytes()),
            _ => Ok(None),
        };
        let f = match parsed {
            Ok(Some(f)) => f,
            Ok(None) => return Offer::Whole,
            Err(stat) => return Offer::Refused(stat),
        };
        let bogus = match f.key {
            Key::V4(..) => Jstat::Hdr4,
            Key::V6(..) => Jstat::Hdr6,
        };
        let end = f.offset + f.payload.len();
        if (f.more && (f.payload.is_empty() || f.payload.len() % 8 != 0))
            || end + f.hdr.len() > MAX_PACKET
        {
            return Offer::Refused(bogus);
        }
        let cost = f.payload.len() + if f.offset == 0 { f.hdr.len() } else { 0 };
        if self.bytes + cost > limits.max_bytes {
            self.counters.over_cap += 1;
            return Offer::Refused(Jstat::Enomem);
        }
        let p = self.map.entry(f.key).or_insert_with(|| Pending {
            first_seen: now,
            ..Pending::default()
        });
        if f.total_conflicts(p) {
            self.discard(f.key);
            return Offer::Refused(bogus);
        }
        match p.insert(f.offset, end) {
            Ok(true) => {}
            Ok(false) => return Offer::Held, // Duplicate.
            Err(()) => {
                self.discard(f.key);
                return Offer::Refused(bogus);
            }
        }
        if p.data.len() < end {
            p.data.resize(end, 0);
        }
        p.data[f.offset..end].copy_from_slice(f.payload);
        if f.offset == 0 {
            p.hdr = f.hdr.to_vec();
            p.nh_at = f.nh_at;
            p.next_header = f.next_header;
        }
        if !f.more {
            p.total = Some(end);
        }
        p.bytes += cost;
        self.bytes += cost;
        let Some(total) = p.complete() else {
            return Offer::Held;
        };
        let Some(done) = self.map.remove(&f.key) else {
            return Offer::Refused(Jstat::Unknown);
        };
        self.bytes -= done.bytes;
        self.counters.reassembled += 1;
        match assemble(&done, total, pkt) {
            true => Offer::Complete,
            false => Offer::Refused(bogus),
        }
    }

    fn discard(&mut self, key: Key) {
        if let Some(p) = self.map.remove(&key) {
            self.bytes -= p.bytes;
        }
    }

    /// Discards the datagrams whose first fragment arrived `timeout_ms` or more before `now`.
    /// Returns how many.
    pub fn expire(&mut self, now: u64, limits: &FragLimits) -> usize {
        let before = self.map.len();
        let mut freed = 0;
        self.map.retain(|_, p| {
            let keep = p.first_seen.saturating_add(limits.timeout_ms) > now;
            if !keep {
                freed += p.bytes;
            }
            keep
        });
        self.bytes -= freed;
        let n = before - self.map.len();
        self.counters.timed_out += n as u64;
        n
    }
}

impl Frag<'_> {
    /// A last fragment that disagrees with the known end, or data beyond it.
    fn total_conflicts(&self, p: &Pending) -> bool {
        let end = self.offset + self.payload.len();
        match p.total {
            Some(t) => end > t || (!self.more && end != t),
            None => !self.more && p.have.last().is_some_and(|&(_, e)| e > end),
        }
    }
}

/// Writes the reassembled datagram into `pkt` and fixes its header.
fn assemble(p: &Pending, total: usize, pkt: &mut PacketBuf) -> bool {
    let n = p.hdr.len() + total;
    pkt.clear();
    if n > MAX_PACKET || !pkt.push_back(n) {
        return false;
    }
    let b = pkt.bytes_mut();
    b[..p.hdr.len()].copy_from_slice(&p.hdr);
    b[p.hdr.len()..].copy_from_slice(&p.data[..total]);
    if b[0] >> 4 == 4 {
        let Ok(len) = u16::try_from(n) else {
            return false;
        };
        let mut ip = Ipv4Packet::new_unchecked(&mut b[..]);
        let df = ip.dont_frag();
        ip.set_total_len(len);
        ip.set_flags_frag(df, false, 0);
        ip.fill_checksum();
    } else {
        let Ok(len) = u16::try_from(n - jool_wire::ipv6::HEADER_LEN) else {
            return false;
        };
        b[p.nh_at] = p.next_header;
        Ipv6Packet::new_unchecked(&mut b[..]).set_payload_len(len);
    }
    true
}

fn parse4(b: &[u8]) -> Result<Option<Frag<'_>>, Jstat> {
    let Ok(ip) = Ipv4Packet::new_checked(b) else {
        return Ok(None); // The pipeline reports it.
    };
    if !ip.is_fragment() {
        return Ok(None);
    }
    if !ip.verify_checksum() {
        return Err(Jstat::Hdr4);
    }
    let ihl = ip.header_len();
    let len = usize::from(ip.total_len());
    let payload = b.get(ihl..len).ok_or(Jstat::SkbTruncated)?;
    Ok(Some(Frag {
        key: Key::V4(ip.src_addr(), ip.dst_addr(), ip.protocol(), ip.ident()),
        offset: usize::from(ip.frag_offset()) * 8,
        more: ip.more_frags(),
        hdr: &b[..ihl],
        nh_at: 0,
        next_header: 0,
        payload,
    }))
}

fn parse6(b: &[u8]) -> Result<Option<Frag<'_>>, Jstat> {
    let Ok(ip) = Ipv6Packet::new_checked(b) else {
        return Ok(None);
    };
    let len = jool_wire::ipv6::HEADER_LEN + usize::from(ip.payload_len());
    let Some(b) = b.get(..len) else {
        return Ok(None);
    };
    let Some(f) = walk_chain(b, false).ok().and_then(|c| c.frag) else {
        return Ok(None);
    };
    // The Next Header byte that names the Fragment header: the IPv6 header's, or that of
    // the last extension header before it.
    let mut nh_at = 6;
    let mut pos = jool_wire::ipv6::HEADER_LEN;
    while pos < f.offset {
        nh_at = pos;
        let ext_len = b.get(pos + 1).map_or(0, |&l| (usize::from(l) + 1) * 8);
        pos += ext_len.max(8);
    }
    if pos != f.offset {
        return Err(Jstat::Hdr6);
    }
    let payload = b
        .get(f.offset + jool_wire::ipv6::FRAG_HEADER_LEN..)
        .ok_or(Jstat::SkbTruncated)?;
    Ok(Some(Frag {
        key: Key::V6(ip.src_addr(), ip.dst_addr(), f.ident),
        offset: usize::from(f.frag_offset) * 8,
        more: f.more,
        hdr: &b[..f.offset],
        nh_at,
        next_header: f.next_header,
        payload,
    }))
}

#[cfg(test)]
#[path = "frag_tests.rs"]
mod tests;
