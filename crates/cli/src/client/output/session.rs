//! `session display [--numeric] [--csv] [--no-headers]` in the seed's format (the Jool 3.x
//! layout the documentation shows):
//!
//! ```text
//! ICMP:
//! ---------------------------------
//! Expires in 42 seconds
//! Remote: 192.0.2.8#62253<TAB>2001:db8:1::8#3206
//! Local: 192.0.2.1#62253<TAB>2001:db8:64::c000:208#3206
//! ---------------------------------
//!   (Fetched 1 entries.)
//! ```
//! TCP blocks start with `(STATE) `. `--no-headers` drops the footer. CSV is Jool 4.1's
//! (spec §2.9), its expiry in `H:MM:SS[.mmm]`.

use super::{proto_str, taddr, Resolver};
use jool_core::globals::format_timeout;
use jool_ctl::proto::{ProtoDto, SessionRow};
use std::net::IpAddr;

const DASHES: &str = "---------------------------------\n";

/// Jool 3.x's friendly duration: `N milliseconds` under a second, `N seconds` under a
/// minute, `M minutes, S seconds` under an hour, else `H hours, M minutes`.
pub fn friendly_time(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms} milliseconds");
    }
    let seconds = ms / 1000;
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let (minutes, seconds) = (seconds / 60, seconds % 60);
    if minutes < 60 {
        return format!("{minutes} minutes, {seconds} seconds");
    }
    format!("{} hours, {} minutes", minutes / 60, minutes % 60)
}

