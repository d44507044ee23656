//! The NFQUEUE messages (`linux/netfilter/nfnetlink_queue.h`): building configuration and
//! verdict messages, parsing queued packets. Pure: no socket here.

use std::ops::Range;

use crate::netlink::{attrs, messages, Header, Msg, NLMSG_HDRLEN};

use super::QueuedPacket;

const NFNL_SUBSYS_QUEUE: u16 = 3;
pub(super) const NFQNL_MSG_PACKET: u16 = NFNL_SUBSYS_QUEUE << 8;
pub(super) const NFQNL_MSG_VERDICT: u16 = (NFNL_SUBSYS_QUEUE << 8) | 1;
pub(super) const NFQNL_MSG_CONFIG: u16 = (NFNL_SUBSYS_QUEUE << 8) | 2;
/// A verdict on every queued packet whose id is at most the given one.
pub(super) const NFQNL_MSG_VERDICT_BATCH: u16 = (NFNL_SUBSYS_QUEUE << 8) | 3;
const NFQA_CFG_CMD: u16 = 1;
const NFQA_CFG_PARAMS: u16 = 2;
const NFQA_CFG_QUEUE_MAXLEN: u16 = 3;
const NFQA_CFG_MASK: u16 = 4;
const NFQA_CFG_FLAGS: u16 = 5;
const NFQNL_CFG_CMD_BIND: u8 = 1;
const NFQNL_COPY_PACKET: u8 = 2;
/// When the queue (or the socket's receive buffer) is full, accept packets instead of
/// dropping them.
pub(super) const NFQA_CFG_F_FAIL_OPEN: u32 = 1;
pub(super) const NFQA_PACKET_HDR: u16 = 1;
const NFQA_VERDICT_HDR: u16 = 2;
pub(super) const NFQA_MARK: u16 = 3;
pub(super) const NFQA_IFINDEX_INDEV: u16 = 5;
pub(super) const NFQA_PAYLOAD: u16 = 10;
const NF_DROP: u32 = 0;
const NF_ACCEPT: u32 = 1;
/// Largest payload copied (an IPv4/IPv6 packet without jumbogram).
pub(super) const COPY_RANGE: u32 = 0xffff;
/// Length of a verdict message: nlmsghdr (16) + nfgenmsg (4) + NFQA_VERDICT_HDR (4 + 8).
pub(super) const VERDICT_LEN: usize = 32;

/// `struct nfgenmsg` for queue `n` (res_id is big endian).
pub(super) fn nfgenmsg(n: u16) -> [u8; 4] {
    let r = n.to_be_bytes();
    [libc::AF_UNSPEC as u8, 0 /* NFNETLINK_V0 */, r[0], r[1]]
}

/// NFQNL_CFG_CMD_BIND of `queue`.
pub(super) fn bind_message(queue: u16) -> Msg {
    let mut m = Msg::new(NFQNL_MSG_CONFIG, 0);
    m.put(&nfgenmsg(queue));
    m.attr(NFQA_CFG_CMD, &[NFQNL_CFG_CMD_BIND, 0, 0, 0]);
    m
}

/// The parameters of `queue`: copy whole packets, at most `max_len` packets waiting for a
/// verdict, fail-open or not.
pub(super) fn params_message(queue: u16, max_len: u32, fail_open: bool) -> Msg {
    let mut m = Msg::new(NFQNL_MSG_CONFIG, 0);
    m.put(&nfgenmsg(queue));
    let r = COPY_RANGE.to_be_bytes();
    m.attr(
        NFQA_CFG_PARAMS,
        &[r[0], r[1], r[2], r[3], NFQNL_COPY_PACKET],
    );
    m.attr(NFQA_CFG_QUEUE_MAXLEN, &max_len.to_be_bytes());
    let flags = if fail_open { NFQA_CFG_F_FAIL_OPEN } else { 0 };
    m.attr(NFQA_CFG_MASK, &NFQA_CFG_F_FAIL_OPEN.to_be_bytes());
    m.attr(NFQA_CFG_FLAGS, &flags.to_be_bytes());
    m
}

