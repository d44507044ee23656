//! RFC 6146 §3.5 (generic filtering), §3.5.1 (UDP), §3.5.1.1 (mask allocation), §3.5.3
//! (ICMP query sessions) and the RFC 6056 algorithm 3 behaviour Jool uses for masks.

use super::*;

const S35: &str = "RFC 6146 §3.5";
const S351: &str = "RFC 6146 §3.5.1";
const S3511: &str = "RFC 6146 §3.5.1.1";
const S353: &str = "RFC 6146 §3.5.3";
const S6056: &str = "RFC 6056 §3.3.3";

// ---------------------------------------------------------------------------------------
// UDP helpers: requests carry payload seed 1, answers seed 2.

/// UDP from an IPv6 node.
pub fn u6(src: &'static str, sp: u16, dst: &'static str, dp: u16) -> Gen {
    fixed(ip6(proto::UDP, src, dst, udp(sp, dp, &payload(12, 1))))
}

/// What `u6` becomes: from T4#`var` (the learned mask) to `dst`#`dp`.
pub fn u6_out(var: &'static str, dst: &'static str, dp: u16) -> Gen {
    gen(move |v| out4(proto::UDP, T4, dst, udp(v.port(var), dp, &payload(12, 1))))
}

/// UDP from an IPv4 node to T4#`var`.
pub fn u4(src: &'static str, sp: u16, var: &'static str) -> Gen {
    gen(move |v| ip4(proto::UDP, src, T4, udp(sp, v.port(var), &payload(12, 2))))
}

/// UDP from an IPv4 node to T4#`port` (a fixed port).
pub fn u4_to(src: &'static str, sp: u16, port: u16) -> Gen {
    fixed(ip4(proto::UDP, src, T4, udp(sp, port, &payload(12, 2))))
}

/// What `u4` becomes: from `src6`#`sp` to `dst`#`dp`.
pub fn u4_out(src6: &'static str, sp: u16, dst: &'static str, dp: u16) -> Gen {
    fixed(out6(proto::UDP, src6, dst, udp(sp, dp, &payload(12, 2))))
}

/// Client `src`#`sp` sends UDP to `dst4`#`dp` (through pool6); learns its mask as `var`.
pub fn open_udp(
    at: u64,
    src: &'static str,
    sp: u16,
    dst4: &'static str,
    dst6: &'static str,
    dp: u16,
    var: &'static str,
) -> Step {
    tx4(at, u6(src, sp, dst6, dp), u6_out(var, dst4, dp)).learn(mask(var, 20))
}

// ICMP helpers.

/// Echo request from an IPv6 node.
pub fn ping6(src: &'static str, dst: &'static str, id: u16) -> Gen {
    fixed(ip6(proto::ICMPV6, src, dst, echo(128, id)))
}

/// What `ping6` becomes toward `dst4`: identifier = the learned mask `var`.
pub fn ping6_out(var: &'static str, dst4: &'static str) -> Gen {
    gen(move |v| out4(proto::ICMP, T4, dst4, echo(8, v.port(var))))
}

/// Echo reply from an IPv4 node to T4, identifier = the mask `var`.
pub fn pong4(src: &'static str, var: &'static str) -> Gen {
    gen(move |v| ip4(proto::ICMP, src, T4, echo(0, v.port(var))))
}

/// What `pong4` becomes.
pub fn pong4_out(src6: &'static str, dst: &'static str, id: u16) -> Gen {
    fixed(out6(proto::ICMPV6, src6, dst, echo(129, id)))
}

/// Client `src` pings `dst4` (identifier `id`); learns the ICMP mask as `var`.
pub fn open_ping(
    at: u64,
    src: &'static str,
    id: u16,
    dst4: &'static str,
    dst6: &'static str,
    var: &'static str,
) -> Step {
    tx4(at, ping6(src, dst6, id), ping6_out(var, dst4)).learn(mask(var, 24))
}

pub fn push(v: &mut Vec<Scenario>) {
    push_generic(v);
    push_udp(v);
    push_alloc(v);
    push_icmp(v);
}

