//! The real `jool-daemon` binary, driven through `ctl::transport` from threads that entered
//! network namespaces the tests create (`jrs-d-<random>`, removed by a guard). Needs root;
//! without it every test returns early (and says so). Documentation addresses only; the
//! root namespace is never modified; every wait is bounded.
//!
//! [`routing`]: the datapath's policy routing, hop counts and ICMP errors, end to end.

use jool_ctl::proto::{FrameworkDto, Op, QueueRange, Request, Response, Xlator, PROTOCOL_VERSION};
use jool_ctl::transport;
use jool_datapath::NetNs;
use std::net::{SocketAddr, UdpSocket};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const DAEMON: &str = env!("CARGO_BIN_EXE_jool-daemon");

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

macro_rules! require_root {
    () => {
        if !is_root() {
            eprintln!("skipped: needs root (network namespaces, TUN devices)");
            return;
        }
    };
}

fn sh(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn random_hex() -> String {
    let mut b = [0u8; 4];
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .unwrap();
    format!("{:08x}", u32::from_ne_bytes(b))
}

/// A namespace the test owns; deleted on drop.
struct TestNs {
    name: String,
}

impl TestNs {
    /// An empty namespace `jrs-d-<prefix><random>` with `lo` up.
    fn bare(prefix: &str) -> TestNs {
        let name = format!("jrs-d-{prefix}{}", &random_hex()[..6]);
        let out = sh("ip", &["netns", "add", &name]);
        assert!(out.status.success(), "{out:?}");
        let ns = TestNs { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// Sets sysctl `key=value` (e.g. `net.ipv6.conf.all.forwarding=1`).
    fn sysctl(&self, kv: &str) {
        let out = sh("ip", &["netns", "exec", &self.name, "sysctl", "-qw", kv]);
        assert!(out.status.success(), "{out:?}");
    }

    /// Opens the namespace (to create sockets in it).
    fn netns(&self) -> NetNs {
        NetNs::by_name(&self.name).expect("open the test namespace")
    }

    /// A UDP socket bound to `addr` inside the namespace (it stays there whichever thread
    /// uses it), with a 2 s read timeout.
    fn udp(&self, addr: &str) -> UdpSocket {
        let s = self
            .netns()
            .enter(|| UdpSocket::bind(addr))
            .expect("enter the test namespace")
            .unwrap_or_else(|e| panic!("bind {addr}: {e}"));
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        s
    }

    /// What the daemon plumbs that is still in the namespace: TUN devices, routes through
    /// them or in a table other than local/main/default, policy rules other than the
    /// kernel's three, nftables `jool_*` tables. Empty once every instance is gone.
    fn plumbing(&self) -> Vec<String> {
        let mut left: Vec<String> = self.tuns();
        for fam in ["-4", "-6"] {
            for l in self.ip(&[fam, "rule", "show"]).lines() {
                let pref = l.split(':').next().unwrap_or("");
                if !["0", "32766", "32767"].contains(&pref) {
                    left.push(format!("rule {fam} {l}"));
                }
            }
            for l in self.ip(&[fam, "route", "show", "table", "all"]).lines() {
                let words: Vec<&str> = l.split_whitespace().collect();
                let odd_table = words
                    .windows(2)
                    .any(|w| w[0] == "table" && !["local", "main", "default"].contains(&w[1]));
                if l.contains("jool-") || odd_table {
                    left.push(format!("route {fam} {l}"));
                }
            }
        }
        left.extend(self.jool_tables());
        left
    }

    /// The daemon's policy rules (`ip rule` lines naming one of its TUNs), both families.
    fn jool_rules(&self) -> Vec<String> {
        ["-4", "-6"]
            .iter()
            .flat_map(|fam| {
                self.ip(&[fam, "rule", "show"])
                    .lines()
                    .filter(|l| l.contains("jool-"))
                    .map(|l| format!("{fam} {l}"))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// A namespace with a veth pair (both ends inside it) carrying 192.0.2.1/24 and
    /// 2001:db8:1::1/64, so that steering has an interface and the implicit pool4 an address.
    fn new() -> TestNs {
        let name = format!("jrs-d-{}", random_hex());
        let out = sh("ip", &["netns", "add", &name]);
        assert!(out.status.success(), "{out:?}");
        let ns = TestNs { name };
        ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
        ns.ip(&["addr", "add", "192.0.2.1/24", "dev", "v0"]);
        ns.ip(&["addr", "add", "2001:db8:1::1/64", "dev", "v0"]);
        ns.ip(&["link", "set", "v0", "up"]);
        ns.ip(&["link", "set", "v1", "up"]);
        ns
    }

    fn ip(&self, args: &[&str]) -> String {
        let mut full = vec!["-n", &self.name];
        full.extend_from_slice(args);
        let out = sh("ip", &full);
        assert!(out.status.success(), "ip {full:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The daemon's TUN devices in the namespace.
    fn tuns(&self) -> Vec<String> {
        self.ip(&["-o", "link", "show"])
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .map(|n| n.split('@').next().unwrap_or(n).to_string())
            .filter(|n| n.starts_with("jool-"))
            .collect()
    }

    /// The daemon's nftables tables in the namespace.
    fn jool_tables(&self) -> Vec<String> {
        let out = sh(
            "ip",
            &["netns", "exec", &self.name, "nft", "list", "tables"],
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("jool_"))
            .map(str::to_owned)
            .collect()
    }

    /// Sends `op` from a thread inside the namespace.
    fn request(&self, socket: &Path, xlator: Xlator, instance: &str, op: Op) -> Response {
        let req = Request {
            version: PROTOCOL_VERSION,
            xlator,
            instance: instance.into(),
            op,
        };
        let ns = NetNs::by_name(&self.name).expect("open the test namespace");
        ns.enter(|| transport::request(socket, &req))
            .expect("enter the test namespace")
            .expect("daemon answered")
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = sh("ip", &["netns", "del", &self.name]);
    }
}

/// A running daemon on a socket in its own world-readable temporary directory.
struct Daemon {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Daemon {
    fn start() -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let socket = dir.path().join("run/jool.sock");
        let child = Command::new(DAEMON)
            .arg("--socket")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn jool-daemon");
        let d = Daemon {
            child,
            socket,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while UnixStream::connect(&d.socket).is_err() {
            assert!(Instant::now() < deadline, "the daemon did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
        d
    }

    fn signal(&self, sig: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, sig).unwrap();
    }

    /// SIGTERM, then waits (bounded) for the exit status.
    fn terminate(&mut self) -> ExitStatus {
        self.signal(rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the daemon did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.terminate();
        }
    }
}

fn add(framework: FrameworkDto, pool6: Option<&str>) -> Op {
    Op::InstanceAdd {
        framework,
        pool6: pool6.map(str::to_owned),
        queue: None,
    }
}

#[test]
fn adds_displays_and_removes_instances_in_a_namespace() {
    require_root!();
    let ns = TestNs::new();
    let d = Daemon::start();
    let (nf, ipt) = (FrameworkDto::Netfilter, FrameworkDto::Iptables);
    let siit = ns.request(
        &d.socket,
        Xlator::Siit,
        "alpha",
        add(nf, Some("64:ff9b::/96")),
    );
    assert_eq!(siit, Response::Ok);
    let nat = ns.request(
        &d.socket,
        Xlator::Nat64,
        "default",
        add(nf, Some("64:ff9b::/96")),
    );
    assert_eq!(nat, Response::Ok);
    let beta = ns.request(&d.socket, Xlator::Siit, "beta", add(ipt, None));
    assert_eq!(beta, Response::Ok);
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "gamma", add(nf, None)),
        Response::Error {
            errno: 17,
            message: "This namespace already has a Netfilter Jool instance.".into()
        }
    );
    let Response::Instances(rows) = ns.request(&d.socket, Xlator::Siit, "x", Op::InstanceDisplay)
    else {
        panic!("no instance list")
    };
    let shown: Vec<(&str, &str, FrameworkDto, Option<u16>)> = rows
        .iter()
        .map(|r| {
            let queue = r.queue.map(|q| q.first());
            (r.namespace.as_str(), r.name.as_str(), r.framework, queue)
        })
        .collect();
    assert_eq!(
        shown,
        [
            (ns.name.as_str(), "alpha", nf, None),
            (ns.name.as_str(), "beta", ipt, Some(0)),
        ]
    );
    assert_eq!(ns.tuns().len(), 3, "{:?}", ns.tuns());
    // SIIT with pool6 steers greedily, NAT64 steers its implicit pool4.
    assert_eq!(ns.jool_tables().len(), 2, "{:?}", ns.jool_tables());
    // pool6 is routed in the instances' own tables, not in main.
    let routes = ns.ip(&["-6", "route", "show", "table", "all"]);
    assert!(routes.contains("64:ff9b::/96 dev jool-"), "{routes}");
    assert!(!ns.ip(&["-6", "route", "show"]).contains("jool-"));
    // Two netfilter instances: two tables, a `not iif <tun>` rule per table and family.
    let rules = ns.jool_rules();
    assert_eq!(rules.len(), 4, "{rules:?}");
    assert!(
        rules
            .iter()
            .any(|r| r.starts_with("-6 1000:\tnot from all iif jool-")
                && r.ends_with("lookup 27136")),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.ends_with("lookup 27137")),
        "{rules:?}"
    );

    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "alpha", Op::InstanceRemove),
        Response::Ok
    );
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "alpha", Op::InstanceRemove),
        Response::Error {
            errno: 3,
            message: "The requested instance does not exist.".into()
        }
    );
    assert_eq!(ns.tuns().len(), 2);
    assert_eq!(ns.jool_tables().len(), 1);
    // alpha's rules and routes went with it; the NAT64's stay.
    let rules = ns.jool_rules();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(
        rules.iter().all(|r| r.ends_with("lookup 27137")),
        "{rules:?}"
    );
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "x", Op::InstanceFlush),
        Response::Ok
    );
    assert_eq!(ns.tuns().len(), 1);
    assert_eq!(
        ns.request(&d.socket, Xlator::Nat64, "default", Op::InstanceFlush),
        Response::Ok
    );
    assert_eq!(ns.plumbing(), Vec::<String>::new());
}

#[test]
fn sigterm_removes_every_instance_and_its_plumbing() {
    require_root!();
    let ns = TestNs::new();
    let mut d = Daemon::start();
    let nf = FrameworkDto::Netfilter;
    for (x, p6) in [
        (Xlator::Siit, "2001:db8:46::/96"),
        (Xlator::Nat64, "64:ff9b::/96"),
    ] {
        assert_eq!(
            ns.request(&d.socket, x, "default", add(nf, Some(p6))),
            Response::Ok
        );
    }
    let eam = Op::EamtAdd {
        prefix6: "2001:db8:6::/120".into(),
        prefix4: "198.51.100.0/24".into(),
        force: false,
    };
    assert_eq!(
        ns.request(&d.socket, Xlator::Siit, "default", eam),
        Response::Ok
    );
    let routes = ns.ip(&["-4", "route", "show", "table", "all"]);
    assert!(routes.contains("198.51.100.0/24 dev jool-"), "{routes}");
    assert_eq!(ns.tuns().len(), 2);
    assert!(!ns.jool_tables().is_empty());
    assert_eq!(ns.jool_rules().len(), 4, "{:?}", ns.jool_rules());

    let status = d.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(ns.plumbing(), Vec::<String>::new());
    assert!(!d.socket.exists());
}

#[test]
fn refuses_a_second_daemon_on_the_same_socket() {
    require_root!();
    let d = Daemon::start();
    let out = Command::new(DAEMON)
        .arg("--socket")
        .arg(&d.socket)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "Error: another jool-daemon is already running on {}.\n",
            d.socket.display()
        )
    );
    // The first one still answers.
    assert!(UnixStream::connect(&d.socket).is_ok());
}

