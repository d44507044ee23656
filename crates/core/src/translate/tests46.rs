//! Behaviour tests, IPv4 → IPv6 (RFC 7915 §4).

use super::testutil::*;
use crate::stats::Jstat;
use crate::verdict::Verdict;

fn udp4(df: bool, data: &[u8]) -> Vec<u8> {
    ipv4(
        N4,
        N6_AS4,
        17,
        64,
        df,
        &seal4(N4, N6_AS4, 17, udp_hdr(data)),
    )
}

#[test]
fn translates_udp_4to6() {
    let r = run(&udp4(true, b"hello"));
    assert_eq!(r.verdict, Verdict::Translated);
    let mut expected = vec![0x60, 0x80, 0x00, 0x00, 0x00, 13, 17, 63];
    expected.extend_from_slice(&a6(N4_AS6).octets());
    expected.extend_from_slice(&a6(N6).octets());
    assert_eq!(&r.out[..40], &expected[..]);
    assert_eq!(&r.out[40..46], &udp_hdr(b"hello")[..6]);
    assert_eq!(&r.out[48..], b"hello");
    assert_eq!(residue6(&r.out, 0, 17), 0xffff);
    assert_eq!(r.stats.get(Jstat::Received4), 1);
    assert_eq!(r.stats.get(Jstat::Success), 1);
}

#[test]
fn translates_tcp_udp_echo_4to6_equivalently_wrong() {
    for (proto, seg) in [
        (6u8, tcp_hdr(b"abc")),
        (17, udp_hdr(b"abcd")),
        (1, icmp_hdr(8, 0, 0x0001_0002, b"ping")),
    ] {
        for k in [0u16, 5] {
            let seg = spoil(seal4(N4, N6_AS4, proto, seg.clone()), proto, k);
            let input = ipv4(N4, N6_AS4, proto, 64, false, &seg);
            let r = run(&input);
            assert_eq!(r.verdict, Verdict::Translated, "proto {proto}");
            let proto6 = if proto == 1 { 58 } else { proto };
            assert_eq!(r.out[6], proto6);
            assert_eq!(
                residue6(&r.out, 0, proto6),
                residue4(&input),
                "proto {proto} k {k}"
            );
            assert_eq!(residue6(&r.out, 0, proto6) == 0xffff, k == 0);
        }
    }
}

#[test]
fn translates_echo_reply_4to6() {
    let seg = seal4(N4, N6_AS4, 1, icmp_hdr(0, 0, 0x0001_0002, b""));
    let r = run(&ipv4(N4, N6_AS4, 1, 64, false, &seg));
    assert_eq!(r.out[40], 129);
    assert_eq!(be32(&r.out, 44), 0x0001_0002);
    assert_eq!(residue6(&r.out, 0, 58), 0xffff);
}

#[test]
fn adds_fragment_header_only_to_fragments() {
    // Not a fragment (DF or not): no Fragment header.
    for df in [false, true] {
        let r = run(&udp4(df, b"x"));
        assert_eq!(r.out[6], 17);
        assert_eq!(r.out.len(), 40 + 9);
    }
    // First fragment: MF, offset 0, identification copied; checksum updated.
    let whole = seal4(N4, N6_AS4, 17, udp_hdr(&[7; 32]));
    let input = ipv4_opts(
        N4,
        N6_AS4,
        17,
        64,
        (false, true, 0),
        0xabcd,
        &[],
        &whole[..16],
    );
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out[6], 44);
    assert_eq!(&r.out[40..48], &[17, 0, 0x00, 0x01, 0, 0, 0xab, 0xcd]);
    assert_eq!(be16(&r.out, 4), 8 + 16);
    let first = r.out[48..].to_vec();
    // Second fragment: offset 2 (16 bytes), copied as is.
    let input = ipv4_opts(
        N4,
        N6_AS4,
        17,
        64,
        (false, false, 2),
        0xabcd,
        &[],
        &whole[16..],
    );
    let r = run(&input);
    assert_eq!(&r.out[40..48], &[17, 0, 0x00, 0x10, 0, 0, 0xab, 0xcd]);
    assert_eq!(&r.out[48..], &whole[16..]);
    let mut seg = first;
    seg.extend_from_slice(&r.out[48..]);
    let ph = jool_wire::checksum::pseudo_v6(a6(N4_AS6), a6(N6), 17, seg.len() as u32);
    assert!(jool_wire::checksum::verify(jool_wire::checksum::combine(
        jool_wire::checksum::sum(&seg),
        ph
    )));
}

