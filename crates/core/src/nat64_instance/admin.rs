//! What the control plane changes and displays: globals (re-timing sessions at once), pool4
//! (purging the BIB entries of removed addresses unless `--quick`), static BIB entries,
//! and the display lists (spec §2.3, §2.7–§2.9).
//!
//! Removals report what left in an [`Events`]; hand it to [`Nat64::emit_admin_events`] so
//! the removal is logged and stored SYNs that lose their BIB entry get their ICMP error.

use std::net::Ipv4Addr;
use std::sync::{PoisonError, RwLockWriteGuard};

use super::{Live, Nat64};
use crate::globals::Globals;
use crate::nat64::frag::FragCounters;
use crate::nat64::{
    BibEntry, BibError, Events, L4Proto, MaxIterations, Params, Pool4Error, Pool4SetView,
    PortRange, SessionView, Taddr4, Taddr6,
};
use crate::prefix::Ipv4Prefix;

/// Jool's message when `global update pool6` targets a NAT64 instance.
pub const POOL6_IMMUTABLE: &str = "Sorry; you can't change a NAT64 instance's pool6 for now.";

impl Nat64 {
    fn live_mut(&self) -> RwLockWriteGuard<'_, Live> {
        self.live.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The global keys in use.
    pub fn globals(&self) -> Globals {
        self.live().xlat.globals.clone()
    }

    /// The NAT64 globals the state reads (timeouts...).
    pub fn params(&self) -> Params {
        self.live().params
    }

    /// Replaces the globals (`global update`, `file handle`). pool6 cannot change. New
    /// timeouts apply to existing sessions at once (spec §3: "changing it re-times existing
    /// sessions").
    pub fn set_globals(&self, globals: Globals) -> Result<(), String> {
        let mut live = self.live_mut();
        if globals.pool6 != live.xlat.globals.pool6 {
            return Err(POOL6_IMMUTABLE.to_string());
        }
        live.params = Params::from(&globals);
        live.xlat.globals = globals;
        Ok(())
    }

    /// Sets the namespace's own IPv4 addresses (the implicit pool4, spec §7.3).
    pub fn set_own_addresses(&self, own4: Vec<Ipv4Addr>) {
        self.live_mut().pool4.set_own_addresses(own4);
    }

    /// `pool4 display`.
    pub fn pool4_display(&self, proto: Option<L4Proto>) -> Vec<Pool4SetView> {
        self.live().pool4.display(proto)
    }

    /// Does pool4 hold `addr`#`port` for `proto` (`bib add` validation, steering)?
    pub fn pool4_contains(&self, proto: L4Proto, addr: Ipv4Addr, port: u16) -> bool {
        self.live().pool4.contains(proto, addr, port)
    }

    /// `pool4 add`.
    pub fn pool4_add(
        &self,
        mark: u32,
        proto: L4Proto,
        prefix: Ipv4Prefix,
        ports: PortRange,
        max_iterations: Option<MaxIterations>,
    ) -> Result<(), Pool4Error> {
        self.live_mut()
            .pool4
            .add(mark, proto, prefix, ports, max_iterations)
    }

    /// `pool4 remove`: without `quick`, the BIB entries (and sessions) inside the removed
    /// ranges go too, into `out`.
    pub fn pool4_remove(
        &self,
        mark: u32,
        proto: L4Proto,
        prefix: Ipv4Prefix,
        ports: PortRange,
        quick: bool,
        out: &mut Events,
    ) {
        let removed = self.live_mut().pool4.remove(mark, proto, prefix, ports);
        if !quick {
            self.db.purge_pool4(&removed, out);
        }
    }

    /// `pool4 flush`: without `quick`, the whole BIB/session database goes too, into `out`.
    pub fn pool4_flush(&self, quick: bool, out: &mut Events) {
        self.live_mut().pool4.flush();
        if !quick {
            self.db.flush(out);
        }
    }

    /// `bib add` (port forwarding): the IPv4 side must be in pool4.
    pub fn bib_add_static(
        &self,
        proto: L4Proto,
        addr6: Taddr6,
        addr4: Taddr4,
    ) -> Result<(), BibError> {
        let live = self.live();
        self.db.bib_add_static(&live.pool4, proto, addr6, addr4)
    }

    /// `bib remove`.
    pub fn bib_remove(
        &self,
        proto: L4Proto,
        addr6: Option<Taddr6>,
        addr4: Option<Taddr4>,
        out: &mut Events,
    ) -> Result<BibEntry, BibError> {
        self.db.bib_remove(proto, addr6, addr4, out)
    }

    /// `bib display`.
    pub fn bib_entries(&self, proto: L4Proto) -> Vec<BibEntry> {
        self.db.bib_entries(proto)
    }

    /// `session display`; the time left of each is [`SessionView::remaining`] with
    /// [`Nat64::params`]`.timeouts`.
    pub fn sessions(&self, proto: L4Proto) -> Vec<SessionView> {
        self.db.sessions(proto)
    }

    /// Reassembly counters (timeouts have no `JSTAT_*`).
    pub fn frag_counters(&self) -> FragCounters {
        super::lock(&self.frags).counters()
    }
}