#[test]
fn answers_garbage_with_an_error_and_keeps_running() {
    require_root!();
    let d = Daemon::start();
    let mut s = UnixStream::connect(&d.socket).unwrap();
    use std::io::Write;
    s.write_all(&[0xff, 0xff, 0xff, 0xff]).unwrap();
    let resp = transport::read_response(&s).unwrap();
    assert!(matches!(resp, Response::Error { errno: 7, .. }), "{resp:?}");
    let ns = TestNs::new();
    let st = ns.request(&d.socket, Xlator::Siit, "default", Op::InstanceStatus);
    assert_eq!(st, Response::Status(false));
}

/// Run by `unprivileged_clients_cannot_modify` as uid 65534 (ignored otherwise): sends an
/// `instance add` and a `stats display` and prints the answers.
#[test]
#[ignore = "helper of unprivileged_clients_cannot_modify"]
fn unprivileged_helper() {
    let Some(socket) = std::env::var_os("JRS_HELPER_SOCKET") else {
        return;
    };
    let send = |op| {
        let req = Request {
            version: PROTOCOL_VERSION,
            xlator: Xlator::Siit,
            instance: "default".into(),
            op,
        };
        transport::request(Path::new(&socket), &req).unwrap()
    };
    println!("ADD {:?}", send(add(FrameworkDto::Iptables, None)));
    println!("STATUS {:?}", send(Op::InstanceStatus));
}

