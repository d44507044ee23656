//! Any bytes, any configuration, any TUN offload: the SIIT translator must never panic, and
//! whatever it emits must be a well-formed packet of the right family. With a partial checksum,
//! finishing the translated packet's checksum must give the translation of the finished packet;
//! super-packets the datapath must split are split (`offload::split`) and translated one by one.
#![no_main]

mod offloads;

use jool_core::addr::eamt::Eamt;
use jool_core::config::SiitConfig;
use jool_core::globals::{EamHairpinMode, Globals};
use jool_core::offload::{self, Offload};
use jool_core::{Ipv4Prefix, Ipv6Prefix, PacketBuf, Siit, StaticHost, Stats, Verdict};
use libfuzzer_sys::fuzz_target;
use std::net::{Ipv4Addr, Ipv6Addr};

const POOL6_LENS: [u8; 6] = [32, 40, 48, 56, 64, 96];

/// The first 8 bytes choose the configuration (and, with their spare bits `knobs[5] >> 3` and
/// `knobs[2] & 0x18`, the offload: see `offloads::choose`); the rest is the packet.
fn config(knobs: &[u8; 8]) -> SiitConfig {
    let mut globals = Globals::default();
    if knobs[0] & 1 != 0 {
        let len = POOL6_LENS[usize::from(knobs[0] >> 1) % POOL6_LENS.len()];
        globals.pool6 = Some(Ipv6Prefix::new(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), len));
    }
    globals.eam_hairpin_mode = match knobs[1] % 3 {
        0 => EamHairpinMode::Off,
        1 => EamHairpinMode::Simple,
        _ => EamHairpinMode::Intrinsic,
    };
    globals.amend_udp_checksum_zero = knobs[1] & 4 != 0;
    globals.zeroize_traffic_class = knobs[1] & 8 != 0;
    globals.override_tos = knobs[1] & 16 != 0;
    globals.randomize_rfc6791_addresses = knobs[1] & 32 != 0;
    globals.manually_enabled = knobs[1] & 64 == 0;
    if knobs[2] & 1 != 0 {
        globals.rfc6791v4_prefix = Some(Ipv4Prefix::new(Ipv4Addr::new(203, 0, 113, 0), 24 + (knobs[2] >> 5)));
    }
    if knobs[2] & 2 != 0 {
        globals.rfc6791v6_prefix = Some(Ipv6Prefix::new(Ipv6Addr::new(0x2001, 0xdb8, 0x6791, 0, 0, 0, 0, 0), 64));
    }
    globals.lowest_ipv6_mtu = 1280 + u32::from(knobs[3]) * 4;
    let mut eamt = Eamt::default();
    if knobs[4] & 1 != 0 {
        // RFC 7757 §3.2: the IPv4 suffix must not be longer than the IPv6 suffix.
        let len4 = 16 + (knobs[4] >> 4);
        let len6 = 96 + len4 - (knobs[5] % 8);
        let p4 = Ipv4Prefix::new(Ipv4Addr::new(192, 0, 2, 0), len4);
        let p6 = Ipv6Prefix::new(Ipv6Addr::new(0x2001, 0xdb8, 0xeeee, 0, 0, 0, 0, 0), len6);
        let _ = eamt.add(p6, Ipv4Prefix::new(p4.network(), len4), true);
    }
    SiitConfig { globals, eamt, ..Default::default() }
}

