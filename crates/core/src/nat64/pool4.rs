//! pool4: the IPv4 transport addresses NAT64 masks IPv6 clients with (spec §2.7, §7.3).
//!
//! ```text
//!   Pool4 ─┬─ set (mark 0, TCP, max-iterations auto) ─┬─ 192.0.2.1  1000-3000
//!          │                                          └─ 192.0.2.8  1-65535
//!          └─ set (mark 1, TCP, ...)                  ─── 192.0.2.1  1500-2500
//! ```
//! A 6→4 packet draws its mask from the set of its (mark, protocol) — the "mask domain"
//! walked by RFC 6056 algorithm 3 ([`super::rfc6056`]); a 4→6 packet matches pool4 by
//! (protocol, address, port), marks ignored. An empty pool4 (all protocols) means Jool's
//! implicit pool4: the instance's own addresses, ports 61001–65535, no iteration cap.

use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU32, Ordering};

use super::tuple::{L4Proto, Taddr4};
use crate::prefix::Ipv4Prefix;

/// First port of the implicit pool4 (spec §7.3).
pub const IMPLICIT_PORT_MIN: u16 = 61001;
/// Last port of the implicit pool4.
pub const IMPLICIT_PORT_MAX: u16 = 65535;
/// Longest prefix one `add` may expand into rows (one row per address): a /16. Jool has no
/// such limit; a /8 would be 16 million rows, so the core refuses it instead of exhausting memory.
pub const MAX_ADDRS_PER_ADD: u64 = 1 << 16;

/// An inclusive port (or ICMP identifier) range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    /// First port.
    pub min: u16,
    /// Last port (≥ `min`).
    pub max: u16,
}

impl PortRange {
    /// A range; `min` and `max` are swapped if reversed (Jool's kernel does the same).
    pub fn new(a: u16, b: u16) -> Self {
        PortRange {
            min: a.min(b),
            max: a.max(b),
        }
    }

    /// Every port, 0-65535.
    pub const ALL: PortRange = PortRange { min: 0, max: 65535 };

    /// Number of ports.
    pub fn len(&self) -> u32 {
        u32::from(self.max) - u32::from(self.min) + 1
    }

    /// Always false (a range holds at least one port); present for clippy's sake.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Does the range hold `port`?
    pub fn contains(&self, port: u16) -> bool {
        self.min <= port && port <= self.max
    }

    /// The ports both ranges hold.
    pub fn intersection(&self, o: &PortRange) -> Option<PortRange> {
        let min = self.min.max(o.min);
        let max = self.max.min(o.max);
        (min <= max).then_some(PortRange { min, max })
    }

    /// Do the ranges overlap or touch (so that they fuse into one)?
    fn touches(&self, o: &PortRange) -> bool {
        u32::from(self.min) <= u32::from(o.max) + 1 && u32::from(o.min) <= u32::from(self.max) + 1
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.min, self.max)
    }
}

/// `--max-iterations` of a pool4 set (RFC 6056 algorithm 3 gives up after this many probes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MaxIterations {
    /// `clamp(transport_addresses / 128, 1024, 8192)`.
    #[default]
    Auto,
    /// No cap (the whole set may be walked).
    Infinity,
    /// A fixed cap, at least 1.
    Fixed(u32),
}

impl MaxIterations {
    /// The cap for a set of `taddrs` transport addresses; `None` = infinite.
    pub fn effective(self, taddrs: u64) -> Option<u64> {
        match self {
            MaxIterations::Auto => Some((taddrs / 128).clamp(1024, 8192)),
            MaxIterations::Infinity => None,
            MaxIterations::Fixed(n) => Some(u64::from(n)),
        }
    }
}

/// Why a pool4 change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Pool4Error {
    /// `--max-iterations 0`.
    #[error("Zero is not a legal Max Iterations value.")]
    ZeroIterations,
    /// The prefix would expand into too many rows.
    #[error(
        "The prefix {0} holds too many addresses (at most {MAX_ADDRS_PER_ADD} per operation)."
    )]
    PrefixTooLarge(Ipv4Prefix),
}

/// One display row of pool4: one address and port range of one (mark, protocol) set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool4Row {
    /// Packet mark of the set.
    pub mark: u32,
    /// Protocol of the set.
    pub proto: L4Proto,
    /// Address.
    pub addr: Ipv4Addr,
    /// Ports (ICMP identifiers).
    pub ports: PortRange,
}

