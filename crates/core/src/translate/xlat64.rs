//! RFC 7915 §5: IPv6 → IPv4, in place.
//!
//! `plan` reads and validates everything and decides every field; `apply` then rewrites the
//! buffer (it cannot fail for a planned packet). Nothing is written before `plan` succeeds.

use crate::config::SiitConfig;
use crate::host::Host;
use crate::offload::{self, Carried, Offload, Shape, MAX_IPV4_LEN};
use crate::packet::PacketBuf;
use crate::stats::Jstat;
use crate::translate::addr_xlat::{addrs_6to4, Addrs64, Role};
use crate::translate::outgoing::{rewrite_echo_id, rewrite_inner, rewrite_ports, Mode64, Out64};
use crate::translate::rfc4884::{self, ExtMode};
use crate::translate::{csum, drop, drop_icmp, err6, icmp64, put16, put32, IcmpErr, Step};
use crate::translate::{DF_THRESHOLD, IPV6_MIN_MTU, MAX_ICMP4_ERROR};
use jool_wire::ipv6::{walk_chain, FragmentInfo};
use jool_wire::{checksum, proto, Icmpv6Packet, Ipv4Packet, Ipv6Packet, TcpPacket, UdpPacket};
use std::net::Ipv6Addr;

/// The transport part of the plan.
#[derive(Clone, Copy, Debug)]
enum L4 {
    /// Nothing to touch: a later fragment or a protocol without checksum to fix.
    Opaque,
    /// TCP: pseudo-header update.
    Tcp,
    /// UDP: pseudo-header update.
    Udp,
    /// ICMPv6 Echo → ICMPv4 Echo (new type).
    Echo(u8),
    /// ICMPv6 error → ICMPv4 error.
    Error(ErrorPlan),
}

/// An ICMPv6 error's translation.
#[derive(Clone, Copy, Debug)]
struct ErrorPlan {
    icmp: icmp64::Mapped,
    /// RFC 4884 original-datagram length in bytes, if an extension is present.
    ipl: Option<usize>,
    inner: Inner,
    inner_addrs: Addrs64,
    /// NAT64: the inner packet's new (source, destination) ports / ICMP identifier.
    inner_ports: Option<(u16, u16)>,
}

/// The IPv6 packet inside an ICMPv6 error (a lax view: it may be truncated).
#[derive(Clone, Copy, Debug)]
struct Inner {
    /// IPv6 header + extension headers.
    hdr_len: usize,
    /// Bytes of the inner packet present (up to the RFC 4884 extension).
    avail: usize,
    l4_proto: u8,
    frag: Option<FragmentInfo>,
    payload_len: u16,
    tc: u8,
    hop_limit: u8,
    src: Ipv6Addr,
    dst: Ipv6Addr,
}

/// Everything decided about one IPv6 packet.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// IPv6 header + payload (trailing bytes beyond it are dropped).
    len: usize,
    /// Where the transport header starts.
    l4_off: usize,
    l4_proto: u8,
    frag: Option<FragmentInfo>,
    tc: u8,
    hop_limit: u8,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    addrs: Addrs64,
    /// NAT64: the new (source, destination) ports / ICMP identifier.
    ports: Option<(u16, u16)>,
    /// NAT64: reassembled from fragments (DF clear, no MTU check).
    reassembled: bool,
    l4: L4,
    /// A partial TCP/UDP checksum (and TCP GSO) carried over to the IPv4 packet.
    carry: Option<Carried>,
}

/// RFC 7915 §5.1: "ICMPv6 (58) → ICMPv4 (1)"; everything else is copied.
fn proto_6to4(p: u8) -> u8 {
    if p == proto::ICMPV6 {
        proto::ICMP
    } else {
        p
    }
}

