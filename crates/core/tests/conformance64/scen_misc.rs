//! RFC 6146 §3.4 (incoming tuple: protocols, fragments, UDP checksum zero), RFC 6052 in
//! the NAT64 (§3.5.4 / §3.6), §3.6–§3.7 (ICMP errors through the inner packet's session,
//! the translation itself), §3.8 (hairpinning), §4 (protocol constants as `global update`
//! limits).

use super::flags::*;
use super::scen_udp_icmp::{open_ping, open_udp, ping6, u4, u4_out, u6, u6_out};
use super::*;

const S34: &str = "RFC 6146 §3.4";
const S354: &str = "RFC 6146 §3.5.4, RFC 6052 §2.2";
const S36: &str = "RFC 6146 §3.6";
const S37: &str = "RFC 6146 §3.7";
const S38: &str = "RFC 6146 §3.8";
const S4C: &str = "RFC 6146 §4";

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub fn push(v: &mut Vec<Scenario>) {
    push_tuple(v);
    push_rfc6052(v);
    push_errors(v);
    push_translate(v);
    push_hairpin(v);
    push_constants(v);
}

fn push_tuple(v: &mut Vec<Scenario>) {
    let rows: [(&str, Gen, &str); 5] = [
        (
            "ipv6_sctp",
            fixed(ip6(132, C6, S4_6, payload(12, 1))),
            "JSTAT_UNKNOWN_L4_PROTO",
        ),
        (
            "ipv4_sctp",
            fixed(ip4(132, S4, T4, payload(12, 1))),
            "JSTAT_UNKNOWN_L4_PROTO",
        ),
        (
            "icmpv6_neighbor_solicitation",
            fixed(ip6(
                proto::ICMPV6,
                C6,
                S4_6,
                icmp(135, 0, 0, &payload(16, 1)),
            )),
            "JSTAT_UNKNOWN_ICMP6_TYPE",
        ),
        (
            "icmpv4_timestamp",
            fixed(ip4(
                proto::ICMP,
                S4,
                T4,
                icmp(13, 0, 0x0001_0001, &payload(12, 1)),
            )),
            "JSTAT_UNKNOWN_ICMP4_TYPE",
        ),
        (
            "icmpv4_error_about_sctp",
            fixed(ip4(
                proto::ICMP,
                R4,
                T4,
                icmp(3, 3, 0, &V4::new(132, T4, S4).ttl(63).with(payload(12, 1))),
            )),
            "JSTAT_UNKNOWN_PROTO_INNER",
        ),
    ];
    for (row, input, jstat) in rows {
        v.push(sc(
            &format!("rfc6146_3_4_only_tcp_udp_and_icmp_are_translated/{row}"),
            S34,
            "The incoming tuple is defined for TCP, UDP, ICMP queries and ICMP errors only \
             (other protocols are out of scope, RFC 6146 §1). Jool: anything else, and ICMP \
             types without a counterpart, goes back to the kernel untranslated.",
            vec![back(0, input, jstat), gauges(0, 0)],
        ));
    }

    // A 24-byte UDP datagram split after 8 bytes of data.
    let whole = ip6(proto::UDP, C6, S4_6, udp(40000, 53, &payload(24, 5)));
    let seg = whole[40..].to_vec();
    let frag6 = |off: u16, more: bool, part: &[u8]| {
        V6::new(proto::UDP, C6, S4_6)
            .ext(
                proto::FRAGMENT,
                frag_hdr(proto::UDP, off, more, 0x0bad_cafe),
            )
            .raw(part)
    };
    let (f1, f2) = (frag6(0, true, &seg[..16]), frag6(2, false, &seg[16..]));
    let out = gen(|v| out4(proto::UDP, T4, S4, udp(v.port("m"), 53, &payload(24, 5))));
    v.push(sc(
        "rfc6146_3_4_fragments_reassembled_before_translation",
        S34,
        "The NAT64 needs the transport ports of every fragment: it \"MUST handle fragments \
         arriving out of order\"; the tuple comes from the reassembled packet. Jool: relies \
         on (here: does its own) defragmentation and translates the whole datagram \
         (DF clear, no fragment fields).",
        vec![
            stolen(0, fixed(f2.clone()), "JSTAT_RECEIVED6"),
            gauges(0, 0),
            tx4(1, fixed(f1.clone()), out.clone()).learn(mask("m", 20)),
            gauges(1, 1),
        ],
    ));
    v.push(sc(
        "rfc6146_3_4_fragments_wait_at_least_fragment_min",
        S34,
        "\"the NAT64 MUST allow the fragments to arrive over a time interval. The time \
         interval SHOULD be configurable and the default value MUST be of at least \
         FRAGMENT_MIN\" (2 s, RFC 6146 §4).",
        vec![
            stolen(0, fixed(f1), "JSTAT_RECEIVED6"),
            expire_quiet(2_000 - 1),
            tx4(2_000 - 1, fixed(f2), out).learn(mask("m", 20)),
        ],
    ));
    v.push(sc(
        "rfc6146_3_4_ipv4_udp_zero_checksum_computed",
        S34,
        "\"For incoming IPv4 packets carrying UDP packets with a zero checksum, if the NAT64 \
         has enough resources, the NAT64 MUST reassemble the packets and MUST calculate the \
         checksum.\" (unfragmented case)",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                1,
                gen(|v| V4::new(proto::UDP, S4, T4).raw(&udp(53, v.port("m"), &payload(12, 2)))),
                u4_out(S4_6, 53, C6, 40000),
            ),
        ],
    ));
    let zseg = |v: &Vars| udp(53, v.port("m"), &payload(24, 6));
    v.push(sc(
        "rfc6146_3_4_ipv4_fragmented_udp_zero_checksum_reassembled_and_computed",
        S34,
        "Same rule, fragmented: the NAT64 MUST reassemble the datagram and calculate the \
         checksum (RFC 7915 alone would drop it).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            stolen(
                1,
                gen(move |v| {
                    V4::new(proto::UDP, S4, T4)
                        .df(false)
                        .frag(0, true)
                        .raw(&zseg(v)[..16])
                }),
                "JSTAT_RECEIVED4",
            ),
            tx(
                2,
                gen(move |v| {
                    V4::new(proto::UDP, S4, T4)
                        .df(false)
                        .frag(2, false)
                        .raw(&zseg(v)[16..])
                }),
                fixed(out6(proto::UDP, S4_6, C6, udp(53, 40000, &payload(24, 6)))),
            ),
        ],
    ));
}

