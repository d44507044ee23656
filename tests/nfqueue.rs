//! End-to-end: a NAT64 instance of the iptables framework on a range of NFQUEUE queues
//! (`instance add --iptables --queue 4:5`), fed by `-j NFQUEUE --queue-balance 4:5` rules: the
//! daemon binds every queue of the range, each worker answers its packets in batches, and the
//! traffic of many hosts — spread over both queues by the kernel's hash — is translated whole.
//!
//! ```text
//!   v6 node                          translator (iptables rules → NFQUEUE 4, 5)      v4 node
//!   2001:db8:1::8, ::10-::1f ─ to_x ═ to_v6 ─ 2001:db8:1::1 │ 192.0.2.1 ─ to_v4 ═ to_x ─ 192.0.2.8
//! ```
//!
//! Namespaces created and deleted by the test; documentation addresses only. Needs root;
//! without it every test returns early and says so.

mod common;

use common::topology::Net;
use common::{root_or_skip, text, Daemon, Ns};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// The IPv6 hosts that send: 16 addresses, so that the balance hash (addresses and protocol)
/// puts some on each queue.
const HOSTS: u16 = 16;

impl Net {
    /// The shared [`Net`] (namespaces `jrs-nfq-…`), the v6 node also holding the [`HOSTS`]
    /// addresses 2001:db8:1::10 onwards.
    fn with_hosts() -> Net {
        let net = Net::new("jrs-nfq");
        for h in 0..HOSTS {
            let a = format!("2001:db8:1::{:x}/64", 0x10 + h);
            net.v6.ip(&["addr", "add", &a, "dev", "to_x", "nodad"]);
        }
        net
    }

    /// The translator's rules: IPv6 towards pool6 and IPv4 towards pool4 go to queues 4-5.
    fn balance_rules(&self) {
        let target = ["-j", "NFQUEUE", "--queue-balance", "4:5"];
        let v6: Vec<&str> = ["-t", "mangle", "-A", "PREROUTING", "-d", "64:ff9b::/96"]
            .into_iter()
            .chain(target)
            .collect();
        self.xlat.exec_ok("ip6tables", &v6);
        let v4: Vec<&str> = [
            "-t",
            "mangle",
            "-A",
            "PREROUTING",
            "-i",
            "to_v4",
            "-d",
            "192.0.2.1",
        ]
        .into_iter()
        .chain(target)
        .collect();
        self.xlat.exec_ok("iptables", &v4);
    }

    /// `(queue, packets queued so far)` of every bound queue of the translator's namespace
    /// (`/proc/net/netfilter/nfnetlink_queue`: queue number first, id sequence eighth).
    fn queues(&self) -> Vec<(u16, u64)> {
        self.xlat
            .exec_ok("cat", &["/proc/net/netfilter/nfnetlink_queue"])
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                Some((f.first()?.parse().ok()?, f.get(7)?.parse().ok()?))
            })
            .collect()
    }
}

fn in_ns<T: Send>(ns: &Ns, f: impl FnOnce() -> std::io::Result<T> + Send) -> T {
    ns.netns()
        .enter(f)
        .expect("enter the namespace")
        .expect("socket")
}

#[test]
fn nat64_instance_on_a_queue_range_translates_on_every_queue() {
    if !root_or_skip() {
        return;
    }
    let net = Net::with_hosts();
    let d = Daemon::start();
    d.cmd_ok(
        &net.xlat,
        "jool instance add alpha --iptables --queue 4:5 --pool6 64:ff9b::/96",
    );
    let shown = d.cmd_ok(&net.xlat, "jool instance display --csv --no-headers");
    assert!(shown.ends_with(",alpha,iptables,4:5\n"), "{shown}");
    let bound: Vec<u16> = net.queues().iter().map(|q| q.0).collect();
    assert_eq!(bound, [4, 5], "one socket per queue of the range");
    // Overlapping ranges are refused.
    let taken = d.cmd(
        &net.xlat,
        "jool instance add beta --iptables --queue 5:6 --pool6 64:ff9b::/96",
    );
    assert!(
        text(&taken.stderr)
            .contains("NFQUEUE 5 is already used by instance 'alpha' of this namespace."),
        "{}",
        text(&taken.stderr)
    );
    net.balance_rules();

    let server = in_ns(&net.v4, || UdpSocket::bind("192.0.2.8:5000"));
    server
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut sent = BTreeSet::new();
    for h in 0..HOSTS {
        let from = format!("[2001:db8:1::{:x}]:0", 0x10 + h);
        let client = in_ns(&net.v6, move || UdpSocket::bind(from));
        for i in 0..10u16 {
            let n = h * 100 + i;
            client
                .send_to(&n.to_be_bytes(), "[64:ff9b::192.0.2.8]:5000")
                .unwrap();
            sent.insert(n);
        }
    }
    let mut got = BTreeSet::new();
    let mut buf = [0u8; 16];
    while got.len() < sent.len() {
        let Ok((n, from)) = server.recv_from(&mut buf) else {
            break;
        };
        assert_eq!(from.ip().to_string(), "192.0.2.1", "translated by pool4");
        assert_eq!(n, 2);
        got.insert(u16::from_be_bytes([buf[0], buf[1]]));
    }
    assert_eq!(got, sent, "every datagram translated");
    let queued = net.queues();
    assert!(
        queued.iter().all(|&(_, packets)| packets > 0),
        "both queues carried packets: {queued:?}"
    );

    // TCP both ways through the batched verdicts: 1 MB up, then 1 MB down.
    let listener = in_ns(&net.v4, || TcpListener::bind("192.0.2.8:6000"));
    let server = std::thread::spawn(move || {
        let (mut s, peer) = listener.accept().expect("accept");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut up = Vec::new();
        s.read_to_end(&mut up).expect("read the upload");
        s.write_all(&vec![0x5a; 1 << 20])
            .expect("send the download");
        (up, peer)
    });
    let to: SocketAddr = "[64:ff9b::192.0.2.8]:6000".parse().unwrap();
    let mut c = in_ns(&net.v6, move || {
        TcpStream::connect_timeout(&to, Duration::from_secs(5))
    });
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let up: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
    c.write_all(&up).expect("upload");
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut down = Vec::new();
    c.read_to_end(&mut down).expect("download");
    let (got_up, peer) = server.join().expect("server thread");
    assert_eq!(peer.ip().to_string(), "192.0.2.1");
    assert!(got_up == up, "upload intact ({} bytes)", got_up.len());
    assert!(down.len() == 1 << 20 && down.iter().all(|&b| b == 0x5a));

    d.cmd_ok(&net.xlat, "jool instance remove alpha");
    assert!(net.queues().is_empty(), "queues released");
}
