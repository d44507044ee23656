//! RFC 7915 §4: IPv4 → IPv6, in place (the buffer's headroom absorbs the growth).
//!
//! `plan` reads and validates everything and decides every field; `apply` then rewrites the
//! buffer. Nothing is written before `plan` succeeds.
//!
//! DF=0 packets larger than min(next-hop MTU, `lowest-ipv6-mtu`) are emitted whole: in the
//! datapath the kernel fragments them on the way out (spec §7.5), as it does for Jool.

use crate::config::SiitConfig;
use crate::host::Host;
use crate::offload::{self, Carried, Gso, Offload, Shape};
use crate::packet::PacketBuf;
use crate::stats::Jstat;
use crate::translate::addr_xlat::{addrs_4to6, Role};
use crate::translate::outgoing::{rewrite_echo_id, rewrite_inner, rewrite_ports, Mode46, Out46};
use crate::translate::rfc4884::{self, ExtMode};
use crate::translate::{csum, drop, drop_icmp, err4, icmp46, put16, put32, IcmpErr, Step};
use crate::translate::{IPV6_MIN_MTU, MAX_ICMP6_ERROR};
use jool_wire::ipv4::unexpired_source_route;
use jool_wire::{checksum, proto, Icmpv4Packet, Ipv4Packet, Ipv6Packet, TcpPacket, UdpPacket};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Length of the IPv6 header.
const H6: usize = jool_wire::ipv6::HEADER_LEN;
/// Length of the IPv6 Fragment header.
const FRAG: usize = jool_wire::ipv6::FRAG_HEADER_LEN;

/// IPv4 fragmentation fields, copied into a Fragment header (RFC 7915 §4.1).
#[derive(Clone, Copy, Debug)]
struct Frag4 {
    ident: u16,
    offset: u16,
    more: bool,
}

/// The transport part of the plan.
#[derive(Clone, Copy, Debug)]
enum L4 {
    /// Nothing to touch: a later fragment or a protocol without checksum to fix.
    Opaque,
    /// TCP: pseudo-header update.
    Tcp,
    /// UDP: pseudo-header update.
    Udp,
    /// UDP with checksum zero: compute it (`amend-udp-checksum-zero`).
    UdpAmend,
    /// ICMPv4 Echo → ICMPv6 Echo (new type).
    Echo(u8),
    /// ICMPv4 error → ICMPv6 error.
    Error(ErrorPlan),
}

/// An ICMPv4 error's translation.
#[derive(Clone, Copy, Debug)]
struct ErrorPlan {
    icmp: icmp46::Mapped,
    /// RFC 4884 original-datagram length in bytes, if an extension is present.
    ipl: Option<usize>,
    inner: Inner,
    inner_src: Ipv6Addr,
    inner_dst: Ipv6Addr,
    /// NAT64: the inner packet's new (source, destination) ports / ICMP identifier.
    inner_ports: Option<(u16, u16)>,
}

/// The IPv4 packet inside an ICMPv4 error (a lax view: it may be truncated).
#[derive(Clone, Copy, Debug)]
struct Inner {
    ihl: usize,
    /// Bytes of the inner packet present (up to the RFC 4884 extension).
    avail: usize,
    protocol: u8,
    frag: Option<Frag4>,
    total_len: u16,
    tos: u8,
    ttl: u8,
    src: Ipv4Addr,
    dst: Ipv4Addr,
}

/// Everything decided about one IPv4 packet.
#[derive(Clone, Copy, Debug)]
struct Plan {
    len: usize,
    ihl: usize,
    protocol: u8,
    frag: Option<Frag4>,
    tos: u8,
    hop_limit: u8,
    src4: Ipv4Addr,
    dst4: Ipv4Addr,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    /// NAT64: the new (source, destination) ports / ICMP identifier.
    ports: Option<(u16, u16)>,
    l4: L4,
    /// A partial TCP/UDP checksum (and TCP GSO, its `gso_size` fitted to the IPv6 MTU) carried
    /// over to the IPv6 packet.
    carry: Option<Carried>,
}

/// RFC 7915 §4.1 Next Header: "ICMPv4 (1) → ICMPv6 (58)"; everything else is copied.
fn proto_4to6(p: u8) -> u8 {
    if p == proto::ICMP {
        proto::ICMPV6
    } else {
        p
    }
}

