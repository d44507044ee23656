//! Table borders (spec §1.4): `+` then `width + 2` dashes and `+` per column.

/// `+----...+----+` for the given column widths, newline-terminated.
pub fn separator(widths: &[usize]) -> String {
    let mut out = String::from("+");
    for w in widths {
        out.push_str(&"-".repeat(w + 2));
        out.push('+');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_instance_table_border() {
        assert_eq!(
            separator(&[18, 15, 9]),
            "+--------------------+-----------------+-----------+\n"
        );
        assert_eq!(separator(&[]), "+\n");
    }
}
