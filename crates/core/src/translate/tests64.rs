//! Behaviour tests, IPv6 → IPv4 (RFC 7915 §5).

use super::testutil::*;
use crate::stats::Jstat;
use crate::verdict::Verdict;

fn udp6(data: &[u8]) -> Vec<u8> {
    ipv6(N6, N4_AS6, 17, 64, &seal6(N6, N4_AS6, 17, udp_hdr(data)))
}

#[test]
fn translates_udp_6to4() {
    let r = run(&udp6(b"hello"));
    assert_eq!(r.verdict, Verdict::Translated);
    let id = (rng(1)[0] as u16).to_be_bytes();
    #[rustfmt::skip]
    let expected_hdr = [
        0x45, 0x08, 0x00, 0x21, id[0], id[1], 0x00, 0x00,
        0x3f, 0x11, 0x00, 0x00, 192, 0, 2, 33,
        198, 51, 100, 2,
    ];
    let mut hdr = r.out[..20].to_vec();
    hdr[10..12].fill(0);
    assert_eq!(hdr, expected_hdr);
    assert!(ip4_csum_ok(&r.out));
    assert_eq!(residue4(&r.out), 0xffff);
    assert_eq!(&r.out[28..], b"hello");
    assert_eq!(&r.out[20..26], &udp_hdr(b"hello")[..6]);
    assert_eq!(r.stats.get(Jstat::Received6), 1);
    assert_eq!(r.stats.get(Jstat::Success), 1);
    assert!(r.reply.is_empty());
}

#[test]
fn keeps_udp_checksum_equivalently_wrong_6to4() {
    let seg = spoil(seal6(N6, N4_AS6, 17, udp_hdr(b"hello")), 17, 3);
    let r = run(&ipv6(N6, N4_AS6, 17, 64, &seg));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(
        residue4(&r.out),
        residue6(&ipv6(N6, N4_AS6, 17, 64, &seg), 0, 17)
    );
    assert_ne!(residue4(&r.out), 0xffff);
}

#[test]
fn translates_tcp_6to4_with_right_and_wrong_checksums() {
    for k in [0u16, 0x100] {
        let seg = spoil(seal6(N6, N4_AS6, 6, tcp_hdr(b"data!")), 6, k);
        let input = ipv6(N6, N4_AS6, 6, 64, &seg);
        let r = run(&input);
        assert_eq!(r.verdict, Verdict::Translated);
        assert_eq!(r.out[9], 6);
        assert_eq!(residue4(&r.out), residue6(&input, 0, 6));
        assert_eq!(residue4(&r.out) == 0xffff, k == 0);
    }
}

#[test]
fn translates_echo_request_6to4_with_right_and_wrong_checksums() {
    for k in [0u16, 7] {
        let seg = spoil(
            seal6(N6, N4_AS6, 58, icmp_hdr(128, 0, 0x0042_0001, b"ping")),
            58,
            k,
        );
        let input = ipv6(N6, N4_AS6, 58, 64, &seg);
        let r = run(&input);
        assert_eq!(r.verdict, Verdict::Translated);
        assert_eq!(r.out[9], 1);
        assert_eq!(&r.out[20..22], &[8, 0]);
        assert_eq!(be32(&r.out, 24), 0x0042_0001);
        assert_eq!(residue4(&r.out), residue6(&input, 0, 58));
        assert_eq!(residue4(&r.out) == 0xffff, k == 0);
    }
}

#[test]
fn translates_echo_reply_6to4() {
    let seg = seal6(N6, N4_AS6, 58, icmp_hdr(129, 0, 7, b""));
    let r = run(&ipv6(N6, N4_AS6, 58, 64, &seg));
    assert_eq!(r.out[20], 0);
    assert_eq!(residue4(&r.out), 0xffff);
}

#[test]
fn sets_df_only_above_1260_bytes() {
    // 20 + 8 + 1232 = 1260: DF clear; one more byte: DF set (RFC 7915 §5.1, RFC 8021).
    let r = run(&udp6(&[0u8; 1232]));
    assert_eq!((r.out.len(), r.out[6] & 0x40), (1260, 0));
    let r = run(&udp6(&[0u8; 1233]));
    assert_eq!((r.out.len(), r.out[6] & 0x40), (1261, 0x40));
}

