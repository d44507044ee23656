//! IPv4 and IPv6 prefixes (`ADDR[/LEN]`), as the client and the JSON file write them.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Why a prefix string was rejected. Messages follow Jool's client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    /// The address part is not an address of the expected family.
    #[error("Cannot parse '{0}' as an {1} address.")]
    BadAddress(String, &'static str),
    /// The length part is not a number or is too large.
    /// Jool's unsigned-integer messages (spec §1.3): not starting with a digit, or out of
    /// bounds `(0-max)`.
    #[error("{0}")]
    BadLength(String),
}

/// An IPv4 prefix. Host bits may be set; `has_host_bits` tells (callers that care reject it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Prefix {
    /// The network address.
    pub addr: Ipv4Addr,
    /// Prefix length, 0..=32.
    pub len: u8,
}

/// An IPv6 prefix. Host bits may be set; `has_host_bits` tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Prefix {
    /// The network address.
    pub addr: Ipv6Addr,
    /// Prefix length, 0..=128.
    pub len: u8,
}

#[inline]
fn mask32(len: u8) -> u32 {
    // Lengths over 32 (fields are public) are treated as 32.
    match len {
        0 => 0,
        l => u32::MAX << (32 - u32::from(l.min(32))),
    }
}

#[inline]
fn mask128(len: u8) -> u128 {
    // Lengths over 128 (fields are public) are treated as 128.
    match len {
        0 => 0,
        l => u128::MAX << (128 - u32::from(l.min(128))),
    }
}

impl Ipv4Prefix {
    /// A prefix; `len` is clamped to 32.
    pub const fn new(addr: Ipv4Addr, len: u8) -> Self {
        Ipv4Prefix {
            addr,
            len: if len > 32 { 32 } else { len },
        }
    }

    /// The netmask as an integer.
    #[inline]
    pub fn mask(&self) -> u32 {
        mask32(self.len)
    }

    /// Does the prefix contain `addr`?
    #[inline]
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        (u32::from(addr) ^ u32::from(self.addr)) & self.mask() == 0
    }

    /// Do the two prefixes share at least one address?
    pub fn intersects(&self, other: &Ipv4Prefix) -> bool {
        let m = mask32(self.len.min(other.len));
        (u32::from(self.addr) ^ u32::from(other.addr)) & m == 0
    }

    /// Are any bits set after the prefix length?
    pub fn has_host_bits(&self) -> bool {
        u32::from(self.addr) & !self.mask() != 0
    }

    /// Number of addresses (2^(32-len)).
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.len.min(32)))
    }

    /// The network address with host bits cleared.
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & self.mask())
    }
}

impl Ipv6Prefix {
    /// A prefix; `len` is clamped to 128.
    pub const fn new(addr: Ipv6Addr, len: u8) -> Self {
        Ipv6Prefix {
            addr,
            len: if len > 128 { 128 } else { len },
        }
    }

    /// The netmask as an integer.
    #[inline]
    pub fn mask(&self) -> u128 {
        mask128(self.len)
    }

    /// Does the prefix contain `addr`?
    #[inline]
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        (u128::from(addr) ^ u128::from(self.addr)) & self.mask() == 0
    }

    /// Do the two prefixes share at least one address?
    pub fn intersects(&self, other: &Ipv6Prefix) -> bool {
        let m = mask128(self.len.min(other.len));
        (u128::from(self.addr) ^ u128::from(other.addr)) & m == 0
    }

    /// Are any bits set after the prefix length?
    pub fn has_host_bits(&self) -> bool {
        u128::from(self.addr) & !self.mask() != 0
    }

    /// The network address with host bits cleared.
    pub fn network(&self) -> Ipv6Addr {
        Ipv6Addr::from(u128::from(self.addr) & self.mask())
    }
}

fn split(s: &str) -> (&str, Option<&str>) {
    match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    }
}

/// The length after `/`, parsed as Jool's client parses unsigned integers (spec §1.3: a leading
/// digit, trailing garbage ignored, bounds 0..=max); none (or an empty one, as `strtok` sees
/// `ADDR/`) is the full length.
fn parse_len(l: Option<&str>, max: u8) -> Result<u8, PrefixError> {
    let Some(l) = l.filter(|l| !l.is_empty()) else {
        return Ok(max);
    };
    crate::globals::parse_uint(l, 0, u64::from(max))
        .map(|n| u8::try_from(n).unwrap_or(max))
        .map_err(|e| PrefixError::BadLength(e.to_string()))
}

