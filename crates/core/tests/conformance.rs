//! RFC conformance vectors (RFC 7915, 6052, 7757, 6791), run in-process.
//!
//! ```text
//!   conformance/vectors.rs (data, traced to RFC sentences; README.md is the matrix)
//!        │ Cfg → SiitConfig, HostSpec → StaticHost
//!        ▼
//!   Siit::handle(input) ──► verdict + JSTAT, translated bytes, originated ICMP error
//!        ▼
//!   compare with the expected bytes (built from the RFC rules by conformance/builders.rs)
//! ```
//! The same vectors run through `jool-translate` in `crates/cli/tests/conformance_pcap.rs`.

#[path = "conformance/builders.rs"]
mod builders;
#[path = "conformance/vectors.rs"]
mod vectors;

use jool_core::config::XlatorType;
use jool_core::{globals, PacketBuf, Siit, SiitConfig, StaticHost, Stats, Verdict};
use vectors::{Cfg, Expect, HostSpec, Vector};

/// The `SiitConfig` a vector's configuration describes (same validation as `global update`).
fn config(cfg: &Cfg) -> SiitConfig {
    let mut c = SiitConfig::default();
    for (key, value) in &cfg.globals {
        let def = globals::find(key, XlatorType::Siit).unwrap_or_else(|| panic!("key {key}"));
        let parsed = def
            .parse(value)
            .unwrap_or_else(|e| panic!("{key}={value}: {e}"));
        def.set(&mut c.globals, parsed, cfg.force)
            .unwrap_or_else(|e| panic!("{key}={value}: {e}"));
    }
    for (p6, p4) in &cfg.eamt {
        c.eamt
            .add(
                p6.parse().expect("prefix6"),
                p4.parse().expect("prefix4"),
                cfg.force,
            )
            .unwrap_or_else(|e| panic!("EAM {p6} {p4}: {e}"));
    }
    for p4 in &cfg.denylist4 {
        c.denylist4
            .add(p4.parse().expect("prefix4"), cfg.force)
            .unwrap_or_else(|e| panic!("denylist4 {p4}: {e}"));
    }
    c
}

fn host(h: &HostSpec) -> StaticHost {
    StaticHost {
        local4: h.local4.iter().map(|a| a.parse().expect("addr4")).collect(),
        local6: h.local6.iter().map(|a| a.parse().expect("addr6")).collect(),
        mtu4: h.mtu4,
        mtu6: h.mtu6,
        ..StaticHost::default()
    }
}

/// Runs one vector; `Err` describes every mismatch.
fn run(v: &Vector) -> Result<(), String> {
    let siit = Siit::new(config(&v.cfg));
    let mut host = host(&v.host);
    let mut stats = Stats::default();
    let mut pkt = PacketBuf::new();
    pkt.load(&v.input);
    let mut reply = PacketBuf::new();
    let verdict = siit.handle(&mut host, &mut stats, &mut pkt, &mut reply);
    let mut errors = Vec::new();
    let got = (verdict.word(), verdict.stat().name());
    if got != (v.expect.word(), v.expect.jstat()) {
        errors.push(format!(
            "verdict: got {} {} want {} {}",
            got.0,
            got.1,
            v.expect.word(),
            v.expect.jstat()
        ));
    }
    match (v.expect, &v.output) {
        (Expect::Translated, Some(want)) if matches!(verdict, Verdict::Translated) => {
            if let Err(e) = builders::compare("output", pkt.bytes(), want, &v.ignore) {
                errors.push(e);
            }
        }
        (Expect::Untranslatable(_), _) if pkt.bytes() != v.input.as_slice() => {
            errors.push("untranslatable packet was modified".into());
        }
        _ => {}
    }
    match &v.reply {
        Some(want) => {
            if let Err(e) = builders::compare("ICMP error", reply.bytes(), want, &v.reply_ignore) {
                errors.push(e);
            }
        }
        None if !reply.is_empty() => errors.push(format!(
            "unexpected ICMP error: {}",
            builders::hex(reply.bytes())
        )),
        None => {}
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "{} ({}: {})\n  input: {}\n  {}",
            v.name,
            v.rfc,
            v.sentence,
            builders::hex(&v.input),
            errors.join("\n  ")
        )),
    }
}

