//! `pool4 display [--csv] [--no-headers]` (spec §2.7): one set per (mark, protocol), the
//! first row of a set carrying mark, protocol and max iterations, a border before each set.

use super::proto_str;
use super::table::separator;
use jool_ctl::proto::Pool4Row;

const WIDTHS: [usize; 5] = [10, 5, 18, 15, 11];

fn iterations(r: &Pool4Row) -> String {
    let number = match r.iterations {
        Some(n) => format!("{n:>10}"),
        None => format!("{:>10}", "Infinite"),
    };
    let kind = if r.iterations_fixed { "fixed" } else { "auto" };
    format!("{number} ({kind:>5})")
}

/// The whole output of `pool4 display`.
pub fn display(rows: &[Pool4Row], csv: bool, no_headers: bool) -> String {
    let mut out = String::new();
    if csv {
        if !no_headers {
            out.push_str("Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed\n");
        }
        for r in rows {
            let iters = r
                .iterations
                .map_or_else(|| "infinite".to_string(), |n| n.to_string());
            out.push_str(&format!(
                "{},{},{},{},{},{iters},{}\n",
                r.mark,
                proto_str(r.proto),
                r.addr,
                r.ports.0,
                r.ports.1,
                u8::from(r.iterations_fixed)
            ));
        }
        return out;
    }
    if !no_headers {
        out.push_str(&separator(&WIDTHS));
        out.push_str(&format!(
            "| {:>10} | {:>5} | {:>18} | {:>15} | {:>11} |\n",
            "Mark", "Proto", "Max iterations", "Address", "Ports"
        ));
    }
    let mut last = None;
    for r in rows {
        if last != Some((r.mark, r.proto)) {
            out.push_str(&separator(&WIDTHS));
            out.push_str(&format!(
                "| {:>10} | {:>5} | {} | {:>15} | {:>5}-{:>5} |\n",
                r.mark,
                proto_str(r.proto),
                iterations(r),
                r.addr,
                r.ports.0,
                r.ports.1
            ));
        } else {
            out.push_str(&format!(
                "| {:>10} | {:>5} | {:>18} | {:>15} | {:>5}-{:>5} |\n",
                "", "", "", r.addr, r.ports.0, r.ports.1
            ));
        }
        last = Some((r.mark, r.proto));
    }
    out.push_str(&separator(&WIDTHS));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jool_ctl::proto::ProtoDto;

    fn row(mark: u32, iters: Option<u32>, fixed: bool, addr: &str, ports: (u16, u16)) -> Pool4Row {
        Pool4Row {
            mark,
            proto: ProtoDto::Tcp,
            iterations: iters,
            iterations_fixed: fixed,
            addr: addr.parse().unwrap(),
            ports,
        }
    }

    #[test]
    fn prints_the_reference_table() {
        let rows = [
            row(1, Some(1024), false, "192.0.2.1", (1500, 2500)),
            row(0, Some(2059), false, "192.0.2.1", (1000, 3000)),
            row(0, Some(2059), false, "192.0.2.8", (1, 65535)),
        ];
        assert_eq!(
            display(&rows, false, false),
            "\
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
|          1 |   TCP |       1024 ( auto) |       192.0.2.1 |  1500- 2500 |
+------------+-------+--------------------+-----------------+-------------+
|          0 |   TCP |       2059 ( auto) |       192.0.2.1 |  1000- 3000 |
|            |       |                    |       192.0.2.8 |     1-65535 |
+------------+-------+--------------------+-----------------+-------------+
"
        );
    }

    #[test]
    fn prints_an_empty_table_with_two_borders() {
        assert_eq!(
            display(&[], false, false),
            "\
+------------+-------+--------------------+-----------------+-------------+
|       Mark | Proto |     Max iterations |         Address |       Ports |
+------------+-------+--------------------+-----------------+-------------+
"
        );
    }

    #[test]
    fn prints_infinite_and_fixed_iterations() {
        let rows = [row(0, None, true, "192.0.2.1", (61001, 65535))];
        assert!(display(&rows, false, true).contains(
            "|          0 |   TCP |   Infinite (fixed) |       192.0.2.1 | 61001-65535 |\n"
        ));
    }

    #[test]
    fn prints_csv() {
        let rows = [
            row(0, Some(1024), false, "192.0.2.1", (1000, 3000)),
            row(0, None, true, "192.0.2.2", (5, 6)),
        ];
        assert_eq!(
            display(&rows, true, false),
            "Mark,Protocol,Address,Min port,Max port,Iterations,Iterations fixed\n0,TCP,192.0.2.1,1000,3000,1024,0\n0,TCP,192.0.2.2,5,6,infinite,1\n"
        );
    }
}
