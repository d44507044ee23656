//! The instance configuration model: what `file handle`, `global update`, `eamt add` and
//! friends change, and what the translator reads per packet.

use crate::addr::denylist4::Denylist4;
use crate::addr::eamt::Eamt;
use crate::globals::Globals;

/// Translator type: `jool_siit` or `jool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XlatorType {
    /// Stateless IP/ICMP translation (RFC 7915).
    Siit,
    /// Stateful NAT64 (RFC 6146).
    Nat64,
}

/// How packets reach an instance (spec §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framework {
    /// The daemon plumbs the namespace; the instance sees everything it can translate.
    Netfilter,
    /// The instance translates what the user's firewall rules queue to it.
    Iptables,
}

impl Framework {
    /// `netfilter` / `iptables`.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Netfilter => "netfilter",
            Framework::Iptables => "iptables",
        }
    }
}

/// Everything a SIIT instance translates with.
#[derive(Clone, Debug, Default)]
pub struct SiitConfig {
    /// Global keys.
    pub globals: Globals,
    /// Explicit Address Mappings (RFC 7757).
    pub eamt: Eamt,
    /// IPv4 addresses that must not be translated through pool6.
    pub denylist4: Denylist4,
}