impl Pool4Row {
    /// Does the row hold `taddr` of protocol `proto` (marks ignored)?
    pub fn contains(&self, proto: L4Proto, taddr: Taddr4) -> bool {
        self.proto == proto && self.addr == taddr.addr && self.ports.contains(taddr.port)
    }
}

/// A (mark, protocol) set.
#[derive(Debug)]
struct Pool4Set {
    mark: u32,
    proto: L4Proto,
    max_iterations: MaxIterations,
    /// Sorted by (address, first port); ranges of one address never touch.
    rows: Vec<(Ipv4Addr, PortRange)>,
    /// RFC 6056 algorithm 3's `next_ephemeral`, shared by the worker threads.
    counter: AtomicU32,
}

impl Clone for Pool4Set {
    fn clone(&self) -> Self {
        Pool4Set {
            mark: self.mark,
            proto: self.proto,
            max_iterations: self.max_iterations,
            rows: self.rows.clone(),
            counter: AtomicU32::new(self.counter.load(Ordering::Relaxed)),
        }
    }
}

impl Pool4Set {
    fn taddrs(&self) -> u64 {
        self.rows.iter().map(|(_, r)| u64::from(r.len())).sum()
    }

    fn insert_fused(&mut self, addr: Ipv4Addr, mut range: PortRange) {
        self.rows.retain(|(a, r)| {
            if *a == addr && r.touches(&range) {
                range = PortRange::new(range.min.min(r.min), range.max.max(r.max));
                false
            } else {
                true
            }
        });
        let at = self.rows.partition_point(|e| *e < (addr, range));
        self.rows.insert(at, (addr, range));
    }
}

/// One (mark, protocol) set as `pool4 display` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool4SetView {
    /// Mark.
    pub mark: u32,
    /// Protocol.
    pub proto: L4Proto,
    /// Configured max iterations.
    pub max_iterations: MaxIterations,
    /// Effective max iterations (`None`: infinite).
    pub effective_iterations: Option<u64>,
    /// Rows, sorted by address then port.
    pub rows: Vec<Pool4Row>,
}

/// The pool4 of one NAT64 instance. `Clone` copies the RFC 6056 counters too.
#[derive(Clone, Debug, Default)]
pub struct Pool4 {
    /// Sets in insertion order (the order `pool4 display` prints them).
    sets: Vec<Pool4Set>,
    /// (protocol, address) → port ranges, for the per-packet 4→6 match.
    index: BTreeMap<(L4Proto, Ipv4Addr), Vec<PortRange>>,
    /// The instance's own (universe-scope) addresses: the implicit pool4.
    own4: Vec<Ipv4Addr>,
    /// `next_ephemeral` of the implicit pool4.
    implicit_counter: std::sync::Arc<AtomicU32>,
}

impl Pool4 {
    /// An empty pool4 (the implicit pool4 applies).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the instance's own IPv4 addresses (the implicit pool4's addresses).
    pub fn set_own_addresses(&mut self, own4: Vec<Ipv4Addr>) {
        self.own4 = own4;
    }

    /// The instance's own IPv4 addresses (see [`Pool4::set_own_addresses`]).
    pub fn own_addresses(&self) -> &[Ipv4Addr] {
        &self.own4
    }

    /// Is pool4 empty for every protocol (so that the implicit pool4 applies)?
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// `pool4 add`: adds every address of `prefix` with `ports` to the (mark, proto) set,
    /// fusing ranges that touch or overlap. Port 0 becomes 1 for TCP/UDP; a reversed range
    /// is swapped. `max_iterations`, if given, also updates an existing set.
    pub fn add(
        &mut self,
        mark: u32,
        proto: L4Proto,
        prefix: Ipv4Prefix,
        ports: PortRange,
        max_iterations: Option<MaxIterations>,
    ) -> Result<(), Pool4Error> {
        if max_iterations == Some(MaxIterations::Fixed(0)) {
            return Err(Pool4Error::ZeroIterations);
        }
        if prefix.size() > MAX_ADDRS_PER_ADD {
            return Err(Pool4Error::PrefixTooLarge(prefix));
        }
        let mut ports = PortRange::new(ports.min, ports.max);
        if proto.has_ports() {
            ports.min = ports.min.max(1);
            ports.max = ports.max.max(1);
        }
        let at = match self
            .sets
            .iter()
            .position(|s| s.mark == mark && s.proto == proto)
        {
            Some(i) => i,
            None => {
                self.sets.push(Pool4Set {
                    mark,
                    proto,
                    max_iterations: MaxIterations::Auto,
                    rows: Vec::new(),
                    counter: AtomicU32::new(0),
                });
                self.sets.len() - 1
            }
        };
        let set = &mut self.sets[at];
        if let Some(mi) = max_iterations {
            set.max_iterations = mi;
        }
        let first = u32::from(prefix.network());
        for i in 0..prefix.size() {
            set.insert_fused(Ipv4Addr::from(first.wrapping_add(i as u32)), ports);
        }
        self.reindex();
        Ok(())
    }

