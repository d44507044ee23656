//! RFC 7757 Explicit Address Mapping Table.
//!
//! ```text
//!   entries (insertion order; displayed newest first, like Jool)
//!   by6: [len 128: sorted (net6, eam)] [len 64: ...] ...   longest length first
//!   by4: [len  32: sorted (net4, eam)] [len 24: ...] ...
//! ```
//! A lookup walks the lengths present, longest first, and binary-searches the masked
//! address: no allocation, O(lengths · log n). Entries never share a prefix of the same
//! length on either side, so each length holds unique keys.

use super::{mask4 as mask32, mask6 as mask128};
use crate::prefix::{Ipv4Prefix, Ipv6Prefix};
use std::net::{Ipv4Addr, Ipv6Addr};

/// One EAMT entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eam {
    /// IPv6 side.
    pub prefix6: Ipv6Prefix,
    /// IPv4 side.
    pub prefix4: Ipv4Prefix,
}

/// Why an EAMT change was refused. Display is Jool's message (spec §2.4).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EamtError {
    /// A prefix length beyond the family's maximum.
    #[error("'{len}' is out of bounds (0-{max}).")]
    BadLength {
        /// The length given.
        len: u8,
        /// 32 or 128.
        max: u8,
    },
    /// A prefix has bits set after its length.
    #[error("'{0}' seems to have a suffix; please fix.")]
    HostBits(String),
    /// The IPv4 suffix does not fit in the IPv6 suffix (RFC 7757 §3.2).
    #[error("The IPv4 suffix length must be smaller or equal than the IPv6 suffix length.")]
    SuffixLength,
    /// The very same entry is already in the table.
    #[error("The requested entry already exists.")]
    Exists,
    /// An entry already holds a prefix of the same length on one side (not overridable).
    #[error("Existing EAM [{}|{}] already contains prefix {prefix}.", .existing.prefix6, .existing.prefix4)]
    Collision {
        /// The entry in the way.
        existing: Eam,
        /// The requested prefix that collides (either family), as text.
        prefix: String,
    },
    /// A prefix overlaps an entry of a different length (overridable with `--force`).
    #[error("Prefix {prefix} overlaps with EAM [{}|{}].\n(Use --force to override this validation.)", .existing.prefix6, .existing.prefix4)]
    Overlap {
        /// The requested prefix that overlaps (either family), as text.
        prefix: String,
        /// The entry it overlaps.
        existing: Eam,
    },
    /// `remove` found no entry with the requested prefix (or, given both prefixes, they
    /// belong to different entries).
    #[error("The requested entry does not exist.")]
    NotFound,
    /// `remove` got neither prefix.
    #[error("The command is missing an IPv6 prefix and an IPv4 prefix.")]
    MissingPrefixes,
}

/// The entries sharing one prefix length, sorted by network.
#[derive(Clone, Debug)]
struct Level<K> {
    len: u8,
    items: Vec<(K, Eam)>,
}

/// The table.
#[derive(Clone, Debug, Default)]
pub struct Eamt {
    entries: Vec<Eam>,
    by6: Vec<Level<u128>>,
    by4: Vec<Level<u32>>,
}

fn key6(p: &Ipv6Prefix) -> u128 {
    u128::from(p.addr) & mask128(p.len)
}

fn key4(p: &Ipv4Prefix) -> u32 {
    u32::from(p.addr) & mask32(p.len)
}

fn level_get<K: Ord + Copy>(levels: &[Level<K>], len: u8, key: K) -> Option<&Eam> {
    let level = levels.iter().find(|l| l.len == len)?;
    let i = level.items.binary_search_by(|(k, _)| k.cmp(&key)).ok()?;
    level.items.get(i).map(|(_, e)| e)
}

fn level_insert<K: Ord + Copy>(levels: &mut Vec<Level<K>>, len: u8, key: K, eam: Eam) {
    let li = match levels.binary_search_by(|l| len.cmp(&l.len)) {
        Ok(i) => i,
        Err(i) => {
            levels.insert(
                i,
                Level {
                    len,
                    items: Vec::new(),
                },
            );
            i
        }
    };
    if let Some(level) = levels.get_mut(li) {
        let at = level.items.partition_point(|(k, _)| *k < key);
        level.items.insert(at, (key, eam));
    }
}

