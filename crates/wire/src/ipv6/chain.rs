//! The IPv6 extension-header chain (RFC 8200 §4).

use super::{field, FRAG_HEADER_LEN, HEADER_LEN};
use crate::{proto, rd16, rd32, rd8, Error};

/// Most extension headers [`walk_chain`] accepts before giving up with
/// [`Error::BadHeaderLen`].
pub const MAX_EXT_HEADERS: usize = 16;

/// Fragment header contents (RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentInfo {
    /// Offset of the Fragment header, from the start of the IPv6 header.
    pub offset: usize,
    /// The Fragment header's Next Header.
    pub next_header: u8,
    /// Fragment Offset, in 8-byte units.
    pub frag_offset: u16,
    /// M flag (more fragments).
    pub more: bool,
    /// Identification.
    pub ident: u32,
}

/// Result of walking the extension-header chain (RFC 8200 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv6Chain {
    /// First non-extension next-header value (TCP, UDP, ICMPv6, No Next Header, unknown...).
    pub l4_proto: u8,
    /// Where that protocol's header starts, from the start of the IPv6 header.
    pub l4_offset: usize,
    /// The Fragment header, if any.
    pub frag: Option<FragmentInfo>,
    /// Offset of the first Hop-by-Hop, Routing or Destination Options header found after the
    /// Fragment header (first fragments only).
    pub ext_after_frag: Option<usize>,
    /// Offset of the Segments Left byte of a Routing header whose Segments Left is not zero.
    pub segments_left: Option<usize>,
}

