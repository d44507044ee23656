//! denylist4: IPv4 addresses that pool6 must not translate.
//! CONTRACT: signatures fixed; bodies written by the address work.

use crate::prefix::Ipv4Prefix;
use std::net::Ipv4Addr;

/// The denylist, in insertion order.
#[derive(Clone, Debug, Default)]
pub struct Denylist4 {
    entries: Vec<Ipv4Prefix>,
}

impl Denylist4 {
    /// Is `addr` inside some entry?
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        self.entries.iter().any(|p| p.contains(addr))
    }
}
