//! The SIIT translator (RFC 7915, RFC 6052, RFC 7757, RFC 6791): one instance's pipeline.
//!
//! ```text
//!   handle(pkt) ─ version 6 ─► xlat64 ─┬─ hairpin? ─► xlat46 (U-turn, RFC 7757 §4.2) ─► IPv6
//!               │                      └─────────────────────────────────────────────► IPv4
//!               └ version 4 ─► xlat46 ───────────────────────────────────────────────► IPv6
//!   failure: Drop / Untranslatable (+ the ICMP error the translator originates, in `reply`)
//! ```

use crate::config::SiitConfig;
use crate::host::Host;
use crate::offload;
use crate::packet::PacketBuf;
use crate::stats::{Jstat, Stats};
use crate::translate::icmp_error::{self, Outcome};
use crate::translate::{drop, xlat46, xlat64, Fail, Step};
use crate::verdict::Verdict;

/// A stateless IP/ICMP translator instance.
#[derive(Clone, Debug, Default)]
pub struct Siit {
    config: SiitConfig,
}

impl Siit {
    /// An instance translating with `config`.
    pub fn new(config: SiitConfig) -> Siit {
        Siit { config }
    }

    /// The configuration in use.
    pub fn config(&self) -> &SiitConfig {
        &self.config
    }

    /// Translates one packet (IPv4 or IPv6, told apart by the version nibble) in place.
    /// `reply` is cleared first; if the translator originates an ICMP error (TTL exceeded,
    /// FN/PTB, source route, segments left, ext-after-frag, zero-checksum UDP...), it is written
    /// there, addressed to the offending packet's source, in the offending packet's family.
    /// Counters: JSTAT_RECEIVED6/4, the verdict's stat (JSTAT_SUCCESS on Translated), and
    /// JSTAT_ICMP6ERR_SUCCESS/JSTAT_ICMP4ERR_SUCCESS (or _FAILURE when no source address) when
    /// a reply is written.
    ///
    /// Offloads ([`crate::offload`]): `pkt` may carry a partial checksum and be a TCP GSO
    /// super-packet; on `Translated`, `pkt.offload()` describes the translated packet (the
    /// checksum still partial, `gso_size` possibly reduced); on `Untranslatable` the bytes and
    /// offloads still describe the original. A packet that
    /// [`needs_split`](crate::offload::needs_split) is dropped (JSTAT_UNKNOWN). `reply` never
    /// carries offloads.
    pub fn handle(
        &self,
        host: &mut dyn Host,
        stats: &mut Stats,
        pkt: &mut PacketBuf,
        reply: &mut PacketBuf,
    ) -> Verdict {
        reply.clear();
        let version = pkt.bytes().first().map(|b| b >> 4);
        let is6 = match version {
            Some(6) => true,
            Some(4) => false,
            // Not IP at all: nothing we could hand back meaningfully either.
            Some(_) => return count(stats, Verdict::Drop(Jstat::Hdr4)),
            None => return count(stats, Verdict::Drop(Jstat::SkbTruncated)),
        };
        stats.inc(if is6 {
            Jstat::Received6
        } else {
            Jstat::Received4
        });
        // spec §3 manually-enabled: a disabled instance returns every packet to the kernel.
        if !self.config.globals.manually_enabled {
            return count(stats, Verdict::Untranslatable(Jstat::XlatorDisabled));
        }
        // TUN offloads (crate::offload): finish odd partial checksums, refuse what the
        // datapath should have split. Plain packets: one test.
        if let Err(stat) = offload::prepare(pkt) {
            return count(stats, Verdict::Drop(stat));
        }
        let result = if is6 {
            self.handle6(host, stats, pkt)
        } else {
            xlat46::translate(&self.config, host, pkt, false)
        };
        match result {
            Ok(()) => count(stats, Verdict::Translated),
            Err(Fail { verdict, icmp }) => {
                if let Some(err) = icmp {
                    let out = match is6 {
                        true => icmp_error::build_v6(host, pkt.bytes(), err, reply),
                        false => icmp_error::build_v4(host, pkt.bytes(), err, reply),
                    };
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
                count(stats, verdict)
            }
        }
    }

    /// IPv6 → IPv4, then the intrinsic EAM hairpin U-turn (RFC 7757 §4.2) if needed.
    fn handle6(&self, host: &mut dyn Host, stats: &mut Stats, pkt: &mut PacketBuf) -> Step<()> {
        if !xlat64::translate(&self.config, host, pkt)? {
            return Ok(());
        }
        // Jool feeds the translated packet back in as a new IPv4 packet (its own
        // JSTAT_RECEIVED4 / JSTAT_SUCCESS), then counts the IPv6 packet's success.
        stats.inc(Jstat::Received4);
        match xlat46::translate(&self.config, host, pkt, true) {
            Ok(()) => {
                stats.inc(Jstat::Success);
                Ok(())
            }
            // The buffer holds the IPv4 intermediate now: it cannot be handed back. The
            // caller counts the reason once.
            Err(Fail { verdict, .. }) => Err(drop(verdict.stat())),
        }
    }
}

/// Counts the verdict's stat and returns it.
fn count(stats: &mut Stats, v: Verdict) -> Verdict {
    stats.inc(v.stat());
    v
}
