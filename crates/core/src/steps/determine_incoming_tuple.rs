//! RFC 6146 §3.4 "Determining the Incoming Tuple".
//!
//! TCP/UDP: the addresses and ports. ICMP informational (Echo): the addresses and the
//! Identifier as both ports. ICMP errors: the tuple of the packet inside, with source and
//! destination swapped, so that the error is matched with the session of the packet that
//! caused it. Anything else goes back to the kernel (spec §7.1: "unsupported L4 protocol ...,
//! unknown ICMP types"): `JSTAT_UNKNOWN_L4_PROTO`, `JSTAT_UNKNOWN_ICMP6_TYPE` /
//! `JSTAT_UNKNOWN_ICMP4_TYPE`, `JSTAT_UNKNOWN_PROTO_INNER`. Packets reach this step whole
//! (fragments were reassembled before).

use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6, TcpFlags, Tuple4, Tuple6};
use crate::stats::Jstat;
use crate::translate::{be16, drop, err4, err6, untranslatable, Step};
use jool_wire::ipv6::walk_chain;
use jool_wire::{proto, Ipv4Packet, Ipv6Packet};
use std::net::{Ipv4Addr, Ipv6Addr};

/// What kind of packet the tuple describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// TCP or UDP.
    Transport,
    /// ICMP Echo Request / Reply.
    IcmpInfo,
    /// ICMP error; the tuple is that of its inner packet, reversed.
    IcmpError,
}

/// An IPv6 packet's incoming tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incoming6 {
    /// RFC 6146 §3.4 tuple.
    pub tuple: Tuple6,
    /// TCP flags (all false otherwise).
    pub flags: TcpFlags,
    /// Kind of packet.
    pub kind: Kind,
    /// Outer source address.
    pub src: Ipv6Addr,
    /// Outer destination address.
    pub dst: Ipv6Addr,
}

/// An IPv4 packet's incoming tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incoming4 {
    /// RFC 6146 §3.4 tuple.
    pub tuple: Tuple4,
    /// TCP flags (all false otherwise).
    pub flags: TcpFlags,
    /// Kind of packet.
    pub kind: Kind,
    /// Outer source address (`source-icmpv6-errors-better`).
    pub src: Ipv4Addr,
}

/// Ports of a TCP/UDP header at the start of `seg`, or of an Echo's identifier.
fn ports(seg: &[u8], min: usize) -> Option<(u16, u16)> {
    (seg.len() >= min).then(|| (be16(seg, 0), be16(seg, 2)))
}

fn truncated() -> crate::translate::Fail {
    drop(Jstat::SkbTruncated)
}

/// RFC 6146 §3.4 for an IPv6 packet (`b` = the whole packet).
pub fn ipv6(b: &[u8]) -> Step<Incoming6> {
    let ip = Ipv6Packet::new_checked(b).map_err(err6)?;
    let len = jool_wire::ipv6::HEADER_LEN + usize::from(ip.payload_len());
    let b = b.get(..len).ok_or_else(truncated)?;
    let chain = walk_chain(b, false).map_err(err6)?;
    if chain.frag.is_some_and(|f| f.frag_offset != 0) {
        return Err(drop(Jstat::Hdr6)); // Reassembly runs first; cannot happen.
    }
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let seg = b.get(chain.l4_offset..).unwrap_or(&[]);
    let t6 = |proto, sp, dp| Tuple6 {
        src: Taddr6::new(src, sp),
        dst: Taddr6::new(dst, dp),
        proto,
    };
    let (tuple, flags, kind) = match chain.l4_proto {
        proto::TCP => {
            let (sp, dp) = ports(seg, 20).ok_or_else(truncated)?;
            let flags = TcpFlags::from_byte(seg[13]);
            (t6(L4Proto::Tcp, sp, dp), flags, Kind::Transport)
        }
        proto::UDP => {
            let (sp, dp) = ports(seg, 8).ok_or_else(truncated)?;
            (t6(L4Proto::Udp, sp, dp), TcpFlags::NONE, Kind::Transport)
        }
        proto::ICMPV6 => {
            if seg.len() < 8 {
                return Err(truncated());
            }
            match seg[0] {
                128 | 129 => {
                    let id = be16(seg, 4);
                    (t6(L4Proto::Icmp, id, id), TcpFlags::NONE, Kind::IcmpInfo)
                }
                // RFC 7915 §5.2: the errors with an ICMPv4 counterpart.
                1..=4 => (inner6(&seg[8..])?, TcpFlags::NONE, Kind::IcmpError),
                _ => return Err(untranslatable(Jstat::UnknownIcmp6Type)),
            }
        }
        _ => return Err(untranslatable(Jstat::UnknownL4Proto)),
    };
    Ok(Incoming6 {
        tuple,
        flags,
        kind,
        src,
        dst,
    })
}

