//! RFC 7915 §4.2 / §4.3: ICMPv4 → ICMPv6 type, code, MTU and pointer translation.

use crate::stats::Jstat;
use crate::translate::rfc4884::ExtMode;
use crate::translate::{drop, Step, IPV6_MIN_MTU};

/// What an ICMPv4 header becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapped {
    /// ICMPv6 type.
    pub ty: u8,
    /// ICMPv6 code.
    pub code: u8,
    /// ICMPv6 bytes 4..8 (before the RFC 4884 length is stored in byte 4).
    pub rest: u32,
    /// What happens to an RFC 4884 extension.
    pub ext: ExtMode,
}

/// RFC 7915 §4.2 query messages: only Echo and Echo Reply have a counterpart (Information,
/// Timestamp, Address Mask, Router Advertisement/Solicitation and unknown types: "Silently
/// drop").
pub fn map_info(ty: u8) -> Step<u8> {
    match ty {
        8 => Ok(128),
        0 => Ok(129),
        _ => Err(drop(Jstat::UnknownIcmp4Type)),
    }
}

/// RFC 7915 §4.2 Figure 3: Parameter Problem pointer, IPv4 header offset → IPv6 header offset.
pub fn pointer_4to6(ptr: u8) -> Option<u32> {
    match ptr {
        0 => Some(0),        // Version/IHL → Version/Traffic Class
        1 => Some(1),        // Type Of Service → Traffic Class/Flow Label
        2 | 3 => Some(4),    // Total Length → Payload Length
        8 => Some(7),        // Time to Live → Hop Limit
        9 => Some(6),        // Protocol → Next Header
        12..=15 => Some(8),  // Source Address
        16..=19 => Some(24), // Destination Address
        _ => None,           // Identification, flags, offset, checksum: "n/a"; options: not listed
    }
}

/// RFC 7915 §4.2 Fragmentation Needed: "minimum(advertised MTU+20, MTU_of_IPv6_nexthop,
/// (MTU_of_IPv4_nexthop)+20)"; an advertised MTU of zero (a router that predates RFC 1191)
/// becomes the first plateau below the original packet's Total Length (RFC 1191 §5/§7).
/// Floored at the IPv6 minimum MTU (spec §7.5).
pub fn fn_to_ptb_mtu(
    pkt_mtu: u16,
    mtu6_out: u32,
    mtu4_in: u32,
    inner_total_len: u16,
    plateaus: &[u16],
) -> u32 {
    let mut pkt_mtu = u32::from(pkt_mtu);
    if pkt_mtu == 0 {
        pkt_mtu = plateaus
            .iter()
            .copied()
            .find(|&p| p < inner_total_len)
            .map_or(0, u32::from);
    }
    (pkt_mtu + 20)
        .min(mtu6_out)
        .min(mtu4_in.saturating_add(20))
        .max(IPV6_MIN_MTU)
}

