//! A sequence of packets through one stateful NAT64 instance, with time advancing between them:
//! no input panics, every emitted packet is well-formed, and the state stays consistent. Each
//! packet may carry a TUN offload (partial checksum, GSO; see `offloads::choose`), chosen by the
//! spare bits of its record's mark byte.
#![no_main]

#[allow(dead_code)]
mod offloads;

use jool_core::globals::Globals;
use jool_core::offload;
use jool_core::nat64::pool4::{Pool4, PortRange};
use jool_core::nat64::tuple::L4Proto;
use jool_core::{Ipv4Prefix, Ipv6Prefix, Nat64, Nat64Config, PacketBuf, StaticHost, Stats, Verdict};
use libfuzzer_sys::fuzz_target;
use std::net::{Ipv4Addr, Ipv6Addr};

fn well_formed(out: &[u8]) -> bool {
    match out.first().map(|b| b >> 4) {
        Some(4) => jool_wire::Ipv4Packet::new_checked(out).is_ok(),
        Some(6) => jool_wire::Ipv6Packet::new_checked(out).is_ok(),
        _ => false,
    }
}

/// Is `p` a fragment? The NAT64 reassembles fragments (as the kernel's defragmentation does
/// before Jool), so what it hands back for one is the reassembled datagram.
fn is_fragment(p: &[u8]) -> bool {
    match p.first().map(|b| b >> 4) {
        Some(4) => jool_wire::Ipv4Packet::new_checked(p).is_ok_and(|ip| ip.is_fragment()),
        Some(6) => jool_wire::ipv6::walk_chain(p, true).is_ok_and(|c| c.frag.is_some()),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (knobs, mut rest) = data.split_at(4);
    let mut globals = Globals {
        pool6: Some(Ipv6Prefix::new(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96)),
        ..Default::default()
    };
    globals.address_dependent_filtering = knobs[0] & 1 != 0;
    globals.drop_externally_initiated_tcp = knobs[0] & 2 != 0;
    globals.drop_icmpv6_info = knobs[0] & 4 != 0;
    globals.source_icmpv6_errors_better = knobs[0] & 8 != 0;
    globals.handle_rst_during_fin_rcv = knobs[0] & 16 != 0;
    globals.f_args = knobs[1] & 0x0f;
    globals.maximum_simultaneous_opens = u32::from(knobs[1] >> 4);
    let mut pool4 = Pool4::new();
    if knobs[2] & 1 != 0 {
        // A tiny explicit pool4, so port exhaustion is reachable.
        let prefix = Ipv4Prefix::new(Ipv4Addr::new(192, 0, 2, 1), 32);
        for proto in [L4Proto::Tcp, L4Proto::Udp, L4Proto::Icmp] {
            let _ = pool4.add(0, proto, prefix, PortRange::new(1000, 1000 + u16::from(knobs[2] >> 4)), None);
        }
    }
    let Ok(nat64) = Nat64::new(Nat64Config::new(globals, pool4, [7; 16])) else {
        return;
    };
    let mut host = StaticHost {
        local4: vec![Ipv4Addr::new(192, 0, 2, 1)],
        local6: vec![Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)],
        mtu4: 1280 + u32::from(knobs[3]) * 4,
        ..Default::default()
    };
    let mut stats = Stats::default();
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    let mut now = 0u64;
    // Records: [advance seconds: u8][offload << 2 | mark: u8][len: u16 BE][packet].
    for _ in 0..64 {
        if rest.len() < 4 {
            break;
        }
        let advance = u64::from(rest[0]);
        let mark = u32::from(rest[1] & 3);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]])).min(rest.len() - 4);
        let mut packet = rest[4..4 + len].to_vec();
        let (off, _) = offloads::choose(rest[1] >> 2, &mut packet);
        let packet = &packet[..];
        rest = &rest[4 + len..];
        now += advance * 1000;
        nat64.expire(now, &mut host, &mut stats, &mut |out| assert!(well_formed(out)));
        pkt.load(packet);
        pkt.set_offload(off);
        let split = offload::needs_split(&pkt);
        let verdict = nat64.handle(now, &mut host, &mut stats, mark, &mut pkt, &mut reply);
        match verdict {
            Verdict::Translated => assert!(well_formed(pkt.bytes()), "{:02x?}", pkt.bytes()),
            Verdict::Untranslatable(_) if is_fragment(packet) => assert!(well_formed(pkt.bytes())),
            Verdict::Untranslatable(_) if off.is_none() => {
                assert_eq!(pkt.bytes(), packet, "hand-back must not modify")
            }
            Verdict::Untranslatable(_) | Verdict::Drop(_) | Verdict::Stolen(_) => {}
        }
        if !(is_fragment(packet) && matches!(verdict, Verdict::Untranslatable(_))) {
            offloads::check(packet, off, split, verdict, &pkt, &reply, (host.mtu4, host.mtu6));
        }
        if !reply.is_empty() {
            assert!(well_formed(reply.bytes()));
        }
    }
    // Everything expires eventually, leaving nothing behind.
    nat64.expire(now + 3 * 60 * 60 * 1000, &mut host, &mut stats, &mut |_| {});
    nat64.expire(now + 6 * 60 * 60 * 1000, &mut host, &mut stats, &mut |_| {});
    assert_eq!(nat64.db().session_count(), 0);
    assert_eq!(nat64.db().bib_count(), 0);
});
