//! The simultaneous-open store: unsolicited IPv4 SYNs kept for 6 s (RFC 6146 §3.5.2.2).
//!
//! ```text
//!   IPv4 SYN, no BIB entry            → type 1: kept here, expires here after 6 s
//!   IPv4 SYN, BIB entry, ADF blocks   → type 2: kept here, tied to a V4_INIT session on the
//!                                       SYN4 timer; leaves when the session does
//!   expiry / BIB removal              → the packet goes back to the pipeline: ICMPv4 3/3
//! ```
//! Capped by `maximum-simultaneous-opens` (overflow: `JSTAT_SO_FULL`, the pipeline answers
//! 3/3 at once). A stored packet is an owned copy of at most [`SO_STORED_BYTES_MAX`] bytes —
//! the one place the NAT64 state copies packet bytes. The caller counts `JSTAT_TYPE1PKT` /
//! `JSTAT_TYPE2PKT` ([`SoType::jstat`]) when a store succeeds.

use std::collections::{BTreeMap, VecDeque};

use super::timer::SYN4_TIMEOUT_MS;
use super::tuple::{Taddr4, Tuple4};
use crate::stats::Jstat;

/// Bytes kept of a stored SYN: all an ICMPv4 error can quote (RFC 1812 §4.3.2.3: the error
/// must not exceed 576 bytes; 576 − 20 (IPv4) − 8 (ICMP) = 548).
pub const SO_STORED_BYTES_MAX: usize = 548;

/// The two kinds of stored packets (Jool's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoType {
    /// No BIB entry matched the SYN.
    Type1,
    /// A BIB entry matched but address-dependent filtering refused the SYN.
    Type2,
}

impl SoType {
    /// The counter the caller increments when a packet of this type is stored.
    pub const fn jstat(self) -> Jstat {
        match self {
            SoType::Type1 => Jstat::Type1Pkt,
            SoType::Type2 => Jstat::Type2Pkt,
        }
    }
}

/// A stored IPv4 SYN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPacket {
    /// Its tuple (src = IPv4 peer, dst = pool4 transport address).
    pub tuple4: Tuple4,
    /// The packet from its IPv4 header on, truncated to [`SO_STORED_BYTES_MAX`].
    pub bytes: Vec<u8>,
    /// Type 1 or 2.
    pub kind: SoType,
    /// When it was stored, ms.
    pub stored_at: u64,
}

type Key = (Taddr4, Taddr4); // (IPv4 peer, pool4 taddr)

#[derive(Debug)]
struct Slot {
    pkt: StoredPacket,
    seq: u64,
}

/// The store. Type 1 packets are also on a FIFO (expiry in O(expired)); stale FIFO items
/// (packets that left early) are skipped and compacted away.
#[derive(Debug, Default)]
pub(crate) struct SoStore {
    map: BTreeMap<Key, Slot>,
    fifo: VecDeque<(u64, Key, u64)>,
    seq: u64,
}

impl SoStore {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Stores a copy of `bytes`. `JSTAT_SO_EXISTS` if the same SYN (peer, pool4 taddr) is
    /// already stored, `JSTAT_SO_FULL` if `cap` packets are.
    pub fn store(
        &mut self,
        now: u64,
        tuple4: Tuple4,
        bytes: &[u8],
        kind: SoType,
        cap: usize,
    ) -> Result<(), Jstat> {
        let key = (tuple4.src, tuple4.dst);
        if self.map.contains_key(&key) {
            return Err(Jstat::SoExists);
        }
        if self.map.len() >= cap {
            return Err(Jstat::SoFull);
        }
        self.seq += 1;
        let len = bytes.len().min(SO_STORED_BYTES_MAX);
        let pkt = StoredPacket {
            tuple4,
            bytes: bytes.get(..len).unwrap_or_default().to_vec(),
            kind,
            stored_at: now,
        };
        self.map.insert(key, Slot { pkt, seq: self.seq });
        if kind == SoType::Type1 {
            self.fifo.push_back((now, key, self.seq));
            if self.fifo.len() > 2 * self.map.len() + 16 {
                let map = &self.map;
                self.fifo
                    .retain(|(_, k, s)| map.get(k).is_some_and(|slot| slot.seq == *s));
            }
        }
        Ok(())
    }

    /// Takes the SYN the peer `remote` sent to `pool`, if stored.
    pub fn take(&mut self, remote: Taddr4, pool: Taddr4) -> Option<StoredPacket> {
        self.map.remove(&(remote, pool)).map(|s| s.pkt)
    }

    /// The pool4 transport address a stored type 1 SYN from `remote` was sent to: an IPv6
    /// SYN toward `remote` then gets that mask, so the simultaneous open meets.
    pub fn type1_mask_for(&self, remote: Taddr4) -> Option<Taddr4> {
        let lo = (remote, Taddr4::new(0u32.into(), 0));
        let hi = (remote, Taddr4::new(u32::MAX.into(), u16::MAX));
        self.map
            .range(lo..=hi)
            .find(|(_, s)| s.pkt.kind == SoType::Type1)
            .map(|(k, _)| k.1)
    }

    /// Drops (silently) every type 1 SYN sent to `pool` (a static BIB entry now owns it).
    pub fn discard_for(&mut self, pool: Taddr4) -> usize {
        let before = self.map.len();
        self.map
            .retain(|k, s| !(k.1 == pool && s.pkt.kind == SoType::Type1));
        before - self.map.len()
    }