/// The reversed tuple of the IPv6 packet inside an ICMPv6 error.
fn inner6(rest: &[u8]) -> Step<Tuple6> {
    let ip = Ipv6Packet::new_lax(rest).map_err(err6)?;
    let chain = walk_chain(rest, true).map_err(err6)?;
    if chain.frag.is_some_and(|f| f.frag_offset != 0) {
        return Err(untranslatable(Jstat::UnknownProtoInner));
    }
    let seg = rest.get(chain.l4_offset..).unwrap_or(&[]);
    let (proto, sp, dp) = inner_l4(chain.l4_proto, seg, proto::ICMPV6)?;
    // Reversed: the error travels toward the inner packet's source.
    Ok(Tuple6 {
        src: Taddr6::new(ip.dst_addr(), dp),
        dst: Taddr6::new(ip.src_addr(), sp),
        proto,
    })
}

/// Protocol and (source, destination) ports of the transport header inside an ICMP error.
fn inner_l4(l4_proto: u8, seg: &[u8], icmp: u8) -> Step<(L4Proto, u16, u16)> {
    let is_error = |t| match icmp {
        proto::ICMP => jool_wire::icmpv4::is_error(t),
        _ => jool_wire::icmpv6::is_error(t),
    };
    let is_echo = |t| match icmp {
        proto::ICMP => t == 8 || t == 0,
        _ => t == 128 || t == 129,
    };
    let double = match icmp {
        proto::ICMP => Jstat::DoubleIcmp4Error,
        _ => Jstat::DoubleIcmp6Error,
    };
    match l4_proto {
        proto::TCP | proto::UDP => {
            let (sp, dp) = ports(seg, 4).ok_or_else(truncated)?;
            let p = match l4_proto {
                proto::TCP => L4Proto::Tcp,
                _ => L4Proto::Udp,
            };
            Ok((p, sp, dp))
        }
        p if p == icmp => match seg.first() {
            Some(&t) if is_error(t) => Err(drop(double)),
            Some(&t) if is_echo(t) && seg.len() >= 6 => {
                let id = be16(seg, 4);
                Ok((L4Proto::Icmp, id, id))
            }
            Some(&t) if !is_echo(t) => Err(untranslatable(Jstat::UnknownProtoInner)),
            _ => Err(truncated()),
        },
        _ => Err(untranslatable(Jstat::UnknownProtoInner)),
    }
}

/// RFC 6146 §3.4 for an IPv4 packet (`b` = the whole packet).
pub fn ipv4(b: &[u8]) -> Step<Incoming4> {
    let ip = Ipv4Packet::new_checked(b).map_err(err4)?;
    if !ip.verify_checksum() {
        return Err(drop(Jstat::Hdr4));
    }
    let len = usize::from(ip.total_len());
    let b = b.get(..len).ok_or_else(truncated)?;
    if ip.is_fragment() {
        return Err(drop(Jstat::Hdr4)); // Reassembly runs first; cannot happen.
    }
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let seg = b.get(ip.header_len()..).unwrap_or(&[]);
    let t4 = |proto, sp, dp| Tuple4 {
        src: Taddr4::new(src, sp),
        dst: Taddr4::new(dst, dp),
        proto,
    };
    let (tuple, flags, kind) = match ip.protocol() {
        proto::TCP => {
            let (sp, dp) = ports(seg, 20).ok_or_else(truncated)?;
            let flags = TcpFlags::from_byte(seg[13]);
            (t4(L4Proto::Tcp, sp, dp), flags, Kind::Transport)
        }
        proto::UDP => {
            let (sp, dp) = ports(seg, 8).ok_or_else(truncated)?;
            (t4(L4Proto::Udp, sp, dp), TcpFlags::NONE, Kind::Transport)
        }
        proto::ICMP => {
            if seg.len() < 8 {
                return Err(truncated());
            }
            match seg[0] {
                0 | 8 => {
                    let id = be16(seg, 4);
                    (t4(L4Proto::Icmp, id, id), TcpFlags::NONE, Kind::IcmpInfo)
                }
                // RFC 7915 §4.2: the errors with an ICMPv6 counterpart.
                3 | 11 | 12 => (inner4(&seg[8..])?, TcpFlags::NONE, Kind::IcmpError),
                _ => return Err(untranslatable(Jstat::UnknownIcmp4Type)),
            }
        }
        _ => return Err(untranslatable(Jstat::UnknownL4Proto)),
    };
    Ok(Incoming4 {
        tuple,
        flags,
        kind,
        src,
    })
}

/// The reversed tuple of the IPv4 packet inside an ICMPv4 error.
fn inner4(rest: &[u8]) -> Step<Tuple4> {
    let ip = Ipv4Packet::new_lax(rest).map_err(err4)?;
    if ip.frag_offset() != 0 {
        return Err(untranslatable(Jstat::UnknownProtoInner));
    }
    let seg = rest.get(ip.header_len()..).unwrap_or(&[]);
    let (proto, sp, dp) = inner_l4(ip.protocol(), seg, proto::ICMP)?;
    Ok(Tuple4 {
        src: Taddr4::new(ip.dst_addr(), dp),
        dst: Taddr4::new(ip.src_addr(), sp),
        proto,
    })
}

#[cfg(test)]
#[path = "determine_incoming_tuple_tests.rs"]
mod tests;
