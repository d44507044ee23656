//! jool-daemon: hosts the translator instances of every network namespace.
//!
//! ```text
//!   jool / jool_siit ──Unix socket (ctl::transport, + namespace fd)──► server
//!        server ──SO_PEERCRED (creds)──► Registry::handle ──► ops (config swaps)
//!                                           │
//!                                           ▼ Plumbing::start (sys, over jool-datapath)
//!        per instance: TUN ──► worker ──► Siit / NAT64 ──► TUN     (+ NFQUEUE for iptables)
//!                      timer: NAT64 expiry 1 s; addresses, routes, nft steering 2 s
//! ```
//!
//! - [`server`]: the control socket, one thread per connection.
//! - [`registry`]: instances keyed by (namespace, type, name); the `instance` mode.
//! - [`ops`]: every other mode.
//! - [`instance`]: configuration snapshots swapped atomically, counters, NAT64 state.
//! - [`plumbing`]: what the registry asks of the OS, as traits (faked in unit tests).
//! - [`ss`]: session synchronization (`session follow` / `proxy` subscribers, advertise).
//! - [`creds`], [`clock`], [`log`]: peer privileges, the monotonic clock, logging.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod clock;
pub mod creds;
pub mod error;
pub mod instance;
pub mod log;
pub mod ops;
pub mod plumbing;
pub mod registry;
pub mod server;
pub mod ss;
pub mod sys;
