//! RFC 6146 §3.5.2: the TCP state machine, its timers, the keepalive probe and the
//! simultaneous-open / unsolicited IPv4 SYN handling.

use super::flags::*;
use super::*;

const S3522: &str = "RFC 6146 §3.5.2.2";

/// TCP from an IPv6 node.
fn t6(src: &'static str, sp: u16, dst6: &'static str, dp: u16, fl: u8) -> Gen {
    fixed(ip6(proto::TCP, src, dst6, tcpf(sp, dp, fl)))
}

/// What `t6` from the client becomes: from T4#`var` to `dst4`#`dp`.
fn t6_out(var: &'static str, dst4: &'static str, dp: u16, fl: u8) -> Gen {
    gen(move |v| out4(proto::TCP, T4, dst4, tcpf(v.port(var), dp, fl)))
}

/// TCP from an IPv4 node to T4#`var`.
fn t4(src: &'static str, sp: u16, var: &'static str, fl: u8) -> Gen {
    gen(move |v| ip4(proto::TCP, src, T4, tcpf(sp, v.port(var), fl)))
}

/// TCP from an IPv4 node to T4#`port`.
fn t4_to(src: &'static str, sp: u16, port: u16, fl: u8) -> Gen {
    fixed(ip4(proto::TCP, src, T4, tcpf(sp, port, fl)))
}

/// What an IPv4 TCP packet becomes.
fn t4_out(src6: &'static str, sp: u16, dst: &'static str, dp: u16, fl: u8) -> Gen {
    fixed(out6(proto::TCP, src6, dst, tcpf(sp, dp, fl)))
}

/// C6#40000 → S4#80, packet from the IPv6 side through the learned mask `m`.
fn c(at: u64, fl: u8) -> Step {
    tx4(at, t6(C6, 40000, S4_6, 80, fl), t6_out("m", S4, 80, fl))
}

/// S4#80 → C6#40000, packet from the IPv4 side through the learned mask `m`.
fn s(at: u64, fl: u8) -> Step {
    tx(at, t4(S4, 80, "m", fl), t4_out(S4_6, 80, C6, 40000, fl))
}

/// The IPv6 SYN of C6#40000 → S4#80, learning the mask `m`.
fn syn6(at: u64) -> Step {
    c(at, SYN).learn(mask("m", 20))
}

/// The handshake's first two packets at `at` (V6 SYN, V4 SYN+ACK): ESTABLISHED.
fn establish(at: u64) -> Vec<Step> {
    vec![syn6(at), s(at, SYNACK)]
}

/// The keepalive probe of an expired ESTABLISHED session S4_6#80 → C6#40000 (spec §7.3:
/// empty ACK, seq 0, ack 0, window 8192, from the session's dst6 to its src6; hop limit 64).
fn probe() -> (Gen, Vec<usize>) {
    let mut seg = tcpf(80, 40000, ACK);
    seg[4..12].fill(0);
    (
        fixed(V6::new(proto::TCP, S4_6, C6).hop(ORIGINATED_TTL).with(seg)),
        Vec::new(),
    )
}

/// Scenario steps: `a` then `b`.
fn then(mut a: Vec<Step>, b: Vec<Step>) -> Vec<Step> {
    a.extend(b);
    a
}

pub fn push(v: &mut Vec<Scenario>) {
    push_open(v);
    push_close(v);
    push_v4_syn(v);
}

