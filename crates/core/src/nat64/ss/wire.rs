//! The session-synchronization wire format (spec §8): what Jool's kernel multicasts on
//! Netlink and its proxy forwards as UDP payload.
//!
//! A message is a sequence of Netlink attributes. A session is one 40-byte attribute:
//!
//! ```text
//!  0      2      4                20     24     28        32     34     36     38     40
//!  +------+------+----------------+------+------+---------+------+------+------+------+
//!  |len=40|type=1| src6 address   | src4 | dst4 | lifetime| src6 | src4 | dst4 |flags |
//!  |(host)|(host)|                | addr | addr | ms (BE) | port | port | port | (BE) |
//!  +------+------+----------------+------+------+---------+------+------+------+------+
//!  flags = proto << 5 | tcp_state << 2 | timer_type
//! ```
//! `nla_len` and `nla_type` are in host byte order (Netlink's rule; Jool sends them as its
//! kernel stores them), everything else in network byte order. dst6 does not travel: the
//! receiver rebuilds it from its own pool6 (ICMP: dst6's identifier is src6's).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::nat64::session::SessionView;
use crate::nat64::tcp::TcpState;
use crate::nat64::timer::TimerClass;
use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6};

/// Bytes of one session attribute (4-byte Netlink header + 36 bytes).
pub const ATTR_LEN: usize = 40;
/// `nla_type` of a session attribute.
pub const ATTR_SESSION: u16 = 1;
/// Netlink attributes are padded to 4 bytes.
const NLA_ALIGN: usize = 4;

/// One synchronized session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SsSession {
    /// Protocol.
    pub proto: L4Proto,
    /// The IPv6 client (BIB IPv6 side).
    pub src6: Taddr6,
    /// The mask (BIB IPv4 side).
    pub src4: Taddr4,
    /// The IPv4 peer (ICMP: its identifier is src4's).
    pub dst4: Taddr4,
    /// Time the session had left when it was sent, ms.
    pub remaining_ms: u32,
    /// TCP state (ESTABLISHED for UDP and ICMP, as Jool sends them).
    pub state: TcpState,
    /// Timer: for UDP and ICMP always their own class.
    pub timer: TimerClass,
}

/// Why bytes are not a valid session message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SsWireError {
    /// An attribute header or body runs past the end.
    #[error("the session message is truncated")]
    Truncated,
    /// An attribute's length is below its header's.
    #[error("a session attribute has an invalid length ({0})")]
    BadLength(u16),
    /// The protocol field is not 0, 1 or 2.
    #[error("a session carries an unknown protocol ({0})")]
    BadProto(u8),
    /// The TCP state field is above 6.
    #[error("a session carries an unknown TCP state ({0})")]
    BadState(u8),
    /// The timer field is above 2.
    #[error("a session carries an unknown timer type ({0})")]
    BadTimer(u8),
}

fn proto_code(p: L4Proto) -> u16 {
    p as u16
}

fn proto_of(v: u8) -> Result<L4Proto, SsWireError> {
    match v {
        0 => Ok(L4Proto::Tcp),
        1 => Ok(L4Proto::Udp),
        2 => Ok(L4Proto::Icmp),
        _ => Err(SsWireError::BadProto(v)),
    }
}

fn timer_of(proto: L4Proto, v: u8) -> Result<TimerClass, SsWireError> {
    if v > 2 {
        return Err(SsWireError::BadTimer(v));
    }
    Ok(match (proto, v) {
        (L4Proto::Udp, _) => TimerClass::Udp,
        (L4Proto::Icmp, _) => TimerClass::Icmp,
        (L4Proto::Tcp, 0) => TimerClass::TcpEst,
        (L4Proto::Tcp, 1) => TimerClass::TcpTrans,
        (L4Proto::Tcp, _) => TimerClass::Syn4,
    })
}

impl SsSession {
    /// The session `v` shows, with `remaining_ms` left (UDP and ICMP sessions, which have no
    /// TCP state, travel as ESTABLISHED).
    pub fn from_view(v: &SessionView, remaining_ms: u32) -> SsSession {
        SsSession {
            proto: v.proto,
            src6: v.src6,
            src4: v.src4,
            dst4: v.dst4,
            remaining_ms,
            state: v.state.unwrap_or(TcpState::Established),
            timer: v.timer,
        }
    }

