//! The string syntaxes of the atomic-configuration file that are not globals (spec §1.3):
//! port ranges, transport addresses and protocols, with Jool's client error messages.

use super::{ConfigError, Proto};
use std::net::{Ipv4Addr, Ipv6Addr};

/// `ERANGE`, which Jool reports when `strtoull` overflows.
const ERANGE: i32 = 34;

/// Jool's `str_to_ull`: the string must start with a digit; the leading digits are the value
/// (trailing garbage is ignored, like `strtoull`); the value must lie in `min..=max`.
/// Returns the value and the text after the digits.
pub(crate) fn parse_uint(s: &str, min: u64, max: u64) -> Result<(u64, &str), ConfigError> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(ConfigError::Invalid(format!(
            "'{s}' is not an unsigned integer. (error code 1)"
        )));
    }
    let value: u64 = s[..digits].parse().map_err(|_| {
        ConfigError::Invalid(format!("Parsing of '{s}' threw error code {ERANGE}."))
    })?;
    if value < min || value > max {
        return Err(ConfigError::Invalid(format!(
            "'{s}' is out of bounds ({min}-{max})."
        )));
    }
    Ok((value, &s[digits..]))
}

/// `MIN[-MAX]`, 0..65535 each; a single number is a one-port range.
pub fn parse_port_range(s: &str) -> Result<(u16, u16), ConfigError> {
    let (min, rest) = parse_uint(s, 0, u64::from(u16::MAX))?;
    let Some(max_text) = rest.strip_prefix('-') else {
        return Ok((min as u16, min as u16));
    };
    let (max, _) = parse_uint(max_text, 0, u64::from(u16::MAX))?;
    Ok((min as u16, max as u16))
}

/// Splits `ADDR#PORT` the way `strtok(s, "#")` does (empty tokens skipped), after Jool's
/// length check. Returns the address token and the port token, if any.
fn split_taddr<'a>(
    s: &'a str,
    max_len: usize,
    format: &str,
) -> Result<(&'a str, Option<&'a str>), ConfigError> {
    if s.len() + 1 > max_len {
        return Err(ConfigError::Invalid(format!(
            "'{s}' is too long for this poor, limited parser..."
        )));
    }
    let mut tokens = s.split('#').filter(|t| !t.is_empty());
    let addr = tokens
        .next()
        .ok_or_else(|| ConfigError::Invalid(format!("Cannot parse '{s}' as a {format}.")))?;
    Ok((addr, tokens.next()))
}

fn port_of(s: &str, token: Option<&str>, format: &str) -> Result<u16, ConfigError> {
    let token = token.ok_or_else(|| {
        ConfigError::Invalid(format!(
            "'{s}' does not seem to contain a port (format: {format})."
        ))
    })?;
    let (port, _) = parse_uint(token, 0, u64::from(u16::MAX))?;
    Ok(port as u16)
}

/// `ADDR#PORT` with an IPv4 address (`203.0.113.8#80`).
pub fn parse_taddr4(s: &str) -> Result<(Ipv4Addr, u16), ConfigError> {
    const FORMAT: &str = "<IPv4 address>#<port> (eg. 203.0.113.8#80)";
    // INET_ADDRSTRLEN + '#' + 5 port digits.
    let (addr, port) = split_taddr(s, 16 + 1 + 5, FORMAT)?;
    let addr = addr
        .parse::<Ipv4Addr>()
        .map_err(|_| ConfigError::Invalid(format!("Cannot parse '{addr}' as an IPv4 address.")))?;
    Ok((addr, port_of(s, port, FORMAT)?))
}

/// `ADDR#PORT` with an IPv6 address (`2001:db8::1#96`).
pub fn parse_taddr6(s: &str) -> Result<(Ipv6Addr, u16), ConfigError> {
    const FORMAT: &str = "<IPv6 address>#<port> (eg. 2001:db8::1#96)";
    // INET6_ADDRSTRLEN + '#' + 5 port digits.
    let (addr, port) = split_taddr(s, 46 + 1 + 5, FORMAT)?;
    let addr = addr
        .parse::<Ipv6Addr>()
        .map_err(|_| ConfigError::Invalid(format!("Cannot parse '{addr}' as an IPv6 address.")))?;
    Ok((addr, port_of(s, port, FORMAT)?))
}

/// `TCP`, `UDP` or `ICMP`, case-insensitive.
pub(crate) fn parse_proto(s: &str) -> Result<Proto, ConfigError> {
    [Proto::Tcp, Proto::Udp, Proto::Icmp]
        .into_iter()
        .find(|p| p.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| ConfigError::Invalid(format!("Protocol '{s}' is unknown.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg<T: std::fmt::Debug>(r: Result<T, ConfigError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn parses_port_ranges() {
        assert_eq!(parse_port_range("61001-62000").unwrap(), (61001, 62000));
        assert_eq!(parse_port_range("80").unwrap(), (80, 80));
        assert_eq!(parse_port_range("10x").unwrap(), (10, 10));
        assert_eq!(
            msg(parse_port_range("1-70000")),
            "'70000' is out of bounds (0-65535)."
        );
        assert_eq!(
            msg(parse_port_range("70000-80000")),
            "'70000-80000' is out of bounds (0-65535)."
        );
        assert_eq!(
            msg(parse_port_range("-5")),
            "'-5' is not an unsigned integer. (error code 1)"
        );
        assert_eq!(
            msg(parse_port_range("99999999999999999999999")),
            "Parsing of '99999999999999999999999' threw error code 34."
        );
    }

    #[test]
    fn parses_transport_addresses() {
        assert_eq!(
            parse_taddr4("192.0.2.1#80").unwrap(),
            (Ipv4Addr::new(192, 0, 2, 1), 80)
        );
        assert_eq!(
            parse_taddr6("2001:db8::1#96").unwrap(),
            ("2001:db8::1".parse().unwrap(), 96)
        );
        assert_eq!(
            msg(parse_taddr4("192.0.2.1")),
            "'192.0.2.1' does not seem to contain a port (format: <IPv4 address>#<port> (eg. 203.0.113.8#80))."
        );
        assert_eq!(
            msg(parse_taddr4("192.0.2#1")),
            "Cannot parse '192.0.2' as an IPv4 address."
        );
        assert_eq!(
            msg(parse_taddr6("2001:db8::1#65536")),
            "'65536' is out of bounds (0-65535)."
        );
        assert_eq!(
            msg(parse_taddr4("#")),
            "Cannot parse '#' as a <IPv4 address>#<port> (eg. 203.0.113.8#80)."
        );
        assert_eq!(
            msg(parse_taddr4("255.255.255.255#65535x")),
            "'255.255.255.255#65535x' is too long for this poor, limited parser..."
        );
    }

    #[test]
    fn parses_protocols_case_insensitively() {
        assert_eq!(parse_proto("tcp").unwrap(), Proto::Tcp);
        assert_eq!(parse_proto("Udp").unwrap(), Proto::Udp);
        assert_eq!(parse_proto("ICMP").unwrap(), Proto::Icmp);
        assert_eq!(msg(parse_proto("SCTP")), "Protocol 'SCTP' is unknown.");
    }
}
