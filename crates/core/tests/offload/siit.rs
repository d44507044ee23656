//! SIIT (RFC 7915) with offloads: partial checksums and TCP super-packets both ways, proved
//! by the device simulation against translating the plain segments one by one.

use crate::device::*;
use jool_core::addr::eamt::Eamt;
use jool_core::config::SiitConfig;
use jool_core::globals::Globals;
use jool_core::offload::{self, Gso, GsoKind, Offload, PartialCsum};
use jool_core::{Ipv6Prefix, Jstat, PacketBuf, Siit, StaticHost, Stats, Verdict};
use std::net::{Ipv4Addr, Ipv6Addr};

/// 2001:db8:1::8 ↔ 198.51.100.8 (EAMT); 64:ff9b::192.0.2.33 ↔ 192.0.2.33 (pool6).
pub const CLIENT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 8);
pub const CLIENT4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 8);
pub const SERVER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221);
pub const SERVER4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 33);
/// Another EAM host: CLIENT6 → HAIRPIN6 is an intrinsic hairpin (RFC 7757 §4.2).
const HAIRPIN6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc633, 0x6409);

fn siit() -> Siit {
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
    Siit::new(SiitConfig {
        globals,
        eamt,
        ..Default::default()
    })
}

fn host(mtu4: u32, mtu6: u32) -> StaticHost {
    StaticHost {
        local4: vec![Ipv4Addr::new(203, 0, 113, 1)],
        local6: vec!["2001:db8:ffff::1".parse().unwrap()],
        mtu4,
        mtu6,
        ..Default::default()
    }
}

/// Translates `bytes` carrying `off` with a fresh host (same RNG seed every time).
fn run(bytes: &[u8], off: Offload, mtu4: u32, mtu6: u32) -> Out {
    let mut pkt = PacketBuf::new();
    pkt.load(bytes);
    pkt.set_offload(off);
    run_buf(&mut pkt, mtu4, mtu6)
}

fn run_buf(pkt: &mut PacketBuf, mtu4: u32, mtu6: u32) -> Out {
    let mut reply = PacketBuf::new();
    let mut stats = Stats::default();
    let v = siit().handle(&mut host(mtu4, mtu6), &mut stats, pkt, &mut reply);
    Out::of(v, pkt, &reply)
}

/// Translates each plain segment of the (untranslated) super-packet on its own.
fn translate_segments(bytes: &[u8], off: Offload) -> Vec<Vec<u8>> {
    let mut sup = PacketBuf::new();
    sup.load(bytes);
    sup.set_offload(off);
    let mut seg = PacketBuf::new();
    let mut out = Vec::new();
    let mut i = 0;
    while offload::split(&sup, i, &mut seg) {
        let o = run_buf(&mut seg, 1500, 1500);
        assert_eq!(o.verdict, Verdict::Translated, "segment {i}");
        assert!(o.off.is_none());
        out.push(o.bytes);
        i += 1;
    }
    out
}

/// The translated super-packet, segmented and finished by the device, equals translating the
/// segments one by one (up to the IPv4 Identification), and every segment checks out.
fn assert_device_matches(input: &[u8], off: Offload, out: &Out) {
    let wire = out.wire();
    let one_by_one = translate_segments(input, off);
    assert_eq!(wire.len(), one_by_one.len());
    for (i, (w, t)) in wire.iter().zip(&one_by_one).enumerate() {
        assert!(l4_valid(w), "segment {i}: bad checksum");
        assert_eq!(comparable(w, t), comparable(t, t), "segment {i}");
    }
}

/// 3 segments of 1440 bytes (the last one shorter), ACK|PSH|FIN|CWR, ECN GSO.
fn super6() -> (Vec<u8>, Offload) {
    let mut l4 = tcp(40000, 80, ACK | PSH | FIN | CWR, &[]);
    l4.extend(data(2 * 1440 + 1000));
    tcp_super(ipv6(CLIENT6, SERVER6, TCP, &l4), 1440, true)
}

fn super4(df: bool, size: u16, payload: usize) -> (Vec<u8>, Offload) {
    let mut l4 = tcp(80, 40000, ACK | PSH, &[]);
    l4.extend(data(payload));
    tcp_super(ipv4(SERVER4, CLIENT4, TCP, df, &l4), size, false)
}

