//! `logging-bib` and `logging-session` lines (spec §3), formatted like Jool's:
//!
//! ```text
//! <iname> 2015/4/8 16:13:2 (GMT) - Mapped 2001:db8::5#19945 to 192.0.2.2#8208 (UDP)
//! <iname> 2015/4/8 16:13:2 (GMT) - Added session 2001:db8::5#19945|64:ff9b::c000:208#53|192.0.2.2#8208|192.0.2.8#53|UDP
//! ```
//! Date and time fields are not zero-padded (Jool prints them with `%u`). The wall-clock
//! time is an argument (ms since the Unix epoch): the core does not read clocks.

use super::session::{BibEntry, SessionView};

/// `2015/4/8 16:13:2`: the UTC date and time of `unix_ms`, fields unpadded.
pub fn format_gmt(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}/{}/{} {}:{}:{}",
        y,
        m,
        d,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (the
/// era/day-of-era method: 400-year eras of 146097 days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], from March 1st
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A `logging-bib` line: `Mapped` when `added`, else `Forgot`.
pub fn bib_line(instance: &str, unix_ms: u64, added: bool, bib: &BibEntry) -> String {
    format!(
        "{} {} (GMT) - {} {} to {} ({})",
        instance,
        format_gmt(unix_ms),
        if added { "Mapped" } else { "Forgot" },
        bib.addr6,
        bib.addr4,
        bib.proto
    )
}

/// A `logging-session` line: `Added session` when `added`, else `Forgot session`.
pub fn session_line(instance: &str, unix_ms: u64, added: bool, s: &SessionView) -> String {
    format!(
        "{} {} (GMT) - {} session {}|{}|{}|{}|{}",
        instance,
        format_gmt(unix_ms),
        if added { "Added" } else { "Forgot" },
        s.src6,
        s.dst6,
        s.src4,
        s.dst4,
        s.proto
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::timer::TimerClass;
    use crate::nat64::tuple::{L4Proto, Taddr4, Taddr6};

    // 2015-04-08 16:13:02 UTC.
    const T: u64 = 1_428_509_582_000;

    #[test]
    fn formats_gmt_without_padding() {
        assert_eq!(format_gmt(T), "2015/4/8 16:13:2");
        assert_eq!(format_gmt(0), "1970/1/1 0:0:0");
        assert_eq!(format_gmt(951_782_400_000), "2000/2/29 0:0:0");
        assert_eq!(format_gmt(1_735_689_599_999), "2024/12/31 23:59:59");
    }

    #[test]
    fn formats_bib_lines() {
        let b = BibEntry {
            addr6: Taddr6::new("2001:db8::5".parse().unwrap(), 19945),
            addr4: Taddr4::new("192.0.2.2".parse().unwrap(), 8208),
            proto: L4Proto::Udp,
            is_static: false,
        };
        assert_eq!(
            bib_line("alpha", T, true, &b),
            "alpha 2015/4/8 16:13:2 (GMT) - Mapped 2001:db8::5#19945 to 192.0.2.2#8208 (UDP)"
        );
        assert_eq!(
            bib_line("alpha", T, false, &b),
            "alpha 2015/4/8 16:13:2 (GMT) - Forgot 2001:db8::5#19945 to 192.0.2.2#8208 (UDP)"
        );
    }

    #[test]
    fn formats_session_lines() {
        let s = SessionView {
            proto: L4Proto::Tcp,
            src6: Taddr6::new("2001:db8::2".parse().unwrap(), 58239),
            dst6: Taddr6::new("64:ff9b::5db8:d877".parse().unwrap(), 80),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), 60477),
            dst4: Taddr4::new("93.184.216.119".parse().unwrap(), 80),
            state: None,
            timer: TimerClass::TcpEst,
            update_time: 0,
            has_session: true,
            bib_is_static: false,
            created_bib: false,
            created_session: true,
        };
        assert_eq!(
            session_line("default", T, true, &s),
            "default 2015/4/8 16:13:2 (GMT) - Added session 2001:db8::2#58239|64:ff9b::5db8:d877#80|192.0.2.1#60477|93.184.216.119#80|TCP"
        );
        assert!(
            session_line("default", T, false, &s).contains(" - Forgot session 2001:db8::2#58239|")
        );
    }
}
