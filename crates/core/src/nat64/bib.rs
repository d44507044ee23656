//! BIB administration (spec §2.8): static entries (port forwarding), removal, lookups and
//! display, and the pool4 purge that `pool4 remove` / `flush` trigger.
//!
//! Static entries must lie in pool4; a static entry identical to a dynamic one upgrades it;
//! adding a static TCP entry drops the type 1 SYNs stored for its IPv4 transport address.

use super::db::{lock, Nat64Db};
use super::pool4::{Pool4, Pool4Row};
use super::session::{BibEntry, Events};
use super::tuple::{L4Proto, Taddr4, Taddr6};

/// Why a BIB change was refused (Jool's messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BibError {
    /// The IPv4 side is outside pool4.
    #[error("Transport address '{0}' does not belong to pool4.\nPlease add it there first.")]
    NotInPool4(Taddr4),
    /// One side is already bound to something else (errno 17, EEXIST).
    #[error("Entry {0} collides with {1}.")]
    Collision(BibEntry, BibEntry),
    /// `bib remove` matched nothing.
    #[error("The entry wasn't in the database.")]
    NotFound,
}

impl Nat64Db {
    /// `bib add`: binds `addr6` to `addr4` statically.
    pub fn bib_add_static(
        &self,
        pool4: &Pool4,
        proto: L4Proto,
        addr6: Taddr6,
        addr4: Taddr4,
    ) -> Result<(), BibError> {
        if !pool4.contains(proto, addr4.addr, addr4.port) {
            return Err(BibError::NotInPool4(addr4));
        }
        let new = BibEntry {
            addr6,
            addr4,
            proto,
            is_static: true,
        };
        let si = self.shard6(proto, addr6);
        let mut tab = lock(&self.shards[si]);
        if let Some(bi) = tab.find_bib6(proto, addr6) {
            let Some(b) = tab.bib_mut(bi) else {
                return Err(BibError::NotFound);
            };
            let old = b.entry();
            if old.addr4 == addr4 {
                // Identical entry (spec §12): succeeds; a dynamic one becomes static.
                b.is_static = true;
                return Ok(());
            }
            return Err(BibError::Collision(new, old));
        }
        if !self.claim4(proto, addr4, si, tab.next_bib_slot()) {
            drop(tab);
            let old = self.bib_lookup4(proto, addr4).unwrap_or(new);
            return Err(BibError::Collision(new, old));
        }
        tab.add_bib(proto, addr6, addr4, true);
        drop(tab);
        self.bib_added();
        if proto == L4Proto::Tcp {
            self.with_so(|so| so.discard_for(addr4));
        }
        Ok(())
    }

    /// `bib remove`: removes the entry matching `addr6` and/or `addr4` (both, if given, must
    /// match the same entry), static or dynamic, with its sessions.
    pub fn bib_remove(
        &self,
        proto: L4Proto,
        addr6: Option<Taddr6>,
        addr4: Option<Taddr4>,
        out: &mut Events,
    ) -> Result<BibEntry, BibError> {
        let (si, bi) = match (addr6, addr4) {
            (Some(a6), _) => {
                let si = self.shard6(proto, a6);
                let bi = lock(&self.shards[si]).find_bib6(proto, a6);
                (si, bi.ok_or(BibError::NotFound)?)
            }
            (None, Some(a4)) => self.find4(proto, a4).ok_or(BibError::NotFound)?,
            (None, None) => return Err(BibError::NotFound),
        };
        let mut tab = lock(&self.shards[si]);
        let entry = tab.bib(bi).map(|b| b.entry()).ok_or(BibError::NotFound)?;
        let matches = entry.proto == proto
            && addr6.is_none_or(|a| a == entry.addr6)
            && addr4.is_none_or(|a| a == entry.addr4);
        if !matches {
            return Err(BibError::NotFound);
        }
        self.remove_bib_locked(&mut tab, bi, out);
        Ok(entry)
    }

    /// The BIB entry of an IPv6 transport address.
    pub fn bib_lookup6(&self, proto: L4Proto, addr6: Taddr6) -> Option<BibEntry> {
        let tab = lock(&self.shards[self.shard6(proto, addr6)]);
        let bi = tab.find_bib6(proto, addr6)?;
        tab.bib(bi).map(|b| b.entry())
    }

    /// The BIB entry of an IPv4 (pool4) transport address.
    pub fn bib_lookup4(&self, proto: L4Proto, addr4: Taddr4) -> Option<BibEntry> {
        let (si, bi) = self.find4(proto, addr4)?;
        let tab = lock(&self.shards[si]);
        tab.bib(bi)
            .map(|b| b.entry())
            .filter(|e| e.proto == proto && e.addr4 == addr4)
    }

    /// Every BIB entry of `proto`, sorted by IPv4 transport address (`bib display`).
    pub fn bib_entries(&self, proto: L4Proto) -> Vec<BibEntry> {
        let mut v = Vec::new();
        for shard in self.shards.iter() {
            let tab = lock(shard);
            v.extend(
                tab.bib_slots()
                    .filter(|(_, b)| b.proto == proto)
                    .map(|(_, b)| b.entry()),
            );
        }
        v.sort_by_key(|e| e.addr4);
        v
    }

    /// `pool4 remove` without `--quick`: removes the BIB entries (static too) whose IPv4 side
    /// falls in a removed row, with their sessions.
    pub fn purge_pool4(&self, removed: &[Pool4Row], out: &mut Events) {
        if removed.is_empty() {
            return;
        }
        self.purge(out, |proto, t4| {
            removed.iter().any(|r| r.contains(proto, t4))
        });
    }
}