#[test]
fn unprivileged_clients_cannot_modify() {
    require_root!();
    let d = Daemon::start();
    let me = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(&me)
        .args(["--exact", "unprivileged_helper", "--ignored", "--nocapture"])
        .env("JRS_HELPER_SOCKET", &d.socket)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "ADD Error { errno: 1, message: \"CAP_NET_ADMIN capability required. (Maybe try su or sudo?)\" }"
        ),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("STATUS Status(false)"), "{stdout}");
}

/// Two namespaces joined by a veth pair: `world` (192.0.2.8/24, 2001:db8:1::8/64) and the
/// translator's (192.0.2.1/24, 2001:db8:1::1/64, forwarding on), as in the seed's "multiple
/// NAT64s" example (with `world` instead of the root namespace).
struct Topology {
    world: TestNs,
    xlat: TestNs,
}

impl Topology {
    fn new() -> Topology {
        let (world, xlat) = (TestNs::bare("w"), TestNs::bare("x"));
        world.ip(&[
            "link", "add", "to_x", "type", "veth", "peer", "name", "to_w", "netns", &xlat.name,
        ]);
        world.ip(&["addr", "add", "192.0.2.8/24", "dev", "to_x"]);
        world.ip(&["addr", "add", "2001:db8:1::8/64", "dev", "to_x", "nodad"]);
        world.ip(&["link", "set", "to_x", "up"]);
        xlat.ip(&["addr", "add", "192.0.2.1/24", "dev", "to_w"]);
        xlat.ip(&["addr", "add", "2001:db8:1::1/64", "dev", "to_w", "nodad"]);
        xlat.ip(&["link", "set", "to_w", "up"]);
        xlat.sysctl("net.ipv4.conf.all.forwarding=1");
        xlat.sysctl("net.ipv6.conf.all.forwarding=1");
        Topology { world, xlat }
    }