    /// Moves type 1 SYNs stored 6 s or more before `now` to `out`.
    pub fn expire(&mut self, now: u64, out: &mut Vec<StoredPacket>) {
        while let Some(&(at, key, seq)) = self.fifo.front() {
            if at.saturating_add(SYN4_TIMEOUT_MS) > now {
                break;
            }
            self.fifo.pop_front();
            if self.map.get(&key).is_some_and(|s| s.seq == seq) {
                if let Some(s) = self.map.remove(&key) {
                    out.push(s.pkt);
                }
            }
        }
    }

    /// Moves every type 1 SYN to `out` (type 2 ones leave with their sessions).
    pub fn flush_type1(&mut self, out: &mut Vec<StoredPacket>) {
        let keys: Vec<Key> = self
            .map
            .iter()
            .filter(|(_, s)| s.pkt.kind == SoType::Type1)
            .map(|(k, _)| *k)
            .collect();
        for k in keys {
            if let Some(s) = self.map.remove(&k) {
                out.push(s.pkt);
            }
        }
        self.fifo.clear();
    }

    /// Bytes held (packet copies and bookkeeping), approximately.
    pub fn memory(&self) -> usize {
        self.map
            .values()
            .map(|s| s.pkt.bytes.capacity() + std::mem::size_of::<Slot>() + 32)
            .sum::<usize>()
            + self.fifo.capacity() * std::mem::size_of::<(u64, Key, u64)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::tuple::L4Proto;
    use std::net::Ipv4Addr;

    fn syn(peer_port: u16, pool_port: u16) -> Tuple4 {
        Tuple4 {
            src: Taddr4::new(Ipv4Addr::new(203, 0, 113, 9), peer_port),
            dst: Taddr4::new(Ipv4Addr::new(192, 0, 2, 1), pool_port),
            proto: L4Proto::Tcp,
        }
    }

    #[test]
    fn refuses_retry_and_overflow() {
        let mut so = SoStore::default();
        so.store(0, syn(1, 10), &[1, 2, 3], SoType::Type1, 2)
            .unwrap();
        assert_eq!(
            so.store(1, syn(1, 10), &[1], SoType::Type1, 2),
            Err(Jstat::SoExists)
        );
        so.store(2, syn(2, 10), &[4], SoType::Type2, 2).unwrap();
        assert_eq!(
            so.store(3, syn(3, 10), &[5], SoType::Type1, 2),
            Err(Jstat::SoFull)
        );
        assert_eq!(so.len(), 2);
        assert_eq!(SoType::Type1.jstat(), Jstat::Type1Pkt);
    }

    #[test]
    fn truncates_stored_copy_to_what_an_icmp_error_quotes() {
        let mut so = SoStore::default();
        so.store(0, syn(1, 10), &[7u8; 1500], SoType::Type1, 10)
            .unwrap();
        let p = so.take(syn(1, 10).src, syn(1, 10).dst).unwrap();
        assert_eq!(p.bytes.len(), SO_STORED_BYTES_MAX);
        assert_eq!(so.len(), 0);
    }

    #[test]
    fn expires_type1_after_six_seconds_in_order() {
        let mut so = SoStore::default();
        so.store(1_000, syn(1, 10), &[1], SoType::Type1, 10)
            .unwrap();
        so.store(2_000, syn(2, 10), &[2], SoType::Type1, 10)
            .unwrap();
        so.store(2_000, syn(3, 10), &[3], SoType::Type2, 10)
            .unwrap();
        let mut out = Vec::new();
        so.expire(6_999, &mut out);
        assert!(out.is_empty());
        so.expire(7_000, &mut out);
        assert_eq!(out.iter().map(|p| p.bytes[0]).collect::<Vec<_>>(), vec![1]);
        so.expire(60_000, &mut out);
        assert_eq!(
            out.iter().map(|p| p.bytes[0]).collect::<Vec<_>>(),
            vec![1, 2]
        );
        // Type 2 waits for its session.
        assert_eq!(so.len(), 1);
    }

    #[test]
    fn taken_packet_does_not_expire_again() {
        let mut so = SoStore::default();
        so.store(0, syn(1, 10), &[1], SoType::Type1, 10).unwrap();
        assert!(so.take(syn(1, 10).src, syn(1, 10).dst).is_some());
        so.store(5_000, syn(1, 10), &[2], SoType::Type1, 10)
            .unwrap();
        let mut out = Vec::new();
        so.expire(6_000, &mut out);
        assert!(
            out.is_empty(),
            "the stale FIFO item of the first copy must be skipped"
        );
        so.expire(11_000, &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn finds_type1_mask_by_peer_and_discards_for_static_bib() {
        let mut so = SoStore::default();
        so.store(0, syn(1, 10), &[1], SoType::Type1, 10).unwrap();
        so.store(0, syn(2, 11), &[1], SoType::Type2, 10).unwrap();
        assert_eq!(so.type1_mask_for(syn(1, 0).src), Some(syn(0, 10).dst));
        assert_eq!(so.type1_mask_for(syn(2, 0).src), None);
        assert_eq!(so.discard_for(syn(0, 10).dst), 1);
        assert_eq!(so.discard_for(syn(0, 11).dst), 0);
        assert_eq!(so.len(), 1);
    }
}
