//! Session synchronization input from the network: whatever a peer (or anyone on the multicast
//! group) sends is imported into a NAT64 instance with `ss-enabled`, interleaved with the
//! instance's own batches, ACKs and advertisements. No input may panic; every batch the
//! instance sends must be well-formed for its peer.
#![no_main]

use jool_core::globals::Globals;
use jool_core::nat64::pool4::Pool4;
use jool_core::nat64::ss::decode;
use jool_core::{Ipv6Prefix, Nat64, Nat64Config};
use libfuzzer_sys::fuzz_target;
use std::net::Ipv6Addr;

fn node(capacity: u32, per_packet: u32) -> Nat64 {
    let mut g = Globals {
        pool6: Some(Ipv6Prefix::new(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96)),
        ..Default::default()
    };
    g.ss_enabled = true;
    g.ss_capacity = capacity;
    g.ss_max_sessions_per_packet = per_packet;
    g.ss_flush_deadline = 100;
    Nat64::new(Nat64Config::new(g, Pool4::new(), [3; 16])).expect("a valid configuration")
}

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, mut rest)) = data.split_first() else {
        return;
    };
    let a = node(u32::from(knobs & 0x3f) + 1, u32::from(knobs >> 6) + 1);
    let b = node(64, 36);
    let mut now = 0u64;
    // Records: [op][len][len bytes].
    while let [op, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (msg, next) = tail.split_at(n);
        rest = next;
        now += u64::from(op >> 2) * 37;
        match op & 3 {
            0 => {
                let _ = a.ss_import(now, msg);
            }
            1 => {
                if let Some(batch) = a.ss_poll(now, true) {
                    for s in decode(&batch) {
                        assert!(s.is_ok(), "the instance sent a malformed batch");
                    }
                    let report = b.ss_import(now, &batch).expect("ss-enabled");
                    assert!(report.malformed.is_none());
                }
            }
            2 => a.ss_ack(),
            _ => {
                let _ = a.ss_advertise(now);
            }
        }
    }
});
