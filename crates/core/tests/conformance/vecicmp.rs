//! RFC 7915 §4.2–§4.4 and §5.2–§5.4: ICMP translation both ways, table-driven, plus the
//! RFC 4884 extension and truncation rules.

use super::vec46::skewed;
use super::*;

const S42: &str = "RFC 7915 §4.2";
const S43: &str = "RFC 7915 §4.3";
const S44: &str = "RFC 7915 §4.4";
const S52: &str = "RFC 7915 §5.2";
const S53: &str = "RFC 7915 §5.3";
const S54: &str = "RFC 7915 §5.4";

/// An ICMPv6 (type, code, rest) or "silently drop".
type Mapped6 = Option<(u8, u8, u32)>;

/// Hop limit of the packets quoted inside errors (never decremented, §4.3 / §5.3).
const INNER_TTL: u8 = 17;

// 4→6: an ICMPv4 error N4 → N6_4 about a packet N6_4 → N4.
fn inner4_seg(n: usize) -> Vec<u8> {
    udp(6000, 7, &data(n, 9))
}
fn inner4(n: usize) -> Vec<u8> {
    V4::new(proto::UDP, N6_4, N4)
        .ttl(INNER_TTL)
        .df(false)
        .with(inner4_seg(n))
}
fn inner4_as6(n: usize) -> Vec<u8> {
    V6::new(proto::UDP, N6, N4_6)
        .hop(INNER_TTL)
        .with(inner4_seg(n))
}
fn err4_in(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    in4(proto::ICMP).df(false).with(icmp(ty, code, rest, inner))
}
fn err6_out(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    out6(proto::ICMPV6).with(icmp(ty, code, rest, inner))
}

// 6→4: an ICMPv6 error N6 → N4_6 about a packet N4_6 → N6.
fn inner6(n: usize) -> Vec<u8> {
    V6::new(proto::UDP, N4_6, N6)
        .hop(INNER_TTL)
        .with(inner4_seg(n))
}
fn inner6_as4(n: usize) -> Vec<u8> {
    V4::new(proto::UDP, N4, N6_4)
        .ttl(INNER_TTL)
        .df(false)
        .id(0)
        .with(inner4_seg(n))
}
fn err6_in(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    in6(proto::ICMPV6).with(icmp(ty, code, rest, inner))
}
fn err4_out(ty: u8, code: u8, rest: u32, inner: &[u8]) -> Vec<u8> {
    out4(proto::ICMP).with(icmp(ty, code, rest, inner))
}

fn tr46(name: String, rfc: &'static str, s: &'static str, i: Vec<u8>, o: Vec<u8>) -> Vector {
    Vector::translated(&name, rfc, s, i, o)
}
fn tr64(name: String, rfc: &'static str, s: &'static str, i: Vec<u8>, o: Vec<u8>) -> Vector {
    Vector::translated(&name, rfc, s, i, o).ignore(IGN_ERR4)
}

pub fn push(v: &mut Vec<Vector>) {
    push46(v);
    push64(v);
}

