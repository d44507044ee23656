//! NFQUEUE (the iptables framework): packets that the user's `-j NFQUEUE --queue-num N` rules
//! send to queue N, copied whole to the daemon, which answers each with a verdict.
//!
//! ```text
//!   kernel ──NFQNL_MSG_PACKET(id, payload)──▶ NfQueue::recv ──▶ daemon (translate)
//!   kernel ◀──NFQNL_MSG_VERDICT(id, ACCEPT|DROP)── NfQueue::verdict
//! ```
//!
//! Bound with `NFQA_CFG_F_FAIL_OPEN`: when the queue is full the kernel accepts packets instead
//! of dropping them. Closing the socket (dropping the [`NfQueue`]) unbinds the queue; packets
//! still waiting for a verdict are then dropped by the kernel.

use std::io;
use std::ops::Range;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::sys::socket::{MsgFlags, SockProtocol};

use crate::error::errno;
use crate::netlink::{attrs, messages, Msg, NlSocket, NLMSG_HDRLEN};
use crate::netns::NetNs;
use crate::wake::{Ready, ShutdownHandle};

const NFNL_SUBSYS_QUEUE: u16 = 3;
const NFQNL_MSG_PACKET: u16 = NFNL_SUBSYS_QUEUE << 8;
const NFQNL_MSG_VERDICT: u16 = (NFNL_SUBSYS_QUEUE << 8) | 1;
const NFQNL_MSG_CONFIG: u16 = (NFNL_SUBSYS_QUEUE << 8) | 2;
const NFQA_CFG_CMD: u16 = 1;
const NFQA_CFG_PARAMS: u16 = 2;
const NFQA_CFG_MASK: u16 = 4;
const NFQA_CFG_FLAGS: u16 = 5;
const NFQNL_CFG_CMD_BIND: u8 = 1;
const NFQNL_COPY_PACKET: u8 = 2;
const NFQA_CFG_F_FAIL_OPEN: u32 = 1;
const NFQA_PACKET_HDR: u16 = 1;
const NFQA_VERDICT_HDR: u16 = 2;
const NFQA_MARK: u16 = 3;
const NFQA_IFINDEX_INDEV: u16 = 5;
const NFQA_PAYLOAD: u16 = 10;
const NF_DROP: u32 = 0;
const NF_ACCEPT: u32 = 1;
/// Largest payload copied (an IPv4/IPv6 packet without jumbogram).
const COPY_RANGE: u32 = 0xffff;
/// Socket receive buffer: room for bursts of queued packets.
const RCVBUF: usize = 8 << 20;

/// A buffer size for [`NfQueue::recv`] that always holds a whole message (64 KiB of packet plus
/// the netlink headers and attributes).
pub const RECV_BUF_LEN: usize = 65536 + 4096;

/// A packet the kernel queued, as received into the caller's buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedPacket {
    /// Id to give back in [`NfQueue::verdict`].
    pub id: u32,
    /// Ethertype of the packet (0x0800 IPv4, 0x86dd IPv6).
    pub hw_proto: u16,
    /// Netfilter hook it was queued from (0 PREROUTING, 1 INPUT, 2 FORWARD, 3 OUTPUT, 4 POSTROUTING).
    pub hook: u8,
    /// The packet's mark (0 when none).
    pub mark: u32,
    /// Incoming interface index (0 when none, e.g. OUTPUT).
    pub indev: u32,
    /// Where the IP packet is in the buffer given to `recv`.
    pub payload: Range<usize>,
}

/// A bound NFQUEUE queue.
pub struct NfQueue {
    sock: NlSocket,
    queue_num: u16,
    wake: ShutdownHandle,
}

impl std::fmt::Debug for NfQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NfQueue")
            .field("queue_num", &self.queue_num)
            .finish()
    }
}

/// `struct nfgenmsg` for queue `n` (res_id is big endian).
fn nfgenmsg(n: u16) -> [u8; 4] {
    let r = n.to_be_bytes();
    [libc::AF_UNSPEC as u8, 0 /* NFNETLINK_V0 */, r[0], r[1]]
}

