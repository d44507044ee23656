//! The value syntaxes of the clients (spec §1.3) that `jool_core::globals` does not cover:
//! prefixes as positionals, transport addresses, port ranges, marks, `--max-iterations`.
//! Messages are Jool's; errors are plain strings the caller prints as `Error: <msg>`.

use jool_core::globals::parse_uint;
use jool_core::{Ipv4Prefix, Ipv6Prefix};
use jool_ctl::proto::MaxIterDto;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `ADDR[/LEN]` (IPv4; LEN defaults to 32).
pub fn prefix4(s: &str) -> Result<Ipv4Prefix, String> {
    s.parse()
        .map_err(|e: jool_core::prefix::PrefixError| e.to_string())
}

/// `ADDR[/LEN]` (IPv6; LEN defaults to 128).
pub fn prefix6(s: &str) -> Result<Ipv6Prefix, String> {
    s.parse()
        .map_err(|e: jool_core::prefix::PrefixError| e.to_string())
}

/// A bare IPv4 or IPv6 address (`address query`), classified by `:`.
pub fn address(s: &str) -> Result<IpAddr, String> {
    if s.contains(':') {
        s.parse::<Ipv6Addr>()
            .map(IpAddr::V6)
            .map_err(|_| format!("Cannot parse '{s}' as an IPv6 address."))
    } else {
        s.parse::<Ipv4Addr>()
            .map(IpAddr::V4)
            .map_err(|_| format!("Cannot parse '{s}' as an IPv4 address."))
    }
}

/// `203.0.113.8#80`, with Jool's `str_to_addr4_port` rules and messages (shared with the
/// atomic-configuration file).
pub fn taddr4(s: &str) -> Result<(Ipv4Addr, u16), String> {
    jool_ctl::json::parse_taddr4(s).map_err(|e| e.to_string())
}

/// `2001:db8::1#96`, with Jool's `str_to_addr6_port` rules and messages.
pub fn taddr6(s: &str) -> Result<(Ipv6Addr, u16), String> {
    jool_ctl::json::parse_taddr6(s).map_err(|e| e.to_string())
}

/// `MIN[-MAX]`, 0..65535; a single number is a one-port range (Jool's `str_to_port_range`,
/// shared with the atomic-configuration file).
pub fn port_range(s: &str) -> Result<(u16, u16), String> {
    jool_ctl::json::parse_port_range(s).map_err(|e| e.to_string())
}

/// A 32-bit unsigned integer (`--mark`).
pub fn u32_of(s: &str) -> Result<u32, String> {
    parse_uint(s, 0, u64::from(u32::MAX))
        .map(|v| v as u32)
        .map_err(|e| e.to_string())
}

/// `--max-iterations (<integer>|auto|infinity)`.
pub fn max_iterations(s: &str) -> Result<MaxIterDto, String> {
    match s {
        "auto" => Ok(MaxIterDto::Auto),
        "infinity" => Ok(MaxIterDto::Infinity),
        n => u32_of(n).map(MaxIterDto::Fixed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_with_default_lengths() {
        assert_eq!(prefix4("192.0.2.1").unwrap().to_string(), "192.0.2.1/32");
        assert_eq!(prefix6("64:ff9b::/96").unwrap().to_string(), "64:ff9b::/96");
        assert_eq!(
            prefix4("192.0.2.0/33").unwrap_err(),
            "'33' is out of bounds (0-32)."
        );
        assert_eq!(
            prefix6("potato/64").unwrap_err(),
            "Cannot parse 'potato' as an IPv6 address."
        );
    }

    #[test]
    fn parses_transport_addresses() {
        assert_eq!(
            taddr4("203.0.113.8#80").unwrap(),
            ("203.0.113.8".parse().unwrap(), 80)
        );
        assert_eq!(
            taddr6("2001:db8::1#96").unwrap(),
            ("2001:db8::1".parse().unwrap(), 96)
        );
        assert_eq!(
            taddr4("203.0.113.8").unwrap_err(),
            "'203.0.113.8' does not seem to contain a port (format: <IPv4 address>#<port> (eg. 203.0.113.8#80))."
        );
        assert_eq!(
            taddr6("2001:db8::1").unwrap_err(),
            "'2001:db8::1' does not seem to contain a port (format: <IPv6 address>#<port> (eg. 2001:db8::1#96))."
        );
        assert_eq!(
            taddr4("203.0.113.8#70000").unwrap_err(),
            "'70000' is out of bounds (0-65535)."
        );
    }

    #[test]
    fn parses_port_ranges() {
        assert_eq!(port_range("61001-65535").unwrap(), (61001, 65535));
        assert_eq!(port_range("80").unwrap(), (80, 80));
        assert_eq!(
            port_range("x-3").unwrap_err(),
            "'x-3' is not an unsigned integer. (error code 1)"
        );
        assert_eq!(
            port_range("-5").unwrap_err(),
            "'-5' is not an unsigned integer. (error code 1)"
        );
    }

    #[test]
    fn parses_max_iterations() {
        assert_eq!(max_iterations("auto").unwrap(), MaxIterDto::Auto);
        assert_eq!(max_iterations("infinity").unwrap(), MaxIterDto::Infinity);
        assert_eq!(max_iterations("5").unwrap(), MaxIterDto::Fixed(5));
        assert!(max_iterations("lots").is_err());
    }

    #[test]
    fn classifies_addresses_by_colon() {
        assert!(matches!(address("64:ff9b::1"), Ok(IpAddr::V6(_))));
        assert!(matches!(address("192.0.2.1"), Ok(IpAddr::V4(_))));
        assert!(address("192.0.2").is_err());
    }
}
