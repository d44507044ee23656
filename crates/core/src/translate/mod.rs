//! RFC 7915: the stateless IP/ICMP translation of one packet, in place.
//!
//! ```text
//!   xlat64 (RFC 7915 §5)              xlat46 (RFC 7915 §4)
//!     parse + validate                  parse + validate
//!     addr_xlat (EAMT, pool6, 6791)     addr_xlat (scope, EAMT, denylist4, pool6, 6791)
//!     size / TTL / header checks        size / TTL / option checks
//!     icmp64 (§5.2, §5.3)               icmp46 (§4.2, §4.3)
//!     ── nothing written until here ──  ── nothing written until here ──
//!     rewrite in place (csum, rfc4884)  rewrite in place (csum, rfc4884)
//! ```
//!
//! Every check runs before the first byte is written, so a packet handed back to the kernel
//! (`Verdict::Untranslatable`) or dropped is still exactly the packet that arrived; the ICMP
//! errors the translator originates (`icmp_error`) quote it from the untouched buffer.

pub mod addr_xlat;
pub mod csum;
pub mod icmp46;
pub mod icmp64;
pub mod icmp_error;
pub mod outgoing;
pub mod rfc4884;
pub mod xlat46;
pub mod xlat64;

use crate::stats::Jstat;
use crate::verdict::Verdict;

/// An ICMP error the translator itself originates (spec §7.4); Jool's `ICMPERR_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpErr {
    /// TTL / Hop Limit exceeded in transit (RFC 7915 §4.1, §5.1).
    Ttl,
    /// Fragmentation Needed (ICMPv4 3/4) / Packet Too Big (ICMPv6 2/0) with this MTU.
    FragNeeded(u32),
    /// Erroneous header field (ICMPv4 12/0, ICMPv6 4/0) with this pointer (RFC 7915 §5.1).
    HdrField(u32),
    /// Source Route Failed, ICMPv4 3/5 (RFC 7915 §4.1).
    SrcRoute,
    /// Communication administratively prohibited (ICMPv4 3/13, ICMPv6 1/1).
    Filter,
    /// Port Unreachable (ICMPv4 3/3, ICMPv6 1/4): NAT64's answer to a simultaneous-open SYN
    /// that could not be kept or was never answered (RFC 6146 §3.5.2.2).
    PortUnreach,
}

impl IcmpErr {
    /// ICMPv4 (type, code, bytes 4..8 of the header).
    pub fn v4(self) -> (u8, u8, u32) {
        match self {
            IcmpErr::Ttl => (11, 0, 0),
            // RFC 1191 §4: Next-Hop MTU in the low-order 16 bits.
            IcmpErr::FragNeeded(mtu) => (3, 4, mtu.min(0xffff)),
            // RFC 792: the pointer is the first byte.
            IcmpErr::HdrField(ptr) => (12, 0, (ptr & 0xff) << 24),
            IcmpErr::SrcRoute => (3, 5, 0),
            IcmpErr::Filter => (3, 13, 0),
            IcmpErr::PortUnreach => (3, 3, 0),
        }
    }

    /// ICMPv6 (type, code, bytes 4..8 of the header).
    pub fn v6(self) -> (u8, u8, u32) {
        match self {
            IcmpErr::Ttl => (3, 0, 0),
            IcmpErr::FragNeeded(mtu) => (2, 0, mtu),
            IcmpErr::HdrField(ptr) => (4, 0, ptr),
            // Never raised for IPv6 packets (IPv6 has no source-route option to fail).
            IcmpErr::SrcRoute => (1, 0, 0),
            IcmpErr::Filter => (1, 1, 0),
            IcmpErr::PortUnreach => (1, 4, 0),
        }
    }
}

/// Why a translation stopped: the verdict (with its counter) and the error to send back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fail {
    /// `Drop` or `Untranslatable`.
    pub verdict: Verdict,
    /// The ICMP error to originate toward the packet's source, if any.
    pub icmp: Option<IcmpErr>,
}

/// A translation step: `Err` stops the translation.
pub type Step<T> = Result<T, Fail>;

/// Drop the packet, counting `stat`.
pub fn drop(stat: Jstat) -> Fail {
    Fail {
        verdict: Verdict::Drop(stat),
        icmp: None,
    }
}

/// Drop the packet, counting `stat`, and answer the sender with `err` (Jool's `drop_icmp`).
pub fn drop_icmp(stat: Jstat, err: IcmpErr) -> Fail {
    Fail {
        verdict: Verdict::Drop(stat),
        icmp: Some(err),
    }
}

