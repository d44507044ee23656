//! The configuration operations of one existing instance (spec §2.2–§2.9): every `Op` but
//! the `instance` mode and `file handle`, which the registry handles.
//!
//! ```text
//!   Op ──apply(instance, op, env)──► display ops: read a snapshot ──► Response
//!                                 └► changes: Instance::update_* (copy, edit, swap)
//!                                             ──► Outcome { changed: true } ──► re-plumb
//! ```

mod global;
mod nat64;
mod siit;
mod ss;

pub use nat64::{build_pool4, new_nat64, replace_nat64};

use crate::error::OpError;
use crate::instance::Instance;
use jool_core::config::XlatorType;
use jool_core::nat64::{Events, L4Proto, Taddr4, Taddr6};
use jool_core::{Ipv4Prefix, Ipv6Prefix};
use jool_ctl::proto::{Op, ProtoDto, Response, Xlator};
use std::io;

/// What an operation may need from outside the instance.
pub struct OpEnv<'a> {
    /// The daemon's monotonic clock, ms (session expiry).
    pub now_ms: u64,
    /// `net.ipv4.ip_local_port_range` of the instance's namespace.
    pub ephemeral: &'a dyn Fn() -> io::Result<(u16, u16)>,
}

/// The result of an operation.
#[derive(Debug)]
pub struct Outcome {
    /// What to answer.
    pub response: Response,
    /// Did the configuration change (so the plumbing must follow)?
    pub changed: bool,
    /// What a NAT64 removal produced (to log, and ICMP errors to send through the TUN).
    pub events: Option<Events>,
}

impl Outcome {
    fn show(response: Response) -> Result<Outcome, OpError> {
        Ok(Outcome {
            response,
            changed: false,
            events: None,
        })
    }

    fn changed() -> Result<Outcome, OpError> {
        Ok(Outcome {
            response: Response::Ok,
            changed: true,
            events: None,
        })
    }

    fn removed(events: Events, changed: bool) -> Result<Outcome, OpError> {
        Ok(Outcome {
            response: Response::Ok,
            changed,
            events: Some(events),
        })
    }
}

/// Does `op` only read? (Everything else needs CAP_NET_ADMIN.)
pub fn is_read_only(op: &Op) -> bool {
    matches!(
        op,
        Op::InstanceDisplay
            | Op::InstanceStatus
            | Op::StatsDisplay
            | Op::GlobalDisplay
            | Op::Pool4Display { .. }
            | Op::BibDisplay { .. }
            | Op::SessionDisplay { .. }
            | Op::EamtDisplay
            | Op::Denylist4Display
            | Op::AddressQuery { .. }
    )
}

/// Runs `op` on `inst`.
pub fn apply(inst: &Instance, op: &Op, env: &OpEnv<'_>) -> Result<Outcome, OpError> {
    match op {
        Op::StatsDisplay => Outcome::show(Response::Stats(
            inst.stats().iter().map(|(s, v)| (s.id(), v)).collect(),
        )),
        Op::GlobalDisplay => Outcome::show(global::display(inst)),
        Op::GlobalUpdate { key, value, force } => global::update(inst, key, value, *force),

        Op::EamtDisplay => Outcome::show(siit::eamt_display(inst)?),
        Op::EamtAdd {
            prefix6,
            prefix4,
            force,
        } => siit::eamt_add(inst, prefix6, prefix4, *force),
        Op::EamtRemove { prefix6, prefix4 } => {
            siit::eamt_remove(inst, prefix6.as_deref(), prefix4.as_deref())
        }
        Op::EamtFlush => siit::eamt_flush(inst),
        Op::Denylist4Display => Outcome::show(siit::denylist_display(inst)?),
        Op::Denylist4Add { prefix, force } => siit::denylist_add(inst, prefix, *force),
        Op::Denylist4Remove { prefix } => siit::denylist_remove(inst, prefix),
        Op::Denylist4Flush => siit::denylist_flush(inst),
        Op::AddressQuery { address } => Outcome::show(siit::address_query(inst, address)?),

        Op::Pool4Display { proto } => Outcome::show(nat64::pool4_display(inst, *proto)?),
        Op::Pool4Add {
            proto,
            prefix,
            ports,
            mark,
            max_iterations,
            force,
        } => nat64::pool4_add(
            inst,
            env,
            nat64::Pool4AddArgs {
                proto: *proto,
                prefix,
                ports: *ports,
                mark: *mark,
                max_iterations: *max_iterations,
                force: *force,
            },
        ),
        Op::Pool4Remove {
            proto,
            prefix,
            ports,
            mark,
            quick,
        } => nat64::pool4_remove(inst, *proto, prefix, *ports, *mark, *quick),
        Op::Pool4Flush { quick } => nat64::pool4_flush(inst, *quick),
        Op::BibDisplay { proto } => Outcome::show(nat64::bib_display(inst, *proto)?),
        Op::BibAdd {
            proto,
            taddr6,
            taddr4,
        } => nat64::bib_add(inst, *proto, taddr6, taddr4),
        Op::BibRemove {
            proto,
            taddr6,
            taddr4,
        } => nat64::bib_remove(inst, *proto, taddr6.as_deref(), taddr4.as_deref()),
        Op::SessionDisplay { proto } => {
            Outcome::show(nat64::session_display(inst, *proto, env.now_ms)?)
        }
        Op::SsAdvertise => ss::advertise(inst, env.now_ms),
        Op::SsInject { data } => ss::inject(inst, data),
        Op::SsSubscribe => Err(OpError::inval(
            "A session-sync subscription needs its own connection.",
        )),

        Op::InstanceDisplay
        | Op::InstanceAdd { .. }
        | Op::InstanceRemove
        | Op::InstanceFlush
        | Op::InstanceStatus
        | Op::FileHandle { .. } => Err(OpError::inval(
            "Instance operations are not configuration operations.",
        )),
    }
}

