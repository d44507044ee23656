//! Packet builders for the conformance vectors.
//!
//! Every field is set explicitly by the caller and every checksum is computed here from
//! scratch (RFC 1071, with its own ten-line implementation rather than `jool_wire`'s), so an
//! expected packet never comes from the code under test.
#![allow(dead_code)]

use std::net::{Ipv4Addr, Ipv6Addr};

/// IP protocol numbers used by the vectors.
pub mod proto {
    /// IPv6 Hop-by-Hop Options.
    pub const HOPOPTS: u8 = 0;
    /// ICMPv4.
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// DCCP (a protocol the translator does not know).
    pub const DCCP: u8 = 33;
    /// IPv6 Routing header.
    pub const ROUTING: u8 = 43;
    /// IPv6 Fragment header.
    pub const FRAGMENT: u8 = 44;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;
    /// IPv6 No Next Header.
    pub const NONE: u8 = 59;
    /// IPv6 Destination Options.
    pub const DSTOPTS: u8 = 60;
}

/// TTL / hop limit of the ICMP errors the translator originates (Linux's default, which Jool
/// inherits through `icmp_send()`; spec §7.4).
pub const ORIGINATED_TTL: u8 = 64;
/// TOS of the ICMPv4 errors the translator originates (`IPTOS_PREC_INTERNETCONTROL`, spec §7.4).
pub const ORIGINATED_TOS: u8 = 0xc0;

/// Parses an IPv4 address literal.
pub fn a4(s: &str) -> Ipv4Addr {
    s.parse().expect("IPv4 literal")
}

/// Parses an IPv6 address literal.
pub fn a6(s: &str) -> Ipv6Addr {
    s.parse().expect("IPv6 literal")
}

/// RFC 1071 sum of 16-bit big-endian words (odd byte padded), folded to 16 bits.
pub fn sum16(data: &[u8]) -> u32 {
    let mut s: u64 = 0;
    for pair in data.chunks(2) {
        let hi = u64::from(pair[0]) << 8;
        let lo = pair.get(1).copied().map_or(0, u64::from);
        s += hi | lo;
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u32
}

/// Ones'-complement sum of several partial sums, folded.
fn add(parts: &[u32]) -> u32 {
    let mut s: u64 = parts.iter().map(|&p| u64::from(p)).sum();
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u32
}

/// The checksum field value for data whose (field-zeroed) sum is `s`.
fn finish(s: u32) -> u16 {
    !(s as u16)
}

/// IPv4 pseudo-header sum.
pub fn pseudo4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, len: usize) -> u32 {
    let mut b = Vec::with_capacity(12);
    b.extend_from_slice(&src.octets());
    b.extend_from_slice(&dst.octets());
    b.extend_from_slice(&[0, proto]);
    b.extend_from_slice(&(len as u16).to_be_bytes());
    sum16(&b)
}

/// IPv6 pseudo-header sum.
pub fn pseudo6(src: Ipv6Addr, dst: Ipv6Addr, proto: u8, len: usize) -> u32 {
    let mut b = Vec::with_capacity(40);
    b.extend_from_slice(&src.octets());
    b.extend_from_slice(&dst.octets());
    b.extend_from_slice(&(len as u32).to_be_bytes());
    b.extend_from_slice(&[0, 0, 0, proto]);
    sum16(&b)
}

/// Writes the checksum at `off` of `seg`, covering `seg` plus `pseudo` (0 for ICMPv4).
pub fn fill_csum(seg: &mut [u8], off: usize, pseudo: u32) {
    seg[off] = 0;
    seg[off + 1] = 0;
    let c = finish(add(&[pseudo, sum16(seg)]));
    seg[off..off + 2].copy_from_slice(&c.to_be_bytes());
}

/// Adds `delta` (ones'-complement) to the 16-bit checksum at `off`: a checksum that is wrong by
/// the same amount on input and output is "equivalently wrong" (RFC 1624).
pub fn skew_csum(seg: &mut [u8], off: usize, delta: u16) {
    let c = u16::from_be_bytes([seg[off], seg[off + 1]]);
    let s = add(&[u32::from(c), u32::from(delta)]) as u16;
    seg[off..off + 2].copy_from_slice(&s.to_be_bytes());
}

/// True if the data (checksum field included) plus `pseudo` sums to 0xffff.
pub fn csum_ok(data: &[u8], pseudo: u32) -> bool {
    add(&[pseudo, sum16(data)]) == 0xffff
}

