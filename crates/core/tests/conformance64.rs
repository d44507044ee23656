//! RFC 6146 (stateful NAT64) conformance scenarios, run in-process, with the RFC 6052 and
//! RFC 6056 requirements the NAT64 relies on.
//!
//! ```text
//!   conformance64/vectors.rs + scen_*.rs (scenarios traced to RFC sentences; README.md is
//!        │                                the matrix)
//!        │ Cfg → Nat64Config (globals via `globals::find`, pool4, static BIB)
//!        ▼
//!   step by step on a virtual clock:
//!     packet ─► Nat64::handle(now) ─► verdict + JSTAT, translated bytes, ICMP error
//!     timers ─► Nat64::expire(now) ─► emitted packets (probes, ICMP 3/3, ICMPv6 1/4)
//!     gauges / TCP states / global update
//!        ▼
//!   compare with the expected bytes (conformance/builders.rs, own RFC 1071 code), using the
//!   masks learned from earlier translated packets
//! ```

#[path = "conformance/builders.rs"]
mod builders;
#[path = "conformance64/runner.rs"]
mod runner;
#[path = "conformance64/vectors.rs"]
mod vectors;

use std::rc::Rc;

use vectors::{Action, Expect, Gen, Scenario};

/// Runs the scenarios named `test` or `test/<row>`.
fn run_named(test: &str) {
    let all = vectors::all();
    let mine: Vec<&Scenario> = all
        .iter()
        .filter(|s| {
            s.name == test
                || s.name
                    .strip_prefix(test)
                    .is_some_and(|r| r.starts_with('/'))
        })
        .collect();
    assert!(!mine.is_empty(), "no scenario named {test}");
    let failures: Vec<String> = mine.iter().filter_map(|s| runner::run(s).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        mine.len(),
        failures.join("\n\n")
    );
}

/// The test name of a scenario (its name without the table row).
fn test_of(name: &str) -> &str {
    name.split('/').next().unwrap_or(name)
}