    /// `pool4 remove`: removes the overlap of `prefix` × `ports` from the (mark, proto) set
    /// (punching holes). Returns what was removed, so the BIB and sessions that use it can
    /// be purged (unless `--quick`).
    pub fn remove(
        &mut self,
        mark: u32,
        proto: L4Proto,
        prefix: Ipv4Prefix,
        ports: PortRange,
    ) -> Vec<Pool4Row> {
        let ports = PortRange::new(ports.min, ports.max);
        let mut removed = Vec::new();
        if let Some(set) = self
            .sets
            .iter_mut()
            .find(|s| s.mark == mark && s.proto == proto)
        {
            let mut kept = Vec::with_capacity(set.rows.len() + 1);
            for &(addr, r) in &set.rows {
                let cut = if prefix.contains(addr) {
                    r.intersection(&ports)
                } else {
                    None
                };
                let Some(cut) = cut else {
                    kept.push((addr, r));
                    continue;
                };
                removed.push(Pool4Row {
                    mark,
                    proto,
                    addr,
                    ports: cut,
                });
                if cut.min > r.min {
                    kept.push((addr, PortRange::new(r.min, cut.min - 1)));
                }
                if cut.max < r.max {
                    kept.push((addr, PortRange::new(cut.max + 1, r.max)));
                }
            }
            set.rows = kept;
        }
        self.sets.retain(|s| !s.rows.is_empty());
        self.reindex();
        removed
    }

    /// `pool4 flush`: empties every set of every protocol.
    pub fn flush(&mut self) {
        self.sets.clear();
        self.index.clear();
    }

    fn reindex(&mut self) {
        self.index.clear();
        for s in &self.sets {
            for &(addr, r) in &s.rows {
                self.index.entry((s.proto, addr)).or_default().push(r);
            }
        }
    }

    /// Does an incoming IPv4 packet of `proto` to `addr`#`port` belong to pool4 (marks
    /// ignored)? With an empty pool4: is `addr` one of the own addresses and `port` ≥ 61001?
    pub fn contains(&self, proto: L4Proto, addr: Ipv4Addr, port: u16) -> bool {
        if self.is_empty() {
            return self.own4.contains(&addr) && port >= IMPLICIT_PORT_MIN;
        }
        self.index
            .get(&(proto, addr))
            .is_some_and(|v| v.iter().any(|r| r.contains(port)))
    }