impl FromStr for Ipv4Prefix {
    type Err = PrefixError;
    /// `ADDR[/LEN]`; LEN defaults to 32.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, l) = split(s.trim());
        let addr = a
            .parse::<Ipv4Addr>()
            .map_err(|_| PrefixError::BadAddress(a.to_string(), "IPv4"))?;
        Ok(Ipv4Prefix {
            addr,
            len: parse_len(l, 32)?,
        })
    }
}

impl FromStr for Ipv6Prefix {
    type Err = PrefixError;
    /// `ADDR[/LEN]`; LEN defaults to 128.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (a, l) = split(s.trim());
        let addr = a
            .parse::<Ipv6Addr>()
            .map_err(|_| PrefixError::BadAddress(a.to_string(), "IPv6"))?;
        Ok(Ipv6Prefix {
            addr,
            len: parse_len(l, 128)?,
        })
    }
}

impl fmt::Display for Ipv4Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

impl fmt::Display for Ipv6Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_length() {
        let p: Ipv4Prefix = "192.0.2.0/24".parse().unwrap();
        assert_eq!(p, Ipv4Prefix::new(Ipv4Addr::new(192, 0, 2, 0), 24));
        let p: Ipv4Prefix = "192.0.2.1".parse().unwrap();
        assert_eq!(p.len, 32);
        let p: Ipv6Prefix = "64:ff9b::/96".parse().unwrap();
        assert_eq!(p.to_string(), "64:ff9b::/96");
        let p: Ipv6Prefix = "2001:db8::1".parse().unwrap();
        assert_eq!(p.len, 128);
    }

    #[test]
    fn rejects_bad_prefixes() {
        assert!("192.0.2.0/33".parse::<Ipv4Prefix>().is_err());
        assert!("192.0.2/24".parse::<Ipv4Prefix>().is_err());
        assert!("2001:db8::/129".parse::<Ipv6Prefix>().is_err());
        assert!("192.0.2.0/24".parse::<Ipv6Prefix>().is_err());
        assert!("10.0.0.0/-1".parse::<Ipv4Prefix>().is_err());
    }

    /// Spec §1.3: the length is an unsigned integer as Jool's client parses it.
    #[test]
    fn parses_the_length_as_jools_client_does() {
        let e = "192.0.2.0/x".parse::<Ipv4Prefix>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "'x' is not an unsigned integer. (error code 1)"
        );
        let e = "192.0.2.0/33".parse::<Ipv4Prefix>().unwrap_err();
        assert_eq!(e.to_string(), "'33' is out of bounds (0-32).");
        let e = "2001:db8::/200".parse::<Ipv6Prefix>().unwrap_err();
        assert_eq!(e.to_string(), "'200' is out of bounds (0-128).");
        // Trailing garbage is ignored (strtoull); an empty length is the full one (strtok).
        let p: Ipv4Prefix = "192.0.2.0/24x".parse().unwrap();
        assert_eq!(p.len, 24);
        let p: Ipv4Prefix = "192.0.2.0/".parse().unwrap();
        assert_eq!(p.len, 32);
    }

    #[test]
    fn contains_intersects_and_host_bits() {
        let p: Ipv4Prefix = "192.0.2.0/24".parse().unwrap();
        assert!(p.contains(Ipv4Addr::new(192, 0, 2, 200)));
        assert!(!p.contains(Ipv4Addr::new(192, 0, 3, 1)));
        assert!(p.intersects(&"192.0.0.0/16".parse().unwrap()));
        assert!(!p.intersects(&"198.51.100.0/24".parse().unwrap()));
        assert!(!p.has_host_bits());
        assert!("192.0.2.1/24"
            .parse::<Ipv4Prefix>()
            .unwrap()
            .has_host_bits());
        let all: Ipv4Prefix = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(Ipv4Addr::BROADCAST));
        assert_eq!(all.size(), 1 << 32);
        let p6: Ipv6Prefix = "2001:db8::/32".parse().unwrap();
        assert!(p6.contains("2001:db8:1::1".parse().unwrap()));
        assert!("2001:db8::1/64"
            .parse::<Ipv6Prefix>()
            .unwrap()
            .has_host_bits());
        assert!(!"::/0".parse::<Ipv6Prefix>().unwrap().has_host_bits());
    }
}