fn push_rfc6052(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6052_3_1_well_known_prefix_with_non_global_ipv4",
        "RFC 6052 §3.1",
        "\"The Well-Known Prefix MUST NOT be used to represent non-global IPv4 addresses\". \
         Jool: not enforced by the translator (the DNS64 decides what it synthesizes; \
         draft-ietf-v6ops-nat64-wkp-1918 lifts the rule): 64:ff9b::a00:1 reaches 10.0.0.1.",
        vec![open_udp(
            0,
            C6,
            40000,
            "10.0.0.1",
            "64:ff9b::a00:1",
            53,
            "m",
        )],
    ));
    let prefixes = [
        "2001:db9::/32",
        "2001:db9:100::/40",
        "2001:db9:122::/48",
        "2001:db9:122:300::/56",
        "2001:db9:122:344::/64",
        "64:ff9b::/96",
    ];
    for prefix in prefixes {
        let len = prefix.split_once('/').map_or("?", |p| p.1);
        let s4_6 = leak(rfc6052_embed(prefix, S4));
        let s4b_6 = leak(rfc6052_embed(prefix, S4B));
        v.push(
            sc(
                &format!("rfc6146_3_5_4_rfc6052_addresses/{len}"),
                S354,
                "The IPv4 address of an IPv6 destination is extracted from Pref64::/n, and \
                 IPv4 sources are represented as Pref64::/n + IPv4 address, with the RFC \
                 6052 layout for /32, /40, /48, /56, /64 and /96 (bits 64-71 zero).",
                vec![
                    open_udp(0, C6, 40000, S4, s4_6, 53, "m"),
                    tx(1, u4(S4, 53, "m"), u4_out(s4_6, 53, C6, 40000)),
                    tx(2, u4(S4B, 53, "m"), u4_out(s4b_6, 53, C6, 40000)),
                    tx4(3, u6(C6, 40000, s4b_6, 53), u6_out("m", S4B, 53)),
                ],
            )
            .cfg(Cfg::graybox().set("pool6", prefix)),
        );
    }
}

