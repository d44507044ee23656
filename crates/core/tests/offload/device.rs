//! Packet builders with offloads, and a simulation of the device that receives what the
//! translator writes: Linux's `tcp_gso_segment` (per-segment adjustment of the partial
//! checksum field) followed by the checksum offload (sum from `csum_start`, complement).
//! The simulation uses the checksum field as the translator left it — it never recomputes a
//! pseudo-header from the addresses — so a wrong partial value shows up as a bad checksum.
//! It is written independently of `jool_core::offload::split`.

use jool_core::offload::{Gso, GsoKind, Offload, PartialCsum};
use jool_core::{PacketBuf, Verdict};
use jool_wire::checksum;
use std::net::{Ipv4Addr, Ipv6Addr};

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ACK: u8 = 0x10;
pub const PSH: u8 = 0x08;
pub const FIN: u8 = 0x01;
pub const CWR: u8 = 0x80;

pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

/// `n` bytes of a recognizable pattern.
pub fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// A TCP header (seq 1000, ack 77, window 0x2000) with `opts` (a multiple of 4 bytes).
pub fn tcp(sport: u16, dport: u16, flags: u8, opts: &[u8]) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&1000u32.to_be_bytes());
    s.extend_from_slice(&77u32.to_be_bytes());
    s.push((((20 + opts.len()) / 4) << 4) as u8);
    s.extend_from_slice(&[flags, 0x20, 0, 0, 0, 0, 0]);
    s.extend_from_slice(opts);
    s
}

/// A UDP header with the Length of `payload_len` bytes of data.
pub fn udp(sport: u16, dport: u16, payload_len: usize) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&((8 + payload_len) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s
}

pub fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, l4: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(l4.len() as u16).to_be_bytes());
    p.extend_from_slice(&[nh, 64]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(l4);
    p
}

/// IPv4, TTL 64, Identification 0x1234, DF as given (or MF with `ff`).
pub fn ipv4_ff(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, ff: u16, l4: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&ff.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::finish(checksum::sum(&p));
    put16(&mut p, 10, c);
    p.extend_from_slice(l4);
    p
}

pub fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, df: bool, l4: &[u8]) -> Vec<u8> {
    ipv4_ff(src, dst, proto, if df { 0x4000 } else { 0 }, l4)
}

/// Transport header offset of a packet without IPv4 options / IPv6 extension headers.
pub fn l4_off(b: &[u8]) -> usize {
    if b[0] >> 4 == 6 {
        40
    } else {
        20
    }
}

fn csum_at(proto: u8) -> usize {
    if proto == TCP {
        16
    } else {
        6
    }
}

fn proto_of(b: &[u8]) -> u8 {
    if b[0] >> 4 == 6 {
        b[6]
    } else {
        b[9]
    }
}

/// Pseudo-header partial sum of a packet (no options / extension headers).
pub fn pseudo(b: &[u8]) -> u32 {
    let l4 = l4_off(b);
    let len = (b.len() - l4) as u32;
    if l4 == 40 {
        let s = Ipv6Addr::from(<[u8; 16]>::try_from(&b[8..24]).unwrap());
        let d = Ipv6Addr::from(<[u8; 16]>::try_from(&b[24..40]).unwrap());
        checksum::pseudo_v6(s, d, b[6], len)
    } else {
        let s = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
        let d = Ipv4Addr::new(b[16], b[17], b[18], b[19]);
        checksum::pseudo_v4(s, d, b[9], len)
    }
}

/// Fills a complete TCP/UDP checksum.
pub fn complete(mut b: Vec<u8>) -> Vec<u8> {
    let (l4, at) = (l4_off(&b), csum_at(proto_of(&b)));
    put16(&mut b, l4 + at, 0);
    let c = checksum::finish(checksum::combine(pseudo(&b), checksum::sum(&b[l4..])));
    put16(&mut b, l4 + at, c);
    b
}

/// Leaves the TCP/UDP checksum partial as Linux does for CHECKSUM_PARTIAL: the pseudo-header
/// sum over the whole transport length, folded, not complemented.
pub fn partial(mut b: Vec<u8>) -> (Vec<u8>, Offload) {
    let (l4, at) = (l4_off(&b), csum_at(proto_of(&b)));
    let field = checksum::fold(pseudo(&b));
    put16(&mut b, l4 + at, field);
    let off = Offload {
        csum: Some(PartialCsum {
            start: l4 as u16,
            offset: at as u16,
        }),
        gso: None,
    };
    (b, off)
}

/// [`partial`] plus TCP GSO with `size`-byte segments.
pub fn tcp_super(b: Vec<u8>, size: u16, ecn: bool) -> (Vec<u8>, Offload) {
    let (b, mut off) = partial(b);
    off.gso = Some(Gso {
        kind: GsoKind::Tcp { ecn },
        size,
    });
    (b, off)
}

