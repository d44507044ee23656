//! RFC 6052 §2.2: IPv4-embedded IPv6 addresses, every prefix length (32, 40, 48, 56, 64, 96).
//! CONTRACT: signatures fixed; bodies written by the address work.

use crate::prefix::Ipv6Prefix;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Extracts the IPv4 address embedded in `addr` with `prefix`. `None` if `addr` is not
/// inside `prefix` or the prefix length is not a valid RFC 6052 length.
pub fn addr_6to4(prefix: &Ipv6Prefix, addr: Ipv6Addr) -> Option<Ipv4Addr> {
    let _ = (prefix, addr);
    unimplemented!("rfc6052::addr_6to4")
}

/// Embeds `addr` into `prefix` (suffix bits zero). `None` if the prefix length is invalid.
pub fn addr_4to6(prefix: &Ipv6Prefix, addr: Ipv4Addr) -> Option<Ipv6Addr> {
    let _ = (prefix, addr);
    unimplemented!("rfc6052::addr_4to6")
}