/// Checksum offset of a transport protocol (None: the translator does not touch it).
pub fn csum_offset(proto: u8) -> Option<usize> {
    match proto {
        proto::TCP => Some(16),
        proto::UDP => Some(6),
        proto::ICMP | proto::ICMPV6 => Some(2),
        _ => None,
    }
}

/// Deterministic payload bytes.
pub fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Transport segments (checksum left at zero; see `v4`/`v6` helpers below).

/// A UDP segment with checksum 0.
pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(8 + payload.len());
    b.extend_from_slice(&sport.to_be_bytes());
    b.extend_from_slice(&dport.to_be_bytes());
    b.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(payload);
    b
}

/// A TCP segment (ACK|PSH, no options) with checksum 0.
pub fn tcp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(20 + payload.len());
    b.extend_from_slice(&sport.to_be_bytes());
    b.extend_from_slice(&dport.to_be_bytes());
    b.extend_from_slice(&0x1122_3344u32.to_be_bytes());
    b.extend_from_slice(&0x5566_7788u32.to_be_bytes());
    b.extend_from_slice(&[0x50, 0x18, 0x20, 0x00, 0, 0, 0, 0]);
    b.extend_from_slice(payload);
    b
}

/// An ICMP (v4 or v6) message with checksum 0: type, code, the 4 "rest of header" bytes.
pub fn icmp(ty: u8, code: u8, rest: u32, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![ty, code, 0, 0];
    b.extend_from_slice(&rest.to_be_bytes());
    b.extend_from_slice(payload);
    b
}

/// Computes the checksum of `seg` (protocol `proto`) for an IPv4 header `src → dst`.
pub fn csum4(proto: u8, src: Ipv4Addr, dst: Ipv4Addr, mut seg: Vec<u8>) -> Vec<u8> {
    match proto {
        proto::ICMP => fill_csum(&mut seg, 2, 0),
        p => {
            if let Some(off) = csum_offset(p) {
                let ps = pseudo4(src, dst, p, seg.len());
                fill_csum(&mut seg, off, ps);
            }
        }
    }
    udp_zero_is_ffff(proto, seg)
}

/// RFC 768: a computed UDP checksum of zero is transmitted as all ones.
fn udp_zero_is_ffff(proto: u8, mut seg: Vec<u8>) -> Vec<u8> {
    if proto == proto::UDP && seg.get(6..8) == Some(&[0, 0]) {
        seg[6] = 0xff;
        seg[7] = 0xff;
    }
    seg
}

/// Computes the checksum of `seg` (protocol `proto`) for an IPv6 header `src → dst`.
pub fn csum6(proto: u8, src: Ipv6Addr, dst: Ipv6Addr, mut seg: Vec<u8>) -> Vec<u8> {
    if let Some(off) = csum_offset(proto) {
        let ps = pseudo6(src, dst, proto, seg.len());
        fill_csum(&mut seg, off, ps);
    }
    udp_zero_is_ffff(proto, seg)
}

// ---------------------------------------------------------------------------------------
// IPv4

/// An IPv4 header description. `offset` is in 8-byte units.
#[derive(Clone, Debug)]
pub struct V4 {
    /// Type of Service.
    pub tos: u8,
    /// Identification.
    pub id: u16,
    /// Don't Fragment.
    pub df: bool,
    /// More Fragments.
    pub mf: bool,
    /// Fragment offset (8-byte units).
    pub offset: u16,
    /// Time to Live.
    pub ttl: u8,
    /// Protocol.
    pub proto: u8,
    /// Source.
    pub src: Ipv4Addr,
    /// Destination.
    pub dst: Ipv4Addr,
    /// Options (length a multiple of 4).
    pub options: Vec<u8>,
    /// Total Length override (for the truncated packet inside an ICMP error).
    pub total_len: Option<u16>,
}

impl V4 {
    /// DF set, not a fragment, TTL 64, TOS 0, ID 0x1234.
    pub fn new(proto: u8, src: &str, dst: &str) -> V4 {
        V4 {
            tos: 0,
            id: 0x1234,
            df: true,
            mf: false,
            offset: 0,
            ttl: 64,
            proto,
            src: a4(src),
            dst: a4(dst),
            options: Vec::new(),
            total_len: None,
        }
    }
    /// Sets the TOS.
    pub fn tos(mut self, v: u8) -> V4 {
        self.tos = v;
        self
    }
    /// Sets the identification.
    pub fn id(mut self, v: u16) -> V4 {
        self.id = v;
        self
    }
    /// Sets DF.
    pub fn df(mut self, v: bool) -> V4 {
        self.df = v;
        self
    }
    /// Sets the fragment fields (offset in 8-byte units).
    pub fn frag(mut self, offset: u16, mf: bool) -> V4 {
        self.offset = offset;
        self.mf = mf;
        self
    }
    /// Sets the TTL.
    pub fn ttl(mut self, v: u8) -> V4 {
        self.ttl = v;
        self
    }
    /// Sets the options.
    pub fn options(mut self, v: &[u8]) -> V4 {
        self.options = v.to_vec();
        self
    }
    /// Overrides Total Length.
    pub fn total_len(mut self, v: u16) -> V4 {
        self.total_len = Some(v);
        self
    }

