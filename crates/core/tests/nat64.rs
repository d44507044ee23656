//! Stateful NAT64 end to end (RFC 6146 §3): literal packets through `Nat64::handle` and
//! `Nat64::expire`, on a virtual clock. One test binary; the behaviours live in modules.

#[path = "nat64/build.rs"]
mod build;
#[path = "nat64/errors.rs"]
mod errors;
#[path = "nat64/flows.rs"]
mod flows;
#[path = "nat64/frags.rs"]
mod frags;
#[path = "nat64/policy.rs"]
mod policy;
#[path = "nat64/timers.rs"]
mod timers;
