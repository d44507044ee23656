//! The NAT64 state database: sharded tables, the IPv4 index, the simultaneous-open store,
//! and the per-packet entry points of RFC 6146 §3.5 ("Filtering and Updating").
//!
//! Locks: a packet takes one shard lock (6→4) or the IPv4-index lock then one shard lock
//! (4→6), never two shard locks. Nesting is only ever shard → index4 and shard → SO store.

use std::collections::HashMap;
use std::mem::size_of;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::hash::Keyed;
use super::pool4::Pool4;
use super::rfc6056;
use super::session::{Events, SessionView, TcpProbe};
use super::so_store::{SoStore, SoType};
use super::table::{view_of, Table};
use super::tcp::{self, Expiry, Refresh, Side, TcpState};
use super::timer::TimerClass;
use super::tuple::{L4Proto, Taddr4, Taddr6, TcpFlags, Tuple4, Tuple6};
use super::{DbConfig, Params};
use crate::addr::rfc6052;
use crate::prefix::Ipv6Prefix;
use crate::stats::{Jstat, Stats};
use std::hash::BuildHasher;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What filtering decided about an IPv4 packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filtered4 {
    /// Translate it with this session (or BIB entry: `has_session == false`).
    Translate(SessionView),
    /// The SYN was stored (simultaneous open); the packet is consumed. The caller counts
    /// `JSTAT_TYPE1PKT` / `JSTAT_TYPE2PKT` ([`SoType::jstat`]).
    Stored(SoType),
}

type Index4 = HashMap<u64, (u32, u32), Keyed>;

/// BIB entries, sessions and stored SYNs of one NAT64 instance. `Sync`: worker threads share
/// it by reference; see the module documentation of [`super`] for the sharding.
#[derive(Debug)]
pub struct Nat64Db {
    pub(crate) pool6: Ipv6Prefix,
    shard_key: Keyed,
    f_key: Keyed,
    pub(crate) shards: Box<[Mutex<Table>]>,
    index4: Box<[Mutex<Index4>]>,
    pub(crate) so: Mutex<SoStore>,
    so_len: AtomicUsize,
    sessions: AtomicUsize,
    bibs: AtomicUsize,
    max_sessions: usize,
}

fn key4(proto: L4Proto, t: Taddr4) -> u64 {
    ((proto as u64) << 48) | t.packed()
}

fn class_of(proto: L4Proto) -> TimerClass {
    match proto {
        L4Proto::Udp => TimerClass::Udp,
        L4Proto::Icmp => TimerClass::Icmp,
        L4Proto::Tcp => TimerClass::TcpTrans,
    }
}

impl Nat64Db {
    /// An empty database.
    pub fn new(cfg: &DbConfig) -> Self {
        let key = Keyed::new(cfg.secret);
        let n = cfg.shards.clamp(1, 1 << 16).next_power_of_two();
        Nat64Db {
            pool6: cfg.pool6,
            shard_key: key.derive(10),
            f_key: key.derive(11),
            shards: (0..n)
                .map(|i| Mutex::new(Table::new(key.derive(100 + i as u64))))
                .collect(),
            index4: (0..n)
                .map(|i| Mutex::new(HashMap::with_hasher(key.derive(1 << 20 | i as u64))))
                .collect(),
            so: Mutex::new(SoStore::default()),
            so_len: AtomicUsize::new(0),
            sessions: AtomicUsize::new(0),
            bibs: AtomicUsize::new(0),
            max_sessions: cfg.max_sessions,
        }
    }

    pub(crate) fn shard6(&self, proto: L4Proto, t: Taddr6) -> usize {
        let h = self
            .shard_key
            .hash_one((proto as u8, t.addr.octets(), t.port));
        (h as usize) & (self.shards.len() - 1)
    }

    fn index4_of(&self, k: u64) -> &Mutex<Index4> {
        let h = self.shard_key.hash_one(k) >> 32;
        &self.index4[(h as usize) & (self.index4.len() - 1)]
    }

