//! Per-packet address translation (spec §7.2) and the hand-back rules (spec §7.1).
//!
//! 6→4, per address: `::1` is refused; EAMT (RFC 7757 §3.2), then pool6 (RFC 6052 §2.3);
//! denylist4 and the scope/own-address checks apply to the result, except for the source
//! of an ICMPv6 error, which falls back to the RFC 6791 pool. The destination goes first.
//!
//! 4→6, per address: scope/own-address checks (not for an ICMPv4 error's source), EAMT,
//! denylist4, pool6; an ICMPv4 error's source falls back to the RFC 6791 v6 pool.
//!
//! RFC 7757 §4 hairpinning: in `intrinsic` mode the 6→4 side notices the hairpin (pool6
//! destination inside an EAM IPv4 prefix) and the packet is U-turned; in `simple` mode, and
//! during the U-turn, the 4→6 side skips the EAMT for the outer source (inner destination).

use crate::addr::{is_scoped4, rfc6052, rfc6791};
use crate::config::SiitConfig;
use crate::globals::EamHairpinMode;
use crate::host::Host;
use crate::stats::Jstat;
use crate::translate::{untranslatable, Step};
use std::net::{Ipv4Addr, Ipv6Addr};

/// How an address was translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// An EAMT entry (RFC 7757).
    Eam,
    /// The pool6 prefix (RFC 6052).
    Rfc6052,
    /// The RFC 6791 pool or the translator's own address.
    Rfc6791,
}

/// Why one address could not be translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Miss {
    /// No EAM and no pool6 mapping: an ICMP error's source may still use RFC 6791.
    TrySomethingElse,
    /// The address must not be translated (denylisted, scoped, local, `::1`).
    Accept,
}

/// IPv6 `::1`, refused as a source (RFC 7915 §5.1 "illegal source address").
const LOOPBACK6: Ipv6Addr = Ipv6Addr::LOCALHOST;

/// Subnet-scoped or an address of this host: never translated (spec §7.1).
fn must_not_translate(host: &dyn Host, a: Ipv4Addr) -> bool {
    is_scoped4(a) || host.is_local4(a)
}

/// One IPv6 address to IPv4 (spec §7.2). `checks`: denylist4 + scope/own-address checks.
fn one_6to4(
    cfg: &SiitConfig,
    host: &dyn Host,
    a: Ipv6Addr,
    checks: bool,
) -> Result<(Ipv4Addr, Method), Miss> {
    if a == LOOPBACK6 {
        return Err(Miss::Accept);
    }
    let (a4, method) = if let Some(a4) = cfg.eamt.translate_6to4(a) {
        (a4, Method::Eam)
    } else {
        let a4 = cfg
            .globals
            .pool6
            .as_ref()
            .and_then(|p| rfc6052::addr_6to4(p, a))
            .ok_or(Miss::TrySomethingElse)?;
        if checks && cfg.denylist4.contains(a4) {
            return Err(Miss::Accept);
        }
        (a4, Method::Rfc6052)
    };
    if checks && must_not_translate(host, a4) {
        return Err(Miss::Accept);
    }
    Ok((a4, method))
}

/// One IPv4 address to IPv6 (spec §7.2).
fn one_4to6(
    cfg: &SiitConfig,
    host: &dyn Host,
    a: Ipv4Addr,
    eam: bool,
    checks: bool,
) -> Result<Ipv6Addr, Miss> {
    if checks && must_not_translate(host, a) {
        return Err(Miss::Accept);
    }
    if eam {
        if let Some(a6) = cfg.eamt.translate_4to6(a) {
            return Ok(a6);
        }
    }
    // spec §7.2: Jool consults denylist4 here even for ICMP error sources.
    if cfg.denylist4.contains(a) {
        return Err(Miss::Accept);
    }
    cfg.globals
        .pool6
        .as_ref()
        .and_then(|p| rfc6052::addr_4to6(p, a))
        .ok_or(Miss::TrySomethingElse)
}

/// Which header the addresses come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The outer header of a packet that is not an ICMP error.
    Outer,
    /// The outer header of an ICMP error. `hop_limit` feeds the RFC 6791 v4 pick;
    /// `inner_dst4` is the IPv4 inner packet's destination (4→6 hairpin rule).
    OuterError {
        /// Hop limit of the incoming packet.
        hop_limit: u8,
        /// 4→6 only: the inner packet's destination.
        inner_dst4: Option<Ipv4Addr>,
    },
    /// The packet inside an ICMP error.
    Inner,
}

