//! jool-ctl: what the daemon and the clients share.
//!
//! ```text
//!   x.json ──► json::parse_atomic_config ──► AtomicConfig ──► siit_config() ──► SiitConfig
//!                                                │                               (jool-core)
//!                                                └──► pool4 / bib entries (NAT64)
//! ```
//!
//! - [`json`]: Jool's atomic-configuration file (`file handle`, spec §4), parsed with Jool's
//!   rules and error messages.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod json;
pub mod proto;
pub mod stream;
pub mod transport;
