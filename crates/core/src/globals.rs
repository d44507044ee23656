//! Every global configuration key of Jool 4.1 (spec §3), in one table.
//!
//! ```text
//!   "udp-timeout" ──find()──► GlobalDef { kind, who, doc, get, set }
//!   "0:05:00" ──parse_value(kind)──► GlobalValue ──def.set(globals, force)──► Globals
//!   Globals ──def.get──► GlobalValue ──format_value(kind, csv)──► "0:05:00 (HH:MM:SS)"
//! ```
//! The CLI's `global update` keys, `global display`, the JSON schema and the docs all read
//! [`GLOBALS`]; setters carry the kernel-side validation (spec §3).

use crate::prefix::{Ipv4Prefix, Ipv6Prefix};

mod table;
mod value;

pub use table::{display, find, keys_for, GlobalDef, Who, GLOBALS};
pub use value::{
    format_plain, format_timeout, format_value, hairpin_mode_str, parse_bool, parse_hairpin_mode,
    parse_plateaus, parse_timeout, parse_uint, parse_value, GlobalError, GlobalValue, ValueKind,
    PLATEAUS_MAX,
};

/// RFC 7757 §4 EAM hairpinning mode (`eam-hairpin-mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EamHairpinMode {
    /// No hairpinning support.
    Off,
    /// 4→6 translations skip the EAMT for the outer source (inner destination of errors).
    Simple,
    /// Hairpinned packets are U-turned inside the translator.
    #[default]
    Intrinsic,
}

/// The default `mtu-plateaus` (RFC 1191).
pub const DEFAULT_PLATEAUS: [u16; 11] = [
    65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
];

/// The values of every global key. Timeouts are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Globals {
    /// `manually-enabled`
    pub manually_enabled: bool,
    /// `pool6`
    pub pool6: Option<Ipv6Prefix>,
    /// `lowest-ipv6-mtu`
    pub lowest_ipv6_mtu: u32,
    /// `logging-debug`
    pub logging_debug: bool,
    /// `zeroize-traffic-class`
    pub zeroize_traffic_class: bool,
    /// `override-tos`
    pub override_tos: bool,
    /// `tos`
    pub tos: u8,
    /// `mtu-plateaus`, sorted descending, no duplicates, no zeroes.
    pub mtu_plateaus: Vec<u16>,
    /// `amend-udp-checksum-zero` (SIIT)
    pub amend_udp_checksum_zero: bool,
    /// `eam-hairpin-mode` (SIIT)
    pub eam_hairpin_mode: EamHairpinMode,
    /// `randomize-rfc6791-addresses` (SIIT)
    pub randomize_rfc6791_addresses: bool,
    /// `rfc6791v6-prefix` (SIIT)
    pub rfc6791v6_prefix: Option<Ipv6Prefix>,
    /// `rfc6791v4-prefix` (SIIT)
    pub rfc6791v4_prefix: Option<Ipv4Prefix>,
    /// `address-dependent-filtering` (NAT64)
    pub address_dependent_filtering: bool,
    /// `drop-externally-initiated-tcp` (NAT64)
    pub drop_externally_initiated_tcp: bool,
    /// `drop-icmpv6-info` (NAT64)
    pub drop_icmpv6_info: bool,
    /// `source-icmpv6-errors-better` (NAT64)
    pub source_icmpv6_errors_better: bool,
    /// `f-args` (NAT64), 0..=15
    pub f_args: u8,
    /// `handle-rst-during-fin-rcv` (NAT64)
    pub handle_rst_during_fin_rcv: bool,
    /// `tcp-est-timeout` (NAT64), ms
    pub tcp_est_timeout: u64,
    /// `tcp-trans-timeout` (NAT64), ms
    pub tcp_trans_timeout: u64,
    /// `udp-timeout` (NAT64), ms
    pub udp_timeout: u64,
    /// `icmp-timeout` (NAT64), ms
    pub icmp_timeout: u64,
    /// `logging-bib` (NAT64)
    pub logging_bib: bool,
    /// `logging-session` (NAT64)
    pub logging_session: bool,
    /// `maximum-simultaneous-opens` (NAT64)
    pub maximum_simultaneous_opens: u32,
    /// `ss-enabled` (NAT64)
    pub ss_enabled: bool,
    /// `ss-flush-asap` (NAT64, deprecated no-op)
    pub ss_flush_asap: bool,
    /// `ss-flush-deadline` (NAT64), ms
    pub ss_flush_deadline: u32,
    /// `ss-capacity` (NAT64)
    pub ss_capacity: u32,
    /// `ss-max-payload` (NAT64, deprecated no-op)
    pub ss_max_payload: u32,
    /// `ss-max-sessions-per-packet` (NAT64)
    pub ss_max_sessions_per_packet: u32,
}