/// RFC 7915 §4.1: a Fragment header is added only if the IPv4 packet is a fragment.
fn frag_of<T: AsRef<[u8]>>(ip: &Ipv4Packet<T>) -> Option<Frag4> {
    ip.is_fragment().then(|| Frag4 {
        ident: ip.ident(),
        offset: ip.frag_offset(),
        more: ip.more_frags(),
    })
}

/// Translates the IPv4 packet in `pkt` into IPv6, in place. `uturn`: this is the second half
/// of an intrinsic hairpin (RFC 7757 §4.2): EAM rules change and the TTL is not decremented
/// twice.
pub fn translate(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    pkt: &mut PacketBuf,
    uturn: bool,
) -> Step<()> {
    let plan = plan(
        cfg,
        Mode46::Siit { uturn },
        host,
        pkt.bytes(),
        pkt.offload(),
    )?;
    apply(cfg, pkt, &plan).ok_or(drop(Jstat::Unknown))
}

/// Translates the IPv4 packet in `pkt` into IPv6, in place, with a stateful NAT64's outgoing
/// tuple (RFC 6146 §3.7): addresses and ports from `out`; an ICMP error's inner packet gets
/// the reversed tuple. A zero UDP checksum is always computed (the whole datagram is here).
/// Only `cfg.globals` is read.
pub fn translate_nat64(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    pkt: &mut PacketBuf,
    out: Out46,
) -> Step<()> {
    let plan = plan(cfg, Mode46::Nat64(out), host, pkt.bytes(), pkt.offload())?;
    apply(cfg, pkt, &plan).ok_or(drop(Jstat::Unknown))
}