fn level_remove<K: Ord + Copy>(levels: &mut Vec<Level<K>>, len: u8, key: K) {
    if let Some(li) = levels.iter().position(|l| l.len == len) {
        if let Some(level) = levels.get_mut(li) {
            if let Ok(i) = level.items.binary_search_by(|(k, _)| k.cmp(&key)) {
                level.items.remove(i);
            }
            if level.items.is_empty() {
                levels.remove(li);
            }
        }
    }
}

/// Some entry of a different length than `len` sharing addresses with `[key, last]`.
///
/// Like Jool, the longest entry containing the network address `key` is reported first;
/// then (which Jool misses) any longer entry lying inside the new prefix elsewhere.
fn level_overlap<K>(
    levels: &[Level<K>],
    len: u8,
    key: K,
    mask: fn(u8) -> K,
    last: K,
) -> Option<&Eam>
where
    K: Ord + Copy + std::ops::BitAnd<Output = K>,
{
    let containing = levels.iter().filter(|l| l.len != len).find_map(|level| {
        let k = key & mask(level.len);
        let i = level.items.binary_search_by(|(x, _)| x.cmp(&k)).ok()?;
        level.items.get(i).map(|(_, e)| e)
    });
    containing.or_else(|| {
        levels.iter().filter(|l| l.len > len).find_map(|level| {
            let i = level.items.partition_point(|(x, _)| *x < key);
            match level.items.get(i) {
                Some((x, e)) if *x <= last => Some(e),
                _ => None,
            }
        })
    })
}

/// The `n` bits of `addr` starting at bit `start` (0 = most significant), right-aligned.
#[inline]
fn bits128(addr: u128, start: u8, n: u8) -> u128 {
    if n == 0 {
        return 0;
    }
    addr.checked_shl(u32::from(start)).unwrap_or(0) >> (128 - u32::from(n))
}

impl Eam {
    /// RFC 7757 §3.2: the IPv4 image of `addr` (which must be inside `prefix6`): the
    /// `32 - prefix4.len` bits right after the IPv6 prefix become the IPv4 suffix; further
    /// IPv6 suffix bits are ignored.
    pub fn addr_6to4(&self, addr: Ipv6Addr) -> Ipv4Addr {
        let n = 32 - self.prefix4.len.min(32);
        let suffix = bits128(u128::from(addr), self.prefix6.len, n) as u32;
        Ipv4Addr::from(key4(&self.prefix4) | (suffix & !mask32(self.prefix4.len)))
    }

    /// RFC 7757 §3.3: the IPv6 image of `addr` (which must be inside `prefix4`): the IPv4
    /// suffix bits are copied right after the IPv6 prefix; remaining bits are zero.
    pub fn addr_4to6(&self, addr: Ipv4Addr) -> Ipv6Addr {
        let n = 32 - u32::from(self.prefix4.len.min(32));
        let suffix = u128::from(u32::from(addr) & !mask32(self.prefix4.len));
        let shift = 128u32.saturating_sub(u32::from(self.prefix6.len) + n);
        let placed = suffix.checked_shl(shift).unwrap_or(0) & !mask128(self.prefix6.len);
        Ipv6Addr::from(key6(&self.prefix6) | placed)
    }
}

impl Eamt {
    /// An empty table.
    pub fn new() -> Self {
        Eamt::default()
    }

    /// The entry whose IPv6 prefix is the longest match for `addr`.
    pub fn lookup6(&self, addr: Ipv6Addr) -> Option<&Eam> {
        let a = u128::from(addr);
        self.by6.iter().find_map(|level| {
            let k = a & mask128(level.len);
            let i = level.items.binary_search_by(|(x, _)| x.cmp(&k)).ok()?;
            level.items.get(i).map(|(_, e)| e)
        })
    }

    /// The entry whose IPv4 prefix is the longest match for `addr`.
    pub fn lookup4(&self, addr: Ipv4Addr) -> Option<&Eam> {
        let a = u32::from(addr);
        self.by4.iter().find_map(|level| {
            let k = a & mask32(level.len);
            let i = level.items.binary_search_by(|(x, _)| x.cmp(&k)).ok()?;
            level.items.get(i).map(|(_, e)| e)
        })
    }