/// RFC 7915 §5.1 / §5.5 on a TCP super-packet: the header is translated once, the checksum
/// left partial with the IPv4 pseudo-header sum, GSO kept; the device's segments equal the
/// translations of the IPv6 segments.
#[test]
fn translates_tcp_super_packet_6to4() {
    let (b, off) = super6();
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(out.bytes.len(), b.len() - 20);
    assert_eq!(
        out.off,
        Offload {
            csum: Some(PartialCsum {
                start: 20,
                offset: 16
            }),
            gso: Some(Gso {
                kind: GsoKind::Tcp { ecn: true },
                size: 1440
            }),
        }
    );
    // RFC 7915 §5.1: TTL decremented once; DF set (each 1480-byte segment is over 1260).
    assert_eq!(out.bytes[8], 63);
    assert_eq!(out.bytes[6] & 0x40, 0x40);
    assert_eq!(&out.bytes[2..4], &((b.len() - 20) as u16).to_be_bytes());
    let wire = out.wire();
    assert_eq!(wire.len(), 3);
    assert_eq!(wire[0].len(), 20 + 20 + 1440);
    assert_eq!(wire[2].len(), 20 + 20 + 1000);
    // The kernel numbers the segments' Identification from the super-packet's.
    let id = be16(&out.bytes, 4);
    assert_eq!(be16(&wire[2], 4), id.wrapping_add(2));
    assert_device_matches(&b, off, &out);
}

/// RFC 7915 §4.1 / §4.5 on a TCP super-packet (DF set, segments fit the IPv6 MTU).
#[test]
fn translates_tcp_super_packet_4to6() {
    let (b, off) = super4(true, 1440, 3 * 1440);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(out.bytes.len(), b.len() + 20);
    assert_eq!(out.bytes[7], 63);
    assert_eq!(
        out.off.csum,
        Some(PartialCsum {
            start: 40,
            offset: 16
        })
    );
    assert_eq!(out.off.gso, off.gso);
    assert_eq!(out.wire().len(), 3);
    assert_device_matches(&b, off, &out);
}

/// TCP options make the transport header 32 bytes: the segment length counts them.
#[test]
fn counts_tcp_options_in_the_segment_length() {
    let mut l4 = tcp(40000, 80, ACK, &[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]);
    l4.extend(data(4 * 1428));
    let (b, off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &l4), 1428, false);
    // 20 + 32 + 1428 = 1480 fits an IPv4 MTU of 1480, not one of 1479.
    let out = run(&b, off, 1480, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_device_matches(&b, off, &out);
    let out = run(&b, off, 1479, 1500);
    assert_eq!(out.verdict, Verdict::Drop(Jstat::PktTooBig));
}

/// RFC 7915 §5.1 + spec §7.4 PTB rule on the segment length: 1480-byte IPv4 segments do not
/// fit a 1400-byte MTU → Packet Too Big with max(1280, 1400 + 20), exactly as for one packet.
/// The reply is a plain packet with a complete checksum.
#[test]
fn answers_packet_too_big_for_the_segment_length_6to4() {
    let (b, off) = super6();
    let out = run(&b, off, 1400, 1500);
    assert_eq!(out.verdict, Verdict::Drop(Jstat::PktTooBig));
    assert_eq!((out.reply[40], out.reply[41]), (2, 0));
    assert_eq!(&out.reply[44..48], &1420u32.to_be_bytes());
    assert!(out.reply_off.is_none());
    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&out.reply[8..24]).unwrap());
    let dst = Ipv6Addr::from(<[u8; 16]>::try_from(&out.reply[24..40]).unwrap());
    let sum = jool_wire::checksum::combine(
        jool_wire::checksum::pseudo_v6(src, dst, 58, (out.reply.len() - 40) as u32),
        jool_wire::checksum::sum(&out.reply[40..]),
    );
    assert!(jool_wire::checksum::verify(sum));
    // One plain packet of the segment's length gets the same answer.
    let mut l4 = tcp(40000, 80, ACK, &[]);
    l4.extend(data(1440));
    let single = run(
        &complete(ipv6(CLIENT6, SERVER6, TCP, &l4)),
        Offload::NONE,
        1400,
        1500,
    );
    assert_eq!(single.verdict, out.verdict);
    assert_eq!(&single.reply[40..42], &out.reply[40..42]);
    assert_eq!(&single.reply[44..48], &out.reply[44..48]);
}

