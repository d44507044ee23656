//! One shard's BIB entries and sessions: slabs, indexes and timer lists. Single-threaded;
//! [`super::db`] puts each shard behind its own lock.
//!
//! ```text
//!   bib6:  (proto, src6 taddr) ──► BibSlot ── sessions (intrusive list) ──► SessSlot …
//!   sess:  (bib, dst4 taddr)   ──► SessSlot ── tl: on its timer class's FIFO list
//! ```

use std::collections::HashMap;
use std::mem::size_of;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::hash::Keyed;
use super::session::{bl, tl, BibSlot, SessSlot, SessionView};
use super::tcp::TcpState;
use super::timer::{DList, Links, TimerClass, NIL};
use super::tuple::{L4Proto, Taddr4, Taddr6};
use crate::addr::rfc6052;
use crate::prefix::Ipv6Prefix;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Bib6Key {
    addr: Ipv6Addr,
    port: u16,
    proto: L4Proto,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct SessKey {
    bib: u32,
    addr: Ipv4Addr,
    port: u16,
}

/// BIB entries with at most this many sessions find them by walking their list
/// ([`Table::find_session`]); only the sessions of longer lists are in the session index.
const SHORT_LIST: u32 = 4;

/// A shard.
#[derive(Debug)]
pub(crate) struct Table {
    bibs: Vec<BibSlot>,
    bib_free: u32,
    bib6: HashMap<Bib6Key, u32, Keyed>,
    sess: Vec<SessSlot>,
    sess_free: u32,
    /// (BIB slot, dst4) → session slot, for the sessions of BIB entries with more than
    /// [`SHORT_LIST`] sessions only (the others are found through their BIB's list).
    sess_idx: HashMap<SessKey, u32, Keyed>,
    timers: [DList; TimerClass::COUNT],
    pub nbibs: usize,
    pub nsessions: usize,
    /// Timer-list heads examined by `expired_head` (tests check expiry is O(expired)).
    #[cfg(test)]
    pub examined: std::cell::Cell<usize>,
}

impl Table {
    pub fn new(key: Keyed) -> Self {
        Table {
            bibs: Vec::new(),
            bib_free: NIL,
            bib6: HashMap::with_hasher(key.derive(1)),
            sess: Vec::new(),
            sess_free: NIL,
            sess_idx: HashMap::with_hasher(key.derive(2)),
            timers: [DList::default(); TimerClass::COUNT],
            nbibs: 0,
            nsessions: 0,
            #[cfg(test)]
            examined: std::cell::Cell::new(0),
        }
    }

    pub fn find_bib6(&self, proto: L4Proto, t: Taddr6) -> Option<u32> {
        self.bib6
            .get(&Bib6Key {
                addr: t.addr,
                port: t.port,
                proto,
            })
            .copied()
    }

    pub fn bib(&self, i: u32) -> Option<&BibSlot> {
        self.bibs.get(i as usize).filter(|b| b.live)
    }

    pub fn bib_mut(&mut self, i: u32) -> Option<&mut BibSlot> {
        self.bibs.get_mut(i as usize).filter(|b| b.live)
    }

    /// The slot the next `add_bib` will use (so that the IPv4 index can point at it first).
    pub fn next_bib_slot(&self) -> u32 {
        if self.bib_free != NIL {
            self.bib_free
        } else {
            self.bibs.len() as u32
        }
    }

    pub fn add_bib(&mut self, proto: L4Proto, t6: Taddr6, t4: Taddr4, is_static: bool) -> u32 {
        let slot = BibSlot {
            addr6: t6.addr,
            port6: t6.port,
            port4: t4.port,
            addr4: t4.addr,
            proto,
            is_static,
            live: true,
            sessions: DList::default(),
            nsessions: 0,
        };
        let i = self.next_bib_slot();
        match self.bibs.get_mut(i as usize) {
            Some(b) => {
                self.bib_free = b.sessions.head;
                *b = slot;
            }
            None => self.bibs.push(slot),
        }
        self.bib6.insert(
            Bib6Key {
                addr: t6.addr,
                port: t6.port,
                proto,
            },
            i,
        );
        self.nbibs += 1;
        i
    }

    /// Frees a BIB slot; its sessions must be gone.
    pub fn remove_bib(&mut self, i: u32) {
        let free = self.bib_free;
        let Some(b) = self.bibs.get_mut(i as usize).filter(|b| b.live) else {
            return;
        };
        let key = Bib6Key {
            addr: b.addr6,
            port: b.port6,
            proto: b.proto,
        };
        b.live = false;
        b.sessions = DList {
            head: free,
            tail: NIL,
        };
        self.bib_free = i;
        self.bib6.remove(&key);
        self.nbibs -= 1;
    }

    /// Live BIB slots.
    pub fn bib_slots(&self) -> impl Iterator<Item = (u32, &BibSlot)> + '_ {
        self.bibs
            .iter()
            .enumerate()
            .filter(|(_, b)| b.live)
            .map(|(i, b)| (i as u32, b))
    }

    /// The session of BIB slot `bib` toward `dst4`. A BIB entry with few sessions (the usual
    /// case: a client port talks to one or two peers) is answered by walking its own session
    /// list — slots the packet touches anyway — instead of a hash index, whose two cache
    /// misses dominate the lookup once the tables outgrow the caches (and whose insertion
    /// would cost as much again when the session is created).
    pub fn find_session(&self, bib: u32, dst4: Taddr4) -> Option<u32> {
        let b = self.bib(bib)?;
        if b.nsessions <= SHORT_LIST {
            let mut i = b.sessions.head;
            while let Some(s) = self.session(i) {
                if s.dst4 == dst4.addr && s.dst_port == dst4.port {
                    return Some(i);
                }
                i = s.bl.next;
            }
            return None;
        }
        self.sess_idx
            .get(&SessKey {
                bib,
                addr: dst4.addr,
                port: dst4.port,
            })
            .copied()
    }

    pub fn session(&self, i: u32) -> Option<&SessSlot> {
        self.sess.get(i as usize).filter(|s| s.bib != NIL)
    }

    /// Timestamp for a session joining the tail of `class`'s list at `now`: never earlier
    /// than the current tail (worker threads may hand in slightly unordered clocks), so the
    /// list stays sorted.
    fn stamp(&self, class: TimerClass, now: u64) -> u64 {
        let tail = self.timers[class as usize].tail;
        self.sess
            .get(tail as usize)
            .map_or(now, |t| now.max(t.update))
    }

    pub fn add_session(
        &mut self,
        bib: u32,
        dst4: Taddr4,
        state: TcpState,
        class: TimerClass,
        now: u64,
    ) -> u32 {
        let slot = SessSlot {
            update: self.stamp(class, now),
            dst4: dst4.addr,
            dst_port: dst4.port,
            state,
            class,
            bib,
            tl: Links::NONE,
            bl: Links::NONE,
        };
        let i = if self.sess_free != NIL {
            self.sess_free
        } else {
            self.sess.len() as u32
        };
        match self.sess.get_mut(i as usize) {
            Some(s) => {
                self.sess_free = s.tl.next;
                *s = slot;
            }
            None => self.sess.push(slot),
        }
        self.timers[class as usize].push_back(&mut self.sess, i, tl);
        let mut count = 0;
        if let Some(b) = self.bibs.get_mut(bib as usize) {
            b.sessions.push_back(&mut self.sess, i, bl);
            b.nsessions += 1;
            count = b.nsessions;
        }
        if count == SHORT_LIST + 1 {
            // The list just outgrew the walk: index all of it.
            self.index_sessions(bib, true);
        } else if count > SHORT_LIST {
            self.sess_idx.insert(sess_key(bib, &slot), i);
        }
        self.nsessions += 1;
        i
    }

    /// Adds every session of BIB slot `bib` to the session index (`add`), or removes them.
    fn index_sessions(&mut self, bib: u32, add: bool) {
        let mut i = self.bib(bib).map_or(NIL, |b| b.sessions.head);
        while let Some(s) = self.sess.get(i as usize).filter(|s| s.bib != NIL) {
            let key = sess_key(bib, s);
            let next = s.bl.next;
            if add {
                self.sess_idx.insert(key, i);
            } else {
                self.sess_idx.remove(&key);
            }
            i = next;
        }
    }

    /// Moves session `i` to the tail of `class`'s list, stamped `now`.
    pub fn refresh(&mut self, i: u32, class: TimerClass, now: u64) {
        let Some(old) = self.session(i).map(|s| s.class) else {
            return;
        };
        self.timers[old as usize].unlink(&mut self.sess, i, tl);
        let stamp = self.stamp(class, now);
        if let Some(s) = self.sess.get_mut(i as usize) {
            s.class = class;
            s.update = stamp;
        }
        self.timers[class as usize].push_back(&mut self.sess, i, tl);
    }

    pub fn set_state(&mut self, i: u32, state: TcpState) {
        if let Some(s) = self.sess.get_mut(i as usize) {
            s.state = state;
        }
    }

    /// Removes session `i`; returns its former slot and whether its BIB entry is now a
    /// dynamic entry without sessions (which the caller must remove).
    pub fn remove_session(&mut self, i: u32) -> Option<(SessSlot, bool)> {
        let s = *self.session(i)?;
        self.timers[s.class as usize].unlink(&mut self.sess, i, tl);
        let mut orphan = false;
        let mut left = 0;
        if let Some(b) = self.bibs.get_mut(s.bib as usize) {
            let mut list = b.sessions;
            list.unlink(&mut self.sess, i, bl);
            if let Some(b) = self.bibs.get_mut(s.bib as usize) {
                b.sessions = list;
                b.nsessions = b.nsessions.saturating_sub(1);
                orphan = b.nsessions == 0 && !b.is_static;
                left = b.nsessions;
            }
        }
        if left >= SHORT_LIST {
            self.sess_idx.remove(&sess_key(s.bib, &s));
            if left == SHORT_LIST {
                // Short enough to walk again: the rest leaves the index too.
                self.index_sessions(s.bib, false);
            }
        }
        if let Some(slot) = self.sess.get_mut(i as usize) {
            slot.bib = NIL;
            slot.tl = Links {
                prev: NIL,
                next: self.sess_free,
            };
        }
        self.sess_free = i;
        self.nsessions -= 1;
        Some((s, orphan))
    }

    /// The sessions of BIB slot `bib`.
    pub fn sessions_of(&self, bib: u32) -> Vec<u32> {
        let mut v = Vec::new();
        let mut i = self.bib(bib).map_or(NIL, |b| b.sessions.head);
        while let Some(s) = self.session(i) {
            v.push(i);
            i = s.bl.next;
        }
        v
    }

    /// Address-dependent filtering: has BIB slot `bib` a session toward `remote` (any port)?
    pub fn has_session_to(&self, bib: u32, remote: Ipv4Addr) -> bool {
        let mut i = self.bib(bib).map_or(NIL, |b| b.sessions.head);
        while let Some(s) = self.session(i) {
            if s.dst4 == remote {
                return true;
            }
            i = s.bl.next;
        }
        false
    }

    /// The oldest session of `class` if it expired at `now` with duration `dur`.
    pub fn expired_head(&self, class: TimerClass, now: u64, dur: u64) -> Option<u32> {
        let head = self.timers[class as usize].head;
        let s = self.session(head)?;
        #[cfg(test)]
        self.examined.set(self.examined.get() + 1);
        (s.update.saturating_add(dur) <= now).then_some(head)
    }

    /// Live sessions.
    pub fn session_slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.sess
            .iter()
            .enumerate()
            .filter(|(_, s)| s.bib != NIL)
            .map(|(i, _)| i as u32)
    }

    /// One past the highest session slot, live or free: bounds a resumable walk over
    /// [`Table::view`] (session synchronization's advertisement).
    pub fn session_slot_end(&self) -> u32 {
        self.sess.len() as u32
    }

    /// The public view of session `i`.
    pub fn view(&self, i: u32, pool6: &Ipv6Prefix) -> Option<SessionView> {
        let s = self.session(i)?;
        let b = self.bib(s.bib)?;
        Some(view_of(b, Some(s), Taddr4::new(s.dst4, s.dst_port), pool6))
    }

    /// Bytes held by this shard's slabs and indexes (hash tables: buckets × (entry + 1
    /// control byte), buckets being the power of two above capacity × 8/7).
    pub fn memory(&self) -> usize {
        fn table_bytes(cap: usize, entry: usize) -> usize {
            if cap == 0 {
                return 0;
            }
            let buckets = (cap * 8 / 7).next_power_of_two();
            buckets * (entry + 1)
        }
        self.bibs.capacity() * size_of::<BibSlot>()
            + self.sess.capacity() * size_of::<SessSlot>()
            + table_bytes(self.bib6.capacity(), size_of::<(Bib6Key, u32)>())
            + table_bytes(self.sess_idx.capacity(), size_of::<(SessKey, u32)>())
    }
}

