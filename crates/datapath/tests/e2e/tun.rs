use std::net::Ipv6Addr;
use std::time::{Duration, Instant};

use jool_datapath::netlink::{self, IpPrefix};
use jool_datapath::{NetNs, Tun};

use crate::support::{udp4_packet, udp_socket_in, veth_pair, TestNs};

#[test]
fn creates_tun_up_with_martian_sysctls() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-0a1b2c3d").unwrap();
    assert_eq!(tun.name(), "jool-0a1b2c3d");
    let links = netlink::links(&ns).unwrap();
    let l = links
        .iter()
        .find(|l| l.name == "jool-0a1b2c3d")
        .expect("device exists");
    assert_eq!(l.ifindex, tun.ifindex());
    assert_eq!(l.kind.as_deref(), Some("tun"));
    assert!(l.is_up());
    let show = t.exec(&["ip", "link", "show", "jool-0a1b2c3d"]);
    assert!(show.contains("qlen 1000"), "{show}");
    let get =
        |k: &str| netlink::sysctl_get(&ns, &format!("net/ipv4/conf/jool-0a1b2c3d/{k}")).unwrap();
    assert_eq!(get("accept_local"), "1");
    assert_eq!(get("rp_filter"), "0");
    // The device is in the test namespace only.
    let root = netlink::links(&NetNs::current().unwrap()).unwrap();
    assert!(!root.iter().any(|l| l.name == "jool-0a1b2c3d"));
}

#[test]
fn device_disappears_when_tun_is_dropped() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-drop").unwrap();
    netlink::route_add(
        &ns,
        IpPrefix::v4([198, 51, 100, 0].into(), 24),
        tun.ifindex(),
        10,
        netlink::RT_TABLE_MAIN,
    )
    .unwrap();
    drop(tun);
    assert!(!netlink::links(&ns)
        .unwrap()
        .iter()
        .any(|l| l.name == "jool-drop"));
    assert!(!t.exec(&["ip", "route"]).contains("198.51.100.0"));
}

#[test]
fn routed_packet_arrives_on_recv() {
    let t = TestNs::new();
    t.exec(&["ip", "addr", "add", "2001:db8:1::1/128", "dev", "lo"]);
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-rx").unwrap();
    let pool6 = IpPrefix::v6("2001:db8:64::".parse().unwrap(), 96);
    netlink::route_add(&ns, pool6, tun.ifindex(), 1024, netlink::RT_TABLE_MAIN).unwrap();
    let sock = udp_socket_in(&ns, "[2001:db8:1::1]:0");
    sock.send_to(b"jool", "[2001:db8:64::c000:201]:7").unwrap();
    let mut buf = vec![0u8; 65536];
    let n = tun
        .recv_timeout(&mut buf, Duration::from_secs(2))
        .unwrap()
        .expect("a packet");
    let p = &buf[..n];
    assert_eq!(p[0] >> 4, 6, "an IPv6 packet, no packet information header");
    assert_eq!(p[6], 17, "UDP");
    assert_eq!(
        Ipv6Addr::from(<[u8; 16]>::try_from(&p[8..24]).unwrap()),
        "2001:db8:1::1".parse::<Ipv6Addr>().unwrap()
    );
    assert_eq!(
        Ipv6Addr::from(<[u8; 16]>::try_from(&p[24..40]).unwrap()),
        "2001:db8:64::c000:201".parse::<Ipv6Addr>().unwrap()
    );
    assert_eq!(&p[48..], b"jool");
}

#[test]
fn sent_packet_is_delivered_by_the_namespace() {
    let t = TestNs::new();
    t.exec(&["ip", "addr", "add", "192.0.2.1/32", "dev", "lo"]);
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-tx").unwrap();
    let sock = udp_socket_in(&ns, "192.0.2.1:5000");
    tun.send(&udp4_packet(
        [198, 51, 100, 9],
        [192, 0, 2, 1],
        4000,
        5000,
        b"in",
    ))
    .unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = sock.recv_from(&mut buf).expect("delivered");
    assert_eq!(&buf[..n], b"in");
    assert_eq!(from.to_string(), "198.51.100.9:4000");
}

#[test]
fn sent_packet_with_local_source_is_forwarded() {
    // NAT64 with the implicit pool4: the translated packet's source is the namespace's own
    // address. accept_local=1 on the TUN keeps it from being dropped as a martian.
    let a = TestNs::new();
    let b = TestNs::new();
    veth_pair(&a, "va", &b, "vb");
    a.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "va"]);
    b.exec(&["ip", "addr", "add", "192.0.2.2/24", "dev", "vb"]);
    let nsa = NetNs::by_name(&a.name).unwrap();
    let nsb = NetNs::by_name(&b.name).unwrap();
    netlink::sysctl_set(&nsb, "net/ipv4/ip_forward", "1").unwrap();
    let tun = Tun::create(&nsb, "jool-fw").unwrap();
    let sock = udp_socket_in(&nsa, "192.0.2.1:5001");
    tun.send(&udp4_packet(
        [192, 0, 2, 2],
        [192, 0, 2, 1],
        61001,
        5001,
        b"fwd",
    ))
    .unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = sock.recv_from(&mut buf).expect("forwarded");
    assert_eq!(&buf[..n], b"fwd");
    assert_eq!(from.to_string(), "192.0.2.2:61001");
}

#[test]
fn send_reports_a_malformed_packet() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-bad").unwrap();
    let err = tun.send(&[0x10, 0, 0]).unwrap_err();
    assert!(err.to_string().contains("jool-bad"), "{err}");
}

#[test]
fn blocked_recv_returns_on_shutdown() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-stop").unwrap();
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut buf = vec![0u8; 2048];
            let start = Instant::now();
            (tun.recv(&mut buf).unwrap(), start)
        });
        std::thread::sleep(Duration::from_millis(100));
        tun.shutdown_handle().shutdown();
        let (n, start) = reader.join().unwrap();
        assert_eq!(n, 0);
        assert!(start.elapsed() < Duration::from_secs(1));
    });
    let mut buf = [0u8; 64];
    assert_eq!(
        tun.recv_timeout(&mut buf, Duration::from_secs(5)).unwrap(),
        Some(0)
    );
}

#[test]
fn recv_timeout_gives_up() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-idle").unwrap();
    let mut buf = [0u8; 2048];
    let start = Instant::now();
    assert_eq!(
        tun.recv_timeout(&mut buf, Duration::from_millis(150))
            .unwrap(),
        None
    );
    assert!(start.elapsed() >= Duration::from_millis(140));
}

#[test]
fn refuses_bad_device_name() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    assert!(Tun::create(&ns, "this-name-is-too-long").is_err());
}
