//! The documentation's "Multiple NAT64s in a Single Machine" example, shared by its 4.x
//! (`tests/seeds.rs`) and 3.x (`tests/seed_002.rs`) versions: the topology, the seed's
//! outputs, and the checks that compare with them.

use super::{capture, mask_ping, text, wait_until, Daemon, Ns};
use std::time::Duration;

pub const SEED_PING_BLUE: &str = "\
PING 2001:db8:64::192.0.2.8(2001:db8:64::c000:208) 56 data bytes
64 bytes from 2001:db8:64::c000:208: icmp_seq=1 ttl=63 time=0.525 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=2 ttl=63 time=0.263 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=3 ttl=63 time=0.625 ms
64 bytes from 2001:db8:64::c000:208: icmp_seq=4 ttl=63 time=0.298 ms

--- 2001:db8:64::192.0.2.8 ping statistics ---
4 packets transmitted, 4 received, 0% packet loss, time 3001ms
rtt min/avg/max/mdev = 0.263/0.427/0.625/0.154 ms
";

pub const SEED_PING_RED: &str = "\
PING 2001:db8:46::203.0.113.8(2001:db8:46::cb00:7108) 56 data bytes
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=1 ttl=63 time=0.236 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=2 ttl=63 time=0.422 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=3 ttl=63 time=0.480 ms
64 bytes from 2001:db8:46::cb00:7108: icmp_seq=4 ttl=63 time=0.154 ms

--- 2001:db8:46::203.0.113.8 ping statistics ---
4 packets transmitted, 4 received, 0% packet loss, time 3002ms
rtt min/avg/max/mdev = 0.154/0.323/0.480/0.132 ms
";

pub const SEED_SESSIONS_BLUE: &str = "\
ICMP:
---------------------------------
Expires in 42 seconds
Remote: 192.0.2.8#62253\t2001:db8:1::8#3206
Local: 192.0.2.1#62253\t2001:db8:64::c000:208#3206
---------------------------------
  (Fetched 1 entries.)
";

pub const SEED_SESSIONS_RED: &str = "\
ICMP:
---------------------------------
Expires in 48 seconds
Remote: 203.0.113.8#62941\t2001:db8:2::8#3207
Local: 203.0.113.1#62941\t2001:db8:46::cb00:7108#3207
---------------------------------
  (Fetched 1 entries.)
";

/// Turns the numbers after `#` and in `Expires in N` of a seed session block into `{}`.
pub fn session_pattern(seed: &str) -> Vec<String> {
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
pub fn assert_sessions_like_seed(
    shown: &str,
    seed: &str,
    pool4_ports: std::ops::RangeInclusive<u32>,
) {
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
pub fn wait_for_dad(namespaces: &[&Ns]) {
    wait_until(Duration::from_secs(10), "IPv6 DAD", || {
        namespaces.iter().all(|ns| ns.dad_done())
    });
}

/// The example's namespaces: `host` stands for the documentation's root namespace.
pub struct Topology {
    /// The documentation's root namespace.
    pub host: Ns,
    /// The first NAT64's namespace.
    pub blue: Ns,
    /// The second NAT64's namespace.
    pub red: Ns,
}

/// "Create two namespaces with two local networks each", as the documentation does (with
/// forwarding on, which the 3.x page skips "to reduce clutter").
pub fn build() -> Topology {
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
    Topology { host, blue, red }
}

/// "Ping yourself through each NAT64": `ping -6 ... -c 4` from `host`, compared with the
/// documentation's output (times masked).
pub fn ping_both_like_seed(d: &Daemon, host: &Ns, blue: &Ns, red: &Ns) {
    wait_for_dad(&[host, blue, red]);
    for (dst, seed) in [
        ("2001:db8:64::192.0.2.8", SEED_PING_BLUE),
        ("2001:db8:46::203.0.113.8", SEED_PING_RED),
    ] {
        let out = d.cmd(host, &format!("ping -6 {dst} -c 4"));
        let shown = text(&out.stdout);
        assert_eq!(
            mask_ping(&shown),
            mask_ping(seed),
            "ping -6 {dst} -c 4:\n{shown}{}",
            text(&out.stderr)
        );
        assert!(out.status.success(), "{out:?}");
    }
}
