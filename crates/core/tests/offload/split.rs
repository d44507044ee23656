//! `needs_split` and the software segmenter `split`.

use crate::device::*;
use crate::siit::{CLIENT4, CLIENT6, SERVER4, SERVER6};
use jool_core::offload::{needs_split, split, Gso, GsoKind, Offload, PartialCsum};
use jool_core::PacketBuf;

fn buf(b: &[u8], off: Offload) -> PacketBuf {
    let mut p = PacketBuf::new();
    p.load(b);
    p.set_offload(off);
    p
}

fn udp_gso(size: u16) -> Option<Gso> {
    Some(Gso {
        kind: GsoKind::Udp,
        size,
    })
}

/// Every segment `split` writes, in order.
fn segments(p: &PacketBuf) -> Vec<Vec<u8>> {
    let mut out = PacketBuf::new();
    let mut v = Vec::new();
    while split(p, v.len(), &mut out) {
        assert!(out.offload().is_none());
        v.push(out.bytes().to_vec());
    }
    v
}

#[test]
fn tells_which_packets_need_split() {
    let mut t = tcp(40000, 80, ACK, &[]);
    t.extend(data(3000));
    let mut u = udp(5000, 53, 3000);
    u.extend(data(3000));
    let (t6, t6_off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &t), 1000, false);
    let (u6, mut u6_off) = partial(ipv6(CLIENT6, SERVER6, UDP, &u));
    // Plain, partial-only and the TCP fast path: no.
    assert!(!needs_split(&buf(&t6, Offload::NONE)));
    assert!(!needs_split(&buf(&u6, u6_off)));
    assert!(!needs_split(&buf(&t6, t6_off)));
    // UDP super-packet: yes.
    u6_off.gso = udp_gso(1000);
    assert!(needs_split(&buf(&u6, u6_off)));
    // gso_size 0, no partial checksum, checksum not at the TCP header, GSO TCP over UDP.
    let odd = |f: fn(&mut Offload)| {
        let mut o = t6_off;
        f(&mut o);
        needs_split(&buf(&t6, o))
    };
    assert!(odd(|o| o.gso = Some(Gso {
        size: 0,
        ..o.gso.unwrap()
    })));
    assert!(odd(|o| o.csum = None));
    assert!(odd(|o| o.csum = Some(PartialCsum {
        start: 20,
        offset: 16
    })));
    assert!(odd(|o| o.csum = Some(PartialCsum {
        start: 40,
        offset: 6
    })));
    let mut tcp_over_udp = u6_off;
    tcp_over_udp.gso = t6_off.gso;
    assert!(needs_split(&buf(&u6, tcp_over_udp)));
    // IPv4 fragment; IPv6 with a Fragment header (even an atomic one).
    let (f4, f4_off) = tcp_super(ipv4_ff(SERVER4, CLIENT4, TCP, 0x2000, &t), 1000, false);
    assert!(needs_split(&buf(&f4, f4_off)));
    let mut fh = vec![TCP, 0, 0, 0, 0, 0, 0, 1];
    fh.extend_from_slice(&t);
    let mut f6 = ipv6(CLIENT6, SERVER6, 44, &fh);
    put16(&mut f6, 40 + 8 + 16, 0x1234);
    let f6_off = Offload {
        csum: Some(PartialCsum {
            start: 48,
            offset: 16,
        }),
        gso: t6_off.gso,
    };
    assert!(needs_split(&buf(&f6, f6_off)));
    // Unparseable headers.
    assert!(needs_split(&buf(&t6[..30], t6_off)));
}

/// RFC 791 §3.1: an IPv6 super-packet whose IPv4 translation would exceed 65,535 bytes cannot
/// be translated whole.
#[test]
fn splits_super_packets_too_long_for_ipv4() {
    let mut t = tcp(40000, 80, ACK, &[]);
    t.extend(data(65_535 - 20 - 20 + 1));
    let (b, off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &t), 1440, false);
    assert!(needs_split(&buf(&b, off)));
    let mut t = tcp(40000, 80, ACK, &[]);
    t.extend(data(65_535 - 20 - 20));
    let (b, off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &t), 1440, false);
    assert!(!needs_split(&buf(&b, off)));
}