fn push_open(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_5_2_2_v6_syn_creates_v6_init",
        S3522,
        "CLOSED: \"If the incoming packet is an IPv6 SYN\", a BIB entry (if needed) and a \
         session are created, \"The state of the session is moved to V6 SYN RCV\" (Jool: \
         V6_INIT), the timer is set to TCP_TRANS, the packet is translated from (T,t) to \
         (Y,y).",
        vec![syn6(0), tcp_states(&["V6_INIT"]), gauges(1, 1)],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_v6_init_expires_on_transitory_timer",
        S3522,
        "V6 SYN RCV: \"If the lifetime expires, the session table entry is deleted\"; the \
         lifetime is TCP_TRANS (4 minutes, RFC 6146 §4).",
        vec![
            syn6(0),
            expire_quiet(4 * MIN - 1),
            gauges(1, 1),
            expire_quiet(4 * MIN),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_v6_syn_retry_refreshes_transitory_timer",
        S3522,
        "V6 SYN RCV: \"If the packet is an IPv6 SYN, then the session lifetime is set to \
         TCP_TRANS\" again; the state does not change.",
        vec![
            syn6(0),
            c(2 * MIN, SYN),
            tcp_states(&["V6_INIT"]),
            expire_quiet(4 * MIN),
            gauges(1, 1),
            expire_quiet(6 * MIN),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_v4_syn_moves_v6_init_to_established",
        S3522,
        "V6 SYN RCV: \"If the packet is a SYN from the IPv4 side, then the state moves to \
         ESTABLISHED\" and the lifetime is set to TCP_EST (Jool: 2 hours) — the session \
         survives TCP_TRANS.",
        then(
            establish(0),
            vec![
                tcp_states(&["ESTABLISHED"]),
                expire_quiet(4 * MIN),
                expire_quiet(120 * MIN - 1),
                gauges(1, 1),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_established_refreshed_by_both_sides",
        S3522,
        "ESTABLISHED: any other packet (from either side) resets the lifetime to TCP_EST.",
        then(
            establish(0),
            vec![
                c(60 * MIN, ACK),
                expire_quiet(120 * MIN),
                s(150 * MIN, ACK),
                expire_quiet(180 * MIN),
                expire_quiet(270 * MIN - 1),
                tcp_states(&["ESTABLISHED"]),
                expire(270 * MIN, vec![probe()]),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_established_timeout_probes_then_trans",
        S3522,
        "ESTABLISHED: when the lifetime expires the NAT64 SHOULD send a probe (Jool: an empty \
         ACK toward the IPv6 node, spec §7.3), the state moves to TRANS with lifetime \
         TCP_TRANS; if nothing comes back, the session is deleted.",
        then(
            establish(0),
            vec![
                expire_quiet(120 * MIN - 1),
                expire(120 * MIN, vec![probe()]),
                tcp_states(&["TRANS"]),
                gauges(1, 1),
                expire_quiet(124 * MIN - 1),
                gauges(1, 1),
                expire_quiet(124 * MIN),
                gauges(0, 0),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_trans_returns_to_established_on_non_rst",
        S3522,
        "TRANS: \"If the packet is not a RST packet, ... the state moves to ESTABLISHED\" and \
         the lifetime is set to TCP_EST (here: the answer to the probe).",
        then(
            establish(0),
            vec![
                expire(120 * MIN, vec![probe()]),
                s(121 * MIN, ACK),
                tcp_states(&["ESTABLISHED"]),
                expire_quiet(125 * MIN),
                gauges(1, 1),
            ],
        ),
    ));
    for (row, rst) in [
        ("from_ipv6", c(10 * MIN, RST)),
        ("from_ipv4", s(10 * MIN, RST)),
    ] {
        v.push(sc(
            &format!("rfc6146_3_5_2_2_rst_moves_established_to_trans/{row}"),
            S3522,
            "ESTABLISHED: \"If the packet is a RST packet\" (either side), it is translated, \
             the state moves to TRANS and the lifetime is set to TCP_TRANS.",
            then(
                establish(0),
                vec![
                    rst,
                    tcp_states(&["TRANS"]),
                    expire_quiet(14 * MIN - 1),
                    gauges(1, 1),
                    expire_quiet(14 * MIN),
                    gauges(0, 0),
                ],
            ),
        ));
    }
    v.push(sc(
        "rfc6146_3_5_2_2_rst_in_trans_does_not_refresh",
        S3522,
        "TRANS: a RST is translated but does not move the session back to ESTABLISHED nor \
         extend its lifetime.",
        then(
            establish(0),
            vec![
                c(10 * MIN, RST),
                s(12 * MIN, RST),
                tcp_states(&["TRANS"]),
                expire_quiet(14 * MIN),
                gauges(0, 0),
            ],
        ),
    ));
}

fn push_close(v: &mut Vec<Scenario>) {
    v.push(sc(
        "rfc6146_3_5_2_2_fin_handshake/ipv4_first",
        S3522,
        "ESTABLISHED: a FIN from the IPv4 side moves to V4 FIN RCV; V4 FIN RCV: a FIN from \
         the IPv6 side moves to V4 FIN + V6 FIN RCV with lifetime TCP_TRANS, after which \
         the session is deleted.",
        then(
            establish(0),
            vec![
                s(1_000, FINACK),
                tcp_states(&["V4_FIN_RCV"]),
                c(2_000, FINACK),
                tcp_states(&["V4_FIN_V6_FIN_RCV"]),
                expire_quiet(4 * MIN + 2_000 - 1),
                gauges(1, 1),
                expire_quiet(4 * MIN + 2_000),
                gauges(0, 0),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_fin_handshake/ipv6_first",
        S3522,
        "ESTABLISHED: a FIN from the IPv6 side moves to V6 FIN RCV; V6 FIN RCV: a FIN from \
         the IPv4 side moves to V4 FIN + V6 FIN RCV with lifetime TCP_TRANS.",
        then(
            establish(0),
            vec![
                c(1_000, FINACK),
                tcp_states(&["V6_FIN_RCV"]),
                s(2_000, FINACK),
                tcp_states(&["V4_FIN_V6_FIN_RCV"]),
                expire_quiet(4 * MIN + 2_000 - 1),
                gauges(1, 1),
                expire_quiet(4 * MIN + 2_000),
                gauges(0, 0),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_fin_rcv_on_established_lifetime",
        S3522,
        "V6 FIN RCV: other packets reset the lifetime to TCP_EST; when it expires the session \
         is deleted (no probe: the probe is for ESTABLISHED).",
        then(
            establish(0),
            vec![
                c(0, FINACK),
                s(MIN, ACK),
                tcp_states(&["V6_FIN_RCV"]),
                expire_quiet(121 * MIN - 1),
                gauges(1, 1),
                expire_quiet(121 * MIN),
                gauges(0, 0),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_both_fins_only_time_out",
        S3522,
        "V4 FIN + V6 FIN RCV: \"All packets are translated\"; the state does not change and \
         the lifetime (TCP_TRANS, from the second FIN) is not extended.",
        then(
            establish(0),
            vec![
                c(0, FINACK),
                s(0, FINACK),
                c(3 * MIN, ACK),
                s(3 * MIN, ACK),
                tcp_states(&["V4_FIN_V6_FIN_RCV"]),
                expire_quiet(4 * MIN),
                gauges(0, 0),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_rst_during_fin_rcv/default",
        S3522,
        "V4 FIN RCV: a RST is just another packet (lifetime TCP_EST). Jool: \
         `handle-rst-during-fin-rcv` off by default.",
        then(
            establish(0),
            vec![
                s(0, FINACK),
                c(MIN, RST),
                tcp_states(&["V4_FIN_RCV"]),
                expire_quiet(30 * MIN),
                gauges(1, 1),
            ],
        ),
    ));
    v.push(
        sc(
            "rfc6146_3_5_2_2_rst_during_fin_rcv/handle_rst_during_fin_rcv",
            S3522,
            "Jool: with `handle-rst-during-fin-rcv`, a RST during V4/V6 FIN RCV puts the \
             session on the transitory lifetime (Jool issue 212).",
            then(
                establish(0),
                vec![
                    s(0, FINACK),
                    c(MIN, RST),
                    tcp_states(&["V4_FIN_RCV"]),
                    expire_quiet(5 * MIN - 1),
                    gauges(1, 1),
                    expire_quiet(5 * MIN),
                    gauges(0, 0),
                ],
            ),
        )
        .cfg(Cfg::graybox().set("handle-rst-during-fin-rcv", "true")),
    );
}

fn push_v4_syn(v: &mut Vec<Scenario>) {
    let fwd = || Cfg::graybox().bib("tcp", C6, 2000, T4, 2000);
    v.push(
        sc(
            "rfc6146_3_5_2_2_v4_syn_with_bib_entry_creates_v4_init",
            S3522,
            "CLOSED: an IPv4 SYN whose destination is in the TCP BIB (Jool: a static entry) \
             creates a session in V4 SYN RCV (Jool: V4_INIT) and, without address-dependent \
             filtering, is translated; V4 SYN RCV: \"If the packet is a SYN from the IPv6 \
             side, then the state moves to ESTABLISHED\".",
            vec![
                tx(
                    0,
                    t4_to(S4, 5000, 2000, SYN),
                    t4_out(S4_6, 5000, C6, 2000, SYN),
                ),
                tcp_states(&["V4_INIT"]),
                gauges(1, 1),
                tx4(
                    1,
                    t6(C6, 2000, S4_6, 5000, SYNACK),
                    fixed(out4(proto::TCP, T4, S4, tcpf(2000, 5000, SYNACK))),
                ),
                tcp_states(&["ESTABLISHED"]),
            ],
        )
        .cfg(fwd()),
    );
    v.push(
        sc(
            "rfc6146_3_5_2_2_v4_init_expires",
            S3522,
            "V4 SYN RCV: if the lifetime expires the session is deleted. Jool: the lifetime of \
             a translated (not stored) V4_INIT session is TCP_TRANS; the static BIB entry \
             stays.",
            vec![
                tx(
                    0,
                    t4_to(S4, 5000, 2000, SYN),
                    t4_out(S4_6, 5000, C6, 2000, SYN),
                ),
                expire_quiet(4 * MIN - 1),
                gauges(1, 1),
                expire_quiet(4 * MIN),
                gauges(1, 0),
            ],
        )
        .cfg(fwd()),
    );
    let syn = t4_to(S4, 5000, 1500, SYN);
    let s1 = syn.clone();
    v.push(sc(
        "rfc6146_3_5_2_2_unsolicited_v4_syn_stored_then_port_unreachable",
        S3522,
        "CLOSED: an IPv4 SYN whose destination is not in the TCP BIB is not translated but \
         kept for TCP_INCOMING_SYN (6 s, RFC 6146 §4); if no matching IPv6 SYN arrives, the \
         NAT64 \"SHOULD send an ICMP Port Unreachable error (Type 3, Code 3)\" about it. Jool: \
         JSTAT_TYPE1PKT; the timers emit the error (graybox `so`).",
        vec![
            stolen(0, syn.clone(), "JSTAT_TYPE1PKT"),
            gauges(0, 0),
            expire_quiet(6_000 - 1),
            expire(
                6_000,
                vec![(gen(move |v| originated4(3, 3, &s1(v))), IGN_ID4.to_vec())],
            ),
            expire_quiet(60_000),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_simultaneous_open_takes_the_stored_syn_mask",
        S3522,
        "If an IPv6 SYN matching the stored IPv4 SYN arrives in time (simultaneous open), the \
         connection uses the IPv4 transport address the IPv4 SYN targeted (T4#1500) and no \
         ICMP error is sent.",
        vec![
            stolen(0, syn.clone(), "JSTAT_TYPE1PKT"),
            tx4(
                1_000,
                t6(C6, 40000, S4_6, 5000, SYN),
                fixed(out4(proto::TCP, T4, S4, tcpf(1500, 5000, SYN))),
            ),
            gauges(1, 1),
            expire_quiet(6_000),
            expire_quiet(7_000),
            gauges(1, 1),
            tx(
                8_000,
                t4_to(S4, 5000, 1500, SYNACK),
                t4_out(S4_6, 5000, C6, 40000, SYNACK),
            ),
            tcp_states(&["ESTABLISHED"]),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_simultaneous_open_reaches_established",
        S3522,
        "The stored IPv4 SYN stands for a V4 SYN RCV session; \"If the packet is a SYN from \
         the IPv6 side, then the state moves to ESTABLISHED\" with lifetime TCP_EST (Jool \
         upgrades the stored SYN to a V4_INIT session the IPv6 SYN then establishes).",
        vec![
            stolen(0, syn.clone(), "JSTAT_TYPE1PKT"),
            tx4(
                1_000,
                t6(C6, 40000, S4_6, 5000, SYN),
                fixed(out4(proto::TCP, T4, S4, tcpf(1500, 5000, SYN))),
            ),
            tcp_states(&["ESTABLISHED"]),
            expire_quiet(1_000 + 4 * MIN),
            gauges(1, 1),
        ],
    ));
    let s2 = syn.clone();
    v.push(sc(
        "rfc6146_3_5_2_2_stored_syn_retry_dropped",
        S3522,
        "Jool: a retransmission of a stored IPv4 SYN is dropped (JSTAT_SO_EXISTS); only the \
         first one is answered when the 6 s run out.",
        vec![
            stolen(0, syn.clone(), "JSTAT_TYPE1PKT"),
            dropped(1_000, syn.clone(), "JSTAT_SO_EXISTS"),
            expire(
                6_000,
                vec![(gen(move |v| originated4(3, 3, &s2(v))), IGN_ID4.to_vec())],
            ),
        ],
    ));
    let other = t4_to(S4B, 6000, 1501, SYN);
    let o1 = other.clone();
    v.push(
        sc(
            "rfc6146_3_5_2_2_stored_syn_limit_port_unreachable",
            S3522,
            "Storing SYNs is resource-limited (Jool: `maximum-simultaneous-opens`); beyond \
             the limit the SYN is refused with ICMP 3/3 at once (JSTAT_SO_FULL).",
            vec![
                stolen(0, syn.clone(), "JSTAT_TYPE1PKT"),
                dropped(0, other, "JSTAT_SO_FULL").reply(gen(move |v| originated4(3, 3, &o1(v)))),
            ],
        )
        .cfg(Cfg::graybox().set("maximum-simultaneous-opens", "1")),
    );
    v.push(
        sc(
            "rfc6146_3_5_2_2_drop_externally_initiated_tcp",
            S3522,
            "\"If the security policy requires silently dropping externally initiated TCP \
             connections, then the packet is silently discarded\" — with or without a BIB \
             entry. Jool: `drop-externally-initiated-tcp` (JSTAT_V4_SYN). Connections \
             initiated from the IPv6 side still open.",
            vec![
                dropped(0, syn.clone(), "JSTAT_V4_SYN"),
                dropped(0, t4_to(S4, 5000, 2000, SYN), "JSTAT_V4_SYN"),
                gauges(1, 0),
                syn6(1),
                s(2, SYNACK),
                tcp_states(&["ESTABLISHED"]),
                expire_quiet(10_000),
            ],
        )
        .cfg(fwd().set("drop-externally-initiated-tcp", "true")),
    );
    v.push(sc(
        "rfc6146_3_5_2_2_ipv4_non_syn_without_bib_entry_dropped",
        S3522,
        "CLOSED, any other IPv4 packet with no BIB entry: not translated. Jool: dropped \
         (JSTAT_SYN4_EXPECTED), no state.",
        vec![
            dropped(0, t4_to(S4, 80, 1500, ACK), "JSTAT_SYN4_EXPECTED"),
            dropped(0, t4_to(S4, 80, 1500, FINACK), "JSTAT_SYN4_EXPECTED"),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_ipv6_non_syn_without_bib_entry_dropped",
        S3522,
        "CLOSED, any other IPv6 packet with no BIB entry: not translated and no state created. \
         Jool: dropped (JSTAT_SYN6_EXPECTED).",
        vec![
            dropped(0, t6(C6, 40000, S4_6, 80, ACK), "JSTAT_SYN6_EXPECTED"),
            dropped(0, t6(C6, 40000, S4_6, 80, RST), "JSTAT_SYN6_EXPECTED"),
            gauges(0, 0),
        ],
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_ipv4_non_syn_with_bib_entry_translated",
        S3522,
        "CLOSED, any other packet: \"If there is a corresponding entry in the TCP BIB table, \
         the packet SHOULD be translated and forwarded if the security policy allows doing \
         so. The state remains unchanged.\" (no session is created)",
        then(
            establish(0),
            vec![
                tx(
                    1,
                    t4(S4B, 443, "m", ACK),
                    t4_out(S4B_6, 443, C6, 40000, ACK),
                ),
                gauges(1, 1),
                tcp_states(&["ESTABLISHED"]),
            ],
        ),
    ));
    v.push(sc(
        "rfc6146_3_5_2_2_ipv6_non_syn_with_bib_entry_translated",
        S3522,
        "CLOSED, any other packet: \"If there is a corresponding entry in the TCP BIB table, \
         the packet SHOULD be translated and forwarded if the security policy allows doing \
         so. The state remains unchanged.\" — the IPv6 side too (Jool: `bib_add_tcp6` \
         translates through the BIB entry).",
        then(
            establish(0),
            vec![
                tx4(
                    1,
                    t6(C6, 40000, S4B_6, 443, ACK),
                    t6_out("m", S4B, 443, ACK),
                ),
                gauges(1, 1),
            ],
        ),
    ));
    let t2 = t4(S4B, 5000, "m", SYN);
    let t2b = t2.clone();
    v.push(
        sc(
            "rfc6146_3_5_2_2_address_dependent_filtering_stores_v4_syn",
            S3522,
            "With address-dependent filtering, an IPv4 SYN to an existing BIB entry from an \
             address with no session is not translated but kept TCP_INCOMING_SYN (6 s) in \
             V4 SYN RCV; then ICMP 3/3. Jool: type 2 packet (JSTAT_TYPE2PKT).",
            then(
                establish(0),
                vec![
                    stolen(0, t2, "JSTAT_TYPE2PKT"),
                    gauges(1, 2),
                    expire_quiet(6_000 - 1),
                    expire(
                        6_000,
                        vec![(gen(move |v| originated4(3, 3, &t2b(v))), IGN_ID4.to_vec())],
                    ),
                    gauges(1, 1),
                ],
            ),
        )
        .cfg(Cfg::graybox().set("address-dependent-filtering", "true")),
    );
    v.push(
        sc(
            "rfc6146_3_5_2_2_address_dependent_filtering_v4_syn_met_by_v6_syn",
            S3522,
            "A stored (type 2) IPv4 SYN answered by an IPv6 SYN within 6 s: the session moves \
             to ESTABLISHED and no ICMP error is sent.",
            then(
                establish(0),
                vec![
                    stolen(1_000, t4(S4B, 5000, "m", SYN), "JSTAT_TYPE2PKT"),
                    tx4(
                        2_000,
                        t6(C6, 40000, S4B_6, 5000, SYN),
                        t6_out("m", S4B, 5000, SYN),
                    ),
                    tcp_states(&["ESTABLISHED", "ESTABLISHED"]),
                    expire_quiet(7_000),
                    gauges(1, 2),
                ],
            ),
        )
        .cfg(Cfg::graybox().set("address-dependent-filtering", "true")),
    );
}
