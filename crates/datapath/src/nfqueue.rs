//! NFQUEUE (the iptables framework): packets that the user's `-j NFQUEUE --queue-num N` rules
//! (or `--queue-balance N:M`) send to a queue, copied whole to the daemon, which answers each
//! with a verdict.
//!
//! ```text
//!   kernel ──NFQNL_MSG_PACKET(id, payload) × n──▶ NfQueue::recv_batch (one recvmmsg) ──▶ translate
//!   kernel ◀──NFQNL_MSG_VERDICT_BATCH(≤ id, ACCEPT|DROP) per run── NfQueue::send_verdicts (one send)
//! ```
//!
//! One socket per queue number: [`NfQueue::bind_range`] binds `N..=M` for one worker thread
//! each (`--queue-balance N:M` spreads flows over them by hash, so a flow stays on one queue
//! and in order).
//!
//! Bound by default with `NFQA_CFG_F_FAIL_OPEN` ([`QueueConfig`]): when the queue holds
//! `max_len` packets, or the socket's receive buffer is full, the kernel accepts packets
//! instead of dropping them — they go on untranslated. Closing the socket (dropping the
//! [`NfQueue`]) unbinds the queue; packets still waiting for a verdict are then dropped by the
//! kernel.

mod batch;
mod msg;

use std::io;
use std::ops::Range;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::sys::socket::{MsgFlags, SockProtocol};

use crate::error::errno;
use crate::netlink::NlSocket;
use crate::netns::NetNs;
use crate::wake::{Ready, ShutdownHandle};

pub use batch::{RecvBatch, Verdicts, MAX_BATCH};
use msg::{append_verdicts, bind_message, params_message, parse_packet, verdict_message};

/// A buffer size for [`NfQueue::recv`] that always holds a whole message (64 KiB of packet plus
/// the netlink headers and attributes).
pub const RECV_BUF_LEN: usize = 65536 + 4096;

/// How a queue is bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueConfig {
    /// Most packets waiting for a verdict (`NFQA_CFG_QUEUE_MAXLEN`; the kernel's default is
    /// 1024). Beyond it: accepted (fail-open) or dropped.
    pub max_len: u32,
    /// Receive buffer of the socket, in bytes (SO_RCVBUFFORCE, else SO_RCVBUF up to
    /// `net.core.rmem_max`); the kernel doubles it for its bookkeeping. A queued packet of
    /// 1500 bytes takes about 2.3 KiB of it.
    pub recv_buffer: usize,
    /// `NFQA_CFG_F_FAIL_OPEN`: accept instead of drop when full.
    pub fail_open: bool,
}

impl Default for QueueConfig {
    /// 4096 packets, a buffer for that many full-size packets (16 MiB), fail-open.
    fn default() -> Self {
        QueueConfig {
            max_len: 4096,
            recv_buffer: 16 << 20,
            fail_open: true,
        }
    }
}

/// A packet the kernel queued, as received into the caller's buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedPacket {
    /// Id to give back in the verdict.
    pub id: u32,
    /// Ethertype of the packet (0x0800 IPv4, 0x86dd IPv6).
    pub hw_proto: u16,
    /// Netfilter hook it was queued from (0 PREROUTING, 1 INPUT, 2 FORWARD, 3 OUTPUT, 4 POSTROUTING).
    pub hook: u8,
    /// The packet's mark (0 when none).
    pub mark: u32,
    /// Incoming interface index (0 when none, e.g. OUTPUT).
    pub indev: u32,
    /// Where the IP packet is in the buffer given to `recv` (or in the [`RecvBatch`]).
    pub payload: Range<usize>,
}

/// A bound NFQUEUE queue.
pub struct NfQueue {
    sock: NlSocket,
    queue_num: u16,
    wake: ShutdownHandle,
    /// Receive-buffer overruns reported by the socket (ENOBUFS).
    overruns: u64,
    /// Sequence number of the last verdict message (the kernel does not answer them).
    seq: u32,
}

impl std::fmt::Debug for NfQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NfQueue")
            .field("queue_num", &self.queue_num)
            .finish()
    }
}

impl NfQueue {
    /// Binds queue `queue_num` in `ns` with [`QueueConfig::default`] (copy-packet mode, whole
    /// packets, fail-open). A queue another socket holds is an error (EBUSY / kind
    /// [`io::ErrorKind::ResourceBusy`]).
    pub fn bind(ns: &NetNs, queue_num: u16) -> io::Result<NfQueue> {
        Self::bind_with(ns, queue_num, &QueueConfig::default())
    }

    /// Binds queue `queue_num` in `ns` with `config`.
    pub fn bind_with(ns: &NetNs, queue_num: u16, config: &QueueConfig) -> io::Result<NfQueue> {
        let wake = ShutdownHandle::new()?;
        let mut sock = ns.enter(|| NlSocket::open(SockProtocol::NetlinkNetFilter))??;
        let what = format!("cannot bind NFQUEUE {queue_num}");
        sock.request(&mut bind_message(queue_num), &what)?;
        let mut params = params_message(queue_num, config.max_len, config.fail_open);
        sock.request(&mut params, &what)?;
        sock.set_recv_buffer(config.recv_buffer)?;
        sock.set_recv_timeout(None)?;
        Ok(NfQueue {
            sock,
            queue_num,
            wake,
            overruns: 0,
            seq: 0,
        })
    }