/// TCP over IPv6: payload cut in gso_size pieces, sequence numbers advanced, FIN/PSH only on
/// the last segment, CWR only on the first, Payload Length and checksum per segment.
#[test]
fn splits_tcp_over_ipv6() {
    let mut t = tcp(40000, 80, ACK | PSH | FIN | CWR, &[]);
    t.extend(data(2500));
    let (b, off) = tcp_super(ipv6(CLIENT6, SERVER6, TCP, &t), 1000, true);
    let segs = segments(&buf(&b, off));
    assert_eq!(segs.len(), 3);
    for (i, s) in segs.iter().enumerate() {
        assert!(l4_valid(s), "segment {i}");
        let n = if i == 2 { 500 } else { 1000 };
        assert_eq!(s.len(), 60 + n);
        assert_eq!(be16(s, 4) as usize, 20 + n);
        let seq = u32::from_be_bytes(s[44..48].try_into().unwrap());
        assert_eq!(seq, 1000 + 1000 * i as u32);
        assert_eq!(&s[60..], &data(2500)[1000 * i..1000 * i + n]);
    }
    assert_eq!(segs[0][53], ACK | CWR);
    assert_eq!(segs[1][53], ACK);
    assert_eq!(segs[2][53], ACK | PSH | FIN);
    // The device simulation agrees (its segments are finished from the partial field).
    assert_eq!(segs, device(&b, off));
}

/// TCP over IPv4: Total Length, Identification + index and the header checksum per segment.
#[test]
fn splits_tcp_over_ipv4() {
    let mut t = tcp(80, 40000, ACK, &[]);
    t.extend(data(2920));
    let (b, off) = tcp_super(ipv4(SERVER4, CLIENT4, TCP, true, &t), 1460, false);
    let segs = segments(&buf(&b, off));
    assert_eq!(segs.len(), 2);
    for (i, s) in segs.iter().enumerate() {
        assert!(l4_valid(s));
        assert_eq!(be16(s, 2), 1500);
        assert_eq!(be16(s, 4), 0x1234 + i as u16);
    }
    assert_eq!(segs, device(&b, off));
}

/// UDP (USO) over IPv6 and IPv4: each datagram gets its own Length and checksum.
#[test]
fn splits_udp_both_families() {
    let mut u = udp(5000, 53, 2100);
    u.extend(data(2100));
    for b in [
        ipv6(CLIENT6, SERVER6, UDP, &u),
        ipv4(CLIENT4, SERVER4, UDP, false, &u),
    ] {
        let (b, mut off) = partial(b);
        off.gso = udp_gso(1000);
        let segs = segments(&buf(&b, off));
        assert_eq!(segs.len(), 3);
        let l4 = l4_off(&b);
        for (i, s) in segs.iter().enumerate() {
            let n = if i == 2 { 100 } else { 1000 };
            assert_eq!(s.len(), l4 + 8 + n);
            assert_eq!(be16(s, l4 + 4) as usize, 8 + n);
            assert!(l4_valid(s), "segment {i}");
            assert_ne!(be16(s, l4 + 6), 0);
            assert_eq!(&s[l4 + 8..], &data(2100)[1000 * i..1000 * i + n]);
        }
    }
}

/// Something that is not a TCP/UDP super-packet is one segment: the packet, its partial
/// checksum finished as the device would.
#[test]
fn splits_anything_else_into_itself() {
    let mut u = udp(53, 5000, 100);
    u.extend(data(64));
    let (b, mut off) = partial(ipv4_ff(SERVER4, CLIENT4, UDP, 0x2000, &u));
    off.gso = udp_gso(10);
    let segs = segments(&buf(&b, off));
    assert_eq!(segs, device(&b, Offload { gso: None, ..off }));
    // A field outside the packet: nothing to send.
    off.csum = Some(PartialCsum {
        start: 200,
        offset: 6,
    });
    assert!(segments(&buf(&b, off)).is_empty());
    // A short super-packet (one segment) and a header-only one.
    let mut t = tcp(80, 40000, ACK, &[]);
    let (h, hoff) = tcp_super(ipv4(SERVER4, CLIENT4, TCP, true, &t), 1000, false);
    assert_eq!(segments(&buf(&h, hoff)).len(), 1);
    t.extend(data(10));
    let (s, soff) = tcp_super(ipv4(SERVER4, CLIENT4, TCP, true, &t), 1000, false);
    assert_eq!(segments(&buf(&s, soff)), device(&s, soff));
}
