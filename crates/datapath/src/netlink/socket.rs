//! A minimal netlink socket: message building, attribute parsing, request/ack and dumps.
//! Shared by rtnetlink ([`super`]) and NFQUEUE ([`crate::nfqueue`]). Safe code only.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use nix::sys::socket::{
    bind, recv, send, setsockopt, socket, sockopt, AddressFamily, MsgFlags, NetlinkAddr, SockFlag,
    SockProtocol, SockType,
};
use nix::sys::time::TimeVal;

use crate::error::errno;

/// Length of `struct nlmsghdr`.
pub(crate) const NLMSG_HDRLEN: usize = 16;
/// Length of `struct nlattr`'s header.
const NLA_HDRLEN: usize = 4;
/// Attribute type bits (without NLA_F_NESTED / NLA_F_NET_BYTEORDER).
const NLA_TYPE_MASK: u16 = 0x3fff;

pub(crate) const NLMSG_ERROR: u16 = 2;
pub(crate) const NLMSG_DONE: u16 = 3;
pub(crate) const NLM_F_REQUEST: u16 = 0x1;
pub(crate) const NLM_F_MULTI: u16 = 0x2;
pub(crate) const NLM_F_ACK: u16 = 0x4;
pub(crate) const NLM_F_DUMP: u16 = 0x300;

/// How long a request waits for the kernel's answer (the kernel answers at once; this only
/// bounds a bug).
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// Rounds up to the 4-byte netlink alignment.
pub(crate) const fn align(len: usize) -> usize {
    (len + 3) & !3
}

/// A netlink message under construction.
pub(crate) struct Msg {
    buf: Vec<u8>,
}

impl Msg {
    /// A message of type `ty` with `flags` (NLM_F_REQUEST is added).
    pub(crate) fn new(ty: u16, flags: u16) -> Msg {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(&0u32.to_ne_bytes()); // length, set by finish
        buf.extend_from_slice(&ty.to_ne_bytes());
        buf.extend_from_slice(&(flags | NLM_F_REQUEST).to_ne_bytes());
        buf.extend_from_slice(&0u32.to_ne_bytes()); // seq, set by finish
        buf.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel
        Msg { buf }
    }

    fn pad(&mut self) {
        self.buf.resize(align(self.buf.len()), 0);
    }

    /// Appends a fixed header (ifinfomsg, rtmsg, nfgenmsg, ...), padded.
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.pad();
    }

    /// Appends an attribute.
    pub(crate) fn attr(&mut self, ty: u16, data: &[u8]) {
        let len = u16::try_from(NLA_HDRLEN + data.len()).unwrap_or(u16::MAX);
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(data);
        self.pad();
    }

    /// Sets length and sequence number; the bytes to send.
    pub(crate) fn finish(&mut self, seq: u32) -> &[u8] {
        let len = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        self.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        self.buf[8..12].copy_from_slice(&seq.to_ne_bytes());
        &self.buf
    }
}

/// A received message's header fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub(crate) ty: u16,
    pub(crate) flags: u16,
    pub(crate) seq: u32,
}

/// Splits a datagram into messages: `(header, payload)`. Stops at the first malformed one.
pub(crate) fn messages(mut buf: &[u8]) -> impl Iterator<Item = (Header, &[u8])> {
    std::iter::from_fn(move || {
        let hdr = buf.get(..NLMSG_HDRLEN)?;
        let len = u32::from_ne_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as usize;
        if len < NLMSG_HDRLEN || len > buf.len() {
            return None;
        }
        let header = Header {
            ty: u16::from_ne_bytes([hdr[4], hdr[5]]),
            flags: u16::from_ne_bytes([hdr[6], hdr[7]]),
            seq: u32::from_ne_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]),
        };
        let payload = &buf[NLMSG_HDRLEN..len];
        buf = buf.get(align(len)..).unwrap_or(&[]);
        Some((header, payload))
    })
}