fn frag_hdr(next: u8, offset: u16, more: bool, ident: u32) -> Vec<u8> {
    let mut v = vec![next, 0];
    v.extend_from_slice(&((offset << 3) | u16::from(more)).to_be_bytes());
    v.extend_from_slice(&ident.to_be_bytes());
    v
}

#[test]
fn translates_fragments_6to4() {
    // First fragment: UDP header + 16 bytes of a 40-byte datagram; checksum over the whole.
    let whole = seal6(N6, N4_AS6, 17, udp_hdr(&[0x5a; 32]));
    let mut p1 = frag_hdr(17, 0, true, 0xdead_beef);
    p1.extend_from_slice(&whole[..24]);
    let r = run(&ipv6(N6, N4_AS6, 44, 64, &p1));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(be16(&r.out, 4), 0xbeef);
    assert_eq!(be16(&r.out, 6), 0x2000); // DF 0, MF 1, offset 0
    assert_eq!(r.out[9], 17);
    assert_eq!(r.out.len(), 20 + 24);
    let csum1 = be16(&r.out, 26);
    // Second fragment: offset 3 (24 bytes), no header to touch.
    let mut p2 = frag_hdr(17, 3, false, 0xdead_beef);
    p2.extend_from_slice(&whole[24..]);
    let r2 = run(&ipv6(N6, N4_AS6, 44, 64, &p2));
    assert_eq!(r2.verdict, Verdict::Translated);
    assert_eq!(be16(&r2.out, 6), 3);
    assert_eq!(&r2.out[20..], &whole[24..]);
    // Reassembled, the IPv4 datagram's checksum is right.
    let mut seg = r.out[20..].to_vec();
    seg.extend_from_slice(&r2.out[20..]);
    let ph = jool_wire::checksum::pseudo_v4(src4(&r.out), dst4(&r.out), 17, seg.len() as u32);
    assert!(jool_wire::checksum::verify(jool_wire::checksum::combine(
        jool_wire::checksum::sum(&seg),
        ph
    )));
    assert_ne!(csum1, 0);
}

#[test]
fn answers_hop_limit_1_with_time_exceeded() {
    let input = ipv6(N6, N4_AS6, 17, 1, &seal6(N6, N4_AS6, 17, udp_hdr(b"x")));
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::Ttl64));
    assert_eq!(r.out, input, "dropped packets stay as received");
    // IPv6 header: hop limit 64, from the translator's own address to the sender.
    assert_eq!(r.reply[0] >> 4, 6);
    assert_eq!(be16(&r.reply, 4) as usize, 8 + input.len());
    assert_eq!((r.reply[6], r.reply[7]), (58, 64));
    assert_eq!(src6(&r.reply), a6("2001:db8:1c0:2:1::"));
    assert_eq!(dst6(&r.reply), a6(N6));
    assert_eq!(&r.reply[40..44], &[3, 0, r.reply[42], r.reply[43]]);
    assert_eq!(be32(&r.reply, 44), 0);
    assert_eq!(&r.reply[48..], &input[..]);
    assert_eq!(residue6(&r.reply, 0, 58), 0xffff);
    assert_eq!(r.stats.get(Jstat::Icmp6errSuccess), 1);
    assert_eq!(r.stats.get(Jstat::Ttl64), 1);
}

#[test]
fn counts_failure_when_no_source_for_the_error() {
    let input = ipv6(N6, N4_AS6, 17, 0, &seal6(N6, N4_AS6, 17, udp_hdr(b"x")));
    let mut h = host();
    h.local6.clear();
    let r = run_with(graybox(), &mut h, &input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::Ttl64));
    assert!(r.reply.is_empty());
    assert_eq!(r.stats.get(Jstat::Icmp6errFailure), 1);
}

#[test]
fn skips_extension_headers_before_the_fragment_header() {
    // Hop-by-Hop (8 bytes of PadN) then Destination Options then UDP.
    let seg = seal6(N6, N4_AS6, 17, udp_hdr(b"abc"));
    let mut p = vec![60, 0, 1, 4, 0, 0, 0, 0];
    p.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
    p.extend_from_slice(&seg);
    let r = run(&ipv6(N6, N4_AS6, 0, 64, &p));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out[9], 17);
    assert_eq!(r.out.len(), 20 + seg.len());
    assert_eq!(residue4(&r.out), 0xffff);
}