/// Translates the IPv6 packet in `pkt` into IPv4, in place. `Ok(true)`: the result must be
/// U-turned (RFC 7757 §4 intrinsic hairpinning).
pub fn translate(cfg: &SiitConfig, host: &mut dyn Host, pkt: &mut PacketBuf) -> Step<bool> {
    let plan = plan(cfg, Mode64::Siit, host, pkt.bytes(), pkt.offload())?;
    let hairpin = match plan.l4 {
        L4::Error(e) => e.inner_addrs.hairpin,
        _ => plan.addrs.hairpin,
    };
    apply(cfg, host, pkt, &plan).ok_or(drop(Jstat::Unknown))?;
    Ok(hairpin)
}

/// Translates the IPv6 packet in `pkt` into IPv4, in place, with a stateful NAT64's outgoing
/// tuple (RFC 6146 §3.7): addresses and ports from `out`; an ICMP error's inner packet gets
/// the reversed tuple. Only `cfg.globals` is read.
pub fn translate_nat64(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    pkt: &mut PacketBuf,
    out: Out64,
) -> Step<()> {
    let plan = plan(cfg, Mode64::Nat64(out), host, pkt.bytes(), pkt.offload())?;
    apply(cfg, host, pkt, &plan).ok_or(drop(Jstat::Unknown))
}

