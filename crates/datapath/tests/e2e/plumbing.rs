use std::io::ErrorKind;

use jool_datapath::netlink::{self, Family, IpPrefix, Rule};
use jool_datapath::{nft, NetNs, Tun};

use crate::support::TestNs;

#[test]
fn route_add_and_del_through_the_tun() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-rt").unwrap();
    let v4 = IpPrefix::new("198.51.100.77".parse().unwrap(), 24).unwrap();
    let v6 = IpPrefix::v6("2001:db8:64::".parse().unwrap(), 96);
    netlink::route_add(&ns, v4, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap();
    netlink::route_add(&ns, v6, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap();
    let r4 = t.exec(&["ip", "route"]);
    assert!(r4.contains("198.51.100.0/24 dev jool-rt"), "{r4}");
    assert!(r4.contains("metric 50"), "{r4}");
    let r6 = t.exec(&["ip", "-6", "route"]);
    assert!(r6.contains("2001:db8:64::/96 dev jool-rt"), "{r6}");
    let dup = netlink::route_add(&ns, v4, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::AlreadyExists, "{dup}");
    netlink::route_del(&ns, v4, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap();
    netlink::route_del(&ns, v6, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap();
    assert!(!t.exec(&["ip", "route"]).contains("198.51.100.0"));
    assert!(!t.exec(&["ip", "-6", "route"]).contains("2001:db8:64::"));
    let gone = netlink::route_del(&ns, v4, tun.ifindex(), 50, netlink::RT_TABLE_MAIN).unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound, "{gone}");
}

#[test]
fn link_set_up_brings_a_device_up() {
    let t = TestNs::new();
    t.exec(&[
        "ip", "link", "add", "va", "type", "veth", "peer", "name", "vb",
    ]);
    let ns = NetNs::by_name(&t.name).unwrap();
    let idx = |name: &str| {
        netlink::links(&ns)
            .unwrap()
            .into_iter()
            .find(|l| l.name == name)
            .unwrap()
    };
    assert!(!idx("va").is_up());
    netlink::link_set_up(&ns, idx("va").ifindex).unwrap();
    assert!(idx("va").is_up());
}

#[test]
fn nft_apply_replace_and_delete_table_are_idempotent() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let text = "add table inet jool_t\ndelete table inet jool_t\ntable inet jool_t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tudp dport 9 counter\n\t}\n}\n";
    nft::check(&ns, text).unwrap();
    assert!(
        nft::list_tables(&ns).unwrap().is_empty(),
        "check applies nothing"
    );
    nft::apply(&ns, text).unwrap();
    nft::apply(&ns, text).unwrap();
    assert_eq!(
        nft::list_tables(&ns).unwrap(),
        vec![("inet".to_string(), "jool_t".to_string())]
    );
    let root = nft::list_tables(&NetNs::current().unwrap()).unwrap();
    assert!(
        !root.iter().any(|(_, n)| n == "jool_t"),
        "nothing in the root namespace"
    );
    nft::delete_table(&ns, "inet", "jool_t").unwrap();
    nft::delete_table(&ns, "inet", "jool_t").unwrap();
    assert!(nft::list_tables(&ns).unwrap().is_empty());
}

#[test]
fn nft_apply_is_all_or_nothing() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let bad =
        "table inet jool_ok {\n}\ntable inet jool_bad {\n\tchain c {\n\t\tnonsense here\n\t}\n}\n";
    let err = nft::apply(&ns, bad).unwrap_err();
    assert!(err.to_string().contains("nft"), "{err}");
    assert!(nft::list_tables(&ns).unwrap().is_empty());
}

#[test]
fn table_routes_and_not_iif_rules_come_and_go() {
    let t = TestNs::new();
    let ns = NetNs::by_name(&t.name).unwrap();
    let tun = Tun::create(&ns, "jool-pr").unwrap();
    let table = 0x6a00;
    let v6 = IpPrefix::v6("2001:db8:64::".parse().unwrap(), 96);
    netlink::route_add(&ns, v6, tun.ifindex(), 1024, table).unwrap();
    let in_table = t.exec(&["ip", "-6", "route", "show", "table", "27136"]);
    assert!(
        in_table.contains("2001:db8:64::/96 dev jool-pr"),
        "{in_table}"
    );
    let main = t.exec(&["ip", "-6", "route", "show", "table", "main"]);
    assert!(!main.contains("2001:db8:64::"), "{main}");

    let rule = |family| Rule {
        family,
        priority: 1000,
        table,
        iif: Some("jool-pr".into()),
        invert: true,
    };
    for f in [Family::Ipv4, Family::Ipv6] {
        netlink::rule_add(&ns, &rule(f)).unwrap();
        let dup = netlink::rule_add(&ns, &rule(f)).unwrap_err();
        assert_eq!(dup.kind(), ErrorKind::AlreadyExists, "{dup}");
    }
    let shown = t.exec(&["ip", "-6", "rule", "show"]);
    assert!(
        shown.contains("1000:\tnot from all iif jool-pr lookup 27136"),
        "{shown}"
    );
    let listed = netlink::rules(&ns).unwrap();
    assert!(listed.contains(&rule(Family::Ipv4)), "{listed:?}");
    assert!(listed.contains(&rule(Family::Ipv6)), "{listed:?}");
    assert!(listed
        .iter()
        .any(|r| r.family == Family::Ipv4 && r.priority == 32766 && r.table == 254));

    // The namespace's own packets (iif lo) see the table: a route lookup goes to the TUN.
    let get = t.exec(&["ip", "-6", "route", "get", "2001:db8:64::1"]);
    assert!(
        get.contains("dev jool-pr") && get.contains("table 27136"),
        "{get}"
    );

    // Dropping the TUN takes its routes, not its rules: those must be deleted.
    drop(tun);
    assert!(t
        .exec(&["ip", "-6", "route", "show", "table", "27136"])
        .is_empty());
    assert!(t.exec(&["ip", "-6", "rule", "show"]).contains("jool-pr"));
    for f in [Family::Ipv4, Family::Ipv6] {
        netlink::rule_del(&ns, &rule(f)).unwrap();
        let gone = netlink::rule_del(&ns, &rule(f)).unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::NotFound, "{gone}");
    }
    assert!(!netlink::rules(&ns)
        .unwrap()
        .iter()
        .any(|r| r.table == table));
    let v4_rules = t.exec(&["ip", "-4", "rule", "show"]);
    assert_eq!(v4_rules.lines().count(), 3, "{v4_rules}");
}
