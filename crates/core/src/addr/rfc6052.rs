//! RFC 6052 §2.2: IPv4-embedded IPv6 addresses, every prefix length (32, 40, 48, 56, 64, 96).
//!
//! ```text
//!   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//!   |PL| 0-------------32--40--48--56--64--72--80--88--96--104---------|
//!   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
//!   |32|     prefix    |v4(32)         | u | suffix                    |
//!   |40|     prefix        |v4(24)     | u |(8)| suffix                |
//!   |48|     prefix            |v4(16) | u | (16)  | suffix            |
//!   |56|     prefix                |(8)| u |  v4(24)   | suffix        |
//!   |64|     prefix                    | u |   v4(32)      | suffix    |
//!   |96|     prefix                                    |    v4(32)     |
//! ```
//! Bits 64–71 (byte 8, the "u" octet) never carry IPv4 bits.

use crate::prefix::Ipv6Prefix;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The prefix lengths RFC 6052 §2.2 allows.
pub const VALID_LENGTHS: [u8; 6] = [32, 40, 48, 56, 64, 96];

/// Byte index of the u-octet (bits 64–71), RFC 6052 §2.2.
const U_OCTET: usize = 8;

/// Is `len` one of the RFC 6052 §2.2 prefix lengths?
#[inline]
pub fn is_valid_length(len: u8) -> bool {
    VALID_LENGTHS.contains(&len)
}

/// The four byte positions of the IPv4 address inside the IPv6 address for a prefix of
/// length `len` (RFC 6052 §2.2): consecutive from `len / 8`, skipping the u-octet.
#[inline]
fn positions(len: u8) -> Option<[usize; 4]> {
    if !is_valid_length(len) {
        return None;
    }
    let mut out = [0usize; 4];
    let mut pos = usize::from(len / 8);
    for slot in &mut out {
        if pos == U_OCTET {
            pos += 1;
        }
        *slot = pos;
        pos += 1;
    }
    Some(out)
}

/// Extracts the IPv4 address embedded in `addr` with `prefix`. `None` if `addr` is not
/// inside `prefix` or the prefix length is not a valid RFC 6052 length.
pub fn addr_6to4(prefix: &Ipv6Prefix, addr: Ipv6Addr) -> Option<Ipv4Addr> {
    let pos = positions(prefix.len)?;
    if !prefix.contains(addr) {
        return None;
    }
    let o = addr.octets();
    Some(Ipv4Addr::new(o[pos[0]], o[pos[1]], o[pos[2]], o[pos[3]]))
}

/// Embeds `addr` into `prefix` (suffix bits zero). `None` if the prefix length is invalid.
pub fn addr_4to6(prefix: &Ipv6Prefix, addr: Ipv4Addr) -> Option<Ipv6Addr> {
    let pos = positions(prefix.len)?;
    let mut o = prefix.network().octets();
    for (&p, byte) in pos.iter().zip(addr.octets()) {
        o[p] = byte;
    }
    Some(Ipv6Addr::from(o))
}

