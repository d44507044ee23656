//! Behaviour tests: ICMP errors translated both ways (RFC 7915 §4.2–4.4, §5.2–5.4, RFC 4884,
//! RFC 6791), and EAM hairpinning (RFC 7757 §4).

use super::testutil::*;
use crate::globals::EamHairpinMode;
use crate::stats::Jstat;
use crate::verdict::Verdict;

/// The IPv6 packet an IPv4 node's packet became (n4 → n6), `data` bytes of UDP payload.
fn inner6(data: usize) -> Vec<u8> {
    ipv6(
        N4_AS6,
        N6,
        17,
        60,
        &seal6(N4_AS6, N6, 17, udp_hdr(&vec![0x33; data])),
    )
}

/// An ICMPv6 error from n6 about `inner`.
fn err6(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    err6_from(N6, ty, code, rest, inner)
}

fn err6_from(src: &str, ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    ipv6(
        src,
        N4_AS6,
        58,
        64,
        &seal6(src, N4_AS6, 58, icmp_hdr(ty, code, rest, inner)),
    )
}

/// The IPv4 packet an IPv6 node's packet became (n6 → n4).
fn inner4(data: usize) -> Vec<u8> {
    ipv4(
        N6_AS4,
        N4,
        17,
        60,
        false,
        &seal4(N6_AS4, N4, 17, udp_hdr(&vec![0x44; data])),
    )
}

/// An ICMPv4 error from n4 about `inner`.
fn err4(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    err4_from(N4, ty, code, rest, inner)
}

fn err4_from(src: &str, ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    ipv4(
        src,
        N6_AS4,
        1,
        64,
        false,
        &seal4(src, N6_AS4, 1, icmp_hdr(ty, code, rest, inner)),
    )
}

#[test]
fn translates_port_unreachable_6to4_with_inner_packet() {
    let r = run(&err6(1, 4, 0, &inner6(10)));
    assert_eq!(r.verdict, Verdict::Translated);
    let o = &r.out;
    assert_eq!((src4(o), dst4(o), o[9]), (a4(N6_AS4), a4(N4), 1));
    assert_eq!(&o[20..22], &[3, 3]);
    assert_eq!(residue4(o), 0xffff, "ICMP checksum recomputed");
    // Inner IPv4 header: addresses swapped back, TTL untouched, total length, checksum.
    let inner = &o[28..];
    assert_eq!((src4(inner), dst4(inner)), (a4(N4), a4(N6_AS4)));
    assert_eq!((inner[8], inner[9]), (60, 17));
    assert_eq!(be16(inner, 2) as usize, inner.len());
    assert!(ip4_csum_ok(inner));
    assert_eq!(residue4(inner), 0xffff, "inner UDP checksum translated");
    assert_eq!(o.len(), 20 + 8 + 20 + 18);
}

#[test]
fn validates_icmpv6_error_checksum() {
    let mut input = err6(1, 4, 0, &inner6(10));
    let n = input.len();
    input[n - 1] ^= 1;
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::IcmpCsum64));
    assert_eq!(r.out, input);
}

#[test]
fn truncates_translated_icmpv4_error_to_576() {
    let inner = inner6(1100);
    let r = run(&err6(3, 0, 0, &inner));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out.len(), 576);
    assert_eq!(be16(&r.out, 2), 576);
    assert_eq!(&r.out[20..22], &[11, 0]);
    assert_eq!(residue4(&r.out), 0xffff);
    // The inner header still announces the original length.
    assert_eq!(be16(&r.out, 28 + 2) as usize, 20 + 8 + 1100);
    assert_eq!(be16(&r.out, 6) & 0x4000, 0, "no DF on a 576-byte packet");
}

#[test]
fn translates_packet_too_big_to_frag_needed() {
    let r = run(&err6(2, 0, 1400, &inner6(10)));
    assert_eq!(&r.out[20..22], &[3, 4]);
    assert_eq!(be16(&r.out, 26), 1380);
    let mut h = host();
    h.mtu4 = 1300;
    let r = run_with(graybox(), &mut h, &err6(2, 0, 1400, &inner6(10)));
    assert_eq!(be16(&r.out, 26), 1300);
    assert_eq!(residue4(&r.out), 0xffff);
}

