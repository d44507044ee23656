//! Device offloads carried with a packet: a transport checksum the device has not finished yet
//! (partial checksum) and GSO super-packets (one header for many TCP segments or UDP
//! datagrams). This is the virtio-net header's meaning without its layout (the layout is
//! `jool_wire::vnet`); the datapath converts between the two.
//!
//! ```text
//!   TUN read ─► vnet header ─► Offload ─► PacketBuf ─► Siit/Nat64::handle ─► Offload' ─► vnet header ─► TUN write
//!                                          (headers translated once; payload untouched;
//!                                           checksum left partial; gso_size fitted to the MTU)
//! ```

/// A transport checksum left for the device (`VIRTIO_NET_HDR_F_NEEDS_CSUM`): the field at
/// `start + offset` holds the pseudo-header sum (folded, not complemented) and the device
/// will add every byte from `start` to the end and store the complement there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartialCsum {
    /// Where the summed region starts (the transport header's offset in the packet).
    pub start: u16,
    /// Offset of the checksum field from `start` (16 for TCP, 6 for UDP).
    pub offset: u16,
}

/// What a GSO super-packet's segments are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GsoKind {
    /// TCP segments (`VIRTIO_NET_HDR_GSO_TCPV4` / `TCPV6`, by the packet's version);
    /// `ecn`: `VIRTIO_NET_HDR_GSO_ECN` (CWR only on the first segment).
    Tcp {
        /// The ECN flag of the GSO type.
        ecn: bool,
    },
    /// UDP datagrams (`VIRTIO_NET_HDR_GSO_UDP_L4`).
    Udp,
}

/// A GSO super-packet: the payload after the transport header is cut into `size`-byte pieces
/// (the last one may be shorter), each sent with a copy of the headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gso {
    /// TCP or UDP.
    pub kind: GsoKind,
    /// Payload bytes per segment (`gso_size`), never 0.
    pub size: u16,
}

/// The offloads of one packet. `Offload::default()`: a plain packet with complete checksums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offload {
    /// The transport checksum is partial.
    pub csum: Option<PartialCsum>,
    /// The packet is a GSO super-packet (always together with a partial checksum).
    pub gso: Option<Gso>,
}

impl Offload {
    /// No offload: complete checksums, one packet.
    pub const NONE: Offload = Offload {
        csum: None,
        gso: None,
    };

    /// Is this a plain packet?
    pub fn is_none(&self) -> bool {
        self.csum.is_none() && self.gso.is_none()
    }
}

// ── What the translator does with a packet's offloads ─────────────────────────────────────
//
// `prepare` (called first by `Siit::handle` / `Nat64::handle`) leaves a packet in one of three
// states, and the RFC 7915 translation (`translate::xlat64` / `xlat46`) carries the last two
// over to the translated packet:
//
//   plain                  Offload::NONE: translated as always.
//   partial TCP/UDP        the checksum field of the transport header of a non-fragment is
//                          partial: the translation rewrites it as the pseudo-header sum of the
//                          translated header (RFC 7915 §4.5 / §5.5 without the incremental
//                          update, which would be wrong for a partial field: the device sums the
//                          rewritten ports itself).
//   TCP super-packet       the same, plus GSO: MTU and DF decisions use the segment length
//                          (RFC 7915 §4.1 / §5.1 and the MTU rules of spec §7.4), 4→6 DF=0
//                          super-packets get a gso_size that fits the IPv6 MTU.
//
// Anything else — a partial checksum elsewhere (ICMPv6, a fragment, an odd csum_start) — is
// finished in software, as the device would have finished it, and the packet goes on plain.
// UDP super-packets and odd super-packets cannot be translated as one: [`needs_split`] tells
// the datapath to cut them with [`split`] first.

mod split;

pub use split::split;

use crate::packet::PacketBuf;
use crate::stats::Jstat;
use crate::translate::csum;
use jool_wire::{checksum, proto};

/// `csum_offset` of a TCP checksum (RFC 9293 §3.1: bytes 16–17 of the header).
pub const TCP_CSUM_OFFSET: u16 = csum::TCP_CSUM as u16;
/// `csum_offset` of a UDP checksum (RFC 768: bytes 6–7 of the header).
pub const UDP_CSUM_OFFSET: u16 = csum::UDP_CSUM as u16;
/// Largest IPv4 Total Length (RFC 791 §3.1: a 16-bit field).
pub(crate) const MAX_IPV4_LEN: usize = 0xffff;

