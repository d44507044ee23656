//! Software segmentation of a GSO super-packet (what Linux's `skb_gso_segment` does for a
//! device without the offload), for the super-packets the translator does not take whole
//! ([`super::needs_split`]). Each call writes one segment; nothing is allocated.
//!
//! ```text
//!   [IP hdr][L4 hdr][ piece 0 | piece 1 | ... | piece n-1 ]      pieces of gso_size bytes
//!        split(i) ─► [IP hdr'][L4 hdr'][ piece i ]               lengths, IPv4 ID + i, checksums;
//!                                                                TCP: seq + i·gso_size,
//!                                                                FIN/PSH last only, CWR first only
//! ```

use super::{finish_in_place, l4_hdr_len, locate, L4Loc};
use crate::packet::PacketBuf;
use jool_wire::tcp::{FLAG_FIN, FLAG_PSH};
use jool_wire::{proto, Ipv4Packet, Ipv6Packet, TcpPacket, UdpPacket};

/// TCP CWR flag (RFC 3168 §6.1).
const CWR: u8 = 0x80;

/// How a super-packet is cut.
#[derive(Clone, Copy, Debug)]
struct Cut {
    loc: L4Loc,
    /// IP header(s) + transport header: copied into every segment.
    hdr: usize,
    /// Payload bytes after `hdr`.
    payload: usize,
    /// Payload bytes per segment.
    size: usize,
    tcp: bool,
}

impl Cut {
    fn count(&self) -> usize {
        self.payload.div_ceil(self.size).max(1)
    }
}

/// Writes segment `index` of the super-packet `pkt` into `out` as a plain packet
/// (`Offload::NONE`, complete checksums); false, leaving `out` unspecified, when `index` is
/// past the last segment.
///
/// TCP (RFC 9293) and UDP (RFC 768) super-packets that parse are cut into `gso_size`-byte
/// pieces (the last may be shorter) with the protocol of the packet deciding how: each TCP
/// segment gets its sequence number (advanced by `index · gso_size`), FIN and PSH only on the
/// last segment and CWR only on the first (as Linux's `tcp_gso_segment`); each UDP datagram
/// its own Length and checksum (a zero checksum sent as `0xffff`); every segment its IPv4
/// Total Length, Identification (+ `index`) and header checksum or its IPv6 Payload Length.
///
/// Anything else — no GSO, `gso_size` 0, a fragment, another protocol, headers that do not
/// parse — is one segment: the packet itself, its partial checksum (if any) finished as the
/// device would. Such a packet has no segment at all (false for index 0) when that checksum's
/// field lies outside the packet.
pub fn split(pkt: &PacketBuf, index: usize, out: &mut PacketBuf) -> bool {
    let b = pkt.bytes();
    let cut = match (pkt.offload().gso, locate(b)) {
        (Some(g), Some(loc)) if g.size > 0 && !loc.fragment => plan(b, loc, usize::from(g.size)),
        _ => None,
    };
    let Some(cut) = cut else {
        return index == 0 && whole(pkt, out);
    };
    if index >= cut.count() {
        return false;
    }
    let first = index * cut.size;
    let piece = cut.size.min(cut.payload - first);
    let len = cut.hdr + piece;
    let room = out.spare_mut();
    room[..cut.hdr].copy_from_slice(&b[..cut.hdr]);
    room[cut.hdr..len].copy_from_slice(&b[cut.hdr + first..cut.hdr + first + piece]);
    out.set_len(len);
    let o = out.bytes_mut();
    fix_ip(o, cut.loc.v6, index, len);
    let (ip, l4) = o.split_at_mut(cut.loc.off);
    if cut.tcp {
        let mut tcp = TcpPacket::new_unchecked(&mut *l4);
        tcp.set_seq_number(tcp.seq_number().wrapping_add(first as u32));
        let mut flags = tcp.flags();
        if index + 1 != cut.count() {
            flags &= !(FLAG_FIN | FLAG_PSH);
        }
        if index != 0 {
            flags &= !CWR;
        }
        tcp.set_flags(flags);
    } else {
        let udp_len = l4.len() as u16;
        UdpPacket::new_unchecked(&mut *l4).set_len(udp_len);
    }
    fill_l4(ip, l4, cut.loc.v6, cut.tcp);
    true
}

/// How to cut `b`, if it is a TCP or UDP super-packet whose headers parse.
fn plan(b: &[u8], loc: L4Loc, size: usize) -> Option<Cut> {
    let seg = b.get(loc.off..loc.end)?;
    let l4_hdr = l4_hdr_len(loc.proto, seg)?;
    Some(Cut {
        loc,
        hdr: loc.off + l4_hdr,
        payload: seg.len() - l4_hdr,
        size,
        tcp: loc.proto == proto::TCP,
    })
}

/// The packet as one plain segment.
fn whole(pkt: &PacketBuf, out: &mut PacketBuf) -> bool {
    out.load(pkt.bytes());
    match pkt.offload().csum {
        Some(c) => finish_in_place(out.bytes_mut(), c),
        None => true,
    }
}

/// The IP header(s) of segment `index`, `len` bytes long.
fn fix_ip(o: &mut [u8], v6: bool, index: usize, len: usize) {
    if v6 {
        let mut ip = Ipv6Packet::new_unchecked(o);
        ip.set_payload_len((len - jool_wire::ipv6::HEADER_LEN) as u16);
    } else {
        let mut ip = Ipv4Packet::new_unchecked(o);
        ip.set_total_len(len as u16);
        // Linux gives segment i the super-packet's Identification + i (inet_gso_segment).
        ip.set_ident(ip.ident().wrapping_add(index as u16));
        ip.fill_checksum();
    }
}

/// Computes the transport checksum of a segment (`l4`, after the IP header(s) `ip`) from
/// scratch (RFC 9293 §3.1, RFC 768, RFC 8200 §8.1), ignoring what the field held.
fn fill_l4(ip: &[u8], l4: &mut [u8], v6: bool, tcp: bool) {
    if v6 {
        let ip = Ipv6Packet::new_unchecked(ip);
        let (s, d) = (ip.src_addr(), ip.dst_addr());
        match tcp {
            true => TcpPacket::new_unchecked(l4).fill_checksum_v6(s, d),
            false => UdpPacket::new_unchecked(l4).fill_checksum_v6(s, d),
        }
    } else {
        let ip = Ipv4Packet::new_unchecked(ip);
        let (s, d) = (ip.src_addr(), ip.dst_addr());
        match tcp {
            true => TcpPacket::new_unchecked(l4).fill_checksum_v4(s, d),
            false => UdpPacket::new_unchecked(l4).fill_checksum_v4(s, d),
        }
    }
}