#[test]
fn translates_parameter_problem_6to4() {
    let r = run(&err6(4, 0, 7, &inner6(4)));
    assert_eq!((r.out[20], r.out[21], r.out[24]), (12, 0, 8));
    let r = run(&err6(4, 1, 6, &inner6(4)));
    assert_eq!((r.out[20], r.out[21], be32(&r.out, 24)), (3, 2, 0));
    let r = run(&err6(4, 0, 2, &inner6(4)));
    assert_eq!(
        r.verdict,
        Verdict::Drop(Jstat::UntranslatableParamProbPtr64)
    );
}

#[test]
fn drops_icmpv6_error_inside_error() {
    let inner_err = ipv6(N4_AS6, N6, 58, 60, &icmp_hdr(1, 4, 0, &[0; 48]));
    let r = run(&err6(1, 4, 0, &inner_err));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::DoubleIcmp6Error));
}

#[test]
fn sources_untranslatable_icmpv6_errors_from_rfc6791_pool() {
    let input = err6_from("4000::1", 3, 0, 0, &inner6(4));
    // Unset: the translator's own address (graybox 6791v64-empty).
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(src4(&r.out), a4("198.51.100.1"));
    // Set (graybox 6791v64).
    let mut cfg = graybox();
    cfg.globals.rfc6791v4_prefix = Some("203.0.113.8/32".parse().unwrap());
    let r = run_with(cfg.clone(), &mut host(), &input);
    assert_eq!(src4(&r.out), a4("203.0.113.8"));
    // Not random: the (hop limit)-th address.
    cfg.globals.rfc6791v4_prefix = Some("203.0.113.0/24".parse().unwrap());
    cfg.globals.randomize_rfc6791_addresses = false;
    let r = run_with(cfg, &mut host(), &input);
    assert_eq!(src4(&r.out), a4("203.0.113.64"));
    // No address at all.
    let mut h = host();
    h.local4.clear();
    let r = run_with(graybox(), &mut h, &input);
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::Rfc6791Enoent64));
}

#[test]
fn keeps_rfc4884_extension_6to4() {
    // 128-byte original datagram (length 16 × 8), then an 8-byte extension.
    let inner = inner6(80);
    assert_eq!(inner.len(), 128);
    let ext = [0x20, 0, 0xde, 0xad, 0, 8, 1, 1];
    let mut body = inner.clone();
    body.extend_from_slice(&ext);
    let r = run(&err6(1, 4, 16 << 24, &body));
    assert_eq!(r.verdict, Verdict::Translated);
    let o = &r.out;
    // 108 translated bytes padded back to 128 (32 words), extension after them.
    assert_eq!(o[25], 32);
    assert_eq!(o.len(), 28 + 128 + 8);
    assert_eq!(&o[28 + 108..28 + 128], &[0; 20]);
    assert_eq!(&o[28 + 128..], &ext);
    assert_eq!(residue4(o), 0xffff);
}

#[test]
fn rejects_rfc4884_length_beyond_payload() {
    let r = run(&err6(1, 4, 40 << 24, &inner6(80)));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::IcmpextBig));
}

#[test]
fn translates_port_unreachable_4to6_with_inner_packet() {
    let r = run(&err4(3, 3, 0, &inner4(10)));
    assert_eq!(r.verdict, Verdict::Translated);
    let o = &r.out;
    assert_eq!((src6(o), dst6(o), o[6]), (a6(N4_AS6), a6(N6), 58));
    assert_eq!(&o[40..42], &[1, 4]);
    assert_eq!(residue6(o, 0, 58), 0xffff);
    let inner = &o[48..];
    assert_eq!((src6(inner), dst6(inner)), (a6(N6), a6(N4_AS6)));
    assert_eq!((inner[6], inner[7]), (17, 60));
    assert_eq!(be16(inner, 4), 18);
    assert_eq!(
        residue6(inner, 0, 17),
        0xffff,
        "inner UDP checksum translated"
    );
    assert_eq!(o.len(), 40 + 8 + 40 + 18);
}

#[test]
fn validates_icmpv4_error_checksum() {
    let mut input = err4(3, 3, 0, &inner4(10));
    let n = input.len();
    input[n - 1] ^= 1;
    assert_eq!(run(&input).verdict, Verdict::Drop(Jstat::IcmpCsum46));
}

