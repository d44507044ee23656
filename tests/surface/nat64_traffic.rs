//! Real NAT64 state for `tests/surface_nat64.rs`: a three-namespace topology and the sockets
//! that leave one TCP session in each state of RFC 6146 §3.5.2, plus UDP and ICMP sessions,
//! all on fixed ports so that every table prints the same text on every run.
//!
//! ```text
//!   v6 node                      translator                      v4 node
//!   2001:db8:1::8/64 ── to_v6 ─ 2001:db8:1::1/64 │ 192.0.2.1/24 ─ to_v4 ── 192.0.2.8/24
//!   64:ff9b::/96 via ::1
//! ```
//!
//! Addresses nobody answers for (2001:db8:1::99, 192.0.2.99) leave SYNs unanswered: the
//! V6_INIT and V4_INIT sessions.

use crate::common::topology::Net;
use crate::common::Ns;
use rustix::net::{
    ipproto, recv, sendto, sockopt, AddressFamily, RecvFlags, SendFlags, SocketType,
};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// The shared [`Net`] (namespaces `jrs-s-…`), with ping sockets (ICMP identifiers chosen by
/// `bind`) for everyone in the v6 node.
pub fn topology() -> Net {
    let net = Net::new("jrs-s");
    net.v6.sysctl(&["net.ipv4.ping_group_range=0 2147483647"]);
    net
}

/// `/etc/netns/<ns>/`: files `ip netns exec` mounts over `/etc` for commands run in that
/// namespace (here `hosts` and `nsswitch.conf`, so that name resolution is the same on every
/// machine and needs no DNS). Removed on drop, with `/etc/netns` if this created it.
pub struct EtcNetns {
    dir: PathBuf,
    created_parent: bool,
}

impl EtcNetns {
    pub fn new(ns: &Ns, files: &[(&str, &str)]) -> EtcNetns {
        let parent = PathBuf::from("/etc/netns");
        let created_parent = !parent.exists();
        let dir = parent.join(&ns.name);
        std::fs::create_dir_all(&dir).expect("create /etc/netns/<ns>");
        let guard = EtcNetns {
            dir,
            created_parent,
        };
        for (name, text) in files {
            std::fs::write(guard.dir.join(name), text).expect("write /etc/netns/<ns>/<file>");
        }
        guard
    }
}

impl Drop for EtcNetns {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if self.created_parent {
            let _ = std::fs::remove_dir("/etc/netns");
        }
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

/// A socket of `ns`, bound to `local`.
fn bound(ns: &Ns, ty: SocketType, proto: Option<rustix::net::Protocol>, local: &str) -> OwnedFd {
    let local = addr(local);
    let family = match local {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    ns.netns()
        .enter(|| -> std::io::Result<OwnedFd> {
            let fd = rustix::net::socket(family, ty, proto)?;
            sockopt::set_socket_reuseaddr(&fd, true)?;
            rustix::net::bind(&fd, &local)?;
            Ok(fd)
        })
        .expect("enter the namespace")
        .unwrap_or_else(|e| panic!("socket bound to {local}: {e}"))
}

/// A TCP connection from `local` (in `ns`) to `remote`, established.
pub fn tcp_connect(ns: &Ns, local: &str, remote: &str) -> TcpStream {
    let fd = bound(ns, SocketType::STREAM, None, local);
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Send, Some(IO_TIMEOUT)).unwrap();
    rustix::net::connect(&fd, &addr(remote))
        .unwrap_or_else(|e| panic!("connect {local} → {remote}: {e}"));
    let s = TcpStream::from(fd);
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s
}

/// A SYN from `local` to `remote` that nobody answers: a non-blocking connect left pending.
pub fn tcp_syn(ns: &Ns, local: &str, remote: &str) -> OwnedFd {
    let fd = bound(ns, SocketType::STREAM, None, local);
    rustix::io::ioctl_fionbio(&fd, true).unwrap();
    match rustix::net::connect(&fd, &addr(remote)) {
        Err(rustix::io::Errno::INPROGRESS) => fd,
        other => panic!("connect {local} → {remote}: {other:?} (expected EINPROGRESS)"),
    }
}

/// A listener of `ns` on `local`.
pub fn tcp_listen(ns: &Ns, local: &str) -> TcpListener {
    let l = ns
        .netns()
        .enter(|| TcpListener::bind(addr(local)))
        .expect("enter the namespace")
        .unwrap_or_else(|e| panic!("listen on {local}: {e}"));
    l
}

/// The server side of the connection `listener` is about to receive.
pub fn accept(listener: &TcpListener) -> TcpStream {
    let (s, _) = listener.accept().expect("accept");
    s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    s
}

/// Reads until `s` reports the peer's FIN (end of stream).
pub fn read_fin(s: &mut TcpStream) {
    let mut buf = [0u8; 64];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) => panic!("waiting for a FIN: {e}"),
        }
    }
}

/// Sends one byte and reads it back on `server` (the connection carries data).
pub fn ping_pong(client: &mut TcpStream, server: &mut TcpStream) {
    client.write_all(b"x").unwrap();
    let mut b = [0u8; 1];
    server.read_exact(&mut b).unwrap();
}

/// Half-closes `s` (sends a FIN).
pub fn fin(s: &TcpStream) {
    s.shutdown(Shutdown::Write).unwrap();
}

/// Closes `s` with a RST (SO_LINGER 0).
pub fn rst(s: TcpStream) {
    sockopt::set_socket_linger(&s, Some(Duration::ZERO)).unwrap();
    drop(s);
}

/// One UDP datagram from `local` (in `client_ns`) to `remote`, echoed by a server bound to
/// `server_at` in `server_ns`.
pub fn udp_exchange(client_ns: &Ns, local: &str, remote: &str, server_ns: &Ns, server_at: &str) {
    let srv = server_ns
        .netns()
        .enter(|| UdpSocket::bind(addr(server_at)))
        .unwrap()
        .expect("bind the UDP server");
    let cli = UdpSocket::from(bound(client_ns, SocketType::DGRAM, None, local));
    srv.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    cli.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut buf = [0u8; 16];
    // Retried: the first datagram may wait on neighbour discovery.
    for _ in 0..5 {
        cli.send_to(b"hello", remote).unwrap();
        if let Ok((_, from)) = srv.recv_from(&mut buf) {
            srv.send_to(b"world", from).unwrap();
            cli.recv_from(&mut buf).expect("the UDP answer");
            return;
        }
    }
    panic!("no UDP datagram reached {server_at} from {local}");
}

/// An ICMPv6 echo exchange from a ping socket of `ns` whose identifier is `id`.
pub fn ping6(ns: &Ns, id: u16, remote: &str) {
    let fd = bound(
        ns,
        SocketType::DGRAM,
        Some(ipproto::ICMPV6),
        &format!("[::]:{id}"),
    );
    sockopt::set_socket_timeout(&fd, sockopt::Timeout::Recv, Some(Duration::from_secs(1))).unwrap();
    // Echo request (RFC 4443 §4.1); the kernel writes the identifier and the checksum.
    let request = [128u8, 0, 0, 0, 0, 0, 0, 1, b'j', b'o', b'o', b'l'];
    let to = addr(&format!("[{remote}]:0"));
    for _ in 0..5 {
        sendto(&fd, &request, SendFlags::empty(), &to).unwrap();
        let mut buf = [0u8; 64];
        if let Ok((_, n)) = recv(&fd, &mut buf[..], RecvFlags::empty()) {
            if n >= 8 && buf[0] == 129 {
                return;
            }
        }
    }
    panic!("no echo reply from {remote} to identifier {id}");
}
