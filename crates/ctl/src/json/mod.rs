//! Jool's atomic configuration file (`jool file handle x.json`, spec §4.1).
//!
//! ```text
//!   text ──► value::parse_document ──► first pass (root): instance, framework,
//!            (order-preserving tree)    unknown/duplicate tags
//!                                   └─► second pass (per translator type): global, eamt,
//!                                       denylist4/blacklist4, pool4, bib ──► AtomicConfig
//! ```
//!
//! Everything omitted from the file keeps its default (spec §4.2: a file replaces the whole
//! configuration). For SIIT the EAMT and denylist4 entries are also run through the same
//! validation `eamt add` / `denylist4 add` apply, so a file the daemon would reject is
//! rejected here, with the daemon's message.

mod global;
mod nat64;
mod sections;
mod strparse;
mod value;

/// `ADDR#PORT` as Jool's client parses it everywhere (file and command line), with its
/// messages.
pub use strparse::{parse_port_range, parse_taddr4, parse_taddr6};

use jool_core::config::{Framework, SiitConfig, XlatorType};
use jool_core::globals::Globals;
use jool_core::{Ipv4Prefix, Ipv6Prefix};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a configuration file was rejected. The `Display` text is Jool's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The text is not JSON; carries the rest of the input from where the parser gave up.
    #[error("The JSON parser got confused around the beginning of this string:\n{0}")]
    Syntax(String),
    /// A tag appears twice in one object (tag names are case-insensitive).
    #[error("Multiple '{0}' tags found. Aborting...")]
    DuplicateTag(String),
    /// A member name that the object does not accept (for this translator type).
    #[error("Unknown tag: '{0}'")]
    UnknownTag(String),
    /// A mandatory member is absent.
    #[error("Object '{parent}' is missing the '{child}' child.")]
    MissingChild {
        /// The object's name (`root`, or `<unnamed>`).
        parent: String,
        /// The missing tag.
        child: String,
    },
    /// A member has the wrong JSON type (`The 'x' element 'y' is not a valid <type>.`).
    #[error("{0}")]
    TypeMismatch(String),
    /// `framework` is neither `netfilter` nor `iptables`.
    #[error("Unknown framework: '{0}'")]
    UnknownFramework(String),
    /// A value was rejected by its parser (Jool's userspace rejects these).
    #[error("{0}")]
    Invalid(String),
    /// A value that parses but that the translator refuses: the validation Jool's kernel
    /// module applies when it receives the section (pool6 length, u-bit, EAM overlaps,
    /// subnet-scoped prefixes, ...). A client lets the daemon report these, as Jool prints
    /// them: `The kernel module returned error 22: ...`.
    #[error("{0}")]
    Rejected(String),
}

/// Transport protocol of a pool4 or BIB entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (the identifier plays the port's role).
    Icmp,
}

impl Proto {
    /// `TCP`, `UDP` or `ICMP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Icmp => "ICMP",
        }
    }
}

/// pool4's `max-iterations` (spec §2.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MaxIterations {
    /// Computed from the entry's size (the default).
    #[default]
    Auto,
    /// No limit.
    Infinity,
    /// At most this many (≥ 1).
    Fixed(u32),
}

/// The default pool4 port range.
pub const DEFAULT_POOL4_PORTS: (u16, u16) = (61001, 65535);

/// One `pool4` entry of a NAT64 file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool4Entry {
    /// Protocol the addresses serve.
    pub protocol: Proto,
    /// The IPv4 addresses.
    pub prefix: Ipv4Prefix,
    /// Packet mark that selects this entry (default 0).
    pub mark: u32,
    /// Inclusive port (or ICMP identifier) range, as written (default 61001-65535).
    pub ports: (u16, u16),
    /// `max-iterations` (default auto).
    pub max_iterations: MaxIterations,
}

/// One static `bib` entry of a NAT64 file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticBibEntry {
    /// Protocol.
    pub protocol: Proto,
    /// IPv6 transport address (`ADDR#PORT`).
    pub addr6: (Ipv6Addr, u16),
    /// IPv4 transport address (`ADDR#PORT`).
    pub addr4: (Ipv4Addr, u16),
}

/// A parsed atomic configuration.
#[derive(Clone, Debug)]
pub struct AtomicConfig {
    /// Instance name (`default` when optional and absent).
    pub instance: String,
    /// Framework (`netfilter` when optional and absent).
    pub framework: Framework,
    /// Every global key, defaults overridden by the file's `global` object.
    pub globals: Globals,
    /// SIIT: EAMT entries, in file order.
    pub eamt: Vec<(Ipv6Prefix, Ipv4Prefix)>,
    /// SIIT: denylist4 (and blacklist4) entries, in file order.
    pub denylist4: Vec<Ipv4Prefix>,
    /// NAT64: pool4 entries, in file order.
    pub pool4: Vec<Pool4Entry>,
    /// NAT64: static BIB entries, in file order.
    pub bib: Vec<StaticBibEntry>,
}

impl AtomicConfig {
    /// `global.pool6`; `None` when the file did not set it (a NAT64 instance cannot be
    /// created without it, but that check belongs to instance creation).
    pub fn pool6(&self) -> Option<Ipv6Prefix> {
        self.globals.pool6
    }

    /// The SIIT configuration the file describes: its globals, then every EAMT entry and
    /// every denylist4 entry added with the validation of `eamt add` / `denylist4 add`.
    pub fn siit_config(&self, force: bool) -> Result<SiitConfig, ConfigError> {
        let mut config = SiitConfig {
            globals: self.globals.clone(),
            ..SiitConfig::default()
        };
        sections::fill_siit_tables(&mut config, &self.eamt, &self.denylist4, force)?;
        Ok(config)
    }
}

/// Which root tags are mandatory. `file handle` needs both; `jool-translate` needs neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// Reject a file without `instance` (`Object 'root' is missing the 'instance' child.`).
    pub require_instance: bool,
    /// Reject a file without `framework`.
    pub require_framework: bool,
    /// Forwarded to every validation that has a `--force` override (spec §4.2).
    pub force: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            require_instance: true,
            require_framework: true,
            force: false,
        }
    }
}

/// Parses a file the way `jool[_siit] file handle` does (instance and framework mandatory).
pub fn parse_atomic_config(
    text: &str,
    xlator: XlatorType,
    force: bool,
) -> Result<AtomicConfig, ConfigError> {
    parse_atomic_config_with(
        text,
        xlator,
        ParseOptions {
            force,
            ..ParseOptions::default()
        },
    )
}

/// The top-level `"instance"` string of a file, which is all `-f FILE` reads (spec §1.1):
/// syntax errors are Jool's, the member name is matched case-insensitively (the first one
/// wins, as cJSON's lookup), and `None` means there is none or it is not a string.
pub fn instance_name(text: &str) -> Result<Option<String>, ConfigError> {
    let value::Json::Object(members) = value::parse_document(text)? else {
        return Ok(None);
    };
    Ok(members
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("instance"))
        .and_then(|(_, v)| match v {
            value::Json::String(s) => Some(s.clone()),
            _ => None,
        }))
}

/// Parses a file with explicit options.
pub fn parse_atomic_config_with(
    text: &str,
    xlator: XlatorType,
    options: ParseOptions,
) -> Result<AtomicConfig, ConfigError> {
    let root = value::parse_document(text)?;
    sections::parse_root(&root, xlator, options)
}
