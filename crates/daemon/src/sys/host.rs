//! The translator's view of its namespace: a snapshot of the interfaces and addresses,
//! refreshed every 2 s, answering the core's [`Host`] questions without system calls.

use crate::{clock, log_info};
use jool_core::Host;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `RT_SCOPE_UNIVERSE`.
pub const SCOPE_UNIVERSE: u8 = 0;
/// IPv6 minimum link MTU (RFC 8200 §5).
const IPV6_MIN_MTU: u32 = 1280;
/// MTU assumed when the namespace has no usable interface.
const DEFAULT_MTU: u32 = 1500;

/// One interface address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addr {
    /// Address.
    pub addr: IpAddr,
    /// Prefix length of its subnet.
    pub prefix_len: u8,
    /// Scope (`RT_SCOPE_*`; 0 = universe).
    pub scope: u8,
}

/// What the namespace looked like at the last refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSnapshot {
    /// Addresses of every interface (loopback included: they are local too).
    pub addrs: Vec<Addr>,
    /// Smallest MTU of the namespace's interfaces (TUNs and loopback excluded).
    pub min_mtu: u32,
}

impl Default for HostSnapshot {
    fn default() -> Self {
        HostSnapshot {
            addrs: Vec::new(),
            min_mtu: DEFAULT_MTU,
        }
    }
}

fn mask4(len: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(len.min(32)))
        .unwrap_or(0)
}

fn mask6(len: u8) -> u128 {
    u128::MAX
        .checked_shl(128 - u32::from(len.min(128)))
        .unwrap_or(0)
}

impl HostSnapshot {
    /// A snapshot of `addrs` and the MTUs of the non-TUN, non-loopback interfaces.
    pub fn new(addrs: Vec<Addr>, mtus: impl IntoIterator<Item = u32>) -> Self {
        let min_mtu = mtus
            .into_iter()
            .filter(|m| *m > 0)
            .min()
            .unwrap_or(DEFAULT_MTU);
        HostSnapshot { addrs, min_mtu }
    }

    fn v4(&self) -> impl Iterator<Item = (Ipv4Addr, &Addr)> + '_ {
        self.addrs.iter().filter_map(|a| match a.addr {
            IpAddr::V4(v4) => Some((v4, a)),
            IpAddr::V6(_) => None,
        })
    }

    fn v6(&self) -> impl Iterator<Item = (Ipv6Addr, &Addr)> + '_ {
        self.addrs.iter().filter_map(|a| match a.addr {
            IpAddr::V6(v6) => Some((v6, a)),
            IpAddr::V4(_) => None,
        })
    }

    /// The universe-scope IPv4 addresses (Jool's implicit pool4, spec §7.3), in order.
    pub fn own4(&self) -> Vec<Ipv4Addr> {
        let mut v: Vec<Ipv4Addr> = self
            .v4()
            .filter(|(a, x)| x.scope == SCOPE_UNIVERSE && !a.is_loopback())
            .map(|(a, _)| a)
            .collect();
        v.dedup();
        v
    }
}

/// [`Host`] over a snapshot, with an xorshift generator seeded from the OS and log lines sent
/// to the daemon's log.
pub struct NsHost<'a> {
    /// The snapshot.
    pub snap: &'a HostSnapshot,
    /// xorshift32 state (never zero).
    pub rng: &'a mut u32,
    /// The packet came from NFQUEUE (PREROUTING, no hop spent yet), not from the TUN.
    pub queued: bool,
}

/// A nonzero seed from the OS.
pub fn seed() -> u32 {
    let s = crate::instance::random_secret();
    u32::from_ne_bytes([s[0], s[1], s[2], s[3]]) | 1
}

