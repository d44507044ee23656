//! Criterion benchmark of the translator core: nanoseconds per translated packet (SIIT 6→4 and
//! 4→6 for UDP, TCP and ICMP echo; NAT64 on an existing session both ways) and NAT64 session
//! creation rate. Every iteration copies the packet into the buffer (a 100-byte memcpy) and
//! translates it in place, as a datapath worker does.
//!
//! `nat64_sessions/*`: the same on a database of 1,000 and of 1,000,000 live UDP sessions,
//! each packet belonging to a session picked at random across the whole set (so that the
//! tables' cache misses are real), and session creation with 1,000,000 live ones.
//!
//! Run: `cargo bench -p jool-core --bench translate` (`-- nat64_sessions` for the scale
//! group only).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jool_core::addr::eamt::Eamt;
use jool_core::config::SiitConfig;
use jool_core::globals::Globals;
use jool_core::nat64::pool4::{Pool4, PortRange};
use jool_core::nat64::tuple::{L4Proto, Taddr6};
use jool_core::nat64::Events;
use jool_core::{Ipv4Prefix, Nat64, Nat64Config, PacketBuf, Siit, StaticHost, Stats, Verdict};
use jool_wire::checksum;
use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

const CLIENT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 8);
const SERVER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221);
const SERVER4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 33);
const CLIENT4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 8);

fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, proto: u8, mut l4: Vec<u8>, csum_at: usize) -> Vec<u8> {
    let pseudo = checksum::pseudo_v6(src, dst, proto, l4.len() as u32);
    let c = checksum::finish(checksum::combine(pseudo, checksum::sum(&l4)));
    l4[csum_at..csum_at + 2].copy_from_slice(&c.to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(l4.len() as u16).to_be_bytes());
    p.extend_from_slice(&[proto, 64]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&l4);
    p
}

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, mut l4: Vec<u8>, csum_at: usize) -> Vec<u8> {
    let pseudo = if proto == 1 {
        0
    } else {
        checksum::pseudo_v4(src, dst, proto, l4.len() as u32)
    };
    let c = checksum::finish(checksum::combine(pseudo, checksum::sum(&l4)));
    l4[csum_at..csum_at + 2].copy_from_slice(&c.to_be_bytes());
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::finish(checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(&l4);
    p
}

/// A transport segment with a 72-byte payload (a 100-byte IPv4 / 120-byte IPv6 packet for UDP).
fn l4(proto: u8, sport: u16, dport: u16) -> (Vec<u8>, usize) {
    let payload = [0x5au8; 72];
    let mut s = match proto {
        17 => {
            let mut s = Vec::new();
            s.extend_from_slice(&sport.to_be_bytes());
            s.extend_from_slice(&dport.to_be_bytes());
            s.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            s.extend_from_slice(&[0, 0]);
            s
        }
        6 => {
            let mut s = Vec::new();
            s.extend_from_slice(&sport.to_be_bytes());
            s.extend_from_slice(&dport.to_be_bytes());
            s.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x10, 0x20, 0, 0, 0, 0, 0]);
            s
        }
        ty => vec![ty, 0, 0, 0, (sport >> 8) as u8, sport as u8, 0, 1],
    };
    s.extend_from_slice(&payload);
    let at = match proto {
        17 => 6,
        6 => 16,
        _ => 2,
    };
    (s, at)
}

fn run(
    c: &mut Criterion,
    name: &str,
    mut f: impl FnMut(&mut PacketBuf, &mut PacketBuf) -> Verdict,
    input: &[u8],
) {
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    pkt.load(input);
    assert_eq!(f(&mut pkt, &mut reply), Verdict::Translated, "{name}");
    let mut g = c.benchmark_group("translate");
    g.throughput(Throughput::Elements(1));
    g.bench_function(name, |b| {
        b.iter(|| {
            pkt.load(black_box(input));
            black_box(f(&mut pkt, &mut reply))
        })
    });
    g.finish();
}

