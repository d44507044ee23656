//! The nftables ruleset of a netfilter-framework instance: which packets arriving on the
//! namespace's interfaces are sent to the instance's TUN instead of the namespace's own stack.
//! Pure text generation; [`crate::nft::apply`] installs it.
//!
//! Routes do most of the work (pool6, EAMT, non-local pool4 prefixes are routed to the TUN, see
//! [`crate::netlink::route_add`]). Steering covers what routes cannot:
//!
//! - NAT64, pool4 addresses that are local addresses of the namespace (Jool's implicit pool4:
//!   the namespace's own addresses, ports 61001–65535): exactly the instance's traffic goes to
//!   the TUN, the namespace's own sockets keep working on the same addresses:
//!   - TCP/UDP to those addresses with a destination port in the range;
//!   - ICMP echo request/reply with an identifier in the range;
//!   - ICMP errors (destination unreachable, time exceeded, parameter problem) to those
//!     addresses whose embedded packet is TCP/UDP from a port in the range, or an echo request
//!     with an identifier in the range. The embedded header is matched at fixed offsets, so
//!     only an embedded IPv4 header without options (IHL 5) matches; errors about packets
//!     with options stay with the namespace (Jool sends no options itself);
//!   - non-first fragments to those addresses (they carry no port): the instance hands back
//!     what is not its own, and the kernel reassembles those.
//! - SIIT with pool6 (greedy, like Jool): every unicast IPv4 packet whose destination is not
//!   local, broadcast or multicast, minus [`SteeringSpec::v4_greedy_exclude`].
//!
//! One `netdev` table: a base chain `in_N` on the `ingress` hook of each listed device jumps to
//! the chain `steer`. The TUN itself is never listed (hand-backs written into it must reach the
//! stack), nor should `lo` be (the namespace's own traffic).
//!
//! The packets go with `fwd ip to 192.0.0.8 device "<tun>"` (neighbour output), not `fwd to`:
//! the latter transmits the frame with its Ethernet header, which an `IFF_TUN` reader would
//! take for the IP header. Like a routed packet, a forwarded one has its TTL decremented once
//! on the way. 192.0.0.8 (RFC 7600, the IPv4 dummy address) is only the neighbour key on the
//! TUN (no ARP on a TUN); it is not configured anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::net::Ipv4Addr;

use crate::tun::validate_name;

/// Transport protocol of a pool4 entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L4Proto {
    /// TCP: destination ports.
    Tcp,
    /// UDP: destination ports.
    Udp,
    /// ICMP: echo identifiers.
    Icmp,
}

/// What to steer to the TUN.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SteeringSpec {
    /// Interfaces whose ingress is watched: the namespace's interfaces, less the TUNs and `lo`.
    pub devices: Vec<String>,
    /// NAT64: (protocol, local IPv4 address, first port or id, last port or id).
    pub v4_local_targets: Vec<(L4Proto, Ipv4Addr, u16, u16)>,
    /// SIIT with pool6: steer every non-local unicast IPv4 packet.
    pub v4_greedy: bool,
    /// Greedy mode: destinations (prefix, length) left to the namespace (e.g. denylist4).
    pub v4_greedy_exclude: Vec<(Ipv4Addr, u8)>,
}

/// Neighbour key used with `fwd ip to` (RFC 7600 IPv4 dummy address).
const FWD_NEXTHOP: Ipv4Addr = Ipv4Addr::new(192, 0, 0, 8);
/// Priority of the ingress chains (before the usual `filter` at 0).
const PRIORITY: i32 = -300;

/// The nft script that (re)creates table `netdev <table>` for `spec`, replacing any previous
/// version of it in the same transaction. `table` must be an nft identifier (letters, digits,
/// `_`; the daemon uses `jool_<hex>`); `tun` a valid interface name. Devices with names that
/// [`validate_name`] refuses are left out.
pub fn ruleset(table: &str, tun: &str, spec: &SteeringSpec) -> String {
    let mut s = String::new();
    let fwd = format!("fwd ip to {FWD_NEXTHOP} device \"{tun}\"");
    let _ = writeln!(s, "add table netdev {table}");
    let _ = writeln!(s, "delete table netdev {table}");
    let _ = writeln!(s, "table netdev {table} {{");
    let _ = writeln!(s, "\tchain steer {{");
    for rule in rules(spec) {
        let _ = writeln!(s, "\t\t{rule} {fwd}");
    }
    let _ = writeln!(s, "\t}}");
    let devices = spec
        .devices
        .iter()
        .filter(|d| d.as_str() != tun && validate_name(d).is_ok());
    for (i, dev) in devices.enumerate() {
        let _ = writeln!(s, "\tchain in_{i} {{");
        let _ = writeln!(
            s,
            "\t\ttype filter hook ingress device \"{dev}\" priority {PRIORITY}; policy accept;"
        );
        let _ = writeln!(s, "\t\tjump steer");
        let _ = writeln!(s, "\t}}");
    }
    let _ = writeln!(s, "}}");
    s
}

