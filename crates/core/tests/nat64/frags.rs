//! Fragments are reassembled, then translated whole (the stateful translator needs ports).

use crate::build::*;
use jool_core::{Jstat, Verdict};

/// The UDP datagram 40000 → 53 with 24 bytes of data, split after 16 bytes of UDP payload.
fn fragments6() -> (Vec<u8>, Vec<u8>) {
    let whole = udp6(CLIENT, 40000, SERVER6, 53, &[0xab; 24]);
    let seg = &whole[40..]; // 32 bytes
    let frag = |off8: u16, more: bool, data: &[u8]| {
        let mut p = vec![17, 0];
        p.extend_from_slice(&((off8 << 3) | u16::from(more)).to_be_bytes());
        p.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        p.extend_from_slice(data);
        ipv6(CLIENT, SERVER6, 44, &p)
    };
    (frag(0, true, &seg[..16]), frag(2, false, &seg[16..]))
}

#[test]
fn reassembles_ipv6_fragments_and_translates_the_datagram() {
    let mut r = Rig::new();
    let (a, b) = fragments6();
    assert_eq!(r.run(0, &b), Verdict::Stolen(Jstat::Received6));
    assert_eq!(r.run(1, &a), Verdict::Translated);
    let out = r.out();
    assert_eq!(out.len(), 20 + 32);
    assert_eq!(be16(out, 6) & 0x7fff, 0, "whole, DF clear");
    assert_eq!((src4(out), dst4(out), be16(out, 22)), (MASK, SERVER, 53));
    assert!(l4_ok4(out));
    assert_eq!(r.stats.get(Jstat::Received6), 2);
    assert_eq!(r.stats.get(Jstat::Success), 1);
}

#[test]
fn reassembles_zero_checksum_ipv4_fragments_and_computes_the_checksum() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    let seg = udp_seg(53, mp, &[0x5a; 24]); // checksum 0
    let a = ipv4_frag(SERVER, MASK, 17, 0x2000, &seg[..16]);
    let b = ipv4_frag(SERVER, MASK, 17, 2, &seg[16..]);
    assert_eq!(r.run(1, &a), Verdict::Stolen(Jstat::Received4));
    assert_eq!(r.run(2, &b), Verdict::Translated);
    let out = r.out();
    assert_eq!((out[6], out.len()), (17, 40 + 32), "no Fragment header");
    assert_eq!(be16(out, 42), 40000);
    assert_ne!(be16(out, 46), 0);
    assert!(l4_ok6(out));
}

#[test]
fn forgets_incomplete_datagrams_after_two_seconds() {
    let mut r = Rig::new();
    let (a, b) = fragments6();
    assert_eq!(r.run(0, &a), Verdict::Stolen(Jstat::Received6));
    r.expire(2_000);
    assert_eq!(r.nat.frag_counters().timed_out, 1);
    assert_eq!(
        r.run(2_001, &b),
        Verdict::Stolen(Jstat::Received6),
        "waits again"
    );
}
