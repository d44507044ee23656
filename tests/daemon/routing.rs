//! Policy routing, hop counts and ICMP errors through the real daemon: each netfilter
//! instance's routes live in a table of its own, selected by `not iif <tun>`, so what the
//! daemon writes into the TUN (translated packets, hand-backs) is routed as if the translator
//! were not there; the translator is exactly one router hop; ICMP errors about translated
//! flows reach it. Namespaces and addresses as in the rest of `tests/daemon.rs`.

use super::*;
use jool_datapath::netlink;
use rustix::net::{ipproto, recv, sockopt, AddressFamily, RecvFlags, SocketType};
use std::net::Ipv6Addr;
use std::os::fd::OwnedFd;

/// `JSTAT_*` ids (spec §6): received6, received4, success, JSTAT64_SRC.
const RECEIVED6: u8 = 1;
const RECEIVED4: u8 = 2;
const SUCCESS: u8 = 3;
const SRC64: u8 = 39;
const DST64: u8 = 40;

/// The IPv6 packets of the test's flows an instance received: the kernel also sends the
/// TUN its MLD reports (`:: > ff02::16`, for the all-routers groups a forwarding namespace
/// joins), which the instance counts as received and hands back (JSTAT64_DST).
fn flow6(s: &[(u8, u64)]) -> u64 {
    stat(s, RECEIVED6) - stat(s, DST64)
}

/// A raw socket of `family`/`proto` in `ns`, with a short read timeout: it receives a copy of
/// every incoming packet of that protocol (IPv4: with its IP header; IPv6: from the ICMPv6
/// header on).
fn raw_socket(ns: &TestNs, family: AddressFamily, proto: rustix::net::Protocol) -> OwnedFd {
    let fd = ns
        .netns()
        .enter(|| rustix::net::socket(family, SocketType::RAW, Some(proto)))
        .expect("enter the test namespace")
        .expect("raw socket");
    sockopt::set_socket_timeout(
        &fd,
        sockopt::Timeout::Recv,
        Some(Duration::from_millis(100)),
    )
    .unwrap();
    fd
}

/// Every packet `fd` receives until `done` says so or `limit` passes.
fn read_until(fd: &OwnedFd, limit: Duration, mut done: impl FnMut(&[u8]) -> bool) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 2048];
    while Instant::now() < deadline {
        if let Ok((n, _)) = recv(fd, &mut buf[..], RecvFlags::empty()) {
            if done(&buf[..n.min(buf.len())]) {
                return true;
            }
        }
    }
    false
}

fn ipv6_at(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    <[u8; 16]>::try_from(b.get(at..at + 16)?)
        .ok()
        .map(Ipv6Addr::from)
}

fn eam(prefix6: &str, prefix4: &str) -> Op {
    Op::EamtAdd {
        prefix6: prefix6.into(),
        prefix4: prefix4.into(),
        force: true,
    }
}

/// h6 (2001:db8:2::8) ── rt ── xlat, with rt also carrying 192.0.2.8 on the link to xlat:
/// the IPv6 host is behind a router, so its EAM prefix is no subnet of the translator's.
struct Routed {
    h6: TestNs,
    rt: TestNs,
    xlat: TestNs,
}

