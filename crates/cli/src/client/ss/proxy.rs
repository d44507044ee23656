//! `jool session proxy` (spec §8): forwards the instance's session batches to a UDP multicast
//! group and gives the instance what peers send there; optionally answers stats queries.

use super::{subscribe, Log, LOG_ERR, LOG_INFO};
use crate::client::report::Report;
use jool_ctl::proto::{Request, Response, SsUp};
use jool_ctl::stream::{write_frame, FrameReader};
use socket2::{Domain, Protocol, Socket, Type};
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6, UdpSocket};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// `--net.mcast.port` default.
pub const DEFAULT_PORT: u16 = 6400;
/// `--stats.port` default.
pub const DEFAULT_STATS_PORT: u16 = 6401;
/// `--stats.address` default.
const DEFAULT_STATS_ADDRESS: &str = "::";
/// Receive buffer: any UDP datagram (Jool's is 2048 bytes: 51 sessions).
const RECV_BUF: usize = 64 * 1024;

/// The proxy's configuration, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyArgs {
    /// Instance (`-i`).
    pub instance: String,
    /// The multicast group, as typed.
    pub mcast_addr: String,
    /// `--net.mcast.port`.
    pub port: u16,
    /// `--net.dev.in`: IPv4, the local address joining the group; IPv6, an interface name.
    pub dev_in: Option<String>,
    /// `--net.dev.out`: IPv4, the local address to send from; IPv6, an interface name.
    pub dev_out: Option<String>,
    /// `--net.ttl`.
    pub ttl: u8,
    /// `--stats.address` (the stats server starts if it or `--stats.port` is given).
    pub stats_address: Option<String>,
    /// `--stats.port`.
    pub stats_port: Option<u16>,
}

fn null(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(null)")
}

impl ProxyArgs {
    /// Validates what the command line gave.
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        instance: String,
        mcast_addr: &str,
        port: Option<&str>,
        dev_in: Option<&str>,
        dev_out: Option<&str>,
        ttl: Option<&str>,
        stats_address: Option<&str>,
        stats_port: Option<&str>,
    ) -> Result<ProxyArgs, String> {
        let group: IpAddr = mcast_addr
            .parse()
            .map_err(|_| format!("Cannot parse '{mcast_addr}' as an IP address."))?;
        if !group.is_multicast() {
            return Err(format!("'{mcast_addr}' is not a multicast address."));
        }
        let port_of = |s: &str| {
            s.parse::<u16>()
                .map_err(|_| format!("'{s}' is not a valid port number (0-65535)."))
        };
        let ttl = match ttl {
            Some(t) => t
                .parse::<u8>()
                .map_err(|_| format!("ttl out of range: {t}"))?,
            None => 1,
        };
        if let (IpAddr::V4(_), Some(d)) = (group, dev_in.or(dev_out)) {
            d.parse::<Ipv4Addr>()
                .map_err(|_| format!("Cannot parse '{d}' as an IPv4 address."))?;
        }
        if let Some(a) = stats_address {
            a.parse::<IpAddr>()
                .map_err(|_| format!("Cannot parse '{a}' as an IP address."))?;
        }
        Ok(ProxyArgs {
            instance,
            mcast_addr: mcast_addr.to_string(),
            port: port.map(port_of).transpose()?.unwrap_or(DEFAULT_PORT),
            dev_in: dev_in.map(str::to_string),
            dev_out: dev_out.map(str::to_string),
            ttl,
            stats_address: stats_address.map(str::to_string),
            stats_port: stats_port.map(port_of).transpose()?,
        })
    }

    /// Does the stats server start?
    pub fn stats_enabled(&self) -> bool {
        self.stats_address.is_some() || self.stats_port.is_some()
    }

    /// What the proxy prints before it switches to syslog (spec §8).
    pub fn startup_text(&self) -> String {
        let mut s = format!(
            "Config:\n  mod.instance: {}\n  net.mcast.addr: {}\n  net.mcast.port: {}\n  net.dev.in: {}\n  net.dev.out: {}\n  net.ttl: {}\n",
            self.instance,
            self.mcast_addr,
            self.port,
            null(&self.dev_in),
            null(&self.dev_out),
            self.ttl
        );
        if self.stats_enabled() {
            s.push_str(&format!(
                "  stats.addr: {}\n  stats.port: {}\n",
                self.stats_address
                    .as_deref()
                    .unwrap_or(DEFAULT_STATS_ADDRESS),
                self.stats_port.unwrap_or(DEFAULT_STATS_PORT)
            ));
        }
        s.push_str("\njoold is intended as a daemon, so it outputs straight to syslog.\n");
        s.push_str("The standard streams will mostly shut up from now on.\n");
        s.push_str("---------------------------------------------\n");
        s
    }
}

