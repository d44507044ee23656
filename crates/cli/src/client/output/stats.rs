//! `stats display [--all] [--explain] [--csv] [--no-headers]` (spec §2.2, §6).

use jool_core::Jstat;

/// Output text and stderr warnings (counters this client does not know).
pub fn display(
    values: &[(u8, u64)],
    all: bool,
    explain: bool,
    csv: bool,
    no_headers: bool,
) -> (String, String) {
    let mut out = String::new();
    let mut warnings = String::new();
    if csv && !no_headers {
        out.push_str(if explain {
            "Stat,Value,Explanation\n"
        } else {
            "Stat,Value\n"
        });
    }
    for &(id, value) in values {
        if !all && value == 0 {
            continue;
        }
        let (name, doc) = match Jstat::from_id(id) {
            Some(stat) => (stat.name().to_string(), stat.explanation()),
            None => {
                warnings.push_str(&format!(
                    "Warning: jool-daemon reports a counter (ID {id}) this client does not know; the client is older than the daemon.\n"
                ));
                ("????".to_string(), "This stat is unknown.".to_string())
            }
        };
        if csv {
            out.push_str(&format!("{name},{value}"));
            if explain {
                out.push_str(&format!(",\"{doc}\""));
            }
            out.push('\n');
        } else {
            out.push_str(&format!("{name}: {value}\n"));
            if explain {
                out.push_str(&format!("{doc}\n\n"));
            }
        }
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: [(u8, u64); 5] = [(3, 35), (4, 5), (5, 8), (6, 0), (29, 1)];

    #[test]
    fn prints_non_zero_counters() {
        let (out, warn) = display(&SAMPLE, false, false, false, false);
        assert_eq!(
            out,
            "JSTAT_SUCCESS: 35\nJSTAT_BIB_ENTRIES: 5\nJSTAT_SESSIONS: 8\nJSTAT_BIB4_NOT_FOUND: 1\n"
        );
        assert!(warn.is_empty());
        let (all, _) = display(&SAMPLE, true, false, false, false);
        assert!(all.contains("JSTAT_ENOMEM: 0\n"));
    }

    #[test]
    fn explains_in_csv() {
        let (out, _) = display(&SAMPLE[..1], false, true, true, false);
        assert_eq!(
            out,
            "Stat,Value,Explanation\nJSTAT_SUCCESS,35,\"Successful translations. (Note: 'Successful translation' does not imply that the packet was actually delivered.)\"\n"
        );
        let (plain, _) = display(&SAMPLE[..1], false, false, true, true);
        assert_eq!(plain, "JSTAT_SUCCESS,35\n");
    }

    #[test]
    fn explains_in_text_with_a_blank_line() {
        let (out, _) = display(&[(29, 1)], false, true, false, false);
        assert_eq!(
            out,
            "JSTAT_BIB4_NOT_FOUND: 1\nTranslations cancelled: IPv4 packet did not match a BIB entry from the database.\n\n"
        );
    }

    #[test]
    fn flags_unknown_counters() {
        let (out, warn) = display(&[(200, 7)], false, true, false, false);
        assert_eq!(out, "????: 7\nThis stat is unknown.\n\n");
        assert!(warn.starts_with("Warning: "));
    }
}
