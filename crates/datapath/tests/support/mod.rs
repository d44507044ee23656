//! Test namespaces: created with `ip netns add jrs-dp-<random>`, deleted (with everything in
//! them) when the guard drops. Self-contained so that other crates' tests can copy it.

#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// A named network namespace that exists while this guard lives.
pub struct TestNs {
    pub name: String,
}

fn random_suffix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:x}{:x}{n}", std::process::id() & 0xffff, nanos & 0xfffff)
}

/// Runs a command; panics with its output when it fails.
pub fn sh(args: &[&str]) -> String {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {args:?}: {e}"));
    assert!(
        out.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command; returns whether it succeeded, and its stdout+stderr.
pub fn try_sh(args: &[&str]) -> (bool, String) {
    match Command::new(args[0]).args(&args[1..]).output() {
        Ok(out) => (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ),
        Err(e) => (false, e.to_string()),
    }
}

impl TestNs {
    /// A new namespace `jrs-dp-<random>` with `lo` up.
    pub fn new() -> TestNs {
        let name = format!("jrs-dp-{}", random_suffix());
        sh(&["ip", "netns", "add", &name]);
        let ns = TestNs { name };
        ns.exec(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    /// Runs a command inside the namespace; panics on failure.
    pub fn exec(&self, args: &[&str]) -> String {
        let mut full = vec!["ip", "netns", "exec", &self.name];
        full.extend_from_slice(args);
        sh(&full)
    }

    /// Runs a command inside the namespace; success and output.
    pub fn try_exec(&self, args: &[&str]) -> (bool, String) {
        let mut full = vec!["ip", "netns", "exec", &self.name];
        full.extend_from_slice(args);
        try_sh(&full)
    }

    /// Deletes the namespace now (also done on drop; a second deletion is harmless).
    pub fn delete(&self) {
        let _ = try_sh(&["ip", "netns", "del", &self.name]);
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        self.delete();
    }
}

/// A veth pair `a` (in `ns_a`) <-> `b` (in `ns_b`), both up. Created inside `ns_a` and moved, so
/// nothing ever appears in the root namespace. Deleted with either namespace.
pub fn veth_pair(ns_a: &TestNs, a: &str, ns_b: &TestNs, b: &str) {
    ns_a.exec(&[
        "ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", &ns_b.name,
    ]);
    ns_a.exec(&["ip", "link", "set", a, "up"]);
    ns_b.exec(&["ip", "link", "set", b, "up"]);
}

/// The NFQUEUE tests' namespaces: `a` (192.0.2.1, and `extra` more addresses 192.0.2.101...)
/// and `b` (192.0.2.2), a veth between them, and in `b` a rule sending UDP to port 7000 to
/// `target` (`--queue-num N`, `--queue-balance A:B`, ...).
pub fn nfqueue_pair(
    target: &[&str],
    extra: u8,
) -> (TestNs, TestNs, jool_datapath::NetNs, jool_datapath::NetNs) {
    let a = TestNs::new();
    let b = TestNs::new();
    veth_pair(&a, "va", &b, "vb");
    a.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "va"]);
    for i in 0..extra {
        let addr = format!("192.0.2.{}/24", 101 + u32::from(i));
        a.exec(&["ip", "addr", "add", &addr, "dev", "va"]);
    }
    b.exec(&["ip", "addr", "add", "192.0.2.2/24", "dev", "vb"]);
    let mut rule = vec![
        "iptables",
        "-t",
        "mangle",
        "-A",
        "PREROUTING",
        "-i",
        "vb",
        "-p",
        "udp",
        "--dport",
        "7000",
        "-j",
        "NFQUEUE",
    ];
    rule.extend_from_slice(target);
    b.exec(&rule);
    let nsa = jool_datapath::NetNs::by_name(&a.name).unwrap();
    let nsb = jool_datapath::NetNs::by_name(&b.name).unwrap();
    (a, b, nsa, nsb)
}

/// An IPv4/UDP packet (header checksum computed, UDP checksum 0 = none).
pub fn udp4_packet(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let total = 20 + 8 + payload.len();
    let mut p = vec![
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        1,
        0x40,
        0,
        64,
        17,
        0,
        0,
    ];
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    let mut sum: u32 = p
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let ck = !(sum as u16);
    p[10..12].copy_from_slice(&ck.to_be_bytes());
    let ulen = (8 + payload.len()) as u16;
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&ulen.to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    p
}

/// A UDP socket created inside `ns` (it stays in that namespace), bound to `addr`, with a
/// receive timeout.
pub fn udp_socket_in(ns: &jool_datapath::NetNs, addr: &str) -> std::net::UdpSocket {
    let addr = addr.to_string();
    let s = ns
        .enter(move || std::net::UdpSocket::bind(addr))
        .expect("enter")
        .expect("bind");
    s.set_read_timeout(Some(std::time::Duration::from_millis(1500)))
        .expect("timeout");
    s
}
