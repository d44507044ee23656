//! What a netfilter-framework instance plumbs into its namespace, as a pure function of its
//! configuration and the namespace's addresses (the runtime applies the difference).
//!
//! ```text
//!   SIIT : routes → TUN: pool6, every EAMT prefix (both families)
//!          steering (pool6 set): every non-local unicast IPv4 packet, minus denylist4 (greedy,
//!          like Jool's PREROUTING hook)
//!   NAT64: routes → TUN: pool6, pool4 addresses that are not local
//!          steering: local pool4 addresses (or the implicit pool4: the namespace's own
//!          addresses, 61001–65535 for every protocol) × their port/identifier ranges
//! ```
//! The routes go in the instance's own routing table, selected by the rule
//! `not iif <tun> lookup <table>` ([`super::policy`]). Packets the instance cannot translate
//! are written back into the TUN (hand-back); like the translated ones, they come out of the
//! TUN and so skip that table: the kernel routes them as it would without the translator
//! (or answers with its own ICMP error), and a prefix that covers real hosts — the usual case
//! for EAMs, on a connected link or behind a router — is routed to them, not back into the TUN.
//! The namespace's own packets (iif `lo`) do see the table: its traffic to pool6 or to an
//! EAMT prefix is translated too.

use super::host::HostSnapshot;
use crate::instance::{Instance, Translator};
use jool_core::nat64::pool4::{IMPLICIT_PORT_MAX, IMPLICIT_PORT_MIN};
use jool_core::nat64::L4Proto;
use jool_ctl::proto::FrameworkDto;
use jool_datapath::steering::{self, SteeringSpec};
use jool_datapath::IpPrefix;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// The plumbing an instance wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Routes through the instance's TUN.
    pub routes: BTreeSet<IpPrefix>,
    /// The steering table's content (`None`: no table).
    pub steering: Option<SteeringSpec>,
}

fn steer_proto(p: L4Proto) -> steering::L4Proto {
    match p {
        L4Proto::Tcp => steering::L4Proto::Tcp,
        L4Proto::Udp => steering::L4Proto::Udp,
        L4Proto::Icmp => steering::L4Proto::Icmp,
    }
}