#[test]
fn answers_df_packet_too_big_with_frag_needed() {
    let mut h = host();
    h.mtu6 = 1280;
    let input = udp4(true, &[0; 1300]);
    let r = run_with(graybox(), &mut h, &input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::PktTooBig));
    assert_eq!(r.out, input);
    // ICMPv4 3/4 from the translator, MTU = 1280 − 20.
    assert_eq!(r.reply[0], 0x45);
    assert_eq!(r.reply[1], 0xc0);
    assert_eq!(r.reply[8], 64);
    assert_eq!(be16(&r.reply, 6) & 0x4000, 0);
    assert_eq!(src4(&r.reply), a4("198.51.100.1"));
    assert_eq!(dst4(&r.reply), a4(N4));
    assert_eq!(&r.reply[20..22], &[3, 4]);
    assert_eq!(be16(&r.reply, 26), 1260);
    assert_eq!(r.reply.len(), 576);
    assert_eq!(&r.reply[28..], &input[..548]);
    assert!(ip4_csum_ok(&r.reply));
    assert_eq!(residue4(&r.reply), 0xffff);
    assert_eq!(r.stats.get(Jstat::Icmp4errSuccess), 1);
    // Without DF the packet goes through whole (the kernel fragments it).
    let r = run_with(graybox(), &mut h, &udp4(false, &[0; 1300]));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out.len(), 40 + 1308);
}

#[test]
fn answers_ttl_1_with_time_exceeded() {
    let input = ipv4(
        N4,
        N6_AS4,
        17,
        1,
        false,
        &seal4(N4, N6_AS4, 17, udp_hdr(b"x")),
    );
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::Ttl46));
    let id = (rng(1)[0] as u16).to_be_bytes();
    let mut expected = vec![
        0x45,
        0xc0,
        0x00,
        (28 + input.len()) as u8,
        id[0],
        id[1],
        0,
        0,
        64,
        1,
        0,
        0,
    ];
    expected.extend_from_slice(&[198, 51, 100, 1, 198, 51, 100, 2]);
    expected.extend_from_slice(&[11, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(&input);
    let mut reply = r.reply.clone();
    reply[10..12].fill(0);
    reply[22..24].fill(0);
    assert_eq!(reply, expected);
    assert!(ip4_csum_ok(&r.reply));
    assert_eq!(residue4(&r.reply), 0xffff);
}

#[test]
fn drops_ipv4_options() {
    // Record Route (7), length 7, pointer 4, one empty slot; then EOL.
    let opts = [7, 7, 4, 0, 0, 0, 0, 0];
    let seg = seal4(N4, N6_AS4, 17, udp_hdr(b"opt"));
    let input = ipv4_opts(N4, N6_AS4, 17, 64, (false, false, 0), 1, &opts, &seg);
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out.len(), 40 + seg.len());
    assert_eq!(&r.out[40..46], &seg[..6]);
    assert_eq!(residue6(&r.out, 0, 17), 0xffff);
}

#[test]
fn refuses_unexpired_source_route() {
    // LSRR, length 7, pointer 4: one address still to visit.
    let opts = [131, 7, 4, 192, 0, 2, 1, 0];
    let input = ipv4_opts(
        N4,
        N6_AS4,
        17,
        64,
        (false, false, 0),
        1,
        &opts,
        &udp_hdr(b"x"),
    );
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::SrcRoute46));
    assert_eq!(&r.reply[20..22], &[3, 5]);
    // Exhausted (pointer past the end): translated.
    let opts = [131, 7, 8, 192, 0, 2, 1, 0];
    let input = ipv4_opts(
        N4,
        N6_AS4,
        17,
        64,
        (false, false, 0),
        1,
        &opts,
        &seal4(N4, N6_AS4, 17, udp_hdr(b"x")),
    );
    assert_eq!(run(&input).verdict, Verdict::Translated);
}

#[test]
fn handles_zero_udp_checksum() {
    let input = ipv4(N4, N6_AS4, 17, 64, false, &udp_hdr(b"zero"));
    // amend-udp-checksum-zero off: 3/13.
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::FragmentedZeroCsum46));
    assert_eq!(&r.reply[20..22], &[3, 13]);
    // On: computed.
    let mut cfg = graybox();
    cfg.globals.amend_udp_checksum_zero = true;
    let r = run_with(cfg.clone(), &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_ne!(be16(&r.out, 46), 0);
    assert_eq!(residue6(&r.out, 0, 17), 0xffff);
    // Fragmented: always refused.
    let input = ipv4_opts(
        N4,
        N6_AS4,
        17,
        64,
        (false, true, 0),
        5,
        &[],
        &udp_hdr(&[1; 16])[..16],
    );
    let r = run_with(cfg, &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::FragmentedZeroCsum46));
    assert_eq!(&r.reply[20..22], &[3, 13]);
}