fn plan(cfg: &SiitConfig, mode: Mode46, host: &mut dyn Host, b: &[u8], off: Offload) -> Step<Plan> {
    let (uturn, nat64) = match mode {
        Mode46::Siit { uturn } => (uturn, None),
        Mode46::Nat64(o) => (o.hairpin, Some(o)),
    };
    let ip4 = Ipv4Packet::new_checked(b).map_err(err4)?;
    if !ip4.verify_checksum() {
        return Err(drop(Jstat::Hdr4));
    }
    let len = usize::from(ip4.total_len());
    let ihl = ip4.header_len();
    let b = b.get(..len).ok_or(drop(Jstat::SkbTruncated))?;
    let frag = frag_of(&ip4);
    let first = ip4.frag_offset() == 0;
    let protocol = ip4.protocol();
    // RFC 7915 §4.3 / spec §7.5: a stateless translator cannot fix a fragmented ICMP checksum.
    if protocol == proto::ICMP && frag.is_some() {
        return Err(drop(Jstat::FragmentedIcmp46));
    }
    let seg = b.get(ihl..).unwrap_or(&[]);
    if first {
        let (ok, min) = match protocol {
            proto::TCP => (TcpPacket::new_checked(seg).is_ok(), 20),
            proto::UDP if frag.is_some() => (UdpPacket::new_lax(seg).is_ok(), 8),
            proto::UDP => (UdpPacket::new_checked(seg).is_ok(), 8),
            proto::ICMP => (Icmpv4Packet::new_checked(seg).is_ok(), 8),
            _ => (true, 0),
        };
        if !ok {
            return Err(drop(if seg.len() < min {
                Jstat::SkbTruncated
            } else {
                Jstat::Hdr4
            }));
        }
    }
    // Offloads (crate::offload): `prepare` left them plain or in a shape carried over.
    let mut carry = match offload::shape(off, protocol, frag.is_some(), ihl, seg) {
        Shape::Plain => None,
        Shape::Carried(c) => Some(c),
        Shape::Odd => return Err(drop(Jstat::Unknown)),
    };
    let is_error = first && protocol == proto::ICMP && jool_wire::icmpv4::is_error(seg[0]);
    let inner = if is_error {
        Some(parse_inner(seg)?)
    } else {
        None
    };

    // Addresses (spec §7.2): hand back anything we must not translate.
    let (src4, dst4, ttl) = (ip4.src_addr(), ip4.dst_addr(), ip4.ttl());
    let role = match &inner {
        Some((i, _)) => Role::OuterError {
            hop_limit: ttl,
            inner_dst4: Some(i.dst),
        },
        None => Role::Outer,
    };
    let (src, dst, inner6, ports, inner_ports) = match nat64 {
        None => {
            let (src, dst) = addrs_4to6(cfg, host, src4, dst4, role, uturn)?;
            let inner6 = match &inner {
                Some((i, _)) => Some(addrs_4to6(cfg, host, i.src, i.dst, Role::Inner, uturn)?),
                None => None,
            };
            (src, dst, inner6, None, None)
        }
        // RFC 6146 §3.7: addresses and ports from the outgoing tuple; the packet inside an
        // ICMP error travels the other way, so it takes the tuple reversed.
        Some(o) => {
            let src = match inner {
                Some(_) => o.error_src.unwrap_or(o.src.addr),
                None => o.src.addr,
            };
            let inner6 = inner.as_ref().map(|_| (o.dst.addr, o.src.addr));
            let ports = Some((o.src.port, o.dst.port));
            let inner_ports = Some((o.dst.port, o.src.port));
            (src, o.dst.addr, inner6, ports, inner_ports)
        }
    };

    // spec §7.6: an outgoing IPv6 MTU below 1280 is a configuration error.
    let mtu6 = host.mtu6(dst);
    if mtu6.min(cfg.globals.lowest_ipv6_mtu) < IPV6_MIN_MTU {
        return Err(drop(Jstat::BadMtu46));
    }
    // spec §7.4: DF set and the translation exceeds the next-hop MTU → ICMPv4 3/4 with
    // MTU = max(576, nexthopMTU − 20). (ICMP errors are cut to 1280 bytes instead.)
    // A TCP super-packet is judged by its segments (wire_len): each one leaves on its own.
    let out_len = H6 + if frag.is_some() { FRAG } else { 0 } + (len - ihl);
    let wire_len = carry.map_or(out_len, |c| c.wire_len(out_len, H6));
    if !is_error && ip4.dont_frag() && wire_len > mtu6 as usize {
        let mtu = mtu6.saturating_sub(20).max(576);
        return Err(drop_icmp(Jstat::PktTooBig, IcmpErr::FragNeeded(mtu)));
    }
    // DF=0 super-packet whose segments exceed the IPv6 MTU: smaller segments instead of
    // fragments (the TCP stream is only re-segmented). Like a plain DF=0 packet, the target is
    // the next-hop MTU (the kernel fragments those at the route MTU, not lowest-ipv6-mtu).
    if let Some(c) = carry.as_mut() {
        if let (Some(g), true) = (c.gso, wire_len > mtu6 as usize) {
            // mtu6 >= 1280 (checked above) and the TCP header is <= 60 bytes: size >= 1180.
            let fit = (mtu6 as usize).saturating_sub(H6 + c.hdr_len).max(1);
            c.gso = Some(Gso {
                size: fit.min(usize::from(g.size)) as u16,
                ..g
            });
        }
    }
    // RFC 7915 §4.1: "if an unexpired source route option is present, then the packet MUST
    // instead be discarded, and an ICMPv4 'Destination Unreachable, Source Route Failed'
    // (Type 3, Code 5) error message SHOULD be returned to the sender."
    if unexpired_source_route(ip4.options()).is_some() {
        return Err(drop_icmp(Jstat::SrcRoute46, IcmpErr::SrcRoute));
    }
    // RFC 7915 §4.1 Hop Limit: TTL − 1 (the U-turn of a hairpin was decremented already).
    let hop_limit = match uturn {
        true => ttl,
        false => match super::next_hop_ttl(host, ttl) {
            Some(t) => t,
            None => return Err(drop_icmp(Jstat::Ttl46, IcmpErr::Ttl)),
        },
    };

    let l4 = if !first {
        L4::Opaque
    } else {
        match protocol {
            proto::TCP => L4::Tcp,
            // A partial checksum field holds a pseudo-header sum, never "no checksum".
            proto::UDP if carry.is_some() || UdpPacket::new_unchecked(seg).checksum() != 0 => {
                L4::Udp
            }
            // RFC 7915 §4.5: zero-checksum UDP. Computable only when the whole datagram is here.
            // spec §3: "NAT64 always computes" (it sees whole datagrams).
            proto::UDP
                if frag.is_none() && (nat64.is_some() || cfg.globals.amend_udp_checksum_zero) =>
            {
                L4::UdpAmend
            }
            proto::UDP => return Err(drop_icmp(Jstat::FragmentedZeroCsum46, IcmpErr::Filter)),
            proto::ICMP => match (inner, inner6) {
                (Some((inner, ipl)), Some((inner_src, inner_dst))) => {
                    let icmp = Icmpv4Packet::new_unchecked(seg);
                    let mapped = icmp46::map_error(
                        icmp.msg_type(),
                        icmp.msg_code(),
                        icmp.pointer(),
                        || {
                            let plateaus = &cfg.globals.mtu_plateaus;
                            icmp46::fn_to_ptb_mtu(
                                icmp.mtu(),
                                mtu6,
                                host.mtu4(src4),
                                inner.total_len,
                                plateaus,
                            )
                        },
                    )?;
                    // RFC 7915 §4.3: the checksum of an error is validated, then recomputed.
                    if !csum::icmp4_ok(seg) {
                        return Err(drop(Jstat::IcmpCsum46));
                    }
                    check_inner_icmp(seg, &inner)?;
                    L4::Error(ErrorPlan {
                        icmp: mapped,
                        ipl,
                        inner,
                        inner_src,
                        inner_dst,
                        inner_ports,
                    })
                }
                _ => L4::Echo(icmp46::map_info(seg[0])?),
            },
            _ => L4::Opaque,
        }
    };
    Ok(Plan {
        len,
        ihl,
        protocol,
        frag,
        tos: ip4.dscp_ecn(),
        hop_limit,
        src4,
        dst4,
        src,
        dst,
        ports,
        l4,
        carry,
    })
}

