//! jool-cli