/// The core's name for a translator type.
pub fn xlator_type(x: Xlator) -> XlatorType {
    match x {
        Xlator::Siit => XlatorType::Siit,
        Xlator::Nat64 => XlatorType::Nat64,
    }
}

/// The core's protocol.
pub fn l4(p: ProtoDto) -> L4Proto {
    match p {
        ProtoDto::Tcp => L4Proto::Tcp,
        ProtoDto::Udp => L4Proto::Udp,
        ProtoDto::Icmp => L4Proto::Icmp,
    }
}

/// The protocol's wire name.
pub fn dto(p: L4Proto) -> ProtoDto {
    match p {
        L4Proto::Tcp => ProtoDto::Tcp,
        L4Proto::Udp => ProtoDto::Udp,
        L4Proto::Icmp => ProtoDto::Icmp,
    }
}

/// An IPv4 prefix as typed (`ADDR[/LEN]`).
pub fn parse_prefix4(s: &str) -> Result<Ipv4Prefix, OpError> {
    s.parse()
        .map_err(|e: jool_core::prefix::PrefixError| OpError::inval(e.to_string()))
}

/// An IPv6 prefix as typed (`ADDR[/LEN]`).
pub fn parse_prefix6(s: &str) -> Result<Ipv6Prefix, OpError> {
    s.parse()
        .map_err(|e: jool_core::prefix::PrefixError| OpError::inval(e.to_string()))
}

fn split_taddr<'a>(s: &'a str, family: &str) -> Result<(&'a str, u16), OpError> {
    let bad = || {
        OpError::inval(format!(
            "Cannot parse '{s}' as an {family} transport address."
        ))
    };
    let (addr, port) = s.rsplit_once('#').ok_or_else(bad)?;
    let port = port.parse::<u16>().map_err(|_| bad())?;
    Ok((addr, port))
}

/// `ADDR#PORT` (IPv4).
pub fn parse_taddr4(s: &str) -> Result<Taddr4, OpError> {
    let (addr, port) = split_taddr(s, "IPv4")?;
    let addr = addr
        .parse()
        .map_err(|_| OpError::inval(format!("Cannot parse '{addr}' as an IPv4 address.")))?;
    Ok(Taddr4::new(addr, port))
}

/// `ADDR#PORT` (IPv6).
pub fn parse_taddr6(s: &str) -> Result<Taddr6, OpError> {
    let (addr, port) = split_taddr(s, "IPv6")?;
    let addr = addr
        .parse()
        .map_err(|_| OpError::inval(format!("Cannot parse '{addr}' as an IPv6 address.")))?;
    Ok(Taddr6::new(addr, port))
}

#[cfg(test)]
mod tests;
