//! rtnetlink plumbing of a namespace (links, addresses, routes) and its sysctls.
//!
//! Every public function takes the namespace and runs inside it ([`NetNs::enter`]); the
//! `*_here` variants (crate-internal) work in the calling thread's namespace, for code that
//! already entered one.

mod rule;
mod socket;
mod sysctl;

pub use rule::{rule_add, rule_del, rules, Family, Rule};
pub(crate) use socket::{attrs, messages, Header, Msg, NlSocket, NLMSG_HDRLEN};
pub(crate) use sysctl::sysctl_set_here;
pub use sysctl::{ephemeral_range, sysctl_get, sysctl_set};

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use nix::sys::socket::SockProtocol;

use crate::netns::NetNs;

const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_GETADDR: u16 = 22;
const RTM_NEWROUTE: u16 = 24;
const RTM_DELROUTE: u16 = 25;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_TXQLEN: u16 = 13;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_FLAGS: u16 = 8;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_PRIORITY: u16 = 6;
const RTA_TABLE: u16 = 15;
const RTPROT_STATIC: u8 = 4;
const RTN_UNICAST: u8 = 1;

/// The main routing table (`ip route`'s default; rule 32766).
pub const RT_TABLE_MAIN: u32 = 254;
/// The local routing table (local and broadcast addresses; rule 0).
pub const RT_TABLE_LOCAL: u32 = 255;
/// The default routing table (IPv4 rule 32767).
pub const RT_TABLE_DEFAULT: u32 = 253;

/// Scope of an address or route: global (`scope global` in `ip addr`).
pub const RT_SCOPE_UNIVERSE: u8 = 0;
/// Scope of an address or route: this link only (IPv6 fe80::/10, IPv4 device routes).
pub const RT_SCOPE_LINK: u8 = 253;
/// Scope of an address: this host only (127.0.0.1, ::1).
pub const RT_SCOPE_HOST: u8 = 254;
/// Address flag: IPv6 duplicate address detection not finished (cannot be used yet).
pub const IFA_F_TENTATIVE: u32 = 0x40;

/// An IPv4 or IPv6 prefix `addr/len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpPrefix {
    /// The address; host bits are cleared by [`IpPrefix::new`].
    pub addr: IpAddr,
    /// Prefix length (≤ 32 for IPv4, ≤ 128 for IPv6).
    pub len: u8,
}

impl IpPrefix {
    /// `addr/len` with the host bits cleared; a length too long for the family is refused.
    pub fn new(addr: IpAddr, len: u8) -> io::Result<IpPrefix> {
        let addr = match addr {
            IpAddr::V4(a) if len <= 32 => {
                let mask = if len == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(len))
                };
                IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
            }
            IpAddr::V6(a) if len <= 128 => {
                let mask = if len == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(len))
                };
                IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
            }
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("prefix length {len} too long for {addr}"),
                ))
            }
        };
        Ok(IpPrefix { addr, len })
    }

    /// An IPv4 prefix (host bits cleared; `len` clamped to 32).
    pub fn v4(addr: Ipv4Addr, len: u8) -> IpPrefix {
        let len = len.min(32);
        match Self::new(IpAddr::V4(addr), len) {
            Ok(p) => p,
            Err(_) => IpPrefix {
                addr: IpAddr::V4(addr),
                len,
            },
        }
    }

    /// An IPv6 prefix (host bits cleared; `len` clamped to 128).
    pub fn v6(addr: Ipv6Addr, len: u8) -> IpPrefix {
        let len = len.min(128);
        match Self::new(IpAddr::V6(addr), len) {
            Ok(p) => p,
            Err(_) => IpPrefix {
                addr: IpAddr::V6(addr),
                len,
            },
        }
    }
}

impl fmt::Display for IpPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// An address of an interface (`ip address`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfAddr {
    /// Index of the interface.
    pub ifindex: u32,
    /// Name of the interface.
    pub ifname: String,
    /// The (local) address.
    pub addr: IpAddr,
    /// Length of the subnet prefix.
    pub prefix_len: u8,
    /// [`RT_SCOPE_UNIVERSE`], [`RT_SCOPE_LINK`], [`RT_SCOPE_HOST`], ...
    pub scope: u8,
    /// `IFA_F_*` flags ([`IFA_F_TENTATIVE`], ...).
    pub flags: u32,
}

/// A network interface (`ip link`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Interface index.
    pub ifindex: u32,
    /// Interface name.
    pub name: String,
    /// MTU.
    pub mtu: u32,
    /// `IFF_*` flags (`libc::IFF_UP`, `libc::IFF_LOOPBACK`, ...).
    pub flags: u32,
    /// Link kind (`"veth"`, `"tun"`, ...), None for devices without one (loopback, physical).
    pub kind: Option<String>,
}