fn siit(c: &mut Criterion) {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ..Default::default()
    };
    let mut eamt = Eamt::default();
    eamt.add(
        "2001:db8:1::/120".parse().unwrap(),
        "198.51.100.0/24".parse().unwrap(),
        false,
    )
    .unwrap();
    let siit = Siit::new(SiitConfig {
        globals,
        eamt,
        ..Default::default()
    });
    let mut host = StaticHost::default();
    let mut stats = Stats::default();
    for (proto6, proto4, name) in [(17u8, 17u8, "udp"), (6, 6, "tcp"), (128, 8, "icmp")] {
        let (seg, at) = l4(proto6, 40000, 53);
        let p6 = ipv6(
            CLIENT6,
            SERVER6,
            if proto6 == 128 { 58 } else { proto6 },
            seg,
            at,
        );
        run(
            c,
            &format!("siit_6to4_{name}"),
            |p, r| siit.handle(&mut host, &mut stats, p, r),
            &p6,
        );
        let (seg, at) = l4(if proto4 == 8 { 0 } else { proto4 }, 53, 40000);
        let p4 = ipv4(
            SERVER4,
            CLIENT4,
            if proto4 == 8 { 1 } else { proto4 },
            seg,
            at,
        );
        run(
            c,
            &format!("siit_4to6_{name}"),
            |p, r| siit.handle(&mut host, &mut stats, p, r),
            &p4,
        );
    }
}

fn nat64_instance() -> Nat64 {
    let globals = Globals {
        pool6: Some("64:ff9b::/96".parse().unwrap()),
        ..Default::default()
    };
    let mut pool4 = Pool4::new();
    let prefix = Ipv4Prefix::new(Ipv4Addr::new(203, 0, 113, 0), 24);
    for proto in [L4Proto::Tcp, L4Proto::Udp, L4Proto::Icmp] {
        pool4
            .add(0, proto, prefix, PortRange::new(1024, 65535), None)
            .unwrap();
    }
    Nat64::new(Nat64Config::new(globals, pool4, [1; 16])).unwrap()
}

fn nat64(c: &mut Criterion) {
    let nat64 = nat64_instance();
    let mut host = StaticHost::default();
    let mut stats = Stats::default();
    // Establish a UDP session, then learn its mask from the translated packet.
    let (seg, at) = l4(17, 40000, 53);
    let p6 = ipv6(CLIENT6, SERVER6, 17, seg, at);
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    pkt.load(&p6);
    assert_eq!(
        nat64.handle(0, &mut host, &mut stats, 0, &mut pkt, &mut reply),
        Verdict::Translated
    );
    let mask = Ipv4Addr::new(
        pkt.bytes()[12],
        pkt.bytes()[13],
        pkt.bytes()[14],
        pkt.bytes()[15],
    );
    let mask_port = u16::from_be_bytes([pkt.bytes()[20], pkt.bytes()[21]]);
    run(
        c,
        "nat64_6to4_udp_existing_session",
        |p, r| nat64.handle(1, &mut host, &mut stats, 0, p, r),
        &p6,
    );
    let (seg, at) = l4(17, 53, mask_port);
    let p4 = ipv4(SERVER4, mask, 17, seg, at);
    run(
        c,
        "nat64_4to6_udp_existing_session",
        |p, r| nat64.handle(1, &mut host, &mut stats, 0, p, r),
        &p4,
    );

    // New sessions: every packet comes from a new IPv6 transport address. A fresh instance per
    // chunk keeps the tables under their caps; building it is not measured.
    let mut g = c.benchmark_group("translate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("nat64_6to4_udp_new_session", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let chunk = (iters - done).min(500_000);
                let nat64 = nat64_instance();
                let mut inputs = Vec::with_capacity(1024);
                let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
                let mut i = 0u64;
                while i < chunk {
                    inputs.clear();
                    for k in 0..chunk.saturating_sub(i).min(1024) {
                        let n = i + k;
                        let src =
                            Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, (n >> 16) as u16, n as u16);
                        let (seg, at) = l4(17, 1024 + (n % 60000) as u16, 53);
                        inputs.push(ipv6(src, SERVER6, 17, seg, at));
                    }
                    let start = Instant::now();
                    for p in &inputs {
                        pkt.load(p);
                        black_box(nat64.handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply));
                    }
                    total += start.elapsed();
                    i += inputs.len() as u64;
                }
                done += chunk;
            }
            total
        })
    });
    g.finish();
}