impl Default for Globals {
    fn default() -> Self {
        Globals {
            manually_enabled: true,
            pool6: None,
            lowest_ipv6_mtu: 1280,
            logging_debug: false,
            zeroize_traffic_class: false,
            override_tos: false,
            tos: 0,
            mtu_plateaus: DEFAULT_PLATEAUS.to_vec(),
            amend_udp_checksum_zero: false,
            eam_hairpin_mode: EamHairpinMode::Intrinsic,
            randomize_rfc6791_addresses: true,
            rfc6791v6_prefix: None,
            rfc6791v4_prefix: None,
            address_dependent_filtering: false,
            drop_externally_initiated_tcp: false,
            drop_icmpv6_info: false,
            source_icmpv6_errors_better: true,
            f_args: 0b1011,
            handle_rst_during_fin_rcv: false,
            tcp_est_timeout: 2 * 60 * 60 * 1000,
            tcp_trans_timeout: 4 * 60 * 1000,
            udp_timeout: 5 * 60 * 1000,
            icmp_timeout: 60 * 1000,
            logging_bib: false,
            logging_session: false,
            maximum_simultaneous_opens: 10,
            ss_enabled: false,
            ss_flush_asap: false,
            ss_flush_deadline: 2000,
            ss_capacity: 512,
            ss_max_payload: 1452,
            ss_max_sessions_per_packet: 36,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::XlatorType::{Nat64, Siit};

    const NAT64_DEFAULT_DISPLAY: &str = "manually-enabled: true
pool6: 64:ff9b::/96
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: false
override-tos: false
tos: 0
mtu-plateaus: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68
address-dependent-filtering: false
drop-externally-initiated-tcp: false
drop-icmpv6-info: false
source-icmpv6-errors-better: true
f-args: 11 (0b1011): SrcAddr:1 SrcPort:0 DstAddr:1 DstPort:1
handle-rst-during-fin-rcv: false
tcp-est-timeout: 2:00:00 (HH:MM:SS)
tcp-trans-timeout: 0:04:00 (HH:MM:SS)
udp-timeout: 0:05:00 (HH:MM:SS)
icmp-timeout: 0:01:00 (HH:MM:SS)
logging-bib: false
logging-session: false
maximum-simultaneous-opens: 10
ss-enabled: false
ss-flush-asap: false
ss-flush-deadline: 2000
ss-capacity: 512
ss-max-payload: 1452
ss-max-sessions-per-packet: 36
";

    const SIIT_DEFAULT_DISPLAY: &str = "manually-enabled: true
pool6: (unset)
lowest-ipv6-mtu: 1280
logging-debug: false
zeroize-traffic-class: false
override-tos: false
tos: 0
mtu-plateaus: 65535,32000,17914,8166,4352,2002,1492,1006,508,296,68
amend-udp-checksum-zero: false
eam-hairpin-mode: intrinsic
randomize-rfc6791-addresses: true
rfc6791v6-prefix: (unset)
rfc6791v4-prefix: (unset)
";

    fn nat64_defaults() -> Globals {
        Globals {
            pool6: Some("64:ff9b::/96".parse().unwrap()),
            ..Globals::default()
        }
    }

    fn set(g: &mut Globals, name: &str, value: &str, force: bool) -> Result<(), GlobalError> {
        let def = GLOBALS.iter().find(|d| d.name == name).unwrap();
        def.set(g, def.parse(value)?, force)
    }

    #[test]
    fn displays_nat64_defaults_like_jool() {
        assert_eq!(
            display(&nat64_defaults(), Nat64, false, false),
            NAT64_DEFAULT_DISPLAY
        );
    }

    #[test]
    fn displays_siit_defaults_like_jool() {
        assert_eq!(
            display(&Globals::default(), Siit, false, false),
            SIIT_DEFAULT_DISPLAY
        );
        // --no-headers changes nothing outside CSV.
        assert_eq!(
            display(&Globals::default(), Siit, false, true),
            SIIT_DEFAULT_DISPLAY
        );
    }

    #[test]
    fn displays_csv_with_optional_header() {
        let csv = display(&Globals::default(), Siit, true, false);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "Field,Value");
        assert_eq!(lines[1], "manually-enabled,TRUE");
        assert_eq!(
            lines[8],
            "mtu-plateaus,\"65535,32000,17914,8166,4352,2002,1492,1006,508,296,68\""
        );
        assert_eq!(lines[13], "rfc6791v4-prefix,");
        let nat64 = display(&nat64_defaults(), Nat64, true, true);
        assert!(
            nat64.starts_with("manually-enabled,TRUE\npool6,64:ff9b::/96\n"),
            "{nat64}"
        );
        assert!(nat64.contains("\ntcp-est-timeout,2:00:00\n"));
        assert!(nat64.contains("\nf-args,11\n"));
    }

    #[test]
    fn lists_keys_per_translator_type() {
        assert_eq!(keys_for(Siit).count(), 13);
        assert_eq!(keys_for(Nat64).count(), 27);
        assert!(find("eam-hairpin-mode", Siit).is_some());
        assert!(find("eam-hairpin-mode", Nat64).is_none());
        assert!(find("udp-timeout", Siit).is_none());
        assert!(find("pool6", Nat64).is_some());
        assert!(find("trace", Siit).is_none());
        let mut names: Vec<&str> = GLOBALS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), GLOBALS.len());
    }

    #[test]
    fn round_trips_every_key_through_parse_and_format() {
        let mut g = nat64_defaults();
        g.rfc6791v4_prefix = Some("198.51.100.0/24".parse().unwrap());
        for def in GLOBALS {
            let value = def.get(&g);
            let text = format_plain(&value);
            assert_eq!(def.parse(&text), Ok(value.clone()), "{}: {text}", def.name);
            let mut copy = g.clone();
            def.set(&mut copy, value, false).unwrap();
            assert_eq!(copy, g, "{}", def.name);
        }
    }

    #[test]
    fn round_trips_non_default_values() {
        let samples = [
            ("manually-enabled", "off"),
            ("pool6", "2001:db8:100::/40"),
            ("lowest-ipv6-mtu", "1500"),
            ("tos", "255"),
            ("mtu-plateaus", "9000,1500,1280"),
            ("eam-hairpin-mode", "simple"),
            ("rfc6791v6-prefix", "2001:db8:1::/64"),
            ("rfc6791v4-prefix", "null"),
            ("f-args", "4"),
            ("tcp-est-timeout", "3:00:00.500"),
            ("udp-timeout", "0:02:00"),
            ("icmp-timeout", "0:00:00.001"),
            ("ss-capacity", "4294967295"),
        ];
        let mut g = Globals::default();
        for (name, text) in samples {
            set(&mut g, name, text, false).unwrap();
            let def = GLOBALS.iter().find(|d| d.name == name).unwrap();
            let back = format_plain(&def.get(&g));
            let expected = if name == "manually-enabled" {
                "false"
            } else {
                text
            };
            assert_eq!(back, expected, "{name}");
        }
    }

    #[test]
    fn rejects_small_lowest_ipv6_mtu() {
        let mut g = Globals::default();
        assert_eq!(
            set(&mut g, "lowest-ipv6-mtu", "1279", false)
                .unwrap_err()
                .to_string(),
            "lowest-ipv6-mtu (1279) is too small (min: 1280)."
        );
        assert_eq!(g.lowest_ipv6_mtu, 1280);
    }

    #[test]
    fn normalises_plateaus() {
        let mut g = Globals::default();
        set(&mut g, "mtu-plateaus", "1280,0,9000,1500,1280", false).unwrap();
        assert_eq!(g.mtu_plateaus, [9000, 1500, 1280]);
        assert_eq!(
            set(&mut g, "mtu-plateaus", "0,0", false)
                .unwrap_err()
                .to_string(),
            "The plateaus list contains nothing but zeroes."
        );
        assert_eq!(g.mtu_plateaus, [9000, 1500, 1280]);
        let def = find("mtu-plateaus", Siit).unwrap();
        assert_eq!(
            def.set(&mut g, GlobalValue::Plateaus(vec![1; 65]), false),
            Err(GlobalError::PlateausTooMany)
        );
    }

    #[test]
    fn rejects_f_args_above_15() {
        let mut g = Globals::default();
        assert_eq!(
            set(&mut g, "f-args", "16", false).unwrap_err().to_string(),
            "f-args (16) is out of range. (0-15)"
        );
        assert_eq!(
            set(&mut g, "f-args", "256", false).unwrap_err().to_string(),
            "'256' is out of bounds (0-255)."
        );
        set(&mut g, "f-args", "15", false).unwrap();
        assert_eq!(g.f_args, 15);
    }

    #[test]
    fn rejects_timeouts_below_rfc6146_minimums() {
        let mut g = Globals::default();
        assert_eq!(
            set(&mut g, "udp-timeout", "1:59", false)
                .unwrap_err()
                .to_string(),
            "The 'udp' timeout (119000) is too small. (min: 120000)"
        );
        assert_eq!(
            set(&mut g, "tcp-est-timeout", "1:59:59.999", false)
                .unwrap_err()
                .to_string(),
            "The 'tcp-est' timeout (7199999) is too small. (min: 7200000)"
        );
        assert_eq!(
            set(&mut g, "tcp-trans-timeout", "3:59", true)
                .unwrap_err()
                .to_string(),
            "The 'tcp-trans' timeout (239000) is too small. (min: 240000)"
        );
        set(&mut g, "icmp-timeout", "0", false).unwrap();
        assert_eq!(g.icmp_timeout, 0);
        assert_eq!(g.udp_timeout, 300_000);
    }

    #[test]
    fn validates_pool6_and_unsets_with_null() {
        let mut g = Globals::default();
        assert_eq!(
            set(&mut g, "pool6", "64:ff9b::/80", false)
                .unwrap_err()
                .to_string(),
            "80 is not a valid prefix length (32, 40, 48, 56, 64, 96)."
        );
        let ubit = "64:ff9b:0:0:ff00::/96";
        assert!(set(&mut g, "pool6", ubit, false)
            .unwrap_err()
            .to_string()
            .starts_with("The u-bit is nonzero"));
        assert_eq!(g.pool6, None);
        set(&mut g, "pool6", ubit, true).unwrap();
        assert_eq!(g.pool6, Some(ubit.parse().unwrap()));
        set(&mut g, "pool6", "null", false).unwrap();
        assert_eq!(g.pool6, None);
    }

    #[test]
    fn refuses_to_change_nat64_pool6() {
        let mut g = nat64_defaults();
        let def = find("pool6", Nat64).unwrap();
        let v = def.parse("2001:db8::/96").unwrap();
        assert_eq!(
            def.update(&mut g, Nat64, v.clone(), true)
                .unwrap_err()
                .to_string(),
            "Sorry; you can't change a NAT64 instance's pool6 for now."
        );
        let mut s = Globals::default();
        def.update(&mut s, Siit, v, false).unwrap();
        assert_eq!(s.pool6, Some("2001:db8::/96".parse().unwrap()));
        let hairpin = find("eam-hairpin-mode", Siit).unwrap();
        assert_eq!(
            hairpin.update(
                &mut g,
                Nat64,
                GlobalValue::HairpinMode(EamHairpinMode::Off),
                false
            ),
            Err(GlobalError::UnknownKey("eam-hairpin-mode".into()))
        );
    }

    #[test]
    fn validates_rfc6791_prefixes() {
        let mut g = Globals::default();
        assert!(set(&mut g, "rfc6791v4-prefix", "127.0.0.0/24", false)
            .unwrap_err()
            .to_string()
            .starts_with("Prefix 127.0.0.0/24 intersects with subnet scoped network 127.0.0.0/8."));
        set(&mut g, "rfc6791v4-prefix", "127.0.0.0/24", true).unwrap();
        assert_eq!(
            set(&mut g, "rfc6791v4-prefix", "198.51.100.1/24", true)
                .unwrap_err()
                .to_string(),
            "'198.51.100.1/24' seems to have a suffix; please fix."
        );
        assert_eq!(
            set(&mut g, "rfc6791v6-prefix", "2001:db8::1/64", true)
                .unwrap_err()
                .to_string(),
            "'2001:db8::1/64' seems to have a suffix; please fix."
        );
        assert_eq!(g.rfc6791v6_prefix, None);
    }

    #[test]
    fn rejects_values_of_the_wrong_type() {
        let mut g = Globals::default();
        let def = find("tos", Siit).unwrap();
        assert_eq!(
            def.set(&mut g, GlobalValue::Bool(true), false),
            Err(GlobalError::TypeMismatch("tos"))
        );
    }
}
