//! Zero-copy packet views for jool-rs.
//!
//! Every view wraps a byte buffer (`T: AsRef<[u8]>`, plus `AsMut<[u8]>` for the setters) and
//! reads or writes header fields in place, so the translator rewrites packets without copying
//! them and without allocating:
//!
//! ```text
//!  bytes ─new_checked─▶ Ipv4Packet ─payload()─▶ TcpPacket | UdpPacket | Icmpv4Packet
//!    │                                                                   │ payload()
//!    │                                            inner Ipv4Packet ◀─new_lax─┘ (truncated
//!    │                                                                  by design: "lax")
//!    └─new_checked─▶ Ipv6Packet ─walk_chain()─▶ Ipv6Chain { l4_proto, l4_offset, frag, .. }
//!                                                 │ bytes[l4_offset..]
//!                                                 ▼
//!                                   TcpPacket | UdpPacket | Icmpv6Packet
//!
//!  checksum::{sum, pseudo_v4, pseudo_v6, combine, finish, update, verify}: full (RFC 1071)
//!  and incremental (RFC 1624) Internet checksums over any of the above.
//! ```
//!
//! `new_checked` validates the buffer once (see each view's documentation for the exact checks
//! and the [`Error`] it returns). Accessors never panic: on a checked view every field lies
//! inside the validated bounds; on an unchecked or lax view a field that lies past the end of
//! the buffer reads as zero and writes to it are ignored, so bad input can never panic the
//! translator. Variable-length areas (`options()`, `payload()`) are clamped to the buffer.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use core::ops::Range;

pub mod checksum;
pub mod icmpv4;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod tcp;
pub mod udp;

pub use icmpv4::Icmpv4Packet;
pub use icmpv6::Icmpv6Packet;
pub use ipv4::Ipv4Packet;
pub use ipv6::{FragmentInfo, Ipv6Chain, Ipv6Packet};
pub use tcp::TcpPacket;
pub use udp::UdpPacket;

/// Why bytes were rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The data ends inside a header (Jool: `JSTAT_SKB_TRUNCATED`).
    Truncated,
    /// The IP version field is wrong (Jool: `JSTAT_HDR4` / `JSTAT_HDR6`).
    BadVersion,
    /// A header length field is invalid: IPv4 IHL < 5, TCP data offset < 5, too many IPv6
    /// extension headers.
    BadHeaderLen,
    /// A total-length field is invalid: IPv4 total length < IHL*4 or past the buffer, IPv6
    /// 40 + payload length past the buffer (or a jumbogram), UDP length < 8 or past the buffer.
    BadTotalLen,
    /// IPv6: two Fragment headers in one packet (Jool: `JSTAT64_2XFRAG`).
    DoubleFragment,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::Truncated => "packet is truncated",
            Error::BadVersion => "wrong IP version",
            Error::BadHeaderLen => "invalid header length",
            Error::BadTotalLen => "invalid total length",
            Error::DoubleFragment => "packet has two IPv6 Fragment headers",
        })
    }
}

impl std::error::Error for Error {}

/// IP protocol numbers / IPv6 next-header values (IANA "Assigned Internet Protocol Numbers").
pub mod proto {
    /// IPv6 Hop-by-Hop Options header (RFC 8200 §4.3).
    pub const HOPOPTS: u8 = 0;
    /// ICMP for IPv4 (RFC 792).
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// IPv6 Routing header (RFC 8200 §4.4).
    pub const ROUTING: u8 = 43;
    /// IPv6 Fragment header (RFC 8200 §4.5).
    pub const FRAGMENT: u8 = 44;
    /// ICMP for IPv6 (RFC 4443).
    pub const ICMPV6: u8 = 58;
    /// IPv6 "No Next Header" (RFC 8200 §4.7).
    pub const NONE: u8 = 59;
    /// IPv6 Destination Options header (RFC 8200 §4.6).
    pub const DSTOPTS: u8 = 60;
}

// Panic-free big-endian field access shared by all views. A field that is not entirely inside
// `data` reads as zero; a write to such a field is dropped.

#[inline]
pub(crate) fn rd8(data: &[u8], at: usize) -> u8 {
    data.get(at).copied().unwrap_or(0)
}

#[inline]
pub(crate) fn rd16(data: &[u8], r: Range<usize>) -> u16 {
    match data.get(r) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

#[inline]
pub(crate) fn rd32(data: &[u8], r: Range<usize>) -> u32 {
    match data.get(r) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}

#[inline]
pub(crate) fn rd128(data: &[u8], r: Range<usize>) -> u128 {
    match data.get(r).and_then(|s| <[u8; 16]>::try_from(s).ok()) {
        Some(a) => u128::from_be_bytes(a),
        None => 0,
    }
}

#[inline]
pub(crate) fn wr8(data: &mut [u8], at: usize, v: u8) {
    if let Some(b) = data.get_mut(at) {
        *b = v;
    }
}

#[inline]
pub(crate) fn wr16(data: &mut [u8], r: Range<usize>, v: u16) {
    if let Some(s) = data.get_mut(r) {
        if s.len() == 2 {
            s.copy_from_slice(&v.to_be_bytes());
        }
    }
}

#[inline]
pub(crate) fn wr32(data: &mut [u8], r: Range<usize>, v: u32) {
    if let Some(s) = data.get_mut(r) {
        if s.len() == 4 {
            s.copy_from_slice(&v.to_be_bytes());
        }
    }
}

#[inline]
pub(crate) fn wr128(data: &mut [u8], r: Range<usize>, v: u128) {
    if let Some(s) = data.get_mut(r) {
        if s.len() == 16 {
            s.copy_from_slice(&v.to_be_bytes());
        }
    }
}

/// `&data[start..end]` clamped to the buffer (empty if `start >= end`); never panics.
#[inline]
pub(crate) fn clamp(data: &[u8], start: usize, end: usize) -> &[u8] {
    let end = end.min(data.len());
    data.get(start.min(end)..end).unwrap_or(&[])
}

/// Mutable version of [`clamp`].
#[inline]
pub(crate) fn clamp_mut(data: &mut [u8], start: usize, end: usize) -> &mut [u8] {
    let end = end.min(data.len());
    let start = start.min(end);
    &mut data[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_helpers_read_zero_and_ignore_writes_past_the_end() {
        let mut buf = [0xab_u8; 3];
        assert_eq!(rd8(&buf, 3), 0);
        assert_eq!(rd16(&buf, 2..4), 0);
        assert_eq!(rd32(&buf, 0..4), 0);
        assert_eq!(rd128(&buf, 0..16), 0);
        wr8(&mut buf, 3, 1);
        wr16(&mut buf, 2..4, 1);
        wr32(&mut buf, 0..4, 1);
        wr128(&mut buf, 0..16, 1);
        assert_eq!(buf, [0xab; 3]);
        assert_eq!(rd16(&buf, 1..3), 0xabab);
        assert_eq!(clamp(&buf, 2, 10), &[0xab]);
        assert_eq!(clamp(&buf, 5, 2), &[] as &[u8]);
        assert_eq!(clamp_mut(&mut buf, 7, 9).len(), 0);
    }

    #[test]
    fn error_displays_a_reason() {
        assert_eq!(
            Error::DoubleFragment.to_string(),
            "packet has two IPv6 Fragment headers"
        );
    }
}