    /// The sets as `pool4 display` prints them (insertion order, rows sorted), optionally
    /// only one protocol's.
    pub fn display(&self, proto: Option<L4Proto>) -> Vec<Pool4SetView> {
        self.sets
            .iter()
            .filter(|s| proto.is_none_or(|p| p == s.proto))
            .map(|s| Pool4SetView {
                mark: s.mark,
                proto: s.proto,
                max_iterations: s.max_iterations,
                effective_iterations: s.max_iterations.effective(s.taddrs()),
                rows: s
                    .rows
                    .iter()
                    .map(|&(addr, ports)| Pool4Row {
                        mark: s.mark,
                        proto: s.proto,
                        addr,
                        ports,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The mask domain of a 6→4 packet: the set of its (mark, protocol); with an empty
    /// pool4, `implicit` (the address the kernel would use toward the destination) ×
    /// 61001–65535. `None`: `JSTAT_MASK_DOMAIN_NOT_FOUND`.
    pub fn domain(
        &self,
        proto: L4Proto,
        mark: u32,
        implicit: Option<Ipv4Addr>,
    ) -> Option<Domain<'_>> {
        if self.is_empty() {
            let addr = implicit?;
            return Some(Domain {
                rows: DomainRows::Implicit(addr),
                total: u64::from(IMPLICIT_PORT_MAX - IMPLICIT_PORT_MIN) + 1,
                max_iterations: None,
                counter: &self.implicit_counter,
            });
        }
        let set = self
            .sets
            .iter()
            .find(|s| s.mark == mark && s.proto == proto)?;
        let total = set.taddrs();
        Some(Domain {
            rows: DomainRows::Set(&set.rows),
            total,
            max_iterations: set.max_iterations.effective(total),
            counter: &set.counter,
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum DomainRows<'a> {
    Set(&'a [(Ipv4Addr, PortRange)]),
    Implicit(Ipv4Addr),
}

/// The transport addresses one 6→4 packet may be masked with, in a fixed order.
#[derive(Clone, Copy, Debug)]
pub struct Domain<'a> {
    rows: DomainRows<'a>,
    total: u64,
    max_iterations: Option<u64>,
    counter: &'a AtomicU32,
}

impl<'a> Domain<'a> {
    /// Number of transport addresses.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Does the domain hold nothing?
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The set's effective max iterations (`None`: infinite).
    pub fn max_iterations(&self) -> Option<u64> {
        self.max_iterations
    }

    /// The set's RFC 6056 `next_ephemeral` counter.
    pub(crate) fn counter(&self) -> &'a AtomicU32 {
        self.counter
    }

    /// Does the domain hold `t`?
    pub fn contains(&self, t: Taddr4) -> bool {
        match self.rows {
            DomainRows::Implicit(a) => a == t.addr && t.port >= IMPLICIT_PORT_MIN,
            DomainRows::Set(rows) => rows.iter().any(|(a, r)| *a == t.addr && r.contains(t.port)),
        }
    }

    /// Every transport address once, starting at index `start % len()` and wrapping.
    pub fn walk(&self, start: u64) -> DomainWalk<'a> {
        let mut w = DomainWalk {
            rows: self.rows,
            row: 0,
            port: 0,
            remaining: self.total,
        };
        if self.total == 0 {
            return w;
        }
        let mut skip = start % self.total;
        match self.rows {
            DomainRows::Implicit(_) => w.port = IMPLICIT_PORT_MIN as u32 + skip as u32,
            DomainRows::Set(rows) => {
                for (i, (_, r)) in rows.iter().enumerate() {
                    if skip < u64::from(r.len()) {
                        w.row = i;
                        w.port = u32::from(r.min) + skip as u32;
                        break;
                    }
                    skip -= u64::from(r.len());
                }
            }
        }
        w
    }
}

/// Iterator of [`Domain::walk`].
#[derive(Clone, Debug)]
pub struct DomainWalk<'a> {
    rows: DomainRows<'a>,
    row: usize,
    port: u32,
    remaining: u64,
}

impl Iterator for DomainWalk<'_> {
    type Item = Taddr4;

    fn next(&mut self) -> Option<Taddr4> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        match self.rows {
            DomainRows::Implicit(addr) => {
                let t = Taddr4::new(addr, self.port as u16);
                self.port += 1;
                if self.port > u32::from(IMPLICIT_PORT_MAX) {
                    self.port = u32::from(IMPLICIT_PORT_MIN);
                }
                Some(t)
            }
            DomainRows::Set(rows) => {
                let (addr, r) = *rows.get(self.row)?;
                let t = Taddr4::new(addr, self.port as u16);
                self.port += 1;
                if self.port > u32::from(r.max) {
                    self.row = (self.row + 1) % rows.len();
                    self.port = rows.get(self.row).map_or(0, |(_, r)| u32::from(r.min));
                }
                Some(t)
            }
        }
    }
}

/// Since Jool 4.1.15 a TCP/UDP pool4 range may not intersect the namespace's
/// `net.ipv4.ip_local_port_range` (unless forced): the kernel's own sockets would collide
/// with the masks. ICMP ranges are not checked.
pub fn check_ephemeral(
    proto: L4Proto,
    ports: PortRange,
    ephemeral: PortRange,
) -> Result<(), String> {
    let ports = PortRange::new(ports.min, ports.max);
    if proto.has_ports() && ports.intersection(&ephemeral).is_some() {
        return Err(format!(
            "Port range {}-{} intersects with the namespace's ephemeral range ({}-{}).",
            ports.min, ports.max, ephemeral.min, ephemeral.max
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "pool4_tests.rs"]
mod tests;
