//! Session synchronization end to end (spec §8): two NAT64 instances in two namespaces, one
//! `jool-daemon` serving both, each with `ss-enabled true` and a `jool session proxy` on the
//! IPv6 link-local multicast group ff02::db8:64 of the veth that joins them. Traffic through A
//! creates a session; B shows it; `session advertise` on A sends it again after B lost it;
//! `session follow` on A prints it.
//!
//! ```text
//!   v6 client                       node A (NAT64 + proxy)                  v4 server
//!   2001:db8:1::8/64 ── to_x ─ to_v6 2001:db8:1::1/64 │ 192.0.2.1/24 to_v4 ─ 192.0.2.8/24
//!                                    sync ── (ff02::db8:64, port 6400) ── sync
//!                                                              node B (NAT64 + proxy)
//! ```
//! Needs root; without it the test returns early and says so. Only processes started here are
//! stopped (by their own handles); every wait is bounded.

mod common;

use common::{root_or_skip, text, wait_until, Daemon, Ns, COMMAND_LIMIT_SECS};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const GROUP: &str = "ff02::db8:64";
const WAIT: Duration = Duration::from_secs(20);

/// A long-running client (`session proxy` / `follow`) in a namespace, its standard output
/// delivered line by line; killed on drop (this child only).
struct Background {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Background {
    fn start(d: &Daemon, ns: &Ns, line: &str) -> Background {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &ns.name])
            .args(line.split_whitespace())
            .env("PATH", Daemon::path_env())
            .env("JOOL_SOCKET", &d.socket)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        let out = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Background {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (bounded) for a line satisfying `pred`; returns it.
    fn expect_line(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        if let Some(l) = self.seen.iter().find(|l| pred(l)) {
            return l.clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => panic!("no {what} within {WAIT:?}; got:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// The first `n` lines.
    fn first_lines(&mut self, n: usize) -> Vec<String> {
        while self.seen.len() < n {
            match self.lines.recv_timeout(WAIT) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("only {} lines: {:?}", self.seen.len(), self.seen),
            }
        }
        self.seen[..n].to_vec()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Net {
    v6: Ns,
    a: Ns,
    v4: Ns,
    b: Ns,
}

fn build() -> Net {
    let v6 = Ns::new("jrs-ss-v6");
    let a = Ns::new("jrs-ss-a");
    let v4 = Ns::new("jrs-ss-v4");
    let b = Ns::new("jrs-ss-b");
    a.ip(&[
        "link", "add", "to_v6", "type", "veth", "peer", "name", "to_x", "netns", &v6.name,
    ]);
    a.ip(&[
        "link", "add", "to_v4", "type", "veth", "peer", "name", "to_x", "netns", &v4.name,
    ]);
    a.ip(&[
        "link", "add", "sync", "type", "veth", "peer", "name", "sync", "netns", &b.name,
    ]);
    a.ip(&["addr", "add", "2001:db8:1::1/64", "dev", "to_v6", "nodad"]);
    a.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_v4"]);
    v6.ip(&["addr", "add", "2001:db8:1::8/64", "dev", "to_x", "nodad"]);
    v4.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_x"]);
    for (ns, dev) in [
        (&a, "to_v6"),
        (&a, "to_v4"),
        (&a, "sync"),
        (&v6, "to_x"),
        (&v4, "to_x"),
        (&b, "sync"),
    ] {
        ns.ip(&["link", "set", dev, "up"]);
    }
    v6.ip(&["route", "add", "64:ff9b::/96", "via", "2001:db8:1::1"]);
    a.sysctl(&[
        "net.ipv4.conf.all.forwarding=1",
        "net.ipv6.conf.all.forwarding=1",
    ]);
    wait_until(Duration::from_secs(10), "IPv6 DAD", || {
        [&v6, &a, &b].iter().all(|n| n.dad_done())
    });
    Net { v6, a, v4, b }
}

/// B's ICMP sessions as CSV rows.
fn sessions(d: &Daemon, ns: &Ns) -> Vec<String> {
    d.cmd_ok(
        ns,
        "jool session display --icmp --numeric --csv --no-headers",
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

fn stat(d: &Daemon, ns: &Ns, name: &str) -> u64 {
    d.cmd_ok(ns, "jool stats display --all --csv")
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{name},"))
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn sessions_created_on_one_nat64_reach_its_peer_and_advertise_resends_them() {
    if !root_or_skip() {
        return;
    }
    let net = build();
    let d = Daemon::start();
    for ns in [&net.a, &net.b] {
        d.cmd_ok(ns, "jool instance add --pool6 64:ff9b::/96");
        d.cmd_ok(ns, "jool global update ss-enabled true");
    }
    let proxy_line = format!("jool session proxy --net.dev.in=sync --net.dev.out=sync {GROUP}");
    let mut proxy_a = Background::start(&d, &net.a, &proxy_line);
    assert_eq!(
        proxy_a.first_lines(11),
        [
            "Config:",
            "  mod.instance: default",
            "  net.mcast.addr: ff02::db8:64",
            "  net.mcast.port: 6400",
            "  net.dev.in: sync",
            "  net.dev.out: sync",
            "  net.ttl: 1",
            "",
            "joold is intended as a daemon, so it outputs straight to syslog.",
            "The standard streams will mostly shut up from now on.",
            "---------------------------------------------",
        ]
    );
    let _proxy_b = Background::start(&d, &net.b, &proxy_line);
    let mut follow = Background::start(&d, &net.a, "jool session follow");
    assert_eq!(
        follow.first_lines(2),
        [
            "Commands parsed successfully; switching to syslog.",
            "See journalctl for error messages from now on.",
        ]
    );
    // Both proxies subscribed and joined the group before the traffic.
    wait_until(WAIT, "the proxies' group memberships", || {
        [&net.a, &net.b].iter().all(|ns| {
            text(
                &ns.exec("ip", &["-6", "maddr", "show", "dev", "sync"])
                    .stdout,
            )
            .contains(GROUP)
        })
    });
    std::thread::sleep(Duration::from_millis(500));

    let ping = net
        .v6
        .exec("ping", &["-6", "-c", "1", "-W", "5", "64:ff9b::192.0.2.8"]);
    assert!(ping.status.success(), "{}", text(&ping.stdout));
    let on_a = sessions(&d, &net.a);
    assert_eq!(on_a.len(), 1, "{on_a:?}");
    assert!(on_a[0].starts_with("ICMP,2001:db8:1::8,"), "{on_a:?}");

    // Within the flush deadline (2 s) and a tick, B has it too: same tuple.
    let mut on_b = Vec::new();
    wait_until(WAIT, "the session on B", || {
        on_b = sessions(&d, &net.b);
        !on_b.is_empty()
    });
    let tuple = |row: &str| row.split(',').take(9).collect::<Vec<_>>().join(",");
    assert_eq!(tuple(&on_b[0]), tuple(&on_a[0]));
    assert!(stat(&d, &net.b, "JSTAT_JOOLD_SSS_RCVD") >= 1);
    assert!(stat(&d, &net.a, "JSTAT_JOOLD_PKT_SENT") >= 1);

    // follow printed it: ICMP,src6,id,src4,mask,dst4,mask,lifetime.
    let fields: Vec<String> = on_a[0].split(',').map(str::to_owned).collect();
    let prefix = format!(
        "ICMP,{},{},{},{},{},{},",
        fields[1], fields[2], fields[5], fields[6], fields[7], fields[8]
    );
    follow.expect_line("the follow line", |l| l.starts_with(&prefix));

    // B loses it; A advertises its database; B has it again.
    let id = &fields[2];
    d.cmd_ok(
        &net.b,
        &format!("jool bib remove --icmp 2001:db8:1::8#{id}"),
    );
    assert!(sessions(&d, &net.b).is_empty());
    d.cmd_ok(&net.a, "jool session advertise");
    wait_until(WAIT, "the advertised session on B", || {
        sessions(&d, &net.b)
            .first()
            .is_some_and(|r| tuple(r) == tuple(&on_a[0]))
    });
    assert_eq!(stat(&d, &net.a, "JSTAT_JOOLD_ADS"), 1);
    // The hidden spelling works too, once the first advertisement is over.
    wait_until(WAIT, "the end of the advertisement", || {
        d.cmd(&net.a, "jool joold advertise").status.success()
    });
    let _ = (&net.v4, COMMAND_LIMIT_SECS);
}