    /// `instance add --netfilter --pool6 2001:db8:64::/96` of type `xlator` in `xlat`, and the
    /// route to that pool6 in `world`.
    fn add_pool6_instance(&self, d: &Daemon, xlator: Xlator) {
        let add = add(FrameworkDto::Netfilter, Some("2001:db8:64::/96"));
        assert_eq!(
            self.xlat.request(&d.socket, xlator, "default", add),
            Response::Ok
        );
        self.world.ip(&[
            "-6",
            "route",
            "add",
            "2001:db8:64::/96",
            "via",
            "2001:db8:1::1",
        ]);
    }

    /// One UDP datagram from `client` (in `world`) to `dst`, received by a server bound to
    /// `server` (in `world` too, the translator in between both ways), and its answer.
    /// Returns (the source the server saw, the source the client saw).
    fn udp_exchange(&self, client: &str, dst: &str, server: &str) -> (SocketAddr, SocketAddr) {
        let srv = self.world.udp(server);
        let cli = self.world.udp(client);
        let x = exchange(&cli, dst, &srv);
        (x.at_server, x.at_client)
    }
}

/// What [`exchange`] saw.
struct Exchange {
    /// The source address of the datagram, as the server got it.
    at_server: SocketAddr,
    /// The source address of the answer, as the client got it.
    at_client: SocketAddr,
    /// Datagrams sent, both ways (retries included).
    sends: u64,
}

