//! Per-namespace sysctls (`/proc/sys/net/...` opened from inside the namespace).

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::error::context;
use crate::netns::NetNs;

/// `/proc/sys/<key>` for a slash-separated key (`net/ipv4/conf/<dev>/accept_local`; slashes,
/// not dots, because interface names may contain dots).
fn path(key: &str) -> io::Result<PathBuf> {
    let key = key.trim_start_matches('/');
    if key.is_empty()
        || key
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid sysctl key {key:?}"),
        ));
    }
    Ok(PathBuf::from("/proc/sys").join(key))
}

/// Writes `value` to sysctl `key` in the calling thread's namespace.
pub(crate) fn sysctl_set_here(key: &str, value: &str) -> io::Result<()> {
    let p = path(key)?;
    let what = format_args!("cannot set sysctl {key}={value}");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(&p)
        .map_err(|e| context(e, what))?;
    f.write_all(value.as_bytes()).map_err(|e| context(e, what))
}

/// Sets sysctl `key` (e.g. `net/ipv4/conf/jool-0a1b2c3d/accept_local`) of `ns` to `value`.
pub fn sysctl_set(ns: &NetNs, key: &str, value: &str) -> io::Result<()> {
    ns.enter(|| sysctl_set_here(key, value))?
}

/// Reads sysctl `key` of `ns` (trailing newline removed).
pub fn sysctl_get(ns: &NetNs, key: &str) -> io::Result<String> {
    ns.enter(|| -> io::Result<String> {
        let p = path(key)?;
        let s = fs::read_to_string(&p)
            .map_err(|e| context(e, format_args!("cannot read sysctl {key}")))?;
        Ok(s.trim_end_matches('\n').to_string())
    })?
}

/// `net.ipv4.ip_local_port_range` of `ns`: the ports the namespace's own sockets pick from.
pub fn ephemeral_range(ns: &NetNs) -> io::Result<(u16, u16)> {
    let s = sysctl_get(ns, "net/ipv4/ip_local_port_range")?;
    parse_range(&s).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad ip_local_port_range {s:?}"),
        )
    })
}

fn parse_range(s: &str) -> Option<(u16, u16)> {
    let mut it = s.split_whitespace().map(|n| n.parse::<u16>());
    match (it.next(), it.next(), it.next()) {
        (Some(Ok(a)), Some(Ok(b)), None) => Some((a, b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_keys_escaping_proc_sys() {
        assert!(path("net/../../etc/passwd").is_err());
        assert!(path("").is_err());
        assert!(path("net//ipv4").is_err());
        assert_eq!(
            path("net/ipv4/conf/a.b/rp_filter").unwrap(),
            PathBuf::from("/proc/sys/net/ipv4/conf/a.b/rp_filter")
        );
    }

    #[test]
    fn parses_port_range_with_tab() {
        assert_eq!(parse_range("32768\t60999"), Some((32768, 60999)));
        assert_eq!(parse_range("1 2 3"), None);
        assert_eq!(parse_range("x 2"), None);
    }
}
