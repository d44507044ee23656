//! Zero-copy packet views. See the wire helper.
#![forbid(unsafe_code)]
