//! jool-cli: the command-line front-ends.
//!
//! ```text
//!   jool-translate ──► translate_cmd::run ──► jool_ctl::json (config) ──► jool_core::Siit
//!                               └──► pcap_io (read any common link type, write RAW)
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod docs;
pub mod pcap_io;
pub mod translate_cmd;