#[test]
fn hands_back_untranslatable_ipv4_addresses() {
    let cases = [
        ("127.0.0.1", N6_AS4, Jstat::Src46),
        ("0.0.0.5", N6_AS4, Jstat::Src46),
        ("169.254.1.1", N6_AS4, Jstat::Src46),
        (N4, "198.51.100.1", Jstat::Dst46), // ours
        (N4, "224.0.0.5", Jstat::Dst46),
        (N4, "255.255.255.255", Jstat::Dst46),
    ];
    for (s, d, stat) in cases {
        let input = ipv4(s, d, 17, 64, false, &seal4(s, d, 17, udp_hdr(b"x")));
        let r = run(&input);
        assert_eq!(r.verdict, Verdict::Untranslatable(stat), "{s} -> {d}");
        assert_eq!(r.out, input);
    }
    // Without pool6, only EAM addresses translate.
    let mut cfg = graybox();
    cfg.globals.pool6 = None;
    let r = run_with(cfg.clone(), &mut host(), &udp4(false, b"x"));
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::Dst46));
    let input = ipv4(
        "10.0.0.1",
        "1.0.0.1",
        17,
        64,
        false,
        &seal4("10.0.0.1", "1.0.0.1", 17, udp_hdr(b"x")),
    );
    let r = run_with(cfg, &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(
        (src6(&r.out), dst6(&r.out)),
        (a6("2001:db8:2::1"), a6("2001:db8:3::1"))
    );
}

#[test]
fn denylisted_ipv4_addresses_are_handed_back() {
    let mut cfg = graybox();
    cfg.denylist4
        .add("192.0.2.0/24".parse().unwrap(), false)
        .unwrap();
    let r = run_with(cfg, &mut host(), &udp4(false, b"x"));
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::Dst46));
}

#[test]
fn zeroizes_traffic_class_when_asked() {
    let mut cfg = graybox();
    cfg.globals.zeroize_traffic_class = true;
    let r = run_with(cfg, &mut host(), &udp4(false, b"x"));
    assert_eq!(&r.out[..2], &[0x60, 0x00]);
    let r = run(&udp4(false, b"x"));
    assert_eq!(&r.out[..2], &[0x60, 0x80]);
}

#[test]
fn drops_fragmented_icmpv4_and_unknown_types() {
    let input = ipv4_opts(
        N4,
        N6_AS4,
        1,
        64,
        (false, true, 0),
        5,
        &[],
        &icmp_hdr(8, 0, 0, &[0; 8]),
    );
    assert_eq!(run(&input).verdict, Verdict::Drop(Jstat::FragmentedIcmp46));
    for ty in [13u8, 15, 17, 9, 10] {
        let input = ipv4(
            N4,
            N6_AS4,
            1,
            64,
            false,
            &seal4(N4, N6_AS4, 1, icmp_hdr(ty, 0, 0, &[0; 12])),
        );
        assert_eq!(
            run(&input).verdict,
            Verdict::Drop(Jstat::UnknownIcmp4Type),
            "type {ty}"
        );
    }
}

#[test]
fn copies_unknown_protocols_4to6() {
    let body = [9u8; 13];
    let r = run(&ipv4(N4, N6_AS4, 33, 64, false, &body));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out[6], 33);
    assert_eq!(&r.out[40..], &body);
}

#[test]
fn drops_malformed_ipv4() {
    let good = udp4(false, b"x");
    let mut bad = good.clone();
    bad[10] ^= 0xff; // header checksum
    assert_eq!(run(&bad).verdict, Verdict::Drop(Jstat::Hdr4));
    assert_eq!(run(&good[..12]).verdict, Verdict::Drop(Jstat::SkbTruncated));
    let mut bad = good.clone();
    bad[0] = 0x44; // IHL 4
    assert!(matches!(run(&bad).verdict, Verdict::Drop(Jstat::Hdr4)));
    assert_eq!(run(&[0x50, 0, 0]).verdict, Verdict::Drop(Jstat::Hdr4));
}

#[test]
fn drops_when_ipv6_mtu_below_minimum() {
    let mut h = host();
    h.mtu6 = 1200;
    let r = run_with(graybox(), &mut h, &udp4(false, b"x"));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::BadMtu46));
}
