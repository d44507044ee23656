//! UDP header view (RFC 768).

use core::net::{Ipv4Addr, Ipv6Addr};

use crate::{checksum, clamp, clamp_mut, proto, rd16, wr16, Error};

/// Length of the UDP header.
pub const HEADER_LEN: usize = 8;

/// Byte offsets of the UDP header fields (RFC 768).
pub mod field {
    use core::ops::Range;
    /// Source Port.
    pub const SRC_PORT: Range<usize> = 0..2;
    /// Destination Port.
    pub const DST_PORT: Range<usize> = 2..4;
    /// Length (header + data).
    pub const LENGTH: Range<usize> = 4..6;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 6..8;
}

/// A view of a UDP datagram over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> UdpPacket<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        UdpPacket { buffer }
    }

    /// Wraps and validates `buffer`: at least 8 bytes ([`Error::Truncated`]), 8 <= Length
    /// <= buffer length ([`Error::BadTotalLen`]).
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let p = Self::new_lax(buffer)?;
        if usize::from(p.len()) > p.as_bytes().len() {
            return Err(Error::BadTotalLen);
        }
        Ok(p)
    }

    /// Like [`new_checked`](Self::new_checked) but the Length field may exceed the buffer:
    /// for the datagram quoted inside an ICMP error, which is truncated by design.
    #[inline]
    pub fn new_lax(buffer: T) -> Result<Self, Error> {
        let p = UdpPacket { buffer };
        if p.as_bytes().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        if usize::from(p.len()) < HEADER_LEN {
            return Err(Error::BadTotalLen);
        }
        Ok(p)
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

    /// Source Port.
    #[inline]
    pub fn src_port(&self) -> u16 {
        rd16(self.as_bytes(), field::SRC_PORT)
    }

    /// Destination Port.
    #[inline]
    pub fn dst_port(&self) -> u16 {
        rd16(self.as_bytes(), field::DST_PORT)
    }

    /// Length field (header + data).
    #[inline]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u16 {
        rd16(self.as_bytes(), field::LENGTH)
    }

    /// Checksum (0 = none, IPv4 only).
    #[inline]
    pub fn checksum(&self) -> u16 {
        rd16(self.as_bytes(), field::CHECKSUM)
    }

    /// Data: 8 .. min(Length, buffer length).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(self.as_bytes(), HEADER_LEN, usize::from(self.len()))
    }

    /// The datagram as the Length field delimits it (clamped to the buffer).
    #[inline]
    fn datagram(&self) -> &[u8] {
        clamp(self.as_bytes(), 0, usize::from(self.len()))
    }

    /// True if the checksum over the IPv4 pseudo-header and the datagram (Length bytes) is
    /// correct. A zero checksum ("none", RFC 768) does not verify.
    #[inline]
    pub fn verify_checksum_v4(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        let d = self.datagram();
        let ph = checksum::pseudo_v4(src, dst, proto::UDP, d.len() as u32);
        self.checksum() != 0 && checksum::verify(checksum::combine(ph, checksum::sum(d)))
    }

    /// True if the checksum over the IPv6 pseudo-header and the datagram (Length bytes) is
    /// correct. A zero checksum does not verify (RFC 8200 §8.1).
    #[inline]
    pub fn verify_checksum_v6(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        let d = self.datagram();
        let ph = checksum::pseudo_v6(src, dst, proto::UDP, d.len() as u32);
        self.checksum() != 0 && checksum::verify(checksum::combine(ph, checksum::sum(d)))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> UdpPacket<T> {
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the Source Port.
    #[inline]
    pub fn set_src_port(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::SRC_PORT, v);
    }

    /// Sets the Destination Port.
    #[inline]
    pub fn set_dst_port(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::DST_PORT, v);
    }

    /// Sets the Length field.
    #[inline]
    pub fn set_len(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::LENGTH, v);
    }

    /// Sets the Checksum.
    #[inline]
    pub fn set_checksum(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::CHECKSUM, v);
    }

    /// Stores `c`, or 0xffff if `c` is 0: a computed zero is sent as all ones (RFC 768).
    #[inline]
    fn store_computed(&mut self, c: u16) {
        self.set_checksum(if c == 0 { 0xffff } else { c });
    }

    /// Computes and stores the checksum over the IPv4 pseudo-header and the datagram.
    #[inline]
    pub fn fill_checksum_v4(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let d = self.datagram();
        let ph = checksum::pseudo_v4(src, dst, proto::UDP, d.len() as u32);
        let c = checksum::finish(checksum::combine(ph, checksum::sum(d)));
        self.store_computed(c);
    }

    /// Computes and stores the checksum over the IPv6 pseudo-header and the datagram.
    #[inline]
    pub fn fill_checksum_v6(&mut self, src: Ipv6Addr, dst: Ipv6Addr) {
        self.set_checksum(0);
        let d = self.datagram();
        let ph = checksum::pseudo_v6(src, dst, proto::UDP, d.len() as u32);
        let c = checksum::finish(checksum::combine(ph, checksum::sum(d)));
        self.store_computed(c);
    }

    /// Mutable data: 8 .. min(Length, buffer length).
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.len());
        clamp_mut(self.bytes_mut(), HEADER_LEN, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 54321 -> 53, "hi". Checksum 0xd6d2 over 192.0.2.1 -> 198.51.100.2 and 0x6b1a over
    /// 2001:db8::1 -> 64:ff9b::198.51.100.2 (python3).
    static DATAGRAM_V4: [u8; 10] = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x0a, 0xd6, 0xd2, b'h', b'i'];
    static DATAGRAM_V6: [u8; 10] = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x0a, 0x6b, 0x1a, b'h', b'i'];

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    fn src6() -> Ipv6Addr {
        "2001:db8::1".parse().unwrap()
    }

    fn dst6() -> Ipv6Addr {
        "64:ff9b::c633:6402".parse().unwrap()
    }

    #[test]
    fn parses_datagram() {
        let p = UdpPacket::new_checked(&DATAGRAM_V4[..]).unwrap();
        assert_eq!(p.src_port(), 54321);
        assert_eq!(p.dst_port(), 53);
        assert_eq!(p.len(), 10);
        assert_eq!(p.checksum(), 0xd6d2);
        assert_eq!(p.payload(), b"hi");
        assert!(p.verify_checksum_v4(SRC, DST));
        assert!(!p.verify_checksum_v4(DST, Ipv4Addr::new(192, 0, 2, 2)));
        let p6 = UdpPacket::new_checked(&DATAGRAM_V6[..]).unwrap();
        assert!(p6.verify_checksum_v6(src6(), dst6()));
        assert_eq!(p.into_inner(), &DATAGRAM_V4[..]);
    }

    #[test]
    fn builds_datagram() {
        let mut buf = [0u8; 10];
        let mut p = UdpPacket::new_unchecked(&mut buf[..]);
        p.set_src_port(54321);
        p.set_dst_port(53);
        p.set_len(10);
        p.payload_mut().copy_from_slice(b"hi");
        p.fill_checksum_v4(SRC, DST);
        assert_eq!(buf, DATAGRAM_V4);
        let mut p = UdpPacket::new_unchecked(&mut buf[..]);
        p.fill_checksum_v6(src6(), dst6());
        assert_eq!(buf, DATAGRAM_V6);
        let mut p = UdpPacket::new_unchecked(&mut buf[..]);
        p.set_checksum(0xd6d2);
        assert_eq!(buf, DATAGRAM_V4);
    }

    #[test]
    fn zero_checksum_does_not_verify() {
        let mut buf = DATAGRAM_V4;
        buf[6..8].fill(0);
        assert!(!UdpPacket::new_checked(&buf[..])
            .unwrap()
            .verify_checksum_v4(SRC, DST));
    }

    #[test]
    fn computed_zero_checksum_is_sent_as_all_ones() {
        // Payload 0x3f3c = "hi" (0x6869) + 0xd6d2 in ones' complement: the checksum computes
        // to 0 (python3), which RFC 768 transmits as 0xffff.
        let mut buf = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x0a, 0, 0, 0x3f, 0x3c];
        let mut p = UdpPacket::new_unchecked(&mut buf[..]);
        p.fill_checksum_v4(SRC, DST);
        assert_eq!(p.checksum(), 0xffff);
        assert!(p.verify_checksum_v4(SRC, DST));
    }

    #[test]
    fn payload_stops_at_length_field() {
        let mut buf = [0u8; 14];
        buf[..10].copy_from_slice(&DATAGRAM_V4);
        let p = UdpPacket::new_checked(&buf[..]).unwrap();
        assert_eq!(p.payload(), b"hi");
        assert!(p.verify_checksum_v4(SRC, DST));
    }

    #[test]
    fn rejects_truncated_udp_header() {
        assert_eq!(
            UdpPacket::new_checked(&DATAGRAM_V4[..7]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            UdpPacket::new_lax(&DATAGRAM_V4[..7]).unwrap_err(),
            Error::Truncated
        );
    }

    #[test]
    fn rejects_length_below_8() {
        let mut buf = DATAGRAM_V4;
        buf[5] = 7;
        assert_eq!(
            UdpPacket::new_checked(&buf[..]).unwrap_err(),
            Error::BadTotalLen
        );
        assert_eq!(
            UdpPacket::new_lax(&buf[..]).unwrap_err(),
            Error::BadTotalLen
        );
    }

    #[test]
    fn rejects_length_past_the_buffer() {
        assert_eq!(
            UdpPacket::new_checked(&DATAGRAM_V4[..9]).unwrap_err(),
            Error::BadTotalLen
        );
    }

    #[test]
    fn lax_view_accepts_truncated_data() {
        let p = UdpPacket::new_lax(&DATAGRAM_V4[..9]).unwrap();
        assert_eq!(p.len(), 10);
        assert_eq!(p.payload(), b"h");
    }
}
