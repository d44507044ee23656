//! End-to-end traffic through the real `jool-daemon`, configured with the real clients: SIIT and
//! NAT64 carrying TCP (a 200 KB transfer each way, checked byte for byte), UDP and ICMP (SIIT
//! initiated from both sides; NAT64 from IPv6, and from IPv4 through a static BIB entry), the
//! translator one router hop (ping's TTL), ICMP errors translated back to the sender, teardown
//! leaving nothing behind, a second daemon on the same socket refused, and an unprivileged
//! client that can display but not modify.
//!
//! Topology (three namespaces the test creates and deletes; documentation addresses only):
//!
//! ```text
//!   v6 node                     translator                      v4 node
//!   2001:db8:1::8/64 ── to_v6 ─ 2001:db8:1::1/64 │ 192.0.2.1/24 ─ to_v4 ── 192.0.2.8/24
//!   64:ff9b::/96 via ::1                         │                        198.51.100.0/24 via .1
//! ```
//!
//! NAT64: pool6 64:ff9b::/96, implicit pool4 (192.0.2.1, 61001-65535). SIIT: pool6
//! 64:ff9b::/96 and the EAM 2001:db8:1::8 ⇔ 198.51.100.8, so each node reaches the other both
//! ways. Sockets live in the namespaces through `NetNs::enter` (a socket keeps the namespace it
//! was created in). Needs root; without it every test returns early and says so.

mod common;

use common::topology::Net;
use common::{has_tun, random_bytes, root_or_skip, text, Daemon, Ns, DAEMON};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::Command;
use std::time::{Duration, Instant};

const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The shared [`Net`] (namespaces `jrs-<test>-…`), the v4 node routing the EAM range
/// 198.51.100.0/24 through the translator.
fn topology(test: &str) -> Net {
    let net = Net::new(&format!("jrs-{test}"));
    net.v4
        .ip(&["route", "add", "198.51.100.0/24", "via", "192.0.2.1"]);
    net
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

/// Index of the first difference, for a readable failure.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .or((a.len() != b.len()).then_some(a.len().min(b.len())))
}

/// A TCP connection from `client_ns` to `connect_to`, accepted by a server bound to `bind` in
/// `server_ns`: 200 KB of random bytes go each way (the client's first, then the server's
/// answer after the client's FIN), each checked byte for byte. Returns the client address the
/// server saw and the server address the client saw.
fn tcp_transfer(
    client_ns: &Ns,
    connect_to: &str,
    server_ns: &Ns,
    bind: &str,
) -> (SocketAddr, SocketAddr) {
    tcp_transfer_of(200_000, client_ns, connect_to, server_ns, bind)
}

/// [`tcp_transfer`] with `len` bytes each way.
fn tcp_transfer_of(
    len: usize,
    client_ns: &Ns,
    connect_to: &str,
    server_ns: &Ns,
    bind: &str,
) -> (SocketAddr, SocketAddr) {
    let up = random_bytes(len);
    let down = random_bytes(len);
    let listener = server_ns
        .netns()
        .enter(|| TcpListener::bind(addr(bind)))
        .expect("enter the server's namespace")
        .expect("bind the TCP server");
    listener.set_nonblocking(true).unwrap();
    let answer = down.clone();
    let server = std::thread::spawn(move || {
        let deadline = Instant::now() + IO_TIMEOUT;
        let (mut s, peer) = loop {
            match listener.accept() {
                Ok(pair) => break pair,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "the server accepted nothing");
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("accept: {e}"),
            }
        };
        s.set_nonblocking(false).unwrap();
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got)
            .expect("the server reads to the client's FIN");
        s.write_all(&answer).expect("the server answers");
        s.shutdown(Shutdown::Write).unwrap();
        (got, peer)
    });
    let target = addr(connect_to);
    let mut s = client_ns
        .netns()
        .enter(|| TcpStream::connect_timeout(&target, IO_TIMEOUT))
        .expect("enter the client's namespace")
        .unwrap_or_else(|e| panic!("connect to {connect_to}: {e}"));
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let seen_server = s.peer_addr().unwrap();
    s.write_all(&up).expect("the client sends");
    s.shutdown(Shutdown::Write).unwrap();
    let mut got_down = Vec::new();
    s.read_to_end(&mut got_down)
        .expect("the client reads the answer");
    let (got_up, seen_client) = server.join().expect("the server thread");
    assert_eq!(
        first_difference(&got_up, &up),
        None,
        "client → server: {} of {} bytes",
        got_up.len(),
        up.len()
    );
    assert_eq!(
        first_difference(&got_down, &down),
        None,
        "server → client: {} of {} bytes",
        got_down.len(),
        down.len()
    );
    (seen_client, seen_server)
}

