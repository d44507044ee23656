//! Jool's atomic-configuration files (spec §4.1): the examples are accepted, and every class
//! of malformed file is rejected with Jool's message.

use jool_core::config::{Framework, XlatorType};
use jool_core::globals::EamHairpinMode;
use jool_ctl::json::{
    parse_atomic_config, parse_atomic_config_with, AtomicConfig, MaxIterations, ParseOptions,
    Pool4Entry, Proto, StaticBibEntry,
};
use std::net::Ipv4Addr;

const SIIT: XlatorType = XlatorType::Siit;
const NAT64: XlatorType = XlatorType::Nat64;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn ok(text: &str, xt: XlatorType) -> AtomicConfig {
    parse_atomic_config(text, xt, false).unwrap_or_else(|e| panic!("rejected: {e}\n{text}"))
}

fn err(text: &str, xt: XlatorType) -> String {
    match parse_atomic_config(text, xt, false) {
        Ok(c) => panic!("accepted: {c:?}\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// A SIIT file with the given extra root members.
fn siit(extra: &str) -> String {
    format!(r#"{{"instance": "a", "framework": "netfilter", {extra}}}"#)
}

/// A NAT64 file with pool6 and the given extra root members.
fn nat64(extra: &str) -> String {
    format!(
        r#"{{"instance": "a", "framework": "netfilter", "global": {{"pool6": "64:ff9b::/96"}}, {extra}}}"#
    )
}

// ---- the examples of spec §4.1 ----

#[test]
fn accepts_minimal_siit_file() {
    let c = ok(&data("siit-minimal.json"), SIIT);
    assert_eq!(c.instance, "siit-minimal");
    assert_eq!(c.framework, Framework::Netfilter);
    assert_eq!(c.globals, Default::default());
    assert!(c.eamt.is_empty() && c.denylist4.is_empty() && c.pool4.is_empty() && c.bib.is_empty());
    assert_eq!(c.pool6(), None);
}

#[test]
fn accepts_minimal_nat64_file() {
    let c = ok(&data("nat64-minimal.json"), NAT64);
    assert_eq!(c.instance, "nat64-minimal");
    assert_eq!(c.pool6(), Some("64:ff9b::/96".parse().unwrap()));
}

#[test]
fn accepts_full_nat64_example() {
    let c = ok(&data("nat64-full.json"), NAT64);
    assert_eq!(c.instance, "sample-nat64");
    assert_eq!(c.pool6(), Some("64:ff9b::/96".parse().unwrap()));
    assert_eq!(c.globals.f_args, 11);
    assert_eq!(c.globals.tcp_est_timeout, 2 * 3600 * 1000);
    assert_eq!(c.globals.udp_timeout, 5 * 60 * 1000);
    assert_eq!(c.globals.ss_flush_deadline, 2000);
    assert_eq!(
        c.pool4,
        vec![
            Pool4Entry {
                protocol: Proto::Tcp,
                prefix: "192.0.2.1/32".parse().unwrap(),
                mark: 0,
                ports: (61001, 65535),
                max_iterations: MaxIterations::Auto,
            },
            Pool4Entry {
                protocol: Proto::Udp,
                prefix: "192.0.2.1/32".parse().unwrap(),
                mark: 0,
                ports: (61001, 62000),
                max_iterations: MaxIterations::Fixed(1500),
            },
        ]
    );
    assert_eq!(
        c.bib,
        vec![StaticBibEntry {
            protocol: Proto::Tcp,
            addr6: ("2001:db8::1".parse().unwrap(), 80),
            addr4: (Ipv4Addr::new(192, 0, 2, 1), 80),
        }]
    );
}

#[test]
fn accepts_full_siit_example_and_builds_its_tables() {
    let c = ok(&data("siit-full.json"), SIIT);
    assert_eq!(c.instance, "sample-siit");
    assert_eq!(c.globals.eam_hairpin_mode, EamHairpinMode::Intrinsic);
    assert_eq!(c.globals.rfc6791v4_prefix, None);
    assert_eq!(
        c.eamt,
        vec![(
            "2001:db8:1::/128".parse().unwrap(),
            "192.0.2.0/32".parse().unwrap()
        )]
    );
    assert_eq!(
        c.denylist4,
        vec![
            "198.51.100.0/32".parse().unwrap(),
            "198.51.100.32/27".parse().unwrap()
        ]
    );
    let siit = c.siit_config(false).unwrap();
    assert_eq!(siit.globals.pool6, Some("64:ff9b::/96".parse().unwrap()));
    assert_eq!(
        siit.eamt.translate_6to4("2001:db8:1::".parse().unwrap()),
        Some(Ipv4Addr::new(192, 0, 2, 0))
    );
    assert!(siit.denylist4.contains(Ipv4Addr::new(198, 51, 100, 40)));
    assert!(!siit.denylist4.contains(Ipv4Addr::new(198, 51, 100, 1)));
}

#[test]
fn sets_globals_of_every_json_type() {
    let c = ok(
        &siit(
            r#""global": {"manually-enabled": false, "tos": 7, "lowest-ipv6-mtu": 1400,
               "mtu-plateaus": [1000, 2000, 0], "eam-hairpin-mode": "simple",
               "rfc6791v4-prefix": "203.0.113.0/24", "rfc6791v6-prefix": "2001:db8:6791::/96",
               "pool6": null}"#,
        ),
        SIIT,
    );
    let g = &c.globals;
    assert!(!g.manually_enabled);
    assert_eq!(g.tos, 7);
    assert_eq!(g.lowest_ipv6_mtu, 1400);
    assert_eq!(g.mtu_plateaus, vec![2000, 1000]);
    assert_eq!(g.eam_hairpin_mode, EamHairpinMode::Simple);
    assert_eq!(g.rfc6791v4_prefix, Some("203.0.113.0/24".parse().unwrap()));
    assert_eq!(
        g.rfc6791v6_prefix,
        Some("2001:db8:6791::/96".parse().unwrap())
    );
    assert_eq!(g.pool6, None);
}

#[test]
fn accepts_denylist4_and_blacklist4_together() {
    let c = ok(
        &siit(r#""blacklist4": ["192.0.2.0/24"], "denylist4": ["198.51.100.0/24"]"#),
        SIIT,
    );
    assert_eq!(c.denylist4.len(), 2);
}

#[test]
fn accepts_comments_in_every_object() {
    let c = ok(
        r#"{"comment": 1, "COMMENT": {"nested": [1, 2]}, "instance": "a", "framework": "iptables",
            "global": {"comment": null, "pool6": "64:ff9b::/96", "Comment": "x"},
            "eamt": [{"comment": [], "ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "192.0.2.0/24"}],
            "denylist4": []}"#,
        SIIT,
    );
    assert_eq!(c.framework, Framework::Iptables);
    assert_eq!(c.eamt.len(), 1);
    let c = ok(
        &nat64(
            r#""pool4": [{"comment": "x", "protocol": "icmp", "prefix": "192.0.2.1", "port range": "100",
                "max-iterations": "infinity", "mark": 42}],
               "bib": [{"comment": true, "protocol": "udp", "ipv6 address": "2001:db8::2#53",
                "ipv4 address": "192.0.2.1#5353"}]"#,
        ),
        NAT64,
    );
    assert_eq!(c.pool4[0].protocol, Proto::Icmp);
    assert_eq!(c.pool4[0].ports, (100, 100));
    assert_eq!(c.pool4[0].mark, 42);
    assert_eq!(c.pool4[0].max_iterations, MaxIterations::Infinity);
    assert_eq!(c.bib[0].addr4, (Ipv4Addr::new(192, 0, 2, 1), 5353));
}

#[test]
fn matches_tags_case_insensitively() {
    let c = ok(
        r#"{"INSTANCE": "a", "Framework": "netfilter", "Global": {"POOL6": "64:ff9b::/96"}}"#,
        SIIT,
    );
    assert_eq!(c.pool6(), Some("64:ff9b::/96".parse().unwrap()));
}

#[test]
fn makes_instance_and_framework_optional_on_request() {
    let options = ParseOptions {
        require_instance: false,
        require_framework: false,
        force: false,
    };
    let c = parse_atomic_config_with(r#"{"global": {"pool6": "64:ff9b::/96"}}"#, SIIT, options)
        .unwrap();
    assert_eq!(c.instance, "default");
    assert_eq!(c.framework, Framework::Netfilter);
    assert_eq!(c.pool6(), Some("64:ff9b::/96".parse().unwrap()));
}

#[test]
fn parses_nat64_file_without_pool6() {
    let c = ok(r#"{"instance": "a", "framework": "netfilter"}"#, NAT64);
    assert_eq!(c.pool6(), None);
}

// ---- malformed files ----

#[test]
fn rejects_unknown_tag() {
    assert_eq!(err(&siit(r#""foo": 1"#), SIIT), "Unknown tag: 'foo'");
    assert_eq!(
        err(&siit(r#""global": {"Bogus-Key": true}"#), SIIT),
        "Unknown tag: 'Bogus-Key'"
    );
    assert_eq!(
        err(
            &siit(r#""eamt": [{"ipv6 prefix": "::/128", "ipv4 prefix": "0.0.0.0", "x": 1}]"#),
            SIIT
        ),
        "Unknown tag: 'x'"
    );
}

#[test]
fn rejects_tags_of_the_other_translator_type() {
    assert_eq!(err(&siit(r#""pool4": []"#), SIIT), "Unknown tag: 'pool4'");
    assert_eq!(err(&siit(r#""bib": []"#), SIIT), "Unknown tag: 'bib'");
    assert_eq!(err(&nat64(r#""eamt": []"#), NAT64), "Unknown tag: 'eamt'");
    assert_eq!(
        err(&nat64(r#""denylist4": []"#), NAT64),
        "Unknown tag: 'denylist4'"
    );
    assert_eq!(
        err(&siit(r#""global": {"f-args": 3}"#), SIIT),
        "Unknown tag: 'f-args'"
    );
    assert_eq!(
        err(
            r#"{"instance": "a", "framework": "netfilter", "global": {"eam-hairpin-mode": "off"}}"#,
            NAT64
        ),
        "Unknown tag: 'eam-hairpin-mode'"
    );
}

#[test]
fn rejects_duplicate_tags_even_with_different_case() {
    assert_eq!(
        err(
            r#"{"instance": "a", "framework": "netfilter", "instance": "a"}"#,
            SIIT
        ),
        "Multiple 'instance' tags found. Aborting..."
    );
    assert_eq!(
        err(
            r#"{"Instance": "a", "framework": "netfilter", "INSTANCE": "b"}"#,
            SIIT
        ),
        "Multiple 'instance' tags found. Aborting..."
    );
    assert_eq!(
        err(&siit(r#""global": {"tos": 1, "TOS": 2}"#), SIIT),
        "Multiple 'tos' tags found. Aborting..."
    );
    assert_eq!(
        err(&siit(r#""eamt": [], "EAMT": []"#), SIIT),
        "Multiple 'eamt' tags found. Aborting..."
    );
    assert_eq!(
        err(
            &nat64(r#""pool4": [{"protocol": "TCP", "Protocol": "UDP", "prefix": "192.0.2.1"}]"#),
            NAT64
        ),
        "Multiple 'protocol' tags found. Aborting..."
    );
}

#[test]
fn rejects_values_of_the_wrong_json_type() {
    let g = |body: &str| err(&siit(&format!(r#""global": {{{body}}}"#)), SIIT);
    assert_eq!(
        g(r#""manually-enabled": "yes""#),
        "The 'manually-enabled' element 'yes' is not a valid boolean."
    );
    assert_eq!(
        g(r#""tos": -1"#),
        "The 'tos' element '-1' is not a valid unsigned integer."
    );
    assert_eq!(
        g(r#""tos": 1.5"#),
        "The 'tos' element '1.500000' is not a valid unsigned integer."
    );
    assert_eq!(
        g(r#""lowest-ipv6-mtu": "1280""#),
        "The 'lowest-ipv6-mtu' element '1280' is not a valid unsigned integer."
    );
    assert_eq!(
        g(r#""pool6": 5"#),
        "The 'pool6' element '5' is not a valid string."
    );
    assert_eq!(
        g(r#""mtu-plateaus": 5"#),
        "The 'mtu-plateaus' element '5' is not a valid Array."
    );
    assert_eq!(
        g(r#""mtu-plateaus": [1, true]"#),
        "The 'mtu-plateaus' element 'true' is not a valid unsigned integer."
    );
    assert_eq!(
        g(r#""eam-hairpin-mode": ["x"]"#),
        "The 'eam-hairpin-mode' element appears to be an array, not a 'string'."
    );
    assert_eq!(
        err(&siit(r#""global": []"#), SIIT),
        "The 'global' element appears to be an array, not a 'Object'."
    );
    assert_eq!(
        err(&siit(r#""eamt": {}"#), SIIT),
        "The 'eamt' element appears to be an object, not a 'Array'."
    );
    assert_eq!(
        err(&siit(r#""denylist4": [7]"#), SIIT),
        "The 'blacklist entry' element '7' is not a valid String."
    );
    assert_eq!(
        err(r#"{"instance": 3, "framework": "netfilter"}"#, SIIT),
        "The 'instance' element '3' is not a valid String."
    );
    assert_eq!(
        err("[1, 2]", SIIT),
        "The '<unnamed>' element appears to be an array, not a 'Object'."
    );
}

#[test]
fn rejects_out_of_range_numbers() {
    assert_eq!(
        err(&siit(r#""global": {"tos": 256}"#), SIIT),
        "tos 256 is out of range (0-255)."
    );
    assert_eq!(
        err(&siit(r#""global": {"mtu-plateaus": [70000]}"#), SIIT),
        "mtu-plateaus 70000 is out of range (0-65535)."
    );
    assert_eq!(
        err(
            &nat64(r#""pool4": [{"protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": 0}]"#),
            NAT64
        ),
        "max-iterations 0 is out of range (1-4294967295)."
    );
}

#[test]
fn reports_syntax_errors_with_the_rest_of_the_input() {
    assert_eq!(
        err("{\"instance\": \"a\",\n \"framework\" \"netfilter\"}", SIIT),
        "The JSON parser got confused around the beginning of this string:\n\"netfilter\"}"
    );
    assert_eq!(
        err("{\"instance\": \"a\", \"framework\": \"netfilter\",}", SIIT),
        "The JSON parser got confused around the beginning of this string:\n}"
    );
    assert_eq!(
        err("{\"instance\": \"a\"", SIIT),
        "The JSON parser got confused around the beginning of this string:\n"
    );
}

#[test]
fn rejects_file_without_instance() {
    assert_eq!(
        err(r#"{"framework": "netfilter"}"#, SIIT),
        "Object 'root' is missing the 'instance' child."
    );
    assert_eq!(
        err(r#"{"framework": "netfilter"}"#, NAT64),
        "Object 'root' is missing the 'instance' child."
    );
}

#[test]
fn rejects_file_without_framework() {
    assert_eq!(
        err(r#"{"instance": "a"}"#, SIIT),
        "Object '<unnamed>' is missing the 'framework' child."
    );
}

#[test]
fn rejects_unknown_framework() {
    assert_eq!(
        err(r#"{"instance": "a", "framework": "nftables"}"#, SIIT),
        "Unknown framework: 'nftables'"
    );
    assert_eq!(
        err(r#"{"instance": "a", "framework": "Netfilter"}"#, SIIT),
        "Unknown framework: 'Netfilter'"
    );
}

#[test]
fn rejects_instance_name_longer_than_15() {
    assert_eq!(
        err(
            r#"{"instance": "0123456789abcdef", "framework": "netfilter"}"#,
            SIIT
        ),
        "The instance name must be a null-terminated ascii string, 15 characters max."
    );
    ok(
        r#"{"instance": "0123456789abcde", "framework": "netfilter"}"#,
        SIIT,
    );
}

#[test]
fn rejects_bad_prefixes() {
    assert_eq!(
        err(
            &siit(r#""eamt": [{"ipv6 prefix": "2001:db8::/128", "ipv4 prefix": "192.0.2.300"}]"#),
            SIIT
        ),
        "Cannot parse '192.0.2.300' as an IPv4 address."
    );
    assert_eq!(
        err(&siit(r#""denylist4": ["192.0.2.0/33"]"#), SIIT),
        "'33' is out of bounds (0-32)."
    );
    assert_eq!(
        err(&siit(r#""global": {"pool6": "64:ff9b::/95"}"#), SIIT),
        "95 is not a valid prefix length (32, 40, 48, 56, 64, 96)."
    );
    assert_eq!(
        err(&siit(r#""denylist4": ["192.0.2.1/24"]"#), SIIT),
        "'192.0.2.1/24' seems to have a suffix; please fix."
    );
}

#[test]
fn rejects_eamt_entries_the_table_refuses() {
    let overlap = r#""eamt": [{"ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "192.0.2.0/24"},
                              {"ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "198.51.100.0/24"}]"#;
    assert_eq!(
        err(&siit(overlap), SIIT),
        "Existing EAM [2001:db8::/120|192.0.2.0/24] already contains prefix 2001:db8::/120."
    );
    assert_eq!(
        err(
            &siit(r#""eamt": [{"ipv6 prefix": "2001:db8::/128", "ipv4 prefix": "192.0.2.0/24"}]"#),
            SIIT
        ),
        "The IPv4 suffix length must be smaller or equal than the IPv6 suffix length."
    );
    assert_eq!(
        err(
            &siit(r#""eamt": [{"ipv6 prefix": "2001:db8::/128"}]"#),
            SIIT
        ),
        "Object '<unnamed>' is missing the 'ipv4 prefix' child."
    );
}

#[test]
fn force_overrides_overridable_validations() {
    let scoped = siit(r#""denylist4": ["127.0.0.0/8"]"#);
    assert!(
        err(&scoped, SIIT).starts_with("Prefix 127.0.0.0/8 intersects with subnet scoped network")
    );
    let c = parse_atomic_config(&scoped, SIIT, true).unwrap();
    assert!(c.siit_config(true).is_ok());
    assert!(c.siit_config(false).is_err());
}

#[test]
fn rejects_bad_pool4_entries() {
    let p = |entry: &str| err(&nat64(&format!(r#""pool4": [{entry}]"#)), NAT64);
    assert_eq!(
        p(r#"{"protocol": "SCTP", "prefix": "192.0.2.1"}"#),
        "Protocol 'SCTP' is unknown."
    );
    assert_eq!(
        p(r#"{"prefix": "192.0.2.1"}"#),
        "Object '<unnamed>' is missing the 'protocol' child."
    );
    assert_eq!(
        p(r#"{"protocol": "TCP"}"#),
        "Object '<unnamed>' is missing the 'prefix' child."
    );
    assert_eq!(
        p(r#"{"protocol": "TCP", "prefix": "192.0.2.1", "port range": "1-70000"}"#),
        "'70000' is out of bounds (0-65535)."
    );
    assert_eq!(
        p(r#"{"protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": "many"}"#),
        "Unrecognized string: 'many'"
    );
    assert_eq!(
        p(r#"{"protocol": "TCP", "prefix": "192.0.2.1", "max-iterations": true}"#),
        "The 'max-iterations' element 'true' is not a valid string or number."
    );
    assert_eq!(
        p(r#"{"protocol": "TCP", "prefix": "192.0.2.1", "mark": -1}"#),
        "The 'mark' element '-1' is not a valid unsigned integer."
    );
    assert_eq!(p("5"), "The '<unnamed>' element '5' is not a valid Object.");
}

#[test]
fn rejects_bib_entry_missing_a_field() {
    let b = |entry: &str| err(&nat64(&format!(r#""bib": [{entry}]"#)), NAT64);
    assert_eq!(
        b(r#"{"protocol": "TCP", "ipv6 address": "2001:db8::1#80"}"#),
        "Object '<unnamed>' is missing the 'ipv4 address' child."
    );
    assert_eq!(
        b(r#"{"ipv6 address": "2001:db8::1#80", "ipv4 address": "192.0.2.1#80"}"#),
        "Object '<unnamed>' is missing the 'protocol' child."
    );
    assert_eq!(
        b(r#"{"protocol": "TCP", "ipv6 address": "2001:db8::1", "ipv4 address": "192.0.2.1#80"}"#),
        "'2001:db8::1' does not seem to contain a port (format: <IPv6 address>#<port> (eg. 2001:db8::1#96))."
    );
}

#[test]
fn reports_setter_errors_with_the_tables_message() {
    assert_eq!(
        err(&siit(r#""global": {"lowest-ipv6-mtu": 1000}"#), SIIT),
        "lowest-ipv6-mtu (1000) is too small (min: 1280)."
    );
    assert_eq!(
        err(
            r#"{"instance": "a", "framework": "netfilter", "global": {"f-args": 16}}"#,
            NAT64
        ),
        "f-args (16) is out of range. (0-15)"
    );
}