/// `cli` sends "hello" to `dst` (retrying: the first datagram may race the neighbour
/// discovery), `srv` answers "world" to whoever it came from. Both sockets need a read timeout.
fn exchange(cli: &UdpSocket, dst: &str, srv: &UdpSocket) -> Exchange {
    let mut buf = [0u8; 64];
    let mut sends = 0;
    let mut seen = None;
    for _ in 0..5 {
        cli.send_to(b"hello", dst).unwrap();
        sends += 1;
        if let Ok((n, from)) = srv.recv_from(&mut buf) {
            assert_eq!(&buf[..n], b"hello");
            seen = Some(from);
            break;
        }
    }
    let at_server = seen.expect("the server got nothing");
    let mut answer = None;
    for _ in 0..5 {
        srv.send_to(b"world", at_server).unwrap();
        sends += 1;
        if let Ok((n, from)) = cli.recv_from(&mut buf) {
            assert_eq!(&buf[..n], b"world");
            answer = Some(from);
            break;
        }
    }
    Exchange {
        at_server,
        at_client: answer.expect("the client got no answer"),
        sends,
    }
}

/// The counters of an instance, by `JSTAT_*` id.
fn stats(ns: &TestNs, socket: &Path, xlator: Xlator, name: &str) -> Vec<(u8, u64)> {
    match ns.request(socket, xlator, name, Op::StatsDisplay) {
        Response::Stats(s) => s,
        other => panic!("{other:?}"),
    }
}

/// One counter (0 when absent).
fn stat(stats: &[(u8, u64)], id: u8) -> u64 {
    stats.iter().find(|(i, _)| *i == id).map_or(0, |s| s.1)
}

#[test]
fn nat64_translates_udp_both_ways_through_the_implicit_pool4() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    t.add_pool6_instance(&d, Xlator::Nat64);
    let (at_server, at_client) = t.udp_exchange(
        "[2001:db8:1::8]:0",
        "[2001:db8:64::192.0.2.8]:5000",
        "192.0.2.8:5000",
    );
    assert_eq!(at_server.ip().to_string(), "192.0.2.1");
    assert!(at_server.port() >= 61001, "{at_server}");
    assert_eq!(at_client.to_string(), "[2001:db8:64::c000:208]:5000");
    let sessions = t.xlat.request(
        &d.socket,
        Xlator::Nat64,
        "default",
        Op::SessionDisplay {
            proto: jool_ctl::proto::ProtoDto::Udp,
        },
    );
    let Response::Sessions(rows) = sessions else {
        panic!("{sessions:?}")
    };
    assert_eq!(rows.len(), 1, "{rows:?}");
    let s = &rows[0];
    assert_eq!(s.src6.0.to_string(), "2001:db8:1::8");
    assert_eq!(
        (s.src4.0.to_string(), s.src4.1),
        ("192.0.2.1".into(), at_server.port())
    );
    assert!(
        s.expires_in_ms > 290_000 && s.expires_in_ms <= 300_000,
        "{s:?}"
    );
}