fn push_generic(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_5_ipv6_source_inside_pool6_dropped",
        S35,
        "\"the NAT64 MUST silently discard all incoming IPv6 packets containing a source \
         address that contains the Pref64::/n. This is required in order to prevent \
         hairpinning loops\" (JSTAT_HAIRPIN_LOOP).",
        vec![
            dropped(0, u6(S4B_6, 7, S4_6, 53), "JSTAT_HAIRPIN_LOOP"),
            dropped(0, ping6(S4B_6, S4_6, 9), "JSTAT_HAIRPIN_LOOP"),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_ipv6_destination_outside_pool6_not_translated",
        S35,
        "\"the NAT64 MUST only process incoming IPv6 packets that contain a destination \
         address that contains Pref64::/n.\" Jool: handed back to the kernel \
         (JSTAT_POOL6_MISMATCH).",
        vec![
            back(
                0,
                u6(C6, 40000, "2001:db8:1::9", 53),
                "JSTAT_POOL6_MISMATCH",
            ),
            back(
                0,
                u6(C6, 40000, "64:ff9c::c000:205", 53),
                "JSTAT_POOL6_MISMATCH",
            ),
            gauges(0, 0),
        ],
    ));
    let rows: [(&str, Gen); 4] = [
        ("port_above_range", u4_to(S4, 53, 3001)),
        ("port_zero", u4_to(S4, 53, 0)),
        (
            "other_address",
            fixed(ip4(
                proto::UDP,
                S4,
                "192.0.2.3",
                udp(53, 1000, &payload(12, 2)),
            )),
        ),
        (
            "icmp_to_other_address",
            fixed(ip4(proto::ICMP, S4, "198.51.100.1", echo(8, 100))),
        ),
    ];
    for (row, input) in rows {
        v.push(sc(
            &format!("rfc6146_3_5_ipv4_destination_outside_pool4_not_translated/{row}"),
            S35,
            "\"the NAT64 MUST only process incoming IPv4 packets that contain a destination \
             address that belongs to the IPv4 pool assigned to the NAT64.\" Jool: pool4 is \
             (address, port range) per protocol; the rest is handed back \
             (JSTAT_POOL4_MISMATCH).",
            vec![back(0, input, "JSTAT_POOL4_MISMATCH")],
        ));
    }
}

