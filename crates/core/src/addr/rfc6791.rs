//! RFC 6791 pools: source addresses for ICMP errors whose original source is untranslatable.
//! CONTRACT: signatures fixed; bodies written by the address work.

use crate::prefix::{Ipv4Prefix, Ipv6Prefix};
use std::net::{Ipv4Addr, Ipv6Addr};

/// An address of `prefix`: host bits from `random` when `randomize`, else the
/// `hop_limit`-th address (spec §7.2).
pub fn pick4(prefix: &Ipv4Prefix, randomize: bool, hop_limit: u8, random: u32) -> Ipv4Addr {
    let _ = (prefix, randomize, hop_limit, random);
    unimplemented!("rfc6791::pick4")
}

/// An address of `prefix` with random host bits.
pub fn pick6(prefix: &Ipv6Prefix, random: [u32; 4]) -> Ipv6Addr {
    let _ = (prefix, random);
    unimplemented!("rfc6791::pick6")
}
