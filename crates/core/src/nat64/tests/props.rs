use super::*;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug)]
enum Op {
    /// A 6→4 packet: (protocol, client host, client port, server, server port, SYN?).
    Out(u8, u16, u16, u8, u16, bool),
    /// A 4→6 reply to the n-th session seen so far.
    Reply(usize),
    /// Time passes.
    Wait(u64),
    /// The timer runs.
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..3, 0u16..6, 0u16..6, 0u8..3, 0u16..2, any::<bool>())
            .prop_map(|(p, h, sp, s, dp, syn)| Op::Out(p, h, sp, s, dp, syn)),
        2 => (0usize..64).prop_map(Op::Reply),
        2 => (0u64..400_000).prop_map(Op::Wait),
        1 => Just(Op::Expire),
    ]
}

fn check_invariants(db: &Nat64Db) {
    let mut total_sessions = 0;
    let mut total_bibs = 0;
    for proto in L4Proto::ALL {
        let bibs = db.bib_entries(proto);
        total_bibs += bibs.len();
        let by4: HashSet<Taddr4> = bibs.iter().map(|b| b.addr4).collect();
        let by6: HashMap<Taddr6, Taddr4> = bibs.iter().map(|b| (b.addr6, b.addr4)).collect();
        assert_eq!(
            by4.len(),
            bibs.len(),
            "two IPv6 taddrs share one IPv4 taddr"
        );
        assert_eq!(by6.len(), bibs.len(), "one IPv6 taddr has two masks");
        let sessions = db.sessions(proto);
        total_sessions += sessions.len();
        for s in &sessions {
            assert_eq!(
                by6.get(&s.src6),
                Some(&s.src4),
                "session without its BIB entry"
            );
        }
        for b in &bibs {
            assert!(
                b.is_static || sessions.iter().any(|s| s.src6 == b.addr6),
                "dynamic BIB entry without sessions"
            );
        }
    }
    assert_eq!(db.session_count(), total_sessions);
    assert_eq!(db.bib_count(), total_bibs);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_traffic_keeps_mappings_unique_and_expiry_empties_everything(ops in prop::collection::vec(op(), 1..120)) {
        let db = db_with(4, 10_000);
        let p = Params::default();
        let mut pool4 = Pool4::new();
        for proto in L4Proto::ALL {
            // A small pool so that masks get scarce and collide.
            pool4.add(0, proto, "192.0.2.1/32".parse().unwrap(), PortRange::new(1, 12), None).unwrap();
        }
        let mut now = 0u64;
        let mut seen: Vec<SessionView> = Vec::new();
        for op in ops {
            match op {
                Op::Out(p8, h, sp, s, dp, syn) => {
                    let proto = L4Proto::ALL[p8 as usize];
                    let mut t = t6(proto, h, sp, s, dp);
                    if proto == L4Proto::Icmp {
                        t.dst.port = t.src.port;
                    }
                    let f = if syn { TcpFlags::SYN } else { TcpFlags::NONE };
                    if let Ok(v) = out6(&db, now, &p, &pool4, &t, f) {
                        seen.push(v);
                    }
                }
                Op::Reply(n) => {
                    if let Some(s) = seen.get(n % seen.len().max(1)) {
                        let t = Tuple4 { src: s.dst4, dst: s.src4, proto: s.proto };
                        let _ = db.filtering_and_updating_4to6(now, &p, &t, TcpFlags::SYN, &[0x45]);
                    }
                }
                Op::Wait(ms) => now += ms,
                Op::Expire => db.expire(now, &p, &mut Events::default()),
            }
            check_invariants(&db);
        }
        let mut ev = Events::default();
        db.expire(now + p.timeouts.tcp_est + p.timeouts.tcp_trans + 1, &p, &mut ev);
        db.expire(now + 2 * (p.timeouts.tcp_est + p.timeouts.tcp_trans) + 2, &p, &mut ev);
        prop_assert_eq!(db.session_count(), 0);
        prop_assert_eq!(db.bib_count(), 0);
        prop_assert_eq!(db.stored_count(), 0);
        for proto in L4Proto::ALL {
            prop_assert!(db.bib_entries(proto).is_empty());
            prop_assert!(db.sessions(proto).is_empty());
        }
    }
}
