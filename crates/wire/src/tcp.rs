//! TCP header view (RFC 9293 §3.1).

use core::net::{Ipv4Addr, Ipv6Addr};

use crate::{checksum, clamp, clamp_mut, proto, rd16, rd32, rd8, wr16, wr32, wr8, Error};

/// Length of a TCP header without options.
pub const HEADER_LEN: usize = 20;
/// Bytes a lax view needs: ports and sequence number (what an ICMP error must quote, RFC 792).
pub const LAX_LEN: usize = 8;

/// FIN flag.
pub const FLAG_FIN: u8 = 0x01;
/// SYN flag.
pub const FLAG_SYN: u8 = 0x02;
/// RST flag.
pub const FLAG_RST: u8 = 0x04;
/// PSH flag.
pub const FLAG_PSH: u8 = 0x08;
/// ACK flag.
pub const FLAG_ACK: u8 = 0x10;
/// URG flag.
pub const FLAG_URG: u8 = 0x20;

/// Byte offsets of the TCP header fields (RFC 9293 §3.1).
pub mod field {
    use core::ops::Range;
    /// Source Port.
    pub const SRC_PORT: Range<usize> = 0..2;
    /// Destination Port.
    pub const DST_PORT: Range<usize> = 2..4;
    /// Sequence Number.
    pub const SEQ_NUM: Range<usize> = 4..8;
    /// Acknowledgment Number.
    pub const ACK_NUM: Range<usize> = 8..12;
    /// Data Offset (high nibble, 32-bit words) and reserved bits.
    pub const DATA_OFF: Range<usize> = 12..13;
    /// Control bits (CWR ECE URG ACK PSH RST SYN FIN).
    pub const FLAGS: Range<usize> = 13..14;
    /// Window.
    pub const WINDOW: Range<usize> = 14..16;
    /// Checksum.
    pub const CHECKSUM: Range<usize> = 16..18;
    /// Urgent Pointer.
    pub const URGENT: Range<usize> = 18..20;
}

