//! Flows through the state: ICMP echo, UDP, the TCP handshake, hand-backs, hairpinning.

use crate::build::*;
use jool_core::nat64::{L4Proto, TcpState};
use jool_core::{Jstat, Verdict};

#[test]
fn translates_echo_request_6to4_with_a_pool4_mask_and_the_reply_back() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &echo6(CLIENT, SERVER6, 0x4242)),
        Verdict::Translated
    );
    let out = r.out().to_vec();
    assert_eq!((src4(&out), dst4(&out), out[9]), (MASK, SERVER, 1));
    assert_eq!(out[20], 8, "echo request");
    let id = be16(&out, 24);
    assert!((1000..=1999).contains(&id), "identifier {id} from pool4");
    assert!(l4_ok4(&out));
    assert_eq!(r.stats.get(Jstat::BibEntries), 1);
    assert_eq!(r.stats.get(Jstat::Sessions), 1);

    let i = id.to_be_bytes();
    let reply = icmp4(SERVER, MASK, 0, 0, [i[0], i[1], 0, 1], b"ping");
    assert_eq!(r.run(10, &reply), Verdict::Translated);
    let back = r.out();
    assert_eq!((src6(back), dst6(back), back[6]), (SERVER6, CLIENT, 58));
    assert_eq!(
        (back[40], be16(back, 44)),
        (129, 0x4242),
        "echo reply, original id"
    );
    assert!(l4_ok6(back));
    assert_eq!(r.stats.get(Jstat::Success), 2);
}

#[test]
fn translates_udp_both_ways_rewriting_ports() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"query")),
        Verdict::Translated
    );
    let out = r.out().to_vec();
    let mask_port = be16(&out, 20);
    assert!((1000..=1999).contains(&mask_port));
    assert_eq!((src4(&out), dst4(&out), be16(&out, 22)), (MASK, SERVER, 53));
    assert!(l4_ok4(&out));
    assert_eq!(
        r.run(5, &udp4(SERVER, 53, MASK, mask_port, b"answer")),
        Verdict::Translated
    );
    let back = r.out();
    assert_eq!((src6(back), dst6(back)), (SERVER6, CLIENT));
    assert_eq!((be16(back, 40), be16(back, 42)), (53, 40000));
    assert!(l4_ok6(back));
    // Endpoint-independent mapping (RFC 6146 §3.5.1): same mask toward another server.
    assert_eq!(
        r.run(6, &udp6(CLIENT, 40000, OTHER6, 53, b"q")),
        Verdict::Translated
    );
    assert_eq!(be16(r.out(), 20), mask_port);
    assert_eq!(r.stats.get(Jstat::Sessions), 2);
    assert_eq!(r.stats.get(Jstat::BibEntries), 1);
}

#[test]
fn walks_the_tcp_handshake_through_the_state_machine() {
    let mut r = Rig::new();
    let state = |r: &Rig| r.nat.sessions(L4Proto::Tcp).first().and_then(|s| s.state);
    assert_eq!(
        r.run(0, &tcp6(CLIENT, 40000, SERVER6, 80, 0x02)),
        Verdict::Translated
    );
    assert_eq!(state(&r), Some(TcpState::V6Init));
    let mask_port = be16(r.out(), 20);
    assert!(l4_ok4(r.out()));
    assert_eq!(
        r.run(1, &tcp4(SERVER, 80, MASK, mask_port, 0x12)),
        Verdict::Translated
    );
    assert_eq!(state(&r), Some(TcpState::Established));
    assert!(l4_ok6(r.out()));
    assert_eq!(be16(r.out(), 42), 40000);
    assert_eq!(
        r.run(2, &tcp6(CLIENT, 40000, SERVER6, 80, 0x10)),
        Verdict::Translated
    );
    assert_eq!(
        r.run(3, &tcp6(CLIENT, 40000, SERVER6, 80, 0x11)),
        Verdict::Translated
    );
    assert_eq!(state(&r), Some(TcpState::V6FinRcv));
    assert_eq!(
        r.run(4, &tcp4(SERVER, 80, MASK, mask_port, 0x11)),
        Verdict::Translated
    );
    assert_eq!(state(&r), Some(TcpState::V4FinV6FinRcv));
}