/// Where the transport header of a packet lies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct L4Loc {
    /// IPv6 (else IPv4).
    pub v6: bool,
    /// Offset of the transport header.
    pub off: usize,
    /// Transport protocol.
    pub proto: u8,
    /// An IPv4 fragment (MF or offset), or an IPv6 packet with a Fragment header.
    pub fragment: bool,
    /// End of the IP packet (Total Length / 40 + Payload Length).
    pub end: usize,
}

/// Finds the transport header of the IP packet `b`; `None` when its IP header(s) do not parse.
pub(crate) fn locate(b: &[u8]) -> Option<L4Loc> {
    match b.first().map(|v| v >> 4) {
        Some(4) => {
            let ip = jool_wire::Ipv4Packet::new_checked(b).ok()?;
            Some(L4Loc {
                v6: false,
                off: ip.header_len(),
                proto: ip.protocol(),
                fragment: ip.is_fragment(),
                end: usize::from(ip.total_len()),
            })
        }
        Some(6) => {
            let ip = jool_wire::Ipv6Packet::new_checked(b).ok()?;
            let end = jool_wire::ipv6::HEADER_LEN + usize::from(ip.payload_len());
            let chain = jool_wire::ipv6::walk_chain(b.get(..end)?, false).ok()?;
            Some(L4Loc {
                v6: true,
                off: chain.l4_offset,
                proto: chain.l4_proto,
                fragment: chain.frag.is_some(),
                end,
            })
        }
        _ => None,
    }
}

/// The offloads a translation carries over to the translated packet (see the module notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Carried {
    /// `csum_offset`: [`TCP_CSUM_OFFSET`] or [`UDP_CSUM_OFFSET`].
    pub offset: u16,
    /// A TCP super-packet's GSO.
    pub gso: Option<Gso>,
    /// Length of the transport header (TCP options included).
    pub hdr_len: usize,
}

impl Carried {
    /// Length of the largest packet on the wire for a (translated) packet of `total` bytes
    /// whose transport header starts at `l4_off`: one segment of a super-packet, else the
    /// packet itself.
    pub fn wire_len(&self, total: usize, l4_off: usize) -> usize {
        match self.gso {
            Some(g) => total.min(l4_off + self.hdr_len + usize::from(g.size)),
            None => total,
        }
    }

    /// The offloads of the translated packet, whose transport header is at `l4_off`.
    pub fn offload(&self, l4_off: usize) -> Offload {
        Offload {
            csum: Some(PartialCsum {
                start: l4_off as u16,
                offset: self.offset,
            }),
            gso: self.gso,
        }
    }
}

/// What the translation can do with a packet's offloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// No offload.
    Plain,
    /// A partial TCP/UDP checksum (and TCP GSO) the translation carries over.
    Carried(Carried),
    /// Anything else.
    Odd,
}

/// Classifies `off` for a packet whose transport header (`seg`, up to the end of the IP packet)
/// is at `l4_off`: carried over when the checksum is the TCP/UDP one of a non-fragment's
/// transport header and any GSO is TCP over TCP with a non-zero `gso_size`.
pub(crate) fn shape(
    off: Offload,
    l4_proto: u8,
    fragment: bool,
    l4_off: usize,
    seg: &[u8],
) -> Shape {
    let Some(c) = off.csum else {
        return if off.gso.is_none() {
            Shape::Plain
        } else {
            Shape::Odd
        };
    };
    if fragment || usize::from(c.start) != l4_off {
        return Shape::Odd;
    }
    let hdr_len = match (l4_proto, c.offset) {
        (proto::TCP, TCP_CSUM_OFFSET) | (proto::UDP, UDP_CSUM_OFFSET) => l4_hdr_len(l4_proto, seg),
        _ => None,
    };
    let Some(hdr_len) = hdr_len else {
        return Shape::Odd;
    };
    match off.gso {
        Some(g) if l4_proto != proto::TCP || g.kind == GsoKind::Udp || g.size == 0 => Shape::Odd,
        gso => Shape::Carried(Carried {
            offset: c.offset,
            gso,
            hdr_len,
        }),
    }
}

/// Length of the TCP header (options included) or UDP header at the start of `seg`; `None`
/// for another protocol or a header that does not fit in `seg`.
pub(crate) fn l4_hdr_len(l4_proto: u8, seg: &[u8]) -> Option<usize> {
    match l4_proto {
        proto::TCP => jool_wire::TcpPacket::new_checked(seg)
            .ok()
            .map(|t| t.header_len()),
        proto::UDP if seg.len() >= jool_wire::udp::HEADER_LEN => Some(jool_wire::udp::HEADER_LEN),
        _ => None,
    }
}