/// One UDP datagram from `client_ns` to `dst`, received by a server bound to `bind` in
/// `server_ns`, and the server's answer. Returns the source each side saw.
fn udp_exchange(client_ns: &Ns, dst: &str, server_ns: &Ns, bind: &str) -> (SocketAddr, SocketAddr) {
    let srv = server_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(bind)))
        .unwrap()
        .expect("bind the UDP server");
    let any = if dst.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    };
    let cli = client_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(any)))
        .unwrap()
        .expect("bind the UDP client");
    let timeout = Some(Duration::from_secs(2));
    srv.set_read_timeout(timeout).unwrap();
    cli.set_read_timeout(timeout).unwrap();
    let mut buf = [0u8; 64];
    // Retried: the first datagram may wait on neighbour discovery.
    let mut seen = None;
    for _ in 0..5 {
        cli.send_to(b"hello", dst).unwrap();
        if let Ok((n, from)) = srv.recv_from(&mut buf) {
            assert_eq!(&buf[..n], b"hello");
            seen = Some(from);
            break;
        }
    }
    let at_server = seen.unwrap_or_else(|| panic!("nothing reached {bind} from {dst}"));
    srv.send_to(b"world", at_server).unwrap();
    let (n, at_client) = cli
        .recv_from(&mut buf)
        .unwrap_or_else(|e| panic!("no answer from {dst}: {e}"));
    assert_eq!(&buf[..n], b"world");
    (at_server, at_client)
}

/// A UDP datagram to a port nobody listens on: the destination's ICMP port unreachable must
/// come back through the translator, so that the connected socket reports ECONNREFUSED.
fn assert_port_unreachable_comes_back(client_ns: &Ns, dst: &str) {
    let any = if dst.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    };
    let sock = client_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(any)))
        .unwrap()
        .expect("bind the UDP client");
    sock.connect(dst).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 16];
    let mut last = None;
    for _ in 0..5 {
        // A send may itself report the refusal of the previous datagram.
        match sock.send(b"anyone?").and_then(|_| sock.recv(&mut buf)) {
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => return,
            other => last = Some(format!("{other:?}")),
        }
    }
    panic!("no port unreachable came back from {dst} (last: {last:?})");
}

/// `ping -c 3` from `ns` to `dst`: every echo answered, and the translator one router hop
/// (the other node answers with TTL 64).
fn assert_ping(ns: &Ns, family: &str, dst: &str) {
    let out = ns.exec("ping", &[family, "-c", "3", "-i", "0.2", "-W", "2", dst]);
    let shown = text(&out.stdout);
    assert!(
        out.status.success() && shown.contains("3 packets transmitted, 3 received, 0% packet loss"),
        "ping {family} {dst}:\n{shown}{}",
        text(&out.stderr)
    );
    let replies: Vec<&str> = shown
        .lines()
        .filter(|l| l.contains(" bytes from "))
        .collect();
    assert_eq!(replies.len(), 3, "{shown}");
    assert!(
        replies.iter().all(|l| l.contains(" ttl=63 ")),
        "not one hop:\n{shown}"
    );
}