/// The proxy's traffic counters (what the stats server answers).
#[derive(Debug, Default)]
pub struct ProxyStats {
    kernel_sent_pkts: AtomicU64,
    kernel_sent_bytes: AtomicU64,
    net_rcvd_pkts: AtomicU64,
    net_rcvd_bytes: AtomicU64,
    net_sent_pkts: AtomicU64,
    net_sent_bytes: AtomicU64,
}

fn bump(pkts: &AtomicU64, bytes: &AtomicU64, n: usize) {
    pkts.fetch_add(1, Ordering::Relaxed);
    bytes.fetch_add(n as u64, Ordering::Relaxed);
}

impl ProxyStats {
    /// The stats server's reply (spec §8).
    pub fn text(&self) -> String {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        format!(
            "KERNEL_SENT_PKTS,{}\nKERNEL_SENT_BYTES,{}\nNET_RCVD_PKTS,{}\nNET_RCVD_BYTES,{}\nNET_SENT_PKTS,{}\nNET_SENT_BYTES,{}\n",
            g(&self.kernel_sent_pkts),
            g(&self.kernel_sent_bytes),
            g(&self.net_rcvd_pkts),
            g(&self.net_rcvd_bytes),
            g(&self.net_sent_pkts),
            g(&self.net_sent_bytes)
        )
    }
}

/// Multicast groups of interface- or link-local scope need an interface to bind to.
fn needs_scope(g: &Ipv6Addr) -> bool {
    g.segments()[0] & 0x000f <= 2
}

fn ifindex(sock: &Socket, name: &str) -> io::Result<u32> {
    rustix::net::netdevice::name_to_index(sock, name)
        .map_err(|e| io::Error::other(format!("interface '{name}': {e}")))
}

/// The multicast socket: SO_REUSEADDR, bound to the group's address and port, member of the
/// group (on `dev_in`), sending through `dev_out` with `ttl`, multicast loopback off.
/// Returns it with the group's socket address (where batches go).
pub fn net_socket(a: &ProxyArgs) -> io::Result<(UdpSocket, SocketAddr)> {
    let group: IpAddr = a
        .mcast_addr
        .parse()
        .map_err(|_| io::Error::other("bad multicast address"))?;
    let addr4 = |s: &Option<String>| -> io::Result<Ipv4Addr> {
        match s {
            Some(s) => s
                .parse()
                .map_err(|_| io::Error::other(format!("bad address '{s}'"))),
            None => Ok(Ipv4Addr::UNSPECIFIED),
        }
    };
    match group {
        IpAddr::V4(g) => {
            let sock = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
            sock.set_reuse_address(true)?;
            let dest = SocketAddr::from((g, a.port));
            sock.bind(&dest.into())?;
            sock.join_multicast_v4(&g, &addr4(&a.dev_in)?)?;
            if a.dev_out.is_some() {
                sock.set_multicast_if_v4(&addr4(&a.dev_out)?)?;
            }
            sock.set_multicast_ttl_v4(u32::from(a.ttl))?;
            sock.set_multicast_loop_v4(false)?;
            Ok((sock.into(), dest))
        }
        IpAddr::V6(g) => {
            let sock = Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP))?;
            sock.set_reuse_address(true)?;
            sock.set_only_v6(true)?;
            let ifin = a.dev_in.as_deref().map(|n| ifindex(&sock, n)).transpose()?;
            let ifout = a
                .dev_out
                .as_deref()
                .map(|n| ifindex(&sock, n))
                .transpose()?;
            let scope = |i: Option<u32>| if needs_scope(&g) { i.unwrap_or(0) } else { 0 };
            let bind = SocketAddrV6::new(g, a.port, 0, scope(ifin.or(ifout)));
            sock.bind(&SocketAddr::V6(bind).into())?;
            sock.join_multicast_v6(&g, ifin.unwrap_or(0))?;
            if let Some(i) = ifout {
                sock.set_multicast_if_v6(i)?;
            }
            sock.set_multicast_hops_v6(u32::from(a.ttl))?;
            sock.set_multicast_loop_v6(false)?;
            let dest = SocketAddrV6::new(g, a.port, 0, scope(ifout.or(ifin)));
            Ok((sock.into(), SocketAddr::V6(dest)))
        }
    }
}