/// Parses the packet inside an ICMPv4 error (`seg` = the whole ICMPv4 message).
fn parse_inner(seg: &[u8]) -> Step<(Inner, Option<usize>)> {
    let ty = seg[0];
    let rest = seg.get(8..).unwrap_or(&[]);
    // RFC 4884 §4.1: Destination Unreachable, Time Exceeded and Parameter Problem carry a
    // length in byte 5.
    let ipl = match ty {
        3 | 11 | 12 => rfc4884::input_ipl(seg[5], 4, rest.len())?,
        _ => None,
    };
    let region = &rest[..ipl.unwrap_or(rest.len())];
    let ip = Ipv4Packet::new_lax(region).map_err(err4)?;
    let ihl = ip.header_len();
    if ip.protocol() == proto::ICMP && ip.frag_offset() == 0 {
        if let Some(&t) = region.get(ihl) {
            if jool_wire::icmpv4::is_error(t) {
                return Err(drop(Jstat::DoubleIcmp4Error));
            }
        }
    }
    let inner = Inner {
        ihl,
        avail: region.len(),
        protocol: ip.protocol(),
        frag: frag_of(&ip),
        total_len: ip.total_len(),
        tos: ip.dscp_ecn(),
        ttl: ip.ttl(),
        src: ip.src_addr(),
        dst: ip.dst_addr(),
    };
    Ok((inner, ipl))
}

/// The inner packet's ICMPv4 header, if any, must be an Echo (spec §7.5).
fn check_inner_icmp(seg: &[u8], inner: &Inner) -> Step<()> {
    if inner.protocol != proto::ICMP || inner.frag.is_some_and(|f| f.offset != 0) {
        return Ok(());
    }
    match seg.get(8 + inner.ihl) {
        Some(&t) => icmp46::map_info(t).map(|_| ()),
        None => Ok(()),
    }
}

/// RFC 7915 §4.1 Traffic Class: the TOS, or zero with `zeroize-traffic-class`.
fn traffic_class(cfg: &SiitConfig, tos: u8) -> u8 {
    if cfg.globals.zeroize_traffic_class {
        0
    } else {
        tos
    }
}