/// A verdict message: `ty` is [`NFQNL_MSG_VERDICT`] (packet `id` only) or
/// [`NFQNL_MSG_VERDICT_BATCH`] (every packet up to `id`).
pub(super) fn verdict_message(ty: u16, queue: u16, seq: u32, id: u32, accept: bool) -> [u8; 32] {
    let mut m = [0u8; VERDICT_LEN];
    m[0..4].copy_from_slice(&(VERDICT_LEN as u32).to_ne_bytes());
    m[4..6].copy_from_slice(&ty.to_ne_bytes());
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

/// Appends to `out` the verdict messages for `verdicts` — `(id, accept)` in the order the
/// packets were received, one for every packet received since the last verdicts: one
/// NFQNL_MSG_VERDICT_BATCH per run of two or more equal verdicts (it covers every waiting
/// packet up to the run's last id, and every packet before the run has had its verdict), one
/// NFQNL_MSG_VERDICT for a run of one. `seq` gives the sequence numbers. Returns the number
/// of messages.
pub(super) fn append_verdicts(
    out: &mut Vec<u8>,
    queue: u16,
    seq: &mut u32,
    verdicts: &[(u32, bool)],
) -> usize {
    let mut count = 0;
    let mut rest = verdicts;
    while let Some(&(first_id, accept)) = rest.first() {
        let run = rest.iter().take_while(|(_, a)| *a == accept).count();
        let (ty, id) = match rest.get(run.saturating_sub(1)) {
            Some(&(last, _)) if run > 1 => (NFQNL_MSG_VERDICT_BATCH, last),
            _ => (NFQNL_MSG_VERDICT, first_id),
        };
        *seq = seq.wrapping_add(1);
        out.extend_from_slice(&verdict_message(ty, queue, *seq, id, accept));
        count += 1;
        rest = rest.get(run.max(1)..).unwrap_or(&[]);
    }
    count
}

/// Parses the NFQNL_MSG_PACKET at the start of `buf[..len]` (`len` may exceed what `buf`
/// holds: a truncated datagram, whose packet header may still give the id). `base` is added
/// to the payload range (the offset of `buf` in a larger buffer).
pub(super) fn parse_packet(buf: &[u8], len: usize, base: usize) -> Option<QueuedPacket> {
    let data = buf.get(..len.min(buf.len()))?;
    let (hdr, payload) = messages(data).next().or_else(|| {
        // A truncated datagram: the header's length is beyond the buffer; parse what is there.
        let h = data.get(..NLMSG_HDRLEN)?;
        let ty = u16::from_ne_bytes([h[4], h[5]]);
        Some((
            Header {
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
    let start = data.as_ptr() as usize;
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
                let at = (a.as_ptr() as usize - start) + base;
                p.payload = Range {
                    start: at,
                    end: at + a.len(),
                };
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
        let m = verdict_message(NFQNL_MSG_VERDICT, 7, 3, 0x01020304, true);
        assert_eq!(u32::from_ne_bytes(m[0..4].try_into().unwrap()), 32);
        assert_eq!(u16::from_ne_bytes(m[4..6].try_into().unwrap()), 0x0301);
        assert_eq!(u32::from_ne_bytes(m[8..12].try_into().unwrap()), 3);
        assert_eq!(&m[16..20], &[0, 0, 0, 7]);
        assert_eq!(&m[24..32], &[0, 0, 0, 1, 1, 2, 3, 4]);
        let m = verdict_message(NFQNL_MSG_VERDICT, 7, 3, 9, false);
        assert_eq!(&m[24..28], &[0, 0, 0, 0]);
    }

    /// The whole NFQNL_MSG_VERDICT_BATCH, byte by byte (little-endian host fields, as on the
    /// machines this runs on; the nfgenmsg and verdict header are big endian everywhere).
    #[cfg(target_endian = "little")]
    #[test]
    fn builds_batch_verdict_bytes() {
        let m = verdict_message(NFQNL_MSG_VERDICT_BATCH, 0x0102, 5, 1000, false);
        #[rustfmt::skip]
        let want: [u8; 32] = [
            32, 0, 0, 0,        // nlmsg_len
            0x03, 0x03,         // NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_VERDICT_BATCH
            0x01, 0x00,         // NLM_F_REQUEST
            5, 0, 0, 0,         // nlmsg_seq
            0, 0, 0, 0,         // nlmsg_pid: the kernel
            0, 0, 0x01, 0x02,   // nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id = queue 258
            12, 0, 2, 0,        // nlattr: len 12, NFQA_VERDICT_HDR
            0, 0, 0, 0,         // verdict NF_DROP
            0, 0, 0x03, 0xe8,   // id 1000: every waiting packet up to it
        ];
        assert_eq!(m, want);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn builds_bind_and_params_bytes() {
        let bind = bind_message(1).finish(1).to_vec();
        #[rustfmt::skip]
        assert_eq!(bind, [
            28, 0, 0, 0, 0x02, 0x03, 0x01, 0x00, 1, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 1,             // nfgenmsg, queue 1
            8, 0, 1, 0, 1, 0, 0, 0, // NFQA_CFG_CMD: NFQNL_CFG_CMD_BIND, pf 0
        ]);
        let params = params_message(1, 4096, true).finish(2).to_vec();
        #[rustfmt::skip]
        assert_eq!(&params[20..], [
            9, 0, 2, 0, 0, 0, 0xff, 0xff, 2, 0, 0, 0, // NFQA_CFG_PARAMS: range 65535, COPY_PACKET
            8, 0, 3, 0, 0, 0, 0x10, 0,                // NFQA_CFG_QUEUE_MAXLEN 4096
            8, 0, 4, 0, 0, 0, 0, 1,                   // NFQA_CFG_MASK: FAIL_OPEN
            8, 0, 5, 0, 0, 0, 0, 1,                   // NFQA_CFG_FLAGS: FAIL_OPEN
        ]);
        let closed = params_message(1, 4096, false).finish(2).to_vec();
        assert_eq!(&closed[closed.len() - 4..], [0, 0, 0, 0]);
    }

    fn decoded(out: &[u8]) -> Vec<(u16, u32, bool)> {
        out.chunks(VERDICT_LEN)
            .map(|m| {
                let ty = u16::from_ne_bytes([m[4], m[5]]);
                let accept = m[27] == 1;
                (ty, u32::from_be_bytes([m[28], m[29], m[30], m[31]]), accept)
            })
            .collect()
    }

    #[test]
    fn one_batch_verdict_covers_a_run_of_equal_verdicts() {
        let mut out = Vec::new();
        let mut seq = 0;
        let v: Vec<(u32, bool)> = (1..=64).map(|id| (id, true)).collect();
        assert_eq!(append_verdicts(&mut out, 0, &mut seq, &v), 1);
        assert_eq!(decoded(&out), [(NFQNL_MSG_VERDICT_BATCH, 64, true)]);
        assert_eq!(seq, 1);
    }

    #[test]
    fn mixed_verdicts_become_one_message_per_run() {
        let mut out = Vec::new();
        let mut seq = 10;
        let v = [
            (1, true),
            (2, true),
            (3, false),
            (5, true), // id 4 was never delivered (fail-open took it): covered, not pending
            (6, false),
            (7, false),
            (8, false),
        ];
        assert_eq!(append_verdicts(&mut out, 4, &mut seq, &v), 4);
        assert_eq!(
            decoded(&out),
            [
                (NFQNL_MSG_VERDICT_BATCH, 2, true),
                (NFQNL_MSG_VERDICT, 3, false),
                (NFQNL_MSG_VERDICT, 5, true),
                (NFQNL_MSG_VERDICT_BATCH, 8, false),
            ]
        );
        let seqs: Vec<u32> = out
            .chunks(VERDICT_LEN)
            .map(|m| u32::from_ne_bytes([m[8], m[9], m[10], m[11]]))
            .collect();
        assert_eq!(seqs, [11, 12, 13, 14]);
        assert!(out.chunks(VERDICT_LEN).all(|m| m[16..20] == [0, 0, 0, 4]));
    }

    #[test]
    fn no_verdicts_no_messages() {
        let mut out = Vec::new();
        assert_eq!(append_verdicts(&mut out, 0, &mut 0, &[]), 0);
        assert!(out.is_empty());
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
        let p = parse_packet(&bytes, bytes.len(), 0).unwrap();
        assert_eq!(
            (p.id, p.hw_proto, p.mark, p.indev, p.hook),
            (42, 0x86dd, 7, 3, 0)
        );
        assert_eq!(&bytes[p.payload], &[0x60, 0, 0, 0, 0xaa]);
    }

    #[test]
    fn offsets_payload_by_the_slot_base() {
        let bytes = packet_message(&[0x45, 1, 2]);
        let mut arena = vec![0u8; 100];
        arena.extend_from_slice(&bytes);
        let p = parse_packet(&arena[100..], bytes.len(), 100).unwrap();
        assert_eq!(&arena[p.payload], &[0x45, 1, 2]);
    }

    #[test]
    fn parses_id_of_truncated_message() {
        let bytes = packet_message(&[0x45; 100]);
        let p = parse_packet(&bytes[..40], bytes.len(), 0).unwrap();
        assert_eq!(p.id, 42);
        assert!(parse_packet(&bytes[..10], bytes.len(), 0).is_none());
    }

    #[test]
    fn ignores_other_message_types() {
        let mut m = Msg::new(NFQNL_MSG_CONFIG, 0);
        m.put(&nfgenmsg(5));
        let bytes = m.finish(0).to_vec();
        assert!(parse_packet(&bytes, bytes.len(), 0).is_none());
    }
}