/// The UDP packet C6#40000 → S4#53 as it left the NAT64 (quoted by IPv4 errors).
fn left4(v: &Vars) -> Vec<u8> {
    V4::new(proto::UDP, T4, S4)
        .ttl(63)
        .df(false)
        .id(0x4321)
        .with(udp(v.port("m"), 53, &payload(12, 1)))
}

/// `left4` as the client sent it (inside the translated ICMPv6 error).
fn left6() -> Vec<u8> {
    V6::new(proto::UDP, C6, S4_6)
        .hop(63)
        .with(udp(40000, 53, &payload(12, 1)))
}

fn err4_about_udp() -> Gen {
    gen(|v| ip4(proto::ICMP, R4, T4, icmp(3, 3, 0, &left4(v))))
}

fn push_errors(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_6_icmpv4_error_translated_through_inner_session",
        S36,
        "An ICMP error's tuple is its inner packet's, reversed (§3.4); it is matched with \
         that session (§3.6.1) and the inner packet is translated with it (§3.7): inner \
         (T,t) → (Y,y) becomes (X',x) → (Y',y). Jool: `source-icmpv6-errors-better` (on) \
         gives the outer source Pref64 + the ICMPv4 error's source.",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                1,
                err4_about_udp(),
                fixed(out6(proto::ICMPV6, R4_6, C6, icmp(1, 4, 0, &left6()))),
            ),
            gauges(1, 1),
        ],
    ));
    v.push(
        sc(
            "rfc6146_3_6_icmpv4_error_source_is_session_remote",
            S36,
            "RFC 6146's literal outgoing tuple for a 4→6 ICMP error: source = the session's \
             (Y',y) side. Jool: `source-icmpv6-errors-better` off.",
            vec![
                open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
                tx(
                    1,
                    err4_about_udp(),
                    fixed(out6(proto::ICMPV6, S4_6, C6, icmp(1, 4, 0, &left6()))),
                ),
            ],
        )
        .cfg(Cfg::graybox().set("source-icmpv6-errors-better", "false")),
    );
    v.push(sc(
        "rfc6146_3_6_icmpv6_error_translated_through_inner_session",
        S36,
        "6→4: the ICMPv6 error about (Y',y) → (X',x) leaves from T toward Y and quotes \
         (Y,y) → (T,t) (§3.6.1, §3.7).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                1,
                fixed(ip6(
                    proto::ICMPV6,
                    C6,
                    S4_6,
                    icmp(
                        1,
                        4,
                        0,
                        &V6::new(proto::UDP, S4_6, C6).hop(63).with(udp(
                            53,
                            40000,
                            &payload(12, 2),
                        )),
                    ),
                )),
                gen(|v| {
                    let inner = V4::new(proto::UDP, S4, T4)
                        .ttl(63)
                        .df(false)
                        .id(0)
                        .with(udp(53, v.port("m"), &payload(12, 2)));
                    out4(proto::ICMP, T4, S4, icmp(3, 3, 0, &inner))
                }),
            )
            .ignore(IGN_ERR4),
        ],
    ));
    v.push(sc(
        "rfc6146_3_6_2_icmp_error_about_a_query",
        S36,
        "§3.6.2: an ICMP error containing an ICMP query uses the query's 3-tuple; the inner \
         identifier is translated back (i2 → i1).",
        vec![
            open_ping(0, C6, 0x1234, S4, S4_6, "m"),
            tx(
                1,
                gen(|v| {
                    let inner = V4::new(proto::ICMP, T4, S4)
                        .ttl(63)
                        .df(false)
                        .id(0x4321)
                        .with(echo(8, v.port("m")));
                    ip4(proto::ICMP, R4, T4, icmp(11, 0, 0, &inner))
                }),
                fixed(out6(
                    proto::ICMPV6,
                    R4_6,
                    C6,
                    icmp(
                        3,
                        0,
                        0,
                        &V6::new(proto::ICMPV6, C6, S4_6)
                            .hop(63)
                            .with(echo(128, 0x1234)),
                    ),
                )),
            ),
        ],
    ));
    let no4 = fixed(ip4(
        proto::ICMP,
        R4,
        T4,
        icmp(
            3,
            3,
            0,
            &V4::new(proto::UDP, T4, S4)
                .ttl(63)
                .df(false)
                .with(udp(1777, 53, &payload(12, 1))),
        ),
    ));
    let no6 = fixed(ip6(
        proto::ICMPV6,
        C6,
        S4_6,
        icmp(
            1,
            4,
            0,
            &V6::new(proto::UDP, S4_6, C6).with(udp(53, 1777, &payload(12, 2))),
        ),
    ));
    v.push(sc(
        "rfc6146_3_6_icmp_error_without_session_not_translated",
        S36,
        "An ICMP error whose inner packet matches no session has no outgoing tuple. Jool: \
         handed back to the kernel (JSTAT_SESSION_NOT_FOUND); no state is created.",
        vec![
            back(0, no4, "JSTAT_SESSION_NOT_FOUND"),
            back(0, no6, "JSTAT_SESSION_NOT_FOUND"),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_icmp_errors_do_not_refresh_sessions",
        "RFC 6146 §3.5, §3.6",
        "Filtering and updating is for TCP, UDP and ICMP queries: ICMP errors neither create \
         nor refresh sessions (RFC 5508 REQ: ICMP errors do not refresh mappings).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                4 * MIN,
                err4_about_udp(),
                fixed(out6(proto::ICMPV6, R4_6, C6, icmp(1, 4, 0, &left6()))),
            ),
            expire_quiet(5 * MIN),
            gauges(0, 0),
        ],
    ));
}