/// The match part of each rule of chain `steer`.
fn rules(spec: &SteeringSpec) -> Vec<String> {
    let mut groups: BTreeMap<(L4Proto, u16, u16), BTreeSet<Ipv4Addr>> = BTreeMap::new();
    for &(proto, addr, min, max) in &spec.v4_local_targets {
        let (lo, hi) = (min.min(max), min.max(max));
        groups.entry((proto, lo, hi)).or_default().insert(addr);
    }
    let mut out = Vec::new();
    for (&(proto, lo, hi), addrs) in &groups {
        let daddr = format!("ip daddr {}", set(addrs.iter()));
        let range = port_range(lo, hi);
        out.push(match proto {
            L4Proto::Tcp => format!("{daddr} tcp dport {range}"),
            L4Proto::Udp => format!("{daddr} udp dport {range}"),
            L4Proto::Icmp => {
                format!("{daddr} icmp type {{ echo-reply, echo-request }} icmp id {range}")
            }
        });
        // The error's embedded packet: IPv4 header at @th,64 (after the 8-byte ICMP header),
        // protocol at its byte 9, transport header at its byte 20 (IHL 5).
        let inner = match proto {
            L4Proto::Tcp => format!("@th,136,8 6 @th,224,16 {range}"),
            L4Proto::Udp => format!("@th,136,8 17 @th,224,16 {range}"),
            L4Proto::Icmp => format!("@th,136,8 1 @th,224,8 8 @th,256,16 {range}"),
        };
        out.push(format!(
            "{daddr} icmp type {{ destination-unreachable, time-exceeded, parameter-problem }} \
             @th,64,8 0x45 {inner}"
        ));
    }
    let all: BTreeSet<Ipv4Addr> = groups.values().flatten().copied().collect();
    if !all.is_empty() {
        out.push(format!(
            "ip daddr {} ip frag-off & 0x1fff != 0",
            set(all.iter())
        ));
    }
    if spec.v4_greedy {
        let mut r = String::from(
            "meta protocol ip meta pkttype host fib daddr type != { local, broadcast, multicast }",
        );
        let excl: BTreeSet<(Ipv4Addr, u8)> = spec
            .v4_greedy_exclude
            .iter()
            .map(|&(a, l)| {
                let l = l.min(32);
                let mask = if l == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(l))
                };
                (Ipv4Addr::from(u32::from(a) & mask), l)
            })
            .collect();
        if !excl.is_empty() {
            let items: Vec<String> = excl.iter().map(|(a, l)| format!("{a}/{l}")).collect();
            let _ = write!(r, " ip daddr != {{ {} }}", items.join(", "));
        }
        out.push(r);
    }
    out
}

fn set<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    let items: Vec<String> = items.map(|i| i.to_string()).collect();
    format!("{{ {} }}", items.join(", "))
}

fn port_range(lo: u16, hi: u16) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);
    const B: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 5);

    #[test]
    fn steers_implicit_pool4_of_nat64() {
        let spec = SteeringSpec {
            devices: vec!["eth0".into(), "veth1".into()],
            v4_local_targets: vec![
                (L4Proto::Udp, B, 61001, 65535),
                (L4Proto::Tcp, A, 61001, 65535),
                (L4Proto::Udp, A, 61001, 65535),
                (L4Proto::Icmp, A, 61001, 65535),
            ],
            ..Default::default()
        };
        let expected = "\
add table netdev jool_1
delete table netdev jool_1
table netdev jool_1 {
\tchain steer {
\t\tip daddr { 192.0.2.2 } tcp dport 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2 } icmp type { destination-unreachable, time-exceeded, parameter-problem } @th,64,8 0x45 @th,136,8 6 @th,224,16 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2, 203.0.113.5 } udp dport 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2, 203.0.113.5 } icmp type { destination-unreachable, time-exceeded, parameter-problem } @th,64,8 0x45 @th,136,8 17 @th,224,16 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2 } icmp type { echo-reply, echo-request } icmp id 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2 } icmp type { destination-unreachable, time-exceeded, parameter-problem } @th,64,8 0x45 @th,136,8 1 @th,224,8 8 @th,256,16 61001-65535 fwd ip to 192.0.0.8 device \"jool-1\"
\t\tip daddr { 192.0.2.2, 203.0.113.5 } ip frag-off & 0x1fff != 0 fwd ip to 192.0.0.8 device \"jool-1\"
\t}
\tchain in_0 {
\t\ttype filter hook ingress device \"eth0\" priority -300; policy accept;
\t\tjump steer
\t}
\tchain in_1 {
\t\ttype filter hook ingress device \"veth1\" priority -300; policy accept;
\t\tjump steer
\t}
}
";
        assert_eq!(ruleset("jool_1", "jool-1", &spec), expected);
    }

    #[test]
    fn steers_non_local_ipv4_for_siit_greedy() {
        let spec = SteeringSpec {
            devices: vec!["v4side".into()],
            v4_greedy: true,
            v4_greedy_exclude: vec![(Ipv4Addr::new(198, 51, 100, 77), 24)],
            ..Default::default()
        };
        let expected = "\
add table netdev t
delete table netdev t
table netdev t {
\tchain steer {
\t\tmeta protocol ip meta pkttype host fib daddr type != { local, broadcast, multicast } ip daddr != { 198.51.100.0/24 } fwd ip to 192.0.0.8 device \"tun0\"
\t}
\tchain in_0 {
\t\ttype filter hook ingress device \"v4side\" priority -300; policy accept;
\t\tjump steer
\t}
}
";
        assert_eq!(ruleset("t", "tun0", &spec), expected);
    }

    #[test]
    fn leaves_out_the_tun_and_unquotable_devices() {
        let spec = SteeringSpec {
            devices: vec!["tun0".into(), "bad\"name".into(), "ok".into()],
            v4_local_targets: vec![(L4Proto::Tcp, A, 80, 80)],
            ..Default::default()
        };
        let text = ruleset("t", "tun0", &spec);
        assert!(text.contains("tcp dport 80 fwd"));
        assert!(text.contains("device \"ok\""));
        assert!(!text.contains("device \"tun0\" priority"));
        assert!(!text.contains("bad"));
        assert!(!text.contains("in_1"));
    }

    #[test]
    fn empty_spec_gives_empty_table() {
        let text = ruleset("t", "tun0", &SteeringSpec::default());
        assert_eq!(
            text,
            "add table netdev t\ndelete table netdev t\ntable netdev t {\n\tchain steer {\n\t}\n}\n"
        );
    }
}