    /// Writes the 40-byte attribute into `out`.
    pub fn encode(&self, out: &mut [u8; ATTR_LEN]) {
        out[0..2].copy_from_slice(&(ATTR_LEN as u16).to_ne_bytes());
        out[2..4].copy_from_slice(&ATTR_SESSION.to_ne_bytes());
        out[4..20].copy_from_slice(&self.src6.addr.octets());
        out[20..24].copy_from_slice(&self.src4.addr.octets());
        out[24..28].copy_from_slice(&self.dst4.addr.octets());
        out[28..32].copy_from_slice(&self.remaining_ms.to_be_bytes());
        out[32..34].copy_from_slice(&self.src6.port.to_be_bytes());
        out[34..36].copy_from_slice(&self.src4.port.to_be_bytes());
        out[36..38].copy_from_slice(&self.dst4.port.to_be_bytes());
        let state = match self.proto {
            L4Proto::Tcp => self.state as u16,
            _ => 0,
        };
        let flags = proto_code(self.proto) << 5 | state << 2 | self.timer.ss_timer_type() as u16;
        out[38..40].copy_from_slice(&flags.to_be_bytes());
    }

    /// Appends the attribute to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let mut a = [0u8; ATTR_LEN];
        self.encode(&mut a);
        out.extend_from_slice(&a);
    }

    /// Reads the 36-byte body of a session attribute.
    fn decode_body(b: &[u8; 36]) -> Result<SsSession, SsWireError> {
        let u16_at = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let addr4 = |i: usize| Ipv4Addr::new(b[i], b[i + 1], b[i + 2], b[i + 3]);
        let mut a6 = [0u8; 16];
        a6.copy_from_slice(&b[0..16]);
        let flags = u16_at(34);
        let proto = proto_of((flags >> 5) as u8)?;
        let state_v = ((flags >> 2) & 0x7) as u8;
        let state = TcpState::from_u8(state_v).ok_or(SsWireError::BadState(state_v))?;
        let timer = timer_of(proto, (flags & 0x3) as u8)?;
        Ok(SsSession {
            proto,
            src6: Taddr6::new(Ipv6Addr::from(a6), u16_at(28)),
            src4: Taddr4::new(addr4(16), u16_at(30)),
            dst4: Taddr4::new(addr4(20), u16_at(32)),
            remaining_ms: u32::from_be_bytes([b[24], b[25], b[26], b[27]]),
            state,
            timer,
        })
    }
}

/// The session attributes of a message, in order. Attributes of other types are skipped
/// (Netlink's rule); the first malformed one ends the walk with its error.
pub fn decode(msg: &[u8]) -> Decode<'_> {
    Decode { rest: msg }
}

/// Iterator returned by [`decode`].
#[derive(Clone, Debug)]
pub struct Decode<'a> {
    rest: &'a [u8],
}

