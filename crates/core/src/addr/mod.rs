//! Address translation: pool6 (RFC 6052), EAMT (RFC 7757), denylist4, RFC 6791 pools.

use crate::prefix::{Ipv4Prefix, Ipv6Prefix};
use std::net::Ipv4Addr;

pub mod denylist4;
pub mod eamt;
pub mod rfc6052;
pub mod rfc6791;

/// Is `addr` inside a subnet-scoped network (0/8, 127/8, 169.254/16, 224/4,
/// 255.255.255.255)? Such addresses are never translated (spec §7.1).
pub fn is_scoped4(addr: Ipv4Addr) -> bool {
    let o = addr.octets();
    o[0] == 0
        || o[0] == 127
        || (o[0] == 169 && o[1] == 254)
        || (o[0] & 0xf0) == 224
        || addr == Ipv4Addr::BROADCAST
}

/// The subnet-scoped IPv4 networks, in the order Jool checks them (spec §2.5).
pub const SCOPED_NETWORKS4: [Ipv4Prefix; 5] = [
    Ipv4Prefix::new(Ipv4Addr::new(0, 0, 0, 0), 8),
    Ipv4Prefix::new(Ipv4Addr::new(127, 0, 0, 0), 8),
    Ipv4Prefix::new(Ipv4Addr::new(169, 254, 0, 0), 16),
    Ipv4Prefix::new(Ipv4Addr::new(224, 0, 0, 0), 4),
    Ipv4Prefix::new(Ipv4Addr::new(255, 255, 255, 255), 32),
];

/// The netmask of an IPv4 prefix length; lengths above 32 count as 32 (never panics).
#[inline]
pub fn mask4(len: u8) -> u32 {
    u32::MAX
        .checked_shl(32u32.saturating_sub(u32::from(len)))
        .unwrap_or(0)
}

/// The netmask of an IPv6 prefix length; lengths above 128 count as 128 (never panics).
#[inline]
pub fn mask6(len: u8) -> u128 {
    u128::MAX
        .checked_shl(128u32.saturating_sub(u32::from(len)))
        .unwrap_or(0)
}

fn check_len(len: u8, max: u8) -> Result<(), String> {
    if len > max {
        return Err(format!("'{len}' is out of bounds (0-{max})."));
    }
    Ok(())
}

/// Rejects a prefix with bits set after its length:
/// `'P/L' seems to have a suffix; please fix.` (and a length above 32).
pub fn validate_no_host_bits4(prefix: &Ipv4Prefix) -> Result<(), String> {
    check_len(prefix.len, 32)?;
    if prefix.has_host_bits() {
        return Err(suffix_message(prefix));
    }
    Ok(())
}

/// IPv6 twin of [`validate_no_host_bits4`] (lengths above 128 rejected).
pub fn validate_no_host_bits6(prefix: &Ipv6Prefix) -> Result<(), String> {
    check_len(prefix.len, 128)?;
    if prefix.has_host_bits() {
        return Err(suffix_message(prefix));
    }
    Ok(())
}

fn suffix_message(prefix: &dyn std::fmt::Display) -> String {
    format!("'{prefix}' seems to have a suffix; please fix.")
}

/// Rejects a prefix that intersects a subnet-scoped network unless `force` (spec §2.5):
/// `Prefix X intersects with subnet scoped network Y.\nWill cancel the operation. Use --force to ignore this validation.`
pub fn validate_scope4(prefix: &Ipv4Prefix, force: bool) -> Result<(), String> {
    if force {
        return Ok(());
    }
    match SCOPED_NETWORKS4
        .iter()
        .find(|scoped| scoped.intersects(prefix))
    {
        Some(scoped) => Err(format!(
            "Prefix {prefix} intersects with subnet scoped network {scoped}.\n\
             Will cancel the operation. Use --force to ignore this validation."
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p4(s: &str) -> Ipv4Prefix {
        s.parse().unwrap()
    }

    #[test]
    fn scoped_networks_agree_with_is_scoped4() {
        for net in SCOPED_NETWORKS4 {
            assert!(is_scoped4(net.addr), "{net}");
        }
        assert!(!is_scoped4(Ipv4Addr::new(192, 0, 2, 1)));
    }

    #[test]
    fn rejects_prefix_intersecting_scoped_network_unless_forced() {
        let err = validate_scope4(&p4("127.0.0.0/24"), false).unwrap_err();
        assert_eq!(
            err,
            "Prefix 127.0.0.0/24 intersects with subnet scoped network 127.0.0.0/8.\n\
             Will cancel the operation. Use --force to ignore this validation."
        );
        let err = validate_scope4(&p4("128.0.0.0/1"), false).unwrap_err();
        assert!(err.contains("169.254.0.0/16"), "{err}");
        assert!(validate_scope4(&p4("127.0.0.0/24"), true).is_ok());
        assert!(validate_scope4(&p4("192.0.2.0/24"), false).is_ok());
    }

    #[test]
    fn rejects_out_of_range_lengths_without_panicking() {
        let p4 = Ipv4Prefix {
            addr: Ipv4Addr::new(192, 0, 2, 0),
            len: 40,
        };
        assert_eq!(
            validate_no_host_bits4(&p4).unwrap_err(),
            "'40' is out of bounds (0-32)."
        );
        let p6 = Ipv6Prefix {
            addr: std::net::Ipv6Addr::UNSPECIFIED,
            len: 200,
        };
        assert_eq!(
            validate_no_host_bits6(&p6).unwrap_err(),
            "'200' is out of bounds (0-128)."
        );
        assert_eq!(mask4(40), u32::MAX);
        assert_eq!(mask4(0), 0);
        assert_eq!(mask6(200), u128::MAX);
        assert_eq!(mask6(0), 0);
        assert_eq!(mask6(1), 1 << 127);
    }

    #[test]
    fn rejects_prefix_with_host_bits() {
        assert_eq!(
            validate_no_host_bits4(&p4("192.0.2.1/24")).unwrap_err(),
            "'192.0.2.1/24' seems to have a suffix; please fix."
        );
        assert!(validate_no_host_bits4(&p4("192.0.2.0/24")).is_ok());
        let p6: Ipv6Prefix = "2001:db8::1/64".parse().unwrap();
        assert_eq!(
            validate_no_host_bits6(&p6).unwrap_err(),
            "'2001:db8::1/64' seems to have a suffix; please fix."
        );
    }
}
