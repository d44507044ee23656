//! jool-daemon: hosts translator instances. Built by the daemon issue.
#![forbid(unsafe_code)]
