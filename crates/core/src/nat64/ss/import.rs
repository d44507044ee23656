//! The database side of session synchronization: sessions received from a peer go into the
//! BIB/session tables (spec §8 "Received sessions"), and an advertisement walks the tables
//! a batch at a time.

use super::wire::SsSession;
use crate::addr::rfc6052;
use crate::nat64::db::{lock, Nat64Db};
use crate::nat64::session::BibEntry;
use crate::nat64::tcp::TcpState;
use crate::nat64::timer::Timeouts;
use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6};
use crate::stats::Jstat;

/// What became of one received session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// New session (and BIB entry if needed).
    Added,
    /// An identical session existed: its state, timer and update time were refreshed.
    Refreshed,
    /// Its BIB side contradicts the database: the text of spec §8's warning.
    OutOfSync(String),
    /// Not stored (the session cap: `JSTAT_ENOMEM`).
    Refused(Jstat),
}

/// Where an advertisement resumes: a shard and a session slot in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdCursor {
    shard: usize,
    slot: u32,
}

/// `src6#p|dst6#p|src4#p|dst4#p|PROTO`, as `logging-session` prints a session.
fn session_text(pool6: &crate::prefix::Ipv6Prefix, s: &SsSession) -> String {
    let dst6 = rfc6052::addr_4to6(pool6, s.dst4.addr).unwrap_or(std::net::Ipv6Addr::UNSPECIFIED);
    let port6 = match s.proto {
        L4Proto::Icmp => s.src6.port,
        _ => s.dst4.port,
    };
    format!(
        "{}|{}|{}|{}|{}",
        s.src6,
        Taddr6::new(dst6, port6),
        s.src4,
        s.dst4,
        s.proto
    )
}

fn out_of_sync(pool6: &crate::prefix::Ipv6Prefix, s: &SsSession, db: &BibEntry) -> Imported {
    Imported::OutOfSync(format!(
        "We're out of sync: Incoming session entry {} collides with DB entry {}.",
        session_text(pool6, s),
        db
    ))
}

impl Nat64Db {
    /// Adds or refreshes a session received from a peer at `now`. Its timer is the class
    /// it came with, timed by this instance's `timeouts` so that it expires when the peer's
    /// would (never earlier than the sessions already on that timer: the lists stay ordered).
    pub fn ss_import(&self, now: u64, timeouts: &Timeouts, s: &SsSession) -> Imported {
        let proto = s.proto;
        let si = self.shard6(proto, s.src6);
        let mut tab = lock(&self.shards[si]);
        let (bi, created) = match tab.find_bib6(proto, s.src6) {
            Some(bi) => match tab.bib(bi).map(|b| b.entry()) {
                Some(e) if e.addr4 == s.src4 => (bi, false),
                Some(e) => return out_of_sync(&self.pool6, s, &e),
                None => return Imported::Refused(Jstat::Unknown),
            },
            None => {
                if !self.reserve_session() {
                    return Imported::Refused(Jstat::Enomem);
                }
                if !self.claim4(proto, s.src4, si, tab.next_bib_slot()) {
                    self.release_session();
                    drop(tab);
                    let db = self.bib_lookup4(proto, s.src4).unwrap_or(BibEntry {
                        addr6: s.src6,
                        addr4: s.src4,
                        proto,
                        is_static: false,
                    });
                    return out_of_sync(&self.pool6, s, &db);
                }
                let bi = tab.add_bib(proto, s.src6, s.src4, false);
                self.bib_added();
                (bi, true)
            }
        };
        let dst4 = match proto {
            L4Proto::Icmp => Taddr4::new(s.dst4.addr, s.src4.port),
            _ => s.dst4,
        };
        let update = now
            .saturating_add(u64::from(s.remaining_ms))
            .saturating_sub(timeouts.of(s.timer))
            .min(now);
        let state = match proto {
            L4Proto::Tcp => s.state,
            _ => TcpState::Established,
        };
        if let Some(x) = tab.find_session(bi, dst4) {
            tab.set_state(x, state);
            tab.refresh(x, s.timer, update);
            return Imported::Refreshed;
        }
        if !created && !self.reserve_session() {
            return Imported::Refused(Jstat::Enomem);
        }
        tab.add_session(bi, dst4, state, s.timer, update);
        Imported::Added
    }

    /// Appends to `out` up to `room` sessions from `cur` on (40 bytes each, their remaining
    /// time at `now`), advancing `cur`. Returns how many, and whether the walk reached the
    /// end of the database. Holds one shard lock at a time.
    pub fn ss_walk(
        &self,
        cur: &mut AdCursor,
        now: u64,
        timeouts: &Timeouts,
        room: usize,
        out: &mut Vec<u8>,
    ) -> (usize, bool) {
        let mut n = 0;
        while let Some(shard) = self.shards.get(cur.shard) {
            let tab = lock(shard);
            let end = tab.session_slot_end();
            while cur.slot < end {
                if n == room {
                    return (n, false);
                }
                let x = cur.slot;
                cur.slot += 1;
                let Some(v) = tab.view(x, &self.pool6) else {
                    continue;
                };
                let remaining = u32::try_from(v.remaining(now, timeouts)).unwrap_or(u32::MAX);
                SsSession::from_view(&v, remaining).encode_into(out);
                n += 1;
            }
            cur.shard += 1;
            cur.slot = 0;
        }
        (n, true)
    }
}
