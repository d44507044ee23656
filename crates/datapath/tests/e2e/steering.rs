use std::net::Ipv4Addr;
use std::time::Duration;

use jool_datapath::steering::{ruleset, L4Proto, SteeringSpec};
use jool_datapath::{nft, NetNs, Tun};

use crate::support::{udp_socket_in, veth_pair, TestNs};

const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const B: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

/// A (192.0.2.1, va) <-> B (192.0.2.2, vb); B has the TUN.
struct Topo {
    a: TestNs,
    _b: TestNs,
    nsa: NetNs,
    nsb: NetNs,
    tun: Tun,
}

fn topo(tun_name: &str) -> Topo {
    let a = TestNs::new();
    let b = TestNs::new();
    veth_pair(&a, "va", &b, "vb");
    a.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "va"]);
    b.exec(&["ip", "addr", "add", "192.0.2.2/24", "dev", "vb"]);
    let nsa = NetNs::by_name(&a.name).unwrap();
    let nsb = NetNs::by_name(&b.name).unwrap();
    let tun = Tun::create(&nsb, tun_name).unwrap();
    Topo {
        a,
        _b: b,
        nsa,
        nsb,
        tun,
    }
}

fn recv(tun: &Tun, ms: u64) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 65536];
    tun.recv_timeout(&mut buf, Duration::from_millis(ms))
        .unwrap()
        .map(|n| buf[..n].to_vec())
}

#[test]
fn steers_exactly_the_pool4_range_of_a_local_address() {
    let t = topo("jool-st");
    let spec = SteeringSpec {
        devices: vec!["vb".into()],
        v4_local_targets: vec![
            (L4Proto::Udp, B, 61001, 65535),
            (L4Proto::Tcp, B, 61001, 65535),
            (L4Proto::Icmp, B, 61001, 65535),
        ],
        ..Default::default()
    };
    let text = ruleset("jool_st", t.tun.name(), &spec);
    nft::check(&t.nsb, &text).unwrap();
    nft::apply(&t.nsb, &text).unwrap();
    nft::apply(&t.nsb, &text).unwrap(); // re-sync replaces

    // In the range: to the TUN, as a bare IPv4 packet (TTL decremented once, like routing).
    let from_a = udp_socket_in(&t.nsa, "192.0.2.1:0");
    from_a.send_to(b"nat64", "192.0.2.2:61001").unwrap();
    let p = recv(&t.tun, 2000).expect("steered to the TUN");
    assert_eq!(p[0], 0x45);
    assert_eq!(p[8], 63);
    assert_eq!(&p[16..20], &B.octets());
    assert_eq!(u16::from_be_bytes([p[22], p[23]]), 61001);

    // Out of the range: the namespace's own socket gets it, the TUN nothing.
    let local = udp_socket_in(&t.nsb, "192.0.2.2:5000");
    from_a.send_to(b"own", "192.0.2.2:5000").unwrap();
    let mut buf = [0u8; 16];
    let (n, _) = local.recv_from(&mut buf).expect("own traffic kept");
    assert_eq!(&buf[..n], b"own");
    assert!(recv(&t.tun, 300).is_none());

    // An ICMP error about a packet sent from the range: to the TUN.
    let masked = udp_socket_in(&t.nsb, "192.0.2.2:61002");
    masked.send_to(b"x", "192.0.2.1:9").unwrap(); // closed port: A answers port unreachable
    let e = recv(&t.tun, 2000).expect("ICMP error steered");
    assert_eq!((e[9], e[20], e[21]), (1, 3, 3), "ICMP port unreachable");
    assert_eq!(&e[20 + 8 + 12..20 + 8 + 16], &B.octets(), "embedded source");

    // Hand-back: a packet written back into the TUN reaches the namespace's socket.
    let in_range = udp_socket_in(&t.nsb, "192.0.2.2:61003");
    from_a.send_to(b"back", "192.0.2.2:61003").unwrap();
    let p = recv(&t.tun, 2000).expect("steered");
    assert!(
        in_range.recv_from(&mut buf).is_err(),
        "not delivered before hand-back"
    );
    t.tun.send(&p).unwrap();
    let (n, from) = in_range.recv_from(&mut buf).expect("handed back");
    assert_eq!(&buf[..n], b"back");
    assert_eq!(from.ip(), std::net::IpAddr::V4(A));

    nft::delete_table(&t.nsb, "netdev", "jool_st").unwrap();
    assert!(nft::list_tables(&t.nsb).unwrap().is_empty());
    from_a.send_to(b"after", "192.0.2.2:61001").unwrap();
    assert!(recv(&t.tun, 300).is_none(), "no steering after delete");
}

#[test]
fn greedy_siit_steers_non_local_ipv4_only() {
    let t = topo("jool-gr");
    t.a.exec(&["ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2"]);
    t.a.exec(&["ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2"]);
    let spec = SteeringSpec {
        devices: vec!["vb".into()],
        v4_greedy: true,
        v4_greedy_exclude: vec![(Ipv4Addr::new(198, 51, 100, 0), 24)],
        ..Default::default()
    };
    nft::apply(&t.nsb, &ruleset("jool_gr", t.tun.name(), &spec)).unwrap();
    let from_a = udp_socket_in(&t.nsa, "192.0.2.1:0");
    from_a.send_to(b"siit", "203.0.113.9:7").unwrap();
    let p = recv(&t.tun, 2000).expect("non-local IPv4 steered");
    assert_eq!(&p[16..20], &[203, 0, 113, 9]);
    from_a.send_to(b"excluded", "198.51.100.5:7").unwrap();
    let local = udp_socket_in(&t.nsb, "192.0.2.2:5000");
    from_a.send_to(b"local", "192.0.2.2:5000").unwrap();
    let mut buf = [0u8; 16];
    let (n, _) = local.recv_from(&mut buf).expect("local traffic kept");
    assert_eq!(&buf[..n], b"local");
    assert!(
        recv(&t.tun, 300).is_none(),
        "excluded and local destinations not steered"
    );
}