    /// Binds queues `first..=last` in `ns`, one socket each (for one worker each), all or
    /// none: on an error the queues bound so far are released. `first > last` is an error of
    /// kind [`io::ErrorKind::InvalidInput`].
    pub fn bind_range(
        ns: &NetNs,
        first: u16,
        last: u16,
        config: &QueueConfig,
    ) -> io::Result<Vec<NfQueue>> {
        if first > last {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("NFQUEUE range {first}:{last} is empty"),
            ));
        }
        (first..=last)
            .map(|n| Self::bind_with(ns, n, config))
            .collect()
    }

    /// The queue number.
    pub fn queue_num(&self) -> u16 {
        self.queue_num
    }

    /// How many times the socket's receive buffer overflowed (ENOBUFS) since the bind: each
    /// time, packets were accepted untranslated (fail-open) or dropped.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// A handle that makes [`recv`](Self::recv) and [`recv_batch`](Self::recv_batch) return
    /// an error of kind [`io::ErrorKind::ConnectionAborted`] (from any thread).
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.wake.clone()
    }

    fn aborted(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::ConnectionAborted,
            format!("NFQUEUE {} shut down", self.queue_num),
        )
    }

    /// Waits (at most `timeout`; `None`: until shutdown) for queued packets, then receives as
    /// many as are waiting, up to the batch's capacity, in one system call. Returns how many
    /// packets `batch` now holds (0: the timeout passed). Every packet received needs a verdict
    /// ([`Verdicts::push`], then [`send_verdicts`](Self::send_verdicts)), in order. Kernel-side
    /// overruns (ENOBUFS) are counted ([`overruns`](Self::overruns)) and skipped.
    pub fn recv_batch(
        &mut self,
        batch: &mut RecvBatch,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        batch.clear();
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let ms = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    i32::try_from(left.as_millis()).unwrap_or(i32::MAX)
                }
                None => -1,
            };
            match self.wake.wait_readable(self.sock.fd(), ms)? {
                Ready::Shutdown => return Err(self.aborted()),
                Ready::Timeout => return Ok(0),
                Ready::Readable => {}
            }
            loop {
                match batch.fill(self.sock.fd()) {
                    Ok(_) if !batch.is_empty() => return Ok(batch.len()),
                    // Only non-packet messages: read on.
                    Ok(_) => continue,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(nix::errno::Errno::ENOBUFS) => {
                        self.overruns += 1;
                        continue;
                    }
                    Err(nix::errno::Errno::EAGAIN) => break,
                    Err(e) => {
                        return Err(errno(e, format_args!("NFQUEUE {} recv", self.queue_num)))
                    }
                }
            }
        }
    }

    /// Sends the verdicts pushed into `verdicts` (one message per run of equal verdicts, all
    /// in one datagram) and empties it. No allocation once `verdicts` has grown to the batch
    /// size.
    pub fn send_verdicts(&mut self, verdicts: &mut Verdicts) -> io::Result<()> {
        verdicts.out.clear();
        append_verdicts(
            &mut verdicts.out,
            self.queue_num,
            &mut self.seq,
            &verdicts.list,
        );
        verdicts.list.clear();
        if verdicts.out.is_empty() {
            return Ok(());
        }
        self.sock.send(&verdicts.out).map_err(|e| {
            crate::error::context(e, format_args!("NFQUEUE {} verdicts", self.queue_num))
        })
    }

    /// Waits for the next queued packet and receives it into `buf` (use [`RECV_BUF_LEN`]).
    /// A message that does not fit is accepted on the spot and skipped. Kernel-side overruns
    /// (ENOBUFS) are counted and skipped too. One packet per call: see
    /// [`recv_batch`](Self::recv_batch) for the fast path.
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
                Ready::Shutdown => return Err(self.aborted()),
                Ready::Timeout => return Ok(None),
                Ready::Readable => {}
            }
            let n = match self.sock.recv_into(buf, MsgFlags::MSG_DONTWAIT) {
                Ok(n) => n,
                Err(nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::ENOBUFS) => {
                    self.overruns += 1;
                    continue;
                }
                Err(e) => return Err(errno(e, format_args!("NFQUEUE {} recv", self.queue_num))),
            };
            if n > buf.len() {
                // Truncated: get the id out of what we have and let the packet go.
                if let Some(p) = parse_packet(buf, n, 0) {
                    self.verdict(p.id, true)?;
                }
                continue;
            }
            if let Some(p) = parse_packet(buf, n, 0) {
                return Ok(Some(p));
            }
            // Anything else (an error answer to a verdict for a packet gone) is ignored.
        }
    }

    /// Gives the kernel the verdict on packet `id` alone: `accept` = NF_ACCEPT (the packet
    /// goes on as if the rule had not matched), else NF_DROP (translated packets are stolen
    /// this way). No allocation.
    pub fn verdict(&mut self, id: u32, accept: bool) -> io::Result<()> {
        self.seq = self.seq.wrapping_add(1);
        let msg = verdict_message(msg::NFQNL_MSG_VERDICT, self.queue_num, self.seq, id, accept);
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