/// The super-packet's own length (4,380 bytes) is never compared with the MTU, and the DF
/// rule of RFC 7915 §5.1 looks at the segments: 540-byte segments leave with DF clear.
#[test]
fn judges_df_by_the_segment_length_6to4() {
    let mut l4 = tcp(40000, 80, ACK, &[]);
    l4.extend(data(8 * 500));
    let (b, off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &l4), 500, false);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(
        out.bytes[6] & 0x40,
        0,
        "DF must be clear for 540-byte segments"
    );
    assert_device_matches(&b, off, &out);
}

/// DF=1 super-packet whose IPv6 segments (40 + 20 + 1460) exceed the 1500-byte IPv6 MTU:
/// Fragmentation Needed with max(576, 1500 − 20), as for a single packet (spec §7.4).
#[test]
fn answers_fragmentation_needed_for_the_segment_length_4to6() {
    let (b, off) = super4(true, 1460, 3 * 1460);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Drop(Jstat::PktTooBig));
    assert_eq!((out.reply[20], out.reply[21]), (3, 4));
    assert_eq!(be16(&out.reply, 26), 1480);
    assert!(out.reply_off.is_none());
    assert!(jool_wire::checksum::verify(jool_wire::checksum::sum(
        &out.reply[20..]
    )));
}

/// DF=0 super-packet too big for the IPv6 MTU: gso_size shrinks so every segment fits
/// (1500 − 40 − 20 = 1440) instead of the segments being fragmented; the payload is intact.
#[test]
fn reduces_gso_size_for_df_clear_4to6() {
    let (b, off) = super4(false, 1460, 3 * 1460);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(out.off.gso.map(|g| g.size), Some(1440));
    let wire = out.wire();
    assert_eq!(wire.len(), 4);
    assert!(wire.iter().all(|w| w.len() <= 1500 && l4_valid(w)));
    let carried: Vec<u8> = wire.iter().flat_map(|w| w[60..].to_vec()).collect();
    assert_eq!(carried, data(3 * 1460));
    // A super-packet whose segments already fit keeps its size.
    let (b, off) = super4(false, 1400, 3 * 1400);
    assert_eq!(run(&b, off, 1500, 1500).off.gso.map(|g| g.size), Some(1400));
}

/// RFC 7915 §5.5 / §4.5 with a partial checksum on a single packet: finishing the translated
/// packet's checksum gives exactly the translation of the finished packet (both directions,
/// TCP and UDP).
#[test]
fn partial_checksums_finish_like_translating_the_finished_packet() {
    let mut t6 = tcp(40000, 80, ACK, &[]);
    t6.extend(data(300));
    let mut u6 = udp(5000, 53, 301);
    u6.extend(data(301));
    let mut t4 = tcp(80, 40000, ACK, &[]);
    t4.extend(data(300));
    let mut u4 = udp(53, 5000, 301);
    u4.extend(data(301));
    let packets = [
        ipv6(CLIENT6, SERVER6, TCP, &t6),
        ipv6(CLIENT6, SERVER6, UDP, &u6),
        ipv4(SERVER4, CLIENT4, TCP, true, &t4),
        ipv4(SERVER4, CLIENT4, UDP, false, &u4),
    ];
    for p in packets {
        let (b, off) = partial(p);
        let out = run(&b, off, 1500, 1500);
        assert_eq!(out.verdict, Verdict::Translated);
        let l4 = l4_off(&out.bytes) as u16;
        assert_eq!(out.off.csum.map(|c| c.start), Some(l4));
        let finished = out.wire().remove(0);
        let mut fin_in = PacketBuf::new();
        fin_in.load(&b);
        fin_in.set_offload(off);
        assert!(offload::finish_csum(&mut fin_in));
        let plain = run(fin_in.bytes(), Offload::NONE, 1500, 1500);
        assert_eq!(finished, plain.bytes);
        assert!(l4_valid(&finished));
    }
}

/// A partial UDP checksum is never "checksum zero" (RFC 7915 §4.5): with
/// `amend-udp-checksum-zero` off, a partial field is not dropped as a zero checksum (even one
/// holding 0, which Linux never leaves: it is rewritten as the pseudo-header sum anyway).
#[test]
fn never_takes_a_partial_udp_field_for_a_zero_checksum_4to6() {
    let mut u4 = udp(53, 5000, 10);
    u4.extend(data(10));
    let (mut b, off) = partial(ipv4(SERVER4, CLIENT4, UDP, false, &u4));
    put16(&mut b, 26, 0);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert!(l4_valid(&out.wire()[0]));
}

