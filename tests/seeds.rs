//! The seed document "instance mode" (seeds/000), its three examples literally: the commands
//! as typed there, run with `ip netns exec <ns> ...`, and their outputs compared with the
//! seed's text. Masked, because they vary by nature: ping's `time=` values, the lifetime in
//! `Expires in N seconds`, the NAT64 masks and ICMP identifiers (`#62253`), and the namespace
//! cell of `instance display` (Jool prints a kernel pointer; jool-rs prints the `ip netns`
//! name — checked to be exactly that, right-aligned in the seed's 18 columns).
//!
//! Adaptations, none of which changes a command's text or output: the seed's root namespace
//! ("me@T:~#") is a namespace the test creates (the machine's real one is never touched);
//! `modprobe` lines are skipped (no kernel module); `ip netns exec blue bash` sessions become
//! one `ip netns exec` per command; `ping6` is `ping -6`; the iptables example's
//! `-j JOOL --instance alpha` is `-j NFQUEUE --queue-num <alpha's queue>` and its "8.8.8.8"
//! an IPv4 node at 203.0.113.8; the test waits for IPv6 duplicate address detection to end
//! before pinging (a person typing the commands never notices it).
//!
//! Needs root; without it every test returns early and says so.

mod common;

use common::two_nat64::{
    self, assert_sessions_like_seed, session_pattern, SEED_SESSIONS_BLUE, SEED_SESSIONS_RED,
};
use common::{mask_ping, random_hex, root_or_skip, text, wait_until, Daemon, Ns};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Example 1: Basic Terminal Commands
// ---------------------------------------------------------------------------------------------

const SEED_HOST_NS: &str = "0xffff8e7ae438e400";
const SEED_BLUE_NS: &str = "0xffff8e7ae0001900";

const SEED_DISPLAY_FOUR: &str = "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
| 0xffff8e7ae438e400 |         default |  iptables |
| 0xffff8e7ae438e400 |           alpha |  iptables |
| 0xffff8e7ae438e400 |            beta | netfilter |
| 0xffff8e7ae0001900 |           alpha | netfilter |
+--------------------+-----------------+-----------+
";

const SEED_DISPLAY_AFTER_REMOVE: &str = "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
| 0xffff8e7ae438e400 |         default |  iptables |
| 0xffff8e7ae438e400 |            beta | netfilter |
| 0xffff8e7ae0001900 |           alpha | netfilter |
+--------------------+-----------------+-----------+
";

const SEED_DISPLAY_AFTER_FLUSH: &str = "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
| 0xffff8e7ae0001900 |           alpha | netfilter |
+--------------------+-----------------+-----------+
";

const SEED_DISPLAY_EMPTY: &str = "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
+--------------------+-----------------+-----------+
";

/// The seed's table with its namespace pointers replaced by the `ip netns` names.
fn with_names(seed: &str, host: &Ns, blue: &Ns) -> String {
    seed.replace(SEED_HOST_NS, &format!("{:>18}", host.name))
        .replace(SEED_BLUE_NS, &format!("{:>18}", blue.name))
}

fn assert_same_lines(shown: &str, expected: &str) {
    let (s, e): (Vec<&str>, Vec<&str>) = (shown.lines().collect(), expected.lines().collect());
    for (i, (s, e)) in s.iter().zip(&e).enumerate() {
        assert_eq!(s, e, "line {} differs:\n{shown}", i + 1);
    }
    assert_eq!(s.len(), e.len(), "line count differs:\n{shown}");
    assert_eq!(shown, expected, "(trailing newline)");
}

#[test]
fn instance_mode_basic_terminal_commands() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    // Short names: the namespace cell is 18 columns wide.
    let host = Ns::named(format!("jrs-host-{}", &random_hex()[..6]));

    // me@T:~# jool_siit instance add --iptables
    d.cmd_ok(&host, "jool_siit instance add --iptables");
    d.cmd_ok(&host, "jool_siit instance add --iptables  alpha");
    d.cmd_ok(&host, "jool_siit instance add --netfilter beta");

    // me@T:~# ip netns add blue
    let blue = Ns::named(format!("blue-{}", random_hex()));
    d.cmd_ok(&blue, "jool_siit instance add --netfilter alpha");

    let shown = d.cmd_ok(&host, "jool_siit instance display");
    assert_same_lines(&shown, &with_names(SEED_DISPLAY_FOUR, &host, &blue));

    d.cmd_ok(&host, "jool_siit instance remove alpha");
    let shown = d.cmd_ok(&host, "jool_siit instance display");
    assert_same_lines(&shown, &with_names(SEED_DISPLAY_AFTER_REMOVE, &host, &blue));

    d.cmd_ok(&host, "jool_siit instance flush");
    let shown = d.cmd_ok(&host, "jool_siit instance display");
    assert_same_lines(&shown, &with_names(SEED_DISPLAY_AFTER_FLUSH, &host, &blue));

    d.cmd_ok(&blue, "jool_siit instance flush");
    let shown = d.cmd_ok(&host, "jool_siit instance display");
    assert_same_lines(&shown, SEED_DISPLAY_EMPTY);
}

