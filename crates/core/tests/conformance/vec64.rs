//! RFC 7915 §5.1, §5.1.1 and §5.5: IPv6 → IPv4 headers, fragments and transport checksums.

use super::vec46::skewed;
use super::*;

const S51: &str = "RFC 7915 §5.1";
const S511: &str = "RFC 7915 §5.1.1";
const S55: &str = "RFC 7915 §5.5";

fn udp_in(tc: u8, hop: u8) -> Vec<u8> {
    in6(proto::UDP)
        .tc(tc)
        .hop(hop)
        .with(udp(5000, 53, &data(32, 1)))
}

fn udp_out(tos: u8, ttl: u8) -> Vec<u8> {
    out4(proto::UDP)
        .tos(tos)
        .ttl(ttl)
        .with(udp(5000, 53, &data(32, 1)))
}

pub fn push(v: &mut Vec<Vector>) {
    v.push(Vector::translated(
        "rfc7915_5_1_translates_udp_header_fields",
        S51,
        "Version: 4; IHL: 5; TOS: copied from the Traffic Class; Total Length: Payload length + \
         20; Flags: MF 0, DF 0 (<= 1260 bytes); Fragment Offset: 0; TTL: Hop Limit - 1; \
         Protocol: copied; Header Checksum computed; addresses per §6.",
        udp_in(0, 64),
        udp_out(0, 63),
    ));
    v.push(Vector::translated(
        "rfc7915_5_1_tos_copied_from_traffic_class",
        S51,
        "Type of Service (TOS) Octet: By default, copied from the IPv6 Traffic Class (all 8 bits).",
        udp_in(0xb9, 64),
        udp_out(0xb9, 63),
    ));
    v.push(
        Vector::translated(
            "rfc7915_5_1_override_tos",
            S51,
            "An implementation of a translator SHOULD provide the ability to ignore the IPv6 \
             traffic class and always set the IPv4 TOS Octet to a specified value (override-tos, \
             tos).",
            udp_in(0xb9, 64),
            udp_out(32, 63),
        )
        .cfg(Cfg::graybox().set("override-tos", "true").set("tos", "32")),
    );
    v.push(Vector::translated(
        "rfc7915_5_1_flow_label_dropped",
        S51,
        "IPv4 has no Flow Label: the field is not carried over.",
        in6(proto::UDP)
            .flow(0xabcde)
            .with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));
    v.push(Vector::translated(
        "rfc7915_5_1_hop_limit_decremented",
        S51,
        "Time to Live is derived from Hop Limit value in IPv6 header ... it needs to decrement \
         either the IPv6 Hop Limit (before the translation) or the IPv4 TTL (after).",
        udp_in(0, 2),
        udp_out(0, 1),
    ));
    for (name, hop) in [
        ("rfc7915_5_1_hop_limit_1_time_exceeded", 1u8),
        ("rfc7915_5_1_hop_limit_0_time_exceeded", 0u8),
    ] {
        let input = udp_in(0, hop);
        let reply = originated6(3, 0, 0, &input);
        v.push(Vector::dropped(
            name,
            S51,
            "the translator (as any router) MUST check for zero and send the ... ICMPv6 \"Hop \
             Limit Exceeded\" error.",
            input,
            "JSTAT64_TTL",
            Some(reply),
        ));
    }
    let sized = |ipv4_len: usize| {
        let d = data(ipv4_len - 28, 2);
        (
            in6(proto::UDP).with(udp(5000, 53, &d)),
            out4(proto::UDP).df(ipv4_len > 1260).with(udp(5000, 53, &d)),
        )
    };
    let (i, o) = sized(1260);
    v.push(Vector::translated(
        "rfc7915_5_1_df_clear_at_1260",
        S51,
        "If the size of the translated IPv4 packet is less than or equal to 1260 bytes, it \
         [DF] is set to zero.",
        i,
        o,
    ));
    let (i, o) = sized(1261);
    v.push(Vector::translated(
        "rfc7915_5_1_df_set_above_1260",
        S51,
        "... otherwise, it [DF] is set to one.",
        i,
        o,
    ));
    let mut mtu1400 = HostSpec::graybox();
    mtu1400.mtu4 = 1400;
    let (i, o) = sized(1400);
    v.push(
        Vector::translated(
            "rfc7915_5_1_df_packet_fits_ipv4_mtu_exactly",
            S511,
            "A DF packet of exactly the next-hop MTU (1400) is translated.",
            i,
            o,
        )
        .host(mtu1400.clone()),
    );
    let (i, _) = sized(1401);
    let reply = originated6(2, 0, 1420, &i);
    v.push(
        Vector::dropped(
            "rfc7915_5_1_df_packet_too_big_for_ipv4_mtu",
            S511,
            "If a translated packet with DF set to 1 will be larger than the MTU of the next-hop \
             interface, then the translator MUST drop the packet and send the ICMPv6 Packet Too \
             Big (Type 2, Code 0) error message to the IPv6 host with an adjusted MTU (next-hop \
             MTU + 20, spec §7.4).",
            i,
            "JSTAT_PKT_TOO_BIG",
            Some(reply),
        )
        .host(mtu1400),
    );

    // Extension headers.
    let ext = [
        opts_hdr(proto::DSTOPTS),
        opts_hdr(proto::ROUTING),
        routing_hdr(proto::UDP, 0),
    ]
    .concat();
    v.push(Vector::translated(
        "rfc7915_5_1_extension_headers_skipped",
        S51,
        "The IPv6 headers HOPOPT (0), IPv6-Route (43), and IPv6-Opts (60) are skipped over \
         during processing as they have no meaning in IPv4. For the first 'next header' that \
         does not match one of the cases above, its Next Header value ... is copied to the \
         protocol field.",
        in6(proto::UDP)
            .ext(proto::HOPOPTS, ext)
            .with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));
    for (name, ext, ptr) in [
        (
            "rfc7915_5_1_segments_left_parameter_problem",
            routing_hdr(proto::UDP, 1),
            43u32,
        ),
        (
            "rfc7915_5_1_segments_left_after_hop_by_hop_parameter_problem",
            [opts_hdr(proto::ROUTING), routing_hdr(proto::UDP, 2)].concat(),
            51,
        ),
    ] {
        let first = if ptr == 43 {
            proto::ROUTING
        } else {
            proto::HOPOPTS
        };
        let input = in6(proto::UDP)
            .ext(first, ext)
            .with(udp(5000, 53, &data(32, 1)));
        let reply = originated6(4, 0, ptr, &input);
        v.push(Vector::dropped(
            name,
            S51,
            "If a Routing header with a non-zero Segments Left field is present, then the packet \
             MUST NOT be translated, and an ICMPv6 \"parameter problem/erroneous header field \
             encountered\" (Type 4, Code 0) error message, with the Pointer field indicating the \
             first byte of the Segments Left field, SHOULD be returned to the sender.",
            input,
            "JSTAT64_SEGMENTS_LEFT",
            Some(reply),
        ));
    }

    // §5.1.1 fragments.
    let first_seg = {
        let mut s = udp(5000, 53, &data(64, 3));
        s[4..6].copy_from_slice(&2008u16.to_be_bytes());
        s
    };
    let frag6 = |off: u16, mf: bool| {
        in6(proto::UDP).ext(proto::FRAGMENT, frag_hdr(proto::UDP, off, mf, 0x1234_abcd))
    };
    let frag4 = |off: u16, mf: bool| out4(proto::UDP).id(0xabcd).frag(off, mf);
    v.push(
        Vector::translated(
            "rfc7915_5_1_1_first_fragment_fields",
            S511,
            "Total Length: Payload Length - extension headers up to and including the Fragment \
             Header + 20. Identification: Copied from the low-order 16 bits in the \
             Identification field in the Fragment Header. Flags: MF copied from the M flag; DF \
             cleared. Fragment Offset: copied. Protocol: Next Header copied.",
            frag6(0, true).raw(&csum6(proto::UDP, a6(N6), a6(N4_6), first_seg.clone())),
            frag4(0, true).raw(&csum4(proto::UDP, a4(N6_4), a4(N4), first_seg)),
        )
        .ignore(&[]),
    );
    v.push(
        Vector::translated(
            "rfc7915_5_1_1_middle_fragment_fields",
            S511,
            "Fragment Offset: Copied from the Fragment Offset field of the IPv6 Fragment Header; \
             MF copied from the M flag.",
            frag6(185, true).raw(&data(64, 4)),
            frag4(185, true).raw(&data(64, 4)),
        )
        .ignore(&[]),
    );
    v.push(
        Vector::translated(
            "rfc7915_5_1_1_last_fragment_fields",
            S511,
            "MF copied from the M flag (last fragment: 0).",
            frag6(370, false).raw(&data(40, 5)),
            frag4(370, false).raw(&data(40, 5)),
        )
        .ignore(&[]),
    );
    v.push(
        Vector::translated(
            "rfc7915_5_1_1_large_fragment_df_clear",
            S511,
            "The IPv4 DF flag is cleared (set to zero), allowing this packet to be further \
             fragmented by IPv4 routers (even above 1260 bytes).",
            frag6(185, true).raw(&data(1280, 4)),
            frag4(185, true).raw(&data(1280, 4)),
        )
        .ignore(&[]),
    );
    let whole = udp(5000, 53, &data(32, 1));
    v.push(
        Vector::translated(
            "rfc7915_5_1_1_atomic_fragment_id_copied",
            S511,
            "If the IPv6 packet contains a Fragment Header (offset 0, M 0: an atomic fragment, \
             RFC 8021), Identification is copied from its low-order 16 bits and DF is cleared.",
            in6(proto::UDP)
                .ext(proto::FRAGMENT, frag_hdr(proto::UDP, 0, false, 0x5555_6666))
                .with(whole.clone()),
            out4(proto::UDP).id(0x6666).with(whole),
        )
        .ignore(&[]),
    );
    let input = in6(proto::UDP)
        .ext(
            proto::FRAGMENT,
            [frag_hdr(proto::DSTOPTS, 0, true, 7), opts_hdr(proto::UDP)].concat(),
        )
        .with(udp(5000, 53, &data(32, 1)));
    let reply = originated6(1, 1, 0, &input);
    v.push(Vector::dropped(
        "rfc7915_5_1_1_extension_header_after_fragment_dropped",
        S511,
        "If the Next Header field of the Fragment Header is an extension header (except ESP, \
         but including the Authentication Header (AH)), then the packet SHOULD be dropped and \
         logged. (Jool answers ICMPv6 1/1, spec §7.4.)",
        input,
        "JSTAT64_FRAG_THEN_EXT",
        Some(reply),
    ));
    v.push(Vector::dropped(
        "rfc7915_5_1_1_two_fragment_headers_dropped",
        S511,
        "A Fragment Header followed by another Fragment Header is an extension header after the \
         Fragment Header (JSTAT64_2XFRAG).",
        in6(proto::UDP)
            .ext(
                proto::FRAGMENT,
                [
                    frag_hdr(proto::FRAGMENT, 0, true, 7),
                    frag_hdr(proto::UDP, 0, true, 8),
                ]
                .concat(),
            )
            .with(udp(5000, 53, &data(32, 1))),
        "JSTAT64_2XFRAG",
        None,
    ));
    v.push(Vector::dropped(
        "rfc7915_5_1_1_fragmented_icmpv6_dropped",
        S511,
        "A stateless translator cannot recompute the ICMPv4 checksum of a fragmented ICMPv6 \
         message (spec §7.5, JSTAT64_FRAGMENTED_ICMP).",
        in6(proto::ICMPV6)
            .ext(proto::FRAGMENT, frag_hdr(proto::ICMPV6, 0, true, 9))
            .with(icmp(128, 0, 0x0001_0001, &data(64, 6))),
        "JSTAT64_FRAGMENTED_ICMP",
        None,
    ));
    v.push(Vector::translated(
        "rfc7915_5_1_unknown_protocol_copied",
        S51,
        "For the first 'next header' that does not match one of the cases above, its Next \
         Header value ... is copied to the protocol field in the IPv4 header. This means that \
         all transport protocols are translated.",
        in6(proto::DCCP).raw(&data(40, 7)),
        out4(proto::DCCP).raw(&data(40, 7)),
    ));
    v.push(Vector::translated(
        "rfc7915_5_1_no_next_header_copied",
        S51,
        "All transport protocols are translated, including No Next Header (59) (graybox ad).",
        in6(proto::NONE).raw(&data(16, 8)),
        out4(proto::NONE).raw(&data(16, 8)),
    ));

    // §5.5 transport checksums.
    let tcp_in = in6(proto::TCP).with(tcp(40000, 80, &data(24, 8)));
    let tcp_out = out4(proto::TCP).with(tcp(40000, 80, &data(24, 8)));
    v.push(Vector::translated(
        "rfc7915_5_5_tcp_checksum_updated",
        S55,
        "the recalculation and updating of the transport-layer headers that contain \
         pseudo-headers need to be performed. Translators MUST do this for TCP, UDP, and ICMP.",
        tcp_in.clone(),
        tcp_out.clone(),
    ));
    v.push(Vector::translated(
        "rfc7915_5_5_tcp_wrong_checksum_stays_equivalently_wrong",
        S55,
        "An incorrect checksum is updated incrementally, so it stays wrong by the same amount \
         (spec §7.5).",
        skewed(tcp_in, 40 + 16),
        skewed(tcp_out, 20 + 16),
    ));
    v.push(Vector::translated(
        "rfc7915_5_5_udp_wrong_checksum_stays_equivalently_wrong",
        S55,
        "An incorrect UDP checksum stays wrong by the same amount (spec §7.5).",
        skewed(udp_in(0, 64), 40 + 6),
        skewed(udp_out(0, 63), 20 + 6),
    ));
}
