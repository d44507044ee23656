//! `denylist4 display [--csv] [--no-headers]` (spec §2.5).

use super::table::separator;
use jool_core::Ipv4Prefix;

const WIDTHS: [usize; 1] = [18];

/// The whole output of `denylist4 display`.
pub fn display(prefixes: &[String], csv: bool, no_headers: bool) -> String {
    let mut out = String::new();
    if csv {
        if !no_headers {
            out.push_str("IPv4 Prefix\n");
        }
        for p in prefixes {
            out.push_str(&format!("{p}\n"));
        }
        return out;
    }
    if !no_headers {
        out.push_str(&separator(&WIDTHS));
        out.push_str(&format!("| {:>18} |\n", "IPv4 Prefix"));
        out.push_str(&separator(&WIDTHS));
    }
    for p in prefixes {
        let cell = match p.parse::<Ipv4Prefix>() {
            Ok(p) => format!("{:>15}/{:<2}", p.addr.to_string(), p.len),
            Err(_) => format!("{p:>18}"),
        };
        out.push_str(&format!("| {cell} |\n"));
    }
    out.push_str(&separator(&WIDTHS));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_reference_table() {
        let p = vec!["192.0.2.0/28".to_string(), "198.51.100.0/30".to_string()];
        assert_eq!(
            display(&p, false, false),
            "\
+--------------------+
|        IPv4 Prefix |
+--------------------+
|       192.0.2.0/28 |
|    198.51.100.0/30 |
+--------------------+
"
        );
        assert_eq!(
            display(&p, true, false),
            "IPv4 Prefix\n192.0.2.0/28\n198.51.100.0/30\n"
        );
        assert_eq!(display(&[], false, true), "+--------------------+\n");
        assert_eq!(
            display(&["10.0.0.0/8".to_string()], false, false)
                .lines()
                .nth(3),
            Some("|        10.0.0.0/8  |")
        );
    }
}