#[test]
fn refuses_extension_header_after_fragment_header() {
    let mut p = frag_hdr(60, 0, true, 1);
    p.extend_from_slice(&[17, 0, 1, 4, 0, 0, 0, 0]);
    p.extend_from_slice(&udp_hdr(b"abc"));
    let input = ipv6(N6, N4_AS6, 44, 64, &p);
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::FragThenExt64));
    assert_eq!(&r.reply[40..42], &[1, 1]);
    assert_eq!(r.out, input);
}

#[test]
fn refuses_nonzero_segments_left_with_pointer() {
    // Routing header type 0... segments left 1 at byte 3 of the header (offset 43).
    let mut p = vec![17, 2, 0, 1, 0, 0, 0, 0];
    p.extend_from_slice(&a6("2001:db8::99").octets());
    p.extend_from_slice(&udp_hdr(b"abc"));
    let r = run(&ipv6(N6, N4_AS6, 43, 64, &p));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::SegmentsLeft64));
    assert_eq!(&r.reply[40..42], &[4, 0]);
    assert_eq!(be32(&r.reply, 44), 43);
}

#[test]
fn translates_exhausted_routing_header() {
    let mut p = vec![17, 2, 0, 0, 0, 0, 0, 0];
    p.extend_from_slice(&a6("2001:db8::99").octets());
    p.extend_from_slice(&seal6(N6, N4_AS6, 17, udp_hdr(b"abc")));
    let r = run(&ipv6(N6, N4_AS6, 43, 64, &p));
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out[9], 17);
}

#[test]
fn drops_two_fragment_headers() {
    let mut p = frag_hdr(44, 0, true, 1);
    p.extend_from_slice(&frag_hdr(17, 0, true, 1));
    p.extend_from_slice(&udp_hdr(b"abc"));
    let r = run(&ipv6(N6, N4_AS6, 44, 64, &p));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::DoubleFrag64));
}

#[test]
fn drops_fragmented_icmpv6() {
    let mut p = frag_hdr(58, 0, true, 1);
    p.extend_from_slice(&icmp_hdr(128, 0, 0, &[0; 16]));
    let r = run(&ipv6(N6, N4_AS6, 44, 64, &p));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::FragmentedIcmp64));
    assert!(r.reply.is_empty());
}

#[test]
fn copies_unknown_protocols_verbatim() {
    for proto in [33u8, 59, 132] {
        let body = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        let r = run(&ipv6(N6, N4_AS6, proto, 64, &body));
        assert_eq!(r.verdict, Verdict::Translated, "protocol {proto}");
        assert_eq!(r.out[9], proto);
        assert_eq!(&r.out[20..], &body);
    }
}

#[test]
fn answers_too_big_first_fragment_with_packet_too_big() {
    let mut h = host();
    h.mtu4 = 1300;
    let r = run_with(graybox(), &mut h, &udp6(&[0; 1400]));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::PktTooBig));
    assert_eq!(&r.reply[40..42], &[2, 0]);
    assert_eq!(be32(&r.reply, 44), 1320);
    assert_eq!(r.reply.len(), 1280);
    // Floor: an IPv4 MTU of 1000 still advertises 1280.
    h.mtu4 = 1000;
    let r = run_with(graybox(), &mut h, &udp6(&[0; 1400]));
    assert_eq!(be32(&r.reply, 44), 1280);
    // Later fragments: dropped silently.
    let mut p = frag_hdr(17, 100, false, 9);
    p.extend_from_slice(&[0; 1200]);
    let r = run_with(graybox(), &mut h, &ipv6(N6, N4_AS6, 44, 64, &p));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::PktTooBig));
    assert!(r.reply.is_empty());
}

