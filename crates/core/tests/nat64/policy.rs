//! Filtering policies: ADF, drop-icmpv6-info, drop-externally-initiated-tcp, simultaneous
//! open, disabled instances.

use crate::build::*;
use jool_core::{Jstat, Verdict};

#[test]
fn address_dependent_filtering_rejects_unknown_remote_with_icmp_3_13() {
    let mut r = Rig::with(|g| g.address_dependent_filtering = true);
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    let p = udp4(OTHER, 53, MASK, mp, b"intruder");
    assert_eq!(r.run(1, &p), Verdict::Drop(Jstat::Adf));
    let e = r.reply.bytes();
    assert_eq!((src4(e), dst4(e), e[20], e[21]), (MASK, OTHER, 3, 13));
    assert_eq!(&e[28..], &p[..], "quotes the packet");
    assert_eq!(r.stats.get(Jstat::Icmp4errSuccess), 1);
    // The known remote still gets through.
    assert_eq!(
        r.run(2, &udp4(SERVER, 53, MASK, mp, b"a")),
        Verdict::Translated
    );
}

#[test]
fn endpoint_independent_filtering_lets_any_remote_in_by_default() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &udp6(CLIENT, 40000, SERVER6, 53, b"q")),
        Verdict::Translated
    );
    let mp = be16(r.out(), 20);
    assert_eq!(
        r.run(1, &udp4(OTHER, 53, MASK, mp, b"x")),
        Verdict::Translated
    );
    assert_eq!(src6(r.out()), OTHER6);
}

#[test]
fn drops_icmpv6_info_when_told() {
    let mut r = Rig::with(|g| g.drop_icmpv6_info = true);
    assert_eq!(
        r.run(0, &echo6(CLIENT, SERVER6, 1)),
        Verdict::Drop(Jstat::Icmp6Filter)
    );
    assert_eq!(r.stats.get(Jstat::Sessions), 0);
}

#[test]
fn drops_externally_initiated_tcp_when_told() {
    let mut r = Rig::with(|g| g.drop_externally_initiated_tcp = true);
    assert_eq!(
        r.run(0, &tcp4(SERVER, 80, MASK, 1500, 0x02)),
        Verdict::Drop(Jstat::V4Syn)
    );
    assert!(r.reply.is_empty());
}

#[test]
fn drops_ipv4_non_syn_without_state() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &tcp4(SERVER, 80, MASK, 1500, 0x10)),
        Verdict::Drop(Jstat::Syn4Expected)
    );
}

#[test]
fn stores_unsolicited_ipv4_syn_and_answers_3_3_when_it_expires() {
    let mut r = Rig::new();
    let syn = tcp4(SERVER, 80, MASK, 1500, 0x02);
    assert_eq!(r.run(1_000, &syn), Verdict::Stolen(Jstat::Type1Pkt));
    assert_eq!(r.stats.get(Jstat::Type1Pkt), 1);
    assert_eq!(r.run(2_000, &syn), Verdict::Drop(Jstat::SoExists));
    assert!(r.expire(6_999).is_empty());
    let sent = r.expire(7_000);
    assert_eq!(sent.len(), 1);
    let e = &sent[0];
    assert_eq!((src4(e), dst4(e), e[20], e[21]), (MASK, SERVER, 3, 3));
    assert_eq!(&e[28..], &syn[..]);
    assert!(l4_ok4(e));
    assert_eq!(r.stats.get(Jstat::Icmp4errSuccess), 1);
}

#[test]
fn simultaneous_open_meets_the_stored_syn() {
    let mut r = Rig::new();
    assert_eq!(
        r.run(0, &tcp4(SERVER, 80, MASK, 1500, 0x02)),
        Verdict::Stolen(Jstat::Type1Pkt)
    );
    assert_eq!(
        r.run(1, &tcp6(CLIENT, 40000, SERVER6, 80, 0x02)),
        Verdict::Translated
    );
    assert_eq!(be16(r.out(), 20), 1500, "the mask the stored SYN targeted");
    assert!(r.expire(60_000).iter().all(|p| p[9] != 1), "no 3/3");
}

#[test]
fn answers_3_3_at_once_when_the_syn_store_is_full() {
    let mut r = Rig::with(|g| g.maximum_simultaneous_opens = 1);
    let first = tcp4(SERVER, 80, MASK, 1500, 0x02);
    assert_eq!(r.run(0, &first), Verdict::Stolen(Jstat::Type1Pkt));
    let second = tcp4(OTHER, 80, MASK, 1501, 0x02);
    assert_eq!(r.run(0, &second), Verdict::Drop(Jstat::SoFull));
    let e = r.reply.bytes();
    assert_eq!((dst4(e), e[20], e[21]), (OTHER, 3, 3));
}

#[test]
fn hairpinned_ipv6_syn_that_expires_gets_icmpv6_port_unreachable() {
    let mut r = Rig::new();
    let syn = tcp6(CLIENT, 40000, MASK6, 1500, 0x02);
    assert_eq!(r.run(0, &syn), Verdict::Stolen(Jstat::Type1Pkt));
    let sent = r.expire(6_000);
    assert_eq!(sent.len(), 1);
    let e = &sent[0];
    assert_eq!((e[0] >> 4, e[40], e[41]), (6, 1, 4), "ICMPv6 1/4");
    assert_eq!(dst6(e), CLIENT);
    assert_eq!(&e[48..88], &syn[..40], "quotes the IPv6 original");
    assert!(l4_ok6(e));
}

#[test]
fn hands_everything_back_when_disabled() {
    let mut r = Rig::with(|g| g.manually_enabled = false);
    assert_eq!(
        r.run(0, &echo6(CLIENT, SERVER6, 1)),
        Verdict::Untranslatable(Jstat::XlatorDisabled)
    );
}
