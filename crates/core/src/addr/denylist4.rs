//! denylist4: IPv4 addresses that pool6 must not translate (spec §2.5).

use crate::prefix::Ipv4Prefix;
use std::net::Ipv4Addr;

/// Why a denylist4 change was refused. Display is Jool's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denylist4Error {
    /// Host bits set, or a subnet-scoped network without `--force`.
    #[error("{0}")]
    Invalid(String),
    /// `remove` found no identical entry.
    #[error("Could not find the requested entry in the IPv4 pool.")]
    NotFound,
}

/// The denylist, in insertion order.
#[derive(Clone, Debug, Default)]
pub struct Denylist4 {
    entries: Vec<Ipv4Prefix>,
}

impl Denylist4 {
    /// An empty denylist.
    pub fn new() -> Self {
        Denylist4::default()
    }

    /// Is `addr` inside some entry?
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.entries.iter().any(|p| p.contains(addr))
    }

    /// Appends `prefix`. Host bits are rejected; prefixes intersecting subnet-scoped
    /// networks are rejected unless `force`. Duplicates are accepted (as Jool does).
    pub fn add(&mut self, prefix: Ipv4Prefix, force: bool) -> Result<(), Denylist4Error> {
        super::validate_no_host_bits4(&prefix).map_err(Denylist4Error::Invalid)?;
        super::validate_scope4(&prefix, force).map_err(Denylist4Error::Invalid)?;
        self.entries.push(prefix);
        Ok(())
    }

    /// Removes the first entry equal to `prefix` (exact match).
    pub fn remove(&mut self, prefix: Ipv4Prefix) -> Result<(), Denylist4Error> {
        let i = self
            .entries
            .iter()
            .position(|p| *p == prefix)
            .ok_or(Denylist4Error::NotFound)?;
        self.entries.remove(i);
        Ok(())
    }

    /// Removes every entry.
    pub fn flush(&mut self) {
        self.entries.clear();
    }

    /// The entries, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Ipv4Prefix> + '_ {
        self.entries.iter()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Is the denylist empty?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p4(s: &str) -> Ipv4Prefix {
        s.parse().unwrap()
    }

    #[test]
    fn contains_addresses_of_added_prefixes() {
        let mut d = Denylist4::new();
        d.add(p4("192.0.2.0/28"), false).unwrap();
        d.add(p4("198.51.100.0/30"), false).unwrap();
        assert!(d.contains("192.0.2.15".parse().unwrap()));
        assert!(!d.contains("192.0.2.16".parse().unwrap()));
        assert!(d.contains("198.51.100.3".parse().unwrap()));
    }

    #[test]
    fn keeps_insertion_order_and_duplicates() {
        let mut d = Denylist4::new();
        for p in ["198.51.100.0/30", "192.0.2.0/28", "198.51.100.0/30"] {
            d.add(p4(p), false).unwrap();
        }
        let got: Vec<String> = d.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, ["198.51.100.0/30", "192.0.2.0/28", "198.51.100.0/30"]);
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn rejects_scoped_networks_unless_forced() {
        let mut d = Denylist4::new();
        assert_eq!(
            d.add(p4("224.0.0.0/8"), false).unwrap_err().to_string(),
            "Prefix 224.0.0.0/8 intersects with subnet scoped network 224.0.0.0/4.\n\
             Will cancel the operation. Use --force to ignore this validation."
        );
        assert!(d.is_empty());
        d.add(p4("224.0.0.0/8"), true).unwrap();
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn rejects_host_bits() {
        let mut d = Denylist4::new();
        assert_eq!(
            d.add(p4("192.0.2.1/24"), true).unwrap_err().to_string(),
            "'192.0.2.1/24' seems to have a suffix; please fix."
        );
    }

    #[test]
    fn removes_exact_matches_only() {
        let mut d = Denylist4::new();
        d.add(p4("192.0.2.0/24"), false).unwrap();
        assert_eq!(
            d.remove(p4("192.0.2.0/25")).unwrap_err().to_string(),
            "Could not find the requested entry in the IPv4 pool."
        );
        d.remove(p4("192.0.2.0/24")).unwrap();
        assert!(d.is_empty());
        d.add(p4("192.0.2.0/24"), false).unwrap();
        d.flush();
        assert!(!d.contains("192.0.2.1".parse().unwrap()));
    }
}