    /// Longest-prefix match on the IPv6 side; suffix bits copied (RFC 7757 §3.2).
    pub fn translate_6to4(&self, addr: Ipv6Addr) -> Option<Ipv4Addr> {
        self.lookup6(addr).map(|eam| eam.addr_6to4(addr))
    }

    /// Longest-prefix match on the IPv4 side; suffix bits copied.
    pub fn translate_4to6(&self, addr: Ipv4Addr) -> Option<Ipv6Addr> {
        self.lookup4(addr).map(|eam| eam.addr_4to6(addr))
    }

    /// Is `addr` inside some entry's IPv4 prefix?
    pub fn contains4(&self, addr: Ipv4Addr) -> bool {
        self.lookup4(addr).is_some()
    }

    /// Is `addr` inside some entry's IPv6 prefix?
    pub fn contains6(&self, addr: Ipv6Addr) -> bool {
        self.lookup6(addr).is_some()
    }

    /// Adds an entry (spec §2.4 validation). `force` only relaxes the overlap check.
    pub fn add(
        &mut self,
        prefix6: Ipv6Prefix,
        prefix4: Ipv4Prefix,
        force: bool,
    ) -> Result<(), EamtError> {
        if prefix6.len > 128 {
            return Err(EamtError::BadLength {
                len: prefix6.len,
                max: 128,
            });
        }
        if prefix4.len > 32 {
            return Err(EamtError::BadLength {
                len: prefix4.len,
                max: 32,
            });
        }
        if prefix6.has_host_bits() {
            return Err(EamtError::HostBits(prefix6.to_string()));
        }
        if prefix4.has_host_bits() {
            return Err(EamtError::HostBits(prefix4.to_string()));
        }
        // RFC 7757 §3.2: every IPv4 suffix bit needs room in the IPv6 suffix.
        if 32 - u32::from(prefix4.len) > 128 - u32::from(prefix6.len) {
            return Err(EamtError::SuffixLength);
        }
        let (k6, k4) = (key6(&prefix6), key4(&prefix4));
        let new = Eam { prefix6, prefix4 };
        // IPv6 side first, then IPv4, as Jool does.
        if let Some(existing) = level_get(&self.by6, prefix6.len, k6) {
            if *existing == new {
                return Err(EamtError::Exists);
            }
            return Err(EamtError::Collision {
                existing: *existing,
                prefix: prefix6.to_string(),
            });
        }
        if !force {
            if let Some(existing) = level_overlap(
                &self.by6,
                prefix6.len,
                k6,
                mask128,
                k6 | !mask128(prefix6.len),
            ) {
                return Err(EamtError::Overlap {
                    prefix: prefix6.to_string(),
                    existing: *existing,
                });
            }
        }
        if let Some(existing) = level_get(&self.by4, prefix4.len, k4) {
            return Err(EamtError::Collision {
                existing: *existing,
                prefix: prefix4.to_string(),
            });
        }
        if !force {
            if let Some(existing) = level_overlap(
                &self.by4,
                prefix4.len,
                k4,
                mask32,
                k4 | !mask32(prefix4.len),
            ) {
                return Err(EamtError::Overlap {
                    prefix: prefix4.to_string(),
                    existing: *existing,
                });
            }
        }
        level_insert(&mut self.by6, prefix6.len, k6, new);
        level_insert(&mut self.by4, prefix4.len, k4, new);
        self.entries.push(new);
        Ok(())
    }

    /// Removes the entry with exactly `prefix6` and/or exactly `prefix4`; with both, they
    /// must belong to the same entry.
    pub fn remove(
        &mut self,
        prefix6: Option<Ipv6Prefix>,
        prefix4: Option<Ipv4Prefix>,
    ) -> Result<(), EamtError> {
        let found = match (prefix6, prefix4) {
            (None, None) => return Err(EamtError::MissingPrefixes),
            (Some(p6), None) => level_get(&self.by6, p6.len, key6(&p6)).copied(),
            (None, Some(p4)) => level_get(&self.by4, p4.len, key4(&p4)).copied(),
            (Some(p6), Some(p4)) => {
                let by6 = level_get(&self.by6, p6.len, key6(&p6)).copied();
                let by4 = level_get(&self.by4, p4.len, key4(&p4)).copied();
                match (by6, by4) {
                    (Some(a), Some(b)) if a == b => Some(a),
                    _ => None,
                }
            }
        };
        let eam = found.ok_or(EamtError::NotFound)?;
        level_remove(&mut self.by6, eam.prefix6.len, key6(&eam.prefix6));
        level_remove(&mut self.by4, eam.prefix4.len, key4(&eam.prefix4));
        self.entries.retain(|e| *e != eam);
        Ok(())
    }

