//! Literal packet builders, a test host that records log lines, and the standard setup:
//! pool6 64:ff9b::/96, pool4 192.0.2.1 ports 1000-1999 (TCP, UDP, ICMP), client
//! 2001:db8::8, servers 203.0.113.x (64:ff9b::cb00:71xx).

use jool_core::globals::Globals;
use jool_core::nat64::{L4Proto, Pool4, PortRange};
use jool_core::{Nat64, Nat64Config, PacketBuf, StaticHost, Stats, Verdict};
use jool_wire::checksum;
use std::net::{Ipv4Addr, Ipv6Addr};

pub const CLIENT: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 8);
pub const CLIENT_B: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9);
pub const MASK: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const SERVER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 5);
pub const SERVER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xcb00, 0x7105);
pub const OTHER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 6);
pub const OTHER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xcb00, 0x7106);
pub const ROUTER4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);
pub const MASK6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0201);
/// 2015-04-08 16:13:02 UTC.
pub const WALL: u64 = 1_428_509_582_000;

/// A NAT64 instance, its host, counters and buffers.
pub struct Rig {
    pub nat: Nat64,
    pub host: StaticHost,
    pub stats: Stats,
    pub pkt: PacketBuf,
    pub reply: PacketBuf,
}

impl Rig {
    pub fn new() -> Rig {
        Rig::with(|_| {})
    }

    pub fn with(tweak: impl FnOnce(&mut Globals)) -> Rig {
        let mut g = Globals {
            pool6: Some("64:ff9b::/96".parse().unwrap()),
            ..Globals::default()
        };
        tweak(&mut g);
        let mut pool4 = Pool4::new();
        for p in L4Proto::ALL {
            pool4
                .add(
                    0,
                    p,
                    "192.0.2.1/32".parse().unwrap(),
                    PortRange::new(1000, 1999),
                    None,
                )
                .unwrap();
        }
        let mut cfg = Nat64Config::new(g, pool4, [7; 16]);
        cfg.instance = "alpha".into();
        cfg.shards = 4;
        Rig {
            nat: Nat64::new(cfg).unwrap(),
            host: StaticHost {
                local4: vec![MASK],
                local6: vec!["2001:db8::1".parse().unwrap()],
                wall_clock_ms: WALL,
                ..StaticHost::default()
            },
            stats: Stats::default(),
            pkt: PacketBuf::new(),
            reply: PacketBuf::new(),
        }
    }

    /// Runs one packet at `now`; the result is in `self.pkt` / `self.reply`.
    pub fn run(&mut self, now: u64, bytes: &[u8]) -> Verdict {
        self.pkt.load(bytes);
        self.nat.handle(
            now,
            &mut self.host,
            &mut self.stats,
            0,
            &mut self.pkt,
            &mut self.reply,
        )
    }

    /// Runs the timers at `now`, returning the packets they emit.
    pub fn expire(&mut self, now: u64) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        self.nat
            .expire(now, &mut self.host, &mut self.stats, &mut |b| {
                out.push(b.to_vec())
            });
        out
    }

    pub fn out(&self) -> &[u8] {
        self.pkt.bytes()
    }
}

pub fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[nh, 64]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(payload);
    p
}

pub fn ipv4_frag(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, ff: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&ff.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::finish(checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

pub fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, payload: &[u8]) -> Vec<u8> {
    ipv4_frag(src, dst, proto, 0x4000, payload)
}

fn with_csum6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, mut seg: Vec<u8>, at: usize) -> Vec<u8> {
    let s = checksum::combine(
        checksum::pseudo_v6(src, dst, nh, seg.len() as u32),
        checksum::sum(&seg),
    );
    seg[at..at + 2].copy_from_slice(&checksum::finish(s).to_be_bytes());
    seg
}

fn with_csum4(src: Ipv4Addr, dst: Ipv4Addr, nh: u8, mut seg: Vec<u8>, at: usize) -> Vec<u8> {
    let pseudo = if nh == 1 {
        0
    } else {
        checksum::pseudo_v4(src, dst, nh, seg.len() as u32)
    };
    let s = checksum::combine(pseudo, checksum::sum(&seg));
    seg[at..at + 2].copy_from_slice(&checksum::finish(s).to_be_bytes());
    seg
}

