//! Stateful NAT64 (RFC 6146 §3.7 + RFC 7915) with offloads: the ports are rewritten inside the
//! summed region, so the partial field must be the fresh pseudo-header sum.

use crate::build::{Rig, CLIENT, MASK, SERVER, SERVER6};
use crate::device::*;
use jool_core::offload::{self, Gso, GsoKind, Offload, PartialCsum};
use jool_core::{Jstat, PacketBuf, Verdict};

fn run(r: &mut Rig, bytes: &[u8], off: Offload) -> Out {
    r.pkt.load(bytes);
    r.pkt.set_offload(off);
    let v = r
        .nat
        .handle(1, &mut r.host, &mut r.stats, 0, &mut r.pkt, &mut r.reply);
    Out::of(v, &r.pkt, &r.reply)
}

/// A rig with an established TCP session CLIENT:40001 ↔ SERVER:80; returns the mask port.
fn established() -> (Rig, u16) {
    let mut r = Rig::new();
    let syn = complete(ipv6(CLIENT, SERVER6, TCP, &tcp(40001, 80, 0x02, &[])));
    assert_eq!(
        run(&mut r, &syn, Offload::NONE).verdict,
        Verdict::Translated
    );
    let mask = be16(r.out(), 20);
    let synack = complete(ipv4(SERVER, MASK, TCP, true, &tcp(80, mask, 0x12, &[])));
    assert_eq!(
        run(&mut r, &synack, Offload::NONE).verdict,
        Verdict::Translated
    );
    let ack = complete(ipv6(CLIENT, SERVER6, TCP, &tcp(40001, 80, ACK, &[])));
    assert_eq!(
        run(&mut r, &ack, Offload::NONE).verdict,
        Verdict::Translated
    );
    (r, mask)
}

/// Translates each plain segment of the (untranslated) super-packet on its own.
fn translate_segments(r: &mut Rig, bytes: &[u8], off: Offload) -> Vec<Vec<u8>> {
    let mut sup = PacketBuf::new();
    sup.load(bytes);
    sup.set_offload(off);
    let mut seg = PacketBuf::new();
    let mut out = Vec::new();
    let mut i = 0;
    while offload::split(&sup, i, &mut seg) {
        let o = run(r, seg.bytes(), seg.offload());
        assert_eq!(o.verdict, Verdict::Translated, "segment {i}");
        out.push(o.bytes);
        i += 1;
    }
    out
}

fn assert_device_matches(r: &mut Rig, input: &[u8], off: Offload, out: &Out) {
    let wire = out.wire();
    let one_by_one = translate_segments(r, input, off);
    assert_eq!(wire.len(), one_by_one.len());
    for (i, (w, t)) in wire.iter().zip(&one_by_one).enumerate() {
        assert!(l4_valid(w), "segment {i}: bad checksum");
        assert_eq!(comparable(w, t), comparable(t, t), "segment {i}");
    }
}

/// RFC 6146 §3.7 / RFC 7915 §5.1 on a TCP super-packet: source port masked, checksum partial
/// over the IPv4 pseudo-header, device segments equal the one-by-one translations.
#[test]
fn translates_tcp_super_packet_6to4_with_ports() {
    let (mut r, mask) = established();
    let mut l4 = tcp(40001, 80, ACK | PSH, &[]);
    l4.extend(data(2 * 1440 + 7));
    let (b, off) = tcp_super(ipv6(CLIENT, SERVER6, TCP, &l4), 1440, false);
    let out = run(&mut r, &b, off);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(be16(&out.bytes, 20), mask);
    assert_eq!(
        out.off.csum,
        Some(PartialCsum {
            start: 20,
            offset: 16
        })
    );
    assert_eq!(out.off.gso, off.gso);
    assert_eq!(out.wire().len(), 3);
    assert_device_matches(&mut r, &b, off, &out);
}

/// RFC 6146 §3.7 / RFC 7915 §4.1 on a TCP super-packet: destination port unmasked.
#[test]
fn translates_tcp_super_packet_4to6_with_ports() {
    let (mut r, mask) = established();
    let mut l4 = tcp(80, mask, ACK, &[]);
    l4.extend(data(3 * 1440));
    let (b, off) = tcp_super(ipv4(SERVER, MASK, TCP, true, &l4), 1440, true);
    let out = run(&mut r, &b, off);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(be16(&out.bytes, 42), 40001);
    assert_eq!(
        out.off.csum,
        Some(PartialCsum {
            start: 40,
            offset: 16
        })
    );
    assert_eq!(out.off.gso, off.gso);
    assert_device_matches(&mut r, &b, off, &out);
}

/// Partial UDP both ways through NAT64 (ports rewritten): finishing the output equals
/// translating the finished input.
#[test]
fn partial_udp_finishes_like_translating_the_finished_packet() {
    let mut r = Rig::new();
    let mut u6 = udp(5000, 53, 50);
    u6.extend(data(50));
    let (b6, off6) = partial(ipv6(CLIENT, SERVER6, UDP, &u6));
    let out = run(&mut r, &b6, off6);
    assert_eq!(out.verdict, Verdict::Translated);
    let mask = be16(&out.bytes, 20);
    let plain = run(&mut r, &device(&b6, off6)[0], Offload::NONE);
    assert_eq!(without_id(out.wire().remove(0)), without_id(plain.bytes));

    let mut u4 = udp(53, mask, 50);
    u4.extend(data(50));
    let (b4, off4) = partial(ipv4(SERVER, MASK, UDP, false, &u4));
    let out = run(&mut r, &b4, off4);
    assert_eq!(out.verdict, Verdict::Translated);
    assert_eq!(be16(&out.bytes, 42), 5000);
    let plain = run(&mut r, &device(&b4, off4)[0], Offload::NONE);
    let wire = out.wire().remove(0);
    assert!(l4_valid(&wire));
    assert_eq!(wire, plain.bytes);
}

/// Hand-back keeps a super-packet whole: not for pool4 → Untranslatable, bytes and offloads
/// unchanged.
#[test]
fn hands_back_super_packets_unchanged() {
    let mut r = Rig::new();
    let mut l4 = tcp(80, 1500, ACK, &[]);
    l4.extend(data(3 * 1400));
    let other = std::net::Ipv4Addr::new(198, 51, 100, 200);
    let (b, off) = tcp_super(ipv4(SERVER, other, TCP, true, &l4), 1400, false);
    let out = run(&mut r, &b, off);
    assert!(matches!(out.verdict, Verdict::Untranslatable(_)));
    assert_eq!(out.bytes, b);
    assert_eq!(out.off, off);
}

/// NAT64 refuses a super-packet the datapath must split (a UDP one): JSTAT_UNKNOWN.
#[test]
fn drops_a_super_packet_that_needs_split() {
    let mut r = Rig::new();
    let mut u = udp(5000, 53, 3000);
    u.extend(data(3000));
    let (b, mut off) = partial(ipv6(CLIENT, SERVER6, UDP, &u));
    off.gso = Some(Gso {
        kind: GsoKind::Udp,
        size: 1000,
    });
    assert_eq!(run(&mut r, &b, off).verdict, Verdict::Drop(Jstat::Unknown));
}