macro_rules! scenario_tests {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        $( $(#[$attr])* #[test] fn $name() { run_named(stringify!($name)); } )*
        const SCENARIO_TESTS: &[&str] = &[$(stringify!($name)),*];
    };
}

scenario_tests! {
    // §3.4
    rfc6146_3_4_only_tcp_udp_and_icmp_are_translated,
    rfc6146_3_4_fragments_reassembled_before_translation,
    rfc6146_3_4_fragments_wait_at_least_fragment_min,
    rfc6146_3_4_ipv4_udp_zero_checksum_computed,
    rfc6146_3_4_ipv4_fragmented_udp_zero_checksum_reassembled_and_computed,
    // §3.5
    rfc6146_3_5_ipv6_source_inside_pool6_dropped,
    rfc6146_3_5_ipv6_destination_outside_pool6_not_translated,
    rfc6146_3_5_ipv4_destination_outside_pool4_not_translated,
    rfc6146_3_5_icmp_errors_do_not_refresh_sessions,
    // §3.5.1
    rfc6146_3_5_1_udp_creates_bib_entry_and_session,
    rfc6146_3_5_1_endpoint_independent_mapping,
    rfc6146_3_5_1_endpoint_independent_filtering_by_default,
    rfc6146_3_5_1_address_dependent_filtering,
    rfc6146_3_5_1_ipv4_packet_without_bib_entry_not_translated,
    rfc6146_3_5_1_udp_session_lifetime_defaults_to_5_minutes,
    rfc6146_3_5_1_udp_session_refreshed_by_ipv6_packets,
    rfc6146_3_5_1_udp_session_refreshed_by_ipv4_packets,
    rfc6146_3_5_1_dynamic_bib_entry_dies_with_its_last_session,
    rfc6146_3_5_1_static_bib_entry_outlives_its_sessions,
    rfc6146_3_5_1_udp_lifetime_configurable,
    // §3.5.1.1, RFC 6056
    rfc6146_3_5_1_1_transport_address_unique_in_bib,
    rfc6146_3_5_1_1_no_free_transport_address_dropped,
    rfc6146_3_5_1_1_paired_address_pooling,
    rfc6056_3_3_3_next_ephemeral_walks_from_the_same_offset,
    rfc6056_f_args_range,
    jool_implicit_pool4_uses_own_address_ports_61001_65535,
    jool_mark_selects_pool4_set,
    // §3.5.2
    rfc6146_3_5_2_2_v6_syn_creates_v6_init,
    rfc6146_3_5_2_2_v6_init_expires_on_transitory_timer,
    rfc6146_3_5_2_2_v6_syn_retry_refreshes_transitory_timer,
    rfc6146_3_5_2_2_v4_syn_moves_v6_init_to_established,
    rfc6146_3_5_2_2_established_refreshed_by_both_sides,
    rfc6146_3_5_2_2_established_timeout_probes_then_trans,
    rfc6146_3_5_2_2_trans_returns_to_established_on_non_rst,
    rfc6146_3_5_2_2_rst_moves_established_to_trans,
    rfc6146_3_5_2_2_rst_in_trans_does_not_refresh,
    rfc6146_3_5_2_2_fin_handshake,
    rfc6146_3_5_2_2_fin_rcv_on_established_lifetime,
    rfc6146_3_5_2_2_both_fins_only_time_out,
    rfc6146_3_5_2_2_rst_during_fin_rcv,
    rfc6146_3_5_2_2_v4_syn_with_bib_entry_creates_v4_init,
    rfc6146_3_5_2_2_v4_init_expires,
    rfc6146_3_5_2_2_unsolicited_v4_syn_stored_then_port_unreachable,
    rfc6146_3_5_2_2_simultaneous_open_takes_the_stored_syn_mask,
    rfc6146_3_5_2_2_simultaneous_open_reaches_established,
    rfc6146_3_5_2_2_stored_syn_retry_dropped,
    rfc6146_3_5_2_2_stored_syn_limit_port_unreachable,
    rfc6146_3_5_2_2_drop_externally_initiated_tcp,
    rfc6146_3_5_2_2_ipv4_non_syn_without_bib_entry_dropped,
    rfc6146_3_5_2_2_ipv6_non_syn_without_bib_entry_dropped,
    rfc6146_3_5_2_2_ipv4_non_syn_with_bib_entry_translated,
    rfc6146_3_5_2_2_ipv6_non_syn_with_bib_entry_translated,
    rfc6146_3_5_2_2_address_dependent_filtering_stores_v4_syn,
    rfc6146_3_5_2_2_address_dependent_filtering_v4_syn_met_by_v6_syn,
    // §3.5.3
    rfc6146_3_5_3_echo_creates_bib_entry_and_session,
    rfc6146_3_5_3_echo_identifier_endpoint_independent,
    rfc6146_3_5_3_icmp_session_lifetime_60_seconds,
    rfc6146_3_5_3_icmp_session_refreshed_both_ways,
    rfc6146_3_5_3_icmpv6_informational_filter,
    rfc6146_3_5_3_icmpv4_query_without_bib_entry_not_translated,
    rfc6146_3_5_3_address_dependent_filtering,
    // §3.5.4 / RFC 6052
    rfc6146_3_5_4_rfc6052_addresses,
    rfc6052_3_1_well_known_prefix_with_non_global_ipv4,
    // §3.6, §3.7
    rfc6146_3_6_icmpv4_error_translated_through_inner_session,
    rfc6146_3_6_icmpv4_error_source_is_session_remote,
    rfc6146_3_6_icmpv6_error_translated_through_inner_session,
    rfc6146_3_6_2_icmp_error_about_a_query,
    rfc6146_3_6_icmp_error_without_session_not_translated,
    rfc6146_3_7_tcp_translated_with_outgoing_tuple,
    rfc6146_3_7_hop_limit_exhausted,
    rfc6146_3_7_path_mtu_errors_translated_through_session,
    // §3.8
    rfc6146_3_8_udp_hairpinning,
    rfc6146_3_8_icmp_query_hairpinned_to_the_identifier_owner,
    rfc6146_3_8_hairpinned_packet_without_bib_entry_dropped,
    rfc6146_3_8_hairpinned_syn_stored_then_icmpv6_port_unreachable,
    // §4
    rfc6146_4_udp_timeout_minimum,
    rfc6146_4_tcp_trans_timeout_minimum,
    rfc6146_4_tcp_est_timeout_minimum,
    rfc6146_4_icmp_timeout_configurable,
}

#[test]
fn every_scenario_has_its_own_test() {
    let all = vectors::all();
    let missing: Vec<&str> = all
        .iter()
        .map(|s| test_of(&s.name))
        .filter(|t| !SCENARIO_TESTS.contains(t))
        .collect();
    assert!(missing.is_empty(), "scenarios without a test: {missing:?}");
}

#[test]
fn readme_traces_every_scenario_test() {
    let readme = include_str!("conformance64/README.md");
    let missing: Vec<&&str> = SCENARIO_TESTS
        .iter()
        .filter(|t| !readme.contains(&format!("`{t}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not cite: {missing:?}");
}

#[test]
fn scenario_names_are_unique() {
    let all = vectors::all();
    let mut names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate scenario names");
}

/// A generator whose bytes differ from `g`'s at the last offset not in `ignore`.
fn flipped(g: &Gen, ignore: &[usize]) -> Gen {
    let g = g.clone();
    let ignore = ignore.to_vec();
    Rc::new(move |v| {
        let mut b = g(v);
        let i = (0..b.len())
            .rev()
            .find(|i| !ignore.contains(i))
            .unwrap_or(0);
        match b.get_mut(i) {
            Some(x) => *x ^= 0x01,
            None => b.push(0),
        }
        b
    })
}

/// Breaks the last expectation of `s` that carries bytes (or, failing that, its last
/// verdict / gauge / state / global expectation).
fn broken(s: &Scenario) -> Scenario {
    let mut bad = s.clone();
    for step in bad.steps.iter_mut().rev() {
        match &mut step.action {
            Action::Packet(p) if p.output.is_some() || p.reply.is_some() => {
                match (&p.output, &p.reply) {
                    (_, Some(r)) => p.reply = Some(flipped(r, &p.reply_ignore)),
                    (Some(o), None) => p.output = Some(flipped(o, &p.ignore)),
                    (None, None) => {}
                }
                return bad;
            }
            Action::Expire(emitted) if !emitted.is_empty() => {
                let last = emitted.len() - 1;
                let (g, ign) = emitted[last].clone();
                emitted[last] = (flipped(&g, &ign), ign);
                return bad;
            }
            _ => {}
        }
    }
    let Some(step) = bad.steps.last_mut() else {
        return bad;
    };
    match &mut step.action {
        Action::Packet(p) => {
            p.expect = match p.expect {
                Expect::Translated => Expect::Dropped("JSTAT_UNKNOWN"),
                _ => Expect::Translated,
            }
        }
        Action::Expire(e) => e.push((vectors::fixed(vec![0x60]), Vec::new())),
        Action::Gauges { bib, .. } => *bib += 1,
        Action::TcpStates(s) => s.push("CLOSED"),
        Action::Global(_, _, ok) => *ok = !*ok,
        Action::Check(_, f) => {
            let g = f.clone();
            *f = Rc::new(move |v| !g(v));
        }
    }
    bad
}

#[test]
fn runner_detects_wrong_bytes_verdicts_and_state() {
    let all = vectors::all();
    let mut checked = 0;
    for s in &all {
        assert!(runner::run(&broken(s)).is_err(), "{} cannot fail", s.name);
        checked += 1;
    }
    assert_eq!(checked, all.len());
}

#[test]
fn counts_scenarios() {
    // Keeps the README's totals honest.
    assert_eq!(vectors::all().len(), SCENARIO_COUNT);
    assert_eq!(SCENARIO_TESTS.len(), TEST_COUNT);
    let packets = vectors::all()
        .iter()
        .flat_map(|s| s.steps.iter())
        .filter(|st| matches!(st.action, Action::Packet(_)))
        .count();
    assert_eq!(packets, PACKET_COUNT);
}
/// Number of scenarios (README.md quotes it).
const SCENARIO_COUNT: usize = 96;
/// Number of scenario tests (README.md quotes it).
const TEST_COUNT: usize = 79;
/// Number of packets the scenarios send (README.md quotes it).
const PACKET_COUNT: usize = 214;
