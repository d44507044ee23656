//! Helpers shared by the end-to-end tests (`mod common;`): namespaces the test owns, a real
//! `jool-daemon` on a socket in a temporary directory, the real clients run with
//! `ip netns exec <ns> <client> ...` exactly as the seed documents do, bounded waits, and
//! masks for the values that vary by nature (ping's `time=`, NAT64 masks, lifetimes).
//!
//! Rules every user follows: only namespaces created here are touched (never the root one),
//! documentation addresses only, every wait is bounded, and only processes started here are
//! stopped (by their own handle).

// Each test file uses a subset of these helpers.
#![allow(dead_code)]

pub mod topology;
pub mod two_nat64;

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

pub const DAEMON: &str = env!("CARGO_BIN_EXE_jool-daemon");
pub const JOOL: &str = env!("CARGO_BIN_EXE_jool");

/// Upper bound of any single command the tests run (coreutils `timeout` kills it after this).
pub const COMMAND_LIMIT_SECS: &str = "60";

/// Whether the tests can create namespaces and TUN devices.
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Says why the test does nothing when not root; returns whether to go on.
pub fn root_or_skip() -> bool {
    if !is_root() {
        eprintln!("skipped: needs root (network namespaces, TUN devices)");
    }
    is_root()
}

/// Eight random hex digits (for unique namespace names).
pub fn random_hex() -> String {
    let mut b = [0u8; 4];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .expect("read /dev/urandom");
    format!("{:08x}", u32::from_ne_bytes(b))
}

