//! jool-ctl
#![forbid(unsafe_code)]
