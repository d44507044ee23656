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

/// A shard.
#[derive(Debug)]
pub(crate) struct Table {
    bibs: Vec<BibSlot>,
    bib_free: u32,
    bib6: HashMap<Bib6Key, u32, Keyed>,
    sess: Vec<SessSlot>,
    sess_free: u32,
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

    pub fn find_session(&self, bib: u32, dst4: Taddr4) -> Option<u32> {
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
        if let Some(b) = self.bibs.get_mut(bib as usize) {
            b.sessions.push_back(&mut self.sess, i, bl);
            b.nsessions += 1;
        }
        self.sess_idx.insert(
            SessKey {
                bib,
                addr: dst4.addr,
                port: dst4.port,
            },
            i,
        );
        self.nsessions += 1;
        i
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
        if let Some(b) = self.bibs.get_mut(s.bib as usize) {
            let mut list = b.sessions;
            list.unlink(&mut self.sess, i, bl);
            if let Some(b) = self.bibs.get_mut(s.bib as usize) {
                b.sessions = list;
                b.nsessions = b.nsessions.saturating_sub(1);
                orphan = b.nsessions == 0 && !b.is_static;
            }
        }
        self.sess_idx.remove(&SessKey {
            bib: s.bib,
            addr: s.dst4,
            port: s.dst_port,
        });
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
