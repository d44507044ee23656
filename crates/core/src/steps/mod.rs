//! The stateful NAT64 pipeline (RFC 6146 §3), one module per step, named as in Jool:
//!
//! ```text
//!   packet ─► determine_incoming_tuple (§3.4) ─► filtering_and_updating (§3.5)
//!          ─► compute_outgoing_tuple (§3.6) ─► translate::xlat64 / xlat46 (§3.7, RFC 7915)
//!          ─► hairpinning (§3.8): IPv4 result addressed to pool4 → back in as IPv4
//! ```
//!
//! The steps are thin: the state lives in [`crate::nat64::Nat64Db`], the header rewriting in
//! [`crate::translate`]; [`crate::Nat64`] strings them together. Each step returns a
//! [`crate::translate::Step`]: `Err` carries the verdict, its counter and the ICMP error to
//! originate, if any.

pub mod compute_outgoing_tuple;
pub mod determine_incoming_tuple;
pub mod filtering_and_updating;
pub mod hairpinning;