    /// The packet: this header + `payload` (used verbatim), header checksum computed.
    pub fn raw(&self, payload: &[u8]) -> Vec<u8> {
        let ihl = 20 + self.options.len();
        let total = self.total_len.unwrap_or((ihl + payload.len()) as u16);
        let mut b = Vec::with_capacity(ihl + payload.len());
        b.push(0x40 | (ihl / 4) as u8);
        b.push(self.tos);
        b.extend_from_slice(&total.to_be_bytes());
        b.extend_from_slice(&self.id.to_be_bytes());
        let flags = (u16::from(self.df) << 14) | (u16::from(self.mf) << 13) | self.offset;
        b.extend_from_slice(&flags.to_be_bytes());
        b.push(self.ttl);
        b.push(self.proto);
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&self.src.octets());
        b.extend_from_slice(&self.dst.octets());
        b.extend_from_slice(&self.options);
        let c = finish(sum16(&b));
        b[10..12].copy_from_slice(&c.to_be_bytes());
        b.extend_from_slice(payload);
        b
    }

    /// The packet with `seg`'s transport checksum computed for this header's addresses.
    pub fn with(&self, seg: Vec<u8>) -> Vec<u8> {
        self.raw(&csum4(self.proto, self.src, self.dst, seg))
    }
}

// ---------------------------------------------------------------------------------------
// IPv6

/// An IPv6 header description.
#[derive(Clone, Debug)]
pub struct V6 {
    /// Traffic Class.
    pub tc: u8,
    /// Flow Label (20 bits).
    pub flow: u32,
    /// Hop Limit.
    pub hop: u8,
    /// Next Header of the transport segment (after `ext`).
    pub proto: u8,
    /// Source.
    pub src: Ipv6Addr,
    /// Destination.
    pub dst: Ipv6Addr,
    /// Extension headers, encoded, placed between the header and the segment; `ext_first`
    /// is the Next Header value of the fixed header when `ext` is not empty.
    pub ext: Vec<u8>,
    /// Next Header of the fixed header when `ext` is present.
    pub ext_first: u8,
    /// Payload Length override (for the truncated packet inside an ICMP error).
    pub payload_len: Option<u16>,
}

impl V6 {
    /// TC 0, flow 0, hop limit 64, no extension headers.
    pub fn new(proto: u8, src: &str, dst: &str) -> V6 {
        V6 {
            tc: 0,
            flow: 0,
            hop: 64,
            proto,
            src: a6(src),
            dst: a6(dst),
            ext: Vec::new(),
            ext_first: proto,
            payload_len: None,
        }
    }
    /// Sets the traffic class.
    pub fn tc(mut self, v: u8) -> V6 {
        self.tc = v;
        self
    }
    /// Sets the flow label.
    pub fn flow(mut self, v: u32) -> V6 {
        self.flow = v;
        self
    }
    /// Sets the hop limit.
    pub fn hop(mut self, v: u8) -> V6 {
        self.hop = v;
        self
    }
    /// Puts encoded extension headers (first one of type `first`) before the segment.
    pub fn ext(mut self, first: u8, ext: Vec<u8>) -> V6 {
        self.ext_first = first;
        self.ext = ext;
        self
    }
    /// Overrides Payload Length.
    pub fn payload_len(mut self, v: u16) -> V6 {
        self.payload_len = Some(v);
        self
    }

    /// The packet: header + extension headers + `seg` verbatim.
    pub fn raw(&self, seg: &[u8]) -> Vec<u8> {
        let plen = self
            .payload_len
            .unwrap_or((self.ext.len() + seg.len()) as u16);
        let first = if self.ext.is_empty() {
            self.proto
        } else {
            self.ext_first
        };
        let vtf = (6u32 << 28) | (u32::from(self.tc) << 20) | (self.flow & 0xf_ffff);
        let mut b = Vec::with_capacity(40 + self.ext.len() + seg.len());
        b.extend_from_slice(&vtf.to_be_bytes());
        b.extend_from_slice(&plen.to_be_bytes());
        b.push(first);
        b.push(self.hop);
        b.extend_from_slice(&self.src.octets());
        b.extend_from_slice(&self.dst.octets());
        b.extend_from_slice(&self.ext);
        b.extend_from_slice(seg);
        b
    }