fn push_udp(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_5_1_udp_creates_bib_entry_and_session",
        S351,
        "An IPv6 packet (X',x) → (Y',y) with no BIB entry gets a new BIB entry (X',x) ↔ \
         (T,t), (T,t) from pool4, and a session; the packet is translated from (T,t) to \
         (Y,y), Y extracted from Y'. An IPv4 packet (Y,y) → (T,t) then matches the session \
         and is translated to (Y',y) → (X',x).",
        vec![
            gauges(0, 0),
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            gauges(1, 1),
            tx(10, u4(S4, 53, "m"), u4_out(S4_6, 53, C6, 40000)),
            gauges(1, 1),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_endpoint_independent_mapping",
        S351,
        "The NAT64 searches for a UDP BIB entry that matches the IPv6 source transport \
         address (X',x) (not the destination): packets from one (X',x) to any destination \
         leave from the same (T,t) (RFC 4787 REQ-1, endpoint-independent mapping). One BIB \
         entry, one session per destination.",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx4(1, u6(C6, 40000, S4B_6, 53), u6_out("m", S4B, 53)),
            tx4(2, u6(C6, 40000, S4_6, 123), u6_out("m", S4, 123)),
            gauges(1, 3),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_1_transport_address_unique_in_bib",
        S3511,
        "\"In all cases, the allocated IPv4 transport address (T,t) MUST NOT be in use in \
         another entry in the same BIB\": different IPv6 transport addresses (other port, \
         other node) get different masks.",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "a"),
            open_udp(1, C6, 40001, S4, S4_6, 53, "b"),
            open_udp(2, C6B, 40000, S4, S4_6, 53, "c"),
            check("masks differ", |v| {
                let (a, b, c) = (v.port("a"), v.port("b"), v.port("c"));
                a != b && b != c && a != c
            }),
            gauges(3, 3),
            tx(3, u4(S4, 53, "b"), u4_out(S4_6, 53, C6, 40001)),
            tx(4, u4(S4, 53, "c"), u4_out(S4_6, 53, C6B, 40000)),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_endpoint_independent_filtering_by_default",
        S351,
        "Without address-dependent filtering, an IPv4 packet from any (W,w) to a BIB \
         entry's (T,t) is translated and creates its own session (RFC 4787 REQ-8: \
         endpoint-independent filtering; Jool's default).",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(1, u4(S4B, 7777, "m"), u4_out(S4B_6, 7777, C6, 40000)),
            gauges(1, 2),
        ],
    ));
    let adf_in = u4(S4B, 53, "m");
    v.push(
        sc(
            "rfc6146_3_5_1_address_dependent_filtering",
            S351,
            "\"If the NAT64 applies Address-Dependent Filtering on its IPv4 interface\" it \
             searches for a session with STE source (T,t) and STE destination IPv4 address W; \
             if none, the packet is discarded, and the ICMP error, if sent, \"SHOULD have a \
             type of 3 (Destination Unreachable) and a code of 13 (Communication \
             Administratively Prohibited)\". The address is checked, not the port. Jool: \
             `address-dependent-filtering`, JSTAT_ADF.",
            vec![
                open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
                dropped(1, adf_in.clone(), "JSTAT_ADF")
                    .reply(gen(move |v| originated4(3, 13, &adf_in(v)))),
                tx(2, u4(S4, 5353, "m"), u4_out(S4_6, 5353, C6, 40000)),
                gauges(1, 2),
            ],
        )
        .cfg(Cfg::graybox().set("address-dependent-filtering", "true")),
    );
    v.push(sc(
        "rfc6146_3_5_1_ipv4_packet_without_bib_entry_not_translated",
        S351,
        "\"If such an entry does not exist, the packet MUST be dropped. An ICMP error \
         message with type of 3 (Destination Unreachable) MAY be sent\". Jool: the packet is \
         handed back to the kernel untranslated (JSTAT_BIB4_NOT_FOUND), which answers or \
         drops it (graybox `errors/bibless`); no state is created.",
        vec![
            back(0, u4_to(S4, 53, 1500), "JSTAT_BIB4_NOT_FOUND"),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_udp_session_lifetime_defaults_to_5_minutes",
        S351,
        "\"By default, the maximum session lifetime is 5 minutes\" (UDP_DEFAULT); the UDP \
         session and its dynamic BIB entry are then deleted, and the IPv4 side can no \
         longer reach the client.",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            expire_quiet(5 * MIN - 1),
            gauges(1, 1),
            tx(5 * MIN - 1, u4(S4, 53, "m"), u4_out(S4_6, 53, C6, 40000)),
            expire_quiet(10 * MIN - 2),
            gauges(1, 1),
            expire_quiet(10 * MIN - 1),
            gauges(0, 0),
            back(10 * MIN, u4(S4, 53, "m"), "JSTAT_BIB4_NOT_FOUND"),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_udp_session_refreshed_by_ipv6_packets",
        S351,
        "For every IPv6 packet of the session \"The NAT64 sets or resets the timer in the \
         session table entry to maximum session lifetime.\"",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx4(4 * MIN, u6(C6, 40000, S4_6, 53), u6_out("m", S4, 53)),
            expire_quiet(5 * MIN),
            gauges(1, 1),
            expire_quiet(9 * MIN - 1),
            gauges(1, 1),
            expire_quiet(9 * MIN),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_udp_session_refreshed_by_ipv4_packets",
        S351,
        "For an IPv4 packet matching the session, too, \"The NAT64 sets or resets the timer \
         in the session table entry to maximum session lifetime.\"",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx(4 * MIN, u4(S4, 53, "m"), u4_out(S4_6, 53, C6, 40000)),
            expire_quiet(5 * MIN),
            gauges(1, 1),
            expire_quiet(9 * MIN),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_1_dynamic_bib_entry_dies_with_its_last_session",
        S351,
        "\"If all the UDP sessions corresponding to a dynamically created UDP BIB entry are \
         deleted, then the UDP BIB entry is also deleted.\"",
        vec![
            open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
            tx4(2 * MIN, u6(C6, 40000, S4B_6, 53), u6_out("m", S4B, 53)),
            expire_quiet(5 * MIN),
            gauges(1, 1),
            tx(5 * MIN, u4(S4B, 53, "m"), u4_out(S4B_6, 53, C6, 40000)),
            expire_quiet(10 * MIN),
            gauges(0, 0),
        ],
    ));
    v.push(
        sc(
            "rfc6146_3_5_1_static_bib_entry_outlives_its_sessions",
            S351,
            "Only *dynamically created* BIB entries die with their sessions: a static entry \
             (Jool: `bib add`, port forwarding) lets IPv4 nodes reach the IPv6 node before \
             and after any session.",
            vec![
                gauges(1, 0),
                tx(0, u4_to(S4, 7, 2000), u4_out(S4_6, 7, C6, 2000)),
                gauges(1, 1),
                expire_quiet(5 * MIN),
                gauges(1, 0),
                tx(6 * MIN, u4_to(S4B, 7, 2000), u4_out(S4B_6, 7, C6, 2000)),
                tx4(
                    6 * MIN,
                    u6(C6, 2000, S4_6, 9),
                    fixed(out4(proto::UDP, T4, S4, udp(2000, 9, &payload(12, 1)))),
                ),
            ],
        )
        .cfg(Cfg::graybox().bib("udp", C6, 2000, T4, 2000)),
    );
    v.push(
        sc(
            "rfc6146_3_5_1_udp_lifetime_configurable",
            S351,
            "\"it can be configured to be longer\" (Jool: `udp-timeout`); changing it \
             re-times existing sessions (spec §3).",
            vec![
                open_udp(0, C6, 40000, S4, S4_6, 53, "m"),
                expire_quiet(5 * MIN),
                gauges(1, 1),
                global("udp-timeout", "0:03:00", true),
                expire_quiet(5 * MIN + 1),
                gauges(0, 0),
            ],
        )
        .cfg(Cfg::graybox().set("udp-timeout", "0:10:00")),
    );
}

