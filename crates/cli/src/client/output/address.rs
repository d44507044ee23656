//! `address query [--verbose]` (spec §2.6).

use jool_ctl::proto::AddressQueryResult;
use std::net::IpAddr;

/// The output of `address query`; `query` is the address the user gave (it picks the
/// direction of the operation line).
pub fn display(query: IpAddr, r: &AddressQueryResult, verbose: bool) -> String {
    if !verbose {
        return format!("{}\n", r.result);
    }
    let eamt = r.scheme == "EAMT";
    let mut out = format!("  Query: {query}\n  Scheme: {}\n", r.scheme);
    if eamt {
        out.push_str(&format!("    EAM: {}\n", r.via));
    } else {
        out.push_str(&format!("    Prefix: {}\n", r.via));
    }
    let (p6, p4) = r.via.split_once(" | ").unwrap_or((r.via.as_str(), ""));
    let operation = match (query, eamt) {
        (IpAddr::V6(_), false) => format!("{query} - {} = {}", r.via, r.result),
        (IpAddr::V6(_), true) => format!("{query} - {p6} + {p4} = {}", r.result),
        (IpAddr::V4(_), false) => format!("{} + {query} = {}", r.via, r.result),
        (IpAddr::V4(_), true) => format!("{query} - {p4} + {p6} = {}", r.result),
    };
    out.push_str(&format!(
        "  Operation: {operation}\n  Result: {}\n",
        r.result
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(query: &str, scheme: &str, via: &str, result: &str) -> AddressQueryResult {
        AddressQueryResult {
            query: query.into(),
            scheme: scheme.into(),
            via: via.into(),
            result: result.into(),
        }
    }

    #[test]
    fn prints_the_reference_eamt_query() {
        let r = result(
            "192.0.2.225",
            "EAMT",
            "64:ff9b::/127 | 192.0.2.224/31",
            "64:ff9b::1",
        );
        assert_eq!(
            display("192.0.2.225".parse().unwrap(), &r, true),
            "  Query: 192.0.2.225\n  Scheme: EAMT\n    EAM: 64:ff9b::/127 | 192.0.2.224/31\n  Operation: 192.0.2.225 - 192.0.2.224/31 + 64:ff9b::/127 = 64:ff9b::1\n  Result: 64:ff9b::1\n"
        );
        assert_eq!(
            display("192.0.2.225".parse().unwrap(), &r, false),
            "64:ff9b::1\n"
        );
    }

    #[test]
    fn prints_the_reference_rfc6052_query() {
        let r = result(
            "64:ff9b::c000:2f8",
            "RFC 6052 prefix",
            "64:ff9b::/96",
            "192.0.2.248",
        );
        assert_eq!(
            display("64:ff9b::c000:2f8".parse().unwrap(), &r, true),
            "  Query: 64:ff9b::c000:2f8\n  Scheme: RFC 6052 prefix\n    Prefix: 64:ff9b::/96\n  Operation: 64:ff9b::c000:2f8 - 64:ff9b::/96 = 192.0.2.248\n  Result: 192.0.2.248\n"
        );
        let r46 = result(
            "192.0.2.248",
            "RFC 6052 prefix",
            "64:ff9b::/96",
            "64:ff9b::c000:2f8",
        );
        assert!(display("192.0.2.248".parse().unwrap(), &r46, true)
            .contains("  Operation: 64:ff9b::/96 + 192.0.2.248 = 64:ff9b::c000:2f8\n"));
        let r64 = result(
            "64:ff9b::1",
            "EAMT",
            "64:ff9b::/127 | 192.0.2.224/31",
            "192.0.2.225",
        );
        assert!(display("64:ff9b::1".parse().unwrap(), &r64, true)
            .contains("  Operation: 64:ff9b::1 - 64:ff9b::/127 + 192.0.2.224/31 = 192.0.2.225\n"));
    }
}
