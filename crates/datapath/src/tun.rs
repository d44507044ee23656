//! The instance's TUN device: the kernel routes (or steers) the packets the instance may
//! translate into it, the daemon reads them with [`Tun::recv`], and writes translated (or
//! handed-back) packets with [`Tun::send`], which the kernel then routes like any received
//! packet (iif = the TUN).
//!
//! Non-persistent: dropping the [`Tun`] closes its descriptor and the kernel deletes the device
//! and every route through it.
//!
//! Later (performance issue): `IFF_MULTI_QUEUE` (one queue per worker) and `IFF_VNET_HDR` with
//! `TUNSETOFFLOAD` (GSO super-packets) go in [`TunConfig`] and `open_queue`; the rest of this
//! module does not change.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::time::{Duration, Instant};

use crate::error::{context, errno};
use crate::netlink;
use crate::netns::NetNs;
use crate::wake::{Ready, ShutdownHandle};

mod ioctl {
    nix::ioctl_write_ptr_bad!(tunsetiff, libc::TUNSETIFF, libc::ifreq);
}
use ioctl::tunsetiff;

/// Longest interface name (IFNAMSIZ - 1).
pub const MAX_NAME_LEN: usize = 15;

/// Device settings.
#[derive(Clone, Debug)]
pub struct TunConfig {
    /// Transmit queue length (packets the kernel may queue for the reader).
    pub txqueuelen: u32,
}

impl Default for TunConfig {
    fn default() -> Self {
        TunConfig { txqueuelen: 1000 }
    }
}

/// A TUN device (IFF_TUN | IFF_NO_PI: bare IPv4/IPv6 packets) living in one namespace.
#[derive(Debug)]
pub struct Tun {
    file: File,
    name: String,
    ifindex: u32,
    wake: ShutdownHandle,
}

/// Checks an interface name: 1–15 characters among `A-Z a-z 0-9 - _ .` (so that it can be
/// written unquoted in nft and sysctl paths).
pub fn validate_name(name: &str) -> io::Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid interface name {name:?}"),
        ))
    }
}

/// Opens `/dev/net/tun` and attaches it to device `name` (created if absent) in the calling
/// thread's namespace. Returns the descriptor and the device's name.
fn open_queue(name: &str, _config: &TunConfig) -> io::Result<(File, String)> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK) // recv polls; O_CLOEXEC is std's default
        .open("/dev/net/tun")
        .map_err(|e| context(e, "cannot open /dev/net/tun"))?;
    // SAFETY: ifreq is a plain C struct (arrays and a union of integers/sockaddrs) for which
    // all-zero bytes are a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in ifr.ifr_name.iter_mut().zip(name.bytes().take(MAX_NAME_LEN)) {
        *dst = src as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = (libc::IFF_TUN | libc::IFF_NO_PI) as libc::c_short;
    // SAFETY: the fd is an open /dev/net/tun; `ifr` is a valid, initialised ifreq that lives
    // across the call; TUNSETIFF reads the name and flags and writes the final name back.
    unsafe { tunsetiff(std::os::fd::AsRawFd::as_raw_fd(&file), &ifr) }
        .map_err(|e| errno(e, format_args!("TUNSETIFF {name}")))?;
    let end = ifr
        .ifr_name
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(ifr.ifr_name.len());
    let actual: String = ifr.ifr_name[..end]
        .iter()
        .map(|&c| c as u8 as char)
        .collect();
    Ok((file, actual))
}

impl Tun {
    /// Creates TUN `name` (see [`validate_name`]; the daemon uses `jool-<8 hex>`) in `ns` with
    /// the default [`TunConfig`].
    pub fn create(ns: &NetNs, name: &str) -> io::Result<Tun> {
        Self::create_with(ns, name, &TunConfig::default())
    }

