//! Reassembly: both families, out of order, duplicates, overlaps, the cap and the timeout.

use super::*;
use jool_wire::checksum;

/// IPv4 fragment 192.0.2.1 → 198.51.100.2, UDP, id 0x1234.
fn frag4(offset8: u16, more: bool, df: bool, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    let ff = offset8 | if more { 0x2000 } else { 0 } | if df { 0x4000 } else { 0 };
    p.extend_from_slice(&ff.to_be_bytes());
    p.extend_from_slice(&[64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2]);
    let c = checksum::finish(checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// IPv6 fragment 2001:db8::1 → 64:ff9b::c633:6402, a Destination Options header before the
/// Fragment header, UDP inside, id 0xabcd.
fn frag6(offset8: u16, more: bool, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&((8 + 8 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[60, 64]);
    p.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
    p.extend_from_slice(&"64:ff9b::c633:6402".parse::<Ipv6Addr>().unwrap().octets());
    p.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]); // DstOpts (PadN), next = Fragment
    p.extend_from_slice(&[17, 0]);
    p.extend_from_slice(&((offset8 << 3) | u16::from(more)).to_be_bytes());
    p.extend_from_slice(&0xabcdu32.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn offer(s: &mut FragStore, now: u64, bytes: &[u8], buf: &mut PacketBuf) -> Offer {
    buf.load(bytes);
    s.offer(now, &FragLimits::default(), buf)
}

#[test]
fn passes_unfragmented_packets_through() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    let mut p = frag4(0, false, true, &[1; 8]);
    assert_eq!(offer(&mut s, 0, &p, &mut b), Offer::Whole);
    p[0] = 0x60;
    assert_eq!(offer(&mut s, 0, &[0x45], &mut b), Offer::Whole);
    assert_eq!(s.pending(), 0);
}

#[test]
fn reassembles_ipv4_fragments_out_of_order() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    let second = frag4(2, false, false, &[2; 5]);
    let first = frag4(0, true, false, &[1; 16]);
    assert_eq!(offer(&mut s, 0, &second, &mut b), Offer::Held);
    assert_eq!(offer(&mut s, 1, &second, &mut b), Offer::Held, "duplicate");
    assert_eq!(offer(&mut s, 2, &first, &mut b), Offer::Complete);
    let out = b.bytes();
    assert_eq!(out.len(), 20 + 21);
    assert_eq!(&out[2..4], &[0, 41]);
    assert_eq!(&out[6..8], &[0, 0], "MF and offset cleared");
    assert!(Ipv4Packet::new_checked(out).unwrap().verify_checksum());
    assert_eq!(&out[20..36], &[1; 16]);
    assert_eq!(&out[36..], &[2; 5]);
    assert_eq!(s.pending(), 0);
    assert_eq!(s.bytes(), 0);
    assert_eq!(s.counters().reassembled, 1);
}

#[test]
fn reassembles_ipv6_fragments_and_removes_the_fragment_header() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    assert_eq!(
        offer(&mut s, 0, &frag6(0, true, &[7; 8]), &mut b),
        Offer::Held
    );
    assert_eq!(
        offer(&mut s, 0, &frag6(1, false, &[8; 3]), &mut b),
        Offer::Complete
    );
    let out = b.bytes();
    assert_eq!(out.len(), 40 + 8 + 11);
    assert_eq!(&out[4..6], &[0, 19]);
    assert_eq!(out[6], 60);
    assert_eq!(out[40], 17, "DstOpts now names UDP");
    assert_eq!(&out[48..56], &[7; 8]);
    assert_eq!(&out[56..], &[8; 3]);
}

#[test]
fn discards_datagram_with_overlapping_fragments() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    assert_eq!(
        offer(&mut s, 0, &frag6(0, true, &[7; 16]), &mut b),
        Offer::Held
    );
    assert_eq!(
        offer(&mut s, 0, &frag6(1, false, &[8; 16]), &mut b),
        Offer::Refused(Jstat::Hdr6)
    );
    assert_eq!(s.pending(), 0);
    assert_eq!(s.bytes(), 0);
}

#[test]
fn refuses_fragments_beyond_the_memory_cap() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    let limits = FragLimits {
        max_bytes: 40,
        timeout_ms: 2_000,
    };
    b.load(&frag4(0, true, false, &[1; 16]));
    assert_eq!(s.offer(0, &limits, &mut b), Offer::Held);
    b.load(&frag4(2, true, false, &[1; 16]));
    assert_eq!(s.offer(0, &limits, &mut b), Offer::Refused(Jstat::Enomem));
    assert_eq!(s.counters().over_cap, 1);
}

#[test]
fn expires_incomplete_datagrams_after_the_timeout() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    let l = FragLimits::default();
    assert_eq!(
        offer(&mut s, 1_000, &frag4(0, true, false, &[1; 8]), &mut b),
        Offer::Held
    );
    assert_eq!(s.expire(2_999, &l), 0);
    assert_eq!(s.expire(3_000, &l), 1);
    assert_eq!((s.pending(), s.bytes(), s.counters().timed_out), (0, 0, 1));
}

#[test]
fn refuses_bogus_fragment_lengths() {
    let mut s = FragStore::default();
    let mut b = PacketBuf::new();
    assert_eq!(
        offer(&mut s, 0, &frag4(0, true, false, &[1; 7]), &mut b),
        Offer::Refused(Jstat::Hdr4)
    );
    let mut bad = frag4(0, true, false, &[1; 8]);
    bad[10] ^= 1;
    assert_eq!(offer(&mut s, 0, &bad, &mut b), Offer::Refused(Jstat::Hdr4));
    assert_eq!(
        offer(&mut s, 0, &frag4(8191, false, false, &[1; 200]), &mut b),
        Offer::Refused(Jstat::Hdr4)
    );
}