fn push_translate(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_7_tcp_translated_with_outgoing_tuple",
        S37,
        "\"the source and destination IP address fields are set to the source and destination \
         IP addresses from the outgoing 5-tuple\", the ports likewise, and \"the TCP or UDP \
         checksum must also be updated\" (pseudo-header + ports); everything else follows \
         RFC 7915 (TTL/hop limit decremented, flags and sequence numbers untouched).",
        vec![tx4(
            0,
            fixed(ip6(proto::TCP, C6, S4_6, {
                let mut s = tcpf(40000, 443, SYN);
                s.extend_from_slice(&payload(10, 7));
                s
            })),
            gen(|v| {
                let mut s = tcpf(v.port("m"), 443, SYN);
                s.extend_from_slice(&payload(10, 7));
                out4(proto::TCP, T4, S4, s)
            }),
        )
        .learn(mask("m", 20))],
    ));
    v.push(sc(
        "rfc6146_3_7_path_mtu_errors_translated_through_session/6to4",
        S37,
        "ICMP errors are translated per RFC 7915 with the session's addresses (§3.6.1: the \
         6→4 error leaves from (T,t)): Packet Too Big (2/0, MTU 1400) becomes Fragmentation \
         Needed (3/4) with MTU min(1400 − 20, IPv4 MTU, IPv6 MTU − 20) = 1380 (graybox \
         `ptb`).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                1,
                fixed(ip6(
                    proto::ICMPV6,
                    "2001:db8::99",
                    S4_6,
                    icmp(
                        2,
                        0,
                        1400,
                        &V6::new(proto::UDP, S4_6, C6).hop(63).with(udp(
                            53,
                            40000,
                            &payload(12, 2),
                        )),
                    ),
                )),
                gen(|v| {
                    let inner = V4::new(proto::UDP, S4, T4)
                        .ttl(63)
                        .df(false)
                        .id(0)
                        .with(udp(53, v.port("m"), &payload(12, 2)));
                    out4(proto::ICMP, T4, S4, icmp(3, 4, 1380, &inner))
                }),
            )
            .ignore(IGN_ERR4),
        ],
    ));
    v.push(sc(
        "rfc6146_3_7_path_mtu_errors_translated_through_session/4to6",
        S37,
        "Fragmentation Needed (3/4, MTU 1400) about a packet of the session becomes Packet \
         Too Big (2/0) with MTU min(1400 + 20, IPv6 MTU, IPv4 MTU + 20) = 1420, toward the \
         IPv6 client.",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(
                1,
                gen(|v| ip4(proto::ICMP, R4, T4, icmp(3, 4, 1400, &left4(v)))),
                fixed(out6(proto::ICMPV6, R4_6, C6, icmp(2, 0, 1420, &left6()))),
            ),
        ],
    ));
    let hop1 = ip6(proto::UDP, C6, S4_6, udp(40000, 53, &payload(12, 1)));
    let mut hop1 = hop1;
    hop1[7] = 1;
    let h1 = hop1.clone();
    v.push(sc(
        "rfc6146_3_7_hop_limit_exhausted/ipv6",
        S37,
        "Translation follows RFC 7915 §5.1 (via RFC 6145): a hop limit that would reach zero \
         is answered with ICMPv6 Time Exceeded (3/0) and the packet dropped (JSTAT64_TTL).",
        vec![dropped(0, fixed(hop1), "JSTAT64_TTL")
            .reply(fixed(originated6(3, 0, &h1)))
            .reply_ignore(&[])],
    ));
    let ttl1 = |v: &Vars| {
        V4::new(proto::UDP, S4, T4)
            .ttl(1)
            .with(udp(53, v.port("m"), &payload(12, 2)))
    };
    v.push(sc(
        "rfc6146_3_7_hop_limit_exhausted/ipv4",
        S37,
        "RFC 7915 §4.1: a TTL that would reach zero is answered with ICMPv4 Time Exceeded \
         (11/0) and the packet dropped (JSTAT46_TTL).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            dropped(1, gen(ttl1), "JSTAT46_TTL").reply(gen(move |v| originated4(11, 0, &ttl1(v)))),
        ],
    ));
}