impl NfQueue {
    /// Binds queue `queue_num` in `ns` (copy-packet mode, whole packets, fail-open). A queue
    /// another process holds is an error (EBUSY / kind [`io::ErrorKind::ResourceBusy`]).
    pub fn bind(ns: &NetNs, queue_num: u16) -> io::Result<NfQueue> {
        let wake = ShutdownHandle::new()?;
        let mut sock = ns.enter(|| NlSocket::open(SockProtocol::NetlinkNetFilter))??;
        let what = format!("cannot bind NFQUEUE {queue_num}");
        let mut bind = Msg::new(NFQNL_MSG_CONFIG, 0);
        bind.put(&nfgenmsg(queue_num));
        bind.attr(NFQA_CFG_CMD, &[NFQNL_CFG_CMD_BIND, 0, 0, 0]);
        sock.request(&mut bind, &what)?;
        let mut params = Msg::new(NFQNL_MSG_CONFIG, 0);
        params.put(&nfgenmsg(queue_num));
        let r = COPY_RANGE.to_be_bytes();
        params.attr(
            NFQA_CFG_PARAMS,
            &[r[0], r[1], r[2], r[3], NFQNL_COPY_PACKET],
        );
        params.attr(NFQA_CFG_MASK, &NFQA_CFG_F_FAIL_OPEN.to_be_bytes());
        params.attr(NFQA_CFG_FLAGS, &NFQA_CFG_F_FAIL_OPEN.to_be_bytes());
        sock.request(&mut params, &what)?;
        sock.set_recv_buffer(RCVBUF)?;
        sock.set_recv_timeout(None)?;
        Ok(NfQueue {
            sock,
            queue_num,
            wake,
        })
    }

    /// The queue number.
    pub fn queue_num(&self) -> u16 {
        self.queue_num
    }

    /// A handle that makes [`recv`](Self::recv) return an error of kind
    /// [`io::ErrorKind::ConnectionAborted`] (from any thread).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.wake.clone()
    }

    /// Waits for the next queued packet and receives it into `buf` (use [`RECV_BUF_LEN`]).
    /// A message that does not fit is accepted on the spot and skipped. Kernel-side overruns
    /// (ENOBUFS: the queue's socket buffer was full; fail-open accepted those packets) are
    /// skipped too.
    pub fn recv(&mut self, buf: &mut [u8]) -> io::Result<QueuedPacket> {
        loop {
            if let Some(p) = self.recv_timeout(buf, Duration::from_secs(3600))? {
                return Ok(p);
            }
        }
    }

    /// Like [`recv`](Self::recv) but gives up after `timeout`: `Ok(None)`.
    pub fn recv_timeout(
        &mut self,
        buf: &mut [u8],
        timeout: Duration,
    ) -> io::Result<Option<QueuedPacket>> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX);
            match self.wake.wait_readable(self.sock.fd(), ms)? {
                Ready::Shutdown => {
                    return Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        format!("NFQUEUE {} shut down", self.queue_num),
                    ))
                }
                Ready::Timeout => return Ok(None),
                Ready::Readable => {}
            }
            let n = match self.sock.recv_into(buf, MsgFlags::MSG_DONTWAIT) {
                Ok(n) => n,
                Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::ENOBUFS) => continue,
                Err(e) => return Err(errno(e, format_args!("NFQUEUE {} recv", self.queue_num))),
            };
            if n > buf.len() {
                // Truncated: get the id out of what we have and let the packet go.
                if let Some(p) = parse_packet(buf, buf.len()) {
                    self.verdict(p.id, true)?;
                }
                continue;
            }
            if let Some(p) = parse_packet(buf, n) {
                return Ok(Some(p));
            }
            // Anything else (an error answer to a verdict for a packet gone) is ignored.
        }
    }

    /// Gives the kernel the verdict on packet `id`: `accept` = NF_ACCEPT (the packet goes on as
    /// if the rule had not matched), else NF_DROP (translated packets are stolen this way).
    /// No allocation.
    pub fn verdict(&mut self, id: u32, accept: bool) -> io::Result<()> {
        let seq = self.sock.next_seq();
        let msg = verdict_message(self.queue_num, seq, id, accept);
        self.sock.send(&msg).map_err(|e| {
            crate::error::context(e, format_args!("NFQUEUE {} verdict", self.queue_num))
        })
    }
}

impl AsFd for NfQueue {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.sock.fd()
    }
}

/// NFQNL_MSG_VERDICT for packet `id`: nlmsghdr (16) + nfgenmsg (4) + NFQA_VERDICT_HDR (4 + 8).
fn verdict_message(queue: u16, seq: u32, id: u32, accept: bool) -> [u8; 32] {
    let mut m = [0u8; 32];
    m[0..4].copy_from_slice(&32u32.to_ne_bytes());
    m[4..6].copy_from_slice(&NFQNL_MSG_VERDICT.to_ne_bytes());
    m[6..8].copy_from_slice(&1u16.to_ne_bytes()); // NLM_F_REQUEST
    m[8..12].copy_from_slice(&seq.to_ne_bytes());
    m[16..20].copy_from_slice(&nfgenmsg(queue));
    m[20..22].copy_from_slice(&12u16.to_ne_bytes());
    m[22..24].copy_from_slice(&NFQA_VERDICT_HDR.to_ne_bytes());
    let v = if accept { NF_ACCEPT } else { NF_DROP };
    m[24..28].copy_from_slice(&v.to_be_bytes());
    m[28..32].copy_from_slice(&id.to_be_bytes());
    m
}

