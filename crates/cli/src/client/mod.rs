//! The Jool 4 clients `jool` (NAT64) and `jool_siit` (SIIT).
//!
//! ```text
//!   argv ──grammar::parse──► Parsed { -i/-f/--socket, mode+operation keywords (abbreviated) }
//!        ──command::build──► Invocation { Request, View }    (per-operation argp-style options,
//!                                                             values.rs syntaxes, Jool's messages)
//!        ──run::execute──► ctl::transport ──► jool-daemon ──► Response
//!        ──output::*──► stdout (tables, CSV, session blocks) / stderr (`Error: ...`, `Warning: ...`)
//! ```
//!
//! Every step returns text instead of printing, so the grammar, the option parser and every
//! formatter are unit-tested against literal output. The Jool 3.x flag syntax (`jool --pool6
//! --add P`) has its own entry point, [`legacy::run`], tried first: it maps a 3.x line to
//! one or more 4.x requests and prints the answers in 3.x's shapes.

pub mod args;
pub mod command;
pub mod grammar;
pub mod legacy;
pub mod output;
pub mod report;
pub mod run;
pub mod ss;
pub mod values;

pub use report::Report;
pub use run::main;

/// `jool --version` (spec §1.1): the Jool release whose behaviour the clients reproduce.
pub const VERSION: &str = "4.1.15.0";

/// Where help screens send bug reports (Jool names its own maintainers; jool-rs does not).
pub const BUG_ADDRESS: &str = "the jool-rs issue tracker";