/// A partial ICMPv6 checksum is not carried over: finished in software first, then the echo
/// is translated as always (RFC 7915 §5.2) and leaves plain.
#[test]
fn finishes_partial_icmpv6_in_software() {
    let mut m = vec![128, 0, 0, 0, 0x12, 0x34, 0, 1];
    m.extend(data(40));
    let mut b = ipv6(CLIENT6, SERVER6, 58, &m);
    let ph = jool_wire::checksum::pseudo_v6(CLIENT6, SERVER6, 58, m.len() as u32);
    put16(&mut b, 42, jool_wire::checksum::fold(ph));
    let off = Offload {
        csum: Some(PartialCsum {
            start: 40,
            offset: 2,
        }),
        gso: None,
    };
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert!(out.off.is_none());
    assert_eq!(out.bytes[20], 8);
    assert!(jool_wire::checksum::verify(jool_wire::checksum::sum(
        &out.bytes[20..]
    )));
}

/// A partial checksum on an IPv4 fragment (MF) is finished in software: the translated
/// fragment (RFC 7915 §4.1.1) equals the translation of the fragment the device would send.
#[test]
fn finishes_a_fragments_partial_checksum_in_software() {
    let mut u4 = udp(53, 5000, 100);
    u4.extend(data(64));
    let (b, off) = partial(ipv4_ff(SERVER4, CLIENT4, UDP, 0x2000, &u4));
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert!(out.off.is_none());
    let device = device(&b, off).remove(0);
    assert_eq!(out.bytes, run(&device, Offload::NONE, 1500, 1500).bytes);
}

/// Hand-back (Jool's NF_ACCEPT): an untranslatable super-packet goes back as it came, bytes
/// and offloads.
#[test]
fn hands_back_super_packets_unchanged() {
    let mut l4 = tcp(40000, 80, ACK, &[]);
    l4.extend(data(3 * 1440));
    let outside: Ipv6Addr = "2001:db8:ffff::99".parse().unwrap();
    let (b, off) = tcp_super(ipv6(CLIENT6, outside, TCP, &l4), 1440, false);
    let out = run(&b, off, 1500, 1500);
    assert!(matches!(out.verdict, Verdict::Untranslatable(_)));
    assert_eq!(out.bytes, b);
    assert_eq!(out.off, off);
}

/// RFC 7757 §4.2 intrinsic hairpin of a super-packet: 6→4→6, offloads carried through both
/// halves, the segments right.
#[test]
fn hairpins_a_super_packet() {
    let mut l4 = tcp(40000, 80, ACK, &[]);
    l4.extend(data(3 * 1400));
    let (b, off) = tcp_super(ipv6(CLIENT6, HAIRPIN6, TCP, &l4), 1400, false);
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(out.bytes[0] >> 4, 6);
    assert_eq!(
        out.off.csum,
        Some(PartialCsum {
            start: 40,
            offset: 16
        })
    );
    assert_eq!(out.off.gso, off.gso);
    let wire = out.wire();
    assert_eq!(wire.len(), 3);
    assert!(wire.iter().all(|w| l4_valid(w)));
}

/// The translator refuses what the datapath must split first: JSTAT_UNKNOWN, nothing sent.
#[test]
fn drops_a_super_packet_that_needs_split() {
    let mut u = udp(5000, 53, 3000);
    u.extend(data(3000));
    let (b, mut off) = partial(ipv6(CLIENT6, SERVER6, UDP, &u));
    off.gso = Some(Gso {
        kind: GsoKind::Udp,
        size: 1000,
    });
    let out = run(&b, off, 1500, 1500);
    assert_eq!(out.verdict, Verdict::Drop(Jstat::Unknown));
    assert!(out.reply.is_empty());
}

/// A partial checksum whose field lies outside the packet cannot be finished: dropped.
#[test]
fn drops_a_partial_checksum_outside_the_packet() {
    let mut t = tcp(40000, 80, ACK, &[]);
    t.extend(data(10));
    let b = ipv6(CLIENT6, SERVER6, TCP, &t);
    let off = Offload {
        csum: Some(PartialCsum {
            start: 60,
            offset: 16,
        }),
        gso: None,
    };
    assert_eq!(run(&b, off, 1500, 1500).verdict, Verdict::Drop(Jstat::Hdr6));
}
