//! The stateful NAT64 translator (RFC 6146): one instance's pipeline and state.
//!
//! ```text
//!   handle(now, pkt) ─► fragments? ─► nat64::frag (reassemble, or hold: Stolen)
//!     IPv6: determine_incoming_tuple ─► filtering_and_updating ─► compute_outgoing_tuple
//!           ─► xlat64 ─┬─ dst in pool4? ─► hairpinning: the IPv4 pipeline below ─► IPv6
//!                      └─────────────────────────────────────────────────────────► IPv4
//!     IPv4: determine_incoming_tuple ─► filtering_and_updating ─► compute_outgoing_tuple
//!           ─► xlat46 ──────────────────────────────────────────────────────────► IPv6
//!   expire(now) ─► session/BIB timers, stored SYNs, fragments ─► probes, ICMP 3/3 (emit)
//! ```
//!
//! `Nat64` is `Send + Sync`: worker threads share it by reference. The state is sharded
//! inside [`Nat64Db`]; the configuration (globals, pool4) sits behind a read-write lock that
//! packets only read. Time is an argument (`now`, ms, monotonic); log lines go to
//! [`Host::log`], dated with [`Host::wall_clock_ms`].

mod admin;
mod ss;
mod timers;

pub use ss::{SsError, SsImport};

use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard};

use crate::config::SiitConfig;
use crate::globals::Globals;
use crate::host::Host;
use crate::nat64::frag::{FragLimits, FragStore, Offer};
use crate::nat64::logging;
use crate::nat64::so_store::SO_STORED_BYTES_MAX;
use crate::nat64::{DbConfig, Events, Nat64Db, Params, Pool4, SessionView};
use crate::packet::PacketBuf;
use crate::stats::{Jstat, Stats};
use crate::steps::filtering_and_updating::Filter;
use crate::steps::hairpinning;
use crate::steps::{compute_outgoing_tuple, determine_incoming_tuple, filtering_and_updating};
use crate::translate::icmp_error::{self, Outcome};
use crate::translate::{untranslatable, xlat46, xlat64, Fail, IcmpErr, Step};
use crate::verdict::Verdict;

/// Jool's message when a NAT64 instance is created without pool6.
pub const POOL6_MANDATORY: &str = "pool6 is mandatory in NAT64 instances.";

/// What a NAT64 instance is built with.
#[derive(Clone, Debug)]
pub struct Nat64Config {
    /// Instance name (the first word of log lines).
    pub instance: String,
    /// Global keys; `pool6` is mandatory and immutable afterwards.
    pub globals: Globals,
    /// pool4 (empty: the implicit pool4, see [`Pool4::set_own_addresses`]).
    pub pool4: Pool4,
    /// Key of RFC 6056's F() and of the tables' hashes (the daemon draws it from the OS).
    pub secret: [u8; 16],
    /// Number of state shards.
    pub shards: usize,
    /// Session cap.
    pub max_sessions: usize,
    /// Fragment reassembly limits.
    pub frag: FragLimits,
}

impl Nat64Config {
    /// A configuration with default limits.
    pub fn new(globals: Globals, pool4: Pool4, secret: [u8; 16]) -> Self {
        Nat64Config {
            instance: crate::config::DEFAULT_INSTANCE_NAME.to_string(),
            globals,
            pool4,
            secret,
            shards: crate::nat64::DEFAULT_SHARDS,
            max_sessions: crate::nat64::DEFAULT_MAX_SESSIONS,
            frag: FragLimits::default(),
        }
    }
}

/// The configuration packets read (replaced under the write lock).
#[derive(Debug)]
pub(crate) struct Live {
    /// Globals, in the shape the RFC 7915 translator reads (EAMT and denylist4 stay empty).
    pub xlat: SiitConfig,
    /// The NAT64 globals the state reads.
    pub params: Params,
    /// pool4.
    pub pool4: Pool4,
}

/// Buffers the timers reuse.
#[derive(Debug, Default)]
struct Scratch {
    events: Events,
    buf: PacketBuf,
}

