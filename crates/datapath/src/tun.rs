//! The instance's TUN device: the kernel routes (or steers) the packets the instance may
//! translate into it, the daemon reads them, and writes translated (or handed-back) packets
//! back, which the kernel then routes like any received packet (iif = the TUN).
//!
//! ```text
//!   Tun "jool-xxxxxxxx" ── queue 0 (fd) ◄─► worker 0      the kernel picks a read queue per
//!                      ├─ queue 1 (fd) ◄─► worker 1      flow (hash), so a flow stays on
//!                      └─ ...                             one worker
//!   each read/write:  [virtio-net header (10 B)][IPv4/IPv6 packet, up to 64 KB with GSO]
//! ```
//!
//! With [`TunConfig::offload`], the device is opened with `IFF_VNET_HDR` and asks the kernel
//! (`TUNSETOFFLOAD`) for partial checksums and TCP/UDP segmentation offload, falling back to
//! fewer offloads when the kernel refuses some ([`Tun::offloads`] says what was granted). Reads
//! then return GSO super-packets; writes may be super-packets too ([`crate::vnet`]).
//!
//! Non-persistent: dropping the [`Tun`] closes its descriptors and the kernel deletes the
//! device and every route through it.

use std::fs::{File, OpenOptions};
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::time::{Duration, Instant};

use crate::error::{context, errno};
use crate::netlink;
use crate::netns::NetNs;
use crate::vnet::{self, VnetHdr};
use crate::wake::{Ready, ShutdownHandle};

mod ioctl {
    nix::ioctl_write_ptr_bad!(tunsetiff, libc::TUNSETIFF, libc::ifreq);
    nix::ioctl_write_int_bad!(tunsetoffload, libc::TUNSETOFFLOAD);
}
use ioctl::{tunsetiff, tunsetoffload};

/// Offload sets asked for, best first (`TUN_F_*`); the first one the kernel accepts is used.
const OFFLOAD_WISHES: [libc::c_uint; 5] = [
    libc::TUN_F_CSUM
        | libc::TUN_F_TSO4
        | libc::TUN_F_TSO6
        | libc::TUN_F_TSO_ECN
        | libc::TUN_F_USO4
        | libc::TUN_F_USO6,
    libc::TUN_F_CSUM | libc::TUN_F_TSO4 | libc::TUN_F_TSO6 | libc::TUN_F_TSO_ECN,
    libc::TUN_F_CSUM | libc::TUN_F_TSO4 | libc::TUN_F_TSO6,
    libc::TUN_F_CSUM,
    0,
];

/// Longest interface name (IFNAMSIZ - 1).
pub const MAX_NAME_LEN: usize = 15;

/// Device settings.
#[derive(Clone, Debug)]
pub struct TunConfig {
    /// Transmit queue length (packets the kernel may queue for the readers, per queue).
    pub txqueuelen: u32,
    /// Number of queues (1 to 64): `IFF_MULTI_QUEUE` when more than one.
    pub queues: usize,
    /// Open with `IFF_VNET_HDR` and ask for checksum and segmentation offloads.
    pub offload: bool,
    /// The device's MTU (`None`: the kernel's default, 1500).
    pub mtu: Option<u32>,
}

impl Default for TunConfig {
    fn default() -> Self {
        TunConfig {
            txqueuelen: 1000,
            queues: 1,
            offload: false,
            mtu: None,
        }
    }
}

/// Most queues a device may have here (the kernel allows 4096; a worker per queue).
pub const MAX_QUEUES: usize = 64;

/// A TUN device (IFF_TUN | IFF_NO_PI: bare IPv4/IPv6 packets, with a virtio-net header in
/// front when opened with offloads) living in one namespace.
#[derive(Debug)]
pub struct Tun {
    queues: Vec<TunQueue>,
    name: String,
    ifindex: u32,
    offloads: libc::c_uint,
    wake: ShutdownHandle,
}