#[test]
fn nat64_carries_tcp_udp_and_ping_from_ipv6_to_ipv4_and_leaves_nothing_behind() {
    if !root_or_skip() {
        return;
    }
    let net = topology("n64");
    let d = Daemon::start();
    let before = net.xlat.plumbing();
    d.cmd_ok(
        &net.xlat,
        "jool instance add --netfilter --pool6 64:ff9b::/96",
    );
    assert!(has_tun(&net.xlat));

    let (client, server) = tcp_transfer(
        &net.v6,
        "[64:ff9b::192.0.2.8]:8080",
        &net.v4,
        "192.0.2.8:8080",
    );
    assert_eq!(client.ip().to_string(), "192.0.2.1", "{client}");
    assert!((61001..=65535).contains(&client.port()), "{client}");
    assert_eq!(server.to_string(), "[64:ff9b::c000:208]:8080");

    let (at_server, at_client) = udp_exchange(
        &net.v6,
        "[64:ff9b::192.0.2.8]:5353",
        &net.v4,
        "192.0.2.8:5353",
    );
    assert_eq!(at_server.ip().to_string(), "192.0.2.1");
    assert!((61001..=65535).contains(&at_server.port()), "{at_server}");
    assert_eq!(at_client.to_string(), "[64:ff9b::c000:208]:5353");

    assert_ping(&net.v6, "-6", "64:ff9b::192.0.2.8");

    // Each protocol left its session (the TCP one in a closing state, still listed).
    for (flag, heading) in [("--tcp", "TCP:"), ("--udp", "UDP:"), ("--icmp", "ICMP:")] {
        let shown = d.cmd_ok(&net.xlat, &format!("jool session display {flag} --numeric"));
        assert!(shown.starts_with(&format!("{heading}\n")), "{shown}");
        assert!(shown.contains("2001:db8:1::8#"), "{shown}");
        assert!(shown.contains("Local: 192.0.2.1#"), "{shown}");
    }

    d.cmd_ok(&net.xlat, "jool instance remove");
    assert_eq!(
        net.xlat.plumbing(),
        before,
        "instance remove left something"
    );
    assert!(!has_tun(&net.xlat));
}

#[test]
fn nat64_translates_port_unreachable_back_to_the_ipv6_sender() {
    if !root_or_skip() {
        return;
    }
    let net = topology("n64e");
    let d = Daemon::start();
    d.cmd_ok(
        &net.xlat,
        "jool instance add --netfilter --pool6 64:ff9b::/96",
    );
    assert_port_unreachable_comes_back(&net.v6, "[64:ff9b::192.0.2.8]:9");
}

#[test]
fn nat64_static_bib_entry_lets_ipv4_open_tcp_and_udp_to_ipv6() {
    if !root_or_skip() {
        return;
    }
    let net = topology("bib");
    let d = Daemon::start();
    d.cmd_ok(
        &net.xlat,
        "jool instance add --netfilter --pool6 64:ff9b::/96",
    );
    d.cmd_ok(
        &net.xlat,
        "jool bib add 192.0.2.1#61500 2001:db8:1::8#8082 --tcp",
    );
    d.cmd_ok(
        &net.xlat,
        "jool bib add 192.0.2.1#61500 2001:db8:1::8#8082 --udp",
    );
    let (client, server) =
        tcp_transfer(&net.v4, "192.0.2.1:61500", &net.v6, "[2001:db8:1::8]:8082");
    assert_eq!(
        client.to_string().split(']').next(),
        Some("[64:ff9b::c000:208")
    );
    assert_eq!(server.to_string(), "192.0.2.1:61500");
    let (at_server, at_client) =
        udp_exchange(&net.v4, "192.0.2.1:61500", &net.v6, "[2001:db8:1::8]:8082");
    assert_eq!(at_server.ip().to_string(), "64:ff9b::c000:208");
    assert_eq!(at_client.to_string(), "192.0.2.1:61500");
}

/// Sends `len`-byte UDP datagrams from `client_ns` to `dst` until one reaches the server bound
/// to `bind` in `server_ns` (at most 5 tries: the first may wait on neighbour discovery), and
/// checks that it arrived whole.
fn udp_datagram_of(len: usize, client_ns: &Ns, dst: &str, server_ns: &Ns, bind: &str) {
    let srv = server_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(bind)))
        .unwrap()
        .expect("bind the UDP server");
    let any = if dst.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    };
    let cli = client_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(any)))
        .unwrap()
        .expect("bind the UDP client");
    srv.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let payload = random_bytes(len);
    let mut buf = vec![0u8; len + 1];
    for _ in 0..5 {
        cli.send_to(&payload, dst).unwrap();
        if let Ok((n, _)) = srv.recv_from(&mut buf) {
            assert_eq!(first_difference(&buf[..n], &payload), None, "{n} bytes");
            return;
        }
    }
    panic!("no {len}-byte datagram reached {bind} from {dst}");
}

