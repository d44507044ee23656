//! SIIT tables: `eamt` (spec §2.4), `denylist4` (§2.5) and `address query` (§2.6).

use super::{parse_prefix4, parse_prefix6, Outcome};
use crate::error::{OpError, EEXIST, EINVAL, ESRCH};
use crate::instance::Instance;
use jool_core::addr::rfc6052;
use jool_core::{Denylist4Error, EamtError};
use jool_ctl::proto::{AddressQueryResult, Response};
use std::net::IpAddr;

fn eamt_error(e: EamtError) -> OpError {
    let errno = match e {
        EamtError::Exists | EamtError::Collision { .. } | EamtError::Overlap { .. } => EEXIST,
        EamtError::NotFound => ESRCH,
        _ => EINVAL,
    };
    OpError::new(errno, e.to_string())
}

fn denylist_error(e: Denylist4Error) -> OpError {
    let errno = match e {
        Denylist4Error::NotFound => ESRCH,
        Denylist4Error::Invalid(_) => EINVAL,
    };
    OpError::new(errno, e.to_string())
}

/// The EAMT in display order (newest first).
pub fn eamt_display(inst: &Instance) -> Result<Response, OpError> {
    let siit = inst.siit()?;
    Ok(Response::Eamt(
        siit.config()
            .eamt
            .iter()
            .map(|e| (e.prefix6.to_string(), e.prefix4.to_string()))
            .collect(),
    ))
}

/// `eamt add`.
pub fn eamt_add(inst: &Instance, p6: &str, p4: &str, force: bool) -> Result<Outcome, OpError> {
    let (p6, p4) = (parse_prefix6(p6)?, parse_prefix4(p4)?);
    inst.update_siit(|c| c.eamt.add(p6, p4, force).map_err(eamt_error))?;
    Outcome::changed()
}

/// `eamt remove`.
pub fn eamt_remove(
    inst: &Instance,
    p6: Option<&str>,
    p4: Option<&str>,
) -> Result<Outcome, OpError> {
    let p6 = p6.map(parse_prefix6).transpose()?;
    let p4 = p4.map(parse_prefix4).transpose()?;
    inst.update_siit(|c| c.eamt.remove(p6, p4).map_err(eamt_error))?;
    Outcome::changed()
}

/// `eamt flush`.
pub fn eamt_flush(inst: &Instance) -> Result<Outcome, OpError> {
    inst.update_siit(|c| {
        c.eamt.flush();
        Ok(())
    })?;
    Outcome::changed()
}

/// denylist4 in insertion order.
pub fn denylist_display(inst: &Instance) -> Result<Response, OpError> {
    let siit = inst.siit()?;
    Ok(Response::Denylist4(
        siit.config()
            .denylist4
            .iter()
            .map(|p| p.to_string())
            .collect(),
    ))
}

/// `denylist4 add`.
pub fn denylist_add(inst: &Instance, prefix: &str, force: bool) -> Result<Outcome, OpError> {
    let p = parse_prefix4(prefix)?;
    inst.update_siit(|c| c.denylist4.add(p, force).map_err(denylist_error))?;
    Outcome::changed()
}

/// `denylist4 remove` (exact match).
pub fn denylist_remove(inst: &Instance, prefix: &str) -> Result<Outcome, OpError> {
    let p = parse_prefix4(prefix)?;
    inst.update_siit(|c| c.denylist4.remove(p).map_err(denylist_error))?;
    Outcome::changed()
}

/// `denylist4 flush`.
pub fn denylist_flush(inst: &Instance) -> Result<Outcome, OpError> {
    inst.update_siit(|c| {
        c.denylist4.flush();
        Ok(())
    })?;
    Outcome::changed()
}

/// `address query`: EAMT first, then pool6 (no denylist4, no RFC 6791), spec §2.6.
pub fn address_query(inst: &Instance, query: &str) -> Result<Response, OpError> {
    let siit = inst.siit()?;
    let config = siit.config();
    let pool6 = config.globals.pool6;
    let addr: IpAddr = query.parse().map_err(|_| {
        OpError::inval(format!(
            "Cannot parse '{query}' as an IPv4 or IPv6 address."
        ))
    })?;
    let eam_text = |e: &jool_core::Eam| format!("{} | {}", e.prefix6, e.prefix4);
    let (scheme, via, result) = match addr {
        IpAddr::V6(a) => {
            if let Some(eam) = config.eamt.lookup6(a) {
                ("EAMT", eam_text(eam), eam.addr_6to4(a).to_string())
            } else if let Some(r) = pool6.and_then(|p| rfc6052::addr_6to4(&p, a)) {
                let p = pool6.map(|p| p.to_string()).unwrap_or_default();
                ("RFC 6052 prefix", p, r.to_string())
            } else {
                return Err(OpError::inval(
                    "The input address lacks both pool6 prefix and EAM.",
                ));
            }
        }
        IpAddr::V4(a) => {
            if let Some(eam) = config.eamt.lookup4(a) {
                ("EAMT", eam_text(eam), eam.addr_4to6(a).to_string())
            } else if let Some((p, r)) = pool6.and_then(|p| Some((p, rfc6052::addr_4to6(&p, a)?))) {
                ("RFC 6052 prefix", p.to_string(), r.to_string())
            } else {
                return Err(OpError::inval(
                    "The address lacks EAMT entry and there's no pool6 prefix.",
                ));
            }
        }
    };
    Ok(Response::Address(AddressQueryResult {
        query: query.to_owned(),
        scheme: scheme.to_owned(),
        via,
        result,
    }))
}