/// The stats server: any datagram gets [`ProxyStats::text`].
fn stats_server(a: &ProxyArgs, stats: Arc<ProxyStats>, log: Arc<Log>) -> io::Result<()> {
    let ip: IpAddr = a
        .stats_address
        .as_deref()
        .unwrap_or(DEFAULT_STATS_ADDRESS)
        .parse()
        .map_err(|_| io::Error::other("bad stats address"))?;
    let sock = UdpSocket::bind((ip, a.stats_port.unwrap_or(DEFAULT_STATS_PORT)))?;
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        loop {
            match sock.recv_from(&mut buf) {
                Ok((_, from)) => {
                    let _ = sock.send_to(stats.text().as_bytes(), from);
                }
                Err(e) => {
                    log.line(LOG_ERR, &format!("stats server: {e}"));
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        }
    });
    Ok(())
}

/// Peers' datagrams → the instance.
fn net_to_daemon(
    net: UdpSocket,
    up: Arc<Mutex<UnixStream>>,
    stats: Arc<ProxyStats>,
    log: Arc<Log>,
) {
    let mut buf = vec![0u8; RECV_BUF];
    loop {
        let n = match net.recv_from(&mut buf) {
            Ok((n, _)) => n,
            Err(e) => {
                log.line(LOG_ERR, &format!("receiving from the network: {e}"));
                std::thread::sleep(std::time::Duration::from_millis(100));
                continue;
            }
        };
        bump(&stats.net_rcvd_pkts, &stats.net_rcvd_bytes, n);
        let Some(data) = buf.get(..n) else { continue };
        let sent = match up.lock() {
            Ok(s) => write_frame(&s, &SsUp::Inject(data.to_vec())),
            Err(_) => return,
        };
        match sent {
            Ok(()) => bump(&stats.kernel_sent_pkts, &stats.kernel_sent_bytes, n),
            Err(e) => {
                log.line(LOG_ERR, &format!("Lost jool-daemon: {e}"));
                return;
            }
        }
    }
}

/// A failure after the switch to the log: logged there, exit 1.
fn fail(log: &Log, msg: String) -> Report {
    log.line(LOG_ERR, &msg);
    Report {
        code: 1,
        ..Report::default()
    }
}

