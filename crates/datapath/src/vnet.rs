//! The virtio-net header (`struct virtio_net_hdr`, 10 bytes) that a TUN opened with
//! `IFF_VNET_HDR` puts in front of every packet it reads and expects in front of every packet
//! written: the packet's pending checksum (`NEEDS_CSUM`) and GSO segmentation.
//!
//! ```text
//!   0      1         2         4          6            8             10
//!   flags  gso_type  hdr_len   gso_size   csum_start   csum_offset
//! ```
//!
//! The 16-bit fields are in the host's byte order: a legacy virtio header is "guest native",
//! and the TUN here is never switched to the other order (`TUNSETVNETLE`/`TUNSETVNETBE`).

/// Length of the header on the wire (`sizeof(struct virtio_net_hdr)`, the TUN default).
pub const LEN: usize = 10;

/// `flags`: the device must finish the checksum (see [`VnetHdr::csum_start`]).
pub const F_NEEDS_CSUM: u8 = 1;
/// `flags`: the checksum was verified (reads only).
pub const F_DATA_VALID: u8 = 2;

/// `gso_type`: not a GSO packet.
pub const GSO_NONE: u8 = 0;
/// `gso_type`: IPv4 TCP segmentation (TSO).
pub const GSO_TCPV4: u8 = 1;
/// `gso_type`: UDP fragmentation offload (UFO; legacy, never requested here).
pub const GSO_UDP: u8 = 3;
/// `gso_type`: IPv6 TCP segmentation.
pub const GSO_TCPV6: u8 = 4;
/// `gso_type`: UDP segmentation (USO), either family.
pub const GSO_UDP_L4: u8 = 5;
/// `gso_type` flag: the TCP stream uses ECN (CWR only on the first segment).
pub const GSO_ECN: u8 = 0x80;

/// A parsed virtio-net header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VnetHdr {
    /// [`F_NEEDS_CSUM`], [`F_DATA_VALID`].
    pub flags: u8,
    /// One of the `GSO_*` types, possibly with [`GSO_ECN`].
    pub gso_type: u8,
    /// Length of the headers (a hint: bytes worth putting in the linear part).
    pub hdr_len: u16,
    /// Payload bytes per segment.
    pub gso_size: u16,
    /// Where the summed region starts.
    pub csum_start: u16,
    /// Where, from `csum_start`, the checksum goes.
    pub csum_offset: u16,
}

impl VnetHdr {
    /// No offload: the packet is complete and single.
    pub const NONE: VnetHdr = VnetHdr {
        flags: 0,
        gso_type: GSO_NONE,
        hdr_len: 0,
        gso_size: 0,
        csum_start: 0,
        csum_offset: 0,
    };

    /// Parses the 10 bytes in front of a packet.
    pub fn parse(b: &[u8; LEN]) -> VnetHdr {
        let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        VnetHdr {
            flags: b[0],
            gso_type: b[1],
            hdr_len: u16_at(2),
            gso_size: u16_at(4),
            csum_start: u16_at(6),
            csum_offset: u16_at(8),
        }
    }

    /// The 10 bytes to put in front of a packet.
    pub fn to_bytes(&self) -> [u8; LEN] {
        let mut b = [0u8; LEN];
        b[0] = self.flags;
        b[1] = self.gso_type;
        b[2..4].copy_from_slice(&self.hdr_len.to_ne_bytes());
        b[4..6].copy_from_slice(&self.gso_size.to_ne_bytes());
        b[6..8].copy_from_slice(&self.csum_start.to_ne_bytes());
        b[8..10].copy_from_slice(&self.csum_offset.to_ne_bytes());
        b
    }

    /// Does the device have to finish a checksum?
    pub fn needs_csum(&self) -> bool {
        self.flags & F_NEEDS_CSUM != 0
    }

    /// The GSO type without the ECN flag.
    pub fn gso_kind(&self) -> u8 {
        self.gso_type & !GSO_ECN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_field_in_host_order() {
        let h = VnetHdr {
            flags: F_NEEDS_CSUM,
            gso_type: GSO_TCPV6 | GSO_ECN,
            hdr_len: 72,
            gso_size: 1440,
            csum_start: 40,
            csum_offset: 16,
        };
        let b = h.to_bytes();
        assert_eq!(b[0], 1);
        assert_eq!(b[1], 0x84);
        assert_eq!(&b[4..6], &1440u16.to_ne_bytes());
        assert_eq!(VnetHdr::parse(&b), h);
        assert!(h.needs_csum());
        assert_eq!(h.gso_kind(), GSO_TCPV6);
    }

    #[test]
    fn none_is_all_zero() {
        assert_eq!(VnetHdr::NONE.to_bytes(), [0u8; LEN]);
        assert!(!VnetHdr::NONE.needs_csum());
    }
}
