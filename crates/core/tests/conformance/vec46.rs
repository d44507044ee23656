//! RFC 7915 §4.1 and §4.5: IPv4 → IPv6 headers and transport checksums.

use super::*;

const S41: &str = "RFC 7915 §4.1";
const S45: &str = "RFC 7915 §4.5";

fn udp_in(tos: u8, ttl: u8) -> Vec<u8> {
    in4(proto::UDP)
        .tos(tos)
        .ttl(ttl)
        .with(udp(5000, 53, &data(32, 1)))
}

fn udp_out(tc: u8, hop: u8) -> Vec<u8> {
    out6(proto::UDP)
        .tc(tc)
        .hop(hop)
        .with(udp(5000, 53, &data(32, 1)))
}

/// A route option (LSRR 131, SSRR 137, RR 7) with one address slot, padded to 8 bytes.
fn route_option(ty: u8, pointer: u8) -> Vec<u8> {
    vec![ty, 7, pointer, 203, 0, 113, 1, 0]
}

pub fn push(v: &mut Vec<Vector>) {
    v.push(Vector::translated(
        "rfc7915_4_1_translates_udp_header_fields",
        S41,
        "Version: 6; Traffic Class: copied from TOS; Flow Label: 0; Payload Length: Total \
         length minus the IPv4 header; Next Header: protocol copied; Hop Limit: TTL - 1; \
         addresses per §6 (no Fragment Header since DF is set).",
        udp_in(0, 64),
        udp_out(0, 63),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_traffic_class_copied_from_tos",
        S41,
        "Traffic Class: By default, copied from the IP Type Of Service (TOS) octet.",
        udp_in(0xb9, 64),
        udp_out(0xb9, 63),
    ));
    v.push(
        Vector::translated(
            "rfc7915_4_1_zeroize_traffic_class",
            S41,
            "An implementation of a translator SHOULD support an administratively configurable \
             option to ignore the IPv4 TOS and always set the IPv6 Traffic Class (TC) to zero.",
            udp_in(0xb9, 64),
            udp_out(0, 63),
        )
        .cfg(Cfg::graybox().set("zeroize-traffic-class", "true")),
    );
    v.push(Vector::translated(
        "rfc7915_4_1_ttl_decremented",
        S41,
        "Hop Limit: ... the translator ... needs to decrement either the IPv4 TTL (before the \
         translation) or the IPv6 Hop Limit (after the translation).",
        udp_in(0, 2),
        udp_out(0, 1),
    ));
    for (name, ttl) in [
        ("rfc7915_4_1_ttl_1_time_exceeded", 1u8),
        ("rfc7915_4_1_ttl_0_time_exceeded", 0u8),
    ] {
        let input = udp_in(0, ttl);
        let reply = originated4(11, 0, 0, &input);
        v.push(Vector::dropped(
            name,
            S41,
            "As part of decrementing the TTL or Hop Limit, the translator (as any router) MUST \
             check for zero and send the ICMPv4 \"TTL Exceeded\" ... error.",
            input,
            "JSTAT46_TTL",
            Some(reply),
        ));
    }
    v.push(Vector::translated(
        "rfc7915_4_1_options_ignored",
        S41,
        "If IPv4 options are present in the IPv4 packet, they MUST be ignored and the packet \
         translated normally; there is no attempt to translate the options.",
        in4(proto::UDP)
            .options(&[1, 1, 1, 0])
            .with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_record_route_option_ignored",
        S41,
        "If IPv4 options are present in the IPv4 packet, they MUST be ignored (Record Route).",
        in4(proto::UDP)
            .options(&route_option(7, 4))
            .with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));
    for (name, ty) in [
        ("rfc7915_4_1_unexpired_lsrr_source_route_failed", 131u8),
        ("rfc7915_4_1_unexpired_ssrr_source_route_failed", 137u8),
    ] {
        let input = in4(proto::UDP)
            .options(&route_option(ty, 4))
            .with(udp(5000, 53, &data(32, 1)));
        let reply = originated4(3, 5, 0, &input);
        v.push(Vector::dropped(
            name,
            S41,
            "if an unexpired source route option is present, then the packet MUST instead be \
             discarded, and an ICMPv4 \"Destination Unreachable, Source Route Failed\" (Type 3, \
             Code 5) error message SHOULD be returned to the sender.",
            input,
            "JSTAT46_SRC_ROUTE",
            Some(reply),
        ));
    }
    v.push(Vector::translated(
        "rfc7915_4_1_expired_source_route_translated",
        S41,
        "Only an unexpired source route stops the translation (RFC 791: pointer > length means \
         the route is exhausted).",
        in4(proto::UDP)
            .options(&route_option(137, 8))
            .with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));

    // DF and the next-hop MTU (1500).
    let big = |len: usize, df: bool| {
        in4(proto::UDP)
            .df(df)
            .with(udp(5000, 53, &data(len - 28, 2)))
    };
    let input = big(1481, true);
    let reply = originated4(3, 4, 1480, &input);
    v.push(Vector::dropped(
        "rfc7915_4_1_df_set_too_big_fragmentation_needed",
        S41,
        "If the DF bit is set and the MTU of the next-hop interface is less than the total \
         length value of the IPv4 packet plus 20, the translator MUST send an ICMPv4 \
         \"Fragmentation Needed\" error message to the IPv4 source address. (MTU = next-hop \
         MTU - 20, spec §7.4.)",
        input,
        "JSTAT_PKT_TOO_BIG",
        Some(reply),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_df_set_fits_next_hop_mtu_exactly",
        S41,
        "A DF packet whose translation is exactly the next-hop MTU (1480 + 20 = 1500) passes.",
        big(1480, true),
        out6(proto::UDP).with(udp(5000, 53, &data(1452, 2))),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_df_clear_unfragmented_gets_no_fragment_header",
        S41,
        "As a result, an IPv6 Fragment Header is only included if the IPv4 packet is already \
         fragmented.",
        in4(proto::UDP).df(false).with(udp(5000, 53, &data(32, 1))),
        udp_out(0, 63),
    ));
    v.push(
        Vector::translated(
            "rfc7915_4_1_df_clear_above_lowest_ipv6_mtu_left_to_kernel",
            S41,
            "If the DF flag is not set and the IPv4 packet will result in an IPv6 packet larger \
             than ... lowest-ipv6-mtu ..., the packet SHOULD be fragmented. Jool (and jool-rs) \
             emit the whole packet without a Fragment Header and let the kernel fragment it on \
             output (spec §7.5).",
            big(1400, false),
            out6(proto::UDP).with(udp(5000, 53, &data(1372, 2))),
        )
        .cfg(Cfg::graybox().set("lowest-ipv6-mtu", "1280")),
    );

    // Fragments (IPv4 fragment → IPv6 Fragment Header).
    let first_seg = {
        let mut s = udp(5000, 53, &data(64, 3));
        s[4..6].copy_from_slice(&2008u16.to_be_bytes()); // the whole datagram's UDP length
        s
    };
    let frag4 = |off: u16, mf: bool| in4(proto::UDP).df(false).id(0xabcd).frag(off, mf);
    let frag6 = |off: u16, mf: bool| {
        out6(proto::UDP).ext(proto::FRAGMENT, frag_hdr(proto::UDP, off, mf, 0xabcd))
    };
    v.push(Vector::translated(
        "rfc7915_4_1_first_fragment_gets_fragment_header",
        S41,
        "Fragment Header: Next Header copied; Fragment Offset copied; M flag copied; \
         Identification: high-order 16 bits zero, low-order 16 bits copied. Payload Length: \
         Total length + 8 - IPv4 header; Next Header: Fragment Header (44).",
        frag4(0, true).with(first_seg.clone()),
        frag6(0, true).raw(&csum6(proto::UDP, a6(N4_6), a6(N6), first_seg)),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_middle_fragment_offset_and_mf_copied",
        S41,
        "Fragment Offset: Fragment Offset copied from the IPv4 header. M flag: More Fragments \
         bit copied from the IPv4 header.",
        frag4(185, true).raw(&data(64, 4)),
        frag6(185, true).raw(&data(64, 4)),
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_last_fragment_mf_clear",
        S41,
        "M flag: More Fragments bit copied from the IPv4 header (last fragment: 0).",
        frag4(370, false).raw(&data(40, 5)),
        frag6(370, false).raw(&data(40, 5)),
    ));
    v.push(Vector::dropped(
        "rfc7915_4_1_fragmented_icmp_dropped",
        S41,
        "A stateless translator cannot compute the ICMPv6 checksum (which covers the \
         pseudo-header) of a fragmented ICMPv4 message (spec §7.5, JSTAT46_FRAGMENTED_ICMP).",
        in4(proto::ICMP)
            .df(false)
            .frag(0, true)
            .with(icmp(8, 0, 0x0001_0001, &data(64, 6))),
        "JSTAT46_FRAGMENTED_ICMP",
        None,
    ));
    v.push(Vector::translated(
        "rfc7915_4_1_unknown_protocol_copied",
        S41,
        "Next Header: ... otherwise, the protocol field MUST be copied from the IPv4 header \
         (DCCP, whose checksum the translator does not update, §4.5 OPTIONAL).",
        in4(proto::DCCP).raw(&data(40, 7)),
        out6(proto::DCCP).raw(&data(40, 7)),
    ));
    let mut small_mtu = HostSpec::graybox();
    small_mtu.mtu6 = 1200;
    v.push(
        Vector::dropped(
            "rfc7915_4_1_ipv6_next_hop_mtu_below_1280_dropped",
            S41,
            "An IPv6 link has an MTU of at least 1280; an outgoing IPv6 MTU below it is a \
             configuration error (spec §7.6, JSTAT46_BAD_MTU).",
            udp_in(0, 64),
            "JSTAT46_BAD_MTU",
            None,
        )
        .host(small_mtu),
    );

    // §4.5 transport checksums.
    let tcp_in = in4(proto::TCP).with(tcp(40000, 80, &data(24, 8)));
    let tcp_out = out6(proto::TCP).with(tcp(40000, 80, &data(24, 8)));
    v.push(Vector::translated(
        "rfc7915_4_5_tcp_checksum_updated",
        S45,
        "the recalculation and updating of the transport-layer headers that contain \
         pseudo-headers need to be performed. Translators MUST do this for TCP and ICMP \
         packets and for UDP packets that contain a UDP checksum.",
        tcp_in.clone(),
        tcp_out.clone(),
    ));
    v.push(Vector::translated(
        "rfc7915_4_5_tcp_wrong_checksum_stays_equivalently_wrong",
        S45,
        "An incorrect checksum is updated incrementally, so it stays wrong by the same amount \
         (spec §7.5).",
        skewed(tcp_in, 20 + 16),
        skewed(tcp_out, 40 + 16),
    ));
    v.push(Vector::translated(
        "rfc7915_4_5_udp_wrong_checksum_stays_equivalently_wrong",
        S45,
        "An incorrect UDP checksum is updated incrementally, so it stays wrong by the same \
         amount (spec §7.5).",
        skewed(udp_in(0, 64), 20 + 6),
        skewed(udp_out(0, 63), 40 + 6),
    ));
    let zero_in = in4(proto::UDP).raw(&udp(5000, 53, &data(32, 1)));
    let reply = originated4(3, 13, 0, &zero_in);
    v.push(Vector::dropped(
        "rfc7915_4_5_udp_zero_checksum_dropped_when_not_amending",
        S45,
        "For UDP packets that do not contain a UDP checksum ..., the translator SHOULD provide \
         a configuration function to allow: 1. Dropping the packet ... (amend-udp-checksum-zero \
         off: ICMPv4 3/13, spec §7.4).",
        zero_in.clone(),
        "JSTAT46_FRAGMENTED_ZERO_CSUM",
        Some(reply),
    ));
    v.push(
        Vector::translated(
            "rfc7915_4_5_udp_zero_checksum_amended",
            S45,
            "2. Calculating an IPv6 checksum and forwarding the packet \
             (amend-udp-checksum-zero on).",
            zero_in,
            udp_out(0, 63),
        )
        .cfg(Cfg::graybox().set("amend-udp-checksum-zero", "true")),
    );
    let zero_frag = in4(proto::UDP)
        .df(false)
        .frag(0, true)
        .raw(&udp(5000, 53, &data(32, 1)));
    let reply = originated4(3, 13, 0, &zero_frag);
    v.push(
        Vector::dropped(
            "rfc7915_4_5_fragmented_udp_zero_checksum_dropped",
            S45,
            "A stateless translator cannot compute the IPv6 UDP checksum of fragmented packets, \
             so when a stateless translator receives the first fragment of a fragmented UDP IPv4 \
             packet and the checksum field is zero, the translator SHOULD drop the packet.",
            zero_frag,
            "JSTAT46_FRAGMENTED_ZERO_CSUM",
            Some(reply),
        )
        .cfg(Cfg::graybox().set("amend-udp-checksum-zero", "true")),
    );
}

/// `pkt` with the transport checksum at `off` skewed by 0x0101.
pub fn skewed(mut pkt: Vec<u8>, off: usize) -> Vec<u8> {
    skew_csum(&mut pkt, off, 0x0101);
    pkt
}