impl Routed {
    fn new() -> Routed {
        let (h6, rt, xlat) = (TestNs::bare("h"), TestNs::bare("r"), TestNs::bare("x"));
        h6.ip(&[
            "link", "add", "to_r", "type", "veth", "peer", "name", "to_h", "netns", &rt.name,
        ]);
        rt.ip(&[
            "link", "add", "to_x", "type", "veth", "peer", "name", "to_r", "netns", &xlat.name,
        ]);
        h6.ip(&["addr", "add", "2001:db8:2::8/64", "dev", "to_r", "nodad"]);
        h6.ip(&["link", "set", "to_r", "up"]);
        h6.ip(&["-6", "route", "add", "default", "via", "2001:db8:2::1"]);
        rt.ip(&["addr", "add", "2001:db8:2::1/64", "dev", "to_h", "nodad"]);
        rt.ip(&["addr", "add", "2001:db8:3::2/64", "dev", "to_x", "nodad"]);
        rt.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_x"]);
        rt.ip(&["link", "set", "to_h", "up"]);
        rt.ip(&["link", "set", "to_x", "up"]);
        rt.ip(&[
            "-6",
            "route",
            "add",
            "2001:db8:46::/64",
            "via",
            "2001:db8:3::1",
        ]);
        rt.ip(&["-4", "route", "add", "198.51.100.0/24", "via", "192.0.2.1"]);
        rt.sysctl("net.ipv6.conf.all.forwarding=1");
        xlat.ip(&["addr", "add", "2001:db8:3::1/64", "dev", "to_r", "nodad"]);
        xlat.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_r"]);
        xlat.ip(&["link", "set", "to_r", "up"]);
        xlat.ip(&[
            "-6",
            "route",
            "add",
            "2001:db8:2::/64",
            "via",
            "2001:db8:3::2",
        ]);
        xlat.sysctl("net.ipv4.conf.all.forwarding=1");
        xlat.sysctl("net.ipv6.conf.all.forwarding=1");
        Routed { h6, rt, xlat }
    }
}

#[test]
fn siit_eam_of_hosts_behind_a_router_translates_both_ways_without_looping() {
    require_root!();
    let t = Routed::new();
    let d = Daemon::start();
    let add = add(FrameworkDto::Netfilter, None);
    assert_eq!(
        t.xlat.request(&d.socket, Xlator::Siit, "default", add),
        Response::Ok
    );
    // h6's network appears as 198.51.100.0/24; rt's IPv4 address as 2001:db8:46::8.
    for (p6, p4) in [
        ("2001:db8:2::/120", "198.51.100.0/24"),
        ("2001:db8:46::8/128", "192.0.2.8/32"),
    ] {
        let r = t
            .xlat
            .request(&d.socket, Xlator::Siit, "default", eam(p6, p4));
        assert_eq!(r, Response::Ok);
    }

    // IPv6 → IPv4 and its answer.
    let cli = t.h6.udp("[2001:db8:2::8]:0");
    let srv = t.rt.udp("192.0.2.8:5000");
    let x = exchange(&cli, "[2001:db8:46::8]:5000", &srv);
    assert_eq!(x.at_server.ip().to_string(), "198.51.100.8");
    assert_eq!(x.at_client.to_string(), "[2001:db8:46::8]:5000");
    // IPv4 → IPv6 and its answer.
    let cli = t.rt.udp("192.0.2.8:0");
    let srv = t.h6.udp("[2001:db8:2::8]:6000");
    let y = exchange(&cli, "198.51.100.8:6000", &srv);
    assert_eq!(y.at_server.ip().to_string(), "2001:db8:46::8");
    assert_eq!(y.at_client.to_string(), "198.51.100.8:6000");

    // Each datagram crossed the translator once: a translated packet routed back into the
    // TUN would be translated again (and again), and counted each time.
    let s = stats(&t.xlat, &d.socket, Xlator::Siit, "default");
    let received = flow6(&s) + stat(&s, RECEIVED4);
    assert!(
        (4..=x.sends + y.sends).contains(&received),
        "received {received} for {} datagrams: {s:?}",
        x.sends + y.sends
    );
    assert_eq!(stat(&s, SUCCESS), received, "{s:?}");
    // The EAM prefix is routed to the TUN in the instance's table, not in main.
    let table = t.xlat.ip(&["-6", "route", "show", "table", "27136"]);
    assert!(table.contains("2001:db8:2::/120 dev jool-"), "{table}");
    assert!(!t.xlat.ip(&["-6", "route", "show"]).contains("jool-"));
}