/// A stateful NAT64 instance.
#[derive(Debug)]
pub struct Nat64 {
    name: String,
    db: Nat64Db,
    live: RwLock<Live>,
    frags: Mutex<FragStore>,
    frag_limits: FragLimits,
    scratch: Mutex<Scratch>,
    /// Session synchronization's queue (spec §8).
    ss: Mutex<ss::SsState>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counts the verdict's stat and returns it.
fn count(stats: &mut Stats, v: Verdict) -> Verdict {
    stats.inc(v.stat());
    v
}

/// Counts an originated ICMP error.
fn count_icmp(stats: &mut Stats, is6: bool, out: Outcome) {
    let (ok, fail) = match is6 {
        true => (Jstat::Icmp6errSuccess, Jstat::Icmp6errFailure),
        false => (Jstat::Icmp4errSuccess, Jstat::Icmp4errFailure),
    };
    match out {
        Outcome::Sent => stats.inc(ok),
        Outcome::NoSource => stats.inc(fail),
        Outcome::Suppressed => {}
    }
}

/// Builds `err` about `offending` (IPv4 or IPv6, by its version) into `reply` and counts it.
fn originate(
    host: &mut dyn Host,
    stats: &mut Stats,
    offending: &[u8],
    err: IcmpErr,
    reply: &mut PacketBuf,
) {
    let is6 = offending.first().is_some_and(|b| b >> 4 == 6);
    let out = match is6 {
        true => icmp_error::build_v6(host, offending, err, reply),
        false => icmp_error::build_v4(host, offending, err, reply),
    };
    count_icmp(stats, is6, out);
}

/// Is `b` an IPv4 or IPv6 fragment (cheap pre-check, before the reassembly lock)?
fn is_fragment(b: &[u8]) -> bool {
    match b.first().map(|v| v >> 4) {
        Some(4) => b.len() >= 8 && u16::from_be_bytes([b[6], b[7]]) & 0x3fff != 0,
        Some(6) => jool_wire::ipv6::walk_chain(b, true).is_ok_and(|c| c.frag.is_some()),
        _ => false,
    }
}

impl Nat64 {
    /// A NAT64 instance. Fails with Jool's message if pool6 is unset.
    pub fn new(config: Nat64Config) -> Result<Nat64, String> {
        let Some(pool6) = config.globals.pool6 else {
            return Err(POOL6_MANDATORY.to_string());
        };
        let mut db_cfg = DbConfig::new(pool6, config.secret);
        db_cfg.shards = config.shards;
        db_cfg.max_sessions = config.max_sessions;
        let params = Params::from(&config.globals);
        let ss = Mutex::new(ss::SsState::new(&config.globals));
        Ok(Nat64 {
            name: config.instance,
            db: Nat64Db::new(&db_cfg),
            live: RwLock::new(Live {
                xlat: SiitConfig {
                    globals: config.globals,
                    ..SiitConfig::default()
                },
                params,
                pool4: config.pool4,
            }),
            frags: Mutex::new(FragStore::default()),
            frag_limits: config.frag,
            scratch: Mutex::new(Scratch::default()),
            ss,
        })
    }

    fn live(&self) -> RwLockReadGuard<'_, Live> {
        self.live.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The instance name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The state (BIB, sessions, stored SYNs), for display and session synchronization.
    pub fn db(&self) -> &Nat64Db {
        &self.db
    }

    /// Translates one packet (IPv4 or IPv6, told apart by the version nibble) in place.
    /// `now`: ms, monotonic. `mark`: the packet's mark (selects the pool4 set, spec §7.3).
    /// `reply` is cleared first; an ICMP error the translator originates (TTL, PTB/FN, ADF
    /// 3/13, simultaneous-open queue full 3/3...) is written there.
    /// Counters: JSTAT_RECEIVED6/4, the verdict's stat, JSTAT_ICMP*ERR_* for `reply`, and the
    /// gauges JSTAT_BIB_ENTRIES / JSTAT_SESSIONS (set, not added).
    pub fn handle(
        &self,
        now: u64,
        host: &mut dyn Host,
        stats: &mut Stats,
        mark: u32,
        pkt: &mut PacketBuf,
        reply: &mut PacketBuf,
    ) -> Verdict {
        reply.clear();
        let is6 = match pkt.bytes().first().map(|b| b >> 4) {
            Some(6) => true,
            Some(4) => false,
            Some(_) => return count(stats, Verdict::Drop(Jstat::Hdr4)),
            None => return count(stats, Verdict::Drop(Jstat::SkbTruncated)),
        };
        let received = if is6 {
            Jstat::Received6
        } else {
            Jstat::Received4
        };
        stats.inc(received);
        let live = self.live();
        // spec §3 manually-enabled: a disabled instance returns every packet to the kernel.
        if !live.xlat.globals.manually_enabled {
            return count(stats, Verdict::Untranslatable(Jstat::XlatorDisabled));
        }
        // TUN offloads (crate::offload): finish odd partial checksums, refuse what the
        // datapath should have split (so a partial/GSO packet is never a fragment).
        if let Err(stat) = crate::offload::prepare(pkt) {
            return count(stats, Verdict::Drop(stat));
        }
        let mut reassembled = false;
        if is_fragment(pkt.bytes()) {
            match lock(&self.frags).offer(now, &self.frag_limits, pkt) {
                Offer::Whole => {}
                Offer::Complete => reassembled = true,
                // Only its reception is counted; the datagram's verdict comes with the last one.
                Offer::Held => return Verdict::Stolen(received),
                Offer::Refused(stat) => return count(stats, Verdict::Drop(stat)),
            }
        }
        let result = match is6 {
            true => self.pipeline6(&live, now, host, stats, mark, pkt, reply, reassembled),
            false => self.pipeline4(&live, now, host, pkt, None, false),
        };
        let verdict = match result {
            Ok(()) => Verdict::Translated,
            Err(Fail { verdict, icmp }) => {
                if let Some(err) = icmp {
                    originate(host, stats, pkt.bytes(), err, reply);
                }
                verdict
            }
        };
        self.db.fill_gauges(stats);
        count(stats, verdict)
    }

