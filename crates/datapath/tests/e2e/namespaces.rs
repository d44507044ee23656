use std::fs;
use std::os::unix::fs::MetadataExt;

use jool_datapath::netlink::{self, RT_SCOPE_HOST, RT_SCOPE_UNIVERSE};
use jool_datapath::NetNs;

use crate::support::{veth_pair, TestNs};

#[test]
fn current_is_the_namespace_of_this_thread() {
    let ns = NetNs::current().unwrap();
    let ino = fs::metadata("/proc/thread-self/ns/net").unwrap().ino();
    assert_eq!(ns.inode(), ino);
    if ns.netns_names().is_empty() {
        assert_eq!(ns.display_name(), format!("net:[{ino}]"));
    }
}

#[test]
fn by_name_is_displayed_with_its_ip_netns_name() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    assert_eq!(ns.display_name(), t.name);
    assert_ne!(ns.inode(), NetNs::current().unwrap().inode());
    assert!(ns.same_as(&ns.try_clone().unwrap()));
}

#[test]
fn from_fd_refuses_a_file_that_is_not_a_namespace() {
    let f = fs::File::open("/dev/null").unwrap();
    let err = NetNs::from_fd(f.into()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(NetNs::by_name("../etc").is_err());
}

#[test]
fn is_reachable_until_ip_netns_del() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    assert!(ns.is_reachable());
    t.delete();
    assert!(!ns.is_reachable());
    // The handle keeps the namespace usable; it is only unreachable by others.
    assert_eq!(ns.display_name(), format!("net:[{}]", ns.inode()));
    assert!(ns.enter(|| NetNs::current().unwrap().inode()).unwrap() == ns.inode());
}

#[test]
fn enter_runs_inside_the_namespace_and_leaves_the_caller_alone() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let before = NetNs::current().unwrap().inode();
    let inside = ns.enter(|| NetNs::current().unwrap().inode()).unwrap();
    assert_eq!(inside, ns.inode());
    assert_eq!(NetNs::current().unwrap().inode(), before);
}

#[test]
fn lists_addresses_and_links_of_the_namespace() {
    let a = TestNs::new();
    let b = TestNs::new();
    veth_pair(&a, "va", &b, "vb");
    a.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "va"]);
    a.exec(&["ip", "addr", "add", "2001:db8::1/64", "dev", "va", "nodad"]);
    a.exec(&["ip", "link", "set", "va", "mtu", "1400"]);
    let ns = NetNs::by_name(&a.name).unwrap();
    let addrs = netlink::addresses(&ns).unwrap();
    let find = |s: &str| {
        addrs
            .iter()
            .find(|x| x.addr == s.parse::<std::net::IpAddr>().unwrap())
    };
    let v4 = find("192.0.2.1").expect("IPv4 address listed");
    assert_eq!(
        (v4.ifname.as_str(), v4.prefix_len, v4.scope),
        ("va", 24, RT_SCOPE_UNIVERSE)
    );
    let v6 = find("2001:db8::1").expect("IPv6 address listed");
    assert_eq!((v6.ifname.as_str(), v6.prefix_len), ("va", 64));
    let lo = find("127.0.0.1").expect("loopback listed");
    assert_eq!(lo.scope, RT_SCOPE_HOST);
    // Nothing of the root namespace leaks in.
    assert!(find("192.0.2.2").is_none());
    let links = netlink::links(&ns).unwrap();
    let va = links.iter().find(|l| l.name == "va").unwrap();
    assert_eq!(
        (va.mtu, va.kind.as_deref(), va.is_up()),
        (1400, Some("veth"), true)
    );
    assert!(links.iter().any(|l| l.is_loopback() && l.name == "lo"));
}

#[test]
fn sysctls_are_per_namespace() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let root = NetNs::current().unwrap();
    let root_before = netlink::sysctl_get(&root, "net/ipv4/ip_forward").unwrap();
    netlink::sysctl_set(&ns, "net/ipv4/ip_forward", "1").unwrap();
    assert_eq!(
        netlink::sysctl_get(&ns, "net/ipv4/ip_forward").unwrap(),
        "1"
    );
    assert_eq!(t.exec(&["sysctl", "-n", "net.ipv4.ip_forward"]).trim(), "1");
    assert_eq!(
        netlink::sysctl_get(&root, "net/ipv4/ip_forward").unwrap(),
        root_before
    );
    let err = netlink::sysctl_set(&ns, "net/ipv4/conf/nosuchdev/rp_filter", "0").unwrap_err();
    assert!(err.to_string().contains("nosuchdev"), "{err}");
}

#[test]
fn ephemeral_range_reads_ip_local_port_range() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    netlink::sysctl_set(&ns, "net/ipv4/ip_local_port_range", "40000 50000").unwrap();
    assert_eq!(netlink::ephemeral_range(&ns).unwrap(), (40000, 50000));
}
