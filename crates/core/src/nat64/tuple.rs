//! Transport addresses, tuples and TCP flags: the vocabulary of RFC 6146 §2.
//!
//! For ICMP informational messages the identifier plays the port (RFC 6146 §3.4: "the
//! ICMP Identifier field is used as the equivalent of the port").

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The transport protocols NAT64 handles (RFC 6146 §1.1: TCP, UDP and ICMP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L4Proto {
    /// TCP.
    Tcp = 0,
    /// UDP.
    Udp = 1,
    /// ICMP (informational: echo); the identifier is the "port".
    Icmp = 2,
}

impl L4Proto {
    /// Every protocol, in Jool's order (TCP, UDP, ICMP).
    pub const ALL: [L4Proto; 3] = [L4Proto::Tcp, L4Proto::Udp, L4Proto::Icmp];

    /// `TCP` / `UDP` / `ICMP`, as Jool prints it.
    pub const fn as_str(self) -> &'static str {
        match self {
            L4Proto::Tcp => "TCP",
            L4Proto::Udp => "UDP",
            L4Proto::Icmp => "ICMP",
        }
    }

    /// Do ports of this protocol start at 1 (pool4 turns port 0 into 1 for TCP/UDP)?
    pub const fn has_ports(self) -> bool {
        !matches!(self, L4Proto::Icmp)
    }
}

impl fmt::Display for L4Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IPv4 transport address (address + port or ICMP identifier), printed `192.0.2.1#80`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Taddr4 {
    /// Address.
    pub addr: Ipv4Addr,
    /// Port or ICMP identifier.
    pub port: u16,
}

/// An IPv6 transport address, printed `2001:db8::1#80`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Taddr6 {
    /// Address.
    pub addr: Ipv6Addr,
    /// Port or ICMP identifier.
    pub port: u16,
}

impl Taddr4 {
    /// A transport address.
    pub const fn new(addr: Ipv4Addr, port: u16) -> Self {
        Taddr4 { addr, port }
    }

    /// The address and port packed in one integer (address in the high bits).
    pub(crate) fn packed(self) -> u64 {
        (u64::from(u32::from(self.addr)) << 16) | u64::from(self.port)
    }
}

impl Taddr6 {
    /// A transport address.
    pub const fn new(addr: Ipv6Addr, port: u16) -> Self {
        Taddr6 { addr, port }
    }
}

impl fmt::Display for Taddr4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.addr, self.port)
    }
}

impl fmt::Display for Taddr6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.addr, self.port)
    }
}

/// The incoming tuple of an IPv6 packet (RFC 6146 §3.4). ICMP: both ports = identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tuple6 {
    /// Source (the IPv6 client).
    pub src: Taddr6,
    /// Destination (pool6 + IPv4 server).
    pub dst: Taddr6,
    /// Protocol.
    pub proto: L4Proto,
}

/// The incoming tuple of an IPv4 packet. ICMP: both ports = identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tuple4 {
    /// Source (the IPv4 server).
    pub src: Taddr4,
    /// Destination (a pool4 transport address).
    pub dst: Taddr4,
    /// Protocol.
    pub proto: L4Proto,
}

/// The TCP flags the state machine looks at (RFC 6146 §3.5.2). All false for UDP/ICMP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpFlags {
    /// SYN.
    pub syn: bool,
    /// FIN.
    pub fin: bool,
    /// RST.
    pub rst: bool,
}

impl TcpFlags {
    /// No flag of interest (also what UDP and ICMP packets pass).
    pub const NONE: TcpFlags = TcpFlags {
        syn: false,
        fin: false,
        rst: false,
    };
    /// Only SYN.
    pub const SYN: TcpFlags = TcpFlags {
        syn: true,
        fin: false,
        rst: false,
    };
    /// Only FIN.
    pub const FIN: TcpFlags = TcpFlags {
        syn: false,
        fin: true,
        rst: false,
    };
    /// Only RST.
    pub const RST: TcpFlags = TcpFlags {
        syn: false,
        fin: false,
        rst: true,
    };

    /// From the TCP header's flags byte (byte 13: FIN 0x01, SYN 0x02, RST 0x04).
    pub const fn from_byte(b: u8) -> TcpFlags {
        TcpFlags {
            fin: b & 0x01 != 0,
            syn: b & 0x02 != 0,
            rst: b & 0x04 != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_transport_addresses_with_hash() {
        let t4 = Taddr4::new(Ipv4Addr::new(192, 0, 2, 2), 8208);
        let t6 = Taddr6::new("2001:db8::5".parse().unwrap(), 19945);
        assert_eq!(t4.to_string(), "192.0.2.2#8208");
        assert_eq!(t6.to_string(), "2001:db8::5#19945");
        assert_eq!(L4Proto::Icmp.to_string(), "ICMP");
    }

    #[test]
    fn reads_tcp_flags_byte() {
        assert_eq!(TcpFlags::from_byte(0x12), TcpFlags::SYN); // SYN+ACK
        assert_eq!(TcpFlags::from_byte(0x11), TcpFlags::FIN); // FIN+ACK
        assert_eq!(TcpFlags::from_byte(0x04), TcpFlags::RST);
        assert_eq!(TcpFlags::from_byte(0x10), TcpFlags::NONE);
    }

    #[test]
    fn packs_taddr4_address_high() {
        let t = Taddr4::new(Ipv4Addr::new(1, 2, 3, 4), 0x0506);
        assert_eq!(t.packed(), 0x0102_0304_0506);
    }
}
