//! Shared by the translation targets: a TUN offload (partial checksum, GSO) chosen by input
//! bits, and what must hold of the translator's output with offloads (crate `jool_core::offload`).

use jool_core::offload::{self, Gso, GsoKind, Offload, PartialCsum};
use jool_core::{Jstat, PacketBuf, Verdict};
use jool_wire::checksum;

/// Transport header of an IP packet: (offset, protocol, end of the IP packet), if it parses.
pub fn l4(b: &[u8]) -> Option<(usize, u8, usize)> {
    match b.first().map(|v| v >> 4) {
        Some(4) => {
            let ip = jool_wire::Ipv4Packet::new_checked(b).ok()?;
            Some((ip.header_len(), ip.protocol(), usize::from(ip.total_len())))
        }
        Some(6) => {
            let ip = jool_wire::Ipv6Packet::new_checked(b).ok()?;
            let end = 40 + usize::from(ip.payload_len());
            let c = jool_wire::ipv6::walk_chain(&b[..end], false).ok()?;
            Some((c.l4_offset, c.l4_proto, end))
        }
        _ => None,
    }
}

/// Pseudo-header partial sum of `b`'s transport part (ICMPv4: none).
fn pseudo(b: &[u8], at: usize, proto: u8, end: usize) -> u32 {
    let len = end.saturating_sub(at) as u32;
    if b[0] >> 4 == 6 {
        let ip = jool_wire::Ipv6Packet::new_unchecked(b);
        checksum::pseudo_v6(ip.src_addr(), ip.dst_addr(), proto, len)
    } else if proto == jool_wire::proto::ICMP {
        0
    } else {
        let ip = jool_wire::Ipv4Packet::new_unchecked(b);
        checksum::pseudo_v4(ip.src_addr(), ip.dst_addr(), proto, len)
    }
}

fn csum_offset(proto: u8) -> u16 {
    match proto {
        jool_wire::proto::TCP => 16,
        jool_wire::proto::UDP => 6,
        _ => 2,
    }
}

/// The offload chosen by the low 7 bits of `sel`, applied to `packet`:
/// `sel & 7`: 0–2 none; 3 partial checksum at the transport header, field left as it is;
/// 4 the same with the field holding the pseudo-header sum (what Linux leaves); 5 = 4 + TCP GSO;
/// 6 = 4 + UDP GSO; 7 an odd partial checksum (start/offset anywhere), GSO if `sel & 0x40`.
/// `(sel >> 3) & 3` picks the gso_size (1, 536, 1200, 1440), `sel & 0x20` the ECN flag.
/// Returns the offload and whether the field holds the pseudo-header sum.
pub fn choose(sel: u8, packet: &mut [u8]) -> (Offload, bool) {
    let size = [1, 536, 1200, 1440][usize::from(sel >> 3) & 3];
    let tcp = Some(Gso {
        kind: GsoKind::Tcp { ecn: sel & 0x20 != 0 },
        size,
    });
    let mode = sel & 7;
    if mode < 3 {
        return (Offload::NONE, false);
    }
    if mode == 7 {
        let csum = Some(PartialCsum {
            start: [0, 20, 40, 48][usize::from(sel >> 3) & 3],
            offset: [2, 6, 16, 0xfff0][usize::from(sel >> 5) & 3],
        });
        let gso = if sel & 0x40 != 0 { tcp } else { None };
        return (Offload { csum, gso }, false);
    }
    let Some((at, proto, end)) = l4(packet) else {
        return (Offload::NONE, false);
    };
    let offset = csum_offset(proto);
    let csum = Some(PartialCsum {
        start: at as u16,
        offset,
    });
    let field = at + usize::from(offset);
    let written = mode >= 4 && field + 2 <= end;
    if written {
        let v = checksum::fold(pseudo(packet, at, proto, end));
        packet[field..field + 2].copy_from_slice(&v.to_be_bytes());
    }
    let gso = match mode {
        5 => tcp,
        6 => Some(Gso {
            kind: GsoKind::Udp,
            size,
        }),
        _ => None,
    };
    (Offload { csum, gso }, written)
}

/// `input` with its partial checksum finished as the device would (None if it cannot be).
pub fn finished(input: &[u8], off: Offload) -> Option<Vec<u8>> {
    let mut p = PacketBuf::new();
    p.load(input);
    p.set_offload(off);
    offload::finish_csum(&mut p).then(|| p.bytes().to_vec())
}

/// What must hold after `handle` returned `verdict` for `input` carrying `off` (`split`: it
/// needed splitting). `mtu`: the host's (IPv4, IPv6) MTUs, which every segment of a translated
/// super-packet must fit.
pub fn check(
    input: &[u8],
    off: Offload,
    split: bool,
    verdict: Verdict,
    pkt: &PacketBuf,
    reply: &PacketBuf,
    mtu: (u32, u32),
) {
    assert!(reply.offload().is_none(), "a reply never carries offloads");
    let ip = matches!(input.first().map(|b| b >> 4), Some(4 | 6));
    if split && ip {
        // Refused (the datapath must split it), or handed back by a disabled instance.
        assert!(
            matches!(verdict, Verdict::Drop(Jstat::Unknown) | Verdict::Untranslatable(Jstat::XlatorDisabled)),
            "{verdict:?}"
        );
    }
    match verdict {
        Verdict::Translated => {
            let out = pkt.bytes();
            let o = pkt.offload();
            let Some(c) = o.csum else {
                assert!(o.gso.is_none(), "GSO without a partial checksum");
                return;
            };
            let (at, proto, end) = l4(out).expect("translated packet parses");
            assert_eq!(usize::from(c.start), at, "csum_start is the new transport header");
            assert_eq!(c.offset, csum_offset(proto));
            assert!(proto == jool_wire::proto::TCP || proto == jool_wire::proto::UDP);
            assert_eq!(end, out.len());
            let field = u16::from_be_bytes([out[at + usize::from(c.offset)], out[at + usize::from(c.offset) + 1]]);
            assert_eq!(field, checksum::fold(pseudo(out, at, proto, end)), "fresh pseudo-header sum");
            if out[0] >> 4 == 4 {
                assert!(out.len() <= 0xffff);
            }
            if let Some(g) = o.gso {
                assert_eq!(Some(g.kind), off.gso.map(|i| i.kind));
                assert!(g.size > 0 && g.size <= off.gso.map_or(0, |i| i.size));
                let thl = usize::from(out[at + 12] >> 4) * 4;
                let wire = out.len().min(at + thl + usize::from(g.size));
                let limit = if out[0] >> 4 == 4 { mtu.0 } else { mtu.1 };
                assert!(wire <= limit as usize, "segment of {wire} bytes over MTU {limit}");
            }
        }
        Verdict::Untranslatable(_) => {
            // Hand-back: the original, or (a partial checksum finished in software) the packet
            // the device would have sent.
            let same = pkt.bytes() == input && pkt.offload() == off;
            let finished_ok = off.gso.is_none()
                && pkt.offload().is_none()
                && finished(input, off).as_deref() == Some(pkt.bytes());
            assert!(same || finished_ok, "hand-back changed the packet");
        }
        Verdict::Drop(_) | Verdict::Stolen(_) => {}
    }
}

/// TCP checksum 0x0000 and 0xffff mean the same; the device writes 0xffff.
pub fn normalized(mut b: Vec<u8>) -> Vec<u8> {
    if let Some((at, jool_wire::proto::TCP, _)) = l4(&b) {
        if let Some(f) = b.get_mut(at + 16..at + 18) {
            if f == [0, 0] {
                f.copy_from_slice(&[0xff, 0xff]);
            }
        }
    }
    b
}