/// The plan of `inst` in a namespace with `snap`'s addresses and interfaces `devices` (the
/// ones whose ingress the steering watches: neither TUNs nor loopback).
pub fn plan(inst: &Instance, snap: &HostSnapshot, devices: &[String]) -> Plan {
    let mut p = Plan::default();
    if inst.framework != FrameworkDto::Netfilter {
        return p;
    }
    let mut spec = SteeringSpec {
        devices: devices.to_vec(),
        ..SteeringSpec::default()
    };
    match inst.translator() {
        Translator::Siit(siit) => {
            let c = siit.config();
            let mut route = |addr: IpAddr, len: u8| {
                p.routes.insert(match addr {
                    IpAddr::V4(a) => IpPrefix::v4(a, len),
                    IpAddr::V6(a) => IpPrefix::v6(a, len),
                });
            };
            if let Some(pool6) = c.globals.pool6 {
                route(IpAddr::V6(pool6.addr), pool6.len);
                spec.v4_greedy = true;
                spec.v4_greedy_exclude = c.denylist4.iter().map(|d| (d.addr, d.len)).collect();
            }
            for eam in c.eamt.iter() {
                route(IpAddr::V6(eam.prefix6.addr), eam.prefix6.len);
                route(IpAddr::V4(eam.prefix4.addr), eam.prefix4.len);
            }
        }
        Translator::Nat64(nat) => {
            if let Some(pool6) = nat.globals().pool6 {
                p.routes.insert(IpPrefix::v6(pool6.addr, pool6.len));
            }
            let local: BTreeSet<Ipv4Addr> = snap
                .addrs
                .iter()
                .filter_map(|a| match a.addr {
                    IpAddr::V4(v4) => Some(v4),
                    IpAddr::V6(_) => None,
                })
                .collect();
            let sets = nat.pool4_display(None);
            if sets.is_empty() {
                for addr in snap.own4() {
                    for proto in L4Proto::ALL {
                        spec.v4_local_targets.push((
                            steer_proto(proto),
                            addr,
                            IMPLICIT_PORT_MIN,
                            IMPLICIT_PORT_MAX,
                        ));
                    }
                }
            }
            for set in &sets {
                for row in &set.rows {
                    if local.contains(&row.addr) {
                        spec.v4_local_targets.push((
                            steer_proto(row.proto),
                            row.addr,
                            row.ports.min,
                            row.ports.max,
                        ));
                    } else {
                        p.routes.insert(IpPrefix::v4(row.addr, 32));
                    }
                }
            }
        }
    }
    if !spec.devices.is_empty() && (spec.v4_greedy || !spec.v4_local_targets.is_empty()) {
        p.steering = Some(spec);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::host::Addr;
    use jool_core::globals::Globals;
    use jool_core::nat64::{Pool4, PortRange};
    use jool_core::{Nat64, Nat64Config, SiitConfig};

    fn snap() -> HostSnapshot {
        HostSnapshot::new(
            vec![
                Addr {
                    addr: "192.0.2.1".parse().unwrap(),
                    prefix_len: 24,
                    scope: 0,
                },
                Addr {
                    addr: "127.0.0.1".parse().unwrap(),
                    prefix_len: 8,
                    scope: 254,
                },
            ],
            [1500],
        )
    }

    fn devs() -> Vec<String> {
        vec!["veth0".to_string()]
    }

    fn nat64(framework: FrameworkDto) -> Instance {
        let g = Globals {
            pool6: Some("64:ff9b::/96".parse().unwrap()),
            ..Globals::default()
        };
        let nat = Nat64::new(Nat64Config::new(g, Pool4::new(), [1; 16])).unwrap();
        Instance::new_nat64("default", framework, None, nat, Vec::new())
    }

    #[test]
    fn nat64_with_implicit_pool4_routes_pool6_and_steers_own_addresses() {
        let inst = nat64(FrameworkDto::Netfilter);
        let p = plan(&inst, &snap(), &devs());
        assert_eq!(
            p.routes.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            ["64:ff9b::/96"]
        );
        let spec = p.steering.unwrap();
        assert_eq!(spec.devices, devs());
        assert_eq!(spec.v4_local_targets.len(), 3);
        assert!(spec.v4_local_targets.contains(&(
            steering::L4Proto::Icmp,
            "192.0.2.1".parse().unwrap(),
            61001,
            65535
        )));
    }

    #[test]
    fn nat64_routes_foreign_pool4_and_steers_local_pool4_ranges() {
        let inst = nat64(FrameworkDto::Netfilter);
        let nat = inst.nat64().unwrap();
        let p4 = |s: &str| s.parse().unwrap();
        nat.pool4_add(
            0,
            L4Proto::Tcp,
            p4("203.0.113.8/32"),
            PortRange::new(1, 100),
            None,
        )
        .unwrap();
        nat.pool4_add(
            0,
            L4Proto::Udp,
            p4("192.0.2.1/32"),
            PortRange::new(7000, 8000),
            None,
        )
        .unwrap();
        let p = plan(&inst, &snap(), &devs());
        assert!(p
            .routes
            .contains(&IpPrefix::v4("203.0.113.8".parse().unwrap(), 32)));
        assert_eq!(
            p.steering.unwrap().v4_local_targets,
            [(
                steering::L4Proto::Udp,
                "192.0.2.1".parse().unwrap(),
                7000,
                8000
            )]
        );
    }

    #[test]
    fn siit_routes_eamt_and_steers_greedily_only_with_pool6() {
        let mut c = SiitConfig::default();
        c.eamt
            .add(
                "2001:db8:6::/120".parse().unwrap(),
                "198.51.100.0/24".parse().unwrap(),
                false,
            )
            .unwrap();
        // 192.0.2.8 is on the namespace's 192.0.2.0/24: routed all the same (in the
        // instance's table, which translated packets skip).
        c.eamt
            .add(
                "2001:db8:46::8/128".parse().unwrap(),
                "192.0.2.8/32".parse().unwrap(),
                false,
            )
            .unwrap();
        let inst = Instance::new_siit("default", FrameworkDto::Netfilter, None, c.clone());
        let p = plan(&inst, &snap(), &devs());
        let routes: Vec<String> = p.routes.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            routes,
            [
                "192.0.2.8/32",
                "198.51.100.0/24",
                "2001:db8:6::/120",
                "2001:db8:46::8/128"
            ]
        );
        assert_eq!(p.steering, None);

        c.globals.pool6 = Some("64:ff9b::/96".parse().unwrap());
        c.denylist4
            .add("198.51.100.128/25".parse().unwrap(), false)
            .unwrap();
        let inst = Instance::new_siit("default", FrameworkDto::Netfilter, None, c);
        let spec = plan(&inst, &snap(), &devs()).steering.unwrap();
        assert!(spec.v4_greedy);
        assert_eq!(
            spec.v4_greedy_exclude,
            [("198.51.100.128".parse().unwrap(), 25)]
        );
    }

    #[test]
    fn iptables_instances_plumb_nothing() {
        let inst = nat64(FrameworkDto::Iptables);
        assert_eq!(plan(&inst, &snap(), &devs()), Plan::default());
    }
}
