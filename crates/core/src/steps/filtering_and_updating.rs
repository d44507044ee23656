//! RFC 6146 §3.5 "Filtering and Updating Binding and Session Information".
//!
//! Before the state is touched, the packets that are not the NAT64's business are sorted out
//! (Jool's order): IPv6 source inside pool6 → drop `JSTAT_HAIRPIN_LOOP`; IPv6 destination
//! outside pool6 → hand back `JSTAT_POOL6_MISMATCH`; IPv4 destination (transport address,
//! protocol) outside pool4 → hand back `JSTAT_POOL4_MISMATCH`. ICMP errors never create or
//! refresh state (§3.5: they are matched in the next step). `drop-icmpv6-info` drops ICMPv6
//! Echo (`JSTAT_ICMP6_FILTER`). Everything else is [`Nat64Db`]'s RFC 6146 §3.5.1–§3.5.2.

use crate::addr::rfc6052;
use crate::globals::Globals;
use crate::host::Host;
use crate::nat64::db::Filtered4;
use crate::nat64::{Nat64Db, Params, Pool4, SessionView};
use crate::stats::Jstat;
use crate::steps::determine_incoming_tuple::{Incoming4, Incoming6, Kind};
use crate::translate::{drop, nat64_fail, untranslatable, Fail, Step};
use crate::verdict::Verdict;

/// What the filtering of a packet reads besides the packet.
#[derive(Clone, Copy, Debug)]
pub struct Filter<'a> {
    /// The state.
    pub db: &'a Nat64Db,
    /// Globals (pool6, `drop-icmpv6-info`).
    pub globals: &'a Globals,
    /// The NAT64 globals the state reads.
    pub params: &'a Params,
    /// pool4.
    pub pool4: &'a Pool4,
    /// Time, ms.
    pub now: u64,
}

/// RFC 6146 §3.5 for an IPv6 packet. `Ok(None)`: an ICMP error (no state change).
pub fn ipv6(
    f: &Filter<'_>,
    host: &mut dyn Host,
    mark: u32,
    inc: &Incoming6,
) -> Step<Option<SessionView>> {
    let Some(pool6) = f.globals.pool6.as_ref() else {
        return Err(untranslatable(Jstat::Pool6Unset));
    };
    // spec §7.3: "IPv6 packet whose source matches pool6 → drop (hairpin loop)".
    if pool6.contains(inc.src) {
        return Err(drop(Jstat::HairpinLoop));
    }
    let Some(dst4) = rfc6052::addr_6to4(pool6, inc.dst).filter(|_| pool6.contains(inc.dst)) else {
        return Err(untranslatable(Jstat::Pool6Mismatch));
    };
    match inc.kind {
        Kind::IcmpError => return Ok(None),
        Kind::IcmpInfo if f.globals.drop_icmpv6_info => return Err(drop(Jstat::Icmp6Filter)),
        _ => {}
    }
    // spec §7.3: the implicit pool4 masks with the address the kernel would use toward dst4.
    let implicit4 = match f.pool4.is_empty() {
        true => host.source4(dst4),
        false => None,
    };
    f.db.filtering_and_updating_6to4(
        f.now, f.params, f.pool4, mark, implicit4, &inc.tuple, inc.flags,
    )
    .map(Some)
    .map_err(nat64_fail)
}

/// RFC 6146 §3.5 for an IPv4 packet. `Ok(None)`: an ICMP error (no state change).
/// `so_bytes`: what to keep if the packet is a SYN that must be stored (the packet itself, or
/// the IPv6 original of a hairpinned one). A stored SYN comes back as `Err` with
/// `Verdict::Stolen(JSTAT_TYPE1PKT / JSTAT_TYPE2PKT)`.
pub fn ipv4(f: &Filter<'_>, inc: &Incoming4, so_bytes: &[u8]) -> Step<Option<SessionView>> {
    let t = &inc.tuple;
    if !f.pool4.contains(t.proto, t.dst.addr, t.dst.port) {
        return Err(untranslatable(Jstat::Pool4Mismatch));
    }
    if inc.kind == Kind::IcmpError {
        return Ok(None);
    }
    match f
        .db
        .filtering_and_updating_4to6(f.now, f.params, t, inc.flags, so_bytes)
    {
        Ok(Filtered4::Translate(view)) => Ok(Some(view)),
        Ok(Filtered4::Stored(kind)) => Err(Fail {
            verdict: Verdict::Stolen(kind.jstat()),
            icmp: None,
        }),
        Err(stat) => Err(nat64_fail(stat)),
    }
}

#[cfg(test)]
#[path = "filtering_and_updating_tests.rs"]
mod tests;
