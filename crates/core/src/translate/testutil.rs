//! Packet builders and checkers for the translator's tests.

use crate::config::SiitConfig;
use crate::globals::Globals;
use crate::host::StaticHost;
use crate::packet::PacketBuf;
use crate::siit::Siit;
use crate::stats::Stats;
use crate::verdict::Verdict;
use jool_wire::checksum;
use std::net::{Ipv4Addr, Ipv6Addr};

pub fn a4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

pub fn a6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

/// The graybox SIIT configuration (spec §11.2): pool6 2001:db8:100::/40, two EAMs.
pub fn graybox() -> SiitConfig {
    let mut c = SiitConfig {
        globals: Globals {
            pool6: Some("2001:db8:100::/40".parse().unwrap()),
            ..Globals::default()
        },
        ..SiitConfig::default()
    };
    c.eamt
        .add(
            "2001:db8:3::/120".parse().unwrap(),
            "1.0.0.0/24".parse().unwrap(),
            false,
        )
        .unwrap();
    c.eamt
        .add(
            "2001:db8:2::/120".parse().unwrap(),
            "10.0.0.0/24".parse().unwrap(),
            false,
        )
        .unwrap();
    c
}

/// The translator box: 198.51.100.1 and 2001:db8:1c0:2:1::, MTU 1500 both sides.
pub fn host() -> StaticHost {
    StaticHost {
        local4: vec![a4("198.51.100.1")],
        local6: vec![a6("2001:db8:1c0:2:1::")],
        ..StaticHost::default()
    }
}

/// n6 (whose pool6 image is 192.0.2.33) and n4 = 198.51.100.2 (seen as 2001:db8:1c6:3364:2::).
pub const N6: &str = "2001:db8:1c0:2:21::";
pub const N4_AS6: &str = "2001:db8:1c6:3364:2::";
pub const N4: &str = "198.51.100.2";
pub const N6_AS4: &str = "192.0.2.33";

/// Everything a test run produces.
pub struct Run {
    pub verdict: Verdict,
    pub out: Vec<u8>,
    pub reply: Vec<u8>,
    pub stats: Stats,
}

pub fn run_with(cfg: SiitConfig, host: &mut StaticHost, pkt: &[u8]) -> Run {
    let siit = Siit::new(cfg);
    let mut stats = Stats::default();
    let mut buf = PacketBuf::new();
    let mut reply = PacketBuf::new();
    buf.load(pkt);
    let verdict = siit.handle(host, &mut stats, &mut buf, &mut reply);
    Run {
        verdict,
        out: buf.bytes().to_vec(),
        reply: reply.bytes().to_vec(),
        stats,
    }
}

pub fn run(pkt: &[u8]) -> Run {
    run_with(graybox(), &mut host(), pkt)
}