#[test]
fn translates_frag_needed_to_packet_too_big() {
    let r = run(&err4(3, 4, 1400, &inner4(10)));
    assert_eq!(&r.out[40..42], &[2, 0]);
    assert_eq!(be32(&r.out, 44), 1420);
    // Floored at 1280.
    let r = run(&err4(3, 4, 1000, &inner4(10)));
    assert_eq!(be32(&r.out, 44), 1280);
    // Zero MTU: the plateau below the inner Total Length (1500 → 1492, + 20).
    let mut inner = inner4(10);
    inner[2..4].copy_from_slice(&1500u16.to_be_bytes());
    inner[10..12].fill(0);
    let c = jool_wire::checksum::finish(jool_wire::checksum::sum(&inner[..20]));
    inner[10..12].copy_from_slice(&c.to_be_bytes());
    let mut h = host();
    h.mtu4 = 9000;
    h.mtu6 = 9000;
    let r = run_with(graybox(), &mut h, &err4(3, 4, 0, &inner));
    assert_eq!(be32(&r.out, 44), 1512);
    assert_eq!(residue6(&r.out, 0, 58), 0xffff);
}

#[test]
fn translates_protocol_unreachable_to_parameter_problem() {
    let r = run(&err4(3, 2, 0, &inner4(4)));
    assert_eq!((r.out[40], r.out[41], be32(&r.out, 44)), (4, 1, 6));
    let r = run(&err4(12, 0, 9 << 24, &inner4(4)));
    assert_eq!((r.out[40], r.out[41], be32(&r.out, 44)), (4, 0, 6));
    let r = run(&err4(12, 0, 5 << 24, &inner4(4)));
    assert_eq!(
        r.verdict,
        Verdict::Drop(Jstat::UntranslatableParamProblemPtr46)
    );
}

#[test]
fn truncates_translated_icmpv6_error_to_1280() {
    let r = run(&err4(11, 0, 0, &inner4(1400)));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out.len(), 1280);
    assert_eq!(be16(&r.out, 4), 1240);
    assert_eq!(&r.out[40..42], &[3, 0]);
    assert_eq!(residue6(&r.out, 0, 58), 0xffff);
}

#[test]
fn pads_rfc4884_original_datagram_to_64_bits() {
    let inner = inner4(100);
    assert_eq!(inner.len(), 128);
    let ext = [0x20, 0, 0xbe, 0xef, 0, 8, 2, 1];
    let mut body = inner.clone();
    body.extend_from_slice(&ext);
    let r = run(&err4(3, 3, 32 << 16, &body));
    assert_eq!(r.verdict, Verdict::Translated);
    let o = &r.out;
    // 148 translated bytes → 152 (19 × 8).
    assert_eq!(o[44], 19);
    assert_eq!(o.len(), 48 + 152 + 8);
    assert_eq!(&o[48 + 148..48 + 152], &[0; 4]);
    assert_eq!(&o[48 + 152..], &ext);
    assert_eq!(residue6(o, 0, 58), 0xffff);
    // Frag Needed has no length field in ICMPv6: the extension is removed.
    let r = run(&err4(3, 4, (32 << 16) | 1400, &body));
    assert_eq!(r.out.len(), 48 + 148);
}

#[test]
fn drops_icmpv4_error_inside_error() {
    let inner_err = ipv4(N6_AS4, N4, 1, 60, false, &icmp_hdr(3, 1, 0, &[0; 28]));
    assert_eq!(
        run(&err4(3, 3, 0, &inner_err)).verdict,
        Verdict::Drop(Jstat::DoubleIcmp4Error)
    );
}

#[test]
fn translates_icmpv4_errors_from_scoped_sources() {
    // Graybox rfc7915 h: sources 127.0.0.1 and 0.0.0.0 still go through pool6.
    let r = run(&err4_from("127.0.0.1", 3, 1, 0, &inner4(4)));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(src6(&r.out), a6("2001:db8:17f:0:1::"));
    let r = run(&err4_from("0.0.0.0", 3, 1, 0, &inner4(4)));
    assert_eq!(src6(&r.out), a6("2001:db8:100::"));
}