/// Validates a pool6 prefix (spec §3, §5): RFC 6052 length, no host bits, and the u-octet
/// zero unless `force`. Messages are Jool's.
pub fn validate_pool6(prefix: &Ipv6Prefix, force: bool) -> Result<(), String> {
    super::validate_no_host_bits6(prefix)?;
    if !is_valid_length(prefix.len) {
        return Err(format!(
            "{} is not a valid prefix length (32, 40, 48, 56, 64, 96).",
            prefix.len
        ));
    }
    if prefix.addr.octets()[U_OCTET] != 0 && !force {
        return Err(
            "The u-bit is nonzero; see https://github.com/NICMx/Jool/issues/174.\n\
                    Will cancel the operation. Use --force to override this."
                .to_string(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p6(s: &str) -> Ipv6Prefix {
        s.parse().unwrap()
    }

    fn a6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    const V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 33);

    /// RFC 6052 §2.4, the table of examples (192.0.2.33).
    const RFC6052_EXAMPLES: [(&str, &str); 7] = [
        ("2001:db8::/32", "2001:db8:c000:221::"),
        ("2001:db8:100::/40", "2001:db8:1c0:2:21::"),
        ("2001:db8:122::/48", "2001:db8:122:c000:2:2100::"),
        ("2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"),
        ("2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"),
        ("2001:db8:122:344::/96", "2001:db8:122:344::192.0.2.33"),
        ("64:ff9b::/96", "64:ff9b::192.0.2.33"),
    ];

    #[test]
    fn embeds_rfc6052_examples_4to6() {
        for (prefix, expected) in RFC6052_EXAMPLES {
            assert_eq!(addr_4to6(&p6(prefix), V4), Some(a6(expected)), "{prefix}");
        }
    }

    #[test]
    fn extracts_rfc6052_examples_6to4() {
        for (prefix, embedded) in RFC6052_EXAMPLES {
            assert_eq!(addr_6to4(&p6(prefix), a6(embedded)), Some(V4), "{prefix}");
        }
    }

    #[test]
    fn ignores_u_octet_and_suffix_6to4() {
        // Bits 64–71 and the suffix carry no IPv4 bits.
        let got = addr_6to4(&p6("2001:db8::/32"), a6("2001:db8:c000:221:ff00::ffff"));
        assert_eq!(got, Some(V4));
    }

    #[test]
    fn leaves_u_octet_zero_4to6() {
        for len in VALID_LENGTHS {
            let prefix = Ipv6Prefix::new(Ipv6Addr::UNSPECIFIED, len);
            let out = addr_4to6(&prefix, Ipv4Addr::BROADCAST).unwrap();
            assert_eq!(out.octets()[8], 0, "/{len}");
            assert_eq!(addr_6to4(&prefix, out), Some(Ipv4Addr::BROADCAST), "/{len}");
        }
    }

    #[test]
    fn rejects_address_outside_prefix_6to4() {
        assert_eq!(
            addr_6to4(&p6("64:ff9b::/96"), a6("64:ff9c::c000:221")),
            None
        );
    }

    #[test]
    fn rejects_invalid_prefix_lengths() {
        for len in [0u8, 24, 33, 72, 128] {
            let prefix = Ipv6Prefix::new(a6("2001:db8::"), len);
            assert_eq!(addr_4to6(&prefix, V4), None, "/{len}");
            assert_eq!(addr_6to4(&prefix, a6("2001:db8::")), None, "/{len}");
        }
    }

    #[test]
    fn embeds_into_network_part_only() {
        // Host bits of the configured prefix never leak into the output.
        let prefix = Ipv6Prefix::new(a6("64:ff9b::1:2"), 96);
        assert_eq!(addr_4to6(&prefix, V4), Some(a6("64:ff9b::192.0.2.33")));
    }

    #[test]
    fn validates_pool6_length_host_bits_and_u_bit() {
        assert!(validate_pool6(&p6("64:ff9b::/96"), false).is_ok());
        assert!(validate_pool6(&p6("2001:db8::/32"), false).is_ok());
        assert_eq!(
            validate_pool6(&p6("64:ff9b::/80"), false).unwrap_err(),
            "80 is not a valid prefix length (32, 40, 48, 56, 64, 96)."
        );
        assert_eq!(
            validate_pool6(&p6("64:ff9b::1/96"), false).unwrap_err(),
            "'64:ff9b::1/96' seems to have a suffix; please fix."
        );
        let u = p6("64:ff9b:0:0:100::/96");
        assert_eq!(
            validate_pool6(&u, false).unwrap_err(),
            "The u-bit is nonzero; see https://github.com/NICMx/Jool/issues/174.\n\
             Will cancel the operation. Use --force to override this."
        );
        assert!(validate_pool6(&u, true).is_ok());
    }
}
