//! IPv4 header view (RFC 791).

use core::net::Ipv4Addr;

mod options;
pub use options::{unexpired_source_route, OPT_EOL, OPT_LSRR, OPT_NOP, OPT_SSRR};

use crate::{checksum, clamp, clamp_mut, rd16, rd32, rd8, wr16, wr32, wr8, Error};

/// Length of an IPv4 header without options.
pub const HEADER_LEN: usize = 20;

/// Byte offsets of the IPv4 header fields (RFC 791 §3.1).
pub mod field {
    use core::ops::Range;
    /// Version (high nibble) and IHL (low nibble, 32-bit words).
    pub const VER_IHL: Range<usize> = 0..1;
    /// Type of Service: DSCP and ECN.
    pub const DSCP_ECN: Range<usize> = 1..2;
    /// Total Length.
    pub const LENGTH: Range<usize> = 2..4;
    /// Identification.
    pub const IDENT: Range<usize> = 4..6;
    /// Flags (reserved, DF, MF) and Fragment Offset.
    pub const FLG_OFF: Range<usize> = 6..8;
    /// Time to Live.
    pub const TTL: Range<usize> = 8..9;
    /// Protocol.
    pub const PROTOCOL: Range<usize> = 9..10;
    /// Header Checksum.
    pub const CHECKSUM: Range<usize> = 10..12;
    /// Source Address.
    pub const SRC_ADDR: Range<usize> = 12..16;
    /// Destination Address.
    pub const DST_ADDR: Range<usize> = 16..20;
}

const DF: u16 = 0x4000;
const MF: u16 = 0x2000;
const OFFSET_MASK: u16 = 0x1fff;