impl Link {
    /// Is this the loopback device?
    pub fn is_loopback(&self) -> bool {
        self.flags & libc::IFF_LOOPBACK as u32 != 0
    }

    /// Is the interface administratively up?
    pub fn is_up(&self) -> bool {
        self.flags & libc::IFF_UP as u32 != 0
    }
}

fn route_socket() -> io::Result<NlSocket> {
    NlSocket::open(SockProtocol::NetlinkRoute)
}

/// Sets a link up, and its txqueuelen when given, in the calling thread's namespace.
pub(crate) fn link_set_up_here(
    ifindex: u32,
    txqueuelen: Option<u32>,
    mtu: Option<u32>,
) -> io::Result<()> {
    let mut sock = route_socket()?;
    let mut msg = Msg::new(RTM_NEWLINK, 0);
    msg.put(&ifinfomsg(
        ifindex,
        libc::IFF_UP as u32,
        libc::IFF_UP as u32,
    ));
    if let Some(q) = txqueuelen {
        msg.attr(IFLA_TXQLEN, &q.to_ne_bytes());
    }
    if let Some(m) = mtu {
        msg.attr(IFLA_MTU, &m.to_ne_bytes());
    }
    sock.request(&mut msg, &format!("cannot set link {ifindex} up"))
}

fn ifinfomsg(ifindex: u32, flags: u32, change: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = libc::AF_UNSPEC as u8;
    b[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    b[8..12].copy_from_slice(&flags.to_ne_bytes());
    b[12..16].copy_from_slice(&change.to_ne_bytes());
    b
}

/// Brings interface `ifindex` of `ns` up.
pub fn link_set_up(ns: &NetNs, ifindex: u32) -> io::Result<()> {
    ns.enter(|| link_set_up_here(ifindex, None, None))?
}

/// The interfaces of `ns`.
pub fn links(ns: &NetNs) -> io::Result<Vec<Link>> {
    ns.enter(links_here)?
}

pub(crate) fn links_here() -> io::Result<Vec<Link>> {
    let mut sock = route_socket()?;
    let mut msg = Msg::new(RTM_GETLINK, socket::NLM_F_DUMP);
    msg.put(&ifinfomsg(0, 0, 0));
    let mut out = Vec::new();
    sock.dump(&mut msg, "cannot list links", |ty, payload| {
        if ty != RTM_NEWLINK || payload.len() < 16 {
            return;
        }
        let ifindex = u32::from_ne_bytes([payload[4], payload[5], payload[6], payload[7]]);
        let flags = u32::from_ne_bytes([payload[8], payload[9], payload[10], payload[11]]);
        let mut link = Link {
            ifindex,
            name: String::new(),
            mtu: 0,
            flags,
            kind: None,
        };
        for (at, data) in attrs(&payload[16..]) {
            match at {
                IFLA_IFNAME => link.name = c_string(data),
                IFLA_MTU => link.mtu = ne_u32(data).unwrap_or(0),
                IFLA_LINKINFO => {
                    for (it, idata) in attrs(data) {
                        if it == IFLA_INFO_KIND {
                            link.kind = Some(c_string(idata));
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(link);
    })?;
    Ok(out)
}

/// The addresses of every interface of `ns`, IPv4 and IPv6.
pub fn addresses(ns: &NetNs) -> io::Result<Vec<IfAddr>> {
    ns.enter(|| -> io::Result<Vec<IfAddr>> {
        let names = links_here()?;
        let mut sock = route_socket()?;
        let mut msg = Msg::new(RTM_GETADDR, socket::NLM_F_DUMP);
        msg.put(&[libc::AF_UNSPEC as u8, 0, 0, 0, 0, 0, 0, 0]);
        let mut out = Vec::new();
        sock.dump(&mut msg, "cannot list addresses", |_ty, payload| {
            if payload.len() < 8 {
                return;
            }
            let family = i32::from(payload[0]);
            let ifindex = u32::from_ne_bytes([payload[4], payload[5], payload[6], payload[7]]);
            let (mut local, mut address, mut flags) = (None, None, u32::from(payload[2]));
            for (at, data) in attrs(&payload[8..]) {
                match at {
                    IFA_LOCAL => local = ip_from(family, data),
                    IFA_ADDRESS => address = ip_from(family, data),
                    IFA_FLAGS => flags = ne_u32(data).unwrap_or(flags),
                    _ => {}
                }
            }
            // IPv4: IFA_LOCAL is ours (IFA_ADDRESS is the peer on point-to-point links).
            if let Some(addr) = local.or(address) {
                out.push(IfAddr {
                    ifindex,
                    ifname: names
                        .iter()
                        .find(|l| l.ifindex == ifindex)
                        .map(|l| l.name.clone())
                        .unwrap_or_default(),
                    addr,
                    prefix_len: payload[1],
                    scope: payload[3],
                    flags,
                });
            }
        })?;
        Ok(out)
    })?
}

/// Adds the route `prefix dev <ifindex> metric <metric> table <table>` to `ns`
/// ([`RT_TABLE_MAIN`] for `ip route`'s table; a table of one's own is selected by a
/// [`Rule`]). An equal route already there is an error of kind
/// [`io::ErrorKind::AlreadyExists`].
pub fn route_add(
    ns: &NetNs,
    prefix: IpPrefix,
    ifindex: u32,
    metric: u32,
    table: u32,
) -> io::Result<()> {
    ns.enter(|| route_here(RTM_NEWROUTE, prefix, ifindex, metric, table))?
}

/// Removes the route that [`route_add`] added. A route that is not there is an error of kind
/// [`io::ErrorKind::NotFound`] (routes through a TUN also vanish with the TUN).
pub fn route_del(
    ns: &NetNs,
    prefix: IpPrefix,
    ifindex: u32,
    metric: u32,
    table: u32,
) -> io::Result<()> {
    ns.enter(|| route_here(RTM_DELROUTE, prefix, ifindex, metric, table))?
}

fn route_here(op: u16, prefix: IpPrefix, ifindex: u32, metric: u32, table: u32) -> io::Result<()> {
    let prefix = IpPrefix::new(prefix.addr, prefix.len)?;
    let (family, scope, dst): (u8, u8, Vec<u8>) = match prefix.addr {
        IpAddr::V4(a) => (libc::AF_INET as u8, RT_SCOPE_LINK, a.octets().to_vec()),
        IpAddr::V6(a) => (libc::AF_INET6 as u8, RT_SCOPE_UNIVERSE, a.octets().to_vec()),
    };
    let (flags, scope, what) = if op == RTM_NEWROUTE {
        (NLM_F_CREATE | NLM_F_EXCL, scope, "cannot add route")
    } else {
        (
            0,
            255, /* RT_SCOPE_NOWHERE: any */
            "cannot delete route",
        )
    };
    let mut sock = route_socket()?;
    let mut msg = Msg::new(op, flags);
    msg.put(&[
        family,
        prefix.len,
        0, // src_len
        0, // tos
        // The table goes in RTA_TABLE (32 bits); the header's 8-bit field only for small ones.
        u8::try_from(table).unwrap_or(0 /* RT_TABLE_UNSPEC */),
        RTPROT_STATIC,
        scope,
        RTN_UNICAST,
        0,
        0,
        0,
        0, // rtm_flags
    ]);
    msg.attr(RTA_TABLE, &table.to_ne_bytes());
    msg.attr(RTA_DST, &dst);
    msg.attr(RTA_OIF, &ifindex.to_ne_bytes());
    msg.attr(RTA_PRIORITY, &metric.to_ne_bytes());
    sock.request(
        &mut msg,
        &format!("{what} {prefix} dev #{ifindex} metric {metric} table {table}"),
    )
}

fn ip_from(family: i32, data: &[u8]) -> Option<IpAddr> {
    match family {
        libc::AF_INET => <[u8; 4]>::try_from(data).ok().map(IpAddr::from),
        libc::AF_INET6 => <[u8; 16]>::try_from(data).ok().map(IpAddr::from),
        _ => None,
    }
}

fn ne_u32(data: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(data.get(..4)?)
        .ok()
        .map(u32::from_ne_bytes)
}

fn c_string(data: &[u8]) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    String::from_utf8_lossy(&data[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_new_clears_host_bits() {
        let p = IpPrefix::new("192.0.2.77".parse().unwrap(), 24).unwrap();
        assert_eq!(p.to_string(), "192.0.2.0/24");
        let p = IpPrefix::new("2001:db8:64::ff".parse().unwrap(), 96).unwrap();
        assert_eq!(p.to_string(), "2001:db8:64::/96");
        assert_eq!(
            IpPrefix::v4(Ipv4Addr::new(203, 0, 113, 9), 0).to_string(),
            "0.0.0.0/0"
        );
    }

    #[test]
    fn prefix_new_rejects_long_lengths() {
        assert!(IpPrefix::new("192.0.2.1".parse().unwrap(), 33).is_err());
        assert!(IpPrefix::new("2001:db8::".parse().unwrap(), 129).is_err());
        assert_eq!(IpPrefix::v6(Ipv6Addr::LOCALHOST, 200).len, 128);
    }

    #[test]
    fn parses_c_strings_and_addresses() {
        assert_eq!(c_string(b"veth0\0\0"), "veth0");
        assert_eq!(c_string(b"lo"), "lo");
        assert_eq!(
            ip_from(libc::AF_INET, &[192, 0, 2, 1]),
            Some("192.0.2.1".parse().unwrap())
        );
        assert_eq!(ip_from(libc::AF_INET, &[192, 0, 2]), None);
        assert_eq!(ne_u32(&[1, 2]), None);
    }
}