/// Hand the packet back to the kernel unchanged, counting `stat`.
pub fn untranslatable(stat: Jstat) -> Fail {
    Fail {
        verdict: Verdict::Untranslatable(stat),
        icmp: None,
    }
}

/// RFC 7915 §4.1 / §5.1: the translator is a router; it refuses a packet that arrived with a
/// TTL / hop limit of 0 or 1, and otherwise decrements it. Returns the value to write in the
/// translated header, `None` when the packet expired. `read` is the value in the packet as the
/// translator got it; the daemon's kernel may have spent a hop before the translator
/// ([`Host::hop_spent_before`]) and may spend one after it ([`Host::hop_spent_after`]).
pub(crate) fn next_hop_ttl(host: &dyn crate::host::Host, read: u8) -> Option<u8> {
    let arrived = read.saturating_add(u8::from(host.hop_spent_before()));
    if arrived <= 1 {
        return None;
    }
    // Jool writes `arrived - 1`; give back the hop the kernel will take after us.
    Some(arrived - 1 + u8::from(host.hop_spent_after()))
}

/// Maps a wire parsing error of an IPv6 packet to its counter.
pub(crate) fn err6(e: jool_wire::Error) -> Fail {
    drop(match e {
        jool_wire::Error::Truncated => Jstat::SkbTruncated,
        jool_wire::Error::DoubleFragment => Jstat::DoubleFrag64,
        _ => Jstat::Hdr6,
    })
}

/// Maps a wire parsing error of an IPv4 packet to its counter.
pub(crate) fn err4(e: jool_wire::Error) -> Fail {
    drop(match e {
        jool_wire::Error::Truncated => Jstat::SkbTruncated,
        _ => Jstat::Hdr4,
    })
}

/// RFC 7915 §4.4 / §5.4: translated ICMPv4 errors are at most 576 bytes long.
pub const MAX_ICMP4_ERROR: usize = 576;
/// RFC 7915 §4.4 / §5.4: translated ICMPv6 errors are at most 1280 bytes long (IPv6 minimum MTU).
pub const MAX_ICMP6_ERROR: usize = 1280;
/// IPv6 minimum MTU (RFC 8200 §5).
pub const IPV6_MIN_MTU: u32 = 1280;
/// RFC 7915 §5.1 (as updated by RFC 8021): DF is set on IPv4 packets larger than this.
pub const DF_THRESHOLD: usize = 1260;

/// Hand the packet back if `stat` is one of NAT64's "not for me" reasons, else drop it —
/// with the ICMP error RFC 6146 asks for (ADF: 3/13; simultaneous-open queue full: 3/3).
pub fn nat64_fail(stat: Jstat) -> Fail {
    match stat {
        Jstat::Pool6Mismatch
        | Jstat::Pool4Mismatch
        | Jstat::Bib4NotFound
        | Jstat::SessionNotFound
        | Jstat::UnknownL4Proto
        | Jstat::UnknownProtoInner
        | Jstat::UnknownIcmp6Type
        | Jstat::UnknownIcmp4Type
        | Jstat::XlatorDisabled => untranslatable(stat),
        Jstat::Adf => drop_icmp(stat, IcmpErr::Filter),
        Jstat::SoFull => drop_icmp(stat, IcmpErr::PortUnreach),
        _ => drop(stat),
    }
}

/// Reads a big-endian u16 at `off`, zero if out of bounds.
pub(crate) fn be16(b: &[u8], off: usize) -> u16 {
    match b.get(off..off + 2) {
        Some(s) => u16::from_be_bytes([s[0], s[1]]),
        None => 0,
    }
}

/// Writes a big-endian u16 at `off` if in bounds.
pub(crate) fn put16(b: &mut [u8], off: usize, v: u16) {
    if let Some(s) = b.get_mut(off..off + 2) {
        s.copy_from_slice(&v.to_be_bytes());
    }
}

/// Writes a big-endian u32 at `off` if in bounds.
pub(crate) fn put32(b: &mut [u8], off: usize, v: u32) {
    if let Some(s) = b.get_mut(off..off + 4) {
        s.copy_from_slice(&v.to_be_bytes());
    }
}

#[cfg(test)]
mod tests46;
#[cfg(test)]
mod tests64;
#[cfg(test)]
mod tests_icmp;
#[cfg(test)]
mod tests_robust;
#[cfg(test)]
mod testutil;