/// One queue of a [`Tun`]: its own descriptor, read by one worker. Writes may come from any
/// thread.
#[derive(Debug)]
pub struct TunQueue {
    file: File,
    vnet: bool,
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
fn open_queue(name: &str, config: &TunConfig) -> io::Result<(File, String)> {
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
    let mut flags = libc::IFF_TUN | libc::IFF_NO_PI;
    if config.offload {
        flags |= libc::IFF_VNET_HDR;
    }
    if config.queues > 1 {
        flags |= libc::IFF_MULTI_QUEUE;
    }
    ifr.ifr_ifru.ifru_flags = flags as libc::c_short;
    // SAFETY: the fd is an open /dev/net/tun; `ifr` is a valid, initialised ifreq that lives
    // across the call; TUNSETIFF reads the name and flags and writes the final name back.
    unsafe { tunsetiff(file.as_raw_fd(), &ifr) }
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

/// Asks the kernel for the best offload set it accepts; returns the granted `TUN_F_*` bits.
fn negotiate_offloads(file: &File, name: &str) -> io::Result<libc::c_uint> {
    let mut last = None;
    for wish in OFFLOAD_WISHES {
        let arg = libc::c_int::try_from(wish).unwrap_or(0);
        // SAFETY: the fd is an open TUN attached to a device with IFF_VNET_HDR; TUNSETOFFLOAD
        // takes its argument by value (an unsigned long of TUN_F_* bits) and touches no memory
        // of ours.
        match unsafe { tunsetoffload(file.as_raw_fd(), arg) } {
            Ok(_) => return Ok(wish),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or(nix::errno::Errno::EINVAL);
    Err(errno(e, format_args!("TUNSETOFFLOAD {name}")))
}

impl Tun {
    /// Creates TUN `name` (see [`validate_name`]; the daemon uses `jool-<8 hex>`) in `ns` with
    /// the default [`TunConfig`] (one queue, no offloads).
    pub fn create(ns: &NetNs, name: &str) -> io::Result<Tun> {
        Self::create_with(ns, name, &TunConfig::default())
    }

    /// Creates TUN `name` in `ns` with `config.queues` queues: IPv6 address autoconfiguration
    /// off (no link-local, no router solicitations or MLD reports into the device), link up,
    /// txqueuelen, offloads (if asked), and `net.ipv4.conf.<name>.accept_local=1` and
    /// `rp_filter=0` so that packets written with a local IPv4 source (NAT64 pool4 = the
    /// namespace's own addresses) are not dropped as martians.
    ///
    /// rp_filter: the kernel uses max(`conf.all.rp_filter`, `conf.<dev>.rp_filter`); this sets
    /// only the device's. A namespace with `all.rp_filter=1` still drops hand-backs and
    /// translated packets whose reverse route is not the TUN: that setting is the user's (we do
    /// not change `all` behind their back).
    pub fn create_with(ns: &NetNs, name: &str, config: &TunConfig) -> io::Result<Tun> {
        validate_name(name)?;
        if config.queues == 0 || config.queues > MAX_QUEUES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("a TUN has 1 to {MAX_QUEUES} queues, not {}", config.queues),
            ));
        }
        let wake = ShutdownHandle::new()?;
        ns.enter(|| -> io::Result<Tun> {
            let (file, name) = open_queue(name, config)?;
            let ifindex = nix::net::if_::if_nametoindex(name.as_str())
                .map_err(|e| errno(e, format_args!("ifindex of {name}")))?;
            let queue = |file| TunQueue {
                file,
                vnet: config.offload,
                wake: wake.clone(),
            };
            // From here on, dropping `tun` (closing the fds) deletes the device on error.
            let mut tun = Tun {
                queues: vec![queue(file)],
                name,
                ifindex,
                offloads: 0,
                wake: wake.clone(),
            };
            if config.offload {
                tun.offloads = negotiate_offloads(&tun.queues[0].file, &tun.name)?;
            }
            for _ in 1..config.queues {
                let (file, _) = open_queue(&tun.name, config)?;
                tun.queues.push(queue(file));
            }
            let dev = &tun.name;
            netlink::sysctl_set_here(&format!("net/ipv6/conf/{dev}/addr_gen_mode"), "1")?;
            netlink::sysctl_set_here(&format!("net/ipv4/conf/{dev}/accept_local"), "1")?;
            netlink::sysctl_set_here(&format!("net/ipv4/conf/{dev}/rp_filter"), "0")?;
            netlink::link_set_up_here(tun.ifindex, Some(config.txqueuelen), config.mtu)?;
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

    /// The queues (at least one).
    pub fn queues(&self) -> &[TunQueue] {
        &self.queues
    }

    /// The offloads the kernel granted (`libc::TUN_F_*` bits; 0 without
    /// [`TunConfig::offload`]).
    pub fn offloads(&self) -> libc::c_uint {
        self.offloads
    }

    /// A handle that makes every queue's reads return (from any thread).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.wake.clone()
    }

    /// Same as `self.shutdown_handle().shutdown()`.
    pub fn shutdown(&self) {
        self.wake.shutdown();
    }

    /// Reads one packet from the first queue into `buf` (which should hold 65535 bytes; a
    /// longer packet is truncated), blocking until one comes; a virtio-net header is read and
    /// dropped. Returns `Ok(0)` once [`shutdown`](Self::shutdown) was called (a TUN never
    /// yields an empty packet).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(n) = self.recv_timeout(buf, Duration::from_secs(3600))? {
                return Ok(n);
            }
        }
    }

