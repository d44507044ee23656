//! RFC 6146 §3.6 "Computation of the Outgoing Tuple".
//!
//! From the session filtering found or created: 6→4 (src4, dst4), 4→6 (dst6, src6) — ICMP
//! identifiers included. An ICMP error is matched here with the session of its inner packet
//! (whose tuple the first step reversed); none → hand back `JSTAT_SESSION_NOT_FOUND`. For a
//! 4→6 error, `source-icmpv6-errors-better` makes the outer source pool6 + the ICMPv4 error's
//! actual source instead of the session's dst6 (RFC 6146's literal reading, spec §3).

use crate::addr::rfc6052;
use crate::nat64::{Nat64Db, SessionView};
use crate::prefix::Ipv6Prefix;
use crate::stats::Jstat;
use crate::steps::determine_incoming_tuple::{Incoming4, Incoming6, Kind};
use crate::translate::outgoing::{Out46, Out64};
use crate::translate::{untranslatable, Step};

/// The session of an IPv6 packet, or of an ICMPv6 error's inner packet.
fn session6(db: &Nat64Db, inc: &Incoming6, s: Option<SessionView>) -> Step<SessionView> {
    match (inc.kind, s) {
        (Kind::IcmpError, _) | (_, None) => db
            .session_lookup6(&inc.tuple)
            .ok_or(untranslatable(Jstat::SessionNotFound)),
        (_, Some(s)) => Ok(s),
    }
}

/// RFC 6146 §3.6.1: the outgoing tuple of an IPv6 packet.
pub fn ipv6(
    db: &Nat64Db,
    inc: &Incoming6,
    session: Option<SessionView>,
    reassembled: bool,
) -> Step<Out64> {
    let s = session6(db, inc, session)?;
    let t = s.out_tuple_6to4();
    Ok(Out64 {
        src: t.src,
        dst: t.dst,
        reassembled,
    })
}

/// RFC 6146 §3.6.2: the outgoing tuple of an IPv4 packet. `hairpin`: this packet is the
/// IPv4 intermediate of a NAT64 hairpin (RFC 6146 §3.8).
pub fn ipv4(
    db: &Nat64Db,
    pool6: &Ipv6Prefix,
    better: bool,
    inc: &Incoming4,
    session: Option<SessionView>,
    hairpin: bool,
) -> Step<Out46> {
    let s = match (inc.kind, session) {
        (Kind::IcmpError, _) | (_, None) => db
            .session_lookup4(&inc.tuple)
            .ok_or(untranslatable(Jstat::SessionNotFound))?,
        (_, Some(s)) => s,
    };
    let t = s.out_tuple_4to6();
    let error_src = match (inc.kind, better) {
        (Kind::IcmpError, true) => rfc6052::addr_4to6(pool6, inc.src),
        _ => None,
    };
    Ok(Out46 {
        src: t.src,
        dst: t.dst,
        error_src,
        hairpin,
    })
}
