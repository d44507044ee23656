//! Where a translation takes its addresses from: SIIT's per-address mapping
//! ([`super::addr_xlat`]) or a stateful NAT64's outgoing tuple (RFC 6146 §3.6).
//!
//! ```text
//!   Mode64::Siit                 addr_xlat: EAMT, pool6, RFC 6791          ports untouched
//!   Mode64::Nat64(Out64)         outer: src4 → dst4 (session)              ports / ICMP id rewritten
//!                                ICMP error inner: dst4 → src4 (reversed)  (incremental checksums)
//! ```
//!
//! The stateful translator changes transport identifiers as well as addresses, so the
//! translator rewrites the ports (or the ICMP Echo identifier) of the packet, and of the packet
//! inside an ICMP error, and folds the change into the transport checksum (RFC 1624).

use crate::nat64::tuple::{Taddr4, Taddr6};
use crate::translate::{be16, csum, put16};
use jool_wire::{checksum, proto};
use std::net::Ipv6Addr;

/// RFC 6146 §3.6.1: the outgoing tuple of an IPv6 packet, as the 6→4 translator uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Out64 {
    /// Source transport address (the mask). ICMP: the identifier in `port`.
    pub src: Taddr4,
    /// Destination transport address (the IPv4 peer). ICMP: the identifier again.
    pub dst: Taddr4,
    /// The packet was reassembled from fragments: the IPv4 result leaves with DF clear and
    /// is not checked against the next-hop MTU (the kernel fragments it, as after Jool's
    /// defragmentation).
    pub reassembled: bool,
}

/// RFC 6146 §3.6.2: the outgoing tuple of an IPv4 packet, as the 4→6 translator uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Out46 {
    /// Source transport address (pool6 + the IPv4 peer).
    pub src: Taddr6,
    /// Destination transport address (the IPv6 client).
    pub dst: Taddr6,
    /// ICMP errors only: outer source replacing `src.addr` (`source-icmpv6-errors-better`:
    /// pool6 + the ICMPv4 error's actual source).
    pub error_src: Option<Ipv6Addr>,
    /// Second half of a NAT64 hairpin (RFC 6146 §3.8): the TTL was decremented already.
    pub hairpin: bool,
}

/// How a 6→4 translation chooses addresses (and ports).
#[derive(Clone, Copy, Debug)]
pub enum Mode64 {
    /// SIIT: RFC 6052 / RFC 7757 / RFC 6791, ports untouched.
    Siit,
    /// Stateful NAT64: the outgoing tuple.
    Nat64(Out64),
}

/// How a 4→6 translation chooses addresses (and ports).
#[derive(Clone, Copy, Debug)]
pub enum Mode46 {
    /// SIIT; `uturn`: second half of an RFC 7757 §4.2 intrinsic hairpin.
    Siit {
        /// Second half of an intrinsic hairpin.
        uturn: bool,
    },
    /// Stateful NAT64: the outgoing tuple.
    Nat64(Out46),
}

/// NAT64, ICMP errors: rewrites the ports (or the Echo identifier, for `icmp_proto`) of the
/// quoted inner transport header at `il4` of `q` to `ports`, folding the change into its
/// checksum (a UDP checksum of zero stays zero: there is nothing to update).
pub(crate) fn rewrite_inner(
    q: &mut [u8],
    il4: usize,
    l4_proto: u8,
    icmp_proto: u8,
    ports: (u16, u16),
) {
    match l4_proto {
        proto::TCP => rewrite_ports(q, il4, csum::TCP_CSUM, ports, true),
        proto::UDP => {
            let fix = be16(q, il4 + csum::UDP_CSUM) != 0;
            rewrite_ports(q, il4, csum::UDP_CSUM, ports, fix);
        }
        p if p == icmp_proto => rewrite_echo_id(q, il4, ports.0),
        _ => {}
    }
}

/// Rewrites the source and destination ports of a TCP/UDP header at `l4` to `new`,
/// updating the checksum at `l4 + csum_at` (RFC 1624) unless `fix_csum` is false (UDP with a
/// zero checksum, computed from scratch later). Out-of-range offsets are ignored.
pub(crate) fn rewrite_ports(b: &mut [u8], l4: usize, csum_at: usize, new: (u16, u16), fix: bool) {
    if b.len() < l4 + 4 {
        return;
    }
    let old = (be16(b, l4), be16(b, l4 + 2));
    put16(b, l4, new.0);
    put16(b, l4 + 2, new.1);
    if fix && b.len() >= l4 + csum_at + 2 {
        let c = checksum::update(
            be16(b, l4 + csum_at),
            u32::from(old.0) + u32::from(old.1),
            u32::from(new.0) + u32::from(new.1),
        );
        let c = if csum_at == csum::UDP_CSUM {
            csum::udp_nonzero(c)
        } else {
            c
        };
        put16(b, l4 + csum_at, c);
    }
}

/// Rewrites the identifier of an ICMP Echo header at `l4` (bytes 4–5), updating its checksum.
pub(crate) fn rewrite_echo_id(b: &mut [u8], l4: usize, id: u16) {
    if b.len() < l4 + 6 {
        return;
    }
    let old = be16(b, l4 + 4);
    put16(b, l4 + 4, id);
    let c = checksum::update16(be16(b, l4 + csum::ICMP_CSUM), old, id);
    put16(b, l4 + csum::ICMP_CSUM, c);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_rewrite_keeps_a_correct_checksum_correct() {
        // UDP 1000 → 53, "ab", over a fake 4-byte pseudo-sum.
        let mut seg = [0x03, 0xe8, 0, 53, 0, 10, 0, 0, 0x61, 0x62];
        let c = checksum::finish(checksum::sum(&seg));
        seg[6..8].copy_from_slice(&c.to_be_bytes());
        rewrite_ports(&mut seg, 0, csum::UDP_CSUM, (61001, 80), true);
        assert_eq!(&seg[..4], &[0xee, 0x49, 0, 80]);
        assert!(checksum::verify(checksum::sum(&seg)));
    }

    #[test]
    fn echo_id_rewrite_keeps_a_correct_checksum_correct() {
        let mut m = [8u8, 0, 0, 0, 0x12, 0x34, 0, 1, 0x61];
        let c = checksum::finish(checksum::sum(&m));
        m[2..4].copy_from_slice(&c.to_be_bytes());
        rewrite_echo_id(&mut m, 0, 0xee49);
        assert_eq!(&m[4..6], &[0xee, 0x49]);
        assert!(checksum::verify(checksum::sum(&m)));
    }

    #[test]
    fn ignores_short_headers() {
        let mut b = [1u8, 2, 3];
        rewrite_ports(&mut b, 0, csum::TCP_CSUM, (9, 9), true);
        rewrite_echo_id(&mut b, 0, 9);
        assert_eq!(b, [1, 2, 3]);
    }
}