/// Parses the NFQNL_MSG_PACKET at the start of `buf[..len]`.
fn parse_packet(buf: &[u8], len: usize) -> Option<QueuedPacket> {
    let data = buf.get(..len)?;
    let (hdr, payload) = messages(data).next().or_else(|| {
        // A truncated datagram: the header's length is beyond the buffer; parse what is there.
        let h = data.get(..NLMSG_HDRLEN)?;
        let ty = u16::from_ne_bytes([h[4], h[5]]);
        Some((
            crate::netlink::Header {
                ty,
                flags: 0,
                seq: 0,
            },
            data.get(NLMSG_HDRLEN..)?,
        ))
    })?;
    if hdr.ty != NFQNL_MSG_PACKET {
        return None;
    }
    let base = data.as_ptr() as usize;
    let mut p = QueuedPacket {
        id: 0,
        hw_proto: 0,
        hook: 0,
        mark: 0,
        indev: 0,
        payload: 0..0,
    };
    let mut have_id = false;
    for (ty, a) in attrs(payload.get(4..)?) {
        match ty {
            NFQA_PACKET_HDR if a.len() >= 7 => {
                p.id = u32::from_be_bytes([a[0], a[1], a[2], a[3]]);
                p.hw_proto = u16::from_be_bytes([a[4], a[5]]);
                p.hook = a[6];
                have_id = true;
            }
            NFQA_MARK if a.len() >= 4 => p.mark = u32::from_be_bytes([a[0], a[1], a[2], a[3]]),
            NFQA_IFINDEX_INDEV if a.len() >= 4 => {
                p.indev = u32::from_be_bytes([a[0], a[1], a[2], a[3]])
            }
            NFQA_PAYLOAD => {
                let start = a.as_ptr() as usize - base;
                p.payload = start..start + a.len();
            }
            _ => {}
        }
    }
    have_id.then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_verdict_message() {
        let m = verdict_message(7, 3, 0x01020304, true);
        assert_eq!(u32::from_ne_bytes(m[0..4].try_into().unwrap()), 32);
        assert_eq!(u16::from_ne_bytes(m[4..6].try_into().unwrap()), 0x0301);
        assert_eq!(&m[16..20], &[0, 0, 0, 7]);
        assert_eq!(&m[24..32], &[0, 0, 0, 1, 1, 2, 3, 4]);
        let m = verdict_message(7, 3, 9, false);
        assert_eq!(&m[24..28], &[0, 0, 0, 0]);
    }

    fn packet_message(payload: &[u8]) -> Vec<u8> {
        let mut m = Msg::new(NFQNL_MSG_PACKET, 0);
        m.put(&nfgenmsg(5));
        m.attr(NFQA_PACKET_HDR, &[0, 0, 0, 42, 0x86, 0xdd, 0]);
        m.attr(NFQA_MARK, &7u32.to_be_bytes());
        m.attr(NFQA_IFINDEX_INDEV, &3u32.to_be_bytes());
        m.attr(NFQA_PAYLOAD, payload);
        m.finish(0).to_vec()
    }

    #[test]
    fn parses_queued_packet_into_buffer_range() {
        let bytes = packet_message(&[0x60, 0, 0, 0, 0xaa]);
        let p = parse_packet(&bytes, bytes.len()).unwrap();
        assert_eq!(
            (p.id, p.hw_proto, p.mark, p.indev, p.hook),
            (42, 0x86dd, 7, 3, 0)
        );
        assert_eq!(&bytes[p.payload], &[0x60, 0, 0, 0, 0xaa]);
    }

    #[test]
    fn parses_id_of_truncated_message() {
        let bytes = packet_message(&[0x45; 100]);
        let p = parse_packet(&bytes, 40).unwrap();
        assert_eq!(p.id, 42);
        assert!(parse_packet(&bytes, 10).is_none());
    }

    #[test]
    fn ignores_other_message_types() {
        let mut m = Msg::new(NFQNL_MSG_CONFIG, 0);
        m.put(&nfgenmsg(5));
        let bytes = m.finish(0).to_vec();
        assert!(parse_packet(&bytes, bytes.len()).is_none());
    }
}
