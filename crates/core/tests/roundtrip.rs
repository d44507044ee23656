//! Property tests of the SIIT translator: 6→4→6 and 4→6→4 round trips, checksum invariants,
//! and robustness against arbitrary bytes.
//!
//! ```text
//!   IPv6 host 2001:db8:6::X  ◄─ EAM 2001:db8:6::/104 ↔ 10.0.0.0/8 ─►  10.X
//!   IPv4 host 198.18.Y.Z     ◄─ pool6 64:ff9b::/96 ─►  64:ff9b::198.18.Y.Z
//! ```
//! Every generated address is translatable both ways, so a packet translated twice must come
//! back as it left, except for what RFC 7915 documents: the hop limit / TTL is decremented
//! twice, the IPv6 flow label becomes 0 (§4.1), the IPv4 identification is regenerated and DF
//! follows the 1260-byte rule (§5.1). A checksum stays valid, or stays equivalently wrong.

#[path = "conformance/builders.rs"]
mod builders;

use builders::*;
use jool_core::config::XlatorType;
use jool_core::{globals, PacketBuf, Siit, SiitConfig, StaticHost, Stats, Verdict};
use proptest::prelude::*;
use std::net::{Ipv4Addr, Ipv6Addr};

fn siit() -> Siit {
    let mut c = SiitConfig::default();
    let def = globals::find("pool6", XlatorType::Siit).expect("pool6 key");
    def.set(
        &mut c.globals,
        def.parse("64:ff9b::/96").expect("prefix"),
        false,
    )
    .expect("pool6");
    c.eamt
        .add(
            "2001:db8:6::/104".parse().expect("p6"),
            "10.0.0.0/8".parse().expect("p4"),
            false,
        )
        .expect("EAM");
    Siit::new(c)
}

fn host() -> StaticHost {
    StaticHost {
        local4: vec![Ipv4Addr::new(192, 0, 2, 1)],
        local6: vec!["2001:db8:ffff::1".parse().expect("addr")],
        ..StaticHost::default()
    }
}

/// Translates `bytes` once; the verdict and the resulting bytes.
fn translate(siit: &Siit, host: &mut StaticHost, bytes: &[u8]) -> (Verdict, Vec<u8>, Vec<u8>) {
    let mut stats = Stats::default();
    let mut pkt = PacketBuf::new();
    pkt.load(bytes);
    let mut reply = PacketBuf::new();
    let v = siit.handle(host, &mut stats, &mut pkt, &mut reply);
    (v, pkt.bytes().to_vec(), reply.bytes().to_vec())
}

#[derive(Clone, Debug)]
enum L4 {
    Tcp,
    Udp,
    Echo(u8),
}

fn l4() -> impl Strategy<Value = L4> {
    prop_oneof![
        Just(L4::Tcp),
        Just(L4::Udp),
        Just(L4::Echo(0)),
        Just(L4::Echo(1))
    ]
}

/// (protocol number v4, protocol number v6, segment without checksum).
fn segment(kind: &L4, sport: u16, dport: u16, payload: &[u8], v6: bool) -> (u8, Vec<u8>) {
    match kind {
        L4::Tcp => (proto::TCP, tcp(sport, dport, payload)),
        L4::Udp => (proto::UDP, udp(sport, dport, payload)),
        L4::Echo(r) => {
            let ty = match (v6, r) {
                (true, 0) => 128,
                (true, _) => 129,
                (false, 0) => 8,
                (false, _) => 0,
            };
            let p = if v6 { proto::ICMPV6 } else { proto::ICMP };
            (
                p,
                icmp(ty, 0, u32::from(sport) << 16 | u32::from(dport), payload),
            )
        }
    }
}

/// Ones'-complement equality of two checksum fields (0x0000 and 0xffff are both zero).
fn same_csum(a: u16, b: u16) -> bool {
    a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0)
}

fn csum_at(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes([b[off], b[off + 1]])
}

/// Is the transport checksum of the IPv4 packet `b` valid?
fn l4_ok4(b: &[u8]) -> bool {
    let ihl = usize::from(b[0] & 0xf) * 4;
    let seg = &b[ihl..];
    match b[9] {
        proto::ICMP => csum_ok(seg, 0),
        p => {
            let src = Ipv4Addr::new(b[12], b[13], b[14], b[15]);
            let dst = Ipv4Addr::new(b[16], b[17], b[18], b[19]);
            csum_ok(seg, pseudo4(src, dst, p, seg.len()))
        }
    }
}

