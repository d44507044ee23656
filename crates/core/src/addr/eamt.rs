//! RFC 7757 Explicit Address Mapping Table.
//! CONTRACT: signatures fixed; bodies written by the address work.

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

/// The table.
#[derive(Clone, Debug, Default)]
pub struct Eamt {
    entries: Vec<Eam>,
}

impl Eamt {
    /// Longest-prefix match on the IPv6 side; suffix bits copied (RFC 7757 §3.2).
    pub fn translate_6to4(&self, addr: Ipv6Addr) -> Option<Ipv4Addr> {
        let _ = (addr, &self.entries);
        unimplemented!("Eamt::translate_6to4")
    }

    /// Longest-prefix match on the IPv4 side; suffix bits copied.
    pub fn translate_4to6(&self, addr: Ipv4Addr) -> Option<Ipv6Addr> {
        let _ = addr;
        unimplemented!("Eamt::translate_4to6")
    }

    /// Is `addr` inside some entry's IPv4 prefix?
    pub fn contains4(&self, addr: Ipv4Addr) -> bool {
        let _ = addr;
        unimplemented!("Eamt::contains4")
    }

    /// Is `addr` inside some entry's IPv6 prefix?
    pub fn contains6(&self, addr: Ipv6Addr) -> bool {
        let _ = addr;
        unimplemented!("Eamt::contains6")
    }
}