/// Is the packet's transport checksum right (and its IPv4 header checksum)?
pub fn l4_valid(b: &[u8]) -> bool {
    let l4 = l4_off(b);
    let ip_ok = l4 == 40 || checksum::verify(checksum::sum(&b[..20]));
    ip_ok && checksum::verify(checksum::combine(pseudo(b), checksum::sum(&b[l4..])))
}

/// What the device does with `b` and its offloads: the segments on the wire, checksums done.
pub fn device(b: &[u8], off: Offload) -> Vec<Vec<u8>> {
    let Some(c) = off.csum else {
        return vec![b.to_vec()];
    };
    let l4 = usize::from(c.start);
    let at = l4 + usize::from(c.offset);
    let Some(gso) = off.gso else {
        let mut s = b.to_vec();
        finish(&mut s, l4, at);
        return vec![s];
    };
    assert!(matches!(gso.kind, GsoKind::Tcp { .. }));
    let v6 = b[0] >> 4 == 6;
    let hdr = l4 + usize::from(b[l4 + 12] >> 4) * 4;
    let size = usize::from(gso.size);
    let payload = &b[hdr..];
    let n = payload.len().div_ceil(size).max(1);
    let super_l4_len = (b.len() - l4) as u16;
    let field = be16(b, at);
    let mut out = Vec::new();
    for i in 0..n {
        let piece = &payload[i * size..((i + 1) * size).min(payload.len())];
        let mut s = b[..hdr].to_vec();
        s.extend_from_slice(piece);
        let len = s.len();
        if v6 {
            put16(&mut s, 4, (len - 40) as u16);
        } else {
            put16(&mut s, 2, len as u16);
            let id = be16(&s, 4).wrapping_add(i as u16);
            put16(&mut s, 4, id);
            put16(&mut s, 10, 0);
            let hc = checksum::finish(checksum::sum(&s[..20]));
            put16(&mut s, 10, hc);
        }
        let seq = u32::from_be_bytes(s[l4 + 4..l4 + 8].try_into().unwrap());
        s[l4 + 4..l4 + 8].copy_from_slice(&seq.wrapping_add((i * size) as u32).to_be_bytes());
        if i + 1 != n {
            s[l4 + 13] &= !(FIN | PSH);
        }
        if i != 0 {
            s[l4 + 13] &= !CWR;
        }
        // tcp_gso_segment: th->check + ~(super-packet L4 length) + segment L4 length.
        let adj = u32::from(field) + u32::from(!super_l4_len) + (len - l4) as u32;
        put16(&mut s, at, checksum::fold(adj));
        finish(&mut s, l4, at);
        out.push(s);
    }
    out
}

/// The checksum offload: sum from `start` (the field included), complement, 0 sent as 0xffff.
fn finish(s: &mut [u8], start: usize, at: usize) {
    let v = checksum::finish(checksum::sum(&s[start..]));
    put16(s, at, if v == 0 { 0xffff } else { v });
}

/// IPv4 Identification and header checksum cleared (a super-packet's segments number their
/// IDs from one random value, separately translated packets draw one each).
pub fn without_id(mut b: Vec<u8>) -> Vec<u8> {
    if b[0] >> 4 == 4 {
        b[4..6].copy_from_slice(&[0, 0]);
        b[10..12].copy_from_slice(&[0, 0]);
    }
    b
}

/// A device segment `w`, comparable with `t`, the translation of the same segment alone: IPv4
/// Identification and header checksum cleared, and DF too when `t` is at most 1260 bytes
/// long. RFC 7915 §5.1 clears DF on such a packet alone, but a super-packet's DF is decided
/// on its full-size segments and the kernel copies it into the shorter last one.
pub fn comparable(w: &[u8], t: &[u8]) -> Vec<u8> {
    let mut w = without_id(w.to_vec());
    if w[0] >> 4 == 4 && t.len() <= 1260 {
        w[6] &= !0x40;
    }
    w
}

/// What one `handle` call produced.
#[derive(Debug)]
pub struct Out {
    pub verdict: Verdict,
    pub bytes: Vec<u8>,
    pub off: Offload,
    pub reply: Vec<u8>,
    pub reply_off: Offload,
}

impl Out {
    pub fn of(verdict: Verdict, pkt: &PacketBuf, reply: &PacketBuf) -> Out {
        Out {
            verdict,
            bytes: pkt.bytes().to_vec(),
            off: pkt.offload(),
            reply: reply.bytes().to_vec(),
            reply_off: reply.offload(),
        }
    }

    /// The packets on the wire after the device.
    pub fn wire(&self) -> Vec<Vec<u8>> {
        device(&self.bytes, self.off)
    }
}
