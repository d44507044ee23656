//! Who is asking: SO_PEERCRED and the peer's effective capabilities.
//!
//! Jool asks the kernel whether the Netlink sender has CAP_NET_ADMIN; here the peer's uid
//! comes from SO_PEERCRED and its effective capability set from `/proc/<pid>/status`.

use std::io;
use std::os::unix::net::UnixStream;

/// `CAP_NET_ADMIN` (linux/capability.h).
pub const CAP_NET_ADMIN: u32 = 12;

/// Jool's message for an unprivileged modification (errno 1, EPERM).
pub const EPERM_MESSAGE: &str = "CAP_NET_ADMIN capability required. (Maybe try su or sudo?)";

/// Does the `CapEff:` line of a `/proc/<pid>/status` text hold capability `cap`?
/// A missing or malformed line counts as "no".
pub fn cap_eff_has(status: &str, cap: u32) -> bool {
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| cap < 64 && mask & (1u64 << cap) != 0)
}

/// Is a peer with `uid` and `pid` allowed to modify instances: root, or CAP_NET_ADMIN in
/// its effective set?
pub fn is_privileged(uid: u32, pid: i32) -> bool {
    if uid == 0 {
        return true;
    }
    if pid <= 0 {
        return false;
    }
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .is_ok_and(|s| cap_eff_has(&s, CAP_NET_ADMIN))
}

/// The privilege of the process at the other end of `stream` (SO_PEERCRED).
pub fn peer_is_privileged(stream: &UnixStream) -> io::Result<bool> {
    let cred = rustix::net::sockopt::socket_peercred(stream)?;
    Ok(is_privileged(
        cred.uid.as_raw(),
        cred.pid.as_raw_nonzero().get(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tjool\nUid:\t1000\t1000\t1000\t1000\n\
        CapInh:\t0000000000000000\nCapPrm:\t0000000000001000\nCapEff:\t0000000000001000\n";

    #[test]
    fn finds_cap_net_admin_in_effective_set() {
        assert!(cap_eff_has(STATUS, CAP_NET_ADMIN));
        assert!(!cap_eff_has(STATUS, 21));
        assert!(cap_eff_has("CapEff:\t000001ffffffffff\n", CAP_NET_ADMIN));
    }

    #[test]
    fn denies_without_cap_eff_line_or_with_garbage() {
        assert!(!cap_eff_has("CapPrm:\t0000000000001000\n", CAP_NET_ADMIN));
        assert!(!cap_eff_has("CapEff:\tzz\n", CAP_NET_ADMIN));
        assert!(!cap_eff_has("CapEff:\t0000000000000000\n", CAP_NET_ADMIN));
    }

    #[test]
    fn root_is_privileged_and_unknown_pid_is_not() {
        assert!(is_privileged(0, 0));
        assert!(!is_privileged(65534, 0));
        assert!(!is_privileged(65534, i32::MAX));
    }

    #[test]
    fn reads_own_credentials_over_a_socket_pair() {
        let (a, _b) = UnixStream::pair().unwrap();
        let expected = rustix::process::getuid().is_root()
            || std::fs::read_to_string("/proc/self/status")
                .is_ok_and(|s| cap_eff_has(&s, CAP_NET_ADMIN));
        assert_eq!(peer_is_privileged(&a).unwrap(), expected);
    }
}
