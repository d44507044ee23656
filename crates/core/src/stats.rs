//! Jool's statistics counters (`JSTAT_*`), generated from one table.
//!
//! The same table gives the wire ID, the name printed by `stats display`, and the
//! explanation printed by `stats display --explain`. Verdict reasons are `Jstat`s, so every
//! drop or hand-back is counted exactly once, by the counter that names it.

const TC: &str = "Translations cancelled: ";

macro_rules! jstats {
    ($( $id:literal $variant:ident $name:literal $tc:ident $doc:literal ),* $(,)?) => {
        /// A statistics counter. The discriminant is Jool's wire ID (spec §6).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[allow(non_camel_case_types)]
        pub enum Jstat {
            $(
                #[doc = $doc]
                $variant = $id,
            )*
        }

        impl Jstat {
            /// Every counter, in ID order.
            pub const ALL: &'static [Jstat] = &[$(Jstat::$variant),*];

            /// Jool's name, e.g. `JSTAT_SUCCESS`.
            pub const fn name(self) -> &'static str {
                match self { $(Jstat::$variant => $name),* }
            }

            /// The explanation `stats display --explain` prints.
            pub fn explanation(self) -> String {
                match self {
                    $(Jstat::$variant => jstats!(@doc $tc $doc)),*
                }
            }
        }
    };
    (@doc tc $doc:literal) => { format!("{TC}{}", $doc) };
    (@doc no $doc:literal) => { String::from($doc) };
}

