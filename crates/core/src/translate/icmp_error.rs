//! ICMP errors the translator originates (spec §7.4).
//!
//! Jool hands them to the kernel's `icmp_send()` / `icmpv6_send()`; we build the same packet:
//! IPv4 with TOS 0xC0, TTL 64, DF clear, source = the address the kernel would pick, quoting
//! as much of the offending packet as fits in 576 bytes (RFC 1812 §4.3.2.3); IPv6 with hop
//! limit 64, quoting as much as fits in 1280 bytes (RFC 4443 §2.4 (c)). Like the kernel, we
//! never answer an ICMP error, a non-first fragment, or a multicast/broadcast packet
//! (RFC 1812 §4.3.2.7, RFC 4443 §2.4 (e)).

use crate::host::Host;
use crate::packet::PacketBuf;
use crate::translate::{csum, put16, put32, IcmpErr, MAX_ICMP4_ERROR, MAX_ICMP6_ERROR};
use jool_wire::{proto, Ipv4Packet, Ipv6Packet};

/// TOS of kernel-originated ICMPv4 errors (`IPTOS_PREC_INTERNETCONTROL`).
pub const ICMP4_TOS: u8 = 0xc0;
/// TTL / hop limit of originated errors (the kernel default).
pub const ICMP_TTL: u8 = 64;

/// What happened to an originated error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Written into the reply buffer.
    Sent,
    /// No usable source address (`JSTAT_ICMP*ERR_FAILURE`).
    NoSource,
    /// Not allowed by the ICMP rules (no error about errors, fragments, multicast).
    Suppressed,
}

/// Builds ICMPv4 `err` about the IPv4 packet `offending` into `reply`.
pub fn build_v4(
    host: &mut dyn Host,
    offending: &[u8],
    err: IcmpErr,
    reply: &mut PacketBuf,
) -> Outcome {
    reply.clear();
    let Ok(ip) = Ipv4Packet::new_lax(offending) else {
        return Outcome::Suppressed;
    };
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let ihl = ip.header_len();
    let about_error = ip.protocol() == proto::ICMP
        && ip.frag_offset() == 0
        && offending
            .get(ihl)
            .is_some_and(|&t| jool_wire::icmpv4::is_error(t));
    if about_error
        || ip.frag_offset() != 0
        || src.is_unspecified()
        || src.is_multicast()
        || src.is_broadcast()
        || dst.is_multicast()
        || dst.is_broadcast()
    {
        return Outcome::Suppressed;
    }
    let Some(me) = host.source4(src) else {
        return Outcome::NoSource;
    };
    let quote = offending
        .len()
        .min(usize::from(ip.total_len()))
        .min(MAX_ICMP4_ERROR - 28);
    let total = 28 + quote;
    if !reply.push_back(total) {
        return Outcome::Suppressed;
    }
    let ident = host.random_u32() as u16;
    let b = reply.bytes_mut();
    b[28..].copy_from_slice(&offending[..quote]);
    {
        let mut ip4 = Ipv4Packet::new_unchecked(&mut b[..20]);
        ip4.set_version_ihl(4, 5);
        ip4.set_dscp_ecn(ICMP4_TOS);
        ip4.set_total_len(total as u16);
        ip4.set_ident(ident);
        ip4.set_flags_frag(false, false, 0);
        ip4.set_ttl(host.originated_ttl());
        ip4.set_protocol(proto::ICMP);
        ip4.set_src_addr(me);
        ip4.set_dst_addr(src);
        ip4.fill_checksum();
    }
    let (ty, code, rest) = err.v4();
    b[20] = ty;
    b[21] = code;
    put16(b, 22, 0);
    put32(b, 24, rest);
    let c = csum::full_icmp4(&b[20..]);
    put16(b, 22, c);
    Outcome::Sent
}

/// Builds ICMPv6 `err` about the IPv6 packet `offending` into `reply`.
pub fn build_v6(
    host: &mut dyn Host,
    offending: &[u8],
    err: IcmpErr,
    reply: &mut PacketBuf,
) -> Outcome {
    reply.clear();
    let Ok(ip) = Ipv6Packet::new_lax(offending) else {
        return Outcome::Suppressed;
    };
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let chain = jool_wire::ipv6::walk_chain(offending, true).ok();
    let later_frag = chain
        .as_ref()
        .and_then(|c| c.frag)
        .is_some_and(|f| f.frag_offset != 0);
    let about_error = chain.as_ref().is_some_and(|c| {
        c.l4_proto == proto::ICMPV6
            && offending
                .get(c.l4_offset)
                .is_some_and(|&t| jool_wire::icmpv6::is_error(t))
    });
    // RFC 4443 §2.4 (e.3): Packet Too Big may answer a multicast destination.
    let multicast_ok = matches!(err, IcmpErr::FragNeeded(_));
    if about_error
        || later_frag
        || src.is_unspecified()
        || src.is_multicast()
        || (dst.is_multicast() && !multicast_ok)
    {
        return Outcome::Suppressed;
    }
    let Some(me) = host.source6(src) else {
        return Outcome::NoSource;
    };
    let declared = 40 + usize::from(ip.payload_len());
    let quote = offending.len().min(declared).min(MAX_ICMP6_ERROR - 48);
    let total = 48 + quote;
    if !reply.push_back(total) {
        return Outcome::Suppressed;
    }
    let b = reply.bytes_mut();
    b[48..].copy_from_slice(&offending[..quote]);
    {
        let mut ip6 = Ipv6Packet::new_unchecked(&mut b[..40]);
        ip6.set_version_tc_flow(0, 0);
        ip6.set_payload_len((total - 40) as u16);
        ip6.set_next_header(proto::ICMPV6);
        ip6.set_hop_limit(host.originated_ttl());
        ip6.set_src_addr(me);
        ip6.set_dst_addr(src);
    }
    let (ty, code, rest) = err.v6();
    b[40] = ty;
    b[41] = code;
    put16(b, 42, 0);
    put32(b, 44, rest);
    let c = csum::full_icmp6(&b[40..], me, src);
    put16(b, 42, c);
    Outcome::Sent
}
