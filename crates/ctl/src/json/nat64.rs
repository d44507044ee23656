//! An atomic configuration as a NAT64 instance: globals, pool4 (added with `pool4 add`'s
//! validation) and the static BIB entries (added with `bib add`'s).

use super::{AtomicConfig, ConfigError, MaxIterations, Proto};
use jool_core::nat64::{self, L4Proto, PortRange, Taddr4, Taddr6};
use jool_core::{Nat64, Nat64Config};

impl From<Proto> for L4Proto {
    fn from(p: Proto) -> L4Proto {
        match p {
            Proto::Tcp => L4Proto::Tcp,
            Proto::Udp => L4Proto::Udp,
            Proto::Icmp => L4Proto::Icmp,
        }
    }
}

impl From<MaxIterations> for nat64::MaxIterations {
    fn from(m: MaxIterations) -> nat64::MaxIterations {
        match m {
            MaxIterations::Auto => nat64::MaxIterations::Auto,
            MaxIterations::Infinity => nat64::MaxIterations::Infinity,
            MaxIterations::Fixed(n) => nat64::MaxIterations::Fixed(n),
        }
    }
}

impl AtomicConfig {
    /// The NAT64 instance configuration the file describes (globals, every pool4 entry);
    /// `secret` keys RFC 6056's F(). The static BIB entries need the instance:
    /// [`AtomicConfig::add_static_bib`].
    pub fn nat64_config(&self, secret: [u8; 16]) -> Result<Nat64Config, ConfigError> {
        let mut pool4 = nat64::Pool4::new();
        for e in &self.pool4 {
            pool4
                .add(
                    e.mark,
                    e.protocol.into(),
                    e.prefix,
                    PortRange::new(e.ports.0, e.ports.1),
                    Some(e.max_iterations.into()),
                )
                .map_err(|err| ConfigError::Invalid(err.to_string()))?;
        }
        let mut config = Nat64Config::new(self.globals.clone(), pool4, secret);
        config.instance = self.instance.clone();
        Ok(config)
    }

    /// Builds the NAT64 instance: [`AtomicConfig::nat64_config`], then the static BIB entries.
    /// `pool6 is mandatory in NAT64 instances.` without pool6.
    pub fn nat64(&self, secret: [u8; 16]) -> Result<Nat64, ConfigError> {
        let nat = Nat64::new(self.nat64_config(secret)?).map_err(ConfigError::Invalid)?;
        self.add_static_bib(&nat)?;
        Ok(nat)
    }

    /// Adds the file's static BIB entries to `nat` (`bib add`: inside pool4, no collision).
    pub fn add_static_bib(&self, nat: &Nat64) -> Result<(), ConfigError> {
        for b in &self.bib {
            nat.bib_add_static(
                b.protocol.into(),
                Taddr6::new(b.addr6.0, b.addr6.1),
                Taddr4::new(b.addr4.0, b.addr4.1),
            )
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_atomic_config_with, ParseOptions};
    use jool_core::config::XlatorType;
    use jool_core::nat64::L4Proto;

    fn parse(text: &str) -> super::AtomicConfig {
        let o = ParseOptions {
            require_instance: false,
            require_framework: false,
            force: false,
        };
        parse_atomic_config_with(text, XlatorType::Nat64, o).unwrap()
    }

    #[test]
    fn builds_nat64_with_pool4_and_static_bib() {
        let c = parse(
            r#"{ "global": { "pool6": "64:ff9b::/96" },
                 "pool4": [ { "protocol": "TCP", "prefix": "192.0.2.2", "port range": "1-3000" } ],
                 "bib": [ { "protocol": "TCP", "ipv6 address": "2001:db8::5#2000",
                            "ipv4 address": "192.0.2.2#2000" } ] }"#,
        );
        let nat = c.nat64([0; 16]).unwrap();
        assert!(nat.pool4_contains(L4Proto::Tcp, "192.0.2.2".parse().unwrap(), 3000));
        assert_eq!(nat.bib_entries(L4Proto::Tcp).len(), 1);
    }

    #[test]
    fn refuses_nat64_without_pool6_or_with_bib_outside_pool4() {
        let e = parse("{}").nat64([0; 16]).unwrap_err();
        assert_eq!(e.to_string(), "pool6 is mandatory in NAT64 instances.");
        let c = parse(
            r#"{ "global": { "pool6": "64:ff9b::/96" },
                 "bib": [ { "protocol": "UDP", "ipv6 address": "2001:db8::5#2000",
                            "ipv4 address": "192.0.2.2#2000" } ] }"#,
        );
        let e = c.nat64([0; 16]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Transport address '192.0.2.2#2000' does not belong to pool4.\nPlease add it there first."
        );
    }
}