/// RFC 7915 §4.2 error messages. `ptb_mtu` computes the Packet Too Big MTU from the
/// advertised one (only called for 3/4).
pub fn map_error(ty: u8, code: u8, ptr: u8, ptb_mtu: impl FnOnce() -> u32) -> Step<Mapped> {
    let unknown = || drop(Jstat::UnknownIcmp4Type);
    let m = |ty, code, rest, ext| {
        Ok(Mapped {
            ty,
            code,
            rest,
            ext,
        })
    };
    match ty {
        3 => match code {
            // Net/host unreachable, source route failed, unknown net/host, isolated,
            // unreachable for TOS → No route to destination.
            0 | 1 | 5 | 6 | 7 | 8 | 11 | 12 => m(1, 0, 0, ExtMode::Keep),
            // Protocol unreachable → Parameter Problem 4/1, pointer to Next Header.
            2 => m(4, 1, 6, ExtMode::Remove),
            3 => m(1, 4, 0, ExtMode::Keep),
            4 => m(2, 0, ptb_mtu(), ExtMode::Remove),
            // Administratively prohibited / precedence cutoff.
            9 | 10 | 13 | 15 => m(1, 1, 0, ExtMode::Keep),
            // 14 (host precedence violation) and unknown codes: "Silently drop".
            _ => Err(unknown()),
        },
        // Time Exceeded: code unchanged.
        11 => m(3, code, 0, ExtMode::Keep),
        12 => match code {
            // Pointer indicates the error / bad length.
            0 | 2 => match pointer_4to6(ptr) {
                Some(p) => m(4, 0, p, ExtMode::Remove),
                None => Err(drop(Jstat::UntranslatableParamProblemPtr46)),
            },
            _ => Err(unknown()),
        },
        // Source Quench, Redirect, Alternative Host Address and the rest.
        _ => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::globals::DEFAULT_PLATEAUS;

    fn code(c: u8) -> Step<(u8, u8)> {
        map_error(3, c, 0, || 1280).map(|m| (m.ty, m.code))
    }

    #[test]
    fn maps_destination_unreachable_codes() {
        for c in [0, 1, 5, 6, 7, 8, 11, 12] {
            assert_eq!(code(c), Ok((1, 0)), "code {c}");
        }
        assert_eq!(code(2), Ok((4, 1)));
        assert_eq!(map_error(3, 2, 0, || 0).map(|m| m.rest), Ok(6));
        assert_eq!(code(3), Ok((1, 4)));
        assert_eq!(code(4), Ok((2, 0)));
        for c in [9, 10, 13, 15] {
            assert_eq!(code(c), Ok((1, 1)), "code {c}");
        }
        assert_eq!(code(14), Err(drop(Jstat::UnknownIcmp4Type)));
        assert_eq!(code(16), Err(drop(Jstat::UnknownIcmp4Type)));
    }

    #[test]
    fn maps_time_exceeded_and_parameter_problem() {
        assert_eq!(
            map_error(11, 1, 0, || 0).map(|m| (m.ty, m.code)),
            Ok((3, 1))
        );
        assert_eq!(
            map_error(12, 0, 9, || 0).map(|m| (m.ty, m.code, m.rest)),
            Ok((4, 0, 6))
        );
        assert_eq!(map_error(12, 2, 16, || 0).map(|m| m.rest), Ok(24));
        assert_eq!(
            map_error(12, 0, 4, || 0),
            Err(drop(Jstat::UntranslatableParamProblemPtr46))
        );
        assert_eq!(
            map_error(12, 1, 0, || 0),
            Err(drop(Jstat::UnknownIcmp4Type))
        );
        for t in [4, 5, 6, 9, 10, 13, 14, 15, 16, 17, 18, 42] {
            assert_eq!(
                map_error(t, 0, 0, || 0),
                Err(drop(Jstat::UnknownIcmp4Type)),
                "type {t}"
            );
        }
    }

    #[test]
    fn pointer_table_matches_figure_3() {
        let t: Vec<_> = (0..21).map(pointer_4to6).collect();
        assert_eq!(&t[..4], &[Some(0), Some(1), Some(4), Some(4)]);
        assert_eq!(&t[4..8], &[None; 4]);
        assert_eq!(&t[8..12], &[Some(7), Some(6), None, None]);
        assert!(t[12..16].iter().all(|&p| p == Some(8)));
        assert!(t[16..20].iter().all(|&p| p == Some(24)));
        assert_eq!(t[20], None);
    }

    #[test]
    fn frag_needed_mtu_arithmetic() {
        let p = &DEFAULT_PLATEAUS;
        assert_eq!(fn_to_ptb_mtu(1400, 1500, 1500, 1500, p), 1420);
        assert_eq!(fn_to_ptb_mtu(1400, 1300, 1500, 1500, p), 1300);
        assert_eq!(fn_to_ptb_mtu(1400, 1500, 1290, 1500, p), 1310);
        // Floored at 1280.
        assert_eq!(fn_to_ptb_mtu(600, 1500, 1500, 1500, p), 1280);
        // Zero MTU: first plateau below the inner Total Length (1500 → 1492).
        assert_eq!(fn_to_ptb_mtu(0, 9000, 9000, 1500, p), 1512);
        assert_eq!(fn_to_ptb_mtu(0, 9000, 9000, 5000, p), 4372);
        assert_eq!(fn_to_ptb_mtu(0, 9000, 9000, 40, p), 1280);
    }

    #[test]
    fn drops_queries_without_counterpart() {
        assert_eq!(map_info(8), Ok(128));
        assert_eq!(map_info(0), Ok(129));
        for t in [9, 10, 13, 14, 15, 16, 17, 18, 30] {
            assert_eq!(map_info(t), Err(drop(Jstat::UnknownIcmp4Type)));
        }
    }
}
