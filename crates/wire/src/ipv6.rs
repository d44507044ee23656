//! IPv6 header view (RFC 8200 §3) and extension-header chain walk (RFC 8200 §4).

use core::net::Ipv6Addr;

mod chain;
pub use chain::{walk_chain, FragmentInfo, Ipv6Chain, MAX_EXT_HEADERS};

use crate::{clamp, clamp_mut, rd128, rd16, rd32, rd8, wr128, wr16, wr32, wr8, Error};

/// Length of the fixed IPv6 header.
pub const HEADER_LEN: usize = 40;
/// Length of the Fragment extension header (RFC 8200 §4.5).
pub const FRAG_HEADER_LEN: usize = 8;
/// Byte offsets of the IPv6 header fields (RFC 8200 §3).
pub mod field {
    use core::ops::Range;
    /// Version (4 bits), Traffic Class (8 bits), Flow Label (20 bits).
    pub const VER_TC_FLOW: Range<usize> = 0..4;
    /// Payload Length.
    pub const PAYLOAD_LEN: Range<usize> = 4..6;
    /// Next Header.
    pub const NXT_HDR: Range<usize> = 6..7;
    /// Hop Limit.
    pub const HOP_LIMIT: Range<usize> = 7..8;
    /// Source Address.
    pub const SRC_ADDR: Range<usize> = 8..24;
    /// Destination Address.
    pub const DST_ADDR: Range<usize> = 24..40;
}

