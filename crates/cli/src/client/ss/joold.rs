//! The deprecated `joold` program (Jool ≤ 4.1.12): `joold NETSOCKET.json MODSOCKET.json
//! [STATS_PORT]`, a wrapper of `jool session proxy` (spec §8).
//!
//! Netsocket file: `"multicast address"`, `"multicast port"`, `"in interface"`,
//! `"out interface"`, `"ttl"`; modsocket file: `{"instance": "name"}` (default `default`).

use super::proxy::{self, ProxyArgs};
use crate::client::report::{warning, Report, EXIT_EINVAL};
use jool_ctl::proto::{Op, Request, Xlator, PROTOCOL_VERSION};
use jool_ctl::transport;
use serde_json::Value;
use std::process::ExitCode;

/// The deprecation warning.
pub const DEPRECATED: &str = "joold is deprecated. Please use 'jool session proxy' instead.";

const USAGE: &str = "Usage: joold NETSOCKET.json [MODSOCKET.json [STATS_PORT]]\n";

/// A string or a number, as text.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_json(path: &str) -> Result<Value, String> {
    let body = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {path}: {e}"))?;
    serde_json::from_str(&body).map_err(|e| format!("{path}: {e}"))
}

/// The proxy configuration of the legacy files.
pub fn parse(
    net: &Value,
    module: Option<&Value>,
    stats_port: Option<&str>,
) -> Result<ProxyArgs, String> {
    let field = |k: &str| net.get(k).and_then(text);
    let addr =
        field("multicast address").ok_or("The netsocket file lacks a \"multicast address\".")?;
    let ttl = field("ttl");
    if let Some(t) = &ttl {
        let v: u64 = t.parse().map_err(|_| format!("ttl out of range: {t}"))?;
        if v > 255 {
            return Err(format!("ttl out of range: {t}"));
        }
    }
    let instance = module
        .and_then(|m| m.get("instance"))
        .and_then(text)
        .unwrap_or_else(|| "default".to_string());
    ProxyArgs::parse(
        instance,
        &addr,
        field("multicast port").as_deref(),
        field("in interface").as_deref(),
        field("out interface").as_deref(),
        ttl.as_deref(),
        None,
        stats_port,
    )
}

/// `joold` main.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    eprint!("{}", warning(DEPRECATED));
    let report = run(&args);
    report.emit()
}

fn run(args: &[String]) -> Report {
    if args.is_empty() || args.len() > 3 {
        return Report::raw_err(USAGE, EXIT_EINVAL);
    }
    let net = match read_json(&args[0]) {
        Ok(v) => v,
        Err(e) => return Report::error(e, EXIT_EINVAL),
    };
    let module = match args.get(1).map(|p| read_json(p)).transpose() {
        Ok(v) => v,
        Err(e) => return Report::error(e, EXIT_EINVAL),
    };
    let cfg = match parse(&net, module.as_ref(), args.get(2).map(String::as_str)) {
        Ok(c) => c,
        Err(e) => return Report::error(e, EXIT_EINVAL),
    };
    let req = Request {
        version: PROTOCOL_VERSION,
        xlator: Xlator::Nat64,
        instance: cfg.instance.clone(),
        op: Op::SsSubscribe,
    };
    proxy::run(&transport::socket_path(None), &req, &cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_legacy_netsocket_and_modsocket_files() {
        let net: Value = serde_json::from_str(
            r#"{"multicast address": "ff08::db8:64", "multicast port": "6400", "in interface": "eth0", "out interface": "eth0", "ttl": 3}"#,
        )
        .unwrap();
        let module: Value = serde_json::from_str(r#"{"instance": "alpha"}"#).unwrap();
        let a = parse(&net, Some(&module), Some("6500")).unwrap();
        assert_eq!(a.instance, "alpha");
        assert_eq!(a.port, 6400);
        assert_eq!(a.dev_in.as_deref(), Some("eth0"));
        assert_eq!(a.ttl, 3);
        assert_eq!(a.stats_port, Some(6500));
        let a = parse(&net, None, None).unwrap();
        assert_eq!(a.instance, "default");
        assert!(!a.stats_enabled());
    }

    #[test]
    fn rejects_bad_legacy_files() {
        let net: Value = serde_json::from_str(r#"{"multicast port": 6400}"#).unwrap();
        assert!(parse(&net, None, None)
            .unwrap_err()
            .contains("multicast address"));
        let net: Value =
            serde_json::from_str(r#"{"multicast address": "ff08::1", "ttl": 256}"#).unwrap();
        assert_eq!(
            parse(&net, None, None).unwrap_err(),
            "ttl out of range: 256"
        );
        assert_eq!(run(&[]).code, EXIT_EINVAL);
    }
}
