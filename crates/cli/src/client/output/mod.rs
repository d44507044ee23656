//! Pure formatters: structured daemon responses in, Jool's exact text out.
//!
//! Name resolution (`getnameinfo`, for `bib`/`session` without `--numeric`) is behind the
//! [`Resolver`] trait so the formatters stay pure and testable.

pub mod address;
pub mod bib;
pub mod denylist4;
pub mod eamt;
pub mod global;
pub mod instance;
pub mod pool4;
pub mod session;
pub mod stats;
pub mod table;

use jool_ctl::proto::ProtoDto;
use std::net::{IpAddr, SocketAddr};

/// Reverse resolution of a transport address: `(host, service)`, like `getnameinfo(3)`
/// with no flags (numeric text when there is no name).
pub trait Resolver {
    /// Resolves `addr`; `Err` is the reason, printed as `Error: getnameinfo failed: <reason>`.
    fn resolve(&self, addr: SocketAddr) -> Result<(String, String), String>;
}

/// A resolver that never resolves (`--numeric`, and tests).
pub struct Numeric;

impl Resolver for Numeric {
    fn resolve(&self, addr: SocketAddr) -> Result<(String, String), String> {
        Ok((addr.ip().to_string(), addr.port().to_string()))
    }
}

/// The system resolver (`getnameinfo`).
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve(&self, addr: SocketAddr) -> Result<(String, String), String> {
        dns_lookup::getnameinfo(&addr, 0).map_err(|e| std::io::Error::from(e).to_string())
    }
}

/// `TCP`, `UDP` or `ICMP`.
pub fn proto_str(p: ProtoDto) -> &'static str {
    match p {
        ProtoDto::Tcp => "TCP",
        ProtoDto::Udp => "UDP",
        ProtoDto::Icmp => "ICMP",
    }
}

/// Jool's `print_addr4`/`print_addr6`: `host<sep>service`, numeric when `numeric` or when
/// resolution fails (the failure goes to `errors`); an ICMP identifier is never a service.
pub fn taddr(
    addr: IpAddr,
    port: u16,
    numeric: bool,
    sep: &str,
    proto: ProtoDto,
    resolver: &dyn Resolver,
    errors: &mut String,
) -> String {
    if !numeric {
        match resolver.resolve(SocketAddr::new(addr, port)) {
            Ok((host, _)) if proto == ProtoDto::Icmp => return format!("{host}{sep}{port}"),
            Ok((host, service)) => return format!("{host}{sep}{service}"),
            Err(e) => errors.push_str(&format!("Error: getnameinfo failed: {e}\n")),
        }
    }
    format!("{addr}{sep}{port}")
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Resolver;
    use std::net::SocketAddr;

    /// Resolves 2001:db8::6 to `potato.mx`, port 80 to `http`, fails for 192.0.2.66.
    pub struct Fake;

    impl Resolver for Fake {
        fn resolve(&self, addr: SocketAddr) -> Result<(String, String), String> {
            if addr.ip().to_string() == "192.0.2.66" {
                return Err("Temporary failure in name resolution".into());
            }
            let host = match addr.ip().to_string().as_str() {
                "2001:db8::6" => "potato.mx".to_string(),
                other => other.to_string(),
            };
            let service = match addr.port() {
                80 => "http".to_string(),
                p => p.to_string(),
            };
            Ok((host, service))
        }
    }
}