/// Runs the proxy until the daemon goes away.
pub fn run(path: &Path, req: &Request, args: &ProxyArgs) -> Report {
    print!("{}", args.startup_text());
    let _ = io::stdout().flush();
    let log = Arc::new(Log::open());
    let conn = match subscribe(path, req) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (net, group) = match net_socket(args) {
        Ok(x) => x,
        Err(e) => return Report::error(format!("Cannot set up the multicast socket: {e}"), 1),
    };
    let stats = Arc::new(ProxyStats::default());
    if args.stats_enabled() {
        if let Err(e) = stats_server(args, Arc::clone(&stats), Arc::clone(&log)) {
            return Report::error(format!("Cannot start the stats server: {e}"), 1);
        }
    }
    let (up, net_rx) = match (conn.try_clone(), net.try_clone()) {
        (Ok(u), Ok(n)) => (Arc::new(Mutex::new(u)), n),
        (Err(e), _) | (_, Err(e)) => return Report::error(e.to_string(), 1),
    };
    {
        let (up, stats, log) = (Arc::clone(&up), Arc::clone(&stats), Arc::clone(&log));
        std::thread::spawn(move || net_to_daemon(net_rx, up, stats, log));
    }
    log.line(
        LOG_INFO,
        &format!("Proxying instance '{}' to {group}.", args.instance),
    );
    let mut reader = FrameReader::new();
    loop {
        let batch = match reader.read::<Response>(&conn) {
            Ok(Response::SsBatch(b)) => b,
            Ok(_) => continue,
            Err(e) => return fail(&log, format!("Lost jool-daemon: {e}")),
        };
        match net.send_to(&batch, group) {
            Ok(n) => bump(&stats.net_sent_pkts, &stats.net_sent_bytes, n),
            Err(e) => log.line(LOG_ERR, &format!("Cannot send to {group}: {e}")),
        }
        let acked = match up.lock() {
            Ok(s) => write_frame(&s, &SsUp::Ack),
            Err(_) => return fail(&log, "internal lock poisoned".into()),
        };
        if let Err(e) = acked {
            return fail(&log, format!("Lost jool-daemon: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(addr: &str) -> ProxyArgs {
        ProxyArgs::parse("default".into(), addr, None, None, None, None, None, None).unwrap()
    }

    #[test]
    fn prints_the_reference_startup_text() {
        assert_eq!(
            args("ff02::db8:64").startup_text(),
            "Config:\n  mod.instance: default\n  net.mcast.addr: ff02::db8:64\n  net.mcast.port: 6400\n  net.dev.in: (null)\n  net.dev.out: (null)\n  net.ttl: 1\n\njoold is intended as a daemon, so it outputs straight to syslog.\nThe standard streams will mostly shut up from now on.\n---------------------------------------------\n"
        );
        let a = ProxyArgs::parse(
            "alpha".into(),
            "233.252.0.1",
            Some("7000"),
            Some("192.0.2.1"),
            Some("192.0.2.1"),
            Some("3"),
            None,
            Some("9000"),
        )
        .unwrap();
        let text = a.startup_text();
        assert!(text.starts_with("Config:\n  mod.instance: alpha\n  net.mcast.addr: 233.252.0.1\n  net.mcast.port: 7000\n  net.dev.in: 192.0.2.1\n  net.dev.out: 192.0.2.1\n  net.ttl: 3\n  stats.addr: ::\n  stats.port: 9000\n\n"), "{text}");
    }

    #[test]
    fn validates_the_arguments() {
        let p = |addr: &str, ttl: Option<&str>| {
            ProxyArgs::parse("default".into(), addr, None, None, None, ttl, None, None)
        };
        assert_eq!(
            p("2001:db8::1", None).unwrap_err(),
            "'2001:db8::1' is not a multicast address."
        );
        assert_eq!(
            p("nonsense", None).unwrap_err(),
            "Cannot parse 'nonsense' as an IP address."
        );
        assert_eq!(
            p("ff02::1", Some("256")).unwrap_err(),
            "ttl out of range: 256"
        );
        assert_eq!(p("ff02::1", Some("255")).unwrap().ttl, 255);
        let bad_dev = ProxyArgs::parse(
            "d".into(),
            "233.252.0.1",
            None,
            Some("eth0"),
            None,
            None,
            None,
            None,
        );
        assert_eq!(
            bad_dev.unwrap_err(),
            "Cannot parse 'eth0' as an IPv4 address."
        );
        assert!(!args("ff02::1").stats_enabled());
    }

    #[test]
    fn answers_stats_in_the_reference_format() {
        let s = ProxyStats::default();
        bump(&s.net_sent_pkts, &s.net_sent_bytes, 40);
        bump(&s.net_sent_pkts, &s.net_sent_bytes, 80);
        assert_eq!(
            s.text(),
            "KERNEL_SENT_PKTS,0\nKERNEL_SENT_BYTES,0\nNET_RCVD_PKTS,0\nNET_RCVD_BYTES,0\nNET_SENT_PKTS,2\nNET_SENT_BYTES,120\n"
        );
    }

    #[test]
    fn link_local_groups_need_an_interface() {
        assert!(needs_scope(&"ff02::db8:64".parse().unwrap()));
        assert!(!needs_scope(&"ff08::db8:64".parse().unwrap()));
    }
}