/// A view of an IPv4 packet (header, options and payload) over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        Ipv4Packet { buffer }
    }

    /// Wraps and validates `buffer`: at least 20 bytes ([`Error::Truncated`]), version 4
    /// ([`Error::BadVersion`]), IHL >= 5 ([`Error::BadHeaderLen`]), the header within the
    /// buffer ([`Error::Truncated`]), IHL*4 <= total length <= buffer length
    /// ([`Error::BadTotalLen`]). The buffer may be longer than the total length (padding).
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let p = Self::new_lax(buffer)?;
        if usize::from(p.total_len()) > p.as_bytes().len() {
            return Err(Error::BadTotalLen);
        }
        Ok(p)
    }

    /// Like [`new_checked`](Self::new_checked) but the total length may exceed the buffer:
    /// for the packet quoted inside an ICMP error, which is truncated by design. The total
    /// length must still cover the header.
    #[inline]
    pub fn new_lax(buffer: T) -> Result<Self, Error> {
        let p = Ipv4Packet { buffer };
        let data = p.as_bytes();
        if data.len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        if p.version() != 4 {
            return Err(Error::BadVersion);
        }
        let hl = p.header_len();
        if hl < HEADER_LEN {
            return Err(Error::BadHeaderLen);
        }
        if hl > data.len() {
            return Err(Error::Truncated);
        }
        if usize::from(p.total_len()) < hl {
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

    /// Version field (4 for a valid packet).
    #[inline]
    pub fn version(&self) -> u8 {
        rd8(self.as_bytes(), 0) >> 4
    }

    /// Header length in bytes (IHL * 4).
    #[inline]
    pub fn header_len(&self) -> usize {
        usize::from(rd8(self.as_bytes(), 0) & 0x0f) * 4
    }

    /// The whole Type of Service byte (DSCP and ECN).
    #[inline]
    pub fn dscp_ecn(&self) -> u8 {
        rd8(self.as_bytes(), field::DSCP_ECN.start)
    }

    /// Total Length field.
    #[inline]
    pub fn total_len(&self) -> u16 {
        rd16(self.as_bytes(), field::LENGTH)
    }

    /// Identification field.
    #[inline]
    pub fn ident(&self) -> u16 {
        rd16(self.as_bytes(), field::IDENT)
    }

    #[inline]
    fn flg_off(&self) -> u16 {
        rd16(self.as_bytes(), field::FLG_OFF)
    }

    /// Don't Fragment flag.
    #[inline]
    pub fn dont_frag(&self) -> bool {
        self.flg_off() & DF != 0
    }

    /// More Fragments flag.
    #[inline]
    pub fn more_frags(&self) -> bool {
        self.flg_off() & MF != 0
    }

    /// Fragment Offset, in 8-byte units.
    #[inline]
    pub fn frag_offset(&self) -> u16 {
        self.flg_off() & OFFSET_MASK
    }

    /// True if this is a fragment (MF set or a nonzero offset).
    #[inline]
    pub fn is_fragment(&self) -> bool {
        self.flg_off() & (MF | OFFSET_MASK) != 0
    }

    /// Time to Live.
    #[inline]
    pub fn ttl(&self) -> u8 {
        rd8(self.as_bytes(), field::TTL.start)
    }

    /// Protocol field.
    #[inline]
    pub fn protocol(&self) -> u8 {
        rd8(self.as_bytes(), field::PROTOCOL.start)
    }

    /// Header Checksum field.
    #[inline]
    pub fn checksum(&self) -> u16 {
        rd16(self.as_bytes(), field::CHECKSUM)
    }

    /// Source Address.
    #[inline]
    pub fn src_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(rd32(self.as_bytes(), field::SRC_ADDR))
    }

    /// Destination Address.
    #[inline]
    pub fn dst_addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(rd32(self.as_bytes(), field::DST_ADDR))
    }

    /// The options: bytes 20..IHL*4 (clamped to the buffer).
    #[inline]
    pub fn options(&self) -> &[u8] {
        clamp(self.as_bytes(), HEADER_LEN, self.header_len())
    }

    /// The payload: IHL*4 .. min(total length, buffer length).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(
            self.as_bytes(),
            self.header_len(),
            usize::from(self.total_len()),
        )
    }

    /// True if the header checksum over `header_len()` bytes is correct.
    #[inline]
    pub fn verify_checksum(&self) -> bool {
        checksum::verify(checksum::sum(clamp(self.as_bytes(), 0, self.header_len())))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Ipv4Packet<T> {
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the version and IHL (in 32-bit words) nibbles.
    #[inline]
    pub fn set_version_ihl(&mut self, version: u8, ihl_words: u8) {
        wr8(self.bytes_mut(), 0, version << 4 | (ihl_words & 0x0f));
    }

    /// Sets the Type of Service byte.
    #[inline]
    pub fn set_dscp_ecn(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::DSCP_ECN.start, v);
    }

    /// Sets the Total Length field.
    #[inline]
    pub fn set_total_len(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::LENGTH, v);
    }

    /// Sets the Identification field.
    #[inline]
    pub fn set_ident(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::IDENT, v);
    }

    /// Sets the flags and the Fragment Offset (8-byte units; the reserved flag is cleared).
    #[inline]
    pub fn set_flags_frag(&mut self, df: bool, mf: bool, frag_offset: u16) {
        let v = if df { DF } else { 0 } | if mf { MF } else { 0 } | (frag_offset & OFFSET_MASK);
        wr16(self.bytes_mut(), field::FLG_OFF, v);
    }

    /// Sets Time to Live.
    #[inline]
    pub fn set_ttl(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::TTL.start, v);
    }

    /// Sets the Protocol field.
    #[inline]
    pub fn set_protocol(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::PROTOCOL.start, v);
    }

    /// Sets the Header Checksum field.
    #[inline]
    pub fn set_checksum(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::CHECKSUM, v);
    }

    /// Sets the Source Address.
    #[inline]
    pub fn set_src_addr(&mut self, a: Ipv4Addr) {
        wr32(self.bytes_mut(), field::SRC_ADDR, u32::from(a));
    }

    /// Sets the Destination Address.
    #[inline]
    pub fn set_dst_addr(&mut self, a: Ipv4Addr) {
        wr32(self.bytes_mut(), field::DST_ADDR, u32::from(a));
    }

    /// Computes and stores the header checksum over `header_len()` bytes.
    #[inline]
    pub fn fill_checksum(&mut self) {
        self.set_checksum(0);
        let hl = self.header_len();
        let c = checksum::finish(checksum::sum(clamp(self.as_bytes(), 0, hl)));
        self.set_checksum(c);
    }

    /// Mutable payload: IHL*4 .. min(total length, buffer length).
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let (hl, tl) = (self.header_len(), usize::from(self.total_len()));
        clamp_mut(self.bytes_mut(), hl, tl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 192.0.2.1 -> 198.51.100.2, UDP 54321 -> 53, payload "hi", DF, TTL 64, ident 0x1c46.
    /// Header checksum 0x3252 and UDP checksum 0xd6d2 computed with python3.
    static UDP_PACKET: [u8; 30] = [
        0x45, 0x00, 0x00, 0x1e, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x32, 0x52, 0xc0, 0x00, 0x02,
        0x01, 0xc6, 0x33, 0x64, 0x02, // IPv4 header
        0xd4, 0x31, 0x00, 0x35, 0x00, 0x0a, 0xd6, 0xd2, b'h', b'i', // UDP
    ];

    /// IHL 7: LSRR (len 7, pointer 4 = unexpired, one hop 203.0.113.5) + EOL; total length 36,
    /// TTL 63, TCP, ident 0xabcd, no flags; header checksum 0x548c (python3).
    static OPTIONS_PACKET: [u8; 36] = [
        0x47, 0x00, 0x00, 0x24, 0xab, 0xcd, 0x00, 0x00, 0x3f, 0x06, 0x54, 0x8c, 0xc0, 0x00, 0x02,
        0x01, 0xc6, 0x33, 0x64, 0x02, // fixed header
        0x83, 0x07, 0x04, 0xcb, 0x00, 0x71, 0x05, 0x00, // options
        1, 2, 3, 4, 5, 6, 7, 8, // payload
    ];

    const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const DST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    #[test]
    fn parses_udp_packet() {
        let p = Ipv4Packet::new_checked(&UDP_PACKET[..]).unwrap();
        assert_eq!(p.version(), 4);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.dscp_ecn(), 0);
        assert_eq!(p.total_len(), 30);
        assert_eq!(p.ident(), 0x1c46);
        assert!(p.dont_frag());
        assert!(!p.more_frags());
        assert_eq!(p.frag_offset(), 0);
        assert!(!p.is_fragment());
        assert_eq!(p.ttl(), 64);
        assert_eq!(p.protocol(), crate::proto::UDP);
        assert_eq!(p.checksum(), 0x3252);
        assert_eq!(p.src_addr(), SRC);
        assert_eq!(p.dst_addr(), DST);
        assert_eq!(p.options(), &[] as &[u8]);
        assert_eq!(p.payload(), &UDP_PACKET[20..]);
        assert!(p.verify_checksum());
        assert_eq!(p.into_inner(), &UDP_PACKET[..]);
    }

    #[test]
    fn builds_udp_packet() {
        let mut buf = [0u8; 30];
        let mut p = Ipv4Packet::new_unchecked(&mut buf[..]);
        p.set_version_ihl(4, 5);
        p.set_dscp_ecn(0);
        p.set_total_len(30);
        p.set_ident(0x1c46);
        p.set_flags_frag(true, false, 0);
        p.set_ttl(64);
        p.set_protocol(17);
        p.set_src_addr(SRC);
        p.set_dst_addr(DST);
        p.fill_checksum();
        p.payload_mut().copy_from_slice(&UDP_PACKET[20..]);
        assert_eq!(buf, UDP_PACKET);
    }

    #[test]
    fn parses_options_and_finds_unexpired_source_route() {
        let p = Ipv4Packet::new_checked(&OPTIONS_PACKET[..]).unwrap();
        assert_eq!(p.header_len(), 28);
        assert_eq!(p.options(), &OPTIONS_PACKET[20..28]);
        assert_eq!(p.payload(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(p.verify_checksum());
        assert_eq!(p.ttl(), 63);
        assert!(!p.dont_frag());
        assert_eq!(unexpired_source_route(p.options()), Some(0));
    }

    #[test]
    fn builds_options_packet() {
        let mut buf = [0u8; 36];
        buf[20..].copy_from_slice(&OPTIONS_PACKET[20..]);
        let mut p = Ipv4Packet::new_unchecked(&mut buf[..]);
        p.set_version_ihl(4, 7);
        p.set_total_len(36);
        p.set_ident(0xabcd);
        p.set_flags_frag(false, false, 0);
        p.set_ttl(63);
        p.set_protocol(6);
        p.set_src_addr(SRC);
        p.set_dst_addr(DST);
        p.fill_checksum();
        assert_eq!(p.checksum(), 0x548c);
        assert_eq!(buf, OPTIONS_PACKET);
    }

    #[test]
    fn detects_corrupted_header_checksum() {
        let mut buf = UDP_PACKET;
        buf[8] = 63; // TTL changed, checksum not updated
        assert!(!Ipv4Packet::new_checked(&buf[..]).unwrap().verify_checksum());
    }

    #[test]
    fn reads_fragment_fields() {
        let mut buf = UDP_PACKET;
        let mut p = Ipv4Packet::new_unchecked(&mut buf[..]);
        p.set_flags_frag(false, true, 0x1fff);
        assert_eq!(&p.as_bytes()[6..8], &[0x3f, 0xff]);
        assert!(p.more_frags() && !p.dont_frag() && p.is_fragment());
        assert_eq!(p.frag_offset(), 0x1fff);
        p.set_flags_frag(false, false, 185);
        assert!(p.is_fragment() && !p.more_frags());
        assert_eq!(p.frag_offset(), 185);
        p.set_flags_frag(true, false, 0);
        assert!(!p.is_fragment());
    }

    /// (`new_checked` error, `new_lax` error) for `bytes`.
    fn rejections(bytes: &[u8]) -> (Option<Error>, Option<Error>) {
        (
            Ipv4Packet::new_checked(bytes).err(),
            Ipv4Packet::new_lax(bytes).err(),
        )
    }

    #[test]
    fn rejects_truncated_ipv4_header() {
        let both = (Some(Error::Truncated), Some(Error::Truncated));
        assert_eq!(rejections(&UDP_PACKET[..19]), both);
        assert_eq!(rejections(&[]), both);
    }

    #[test]
    fn rejects_bad_ipv4_version() {
        let mut buf = UDP_PACKET;
        buf[0] = 0x65;
        let both = (Some(Error::BadVersion), Some(Error::BadVersion));
        assert_eq!(rejections(&buf), both);
    }

    #[test]
    fn rejects_ihl_below_5() {
        let mut buf = UDP_PACKET;
        buf[0] = 0x44;
        let both = (Some(Error::BadHeaderLen), Some(Error::BadHeaderLen));
        assert_eq!(rejections(&buf), both);
    }

    #[test]
    fn rejects_options_past_the_buffer() {
        let both = (Some(Error::Truncated), Some(Error::Truncated));
        assert_eq!(rejections(&OPTIONS_PACKET[..27]), both);
    }

    #[test]
    fn rejects_total_length_below_header_length() {
        let mut buf = OPTIONS_PACKET;
        buf[3] = 27;
        let both = (Some(Error::BadTotalLen), Some(Error::BadTotalLen));
        assert_eq!(rejections(&buf), both);
    }

    #[test]
    fn rejects_total_length_past_the_buffer() {
        assert_eq!(
            rejections(&UDP_PACKET[..29]),
            (Some(Error::BadTotalLen), None)
        );
    }

    #[test]
    fn lax_view_accepts_truncated_payload() {
        let p = Ipv4Packet::new_lax(&UDP_PACKET[..24]).unwrap();
        assert_eq!(p.total_len(), 30);
        assert_eq!(p.payload(), &UDP_PACKET[20..24]);
    }

    #[test]
    fn payload_stops_at_total_length_not_at_buffer_end() {
        let mut buf = [0u8; 34];
        buf[..30].copy_from_slice(&UDP_PACKET);
        let p = Ipv4Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(p.payload(), &UDP_PACKET[20..]);
    }

    #[test]
    fn unchecked_view_of_short_buffer_reads_zero() {
        let p = Ipv4Packet::new_unchecked(&UDP_PACKET[..3]);
        assert_eq!(p.header_len(), 20);
        assert_eq!(p.dst_addr(), Ipv4Addr::UNSPECIFIED);
        assert_eq!(p.payload(), &[] as &[u8]);
        assert_eq!(p.options(), &[] as &[u8]);
        assert!(!p.verify_checksum());
    }

    fn exercise<T: AsRef<[u8]>>(p: &Ipv4Packet<T>) -> usize {
        let _ = (
            p.version(),
            p.header_len(),
            p.dscp_ecn(),
            p.total_len(),
            p.ident(),
        );
        let _ = (
            p.dont_frag(),
            p.more_frags(),
            p.frag_offset(),
            p.is_fragment(),
            p.ttl(),
        );
        let _ = (
            p.protocol(),
            p.checksum(),
            p.src_addr(),
            p.dst_addr(),
            p.verify_checksum(),
        );
        let _ = unexpired_source_route(p.options());
        p.options().len() + p.payload().len()
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(mut data in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(p) = Ipv4Packet::new_checked(&data[..]) {
                let n = exercise(&p);
                prop_assert!(HEADER_LEN + n <= data.len());
                prop_assert_eq!(p.payload().len(), usize::from(p.total_len()) - p.header_len());
            }
            if let Ok(p) = Ipv4Packet::new_lax(&data[..]) {
                exercise(&p);
            }
            exercise(&Ipv4Packet::new_unchecked(&data[..]));
            let mut p = Ipv4Packet::new_unchecked(&mut data[..]);
            p.fill_checksum();
            p.payload_mut().fill(0);
        }

        #[test]
        fn valid_headers_are_accepted(
            ihl in 5u8..16, extra in 0usize..20, pad in 0usize..5, ttl in any::<u8>(),
        ) {
            let hl = usize::from(ihl) * 4;
            let mut buf = vec![0u8; hl + extra + pad];
            let mut p = Ipv4Packet::new_unchecked(&mut buf[..]);
            p.set_version_ihl(4, ihl);
            p.set_total_len((hl + extra) as u16);
            p.set_ttl(ttl);
            p.fill_checksum();
            let p = Ipv4Packet::new_checked(&buf[..]).unwrap();
            prop_assert!(p.verify_checksum());
            prop_assert_eq!(p.payload().len(), extra);
            prop_assert_eq!(p.options().len(), hl - HEADER_LEN);
        }
    }
}
