//! Address translation: pool6 (RFC 6052), EAMT (RFC 7757), denylist4, RFC 6791 pools.

use std::net::Ipv4Addr;

pub mod denylist4;
pub mod eamt;
pub mod rfc6052;
pub mod rfc6791;

/// Is `addr` inside a subnet-scoped network (0/8, 127/8, 169.254/16, 224/4,
/// 255.255.255.255)? Such addresses are never translated (spec §7.1).
pub fn is_scoped4(addr: Ipv4Addr) -> bool {
    let o = addr.octets();
    o[0] == 0 || o[0] == 127 || (o[0] == 169 && o[1] == 254) || (o[0] & 0xf0) == 224 || addr == Ipv4Addr::BROADCAST
}
