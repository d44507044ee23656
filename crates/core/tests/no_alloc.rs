//! The translation path allocates nothing in steady state.
//!
//! A counting global allocator (`stats_alloc`) wraps the system one; after one warm-up pass,
//! translating every kind of packet (TCP, UDP, ICMP echo and errors both ways, fragments, EAM
//! hairpins, packets that make the translator originate an ICMP error, untranslatable and
//! corrupted ones) must not call the allocator once.
//!
//! The allocator counts every thread of the process, so this test runs without the libtest
//! harness (`harness = false` in Cargo.toml): nothing else runs while it measures.

use jool_core::addr::eamt::Eamt;
use jool_core::config::SiitConfig;
use jool_core::globals::Globals;
use jool_core::offload::{self, Gso, GsoKind, Offload, PartialCsum};
use jool_core::{Ipv6Prefix, PacketBuf, Siit, StaticHost, Stats, Verdict};
use jool_wire::checksum;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::net::{Ipv4Addr, Ipv6Addr};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const CLIENT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 8);
const SERVER4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 33);
const CLIENT4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 8);
const SERVER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221);

fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, hlim: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[nh, hlim]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(payload);
    p
}

fn ipv4(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    ttl: u8,
    flags_frag: u16,
    payload: &[u8],
) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&flags_frag.to_be_bytes());
    p.extend_from_slice(&[ttl, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::finish(checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// Fills the checksum (at `at`) of an L4 segment carried by IPv6.
fn l4_6(src: Ipv6Addr, dst: Ipv6Addr, proto: u8, mut seg: Vec<u8>, at: usize) -> Vec<u8> {
    let pseudo = checksum::pseudo_v6(src, dst, proto, seg.len() as u32);
    let sum = checksum::combine(pseudo, checksum::sum(&seg));
    seg[at..at + 2].copy_from_slice(&checksum::finish(sum).to_be_bytes());
    seg
}

/// Fills the checksum (at `at`) of an L4 segment carried by IPv4 (ICMP has no pseudo-header).
fn l4_4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, mut seg: Vec<u8>, at: usize) -> Vec<u8> {
    let pseudo = if proto == 1 {
        0
    } else {
        checksum::pseudo_v4(src, dst, proto, seg.len() as u32)
    };
    let sum = checksum::combine(pseudo, checksum::sum(&seg));
    seg[at..at + 2].copy_from_slice(&checksum::finish(sum).to_be_bytes());
    seg
}

fn udp(len: usize) -> Vec<u8> {
    let mut s = vec![0x9c, 0x40, 0, 53];
    s.extend_from_slice(&((8 + len) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend((0..len).map(|i| i as u8));
    s
}

fn tcp() -> Vec<u8> {
    let mut s = vec![
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0,
    ];
    s.extend_from_slice(b"hello");
    s
}

fn echo(ty: u8) -> Vec<u8> {
    let mut s = vec![ty, 0, 0, 0, 0x0c, 0x86, 0, 1];
    s.extend_from_slice(b"jool-rs no-alloc");
    s
}

fn packets() -> Vec<Vec<u8>> {
    let s6 = SERVER6;
    let udp6 = ipv6(CLIENT6, s6, 17, 64, &l4_6(CLIENT6, s6, 17, udp(100), 6));
    // Too big for the 1280-byte IPv4 MTU with DF: the translator answers Packet Too Big.
    let big6 = ipv6(CLIENT6, s6, 17, 64, &l4_6(CLIENT6, s6, 17, udp(1400), 6));
    let tcp6 = ipv6(CLIENT6, s6, 6, 64, &l4_6(CLIENT6, s6, 6, tcp(), 16));
    let echo6 = ipv6(CLIENT6, s6, 58, 64, &l4_6(CLIENT6, s6, 58, echo(128), 2));
    let expired6 = ipv6(CLIENT6, s6, 58, 1, &l4_6(CLIENT6, s6, 58, echo(128), 2));
    let outside6 = ipv6(
        CLIENT6,
        Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 1),
        17,
        64,
        &udp(10),
    );
    let udp4 = ipv4(
        SERVER4,
        CLIENT4,
        17,
        64,
        0x4000,
        &l4_4(SERVER4, CLIENT4, 17, udp(100), 6),
    );
    let tcp4 = ipv4(
        SERVER4,
        CLIENT4,
        6,
        64,
        0x4000,
        &l4_4(SERVER4, CLIENT4, 6, tcp(), 16),
    );
    let echo4 = ipv4(
        SERVER4,
        CLIENT4,
        1,
        64,
        0,
        &l4_4(SERVER4, CLIENT4, 1, echo(0), 2),
    );
    let expired4 = ipv4(
        SERVER4,
        CLIENT4,
        1,
        1,
        0,
        &l4_4(SERVER4, CLIENT4, 1, echo(0), 2),
    );
    // First fragment of a UDP datagram, and a later fragment.
    let frag4a = ipv4(
        SERVER4,
        CLIENT4,
        17,
        64,
        0x2000,
        &l4_4(SERVER4, CLIENT4, 17, udp(100), 6)[..64],
    );
    let frag4b = ipv4(SERVER4, CLIENT4, 17, 64, 0x0008, &[7u8; 48]);
    // ICMPv4 port unreachable about a UDP packet the IPv6 client had sent.
    let inner4 = ipv4(
        CLIENT4,
        SERVER4,
        17,
        63,
        0,
        &l4_4(CLIENT4, SERVER4, 17, udp(20), 6),
    );
    let mut err4 = vec![3, 3, 0, 0, 0, 0, 0, 0];
    err4.extend_from_slice(&inner4);
    let err4 = ipv4(
        SERVER4,
        CLIENT4,
        1,
        64,
        0,
        &l4_4(SERVER4, CLIENT4, 1, err4, 2),
    );
    // ICMPv6 Packet Too Big about a packet the IPv4 server had sent.
    let inner6 = ipv6(s6, CLIENT6, 17, 63, &l4_6(s6, CLIENT6, 17, udp(20), 6));
    let mut ptb = vec![2, 0, 0, 0, 0, 0, 0x05, 0x00];
    ptb.extend_from_slice(&inner6);
    let ptb6 = ipv6(CLIENT6, s6, 58, 64, &l4_6(CLIENT6, s6, 58, ptb, 2));
    // EAM hairpin: an IPv6 host reaches another IPv6 host through its EAM IPv4 address.
    let hair_dst = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc633, 0x6409);
    let hairpin = ipv6(
        CLIENT6,
        hair_dst,
        17,
        64,
        &l4_6(CLIENT6, hair_dst, 17, udp(30), 6),
    );
    let garbage = vec![0x45, 0, 0, 200, 1, 2, 3];
    vec![
        udp6, big6, tcp6, echo6, expired6, outside6, udp4, tcp4, echo4, expired4, frag4a, frag4b,
        err4, ptb6, hairpin, garbage,
    ]
}

/// Leaves the transport checksum at `at` partial (the pseudo-header sum, folded), as the TUN
/// hands it over with `VIRTIO_NET_HDR_F_NEEDS_CSUM`.
fn partial(mut p: Vec<u8>, at: usize, gso: Option<Gso>) -> (Vec<u8>, Offload) {
    let v6 = p[0] >> 4 == 6;
    let l4 = if v6 { 40 } else { 20 };
    let len = (p.len() - l4) as u32;
    let sum = if v6 {
        let s = Ipv6Addr::from(<[u8; 16]>::try_from(&p[8..24]).unwrap());
        let d = Ipv6Addr::from(<[u8; 16]>::try_from(&p[24..40]).unwrap());
        checksum::pseudo_v6(s, d, p[6], len)
    } else {
        let s = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
        let d = Ipv4Addr::new(p[16], p[17], p[18], p[19]);
        checksum::pseudo_v4(s, d, p[9], len)
    };
    p[l4 + at..l4 + at + 2].copy_from_slice(&checksum::fold(sum).to_be_bytes());
    let csum = Some(PartialCsum {
        start: l4 as u16,
        offset: at as u16,
    });
    (p, Offload { csum, gso })
}

fn tcp_gso(size: u16) -> Option<Gso> {
    Some(Gso {
        kind: GsoKind::Tcp { ecn: false },
        size,
    })
}

/// TUN offloads: 64 KB TCP super-packets both ways (one with a gso_size to shrink), partial
/// UDP both ways, and a UDP super-packet the datapath splits first.
fn offloaded() -> Vec<(Vec<u8>, Offload)> {
    let mut big = tcp();
    big.extend((0..65_000).map(|i| i as u8));
    let s6 = SERVER6;
    vec![
        partial(ipv6(CLIENT6, s6, 6, 64, &big), 16, tcp_gso(1200)),
        partial(
            ipv4(SERVER4, CLIENT4, 6, 64, 0x4000, &big),
            16,
            tcp_gso(1400),
        ),
        partial(ipv4(SERVER4, CLIENT4, 6, 64, 0, &big), 16, tcp_gso(1460)),
        partial(ipv6(CLIENT6, s6, 17, 64, &udp(300)), 6, None),
        partial(ipv4(SERVER4, CLIENT4, 17, 64, 0, &udp(300)), 6, None),
        partial(
            ipv6(CLIENT6, s6, 17, 64, &udp(3000)),
            6,
            Some(Gso {
                kind: GsoKind::Udp,
                size: 1000,
            }),
        ),
    ]
}

/// What the datapath does with one read: split if needed, then translate. Returns the number
/// of packets translated.
fn datapath(
    siit: &Siit,
    host: &mut StaticHost,
    stats: &mut Stats,
    input: &(Vec<u8>, Offload),
    bufs: &mut [PacketBuf; 3],
) -> usize {
    let [sup, pkt, reply] = bufs;
    sup.load(&input.0);
    sup.set_offload(input.1);
    if !offload::needs_split(sup) {
        return usize::from(siit.handle(host, stats, sup, reply) == Verdict::Translated);
    }
    let mut i = 0;
    let mut translated = 0;
    while offload::split(sup, i, pkt) {
        translated += usize::from(siit.handle(host, stats, pkt, reply) == Verdict::Translated);
        i += 1;
    }
    translated
}

fn main() {
    translation_path_does_not_allocate();
    println!("no_alloc: the translation path made no allocation in 1,600 translations and 600 offloaded reads");
}

fn translation_path_does_not_allocate() {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse::<Ipv6Prefix>().unwrap()),
        ..Default::default()
    };
    let mut eamt = Eamt::default();
    eamt.add(
        "2001:db8:1::/120".parse().unwrap(),
        "198.51.100.0/24".parse().unwrap(),
        false,
    )
    .unwrap();
    let siit = Siit::new(SiitConfig {
        globals,
        eamt,
        ..Default::default()
    });
    let mut host = StaticHost {
        local4: vec![Ipv4Addr::new(203, 0, 113, 1)],
        local6: vec![Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 1)],
        mtu4: 1280,
        ..Default::default()
    };
    let inputs = packets();
    let mut stats = Stats::default();
    let mut pkt = PacketBuf::new();
    let mut reply = PacketBuf::new();

    let mut verdicts = Vec::new();
    let mut replies = 0;
    for p in &inputs {
        pkt.load(p);
        verdicts.push(siit.handle(&mut host, &mut stats, &mut pkt, &mut reply));
        replies += usize::from(!reply.is_empty());
    }
    // The mix must exercise every verdict and originated errors, or the test proves little.
    let translated = verdicts
        .iter()
        .filter(|v| **v == Verdict::Translated)
        .count();
    assert!(translated >= 10, "{verdicts:?}");
    assert!(
        verdicts.iter().any(|v| matches!(v, Verdict::Drop(_))),
        "{verdicts:?}"
    );
    assert!(
        verdicts
            .iter()
            .any(|v| matches!(v, Verdict::Untranslatable(_))),
        "{verdicts:?}"
    );
    assert!(replies >= 3, "{verdicts:?}");

    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        for p in &inputs {
            pkt.load(p);
            let _ = siit.handle(&mut host, &mut stats, &mut pkt, &mut reply);
        }
    }
    let change = region.change();
    assert_eq!(
        change.allocations + change.reallocations,
        0,
        "the translation path allocated: {change:?}"
    );

    // TUN offloads, the same way.
    let offloaded = offloaded();
    let mut bufs = [PacketBuf::new(), PacketBuf::new(), PacketBuf::new()];
    let warm: usize = offloaded
        .iter()
        .map(|p| datapath(&siit, &mut host, &mut stats, p, &mut bufs))
        .sum();
    // 5 whole packets + the UDP super-packet's 3 datagrams.
    assert_eq!(warm, 8);
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        for p in &offloaded {
            datapath(&siit, &mut host, &mut stats, p, &mut bufs);
        }
    }
    let change = region.change();
    assert_eq!(
        change.allocations + change.reallocations,
        0,
        "the offload path allocated: {change:?}"
    );
}