jstats! {
    1 Received6 "JSTAT_RECEIVED6" no "Total IPv6 packets received by the instance so far.",
    2 Received4 "JSTAT_RECEIVED4" no "Total IPv4 packets received by the instance so far.",
    3 Success "JSTAT_SUCCESS" no "Successful translations. (Note: 'Successful translation' does not imply that the packet was actually delivered.)",
    4 BibEntries "JSTAT_BIB_ENTRIES" no "Number of BIB entries currently held in the BIB.",
    5 Sessions "JSTAT_SESSIONS" no "Number of session entries currently held in the BIB.",
    6 Enomem "JSTAT_ENOMEM" no "Memory allocation failures.",
    7 XlatorDisabled "JSTAT_XLATOR_DISABLED" tc "Translator was manually disabled.",
    8 Pool6Unset "JSTAT_POOL6_UNSET" tc "pool6 was unset.",
    9 SkbShared "JSTAT_SKB_SHARED" tc "Packet was shared. (In the kernel, when packets are 'shared', they cannot be modified.)",
    10 L3hdrOffset "JSTAT_L3HDR_OFFSET" tc "Packet corrupted; Network header offset is not relative to skb->data.",
    11 SkbTruncated "JSTAT_SKB_TRUNCATED" tc "Packet corrupted; Data stopped in the middle of a header.",
    12 Hdr6 "JSTAT_HDR6" tc "Some IPv6 header field was bogus. (Eg. version was not 6.)",
    13 Hdr4 "JSTAT_HDR4" tc "Some IPv4 header field was bogus. (Eg. version was not 4.)",
    14 UnknownL4Proto "JSTAT_UNKNOWN_L4_PROTO" tc "Packet carried an unknown transport protocol. (Untranslatable by NAT64.)",
    15 UnknownIcmp6Type "JSTAT_UNKNOWN_ICMP6_TYPE" tc "ICMPv6 header's type and code values have no ICMPv4 counterpart.",
    16 UnknownIcmp4Type "JSTAT_UNKNOWN_ICMP4_TYPE" tc "ICMPv4 header's type and code values have no ICMPv6 counterpart.",
    17 DoubleIcmp6Error "JSTAT_DOUBLE_ICMP6_ERROR" tc "ICMPv6 error contained another ICMPv6 error. (Which is illegal.)",
    18 DoubleIcmp4Error "JSTAT_DOUBLE_ICMP4_ERROR" tc "ICMPv4 error contained another ICMPv4 error. (Which is illegal.)",
    19 UnknownProtoInner "JSTAT_UNKNOWN_PROTO_INNER" tc "ICMP error's inner packet had an unknown transport protocol. (Untranslatable by NAT64.)",
    20 HairpinLoop "JSTAT_HAIRPIN_LOOP" tc "Incoming IPv6 packet's source address matches pool6. (Only the destination address should match pool6.)\nYou have to think of the IPv4 network as an IPv6 network whose prefix is pool6. If your actual IPv6 client also has the pool6 prefix, then your setup risks IP address collision.\nEither change the client's address or fix your pool6 so it represents a unique network.",
    21 Pool6Mismatch "JSTAT_POOL6_MISMATCH" tc "IPv6 packet's destination address did not match pool6. (ie. Packet was not meant to be translated.)",
    22 Pool4Mismatch "JSTAT_POOL4_MISMATCH" tc "IPv4 packet's destination address and transport protocol did not match pool4. (ie. Packet was not meant to be translated.)\nIf the instance is a Netfilter translator, this counter increases randomly from normal operation, and is harmless.\nIf the instance is an iptables translator, this counter being positive suggests a mismatch between the IPv4 iptables rule(s) and the instance's configuration.",
    23 Icmp6Filter "JSTAT_ICMP6_FILTER" no "Packets filtered by `drop-icmpv6-info` policy.",
    24 UntranslatableDst6 "JSTAT_UNTRANSLATABLE_DST6" tc "IPv6 packet's destination address did not match pool6.",
    25 UntranslatableDst4 "JSTAT_UNTRANSLATABLE_DST4" tc "IPv4 packet's source address could not be translated with the given pool6.",
    26 F6056 "JSTAT_6056_F" tc "Unable to hash packet fields; cannot compute source port. (From my reading of the 4.15 kernel, this can only happen due to memory allocation failures, but YMMV.)",
    27 MaskDomainNotFound "JSTAT_MASK_DOMAIN_NOT_FOUND" tc "There was no pool4 entry whose protocol and mark matched the incoming IPv6 packet.",
    28 Bib6NotFound "JSTAT_BIB6_NOT_FOUND" tc "IPv6 packet did not match a BIB entry from the database, and one could not be created.",
    29 Bib4NotFound "JSTAT_BIB4_NOT_FOUND" tc "IPv4 packet did not match a BIB entry from the database.",
    30 SessionNotFound "JSTAT_SESSION_NOT_FOUND" tc "Packet was an ICMP error, but did not match a session entry from the database. (Which means that the original packet couldn't have been translated.)",
    31 Adf "JSTAT_ADF" no "Packets filtered by `address-dependent-filtering` policy.",
    32 V4Syn "JSTAT_V4_SYN" no "Packets filtered by `drop-externally-initiated-tcp` policy.",
    33 Syn6Expected "JSTAT_SYN6_EXPECTED" tc "Incoming IPv6 packet was the first of a TCP connection, but its SYN flag was disabled.",
    34 Syn4Expected "JSTAT_SYN4_EXPECTED" tc "Incoming IPv4 packet was the first of a TCP connection, but its SYN flag was disabled.",
    35 Type1Pkt "JSTAT_TYPE1PKT" no "Total number of Type 1 packets stored. (See https://github.com/NICMx/Jool/blob/584a846d09e891a0cd6342426b7a25c6478c90d6/src/mod/nat64/bib/pkt_queue.h#L77) (This counter is not decremented when a packet leaves the queue.)",
    36 Type2Pkt "JSTAT_TYPE2PKT" no "Total number of Type 2 packets stored. (See https://github.com/NICMx/Jool/blob/584a846d09e891a0cd6342426b7a25c6478c90d6/src/mod/nat64/bib/pkt_queue.h#L77) (This counter is not decremented when a packet leaves the queue.)",
    37 SoExists "JSTAT_SO_EXISTS" tc "Packet was a Simultaneous Open retry. (Client was trying to punch a hole, and was being unnecessarily greedy.)",
    38 SoFull "JSTAT_SO_FULL" tc "Packet queue was full, so the Simultaneous Open attempt was denied. (Too many clients were trying to punch holes.)",
    39 Src64 "JSTAT64_SRC" tc "IPv6 packet's source address did not match pool6 nor any EAMT entries, or the resulting address was denylist4ed.",
    40 Dst64 "JSTAT64_DST" tc "IPv6 packet's destination address did not match pool6 nor any EAMT entries, or the resulting address was denylist4ed.",
    41 PskbCopy64 "JSTAT64_PSKB_COPY" tc "It was not possible to allocate the IPv4 counterpart of the IPv6 packet. (The kernel's pskb_copy() function failed.)",
    42 Rfc6791Enoent64 "JSTAT64_6791_ENOENT" tc "The rfc6791v4 prefix was needed, but it was unset and a suitable replacement could not be found. Cause is unknown.",
    43 IcmpCsum64 "JSTAT64_ICMP_CSUM" tc "Incoming ICMPv6 error packet's checksum was incorrect.",
    44 UntranslatableParamProbPtr64 "JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR" tc "Packet was an ICMv6 Parameter Problem error message, but its pointer was untranslatable.",
    45 Ttl64 "JSTAT64_TTL" tc "IPv6 packet's Hop Limit field was 0 or 1.",
    46 FragmentedIcmp64 "JSTAT64_FRAGMENTED_ICMP" tc "Packet was a fragmented ICMPv6 message; stateless translators cannot translate its checksum.",
    47 DoubleFrag64 "JSTAT64_2XFRAG" tc "IPv6 packet had more than one Fragment header.",
    48 FragThenExt64 "JSTAT64_FRAG_THEN_EXT" tc "IPv6 packet has a Hop-by-Hop, Destination or Routing header after the Fragment header.",
    49 SegmentsLeft64 "JSTAT64_SEGMENTS_LEFT" tc "IPv6 packet had a Segments Left field, and it was nonzero.",
    50 Src46 "JSTAT46_SRC" tc "IPv4 packet's source address was denylist4ed, or did not match pool6 nor any EAMT entries.",
    51 Dst46 "JSTAT46_DST" tc "IPv4 packet's destination address was denylist4ed, or did not match pool6 nor any EAMT entries.",
    52 PskbCopy46 "JSTAT46_PSKB_COPY" tc "It was not possible to allocate the IPv6 counterpart of the IPv4 packet. (The kernel's __pskb_copy() function failed.)",
    53 Rfc6791Enoent46 "JSTAT46_6791_ENOENT" tc "The rfc6791v6 prefix was needed, but it was unset and a suitable replacement could not be found. Cause is unknown.",
    54 IcmpCsum46 "JSTAT46_ICMP_CSUM" tc "Incoming ICMPv4 error packet's checksum was incorrect.",
    55 UntranslatableParamProblemPtr46 "JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR" tc "Packet was an ICMv4 Parameter Problem error message, but its pointer was untranslatable.",
    56 Ttl46 "JSTAT46_TTL" tc "IPv4 packet's TTL field was 0 or 1.",
    57 FragmentedIcmp46 "JSTAT46_FRAGMENTED_ICMP" tc "Packet was a fragmented ICMPv4 message; stateless translators cannot translate its checksum.",
    58 SrcRoute46 "JSTAT46_SRC_ROUTE" tc "Packet had an unexpired Source Route. (Untranslatable.)",
    59 FragmentedZeroCsum46 "JSTAT46_FRAGMENTED_ZERO_CSUM" tc "IPv4 packet's UDP checksum was zero. Jool dropped the packet because --amend-udp-checksum-zero was disabled, and/or the packet was fragmented.\n(In IPv4, the UDP checksum is optional, but in IPv6 it is not. Because stateless translators do not collect fragments, they cannot compute packet-wide checksums from scratch. Zero-checksum UDP fragments are thus untranslatable.)",
    60 BadMtu46 "JSTAT46_BAD_MTU" tc "Translated packet was IPv6, but the interface through which it was routed had an illegal MTU. (< 1280)",
    61 FailedRoutes "JSTAT_FAILED_ROUTES" tc "The translated packet could not be routed; the kernel's routing function errored. Cause is unknown. (It usually happens because the packet's destination address could not be found in the routing table.)",
    62 PktTooBig "JSTAT_PKT_TOO_BIG" tc "Translated IPv4 packet did not fit in the outgoing interface's MTU. A Packet Too Big or Fragmentation Needed ICMP error was returned to the client.",
    63 DstOutput "JSTAT_DST_OUTPUT" tc "Translation was successful but the kernel's packet dispatch function (dst_output()) returned nonzero.",
    64 Icmp6errSuccess "JSTAT_ICMP6ERR_SUCCESS" no "ICMPv6 errors (created by Jool, not translated) sent successfully.",
    65 Icmp6errFailure "JSTAT_ICMP6ERR_FAILURE" no "ICMPv6 errors (created by Jool, not translated) that could not be sent.",
    66 Icmp4errSuccess "JSTAT_ICMP4ERR_SUCCESS" no "ICMPv4 errors (created by Jool, not translated) sent successfully.",
    67 Icmp4errFailure "JSTAT_ICMP4ERR_FAILURE" no "ICMPv4 errors (created by Jool, not translated) that could not be sent.",
    68 IcmpextBig "JSTAT_ICMPEXT_BIG" no "Illegal ICMP header length. (Exceeds available payload in packet.)",
    69 JooldEmpty "JSTAT_JOOLD_EMPTY" no "Session sync packet not sent: the queue was empty.",
    70 JooldTimeout "JSTAT_JOOLD_TIMEOUT" no "Session sync packet sent: the flush deadline was reached.",
    71 JooldMissingAck "JSTAT_JOOLD_MISSING_ACK" no "Session sync packet not sent: still waiting for the previous packet's ACK.",
    72 JooldAdOngoing "JSTAT_JOOLD_AD_ONGOING" no "Session sync packet sent: an advertisement is in progress.",
    73 JooldPktFull "JSTAT_JOOLD_PKT_FULL" no "Session sync packet sent: it was full.",
    74 JooldQueuing "JSTAT_JOOLD_QUEUING" no "Session sync packet not sent: there is still room in it.",
    75 JooldSssQueued "JSTAT_JOOLD_SSS_QUEUED" no "Sessions queued to be synchronized so far.",
    76 JooldSssSent "JSTAT_JOOLD_SSS_SENT" no "Sessions synchronized (sent) so far.",
    77 JooldSssRcvd "JSTAT_JOOLD_SSS_RCVD" no "Sessions received from other instances so far.",
    78 JooldSssEnospc "JSTAT_JOOLD_SSS_ENOSPC" no "Sessions dropped because the synchronization queue was full (ss-capacity).",
    79 JooldPktSent "JSTAT_JOOLD_PKT_SENT" no "Session sync packets sent so far.",
    80 JooldPktRcvd "JSTAT_JOOLD_PKT_RCVD" no "Session sync packets received so far.",
    81 JooldAds "JSTAT_JOOLD_ADS" no "Session advertisements performed so far.",
    82 JooldAcks "JSTAT_JOOLD_ACKS" no "Session sync ACKs received so far.",
    83 Unknown "JSTAT_UNKNOWN" tc "Programming error found. The module recovered, but the packet was dropped.",
    84 Padding "JSTAT_PADDING" no "Dummy; ignore this one.",
}