impl Iterator for Decode<'_> {
    type Item = Result<SsSession, SsWireError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let fail = |rest: &mut &[u8], e| {
                *rest = &[];
                Some(Err(e))
            };
            let Some(hdr) = self.rest.get(..4) else {
                return fail(&mut self.rest, SsWireError::Truncated);
            };
            let len = u16::from_ne_bytes([hdr[0], hdr[1]]);
            let kind = u16::from_ne_bytes([hdr[2], hdr[3]]);
            if usize::from(len) < 4 {
                return fail(&mut self.rest, SsWireError::BadLength(len));
            }
            let Some(attr) = self.rest.get(..usize::from(len)) else {
                return fail(&mut self.rest, SsWireError::Truncated);
            };
            let padded = usize::from(len).next_multiple_of(NLA_ALIGN);
            let body = &attr[4..];
            self.rest = self.rest.get(padded..).unwrap_or(&[]);
            if kind != ATTR_SESSION {
                continue;
            }
            let Some(body) = body.get(..36).and_then(|b| <&[u8; 36]>::try_from(b).ok()) else {
                return fail(&mut self.rest, SsWireError::BadLength(len));
            };
            return Some(SsSession::decode_body(body));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec §8's layout, filled by hand: TCP V4_FIN_RCV on the transitory timer, 240 000 ms left.
    #[cfg(target_endian = "little")]
    const TCP_ATTR: [u8; 40] = [
        40, 0, 1, 0, // nla_len 40, nla_type 1 (host order: little endian here)
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, // src6 2001:db8::8
        192, 0, 2, 1, // src4
        203, 0, 113, 8, // dst4
        0x00, 0x03, 0xa9, 0x80, // 240000 ms
        0x93, 0xf6, // src6 port 37878
        0xf5, 0x55, // src4 port 62805
        0x00, 0x50, // dst4 port 80
        0x00, 0x0d, // TCP(0)<<5 | V4_FIN_RCV(3)<<2 | trans(1)
    ];

    fn tcp_session() -> SsSession {
        SsSession {
            proto: L4Proto::Tcp,
            src6: Taddr6::new("2001:db8::8".parse().unwrap(), 37878),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), 62805),
            dst4: Taddr4::new("203.0.113.8".parse().unwrap(), 80),
            remaining_ms: 240_000,
            state: TcpState::V4FinRcv,
            timer: TimerClass::TcpTrans,
        }
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn encodes_a_tcp_session_as_the_40_byte_attribute() {
        let mut out = [0u8; ATTR_LEN];
        tcp_session().encode(&mut out);
        assert_eq!(out, TCP_ATTR);
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn decodes_the_40_byte_attribute() {
        let got: Vec<_> = decode(&TCP_ATTR).collect();
        assert_eq!(got, vec![Ok(tcp_session())]);
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn encodes_icmp_with_flags_proto_2_and_no_state() {
        let s = SsSession {
            proto: L4Proto::Icmp,
            src6: Taddr6::new("2001:db8::8".parse().unwrap(), 211),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), 15308),
            dst4: Taddr4::new("192.0.2.8".parse().unwrap(), 15308),
            remaining_ms: 60_000,
            state: TcpState::Trans, // ignored for ICMP
            timer: TimerClass::Icmp,
        };
        let mut out = [0u8; ATTR_LEN];
        s.encode(&mut out);
        assert_eq!(
            &out[28..40],
            &[0, 0, 0xea, 0x60, 0, 211, 0x3b, 0xcc, 0x3b, 0xcc, 0, 0x40]
        );
        let back = decode(&out).next().unwrap().unwrap();
        assert_eq!(back.timer, TimerClass::Icmp);
        assert_eq!(back.state, TcpState::Established);
        assert_eq!((back.src6, back.src4, back.dst4), (s.src6, s.src4, s.dst4));
    }

    #[test]
    fn decodes_every_attribute_of_a_batch_and_skips_other_types() {
        let mut msg = Vec::new();
        tcp_session().encode_into(&mut msg);
        // An unknown 6-byte attribute, padded to 8.
        msg.extend_from_slice(&6u16.to_ne_bytes());
        msg.extend_from_slice(&7u16.to_ne_bytes());
        msg.extend_from_slice(&[0xaa, 0xbb, 0, 0]);
        let mut udp = tcp_session();
        udp.proto = L4Proto::Udp;
        udp.state = TcpState::Established;
        udp.timer = TimerClass::Udp;
        udp.encode_into(&mut msg);
        let got: Vec<_> = decode(&msg).collect();
        assert_eq!(got, vec![Ok(tcp_session()), Ok(udp)]);
    }

    #[test]
    fn rejects_truncated_and_malformed_attributes() {
        let mut a = [0u8; ATTR_LEN];
        tcp_session().encode(&mut a);
        assert_eq!(decode(&a[..39]).next(), Some(Err(SsWireError::Truncated)));
        assert_eq!(decode(&a[..3]).next(), Some(Err(SsWireError::Truncated)));
        let mut short = a;
        short[0..2].copy_from_slice(&20u16.to_ne_bytes());
        assert_eq!(decode(&short).next(), Some(Err(SsWireError::BadLength(20))));
        let mut zero = a;
        zero[0..2].copy_from_slice(&0u16.to_ne_bytes());
        assert_eq!(decode(&zero).next(), Some(Err(SsWireError::BadLength(0))));
        let mut proto = a;
        proto[38..40].copy_from_slice(&(3u16 << 5).to_be_bytes());
        assert_eq!(decode(&proto).next(), Some(Err(SsWireError::BadProto(3))));
        let mut state = a;
        state[38..40].copy_from_slice(&(7u16 << 2).to_be_bytes());
        assert_eq!(decode(&state).next(), Some(Err(SsWireError::BadState(7))));
        let mut timer = a;
        timer[38..40].copy_from_slice(&3u16.to_be_bytes());
        assert_eq!(decode(&timer).next(), Some(Err(SsWireError::BadTimer(3))));
        // The walk ends at the first error.
        let mut two = short.to_vec();
        two.extend_from_slice(&a);
        assert_eq!(decode(&two).count(), 1);
        assert_eq!(decode(&[]).count(), 0);
    }
}