/// Translated 6→4 addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addrs64 {
    /// IPv4 source.
    pub src: Ipv4Addr,
    /// IPv4 destination.
    pub dst: Ipv4Addr,
    /// RFC 7757 §4 intrinsic hairpinning needed (conditions A and B, spec §7.2).
    pub hairpin: bool,
}

/// Translates the addresses of an IPv6 header (spec §7.2). Destination first.
pub fn addrs_6to4(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    role: Role,
) -> Step<Addrs64> {
    // Jool 4.1 counts a failed destination as JSTAT64_SRC and a failed source as JSTAT64_DST
    // (crossed); we count each under the counter that names it (spec §6).
    let (dst4, dst_method) =
        one_6to4(cfg, host, dst, true).map_err(|_| untranslatable(Jstat::Dst64))?;
    let is_error = matches!(role, Role::OuterError { .. });
    let (src4, src_method) = match one_6to4(cfg, host, src, !is_error) {
        Ok(r) => r,
        Err(Miss::TrySomethingElse) => match role {
            Role::OuterError { hop_limit, .. } => {
                (rfc6791_v4(cfg, host, dst4, hop_limit)?, Method::Rfc6791)
            }
            _ => return Err(untranslatable(Jstat::Src64)),
        },
        Err(Miss::Accept) => return Err(untranslatable(Jstat::Src64)),
    };
    let hairpin = cfg.globals.eam_hairpin_mode == EamHairpinMode::Intrinsic
        && match role {
            // Condition A: a pool6 destination whose IPv4 image belongs to an EAM.
            Role::Outer => dst_method == Method::Rfc6052 && cfg.eamt.contains4(dst4),
            // Condition B: the same seen from the packet inside an ICMP error.
            Role::Inner => src_method == Method::Rfc6052 && cfg.eamt.contains4(src4),
            Role::OuterError { .. } => false,
        };
    Ok(Addrs64 {
        src: src4,
        dst: dst4,
        hairpin,
    })
}

/// RFC 6791 §2 / spec §7.2: source of an ICMPv4 error whose IPv6 source is untranslatable.
fn rfc6791_v4(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    dst4: Ipv4Addr,
    hop_limit: u8,
) -> Step<Ipv4Addr> {
    match cfg.globals.rfc6791v4_prefix.as_ref() {
        Some(p) => {
            let r = host.random_u32();
            Ok(rfc6791::pick4(
                p,
                cfg.globals.randomize_rfc6791_addresses,
                hop_limit,
                r,
            ))
        }
        None => host
            .source4(dst4)
            .ok_or(untranslatable(Jstat::Rfc6791Enoent64)),
    }
}

/// RFC 6791 §2 / spec §7.2: source of an ICMPv6 error whose IPv4 source is untranslatable.
fn rfc6791_v6(cfg: &SiitConfig, host: &mut dyn Host, dst6: Ipv6Addr) -> Step<Ipv6Addr> {
    match cfg.globals.rfc6791v6_prefix.as_ref() {
        Some(p) => {
            let r = [
                host.random_u32(),
                host.random_u32(),
                host.random_u32(),
                host.random_u32(),
            ];
            Ok(rfc6791::pick6(p, r))
        }
        None => host
            .source6(dst6)
            .ok_or(untranslatable(Jstat::Rfc6791Enoent46)),
    }
}

/// Translates the addresses of an IPv4 header (spec §7.2). Destination first.
/// `uturn`: this is the second half of an intrinsic hairpin (RFC 7757 §4.2).
pub fn addrs_4to6(
    cfg: &SiitConfig,
    host: &mut dyn Host,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    role: Role,
    uturn: bool,
) -> Step<(Ipv6Addr, Ipv6Addr)> {
    let hairpin = cfg.globals.eam_hairpin_mode == EamHairpinMode::Simple || uturn;
    let disable_src_eam = hairpin
        && match role {
            Role::Outer => true,
            // Only when the error comes from the hairpinned node itself.
            Role::OuterError { inner_dst4, .. } => inner_dst4 == Some(src),
            Role::Inner => false,
        };
    let disable_dst_eam = hairpin && role == Role::Inner;
    let dst6 = one_4to6(cfg, host, dst, !disable_dst_eam, true)
        .map_err(|_| untranslatable(Jstat::Dst46))?;
    let is_error = matches!(role, Role::OuterError { .. });
    let src6 = match one_4to6(cfg, host, src, !disable_src_eam, !is_error) {
        Ok(a) => a,
        Err(Miss::TrySomethingElse) if is_error => rfc6791_v6(cfg, host, dst6)?,
        Err(_) => return Err(untranslatable(Jstat::Src46)),
    };
    Ok((src6, dst6))
}
