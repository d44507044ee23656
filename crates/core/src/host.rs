//! What the translator needs to know about the machine it runs on.
//!
//! The core never touches the OS: the daemon answers these questions from the namespace's
//! interfaces and routes, `jool-translate` from its command line, tests from a fixed table.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The translator's view of its host. Implementations must be cheap: they are asked per packet.
pub trait Host {
    /// Is `addr` a local address of the namespace (an interface address, or a local
    /// directed broadcast)? Such addresses are never translated (spec §7.1).
    fn is_local4(&self, addr: Ipv4Addr) -> bool;

    /// Is `addr` a local IPv6 address of the namespace?
    fn is_local6(&self, addr: Ipv6Addr) -> bool;

    /// Source address for an ICMPv4 error the translator originates toward `dst`
    /// (the address the kernel would pick). `None`: no usable address.
    fn source4(&self, dst: Ipv4Addr) -> Option<Ipv4Addr>;

    /// Source address for an ICMPv6 error the translator originates toward `dst`.
    fn source6(&self, dst: Ipv6Addr) -> Option<Ipv6Addr>;

    /// MTU of the route toward `dst` (IPv4 side).
    fn mtu4(&self, dst: Ipv4Addr) -> u32;

    /// MTU of the route toward `dst` (IPv6 side).
    fn mtu6(&self, dst: Ipv6Addr) -> u32;

    /// A random number (RFC 6791 addresses, IPv4 identification). The core keeps no RNG.
    fn random_u32(&mut self) -> u32;

    /// Receives one `logging-bib` / `logging-session` line (spec §3), already formatted in
    /// Jool's format. The core never prints; the daemon sends these to its log, `jool-translate`
    /// to stderr. Default: discarded.
    fn log(&mut self, line: &str) {
        let _ = line;
    }

    /// Did the host's kernel already spend one hop of this packet's TTL / hop limit before the
    /// translator got it? True for packets jool-daemon reads from its TUN device: they got
    /// there through the kernel's forwarding path (a route, or nftables `fwd`). False for
    /// packets taken from NFQUEUE in PREROUTING (before routing), for `jool-translate` and for
    /// Jool itself. The translator then judges expiry on the TTL the packet arrived with.
    fn hop_spent_before(&self) -> bool {
        false
    }

    /// Will the host's kernel spend one hop of what the translator emits? True for jool-daemon,
    /// whose output is written into the TUN and forwarded from there. Jool sends its output
    /// directly, so the translator is exactly one router hop; to stay one hop, the translator
    /// then writes the TTL one higher than Jool would, for the kernel to take back.
    fn hop_spent_after(&self) -> bool {
        false
    }

    /// The TTL / hop limit the translator gives a packet it originates (ICMP errors, TCP
    /// probes): the kernel's default 64, plus the hop the kernel will spend forwarding it
    /// ([`hop_spent_after`](Host::hop_spent_after)).
    fn originated_ttl(&self) -> u8 {
        64 + u8::from(self.hop_spent_after())
    }

    /// Wall-clock time, ms since the Unix epoch, for the date in log lines (an input: the core
    /// reads no clock). Default: 0 (1970/1/1 0:0:0).
    fn wall_clock_ms(&self) -> u64 {
        0
    }
}

/// A fixed host: a list of local addresses, one MTU per side, a deterministic xorshift RNG.
/// Used by `jool-translate` and the tests.
#[derive(Clone, Debug)]
pub struct StaticHost {
    /// Local IPv4 addresses; the first is the source of originated ICMPv4 errors.
    pub local4: Vec<Ipv4Addr>,
    /// Local IPv6 addresses; the first is the source of originated ICMPv6 errors.
    pub local6: Vec<Ipv6Addr>,
    /// Next-hop MTU on the IPv4 side.
    pub mtu4: u32,
    /// Next-hop MTU on the IPv6 side.
    pub mtu6: u32,
    /// RNG state (never zero).
    pub rng: u32,
    /// What [`Host::hop_spent_before`] answers (the daemon's TUN datapath: true).
    pub hop_spent_before: bool,
    /// What [`Host::hop_spent_after`] answers (the daemon: true).
    pub hop_spent_after: bool,
    /// What [`Host::wall_clock_ms`] answers (`jool-translate`: the capture's timestamp).
    pub wall_clock_ms: u64,
    /// The `logging-bib` / `logging-session` lines received, oldest first; the owner drains them.
    pub logs: Vec<String>,
}

impl Default for StaticHost {
    fn default() -> Self {
        StaticHost {
            local4: Vec::new(),
            local6: Vec::new(),
            mtu4: 1500,
            mtu6: 1500,
            rng: 0x2545_F491,
            hop_spent_before: false,
            hop_spent_after: false,
            wall_clock_ms: 0,
            logs: Vec::new(),
        }
    }
}

impl Host for StaticHost {
    fn is_local4(&self, addr: Ipv4Addr) -> bool {
        self.local4.contains(&addr)
    }
    fn is_local6(&self, addr: Ipv6Addr) -> bool {
        self.local6.contains(&addr)
    }
    fn source4(&self, _dst: Ipv4Addr) -> Option<Ipv4Addr> {
        self.local4.first().copied()
    }
    fn source6(&self, _dst: Ipv6Addr) -> Option<Ipv6Addr> {
        self.local6.first().copied()
    }
    fn mtu4(&self, _dst: Ipv4Addr) -> u32 {
        self.mtu4
    }
    fn mtu6(&self, _dst: Ipv6Addr) -> u32 {
        self.mtu6
    }
    fn hop_spent_before(&self) -> bool {
        self.hop_spent_before
    }
    fn hop_spent_after(&self) -> bool {
        self.hop_spent_after
    }
    fn log(&mut self, line: &str) {
        self.logs.push(line.to_string());
    }
    fn wall_clock_ms(&self) -> u64 {
        self.wall_clock_ms
    }
    fn random_u32(&mut self) -> u32 {
        // xorshift32: deterministic, so offline runs and tests are reproducible.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        x
    }
}