/// `<counter>` of a namespace's `/proc/net/snmp` (IPv4, `Ip:` lines) or `/proc/net/snmp6`.
fn snmp(ns: &Ns, file: &str, counter: &str) -> u64 {
    let text = ns.exec_ok("cat", &[file]);
    if file.ends_with("snmp6") {
        return text
            .lines()
            .find_map(|l| l.strip_prefix(counter).map(|v| v.trim().parse().unwrap()))
            .unwrap_or_else(|| panic!("no {counter} in {file}"));
    }
    let mut ip = text.lines().filter(|l| l.starts_with("Ip: "));
    let (names, values) = (ip.next().unwrap(), ip.next().unwrap());
    let i = names.split(' ').position(|n| n == counter).unwrap();
    values.split(' ').nth(i).unwrap().parse().unwrap()
}

/// The TUN is not a link: on jumbo-frame networks (MTU 9000 everywhere), a 7,000-byte
/// datagram crosses the translator whole both ways. A TUN left at its default MTU of 1500
/// would make the kernel answer Packet Too Big before the translator sees the packet, and the
/// datagram would then arrive in fragments.
#[test]
fn siit_carries_jumbo_frames_whole_both_ways() {
    if !root_or_skip() {
        return;
    }
    let net = topology("jumbo");
    for (ns, dev) in [
        (&net.v6, "to_x"),
        (&net.xlat, "to_v6"),
        (&net.xlat, "to_v4"),
        (&net.v4, "to_x"),
    ] {
        ns.ip(&["link", "set", dev, "mtu", "9000"]);
    }
    let d = Daemon::start();
    siit(&net, &d);
    udp_datagram_of(
        7000,
        &net.v6,
        "[64:ff9b::192.0.2.8]:6000",
        &net.v4,
        "192.0.2.8:6000",
    );
    udp_datagram_of(
        7000,
        &net.v4,
        "198.51.100.8:6001",
        &net.v6,
        "[2001:db8:1::8]:6001",
    );
    assert_eq!(snmp(&net.v4, "/proc/net/snmp", "ReasmOKs"), 0);
    assert_eq!(snmp(&net.v6, "/proc/net/snmp6", "Ip6ReasmOKs"), 0);
    assert_eq!(snmp(&net.v6, "/proc/net/snmp6", "Icmp6InPktTooBigs"), 0);
}

/// The SIIT translator of [`Net`], configured with the clients.
fn siit(net: &Net, d: &Daemon) {
    d.cmd_ok(
        &net.xlat,
        "jool_siit instance add --netfilter --pool6 64:ff9b::/96",
    );
    d.cmd_ok(&net.xlat, "jool_siit eamt add 2001:db8:1::8 198.51.100.8");
}

#[test]
fn siit_carries_tcp_udp_and_ping_both_ways_and_sigterm_leaves_nothing_behind() {
    if !root_or_skip() {
        return;
    }
    let net = topology("siit");
    let mut d = Daemon::start();
    let before = net.xlat.plumbing();
    siit(&net, &d);

    // IPv6 → IPv4.
    let (client, server) = tcp_transfer(
        &net.v6,
        "[64:ff9b::192.0.2.8]:8080",
        &net.v4,
        "192.0.2.8:8080",
    );
    assert_eq!(client.ip().to_string(), "198.51.100.8");
    assert_eq!(server.to_string(), "[64:ff9b::c000:208]:8080");
    let (at_server, at_client) = udp_exchange(
        &net.v6,
        "[64:ff9b::192.0.2.8]:5353",
        &net.v4,
        "192.0.2.8:5353",
    );
    assert_eq!(at_server.ip().to_string(), "198.51.100.8");
    assert_eq!(at_client.to_string(), "[64:ff9b::c000:208]:5353");
    assert_ping(&net.v6, "-6", "64:ff9b::192.0.2.8");

    // IPv4 → IPv6.
    let (client, server) = tcp_transfer(
        &net.v4,
        "198.51.100.8:8081",
        &net.v6,
        "[2001:db8:1::8]:8081",
    );
    assert_eq!(client.ip().to_string(), "64:ff9b::c000:208");
    assert_eq!(server.to_string(), "198.51.100.8:8081");
    let (at_server, at_client) = udp_exchange(
        &net.v4,
        "198.51.100.8:5354",
        &net.v6,
        "[2001:db8:1::8]:5354",
    );
    assert_eq!(at_server.ip().to_string(), "64:ff9b::c000:208");
    assert_eq!(at_client.to_string(), "198.51.100.8:5354");
    assert_ping(&net.v4, "-4", "198.51.100.8");

    let status = d.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        net.xlat.plumbing(),
        before,
        "the daemon's exit left something"
    );
    assert!(!has_tun(&net.xlat));
    assert!(!d.socket.exists(), "the socket stayed");
}

