//! RFC 6146 §3.4 on literal packets.

use super::*;

const SRC6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8];
const DST6: [u8; 16] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 203, 0, 113, 5];

fn ipv6(nh: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[nh, 64]);
    p.extend_from_slice(&SRC6);
    p.extend_from_slice(&DST6);
    p.extend_from_slice(payload);
    p
}

fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    let c = jool_wire::checksum::finish(jool_wire::checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

const TCP_SYN: [u8; 20] = [
    0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
];

#[test]
fn reads_tcp_ports_and_flags_6to4() {
    let inc = super::ipv6(&ipv6_tcp(&TCP_SYN)).unwrap();
    assert_eq!((inc.tuple.src.port, inc.tuple.dst.port), (40000, 80));
    assert_eq!(inc.tuple.proto, L4Proto::Tcp);
    assert_eq!(inc.flags, TcpFlags::SYN);
    assert_eq!(inc.kind, Kind::Transport);
}

fn ipv6_tcp(seg: &[u8]) -> Vec<u8> {
    ipv6(6, seg)
}

#[test]
fn uses_the_echo_identifier_as_both_ports() {
    let p = ipv6(58, &[128, 0, 0, 0, 0x12, 0x34, 0, 1]);
    let inc = super::ipv6(&p).unwrap();
    assert_eq!((inc.tuple.src.port, inc.tuple.dst.port), (0x1234, 0x1234));
    assert_eq!(inc.kind, Kind::IcmpInfo);
}

#[test]
fn reverses_the_inner_tuple_of_an_icmpv4_error() {
    let inner = ipv4(
        17,
        [192, 0, 2, 1],
        [203, 0, 113, 5],
        &[0x03, 0xe8, 0, 53, 0, 8, 0, 0],
    );
    let mut msg = vec![3, 3, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&inner);
    let p = ipv4(1, [198, 51, 100, 7], [192, 0, 2, 1], &msg);
    let inc = super::ipv4(&p).unwrap();
    assert_eq!(inc.kind, Kind::IcmpError);
    assert_eq!(
        inc.tuple.src,
        Taddr4::new(Ipv4Addr::new(203, 0, 113, 5), 53)
    );
    assert_eq!(
        inc.tuple.dst,
        Taddr4::new(Ipv4Addr::new(192, 0, 2, 1), 1000)
    );
    assert_eq!(inc.src, Ipv4Addr::new(198, 51, 100, 7));
}

#[test]
fn hands_back_what_nat64_does_not_translate() {
    assert_eq!(
        super::ipv6(&ipv6(132, &[0; 12])),
        Err(untranslatable(Jstat::UnknownL4Proto))
    );
    assert_eq!(
        super::ipv6(&ipv6(58, &[135, 0, 0, 0, 0, 0, 0, 0])),
        Err(untranslatable(Jstat::UnknownIcmp6Type))
    );
    let p = ipv4(1, [1, 2, 3, 4], [5, 6, 7, 8], &[13, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        super::ipv4(&p),
        Err(untranslatable(Jstat::UnknownIcmp4Type))
    );
}

#[test]
fn drops_truncated_transport_headers() {
    assert_eq!(
        super::ipv6(&ipv6_tcp(&TCP_SYN[..12])),
        Err(drop(Jstat::SkbTruncated))
    );
    let p = ipv4(17, [1, 2, 3, 4], [5, 6, 7, 8], &[0, 1, 0]);
    assert_eq!(super::ipv4(&p), Err(drop(Jstat::SkbTruncated)));
}

#[test]
fn drops_icmp_error_inside_icmp_error() {
    let inner = ipv4(
        1,
        [192, 0, 2, 1],
        [203, 0, 113, 5],
        &[3, 1, 0, 0, 0, 0, 0, 0],
    );
    let mut msg = vec![11, 0, 0, 0, 0, 0, 0, 0];
    msg.extend_from_slice(&inner);
    let p = ipv4(1, [198, 51, 100, 7], [192, 0, 2, 1], &msg);
    assert_eq!(super::ipv4(&p), Err(drop(Jstat::DoubleIcmp4Error)));
}