// ---------------------------------------------------------------------------------------------
// Example 2: Multiple NAT64s in a Single Machine
// ---------------------------------------------------------------------------------------------

#[test]
fn instance_mode_multiple_nat64s_in_a_single_machine() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let two_nat64::Topology { host, blue, red } = two_nat64::build();

    // Add a NAT64 to each namespace:
    d.cmd_ok(
        &blue,
        "jool instance add --netfilter --pool6 2001:db8:64::/96",
    );
    d.cmd_ok(
        &red,
        "jool instance add --netfilter --pool6 2001:db8:46::/96",
    );
    host.ip(&["route", "add", "2001:db8:64::/96", "via", "2001:db8:1::1"]);
    host.ip(&["route", "add", "2001:db8:46::/96", "via", "2001:db8:2::1"]);

    // Ensure the NAT64s are different:
    let out = d.shell(&blue, "jool global display | grep pool6");
    assert_eq!(text(&out.stdout), "pool6: 2001:db8:64::/96\n", "{out:?}");
    let out = d.shell(&red, "jool global display | grep pool6");
    assert_eq!(text(&out.stdout), "pool6: 2001:db8:46::/96\n", "{out:?}");

    // Ping yourself through each NAT64:
    two_nat64::ping_both_like_seed(&d, &host, &blue, &red);

    // Check out each NAT64's state:
    let shown = d.cmd_ok(&blue, "jool session display --icmp --numeric");
    assert_sessions_like_seed(&shown, SEED_SESSIONS_BLUE, 61001..=65535);
    let shown = d.cmd_ok(&red, "jool session display --icmp --numeric");
    assert_sessions_like_seed(&shown, SEED_SESSIONS_RED, 61001..=65535);
}

// ---------------------------------------------------------------------------------------------
// Example 3: iptables NAT64 Example
// ---------------------------------------------------------------------------------------------

const SEED_IP6TABLES_L: &str = "\
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
JOOL       all      ::/0                 64:ff9b::/96         instance:alpha
";

const SEED_IPTABLES_L_IMPLICIT: &str = "\
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
JOOL       all  --  0.0.0.0/0            192.0.2.1            instance:alpha
";

const SEED_IPTABLES_L_EXPLICIT: &str = "\
Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination         
JOOL       tcp  --  0.0.0.0/0            192.0.2.1            tcp dpts:61001:65535 instance:alpha
JOOL       udp  --  0.0.0.0/0            192.0.2.1            udp dpts:61001:65535 instance:alpha
JOOL       icmp --  0.0.0.0/0            192.0.2.1            instance:alpha
";

/// The words of a rule line of `iptables -L -n`, spelled one way whatever the iptables
/// version: protocol names instead of numbers (iptables-nft 1.8.9 prints `0`, `6`...), no
/// empty `--` options column (older ip6tables leaves it blank), and the seed's
/// `JOOL ... instance:alpha` as this project's `NFQUEUE ... NFQUEUE num <queue>`.
fn rule_words(line: &str, queue: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for (i, w) in line.split_whitespace().enumerate() {
        match (i, w) {
            (0, "JOOL") => words.push("NFQUEUE".into()),
            (1, "0") => words.push("all".into()),
            (1, "1") => words.push("icmp".into()),
            (1, "6") => words.push("tcp".into()),
            (1, "17") => words.push("udp".into()),
            (1, "58") => words.push("ipv6-icmp".into()),
            (2, "--") => {}
            (_, "instance:alpha") => words.extend(["NFQUEUE", "num", queue].map(String::from)),
            _ => words.push(w.into()),
        }
    }
    words
}