/// Iterates over the attributes in `buf`: `(type without flags, data)`. Stops at the first
/// malformed one.
pub(crate) fn attrs(mut buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let hdr = buf.get(..NLA_HDRLEN)?;
        let len = u16::from_ne_bytes([hdr[0], hdr[1]]) as usize;
        if len < NLA_HDRLEN || len > buf.len() {
            return None;
        }
        let ty = u16::from_ne_bytes([hdr[2], hdr[3]]) & NLA_TYPE_MASK;
        let data = &buf[NLA_HDRLEN..len];
        buf = buf.get(align(len)..).unwrap_or(&[]);
        Some((ty, data))
    })
}

/// The error of an NLMSG_ERROR payload: `Ok(())` for an ack (error 0).
pub(crate) fn ack_result(payload: &[u8]) -> io::Result<()> {
    let code = payload
        .get(..4)
        .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "truncated netlink error"))?;
    if code == 0 {
        return Ok(());
    }
    let errno = nix::errno::Errno::from_raw(code.saturating_neg());
    let kind = match errno {
        nix::errno::Errno::EEXIST => io::ErrorKind::AlreadyExists,
        nix::errno::Errno::ESRCH | nix::errno::Errno::ENOENT | nix::errno::Errno::ENODEV => {
            io::ErrorKind::NotFound
        }
        _ => io::Error::from(errno).kind(),
    };
    Err(io::Error::new(kind, errno.desc()))
}

/// A netlink socket of the calling thread's namespace.
pub(crate) struct NlSocket {
    fd: OwnedFd,
    seq: u32,
    rx: Vec<u8>,
}

impl NlSocket {
    /// Opens and binds a socket of `proto` (`NetlinkRoute`, `NetlinkNetFilter`).
    pub(crate) fn open(proto: SockProtocol) -> io::Result<NlSocket> {
        let fd = socket(
            AddressFamily::Netlink,
            SockType::Raw,
            SockFlag::SOCK_CLOEXEC,
            proto,
        )
        .map_err(|e| errno(e, "netlink socket"))?;
        bind(fd.as_raw_fd(), &NetlinkAddr::new(0, 0)).map_err(|e| errno(e, "netlink bind"))?;
        Ok(NlSocket {
            fd,
            seq: 0,
            rx: vec![0; 64 * 1024],
        })
    }