/// Number of counter slots (index = ID; slot 0 is unused).
pub const JSTAT_SLOTS: usize = Jstat::Padding as usize + 1;

impl Jstat {
    /// Jool's wire ID.
    pub const fn id(self) -> u8 {
        self as u8
    }

    /// The counter with this wire ID.
    pub fn from_id(id: u8) -> Option<Jstat> {
        Jstat::ALL.get(usize::from(id).checked_sub(1)?).copied()
    }

    /// The counter called `name` (`JSTAT_SUCCESS`).
    pub fn from_name(name: &str) -> Option<Jstat> {
        Jstat::ALL.iter().copied().find(|s| s.name() == name)
    }
}

/// One worker's counters. Plain integers: each worker owns its own `Stats`, and a display
/// sums them (`merge`), so the packet path never bounces a cache line between cores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    counters: [u64; JSTAT_SLOTS],
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            counters: [0; JSTAT_SLOTS],
        }
    }
}

impl Stats {
    /// Adds one to `stat`.
    #[inline]
    pub fn inc(&mut self, stat: Jstat) {
        self.counters[stat as usize] += 1;
    }

    /// Adds `n` to `stat`.
    #[inline]
    pub fn add(&mut self, stat: Jstat, n: u64) {
        self.counters[stat as usize] += n;
    }