/// A view of an IPv6 packet over a byte buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Ipv6Packet<T> {
    /// Wraps `buffer` without any validation. Fields past the end of the buffer read as zero.
    #[inline]
    pub fn new_unchecked(buffer: T) -> Self {
        Ipv6Packet { buffer }
    }

    /// Wraps and validates `buffer`: at least 40 bytes ([`Error::Truncated`]), version 6
    /// ([`Error::BadVersion`]), 40 + payload length <= buffer length ([`Error::BadTotalLen`]).
    /// A payload length of 0 is an empty payload. RFC 2675 jumbograms (payload length 0 plus a
    /// Hop-by-Hop Jumbo Payload option) are not supported: their Hop-by-Hop header lies past the
    /// declared end, so `walk_chain` reports them as truncated.
    #[inline]
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let p = Self::new_lax(buffer)?;
        if HEADER_LEN + usize::from(p.payload_len()) > p.as_bytes().len() {
            return Err(Error::BadTotalLen);
        }
        Ok(p)
    }

    /// Like [`new_checked`](Self::new_checked) but the payload length may exceed the buffer:
    /// for the packet quoted inside an ICMPv6 error, which is truncated by design.
    #[inline]
    pub fn new_lax(buffer: T) -> Result<Self, Error> {
        let p = Ipv6Packet { buffer };
        if p.as_bytes().len() < HEADER_LEN {
            return Err(Error::Truncated);
        }
        if p.version() != 6 {
            return Err(Error::BadVersion);
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

    #[inline]
    fn ver_tc_flow(&self) -> u32 {
        rd32(self.as_bytes(), field::VER_TC_FLOW)
    }

    /// Version field (6 for a valid packet).
    #[inline]
    pub fn version(&self) -> u8 {
        rd8(self.as_bytes(), 0) >> 4
    }

    /// Traffic Class.
    #[inline]
    pub fn traffic_class(&self) -> u8 {
        (self.ver_tc_flow() >> 20) as u8
    }

    /// Flow Label (20 bits).
    #[inline]
    pub fn flow_label(&self) -> u32 {
        self.ver_tc_flow() & 0x000f_ffff
    }

    /// Payload Length.
    #[inline]
    pub fn payload_len(&self) -> u16 {
        rd16(self.as_bytes(), field::PAYLOAD_LEN)
    }

    /// Next Header.
    #[inline]
    pub fn next_header(&self) -> u8 {
        rd8(self.as_bytes(), field::NXT_HDR.start)
    }

    /// Hop Limit.
    #[inline]
    pub fn hop_limit(&self) -> u8 {
        rd8(self.as_bytes(), field::HOP_LIMIT.start)
    }

    /// Source Address.
    #[inline]
    pub fn src_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(rd128(self.as_bytes(), field::SRC_ADDR))
    }

    /// Destination Address.
    #[inline]
    pub fn dst_addr(&self) -> Ipv6Addr {
        Ipv6Addr::from(rd128(self.as_bytes(), field::DST_ADDR))
    }

    /// The payload (extension headers included): 40 .. min(40 + payload length, buffer length).
    #[inline]
    pub fn payload(&self) -> &[u8] {
        clamp(
            self.as_bytes(),
            HEADER_LEN,
            HEADER_LEN + usize::from(self.payload_len()),
        )
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Ipv6Packet<T> {
    #[inline]
    fn bytes_mut(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the first word: version 6, Traffic Class `tc`, Flow Label `flow` (low 20 bits).
    #[inline]
    pub fn set_version_tc_flow(&mut self, tc: u8, flow: u32) {
        let v = 6 << 28 | u32::from(tc) << 20 | (flow & 0x000f_ffff);
        wr32(self.bytes_mut(), field::VER_TC_FLOW, v);
    }

    /// Sets the Traffic Class, keeping the version and the Flow Label.
    #[inline]
    pub fn set_traffic_class(&mut self, tc: u8) {
        let v = (self.ver_tc_flow() & 0xf00f_ffff) | u32::from(tc) << 20;
        wr32(self.bytes_mut(), field::VER_TC_FLOW, v);
    }

    /// Sets the Flow Label (low 20 bits), keeping the version and the Traffic Class.
    #[inline]
    pub fn set_flow_label(&mut self, flow: u32) {
        let v = (self.ver_tc_flow() & 0xfff0_0000) | (flow & 0x000f_ffff);
        wr32(self.bytes_mut(), field::VER_TC_FLOW, v);
    }

    /// Sets the Payload Length.
    #[inline]
    pub fn set_payload_len(&mut self, v: u16) {
        wr16(self.bytes_mut(), field::PAYLOAD_LEN, v);
    }

    /// Sets the Next Header.
    #[inline]
    pub fn set_next_header(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::NXT_HDR.start, v);
    }

    /// Sets the Hop Limit.
    #[inline]
    pub fn set_hop_limit(&mut self, v: u8) {
        wr8(self.bytes_mut(), field::HOP_LIMIT.start, v);
    }

    /// Sets the Source Address.
    #[inline]
    pub fn set_src_addr(&mut self, a: Ipv6Addr) {
        wr128(self.bytes_mut(), field::SRC_ADDR, u128::from(a));
    }

    /// Sets the Destination Address.
    #[inline]
    pub fn set_dst_addr(&mut self, a: Ipv6Addr) {
        wr128(self.bytes_mut(), field::DST_ADDR, u128::from(a));
    }

    /// Mutable payload: 40 .. min(40 + payload length, buffer length).
    #[inline]
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = HEADER_LEN + usize::from(self.payload_len());
        clamp_mut(self.bytes_mut(), HEADER_LEN, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto;
    use proptest::prelude::*;

    /// 2001:db8::1 -> 64:ff9b::198.51.100.2, TC 0xb8, flow 0x12345, hop limit 64,
    /// UDP 54321 -> 53 "hi", UDP checksum 0x6b1a (python3).
    static UDP_PACKET: [u8; 50] = [
        0x6b, 0x81, 0x23, 0x45, 0x00, 0x0a, 0x11, 0x40, // ver/tc/flow, payload len, nh, hlim
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // src
        0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x33, 0x64, 0x02, // dst
        0xd4, 0x31, 0x00, 0x35, 0x00, 0x0a, 0x6b, 0x1a, b'h', b'i', // UDP
    ];

    fn src() -> Ipv6Addr {
        "2001:db8::1".parse().unwrap()
    }

    fn dst() -> Ipv6Addr {
        "64:ff9b::c633:6402".parse().unwrap()
    }

    #[test]
    fn parses_udp_packet() {
        let p = Ipv6Packet::new_checked(&UDP_PACKET[..]).unwrap();
        assert_eq!(p.version(), 6);
        assert_eq!(p.traffic_class(), 0xb8);
        assert_eq!(p.flow_label(), 0x12345);
        assert_eq!(p.payload_len(), 10);
        assert_eq!(p.next_header(), proto::UDP);
        assert_eq!(p.hop_limit(), 64);
        assert_eq!(p.src_addr(), src());
        assert_eq!(p.dst_addr(), dst());
        assert_eq!(p.payload(), &UDP_PACKET[40..]);
        let udp = &UDP_PACKET[40..];
        let sum = crate::checksum::pseudo_v6(src(), dst(), proto::UDP, 10);
        assert!(crate::checksum::verify(crate::checksum::combine(
            sum,
            crate::checksum::sum(udp)
        )));
        assert_eq!(p.into_inner(), &UDP_PACKET[..]);
    }

    #[test]
    fn builds_udp_packet() {
        let mut buf = [0u8; 50];
        let mut p = Ipv6Packet::new_unchecked(&mut buf[..]);
        p.set_version_tc_flow(0, 0);
        p.set_traffic_class(0xb8);
        p.set_flow_label(0x12345);
        p.set_payload_len(10);
        p.set_next_header(17);
        p.set_hop_limit(64);
        p.set_src_addr(src());
        p.set_dst_addr(dst());
        p.payload_mut().copy_from_slice(&UDP_PACKET[40..]);
        assert_eq!(buf, UDP_PACKET);
        let mut p = Ipv6Packet::new_unchecked(&mut buf[..]);
        p.set_version_tc_flow(0xb8, 0xfff12345); // high flow bits are dropped
        assert_eq!(buf, UDP_PACKET);
    }

    #[test]
    fn rejects_truncated_ipv6_header() {
        assert_eq!(
            Ipv6Packet::new_checked(&UDP_PACKET[..39]).unwrap_err(),
            Error::Truncated
        );
        assert_eq!(
            Ipv6Packet::new_lax(&UDP_PACKET[..39]).unwrap_err(),
            Error::Truncated
        );
    }

    #[test]
    fn rejects_bad_ipv6_version() {
        let mut buf = UDP_PACKET;
        buf[0] = 0x4b;
        assert_eq!(
            Ipv6Packet::new_checked(&buf[..]).unwrap_err(),
            Error::BadVersion
        );
        assert_eq!(
            Ipv6Packet::new_lax(&buf[..]).unwrap_err(),
            Error::BadVersion
        );
    }

    #[test]
    fn rejects_payload_len_past_the_end() {
        assert_eq!(
            Ipv6Packet::new_checked(&UDP_PACKET[..49]).unwrap_err(),
            Error::BadTotalLen
        );
    }

    #[test]
    fn accepts_empty_payload() {
        // Found by the fuzzer: an IPv4 packet whose options fill it translates into an IPv6
        // packet with payload length 0, which is a valid (empty) packet.
        let mut buf = UDP_PACKET;
        buf[4] = 0;
        buf[5] = 0;
        buf[6] = crate::proto::NONE;
        let p = Ipv6Packet::new_checked(&buf[..40]).unwrap();
        assert_eq!(p.payload_len(), 0);
        assert!(p.payload().is_empty());
        let chain = walk_chain(&buf[..40], false).unwrap();
        assert_eq!((chain.l4_proto, chain.l4_offset), (crate::proto::NONE, 40));
    }

    #[test]
    fn jumbogram_is_reported_truncated() {
        // RFC 2675: payload length 0 + a Hop-by-Hop Jumbo Payload option (type 0xC2).
        let mut buf = [0u8; 56];
        buf[..40].copy_from_slice(&UDP_PACKET[..40]);
        buf[4] = 0;
        buf[5] = 0;
        buf[6] = crate::proto::HOPOPTS;
        buf[40..48].copy_from_slice(&[17, 0, 0xc2, 4, 0, 0, 0, 16]);
        assert!(Ipv6Packet::new_checked(&buf[..]).is_ok());
        assert_eq!(walk_chain(&buf, false).unwrap_err(), Error::Truncated);
    }

    #[test]
    fn lax_view_accepts_truncated_payload() {
        let p = Ipv6Packet::new_lax(&UDP_PACKET[..44]).unwrap();
        assert_eq!(p.payload_len(), 10);
        assert_eq!(p.payload(), &UDP_PACKET[40..44]);
    }

    #[test]
    fn payload_stops_at_payload_len_not_at_buffer_end() {
        let mut buf = [0xee_u8; 56];
        buf[..50].copy_from_slice(&UDP_PACKET);
        let p = Ipv6Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(p.payload(), &UDP_PACKET[40..]);
    }

    #[test]
    fn unchecked_view_of_short_buffer_reads_zero() {
        let p = Ipv6Packet::new_unchecked(&UDP_PACKET[..20]);
        assert_eq!(p.dst_addr(), Ipv6Addr::UNSPECIFIED);
        assert_eq!(p.payload(), &[] as &[u8]);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            data in proptest::collection::vec(any::<u8>(), 0..120), lax in any::<bool>(),
        ) {
            if let Ok(p) = Ipv6Packet::new_checked(&data[..]) {
                let _ = (p.version(), p.traffic_class(), p.flow_label(), p.next_header());
                let _ = (p.hop_limit(), p.src_addr(), p.dst_addr());
                prop_assert_eq!(p.payload().len(), usize::from(p.payload_len()));
            }
            if let Ok(p) = Ipv6Packet::new_lax(&data[..]) {
                prop_assert!(p.payload().len() <= usize::from(p.payload_len()));
            }
            let _ = walk_chain(&data, lax);
            let mut data = data;
            Ipv6Packet::new_unchecked(&mut data[..]).payload_mut().fill(1);
        }

    }
}
