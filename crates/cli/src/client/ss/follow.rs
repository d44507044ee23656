//! `jool session follow` (spec §2.9): prints every synchronized session, acknowledging each
//! batch as a proxy does.

use super::{subscribe, Log, LOG_ERR};
use crate::client::report::Report;
use jool_core::globals::format_timeout;
use jool_core::nat64::ss::{decode, SsSession};
use jool_ctl::proto::{Request, Response, SsUp};
use jool_ctl::stream::{write_frame, FrameReader};
use std::io::Write;
use std::path::Path;

/// `PROTO,src6,port,src4,port,dst4,port,H:MM:SS[.mmm]`, e.g.
/// `ICMP,2001:db8::8,211,192.0.2.1,15308,192.0.2.8,15308,0:01:00`.
pub fn follow_line(s: &SsSession) -> String {
    format!(
        "{},{},{},{},{},{},{},{}",
        s.proto,
        s.src6.addr,
        s.src6.port,
        s.src4.addr,
        s.src4.port,
        s.dst4.addr,
        s.dst4.port,
        format_timeout(u64::from(s.remaining_ms))
    )
}

/// Subscribes and prints until the daemon goes away.
pub fn run(path: &Path, req: &Request) -> Report {
    let conn = match subscribe(path, req) {
        Ok(c) => c,
        Err(r) => return r,
    };
    println!("Commands parsed successfully; switching to syslog.");
    println!("See journalctl for error messages from now on.");
    let _ = std::io::stdout().flush();
    let log = Log::open();
    let mut reader = FrameReader::new();
    loop {
        let batch = match reader.read::<Response>(&conn) {
            Ok(Response::SsBatch(b)) => b,
            Ok(other) => {
                log.line(
                    LOG_ERR,
                    &format!("Unexpected message from jool-daemon: {other:?}"),
                );
                continue;
            }
            Err(e) => {
                log.line(LOG_ERR, &format!("Lost jool-daemon: {e}"));
                return Report {
                    code: 1,
                    ..Report::default()
                };
            }
        };
        let mut out = std::io::stdout().lock();
        for s in decode(&batch) {
            match s {
                Ok(s) => {
                    let _ = writeln!(out, "{}", follow_line(&s));
                }
                Err(e) => log.line(LOG_ERR, &format!("Malformed session: {e}")),
            }
        }
        let _ = out.flush();
        drop(out);
        if let Err(e) = write_frame(&conn, &SsUp::Ack) {
            log.line(LOG_ERR, &format!("Cannot acknowledge to jool-daemon: {e}"));
            return Report {
                code: 1,
                ..Report::default()
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jool_core::nat64::{L4Proto, Taddr4, Taddr6, TcpState, TimerClass};

    #[test]
    fn prints_the_reference_follow_line() {
        let s = SsSession {
            proto: L4Proto::Icmp,
            src6: Taddr6::new("2001:db8::8".parse().unwrap(), 211),
            src4: Taddr4::new("192.0.2.1".parse().unwrap(), 15308),
            dst4: Taddr4::new("192.0.2.8".parse().unwrap(), 15308),
            remaining_ms: 60_000,
            state: TcpState::Established,
            timer: TimerClass::Icmp,
        };
        assert_eq!(
            follow_line(&s),
            "ICMP,2001:db8::8,211,192.0.2.1,15308,192.0.2.8,15308,0:01:00"
        );
        let t = SsSession {
            proto: L4Proto::Tcp,
            remaining_ms: 7_199_768,
            ..s
        };
        assert_eq!(
            follow_line(&t),
            "TCP,2001:db8::8,211,192.0.2.1,15308,192.0.2.8,15308,1:59:59.768"
        );
    }
}