#[test]
fn untranslatable_packet_to_pool6_is_handed_back_once_and_the_kernel_answers() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    t.add_pool6_instance(&d, Xlator::Siit);
    let icmp = raw_socket(&t.world, AddressFamily::INET6, ipproto::ICMPV6);
    // 2001:db8:1::8 is in neither pool6 nor the EAMT: SIIT cannot translate the source
    // (JSTAT64_SRC) and hands the packet back; the translator's namespace has no other route
    // to pool6, so its kernel answers "no route" (1/0) — once, not after a loop through the
    // TUN that ends in "hop limit exceeded" (3/0).
    let cli = t.world.udp("[2001:db8:1::8]:0");
    let dst: Ipv6Addr = "2001:db8:64::c633:6409".parse().unwrap();
    let mut sends = 0;
    let mut types = Vec::new();
    let mut answered = false;
    for _ in 0..3 {
        cli.send_to(b"hello", (dst, 5000)).unwrap();
        sends += 1;
        answered = read_until(&icmp, Duration::from_secs(2), |b| {
            if b.len() >= 48 && b[0] < 128 {
                types.push((b[0], b[1]));
                // The error quotes our packet: destination at 8 + 24.
                return b[0] == 1 && ipv6_at(b, 32) == Some(dst);
            }
            false
        });
        if answered {
            break;
        }
    }
    assert!(answered, "no ICMPv6 error; saw {types:?}");
    assert_eq!(types.last(), Some(&(1, 0)), "{types:?}");
    assert!(!types.iter().any(|&(ty, _)| ty == 3), "{types:?}");
    let s = stats(&t.xlat, &d.socket, Xlator::Siit, "default");
    let received = flow6(&s);
    assert!(
        (1..=sends).contains(&received),
        "received {received} of {sends}: {s:?}"
    );
    assert_eq!(stat(&s, SRC64), received, "{s:?}");
    assert_eq!(stat(&s, SUCCESS), 0, "{s:?}");
}

#[test]
fn nat64_is_exactly_one_hop_each_way() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    t.add_pool6_instance(&d, Xlator::Nat64);
    assert_one_hop_each_way(&t);
}

/// `world` pings 2001:db8:64::192.0.2.8 (itself, through a NAT64 with pool6 2001:db8:64::/96
/// and the implicit pool4 192.0.2.1) with hop limit 64: the echo request reaches the IPv4
/// side with TTL 63, the reply (TTL 64) comes back with hop limit 63 — the seed's `ttl=63`.
pub(crate) fn assert_one_hop_each_way(t: &Topology) {
    let icmp4 = raw_socket(&t.world, AddressFamily::INET, ipproto::ICMP);
    let mut reply_ttl = None;
    for _ in 0..3 {
        let ping = [
            "10",
            "ip",
            "netns",
            "exec",
            &t.world.name,
            "ping",
            "-6",
            "-n",
            "-c",
            "1",
            "-W",
            "3",
            "-t",
            "64",
            "2001:db8:64::192.0.2.8",
        ];
        let out = sh("timeout", &ping);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        reply_ttl = text
            .split_whitespace()
            .find_map(|w| w.strip_prefix("ttl="))
            .map(str::to_owned);
        if reply_ttl.is_some() {
            break;
        }
    }
    assert_eq!(reply_ttl.as_deref(), Some("63"));
    // The translated echo request (from the implicit pool4, 192.0.2.1) arrived with TTL 63.
    let mut ttls = Vec::new();
    read_until(&icmp4, Duration::from_millis(300), |b| {
        if b.len() >= 28 && b[20] == 8 && b[12..16] == [192, 0, 2, 1] {
            ttls.push(b[8]);
        }
        false
    });
    assert!(!ttls.is_empty(), "no echo request seen");
    assert!(ttls.iter().all(|&t| t == 63), "{ttls:?}");
}