    /// Creates TUN `name` in `ns`: IPv6 address autoconfiguration off (no link-local, no
    /// router solicitations or MLD reports into the device), link up, txqueuelen, and
    /// `net.ipv4.conf.<name>.accept_local=1` and `rp_filter=0` so that packets written with a
    /// local IPv4 source (NAT64 pool4 = the namespace's own addresses) are not dropped as
    /// martians.
    ///
    /// rp_filter: the kernel uses max(`conf.all.rp_filter`, `conf.<dev>.rp_filter`); this sets
    /// only the device's. A namespace with `all.rp_filter=1` still drops hand-backs and
    /// translated packets whose reverse route is not the TUN: that setting is the user's (we do
    /// not change `all` behind their back).
    pub fn create_with(ns: &NetNs, name: &str, config: &TunConfig) -> io::Result<Tun> {
        validate_name(name)?;
        let wake = ShutdownHandle::new()?;
        ns.enter(|| -> io::Result<Tun> {
            let (file, name) = open_queue(name, config)?;
            let ifindex = nix::net::if_::if_nametoindex(name.as_str())
                .map_err(|e| errno(e, format_args!("ifindex of {name}")))?;
            // From here on, dropping `tun` (closing the fd) deletes the device on error.
            let tun = Tun {
                file,
                name,
                ifindex,
                wake,
            };
            let dev = &tun.name;
            netlink::sysctl_set_here(&format!("net/ipv6/conf/{dev}/addr_gen_mode"), "1")?;
            netlink::sysctl_set_here(&format!("net/ipv4/conf/{dev}/accept_local"), "1")?;
            netlink::sysctl_set_here(&format!("net/ipv4/conf/{dev}/rp_filter"), "0")?;
            netlink::link_set_up_here(tun.ifindex, Some(config.txqueuelen))?;
            Ok(tun)
        })?
    }

    /// The device's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The device's index in its namespace.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// A handle that makes [`recv`](Self::recv) return `Ok(0)` (from any thread).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.wake.clone()
    }

    /// Same as `self.shutdown_handle().shutdown()`.
    pub fn shutdown(&self) {
        self.wake.shutdown();
    }

    /// Reads one packet into `buf` (which should hold 65535 bytes; a longer packet is
    /// truncated), blocking until one comes. Returns `Ok(0)` once [`shutdown`](Self::shutdown)
    /// was called (a TUN never yields an empty packet).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(n) = self.recv_timeout(buf, Duration::from_secs(3600))? {
                return Ok(n);
            }
        }
    }

    /// Like [`recv`](Self::recv) but gives up after `timeout`: `Ok(None)`.
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.wake.is_shutdown() {
                return Ok(Some(0));
            }
            match (&self.file).read(buf) {
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(context(e, format_args!("read from {}", self.name))),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let ms = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
            match self.wake.wait_readable(self.file.as_fd(), ms)? {
                Ready::Readable => {}
                Ready::Shutdown => return Ok(Some(0)),
                Ready::Timeout => return Ok(None),
            }
        }
    }

    /// Writes one IPv4 or IPv6 packet; the kernel receives it as if it arrived on the device.
    /// Every failure (malformed packet, short write, ...) is an error.
    pub fn send(&self, pkt: &[u8]) -> io::Result<()> {
        loop {
            match (&self.file).write(pkt) {
                Ok(n) if n == pkt.len() => return Ok(()),
                Ok(n) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        format!("write to {}: short write ({n} of {})", self.name, pkt.len()),
                    ))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(context(e, format_args!("write to {}", self.name))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_daemon_style_names() {
        assert!(validate_name("jool-0a1b2c3d").is_ok());
        assert!(validate_name("a.b_c-d").is_ok());
        assert!(validate_name("123456789012345").is_ok());
    }

    #[test]
    fn rejects_bad_interface_names() {
        for bad in [
            "",
            "1234567890123456",
            "a b",
            "a/b",
            "a:b",
            "..",
            "é",
            "x\"y",
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }
}