/// Output text and stderr text (`getnameinfo` failures) for the sessions of `proto`.
pub fn display(
    proto: ProtoDto,
    rows: &[SessionRow],
    csv: bool,
    no_headers: bool,
    numeric: bool,
    resolver: &dyn Resolver,
) -> (String, String) {
    let mut out = String::new();
    let mut errors = String::new();
    let mut addr = |ip: IpAddr, port: u16, resolve: bool, sep: &str| {
        taddr(
            ip,
            port,
            !resolve || numeric,
            sep,
            proto,
            resolver,
            &mut errors,
        )
    };
    if csv {
        if !no_headers {
            out.push_str(
                "Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State\n",
            );
        }
        for s in rows {
            out.push_str(&format!(
                "{},{},{},{},{},{}",
                proto_str(proto),
                addr(IpAddr::V6(s.src6.0), s.src6.1, true, ","),
                addr(IpAddr::V6(s.dst6.0), s.dst6.1, false, ","),
                addr(IpAddr::V4(s.src4.0), s.src4.1, false, ","),
                addr(IpAddr::V4(s.dst4.0), s.dst4.1, true, ","),
                format_timeout(s.expires_in_ms)
            ));
            if proto == ProtoDto::Tcp {
                out.push_str(&format!(",{}", s.state.as_deref().unwrap_or("UNKNOWN")));
            }
            out.push('\n');
        }
        return (out, errors);
    }
    out.push_str(&format!("{}:\n{DASHES}", proto_str(proto)));
    for s in rows {
        if proto == ProtoDto::Tcp {
            out.push_str(&format!("({}) ", s.state.as_deref().unwrap_or("UNKNOWN")));
        }
        out.push_str(&format!("Expires in {}\n", friendly_time(s.expires_in_ms)));
        let remote4 = addr(IpAddr::V4(s.dst4.0), s.dst4.1, true, "#");
        let remote6 = addr(IpAddr::V6(s.src6.0), s.src6.1, true, "#");
        out.push_str(&format!("Remote: {remote4}\t{remote6}\n"));
        let local4 = addr(IpAddr::V4(s.src4.0), s.src4.1, false, "#");
        let local6 = addr(IpAddr::V6(s.dst6.0), s.dst6.1, false, "#");
        out.push_str(&format!("Local: {local4}\t{local6}\n"));
        out.push_str(DASHES);
    }
    if !no_headers {
        if rows.is_empty() {
            out.push_str("  (empty)\n");
        } else {
            out.push_str(&format!("  (Fetched {} entries.)\n", rows.len()));
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::super::testing::Fake;
    use super::super::Numeric;
    use super::*;

    fn seed_row() -> SessionRow {
        SessionRow {
            proto: ProtoDto::Icmp,
            src6: ("2001:db8:1::8".parse().unwrap(), 3206),
            dst6: ("2001:db8:64::c000:208".parse().unwrap(), 3206),
            src4: ("192.0.2.1".parse().unwrap(), 62253),
            dst4: ("192.0.2.8".parse().unwrap(), 62253),
            expires_in_ms: 42_731,
            state: None,
        }
    }

    #[test]
    fn prints_the_seed_session() {
        let (out, err) = display(ProtoDto::Icmp, &[seed_row()], false, false, true, &Numeric);
        assert_eq!(
            out,
            "ICMP:\n---------------------------------\nExpires in 42 seconds\nRemote: 192.0.2.8#62253\t2001:db8:1::8#3206\nLocal: 192.0.2.1#62253\t2001:db8:64::c000:208#3206\n---------------------------------\n  (Fetched 1 entries.)\n"
        );
        assert!(err.is_empty());
    }

    #[test]
    fn prints_an_empty_table() {
        let (out, _) = display(ProtoDto::Udp, &[], false, false, true, &Numeric);
        assert_eq!(out, "UDP:\n---------------------------------\n  (empty)\n");
        let (bare, _) = display(ProtoDto::Udp, &[], false, true, true, &Numeric);
        assert_eq!(bare, "UDP:\n---------------------------------\n");
    }

    #[test]
    fn formats_expiry_like_jool_3() {
        assert_eq!(friendly_time(999), "999 milliseconds");
        assert_eq!(friendly_time(48_000), "48 seconds");
        assert_eq!(friendly_time(177_440), "2 minutes, 57 seconds");
        assert_eq!(friendly_time(7_198_232), "1 hours, 59 minutes");
    }

    #[test]
    fn prefixes_tcp_blocks_with_the_state_and_resolves_remote_sides() {
        let row = SessionRow {
            proto: ProtoDto::Tcp,
            src6: ("2001:db8::6".parse().unwrap(), 37878),
            dst6: ("64:ff9b::c000:208".parse().unwrap(), 80),
            src4: ("192.0.2.1".parse().unwrap(), 62805),
            dst4: ("192.0.2.8".parse().unwrap(), 80),
            expires_in_ms: 7_198_232,
            state: Some("ESTABLISHED".into()),
        };
        let (out, _) = display(ProtoDto::Tcp, &[row], false, false, false, &Fake);
        assert_eq!(
            out,
            "TCP:\n---------------------------------\n(ESTABLISHED) Expires in 1 hours, 59 minutes\nRemote: 192.0.2.8#http\tpotato.mx#37878\nLocal: 192.0.2.1#62805\t64:ff9b::c000:208#80\n---------------------------------\n  (Fetched 1 entries.)\n"
        );
    }

    #[test]
    fn falls_back_to_numeric_when_resolution_fails() {
        let mut row = seed_row();
        row.dst4.0 = "192.0.2.66".parse().unwrap();
        let (out, err) = display(ProtoDto::Icmp, &[row], false, false, false, &Fake);
        assert!(out.contains("Remote: 192.0.2.66#62253\t2001:db8:1::8#3206\n"));
        assert_eq!(
            err,
            "Error: getnameinfo failed: Temporary failure in name resolution\n"
        );
    }

    #[test]
    fn prints_csv_per_the_reference() {
        let row = SessionRow {
            proto: ProtoDto::Tcp,
            src6: ("2001:db8::2".parse().unwrap(), 58239),
            dst6: ("64:ff9b::5db8:d877".parse().unwrap(), 80),
            src4: ("192.0.2.1".parse().unwrap(), 60477),
            dst4: ("93.184.216.119".parse().unwrap(), 80),
            expires_in_ms: 177_440,
            state: Some("V4_FIN_V6_FIN_RCV".into()),
        };
        let (out, _) = display(ProtoDto::Tcp, &[row], true, false, true, &Numeric);
        assert_eq!(
            out,
            "Protocol,IPv6 Remote Address,IPv6 Remote L4-ID,IPv6 Local Address,IPv6 Local L4-ID,IPv4 Local Address,IPv4 Local L4-ID,IPv4 Remote Address,IPv4 Remote L4-ID,Expires in,State\nTCP,2001:db8::2,58239,64:ff9b::5db8:d877,80,192.0.2.1,60477,93.184.216.119,80,0:02:57.440,V4_FIN_V6_FIN_RCV\n"
        );
        let (icmp, _) = display(ProtoDto::Icmp, &[seed_row()], true, true, true, &Numeric);
        assert_eq!(
            icmp,
            "ICMP,2001:db8:1::8,3206,2001:db8:64::c000:208,3206,192.0.2.1,62253,192.0.2.8,62253,0:00:42.731\n"
        );
    }
}