    /// The packet with `seg`'s transport checksum computed for this header's addresses.
    pub fn with(&self, seg: Vec<u8>) -> Vec<u8> {
        self.raw(&csum6(self.proto, self.src, self.dst, seg))
    }
}

/// An 8-byte Hop-by-Hop or Destination Options header (one PadN option).
pub fn opts_hdr(next: u8) -> Vec<u8> {
    vec![next, 0, 1, 4, 0, 0, 0, 0]
}

/// A 24-byte Routing header (type 0, one address) with `segments_left`.
pub fn routing_hdr(next: u8, segments_left: u8) -> Vec<u8> {
    let mut b = vec![next, 2, 0, segments_left, 0, 0, 0, 0];
    b.extend_from_slice(&a6("2001:db8:ffff::1").octets());
    b
}

/// An 8-byte Fragment header (`offset` in 8-byte units).
pub fn frag_hdr(next: u8, offset: u16, more: bool, id: u32) -> Vec<u8> {
    let mut b = vec![next, 0];
    b.extend_from_slice(&((offset << 3) | u16::from(more)).to_be_bytes());
    b.extend_from_slice(&id.to_be_bytes());
    b
}

/// Pads `v` with zeroes to `len` bytes.
pub fn pad(mut v: Vec<u8>, len: usize) -> Vec<u8> {
    if v.len() < len {
        v.resize(len, 0);
    }
    v
}

/// An RFC 4884 extension structure (version 2) with one object, checksum computed.
pub fn icmp_extension(object_payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0x20, 0, 0, 0];
    let olen = (4 + object_payload.len()) as u16;
    b.extend_from_slice(&olen.to_be_bytes());
    b.extend_from_slice(&[1, 1]); // class-num 1 (MPLS stack), c-type 1
    b.extend_from_slice(object_payload);
    fill_csum(&mut b, 2, 0);
    b
}

/// True if `b` starts with a valid IPv4 header checksum.
pub fn ipv4_header_ok(b: &[u8]) -> bool {
    let ihl = usize::from(b.first().map_or(0, |v| v & 0xf)) * 4;
    ihl >= 20 && b.len() >= ihl && csum_ok(&b[..ihl], 0)
}

/// Compares `got` with `want`, skipping `ignore`, then checks the integrity of what was
/// skipped: an ignored IPv4 header checksum (offset 10) must still verify, and so must an
/// ignored ICMPv4 checksum (22) and an ignored inner IPv4 header checksum (38).
pub fn compare(what: &str, got: &[u8], want: &[u8], ignore: &[usize]) -> Result<(), String> {
    let mut diffs = Vec::new();
    for i in 0..got.len().max(want.len()) {
        if ignore.contains(&i) {
            continue;
        }
        let (g, w) = (got.get(i), want.get(i));
        if g != w {
            diffs.push(format!(
                "@{i}: got {} want {}",
                g.map_or("--".into(), |b| format!("{b:02x}")),
                w.map_or("--".into(), |b| format!("{b:02x}"))
            ));
        }
    }
    if !diffs.is_empty() || got.len() != want.len() {
        let shown: Vec<&String> = diffs.iter().take(12).collect();
        return Err(format!(
            "{what}: {} bytes (want {}), {} differing bytes: {:?}\n  got:  {}\n  want: {}",
            got.len(),
            want.len(),
            diffs.len(),
            shown,
            hex(got),
            hex(want)
        ));
    }
    if got.first().is_some_and(|b| b >> 4 == 4) {
        if ignore.contains(&10) && !ipv4_header_ok(got) {
            return Err(format!("{what}: bad IPv4 header checksum: {}", hex(got)));
        }
        let ihl = usize::from(got[0] & 0xf) * 4;
        if ignore.contains(&22) && !csum_ok(&got[ihl.min(got.len())..], 0) {
            return Err(format!("{what}: bad ICMPv4 checksum: {}", hex(got)));
        }
        if ignore.contains(&38) && !ipv4_header_ok(got.get(28..).unwrap_or(&[])) {
            return Err(format!(
                "{what}: bad inner IPv4 header checksum: {}",
                hex(got)
            ));
        }
    }
    Ok(())
}

/// Hex dump (first 96 bytes).
pub fn hex(b: &[u8]) -> String {
    let mut s: String = b.iter().take(96).map(|x| format!("{x:02x}")).collect();
    if b.len() > 96 {
        s.push_str("...");
    }
    s
}
