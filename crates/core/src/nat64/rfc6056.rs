//! Mask selection: RFC 6056 §3.3.3, "Algorithm 3: Simple Hash-Based Port Selection
//! Algorithm", over a pool4 mask domain instead of one address's port range.
//!
//! ```text
//!   offset = F(fields chosen by f-args, secret_key)
//!   repeat up to min(max-iterations, |domain|) times:
//!       candidate = domain[(offset + next_ephemeral) % |domain|]
//!       next_ephemeral++
//!       if candidate is free: return it
//!   fail → JSTAT_BIB6_NOT_FOUND
//! ```
//! F is keyed SipHash-1-3; the secret comes from whoever builds the state (the core has no
//! randomness of its own). `next_ephemeral` is the pool4 set's counter, an atomic shared by
//! the worker threads.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::Ordering;

use super::hash::Keyed;
use super::pool4::Domain;
use super::tuple::{Taddr4, Tuple6};

/// f-args bit: hash the IPv6 source address.
pub const F_SRC_ADDR: u8 = 0b1000;
/// f-args bit: hash the IPv6 source port (ICMP identifier).
pub const F_SRC_PORT: u8 = 0b0100;
/// f-args bit: hash the IPv6 destination address.
pub const F_DST_ADDR: u8 = 0b0010;
/// f-args bit: hash the IPv6 destination port.
pub const F_DST_PORT: u8 = 0b0001;

/// RFC 6056 §3.3.3's `F(local_IP, remote_IP, remote_port, secret_key)`, over the fields of
/// the IPv6 packet that `f_args` selects.
pub fn offset(key: &Keyed, f_args: u8, t6: &Tuple6) -> u64 {
    let mut h = key.build_hasher();
    if f_args & F_SRC_ADDR != 0 {
        h.write(&t6.src.addr.octets());
    }
    if f_args & F_SRC_PORT != 0 {
        h.write(&t6.src.port.to_be_bytes());
    }
    if f_args & F_DST_ADDR != 0 {
        h.write(&t6.dst.addr.octets());
    }
    if f_args & F_DST_PORT != 0 {
        h.write(&t6.dst.port.to_be_bytes());
    }
    h.finish()
}

/// Walks `domain` from `offset + next_ephemeral` and returns the first transport address
/// `claim` accepts (claiming it is the caller's business: it must be atomic), or `None`
/// after max-iterations probes. Every probe advances the set's `next_ephemeral`.
pub fn select(
    domain: &Domain<'_>,
    offset: u64,
    mut claim: impl FnMut(Taddr4) -> bool,
) -> Option<Taddr4> {
    let total = domain.len();
    let limit = domain.max_iterations().map_or(total, |m| m.min(total));
    let counter = domain.counter();
    let base = u64::from(counter.load(Ordering::Relaxed));
    let mut probes: u64 = 0;
    let mut found = None;
    for t in domain.walk(offset.wrapping_add(base)) {
        if probes == limit {
            break;
        }
        probes += 1;
        if claim(t) {
            found = Some(t);
            break;
        }
    }
    counter.fetch_add(probes as u32, Ordering::Relaxed);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::pool4::{MaxIterations, Pool4, PortRange};
    use crate::nat64::tuple::{L4Proto, Taddr6};
    use std::collections::HashSet;

    fn t6(src_port: u16, dst: &str) -> Tuple6 {
        Tuple6 {
            src: Taddr6::new("2001:db8::5".parse().unwrap(), src_port),
            dst: Taddr6::new(dst.parse().unwrap(), 80),
            proto: L4Proto::Tcp,
        }
    }

    fn pool(max: Option<MaxIterations>) -> Pool4 {
        let mut p = Pool4::new();
        p.add(
            0,
            L4Proto::Tcp,
            "192.0.2.0/30".parse().unwrap(),
            PortRange::new(1000, 1999),
            max,
        )
        .unwrap();
        p
    }

    #[test]
    fn offset_is_deterministic_for_key_and_selected_fields() {
        let k = Keyed::new([9; 16]);
        let a = t6(1000, "64:ff9b::c000:201");
        let b = t6(2000, "64:ff9b::c000:201");
        let c = t6(1000, "64:ff9b::c000:202");
        assert_eq!(offset(&k, 0b1011, &a), offset(&k, 0b1011, &a));
        // Default f-args ignore the source port.
        assert_eq!(offset(&k, 0b1011, &a), offset(&k, 0b1011, &b));
        assert_ne!(offset(&k, 0b1111, &a), offset(&k, 0b1111, &b));
        assert_ne!(offset(&k, 0b1011, &a), offset(&k, 0b1011, &c));
        assert_ne!(
            offset(&k, 0b1011, &a),
            offset(&Keyed::new([8; 16]), 0b1011, &a)
        );
    }

    #[test]
    fn same_secret_and_history_select_same_mask() {
        let k = Keyed::new([1; 16]);
        let (p1, p2) = (pool(None), pool(None));
        let off = offset(&k, 0b1011, &t6(5, "64:ff9b::c000:201"));
        let d1 = p1.domain(L4Proto::Tcp, 0, None).unwrap();
        let d2 = p2.domain(L4Proto::Tcp, 0, None).unwrap();
        for _ in 0..5 {
            assert_eq!(select(&d1, off, |_| true), select(&d2, off, |_| true));
        }
    }

    #[test]
    fn consecutive_selections_walk_on_from_counter() {
        let p = pool(None);
        let d = p.domain(L4Proto::Tcp, 0, None).unwrap();
        let first = select(&d, 0, |_| true).unwrap();
        let second = select(&d, 0, |_| true).unwrap();
        assert_eq!(first.to_string(), "192.0.2.0#1000");
        assert_eq!(second.to_string(), "192.0.2.0#1001");
        // Two probes refused: the counter advances by three.
        let third = {
            let mut n = 0;
            select(&d, 0, |_| {
                n += 1;
                n == 3
            })
            .unwrap()
        };
        assert_eq!(third.to_string(), "192.0.2.0#1004");
    }

    #[test]
    fn gives_up_after_max_iterations() {
        let p = pool(Some(MaxIterations::Fixed(7)));
        let d = p.domain(L4Proto::Tcp, 0, None).unwrap();
        let mut probes = 0;
        assert_eq!(
            select(&d, 123, |_| {
                probes += 1;
                false
            }),
            None
        );
        assert_eq!(probes, 7);
    }

    #[test]
    fn infinite_iterations_walk_the_whole_domain_once() {
        let p = pool(Some(MaxIterations::Infinity));
        let d = p.domain(L4Proto::Tcp, 0, None).unwrap();
        let mut seen = HashSet::new();
        assert_eq!(select(&d, 77, |_| true), d.walk(77).next());
        let none = select(&d, 77, |t| {
            seen.insert(t);
            false
        });
        assert_eq!(none, None);
        assert_eq!(seen.len(), 4000);
    }
}
