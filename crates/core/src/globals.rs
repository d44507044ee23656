//! Every global configuration key of Jool 4.1 (spec §3), in one table.
//!
//! CONTRACT (filled in by the globals work): the `Globals` struct below is fixed; the table
//! (`GLOBALS`), value parsing/formatting and validation are added around it.

use crate::prefix::{Ipv4Prefix, Ipv6Prefix};

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
pub const DEFAULT_PLATEAUS: [u16; 11] = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

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
