//! The instance's timers and the packets they send (RFC 6146 §3.5.2.2, spec §7.3–§7.4):
//! expired sessions and BIB entries (logged), TCP keepalive probes for expired ESTABLISHED
//! sessions, ICMP Port Unreachable for stored SYNs nobody answered, expired fragments.

use super::{count_icmp, lock, Nat64};
use crate::host::Host;
use crate::nat64::logging;
use crate::nat64::{Events, TcpProbe};
use crate::packet::PacketBuf;
use crate::stats::Stats;
use crate::translate::icmp_error;
use crate::translate::IcmpErr;
use jool_wire::{proto, Ipv6Packet, TcpPacket};

/// TCP flags of the probe: ACK.
const ACK: u8 = 0x10;
/// spec §7.3: the probe's window.
pub const PROBE_WINDOW: u16 = 8192;

/// Builds the keepalive probe of spec §7.3 ("empty TCP ACK, seq 0, window 8192, from dst6 to
/// src6") into `buf`.
pub fn build_probe(probe: &TcpProbe, hop_limit: u8, buf: &mut PacketBuf) {
    buf.clear();
    if !buf.push_back(60) {
        return;
    }
    let b = buf.bytes_mut();
    b.fill(0);
    {
        let mut ip = Ipv6Packet::new_unchecked(&mut b[..40]);
        ip.set_version_tc_flow(0, 0);
        ip.set_payload_len(20);
        ip.set_next_header(proto::TCP);
        ip.set_hop_limit(hop_limit);
        ip.set_src_addr(probe.src.addr);
        ip.set_dst_addr(probe.dst.addr);
    }
    let mut tcp = TcpPacket::new_unchecked(&mut b[40..]);
    tcp.set_src_port(probe.src.port);
    tcp.set_dst_port(probe.dst.port);
    tcp.set_seq_number(0);
    tcp.set_ack_number(0);
    tcp.set_header_len(20);
    tcp.set_flags(ACK);
    tcp.set_window(PROBE_WINDOW);
    tcp.fill_checksum_v6(probe.src.addr, probe.dst.addr);
}

impl Nat64 {
    /// The timers at `now` (ms; call it every ~2 s like Jool's cleaner, or before each packet
    /// offline): expires sessions, BIB entries, stored SYNs and fragments. Each packet to send
    /// (TCP probes; ICMPv4 3/3, or ICMPv6 1/4 for a hairpinned IPv6 SYN, for stored SYNs) is
    /// passed to `emit`, one at a time, from a reused buffer. Log lines go to [`Host::log`].
    pub fn expire(
        &self,
        now: u64,
        host: &mut dyn Host,
        stats: &mut Stats,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        let params = self.live().params;
        let frag_limits = self.frag_limits;
        lock(&self.frags).expire(now, &frag_limits);
        let mut scratch = lock(&self.scratch);
        let scratch = &mut *scratch;
        scratch.events.clear();
        self.db.expire(now, &params, &mut scratch.events);
        self.emit_events(host, stats, &scratch.events, &mut scratch.buf, emit);
        self.db.fill_gauges(stats);
    }

    /// Logs what `events` removed and sends what it asks for (probes, ICMP errors for stored
    /// SYNs): for the events of [`Nat64::expire`] and of the administrative removals
    /// (`bib remove`, `pool4 remove/flush`).
    pub fn emit_events(
        &self,
        host: &mut dyn Host,
        stats: &mut Stats,
        events: &Events,
        buf: &mut PacketBuf,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        let (log_bib, log_session) = {
            let live = self.live();
            (
                live.xlat.globals.logging_bib,
                live.xlat.globals.logging_session,
            )
        };
        if log_session {
            for s in &events.sessions_removed {
                host.log(&logging::session_line(
                    &self.name,
                    host.wall_clock_ms(),
                    false,
                    s,
                ));
            }
        }
        if log_bib {
            for b in &events.bibs_removed {
                host.log(&logging::bib_line(
                    &self.name,
                    host.wall_clock_ms(),
                    false,
                    b,
                ));
            }
        }
        for probe in &events.probes {
            build_probe(probe, host.originated_ttl(), buf);
            if !buf.is_empty() {
                emit(buf.bytes());
            }
        }
        for stored in &events.stored_expired {
            // spec §7.4: "ICMP port unreachable (v4 3/3, or v6 1/4 if the stored packet was
            // IPv6)".
            let is6 = stored.bytes.first().is_some_and(|b| b >> 4 == 6);
            let out = match is6 {
                true => icmp_error::build_v6(host, &stored.bytes, IcmpErr::PortUnreach, buf),
                false => icmp_error::build_v4(host, &stored.bytes, IcmpErr::PortUnreach, buf),
            };
            count_icmp(stats, is6, out);
            if !buf.is_empty() {
                emit(buf.bytes());
            }
        }
    }

    /// A buffer-owning variant of [`Nat64::emit_events`] for administrative removals.
    pub fn emit_admin_events(
        &self,
        host: &mut dyn Host,
        stats: &mut Stats,
        events: &Events,
        emit: &mut dyn FnMut(&[u8]),
    ) {
        let mut scratch = lock(&self.scratch);
        self.emit_events(host, stats, events, &mut scratch.buf, emit);
        self.db.fill_gauges(stats);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nat64::Taddr6;

    #[test]
    fn builds_the_keepalive_probe() {
        let probe = TcpProbe {
            src: Taddr6::new("64:ff9b::cb00:7101".parse().unwrap(), 80),
            dst: Taddr6::new("2001:db8::8".parse().unwrap(), 40000),
        };
        let mut buf = PacketBuf::new();
        build_probe(&probe, crate::translate::icmp_error::ICMP_TTL, &mut buf);
        let b = buf.bytes();
        assert_eq!(b.len(), 60);
        assert_eq!(&b[..8], &[0x60, 0, 0, 0, 0, 20, 6, 64]);
        assert_eq!(&b[40..44], &[0, 80, 0x9c, 0x40]);
        assert_eq!(&b[44..52], &[0; 8], "seq 0, ack 0");
        assert_eq!(
            &b[52..56],
            &[0x50, 0x10, 0x20, 0x00],
            "header 20, ACK, window 8192"
        );
        let tcp = TcpPacket::new_checked(&b[40..]).unwrap();
        assert!(tcp.verify_checksum_v6(probe.src.addr, probe.dst.addr));
    }
}
