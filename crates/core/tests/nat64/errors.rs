//! ICMP errors travel through the session of the packet they quote (RFC 6146 §3.4, §3.6).

use crate::build::*;
use jool_core::{Jstat, Verdict};
use std::net::Ipv6Addr;

/// Client UDP 40000 → server 53; returns the mask port.
fn udp_session(r: &mut Rig) -> u16 {
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"query")),
        Verdict::Translated
    );
    be16(r.out(), 20)
}

fn icmp4_error_about_udp(r: &mut Rig, better: bool) -> Vec<u8> {
    let mp = udp_session(r);
    let inner = udp4(MASK, mp, SERVER, 53, b"query");
    let err = icmp4(ROUTER4, MASK, 3, 3, [0; 4], &inner);
    assert_eq!(r.run(1, &err), Verdict::Translated, "better={better}");
    r.out().to_vec()
}

#[test]
fn translates_icmpv4_error_through_the_session_of_its_inner_packet() {
    let mut r = Rig::new();
    let out = icmp4_error_about_udp(&mut r, true);
    assert_eq!(
        (out[6], out[40], out[41]),
        (58, 1, 4),
        "ICMPv6 port unreachable"
    );
    // source-icmpv6-errors-better (default on): pool6 + the ICMPv4 error's source.
    let router6: Ipv6Addr = "64:ff9b::c633:6407".parse().unwrap();
    assert_eq!((src6(&out), dst6(&out)), (router6, CLIENT));
    let inner = &out[48..];
    assert_eq!((src6(inner), dst6(inner)), (CLIENT, SERVER6));
    assert_eq!((be16(inner, 40), be16(inner, 42)), (40000, 53));
    assert!(l4_ok6(&out), "outer ICMPv6 checksum");
    assert!(l4_ok6(inner), "inner UDP checksum");
}

#[test]
fn icmpv6_error_source_is_the_inner_destination_without_errors_better() {
    let mut r = Rig::with(|g| g.source_icmpv6_errors_better = false);
    let out = icmp4_error_about_udp(&mut r, false);
    assert_eq!(src6(&out), SERVER6);
    assert!(l4_ok6(&out));
}

#[test]
fn translates_icmpv6_error_through_the_session_of_its_inner_packet() {
    let mut r = Rig::new();
    let mp = udp_session(&mut r);
    let inner = udp6(SERVER6, 53, CLIENT, 40000, b"answer");
    let err = icmp6(CLIENT, SERVER6, 1, 4, [0; 4], &inner);
    assert_eq!(r.run(1, &err), Verdict::Translated);
    let out = r.out();
    assert_eq!(
        (out[9], out[20], out[21]),
        (1, 3, 3),
        "ICMPv4 port unreachable"
    );
    assert_eq!((src4(out), dst4(out)), (MASK, SERVER));
    let inner = &out[28..];
    assert_eq!((src4(inner), dst4(inner)), (SERVER, MASK));
    assert_eq!((be16(inner, 20), be16(inner, 22)), (53, mp));
    assert!(l4_ok4(out), "outer ICMPv4 checksum");
    assert!(l4_ok4(inner), "inner UDP checksum");
}

#[test]
fn translates_error_about_an_echo_through_its_session() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &echo6(CLIENT, SERVER6, 0x4242)),
        Verdict::Translated
    );
    let quoted = r.out().to_vec(); // The echo request as it left.
    let id = be16(&quoted, 24);
    let err = icmp4(ROUTER4, MASK, 11, 0, [0; 4], &quoted);
    assert_eq!(r.run(1, &err), Verdict::Translated);
    let out = r.out();
    assert_eq!((out[40], out[41]), (3, 0), "time exceeded");
    let inner = &out[48..];
    assert_eq!(
        (src6(inner), dst6(inner), inner[40]),
        (CLIENT, SERVER6, 128)
    );
    assert_eq!(
        be16(inner, 44),
        0x4242,
        "identifier {id} back to the client's"
    );
    assert!(l4_ok6(out));
    assert!(l4_ok6(inner), "inner echo checksum");
}

#[test]
fn hands_back_icmp_error_without_session() {
    let mut r = Rig::new();
    let inner = udp4(MASK, 1777, SERVER, 53, b"x");
    let err = icmp4(ROUTER4, MASK, 3, 3, [0; 4], &inner);
    assert_eq!(
        r.run(0, &err),
        Verdict::Untranslatable(Jstat::SessionNotFound)
    );
    let inner = udp6(SERVER6, 53, CLIENT, 1777, b"x");
    let err = icmp6(CLIENT, SERVER6, 1, 4, [0; 4], &inner);
    assert_eq!(
        r.run(0, &err),
        Verdict::Untranslatable(Jstat::SessionNotFound)
    );
}

#[test]
fn hands_back_icmp_error_about_unknown_protocol() {
    let mut r = Rig::new();
    let inner = ipv4(MASK, SERVER, 132, &[0; 12]);
    let err = icmp4(ROUTER4, MASK, 3, 3, [0; 4], &inner);
    assert_eq!(
        r.run(0, &err),
        Verdict::Untranslatable(Jstat::UnknownProtoInner)
    );
}
