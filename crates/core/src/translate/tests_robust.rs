//! Robustness: mutated packets never panic, and a packet handed back is left untouched.

use super::testutil::*;
use crate::verdict::Verdict;
use proptest::prelude::*;

/// Valid packets of every kind, to mutate.
fn seeds() -> Vec<Vec<u8>> {
    let udp6 = ipv6(
        N6,
        N4_AS6,
        17,
        64,
        &seal6(N6, N4_AS6, 17, udp_hdr(b"hello")),
    );
    let inner6 = ipv6(
        N4_AS6,
        N6,
        17,
        60,
        &seal6(N4_AS6, N6, 17, udp_hdr(&[3; 100])),
    );
    let mut ext6 = inner6.clone();
    ext6.extend_from_slice(&[0x20, 0, 0, 0, 0, 8, 1, 1]);
    let udp4 = ipv4(
        N4,
        N6_AS4,
        17,
        64,
        false,
        &seal4(N4, N6_AS4, 17, udp_hdr(b"hello")),
    );
    let inner4 = ipv4(
        N6_AS4,
        N4,
        6,
        60,
        true,
        &seal4(N6_AS4, N4, 6, tcp_hdr(&[4; 100])),
    );
    vec![
        udp6.clone(),
        ipv6(
            N6,
            N4_AS6,
            58,
            64,
            &seal6(N6, N4_AS6, 58, icmp_hdr(1, 4, 0, &inner6)),
        ),
        ipv6(
            N6,
            N4_AS6,
            58,
            64,
            &seal6(N6, N4_AS6, 58, icmp_hdr(3, 0, 18 << 24, &ext6)),
        ),
        ipv6(
            N6,
            N4_AS6,
            44,
            64,
            &[17, 0, 0, 1, 0, 0, 0, 9, 4, 210, 0, 53, 0, 40, 0, 0],
        ),
        ipv6(
            N6,
            N4_AS6,
            0,
            64,
            &[
                43, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
            ],
        ),
        udp4.clone(),
        ipv4(
            N4,
            N6_AS4,
            1,
            64,
            false,
            &seal4(N4, N6_AS4, 1, icmp_hdr(3, 4, 1400, &inner4)),
        ),
        ipv4(
            N4,
            N6_AS4,
            1,
            64,
            false,
            &seal4(N4, N6_AS4, 1, icmp_hdr(12, 0, 33 << 16, &inner4)),
        ),
        ipv4_opts(
            N4,
            N6_AS4,
            17,
            64,
            (false, false, 0),
            1,
            &[131, 7, 4, 1, 2, 3, 4, 0],
            &udp_hdr(b"x"),
        ),
        ipv4_opts(
            N4,
            N6_AS4,
            6,
            64,
            (false, true, 0),
            1,
            &[],
            &tcp_hdr(b"abc"),
        ),
        ipv6(
            "2001:db8:3::8",
            "2001:db8:101:0:9::",
            17,
            64,
            &udp_hdr(b"hairpin"),
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_packets_never_panic(
        seed in 0usize..11,
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..4),
        cut in 0usize..400,
        fix_ipv4_checksum in any::<bool>(),
    ) {
        let mut p = seeds()[seed].clone();
        for (at, v) in flips {
            let n = p.len().max(1);
            if let Some(b) = p.get_mut(at % n) {
                *b = v;
            }
        }
        if cut < p.len() && cut % 3 == 0 {
            p.truncate(cut);
        }
        if fix_ipv4_checksum && p.len() >= 20 && p[0] >> 4 == 4 {
            let ihl = (usize::from(p[0] & 0xf) * 4).clamp(20, p.len());
            p[10..12].fill(0);
            let c = jool_wire::checksum::finish(jool_wire::checksum::sum(&p[..ihl]));
            p[10..12].copy_from_slice(&c.to_be_bytes());
        }
        let r = run(&p);
        if let Verdict::Untranslatable(_) = r.verdict {
            prop_assert_eq!(r.out, p);
        }
    }
}