    /// Sets a gauge (`JSTAT_BIB_ENTRIES`, `JSTAT_SESSIONS`).
    #[inline]
    pub fn set(&mut self, stat: Jstat, value: u64) {
        self.counters[stat as usize] = value;
    }

    /// The value of `stat`.
    #[inline]
    pub fn get(&self, stat: Jstat) -> u64 {
        self.counters[stat as usize]
    }

    /// Adds every counter of `other` to this one.
    pub fn merge(&mut self, other: &Stats) {
        for (a, b) in self.counters.iter_mut().zip(other.counters.iter()) {
            *a += *b;
        }
    }

    /// `(counter, value)` in ID order, JSTAT_PADDING excluded.
    pub fn iter(&self) -> impl Iterator<Item = (Jstat, u64)> + '_ {
        Jstat::ALL
            .iter()
            .copied()
            .filter(|s| *s != Jstat::Padding)
            .map(move |s| (s, self.get(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_match_the_reference() {
        for (i, s) in Jstat::ALL.iter().enumerate() {
            assert_eq!(usize::from(s.id()), i + 1, "{}", s.name());
        }
        assert_eq!(Jstat::Success.id(), 3);
        assert_eq!(Jstat::Src64.name(), "JSTAT64_SRC");
        assert_eq!(Jstat::Ttl46.id(), 56);
        assert_eq!(Jstat::Icmp4errFailure.id(), 67);
        assert_eq!(Jstat::Unknown.id(), 83);
        assert_eq!(Jstat::from_id(45), Some(Jstat::Ttl64));
        assert_eq!(Jstat::from_id(0), None);
        assert_eq!(Jstat::from_id(85), None);
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        for s in Jstat::ALL {
            assert_eq!(Jstat::from_name(s.name()), Some(*s));
        }
    }

    #[test]
    fn explanations_mark_cancelled_translations() {
        assert!(Jstat::Ttl64
            .explanation()
            .starts_with("Translations cancelled: "));
        assert!(Jstat::Success
            .explanation()
            .starts_with("Successful translations."));
    }

    #[test]
    fn stats_merge_and_iterate() {
        let mut a = Stats::default();
        let mut b = Stats::default();
        a.inc(Jstat::Success);
        b.add(Jstat::Success, 2);
        b.inc(Jstat::Received6);
        a.merge(&b);
        assert_eq!(a.get(Jstat::Success), 3);
        let nonzero: Vec<_> = a.iter().filter(|(_, v)| *v != 0).collect();
        assert_eq!(nonzero, vec![(Jstat::Received6, 1), (Jstat::Success, 3)]);
    }
}