/// A view of a TCP segment over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpPacket<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> TcpPacket<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        TcpPacket { buffer }
    }

    /// Wraps and validates `buffer`: at least 20 bytes ([`Error::Truncated`]), a data offset
    /// of at least 5 ([`Error::BadHeaderLen`]), the header (options included) within the
    /// buffer ([`Error::Truncated`]).
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let p = TcpPacket { buffer };
        if p.as_bytes().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        let hl = p.header_len();
        if hl < HEADER_LEN {
            return Err(Error::BadHeaderLen);
        }
        if hl > p.as_bytes().len() {
            return Err(Error::Truncated);
        }
        Ok(p)
    }

    /// For the segment quoted inside an ICMP error: only the first 8 bytes (ports and sequence
    /// number) are required ([`Error::Truncated`]). Other fields past the end read as zero.
    #[inline]
    pub fn new_lax(buffer: T) -> Result<Self, Error> {
        if buffer.as_ref().len() < LAX_LEN {
            return Err(Error::Truncated);
        }
        Ok(TcpPacket { buffer })
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

    /// True if the whole fixed header (20 bytes) is in the buffer.
    #[inline]
    pub fn has_full_header(&self) -> bool {
        self.as_bytes().len() >= HEADER_LEN
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

    /// Sequence Number.
    #[inline]
    pub fn seq_number(&self) -> u32 {
        rd32(self.as_bytes(), field::SEQ_NUM)
    }

    /// Acknowledgment Number.
    #[inline]
    pub fn ack_number(&self) -> u32 {
        rd32(self.as_bytes(), field::ACK_NUM)
    }

    /// Header length in bytes (data offset * 4).
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(rd8(self.as_bytes(), field::DATA_OFF.start) >> 4) * 4
    }

    /// The control-bits byte (byte 13).
    #[inline]
    pub fn flags(&self) -> u8 {
        rd8(self.as_bytes(), field::FLAGS.start)
    }

    /// SYN flag.
    #[inline]
    pub fn syn(&self) -> bool {
        self.flags() & FLAG_SYN != 0
    }

    /// ACK flag.
    #[inline]
    pub fn ack(&self) -> bool {
        self.flags() & FLAG_ACK != 0
    }

    /// FIN flag.
    #[inline]
    pub fn fin(&self) -> bool {
        self.flags() & FLAG_FIN != 0
    }

    /// RST flag.
    #[inline]
    pub fn rst(&self) -> bool {
        self.flags() & FLAG_RST != 0
    }

    /// Window.
    #[inline]
    pub fn window(&self) -> u16 {
        rd16(self.as_bytes(), field::WINDOW)
    }

    /// Checksum.
    #[inline]
    pub fn checksum(&self) -> u16 {
        rd16(self.as_bytes(), field::CHECKSUM)
    }

    /// Urgent Pointer.
    #[inline]
    pub fn urgent_ptr(&self) -> u16 {
        rd16(self.as_bytes(), field::URGENT)
    }

    /// Options: bytes 20..header_len() (clamped to the buffer).
    #[inline]
    pub fn options(&self) -> &[u8] {
        clamp(self.as_bytes(), HEADER_LEN, self.header_len())
    }

    /// Data after the header (clamped to the buffer).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(self.as_bytes(), self.header_len(), usize::MAX)
    }

    /// True if the checksum over the IPv4 pseudo-header and the whole buffer is correct.
    #[inline]
    pub fn verify_checksum_v4(&self, src: Ipv4Addr, dst: Ipv4Addr) -> bool {
        let d = self.as_bytes();
        let ph = checksum::pseudo_v4(src, dst, proto::TCP, d.len() as u32);
        checksum::verify(checksum::combine(ph, checksum::sum(d)))
    }

    /// True if the checksum over the IPv6 pseudo-header and the whole buffer is correct.
    #[inline]
    pub fn verify_checksum_v6(&self, src: Ipv6Addr, dst: Ipv6Addr) -> bool {
        let d = self.as_bytes();
        let ph = checksum::pseudo_v6(src, dst, proto::TCP, d.len() as u32);
        checksum::verify(checksum::combine(ph, checksum::sum(d)))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> TcpPacket<T> {
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

    /// Sets the Sequence Number.
    #[inline]
    pub fn set_seq_number(&mut self, v: u32) {
        wr32(self.bytes_mut(), field::SEQ_NUM, v);
    }

    /// Sets the Acknowledgment Number.
    #[inline]
    pub fn set_ack_number(&mut self, v: u32) {
        wr32(self.bytes_mut(), field::ACK_NUM, v);
    }

    /// Sets the header length in bytes (stored as data offset = bytes / 4), keeping the low
    /// nibble of byte 12.
    #[inline]
    pub fn set_header_len(&mut self, bytes: usize) {
        let words = (bytes / 4).min(15) as u8;
        let low = rd8(self.as_bytes(), field::DATA_OFF.start) & 0x0f;
        wr8(self.bytes_mut(), field::DATA_OFF.start, words << 4 | low);
    }

    /// Sets the control-bits byte.
    #[inline]
    pub fn set_flags(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::FLAGS.start, v);
    }

    /// Sets the Window.
    #[inline]
    pub fn set_window(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::WINDOW, v);
    }

    /// Sets the Checksum.
    #[inline]
    pub fn set_checksum(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::CHECKSUM, v);
    }

    /// Sets the Urgent Pointer.
    #[inline]
    pub fn set_urgent_ptr(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::URGENT, v);
    }

    /// Computes and stores the checksum over the IPv4 pseudo-header and the whole buffer.
    #[inline]
    pub fn fill_checksum_v4(&mut self, src: Ipv4Addr, dst: Ipv4Addr) {
        self.set_checksum(0);
        let d = self.as_bytes();
        let ph = checksum::pseudo_v4(src, dst, proto::TCP, d.len() as u32);
        let c = checksum::finish(checksum::combine(ph, checksum::sum(d)));
        self.set_checksum(c);
    }

    /// Computes and stores the checksum over the IPv6 pseudo-header and the whole buffer.
    #[inline]
    pub fn fill_checksum_v6(&mut self, src: Ipv6Addr, dst: Ipv6Addr) {
        self.set_checksum(0);
        let d = self.as_bytes();
        let ph = checksum::pseudo_v6(src, dst, proto::TCP, d.len() as u32);
        let c = checksum::finish(checksum::combine(ph, checksum::sum(d)));
        self.set_checksum(c);
    }

    /// Mutable data after the header.
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let hl = self.header_len();
        clamp_mut(self.bytes_mut(), hl, usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SYN 192.0.2.1:49153 -> 198.51.100.2:80, seq 100, window 65535, MSS 1460 option;
    /// checksum 0xeb39 (python3).
    static SYN: [u8; 24] = [
        0xc0, 0x01, 0x00, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xff,
        0xff, 0xeb, 0x39, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
    ];

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    #[test]
    fn parses_syn() {
        let p = TcpPacket::new_checked(&SYN[..]).unwrap();
        assert_eq!(p.src_port(), 49153);
        assert_eq!(p.dst_port(), 80);
        assert_eq!(p.seq_number(), 100);
        assert_eq!(p.ack_number(), 0);
        assert_eq!(p.header_len(), 24);
        assert_eq!(p.flags(), FLAG_SYN);
        assert!(p.syn() && !p.ack() && !p.fin() && !p.rst());
        assert_eq!(p.window(), 65535);
        assert_eq!(p.checksum(), 0xeb39);
        assert_eq!(p.urgent_ptr(), 0);
        assert_eq!(p.options(), &[2, 4, 5, 0xb4]);
        assert_eq!(p.payload(), &[] as &[u8]);
        assert!(p.has_full_header());
        assert!(p.verify_checksum_v4(SRC, DST));
        assert!(!p.verify_checksum_v4(SRC, Ipv4Addr::new(198, 51, 100, 3)));
        assert_eq!(p.into_inner(), &SYN[..]);
    }

    #[test]
    fn builds_syn() {
        let mut buf = [0u8; 24];
        buf[20..].copy_from_slice(&[2, 4, 5, 0xb4]);
        let mut p = TcpPacket::new_unchecked(&mut buf[..]);
        p.set_src_port(49153);
        p.set_dst_port(80);
        p.set_seq_number(100);
        p.set_ack_number(0);
        p.set_header_len(24);
        p.set_flags(FLAG_SYN);
        p.set_window(65535);
        p.set_urgent_ptr(0);
        p.fill_checksum_v4(SRC, DST);
        assert_eq!(buf, SYN);
    }

    #[test]
    fn checksums_over_ipv6_pseudo_header() {
        let (s6, d6): (Ipv6Addr, Ipv6Addr) = (
            "2001:db8::1".parse().unwrap(),
            "64:ff9b::c633:6402".parse().unwrap(),
        );
        let mut buf = SYN;
        let mut p = TcpPacket::new_unchecked(&mut buf[..]);
        p.fill_checksum_v6(s6, d6);
        assert!(p.verify_checksum_v6(s6, d6));
        assert!(!p.verify_checksum_v4(SRC, DST));
        // Same checksum as incrementally replacing the IPv4 pseudo-header by the IPv6 one.
        let old = checksum::pseudo_v4(SRC, DST, 6, 24);
        let new = checksum::pseudo_v6(s6, d6, 6, 24);
        assert_eq!(p.checksum(), checksum::update(0xeb39, old, new));
    }

    #[test]
    fn set_header_len_keeps_reserved_nibble() {
        let mut buf = SYN;
        buf[12] = 0x61;
        let mut p = TcpPacket::new_unchecked(&mut buf[..]);
        p.set_header_len(32);
        assert_eq!(p.as_bytes()[12], 0x81);
        assert_eq!(p.options().len(), 4); // clamped to the 24-byte buffer
        assert_eq!(p.payload_mut().len(), 0);
    }

    #[test]
    fn rejects_truncated_tcp_header() {
        assert_eq!(
            TcpPacket::new_checked(&SYN[..19]).unwrap_err(),
            Error::Truncated
        );
    }

    #[test]
    fn rejects_data_offset_below_5() {
        let mut buf = SYN;
        buf[12] = 0x40;
        assert_eq!(
            TcpPacket::new_checked(&buf[..]).unwrap_err(),
            Error::BadHeaderLen
        );
    }

    #[test]
    fn rejects_options_past_the_buffer() {
        assert_eq!(
            TcpPacket::new_checked(&SYN[..23]).unwrap_err(),
            Error::Truncated
        );
        let mut buf = SYN;
        buf[12] = 0xf0;
        assert_eq!(
            TcpPacket::new_checked(&buf[..]).unwrap_err(),
            Error::Truncated
        );
    }

    #[test]
    fn lax_view_accepts_eight_bytes() {
        let p = TcpPacket::new_lax(&SYN[..8]).unwrap();
        assert_eq!(
            (p.src_port(), p.dst_port(), p.seq_number()),
            (49153, 80, 100)
        );
        assert!(!p.has_full_header());
        assert_eq!((p.checksum(), p.header_len(), p.window()), (0, 0, 0));
        assert_eq!(p.options(), &[] as &[u8]);
        assert_eq!(TcpPacket::new_lax(&SYN[..7]).unwrap_err(), Error::Truncated);
    }

    #[test]
    fn lax_view_ignores_writes_past_the_end() {
        let mut buf = [0u8; 10];
        buf.copy_from_slice(&SYN[..10]);
        let mut p = TcpPacket::new_lax(&mut buf[..]).unwrap();
        p.set_checksum(0x1234);
        p.set_ack_number(7);
        p.set_src_port(1);
        assert_eq!(buf[..2], [0, 1]);
        assert_eq!(buf[2..], SYN[2..10]);
    }
}