#[test]
fn hands_back_untranslatable_addresses_unchanged() {
    let cases = [
        ("2001:db8:1c0:2:21::", "2001:db8:9999::1", Jstat::Dst64), // dst outside pool6 and EAMT
        ("4000::1", N4_AS6, Jstat::Src64),                         // src outside pool6 and EAMT
        ("::1", N4_AS6, Jstat::Src64),                             // illegal source
        (N6, "2001:db8:1c6:3364:1::", Jstat::Dst64),               // 198.51.100.1: ours
        (N6, "2001:db8:17f:0:1::", Jstat::Dst64),                  // 127.0.0.1: scoped
        (N6, "2001:db8:1e0:0:1::", Jstat::Dst64),                  // 224.0.0.1: scoped
    ];
    for (s, d, stat) in cases {
        let input = ipv6(s, d, 17, 64, &seal6(s, d, 17, udp_hdr(b"x")));
        let r = run(&input);
        assert_eq!(r.verdict, Verdict::Untranslatable(stat), "{s} -> {d}");
        assert_eq!(r.out, input);
        assert_eq!(r.stats.get(stat), 1);
    }
}

#[test]
fn denylist_applies_to_pool6_results_only() {
    let mut cfg = graybox();
    cfg.denylist4
        .add("198.51.100.0/24".parse().unwrap(), false)
        .unwrap();
    cfg.denylist4
        .add("1.0.0.0/24".parse().unwrap(), false)
        .unwrap();
    let r = run_with(cfg.clone(), &mut host(), &udp6(b"x"));
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::Dst64));
    // 2001:db8:3::8 maps to 1.0.0.8 through the EAMT: the denylist does not apply.
    let input = ipv6(
        "2001:db8:3::8",
        "2001:db8:1c0:2:21::",
        17,
        64,
        &udp_hdr(b"x"),
    );
    let r = run_with(cfg, &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(src4(&r.out), a4("1.0.0.8"));
}

#[test]
fn translates_with_eam_entries() {
    let input = ipv6(
        "2001:db8:2::5",
        N4_AS6,
        17,
        64,
        &seal6("2001:db8:2::5", N4_AS6, 17, udp_hdr(b"x")),
    );
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!((src4(&r.out), dst4(&r.out)), (a4("10.0.0.5"), a4(N4)));
    assert_eq!(residue4(&r.out), 0xffff);
}

#[test]
fn returns_everything_when_manually_disabled() {
    let mut cfg = graybox();
    cfg.globals.manually_enabled = false;
    let input = udp6(b"x");
    let r = run_with(cfg, &mut host(), &input);
    assert_eq!(r.verdict, Verdict::Untranslatable(Jstat::XlatorDisabled));
    assert_eq!(r.out, input);
    assert_eq!(r.stats.get(Jstat::Received6), 1);
}

#[test]
fn overrides_tos_when_asked() {
    let mut cfg = graybox();
    cfg.globals.override_tos = true;
    cfg.globals.tos = 0xb8;
    let r = run_with(cfg, &mut host(), &udp6(b"x"));
    assert_eq!(r.out[1], 0xb8);
}

#[test]
fn drops_malformed_ipv6() {
    let good = udp6(b"hello");
    let r = run(&good[..30]);
    assert_eq!(r.verdict, Verdict::Drop(Jstat::SkbTruncated));
    let mut bad = good.clone();
    bad[5] += 10; // payload length beyond the buffer
    assert!(matches!(run(&bad).verdict, Verdict::Drop(_)));
    // UDP header cut short.
    let r = run(&ipv6(N6, N4_AS6, 17, 64, &[1, 2, 3]));
    assert_eq!(r.verdict, Verdict::Drop(Jstat::SkbTruncated));
    assert_eq!(run(&[]).verdict, Verdict::Drop(Jstat::SkbTruncated));
}

#[test]
fn drops_icmpv6_without_counterpart() {
    for ty in [130u8, 133, 135, 200] {
        let seg = seal6(N6, N4_AS6, 58, icmp_hdr(ty, 0, 0, &[0; 8]));
        let r = run(&ipv6(N6, N4_AS6, 58, 64, &seg));
        assert_eq!(
            r.verdict,
            Verdict::Drop(Jstat::UnknownIcmp6Type),
            "type {ty}"
        );
    }
}

#[test]
fn ignores_trailing_bytes_beyond_payload_length() {
    let mut input = udp6(b"hi");
    input.extend_from_slice(&[0xee; 6]);
    let r = run(&input);
    assert_eq!(r.verdict, Verdict::Translated);
    assert_eq!(r.out.len(), 20 + 10);
}