/// Walks the Hop-by-Hop (0), Routing (43), Fragment (44) and Destination Options (60) headers
/// that start at byte 40 of `packet` (a whole IPv6 packet), RFC 8200 §4.
///
/// The packet ends at 40 + payload length or at the end of `packet`, whichever comes first.
/// Each extension header is `(next header, hdr ext len)` and `(hdr ext len + 1) * 8` bytes
/// long; the Fragment header is 8 bytes. The walk stops at any other next-header value, and
/// right after the Fragment header of a non-first fragment (what follows is not a header).
///
/// Errors: a second Fragment header gives [`Error::DoubleFragment`]; more than
/// [`MAX_EXT_HEADERS`] headers give [`Error::BadHeaderLen`]; a `packet` shorter than 40 bytes
/// or a header running past the end gives [`Error::Truncated`] — unless `lax`, in which case
/// the walk stops at that header (`l4_proto` = its type, `l4_offset` = its offset). Never
/// panics, and the walk is bounded.
pub fn walk_chain(packet: &[u8], lax: bool) -> Result<Ipv6Chain, Error> {
    if packet.len() < HEADER_LEN {
        return Err(Error::Truncated);
    }
    let end = packet
        .len()
        .min(HEADER_LEN + usize::from(rd16(packet, field::PAYLOAD_LEN)));
    let mut chain = Ipv6Chain {
        l4_proto: rd8(packet, field::NXT_HDR.start),
        l4_offset: HEADER_LEN,
        frag: None,
        ext_after_frag: None,
        segments_left: None,
    };
    let mut count = 0;
    loop {
        let at = chain.l4_offset;
        let nh = chain.l4_proto;
        let len = match nh {
            proto::HOPOPTS | proto::ROUTING | proto::DSTOPTS => match packet.get(at + 1) {
                Some(&l) if at + 2 <= end => (usize::from(l) + 1) * 8,
                _ => 0, // the length byte itself is missing
            },
            proto::FRAGMENT => {
                if chain.frag.is_some() {
                    return Err(Error::DoubleFragment);
                }
                FRAG_HEADER_LEN
            }
            _ => return Ok(chain),
        };
        if count == MAX_EXT_HEADERS {
            return Err(Error::BadHeaderLen);
        }
        count += 1;
        if len == 0 || at + len > end {
            return if lax {
                Ok(chain)
            } else {
                Err(Error::Truncated)
            };
        }
        chain.l4_proto = rd8(packet, at);
        chain.l4_offset = at + len;
        if nh == proto::FRAGMENT {
            let off_flags = rd16(packet, at + 2..at + 4);
            let frag = FragmentInfo {
                offset: at,
                next_header: chain.l4_proto,
                frag_offset: off_flags >> 3,
                more: off_flags & 1 != 0,
                ident: rd32(packet, at + 4..at + 8),
            };
            chain.frag = Some(frag);
            if frag.frag_offset != 0 {
                return Ok(chain);
            }
        } else {
            if chain.frag.is_some() && chain.ext_after_frag.is_none() {
                chain.ext_after_frag = Some(at);
            }
            // RFC 8200 §4.4: Segments Left is the 4th byte of the Routing header.
            if nh == proto::ROUTING && chain.segments_left.is_none() && rd8(packet, at + 3) != 0 {
                chain.segments_left = Some(at + 3);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// First 40 bytes: 2001:db8::1 -> 64:ff9b::198.51.100.2, next header UDP, payload length 10.
    static IPV6_HEADER: [u8; 40] = [
        0x6b, 0x81, 0x23, 0x45, 0x00, 0x0a, 0x11, 0x40, // ver/tc/flow, payload len, nh, hlim
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, // src
        0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0xc6, 0x33, 0x64, 0x02, // dst
    ];

    /// An IPv6 header (payload length = `ext.len()`, next header `nh`) followed by `ext`.
    fn with_ext(nh: u8, ext: &[u8]) -> Vec<u8> {
        let mut v = IPV6_HEADER.to_vec();
        v[4..6].copy_from_slice(&(ext.len() as u16).to_be_bytes());
        v[6] = nh;
        v.extend_from_slice(ext);
        v
    }

    const UDP_HDR: [u8; 8] = [0xd4, 0x31, 0x00, 0x35, 0x00, 0x08, 0, 0];

    #[test]
    fn walks_hbh_routing_fragment_dstopts_to_udp() {
        let mut ext = vec![
            43, 0, 1, 4, 0, 0, 0, 0, // HbH -> Routing, PadN
            44, 0, 4, 2, 0, 0, 0, 0, // Routing -> Fragment, type 4, Segments Left 2
            60, 0, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, // Fragment -> DstOpts, offset 0, M
            17, 0, 1, 4, 0, 0, 0, 0, // DstOpts -> UDP
        ];
        ext.extend_from_slice(&UDP_HDR);
        let chain = walk_chain(&with_ext(0, &ext), false).unwrap();
        assert_eq!(
            chain,
            Ipv6Chain {
                l4_proto: 17,
                l4_offset: 72,
                frag: Some(FragmentInfo {
                    offset: 56,
                    next_header: 60,
                    frag_offset: 0,
                    more: true,
                    ident: 0x1234_5678
                }),
                ext_after_frag: Some(64),
                segments_left: Some(51),
            }
        );
    }

    #[test]
    fn walks_plain_packet_without_extension_headers() {
        let chain = walk_chain(&with_ext(17, &UDP_HDR), false).unwrap();
        assert_eq!((chain.l4_proto, chain.l4_offset), (17, 40));
        assert_eq!(
            (chain.frag, chain.ext_after_frag, chain.segments_left),
            (None, None, None)
        );
    }

    #[test]
    fn reads_longer_extension_header_length() {
        // DstOpts with Hdr Ext Len 1 (16 bytes), then ICMPv6; Routing with Segments Left 0.
        let ext = [
            43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // DstOpts, 16 bytes
            58, 0, 4, 0, 0, 0, 0, 0, // Routing, Segments Left 0
            128, 0, 0, 0, 0, 0, 0, 0, // ICMPv6
        ];
        let chain = walk_chain(&with_ext(60, &ext), false).unwrap();
        assert_eq!((chain.l4_proto, chain.l4_offset), (58, 64));
        assert_eq!(chain.segments_left, None);
    }

    #[test]
    fn stops_after_fragment_header_of_non_first_fragment() {
        // Offset 185 (0x05c8 >> 3), no M; what follows looks like a header but is data.
        let ext = [6, 0, 0x05, 0xc8, 0, 0, 0, 9, 44, 0, 0, 0, 0, 0, 0, 0];
        let chain = walk_chain(&with_ext(44, &ext), false).unwrap();
        assert_eq!((chain.l4_proto, chain.l4_offset), (6, 48));
        let frag = chain.frag.unwrap();
        assert_eq!((frag.frag_offset, frag.more, frag.ident), (185, false, 9));
        assert_eq!(chain.ext_after_frag, None);
    }

    #[test]
    fn rejects_double_fragment_header() {
        let ext = [
            44, 0, 0, 1, 0, 0, 0, 1, 17, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(
            walk_chain(&with_ext(44, &ext), false),
            Err(Error::DoubleFragment)
        );
        assert_eq!(
            walk_chain(&with_ext(44, &ext), true),
            Err(Error::DoubleFragment)
        );
    }

    #[test]
    fn rejects_extension_header_past_the_end() {
        // HbH claims 16 bytes, only 8 present.
        let pkt = with_ext(0, &[17, 1, 1, 4, 0, 0, 0, 0]);
        assert_eq!(walk_chain(&pkt, false), Err(Error::Truncated));
        let chain = walk_chain(&pkt, true).unwrap();
        assert_eq!((chain.l4_proto, chain.l4_offset), (0, 40));
    }

    #[test]
    fn rejects_extension_header_without_length_byte() {
        let pkt = with_ext(60, &[17]);
        assert_eq!(walk_chain(&pkt, false), Err(Error::Truncated));
        assert_eq!(walk_chain(&pkt, true).unwrap().l4_proto, 60);
    }

    #[test]
    fn rejects_truncated_fragment_header() {
        let pkt = with_ext(0, &[44, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 1]);
        assert_eq!(walk_chain(&pkt, false), Err(Error::Truncated));
        let chain = walk_chain(&pkt, true).unwrap();
        assert_eq!(
            (chain.l4_proto, chain.l4_offset, chain.frag),
            (44, 48, None)
        );
    }

    #[test]
    fn extension_header_past_payload_len_is_truncated() {
        let mut pkt = with_ext(60, &[17, 0, 1, 4, 0, 0, 0, 0]);
        pkt[5] = 4; // payload length 4: the 8-byte DstOpts runs past the packet
        assert_eq!(walk_chain(&pkt, false), Err(Error::Truncated));
    }

    #[test]
    fn rejects_walk_on_short_packet() {
        assert_eq!(walk_chain(&IPV6_HEADER[..39], true), Err(Error::Truncated));
    }

    #[test]
    fn accepts_16_extension_headers_but_not_17() {
        let chain_of = |n: usize| {
            let mut ext = Vec::new();
            for i in 0..n {
                ext.extend_from_slice(&[if i + 1 == n { 17 } else { 60 }, 0, 1, 4, 0, 0, 0, 0]);
            }
            ext.extend_from_slice(&UDP_HDR);
            with_ext(60, &ext)
        };
        assert_eq!(
            walk_chain(&chain_of(16), false).unwrap().l4_offset,
            40 + 16 * 8
        );
        assert_eq!(walk_chain(&chain_of(17), false), Err(Error::BadHeaderLen));
        assert_eq!(walk_chain(&chain_of(17), true), Err(Error::BadHeaderLen));
    }

    /// (next-header kind, hdr ext len, byte 3 (Segments Left / offset low), offset high byte)
    fn ext_list() -> impl Strategy<Value = Vec<(u8, u8, u8, u8)>> {
        proptest::collection::vec(
            (
                prop::sample::select(vec![0u8, 43, 44, 60, 6, 17]),
                0u8..3,
                any::<u8>(),
                0u8..2,
            ),
            0..20,
        )
    }

    proptest! {
        #[test]
        fn walk_of_any_chain_terminates_inside_the_packet(
            list in ext_list(), cut in 0usize..200, pl_delta in -16i32..16, lax in any::<bool>(),
        ) {
            let mut ext = Vec::new();
            let mut first = 17;
            for (i, &(kind, len, b3, hi)) in list.iter().enumerate() {
                if i == 0 {
                    first = kind;
                }
                let next = list.get(i + 1).map_or(17, |e| e.0);
                let size = if kind == 44 { 8 } else { (usize::from(len) + 1) * 8 };
                let mut h = vec![0u8; size];
                h[0] = next;
                h[1] = if kind == 44 { 0 } else { len };
                h[2] = hi;
                h[3] = b3;
                ext.extend_from_slice(&h);
            }
            ext.extend_from_slice(&UDP_HDR);
            let mut pkt = with_ext(first, &ext);
            let pl = (ext.len() as i32 + pl_delta).clamp(0, 0xffff) as u16;
            pkt[4..6].copy_from_slice(&pl.to_be_bytes());
            pkt.truncate(cut.max(40));
            if let Ok(chain) = walk_chain(&pkt, lax) {
                let end = pkt.len().min(40 + usize::from(pl));
                prop_assert!(chain.l4_offset >= 40 && chain.l4_offset <= end);
                if let Some(f) = chain.frag {
                    prop_assert!(f.offset + FRAG_HEADER_LEN <= chain.l4_offset);
                }
                if let Some(s) = chain.segments_left {
                    prop_assert!(s < chain.l4_offset && pkt[s] != 0);
                }
                if let Some(e) = chain.ext_after_frag {
                    prop_assert!(chain.frag.is_some_and(|f| f.offset < e));
                }
            }
        }
    }
}