/// xorshift32: the benchmark's reproducible pseudo-random sequence.
fn next_rand(x: &mut u32) -> u32 {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    *x
}

/// The IPv6 source of session `i`: `2001:db8:2::<i>` (low 32 bits) and port `1024 + i % 60000`.
fn source_of(i: u32) -> (u32, u16) {
    (i, 1024 + (i % 60000) as u16)
}

/// Puts source `(lo, port)` into a copy of `template6` (UDP from `2001:db8:2::` port 0),
/// adjusting the UDP checksum incrementally.
fn patch6(pkt: &mut PacketBuf, template6: &[u8], (lo, port): (u32, u16)) {
    pkt.load(template6);
    let b = pkt.bytes_mut();
    b[20..24].copy_from_slice(&lo.to_be_bytes());
    b[40..42].copy_from_slice(&port.to_be_bytes());
    let c = u16::from_be_bytes([b[46], b[47]]);
    let c = checksum::update(checksum::update16(c, 0, port), 0, lo);
    b[46..48].copy_from_slice(&(if c == 0 { 0xffff } else { c }).to_be_bytes());
}

/// Puts destination `(addr, port)` (a mask) into a copy of `template4` (UDP from SERVER4:53
/// to 0.0.0.0 port 0), adjusting both checksums incrementally.
fn patch4(pkt: &mut PacketBuf, template4: &[u8], (addr, port): (u32, u16)) {
    pkt.load(template4);
    let b = pkt.bytes_mut();
    b[16..20].copy_from_slice(&addr.to_be_bytes());
    b[22..24].copy_from_slice(&port.to_be_bytes());
    let ip = checksum::update(u16::from_be_bytes([b[10], b[11]]), 0, addr);
    b[10..12].copy_from_slice(&ip.to_be_bytes());
    let c = u16::from_be_bytes([b[26], b[27]]);
    let c = checksum::update(checksum::update16(c, 0, port), 0, addr);
    b[26..28].copy_from_slice(&(if c == 0 { 0xffff } else { c }).to_be_bytes());
}

/// A NAT64 instance holding `n` UDP sessions (session `i` from [`source_of`]`(i)` to
/// SERVER6:53), and the packets' variable parts in a random order of the sessions: the IPv6
/// sources, and the masks the IPv4 replies go to. The orders are read sequentially, so only
/// the translator's own state is touched at random.
struct Loaded {
    nat64: Nat64,
    template6: Vec<u8>,
    template4: Vec<u8>,
    order6: Vec<(u32, u16)>,
    order4: Vec<(u32, u16)>,
}

