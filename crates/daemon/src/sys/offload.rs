//! Between the TUN's virtio-net header ([`VnetHdr`], its layout) and the core's [`Offload`]
//! (its meaning): what a read carried in, and what a write must say about the translated (or
//! handed-back) packet.

use jool_core::offload::{Gso, GsoKind, Offload, PartialCsum};
use jool_core::PacketBuf;
use jool_datapath::vnet::{self, VnetHdr};

/// The header named a GSO type the core does not handle (UFO, or an unknown value): the kernel
/// gives only what `TUNSETOFFLOAD` granted, so this means a kernel we do not understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownGso(pub u8);

/// What a read's header says about its packet.
pub fn offload_of(h: &VnetHdr) -> Result<Offload, UnknownGso> {
    let csum = h.needs_csum().then_some(PartialCsum {
        start: h.csum_start,
        offset: h.csum_offset,
    });
    let kind = match h.gso_kind() {
        vnet::GSO_NONE => None,
        vnet::GSO_TCPV4 | vnet::GSO_TCPV6 => Some(GsoKind::Tcp {
            ecn: h.gso_type & vnet::GSO_ECN != 0,
        }),
        vnet::GSO_UDP_L4 => Some(GsoKind::Udp),
        other => return Err(UnknownGso(other)),
    };
    Ok(Offload {
        csum,
        gso: kind.map(|kind| Gso {
            kind,
            size: h.gso_size,
        }),
    })
}

/// The header to write `pkt` with (its [`PacketBuf::offload`]): the GSO type follows the
/// packet's version (TCPV4/TCPV6) and `hdr_len` covers the IP and transport headers.
pub fn vnet_of(pkt: &PacketBuf) -> VnetHdr {
    let o = pkt.offload();
    if o.is_none() {
        return VnetHdr::NONE;
    }
    let b = pkt.bytes();
    let mut h = VnetHdr::NONE;
    if let Some(c) = o.csum {
        h.flags = vnet::F_NEEDS_CSUM;
        h.csum_start = c.start;
        h.csum_offset = c.offset;
    }
    if let Some(g) = o.gso {
        let v6 = b.first().is_some_and(|v| v >> 4 == 6);
        let start = usize::from(h.csum_start);
        let (ty, l4_len) = match g.kind {
            GsoKind::Tcp { ecn } => {
                let ty = if v6 { vnet::GSO_TCPV6 } else { vnet::GSO_TCPV4 };
                let doff = b.get(start + 12).map_or(20, |d| usize::from(d >> 4) * 4);
                (ty | if ecn { vnet::GSO_ECN } else { 0 }, doff)
            }
            GsoKind::Udp => (vnet::GSO_UDP_L4, 8),
        };
        h.gso_type = ty;
        h.gso_size = g.size;
        h.hdr_len = u16::try_from(start + l4_len).unwrap_or(0);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp6_super() -> PacketBuf {
        let mut b = vec![0u8; 40 + 32 + 3000];
        b[0] = 0x60;
        b[6] = 6;
        b[40 + 12] = 8 << 4; // 32-byte TCP header
        let mut p = PacketBuf::new();
        p.load(&b);
        p
    }

    #[test]
    fn reads_a_tcpv6_super_packet_header() {
        let h = VnetHdr {
            flags: vnet::F_NEEDS_CSUM,
            gso_type: vnet::GSO_TCPV6 | vnet::GSO_ECN,
            hdr_len: 72,
            gso_size: 1428,
            csum_start: 40,
            csum_offset: 16,
        };
        let o = offload_of(&h).unwrap();
        assert_eq!(
            o.csum,
            Some(PartialCsum {
                start: 40,
                offset: 16
            })
        );
        assert_eq!(
            o.gso,
            Some(Gso {
                kind: GsoKind::Tcp { ecn: true },
                size: 1428
            })
        );
    }

    #[test]
    fn refuses_ufo_and_unknown_gso_types() {
        let mut h = VnetHdr::NONE;
        h.gso_type = vnet::GSO_UDP;
        assert_eq!(offload_of(&h), Err(UnknownGso(3)));
        h.gso_type = 9;
        assert_eq!(offload_of(&h), Err(UnknownGso(9)));
    }

    #[test]
    fn writes_the_gso_type_of_the_packets_version() {
        let mut p = tcp6_super();
        p.set_offload(Offload {
            csum: Some(PartialCsum {
                start: 40,
                offset: 16,
            }),
            gso: Some(Gso {
                kind: GsoKind::Tcp { ecn: false },
                size: 1428,
            }),
        });
        let h = vnet_of(&p);
        assert_eq!(h.gso_type, vnet::GSO_TCPV6);
        assert_eq!(h.hdr_len, 72);
        assert_eq!(h.gso_size, 1428);
        assert!(h.needs_csum());
        assert_eq!(offload_of(&h).unwrap(), p.offload());
        // The same offload on an IPv4 packet is TCPV4.
        p.bytes_mut()[0] = 0x45;
        assert_eq!(vnet_of(&p).gso_type, vnet::GSO_TCPV4);
    }

    #[test]
    fn a_plain_packet_gets_an_empty_header() {
        let p = tcp6_super();
        assert_eq!(vnet_of(&p), VnetHdr::NONE);
    }
}