/// Is the transport checksum of the (extension-header-free) IPv6 packet `b` valid?
fn l4_ok6(b: &[u8]) -> bool {
    let mut s = [0u8; 16];
    s.copy_from_slice(&b[8..24]);
    let mut d = [0u8; 16];
    d.copy_from_slice(&b[24..40]);
    csum_ok(
        &b[40..],
        pseudo6(Ipv6Addr::from(s), Ipv6Addr::from(d), b[6], b.len() - 40),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ipv6_packet_survives_6to4to6(
        kind in l4(),
        x in 0u32..(1 << 24),
        y in 0u16..=u16::MAX,
        sport in any::<u16>(),
        dport in any::<u16>(),
        tc in any::<u8>(),
        flow in 0u32..(1 << 20),
        hop in 3u8..=255,
        payload in proptest::collection::vec(any::<u8>(), 0..1400),
        skew in prop_oneof![Just(0u16), 1u16..0xfffe],
    ) {
        let src = Ipv6Addr::from(u128::from(Ipv6Addr::new(0x2001, 0xdb8, 6, 0, 0, 0, 0, 0)) | u128::from(x));
        let dst4 = Ipv4Addr::from(0xc612_0000 | u32::from(y) & 0x1_ffff);
        let dst = Ipv6Addr::from(u128::from(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0)) | u128::from(u32::from(dst4)));
        let (p6, seg) = segment(&kind, sport, dport, &payload, true);
        let mut h = V6::new(p6, "::", "::").tc(tc).flow(flow).hop(hop);
        h.src = src;
        h.dst = dst;
        let mut original = h.with(seg);
        let off = 40 + csum_offset(p6).unwrap_or(2);
        skew_csum(&mut original, off, skew);
        let valid = skew == 0;

        let siit = siit();
        let mut host = host();
        let (v, ipv4, reply) = translate(&siit, &mut host, &original);
        prop_assert_eq!(v, Verdict::Translated);
        prop_assert!(reply.is_empty());
        prop_assert_eq!(ipv4[0], 0x45);
        prop_assert!(ipv4_header_ok(&ipv4));
        prop_assert_eq!(ipv4[8], hop - 1);
        prop_assert_eq!(ipv4[1], tc);
        // RFC 7915 §5.1: DF set iff the IPv4 packet is larger than 1260 bytes.
        prop_assert_eq!(ipv4[6] & 0x40 != 0, ipv4.len() > 1260);
        prop_assert_eq!(l4_ok4(&ipv4), valid);
        let ihl = 20;
        let off4 = ihl + csum_offset(ipv4[9]).unwrap_or(2);
        // RFC 768 / RFC 7915 §4.5: an IPv4 UDP checksum of zero means "none"; a skewed
        // checksum that lands there cannot come back.
        prop_assume!(!(ipv4[9] == proto::UDP && csum_at(&ipv4, off4) == 0));

        let (v, back, reply) = translate(&siit, &mut host, &ipv4);
        prop_assert_eq!(v, Verdict::Translated);
        prop_assert!(reply.is_empty());
        let mut want = original.clone();
        want[7] = hop - 2;
        // Flow label 0 (RFC 7915 §4.1); version and traffic class kept.
        want[1] &= 0xf0;
        want[2] = 0;
        want[3] = 0;
        prop_assert_eq!(back.len(), want.len());
        prop_assert!(same_csum(csum_at(&back, off), csum_at(&want, off)),
            "checksum {:04x} vs {:04x}", csum_at(&back, off), csum_at(&want, off));
        let (mut b, mut w) = (back.clone(), want.clone());
        b[off..off + 2].fill(0);
        w[off..off + 2].fill(0);
        prop_assert_eq!(b, w);
        prop_assert_eq!(l4_ok6(&back), valid);
    }

    #[test]
    fn ipv4_packet_survives_4to6to4(
        kind in l4(),
        x in 0u32..(1 << 24),
        y in 0u16..=u16::MAX,
        sport in any::<u16>(),
        dport in any::<u16>(),
        tos in any::<u8>(),
        id in any::<u16>(),
        df in any::<bool>(),
        ttl in 3u8..=255,
        payload in proptest::collection::vec(any::<u8>(), 0..1400),
        skew in prop_oneof![Just(0u16), 1u16..0xfffe],
    ) {
        let src = Ipv4Addr::from(0xc612_0000 | u32::from(y) & 0x1_ffff);
        let dst = Ipv4Addr::from(0x0a00_0000 | x);
        let (p4, seg) = segment(&kind, sport, dport, &payload, false);
        let mut h = V4::new(p4, "0.0.0.0", "0.0.0.0").tos(tos).id(id).df(df).ttl(ttl);
        h.src = src;
        h.dst = dst;
        let mut original = h.with(seg);
        let off = 20 + csum_offset(p4).unwrap_or(2);
        skew_csum(&mut original, off, skew);
        // A UDP checksum of zero is "no checksum" in IPv4 (dropped unless amended).
        prop_assume!(!(p4 == proto::UDP && csum_at(&original, off) == 0));
        let valid = skew == 0;

        let siit = siit();
        let mut host = host();
        let (v, ipv6, reply) = translate(&siit, &mut host, &original);
        prop_assert_eq!(v, Verdict::Translated);
        prop_assert!(reply.is_empty());
        prop_assert_eq!(ipv6[0] >> 4, 6);
        prop_assert_eq!(((ipv6[0] & 0xf) << 4) | (ipv6[1] >> 4), tos);
        prop_assert_eq!(u32::from(ipv6[1] & 0xf) << 16 | u32::from(ipv6[2]) << 8 | u32::from(ipv6[3]), 0);
        prop_assert_eq!(ipv6[7], ttl - 1);
        // RFC 7915 §4.1: no Fragment Header for an unfragmented packet.
        prop_assert_ne!(ipv6[6], proto::FRAGMENT);
        prop_assert_eq!(ipv6.len(), original.len() + 20);
        prop_assert_eq!(l4_ok6(&ipv6), valid);

        let (v, back, reply) = translate(&siit, &mut host, &ipv6);
        prop_assert_eq!(v, Verdict::Translated);
        prop_assert!(reply.is_empty());
        prop_assert!(ipv4_header_ok(&back));
        let mut want = original.clone();
        want[8] = ttl - 2;
        // Identification is regenerated, DF follows the 1260-byte rule (RFC 7915 §5.1).
        let df_back = want.len() > 1260;
        want[6] = if df_back { 0x40 } else { 0 };
        prop_assert_eq!(back.len(), want.len());
        prop_assert!(same_csum(csum_at(&back, off), csum_at(&want, off)),
            "checksum {:04x} vs {:04x}", csum_at(&back, off), csum_at(&want, off));
        let (mut b, mut w) = (back.clone(), want.clone());
        for i in [4, 5, 10, 11, off, off + 1] {
            b[i] = 0;
            w[i] = 0;
        }
        prop_assert_eq!(b, w);
        prop_assert_eq!(l4_ok4(&back), valid);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_handed_back_bytes_are_untouched(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        version in prop_oneof![Just(4u8), Just(6u8), any::<u8>()],
    ) {
        let mut bytes = bytes;
        if let Some(b) = bytes.first_mut() {
            *b = (version << 4) | (*b & 0x0f);
        }
        let siit = siit();
        let mut host = host();
        let (v, out, _) = translate(&siit, &mut host, &bytes);
        if let Verdict::Untranslatable(_) = v {
            prop_assert_eq!(out, bytes);
        }
    }

    #[test]
    fn mutated_valid_packets_never_panic(
        kind in l4(),
        v6 in any::<bool>(),
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        flips in proptest::collection::vec((0usize..160, any::<u8>()), 1..6),
        cut in 0usize..170,
    ) {
        let (p, seg) = segment(&kind, 1000, 2000, &payload, v6);
        let mut pkt = if v6 {
            V6::new(p, "2001:db8:6::1", "64:ff9b::c612:1").with(seg)
        } else {
            V4::new(p, "198.18.0.1", "10.0.0.1").with(seg)
        };
        for (i, x) in flips {
            if let Some(b) = pkt.get_mut(i) {
                *b ^= x;
            }
        }
        pkt.truncate(cut.max(1));
        let siit = siit();
        let mut host = host();
        let (v, out, _) = translate(&siit, &mut host, &pkt);
        if let Verdict::Untranslatable(_) = v {
            prop_assert_eq!(out, pkt);
        }
    }
}
