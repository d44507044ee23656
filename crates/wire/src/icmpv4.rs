//! ICMPv4 message view (RFC 792, RFC 4884 extensions).

use crate::{checksum, clamp, clamp_mut, rd16, rd32, rd8, wr16, wr32, wr8, Error};

/// Length of the ICMPv4 header (type, code, checksum and the 4-byte "rest of header").
pub const HEADER_LEN: usize = 8;

/// Echo Reply (RFC 792).
pub const ECHO_REPLY: u8 = 0;
/// Destination Unreachable (RFC 792).
pub const DST_UNREACH: u8 = 3;
/// Source Quench (RFC 792, deprecated by RFC 6633).
pub const SOURCE_QUENCH: u8 = 4;
/// Redirect (RFC 792).
pub const REDIRECT: u8 = 5;
/// Echo Request (RFC 792).
pub const ECHO_REQUEST: u8 = 8;
/// Router Advertisement (RFC 1256).
pub const ROUTER_ADVERT: u8 = 9;
/// Router Solicitation (RFC 1256).
pub const ROUTER_SOLICIT: u8 = 10;
/// Time Exceeded (RFC 792).
pub const TIME_EXCEEDED: u8 = 11;
/// Parameter Problem (RFC 792).
pub const PARAM_PROBLEM: u8 = 12;
/// Timestamp (RFC 792).
pub const TIMESTAMP: u8 = 13;
/// Timestamp Reply (RFC 792).
pub const TIMESTAMP_REPLY: u8 = 14;
/// Information Request (RFC 792).
pub const INFO_REQUEST: u8 = 15;
/// Information Reply (RFC 792).
pub const INFO_REPLY: u8 = 16;
/// Address Mask Request (RFC 950).
pub const ADDR_MASK_REQUEST: u8 = 17;
/// Address Mask Reply (RFC 950).
pub const ADDR_MASK_REPLY: u8 = 18;

/// True for the ICMPv4 error messages (Destination Unreachable, Source Quench, Redirect, Time
/// Exceeded, Parameter Problem), which quote the packet that caused them.
#[inline]
pub fn is_error(msg_type: u8) -> bool {
    matches!(
        msg_type,
        DST_UNREACH | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAM_PROBLEM
    )
}

/// Byte offsets of the ICMPv4 header fields.
pub mod field {
    use core::ops::Range;
    /// Type.
    pub const TYPE: Range<usize> = 0..1;
    /// Code.
    pub const CODE: Range<usize> = 1..2;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// The 4-byte "rest of header".
    pub const REST: Range<usize> = 4..8;
    /// Echo identifier.
    pub const ECHO_IDENT: Range<usize> = 4..6;
    /// Echo sequence number.
    pub const ECHO_SEQ: Range<usize> = 6..8;
    /// Parameter Problem pointer.
    pub const POINTER: Range<usize> = 4..5;
    /// RFC 4884 length of the original datagram, in 32-bit words.
    pub const EXT_LEN: Range<usize> = 5..6;
    /// Next-hop MTU of Fragmentation Needed (RFC 1191).
    pub const MTU: Range<usize> = 6..8;
}