/// Knob bit: recompute the IPv4 header checksum and the outer ICMP checksum, so that mutated
/// packets get past validation into the deeper paths (ICMP error inner-packet translation).
fn repair(packet: &mut [u8]) {
    use jool_wire::{Icmpv4Packet, Icmpv6Packet, Ipv4Packet, Ipv6Packet};
    match packet.first().map(|b| b >> 4) {
        Some(4) => {
            let (hlen, total, proto) = match Ipv4Packet::new_checked(&*packet) {
                Ok(ip) => (ip.header_len(), usize::from(ip.total_len()), ip.protocol()),
                Err(_) => return,
            };
            Ipv4Packet::new_unchecked(&mut *packet).fill_checksum();
            if proto == jool_wire::proto::ICMP && !Ipv4Packet::new_unchecked(&*packet).is_fragment() {
                if let Ok(mut icmp) = Icmpv4Packet::new_checked(&mut packet[hlen..total]) {
                    icmp.fill_checksum();
                }
            }
        }
        Some(6) => {
            let (src, dst, total) = match Ipv6Packet::new_checked(&*packet) {
                Ok(ip) => (ip.src_addr(), ip.dst_addr(), 40 + usize::from(ip.payload_len())),
                Err(_) => return,
            };
            let chain = match jool_wire::ipv6::walk_chain(&packet[..total], false) {
                Ok(c) => c,
                Err(_) => return,
            };
            if chain.l4_proto == jool_wire::proto::ICMPV6 && chain.frag.is_none() {
                if let Ok(mut icmp) = Icmpv6Packet::new_checked(&mut packet[chain.l4_offset..total]) {
                    icmp.fill_checksum(src, dst);
                }
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (knobs, packet) = data.split_at(8);
    let knobs: &[u8; 8] = knobs.try_into().unwrap();
    let mut repaired = [0u8; 4096];
    let packet = if knobs[2] & 4 != 0 && packet.len() <= repaired.len() {
        let p = &mut repaired[..packet.len()];
        p.copy_from_slice(packet);
        repair(p);
        &*p
    } else {
        packet
    };
    let sel = (knobs[5] >> 3) | ((knobs[2] & 0x18) << 2);
    let mut packet = packet.to_vec();
    let (off, written) = offloads::choose(sel, &mut packet);
    let packet = &packet[..];
    let siit = Siit::new(config(knobs));
    let host = StaticHost {
        local4: vec![Ipv4Addr::new(198, 51, 100, 1)],
        local6: vec![Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)],
        mtu4: 1280 + u32::from(knobs[6]) * 8,
        mtu6: 1280 + u32::from(knobs[7]) * 8,
        ..Default::default()
    };
    let mtu = (host.mtu4, host.mtu6);
    let mut stats = Stats::default();
    let mut pkt = PacketBuf::new();
    let mut reply = PacketBuf::new();
    pkt.load(packet);
    pkt.set_offload(off);
    let split = offload::needs_split(&pkt);
    let verdict = siit.handle(&mut host.clone(), &mut stats, &mut pkt, &mut reply);
    plain_checks(packet, off, verdict, &pkt, &reply);
    offloads::check(packet, off, split, verdict, &pkt, &reply, mtu);

    // A partial checksum (no GSO) holding what Linux leaves there: finishing the translation
    // gives the translation of the finished packet (same host seed: same IPv4 IDs).
    let whole = offloads::l4(packet).is_some_and(|(_, _, end)| end == packet.len());
    if written && off.gso.is_none() && whole {
        if let Some(fin) = offloads::finished(packet, off) {
            let mut p2 = PacketBuf::new();
            p2.load(&fin);
            let v2 = siit.handle(&mut host.clone(), &mut stats, &mut p2, &mut reply);
            assert_eq!(verdict, v2);
            if verdict == Verdict::Translated {
                assert!(offload::finish_csum(&mut pkt));
                assert_eq!(
                    offloads::normalized(pkt.bytes().to_vec()),
                    offloads::normalized(p2.bytes().to_vec())
                );
            }
        }
    }

    // What the datapath does with a super-packet it must split: each segment is a plain packet.
    if split {
        let mut sup = PacketBuf::new();
        sup.load(packet);
        sup.set_offload(off);
        let mut seg = PacketBuf::new();
        for i in 0..16 {
            if !offload::split(&sup, i, &mut seg) {
                break;
            }
            assert!(seg.offload().is_none());
            let piece = seg.bytes().to_vec();
            let v = siit.handle(&mut host.clone(), &mut stats, &mut seg, &mut reply);
            plain_checks(&piece, Offload::NONE, v, &seg, &reply);
            offloads::check(&piece, Offload::NONE, false, v, &seg, &reply, mtu);
            assert!(v != Verdict::Translated || seg.offload().is_none());
        }
    }
});

/// The family checks of a plain translation.
fn plain_checks(packet: &[u8], off: Offload, verdict: Verdict, pkt: &PacketBuf, reply: &PacketBuf) {
    let version = packet.first().map(|b| b >> 4);
    match verdict {
        Verdict::Translated => {
            // A translated packet has the other family (or the same, for an EAM hairpin).
            let out = pkt.bytes();
            assert!(!out.is_empty());
            match out[0] >> 4 {
                4 => assert!(jool_wire::Ipv4Packet::new_checked(out).is_ok()),
                6 => assert!(jool_wire::Ipv6Packet::new_checked(out).is_ok()),
                v => panic!("translated packet has version {v}"),
            }
        }
        Verdict::Untranslatable(_) if off.is_none() => {
            assert_eq!(pkt.bytes(), packet, "hand-back must not modify the packet")
        }
        Verdict::Untranslatable(_) | Verdict::Drop(_) | Verdict::Stolen(_) => {}
    }
    if !reply.is_empty() {
        // An originated ICMP error goes back in the incoming packet's family.
        assert_eq!(reply.bytes()[0] >> 4, version.unwrap());
    }
}
