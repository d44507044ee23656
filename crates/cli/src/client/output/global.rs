//! `global display` (spec §2.3): the daemon's (key, value) pairs are parsed back into a
//! [`Globals`] and printed by `jool_core::globals::display`, the same code as the docs.

use jool_core::globals::{display as display_globals, find};
use jool_core::{Globals, XlatorType};

/// The whole output of `global display [--csv] [--no-headers]`; `Err` if the daemon sent a
/// value this client cannot read back. Keys this client does not know are skipped.
pub fn display(
    pairs: &[(String, String)],
    t: XlatorType,
    csv: bool,
    no_headers: bool,
) -> Result<String, String> {
    let mut globals = Globals::default();
    for (key, value) in pairs {
        let Some(def) = find(key, t) else {
            continue;
        };
        def.parse(value)
            .and_then(|v| def.set(&mut globals, v, true))
            .map_err(|e| format!("jool-daemon sent an unreadable value for {key}: {e}"))?;
    }
    Ok(display_globals(&globals, t, csv, no_headers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jool_core::globals::{format_plain, keys_for};

    fn pairs_of(g: &Globals, t: XlatorType) -> Vec<(String, String)> {
        keys_for(t)
            .map(|d| (d.name.to_string(), format_plain(&d.get(g))))
            .collect()
    }

    #[test]
    fn prints_the_seed_pool6_line() {
        let g = Globals {
            pool6: Some("2001:db8:64::/96".parse().unwrap()),
            ..Globals::default()
        };
        let out = display(
            &pairs_of(&g, XlatorType::Nat64),
            XlatorType::Nat64,
            false,
            false,
        )
        .unwrap();
        assert!(out.lines().any(|l| l == "pool6: 2001:db8:64::/96"), "{out}");
        assert!(out.starts_with("manually-enabled: true\npool6: 2001:db8:64::/96\n"));
        assert!(out.ends_with("\nss-max-sessions-per-packet: 36\n"));
        assert_eq!(out.lines().count(), 27);
    }

    #[test]
    fn prints_non_default_values_and_csv() {
        let pairs = vec![
            ("manually-enabled".to_string(), "false".to_string()),
            ("tcp-est-timeout".to_string(), "3:00:00.500".to_string()),
            ("mtu-plateaus".to_string(), "9000,1500".to_string()),
        ];
        let out = display(&pairs, XlatorType::Nat64, false, false).unwrap();
        assert!(out.contains("manually-enabled: false\n"));
        assert!(out.contains("\ntcp-est-timeout: 3:00:00.500 (HH:MM:SS)\n"));
        let csv = display(&pairs, XlatorType::Nat64, true, false).unwrap();
        assert!(csv.starts_with("Field,Value\nmanually-enabled,FALSE\n"));
        assert!(csv.contains("\nmtu-plateaus,\"9000,1500\"\n"));
    }

    #[test]
    fn prints_siit_keys_only() {
        let out = display(&[], XlatorType::Siit, false, false).unwrap();
        assert_eq!(out.lines().count(), 13);
        assert!(out.ends_with("\nrfc6791v4-prefix: (unset)\n"));
    }

    #[test]
    fn refuses_unreadable_values() {
        let pairs = vec![("tos".to_string(), "lots".to_string())];
        assert!(display(&pairs, XlatorType::Siit, false, false)
            .unwrap_err()
            .starts_with("jool-daemon sent an unreadable value for tos: "));
    }
}