fn push46(v: &mut Vec<Vector>) {
    // Echo.
    let echo = |ty: u8| in4(proto::ICMP).with(icmp(ty, 0, 0x1234_0001, &data(32, 1)));
    let echo6 = |ty: u8| out6(proto::ICMPV6).with(icmp(ty, 0, 0x1234_0001, &data(32, 1)));
    v.push(Vector::translated(
        "rfc7915_4_2_echo_request_becomes_128",
        S42,
        "Echo and Echo Reply (Type 8 and Type 0): Adjust the Type values to 128 and 129, \
         respectively, and adjust the ICMP checksum both to take the type change into account \
         and to include the ICMPv6 pseudo-header.",
        echo(8),
        echo6(128),
    ));
    v.push(Vector::translated(
        "rfc7915_4_2_echo_reply_becomes_129",
        S42,
        "Echo Reply (Type 0) → 129.",
        echo(0),
        echo6(129),
    ));
    v.push(Vector::translated(
        "rfc7915_4_2_echo_wrong_checksum_stays_equivalently_wrong",
        S42,
        "The echo checksum is adjusted (incrementally), so a wrong one stays wrong by the same \
         amount (spec §7.5).",
        skewed(echo(8), 22),
        skewed(echo6(128), 42),
    ));
    for ty in [13u8, 14, 15, 16, 17, 18, 9, 10, 42] {
        v.push(Vector::dropped(
            &format!("rfc7915_4_2_obsolete_single_hop_and_unknown_queries_dropped/{ty}"),
            S42,
            "Information Request/Reply (15, 16), Timestamp (13, 14), Address Mask (17, 18): \
             Obsoleted in ICMPv6. Router Advertisement (9) / Solicitation (10): Single-hop \
             message. Unknown ICMPv4 types: Silently drop.",
            in4(proto::ICMP).with(icmp(ty, 0, 0x1234_0001, &data(12, 1))),
            "JSTAT_UNKNOWN_ICMP4_TYPE",
            None,
        ));
    }
    for ty in [4u8, 5, 6] {
        v.push(Vector::dropped(
            &format!("rfc7915_4_2_obsolete_and_single_hop_errors_dropped/{ty}"),
            S42,
            "Redirect (Type 5): Single-hop message. Alternative Host Address (Type 6): Silently \
             drop. Source Quench (Type 4): Obsoleted in ICMPv6. Silently drop.",
            err4_in(ty, 0, 0, &inner4(24)),
            "JSTAT_UNKNOWN_ICMP4_TYPE",
            None,
        ));
    }

    // Destination Unreachable codes (code 4 below).
    let du: [(u8, Mapped6); 16] = [
        (0, Some((1, 0, 0))),
        (1, Some((1, 0, 0))),
        (2, Some((4, 1, 6))),
        (3, Some((1, 4, 0))),
        (5, Some((1, 0, 0))),
        (6, Some((1, 0, 0))),
        (7, Some((1, 0, 0))),
        (8, Some((1, 0, 0))),
        (9, Some((1, 1, 0))),
        (10, Some((1, 1, 0))),
        (11, Some((1, 0, 0))),
        (12, Some((1, 0, 0))),
        (13, Some((1, 1, 0))),
        (14, None),
        (15, Some((1, 1, 0))),
        (16, None),
    ];
    for (code, out) in du {
        let name = format!("rfc7915_4_2_destination_unreachable_codes/{code}");
        let s = "Destination Unreachable (Type 3): Code 0, 1 → 0; Code 2 → Parameter Problem \
                 (Type 4, Code 1), Pointer to the IPv6 Next Header field; Code 3 → 4; Code 5, \
                 6, 7, 8 → 0; Code 9, 10 → 1; Code 11, 12 → 0; Code 13 → 1; Code 14: Silently \
                 drop; Code 15 → 1; Other Code values: Silently drop.";
        let input = err4_in(3, code, 0, &inner4(24));
        v.push(match out {
            Some((t, c, rest)) => tr46(name, S42, s, input, err6_out(t, c, rest, &inner4_as6(24))),
            None => Vector::dropped(&name, S42, s, input, "JSTAT_UNKNOWN_ICMP4_TYPE", None),
        });
    }
    for code in [0u8, 1] {
        v.push(tr46(
            format!("rfc7915_4_2_time_exceeded_code_unchanged/{code}"),
            S42,
            "Time Exceeded (Type 11): Set the Type to 3 ... The Code is unchanged.",
            err4_in(11, code, 0, &inner4(24)),
            err6_out(3, code, 0, &inner4_as6(24)),
        ));
    }

    // Parameter Problem pointers (Figure 3).
    let fig3: [(u8, Option<u32>); 21] = [
        (0, Some(0)),
        (1, Some(1)),
        (2, Some(4)),
        (3, Some(4)),
        (4, None),
        (5, None),
        (6, None),
        (7, None),
        (8, Some(7)),
        (9, Some(6)),
        (10, None),
        (11, None),
        (12, Some(8)),
        (13, Some(8)),
        (14, Some(8)),
        (15, Some(8)),
        (16, Some(24)),
        (17, Some(24)),
        (18, Some(24)),
        (19, Some(24)),
        (20, None),
    ];
    for (ptr, out) in fig3 {
        let name = format!("rfc7915_4_2_parameter_problem_pointer_figure_3/{ptr}");
        let s = "Code 0 (Pointer indicates the error): Set the Code to 0 (Erroneous header field \
                 encountered) and update the pointer as defined in Figure 3. (If the Original \
                 IPv4 Pointer Value is not listed or the Translated IPv6 Pointer Value is listed \
                 as \"n/a\", silently drop the packet.)";
        let input = err4_in(12, 0, u32::from(ptr) << 24, &inner4(24));
        v.push(match out {
            Some(p) => tr46(name, S42, s, input, err6_out(4, 0, p, &inner4_as6(24))),
            None => Vector::dropped(
                &name,
                S42,
                s,
                input,
                "JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR",
                None,
            ),
        });
    }
    v.push(tr46(
        "rfc7915_4_2_parameter_problem_bad_length".into(),
        S42,
        "Code 2 (Bad length): Set the Code to 0 (Erroneous header field encountered) and update \
         the pointer as defined in Figure 3.",
        err4_in(12, 2, 2 << 24, &inner4(24)),
        err6_out(4, 0, 4, &inner4_as6(24)),
    ));
    for code in [1u8, 3] {
        v.push(Vector::dropped(
            &format!("rfc7915_4_2_parameter_problem_other_codes_dropped/{code}"),
            S42,
            "Code 1 (Missing a required option): Silently drop. Other Code values: Silently drop.",
            err4_in(12, code, 0, &inner4(24)),
            "JSTAT_UNKNOWN_ICMP4_TYPE",
            None,
        ));
    }

    // Fragmentation Needed → Packet Too Big (MTU arithmetic).
    let fn_inner = |total: u16| {
        V4::new(proto::UDP, N6_4, N4)
            .ttl(INNER_TTL)
            .total_len(total)
            .with(inner4_seg(24))
    };
    let fn_inner6 = |total: u16| {
        V6::new(proto::UDP, N6, N4_6)
            .hop(INNER_TTL)
            .payload_len(total - 20)
            .with(inner4_seg(24))
    };
    let big_host = HostSpec {
        mtu4: 9000,
        mtu6: 9000,
        ..HostSpec::graybox()
    };
    let mut mtu6_1300 = HostSpec::graybox();
    mtu6_1300.mtu6 = 1300;
    let fn_cases: [(&str, u16, u32, u32, HostSpec, Cfg); 6] = [
        (
            "rfc7915_4_2_fragmentation_needed_mtu_plus_20",
            1500,
            1400,
            1420,
            HostSpec::graybox(),
            Cfg::graybox(),
        ),
        (
            "rfc7915_4_2_fragmentation_needed_never_below_1280",
            1500,
            1000,
            1280,
            HostSpec::graybox(),
            Cfg::graybox(),
        ),
        (
            "rfc7915_4_2_fragmentation_needed_capped_by_ipv6_next_hop_mtu",
            1500,
            1400,
            1300,
            mtu6_1300,
            Cfg::graybox(),
        ),
        (
            "rfc7915_4_2_fragmentation_needed_zero_mtu_uses_plateau",
            1500,
            0,
            1512,
            big_host.clone(),
            Cfg::graybox(),
        ),
        (
            "rfc7915_4_2_fragmentation_needed_zero_mtu_plateau_floor_1280",
            1000,
            0,
            1280,
            big_host.clone(),
            Cfg::graybox(),
        ),
        (
            "rfc7915_4_2_fragmentation_needed_zero_mtu_custom_plateaus",
            1500,
            0,
            1420,
            big_host,
            Cfg::graybox().set("mtu-plateaus", "1400,1300"),
        ),
    ];
    for (name, total, mtu, ptb, host, cfg) in fn_cases {
        v.push(
            Vector::translated(
                name,
                S42,
                "Code 4 (Fragmentation Needed and DF was Set): Translate to an ICMPv6 Packet Too \
                 Big message (Type 2) with Code set to 0. The MTU field MUST be adjusted ... \
                 minimum(advertised MTU+20, MTU_of_IPv6_nexthop, (MTU_of_IPv4_nexthop)+20). ... if \
                 the IPv4 router set the MTU field to zero ... the translator MUST use the plateau \
                 values specified in [RFC1191] ... (Use the greatest plateau value that is less \
                 than the returned Total Length field.) §5: the MTU in the resulting PTB will \
                 never be set to a value lower than 1280.",
                err4_in(3, 4, mtu, &fn_inner(total)),
                err6_out(2, 0, ptb, &fn_inner6(total)),
            )
            .host(host)
            .cfg(cfg),
        );
    }

    // §4.3 the packet in error.
    v.push(tr46(
        "rfc7915_4_3_inner_ttl_not_decremented".into(),
        S43,
        "The ICMP error messages containing the packet in error MUST be translated just like a \
         normal IP packet (except that the TTL/Hop Limit value of the inner IPv4/IPv6 packet is \
         not decremented).",
        err4_in(
            11,
            0,
            0,
            &V4::new(proto::UDP, N6_4, N4).ttl(1).with(inner4_seg(24)),
        ),
        err6_out(
            3,
            0,
            0,
            &V6::new(proto::UDP, N6, N4_6).hop(1).with(inner4_seg(24)),
        ),
    ));
    let inner_echo =
        V4::new(proto::ICMP, N6_4, N4)
            .ttl(1)
            .with(icmp(8, 0, 0x77_0003, &data(16, 2)));
    let inner_echo6 =
        V6::new(proto::ICMPV6, N6, N4_6)
            .hop(1)
            .with(icmp(128, 0, 0x77_0003, &data(16, 2)));
    v.push(tr46(
        "rfc7915_4_3_inner_icmp_echo_translated".into(),
        S43,
        "The packet in error is translated just like a normal IP packet: its ICMPv4 Echo becomes \
         an ICMPv6 Echo with the pseudo-header in its checksum.",
        err4_in(11, 0, 0, &inner_echo),
        err6_out(3, 0, 0, &inner_echo6),
    ));
    v.push(Vector::dropped(
        "rfc7915_4_3_icmp_error_inside_icmp_error_dropped",
        S43,
        "This process MUST stop at the first embedded header and drop the packet if it contains \
         more embedded headers (an ICMPv4 error quoting an ICMPv4 error).",
        err4_in(
            3,
            1,
            0,
            &V4::new(proto::ICMP, N6_4, N4).with(icmp(3, 3, 0, &inner4(8))),
        ),
        "JSTAT_DOUBLE_ICMP4_ERROR",
        None,
    ));
    v.push(Vector::dropped(
        "rfc7915_4_3_icmp_error_with_bad_checksum_dropped",
        S43,
        "ICMPv4 errors are validated and their checksum recomputed (spec §7.5): a bad one is \
         dropped (JSTAT46_ICMP_CSUM).",
        skewed(err4_in(3, 3, 0, &inner4(24)), 22),
        "JSTAT46_ICMP_CSUM",
        None,
    ));
    let full6 = inner4_as6(1372);
    v.push(tr46(
        "rfc7915_4_3_translated_icmpv6_error_truncated_to_1280".into(),
        S43,
        "If the translation of this \"packet in error\" changes the length of the datagram, the \
         Total Length field in the outer IPv6 header MUST be updated; the ICMPv6 error is cut to \
         the IPv6 minimum MTU, 1280 bytes (RFC 4443 §2.4 (c), spec §7.5).",
        err4_in(3, 3, 0, &inner4(1372)),
        err6_out(1, 4, 0, &full6[..1280 - 48]),
    ));
    let inner128 = inner4(100);
    let ext = icmp_extension(&[0, 0, 0x11, 0x01]);
    v.push(tr46(
        "rfc7915_4_2_rfc4884_extension_length_adjusted".into(),
        S42,
        "If the received ICMPv4 packet contains an ICMPv4 Extension [RFC4884], ... the ICMPv6 \
         Extension length attribute MUST be adjusted accordingly (e.g., longer due to the \
         translation from IPv4 to IPv6). Extensions are passed as opaque bit strings. (RFC 4884: \
         original datagram zero-padded to a multiple of 8 bytes, length in 64-bit words.)",
        err4_in(11, 0, 32 << 16, &[inner128, ext.clone()].concat()),
        err6_out(3, 0, 19 << 24, &[pad(inner4_as6(100), 152), ext].concat()),
    ));
    // §4.4.
    let ttl1 = V4::new(proto::ICMP, N4, N6_4).df(false).ttl(1);
    v.push(Vector::dropped(
        "rfc7915_4_4_no_icmp_error_about_an_icmp_error",
        S44,
        "the translator SHOULD be able to send back an ICMPv4 error message to the original \
         sender of the packet, unless the discarded packet is itself an ICMPv4 message [error].",
        ttl1.with(icmp(3, 3, 0, &inner4(24))),
        "JSTAT46_TTL",
        None,
    ));
}