    /// IPv6 → IPv4 (RFC 6146 §3.4–§3.7), then hairpinning (§3.8) if the result is for pool4.
    #[allow(clippy::too_many_arguments)]
    fn pipeline6(
        &self,
        live: &Live,
        now: u64,
        host: &mut dyn Host,
        stats: &mut Stats,
        mark: u32,
        pkt: &mut PacketBuf,
        reply: &mut PacketBuf,
        reassembled: bool,
    ) -> Step<()> {
        let inc = determine_incoming_tuple::ipv6(pkt.bytes())?;
        let filter = self.filter(live, now);
        let session = filtering_and_updating::ipv6(&filter, host, mark, &inc)?;
        self.log_created(host, live, session.as_ref());
        self.ss_note(live, host, now, session.as_ref());
        let out = compute_outgoing_tuple::ipv6(&self.db, &inc, session, reassembled)?;
        if !hairpinning::is_hairpin(&live.pool4, inc.tuple.proto, &out) {
            return xlat64::translate_nat64(&live.xlat, host, pkt, out);
        }
        // Keep what an ICMP error (or the simultaneous-open store) quotes of the original.
        let mut original = [0u8; SO_STORED_BYTES_MAX];
        let n = pkt.len().min(SO_STORED_BYTES_MAX);
        original[..n].copy_from_slice(&pkt.bytes()[..n]);
        xlat64::translate_nat64(&live.xlat, host, pkt, out)?;
        // Jool counts the IPv4 intermediate as a packet of its own.
        stats.inc(Jstat::Received4);
        match self.pipeline4(live, now, host, pkt, Some(&original[..n]), true) {
            Ok(()) => {
                stats.inc(Jstat::Success);
                Ok(())
            }
            Err(f) => {
                let f = hairpinning::second_half_failed(f);
                if let Some(err) = f.icmp {
                    originate(host, stats, &original[..n], err, reply);
                }
                Err(Fail {
                    verdict: f.verdict,
                    icmp: None,
                })
            }
        }
    }

    /// IPv4 → IPv6 (RFC 6146 §3.4–§3.7). `so_bytes`: the IPv6 original of a hairpinned
    /// packet (what a stored SYN keeps).
    fn pipeline4(
        &self,
        live: &Live,
        now: u64,
        host: &mut dyn Host,
        pkt: &mut PacketBuf,
        so_bytes: Option<&[u8]>,
        hairpin: bool,
    ) -> Step<()> {
        let inc = determine_incoming_tuple::ipv4(pkt.bytes())?;
        let filter = self.filter(live, now);
        let session = filtering_and_updating::ipv4(&filter, &inc, so_bytes.unwrap_or(pkt.bytes()))?;
        self.log_created(host, live, session.as_ref());
        self.ss_note(live, host, now, session.as_ref());
        let pool6 = live
            .xlat
            .globals
            .pool6
            .ok_or(untranslatable(Jstat::Pool6Unset))?;
        let better = live.xlat.globals.source_icmpv6_errors_better;
        let out = compute_outgoing_tuple::ipv4(&self.db, &pool6, better, &inc, session, hairpin)?;
        xlat46::translate_nat64(&live.xlat, host, pkt, out)
    }

    fn filter<'a>(&'a self, live: &'a Live, now: u64) -> Filter<'a> {
        Filter {
            db: &self.db,
            globals: &live.xlat.globals,
            params: &live.params,
            pool4: &live.pool4,
            now,
        }
    }

    /// `logging-bib` / `logging-session` lines for what a packet created.
    fn log_created(&self, host: &mut dyn Host, live: &Live, s: Option<&SessionView>) {
        let Some(s) = s else { return };
        let g = &live.xlat.globals;
        if s.created_bib && g.logging_bib {
            let line = logging::bib_line(&self.name, host.wall_clock_ms(), true, &s.bib());
            host.log(&line);
        }
        if s.created_session && g.logging_session {
            let line = logging::session_line(&self.name, host.wall_clock_ms(), true, s);
            host.log(&line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_instance_without_pool6() {
        let cfg = Nat64Config::new(Globals::default(), Pool4::new(), [0; 16]);
        assert_eq!(Nat64::new(cfg).err().as_deref(), Some(POOL6_MANDATORY));
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Nat64>();
    }

    #[test]
    fn recognizes_fragments_cheaply() {
        let mut v4 = [0u8; 20];
        v4[0] = 0x45;
        assert!(!is_fragment(&v4));
        v4[6] = 0x20; // MF
        assert!(is_fragment(&v4));
        v4[6] = 0x40; // DF only
        assert!(!is_fragment(&v4));
        assert!(!is_fragment(&[]));
    }
}