pub fn udp_seg(sp: u16, dp: u16, data: &[u8]) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sp.to_be_bytes());
    s.extend_from_slice(&dp.to_be_bytes());
    s.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(data);
    s
}

pub fn tcp_seg(sp: u16, dp: u16, flags: u8) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sp.to_be_bytes());
    s.extend_from_slice(&dp.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    s
}

pub fn udp6(src: Ipv6Addr, sp: u16, dst: Ipv6Addr, dp: u16, data: &[u8]) -> Vec<u8> {
    ipv6(
        src,
        dst,
        17,
        &with_csum6(src, dst, 17, udp_seg(sp, dp, data), 6),
    )
}

pub fn udp4(src: Ipv4Addr, sp: u16, dst: Ipv4Addr, dp: u16, data: &[u8]) -> Vec<u8> {
    ipv4(
        src,
        dst,
        17,
        &with_csum4(src, dst, 17, udp_seg(sp, dp, data), 6),
    )
}

pub fn tcp6(src: Ipv6Addr, sp: u16, dst: Ipv6Addr, dp: u16, flags: u8) -> Vec<u8> {
    ipv6(
        src,
        dst,
        6,
        &with_csum6(src, dst, 6, tcp_seg(sp, dp, flags), 16),
    )
}

pub fn tcp4(src: Ipv4Addr, sp: u16, dst: Ipv4Addr, dp: u16, flags: u8) -> Vec<u8> {
    ipv4(
        src,
        dst,
        6,
        &with_csum4(src, dst, 6, tcp_seg(sp, dp, flags), 16),
    )
}

pub fn icmp6(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    ty: u8,
    code: u8,
    rest: [u8; 4],
    data: &[u8],
) -> Vec<u8> {
    let mut m = vec![ty, code, 0, 0];
    m.extend_from_slice(&rest);
    m.extend_from_slice(data);
    ipv6(src, dst, 58, &with_csum6(src, dst, 58, m, 2))
}

pub fn icmp4(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    ty: u8,
    code: u8,
    rest: [u8; 4],
    data: &[u8],
) -> Vec<u8> {
    let mut m = vec![ty, code, 0, 0];
    m.extend_from_slice(&rest);
    m.extend_from_slice(data);
    ipv4(src, dst, 1, &with_csum4(src, dst, 1, m, 2))
}

/// Echo request, identifier `id`, sequence 1, payload "ping".
pub fn echo6(src: Ipv6Addr, dst: Ipv6Addr, id: u16) -> Vec<u8> {
    let i = id.to_be_bytes();
    icmp6(src, dst, 128, 0, [i[0], i[1], 0, 1], b"ping")
}

pub fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

pub fn src4(b: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(b[12], b[13], b[14], b[15])
}

pub fn dst4(b: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(b[16], b[17], b[18], b[19])
}

pub fn src6(b: &[u8]) -> Ipv6Addr {
    Ipv6Addr::from(<[u8; 16]>::try_from(&b[8..24]).unwrap())
}

pub fn dst6(b: &[u8]) -> Ipv6Addr {
    Ipv6Addr::from(<[u8; 16]>::try_from(&b[24..40]).unwrap())
}

/// Is the transport checksum of the IPv4 packet `b` (no options) right?
pub fn l4_ok4(b: &[u8]) -> bool {
    let seg = &b[20..usize::from(be16(b, 2))];
    let pseudo = if b[9] == 1 {
        0
    } else {
        checksum::pseudo_v4(src4(b), dst4(b), b[9], seg.len() as u32)
    };
    checksum::verify(checksum::combine(pseudo, checksum::sum(seg))) && {
        let mut h = [0u8; 20];
        h.copy_from_slice(&b[..20]);
        checksum::verify(checksum::sum(&h))
    }
}

/// Is the transport checksum of the IPv6 packet `b` (no extension headers) right?
pub fn l4_ok6(b: &[u8]) -> bool {
    let seg = &b[40..];
    let pseudo = checksum::pseudo_v6(src6(b), dst6(b), b[6], seg.len() as u32);
    checksum::verify(checksum::combine(pseudo, checksum::sum(seg)))
}