/// IPv4 header + payload; `frag` = (df, mf, offset); header checksum filled.
#[allow(clippy::too_many_arguments)]
pub fn ipv4_opts(
    src: &str,
    dst: &str,
    proto: u8,
    ttl: u8,
    frag: (bool, bool, u16),
    ident: u16,
    opts: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    assert_eq!(opts.len() % 4, 0);
    let ihl = 20 + opts.len();
    let total = ihl + payload.len();
    let mut v = vec![0u8; ihl];
    v[0] = 0x40 | (ihl / 4) as u8;
    v[1] = 0x08;
    v[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    v[4..6].copy_from_slice(&ident.to_be_bytes());
    let ff = (u16::from(frag.0) << 14) | (u16::from(frag.1) << 13) | frag.2;
    v[6..8].copy_from_slice(&ff.to_be_bytes());
    v[8] = ttl;
    v[9] = proto;
    v[12..16].copy_from_slice(&a4(src).octets());
    v[16..20].copy_from_slice(&a4(dst).octets());
    v[20..].copy_from_slice(opts);
    let c = checksum::finish(checksum::sum(&v));
    v[10..12].copy_from_slice(&c.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

pub fn ipv4(src: &str, dst: &str, proto: u8, ttl: u8, df: bool, payload: &[u8]) -> Vec<u8> {
    ipv4_opts(src, dst, proto, ttl, (df, false, 0), 0x1234, &[], payload)
}

/// IPv6 header (traffic class 0x08, flow label 0x12345) + payload (extension headers included).
pub fn ipv6(src: &str, dst: &str, next: u8, hop: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 40];
    v[0] = 0x60;
    v[1] = 0x81;
    v[2] = 0x23;
    v[3] = 0x45;
    v[4..6].copy_from_slice(&(payload.len() as u16).to_be_bytes());
    v[6] = next;
    v[7] = hop;
    v[8..24].copy_from_slice(&a6(src).octets());
    v[24..40].copy_from_slice(&a6(dst).octets());
    v.extend_from_slice(payload);
    v
}

pub fn udp_hdr(data: &[u8]) -> Vec<u8> {
    let mut v = vec![0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 0];
    v[4..6].copy_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    v.extend_from_slice(data);
    v
}

pub fn tcp_hdr(data: &[u8]) -> Vec<u8> {
    let mut v = vec![
        0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0x00, 0, 0, 0, 0,
    ];
    v.extend_from_slice(data);
    v
}

pub fn icmp_hdr(ty: u8, code: u8, rest: u32, data: &[u8]) -> Vec<u8> {
    let mut v = vec![ty, code, 0, 0];
    v.extend_from_slice(&rest.to_be_bytes());
    v.extend_from_slice(data);
    v
}

/// Offset of the checksum in the transport header.
fn csum_off(proto: u8) -> usize {
    match proto {
        6 => 16,
        17 => 6,
        _ => 2,
    }
}

/// Fills the transport checksum of `seg` (protocol `proto`) for IPv4 addresses.
pub fn seal4(src: &str, dst: &str, proto: u8, mut seg: Vec<u8>) -> Vec<u8> {
    let o = csum_off(proto);
    seg[o..o + 2].fill(0);
    let ph = if proto == 1 {
        0
    } else {
        checksum::pseudo_v4(a4(src), a4(dst), proto, seg.len() as u32)
    };
    let c = checksum::finish(checksum::combine(checksum::sum(&seg), ph));
    seg[o..o + 2].copy_from_slice(&c.to_be_bytes());
    seg
}

/// Fills the transport checksum of `seg` for IPv6 addresses (`proto` 58 for ICMPv6).
pub fn seal6(src: &str, dst: &str, proto: u8, mut seg: Vec<u8>) -> Vec<u8> {
    let o = csum_off(proto);
    seg[o..o + 2].fill(0);
    let ph = checksum::pseudo_v6(a6(src), a6(dst), proto, seg.len() as u32);
    let c = checksum::finish(checksum::combine(checksum::sum(&seg), ph));
    seg[o..o + 2].copy_from_slice(&c.to_be_bytes());
    seg
}

/// Adds `k` to the stored checksum (a wrong checksum, off by `k`).
pub fn spoil(mut seg: Vec<u8>, proto: u8, k: u16) -> Vec<u8> {
    let o = csum_off(proto);
    let c = u16::from_be_bytes([seg[o], seg[o + 1]]).wrapping_add(k);
    seg[o..o + 2].copy_from_slice(&c.to_be_bytes());
    seg
}

/// Folded sum over an IPv4 packet's transport segment and pseudo-header: 0xffff when the
/// checksum is right, 0xffff − k when it is off by k.
pub fn residue4(pkt: &[u8]) -> u16 {
    let ihl = usize::from(pkt[0] & 0xf) * 4;
    let total = usize::from(u16::from_be_bytes([pkt[2], pkt[3]]));
    let seg = &pkt[ihl..total];
    let proto = pkt[9];
    let src = Ipv4Addr::new(pkt[12], pkt[13], pkt[14], pkt[15]);
    let dst = Ipv4Addr::new(pkt[16], pkt[17], pkt[18], pkt[19]);
    let ph = if proto == 1 {
        0
    } else {
        checksum::pseudo_v4(src, dst, proto, seg.len() as u32)
    };
    checksum::fold(checksum::combine(checksum::sum(seg), ph))
}

/// Same for an IPv6 packet whose transport header follows the fixed header (or `skip` bytes
/// of extension headers).
pub fn residue6(pkt: &[u8], skip: usize, proto: u8) -> u16 {
    let seg = &pkt[40 + skip..];
    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&pkt[8..24]).unwrap());
    let dst = Ipv6Addr::from(<[u8; 16]>::try_from(&pkt[24..40]).unwrap());
    let ph = checksum::pseudo_v6(src, dst, proto, seg.len() as u32);
    checksum::fold(checksum::combine(checksum::sum(seg), ph))
}

/// Is the IPv4 header checksum right?
pub fn ip4_csum_ok(pkt: &[u8]) -> bool {
    let ihl = usize::from(pkt[0] & 0xf) * 4;
    checksum::verify(checksum::sum(&pkt[..ihl]))
}

pub fn src4(p: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(p[12], p[13], p[14], p[15])
}
pub fn dst4(p: &[u8]) -> Ipv4Addr {
    Ipv4Addr::new(p[16], p[17], p[18], p[19])
}
pub fn src6(p: &[u8]) -> Ipv6Addr {
    Ipv6Addr::from(<[u8; 16]>::try_from(&p[8..24]).unwrap())
}
pub fn dst6(p: &[u8]) -> Ipv6Addr {
    Ipv6Addr::from(<[u8; 16]>::try_from(&p[24..40]).unwrap())
}
pub fn be16(p: &[u8], o: usize) -> u16 {
    u16::from_be_bytes([p[o], p[o + 1]])
}
pub fn be32(p: &[u8], o: usize) -> u32 {
    u32::from_be_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]])
}

/// The first `n` values of the StaticHost RNG (to predict identifications).
pub fn rng(n: usize) -> Vec<u32> {
    let mut h = host();
    (0..n)
        .map(|_| crate::host::Host::random_u32(&mut h))
        .collect()
}