    /// Claims `t` for BIB slot `slot` of shard `shard`; false if taken.
    pub(crate) fn claim4(&self, proto: L4Proto, t: Taddr4, shard: usize, slot: u32) -> bool {
        let k = key4(proto, t);
        let mut idx = lock(self.index4_of(k));
        if idx.contains_key(&k) {
            return false;
        }
        idx.insert(k, (shard as u32, slot));
        true
    }

    fn unclaim4(&self, proto: L4Proto, t: Taddr4) {
        let k = key4(proto, t);
        lock(self.index4_of(k)).remove(&k);
    }

    pub(crate) fn find4(&self, proto: L4Proto, t: Taddr4) -> Option<(usize, u32)> {
        let k = key4(proto, t);
        lock(self.index4_of(k))
            .get(&k)
            .map(|&(s, b)| (s as usize, b))
    }

    pub(crate) fn reserve_session(&self) -> bool {
        if self.sessions.fetch_add(1, Ordering::Relaxed) >= self.max_sessions {
            self.sessions.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    pub(crate) fn release_session(&self) {
        self.sessions.fetch_sub(1, Ordering::Relaxed);
    }

    pub(crate) fn bib_added(&self) {
        self.bibs.fetch_add(1, Ordering::Relaxed);
    }

    /// Current number of BIB entries (`JSTAT_BIB_ENTRIES`).
    pub fn bib_count(&self) -> usize {
        self.bibs.load(Ordering::Relaxed)
    }

    /// Current number of sessions (`JSTAT_SESSIONS`).
    pub fn session_count(&self) -> usize {
        self.sessions.load(Ordering::Relaxed)
    }

    /// Current number of stored simultaneous-open SYNs.
    pub fn stored_count(&self) -> usize {
        self.so_len.load(Ordering::Relaxed)
    }

    /// Writes the gauges `JSTAT_BIB_ENTRIES` and `JSTAT_SESSIONS` into `stats`.
    pub fn fill_gauges(&self, stats: &mut Stats) {
        stats.set(Jstat::BibEntries, self.bib_count() as u64);
        stats.set(Jstat::Sessions, self.session_count() as u64);
    }

    pub(crate) fn with_so<R>(&self, f: impl FnOnce(&mut SoStore) -> R) -> R {
        let mut so = lock(&self.so);
        let r = f(&mut so);
        self.so_len.store(so.len(), Ordering::Relaxed);
        r
    }

    /// RFC 6146 §3.5.1–§3.5.2 for an IPv6 packet with incoming tuple `t6` (and `flags`, for
    /// TCP): finds or creates its BIB entry (mask from `pool4`'s set of `mark`, or the
    /// implicit pool4 with `implicit4`) and session, runs the TCP state machine, refreshes
    /// the timer. Refusals: `JSTAT_POOL6_MISMATCH`, `JSTAT_SYN6_EXPECTED`,
    /// `JSTAT_MASK_DOMAIN_NOT_FOUND`, `JSTAT_BIB6_NOT_FOUND` (no mask free within
    /// max-iterations, or the session cap is reached and a BIB entry was needed),
    /// `JSTAT_ENOMEM` (session cap reached).
    #[allow(clippy::too_many_arguments)]
    pub fn filtering_and_updating_6to4(
        &self,
        now: u64,
        p: &Params,
        pool4: &Pool4,
        mark: u32,
        implicit4: Option<Ipv4Addr>,
        t6: &Tuple6,
        flags: TcpFlags,
    ) -> Result<SessionView, Jstat> {
        let proto = t6.proto;
        let tcp = proto == L4Proto::Tcp;
        let remote = rfc6052::addr_6to4(&self.pool6, t6.dst.addr).ok_or(Jstat::Pool6Mismatch)?;
        let si = self.shard6(proto, t6.src);
        let mut tab = lock(&self.shards[si]);
        // `met_so`: this SYN's new BIB entry took the mask of a stored IPv4 SYN (type 1).
        let (bi, created_bib, met_so) = match tab.find_bib6(proto, t6.src) {
            Some(bi) => (bi, false, false),
            None => {
                if tcp && !flags.syn {
                    return Err(Jstat::Syn6Expected);
                }
                if !self.reserve_session() {
                    return Err(Jstat::Bib6NotFound);
                }
                match self.create_bib(&mut tab, si, p, pool4, mark, implicit4, t6, remote) {
                    Ok((bi, met_so)) => (bi, true, met_so),
                    Err(e) => {
                        self.release_session();
                        return Err(e);
                    }
                }
            }
        };
        let b = *tab.bib(bi).ok_or(Jstat::Unknown)?;
        let dst4 = Taddr4::new(
            remote,
            if proto == L4Proto::Icmp {
                b.port4
            } else {
                t6.dst.port
            },
        );
        if let Some(x) = tab.find_session(bi, dst4) {
            let s = *tab.session(x).ok_or(Jstat::Unknown)?;
            if tcp {
                let step = tcp::on_packet(s.state, Side::V6, flags, p.handle_rst_during_fin_rcv);
                if s.class == TimerClass::Syn4 && step.state == TcpState::Established {
                    // The IPv6 side answered a type 2 simultaneous open: the stored SYN is moot.
                    self.with_so(|so| so.take(dst4, Taddr4::new(b.addr4, b.port4)));
                }
                self.apply(&mut tab, x, step, now);
            } else {
                tab.refresh(x, class_of(proto), now);
            }
            return tab.view(x, &self.pool6).ok_or(Jstat::Unknown);
        }
        if tcp && !flags.syn {
            // RFC 6146 §3.5.2.2, CLOSED state: "If there is a corresponding entry in the TCP BIB
            // table, the packet SHOULD be translated and forwarded if the security policy allows
            // doing so. The state remains unchanged." (Only SYNs create BIB entries, so the
            // entry existed before this packet.)
            return Ok(view_of(&b, None, dst4, &self.pool6));
        }
        if !created_bib && !self.reserve_session() {
            return Err(Jstat::Enomem);
        }
        // RFC 6146 §3.5.2.2, V4 SYN RCV: "If the packet is a SYN from the IPv6 side, then the
        // state moves to ESTABLISHED" — the stored IPv4 SYN is the V4 SYN RCV state here.
        let (state, class) = match met_so {
            true => (TcpState::Established, TimerClass::TcpEst),
            false => (TcpState::V6Init, class_of(proto)),
        };
        let x = tab.add_session(bi, dst4, state, class, now);
        let mut v = tab.view(x, &self.pool6).ok_or(Jstat::Unknown)?;
        v.created_bib = created_bib;
        v.created_session = true;
        Ok(v)
    }

    fn apply(&self, tab: &mut Table, x: u32, step: tcp::Step, now: u64) {
        tab.set_state(x, step.state);
        match step.refresh {
            Refresh::Est => tab.refresh(x, TimerClass::TcpEst, now),
            Refresh::Trans => tab.refresh(x, TimerClass::TcpTrans, now),
            Refresh::Keep => {}
        }
    }

    /// RFC 6146 §3.5.1.1: a new BIB entry for `t6`, its mask chosen by RFC 6056 algorithm 3
    /// (or, for a TCP SYN toward a peer whose SYN is stored as type 1, the mask that SYN
    /// targeted: the simultaneous open then meets). Returns the entry and whether it met a
    /// stored SYN that way.
    #[allow(clippy::too_many_arguments)]
    fn create_bib(
        &self,
        tab: &mut Table,
        si: usize,
        p: &Params,
        pool4: &Pool4,
        mark: u32,
        implicit4: Option<Ipv4Addr>,
        t6: &Tuple6,
        remote: Ipv4Addr,
    ) -> Result<(u32, bool), Jstat> {
        let proto = t6.proto;
        let domain = pool4
            .domain(proto, mark, implicit4)
            .ok_or(Jstat::MaskDomainNotFound)?;
        let slot = tab.next_bib_slot();
        let mut chosen = None;
        if proto == L4Proto::Tcp && self.stored_count() > 0 {
            let peer = Taddr4::new(remote, t6.dst.port);
            if let Some(mask) = self.with_so(|so| so.type1_mask_for(peer)) {
                if domain.contains(mask) && self.claim4(proto, mask, si, slot) {
                    self.with_so(|so| so.take(peer, mask));
                    chosen = Some(mask);
                }
            }
        }
        let met_so = chosen.is_some();
        if chosen.is_none() {
            let offset = rfc6056::offset(&self.f_key, p.f_args, t6);
            chosen = rfc6056::select(&domain, offset, |t| self.claim4(proto, t, si, slot));
        }
        let t4 = chosen.ok_or(Jstat::Bib6NotFound)?;
        let bi = tab.add_bib(proto, t6.src, t4, false);
        self.bib_added();
        Ok((bi, met_so))
    }

    /// RFC 6146 §3.5.1–§3.5.2 for an IPv4 packet with incoming tuple `t4` (`packet`: its
    /// bytes from the IPv4 header on, copied only if it is a SYN that must be stored).
    /// Refusals: `JSTAT_BIB4_NOT_FOUND` (UDP/ICMP without BIB entry: hand back),
    /// `JSTAT_SYN4_EXPECTED`, `JSTAT_V4_SYN` (drop-externally-initiated-tcp), `JSTAT_ADF`
    /// (ICMP 3/13), `JSTAT_SO_EXISTS`, `JSTAT_SO_FULL` (ICMP 3/3), `JSTAT_ENOMEM`.
    pub fn filtering_and_updating_4to6(
        &self,
        now: u64,
        p: &Params,
        t4: &Tuple4,
        flags: TcpFlags,
        packet: &[u8],
    ) -> Result<Filtered4, Jstat> {
        let proto = t4.proto;
        let syn = proto == L4Proto::Tcp && flags.syn;
        let no_bib = || -> Result<Filtered4, Jstat> {
            match proto {
                L4Proto::Tcp if flags.syn => {
                    if p.drop_externally_initiated_tcp {
                        return Err(Jstat::V4Syn);
                    }
                    let cap = p.maximum_simultaneous_opens as usize;
                    self.with_so(|so| so.store(now, *t4, packet, SoType::Type1, cap))?;
                    Ok(Filtered4::Stored(SoType::Type1))
                }
                L4Proto::Tcp => Err(Jstat::Syn4Expected),
                _ => Err(Jstat::Bib4NotFound),
            }
        };
        let Some((si, bi)) = self.find4(proto, t4.dst) else {
            return no_bib();
        };
        let mut tab = lock(&self.shards[si]);
        let b = match tab.bib(bi) {
            Some(b) if b.proto == proto && b.addr4 == t4.dst.addr && b.port4 == t4.dst.port => *b,
            _ => {
                drop(tab); // Removed meanwhile.
                return no_bib();
            }
        };
        let dst4 = Taddr4::new(
            t4.src.addr,
            if proto == L4Proto::Icmp {
                b.port4
            } else {
                t4.src.port
            },
        );
        if let Some(x) = tab.find_session(bi, dst4) {
            let s = *tab.session(x).ok_or(Jstat::Unknown)?;
            if proto == L4Proto::Tcp {
                if s.class == TimerClass::Syn4 && flags.syn {
                    return Err(Jstat::SoExists);
                }
                let step = tcp::on_packet(s.state, Side::V4, flags, p.handle_rst_during_fin_rcv);
                self.apply(&mut tab, x, step, now);
            } else {
                tab.refresh(x, class_of(proto), now);
            }
            return tab
                .view(x, &self.pool6)
                .map(Filtered4::Translate)
                .ok_or(Jstat::Unknown);
        }
        if syn && p.drop_externally_initiated_tcp {
            return Err(Jstat::V4Syn);
        }
        if p.address_dependent_filtering && !tab.has_session_to(bi, t4.src.addr) {
            if !syn {
                return Err(Jstat::Adf);
            }
            // Type 2: keep the SYN for 6 s on a V4_INIT session.
            if !self.reserve_session() {
                return Err(Jstat::Enomem);
            }
            let cap = p.maximum_simultaneous_opens as usize;
            if let Err(e) = self.with_so(|so| so.store(now, *t4, packet, SoType::Type2, cap)) {
                self.release_session();
                return Err(e);
            }
            tab.add_session(bi, dst4, TcpState::V4Init, TimerClass::Syn4, now);
            return Ok(Filtered4::Stored(SoType::Type2));
        }
        if proto == L4Proto::Tcp && !flags.syn {
            // No session, but a BIB entry: translated through the BIB entry alone.
            return Ok(Filtered4::Translate(view_of(&b, None, dst4, &self.pool6)));
        }
        if !self.reserve_session() {
            return Err(Jstat::Enomem);
        }
        let x = tab.add_session(bi, dst4, TcpState::V4Init, class_of(proto), now);
        let mut v = tab.view(x, &self.pool6).ok_or(Jstat::Unknown)?;
        v.created_session = true;
        Ok(Filtered4::Translate(v))
    }

    /// Removes session `x` of shard `tab` (and its BIB entry if it was the dynamic entry's
    /// last session); a stored type 2 SYN goes to `out.stored_expired`.
    pub(crate) fn remove_session_locked(&self, tab: &mut Table, x: u32, out: &mut Events) {
        let Some(view) = tab.view(x, &self.pool6) else {
            return;
        };
        let Some((s, orphan)) = tab.remove_session(x) else {
            return;
        };
        self.release_session();
        if s.class == TimerClass::Syn4 {
            if let Some(pkt) = self.with_so(|so| so.take(view.dst4, view.src4)) {
                out.stored_expired.push(pkt);
            }
        }
        out.sessions_removed.push(view);
        if orphan {
            self.remove_bib_locked(tab, s.bib, out);
        }
    }

    /// Removes BIB slot `bi` of shard `tab` with all its sessions.
    pub(crate) fn remove_bib_locked(&self, tab: &mut Table, bi: u32, out: &mut Events) {
        let Some(entry) = tab.bib(bi).map(|b| b.entry()) else {
            return;
        };
        for x in tab.sessions_of(bi) {
            let Some(view) = tab.view(x, &self.pool6) else {
                continue;
            };
            if let Some((s, _)) = tab.remove_session(x) {
                self.release_session();
                if s.class == TimerClass::Syn4 {
                    if let Some(pkt) = self.with_so(|so| so.take(view.dst4, view.src4)) {
                        out.stored_expired.push(pkt);
                    }
                }
                out.sessions_removed.push(view);
            }
        }
        self.unclaim4(entry.proto, entry.addr4);
        tab.remove_bib(bi);
        self.bibs.fetch_sub(1, Ordering::Relaxed);
        out.bibs_removed.push(entry);
    }

    /// The session timers (RFC 6146 §3.5.2.2, Jool's 2-second cleaner): removes every session
    /// expired at `now` (dynamic BIB entries die with their last one), moves expired
    /// ESTABLISHED sessions to TRANS with a probe, expires stored type 1 SYNs. Costs
    /// O(shards + expired): each timer list is walked only over its expired head.
    pub fn expire(&self, now: u64, p: &Params, out: &mut Events) {
        for shard in self.shards.iter() {
            let mut tab = lock(shard);
            for class in TimerClass::ALL {
                let dur = p.timeouts.of(class);
                while let Some(x) = tab.expired_head(class, now, dur) {
                    let state = tab.session(x).map_or(TcpState::Established, |s| s.state);
                    let on_est = class == TimerClass::TcpEst;
                    if on_est && tcp::on_expiry(state, true) == Expiry::ProbeAndTrans {
                        tab.set_state(x, TcpState::Trans);
                        tab.refresh(x, TimerClass::TcpTrans, now);
                        if let Some(v) = tab.view(x, &self.pool6) {
                            out.probes.push(TcpProbe {
                                src: v.dst6,
                                dst: v.src6,
                            });
                        }
                        continue;
                    }
                    self.remove_session_locked(&mut tab, x, out);
                }
            }
        }
        self.with_so(|so| so.expire(now, &mut out.stored_expired));
    }

    /// Removes everything (`pool4 flush` without `--quick`, instance removal): BIB entries
    /// (static too), sessions, stored SYNs.
    pub fn flush(&self, out: &mut Events) {
        self.purge(out, |_, _| true);
        self.with_so(|so| so.flush_type1(&mut out.stored_expired));
    }

    /// Removes the BIB entries (with their sessions) `pred(proto, addr4)` selects.
    pub(crate) fn purge(&self, out: &mut Events, pred: impl Fn(L4Proto, Taddr4) -> bool) {
        for shard in self.shards.iter() {
            let mut tab = lock(shard);
            let doomed: Vec<u32> = tab
                .bib_slots()
                .filter(|(_, b)| pred(b.proto, Taddr4::new(b.addr4, b.port4)))
                .map(|(i, _)| i)
                .collect();
            for bi in doomed {
                self.remove_bib_locked(&mut tab, bi, out);
            }
        }
    }

    /// The session of an IPv6 tuple (client → pool6 + peer), without touching it (ICMP
    /// errors, hairpinning checks).
    pub fn session_lookup6(&self, t6: &Tuple6) -> Option<SessionView> {
        let remote = rfc6052::addr_6to4(&self.pool6, t6.dst.addr)?;
        let tab = lock(&self.shards[self.shard6(t6.proto, t6.src)]);
        let bi = tab.find_bib6(t6.proto, t6.src)?;
        let b = tab.bib(bi)?;
        let port = if t6.proto == L4Proto::Icmp {
            b.port4
        } else {
            t6.dst.port
        };
        let x = tab.find_session(bi, Taddr4::new(remote, port))?;
        tab.view(x, &self.pool6)
    }

    /// The session of an IPv4 tuple (peer → pool4 taddr), without touching it.
    pub fn session_lookup4(&self, t4: &Tuple4) -> Option<SessionView> {
        let (si, bi) = self.find4(t4.proto, t4.dst)?;
        let tab = lock(&self.shards[si]);
        let b = tab
            .bib(bi)
            .filter(|b| b.proto == t4.proto && b.addr4 == t4.dst.addr && b.port4 == t4.dst.port)?;
        let port = if t4.proto == L4Proto::Icmp {
            b.port4
        } else {
            t4.src.port
        };
        let x = tab.find_session(bi, Taddr4::new(t4.src.addr, port))?;
        tab.view(x, &self.pool6)
    }

    /// Every session of `proto`, sorted by (src4, dst4) — `session display`. Remaining time:
    /// [`SessionView::remaining`].
    pub fn sessions(&self, proto: L4Proto) -> Vec<SessionView> {
        let mut v = Vec::new();
        for shard in self.shards.iter() {
            let tab = lock(shard);
            v.extend(
                tab.session_slots()
                    .filter_map(|x| tab.view(x, &self.pool6))
                    .filter(|s| s.proto == proto),
            );
        }
        v.sort_by_key(|s| (s.src4, s.dst4));
        v
    }

    /// Approximate bytes held: slabs, hash tables (with their spare capacity), the IPv4 index
    /// and the stored packets.
    pub fn memory(&self) -> usize {
        let shards: usize = self.shards.iter().map(|s| lock(s).memory()).sum();
        let index4: usize = self
            .index4
            .iter()
            .map(|m| {
                let cap = lock(m).capacity();
                if cap == 0 {
                    0
                } else {
                    (cap * 8 / 7).next_power_of_two() * (size_of::<(u64, (u32, u32))>() + 1)
                }
            })
            .sum();
        shards + index4 + lock(&self.so).memory()
    }
}
