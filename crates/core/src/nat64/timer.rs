//! Session timers in O(expired): one intrusive FIFO list per timer class per shard.
//!
//! Every session of a class lives on its class's list in the order of its last update
//! time; a refresh moves it to the tail. All sessions of a class share one duration, so the
//! head is always the first to expire and `expire(now)` pops heads until it meets one that
//! has not expired: with nothing due it looks at one node per list. Changing a timeout
//! global changes the class's duration for every session at once (Jool: "changing it
//! re-times existing sessions") and keeps the lists ordered.

/// RFC 6146 §4 TCP_INCOMING_SYN: how long an unsolicited IPv4 SYN is kept (not configurable).
pub const SYN4_TIMEOUT_MS: u64 = 6_000;

/// Which timeout governs a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimerClass {
    /// `udp-timeout`.
    Udp = 0,
    /// `icmp-timeout`.
    Icmp = 1,
    /// `tcp-est-timeout`.
    TcpEst = 2,
    /// `tcp-trans-timeout`.
    TcpTrans = 3,
    /// The fixed 6 s of a V4_INIT session holding a stored SYN.
    Syn4 = 4,
}

impl TimerClass {
    /// Number of classes.
    pub const COUNT: usize = 5;
    /// Every class.
    pub const ALL: [TimerClass; 5] = [
        TimerClass::Udp,
        TimerClass::Icmp,
        TimerClass::TcpEst,
        TimerClass::TcpTrans,
        TimerClass::Syn4,
    ];

    /// Session synchronization's `timer_type` (spec §8): est 0, trans 1, syn4 2 (TCP only).
    pub const fn ss_timer_type(self) -> u8 {
        match self {
            TimerClass::TcpTrans => 1,
            TimerClass::Syn4 => 2,
            _ => 0,
        }
    }
}

/// The configurable timeouts, in milliseconds (the globals `udp-timeout`, `icmp-timeout`,
/// `tcp-est-timeout`, `tcp-trans-timeout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// `udp-timeout`.
    pub udp: u64,
    /// `icmp-timeout`.
    pub icmp: u64,
    /// `tcp-est-timeout`.
    pub tcp_est: u64,
    /// `tcp-trans-timeout`.
    pub tcp_trans: u64,
}

impl Default for Timeouts {
    /// Jool's defaults: 5 min, 1 min, 2 h, 4 min.
    fn default() -> Self {
        Timeouts {
            udp: 5 * 60 * 1000,
            icmp: 60 * 1000,
            tcp_est: 2 * 60 * 60 * 1000,
            tcp_trans: 4 * 60 * 1000,
        }
    }
}

impl Timeouts {
    /// The duration of `class`.
    pub fn of(&self, class: TimerClass) -> u64 {
        match class {
            TimerClass::Udp => self.udp,
            TimerClass::Icmp => self.icmp,
            TimerClass::TcpEst => self.tcp_est,
            TimerClass::TcpTrans => self.tcp_trans,
            TimerClass::Syn4 => SYN4_TIMEOUT_MS,
        }
    }
}

/// "No node" in an intrusive list.
pub(crate) const NIL: u32 = u32::MAX;

/// A node's links in one intrusive doubly linked list (slab indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Links {
    pub prev: u32,
    pub next: u32,
}

impl Links {
    pub const NONE: Links = Links {
        prev: NIL,
        next: NIL,
    };
}

/// An intrusive doubly linked list over a slab; `f` picks the node's links for this list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DList {
    pub head: u32,
    pub tail: u32,
}

impl Default for DList {
    fn default() -> Self {
        DList {
            head: NIL,
            tail: NIL,
        }
    }
}

pub(crate) type LinksOf<S> = fn(&mut S) -> &mut Links;

impl DList {
    /// Appends node `i` (which must not be on the list).
    pub fn push_back<S>(&mut self, slab: &mut [S], i: u32, f: LinksOf<S>) {
        let old_tail = self.tail;
        if let Some(n) = slab.get_mut(i as usize) {
            *f(n) = Links {
                prev: old_tail,
                next: NIL,
            };
        }
        match slab.get_mut(old_tail as usize) {
            Some(t) => f(t).next = i,
            None => self.head = i,
        }
        self.tail = i;
    }

    /// Removes node `i` (which must be on the list).
    pub fn unlink<S>(&mut self, slab: &mut [S], i: u32, f: LinksOf<S>) {
        let Some(n) = slab.get_mut(i as usize) else {
            return;
        };
        let l = *f(n);
        *f(n) = Links::NONE;
        match slab.get_mut(l.prev as usize) {
            Some(p) => f(p).next = l.next,
            None => self.head = l.next,
        }
        match slab.get_mut(l.next as usize) {
            Some(x) => f(x).prev = l.prev,
            None => self.tail = l.prev,
        }
    }

    /// Is the list empty?
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.head == NIL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    struct N(Links);

    fn l(n: &mut N) -> &mut Links {
        &mut n.0
    }

    fn order(list: &DList, slab: &mut [N]) -> Vec<u32> {
        let mut v = Vec::new();
        let mut i = list.head;
        while i != NIL {
            v.push(i);
            i = slab[i as usize].0.next;
        }
        v
    }

    #[test]
    fn list_keeps_fifo_order_and_moves_refreshed_node_to_tail() {
        let mut slab = vec![N(Links::NONE); 4];
        let mut list = DList::default();
        for i in 0..4 {
            list.push_back(&mut slab, i, l);
        }
        assert_eq!(order(&list, &mut slab), vec![0, 1, 2, 3]);
        list.unlink(&mut slab, 1, l);
        list.push_back(&mut slab, 1, l);
        assert_eq!(order(&list, &mut slab), vec![0, 2, 3, 1]);
        list.unlink(&mut slab, 0, l);
        list.unlink(&mut slab, 1, l);
        assert_eq!(order(&list, &mut slab), vec![2, 3]);
        assert_eq!((list.head, list.tail), (2, 3));
        list.unlink(&mut slab, 2, l);
        list.unlink(&mut slab, 3, l);
        assert!(list.is_empty());
        assert_eq!(list.tail, NIL);
    }

    #[test]
    fn timeouts_give_each_class_its_duration() {
        let t = Timeouts::default();
        assert_eq!(t.of(TimerClass::Udp), 300_000);
        assert_eq!(t.of(TimerClass::Icmp), 60_000);
        assert_eq!(t.of(TimerClass::TcpEst), 7_200_000);
        assert_eq!(t.of(TimerClass::TcpTrans), 240_000);
        assert_eq!(t.of(TimerClass::Syn4), 6_000);
        assert_eq!(TimerClass::Syn4.ss_timer_type(), 2);
    }
}
