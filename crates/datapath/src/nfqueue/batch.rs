//! Batches: many queued packets received with one `recvmmsg`, their verdicts sent with one
//! `send`. Every buffer is allocated once and reused.

use std::os::fd::{AsRawFd, BorrowedFd};

use super::msg::parse_packet;
use super::QueuedPacket;

/// Most packets one [`RecvBatch`] can hold.
pub const MAX_BATCH: usize = 64;

/// Room for one message of a queued packet: the whole packet (at most 64 KiB, the copy range)
/// plus the netlink headers and attributes.
const SLOT: usize = super::RECV_BUF_LEN;

/// Packets received by [`NfQueue::recv_batch`](super::NfQueue::recv_batch), in the order the
/// kernel queued them (increasing ids). Holds up to its capacity; each packet has a slot of
/// its own in one buffer (allocated once; only the bytes received are ever touched).
pub struct RecvBatch {
    buf: Vec<u8>,
    /// Received length of each slot (beyond the slot: truncated).
    lens: Vec<usize>,
    /// A packet whose message did not fit in its slot has an empty payload range.
    packets: Vec<QueuedPacket>,
}

impl std::fmt::Debug for RecvBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBatch")
            .field("capacity", &self.capacity())
            .field("packets", &self.packets)
            .finish()
    }
}

impl RecvBatch {
    /// A batch of up to `capacity` packets (clamped to 1..=[`MAX_BATCH`]).
    pub fn new(capacity: usize) -> RecvBatch {
        let capacity = capacity.clamp(1, MAX_BATCH);
        RecvBatch {
            buf: vec![0; capacity * SLOT],
            lens: vec![0; capacity],
            packets: Vec::with_capacity(capacity),
        }
    }

    /// How many packets it can hold.
    pub fn capacity(&self) -> usize {
        self.lens.len()
    }

    /// Number of packets received.
    pub fn len(&self) -> usize {
        self.packets.len()
    }

    /// No packet?
    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    /// The packets, in the order received (one whose message did not fit in its slot has an
    /// empty payload range).
    pub fn packets(&self) -> &[QueuedPacket] {
        &self.packets
    }

    /// Each packet with its IP bytes (`None`: the message did not fit or carried no payload;
    /// give it a verdict all the same).
    pub fn iter(&self) -> impl Iterator<Item = (&QueuedPacket, Option<&[u8]>)> {
        self.packets.iter().map(|p| {
            let bytes = match p.payload.is_empty() {
                true => None,
                false => self.buf.get(p.payload.clone()),
            };
            (p, bytes)
        })
    }

    pub(super) fn clear(&mut self) {
        self.packets.clear();
    }

    /// Receives up to `capacity` datagrams without blocking (one `recvmmsg`) and parses the
    /// packets among them (other messages — error answers to verdicts on packets gone — are
    /// skipped). Returns how many datagrams were read (0 only with an error).
    pub(super) fn fill(&mut self, fd: BorrowedFd<'_>) -> nix::Result<usize> {
        self.clear();
        let n = recv_many(fd, &mut self.buf, &mut self.lens)?;
        for (i, &len) in self.lens.iter().enumerate().take(n) {
            let base = i * SLOT;
            let Some(slot) = self.buf.get(base..base + SLOT) else {
                break;
            };
            if let Some(mut p) = parse_packet(slot, len, base) {
                if len > SLOT {
                    p.payload = 0..0;
                }
                self.packets.push(p);
            }
        }
        Ok(n)
    }
}

/// `recvmmsg(MSG_DONTWAIT | MSG_TRUNC)` of up to `lens.len()` datagrams, datagram `i` into
/// `buf[i * SLOT..][..SLOT]`; `lens[i]` gets its whole length (more than `SLOT`: truncated).
fn recv_many(fd: BorrowedFd<'_>, buf: &mut [u8], lens: &mut [usize]) -> nix::Result<usize> {
    let count = lens.len().min(buf.len() / SLOT).min(MAX_BATCH);
    let mut iovs = [libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    }; MAX_BATCH];
    // SAFETY: mmsghdr is a plain C struct (integers and pointers) for which all zeroes is a
    // valid value (null pointers with zero lengths).
    let mut hdrs: [libc::mmsghdr; MAX_BATCH] = unsafe { std::mem::zeroed() };
    for ((iov, hdr), slot) in iovs
        .iter_mut()
        .zip(hdrs.iter_mut())
        .zip(buf.chunks_exact_mut(SLOT))
        .take(count)
    {
        iov.iov_base = slot.as_mut_ptr().cast();
        iov.iov_len = slot.len();
        hdr.msg_hdr.msg_iov = iov;
        hdr.msg_hdr.msg_iovlen = 1;
    }
    let flags = libc::MSG_DONTWAIT | libc::MSG_TRUNC;
    // SAFETY: `hdrs[..count]` each point to one iovec of `iovs`, which describes a distinct
    // `SLOT`-byte chunk of `buf`; `iovs`, `hdrs` and `buf` outlive the call and nothing else
    // uses them during it. No address or control buffer is given (null, length 0). The kernel
    // writes at most `iov_len` bytes per chunk and fills `msg_len`/`msg_flags` of the first
    // `n` headers. `count` ≤ MAX_BATCH = the arrays' length.
    let n = unsafe {
        libc::recvmmsg(
            fd.as_raw_fd(),
            hdrs.as_mut_ptr(),
            count as libc::c_uint,
            flags,
            std::ptr::null_mut(),
        )
    };
    let n = usize::try_from(n).map_err(|_| nix::errno::Errno::last())?;
    for (len, hdr) in lens.iter_mut().zip(&hdrs).take(n) {
        // With MSG_TRUNC, msg_len is the datagram's whole length.
        *len = hdr.msg_len as usize;
        if hdr.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 && *len <= SLOT {
            *len = SLOT + 1;
        }
    }
    Ok(n)
}

/// Verdicts of a batch, `(id, accept)` in the order the packets were received; sent by
/// [`NfQueue::send_verdicts`](super::NfQueue::send_verdicts) as few messages in one datagram.
#[derive(Debug)]
pub struct Verdicts {
    pub(super) list: Vec<(u32, bool)>,
    pub(super) out: Vec<u8>,
}

impl Verdicts {
    /// Room for `capacity` verdicts without reallocating.
    pub fn with_capacity(capacity: usize) -> Verdicts {
        Verdicts {
            list: Vec::with_capacity(capacity),
            out: Vec::with_capacity(capacity * super::msg::VERDICT_LEN),
        }
    }

    /// The verdict on packet `id`: `accept` = NF_ACCEPT, else NF_DROP. Push one for every
    /// packet received, in the order received.
    pub fn push(&mut self, id: u32, accept: bool) {
        self.list.push((id, accept));
    }

    /// Number of verdicts waiting to be sent.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// None waiting?
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