/// Writes an IPv6 header (and a Fragment header if `frag`) at the start of `b`.
#[allow(clippy::too_many_arguments)]
fn write_ipv6(
    b: &mut [u8],
    tc: u8,
    payload_len: usize,
    protocol: u8,
    hop_limit: u8,
    frag: Option<Frag4>,
    src: Ipv6Addr,
    dst: Ipv6Addr,
) {
    let Some(h) = b.get_mut(..H6) else { return };
    let mut ip = Ipv6Packet::new_unchecked(h);
    // RFC 7915 §4.1 Flow Label: "0 (all zero bits)".
    ip.set_version_tc_flow(tc, 0);
    ip.set_payload_len(payload_len.min(0xffff) as u16);
    ip.set_next_header(if frag.is_some() {
        proto::FRAGMENT
    } else {
        proto_4to6(protocol)
    });
    ip.set_hop_limit(hop_limit);
    ip.set_src_addr(src);
    ip.set_dst_addr(dst);
    if let (Some(f), Some(fh)) = (frag, b.get_mut(H6..H6 + FRAG)) {
        // RFC 7915 §4.1.1 Fragment header: Next Header from Protocol, offset and M copied,
        // Identification from the IPv4 one (high-order bits zero).
        fh[0] = proto_4to6(protocol);
        fh[1] = 0;
        put16(fh, 2, (f.offset << 3) | u16::from(f.more));
        put32(fh, 4, u32::from(f.ident));
    }
}

/// Replaces the `old` header bytes at `off` with `new` bytes of room.
fn resize(pkt: &mut PacketBuf, off: usize, old: usize, new: usize) -> Option<()> {
    let ok = match new.cmp(&old) {
        std::cmp::Ordering::Greater => pkt.insert_gap(off, new - old),
        std::cmp::Ordering::Less => pkt.remove_gap(off, old - new),
        std::cmp::Ordering::Equal => true,
    };
    ok.then_some(())
}

fn apply(cfg: &SiitConfig, pkt: &mut PacketBuf, p: &Plan) -> Option<()> {
    pkt.truncate(p.len);
    let l4 = p.ihl;
    let b = pkt.bytes_mut();
    // A partial checksum is rewritten whole at the end: no incremental update (RFC 1624
    // arithmetic assumes a complete checksum; the device sums the new ports itself).
    let fix = p.carry.is_none();
    if let Some(ports) = p.ports {
        match p.l4 {
            L4::Tcp => rewrite_ports(b, l4, csum::TCP_CSUM, ports, fix),
            L4::Udp => rewrite_ports(b, l4, csum::UDP_CSUM, ports, fix),
            // Computed from scratch below: the field must stay zero.
            L4::UdpAmend => rewrite_ports(b, l4, csum::UDP_CSUM, ports, false),
            L4::Echo(_) => rewrite_echo_id(b, l4, ports.0),
            _ => {}
        }
    }
    match p.l4 {
        L4::Opaque | L4::UdpAmend => {}
        L4::Tcp | L4::Udp if !fix => {}
        L4::Tcp => {
            let c = csum::l4_4to6(
                super::be16(b, l4 + csum::TCP_CSUM),
                p.src4,
                p.dst4,
                p.src,
                p.dst,
            );
            put16(b, l4 + csum::TCP_CSUM, c);
        }
        L4::Udp => {
            let c = csum::l4_4to6(
                super::be16(b, l4 + csum::UDP_CSUM),
                p.src4,
                p.dst4,
                p.src,
                p.dst,
            );
            put16(b, l4 + csum::UDP_CSUM, csum::udp_nonzero(c));
        }
        L4::Echo(ty6) => {
            let (ty4, code) = (b[l4], b[l4 + 1]);
            let old = super::be16(b, l4 + csum::ICMP_CSUM);
            let c = csum::icmp_4to6(
                old,
                p.src,
                p.dst,
                (p.len - l4) as u32,
                (ty4, code),
                (ty6, code),
            );
            b[l4] = ty6;
            put16(b, l4 + csum::ICMP_CSUM, c);
        }
        L4::Error(e) => apply_error(cfg, pkt, p, &e)?,
    }
    let hdr = H6 + if p.frag.is_some() { FRAG } else { 0 };
    resize(pkt, 0, p.ihl, hdr)?;
    let payload_len = pkt.len() - H6;
    let b = pkt.bytes_mut();
    write_ipv6(
        b,
        traffic_class(cfg, p.tos),
        payload_len,
        p.protocol,
        p.hop_limit,
        p.frag,
        p.src,
        p.dst,
    );
    match p.l4 {
        L4::Error(_) => {
            let c = csum::full_icmp6(&b[hdr..], p.src, p.dst);
            put16(b, hdr + csum::ICMP_CSUM, c);
        }
        L4::UdpAmend => {
            let c = csum::full_udp6(&b[hdr..], p.src, p.dst);
            put16(b, hdr + csum::UDP_CSUM, c);
        }
        _ => {}
    }
    if let Some(c) = p.carry {
        // RFC 7915 §4.5 for a partial checksum: the pseudo-header sum of the IPv6 header,
        // folded and not complemented, over the whole transport length (see csum::partial).
        let sum = checksum::pseudo_v6(p.src, p.dst, p.protocol, payload_len as u32);
        put16(b, hdr + usize::from(c.offset), csum::partial(sum));
        pkt.set_offload(c.offload(hdr));
    }
    Some(())
}