fn push_alloc(v: &mut Vec<Scenario>) {
    v.push(
        sc(
            "rfc6146_3_5_1_1_no_free_transport_address_dropped",
            S3511,
            "\"If it is not possible to allocate an appropriate IPv4 transport address or \
             create a BIB entry, then the packet is discarded. The NAT64 SHOULD send an \
             ICMPv6 Destination Unreachable error message with Code 3\". Jool: dropped \
             without an ICMPv6 error (JSTAT_BIB6_NOT_FOUND).",
            vec![
                tx4(0, u6(C6, 1, S4_6, 53), u6_out("a", S4, 53)).learn(Learn {
                    var: "a",
                    offset: 20,
                    width: 2,
                    lo: 7000,
                    hi: 7001,
                }),
                tx4(0, u6(C6, 2, S4_6, 53), u6_out("b", S4, 53)).learn(Learn {
                    var: "b",
                    offset: 20,
                    width: 2,
                    lo: 7000,
                    hi: 7001,
                }),
                check("masks differ", |v| v.port("a") != v.port("b")),
                dropped(0, u6(C6, 3, S4_6, 53), "JSTAT_BIB6_NOT_FOUND"),
                gauges(2, 2),
            ],
        )
        .cfg(Cfg::graybox().pool4(&[(0, "udp", "192.0.2.2/32", 7000, 7001)])),
    );
    v.push(
        sc(
            "rfc6146_3_5_1_1_paired_address_pooling",
            S3511,
            "\"If there exists some other BIB entry in any of the BIBs that contains S' as \
             the IPv6 address and maps it to some IPv4 address T, then use T as the IPv4 \
             address.\" (two pool4 addresses; one IPv6 node, two ports, two destinations) \
             Jool: holds when F() hashes the source address only (`f-args` 8): the node's \
             masks are then consecutive transport addresses of one pool4 address.",
            vec![
                tx_any(0, u6(C6, 1, S4_6, 53)).learn(Learn {
                    var: "a1",
                    offset: 12,
                    width: 4,
                    lo: 0xc000_0202,
                    hi: 0xc000_0203,
                }),
                tx_any(0, u6(C6, 2, S4B_6, 99)).learn(Learn {
                    var: "a2",
                    offset: 12,
                    width: 4,
                    lo: 0xc000_0202,
                    hi: 0xc000_0203,
                }),
                check("same IPv4 address", |v| v.0.get("a1") == v.0.get("a2")),
            ],
        )
        .cfg(Cfg::graybox().set("f-args", "8").pool4(&[(
            0,
            "udp",
            "192.0.2.2/31",
            1,
            3000,
        )])),
    );
    v.push(
        sc(
            "rfc6056_3_3_3_next_ephemeral_walks_from_the_same_offset",
            S6056,
            "Algorithm 3: port = min_ephemeral + (offset + next_ephemeral) % num_ephemeral, \
             offset = F(local_IP, remote_IP, remote_port, secret_key), next_ephemeral \
             incremented per probe. Jool: F's inputs are `f-args` (here 2 = IPv6 destination \
             address only), the pool4 set's transport addresses are the ephemeral range: two \
             IPv6 nodes talking to one server get consecutive masks.",
            vec![
                open_udp(0, C6, 1, S4, S4_6, 53, "a"),
                open_udp(0, C6B, 2, S4, S4_6, 53, "b"),
                check("b follows a", |v| {
                    v.port("b")
                        == if v.port("a") == 3000 {
                            1
                        } else {
                            v.port("a") + 1
                        }
                }),
            ],
        )
        .cfg(Cfg::graybox().set("f-args", "2")),
    );
    v.push(sc(
        "rfc6056_f_args_range",
        S6056,
        "Jool: `f-args` is a 4-bit mask of F()'s inputs (8 source address, 4 source port, 2 \
         destination address, 1 destination port): 0-15 accepted, 16 refused (spec §3).",
        vec![
            global("f-args", "0", true),
            global("f-args", "15", true),
            global("f-args", "16", false),
        ],
    ));
    v.push(
        sc(
            "jool_implicit_pool4_uses_own_address_ports_61001_65535",
            "spec §7.3",
            "Jool: with pool4 empty, masks are ports 61001-65535 of the address the kernel \
             would use toward the destination; an IPv4 packet belongs to pool4 if it targets \
             a local address at a port ≥ 61001.",
            vec![
                tx4(0, u6(C6, 40000, S4_6, 53), u6_out("m", S4, 53)).learn(Learn {
                    var: "m",
                    offset: 20,
                    width: 2,
                    lo: 61001,
                    hi: 65535,
                }),
                tx(1, u4(S4, 53, "m"), u4_out(S4_6, 53, C6, 40000)),
                back(2, u4_to(S4, 53, 61000), "JSTAT_POOL4_MISMATCH"),
            ],
        )
        .cfg(Cfg::graybox().pool4(&[])),
    );
    v.push(
        sc(
            "jool_mark_selects_pool4_set",
            "spec §7.3",
            "Jool: a 6→4 packet only takes masks from the pool4 sets of its mark; a mark \
             with no set is refused (JSTAT_MASK_DOMAIN_NOT_FOUND).",
            vec![
                tx4(0, u6(C6, 40000, S4_6, 53), u6_out("m", S4, 53))
                    .mark(7)
                    .learn(Learn {
                        var: "m",
                        offset: 20,
                        width: 2,
                        lo: 5000,
                        hi: 5099,
                    }),
                dropped(0, u6(C6, 40001, S4_6, 53), "JSTAT_MASK_DOMAIN_NOT_FOUND").mark(8),
            ],
        )
        .cfg(Cfg::graybox().pool4(&[
            (0, "udp", "192.0.2.2/32", 1, 3000),
            (7, "udp", "192.0.2.2/32", 5000, 5099),
        ])),
    );
}