    /// Removes every entry.
    pub fn flush(&mut self) {
        self.entries.clear();
        self.by6.clear();
        self.by4.clear();
    }

    /// The entries in Jool's display order: most recently added first.
    pub fn iter(&self) -> impl Iterator<Item = &Eam> + '_ {
        self.entries.iter().rev()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Is the table empty?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p6(s: &str) -> Ipv6Prefix {
        s.parse().unwrap()
    }
    fn p4(s: &str) -> Ipv4Prefix {
        s.parse().unwrap()
    }
    fn a6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }
    fn a4(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }
    fn table(entries: &[(&str, &str)]) -> Eamt {
        let mut t = Eamt::new();
        for (a, b) in entries {
            t.add(p6(a), p4(b), true).unwrap();
        }
        t
    }

    #[test]
    fn translates_rfc7757_example_both_ways() {
        // RFC 7757 §3.3 style: 192.0.2.0/24 <-> 2001:db8:aaaa::/120.
        let t = table(&[("2001:db8:aaaa::/120", "192.0.2.0/24")]);
        assert_eq!(
            t.translate_4to6(a4("192.0.2.1")),
            Some(a6("2001:db8:aaaa::1"))
        );
        assert_eq!(
            t.translate_6to4(a6("2001:db8:aaaa::ff")),
            Some(a4("192.0.2.255"))
        );
        assert_eq!(t.translate_4to6(a4("192.0.3.1")), None);
        assert_eq!(t.translate_6to4(a6("2001:db8:aaab::1")), None);
    }

    #[test]
    fn translates_spec_address_query_example() {
        let t = table(&[("64:ff9b::/127", "192.0.2.224/31")]);
        assert_eq!(t.translate_4to6(a4("192.0.2.225")), Some(a6("64:ff9b::1")));
        assert_eq!(t.translate_6to4(a6("64:ff9b::1")), Some(a4("192.0.2.225")));
    }

    #[test]
    fn places_ipv4_suffix_right_after_ipv6_prefix() {
        // IPv6 suffix (64 bits) longer than the IPv4 suffix (8 bits).
        let t = table(&[("2001:db8:dddd::/64", "192.0.2.0/24")]);
        assert_eq!(
            t.translate_4to6(a4("192.0.2.171")),
            Some(a6("2001:db8:dddd:0:ab00::"))
        );
        // Extra low bits are ignored 6→4.
        assert_eq!(
            t.translate_6to4(a6("2001:db8:dddd:0:abff:1:2:3")),
            Some(a4("192.0.2.171"))
        );
    }

    #[test]
    fn copies_suffix_at_bit_granularity() {
        // /26 IPv4 suffix (6 bits) after a /61 IPv6 prefix: bits 61..67.
        let t = table(&[("2001:db8:0:8::/61", "192.0.2.128/26")]);
        // 192.0.2.191 → suffix 0b111111 → bits 61–63 of word 3 (0b111) and 64–66 (0b111).
        let v6 = t.translate_4to6(a4("192.0.2.191")).unwrap();
        assert_eq!(v6, a6("2001:db8:0:f:e000::"));
        assert_eq!(t.translate_6to4(v6), Some(a4("192.0.2.191")));
    }

    #[test]
    fn maps_single_addresses_and_whole_space() {
        let t = table(&[("2001:db8:aaaa::/128", "192.0.2.1/32")]);
        assert_eq!(
            t.translate_4to6(a4("192.0.2.1")),
            Some(a6("2001:db8:aaaa::"))
        );
        assert_eq!(
            t.translate_6to4(a6("2001:db8:aaaa::")),
            Some(a4("192.0.2.1"))
        );
        let t = table(&[("::/96", "0.0.0.0/0")]);
        assert_eq!(
            t.translate_4to6(a4("203.0.113.9")),
            Some(a6("::203.0.113.9"))
        );
        assert_eq!(
            t.translate_6to4(a6("::203.0.113.9")),
            Some(a4("203.0.113.9"))
        );
    }

    #[test]
    fn prefers_longest_prefix_on_each_side() {
        let mut t = Eamt::new();
        t.add(p6("2001:db8::/120"), p4("192.0.2.0/24"), false)
            .unwrap();
        t.add(p6("2001:db8:1::/128"), p4("192.0.2.7/32"), true)
            .unwrap();
        assert_eq!(t.translate_4to6(a4("192.0.2.7")), Some(a6("2001:db8:1::")));
        assert_eq!(t.translate_4to6(a4("192.0.2.8")), Some(a6("2001:db8::8")));
        assert_eq!(t.translate_6to4(a6("2001:db8::7")), Some(a4("192.0.2.7")));
        assert!(t.contains4(a4("192.0.2.200")));
        assert!(!t.contains4(a4("192.0.3.0")));
        assert!(t.contains6(a6("2001:db8:1::")));
        assert!(!t.contains6(a6("2001:db8:1::1")));
    }

    #[test]
    fn rejects_host_bits_and_short_ipv6_suffix() {
        let mut t = Eamt::new();
        assert_eq!(
            t.add(p6("2001:db8::1/120"), p4("192.0.2.0/24"), false)
                .unwrap_err()
                .to_string(),
            "'2001:db8::1/120' seems to have a suffix; please fix."
        );
        assert_eq!(
            t.add(p6("2001:db8::/120"), p4("192.0.2.1/24"), true)
                .unwrap_err()
                .to_string(),
            "'192.0.2.1/24' seems to have a suffix; please fix."
        );
        assert_eq!(
            t.add(p6("2001:db8::/121"), p4("192.0.2.0/24"), true)
                .unwrap_err()
                .to_string(),
            "The IPv4 suffix length must be smaller or equal than the IPv6 suffix length."
        );
        let long6 = Ipv6Prefix {
            addr: Ipv6Addr::UNSPECIFIED,
            len: 129,
        };
        assert_eq!(
            t.add(long6, p4("192.0.2.0/24"), true),
            Err(EamtError::BadLength { len: 129, max: 128 })
        );
        let long4 = Ipv4Prefix {
            addr: Ipv4Addr::UNSPECIFIED,
            len: 33,
        };
        assert_eq!(
            t.add(p6("2001:db8::/120"), long4, true)
                .unwrap_err()
                .to_string(),
            "'33' is out of bounds (0-32)."
        );
        assert!(t.is_empty());
    }

    #[test]
    fn rejects_duplicates_and_same_length_collisions() {
        let mut t = table(&[("2001:db8::/120", "192.0.2.0/24")]);
        assert_eq!(
            t.add(p6("2001:db8::/120"), p4("192.0.2.0/24"), true),
            Err(EamtError::Exists)
        );
        assert_eq!(
            t.add(p6("2001:db8::/120"), p4("198.51.100.0/24"), true)
                .unwrap_err()
                .to_string(),
            "Existing EAM [2001:db8::/120|192.0.2.0/24] already contains prefix 2001:db8::/120."
        );
        assert_eq!(
            t.add(p6("2001:db8:1::/120"), p4("192.0.2.0/24"), true)
                .unwrap_err()
                .to_string(),
            "Existing EAM [2001:db8::/120|192.0.2.0/24] already contains prefix 192.0.2.0/24."
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn rejects_overlap_unless_forced() {
        let mut t = table(&[("2001:db8::/120", "192.0.2.0/24")]);
        assert_eq!(
            t.add(p6("2001:db8::/124"), p4("198.51.100.0/28"), false)
                .unwrap_err()
                .to_string(),
            "Prefix 2001:db8::/124 overlaps with EAM [2001:db8::/120|192.0.2.0/24].\n\
             (Use --force to override this validation.)"
        );
        // New prefix containing an existing, longer one.
        assert_eq!(
            t.add(p6("2001:db8:1::/112"), p4("192.0.0.0/16"), false)
                .unwrap_err()
                .to_string(),
            "Prefix 192.0.0.0/16 overlaps with EAM [2001:db8::/120|192.0.2.0/24].\n\
             (Use --force to override this validation.)"
        );
        t.add(p6("2001:db8:1::/112"), p4("192.0.0.0/16"), true)
            .unwrap();
        assert!(t
            .add(p6("2001:db8:2::/120"), p4("198.51.100.0/24"), false)
            .is_ok());
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn removes_by_either_prefix_or_both() {
        let mut t = table(&[
            ("2001:db8:1::/120", "192.0.2.0/24"),
            ("2001:db8:2::/120", "198.51.100.0/24"),
            ("2001:db8:3::/120", "203.0.113.0/24"),
        ]);
        t.remove(Some(p6("2001:db8:1::/120")), None).unwrap();
        assert!(!t.contains4(a4("192.0.2.1")));
        t.remove(None, Some(p4("198.51.100.0/24"))).unwrap();
        assert!(!t.contains6(a6("2001:db8:2::1")));
        // Both prefixes must belong to the same entry.
        t.add(p6("2001:db8:1::/120"), p4("192.0.2.0/24"), false)
            .unwrap();
        assert_eq!(
            t.remove(Some(p6("2001:db8:3::/120")), Some(p4("192.0.2.0/24"))),
            Err(EamtError::NotFound)
        );
        t.remove(Some(p6("2001:db8:1::/120")), None).unwrap();
        t.remove(Some(p6("2001:db8:3::/120")), Some(p4("203.0.113.0/24")))
            .unwrap();
        assert!(t.is_empty());
        assert_eq!(
            t.remove(Some(p6("2001:db8:3::/120")), None)
                .unwrap_err()
                .to_string(),
            "The requested entry does not exist."
        );
        assert_eq!(t.remove(None, None), Err(EamtError::MissingPrefixes));
        assert_eq!(t.translate_4to6(a4("203.0.113.1")), None);
    }

    #[test]
    fn remove_needs_exact_prefix() {
        let mut t = table(&[("2001:db8::/120", "192.0.2.0/24")]);
        assert_eq!(
            t.remove(Some(p6("2001:db8::/121")), None),
            Err(EamtError::NotFound)
        );
        assert_eq!(
            t.remove(None, Some(p4("192.0.2.0/25"))),
            Err(EamtError::NotFound)
        );
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn iterates_newest_first_like_jool_and_flushes() {
        let mut t = table(&[
            ("2001:db8:aaaa::/128", "192.0.2.1/32"),
            ("2001:db8:dddd::/64", "192.0.2.128/26"),
            ("64:ff9b::/127", "192.0.2.192/31"),
        ]);
        let v4: Vec<String> = t.iter().map(|e| e.prefix4.to_string()).collect();
        // The order of the spec §2.4 display sample.
        assert_eq!(v4, ["192.0.2.192/31", "192.0.2.128/26", "192.0.2.1/32"]);
        t.flush();
        assert!(t.is_empty());
        assert_eq!(t.len(), 0);
        assert!(!t.contains4(a4("192.0.2.1")));
        assert!(t
            .add(p6("2001:db8:aaaa::/128"), p4("192.0.2.1/32"), false)
            .is_ok());
    }

    #[test]
    fn lookups_scale_to_thousands_of_entries() {
        let mut t = Eamt::new();
        for i in 0..4096u32 {
            let v4 = Ipv4Prefix::new(Ipv4Addr::from(0xc612_0000 | i), 32);
            let v6 = Ipv6Prefix::new(Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(i)), 128);
            t.add(v6, v4, false).unwrap();
        }
        assert_eq!(t.len(), 4096);
        assert_eq!(
            t.translate_4to6(Ipv4Addr::from(0xc612_0fff)),
            Some(a6("2001:db8::fff"))
        );
        assert_eq!(
            t.translate_6to4(a6("2001:db8::123")),
            Some(Ipv4Addr::from(0xc612_0123))
        );
        assert_eq!(t.translate_6to4(a6("2001:db8::1000")), None);
    }
}