#[test]
fn sources_untranslatable_icmpv4_errors_from_rfc6791v6() {
    // Graybox misc 6791v46: pool6 unset, EAMs only.
    let mut cfg = graybox();
    cfg.globals.pool6 = None;
    cfg.eamt
        .add(
            "2001:db8:1c6:3364::/72".parse().unwrap(),
            "198.51.100.0/24".parse().unwrap(),
            false,
        )
        .unwrap();
    cfg.eamt
        .add(
            "2001:db8:1c0:2::/72".parse().unwrap(),
            "192.0.2.0/24".parse().unwrap(),
            false,
        )
        .unwrap();
    let input = err4_from("203.0.113.1", 3, 1, 0, &inner4(4));
    let r = run_with(cfg.clone(), &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(src6(&r.out), a6("2001:db8:1c0:2:1::"));
    cfg.globals.rfc6791v6_prefix = Some("2::/64".parse().unwrap());
    let r = run_with(cfg.clone(), &mut host(), &input);
    assert!("2::/64"
        .parse::<crate::Ipv6Prefix>()
        .unwrap()
        .contains(src6(&r.out)));
    cfg.globals.rfc6791v6_prefix = None;
    let mut h = host();
    h.local6.clear();
    let r = run_with(cfg, &mut h, &input);
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::Rfc6791Enoent46));
}

#[test]
fn hairpins_intrinsically_through_eams() {
    // Graybox g: 2001:db8:3::8 → 2001:db8:101:0:9:: becomes 2001:db8:101:0:8:: → 2001:db8:3::9.
    let (s, d) = ("2001:db8:3::8", "2001:db8:101:0:9::");
    let input = ipv6(s, d, 17, 64, &seal6(s, d, 17, udp_hdr(b"hairpin")));
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out[0] >> 4, 6);
    assert_eq!(
        (src6(&r.out), dst6(&r.out)),
        (a6("2001:db8:101:0:8::"), a6("2001:db8:3::9"))
    );
    assert_eq!(r.out[7], 63, "hop limit decremented once");
    assert_eq!(residue6(&r.out, 0, 17), 0xffff);
    assert_eq!(r.stats.get(Jstat::Received6), 1);
    assert_eq!(r.stats.get(Jstat::Received4), 1);
}

#[test]
fn hairpins_simply_and_not_at_all() {
    let (s, d) = ("2001:db8:3::8", "2001:db8:101:0:9::");
    let input = ipv6(s, d, 17, 64, &seal6(s, d, 17, udp_hdr(b"hairpin")));
    let v4 = ipv4(
        "1.0.0.8",
        "1.0.0.9",
        17,
        63,
        false,
        &seal4("1.0.0.8", "1.0.0.9", 17, udp_hdr(b"hairpin")),
    );
    for (mode, src_back) in [
        (EamHairpinMode::Simple, "2001:db8:101:0:8::"),
        (EamHairpinMode::Off, "2001:db8:3::8"),
    ] {
        let mut cfg = graybox();
        cfg.globals.eam_hairpin_mode = mode;
        // 6→4: no U-turn inside.
        let r = run_with(cfg.clone(), &mut host(), &input);
        assert_eq!((src4(&r.out), dst4(&r.out)), (a4("1.0.0.8"), a4("1.0.0.9")));
        // The network routes it back: the source skips the EAMT only in simple mode.
        let r = run_with(cfg, &mut host(), &v4);
        assert_eq!(
            (src6(&r.out), dst6(&r.out)),
            (a6(src_back), a6("2001:db8:3::9")),
            "{mode:?}"
        );
    }
}

#[test]
fn hairpins_icmp_errors_intrinsically() {
    // B (2001:db8:3::9) answers A's hairpinned packet (A seen as 2001:db8:101:0:8::) with an
    // error; A must get it from B's pool6 view, about its own packet.
    let (a_seen, b) = ("2001:db8:101:0:8::", "2001:db8:3::9");
    let inner = ipv6(
        a_seen,
        b,
        17,
        62,
        &seal6(a_seen, b, 17, udp_hdr(b"hairpin")),
    );
    let input = ipv6(
        b,
        a_seen,
        58,
        64,
        &seal6(b, a_seen, 58, icmp_hdr(1, 4, 0, &inner)),
    );
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    let o = &r.out;
    assert_eq!(
        (src6(o), dst6(o)),
        (a6("2001:db8:101:0:9::"), a6("2001:db8:3::8"))
    );
    assert_eq!(&o[40..42], &[1, 4]);
    assert_eq!(residue6(o, 0, 58), 0xffff);
    let i = &o[48..];
    assert_eq!(
        (src6(i), dst6(i)),
        (a6("2001:db8:3::8"), a6("2001:db8:101:0:9::"))
    );
    assert_eq!(residue6(i, 0, 17), 0xffff);
}