fn push64(v: &mut Vec<Vector>) {
    let echo = |ty: u8| in6(proto::ICMPV6).with(icmp(ty, 0, 0x1234_0001, &data(32, 1)));
    let echo4 = |ty: u8| out4(proto::ICMP).with(icmp(ty, 0, 0x1234_0001, &data(32, 1)));
    v.push(Vector::translated(
        "rfc7915_5_2_echo_request_becomes_8",
        S52,
        "Echo Request and Echo Reply (Type 128 and 129): Adjust the Type values to 8 and 0, \
         respectively, and adjust the ICMP checksum both to take the type change into account \
         and to exclude the ICMPv6 pseudo-header.",
        echo(128),
        echo4(8),
    ));
    v.push(Vector::translated(
        "rfc7915_5_2_echo_reply_becomes_0",
        S52,
        "Echo Reply (Type 129) → 0.",
        echo(129),
        echo4(0),
    ));
    v.push(Vector::translated(
        "rfc7915_5_2_echo_wrong_checksum_stays_equivalently_wrong",
        S52,
        "The echo checksum is adjusted (incrementally), so a wrong one stays wrong by the same \
         amount (spec §7.5).",
        skewed(echo(128), 42),
        skewed(echo4(8), 22),
    ));
    for ty in [130u8, 131, 132, 133, 134, 135, 136, 137, 200] {
        v.push(Vector::dropped(
            &format!("rfc7915_5_2_mld_nd_and_unknown_informational_dropped/{ty}"),
            S52,
            "MLD Multicast Listener Query/Report/Done (Type 130, 131, 132): Single-hop message. \
             Neighbor Discover messages (Type 133 through 137): Single-hop message. Unknown \
             informational messages: Silently drop.",
            in6(proto::ICMPV6).with(icmp(ty, 0, 0, &data(16, 1))),
            "JSTAT_UNKNOWN_ICMP6_TYPE",
            None,
        ));
    }
    let du: [(u8, Option<(u8, u8)>); 8] = [
        (0, Some((3, 1))),
        (1, Some((3, 10))),
        (2, Some((3, 1))),
        (3, Some((3, 1))),
        (4, Some((3, 3))),
        (5, None),
        (6, None),
        (7, None),
    ];
    for (code, out) in du {
        let name = format!("rfc7915_5_2_destination_unreachable_codes/{code}");
        let s = "Destination Unreachable (Type 1): Set the Type to 3 ... Code 0 → 1 (Host \
                 unreachable); Code 1 → 10; Code 2 → 1; Code 3 → 1; Code 4 → 3 (Port \
                 unreachable); Other Code values: Silently drop.";
        let input = err6_in(1, code, 0, &inner6(24));
        v.push(match out {
            Some((t, c)) => tr64(name, S52, s, input, err4_out(t, c, 0, &inner6_as4(24))),
            None => Vector::dropped(&name, S52, s, input, "JSTAT_UNKNOWN_ICMP6_TYPE", None),
        });
    }
    for code in [0u8, 1] {
        v.push(tr64(
            format!("rfc7915_5_2_time_exceeded_code_unchanged/{code}"),
            S52,
            "Time Exceeded (Type 3): Set the Type to 11 ... The Code is unchanged.",
            err6_in(3, code, 0, &inner6(24)),
            err4_out(11, code, 0, &inner6_as4(24)),
        ));
    }
    let fig6: [(u32, Option<u8>); 13] = [
        (0, Some(0)),
        (1, Some(1)),
        (2, None),
        (3, None),
        (4, Some(2)),
        (5, Some(2)),
        (6, Some(9)),
        (7, Some(8)),
        (8, Some(12)),
        (23, Some(12)),
        (24, Some(16)),
        (39, Some(16)),
        (40, None),
    ];
    for (ptr, out) in fig6 {
        let name = format!("rfc7915_5_2_parameter_problem_pointer_figure_6/{ptr}");
        let s = "Code 0 (Erroneous header field encountered): Set to Type 12, Code 0, and update \
                 the pointer as defined in Figure 6. (If the Original IPv6 Pointer Value is not \
                 listed or the Translated IPv4 Pointer Value is listed as \"n/a\", silently drop \
                 the packet.)";
        let input = err6_in(4, 0, ptr, &inner6(24));
        v.push(match out {
            Some(p) => tr64(
                name,
                S52,
                s,
                input,
                err4_out(12, 0, u32::from(p) << 24, &inner6_as4(24)),
            ),
            None => Vector::dropped(
                &name,
                S52,
                s,
                input,
                "JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR",
                None,
            ),
        });
    }
    v.push(tr64(
        "rfc7915_5_2_unrecognized_next_header_becomes_protocol_unreachable".into(),
        S52,
        "Code 1 (Unrecognized Next Header type encountered): Translate this to an ICMPv4 protocol \
         unreachable (Type 3, Code 2).",
        err6_in(4, 1, 6, &inner6(24)),
        err4_out(3, 2, 0, &inner6_as4(24)),
    ));
    for (ty, code) in [(4u8, 2u8), (4, 3), (100, 0)] {
        v.push(Vector::dropped(
            &format!("rfc7915_5_2_other_errors_dropped/{ty}_{code}"),
            S52,
            "Code 2 (Unrecognized IPv6 option encountered): Silently drop. Unknown error messages: \
             Silently drop.",
            err6_in(ty, code, 0, &inner6(24)),
            "JSTAT_UNKNOWN_ICMP6_TYPE",
            None,
        ));
    }

    // Packet Too Big → Fragmentation Needed.
    let ptb_inner = V6::new(proto::UDP, N4_6, N6)
        .hop(INNER_TTL)
        .payload_len(1452)
        .with(inner4_seg(24));
    let ptb_inner4 = V4::new(proto::UDP, N4, N6_4)
        .ttl(INNER_TTL)
        .id(0)
        .total_len(1472)
        .with(inner4_seg(24));
    let host = |mtu4: u32, mtu6: u32| HostSpec {
        mtu4,
        mtu6,
        ..HostSpec::graybox()
    };
    for (name, ptb, fnm, h) in [
        (
            "rfc7915_5_2_packet_too_big_mtu_minus_20",
            1400u32,
            1380u32,
            host(1500, 1500),
        ),
        (
            "rfc7915_5_2_packet_too_big_capped_by_ipv4_next_hop_mtu",
            1500,
            1400,
            host(1400, 1500),
        ),
        (
            "rfc7915_5_2_packet_too_big_capped_by_ipv6_mtu_minus_20",
            1500,
            1430,
            host(1500, 1450),
        ),
        (
            "rfc7915_5_2_packet_too_big_huge_mtu_clamped",
            70000,
            1480,
            host(1500, 1500),
        ),
    ] {
        v.push(
            tr64(
                name.into(),
                S52,
                "Packet Too Big (Type 2): Translate to an ICMPv4 Destination Unreachable (Type 3) \
                 with Code 4 ... The MTU field MUST be adjusted for the difference between the \
                 IPv4 and IPv6 header sizes ..., i.e., minimum(advertised MTU-20, \
                 MTU_of_IPv4_nexthop, (MTU_of_IPv6_nexthop)-20).",
                err6_in(2, 0, ptb, &ptb_inner),
                err4_out(3, 4, fnm, &ptb_inner4),
            )
            .host(h),
        );
    }

    // §5.3 the packet in error.
    v.push(tr64(
        "rfc7915_5_3_inner_hop_limit_not_decremented".into(),
        S53,
        "The ICMP error messages containing the packet in error MUST be translated just like a \
         normal IP packet (except that the TTL/Hop Limit value of the inner IPv4/IPv6 packet is \
         not decremented).",
        err6_in(
            3,
            0,
            0,
            &V6::new(proto::UDP, N4_6, N6).hop(1).with(inner4_seg(24)),
        ),
        err4_out(
            11,
            0,
            0,
            &V4::new(proto::UDP, N4, N6_4)
                .ttl(1)
                .df(false)
                .id(0)
                .with(inner4_seg(24)),
        ),
    ));
    let inner_echo =
        V6::new(proto::ICMPV6, N4_6, N6)
            .hop(1)
            .with(icmp(128, 0, 0x77_0003, &data(16, 2)));
    let inner_echo4 = V4::new(proto::ICMP, N4, N6_4)
        .ttl(1)
        .df(false)
        .id(0)
        .with(icmp(8, 0, 0x77_0003, &data(16, 2)));
    v.push(tr64(
        "rfc7915_5_3_inner_icmp_echo_translated".into(),
        S53,
        "The packet in error is translated just like a normal IP packet: its ICMPv6 Echo becomes \
         an ICMPv4 Echo without the pseudo-header in its checksum.",
        err6_in(3, 0, 0, &inner_echo),
        err4_out(11, 0, 0, &inner_echo4),
    ));
    v.push(Vector::dropped(
        "rfc7915_5_3_icmp_error_inside_icmp_error_dropped",
        S53,
        "This process MUST stop at the first embedded header and drop the packet if it contains \
         more embedded headers (an ICMPv6 error quoting an ICMPv6 error).",
        err6_in(
            1,
            0,
            0,
            &V6::new(proto::ICMPV6, N4_6, N6).with(icmp(1, 4, 0, &inner6(8))),
        ),
        "JSTAT_DOUBLE_ICMP6_ERROR",
        None,
    ));
    v.push(Vector::dropped(
        "rfc7915_5_3_icmp_error_with_bad_checksum_dropped",
        S53,
        "ICMPv6 errors are validated and their checksum recomputed (spec §7.5): a bad one is \
         dropped (JSTAT64_ICMP_CSUM).",
        skewed(err6_in(1, 4, 0, &inner6(24)), 42),
        "JSTAT64_ICMP_CSUM",
        None,
    ));
    let full4 = inner6_as4(952);
    v.push(tr64(
        "rfc7915_5_3_translated_icmpv4_error_truncated_to_576".into(),
        S53,
        "The translation of this \"packet in error\" is likely to change the length of the \
         datagram; thus, the Total Length field in the outer IPv4 header MUST be updated. The \
         ICMPv4 error is cut to 576 bytes (RFC 1812 §4.3.2.3, spec §7.5).",
        err6_in(1, 4, 0, &inner6(952)),
        err4_out(3, 3, 0, &full4[..576 - 28]),
    ));
    let ext = icmp_extension(&[0, 0, 0x11, 0x01]);
    v.push(tr64(
        "rfc7915_5_2_rfc4884_extension_length_adjusted".into(),
        S52,
        "If the received ICMPv6 packet contains an ICMPv6 Extension [RFC4884], ... the ICMPv6 \
         Extension length attribute MUST be adjusted accordingly (e.g., shorter due to the \
         translation from IPv6 to IPv4). (RFC 4884: original datagram zero-padded to at least \
         128 bytes, length in 32-bit words.)",
        err6_in(3, 0, 16 << 24, &[inner6(80), ext.clone()].concat()),
        err4_out(11, 0, 32 << 16, &[pad(inner6_as4(80), 128), ext].concat()),
    ));
    v.push(Vector::dropped(
        "rfc7915_5_4_no_icmp_error_about_an_icmpv6_error",
        S54,
        "the translator SHOULD send back an ICMPv6 error message to the original sender of the \
         packet, unless the discarded packet is itself an ICMPv6 message [error].",
        in6(proto::ICMPV6).hop(1).with(icmp(1, 4, 0, &inner6(24))),
        "JSTAT64_TTL",
        None,
    ));
}