#[test]
fn nat64_translates_icmp_port_unreachable_back_to_the_ipv6_client() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    t.add_pool6_instance(&d, Xlator::Nat64);
    let icmp6 = raw_socket(&t.world, AddressFamily::INET6, ipproto::ICMPV6);
    // Nobody listens on 192.0.2.8:5999: the server's kernel answers ICMPv4 3/3 to the mask
    // (192.0.2.1, a port of the implicit pool4), which the steering sends to the TUN and the
    // NAT64 translates into ICMPv6 1/4 for the client.
    let cli = t.world.udp("[2001:db8:1::8]:0");
    cli.connect("[2001:db8:64::192.0.2.8]:5999").unwrap();
    let mut buf = [0u8; 16];
    let mut refused = false;
    for _ in 0..5 {
        cli.send(b"knock").unwrap();
        match cli.recv(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                refused = true;
                break;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(refused, "the client never got ECONNREFUSED");
    let server6: Ipv6Addr = "2001:db8:64::c000:208".parse().unwrap();
    let mut seen = Vec::new();
    let found = read_until(&icmp6, Duration::from_secs(1), |b| {
        if b.len() >= 48 && b[0] < 128 {
            seen.push((b[0], b[1], ipv6_at(b, 8 + 8), ipv6_at(b, 8 + 24)));
        }
        b.len() >= 48 && (b[0], b[1]) == (1, 4) && ipv6_at(b, 8 + 24) == Some(server6)
    });
    assert!(
        found,
        "no ICMPv6 port unreachable about our datagram: {seen:?}"
    );
    let s = stats(&t.xlat, &d.socket, Xlator::Nat64, "default");
    assert!(stat(&s, RECEIVED4) >= 1, "{s:?}");
}

#[test]
fn instances_of_a_deleted_namespace_leave_no_rule_behind() {
    require_root!();
    let ns = TestNs::new();
    let d = Daemon::start();
    let add = add(FrameworkDto::Netfilter, Some("2001:db8:46::/96"));
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "default", add),
        Response::Ok
    );
    // Keep the namespace object alive (an open descriptor) to look inside after its name
    // is gone; the daemon sees no name and no process in it: deleted.
    let handle = ns.netns();
    let jool_rules = |h: &NetNs| -> Vec<netlink::Rule> {
        netlink::rules(h)
            .unwrap()
            .into_iter()
            .filter(|r| r.iif.as_deref().is_some_and(|i| i.starts_with("jool-")))
            .collect()
    };
    assert_eq!(jool_rules(&handle).len(), 2);
    let out = sh("ip", &["netns", "del", &ns.name]);
    assert!(out.status.success(), "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rules = jool_rules(&handle);
        let tuns: Vec<String> = netlink::links(&handle)
            .unwrap()
            .into_iter()
            .map(|l| l.name)
            .filter(|n| n.starts_with("jool-"))
            .collect();
        if rules.is_empty() && tuns.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "still there: {rules:?} {tuns:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn the_next_daemon_sweeps_what_a_killed_one_left() {
    require_root!();
    let ns = TestNs::new();
    let mut d = Daemon::start();
    let add = || add(FrameworkDto::Netfilter, Some("2001:db8:46::/96"));
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "default", add()),
        Response::Ok
    );
    // SIGKILL: no cleanup. The TUN (and its routes) go with the process; the rules and the
    // steering table stay.
    d.signal(rustix::process::Signal::KILL);
    let deadline = Instant::now() + Duration::from_secs(10);
    while d.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the daemon did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(ns.tuns().is_empty());
    assert_eq!(ns.jool_rules().len(), 2, "{:?}", ns.jool_rules());
    assert_eq!(ns.jool_tables().len(), 1, "{:?}", ns.jool_tables());
    // The next daemon's first instance there removes them and takes the first slot again.
    let d2 = Daemon::start();
    assert_eq!(
        ns.request(&d2.socket, Xlator::Siit, "default", add()),
        Response::Ok
    );
    let tun = ns.tuns().pop().expect("a TUN");
    let rules = ns.jool_rules();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(
        rules
            .iter()
            .all(|r| r.contains(&format!("iif {tun} lookup 27136"))),
        "{rules:?}"
    );
    let tables = ns.jool_tables();
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert!(tables[0].ends_with(&tun.replace('-', "_")), "{tables:?}");
    drop(d2);
    assert_eq!(ns.plumbing(), Vec::<String>::new());
}
