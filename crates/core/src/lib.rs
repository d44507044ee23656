//! jool-core: the translator, sans-IO.
//!
//! ```text
//!   bytes ──► PacketBuf ──► Siit::handle(host, pkt, reply) ──► Verdict
//!                               │  addr/  (pool6 RFC 6052, EAMT RFC 7757, denylist4, RFC 6791)
//!                               │  translate/ (RFC 7915: 6to4, 4to6, icmp, checksums)
//!                               ▼
//!                 pkt rewritten in place; reply = ICMP error the translator originates
//!
//!   bytes ──► PacketBuf ──► Nat64::handle(now, host, mark, pkt, reply) ──► Verdict
//!                               │  nat64/frag (reassembly)
//!                               │  steps/ (RFC 6146 §3: incoming tuple, filtering, outgoing
//!                               │          tuple, hairpinning) over nat64/ (BIB, sessions)
//!                               │  translate/ (RFC 7915 with the outgoing tuple's addresses/ports)
//!                   Nat64::expire(now, emit) ──► timers: probes, ICMP errors for stored SYNs
//! ```
//!
//! The core never reads the clock, opens a socket or spawns a thread: everything it needs
//! to know about the machine comes through the `Host` trait, and time is an argument.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod addr;
pub mod config;
pub mod globals;
pub mod host;
pub mod nat64;
pub mod nat64_instance;
pub mod offload;
pub mod packet;
pub mod prefix;
pub mod siit;
pub mod stats;
pub mod steps;
pub mod translate;
pub mod verdict;

pub use addr::denylist4::{Denylist4, Denylist4Error};
pub use addr::eamt::{Eam, Eamt, EamtError};
pub use config::{Framework, SiitConfig, XlatorType};
pub use globals::{EamHairpinMode, GlobalDef, GlobalError, GlobalValue, Globals, ValueKind};
pub use host::{Host, StaticHost};
pub use nat64_instance::{Nat64, Nat64Config};
pub use packet::PacketBuf;
pub use prefix::{Ipv4Prefix, Ipv6Prefix};
pub use siit::Siit;
pub use stats::{Jstat, Stats};
pub use verdict::Verdict;