fn loaded(n: u32) -> Loaded {
    let nat64 = nat64_instance();
    let mut host = StaticHost::default();
    let mut stats = Stats::default();
    let (seg, at) = l4(17, 0, 53);
    let template6 = ipv6(
        Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 0),
        SERVER6,
        17,
        seg,
        at,
    );
    let (seg, at) = l4(17, 53, 0);
    let template4 = ipv4(SERVER4, Ipv4Addr::UNSPECIFIED, 17, seg, at);
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    let mut masks = Vec::with_capacity(n as usize);
    for i in 0..n {
        patch6(&mut pkt, &template6, source_of(i));
        let v = nat64.handle(0, &mut host, &mut stats, 0, &mut pkt, &mut reply);
        assert_eq!(v, Verdict::Translated, "session {i}");
        let b = pkt.bytes();
        let addr = u32::from_be_bytes([b[12], b[13], b[14], b[15]]);
        masks.push((addr, u16::from_be_bytes([b[20], b[21]])));
    }
    assert_eq!(nat64.db().session_count(), n as usize);
    // Fisher-Yates with xorshift.
    let mut perm: Vec<u32> = (0..n).collect();
    let mut x = 0x9e37_79b9;
    for k in (1..perm.len()).rev() {
        perm.swap(k, next_rand(&mut x) as usize % (k + 1));
    }
    Loaded {
        order6: perm.iter().map(|&i| source_of(i)).collect(),
        order4: perm.iter().map(|&i| masks[i as usize]).collect(),
        nat64,
        template6,
        template4,
    }
}

/// Translating packets of existing sessions with 1,000 and 1,000,000 of them live, both
/// directions; creating sessions with 1,000,000 live.
fn nat64_sessions(c: &mut Criterion) {
    let mut g = c.benchmark_group("nat64_sessions");
    g.throughput(Throughput::Elements(1));
    let mut host = StaticHost::default();
    let mut stats = Stats::default();
    let (mut pkt, mut reply) = (PacketBuf::new(), PacketBuf::new());
    for n in [1_000u32, 1_000_000] {
        let l = loaded(n);
        let mut k = 0;
        g.bench_function(format!("6to4_existing/{n}"), |b| {
            b.iter(|| {
                patch6(&mut pkt, &l.template6, l.order6[k]);
                k = if k + 1 == l.order6.len() { 0 } else { k + 1 };
                black_box(
                    l.nat64
                        .handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply),
                )
            })
        });
        patch6(&mut pkt, &l.template6, l.order6[0]);
        let v = l
            .nat64
            .handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply);
        assert_eq!(v, Verdict::Translated);
        let mut k = 0;
        g.bench_function(format!("4to6_existing/{n}"), |b| {
            b.iter(|| {
                patch4(&mut pkt, &l.template4, l.order4[k]);
                k = if k + 1 == l.order4.len() { 0 } else { k + 1 };
                black_box(
                    l.nat64
                        .handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply),
                )
            })
        });
        patch4(&mut pkt, &l.template4, l.order4[0]);
        let v = l
            .nat64
            .handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply);
        assert_eq!(v, Verdict::Translated);
        // New sessions (sources beyond the loaded ones), 4,096 at a time; each chunk's BIB
        // entries are removed afterwards, unmeasured, so the table stays at `n` live sessions.
        let mut next = n;
        g.bench_function(format!("6to4_new_session/{n}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut done = 0;
                let mut events = Events::default();
                while done < iters {
                    let chunk = (iters - done).min(4096) as u32;
                    let first = next;
                    let start = Instant::now();
                    for i in first..first + chunk {
                        patch6(&mut pkt, &l.template6, source_of(i));
                        let v = l
                            .nat64
                            .handle(1, &mut host, &mut stats, 0, &mut pkt, &mut reply);
                        black_box(v);
                    }
                    total += start.elapsed();
                    for i in first..first + chunk {
                        let (lo, port) = source_of(i);
                        let a6 = Ipv6Addr::from(
                            0x2001_0db8_0002_0000_0000_0000_0000_0000u128 | u128::from(lo),
                        );
                        let _ = l.nat64.bib_remove(
                            L4Proto::Udp,
                            Some(Taddr6::new(a6, port)),
                            None,
                            &mut events,
                        );
                        events.clear();
                    }
                    next = first + chunk;
                    done += u64::from(chunk);
                }
                total
            })
        });
        assert_eq!(
            l.nat64.db().session_count(),
            n as usize,
            "back to {n} sessions"
        );
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = siit, nat64, nat64_sessions
}
criterion_main!(benches);