#[test]
fn siit_translates_udp_through_eams_both_ways() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    let add = add(FrameworkDto::Netfilter, None);
    assert_eq!(
        t.xlat.request(&d.socket, Xlator::Siit, "default", add),
        Response::Ok
    );
    // world's IPv6 address appears as 198.51.100.8, its IPv4 one as 2001:db8:46::8. Both
    // real addresses are on the translator's links, so only the virtual sides are routed.
    for (p6, p4) in [
        ("2001:db8:1::8/128", "198.51.100.8/32"),
        ("2001:db8:46::8/128", "192.0.2.8/32"),
    ] {
        let eam = Op::EamtAdd {
            prefix6: p6.into(),
            prefix4: p4.into(),
            force: true,
        };
        assert_eq!(
            t.xlat.request(&d.socket, Xlator::Siit, "default", eam),
            Response::Ok
        );
    }
    t.world.ip(&[
        "-6",
        "route",
        "add",
        "2001:db8:46::/64",
        "via",
        "2001:db8:1::1",
    ]);
    t.world
        .ip(&["-4", "route", "add", "198.51.100.0/24", "via", "192.0.2.1"]);
    let (at_server, at_client) = t.udp_exchange(
        "[2001:db8:1::8]:0",
        "[2001:db8:46::8]:5000",
        "192.0.2.8:5000",
    );
    assert_eq!(at_server.ip().to_string(), "198.51.100.8");
    assert_eq!(at_client.to_string(), "[2001:db8:46::8]:5000");
    let Response::Stats(stats) =
        t.xlat
            .request(&d.socket, Xlator::Siit, "default", Op::StatsDisplay)
    else {
        panic!()
    };
    let success = stats.iter().find(|(id, _)| *id == 3).map(|s| s.1);
    assert!(success >= Some(2), "{stats:?}");
}

#[test]
fn nat64_iptables_instance_translates_what_nfqueue_rules_send_it() {
    require_root!();
    let t = Topology::new();
    let d = Daemon::start();
    let add = Op::InstanceAdd {
        framework: FrameworkDto::Iptables,
        pool6: Some("2001:db8:64::/96".into()),
        queue: QueueRange::new(3, 3),
    };
    assert_eq!(
        t.xlat.request(&d.socket, Xlator::Nat64, "alpha", add),
        Response::Ok
    );
    // An iptables instance plumbs nothing: the user's rules feed it.
    assert!(t.xlat.jool_tables().is_empty());
    let rules: [(&str, &[&str]); 3] = [
        ("ip6tables", &["-d", "2001:db8:64::/96"]),
        (
            "iptables",
            &["-d", "192.0.2.1", "-p", "udp", "--dport", "61001:65535"],
        ),
        (
            "iptables",
            &["-d", "192.0.2.1", "-p", "icmp", "--icmp-type", "echo-reply"],
        ),
    ];
    for (cmd, matches) in rules {
        let mut args = vec![
            "netns",
            "exec",
            &t.xlat.name,
            cmd,
            "-t",
            "mangle",
            "-A",
            "PREROUTING",
        ];
        args.extend_from_slice(matches);
        args.extend_from_slice(&["-j", "NFQUEUE", "--queue-num", "3"]);
        let out = sh("ip", &args);
        assert!(out.status.success(), "{out:?}");
    }
    t.world.ip(&[
        "-6",
        "route",
        "add",
        "2001:db8:64::/96",
        "via",
        "2001:db8:1::1",
    ]);
    let (at_server, at_client) = t.udp_exchange(
        "[2001:db8:1::8]:0",
        "[2001:db8:64::192.0.2.8]:5000",
        "192.0.2.8:5000",
    );
    assert_eq!(at_server.ip().to_string(), "192.0.2.1");
    assert_eq!(at_client.to_string(), "[2001:db8:64::c000:208]:5000");
    let Response::Instances(rows) =
        t.xlat
            .request(&d.socket, Xlator::Nat64, "alpha", Op::InstanceDisplay)
    else {
        panic!()
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].queue, QueueRange::new(3, 3));
    // NFQUEUE takes the packets before the kernel's forwarding: still exactly one hop.
    routing::assert_one_hop_each_way(&t);
}

// After the macros and helpers it uses (macro_rules! are visible below their definition).
#[path = "daemon/routing.rs"]
mod routing;