/// RFC 7915 §4.3: translates the ICMPv4 error's header and inner packet (before the outer
/// header is replaced), applies RFC 4884 and the 1280-byte limit.
fn apply_error(cfg: &SiitConfig, pkt: &mut PacketBuf, p: &Plan, e: &ErrorPlan) -> Option<()> {
    let l4 = p.ihl;
    let data = l4 + 8;
    let i = &e.inner;
    let il4 = data + i.ihl;
    let end = data + i.avail;
    let b = pkt.bytes_mut();
    let first = i.frag.is_none_or(|f| f.offset == 0);
    if let (true, Some(ports), Some(q)) = (first, e.inner_ports, b.get_mut(..end)) {
        // NAT64: the inner ports / identifier, as far as they were quoted.
        rewrite_inner(q, il4, i.protocol, proto::ICMP, ports);
    }
    if first {
        // The inner transport header, as far as it was quoted.
        match i.protocol {
            proto::TCP if il4 + csum::TCP_CSUM + 2 <= end => {
                let c = csum::l4_4to6(
                    super::be16(b, il4 + csum::TCP_CSUM),
                    i.src,
                    i.dst,
                    e.inner_src,
                    e.inner_dst,
                );
                put16(b, il4 + csum::TCP_CSUM, c);
            }
            proto::UDP if il4 + csum::UDP_CSUM + 2 <= end => {
                let old = super::be16(b, il4 + csum::UDP_CSUM);
                if old != 0 {
                    let c = csum::l4_4to6(old, i.src, i.dst, e.inner_src, e.inner_dst);
                    put16(b, il4 + csum::UDP_CSUM, csum::udp_nonzero(c));
                }
            }
            proto::ICMP if il4 + 4 <= end => {
                let (ty4, code) = (b[il4], b[il4 + 1]);
                let ty6 = icmp46::map_info(ty4).ok()?;
                let len = usize::from(i.total_len).saturating_sub(i.ihl);
                let old = super::be16(b, il4 + csum::ICMP_CSUM);
                let c = csum::icmp_4to6(
                    old,
                    e.inner_src,
                    e.inner_dst,
                    len as u32,
                    (ty4, code),
                    (ty6, code),
                );
                b[il4] = ty6;
                put16(b, il4 + csum::ICMP_CSUM, c);
            }
            _ => {}
        }
    }
    // Inner header: ihl bytes become 40 (+8) (RFC 7915 §4.3 "translated like an ordinary IP
    // header", the TTL copied, not decremented).
    let new_hdr = H6 + if i.frag.is_some() { FRAG } else { 0 };
    resize(pkt, data, i.ihl, new_hdr)?;
    let payload_len = usize::from(i.total_len).saturating_sub(i.ihl) + new_hdr - H6;
    let b = pkt.bytes_mut();
    write_ipv6(
        &mut b[data..],
        traffic_class(cfg, i.tos),
        payload_len,
        i.protocol,
        i.ttl,
        i.frag,
        e.inner_src,
        e.inner_dst,
    );

    // RFC 4884 + the 1280-byte limit, measured on the final layout (outer header: 40 bytes).
    let ipl = e.ipl.map(|n| n + new_hdr - i.ihl);
    let limit = MAX_ICMP6_ERROR - H6 + l4;
    let len_field = rfc4884::fit(pkt, data, ipl, e.icmp.ext, 8, limit);
    let b = pkt.bytes_mut();
    b[l4] = e.icmp.ty;
    b[l4 + 1] = e.icmp.code;
    put32(b, l4 + 4, e.icmp.rest);
    if e.icmp.ext == ExtMode::Keep {
        // RFC 4884 §4.2: ICMPv6 length in byte 4, 64-bit words.
        b[l4 + 4] = len_field;
    }
    Some(())
}