/// A view of an ICMPv4 message over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Icmpv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Icmpv4Packet<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        Icmpv4Packet { buffer }
    }

    /// Wraps `buffer` if it holds at least the 8-byte header ([`Error::Truncated`]).
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        if buffer.as_ref().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        Ok(Icmpv4Packet { buffer })
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

    /// Bytes 4..8 ("rest of header").
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

    /// Next-hop MTU of Fragmentation Needed (bytes 6..8, RFC 1191).
    #[inline]
    pub fn mtu(&self) -> u16 {
        rd16(self.as_bytes(), field::MTU)
    }

    /// Parameter Problem pointer (byte 4).
    #[inline]
    pub fn pointer(&self) -> u8 {
        rd8(self.as_bytes(), field::POINTER.start)
    }

    /// RFC 4884 length of the original datagram (byte 5), in 32-bit words.
    #[inline]
    pub fn ext_len(&self) -> u8 {
        rd8(self.as_bytes(), field::EXT_LEN.start)
    }

    /// Everything after the 8-byte header.
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(self.as_bytes(), HEADER_LEN, usize::MAX)
    }

    /// True if the checksum over the whole buffer is correct (RFC 792: no pseudo-header).
    #[inline]
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(checksum::sum(self.as_bytes()))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Icmpv4Packet<T> {
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

    /// Sets the next-hop MTU (bytes 6..8).
    #[inline]
    pub fn set_mtu(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::MTU, v);
    }

    /// Sets the Parameter Problem pointer (byte 4).
    #[inline]
    pub fn set_pointer(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::POINTER.start, v);
    }

    /// Sets the RFC 4884 length (byte 5), in 32-bit words.
    #[inline]
    pub fn set_ext_len(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::EXT_LEN.start, v);
    }

    /// Computes and stores the checksum over the whole buffer.
    #[inline]
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let c = checksum::finish(checksum::sum(self.as_bytes()));
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

    /// Echo Request, ident 0x1234, seq 1, payload "abcd"; checksum 0x2104 (python3).
    static ECHO_REQUEST_MSG: [u8; 12] = [
        0x08, 0x00, 0x21, 0x04, 0x12, 0x34, 0x00, 0x01, b'a', b'b', b'c', b'd',
    ];

    /// Fragmentation Needed (3/4), RFC 4884 length 0, MTU 1400, quoting 4 bytes (checksum not
    /// filled: only the fields matter here).
    static FRAG_NEEDED: [u8; 12] = [3, 4, 0, 0, 0, 0, 0x05, 0x78, 0x45, 0, 0, 0x1e];

    #[test]
    fn parses_echo_request() {
        let p = Icmpv4Packet::new_checked(&ECHO_REQUEST_MSG[..]).unwrap();
        assert_eq!(p.msg_type(), ECHO_REQUEST);
        assert_eq!(p.msg_code(), 0);
        assert_eq!(p.checksum(), 0x2104);
        assert_eq!(p.rest(), 0x1234_0001);
        assert_eq!(p.echo_ident(), 0x1234);
        assert_eq!(p.echo_seq(), 1);
        assert_eq!(p.payload(), b"abcd");
        assert!(p.verify_checksum());
        assert!(!is_error(p.msg_type()));
        assert_eq!(p.into_inner(), &ECHO_REQUEST_MSG[..]);
    }

    #[test]
    fn builds_echo_request() {
        let mut buf = [0u8; 12];
        let mut p = Icmpv4Packet::new_unchecked(&mut buf[..]);
        p.set_msg_type(ECHO_REQUEST);
        p.set_msg_code(0);
        p.set_echo_ident(0x1234);
        p.set_echo_seq(1);
        p.payload_mut().copy_from_slice(b"abcd");
        p.fill_checksum();
        assert_eq!(buf, ECHO_REQUEST_MSG);
        let mut p = Icmpv4Packet::new_unchecked(&mut buf[..]);
        p.set_rest(0);
        p.set_checksum(0x2104);
        assert_eq!(p.as_bytes()[4..8], [0, 0, 0, 0]);
    }

    #[test]
    fn detects_corrupted_checksum() {
        let mut buf = ECHO_REQUEST_MSG;
        buf[11] = b'e';
        assert!(!Icmpv4Packet::new_checked(&buf[..])
            .unwrap()
            .verify_checksum());
    }

    #[test]
    fn parses_frag_needed() {
        let p = Icmpv4Packet::new_checked(&FRAG_NEEDED[..]).unwrap();
        assert_eq!((p.msg_type(), p.msg_code()), (DST_UNREACH, 4));
        assert_eq!(p.mtu(), 1400);
        assert_eq!(p.ext_len(), 0);
        assert_eq!(p.payload(), &[0x45, 0, 0, 0x1e]);
        assert!(is_error(p.msg_type()));
    }

    #[test]
    fn builds_frag_needed_and_param_problem() {
        let mut buf = [0u8; 12];
        buf[8..].copy_from_slice(&FRAG_NEEDED[8..]);
        let mut p = Icmpv4Packet::new_unchecked(&mut buf[..]);
        p.set_msg_type(3);
        p.set_msg_code(4);
        p.set_mtu(1400);
        assert_eq!(buf, FRAG_NEEDED);
        let mut p = Icmpv4Packet::new_unchecked(&mut buf[..]);
        p.set_pointer(12);
        p.set_ext_len(32);
        assert_eq!((p.pointer(), p.ext_len()), (12, 32));
        assert_eq!(buf[4..6], [12, 32]);
    }

    #[test]
    fn classifies_error_types() {
        let errors: Vec<u8> = (0..=255).filter(|&t| is_error(t)).collect();
        assert_eq!(errors, [3, 4, 5, 11, 12]);
    }

    #[test]
    fn rejects_truncated_icmpv4_header() {
        assert_eq!(
            Icmpv4Packet::new_checked(&ECHO_REQUEST_MSG[..7]).unwrap_err(),
            Error::Truncated
        );
        let p = Icmpv4Packet::new_checked(&ECHO_REQUEST_MSG[..8]).unwrap();
        assert_eq!(p.payload(), &[] as &[u8]);
    }
}
