//! Transport checksum updates (RFC 1624 incremental, so a wrong checksum stays equally wrong).
//!
//! TCP and UDP checksums cover a pseudo-header whose length and protocol are the same on both
//! sides, so only the addresses change: the update subtracts one address sum and adds the
//! other, which works on every fragment that carries the header, even without knowing the
//! datagram's length (spec §7.5). ICMPv6 covers a pseudo-header and ICMPv4 does not, so the
//! echo translation also removes or adds the whole pseudo-header and the type change.

use jool_wire::checksum;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Offset of the checksum field in a TCP header.
pub const TCP_CSUM: usize = 16;
/// Offset of the checksum field in a UDP header.
pub const UDP_CSUM: usize = 6;
/// Offset of the checksum field in an ICMP header.
pub const ICMP_CSUM: usize = 2;

/// Sum of the two IPv4 addresses (pseudo-header with zero protocol and length).
fn addrs4(src: Ipv4Addr, dst: Ipv4Addr) -> u32 {
    checksum::pseudo_v4(src, dst, 0, 0)
}

/// Sum of the two IPv6 addresses (pseudo-header with zero protocol and length).
fn addrs6(src: Ipv6Addr, dst: Ipv6Addr) -> u32 {
    checksum::pseudo_v6(src, dst, 0, 0)
}

/// TCP/UDP checksum after 6→4 address translation (RFC 7915 §5.5).
pub fn l4_6to4(csum: u16, src6: Ipv6Addr, dst6: Ipv6Addr, src4: Ipv4Addr, dst4: Ipv4Addr) -> u16 {
    checksum::update(csum, addrs6(src6, dst6), addrs4(src4, dst4))
}

/// TCP/UDP checksum after 4→6 address translation (RFC 7915 §4.5).
pub fn l4_4to6(csum: u16, src4: Ipv4Addr, dst4: Ipv4Addr, src6: Ipv6Addr, dst6: Ipv6Addr) -> u16 {
    checksum::update(csum, addrs4(src4, dst4), addrs6(src6, dst6))
}

/// The value a partial (`CHECKSUM_PARTIAL`, virtio `NEEDS_CSUM`) TCP/UDP checksum field holds,
/// given the partial sum of the pseudo-header: the sum folded, NOT complemented. The device
/// adds every byte from the transport header on (this field included) and stores the
/// complement.
///
/// What this relies on (Linux): the stack leaves `th->check = ~tcp_v4_check(len, s, d, 0)`
/// (`__tcp_v4_send_check`; `tcp6_gro_complete` likewise for IPv6), i.e. this value with `len`
/// the WHOLE transport length, also for a GSO super-packet; `tcp_gso_segment` then adjusts
/// each segment's field by adding `~len` (its "oldlen", "the contribution of skb->len on the
/// input skb TCP checksum") and the segment's own transport length before the device (or
/// software) sums the segment. So for a super-packet the field must hold the pseudo-header
/// sum over the super-packet's whole transport length, which is what the translator writes.
pub fn partial(pseudo: u32) -> u16 {
    checksum::fold(pseudo)
}

/// UDP transmits a computed zero as all ones (RFC 768; RFC 8200 §8.1).
pub fn udp_nonzero(csum: u16) -> u16 {
    if csum == 0 {
        0xffff
    } else {
        csum
    }
}

/// The 16-bit word holding ICMP type and code.
fn type_code(t: u8, c: u8) -> u32 {
    u32::from(u16::from_be_bytes([t, c]))
}

/// ICMPv6 → ICMPv4 checksum of an informational message (RFC 7915 §5.2: "adjust the ICMP
/// checksum both to take the type change into account and to exclude the ICMPv6
/// pseudo-header"). `len` is the ICMPv6 message length.
pub fn icmp_6to4(
    csum: u16,
    src6: Ipv6Addr,
    dst6: Ipv6Addr,
    len: u32,
    old: (u8, u8),
    new: (u8, u8),
) -> u16 {
    let old_sum = checksum::combine(
        checksum::pseudo_v6(src6, dst6, 58, len),
        type_code(old.0, old.1),
    );
    checksum::update(csum, old_sum, type_code(new.0, new.1))
}

/// ICMPv4 → ICMPv6 checksum of an informational message (RFC 7915 §4.2: "adjust the ICMP
/// checksum both to take the type change into account and to include the ICMPv6
/// pseudo-header").
pub fn icmp_4to6(
    csum: u16,
    src6: Ipv6Addr,
    dst6: Ipv6Addr,
    len: u32,
    old: (u8, u8),
    new: (u8, u8),
) -> u16 {
    let new_sum = checksum::combine(
        checksum::pseudo_v6(src6, dst6, 58, len),
        type_code(new.0, new.1),
    );
    checksum::update(csum, type_code(old.0, old.1), new_sum)
}

/// Full ICMPv4 checksum of `msg` (its checksum field is ignored).
pub fn full_icmp4(msg: &[u8]) -> u16 {
    let s = checksum::sum(msg);
    let stored = super::be16(msg, ICMP_CSUM);
    // Subtracting the stored field in ones' complement = adding its complement.
    checksum::finish(checksum::combine(s, u32::from(!stored)))
}

/// Full ICMPv6 checksum of `msg` (its checksum field is ignored).
pub fn full_icmp6(msg: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
    let ph = checksum::pseudo_v6(src, dst, 58, msg.len() as u32);
    let stored = super::be16(msg, ICMP_CSUM);
    checksum::finish(checksum::combine(
        checksum::combine(checksum::sum(msg), ph),
        u32::from(!stored),
    ))
}

/// Does the ICMPv4 message carry a correct checksum?
pub fn icmp4_ok(msg: &[u8]) -> bool {
    checksum::verify(checksum::sum(msg))
}

/// Does the ICMPv6 message carry a correct checksum?
pub fn icmp6_ok(msg: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> bool {
    checksum::verify(checksum::combine(
        checksum::sum(msg),
        checksum::pseudo_v6(src, dst, 58, msg.len() as u32),
    ))
}

/// Full UDP-over-IPv6 checksum of `seg` (RFC 7915 §4.5, `amend-udp-checksum-zero`); the
/// checksum field must hold zero.
pub fn full_udp6(seg: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> u16 {
    let ph = checksum::pseudo_v6(src, dst, 17, seg.len() as u32);
    udp_nonzero(checksum::finish(checksum::combine(checksum::sum(seg), ph)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_icmp4_ignores_the_stored_checksum() {
        let mut m = [8u8, 0, 0xab, 0xcd, 0, 1, 0, 2, 0x61, 0x62];
        let c = full_icmp4(&m);
        m[2..4].copy_from_slice(&c.to_be_bytes());
        assert!(icmp4_ok(&m));
    }

    #[test]
    fn full_icmp6_ignores_the_stored_checksum() {
        let s: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let d: Ipv6Addr = "2001:db8::2".parse().unwrap();
        let mut m = [128u8, 0, 0x12, 0x34, 0, 1, 0, 2, 0x61];
        let c = full_icmp6(&m, s, d);
        m[2..4].copy_from_slice(&c.to_be_bytes());
        assert!(icmp6_ok(&m, s, d));
        m[8] = 0x62;
        assert!(!icmp6_ok(&m, s, d));
    }
}
