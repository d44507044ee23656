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

impl XlatorType {
    /// `SIIT` / `NAT64`, as Jool names the types in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            XlatorType::Siit => "SIIT",
            XlatorType::Nat64 => "NAT64",
        }
    }

    /// The client binary of the type: `jool_siit` / `jool`.
    pub fn binary_name(self) -> &'static str {
        match self {
            XlatorType::Siit => "jool_siit",
            XlatorType::Nat64 => "jool",
        }
    }
}

impl std::fmt::Display for XlatorType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest instance name: 15 characters (a 16-byte buffer with its NUL), spec §5.
pub const INSTANCE_NAME_MAX_LEN: usize = 15;

/// The instance name used when none is given.
pub const DEFAULT_INSTANCE_NAME: &str = "default";

/// Checks an instance name (spec §5): 1–15 bytes, printable ASCII (every byte ≥ 32,
/// spaces allowed).
pub fn validate_instance_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= INSTANCE_NAME_MAX_LEN
        && name.bytes().all(|b| (32..=126).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(
            "The instance name must be a null-terminated ascii string, 15 characters max."
                .to_string(),
        )
    }
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

    /// `netfilter` / `iptables` (the JSON `framework` value); `Unknown framework: 'x'`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "netfilter" => Ok(Framework::Netfilter),
            "iptables" => Ok(Framework::Iptables),
            _ => Err(format!("Unknown framework: '{s}'")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_printable_ascii_names_up_to_15() {
        for name in ["default", "a", "CE 11b", "123456789012345", "~!@#$%^&*()"] {
            assert_eq!(validate_instance_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_instance_name_longer_than_15_empty_or_non_ascii() {
        let msg = "The instance name must be a null-terminated ascii string, 15 characters max.";
        for name in ["", "1234567890123456", "tab\there", "ñandú", "del\u{7f}"] {
            assert_eq!(
                validate_instance_name(name),
                Err(msg.to_string()),
                "{name:?}"
            );
        }
    }

    #[test]
    fn names_translator_types_and_frameworks() {
        assert_eq!(XlatorType::Siit.to_string(), "SIIT");
        assert_eq!(XlatorType::Nat64.as_str(), "NAT64");
        assert_eq!(XlatorType::Nat64.binary_name(), "jool");
        assert_eq!(Framework::parse("iptables"), Ok(Framework::Iptables));
        assert_eq!(
            Framework::parse(Framework::Netfilter.as_str()),
            Ok(Framework::Netfilter)
        );
        assert_eq!(
            Framework::parse("nft"),
            Err("Unknown framework: 'nft'".to_string())
        );
    }
}
