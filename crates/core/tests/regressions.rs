//! Inputs the fuzzer found, kept as tests.

use jool_core::config::SiitConfig;
use jool_core::globals::Globals;
use jool_core::{PacketBuf, Siit, StaticHost, Stats, Verdict};
use jool_wire::Ipv6Packet;

/// fuzz/artifacts crash-e2bb4281: an IPv4 packet whose options fill the whole datagram (no
/// payload, protocol 7) translates into an IPv6 packet with payload length 0 — which must be a
/// valid packet, not a "jumbogram".
#[test]
fn translates_ipv4_packet_without_payload() {
    let mut ip4: Vec<u8> = vec![
        0x4d, 0x00, 0x00, 0x34, 0x40, 0x28, 0x40, 0x00, 0x47, 0x07, 0x00, 0x00, 192, 0, 2, 20, 198,
        51, 100, 34,
    ];
    // 32 bytes of NOP options.
    ip4.extend_from_slice(&[1u8; 32]);
    let c = jool_wire::checksum::finish(jool_wire::checksum::sum(&ip4));
    ip4[10..12].copy_from_slice(&c.to_be_bytes());

    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ..Default::default()
    };
    let siit = Siit::new(SiitConfig {
        globals,
        ..Default::default()
    });
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    pkt.load(&ip4);
    let verdict = siit.handle(
        &mut StaticHost::default(),
        &mut Stats::default(),
        &mut pkt,
        &mut reply,
    );
    assert_eq!(verdict, Verdict::Translated);
    let ip6 = Ipv6Packet::new_checked(pkt.bytes()).expect("a valid IPv6 packet");
    assert_eq!(pkt.len(), 40);
    assert_eq!(ip6.payload_len(), 0);
    assert_eq!(ip6.next_header(), 7);
    assert_eq!(ip6.hop_limit(), 0x46);
}

/// Builds an ICMPv6 echo request from 2001:db8::8 to 64:ff9b::192.0.2.33 with `hop_limit`.
fn echo6(hop_limit: u8) -> Vec<u8> {
    let src: std::net::Ipv6Addr = "2001:db8::8".parse().unwrap();
    let dst: std::net::Ipv6Addr = "64:ff9b::c000:221".parse().unwrap();
    let mut icmp = vec![128, 0, 0, 0, 0x0c, 0x86, 0, 1, b'j', b'o', b'o', b'l'];
    let sum = jool_wire::checksum::combine(
        jool_wire::checksum::pseudo_v6(src, dst, 58, icmp.len() as u32),
        jool_wire::checksum::sum(&icmp),
    );
    icmp[2..4].copy_from_slice(&jool_wire::checksum::finish(sum).to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0, 0, icmp.len() as u8, 58, hop_limit];
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&icmp);
    p
}

fn translate_with(host: &mut StaticHost, packet: &[u8]) -> (Verdict, PacketBuf, PacketBuf) {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ..Default::default()
    };
    let mut eamt = jool_core::Eamt::default();
    eamt.add(
        "2001:db8::8/128".parse().unwrap(),
        "198.51.100.8/32".parse().unwrap(),
        false,
    )
    .unwrap();
    let siit = Siit::new(SiitConfig {
        globals,
        eamt,
        ..Default::default()
    });
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    pkt.load(packet);
    let verdict = siit.handle(host, &mut Stats::default(), &mut pkt, &mut reply);
    (verdict, pkt, reply)
}

/// jool-daemon's datapath: the kernel forwards a packet into the TUN (one hop) and the
/// translated packet out of it (another). The translator compensates so that the whole box is
/// one router hop, like Jool: the seed's `ping6` through the NAT64 shows ttl=63.
#[test]
fn stays_one_hop_when_the_kernel_forwards_around_the_translator() {
    let mut host = StaticHost {
        hop_spent_before: true,
        hop_spent_after: true,
        local6: vec!["2001:db8::1".parse().unwrap()],
        ..Default::default()
    };
    // Sent with hop limit 64; the kernel's forwarding into the TUN made it 63.
    let (verdict, pkt, _) = translate_with(&mut host, &echo6(63));
    assert_eq!(verdict, Verdict::Translated);
    // Written with TTL 64: the kernel's forwarding out of the TUN leaves 63 on the wire.
    assert_eq!(pkt.bytes()[8], 64);

    // Sent with hop limit 2 (arrives as 1): still alive, leaves with 1 (written as 2).
    let (verdict, pkt, _) = translate_with(&mut host, &echo6(1));
    assert_eq!(verdict, Verdict::Translated);
    assert_eq!(pkt.bytes()[8], 2);

    // Sent with hop limit 1 (the kernel would have expired it; a local sender's 0 too).
    let (verdict, _, reply) = translate_with(&mut host, &echo6(0));
    assert_eq!(verdict, Verdict::Drop(jool_core::Jstat::Ttl64));
    // The originated Time Exceeded leaves with 64 after the kernel's hop.
    assert_eq!(reply.bytes()[7], 65);

    // Without the datapath (jool-translate): plain RFC 7915 decrement and 64.
    let mut plain = StaticHost {
        local6: vec!["2001:db8::1".parse().unwrap()],
        ..Default::default()
    };
    let (_, pkt, _) = translate_with(&mut plain, &echo6(63));
    assert_eq!(pkt.bytes()[8], 62);
    let (verdict, _, reply) = translate_with(&mut plain, &echo6(1));
    assert_eq!(verdict, Verdict::Drop(jool_core::Jstat::Ttl64));
    assert_eq!(reply.bytes()[7], 64);
}

/// jool-daemon's iptables framework: NFQUEUE hands the packet over in PREROUTING (no hop spent
/// yet) and the translated packet is forwarded out of the TUN (one hop).
#[test]
fn stays_one_hop_when_the_kernel_forwards_only_the_output() {
    let mut host = StaticHost {
        hop_spent_after: true,
        local6: vec!["2001:db8::1".parse().unwrap()],
        ..Default::default()
    };
    // Arrived with 64: written with 64, leaves with 63.
    let (verdict, pkt, _) = translate_with(&mut host, &echo6(64));
    assert_eq!(verdict, Verdict::Translated);
    assert_eq!(pkt.bytes()[8], 64);
    // Arrived with 1: expired here.
    let (verdict, _, reply) = translate_with(&mut host, &echo6(1));
    assert_eq!(verdict, Verdict::Drop(jool_core::Jstat::Ttl64));
    assert_eq!(reply.bytes()[7], 65);
}