fn plan(cfg: &SiitConfig, mode: Mode64, host: &mut dyn Host, b: &[u8], off: Offload) -> Step<Plan> {
    let ip6 = Ipv6Packet::new_checked(b).map_err(err6)?;
    let len = jool_wire::ipv6::HEADER_LEN + usize::from(ip6.payload_len());
    let b = b.get(..len).ok_or(drop(Jstat::SkbTruncated))?;
    let chain = walk_chain(b, false).map_err(err6)?;
    // spec §7.4: an extension header after the Fragment header is refused with ICMPv6 1/1.
    if chain.ext_after_frag.is_some() {
        return Err(drop_icmp(Jstat::FragThenExt64, IcmpErr::Filter));
    }
    let (l4_off, l4_proto, frag) = (chain.l4_offset, chain.l4_proto, chain.frag);
    let first = frag.is_none_or(|f| f.frag_offset == 0);
    let fragmented = frag.is_some_and(|f| f.frag_offset != 0 || f.more);
    // RFC 7915 §5.3 / spec §7.5: a stateless translator cannot fix a fragmented ICMP checksum.
    if l4_proto == proto::ICMPV6 && fragmented {
        return Err(drop(Jstat::FragmentedIcmp64));
    }
    let seg = b.get(l4_off..).unwrap_or(&[]);
    if first {
        match l4_proto {
            proto::TCP => drop_unless(TcpPacket::new_checked(seg).is_ok(), seg, 20)?,
            proto::UDP if fragmented => drop_unless(UdpPacket::new_lax(seg).is_ok(), seg, 8)?,
            proto::UDP => drop_unless(UdpPacket::new_checked(seg).is_ok(), seg, 8)?,
            proto::ICMPV6 => drop_unless(Icmpv6Packet::new_checked(seg).is_ok(), seg, 8)?,
            _ => {}
        }
    }
    // Offloads (crate::offload): `prepare` left them plain or in a shape carried over.
    let carry = match offload::shape(off, l4_proto, frag.is_some(), l4_off, seg) {
        Shape::Plain => None,
        Shape::Carried(c) => Some(c),
        Shape::Odd => return Err(drop(Jstat::Unknown)),
    };
    let is_error = first && l4_proto == proto::ICMPV6 && jool_wire::icmpv6::is_error(seg[0]);
    let inner = if is_error {
        Some(parse_inner(seg)?)
    } else {
        None
    };

    // Addresses (spec §7.2): hand back anything we must not translate.
    let (src, dst, hop_limit) = (ip6.src_addr(), ip6.dst_addr(), ip6.hop_limit());
    let role = if is_error {
        Role::OuterError {
            hop_limit,
            inner_dst4: None,
        }
    } else {
        Role::Outer
    };
    let (addrs, inner_addrs, ports, inner_ports, reassembled) = match mode {
        Mode64::Siit => {
            let addrs = addrs_6to4(cfg, host, src, dst, role)?;
            let inner_addrs = match &inner {
                Some((i, _)) => Some(addrs_6to4(cfg, host, i.src, i.dst, Role::Inner)?),
                None => None,
            };
            (addrs, inner_addrs, None, None, false)
        }
        // RFC 6146 §3.7: addresses and ports from the outgoing tuple; the packet inside an
        // ICMP error travels the other way, so it takes the tuple reversed.
        Mode64::Nat64(o) => {
            let addrs = Addrs64 {
                src: o.src.addr,
                dst: o.dst.addr,
                hairpin: false,
            };
            let inner_addrs = inner.as_ref().map(|_| Addrs64 {
                src: o.dst.addr,
                dst: o.src.addr,
                hairpin: false,
            });
            let ports = Some((o.src.port, o.dst.port));
            let inner_ports = Some((o.dst.port, o.src.port));
            (addrs, inner_addrs, ports, inner_ports, o.reassembled)
        }
    };

    // Jool checks the size first (spec §7.4): "IPv6 (first fragment) too big for next-hop IPv4
    // MTU → ICMPv6 2/0, MTU = max(1280, nexthopMTU+20); later fragments silently dropped".
    // ICMP errors are exempt: they are cut to 576 bytes.
    // A TCP super-packet is judged by its segments (wire_len): each one leaves on its own.
    // No IPv4 packet exceeds 65,535 bytes (RFC 791 §3.1), whatever the route's MTU.
    let out_len = len - l4_off + jool_wire::ipv4::HEADER_LEN;
    if !is_error && !reassembled {
        let mtu4 = host.mtu4(addrs.dst).min(MAX_IPV4_LEN as u32);
        let wire_len = carry.map_or(out_len, |c| c.wire_len(out_len, 20));
        if wire_len > mtu4 as usize {
            return Err(match first {
                true => drop_icmp(
                    Jstat::PktTooBig,
                    IcmpErr::FragNeeded(IPV6_MIN_MTU.max(mtu4.saturating_add(20))),
                ),
                false => drop(Jstat::PktTooBig),
            });
        }
    }
    // A reassembled datagram (or a super-packet `needs_split` would have cut) too long for
    // IPv4's Total Length.
    if !is_error && out_len > MAX_IPV4_LEN {
        return Err(drop(Jstat::PktTooBig));
    }
    // RFC 7915 §5.1 Time to Live: the translator is a router and decrements it.
    let Some(hop_limit) = super::next_hop_ttl(host, hop_limit) else {
        return Err(drop_icmp(Jstat::Ttl64, IcmpErr::Ttl));
    };
    // RFC 7915 §5.1: "If a Routing header with a non-zero Segments Left field is present, then
    // the packet MUST NOT be translated, and an ICMPv6 'parameter problem/erroneous header field
    // encountered' (Type 4, Code 0) error message, with the Pointer field indicating the first
    // byte of the Segments Left field, SHOULD be returned to the sender."
    if let Some(ptr) = chain.segments_left {
        return Err(drop_icmp(
            Jstat::SegmentsLeft64,
            IcmpErr::HdrField(ptr as u32),
        ));
    }

    let l4 = if !first {
        L4::Opaque
    } else {
        match l4_proto {
            proto::TCP => L4::Tcp,
            proto::UDP => L4::Udp,
            proto::ICMPV6 => match (inner, inner_addrs) {
                (Some((inner, ipl)), Some(inner_addrs)) => {
                    let icmp = Icmpv6Packet::new_unchecked(seg);
                    let mtu6_in = host.mtu6(src);
                    let mapped = icmp64::map_error(
                        icmp.msg_type(),
                        icmp.msg_code(),
                        icmp.rest(),
                        host.mtu4(addrs.dst),
                        mtu6_in,
                    )?;
                    // RFC 7915 §5.3: the checksum of an error is validated, then recomputed.
                    if !csum::icmp6_ok(seg, src, dst) {
                        return Err(drop(Jstat::IcmpCsum64));
                    }
                    check_inner_icmp(seg, &inner)?;
                    L4::Error(ErrorPlan {
                        icmp: mapped,
                        ipl,
                        inner,
                        inner_addrs,
                        inner_ports,
                    })
                }
                _ => L4::Echo(icmp64::map_info(seg[0])?),
            },
            _ => L4::Opaque,
        }
    };
    Ok(Plan {
        len,
        l4_off,
        l4_proto,
        frag,
        tc: ip6.traffic_class(),
        hop_limit,
        src,
        dst,
        addrs,
        ports,
        reassembled,
        l4,
        carry,
    })
}

