//! The three-namespace topology of the traffic tests (`tests/traffic.rs`, `tests/nfqueue.rs`,
//! `tests/surface/nat64_traffic.rs`); each adds what only it needs (routes, addresses,
//! sysctls) to the namespaces afterwards.
//!
//! ```text
//!   v6 node                     translator                      v4 node
//!   2001:db8:1::8/64 ── to_v6 ─ 2001:db8:1::1/64 │ 192.0.2.1/24 ─ to_v4 ── 192.0.2.8/24
//!   64:ff9b::/96 via ::1
//! ```

use super::{wait_until, Ns};
use std::time::Duration;

/// The three namespaces, linked by veth pairs (`to_x` in each node, `to_v6` and `to_v4` in
/// the translator), which forwards both families.
pub struct Net {
    pub v6: Ns,
    pub xlat: Ns,
    pub v4: Ns,
}

impl Net {
    /// Namespaces `<prefix>-v6-…`, `<prefix>-x-…` and `<prefix>-v4-…`, addressed, up and
    /// routed as drawn above; returns once IPv6 duplicate address detection is over.
    pub fn new(prefix: &str) -> Net {
        let v6 = Ns::new(&format!("{prefix}-v6"));
        let xlat = Ns::new(&format!("{prefix}-x"));
        let v4 = Ns::new(&format!("{prefix}-v4"));
        xlat.ip(&[
            "link", "add", "to_v6", "type", "veth", "peer", "name", "to_x", "netns", &v6.name,
        ]);
        xlat.ip(&[
            "link", "add", "to_v4", "type", "veth", "peer", "name", "to_x", "netns", &v4.name,
        ]);
        xlat.ip(&["addr", "add", "2001:db8:1::1/64", "dev", "to_v6", "nodad"]);
        xlat.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_v4"]);
        v6.ip(&["addr", "add", "2001:db8:1::8/64", "dev", "to_x", "nodad"]);
        v4.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_x"]);
        for (ns, dev) in [
            (&xlat, "to_v6"),
            (&xlat, "to_v4"),
            (&v6, "to_x"),
            (&v4, "to_x"),
        ] {
            ns.ip(&["link", "set", dev, "up"]);
        }
        v6.ip(&["route", "add", "64:ff9b::/96", "via", "2001:db8:1::1"]);
        xlat.sysctl(&[
            "net.ipv4.conf.all.forwarding=1",
            "net.ipv6.conf.all.forwarding=1",
        ]);
        wait_until(Duration::from_secs(10), "IPv6 DAD", || {
            v6.dad_done() && xlat.dad_done()
        });
        Net { v6, xlat, v4 }
    }
}
