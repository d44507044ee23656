//! RFC 6146 §3.8 "Hairpinning": an IPv6 packet whose translated IPv4 destination is a pool4
//! transport address (an IPv6 node talking to another one through its mask) is not sent; it
//! is fed back through filtering, outgoing tuple and translation as an IPv4 packet, and leaves
//! as IPv6 (spec §7.3).
//!
//! ```text
//!   client A ─► pool6+mask(B) ─6→4─► mask(A) → mask(B) ─4→6─► pool6+mask(A) → client B
//! ```
//! If the second half fails the IPv4 intermediate cannot be handed back (the kernel never saw
//! it): the packet is dropped, and the ICMP error it earned, if any, answers the IPv6 original
//! (e.g. ICMPv6 1/4 when a hairpinned SYN waits in vain — graybox `so`).

use crate::nat64::tuple::L4Proto;
use crate::nat64::Pool4;
use crate::translate::outgoing::Out64;
use crate::translate::Fail;
use crate::verdict::Verdict;

/// Is the translated packet addressed to pool4 (RFC 6146 §3.8)?
pub fn is_hairpin(pool4: &Pool4, proto: L4Proto, out: &Out64) -> bool {
    pool4.contains(proto, out.dst.addr, out.dst.port)
}

/// What a failed second half becomes: stored SYNs stay stolen, everything else is a drop
/// (the intermediate cannot be handed back), keeping the ICMP error for the IPv6 original.
pub fn second_half_failed(f: Fail) -> Fail {
    match f.verdict {
        Verdict::Stolen(_) => f,
        v => Fail {
            verdict: Verdict::Drop(v.stat()),
            icmp: f.icmp,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::tuple::Taddr4;
    use crate::nat64::PortRange;
    use crate::stats::Jstat;
    use crate::translate::{drop, drop_icmp, untranslatable, IcmpErr};

    fn out(dst: &str, port: u16) -> Out64 {
        Out64 {
            src: Taddr4::new("192.0.2.1".parse().unwrap(), 1000),
            dst: Taddr4::new(dst.parse().unwrap(), port),
            reassembled: false,
        }
    }

    #[test]
    fn detects_destinations_inside_pool4() {
        let mut p = Pool4::new();
        p.add(
            0,
            L4Proto::Udp,
            "192.0.2.1/32".parse().unwrap(),
            PortRange::new(1000, 2000),
            None,
        )
        .unwrap();
        assert!(is_hairpin(&p, L4Proto::Udp, &out("192.0.2.1", 1500)));
        assert!(!is_hairpin(&p, L4Proto::Udp, &out("192.0.2.1", 2001)));
        assert!(!is_hairpin(&p, L4Proto::Tcp, &out("192.0.2.1", 1500)));
        assert!(!is_hairpin(&p, L4Proto::Udp, &out("203.0.113.1", 1500)));
    }

    #[test]
    fn failed_second_half_cannot_be_handed_back() {
        let f = second_half_failed(untranslatable(Jstat::Bib4NotFound));
        assert_eq!(f, drop(Jstat::Bib4NotFound));
        let f = second_half_failed(drop_icmp(Jstat::SoFull, IcmpErr::PortUnreach));
        assert_eq!(f.icmp, Some(IcmpErr::PortUnreach));
        let stolen = Fail {
            verdict: Verdict::Stolen(Jstat::Type1Pkt),
            icmp: None,
        };
        assert_eq!(second_half_failed(stolen), stolen);
    }
}