#[test]
fn drops_first_ipv6_tcp_packet_without_syn() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &tcp6(CLIENT, 40000, SERVER6, 80, 0x10)),
        Verdict::Drop(Jstat::Syn6Expected)
    );
}

#[test]
fn hands_back_ipv4_udp_to_pool4_without_bib() {
    let mut r = Rig::new();
    let p = udp4(SERVER, 53, MASK, 1500, b"x");
    assert_eq!(r.run(0, &p), Verdict::Untranslatable(Jstat::Bib4NotFound));
    assert_eq!(r.out(), &p[..], "handed back unchanged");
    assert!(r.reply.is_empty());
}

#[test]
fn hands_back_ipv4_outside_pool4() {
    let mut r = Rig::new();
    let p = udp4(SERVER, 53, MASK, 2500, b"x");
    assert_eq!(r.run(0, &p), Verdict::Untranslatable(Jstat::Pool4Mismatch));
}

#[test]
fn drops_ipv6_source_inside_pool6_as_hairpin_loop() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(OTHER6, 1, SERVER6, 53, b"x")),
        Verdict::Drop(Jstat::HairpinLoop)
    );
}

#[test]
fn hands_back_ipv6_destination_outside_pool6() {
    let mut r = Rig::new();
    let p = udp6(CLIENT, 1, CLIENT_B, 53, b"x");
    assert_eq!(r.run(0, &p), Verdict::Untranslatable(Jstat::Pool6Mismatch));
    assert_eq!(r.out(), &p[..]);
}

#[test]
fn hands_back_unknown_transport_and_icmp_types() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &ipv6(CLIENT, SERVER6, 132, &[0; 8])),
        Verdict::Untranslatable(Jstat::UnknownL4Proto)
    );
    assert_eq!(
        r.run(0, &icmp6(CLIENT, SERVER6, 135, 0, [0; 4], &[0; 16])),
        Verdict::Untranslatable(Jstat::UnknownIcmp6Type)
    );
    assert_eq!(
        r.run(0, &icmp4(SERVER, MASK, 13, 0, [0; 4], &[0; 12])),
        Verdict::Untranslatable(Jstat::UnknownIcmp4Type)
    );
}

#[test]
fn hairpins_between_two_ipv6_clients_through_pool4() {
    let mut r = Rig::new();
    // Client B is reachable as 192.0.2.1#1500 (port forwarding).
    r.nat
        .bib_add_static(
            L4Proto::Udp,
            jool_core::nat64::Taddr6::new(CLIENT_B, 5000),
            jool_core::nat64::Taddr4::new(MASK, 1500),
        )
        .unwrap();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, MASK6, 1500, b"hi B")),
        Verdict::Translated
    );
    let out = r.out();
    assert_eq!(out[0] >> 4, 6, "comes back as IPv6");
    assert_eq!((src6(out), dst6(out)), (MASK6, CLIENT_B));
    let a_port = be16(out, 40);
    assert!((1000..=1999).contains(&a_port) && a_port != 1500);
    assert_eq!(be16(out, 42), 5000);
    assert_eq!(out[7], 63, "one router hop");
    assert!(l4_ok6(out));
    assert_eq!(r.stats.get(Jstat::Received4), 1, "the IPv4 intermediate");
    // B answers A's mask: hairpinned again, to A.
    assert_eq!(
        r.run(1, &udp6(CLIENT_B, 5000, MASK6, a_port, b"hi A")),
        Verdict::Translated
    );
    assert_eq!((dst6(r.out()), be16(r.out(), 42)), (CLIENT, 40000));
}