fn push_hairpin(v: &mut Vec<Scenario>) {
    v.push(
        sc(
            "rfc6146_3_8_udp_hairpinning",
            S38,
            "A packet from an IPv6 node to Pref64 + a pool4 transport address is translated \
             6→4 and then handled as an incoming IPv4 packet: it reaches the IPv6 node owning \
             that BIB entry from Pref64 + the sender's mask. Jool: one router hop in all \
             (hop limit 64 → 63).",
            vec![
                tx(
                    0,
                    u6(C6, 40000, T4_6, 2000),
                    gen(|v| {
                        V6::new(proto::UDP, T4_6, C6B).hop(63).with(udp(
                            v.port("m"),
                            5000,
                            &payload(12, 1),
                        ))
                    }),
                )
                .learn(mask("m", 40)),
                tx(
                    1,
                    gen(|v| {
                        ip6(
                            proto::UDP,
                            C6B,
                            T4_6,
                            udp(5000, v.port("m"), &payload(12, 1)),
                        )
                    }),
                    fixed(V6::new(proto::UDP, T4_6, C6).hop(63).with(udp(
                        2000,
                        40000,
                        &payload(12, 1),
                    ))),
                ),
                gauges(2, 2),
            ],
        )
        .cfg(Cfg::graybox().bib("udp", C6B, 5000, T4, 2000)),
    );
    v.push(sc(
        "rfc6146_3_8_icmp_query_hairpinned_to_the_identifier_owner",
        S38,
        "An echo request to Pref64 + T is translated (identifier i2) and handled as an \
         incoming IPv4 query to (T,i2): the ICMP Query BIB entry (T,i2) is the sender's own, \
         so the request comes back to it from Pref64 + T, identifier i1.",
        vec![tx(
            0,
            ping6(C6, T4_6, 0x1234),
            fixed(
                V6::new(proto::ICMPV6, T4_6, C6)
                    .hop(63)
                    .with(echo(128, 0x1234)),
            ),
        )],
    ));
    v.push(sc(
        "rfc6146_3_8_hairpinned_packet_without_bib_entry_dropped",
        S38,
        "The hairpinned IPv4 packet is subject to the IPv4 rules: without a BIB entry for \
         its destination it is not translated. Jool: dropped (the IPv4 intermediate cannot \
         be handed back to the kernel), JSTAT_BIB4_NOT_FOUND, no ICMP error.",
        vec![dropped(
            0,
            u6(C6, 40000, T4_6, 2999),
            "JSTAT_BIB4_NOT_FOUND",
        )],
    ));
    let syn = ip6(proto::TCP, C6, T4_6, tcpf(40000, 1500, SYN));
    let syn_q = syn.clone();
    v.push(sc(
        "rfc6146_3_8_hairpinned_syn_stored_then_icmpv6_port_unreachable",
        S38,
        "A hairpinned IPv6 SYN to a pool4 transport address without BIB entry is an \
         unsolicited IPv4 SYN of the second half: stored 6 s, then Port Unreachable — sent \
         as ICMPv6 1/4 to the IPv6 sender (Jool, graybox `so`, spec §7.4).",
        vec![
            stolen(0, fixed(syn), "JSTAT_TYPE1PKT"),
            expire_quiet(6_000 - 1),
            expire(6_000, vec![(fixed(originated6(1, 4, &syn_q)), Vec::new())]),
        ],
    ));
}

