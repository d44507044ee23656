//! `eamt display [--csv] [--no-headers]` (spec §2.4): the address right-aligned, the length
//! left-aligned after the `/`.

use super::table::separator;
use jool_core::{Ipv4Prefix, Ipv6Prefix};

const WIDTHS: [usize; 2] = [43, 18];

fn cell6(p: &str) -> String {
    match p.parse::<Ipv6Prefix>() {
        Ok(p) => format!("{:>39}/{:<3}", p.addr.to_string(), p.len),
        Err(_) => format!("{p:>43}"),
    }
}

fn cell4(p: &str) -> String {
    match p.parse::<Ipv4Prefix>() {
        Ok(p) => format!("{:>15}/{:<2}", p.addr.to_string(), p.len),
        Err(_) => format!("{p:>18}"),
    }
}

/// The whole output of `eamt display`, from (IPv6 prefix, IPv4 prefix) pairs.
pub fn display(rows: &[(String, String)], csv: bool, no_headers: bool) -> String {
    let mut out = String::new();
    if csv {
        if !no_headers {
            out.push_str("IPv6 Prefix,IPv4 Prefix\n");
        }
        for (p6, p4) in rows {
            out.push_str(&format!("{p6},{p4}\n"));
        }
        return out;
    }
    if !no_headers {
        out.push_str(&separator(&WIDTHS));
        out.push_str(&format!(
            "| {:>43} | {:>18} |\n",
            "IPv6 Prefix", "IPv4 Prefix"
        ));
        out.push_str(&separator(&WIDTHS));
    }
    for (p6, p4) in rows {
        out.push_str(&format!("| {} | {} |\n", cell6(p6), cell4(p4)));
    }
    out.push_str(&separator(&WIDTHS));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn prints_the_reference_table() {
        let r = rows(&[
            ("64:ff9b::/127", "192.0.2.192/31"),
            ("2001:db8:dddd::/64", "192.0.2.128/26"),
            ("2001:db8:aaaa::/128", "192.0.2.1/32"),
        ]);
        assert_eq!(
            display(&r, false, false),
            "\
+---------------------------------------------+--------------------+
|                                 IPv6 Prefix |        IPv4 Prefix |
+---------------------------------------------+--------------------+
|                               64:ff9b::/127 |     192.0.2.192/31 |
|                         2001:db8:dddd::/64  |     192.0.2.128/26 |
|                         2001:db8:aaaa::/128 |       192.0.2.1/32 |
+---------------------------------------------+--------------------+
"
        );
    }

    #[test]
    fn prints_csv_and_headerless_tables() {
        let r = rows(&[("2001:db8:aaaa::/128", "192.0.2.1/32")]);
        assert_eq!(
            display(&r, true, false),
            "IPv6 Prefix,IPv4 Prefix\n2001:db8:aaaa::/128,192.0.2.1/32\n"
        );
        assert_eq!(
            display(&r, false, true),
            "|                         2001:db8:aaaa::/128 |       192.0.2.1/32 |\n+---------------------------------------------+--------------------+\n"
        );
    }
}
