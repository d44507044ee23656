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

use common::two_nat64::{self, assert_sessions_like_seed, SEED_SESSIONS_BLUE, SEED_SESSIONS_RED};
use common::{capture, root_or_skip, text, Daemon};

const SEED_POOL6_BLUE: &str = "\
2001:db8:64::/96
  (Fetched 1 entries.)
";

const SEED_POOL6_RED: &str = "\
2001:db8:46::/96
  (Fetched 1 entries.)
";

#[test]
fn instance_flag_multiple_nat64s_in_a_single_machine_3x_syntax() {
    if !root_or_skip() {
        return;
    }
    let d = Daemon::start();
    let two_nat64::Topology { host, blue, red } = two_nat64::build();

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
    two_nat64::ping_both_like_seed(&d, &host, &blue, &red);

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
