//! `bib display [--numeric] [--csv] [--no-headers]` (spec §2.8): one line per entry, no
//! header or footer; the IPv4 side is always numeric, the IPv6 side is resolved unless
//! `--numeric`.

use super::{proto_str, taddr, Resolver};
use jool_ctl::proto::BibRow;
use std::net::IpAddr;

/// Output text and stderr text (`getnameinfo` failures).
pub fn display(
    rows: &[BibRow],
    csv: bool,
    no_headers: bool,
    numeric: bool,
    resolver: &dyn Resolver,
) -> (String, String) {
    let mut out = String::new();
    let mut errors = String::new();
    if csv && !no_headers {
        out.push_str("Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?\n");
    }
    for r in rows {
        let (a6, p6) = r.addr6;
        let (a4, p4) = r.addr4;
        if csv {
            let six = taddr(
                IpAddr::V6(a6),
                p6,
                numeric,
                ",",
                r.proto,
                resolver,
                &mut errors,
            );
            out.push_str(&format!(
                "{},{six},{a4},{p4},{}\n",
                proto_str(r.proto),
                u8::from(r.is_static)
            ));
        } else {
            let kind = if r.is_static { "Static" } else { "Dynamic" };
            let six = taddr(
                IpAddr::V6(a6),
                p6,
                numeric,
                "#",
                r.proto,
                resolver,
                &mut errors,
            );
            out.push_str(&format!(
                "[{kind} {}] {a4}#{p4} - {six}\n",
                proto_str(r.proto)
            ));
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fake;
    use super::super::Numeric;
    use super::*;
    use jool_ctl::proto::ProtoDto;

    fn row(proto: ProtoDto, a6: &str, p6: u16, a4: &str, p4: u16, is_static: bool) -> BibRow {
        BibRow {
            proto,
            addr6: (a6.parse().unwrap(), p6),
            addr4: (a4.parse().unwrap(), p4),
            is_static,
        }
    }

    #[test]
    fn prints_the_reference_lines() {
        let rows = [
            row(ProtoDto::Tcp, "2001:db8::6", 6, "192.0.2.4", 4, true),
            row(ProtoDto::Tcp, "2001:db8::6", 1234, "192.0.2.4", 1234, false),
        ];
        let (out, err) = display(&rows, false, false, false, &Fake);
        assert_eq!(
            out,
            "[Static TCP] 192.0.2.4#4 - potato.mx#6\n[Dynamic TCP] 192.0.2.4#1234 - potato.mx#1234\n"
        );
        assert!(err.is_empty());
        let (numeric, _) = display(&rows[..1], false, false, true, &Fake);
        assert_eq!(numeric, "[Static TCP] 192.0.2.4#4 - 2001:db8::6#6\n");
    }

    #[test]
    fn prints_csv() {
        let rows = [row(ProtoDto::Tcp, "2001:db8::6", 6, "192.0.2.4", 4, true)];
        let (out, _) = display(&rows, true, false, true, &Numeric);
        assert_eq!(
            out,
            "Protocol,IPv6 Address,IPv6 L4-ID,IPv4 Address,IPv4 L4-ID,Static?\nTCP,2001:db8::6,6,192.0.2.4,4,1\n"
        );
    }

    #[test]
    fn never_resolves_icmp_identifiers_as_services() {
        let rows = [row(
            ProtoDto::Icmp,
            "2001:db8::6",
            80,
            "192.0.2.4",
            80,
            false,
        )];
        let (out, _) = display(&rows, false, false, false, &Fake);
        assert_eq!(out, "[Dynamic ICMP] 192.0.2.4#80 - potato.mx#80\n");
        let tcp = [row(
            ProtoDto::Tcp,
            "2001:db8::6",
            80,
            "192.0.2.4",
            80,
            false,
        )];
        let (out, _) = display(&tcp, false, false, false, &Fake);
        assert_eq!(out, "[Dynamic TCP] 192.0.2.4#80 - potato.mx#http\n");
    }
}