/// Runs the vectors named `test` or `test/<row>`.
fn run_named(test: &str) {
    let all = vectors::all();
    let mine: Vec<&Vector> = all
        .iter()
        .filter(|v| {
            v.name == test
                || v.name
                    .strip_prefix(test)
                    .is_some_and(|r| r.starts_with('/'))
        })
        .collect();
    assert!(!mine.is_empty(), "no vector named {test}");
    let failures: Vec<String> = mine.iter().filter_map(|v| run(v).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        mine.len(),
        failures.join("\n\n")
    );
}

/// The test name of a vector (its name without the table row).
fn test_of(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

macro_rules! vector_tests {
    ($($name:ident),* $(,)?) => {
        $( #[test] fn $name() { run_named(stringify!($name)); } )*
        const VECTOR_TESTS: &[&str] = &[$(stringify!($name)),*];
    };
}

vector_tests! {
    denylist4_blocks_pool6_ipv4_destination,
    denylist4_blocks_pool6_ipv4_source,
    denylist4_blocks_pool6_ipv6_destination,
    manually_disabled_instance_hands_back,
    rfc6052_2_2_prefix_lengths_4to6,
    rfc6052_2_2_prefix_lengths_6to4,
    rfc6791_2_icmpv4_error_from_scoped_source_translated,
    rfc6791_2_pool_address_is_hop_limit_th_when_not_randomized,
    rfc6791_2_pool_address_random_inside_prefix,
    rfc6791_2_untranslatable_icmpv4_error_source_uses_v6_pool,
    rfc6791_2_untranslatable_icmpv4_error_source_without_pool_uses_own_address,
    rfc6791_2_untranslatable_icmpv6_error_source_uses_pool,
    rfc6791_2_untranslatable_icmpv6_error_source_without_pool_uses_own_address,
    rfc7757_3_denylist4_does_not_apply_to_eam,
    rfc7757_3_eam_takes_precedence_over_pool6,
    rfc7757_3_eam_translates_ipv4_destination,
    rfc7757_3_eam_translates_ipv6_source,
    rfc7757_3_longest_prefix_match,
    rfc7757_4_eam_used_for_ipv4_source_unless_simple,
    rfc7757_4_intrinsic_hairpin_u_turn,
    rfc7757_4_no_u_turn_unless_intrinsic,
    rfc7757_4_simple_mode_skips_eam_for_ipv4_source,
    rfc7915_4_1_df_clear_above_lowest_ipv6_mtu_left_to_kernel,
    rfc7915_4_1_df_clear_unfragmented_gets_no_fragment_header,
    rfc7915_4_1_df_set_fits_next_hop_mtu_exactly,
    rfc7915_4_1_df_set_too_big_fragmentation_needed,
    rfc7915_4_1_expired_source_route_translated,
    rfc7915_4_1_first_fragment_gets_fragment_header,
    rfc7915_4_1_fragmented_icmp_dropped,
    rfc7915_4_1_ipv6_next_hop_mtu_below_1280_dropped,
    rfc7915_4_1_last_fragment_mf_clear,
    rfc7915_4_1_middle_fragment_offset_and_mf_copied,
    rfc7915_4_1_options_ignored,
    rfc7915_4_1_record_route_option_ignored,
    rfc7915_4_1_traffic_class_copied_from_tos,
    rfc7915_4_1_translates_udp_header_fields,
    rfc7915_4_1_ttl_0_time_exceeded,
    rfc7915_4_1_ttl_1_time_exceeded,
    rfc7915_4_1_ttl_decremented,
    rfc7915_4_1_unexpired_lsrr_source_route_failed,
    rfc7915_4_1_unexpired_ssrr_source_route_failed,
    rfc7915_4_1_unknown_protocol_copied,
    rfc7915_4_1_zeroize_traffic_class,
    rfc7915_4_2_destination_unreachable_codes,
    rfc7915_4_2_echo_reply_becomes_129,
    rfc7915_4_2_echo_request_becomes_128,
    rfc7915_4_2_echo_wrong_checksum_stays_equivalently_wrong,
    rfc7915_4_2_fragmentation_needed_capped_by_ipv6_next_hop_mtu,
    rfc7915_4_2_fragmentation_needed_mtu_plus_20,
    rfc7915_4_2_fragmentation_needed_never_below_1280,
    rfc7915_4_2_fragmentation_needed_zero_mtu_custom_plateaus,
    rfc7915_4_2_fragmentation_needed_zero_mtu_plateau_floor_1280,
    rfc7915_4_2_fragmentation_needed_zero_mtu_uses_plateau,
    rfc7915_4_2_obsolete_and_single_hop_errors_dropped,
    rfc7915_4_2_obsolete_single_hop_and_unknown_queries_dropped,
    rfc7915_4_2_parameter_problem_bad_length,
    rfc7915_4_2_parameter_problem_other_codes_dropped,
    rfc7915_4_2_parameter_problem_pointer_figure_3,
    rfc7915_4_2_rfc4884_extension_length_adjusted,
    rfc7915_4_2_time_exceeded_code_unchanged,
    rfc7915_4_3_icmp_error_inside_icmp_error_dropped,
    rfc7915_4_3_icmp_error_with_bad_checksum_dropped,
    rfc7915_4_3_inner_icmp_echo_translated,
    rfc7915_4_3_inner_ttl_not_decremented,
    rfc7915_4_3_translated_icmpv6_error_truncated_to_1280,
    rfc7915_4_4_no_icmp_error_about_an_icmp_error,
    rfc7915_4_5_fragmented_udp_zero_checksum_dropped,
    rfc7915_4_5_tcp_checksum_updated,
    rfc7915_4_5_tcp_wrong_checksum_stays_equivalently_wrong,
    rfc7915_4_5_udp_wrong_checksum_stays_equivalently_wrong,
    rfc7915_4_5_udp_zero_checksum_amended,
    rfc7915_4_5_udp_zero_checksum_dropped_when_not_amending,
    rfc7915_4_6_scoped_ipv4_source_handed_back,
    rfc7915_4_6_scoped_or_own_ipv4_destination_handed_back,
    rfc7915_4_6_unmapped_ipv4_destination_handed_back,
    rfc7915_5_1_1_atomic_fragment_id_copied,
    rfc7915_5_1_1_extension_header_after_fragment_dropped,
    rfc7915_5_1_1_first_fragment_fields,
    rfc7915_5_1_1_fragmented_icmpv6_dropped,
    rfc7915_5_1_1_large_fragment_df_clear,
    rfc7915_5_1_1_last_fragment_fields,
    rfc7915_5_1_1_middle_fragment_fields,
    rfc7915_5_1_1_two_fragment_headers_dropped,
    rfc7915_5_1_df_clear_at_1260,
    rfc7915_5_1_df_packet_fits_ipv4_mtu_exactly,
    rfc7915_5_1_df_packet_too_big_for_ipv4_mtu,
    rfc7915_5_1_df_set_above_1260,
    rfc7915_5_1_extension_headers_skipped,
    rfc7915_5_1_flow_label_dropped,
    rfc7915_5_1_hop_limit_0_time_exceeded,
    rfc7915_5_1_hop_limit_1_time_exceeded,
    rfc7915_5_1_hop_limit_decremented,
    rfc7915_5_1_no_next_header_copied,
    rfc7915_5_1_override_tos,
    rfc7915_5_1_segments_left_after_hop_by_hop_parameter_problem,
    rfc7915_5_1_segments_left_parameter_problem,
    rfc7915_5_1_tos_copied_from_traffic_class,
    rfc7915_5_1_translates_udp_header_fields,
    rfc7915_5_1_unknown_protocol_copied,
    rfc7915_5_2_destination_unreachable_codes,
    rfc7915_5_2_echo_reply_becomes_0,
    rfc7915_5_2_echo_request_becomes_8,
    rfc7915_5_2_echo_wrong_checksum_stays_equivalently_wrong,
    rfc7915_5_2_mld_nd_and_unknown_informational_dropped,
    rfc7915_5_2_other_errors_dropped,
    rfc7915_5_2_packet_too_big_capped_by_ipv4_next_hop_mtu,
    rfc7915_5_2_packet_too_big_capped_by_ipv6_mtu_minus_20,
    rfc7915_5_2_packet_too_big_huge_mtu_clamped,
    rfc7915_5_2_packet_too_big_mtu_minus_20,
    rfc7915_5_2_parameter_problem_pointer_figure_6,
    rfc7915_5_2_rfc4884_extension_length_adjusted,
    rfc7915_5_2_time_exceeded_code_unchanged,
    rfc7915_5_2_unrecognized_next_header_becomes_protocol_unreachable,
    rfc7915_5_3_icmp_error_inside_icmp_error_dropped,
    rfc7915_5_3_icmp_error_with_bad_checksum_dropped,
    rfc7915_5_3_inner_hop_limit_not_decremented,
    rfc7915_5_3_inner_icmp_echo_translated,
    rfc7915_5_3_translated_icmpv4_error_truncated_to_576,
    rfc7915_5_4_no_icmp_error_about_an_icmpv6_error,
    rfc7915_5_5_tcp_checksum_updated,
    rfc7915_5_5_tcp_wrong_checksum_stays_equivalently_wrong,
    rfc7915_5_5_udp_wrong_checksum_stays_equivalently_wrong,
    rfc7915_5_6_ipv6_destination_with_scoped_or_own_ipv4_image_handed_back,
    rfc7915_5_6_ipv6_loopback_source_handed_back,
    rfc7915_5_6_unmapped_ipv6_destination_handed_back,
    rfc7915_5_6_unmapped_ipv6_source_handed_back,
}

#[test]
fn every_vector_has_its_own_test() {
    let all = vectors::all();
    let missing: Vec<&str> = all
        .iter()
        .map(|v| test_of(&v.name))
        .filter(|t| !VECTOR_TESTS.contains(t))
        .collect();
    assert!(missing.is_empty(), "vectors without a test: {missing:?}");
}

#[test]
fn readme_traces_every_vector_test() {
    let readme = include_str!("conformance/README.md");
    let missing: Vec<&&str> = VECTOR_TESTS
        .iter()
        .filter(|t| !readme.contains(&format!("`{t}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not cite: {missing:?}");
}

#[test]
fn vector_names_are_unique() {
    let all = vectors::all();
    let mut names: Vec<&str> = all.iter().map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate vector names");
}

#[test]
fn runner_detects_wrong_bytes_verdicts_and_missing_errors() {
    let all = vectors::all();
    let mut checked = 0;
    for v in &all {
        let mut bad = v.clone();
        match (&mut bad.output, &mut bad.reply) {
            (Some(out), _) => {
                // Flip a compared byte of the expected output.
                let i = (0..out.len())
                    .rev()
                    .find(|i| !bad.ignore.contains(i))
                    .unwrap_or(0);
                out[i] ^= 0x01;
            }
            (None, Some(reply)) => {
                let i = (0..reply.len())
                    .rev()
                    .find(|i| !bad.reply_ignore.contains(i))
                    .unwrap_or(0);
                reply[i] ^= 0x01;
            }
            (None, None) => {
                bad.expect = Expect::Translated;
            }
        }
        assert!(run(&bad).is_err(), "{} cannot fail", v.name);
        checked += 1;
    }
    assert_eq!(checked, all.len());
}

#[test]
fn counts_vectors() {
    // Keeps the README's totals honest.
    assert_eq!(vectors::all().len(), VECTOR_COUNT);
}
/// Number of vectors (README.md quotes it).
const VECTOR_COUNT: usize = 224;
