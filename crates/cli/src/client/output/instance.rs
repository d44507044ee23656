//! `instance display` (spec §2.1, the seed's table).
//!
//! The Namespace cell shows the daemon's name for the namespace (the `ip netns` name, else
//! `net:[inode]`), right-aligned to 18 like Jool's pointer. The table keeps Jool's three
//! columns so the seed's output stays literal; the NFQUEUE queue of iptables instances (`N`,
//! or `N:M` for a range) is the fourth CSV column, `Queue` (empty for netfilter instances).

use super::table::separator;
use jool_ctl::proto::{FrameworkDto, InstanceRow};

const WIDTHS: [usize; 3] = [18, 15, 9];

/// `netfilter` / `iptables`.
pub fn framework_str(f: FrameworkDto) -> &'static str {
    match f {
        FrameworkDto::Netfilter => "netfilter",
        FrameworkDto::Iptables => "iptables",
    }
}

/// The whole output of `instance display [--csv] [--no-headers]`.
pub fn display(rows: &[InstanceRow], csv: bool, no_headers: bool) -> String {
    let mut out = String::new();
    if csv {
        if !no_headers {
            out.push_str("Namespace,Name,Framework,Queue\n");
        }
        for r in rows {
            let queue = r.queue.map(|q| q.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{queue}\n",
                r.namespace,
                r.name,
                framework_str(r.framework)
            ));
        }
        return out;
    }
    if !no_headers {
        out.push_str(&separator(&WIDTHS));
        out.push_str("|          Namespace |            Name | Framework |\n");
    }
    out.push_str(&separator(&WIDTHS));
    for r in rows {
        out.push_str(&format!(
            "| {:>18} | {:>15} | {:>9} |\n",
            r.namespace,
            r.name,
            framework_str(r.framework)
        ));
    }
    out.push_str(&separator(&WIDTHS));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jool_ctl::proto::QueueRange;

    fn row(ns: &str, name: &str, fw: FrameworkDto, queue: Option<u16>) -> InstanceRow {
        InstanceRow {
            namespace: ns.into(),
            name: name.into(),
            framework: fw,
            queue: queue.map(QueueRange::from),
        }
    }

    #[test]
    fn prints_the_seed_table() {
        use FrameworkDto::{Iptables, Netfilter};
        let rows = [
            row("0xffff8e7ae438e400", "default", Iptables, Some(0)),
            row("0xffff8e7ae438e400", "alpha", Iptables, Some(1)),
            row("0xffff8e7ae438e400", "beta", Netfilter, None),
            row("0xffff8e7ae0001900", "alpha", Netfilter, None),
        ];
        assert_eq!(
            display(&rows, false, false),
            "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
| 0xffff8e7ae438e400 |         default |  iptables |
| 0xffff8e7ae438e400 |           alpha |  iptables |
| 0xffff8e7ae438e400 |            beta | netfilter |
| 0xffff8e7ae0001900 |           alpha | netfilter |
+--------------------+-----------------+-----------+
"
        );
    }

    #[test]
    fn prints_the_seed_empty_table() {
        assert_eq!(
            display(&[], false, false),
            "\
+--------------------+-----------------+-----------+
|          Namespace |            Name | Framework |
+--------------------+-----------------+-----------+
+--------------------+-----------------+-----------+
"
        );
    }

    #[test]
    fn shows_namespace_names_and_omits_headers_on_request() {
        let rows = [row("blue", "alpha", FrameworkDto::Netfilter, None)];
        assert_eq!(
            display(&rows, false, true),
            "\
+--------------------+-----------------+-----------+
|               blue |           alpha | netfilter |
+--------------------+-----------------+-----------+
"
        );
    }

    #[test]
    fn prints_csv_with_the_queue() {
        let rows = [
            row("net:[4026531840]", "default", FrameworkDto::Netfilter, None),
            row("blue", "alpha", FrameworkDto::Iptables, Some(3)),
        ];
        assert_eq!(
            display(&rows, true, false),
            "Namespace,Name,Framework,Queue\nnet:[4026531840],default,netfilter,\nblue,alpha,iptables,3\n"
        );
        assert_eq!(display(&rows[1..], true, true), "blue,alpha,iptables,3\n");
    }

    #[test]
    fn prints_a_queue_range_as_n_colon_m() {
        let mut r = row("blue", "beta", FrameworkDto::Iptables, None);
        r.queue = QueueRange::new(4, 7);
        assert_eq!(display(&[r], true, true), "blue,beta,iptables,4:7\n");
    }
}