    /// Bounds how long a blocking receive waits (None: forever).
    pub(crate) fn set_recv_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        let tv = TimeVal::new(
            t.map_or(0, |t| t.as_secs() as _),
            t.map_or(0, |t| t.subsec_micros() as _),
        );
        setsockopt(&self.fd, sockopt::ReceiveTimeout, &tv).map_err(|e| errno(e, "SO_RCVTIMEO"))
    }

    /// Asks for a receive buffer of `bytes` (SO_RCVBUFFORCE as root, else SO_RCVBUF).
    pub(crate) fn set_recv_buffer(&self, bytes: usize) -> io::Result<()> {
        setsockopt(&self.fd, sockopt::RcvBufForce, &bytes)
            .or_else(|_| setsockopt(&self.fd, sockopt::RcvBuf, &bytes))
            .map_err(|e| errno(e, "SO_RCVBUF"))
    }

    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    pub(crate) fn next_seq(&mut self) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    /// Sends one message (whole).
    pub(crate) fn send(&self, bytes: &[u8]) -> io::Result<()> {
        let n = send(self.fd.as_raw_fd(), bytes, MsgFlags::empty())
            .map_err(|e| errno(e, "netlink send"))?;
        if n != bytes.len() {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                format!("netlink send: short write ({n} of {})", bytes.len()),
            ));
        }
        Ok(())
    }

    /// Receives one datagram into `buf`; returns its length and whether it was truncated.
    pub(crate) fn recv_into(&self, buf: &mut [u8], flags: MsgFlags) -> nix::Result<usize> {
        recv(self.fd.as_raw_fd(), buf, flags | MsgFlags::MSG_TRUNC)
    }

    /// Sends a request with NLM_F_ACK and waits for its ack.
    pub(crate) fn request(&mut self, msg: &mut Msg, what: &str) -> io::Result<()> {
        let seq = self.next_seq();
        let flags = u16::from_ne_bytes([msg.buf[6], msg.buf[7]]) | NLM_F_ACK;
        msg.buf[6..8].copy_from_slice(&flags.to_ne_bytes());
        self.send(msg.finish(seq))
            .map_err(|e| crate::error::context(e, what))?;
        self.set_recv_timeout(Some(REPLY_TIMEOUT))?;
        let mut rx = std::mem::take(&mut self.rx);
        let result = self.wait_ack(&mut rx, seq);
        self.rx = rx;
        result.map_err(|e| crate::error::context(e, what))
    }

    fn wait_ack(&self, rx: &mut [u8], seq: u32) -> io::Result<()> {
        loop {
            let n = self.recv_checked(rx)?;
            for (hdr, payload) in messages(&rx[..n]) {
                if hdr.seq == seq && hdr.ty == NLMSG_ERROR {
                    return ack_result(payload);
                }
            }
        }
    }

    fn recv_checked(&self, rx: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.recv_into(rx, MsgFlags::empty()) {
                Ok(n) if n > rx.len() => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "netlink reply larger than the receive buffer",
                    ))
                }
                Ok(n) => return Ok(n),
                Err(nix::errno::Errno::EINTR) => {}
                Err(e) => return Err(errno(e, "netlink recv")),
            }
        }
    }

    /// Sends a dump request and calls `each(type, payload)` for every message of the answer.
    pub(crate) fn dump(
        &mut self,
        msg: &mut Msg,
        what: &str,
        mut each: impl FnMut(u16, &[u8]),
    ) -> io::Result<()> {
        let seq = self.next_seq();
        self.send(msg.finish(seq))
            .map_err(|e| crate::error::context(e, what))?;
        self.set_recv_timeout(Some(REPLY_TIMEOUT))?;
        let mut rx = std::mem::take(&mut self.rx);
        let result = (|| loop {
            let n = self.recv_checked(&mut rx)?;
            for (hdr, payload) in messages(&rx[..n]) {
                if hdr.seq != seq {
                    continue;
                }
                match hdr.ty {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        ack_result(payload)?;
                        return Ok(());
                    }
                    ty => each(ty, payload),
                }
                if hdr.flags & NLM_F_MULTI == 0 {
                    return Ok(());
                }
            }
        })();
        self.rx = rx;
        result.map_err(|e| crate::error::context(e, what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_message_with_padded_attributes() {
        let mut m = Msg::new(24, NLM_F_ACK);
        m.put(&[1, 2]);
        m.attr(4, &7u32.to_ne_bytes());
        m.attr(3, b"tun");
        let bytes = m.finish(9).to_vec();
        // header 16 + fixed 4 (padded) + attr 8 + attr 4+3 padded to 8 = 36
        assert_eq!(bytes.len(), 36);
        assert_eq!(u32::from_ne_bytes(bytes[0..4].try_into().unwrap()), 36);
        assert_eq!(u32::from_ne_bytes(bytes[8..12].try_into().unwrap()), 9);
        assert_eq!(&bytes[16..20], &[1, 2, 0, 0]);
        let (hdr, payload) = messages(&bytes).next().unwrap();
        assert_eq!(hdr.ty, 24);
        assert_eq!(hdr.flags, NLM_F_ACK | NLM_F_REQUEST);
        let parsed: Vec<(u16, Vec<u8>)> =
            attrs(&payload[4..]).map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0], (4, 7u32.to_ne_bytes().to_vec()));
        assert_eq!(parsed[1], (3, b"tun".to_vec()));
    }

    #[test]
    fn stops_at_malformed_attribute() {
        // length 2 < header: malformed
        let buf = [2u8, 0, 1, 0, 9, 9, 9, 9];
        assert_eq!(attrs(&buf).count(), 0);
        // length beyond the buffer
        let buf = [12u8, 0, 1, 0, 9, 9, 9, 9];
        assert_eq!(attrs(&buf).count(), 0);
    }

    #[test]
    fn maps_netlink_errors_to_kinds() {
        assert!(ack_result(&0i32.to_ne_bytes()).is_ok());
        let e = ack_result(&(-libc::EEXIST).to_ne_bytes()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        let e = ack_result(&(-libc::ESRCH).to_ne_bytes()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(ack_result(&[0u8, 0]).is_err());
    }
}
