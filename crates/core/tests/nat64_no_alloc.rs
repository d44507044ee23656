//! The NAT64 path allocates nothing in steady state: once the BIB entries and sessions exist,
//! translating packets of known flows both ways (UDP, TCP, ICMP echo, ICMP errors, hairpins),
//! handing packets back and dropping them does not call the allocator. (New entries, stored
//! SYNs and fragments allocate: they are state.)

#[path = "nat64/build.rs"]
#[allow(dead_code)]
mod build;

use build::*;
use jool_core::nat64::{L4Proto, Taddr4, Taddr6};
use jool_core::offload::{Gso, GsoKind, Offload, PartialCsum};
use jool_core::Verdict;
use jool_wire::checksum;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

// The allocator counts every thread, so this binary runs without the libtest harness
// (`harness = false`): nothing else runs while it measures.
fn main() {
    nat64_steady_state_makes_no_allocation();
    println!("nat64_no_alloc: the NAT64 steady state made no allocation");
}

fn nat64_steady_state_makes_no_allocation() {
    let mut r = Rig::new();
    r.nat
        .bib_add_static(
            L4Proto::Udp,
            Taddr6::new(CLIENT_B, 5000),
            Taddr4::new(MASK, 1500),
        )
        .unwrap();
    // Warm-up: create the state, learn the masks.
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let udp_mask = be16(r.out(), 20);
    assert_eq!(
        r.run(0, &tcp6(CLIENT, 40001, SERVER6, 80, 0x02)),
        Verdict::Translated
    );
    let tcp_mask = be16(r.out(), 20);
    assert_eq!(
        r.run(0, &echo6(CLIENT, SERVER6, 0x4242)),
        Verdict::Translated
    );
    let id = be16(r.out(), 24).to_be_bytes();
    let quoted = udp4(MASK, udp_mask, SERVER, 53, b"q");
    let packets = vec![
        udp6(CLIENT, 40000, SERVER6, 53, b"q"),
        udp4(SERVER, 53, MASK, udp_mask, b"a"),
        tcp4(SERVER, 80, MASK, tcp_mask, 0x12),
        tcp6(CLIENT, 40001, SERVER6, 80, 0x10),
        echo6(CLIENT, SERVER6, 0x4242),
        icmp4(SERVER, MASK, 0, 0, [id[0], id[1], 0, 1], b"ping"),
        icmp4(ROUTER4, MASK, 3, 3, [0; 4], &quoted),
        icmp6(
            CLIENT,
            SERVER6,
            1,
            4,
            [0; 4],
            &udp6(SERVER6, 53, CLIENT, 40000, b"a"),
        ),
        udp6(CLIENT, 40000, MASK6, 1500, b"hairpin"),
        udp4(SERVER, 53, MASK, 1999, b"no bib"),
        udp4(SERVER, 53, MASK, 2500, b"not pool4"),
        udp6(CLIENT, 1, CLIENT_B, 53, b"not pool6"),
        udp6(OTHER6, 1, SERVER6, 53, b"loop"),
    ];
    for p in &packets {
        r.run(1, p);
        r.expire(1);
    }
    let region = Region::new(GLOBAL);
    let mut verdicts = [Verdict::Translated; 13];
    for round in 0..20u64 {
        for (i, p) in packets.iter().enumerate() {
            verdicts[i] = r.run(2 + round, p);
        }
        r.expire(2 + round);
    }
    let change = region.change();
    assert_eq!(
        verdicts
            .iter()
            .filter(|v| **v == Verdict::Translated)
            .count(),
        9
    );
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "allocations in the NAT64 steady state"
    );
    offloads_make_no_allocation(&mut r, tcp_mask, udp_mask);
}

/// Leaves the transport checksum at `at` partial (pseudo-header sum, folded), as a TUN read
/// with `VIRTIO_NET_HDR_F_NEEDS_CSUM` does, optionally as a TCP super-packet.
fn partial(mut p: Vec<u8>, at: usize, gso: Option<u16>) -> (Vec<u8>, Offload) {
    let v6 = p[0] >> 4 == 6;
    let l4 = if v6 { 40 } else { 20 };
    let len = (p.len() - l4) as u32;
    let sum = if v6 {
        checksum::pseudo_v6(src6(&p), dst6(&p), p[6], len)
    } else {
        checksum::pseudo_v4(src4(&p), dst4(&p), p[9], len)
    };
    p[l4 + at..l4 + at + 2].copy_from_slice(&checksum::fold(sum).to_be_bytes());
    let csum = Some(PartialCsum {
        start: l4 as u16,
        offset: at as u16,
    });
    let gso = gso.map(|size| Gso {
        kind: GsoKind::Tcp { ecn: false },
        size,
    });
    (p, Offload { csum, gso })
}

/// 64 KB TCP super-packets both ways on the established flow, and partial UDP both ways.
fn offloads_make_no_allocation(r: &mut Rig, tcp_mask: u16, udp_mask: u16) {
    let payload: Vec<u8> = (0..65_000).map(|i| i as u8).collect();
    let mut t6 = tcp_seg(40001, 80, 0x10);
    t6.extend_from_slice(&payload);
    let mut t4 = tcp_seg(80, tcp_mask, 0x10);
    t4.extend_from_slice(&payload);
    let inputs = [
        partial(ipv6(CLIENT, SERVER6, 6, &t6), 16, Some(1440)),
        partial(ipv4(SERVER, MASK, 6, &t4), 16, Some(1440)),
        partial(
            ipv6(CLIENT, SERVER6, 17, &udp_seg(40000, 53, b"query")),
            6,
            None,
        ),
        partial(
            ipv4(SERVER, MASK, 17, &udp_seg(53, udp_mask, b"answer")),
            6,
            None,
        ),
    ];
    let run = |r: &mut Rig, now: u64| {
        inputs
            .iter()
            .map(|(b, off)| {
                r.pkt.load(b);
                r.pkt.set_offload(*off);
                let v = r
                    .nat
                    .handle(now, &mut r.host, &mut r.stats, 0, &mut r.pkt, &mut r.reply);
                // The result stays offloaded (a partial checksum to finish).
                assert!(v != Verdict::Translated || r.pkt.offload().csum.is_some());
                v
            })
            .filter(|v| *v == Verdict::Translated)
            .count()
    };
    assert_eq!(run(r, 30), 4);
    let region = Region::new(GLOBAL);
    let mut translated = 0;
    for round in 0..20u64 {
        translated += run(r, 31 + round);
    }
    let change = region.change();
    assert_eq!(translated, 80);
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "allocations translating offloaded packets"
    );
}
