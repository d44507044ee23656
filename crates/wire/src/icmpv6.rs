//! ICMPv6 message view (RFC 4443, RFC 4884 extensions).

use core::net::Ipv6Addr;

use crate::{checksum, clamp, clamp_mut, proto, rd16, rd32, rd8, wr16, wr32, wr8, Error};

/// Length of the ICMPv6 header (type, code, checksum and the 4-byte message body start).
pub const HEADER_LEN: usize = 8;

/// Destination Unreachable (RFC 4443 §3.1).
pub const DST_UNREACH: u8 = 1;
/// Packet Too Big (RFC 4443 §3.2).
pub const PACKET_TOO_BIG: u8 = 2;
/// Time Exceeded (RFC 4443 §3.3).
pub const TIME_EXCEEDED: u8 = 3;
/// Parameter Problem (RFC 4443 §3.4).
pub const PARAM_PROBLEM: u8 = 4;
/// Echo Request (RFC 4443 §4.1).
pub const ECHO_REQUEST: u8 = 128;
/// Echo Reply (RFC 4443 §4.2).
pub const ECHO_REPLY: u8 = 129;
/// Multicast Listener Query (RFC 2710).
pub const MLD_QUERY: u8 = 130;
/// Multicast Listener Report (RFC 2710).
pub const MLD_REPORT: u8 = 131;
/// Multicast Listener Done (RFC 2710).
pub const MLD_DONE: u8 = 132;
/// Router Solicitation (RFC 4861).
pub const ND_ROUTER_SOLICIT: u8 = 133;
/// Router Advertisement (RFC 4861).
pub const ND_ROUTER_ADVERT: u8 = 134;
/// Neighbor Solicitation (RFC 4861).
pub const ND_NEIGHBOR_SOLICIT: u8 = 135;
/// Neighbor Advertisement (RFC 4861).
pub const ND_NEIGHBOR_ADVERT: u8 = 136;
/// Redirect (RFC 4861).
pub const ND_REDIRECT: u8 = 137;

/// True for ICMPv6 error messages: types 0-127 (RFC 4443 §2.1).
#[inline]
pub fn is_error(msg_type: u8) -> bool {
    msg_type < 128
}

/// Byte offsets of the ICMPv6 header fields.
pub mod field {
    use core::ops::Range;
    /// Type.
    pub const TYPE: Range<usize> = 0..1;
    /// Code.
    pub const CODE: Range<usize> = 1..2;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// Bytes 4..8 (MTU, pointer, echo identifier and sequence, or unused).
    pub const REST: Range<usize> = 4..8;
    /// Echo identifier.
    pub const ECHO_IDENT: Range<usize> = 4..6;
    /// Echo sequence number.
    pub const ECHO_SEQ: Range<usize> = 6..8;
    /// Packet Too Big MTU.
    pub const MTU: Range<usize> = 4..8;
    /// Parameter Problem pointer.
    pub const POINTER: Range<usize> = 4..8;
    /// RFC 4884 length of the original datagram, in 64-bit words.
    pub const EXT_LEN: Range<usize> = 4..5;
}

