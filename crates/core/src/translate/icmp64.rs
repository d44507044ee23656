//! RFC 7915 §5.2 / §5.3: ICMPv6 → ICMPv4 type, code, MTU and pointer translation.

use crate::stats::Jstat;
use crate::translate::rfc4884::ExtMode;
use crate::translate::{drop, Step};

/// What an ICMPv6 header becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapped {
    /// ICMPv4 type.
    pub ty: u8,
    /// ICMPv4 code.
    pub code: u8,
    /// ICMPv4 bytes 4..8 (before the RFC 4884 length is stored in byte 5).
    pub rest: u32,
    /// What happens to an RFC 4884 extension.
    pub ext: ExtMode,
}

/// RFC 7915 §5.2 informational messages: only Echo Request/Reply have a counterpart
/// (MLD 130–132 and ND 133–137 are single-hop: "Silently drop").
pub fn map_info(ty: u8) -> Step<u8> {
    match ty {
        128 => Ok(8),
        129 => Ok(0),
        _ => Err(drop(Jstat::UnknownIcmp6Type)),
    }
}

/// RFC 7915 §5.2 Figure 6: Parameter Problem pointer, IPv6 header offset → IPv4 header offset.
pub fn pointer_6to4(ptr: u32) -> Option<u8> {
    match ptr {
        0 => Some(0),        // Version/Traffic Class → Version/IHL
        1 => Some(1),        // Traffic Class/Flow Label → Type Of Service
        4 | 5 => Some(2),    // Payload Length → Total Length
        6 => Some(9),        // Next Header → Protocol
        7 => Some(8),        // Hop Limit → Time to Live
        8..=23 => Some(12),  // Source Address
        24..=39 => Some(16), // Destination Address
        _ => None,           // 2, 3 (Flow Label): "n/a"; beyond the header: not listed
    }
}

/// RFC 7915 §5.2 Packet Too Big: "minimum(advertised MTU-20, MTU_of_IPv4_nexthop,
/// (MTU_of_IPv6_nexthop)-20)".
pub fn ptb_to_fn_mtu(pkt_mtu: u32, mtu4_out: u32, mtu6_in: u32) -> u32 {
    pkt_mtu
        .saturating_sub(20)
        .min(mtu4_out)
        .min(mtu6_in.saturating_sub(20))
        .min(0xffff)
}

/// RFC 7915 §5.2 error messages. `mtu4_out` / `mtu6_in` feed the Packet Too Big arithmetic.
pub fn map_error(ty: u8, code: u8, rest: u32, mtu4_out: u32, mtu6_in: u32) -> Step<Mapped> {
    let unknown = || drop(Jstat::UnknownIcmp6Type);
    let m = |ty, code, rest, ext| {
        Ok(Mapped {
            ty,
            code,
            rest,
            ext,
        })
    };
    match ty {
        // Destination Unreachable → Type 3.
        1 => {
            let code4 = match code {
                0 | 2 | 3 => 1, // No route / beyond scope / address unreachable → host unreachable
                1 => 10,        // Administratively prohibited → host administratively prohibited
                4 => 3,         // Port unreachable
                _ => return Err(unknown()),
            };
            m(3, code4, 0, ExtMode::Keep)
        }
        // Packet Too Big → Fragmentation Needed (3/4).
        2 => m(
            3,
            4,
            ptb_to_fn_mtu(rest, mtu4_out, mtu6_in),
            ExtMode::Absent,
        ),
        // Time Exceeded → Type 11, code unchanged.
        3 => m(11, code, 0, ExtMode::Keep),
        // Parameter Problem.
        4 => match code {
            0 => match pointer_6to4(rest) {
                Some(p) => m(12, 0, u32::from(p) << 24, ExtMode::Absent),
                None => Err(drop(Jstat::UntranslatableParamProbPtr64)),
            },
            // Unrecognized Next Header → Protocol Unreachable.
            1 => m(3, 2, 0, ExtMode::Absent),
            _ => Err(unknown()),
        },
        _ => Err(unknown()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_destination_unreachable_codes() {
        let code = |c| map_error(1, c, 0, 1500, 1500).map(|m| (m.ty, m.code));
        assert_eq!(code(0), Ok((3, 1)));
        assert_eq!(code(1), Ok((3, 10)));
        assert_eq!(code(2), Ok((3, 1)));
        assert_eq!(code(3), Ok((3, 1)));
        assert_eq!(code(4), Ok((3, 3)));
        assert_eq!(code(5), Err(drop(Jstat::UnknownIcmp6Type)));
    }

    #[test]
    fn maps_parameter_problem() {
        assert_eq!(
            map_error(4, 1, 0, 1500, 1500).map(|m| (m.ty, m.code)),
            Ok((3, 2))
        );
        assert_eq!(map_error(4, 0, 7, 1500, 1500).map(|m| m.rest), Ok(8 << 24));
        assert_eq!(
            map_error(4, 0, 2, 1500, 1500),
            Err(drop(Jstat::UntranslatableParamProbPtr64))
        );
        assert_eq!(
            map_error(4, 2, 0, 1500, 1500),
            Err(drop(Jstat::UnknownIcmp6Type))
        );
        assert_eq!(
            map_error(5, 0, 0, 1500, 1500),
            Err(drop(Jstat::UnknownIcmp6Type))
        );
    }

    #[test]
    fn pointer_table_matches_figure_6() {
        let t: Vec<_> = (0..41).map(pointer_6to4).collect();
        assert_eq!(
            &t[..8],
            &[
                Some(0),
                Some(1),
                None,
                None,
                Some(2),
                Some(2),
                Some(9),
                Some(8)
            ]
        );
        assert!(t[8..24].iter().all(|&p| p == Some(12)));
        assert!(t[24..40].iter().all(|&p| p == Some(16)));
        assert_eq!(t[40], None);
    }

    #[test]
    fn packet_too_big_takes_the_smallest_mtu() {
        assert_eq!(ptb_to_fn_mtu(1400, 1500, 1500), 1380);
        assert_eq!(ptb_to_fn_mtu(1400, 1300, 1500), 1300);
        assert_eq!(ptb_to_fn_mtu(1400, 1500, 1310), 1290);
        assert_eq!(ptb_to_fn_mtu(10, 1500, 1500), 0);
        assert_eq!(ptb_to_fn_mtu(200_000, 100_000, 100_000), 0xffff);
    }

    #[test]
    fn drops_single_hop_informational_messages() {
        assert_eq!(map_info(128), Ok(8));
        assert_eq!(map_info(129), Ok(0));
        for t in 130..=137 {
            assert_eq!(map_info(t), Err(drop(Jstat::UnknownIcmp6Type)));
        }
    }
}
