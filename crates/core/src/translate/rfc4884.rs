//! RFC 4884 ICMP extensions in translated ICMP errors (spec §7.5).
//!
//! The "length" attribute counts the original-datagram field in 32-bit words (ICMPv4, byte 5
//! of Destination Unreachable, Time Exceeded and Parameter Problem) or 64-bit words (ICMPv6,
//! byte 4 of Destination Unreachable and Time Exceeded). The translator keeps the extension
//! structure opaque, re-pads the translated original datagram to the other unit (and to the
//! 128-byte minimum of RFC 4884 §4.1), truncates the datagram first when the message is too
//! long, and removes the extension whole when it still does not fit.

use crate::packet::PacketBuf;
use crate::stats::Jstat;
use crate::translate::{drop, Step};

/// RFC 4884 §4.1 / §4.2: with an extension, the original datagram field is at least this long.
pub const MIN_ORIGINAL_DATAGRAM: usize = 128;

/// What happens to an incoming extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtMode {
    /// The incoming type has no length attribute: the whole payload is the original datagram.
    Absent,
    /// Both the incoming and the outgoing type have a length attribute.
    Keep,
    /// The incoming type has one, the outgoing type does not: the extension is removed.
    Remove,
}

/// Validates an incoming length attribute (RFC 4884 §5.2). `unit` is 4 or 8, `avail` the
/// bytes after the ICMP header. `Ok(None)`: no extension. A length that exceeds the payload is
/// illegal (`JSTAT_ICMPEXT_BIG`).
pub fn input_ipl(len_field: u8, unit: usize, avail: usize) -> Step<Option<usize>> {
    if len_field == 0 {
        return Ok(None);
    }
    let ipl = usize::from(len_field) * unit;
    if ipl > avail {
        return Err(drop(Jstat::IcmpextBig));
    }
    Ok(Some(ipl))
}

/// Lays out the payload of a translated ICMP error in `pkt` and returns the outgoing length
/// attribute (0: no extension). The original datagram (already translated) starts at
/// `data_off` and is `ipl` bytes long (`None`: it runs to the end, no extension); the
/// extension follows it to the end of the packet. The packet is cut to at most `limit` bytes.
pub fn fit(
    pkt: &mut PacketBuf,
    data_off: usize,
    ipl: Option<usize>,
    mode: ExtMode,
    unit: usize,
    limit: usize,
) -> u8 {
    let Some(ipl) = ipl.filter(|_| mode != ExtMode::Absent) else {
        pkt.truncate(limit);
        return 0;
    };
    let end = data_off + ipl;
    let ext_len = pkt.len().saturating_sub(end);
    let room = limit.saturating_sub(data_off);
    let mut target = ipl.div_ceil(unit).max(1) * unit;
    target = target.max(MIN_ORIGINAL_DATAGRAM);
    if target + ext_len > room {
        target = room.saturating_sub(ext_len) / unit * unit;
    }
    if mode == ExtMode::Remove
        || ext_len == 0
        || target < MIN_ORIGINAL_DATAGRAM
        || target / unit > 255
    {
        // spec §7.5: "extension removed whole if it does not fit".
        pkt.truncate(end);
        pkt.truncate(limit);
        return 0;
    }
    if target > ipl {
        let gap = target - ipl;
        if !pkt.insert_gap(end, gap) {
            pkt.truncate(end.min(limit));
            return 0;
        }
        if let Some(z) = pkt.bytes_mut().get_mut(end..end + gap) {
            z.fill(0);
        }
    } else if target < ipl && !pkt.remove_gap(data_off + target, ipl - target) {
        pkt.truncate(end.min(limit));
        return 0;
    }
    (target / unit) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(data_off: usize, ipl: usize, ext: usize) -> PacketBuf {
        let mut v = vec![0xaau8; data_off];
        v.extend(std::iter::repeat_n(0x11u8, ipl));
        v.extend(std::iter::repeat_n(0xeeu8, ext));
        let mut p = PacketBuf::new();
        p.load(&v);
        p
    }

    #[test]
    fn rejects_length_beyond_payload() {
        assert_eq!(input_ipl(33, 4, 128), Err(drop(Jstat::IcmpextBig)));
        assert_eq!(input_ipl(32, 4, 128), Ok(Some(128)));
        assert_eq!(input_ipl(0, 8, 0), Ok(None));
    }

    #[test]
    fn pads_original_datagram_to_64_bit_units() {
        // 148 translated bytes (128 + 20) become 152 in 8-byte units; extension kept after them.
        let mut p = buf(48, 148, 16);
        let len = fit(&mut p, 48, Some(148), ExtMode::Keep, 8, 1280);
        assert_eq!(len, 19);
        assert_eq!(p.len(), 48 + 152 + 16);
        assert_eq!(&p.bytes()[48 + 148..48 + 152], &[0, 0, 0, 0]);
        assert_eq!(&p.bytes()[48 + 152..], &[0xee; 16]);
    }

    #[test]
    fn pads_short_datagram_back_to_128() {
        // 6→4 shrinks a 128-byte datagram to 108: RFC 4884 wants 128 again.
        let mut p = buf(28, 108, 8);
        let len = fit(&mut p, 28, Some(108), ExtMode::Keep, 4, 576);
        assert_eq!(len, 32);
        assert_eq!(p.len(), 28 + 128 + 8);
    }

    #[test]
    fn truncates_datagram_before_extension() {
        let mut p = buf(28, 600, 20);
        let len = fit(&mut p, 28, Some(600), ExtMode::Keep, 4, 576);
        assert_eq!(p.len(), 576);
        assert_eq!(usize::from(len) * 4, 576 - 28 - 20);
        assert_eq!(&p.bytes()[556..], &[0xee; 20]);
    }

    #[test]
    fn removes_extension_that_does_not_fit() {
        let mut p = buf(28, 128, 500);
        let len = fit(&mut p, 28, Some(128), ExtMode::Keep, 4, 576);
        assert_eq!(len, 0);
        assert_eq!(p.len(), 28 + 128);
    }

    #[test]
    fn removes_extension_when_outgoing_type_has_no_length() {
        let mut p = buf(48, 152, 16);
        assert_eq!(fit(&mut p, 48, Some(152), ExtMode::Remove, 8, 1280), 0);
        assert_eq!(p.len(), 48 + 152);
    }

    #[test]
    fn plain_errors_are_just_truncated() {
        let mut p = buf(48, 2000, 0);
        assert_eq!(fit(&mut p, 48, None, ExtMode::Absent, 8, 1280), 0);
        assert_eq!(p.len(), 1280);
    }
}