/// A view of an ICMPv6 message over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Icmpv6Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Icmpv6Packet<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        Icmpv6Packet { buffer }
    }

    /// Wraps `buffer` if it holds at least the 8-byte header ([`Error::Truncated`]).
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Icmpv6Packet { buffer })
    }

    /// Gives the buffer back.
    #[inline]
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole underlying buffer.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Type.
    #[inline]
    pub fn msg_type(&self) -> u8 {
        rd8(self.as_bytes(), field::TYPE.start)
    }

    /// Code.
    #[inline]
    pub fn msg_code(&self) -> u8 {
        rd8(self.as_bytes(), field::CODE.start)
    }

    /// Checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        rd16(self.as_bytes(), field::CHECKSUM)
    }

    /// Bytes 4..8.
    #[inline]
    pub fn rest(&self) -> u32 {
        rd32(self.as_bytes(), field::REST)
    }

    /// Echo identifier (bytes 4..6).
    #[inline]
    pub fn echo_ident(&self) -> u16 {
        rd16(self.as_bytes(), field::ECHO_IDENT)
    }

    /// Echo sequence number (bytes 6..8).
    #[inline]
    pub fn echo_seq(&self) -> u16 {
        rd16(self.as_bytes(), field::ECHO_SEQ)
    }

    /// Packet Too Big MTU (bytes 4..8).
    #[inline]
    pub fn mtu(&self) -> u32 {
        rd32(self.as_bytes(), field::MTU)
    }

    /// Parameter Problem pointer (bytes 4..8).
    #[inline]
    pub fn pointer(&self) -> u32 {
        rd32(self.as_bytes(), field::POINTER)
    }

    /// RFC 4884 length of the original datagram (byte 4), in 64-bit words.
    #[inline]
    pub fn ext_len(&self) -> u8 {
        rd8(self.as_bytes(), field::EXT_LEN.start)
    }

    /// Everything after the 8-byte header.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(self.as_bytes(), HEADER_LEN, usize::MAX)
    }

    /// True if the checksum over the pseudo-header (RFC 4443 §2.3, upper-layer length = buffer
    /// length) and the whole buffer is correct.
    #[inline]
    pub fn verify_checksum(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        let data = self.as_bytes();
        let ph = checksum::pseudo_v6(src, dst, proto::ICMPV6, data.len() as u32);
        checksum::verify(checksum::combine(ph, checksum::sum(data)))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Icmpv6Packet<T> {
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the Type.
    #[inline]
    pub fn set_msg_type(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::TYPE.start, v);
    }

    /// Sets the Code.
    #[inline]
    pub fn set_msg_code(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::CODE.start, v);
    }

    /// Sets the Checksum.
    #[inline]
    pub fn set_checksum(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::CHECKSUM, v);
    }

    /// Sets bytes 4..8.
    #[inline]
    pub fn set_rest(&mut self, v: u32) {
        wr32(self.bytes_mut(), field::REST, v);
    }

    /// Sets the echo identifier.
    #[inline]
    pub fn set_echo_ident(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::ECHO_IDENT, v);
    }

    /// Sets the echo sequence number.
    #[inline]
    pub fn set_echo_seq(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::ECHO_SEQ, v);
    }

    /// Sets the Packet Too Big MTU (bytes 4..8).
    #[inline]
    pub fn set_mtu(&mut self, v: u32) {
        wr32(self.bytes_mut(), field::MTU, v);
    }

    /// Sets the Parameter Problem pointer (bytes 4..8).
    #[inline]
    pub fn set_pointer(&mut self, v: u32) {
        wr32(self.bytes_mut(), field::POINTER, v);
    }

    /// Sets the RFC 4884 length (byte 4), in 64-bit words.
    #[inline]
    pub fn set_ext_len(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::EXT_LEN.start, v);
    }

    /// Computes and stores the checksum over the pseudo-header (upper-layer length = buffer
    /// length) and the whole buffer.
    #[inline]
    pub fn fill_checksum(&mut self, src: Ipv6Addr, dst: Ipv6Addr) {
        self.set_checksum(0);
        let data = self.as_bytes();
        let ph = checksum::pseudo_v6(src, dst, proto::ICMPV6, data.len() as u32);
        let c = checksum::finish(checksum::combine(ph, checksum::sum(data)));
        self.set_checksum(c);
    }

    /// Mutable view of everything after the 8-byte header.
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        clamp_mut(self.bytes_mut(), HEADER_LEN, usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echo Request 2001:db8::1 -> 64:ff9b::198.51.100.2, ident 0x1234, seq 1, payload "abcd";
    /// checksum 0x50cd (python3).
    static ECHO_REQUEST_MSG: [u8; 12] = [
        0x80, 0x00, 0x50, 0xcd, 0x12, 0x34, 0x00, 0x01, b'a', b'b', b'c', b'd',
    ];

    /// Packet Too Big, MTU 1280, quoting the first 4 bytes of an IPv6 header (checksum not
    /// filled: only the fields matter here).
    static PACKET_TOO_BIG_MSG: [u8; 12] = [2, 0, 0, 0, 0, 0, 0x05, 0x00, 0x60, 0, 0, 0];

    fn src() -> Ipv6Addr {
        "2001:db8::1".parse().unwrap()
    }

    fn dst() -> Ipv6Addr {
        "64:ff9b::c633:6402".parse().unwrap()
    }

    #[test]
    fn parses_echo_request() {
        let p = Icmpv6Packet::new_checked(&ECHO_REQUEST_MSG[..]).unwrap();
        assert_eq!(p.msg_type(), ECHO_REQUEST);
        assert_eq!(p.msg_code(), 0);
        assert_eq!(p.checksum(), 0x50cd);
        assert_eq!(p.rest(), 0x1234_0001);
        assert_eq!(p.echo_ident(), 0x1234);
        assert_eq!(p.echo_seq(), 1);
        assert_eq!(p.payload(), b"abcd");
        assert!(p.verify_checksum(src(), dst()));
        assert!(!is_error(p.msg_type()));
        assert_eq!(p.into_inner(), &ECHO_REQUEST_MSG[..]);
    }

    #[test]
    fn detects_checksum_with_wrong_pseudo_header() {
        let p = Icmpv6Packet::new_checked(&ECHO_REQUEST_MSG[..]).unwrap();
        assert!(!p.verify_checksum(src(), "2001:db8::2".parse().unwrap()));
    }

    #[test]
    fn builds_echo_request() {
        let mut buf = [0u8; 12];
        let mut p = Icmpv6Packet::new_unchecked(&mut buf[..]);
        p.set_msg_type(ECHO_REQUEST);
        p.set_msg_code(0);
        p.set_echo_ident(0x1234);
        p.set_echo_seq(1);
        p.payload_mut().copy_from_slice(b"abcd");
        p.fill_checksum(src(), dst());
        assert_eq!(buf, ECHO_REQUEST_MSG);
        let mut p = Icmpv6Packet::new_unchecked(&mut buf[..]);
        p.set_rest(0xdead_beef);
        p.set_checksum(0x50cd);
        assert_eq!(p.as_bytes()[2..8], [0x50, 0xcd, 0xde, 0xad, 0xbe, 0xef]);
    }

    #[test]
    fn parses_packet_too_big() {
        let p = Icmpv6Packet::new_checked(&PACKET_TOO_BIG_MSG[..]).unwrap();
        assert_eq!((p.msg_type(), p.msg_code()), (PACKET_TOO_BIG, 0));
        assert_eq!(p.mtu(), 1280);
        assert_eq!(p.pointer(), 1280);
        assert_eq!(p.ext_len(), 0);
        assert_eq!(p.payload(), &[0x60, 0, 0, 0]);
        assert!(is_error(p.msg_type()));
    }

    #[test]
    fn builds_packet_too_big_and_param_problem() {
        let mut buf = [0u8; 12];
        buf[8] = 0x60;
        let mut p = Icmpv6Packet::new_unchecked(&mut buf[..]);
        p.set_msg_type(PACKET_TOO_BIG);
        p.set_mtu(1280);
        assert_eq!(buf, PACKET_TOO_BIG_MSG);
        let mut p = Icmpv6Packet::new_unchecked(&mut buf[..]);
        p.set_pointer(0x0102_0304);
        assert_eq!(p.as_bytes()[4..8], [1, 2, 3, 4]);
        p.set_ext_len(16);
        assert_eq!((p.ext_len(), p.pointer()), (16, 0x1002_0304));
    }

    #[test]
    fn classifies_error_types() {
        assert!(is_error(DST_UNREACH) && is_error(PARAM_PROBLEM) && is_error(127));
        assert!(!is_error(ECHO_REQUEST) && !is_error(ND_REDIRECT));
    }

    #[test]
    fn rejects_truncated_icmpv6_header() {
        assert_eq!(
            Icmpv6Packet::new_checked(&ECHO_REQUEST_MSG[..7]).unwrap_err(),
            Error::Truncated
        );
        let p = Icmpv6Packet::new_checked(&ECHO_REQUEST_MSG[..8]).unwrap();
        assert_eq!(p.payload(), &[] as &[u8]);
    }
}
