//! The seed document "--instance" (seeds/002, Jool 3.x's flag syntax), its example literally:
//! the commands as typed there, run with `ip netns exec <ns> ...`, and their outputs compared
//! with the seed's text. Masked, because they vary by nature: ping's `time=` values, the
//! lifetime in `Expires in N seconds`, the NAT64 masks and ICMP identifiers (`#62253`).
//!
//! Adaptations, none of which changes a command's text or output: the seed's root namespace
//! is a namespace the test creates; `modprobe` lines are skipped (no kernel module);
//! `ip netns exec blue bash` sessions become one `ip netns exec` per command; `ping6` is
//! `ping -6`; forwarding is enabled (the seed skips its `sysctl` lines "to reduce clutter");
//! the test waits for IPv6 duplicate address detection to end before pinging.
//!
//! Also checks the 3.x-only behaviours around it: a second `jool --instance --add` fails with
//! EEXIST, `jool --session` (no protocol) prints the three protocols, `jool --bib --numeric`
//! prints 3.x's `[Dynamic]` lines, and `jool --instance --remove` removes the instance.
//!
//! Needs root; without it every test returns early and says so.

mod common;

use common::{capture, mask_ping, root_or_skip, text, wait_until, Daemon, Ns};
use std::time::Duration;

const SEED_POOL6_BLUE: &str = "\
2001:db8:64::/96
  (Fetched 1 entries.)
";

const SEED_POOL6_RED: &str = "\
2001:db8:46::/96
  (Fetched 1 entries.)
";

const SEED_PING_BLUE: &str = "\
PING 2001:db8:64::192.0.2.8(2001:db8:64::c000:208) 56 data bytes
64 bytes from 2001:db8:64::c000:208: icmp_seq=1 ttl=63 time=0.525 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=2 ttl=63 time=0.263 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=3 ttl=63 time=0.625 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=4 ttl=63 time=0.298 ms

--- 2001:db8:64::192.0.2.8 ping statistics ---
4 packets transmitted, 4 received, 0% packet loss, time 3001ms
rtt min/avg/max/mdev = 0.263/0.427/0.625/0.154 ms
";

const SEED_PING_RED: &str = "\
PING 2001:db8:46::203.0.113.8(2001:db8:46::cb00:7108) 56 data bytes
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=1 ttl=63 time=0.236 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=2 ttl=63 time=0.422 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=3 ttl=63 time=0.480 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=4 ttl=63 time=0.154 ms

--- 2001:db8:46::203.0.113.8 ping statistics ---
4 packets transmitted, 4 received, 0% packet loss, time 3002ms
rtt min/avg/max/mdev = 0.154/0.323/0.480/0.132 ms
";

const SEED_SESSIONS_BLUE: &str = "\
ICMP:
---------------------------------
Expires in 42 seconds
Remote: 192.0.2.8#62253\t2001:db8:1::8#3206
Local: 192.0.2.1#62253\t2001:db8:64::c000:208#3206
---------------------------------
  (Fetched 1 entries.)
";

const SEED_SESSIONS_RED: &str = "\
ICMP:
---------------------------------
Expires in 48 seconds
Remote: 203.0.113.8#62941\t2001:db8:2::8#3207
Local: 203.0.113.1#62941\t2001:db8:46::cb00:7108#3207
---------------------------------
  (Fetched 1 entries.)
";

/// Turns the numbers after `#` and in `Expires in N` of a seed session block into `{}`.
fn session_pattern(seed: &str) -> Vec<String> {
    seed.lines()
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            if let Some(r) = rest.strip_prefix("Expires in ") {
                out.push_str("Expires in ");
                rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
                out.push_str("{}");
            }
            while let Some(at) = rest.find('#') {
                out.push_str(&rest[..=at]);
                rest = rest[at + 1..].trim_start_matches(|c: char| c.is_ascii_digit());
                out.push_str("{}");
            }
            out.push_str(rest);
            out
        })
        .collect()
}

/// Checks `shown` against a seed session block: same lines, the lifetime at most the ICMP
/// timeout (60 s), the IPv4 mask the same on both lines and inside pool4's 61001-65535 (the
/// implicit pool4), and the ICMP identifier the same on both lines, as the seed shows.
fn assert_sessions_like_seed(shown: &str, seed: &str, pool4_ports: std::ops::RangeInclusive<u32>) {
    let pattern = session_pattern(seed);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), pattern.len(), "{shown}");
    let mut numbers = Vec::new();
    for (line, pat) in lines.iter().zip(&pattern) {
        let n = capture(pat, line)
            .unwrap_or_else(|| panic!("{line:?} does not match the seed's {pat:?}:\n{shown}"));
        numbers.push(n);
    }
    let expires = numbers[2][0];
    assert!(expires <= 60, "{shown}");
    let (remote, local) = (&numbers[3], &numbers[4]);
    assert_eq!(remote[0], local[0], "the IPv4 masks differ:\n{shown}");
    assert_eq!(remote[1], local[1], "the ICMP identifiers differ:\n{shown}");
    assert!(pool4_ports.contains(&local[0]), "{shown}");
}

/// Waits (bounded) until IPv6 duplicate address detection is over in every namespace.
fn wait_for_dad(namespaces: &[&Ns]) {
    wait_until(Duration::from_secs(10), "IPv6 DAD", || {
        namespaces.iter().all(|ns| ns.dad_done())
    });
}

