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
        0x4d, 0x00, 0x00, 0x34, 0x40, 0x28, 0x40, 0x00, 0x47, 0x07, 0x00, 0x00, 192, 0, 2, 20, 198, 51, 100, 34,
    ];
    // 32 bytes of NOP options.
    ip4.extend_from_slice(&[1u8; 32]);
    let c = jool_wire::checksum::finish(jool_wire::checksum::sum(&ip4));
    ip4[10..12].copy_from_slice(&c.to_be_bytes());

    let globals = Globals { pool6: Some("64:ff9b::/96".parse().unwrap()), ..Default::default() };
    let siit = Siit::new(SiitConfig { globals, ..Default::default() });
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    pkt.load(&ip4);
    let verdict = siit.handle(&mut StaticHost::default(), &mut Stats::default(), &mut pkt, &mut reply);
    assert_eq!(verdict, Verdict::Translated);
    let ip6 = Ipv6Packet::new_checked(pkt.bytes()).expect("a valid IPv6 packet");
    assert_eq!(pkt.len(), 40);
    assert_eq!(ip6.payload_len(), 0);
    assert_eq!(ip6.next_header(), 7);
    assert_eq!(ip6.hop_limit(), 0x46);
}