fn push_constants(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_4_udp_timeout_minimum",
        "RFC 6146 §4, §3.5.1",
        "\"The maximum session lifetime MUST NOT be less than 2 minutes\" (UDP_MIN): \
         `udp-timeout` below 2:00 is refused.",
        vec![
            global("udp-timeout", "0:01:59.999", false),
            global("udp-timeout", "119", false),
            global("udp-timeout", "0:02:00", true),
            global("udp-timeout", "120", true),
        ],
    ));
    v.push(sc(
        "rfc6146_4_tcp_trans_timeout_minimum",
        S4C,
        "TCP_TRANS, the transitory connection idle-timeout, MUST NOT be less than 4 minutes: \
         `tcp-trans-timeout` below 4:00 is refused.",
        vec![
            global("tcp-trans-timeout", "0:03:59.999", false),
            global("tcp-trans-timeout", "0:04:00", true),
        ],
    ));
    v.push(sc(
        "rfc6146_4_tcp_est_timeout_minimum",
        S4C,
        "TCP_EST, the established connection idle-timeout, MUST NOT be less than 2 hours 4 \
         minutes. Jool: the minimum (and default) is 2:00:00 (spec §3); 1:59:59.999 is \
         refused, 2:00:00 accepted.",
        vec![
            global("tcp-est-timeout", "1:59:59.999", false),
            global("tcp-est-timeout", "2:00:00", true),
            global("tcp-est-timeout", "2:04:00", true),
        ],
    ));
    v.push(sc(
        "rfc6146_4_icmp_timeout_configurable",
        S4C,
        "ICMP_DEFAULT is 60 s, \"configurable\". Jool: `icmp-timeout` has no minimum.",
        vec![
            global("icmp-timeout", "0:00:01", true),
            global("icmp-timeout", "1:00:00", true),
        ],
    ));
}