    /// Like [`recv`](Self::recv) but gives up after `timeout`: `Ok(None)`.
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>> {
        let mut hdr = VnetHdr::NONE;
        self.queues[0]
            .recv_timeout(&mut hdr, buf, timeout)
            .map_err(|e| context(e, &self.name))
    }

    /// Writes one plain IPv4 or IPv6 packet (complete checksums, no GSO) into the first queue;
    /// the kernel receives it as if it arrived on the device. Every failure (malformed packet,
    /// short write, ...) is an error.
    pub fn send(&self, pkt: &[u8]) -> io::Result<()> {
        self.queues[0]
            .send(&VnetHdr::NONE, pkt)
            .map_err(|e| context(e, &self.name))
    }
}

impl TunQueue {
    /// Does every read and write carry a virtio-net header?
    pub fn has_vnet_hdr(&self) -> bool {
        self.vnet
    }

    /// Reads one packet into `buf` (a longer packet is truncated) and its virtio-net header
    /// into `hdr` ([`VnetHdr::NONE`] without offloads), waiting at most `timeout`:
    /// `Ok(None)` if nothing came, `Ok(Some(0))` once shut down.
    pub fn recv_timeout(
        &self,
        hdr: &mut VnetHdr,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<usize>> {
        let mut deadline = None;
        loop {
            if self.wake.is_shutdown() {
                return Ok(Some(0));
            }
            match self.read_once(hdr, buf) {
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(context(e, "read from TUN")),
            }
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + timeout);
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

    /// One non-blocking read (readv: header, then packet).
    fn read_once(&self, hdr: &mut VnetHdr, buf: &mut [u8]) -> io::Result<usize> {
        if !self.vnet {
            *hdr = VnetHdr::NONE;
            return (&self.file).read(buf);
        }
        let mut raw = [0u8; vnet::LEN];
        let n = {
            let mut iov = [IoSliceMut::new(&mut raw), IoSliceMut::new(buf)];
            (&self.file).read_vectored(&mut iov)?
        };
        if n < vnet::LEN {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("TUN read of {n} bytes: shorter than its virtio-net header"),
            ));
        }
        *hdr = VnetHdr::parse(&raw);
        Ok(n - vnet::LEN)
    }

    /// Writes one packet with its virtio-net header (which must be [`VnetHdr::NONE`] on a
    /// queue without one). Every failure (malformed packet or header, short write, ...) is an
    /// error.
    pub fn send(&self, hdr: &VnetHdr, pkt: &[u8]) -> io::Result<()> {
        let raw = hdr.to_bytes();
        let (total, iov): (usize, &[IoSlice<'_>]) = if self.vnet {
            (
                vnet::LEN + pkt.len(),
                &[IoSlice::new(&raw), IoSlice::new(pkt)],
            )
        } else if *hdr == VnetHdr::NONE {
            (pkt.len(), &[IoSlice::new(pkt)])
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "offloaded packet written into a TUN queue without a virtio-net header",
            ));
        };
        loop {
            match (&self.file).write_vectored(iov) {
                Ok(n) if n == total => return Ok(()),
                Ok(n) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        format!("write to TUN: short write ({n} of {total})"),
                    ))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(context(e, "write to TUN")),
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