fn push_icmp(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_5_3_echo_creates_bib_entry_and_session",
        S353,
        "An ICMPv6 Informational packet (X', Y', i1) gets an ICMP Query BIB entry (X',i1) ↔ \
         (T,i2) and a session; it leaves as (T → Y, identifier i2). The ICMPv4 reply (Y → \
         T, i2) is translated back to (Y' → X', i1).",
        vec![
            open_ping(0, C6, 0x1234, S4, S4_6, "i"),
            gauges(1, 1),
            tx(1, pong4(S4, "i"), pong4_out(S4_6, C6, 0x1234)),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_3_echo_identifier_endpoint_independent",
        S353,
        "The ICMP Query BIB entry is searched by (X',i1) only: one identifier mapping \
         whatever the destination.",
        vec![
            open_ping(0, C6, 0x1234, S4, S4_6, "i"),
            tx4(1, ping6(C6, S4B_6, 0x1234), ping6_out("i", S4B)),
            gauges(1, 2),
            tx(2, pong4(S4B, "i"), pong4_out(S4B_6, C6, 0x1234)),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_3_icmp_session_lifetime_60_seconds",
        S353,
        "The ICMP Query session timer is set to ICMP_DEFAULT (60 s, RFC 6146 §4); on \
         expiry the session and its dynamic BIB entry go.",
        vec![
            open_ping(0, C6, 0x1234, S4, S4_6, "i"),
            expire_quiet(MIN - 1),
            gauges(1, 1),
            expire_quiet(MIN),
            gauges(0, 0),
            back(MIN + 1, pong4(S4, "i"), "JSTAT_BIB4_NOT_FOUND"),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_3_icmp_session_refreshed_both_ways",
        S353,
        "IPv6 and IPv4 query packets of the session both reset its timer to ICMP_DEFAULT.",
        vec![
            open_ping(0, C6, 0x1234, S4, S4_6, "i"),
            tx(40_000, pong4(S4, "i"), pong4_out(S4_6, C6, 0x1234)),
            expire_quiet(MIN),
            gauges(1, 1),
            tx4(90_000, ping6(C6, S4_6, 0x1234), ping6_out("i", S4)),
            expire_quiet(100_000),
            gauges(1, 1),
            expire_quiet(150_000),
            gauges(0, 0),
        ],
    ));
    v.push(
        sc(
            "rfc6146_3_5_3_icmpv6_informational_filter",
            S353,
            "\"If the local security policy determines that ICMPv6 Informational packets are \
             to be filtered, the packet is silently discarded.\" Jool: `drop-icmpv6-info` \
             (JSTAT_ICMP6_FILTER).",
            vec![
                dropped(0, ping6(C6, S4_6, 0x1234), "JSTAT_ICMP6_FILTER"),
                gauges(0, 0),
            ],
        )
        .cfg(Cfg::graybox().set("drop-icmpv6-info", "true")),
    );
    v.push(sc(
        "rfc6146_3_5_3_icmpv4_query_without_bib_entry_not_translated",
        S353,
        "An ICMPv4 query to (T,i2) with no ICMP Query BIB entry is dropped (ICMP error \
         MAY). Jool: handed back to the kernel (JSTAT_BIB4_NOT_FOUND), which answers pings \
         to its own address.",
        vec![
            back(
                0,
                fixed(ip4(proto::ICMP, S4, T4, echo(8, 77))),
                "JSTAT_BIB4_NOT_FOUND",
            ),
            gauges(0, 0),
        ],
    ));
    let adf_in = pong4(S4B, "i");
    v.push(
        sc(
            "rfc6146_3_5_3_address_dependent_filtering",
            S353,
            "With address-dependent filtering, an ICMPv4 query from an address with no \
             session to (T,i2) is discarded; ICMP error 3/13 (Jool: JSTAT_ADF).",
            vec![
                open_ping(0, C6, 0x1234, S4, S4_6, "i"),
                dropped(1, adf_in.clone(), "JSTAT_ADF")
                    .reply(gen(move |v| originated4(3, 13, &adf_in(v)))),
                tx(2, pong4(S4, "i"), pong4_out(S4_6, C6, 0x1234)),
            ],
        )
        .cfg(Cfg::graybox().set("address-dependent-filtering", "true")),
    );
}