/// Compares an `iptables -t mangle -L PREROUTING -n` listing with the seed's: the two header
/// lines literally, then each rule word by word (see [`rule_words`]).
fn assert_listing_like_seed(shown: &str, seed: &str, queue: &str) {
    let shown_lines: Vec<&str> = shown.trim_end_matches('\n').lines().collect();
    let seed_lines: Vec<&str> = seed.lines().collect();
    assert_eq!(shown_lines.len(), seed_lines.len(), "{shown}");
    assert_eq!(shown_lines[..2], seed_lines[..2], "{shown}");
    for (s, e) in shown_lines[2..].iter().zip(&seed_lines[2..]) {
        assert_eq!(rule_words(s, queue), rule_words(e, queue), "{shown}");
    }
}

/// The iptables example's network, which the seed leaves to the reader: the NAT64
/// (`jrs-nat64-*`, 192.0.2.1 on its IPv4 side, 2001:db8:1::1 on its IPv6 side, forwarding
/// on), "some other IPv6 node" (`jrs-v6node-*`, 2001:db8:1::8, routing 64:ff9b::/96 through
/// the NAT64) and an IPv4 node in place of 8.8.8.8 (`jrs-v4node-*`, 192.0.2.8 on the link
/// and 203.0.113.8 behind it, which the NAT64 routes through 192.0.2.8).
struct IptablesExample {
    nat64: Ns,
    v6node: Ns,
    /// Kept for its lifetime: the namespace goes when the example does.
    _v4node: Ns,
}

impl IptablesExample {
    fn new() -> IptablesExample {
        let (nat64, v6node, v4node) = (
            Ns::new("jrs-nat64"),
            Ns::new("jrs-v6node"),
            Ns::new("jrs-v4node"),
        );
        nat64.ip(&[
            "link",
            "add",
            "to_v6",
            "type",
            "veth",
            "peer",
            "name",
            "to_nat64",
            "netns",
            &v6node.name,
        ]);
        nat64.ip(&[
            "link",
            "add",
            "to_v4",
            "type",
            "veth",
            "peer",
            "name",
            "to_nat64",
            "netns",
            &v4node.name,
        ]);
        nat64.ip(&["addr", "add", "2001:db8:1::1/64", "dev", "to_v6"]);
        nat64.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_v4"]);
        v6node.ip(&["addr", "add", "2001:db8:1::8/64", "dev", "to_nat64"]);
        v4node.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_nat64"]);
        v4node.ip(&["addr", "add", "203.0.113.8/32", "dev", "lo"]);
        for (ns, dev) in [
            (&nat64, "to_v6"),
            (&nat64, "to_v4"),
            (&v6node, "to_nat64"),
            (&v4node, "to_nat64"),
        ] {
            ns.ip(&["link", "set", dev, "up"]);
        }
        v6node.ip(&["route", "add", "64:ff9b::/96", "via", "2001:db8:1::1"]);
        nat64.ip(&["route", "add", "203.0.113.0/24", "via", "192.0.2.8"]);
        nat64.sysctl(&[
            "net.ipv4.conf.all.forwarding=1",
            "net.ipv6.conf.all.forwarding=1",
        ]);
        IptablesExample {
            nat64,
            v6node,
            _v4node: v4node,
        }
    }

    /// The queue of instance `alpha`, from `jool instance display --csv`.
    fn queue_of_alpha(&self, d: &Daemon) -> String {
        let csv = d.cmd_ok(&self.nat64, "jool instance display --csv");
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("Namespace,Name,Framework,Queue"),
            "{csv}"
        );
        let row: Vec<&str> = lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|cols| cols.get(1) == Some(&"alpha"))
            .unwrap_or_else(|| panic!("no alpha in\n{csv}"));
        assert_eq!(row[..3], [self.nat64.name.as_str(), "alpha", "iptables"]);
        row[3].to_owned()
    }

    /// "And try performing some translation (in this case, from some other IPv6 node)".
    fn ping_from_the_ipv6_node(&self, d: &Daemon) {
        wait_until(Duration::from_secs(10), "IPv6 DAD", || {
            self.nat64.dad_done() && self.v6node.dad_done()
        });
        let out = d.cmd(&self.v6node, "ping -6 64:ff9b::203.0.113.8 -c 4");
        let shown = text(&out.stdout);
        let expected = "\
PING 64:ff9b::203.0.113.8(64:ff9b::cb00:7108) 56 data bytes
64 bytes from 64:ff9b::cb00:7108: icmp_seq=1 ttl=63 time=<t> ms
64 bytes from 64:ff9b::cb00:7108: icmp_seq=2 ttl=63 time=<t> ms
64 bytes from 64:ff9b::cb00:7108: icmp_seq=3 ttl=63 time=<t> ms
64 bytes from 64:ff9b::cb00:7108: icmp_seq=4 ttl=63 time=<t> ms

--- 64:ff9b::203.0.113.8 ping statistics ---
4 packets transmitted, 4 received, 0% packet loss, time <t>ms
rtt min/avg/max/mdev = <rtt> ms";
        assert_eq!(mask_ping(&shown), expected, "{shown}{}", text(&out.stderr));
    }
}