/// Packets and bytes through the instance's TUN: (read by the daemon, written by the daemon).
fn tun_traffic(ns: &Ns) -> ((u64, u64), (u64, u64)) {
    let out = ns.ip(&["-s", "-o", "link", "show"]);
    let line = out
        .lines()
        .find(|l| l.contains(": jool-"))
        .unwrap_or_else(|| panic!("no TUN in {out}"));
    // `ip -s -o`: "... RX: bytes packets ... \    <bytes> <packets> ... TX: ... \    <bytes> <packets> ..."
    let nums: Vec<Vec<u64>> = line
        .split("\\")
        .map(|f| {
            f.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .collect();
    let pair = |i: usize| {
        let v = nums.get(i).unwrap_or_else(|| panic!("counters in {line}"));
        (v[1], v[0]) // (packets, bytes)
    };
    // The device transmits what the kernel routes into it (the daemon reads) and receives
    // what the daemon writes.
    let (rx, tx) = (pair(3), pair(5));
    (tx, rx)
}

/// With TUN offloads the kernel hands the daemon TCP super-packets (up to 64 KB, one header)
/// and takes translated super-packets back: 8 MB each way, byte for byte, with far fewer
/// packets through the TUN than 1500-byte segments would need.
#[test]
fn siit_moves_tcp_as_gso_super_packets_both_ways() {
    if !root_or_skip() {
        return;
    }
    let net = topology("gso");
    let d = Daemon::start();
    siit(&net, &d);
    let len = 8 << 20;
    tcp_transfer_of(
        len,
        &net.v6,
        "[64:ff9b::192.0.2.8]:8090",
        &net.v4,
        "192.0.2.8:8090",
    );
    tcp_transfer_of(
        len,
        &net.v4,
        "198.51.100.8:8091",
        &net.v6,
        "[2001:db8:1::8]:8091",
    );
    let ((read_pkts, read_bytes), (written_pkts, written_bytes)) = tun_traffic(&net.xlat);
    // 32 MB crossed the TUN (4 transfers of 8 MB, in and out); with 1500-byte packets that
    // takes more than 22,000 packets each way.
    assert!(read_bytes > 4 * len as u64, "read {read_bytes} bytes");
    assert!(
        written_bytes > 4 * len as u64,
        "wrote {written_bytes} bytes"
    );
    let (avg_read, avg_written) = (read_bytes / read_pkts, written_bytes / written_pkts);
    assert!(
        avg_read > 3000 && avg_written > 3000,
        "average packet through the TUN: {avg_read} bytes read, {avg_written} written"
    );
}

/// NAT64 with offloads: the same 8 MB transfer from IPv6 to IPv4, ports rewritten inside the
/// super-packets.
#[test]
fn nat64_moves_tcp_as_gso_super_packets() {
    if !root_or_skip() {
        return;
    }
    let net = topology("gso64");
    let d = Daemon::start();
    d.cmd_ok(
        &net.xlat,
        "jool instance add --netfilter --pool6 64:ff9b::/96",
    );
    let len = 8 << 20;
    let (client, _) = tcp_transfer_of(
        len,
        &net.v6,
        "[64:ff9b::192.0.2.8]:8092",
        &net.v4,
        "192.0.2.8:8092",
    );
    assert_eq!(client.ip().to_string(), "192.0.2.1");
    let ((read_pkts, read_bytes), (written_pkts, written_bytes)) = tun_traffic(&net.xlat);
    assert!(read_bytes > 2 * len as u64 && written_bytes > 2 * len as u64);
    let (avg_read, avg_written) = (read_bytes / read_pkts, written_bytes / written_pkts);
    assert!(
        avg_read > 3000 && avg_written > 3000,
        "average packet through the TUN: {avg_read} bytes read, {avg_written} written"
    );
}

#[test]
fn siit_translates_port_unreachable_back_both_ways() {
    if !root_or_skip() {
        return;
    }
    let net = topology("siite");
    let d = Daemon::start();
    siit(&net, &d);
    assert_port_unreachable_comes_back(&net.v6, "[64:ff9b::192.0.2.8]:9");
    assert_port_unreachable_comes_back(&net.v4, "198.51.100.8:9");
}

#[test]
fn instance_flush_leaves_nothing_behind() {
    if !root_or_skip() {
        return;
    }
    let net = topology("flush");
    let d = Daemon::start();
    let before = net.xlat.plumbing();
    siit(&net, &d);
    d.cmd_ok(&net.xlat, "jool_siit instance add --iptables beta");
    d.cmd_ok(
        &net.xlat,
        "jool instance add --netfilter --pool6 2001:db8:64::/96",
    );
    d.cmd_ok(
        &net.xlat,
        "jool instance add --iptables --pool6 64:ff9b::/96 gamma",
    );
    assert_ne!(net.xlat.plumbing(), before);
    d.cmd_ok(&net.xlat, "jool_siit instance flush");
    d.cmd_ok(&net.xlat, "jool instance flush");
    assert_eq!(net.xlat.plumbing(), before, "instance flush left something");
}

#[test]
fn a_second_daemon_on_the_same_socket_is_refused() {
    if !root_or_skip() {
        return;
    }
    let ns = Ns::new("jrs-second");
    let d = Daemon::start();
    d.cmd_ok(&ns, "jool_siit instance add --iptables");
    let out = Command::new("timeout")
        .args(["-k", "5", "30", DAEMON, "--socket"])
        .arg(&d.socket)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        text(&out.stderr),
        format!(
            "Error: another jool-daemon is already running on {}.\n",
            d.socket.display()
        )
    );
    // The first one still serves, with its instance.
    let shown = d.cmd_ok(&ns, "jool_siit instance display --csv --no-headers");
    assert_eq!(shown, format!("{},default,iptables,0\n", ns.name));
}

#[test]
fn an_unprivileged_client_can_display_but_not_modify() {
    if !root_or_skip() {
        return;
    }
    let ns = Ns::new("jrs-unpriv");
    let d = Daemon::start();
    d.cmd_ok(&ns, "jool instance add --iptables --pool6 64:ff9b::/96");
    let nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    for line in [
        "jool instance add --iptables --pool6 64:ff9b::/96 other",
        "jool instance remove",
        "jool global update lowest-ipv6-mtu 1400",
        "jool pool4 add --tcp 192.0.2.1 61001-65535",
    ] {
        let out = d.cmd(&ns, &format!("{nobody} {line}"));
        assert_ne!(out.status.code(), Some(0), "{line}: {out:?}");
        assert_eq!(
            text(&out.stderr),
            // Jool wraps the errors its kernel module returns this way (errno 1, EPERM).
            "Error: The kernel module returned error 1: \
             CAP_NET_ADMIN capability required. (Maybe try su or sudo?)\n",
            "{line}"
        );
    }
    // Displays work, and nothing changed.
    let shown = d.cmd_ok(&ns, &format!("{nobody} jool instance display --csv"));
    assert_eq!(
        shown,
        format!(
            "Namespace,Name,Framework,Queue\n{},default,iptables,0\n",
            ns.name
        )
    );
    let shown = d.cmd_ok(&ns, &format!("{nobody} jool global display"));
    assert!(shown.contains("pool6: 64:ff9b::/96\n"), "{shown}");
    assert!(!shown.contains("lowest-ipv6-mtu: 1400"), "{shown}");
    let shown = d.cmd_ok(&ns, &format!("{nobody} jool pool4 display"));
    assert!(!shown.contains("61001"), "{shown}");
}