/// The session index's key of slot `s` (of BIB slot `bib`).
fn sess_key(bib: u32, s: &SessSlot) -> SessKey {
    SessKey {
        bib,
        addr: s.dst4,
        port: s.dst_port,
    }
}

/// Builds a view from a BIB slot and (if any) a session slot toward `dst4`.
pub(crate) fn view_of(
    b: &BibSlot,
    s: Option<&SessSlot>,
    dst4: Taddr4,
    pool6: &Ipv6Prefix,
) -> SessionView {
    let dst6_addr = rfc6052::addr_4to6(pool6, dst4.addr).unwrap_or(Ipv6Addr::UNSPECIFIED);
    let dst6_port = if b.proto == L4Proto::Icmp {
        b.port6
    } else {
        dst4.port
    };
    SessionView {
        proto: b.proto,
        src6: Taddr6::new(b.addr6, b.port6),
        dst6: Taddr6::new(dst6_addr, dst6_port),
        src4: Taddr4::new(b.addr4, b.port4),
        dst4,
        state: s.filter(|_| b.proto == L4Proto::Tcp).map(|s| s.state),
        timer: s.map_or(TimerClass::TcpEst, |s| s.class),
        update_time: s.map_or(0, |s| s.update),
        has_session: s.is_some(),
        bib_is_static: b.is_static,
        created_bib: false,
        created_session: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_with_bib(port6: u16) -> (Table, u32) {
        let mut t = Table::new(Keyed::new([7; 16]));
        let b = t.add_bib(
            L4Proto::Udp,
            Taddr6::new("2001:db8::1".parse().unwrap(), port6),
            Taddr4::new(Ipv4Addr::new(192, 0, 2, 1), 5000),
            false,
        );
        (t, b)
    }

    fn peer(n: u8) -> Taddr4 {
        Taddr4::new(Ipv4Addr::new(203, 0, 113, n), 53)
    }

    fn add(t: &mut Table, b: u32, n: u8) -> u32 {
        t.add_session(b, peer(n), TcpState::Established, TimerClass::Udp, 0)
    }

    #[test]
    fn finds_the_sessions_of_a_short_list_without_the_index() {
        let (mut t, b) = table_with_bib(1000);
        let slots: Vec<u32> = (1..=SHORT_LIST as u8).map(|n| add(&mut t, b, n)).collect();
        assert!(t.sess_idx.is_empty());
        for (n, &x) in (1..).zip(&slots) {
            assert_eq!(t.find_session(b, peer(n)), Some(x));
        }
        assert_eq!(t.find_session(b, peer(99)), None);
        assert_eq!(t.find_session(b + 1, peer(1)), None, "no such BIB entry");
    }

    #[test]
    fn indexes_a_list_that_grows_long_and_forgets_it_when_it_shrinks() {
        let (mut t, b) = table_with_bib(1000);
        let other = add(&mut t, b, 200);
        let slots: Vec<u32> = (1..=9).map(|n| add(&mut t, b, n)).collect();
        assert_eq!(t.sess_idx.len(), 10, "every session of the long list");
        for (n, &x) in (1..).zip(&slots) {
            assert_eq!(t.find_session(b, peer(n)), Some(x));
        }
        assert_eq!(t.find_session(b, peer(200)), Some(other));
        assert_eq!(t.find_session(b, peer(99)), None);
        // Down to SHORT_LIST + 1: still indexed; one more removal and the index empties.
        for &x in &slots[..5] {
            t.remove_session(x);
        }
        assert_eq!(t.sess_idx.len(), SHORT_LIST as usize + 1);
        t.remove_session(slots[5]);
        assert!(t.sess_idx.is_empty());
        for (n, &x) in (7..).zip(&slots[6..]) {
            assert_eq!(t.find_session(b, peer(n)), Some(x));
        }
        assert_eq!(t.find_session(b, peer(200)), Some(other));
        for n in 1..=6 {
            assert_eq!(t.find_session(b, peer(n)), None, "removed {n}");
        }
        // Growing again re-indexes, reusing freed slots.
        let again: Vec<u32> = (1..=3).map(|n| add(&mut t, b, n)).collect();
        assert_eq!(t.sess_idx.len(), 7);
        for (n, &x) in (1..).zip(&again) {
            assert_eq!(t.find_session(b, peer(n)), Some(x));
        }
    }
}