fn iptables_example(explicit_pool4: bool) {
    let net = IptablesExample::new();
    let d = Daemon::start();
    let ns = &net.nat64;
    d.cmd_ok(
        ns,
        "jool instance add alpha --iptables --pool6 64:ff9b::/96",
    );
    if explicit_pool4 {
        d.cmd_ok(ns, "jool -i alpha pool4 add --tcp  192.0.2.1 61001-65535");
        d.cmd_ok(ns, "jool -i alpha pool4 add --udp  192.0.2.1 61001-65535");
        d.cmd_ok(ns, "jool -i alpha pool4 add --icmp 192.0.2.1 0-65535");
    }
    let queue = net.queue_of_alpha(&d);
    let target = ["-j", "NFQUEUE", "--queue-num", &queue];

    let v6_rule = [
        &[
            "-t",
            "mangle",
            "-A",
            "PREROUTING",
            "--destination",
            "64:ff9b::/96",
        ][..],
        &target,
    ]
    .concat();
    ns.exec_ok("ip6tables", &v6_rule);
    let v4_matches: &[&[&str]] = if explicit_pool4 {
        &[
            &["-p", "tcp", "--dport", "61001:65535"],
            &["-p", "udp", "--dport", "61001:65535"],
            &["-p", "icmp"],
        ]
    } else {
        &[&[]]
    };
    for matches in v4_matches {
        let rule = [
            &[
                "-t",
                "mangle",
                "-A",
                "PREROUTING",
                "--destination",
                "192.0.2.1",
            ][..],
            matches,
            &target,
        ]
        .concat();
        ns.exec_ok("iptables", &rule);
    }

    // Convince yourself that this is fairly standard iptables fare:
    let listing = ns.exec_ok("ip6tables", &["-t", "mangle", "-L", "PREROUTING", "-n"]);
    assert_listing_like_seed(&listing, SEED_IP6TABLES_L, &queue);
    let listing = ns.exec_ok("iptables", &["-t", "mangle", "-L", "PREROUTING", "-n"]);
    let seed = if explicit_pool4 {
        SEED_IPTABLES_L_EXPLICIT
    } else {
        SEED_IPTABLES_L_IMPLICIT
    };
    assert_listing_like_seed(&listing, seed, &queue);

    net.ping_from_the_ipv6_node(&d);

    // The instance did it: one ICMP session through 192.0.2.1.
    let shown = d.cmd_ok(ns, "jool -i alpha session display --icmp --numeric");
    let seed = "\
ICMP:
---------------------------------
Expires in 42 seconds
Remote: 203.0.113.8#62253\t2001:db8:1::8#3206
Local: 192.0.2.1#62253\t64:ff9b::cb00:7108#3206
---------------------------------
  (Fetched 1 entries.)
";
    let ports = if explicit_pool4 {
        0..=65535
    } else {
        61001..=65535
    };
    assert_sessions_like_seed(&shown, seed, ports);
}

#[test]
fn instance_mode_iptables_nat64_example_with_implicit_pool4() {
    if !root_or_skip() {
        return;
    }
    iptables_example(false);
}

#[test]
fn instance_mode_iptables_nat64_example_with_explicit_pool4() {
    if !root_or_skip() {
        return;
    }
    iptables_example(true);
}

#[test]
fn rule_words_reads_both_iptables_spellings() {
    let seed = "JOOL       all  --  0.0.0.0/0            192.0.2.1            instance:alpha";
    let here = "NFQUEUE    0    --  0.0.0.0/0            192.0.2.1            NFQUEUE num 3";
    assert_eq!(rule_words(seed, "3"), rule_words(here, "3"));
    assert_ne!(rule_words(seed, "4"), rule_words(here, "4"));
}

#[test]
fn session_pattern_masks_only_numbers_that_vary() {
    assert_eq!(
        session_pattern(SEED_SESSIONS_BLUE)[2..5],
        [
            "Expires in {} seconds",
            "Remote: 192.0.2.8#{}\t2001:db8:1::8#{}",
            "Local: 192.0.2.1#{}\t2001:db8:64::c000:208#{}",
        ]
    );
}
