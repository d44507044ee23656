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
    BibEntry, BibError, Events, L4Proto, MaxIterations, Params, Pool4, Pool4Error, Pool4SetView,
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
        self.ss_configure(&globals);
        live.xlat.globals = globals;
        Ok(())
    }

    /// Replaces globals and pool4 together, in one swap under the configuration lock (`file
    /// handle`, spec §4.2): no packet sees the old globals with the new pool4, nor an empty
    /// pool4 in between. pool6 cannot change ([`POOL6_IMMUTABLE`]; nothing changes then).
    /// The BIB and the sessions stay (the file's `bib` only applies on creation); new timeouts
    /// re-time the existing sessions at once, as [`Nat64::set_globals`] does. The implicit
    /// pool4 keeps the instance's own addresses: those of `pool4` are replaced with them.
    pub fn replace_config(&self, globals: Globals, mut pool4: Pool4) -> Result<(), String> {
        let mut live = self.live_mut();
        if globals.pool6 != live.xlat.globals.pool6 {
            return Err(POOL6_IMMUTABLE.to_string());
        }
        pool4.set_own_addresses(live.pool4.own_addresses().to_vec());
        live.params = Params::from(&globals);
        self.ss_configure(&globals);
        live.xlat.globals = globals;
        live.pool4 = pool4;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::Timeouts;
    use crate::nat64_instance::Nat64Config;

    fn pool4(entries: &[(L4Proto, &str, u16, u16)]) -> Pool4 {
        let mut p = Pool4::new();
        for &(proto, prefix, min, max) in entries {
            p.add(
                0,
                proto,
                prefix.parse().unwrap(),
                PortRange::new(min, max),
                None,
            )
            .unwrap();
        }
        p
    }

    fn nat64() -> Nat64 {
        let globals = Globals {
            pool6: Some("64:ff9b::/96".parse().unwrap()),
            ..Globals::default()
        };
        let p4 = pool4(&[(L4Proto::Udp, "192.0.2.1/32", 100, 200)]);
        let nat = Nat64::new(Nat64Config::new(globals, p4, [7; 16])).unwrap();
        nat.set_own_addresses(vec!["198.51.100.1".parse().unwrap()]);
        let a6 = Taddr6::new("2001:db8::6".parse().unwrap(), 6000);
        let a4 = Taddr4::new("192.0.2.1".parse().unwrap(), 150);
        nat.bib_add_static(L4Proto::Udp, a6, a4).unwrap();
        nat
    }

    fn rows(nat: &Nat64) -> Vec<String> {
        nat.pool4_display(None)
            .iter()
            .flat_map(|s| s.rows.iter())
            .map(|r| format!("{} {} {}-{}", r.proto, r.addr, r.ports.min, r.ports.max))
            .collect()
    }

    #[test]
    fn replace_config_swaps_globals_and_pool4_keeping_the_bib() {
        let nat = nat64();
        let mut g = nat.globals();
        g.udp_timeout = 60_000;
        let p4 = pool4(&[
            (L4Proto::Udp, "192.0.2.1/32", 120, 300),
            (L4Proto::Tcp, "203.0.113.1/32", 1, 100),
        ]);
        nat.replace_config(g, p4).unwrap();
        assert_eq!(nat.globals().udp_timeout, 60_000);
        // Sessions read their timeout from the parameters: re-timed at once.
        assert_eq!(nat.params().timeouts.udp, 60_000);
        assert_eq!(
            rows(&nat),
            ["UDP 192.0.2.1 120-300", "TCP 203.0.113.1 1-100"]
        );
        assert!(!nat.pool4_contains(L4Proto::Udp, "192.0.2.1".parse().unwrap(), 100));
        let bib = nat.bib_entries(L4Proto::Udp);
        assert_eq!(bib.len(), 1);
        assert_eq!(bib[0].to_string(), "2001:db8::6#6000|192.0.2.1#150|UDP");
    }

    #[test]
    fn replace_config_keeps_the_own_addresses_of_the_implicit_pool4() {
        let nat = nat64();
        nat.replace_config(nat.globals(), Pool4::new()).unwrap();
        assert!(rows(&nat).is_empty());
        let own = "198.51.100.1".parse().unwrap();
        assert!(nat.pool4_contains(L4Proto::Tcp, own, 61001));
        assert!(!nat.pool4_contains(L4Proto::Udp, "192.0.2.1".parse().unwrap(), 150));
    }

    #[test]
    fn replace_config_refuses_a_pool6_change_and_changes_nothing() {
        let nat = nat64();
        let before = nat.params().timeouts;
        let mut g = nat.globals();
        g.pool6 = Some("2001:db8:64::/96".parse().unwrap());
        g.udp_timeout = 1_000;
        let p4 = pool4(&[(L4Proto::Tcp, "203.0.113.1/32", 1, 100)]);
        assert_eq!(nat.replace_config(g, p4).unwrap_err(), POOL6_IMMUTABLE);
        assert_eq!(nat.globals().pool6, Some("64:ff9b::/96".parse().unwrap()));
        let after: Timeouts = nat.params().timeouts;
        assert_eq!(after, before);
        assert_eq!(rows(&nat), ["UDP 192.0.2.1 100-200"]);
    }
}
