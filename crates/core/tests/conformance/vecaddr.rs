//! RFC 7915 §4.6, §5.6 and §6; RFC 6052 §2.2–§2.4; RFC 7757 §3–§4; RFC 6791 §2; the Jool
//! hand-back rules of spec §7.1 (scoped, own and denylisted addresses, disabled instance).

use super::*;

const S6: &str = "RFC 7915 §6";
const S46: &str = "RFC 7915 §4.6";
const S56: &str = "RFC 7915 §5.6";
const R6052: &str = "RFC 6052 §2.2";
const R7757_3: &str = "RFC 7757 §3";
const R7757_4: &str = "RFC 7757 §4";
const R6791: &str = "RFC 6791 §2";

fn u4(src: &str, dst: &str) -> V4 {
    V4::new(proto::UDP, src, dst)
}
fn u6(src: &str, dst: &str) -> V6 {
    V6::new(proto::UDP, src, dst)
}
fn seg() -> Vec<u8> {
    udp(5000, 53, &data(32, 1))
}
/// `src → dst` IPv4 UDP as a 6→4 translation produces it.
fn out4u(src: &str, dst: &str) -> Vec<u8> {
    u4(src, dst).ttl(63).df(false).id(0).with(seg())
}
/// `src → dst` IPv6 UDP as a 4→6 translation produces it.
fn out6u(src: &str, dst: &str) -> Vec<u8> {
    u6(src, dst).hop(63).with(seg())
}

pub fn push(v: &mut Vec<Vector>) {
    rfc6052(v);
    rfc7757(v);
    hand_back(v);
    rfc6791(v);
}