/// `n` random bytes.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut v))
        .expect("read /dev/urandom");
    v
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `cmd args` (killed after [`COMMAND_LIMIT_SECS`]) and returns its output.
pub fn run(cmd: &str, args: &[&str]) -> Output {
    Command::new("timeout")
        .args(["-k", "5", COMMAND_LIMIT_SECS, cmd])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// Runs `cmd args`, which must succeed; returns its standard output.
pub fn run_ok(cmd: &str, args: &[&str]) -> String {
    let out = run(cmd, args);
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Polls `done` every 20 ms until it holds; panics with `what` after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A network namespace the test owns (`ip netns add`), deleted on drop, even on panic.
pub struct Ns {
    pub name: String,
}

impl Ns {
    /// `<prefix>-<8 hex digits>`, with its loopback up.
    pub fn new(prefix: &str) -> Ns {
        Ns::named(format!("{prefix}-{}", random_hex()))
    }

    /// A namespace called exactly `name`.
    pub fn named(name: String) -> Ns {
        run_ok("ip", &["netns", "add", &name]);
        let ns = Ns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// `ip -n <ns> args`, which must succeed; its standard output.
    pub fn ip(&self, args: &[&str]) -> String {
        let mut full = vec!["-n", &self.name];
        full.extend_from_slice(args);
        run_ok("ip", &full)
    }

    /// `ip netns exec <ns> cmd args` (not checked).
    pub fn exec(&self, cmd: &str, args: &[&str]) -> Output {
        let mut full = vec!["netns", "exec", &self.name, cmd];
        full.extend_from_slice(args);
        run("ip", &full)
    }

    /// `ip netns exec <ns> cmd args`, which must succeed; its standard output.
    pub fn exec_ok(&self, cmd: &str, args: &[&str]) -> String {
        let out = self.exec(cmd, args);
        assert!(
            out.status.success(),
            "ip netns exec {} {cmd} {args:?} failed: {}\n{}",
            self.name,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `sysctl -w` the given keys inside the namespace.
    pub fn sysctl(&self, keys: &[&str]) {
        for key in keys {
            self.exec_ok("sysctl", &["-qw", key]);
        }
    }

    /// Whether IPv6 duplicate address detection is over for every address.
    pub fn dad_done(&self) -> bool {
        self.ip(&["-6", "addr", "show", "tentative"])
            .trim()
            .is_empty()
    }

    /// The datapath handle of this namespace (to create sockets inside it).
    pub fn netns(&self) -> jool_datapath::NetNs {
        jool_datapath::NetNs::by_name(&self.name).expect("open the test namespace")
    }

    /// Everything the daemon could leave behind in this namespace: links, routes, policy
    /// rules and nftables tables.
    pub fn plumbing(&self) -> Plumbing {
        let links = self
            .ip(&["-o", "link", "show"])
            .lines()
            .filter_map(|l| l.split(": ").nth(1))
            .map(|n| n.split('@').next().unwrap_or(n).to_owned())
            .collect();
        Plumbing {
            links,
            routes4: self.ip(&["-4", "route", "show", "table", "all"]),
            routes6: self.ip(&["-6", "route", "show", "table", "all"]),
            rules4: self.ip(&["-4", "rule", "show"]),
            rules6: self.ip(&["-6", "rule", "show"]),
            nft_tables: self.exec_ok("nft", &["list", "tables"]),
        }
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = run("ip", &["netns", "del", &self.name]);
    }
}

/// See [`Ns::plumbing`].
#[derive(Debug, PartialEq, Eq)]
pub struct Plumbing {
    pub links: Vec<String>,
    pub routes4: String,
    pub routes6: String,
    pub rules4: String,
    pub rules6: String,
    pub nft_tables: String,
}

/// Whether any link of `ns` is a TUN device (the daemon's datapath).
pub fn has_tun(ns: &Ns) -> bool {
    ns.ip(&["-d", "-o", "link", "show"])
        .lines()
        .any(|l| l.contains(" tun "))
}

/// A `jool-daemon` on a socket in its own temporary directory (world-searchable, so that
/// unprivileged clients can reach it). SIGTERM on drop.
pub struct Daemon {
    child: Child,
    pub socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Daemon {
    pub fn start() -> Daemon {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod the temporary directory");
        let socket = dir.path().join("jool.sock");
        let child = Command::new(DAEMON)
            .arg("--socket")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn jool-daemon");
        let d = Daemon {
            child,
            socket,
            _dir: dir,
        };
        wait_until(Duration::from_secs(10), "jool-daemon to listen", || {
            UnixStream::connect(&d.socket).is_ok()
        });
        d
    }

    /// PATH with the directory of the built binaries first, so that `jool`, `jool_siit` and
    /// `jool-daemon` are found by name as in the seeds.
    pub fn path_env() -> OsString {
        let bin_dir = Path::new(JOOL).parent().expect("binary directory");
        let mut path = OsString::from(bin_dir);
        if let Some(old) = std::env::var_os("PATH") {
            path.push(":");
            path.push(old);
        }
        path
    }

    /// `ip netns exec <ns> <words of line>` with the clients on PATH and `JOOL_SOCKET` set to
    /// this daemon: a seed command line as typed (no shell syntax).
    pub fn cmd(&self, ns: &Ns, line: &str) -> Output {
        let mut args = vec![
            "-k",
            "5",
            COMMAND_LIMIT_SECS,
            "ip",
            "netns",
            "exec",
            &ns.name,
        ];
        args.extend(line.split_whitespace());
        Command::new("timeout")
            .args(&args)
            .env("PATH", Self::path_env())
            .env("JOOL_SOCKET", &self.socket)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    /// [`Daemon::cmd`], which must succeed without printing on standard error; its output.
    pub fn cmd_ok(&self, ns: &Ns, line: &str) -> String {
        let out = self.cmd(ns, line);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "`ip netns exec {} {line}` failed ({}): {}\n{}",
            ns.name,
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `ip netns exec <ns> sh -c <line>`: a seed command line with shell syntax (pipes).
    pub fn shell(&self, ns: &Ns, line: &str) -> Output {
        Command::new("timeout")
            .args([
                "-k",
                "5",
                COMMAND_LIMIT_SECS,
                "ip",
                "netns",
                "exec",
                &ns.name,
            ])
            .args(["sh", "-c", line])
            .env("PATH", Self::path_env())
            .env("JOOL_SOCKET", &self.socket)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    /// SIGTERM (to this child only), then waits (bounded) for its exit status.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = rustix::process::Pid::from_child(&self.child);
        // It may have exited already; the status below tells.
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for jool-daemon") {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("jool-daemon did not exit within 20 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let pid = rustix::process::Pid::from_child(&self.child);
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
            let deadline = Instant::now() + Duration::from_secs(20);
            while self.child.try_wait().ok().flatten().is_none() {
                if Instant::now() >= deadline {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Replaces what varies by nature in ping's output: `time=0.525 ms`, `time 3001ms` and the
/// rtt line's numbers.
pub fn mask_ping(out: &str) -> String {
    out.lines()
        .map(|line| {
            if line.starts_with("rtt min/avg/max/mdev = ") {
                return "rtt min/avg/max/mdev = <rtt> ms".to_owned();
            }
            let mut l = line.to_owned();
            if let Some(at) = l.find(" time=") {
                l.truncate(at);
                l.push_str(" time=<t> ms");
            } else if let Some(at) = l.find("packet loss, time ") {
                l.truncate(at);
                l.push_str("packet loss, time <t>ms");
            }
            l
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Matches `line` against `pattern`, where each `{}` stands for a decimal number; returns the
/// numbers.
pub fn capture(pattern: &str, line: &str) -> Option<Vec<u32>> {
    let mut numbers = Vec::new();
    let mut rest = line;
    let mut parts = pattern.split("{}");
    let first = parts.next()?;
    rest = rest.strip_prefix(first)?;
    for literal in parts {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        numbers.push(rest[..digits].parse().ok()?);
        rest = rest[digits..].strip_prefix(literal)?;
    }
    rest.is_empty().then_some(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_takes_the_numbers_of_a_line() {
        assert_eq!(
            capture(
                "Remote: 192.0.2.8#{}\t2001:db8:1::8#{}",
                "Remote: 192.0.2.8#62253\t2001:db8:1::8#3206"
            ),
            Some(vec![62253, 3206])
        );
        assert_eq!(
            capture("Expires in {} seconds", "Expires in  seconds"),
            None
        );
        assert_eq!(capture("a{}b", "a1bc"), None);
    }

    #[test]
    fn mask_ping_hides_timings_only() {
        let seed = "64 bytes from 2001:db8:64::c000:208: icmp_seq=1 ttl=63 time=0.525 ms\n\
                    4 packets transmitted, 4 received, 0% packet loss, time 3001ms\n\
                    rtt min/avg/max/mdev = 0.263/0.427/0.625/0.154 ms";
        assert_eq!(
            mask_ping(seed),
            "64 bytes from 2001:db8:64::c000:208: icmp_seq=1 ttl=63 time=<t> ms\n\
             4 packets transmitted, 4 received, 0% packet loss, time <t>ms\n\
             rtt min/avg/max/mdev = <rtt> ms"
        );
    }
}