/// `Ok` if the transport header validated, else the counter for a truncated/bogus one.
fn drop_unless(ok: bool, seg: &[u8], min: usize) -> Step<()> {
    match (ok, seg.len() < min) {
        (true, _) => Ok(()),
        (false, true) => Err(drop(Jstat::SkbTruncated)),
        (false, false) => Err(drop(Jstat::Hdr6)),
    }
}

/// Parses the packet inside an ICMPv6 error (`seg` = the whole ICMPv6 message).
fn parse_inner(seg: &[u8]) -> Step<(Inner, Option<usize>)> {
    let ty = seg[0];
    let rest = seg.get(8..).unwrap_or(&[]);
    // RFC 4884 §4.2: Destination Unreachable and Time Exceeded carry a length in byte 4.
    let ipl = match ty {
        1 | 3 => rfc4884::input_ipl(seg[4], 8, rest.len())?,
        _ => None,
    };
    let region = &rest[..ipl.unwrap_or(rest.len())];
    let ip = Ipv6Packet::new_lax(region).map_err(err6)?;
    let chain = walk_chain(region, true).map_err(err6)?;
    if chain.l4_proto == proto::ICMPV6 {
        if let Some(&t) = region.get(chain.l4_offset) {
            if jool_wire::icmpv6::is_error(t) {
                return Err(drop(Jstat::DoubleIcmp6Error));
            }
        }
    }
    let inner = Inner {
        hdr_len: chain.l4_offset,
        avail: region.len(),
        l4_proto: chain.l4_proto,
        frag: chain.frag,
        payload_len: ip.payload_len(),
        tc: ip.traffic_class(),
        hop_limit: ip.hop_limit(),
        src: ip.src_addr(),
        dst: ip.dst_addr(),
    };
    Ok((inner, ipl))
}

/// The inner packet's ICMPv6 header, if any, must be an Echo (spec §7.5).
fn check_inner_icmp(seg: &[u8], inner: &Inner) -> Step<()> {
    if inner.l4_proto != proto::ICMPV6 || inner.frag.is_some_and(|f| f.frag_offset != 0) {
        return Ok(());
    }
    match seg.get(8 + inner.hdr_len) {
        Some(&t) => icmp64::map_info(t).map(|_| ()),
        None => Ok(()),
    }
}

/// Writes a 20-byte IPv4 header (no options) at the start of `b` and its checksum.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_ipv4(
    b: &mut [u8],
    tos: u8,
    total_len: usize,
    ident: u16,
    df: bool,
    frag: Option<FragmentInfo>,
    ttl: u8,
    protocol: u8,
    src: std::net::Ipv4Addr,
    dst: std::net::Ipv4Addr,
) {
    let Some(h) = b.get_mut(..20) else { return };
    let mut ip = Ipv4Packet::new_unchecked(h);
    ip.set_version_ihl(4, 5);
    ip.set_dscp_ecn(tos);
    ip.set_total_len(total_len.min(0xffff) as u16);
    ip.set_ident(ident);
    // RFC 7915 §5.1.1: with a Fragment header, DF = 0 and MF/offset are copied.
    match frag {
        Some(f) => ip.set_flags_frag(false, f.more, f.frag_offset),
        None => ip.set_flags_frag(df, false, 0),
    }
    ip.set_ttl(ttl);
    ip.set_protocol(protocol);
    ip.set_src_addr(src);
    ip.set_dst_addr(dst);
    ip.fill_checksum();
}