fn rfc6052(v: &mut Vec<Vector>) {
    // RFC 6052 §2.4 examples: 192.0.2.33 under each prefix length.
    let table: [(&str, &'static str, &str); 7] = [
        ("32", "2001:db8::/32", "2001:db8:c000:221::"),
        ("40", "2001:db8:100::/40", "2001:db8:1c0:2:21::"),
        ("48", "2001:db8:122::/48", "2001:db8:122:c000:2:2100::"),
        ("56", "2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"),
        (
            "64",
            "2001:db8:122:344::/64",
            "2001:db8:122:344:c0:2:2100:0",
        ),
        ("96", "2001:db8:122:344::/96", "2001:db8:122:344::c000:221"),
        ("96wkp", "64:ff9b::/96", "64:ff9b::c000:221"),
    ];
    let s = "IPv4-embedded IPv6 address format (Figure 1): the 32 bits of the IPv4 address follow \
             the prefix, skipping bits 64 to 71 (\"u\", which MUST be zero); the suffix is zero. \
             Examples of §2.4 (192.0.2.33).";
    for (row, pool6, addr) in table {
        let cfg = Cfg::graybox().set("pool6", pool6);
        v.push(
            Vector::translated(
                &format!("rfc6052_2_2_prefix_lengths_4to6/{row}"),
                R6052,
                s,
                u4("1.0.0.8", "192.0.2.33").with(seg()),
                out6u("2001:db8:3::8", addr),
            )
            .cfg(cfg.clone()),
        );
        v.push(
            Vector::translated(
                &format!("rfc6052_2_2_prefix_lengths_6to4/{row}"),
                R6052,
                s,
                u6("2001:db8:3::8", addr).with(seg()),
                out4u("1.0.0.8", "192.0.2.33"),
            )
            .cfg(cfg),
        );
    }
}

fn rfc7757(v: &mut Vec<Vector>) {
    v.push(Vector::translated(
        "rfc7757_3_eam_translates_ipv6_source",
        R7757_3,
        "An EAM's IPv6 prefix matches the address: the IPv6 prefix is replaced by the IPv4 prefix \
         and the suffix is copied (2001:db8:3::/120 ↔ 1.0.0.0/24).",
        u6("2001:db8:3::8", N4_6).with(seg()),
        out4u("1.0.0.8", N4),
    ));
    v.push(Vector::translated(
        "rfc7757_3_eam_translates_ipv4_destination",
        R7757_3,
        "EAMs are bidirectional: 1.0.0.8 → 2001:db8:3::8.",
        u4(N4, "1.0.0.8").with(seg()),
        out6u(N4_6, "2001:db8:3::8"),
    ));
    v.push(Vector::translated(
        "rfc7757_3_eam_takes_precedence_over_pool6",
        R7757_3,
        "The EAMT is consulted before the RFC 6052 algorithm: 10.0.0.5 → 2001:db8:2::5, not \
         pool6's 2001:db8:10a:0:5::.",
        u4(N4, "10.0.0.5").with(seg()),
        out6u(N4_6, "2001:db8:2::5"),
    ));
    let mut cfg = Cfg::graybox().eam("2001:db8:3::10/128", "5.5.5.5/32");
    cfg.force = true;
    v.push(
        Vector::translated(
            "rfc7757_3_longest_prefix_match",
            R7757_3,
            "The longest matching EAM prefix wins (2001:db8:3::10/128 inside 2001:db8:3::/120).",
            u6("2001:db8:3::10", N4_6).with(seg()),
            out4u("5.5.5.5", N4),
        )
        .cfg(cfg),
    );
    v.push(
        Vector::translated(
            "rfc7757_3_denylist4_does_not_apply_to_eam",
            R7757_3,
            "denylist4 only restricts pool6 (RFC 6052) translations (spec §7.2).",
            u6("2001:db8:3::8", N4_6).with(seg()),
            out4u("1.0.0.8", N4),
        )
        .cfg(Cfg::graybox().deny("1.0.0.0/24")),
    );

    // §4 hairpinning; graybox `ga`.
    let hairpin_in = || u6("2001:db8:3::8", "2001:db8:101:0:9::").with(seg());
    v.push(Vector::translated(
        "rfc7757_4_intrinsic_hairpin_u_turn",
        R7757_4,
        "Intrinsic EAM hairpinning: a packet from an EAM node to a pool6 address whose IPv4 image \
         is inside an EAM is translated to IPv4 and back inside the translator, the source now \
         expressed through pool6: 2001:db8:3::8 → 2001:db8:101:0:9:: becomes \
         2001:db8:101:0:8:: → 2001:db8:3::9 (hop limit decremented once).",
        hairpin_in(),
        out6u("2001:db8:101:0:8::", "2001:db8:3::9"),
    ));
    for mode in ["simple", "off"] {
        v.push(
            Vector::translated(
                &format!("rfc7757_4_no_u_turn_unless_intrinsic/{mode}"),
                R7757_4,
                "Only the intrinsic mode U-turns inside the translator; otherwise the IPv4 packet \
                 1.0.0.8 → 1.0.0.9 leaves toward the IPv4 network.",
                hairpin_in(),
                out4u("1.0.0.8", "1.0.0.9"),
            )
            .cfg(Cfg::graybox().set("eam-hairpin-mode", mode)),
        );
    }
    v.push(
        Vector::translated(
            "rfc7757_4_simple_mode_skips_eam_for_ipv4_source",
            R7757_4,
            "Simple EAM hairpinning: every 4→6 translation skips the EAMT for the source, so a \
             packet routed back to the translator carries the pool6 source.",
            u4("1.0.0.8", "1.0.0.9").with(seg()),
            out6u("2001:db8:101:0:8::", "2001:db8:3::9"),
        )
        .cfg(Cfg::graybox().set("eam-hairpin-mode", "simple")),
    );
    for mode in ["intrinsic", "off"] {
        v.push(
            Vector::translated(
                &format!("rfc7757_4_eam_used_for_ipv4_source_unless_simple/{mode}"),
                R7757_4,
                "Outside simple mode, an IPv4 source inside an EAM is translated with the EAM.",
                u4("1.0.0.8", "1.0.0.9").with(seg()),
                out6u("2001:db8:3::8", "2001:db8:3::9"),
            )
            .cfg(Cfg::graybox().set("eam-hairpin-mode", mode)),
        );
    }
}

fn hand_back(v: &mut Vec<Vector>) {
    let deny = Cfg::graybox().deny("198.51.100.2/32").deny("192.0.2.33/32");
    v.push(
        Vector::untranslatable(
            "denylist4_blocks_pool6_ipv6_destination",
            S6,
            "denylist4: IPv4 addresses that must not be reached through pool6 (spec §7.2).",
            u6(N6, N4_6).with(seg()),
            "JSTAT64_DST",
        )
        .cfg(deny.clone()),
    );
    v.push(
        Vector::untranslatable(
            "denylist4_blocks_pool6_ipv4_source",
            S6,
            "denylist4 applies to the IPv4 source of 4→6 packets (spec §7.2).",
            u4(N4, "10.0.0.5").with(seg()),
            "JSTAT46_SRC",
        )
        .cfg(deny.clone()),
    );
    v.push(
        Vector::untranslatable(
            "denylist4_blocks_pool6_ipv4_destination",
            S6,
            "denylist4 applies to the IPv4 destination of 4→6 packets (spec §7.2).",
            u4("10.0.0.5", N6_4).with(seg()),
            "JSTAT46_DST",
        )
        .cfg(deny),
    );
    for (row, dst) in [
        ("multicast", "224.0.0.5"),
        ("loopback", "127.0.0.1"),
        ("own", J4),
        ("broadcast", "255.255.255.255"),
    ] {
        v.push(Vector::untranslatable(
            &format!("rfc7915_4_6_scoped_or_own_ipv4_destination_handed_back/{row}"),
            S46,
            "Only IPv4 destinations representing a host in the IPv6 domain are translated; \
             subnet-scoped and own addresses go to the kernel (spec §7.1).",
            u4(N4, dst).with(seg()),
            "JSTAT46_DST",
        ));
    }
    for (row, src) in [("link_local", "169.254.1.1"), ("zero", "0.0.0.1")] {
        v.push(Vector::untranslatable(
            &format!("rfc7915_4_6_scoped_ipv4_source_handed_back/{row}"),
            S46,
            "Subnet-scoped IPv4 sources are not translated (spec §7.1).",
            u4(src, N6_4).with(seg()),
            "JSTAT46_SRC",
        ));
    }
    for (row, dst) in [
        ("loopback", "2001:db8:17f:0:1::"),
        ("own", "2001:db8:1c6:3364:1::"),
    ] {
        v.push(Vector::untranslatable(
            &format!(
                "rfc7915_5_6_ipv6_destination_with_scoped_or_own_ipv4_image_handed_back/{row}"
            ),
            S56,
            "An IPv6 destination whose IPv4 image is subnet-scoped or the translator's own \
             address is not translated (spec §7.1).",
            u6(N6, dst).with(seg()),
            "JSTAT64_DST",
        ));
    }
    v.push(Vector::untranslatable(
        "rfc7915_5_6_ipv6_loopback_source_handed_back",
        S56,
        "IPv6 source ::1 is never translated (spec §7.1).",
        u6("::1", N4_6).with(seg()),
        "JSTAT64_SRC",
    ));
    v.push(Vector::untranslatable(
        "rfc7915_5_6_unmapped_ipv6_source_handed_back",
        S56,
        "An IPv6 source without EAM or pool6 mapping is not translated (only ICMP error sources \
         fall back to RFC 6791).",
        u6("4000::1", N4_6).with(seg()),
        "JSTAT64_SRC",
    ));
    let no_pool6 = Cfg::graybox().set("pool6", "null");
    v.push(
        Vector::untranslatable(
            "rfc7915_5_6_unmapped_ipv6_destination_handed_back",
            S56,
            "When an IP/ICMP translator receives an IPv6 datagram addressed to an IPv6 address \
             representing a host in the IPv4 domain, the IPv6 packet MUST be translated to IPv4 \
             — others (no EAM, pool6 unset) go to the kernel.",
            u6(N6, N4_6).with(seg()),
            "JSTAT64_DST",
        )
        .cfg(no_pool6.clone()),
    );
    v.push(
        Vector::untranslatable(
            "rfc7915_4_6_unmapped_ipv4_destination_handed_back",
            S46,
            "when an IP/ICMP translator receives an IPv4 datagram addressed to an IPv4 destination \
             representing a host in the IPv6 domain, the packet MUST be translated to IPv6 — \
             others (no EAM, pool6 unset) go to the kernel.",
            u4(N4, N6_4).with(seg()),
            "JSTAT46_DST",
        )
        .cfg(no_pool6),
    );
    let off = Cfg::graybox().set("manually-enabled", "false");
    v.push(
        Vector::untranslatable(
            "manually_disabled_instance_hands_back/ipv6",
            "spec §3",
            "manually-enabled false: every packet is returned to the kernel \
             (JSTAT_XLATOR_DISABLED).",
            u6(N6, N4_6).with(seg()),
            "JSTAT_XLATOR_DISABLED",
        )
        .cfg(off.clone()),
    );
    v.push(
        Vector::untranslatable(
            "manually_disabled_instance_hands_back/ipv4",
            "spec §3",
            "manually-enabled false: every packet is returned to the kernel \
             (JSTAT_XLATOR_DISABLED).",
            u4(N4, N6_4).with(seg()),
            "JSTAT_XLATOR_DISABLED",
        )
        .cfg(off),
    );
}

fn rfc6791(v: &mut Vec<Vector>) {
    // 6→4: an ICMPv6 error from an untranslatable router (graybox 6791v64).
    let inner = V6::new(proto::UDP, N4_6, N6).hop(17).with(seg());
    let inner4 = V4::new(proto::UDP, N4, N6_4)
        .ttl(17)
        .df(false)
        .id(0)
        .with(seg());
    let err_in = V6::new(proto::ICMPV6, "4000::1", N4_6).with(icmp(1, 4, 0, &inner));
    let err_out = |src: &str| {
        V4::new(proto::ICMP, src, N4)
            .ttl(63)
            .df(false)
            .id(0)
            .with(icmp(3, 3, 0, &inner4))
    };
    let s = "If the IPv6 source of an ICMPv6 error is not IPv4-translatable, the translator uses \
             an address of its RFC 6791 pool (rfc6791v4-prefix); without a pool, its own IPv4 \
             address.";
    v.push(
        Vector::translated(
            "rfc6791_2_untranslatable_icmpv6_error_source_uses_pool",
            R6791,
            s,
            err_in.clone(),
            err_out("203.0.113.8"),
        )
        .ignore(IGN_ERR4),
    );
    v.push(
        Vector::translated(
            "rfc6791_2_untranslatable_icmpv6_error_source_without_pool_uses_own_address",
            R6791,
            s,
            err_in.clone(),
            err_out(J4),
        )
        .ignore(IGN_ERR4)
        .cfg(Cfg::graybox().set("rfc6791v4-prefix", "null")),
    );
    v.push(
        Vector::translated(
            "rfc6791_2_pool_address_is_hop_limit_th_when_not_randomized",
            R6791,
            "randomize-rfc6791-addresses false: the (hop limit)-th address of the pool (spec \
             §3): hop limit 64 in 203.0.113.0/24 → 203.0.113.64.",
            err_in.clone(),
            err_out("203.0.113.64"),
        )
        .ignore(IGN_ERR4)
        .cfg(
            Cfg::graybox()
                .set("rfc6791v4-prefix", "203.0.113.0/24")
                .set("randomize-rfc6791-addresses", "false"),
        ),
    );
    v.push(
        Vector::translated(
            "rfc6791_2_pool_address_random_inside_prefix",
            R6791,
            "randomize-rfc6791-addresses true: a random address of the pool (RFC 6791 §4); only \
             the host byte is free.",
            err_in,
            err_out("203.0.113.0"),
        )
        .ignore(&[IGN_ERR4, &[15]].concat())
        .cfg(Cfg::graybox().set("rfc6791v4-prefix", "203.0.113.0/24")),
    );

    // 4→6 (graybox 6791v46): pool6 unset, EAMs only, error from an unmapped IPv4 router.
    let eam_only = Cfg {
        globals: vec![("pool6", "null")],
        eamt: vec![
            ("2001:db8:1c0:2::/120", "192.0.2.0/24"),
            ("2001:db8:1c6:3364::/120", "198.51.100.0/24"),
        ],
        denylist4: Vec::new(),
        force: false,
    };
    let inner = V4::new(proto::UDP, N6_4, N4).ttl(17).df(false).with(seg());
    let inner6 = V6::new(proto::UDP, "2001:db8:1c0:2::21", "2001:db8:1c6:3364::2")
        .hop(17)
        .with(seg());
    let err_in = V4::new(proto::ICMP, "203.0.113.1", N6_4)
        .df(false)
        .with(icmp(3, 3, 0, &inner));
    let err_out = |src: &str| {
        V6::new(proto::ICMPV6, src, "2001:db8:1c0:2::21")
            .hop(63)
            .with(icmp(1, 4, 0, &inner6))
    };
    v.push(
        Vector::translated(
            "rfc6791_2_untranslatable_icmpv4_error_source_uses_v6_pool",
            R6791,
            "rfc6791v6-prefix: source of ICMPv6 errors whose IPv4 source is untranslatable.",
            err_in.clone(),
            err_out("2001:db8:6791::1"),
        )
        .cfg(
            eam_only
                .clone()
                .set("rfc6791v6-prefix", "2001:db8:6791::1/128"),
        ),
    );
    v.push(
        Vector::translated(
            "rfc6791_2_untranslatable_icmpv4_error_source_without_pool_uses_own_address",
            R6791,
            "rfc6791v6-prefix unset ⇒ translator's own address (spec §3).",
            err_in,
            err_out(J6),
        )
        .cfg(eam_only),
    );
    // graybox `h`: ICMPv4 errors from scoped sources are still translated.
    let inner = V4::new(proto::UDP, N6_4, N4).ttl(17).df(false).with(seg());
    let inner6 = V6::new(proto::UDP, N6, N4_6).hop(17).with(seg());
    for (row, src, src6) in [
        ("loopback", "127.0.0.1", "2001:db8:17f:0:1::"),
        ("zero", "0.0.0.0", "2001:db8:100::"),
    ] {
        v.push(Vector::translated(
            &format!("rfc6791_2_icmpv4_error_from_scoped_source_translated/{row}"),
            S6,
            "The scope/own-address check does not apply to ICMP error sources (spec §7.2, \
             graybox h).",
            V4::new(proto::ICMP, src, N6_4)
                .df(false)
                .with(icmp(3, 3, 0, &inner)),
            V6::new(proto::ICMPV6, src6, N6)
                .hop(63)
                .with(icmp(1, 4, 0, &inner6)),
        ));
    }
}
