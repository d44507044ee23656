//! RFC 6791 pools: source addresses for ICMP errors whose original source is untranslatable.
//!
//! `rfc6791v4-prefix` (6→4 errors) and `rfc6791v6-prefix` (4→6 errors), spec §3, §7.2.
//! The caller supplies the randomness, so the core stays deterministic.

use crate::prefix::{Ipv4Prefix, Ipv6Prefix};
use std::net::{Ipv4Addr, Ipv6Addr};

/// An address of `prefix`: host bits from `random` when `randomize`, else the
/// `hop_limit`-th address (spec §7.2).
///
/// RFC 6791 §4 suggests a random pick to spread the sources over the pool; Jool's
/// `randomize-rfc6791-addresses off` uses the hop limit instead, so that traceroute shows
/// one address per hop. Either way the value is masked to the host bits.
pub fn pick4(prefix: &Ipv4Prefix, randomize: bool, hop_limit: u8, random: u32) -> Ipv4Addr {
    let host = if randomize {
        random
    } else {
        u32::from(hop_limit)
    };
    let mask = super::mask4(prefix.len);
    Ipv4Addr::from((u32::from(prefix.addr) & mask) | (host & !mask))
}

/// An address of `prefix` with random host bits.
pub fn pick6(prefix: &Ipv6Prefix, random: [u32; 4]) -> Ipv6Addr {
    let r = random
        .iter()
        .fold(0u128, |acc, w| (acc << 32) | u128::from(*w));
    let mask = super::mask6(prefix.len);
    Ipv6Addr::from((u128::from(prefix.addr) & mask) | (r & !mask))
}

/// Validates `rfc6791v4-prefix` (spec §3): no host bits; subnet-scoped ranges rejected
/// unless `force`.
pub fn validate_rfc6791v4(prefix: &Ipv4Prefix, force: bool) -> Result<(), String> {
    super::validate_no_host_bits4(prefix)?;
    super::validate_scope4(prefix, force)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p4(s: &str) -> Ipv4Prefix {
        s.parse().unwrap()
    }

    #[test]
    fn picks_hop_limit_th_address_when_not_randomized() {
        let p = p4("198.51.100.0/24");
        assert_eq!(
            pick4(&p, false, 64, 0xdead_beef),
            Ipv4Addr::new(198, 51, 100, 64)
        );
        assert_eq!(pick4(&p, false, 0, 7), Ipv4Addr::new(198, 51, 100, 0));
        // The hop limit wraps by the host-bit mask.
        let small = p4("198.51.100.8/30");
        assert_eq!(pick4(&small, false, 7, 0), Ipv4Addr::new(198, 51, 100, 11));
        assert_eq!(pick4(&small, false, 4, 0), Ipv4Addr::new(198, 51, 100, 8));
    }

    #[test]
    fn picks_random_host_bits_when_randomized() {
        let p = p4("198.51.100.0/24");
        assert_eq!(
            pick4(&p, true, 64, 0xdead_beef),
            Ipv4Addr::new(198, 51, 100, 0xef)
        );
        let single = p4("198.51.100.7/32");
        assert_eq!(
            pick4(&single, true, 64, u32::MAX),
            Ipv4Addr::new(198, 51, 100, 7)
        );
    }

    #[test]
    fn picks_random_ipv6_host_bits() {
        let p: Ipv6Prefix = "2001:db8:1::/96".parse().unwrap();
        let got = pick6(&p, [0xffff_ffff, 0x1111_1111, 0x2222_2222, 0xc000_0201]);
        assert_eq!(got, "2001:db8:1::c000:201".parse::<Ipv6Addr>().unwrap());
        let all: Ipv6Prefix = "2001:db8::1/128".parse().unwrap();
        assert_eq!(
            pick6(&all, [u32::MAX; 4]),
            "2001:db8::1".parse::<Ipv6Addr>().unwrap()
        );
    }

    #[test]
    fn validates_rfc6791v4_prefix() {
        assert!(validate_rfc6791v4(&p4("198.51.100.0/24"), false).is_ok());
        assert_eq!(
            validate_rfc6791v4(&p4("198.51.100.1/24"), true).unwrap_err(),
            "'198.51.100.1/24' seems to have a suffix; please fix."
        );
        assert!(validate_rfc6791v4(&p4("169.254.0.0/24"), false)
            .unwrap_err()
            .contains("169.254.0.0/16"));
        assert!(validate_rfc6791v4(&p4("169.254.0.0/24"), true).is_ok());
    }
}