#[test]
fn instance_flag_multiple_nat64s_in_a_single_machine_3x_syntax() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    // The seed's root namespace.
    let host = Ns::new("jrs-host");
    let forwarding = [
        "net.ipv4.conf.all.forwarding=1",
        "net.ipv6.conf.all.forwarding=1",
    ];

    // # First!
    let blue = Ns::new("blue");
    host.ip(&[
        "link",
        "add",
        "name",
        "to_blue",
        "type",
        "veth",
        "peer",
        "name",
        "to_world1",
    ]);
    host.ip(&["link", "set", "dev", "to_world1", "netns", &blue.name]);
    host.ip(&["link", "set", "to_blue", "up"]);
    host.ip(&["addr", "add", "2001:db8:1::8/96", "dev", "to_blue"]);
    host.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_blue"]);
    // ip netns exec blue bash
    blue.ip(&["link", "set", "to_world1", "up"]);
    blue.ip(&["addr", "add", "2001:db8:1::1/96", "dev", "to_world1"]);
    blue.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_world1"]);
    blue.sysctl(&forwarding);

    // # Second!
    let red = Ns::new("red");
    host.ip(&[
        "link",
        "add",
        "name",
        "to_red",
        "type",
        "veth",
        "peer",
        "name",
        "to_world2",
    ]);
    host.ip(&["link", "set", "dev", "to_world2", "netns", &red.name]);
    host.ip(&["link", "set", "to_red", "up"]);
    host.ip(&["addr", "add", "2001:db8:2::8/96", "dev", "to_red"]);
    host.ip(&["addr", "add", "203.0.113.8/24", "dev", "to_red"]);
    // ip netns exec red bash
    red.ip(&["link", "set", "to_world2", "up"]);
    red.ip(&["addr", "add", "2001:db8:2::1/96", "dev", "to_world2"]);
    red.ip(&["addr", "add", "203.0.113.1/24", "dev", "to_world2"]);
    red.sysctl(&forwarding);

    // Add a NAT64 to each namespace (the 3.x way: instance, then its pool6):
    d.cmd_ok(&blue, "jool --instance --add");
    d.cmd_ok(&blue, "jool --pool6 --add 2001:db8:64::/96");
    d.cmd_ok(&red, "jool --instance --add");
    d.cmd_ok(&red, "jool --pool6 --add 2001:db8:46::/96");
    host.ip(&["route", "add", "2001:db8:64::/96", "via", "2001:db8:1::1"]);
    host.ip(&["route", "add", "2001:db8:46::/96", "via", "2001:db8:2::1"]);

    // Ensure the NAT64s are different:
    assert_eq!(d.cmd_ok(&blue, "jool --pool6"), SEED_POOL6_BLUE);
    assert_eq!(d.cmd_ok(&red, "jool --pool6"), SEED_POOL6_RED);

    // Ping yourself through each NAT64:
    wait_for_dad(&[&host, &blue, &red]);
    for (dst, seed) in [
        ("2001:db8:64::192.0.2.8", SEED_PING_BLUE),
        ("2001:db8:46::203.0.113.8", SEED_PING_RED),
    ] {
        let out = d.cmd(&host, &format!("ping -6 {dst} -c 4"));
        let shown = text(&out.stdout);
        assert_eq!(
            mask_ping(&shown),
            mask_ping(seed),
            "ping -6 {dst} -c 4:\n{shown}{}",
            text(&out.stderr)
        );
        assert!(out.status.success(), "{out:?}");
    }

    // Check out each NAT64's state:
    let shown = d.cmd_ok(&blue, "jool --session --icmp --numeric");
    assert_sessions_like_seed(&shown, SEED_SESSIONS_BLUE, 61001..=65535);
    let shown = d.cmd_ok(&red, "jool --session --icmp --numeric");
    assert_sessions_like_seed(&shown, SEED_SESSIONS_RED, 61001..=65535);

    // 3.x behaviours around the seed.
    let dup = d.cmd(&blue, "jool --instance --add");
    assert_eq!(dup.status.code(), Some(17), "{dup:?}");
    assert_eq!(
        text(&dup.stderr),
        "Error: The kernel module returned error 17: This namespace already has a Jool instance.\n"
    );
    let all = d.cmd_ok(&blue, "jool --session --numeric");
    assert!(
        all.starts_with("TCP:\n---------------------------------\n  (empty)\nUDP:\n---------------------------------\n  (empty)\nICMP:\n"),
        "{all}"
    );
    let bib = d.cmd_ok(&blue, "jool --bib --icmp --numeric");
    let lines: Vec<&str> = bib.lines().collect();
    assert_eq!(lines.len(), 3, "{bib}");
    assert_eq!(lines[0], "ICMP:");
    assert!(
        capture("[Dynamic] 192.0.2.1#{} - 2001:db8:1::8#{}", lines[1]).is_some(),
        "{bib}"
    );
    assert_eq!(lines[2], "  (Fetched 1 entries.)");
    d.cmd_ok(&red, "jool --instance --remove");
    let gone = d.cmd(&red, "jool --pool6");
    assert_eq!(gone.status.code(), Some(3), "{gone:?}");
}