impl Host for NsHost<'_> {
    fn is_local4(&self, addr: Ipv4Addr) -> bool {
        self.snap.v4().any(|(a, x)| {
            // The address itself, or its subnet's directed broadcast.
            a == addr
                || (x.prefix_len < 31 && u32::from(addr) == u32::from(a) | !mask4(x.prefix_len))
        })
    }

    fn is_local6(&self, addr: Ipv6Addr) -> bool {
        self.snap.v6().any(|(a, _)| a == addr)
    }

    fn source4(&self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let universe = || {
            self.snap
                .v4()
                .filter(|(a, x)| x.scope == SCOPE_UNIVERSE && !a.is_loopback())
        };
        let m = |len| mask4(len);
        universe()
            .find(|(a, x)| u32::from(*a) & m(x.prefix_len) == u32::from(dst) & m(x.prefix_len))
            .or_else(|| universe().next())
            .map(|(a, _)| a)
    }

    fn source6(&self, dst: Ipv6Addr) -> Option<Ipv6Addr> {
        let universe = || {
            self.snap
                .v6()
                .filter(|(a, x)| x.scope == SCOPE_UNIVERSE && !a.is_loopback())
        };
        let m = |len| mask6(len);
        universe()
            .find(|(a, x)| u128::from(*a) & m(x.prefix_len) == u128::from(dst) & m(x.prefix_len))
            .or_else(|| universe().next())
            .map(|(a, _)| a)
    }

    fn mtu4(&self, _dst: Ipv4Addr) -> u32 {
        self.snap.min_mtu
    }

    fn mtu6(&self, _dst: Ipv6Addr) -> u32 {
        self.snap.min_mtu.max(IPV6_MIN_MTU)
    }

    fn random_u32(&mut self) -> u32 {
        let mut x = *self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *self.rng = x;
        x
    }

    fn log(&mut self, line: &str) {
        log_info!("{line}");
    }

    fn wall_clock_ms(&self) -> u64 {
        clock::wall_ms()
    }

    /// Packets reach the TUN through the kernel's forwarding (a route, or nftables `fwd`),
    /// which already spent one hop; NFQUEUE hands them over in PREROUTING, before any.
    fn hop_spent_before(&self) -> bool {
        !self.queued
    }

    /// What the daemon writes into the TUN is forwarded by the kernel: one more hop. The core
    /// compensates so that the translator stays one router hop, as Jool is.
    fn hop_spent_after(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> HostSnapshot {
        let a = |s: &str, len, scope| Addr {
            addr: s.parse().unwrap(),
            prefix_len: len,
            scope,
        };
        HostSnapshot::new(
            vec![
                a("127.0.0.1", 8, 254),
                a("::1", 128, 254),
                a("192.0.2.1", 24, 0),
                a("198.51.100.1", 24, 0),
                a("2001:db8:1::1", 96, 0),
                a("fe80::1", 64, 253),
            ],
            [1500, 1400],
        )
    }

    #[test]
    fn knows_local_addresses_and_directed_broadcasts() {
        let s = snap();
        let mut rng = 1;
        let h = NsHost {
            snap: &s,
            rng: &mut rng,
            queued: false,
        };
        assert!(h.is_local4("192.0.2.1".parse().unwrap()));
        assert!(h.is_local4("192.0.2.255".parse().unwrap()));
        assert!(!h.is_local4("192.0.2.8".parse().unwrap()));
        assert!(h.is_local6("2001:db8:1::1".parse().unwrap()));
        assert!(!h.is_local6("2001:db8:1::8".parse().unwrap()));
    }

    #[test]
    fn picks_source_in_the_destination_subnet_else_the_first_universe_one() {
        let s = snap();
        let mut rng = 1;
        let h = NsHost {
            snap: &s,
            rng: &mut rng,
            queued: false,
        };
        assert_eq!(
            h.source4("198.51.100.9".parse().unwrap()),
            Some("198.51.100.1".parse().unwrap())
        );
        assert_eq!(
            h.source4("203.0.113.5".parse().unwrap()),
            Some("192.0.2.1".parse().unwrap())
        );
        assert_eq!(
            h.source6("2001:db8:5::1".parse().unwrap()),
            Some("2001:db8:1::1".parse().unwrap())
        );
        assert_eq!(
            s.own4(),
            vec![
                "192.0.2.1".parse::<Ipv4Addr>().unwrap(),
                "198.51.100.1".parse().unwrap()
            ]
        );
    }

    #[test]
    fn reports_smallest_mtu_and_at_least_1280_for_ipv6() {
        let s = snap();
        let mut rng = 1;
        let h = NsHost {
            snap: &s,
            rng: &mut rng,
            queued: false,
        };
        assert_eq!(h.mtu4("192.0.2.8".parse().unwrap()), 1400);
        let tiny = HostSnapshot::new(Vec::new(), [1000]);
        let mut rng = 7;
        let mut h = NsHost {
            snap: &tiny,
            rng: &mut rng,
            queued: false,
        };
        assert_eq!(h.mtu6(Ipv6Addr::LOCALHOST), 1280);
        assert_eq!(h.source4(Ipv4Addr::LOCALHOST), None);
        assert_ne!(h.random_u32(), h.random_u32());
    }

    #[test]
    fn tells_the_core_which_hops_the_kernel_spends() {
        let s = snap();
        let mut rng = 1;
        let h = NsHost {
            snap: &s,
            rng: &mut rng,
            queued: false,
        };
        assert!(h.hop_spent_before() && h.hop_spent_after());
        // 64 once the kernel has forwarded it out of the TUN.
        assert_eq!(h.originated_ttl(), 65);
        let q = NsHost {
            snap: &s,
            rng: &mut rng,
            queued: true,
        };
        assert!(!q.hop_spent_before() && q.hop_spent_after());
    }
}