/// RFC 7915 §5.1 Identification: the low-order 16 bits of the Fragment header's, else a
/// fresh one (the kernel's random generator in Jool).
fn ident(host: &mut dyn Host, frag: Option<FragmentInfo>) -> u16 {
    match frag {
        Some(f) => f.ident as u16,
        None => host.random_u32() as u16,
    }
}

/// RFC 7915 §5.1 Type of Service: the Traffic Class, or `tos` with `override-tos`.
fn tos(cfg: &SiitConfig, tc: u8) -> u8 {
    if cfg.globals.override_tos {
        cfg.globals.tos
    } else {
        tc
    }
}

fn apply(cfg: &SiitConfig, host: &mut dyn Host, pkt: &mut PacketBuf, p: &Plan) -> Option<()> {
    pkt.truncate(p.len);
    let l4 = p.l4_off;
    let b = pkt.bytes_mut();
    // A partial checksum is rewritten whole at the end: no incremental update (RFC 1624
    // arithmetic assumes a complete checksum; the device sums the new ports itself).
    let fix = p.carry.is_none();
    if let Some(ports) = p.ports {
        match p.l4 {
            L4::Tcp => rewrite_ports(b, l4, csum::TCP_CSUM, ports, fix),
            L4::Udp => rewrite_ports(b, l4, csum::UDP_CSUM, ports, fix),
            L4::Echo(_) => rewrite_echo_id(b, l4, ports.0),
            _ => {}
        }
    }
    match p.l4 {
        L4::Opaque => {}
        L4::Tcp | L4::Udp if !fix => {}
        L4::Tcp => {
            let c = csum::l4_6to4(
                super::be16(b, l4 + csum::TCP_CSUM),
                p.src,
                p.dst,
                p.addrs.src,
                p.addrs.dst,
            );
            put16(b, l4 + csum::TCP_CSUM, c);
        }
        L4::Udp => {
            let c = csum::l4_6to4(
                super::be16(b, l4 + csum::UDP_CSUM),
                p.src,
                p.dst,
                p.addrs.src,
                p.addrs.dst,
            );
            put16(b, l4 + csum::UDP_CSUM, csum::udp_nonzero(c));
        }
        L4::Echo(ty4) => {
            let (ty6, code) = (b[l4], b[l4 + 1]);
            let old = super::be16(b, l4 + csum::ICMP_CSUM);
            let c = csum::icmp_6to4(
                old,
                p.src,
                p.dst,
                (p.len - l4) as u32,
                (ty6, code),
                (ty4, code),
            );
            b[l4] = ty4;
            put16(b, l4 + csum::ICMP_CSUM, c);
        }
        L4::Error(e) => apply_error(cfg, host, pkt, p, &e)?,
    }
    // Outer header: IPv6 + extension headers (l4_off bytes) become 20 bytes.
    if !pkt.remove_gap(0, l4 - 20) {
        return None;
    }
    let total = pkt.len();
    // RFC 7915 §5.1 DF rule, on the length of each packet on the wire (a super-packet's
    // segments: Linux copies DF into every one).
    let wire_len = p.carry.map_or(total, |c| c.wire_len(total, 20));
    let df = p.frag.is_none() && wire_len > DF_THRESHOLD && !p.reassembled;
    let id = ident(host, p.frag);
    let b = pkt.bytes_mut();
    write_ipv4(
        b,
        tos(cfg, p.tc),
        total,
        id,
        df,
        p.frag,
        p.hop_limit,
        proto_6to4(p.l4_proto),
        p.addrs.src,
        p.addrs.dst,
    );
    if let L4::Error(_) = p.l4 {
        let c = csum::full_icmp4(&b[20..]);
        put16(b, 20 + csum::ICMP_CSUM, c);
    }
    if let Some(c) = p.carry {
        // RFC 7915 §5.5 for a partial checksum: the pseudo-header sum of the IPv4 header,
        // folded and not complemented, over the whole transport length (see csum::partial).
        let l4_len = (total - 20) as u32;
        let sum = checksum::pseudo_v4(p.addrs.src, p.addrs.dst, p.l4_proto, l4_len);
        put16(b, 20 + usize::from(c.offset), csum::partial(sum));
        pkt.set_offload(c.offload(20));
    }
    Some(())
}