/// The shape of `pkt`'s offloads (`Odd` when its headers do not parse).
fn shape_of(pkt: &PacketBuf) -> (Option<L4Loc>, Shape) {
    let off = pkt.offload();
    if off.is_none() {
        return (None, Shape::Plain);
    }
    let b = pkt.bytes();
    match locate(b) {
        Some(loc) => {
            let seg = b.get(loc.off..loc.end).unwrap_or(&[]);
            (Some(loc), shape(off, loc.proto, loc.fragment, loc.off, seg))
        }
        None => (None, Shape::Odd),
    }
}

/// Must the datapath cut this GSO super-packet into plain packets ([`split`]) before handing
/// them to `Siit::handle` / `Nat64::handle`? True for UDP super-packets (each datagram needs
/// its own header, and an IPv6 UDP datagram may even need a checksum its IPv4 original lacked)
/// and for structurally odd ones: a fragment, a checksum that is not the TCP one of the
/// transport header, `gso_size` 0, GSO TCP over another protocol, headers that do not parse,
/// and IPv6 super-packets whose IPv4 translation would exceed IPv4's 65,535-byte Total Length
/// (RFC 791 §3.1). False for plain packets and for TCP super-packets the translator takes whole.
pub fn needs_split(pkt: &PacketBuf) -> bool {
    if pkt.offload().gso.is_none() {
        return false;
    }
    match shape_of(pkt) {
        (Some(loc), Shape::Carried(_)) => {
            // 6→4 replaces the IPv6 header and its extension headers by a 20-byte IPv4 header.
            loc.v6 && loc.end.saturating_sub(loc.off) + jool_wire::ipv4::HEADER_LEN > MAX_IPV4_LEN
        }
        _ => true,
    }
}

/// Finishes a partial checksum in software, as the device would (Linux `skb_checksum_help`):
/// sums every byte from `csum.start` to the end of the packet (the field holds the
/// pseudo-header sum, so it is part of the sum), stores the complement at
/// `csum.start + csum.offset` (a zero result as `0xffff`) and clears the checksum offload.
/// False, changing nothing, when the field lies outside the packet. A packet without a partial
/// checksum is left alone (true).
pub fn finish_csum(pkt: &mut PacketBuf) -> bool {
    let off = pkt.offload();
    let Some(c) = off.csum else { return true };
    if !finish_in_place(pkt.bytes_mut(), c) {
        return false;
    }
    pkt.set_offload(Offload { csum: None, ..off });
    true
}

/// [`finish_csum`] on bytes.
pub(crate) fn finish_in_place(b: &mut [u8], c: PartialCsum) -> bool {
    let start = usize::from(c.start);
    let at = start + usize::from(c.offset);
    if at + 2 > b.len() {
        return false;
    }
    let v = checksum::finish(checksum::sum(&b[start..]));
    let v = if v == 0 { 0xffff } else { v };
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
    true
}

/// Called first by `Siit::handle` and `Nat64::handle`: leaves the packet plain or in a shape
/// the translation carries over (see the module notes). A partial checksum the translation
/// cannot carry is finished in software (the bytes are still the packet the device would
/// have sent, so a hand-back stays valid). Costs one test for a plain packet.
///
/// Errors (the packet is dropped, counting the stat): a packet that [`needs_split`] —
/// `JSTAT_UNKNOWN`, since the datapath must split those before calling the translator — and a
/// partial checksum whose field lies outside the packet (`JSTAT_HDR4` / `JSTAT_HDR6`).
pub(crate) fn prepare(pkt: &mut PacketBuf) -> Result<(), Jstat> {
    let off = pkt.offload();
    if off.is_none() {
        return Ok(());
    }
    if off.gso.is_some() {
        return match needs_split(pkt) {
            true => Err(Jstat::Unknown),
            false => Ok(()),
        };
    }
    if let (_, Shape::Carried(_)) = shape_of(pkt) {
        return Ok(());
    }
    match finish_csum(pkt) {
        true => Ok(()),
        false if pkt.bytes().first().is_some_and(|v| v >> 4 == 6) => Err(Jstat::Hdr6),
        false => Err(Jstat::Hdr4),
    }
}