/// RFC 7915 §5.3: translates the ICMPv6 error's header and inner packet (before the outer
/// header is replaced), applies RFC 4884 and the 576-byte limit.
fn apply_error(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    pkt: &mut PacketBuf,
    p: &Plan,
    e: &ErrorPlan,
) -> Option<()> {
    let l4 = p.l4_off;
    let data = l4 + 8;
    let i = &e.inner;
    let ia = &e.inner_addrs;
    let il4 = data + i.hdr_len;
    let end = data + i.avail;
    let first = i.frag.is_none_or(|f| f.frag_offset == 0);
    let b = pkt.bytes_mut();
    if let (true, Some(ports), Some(q)) = (first, e.inner_ports, b.get_mut(..end)) {
        // NAT64: the inner ports / identifier, as far as they were quoted.
        rewrite_inner(q, il4, i.l4_proto, proto::ICMPV6, ports);
    }
    if first {
        // The inner transport header, as far as it was quoted.
        match i.l4_proto {
            proto::TCP if il4 + csum::TCP_CSUM + 2 <= end => {
                let c = csum::l4_6to4(
                    super::be16(b, il4 + csum::TCP_CSUM),
                    i.src,
                    i.dst,
                    ia.src,
                    ia.dst,
                );
                put16(b, il4 + csum::TCP_CSUM, c);
            }
            proto::UDP if il4 + csum::UDP_CSUM + 2 <= end => {
                let old = super::be16(b, il4 + csum::UDP_CSUM);
                if old != 0 {
                    let c = csum::l4_6to4(old, i.src, i.dst, ia.src, ia.dst);
                    put16(b, il4 + csum::UDP_CSUM, csum::udp_nonzero(c));
                }
            }
            proto::ICMPV6 if il4 + 4 <= end => {
                let (ty6, code) = (b[il4], b[il4 + 1]);
                let ty4 = icmp64::map_info(ty6).ok()?;
                let len = (usize::from(i.payload_len) + 40).saturating_sub(i.hdr_len);
                let old = super::be16(b, il4 + csum::ICMP_CSUM);
                let c = csum::icmp_6to4(old, i.src, i.dst, len as u32, (ty6, code), (ty4, code));
                b[il4] = ty4;
                put16(b, il4 + csum::ICMP_CSUM, c);
            }
            _ => {}
        }
    }
    // Inner header: hdr_len bytes become 20 (RFC 7915 §5.3 "translated like an ordinary IP
    // header", the Hop Limit copied, not decremented).
    if !pkt.remove_gap(data, i.hdr_len - 20) {
        return None;
    }
    let total = (20 + usize::from(i.payload_len) + 40).saturating_sub(i.hdr_len);
    let df = i.frag.is_none() && total > DF_THRESHOLD;
    let id = ident(host, i.frag);
    let b = pkt.bytes_mut();
    write_ipv4(
        &mut b[data..],
        tos(cfg, i.tc),
        total,
        id,
        df,
        i.frag,
        i.hop_limit,
        proto_6to4(i.l4_proto),
        ia.src,
        ia.dst,
    );

    // RFC 4884 + the 576-byte limit, measured on the final layout (outer header: 20 bytes).
    let ipl = e.ipl.map(|n| n - (i.hdr_len - 20));
    let limit = MAX_ICMP4_ERROR + (l4 - 20);
    let len_field = rfc4884::fit(pkt, data, ipl, e.icmp.ext, 4, limit);
    let b = pkt.bytes_mut();
    b[l4] = e.icmp.ty;
    b[l4 + 1] = e.icmp.code;
    put32(b, l4 + 4, e.icmp.rest);
    if e.icmp.ext == ExtMode::Keep {
        // RFC 4884 §4.1: ICMPv4 length in byte 5, 32-bit words.
        b[l4 + 5] = len_field;
    }
    Some(())
}
