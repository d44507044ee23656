//! Device offloads carried with a packet: a transport checksum the device has not finished yet
//! (partial checksum) and GSO super-packets (one header for many TCP segments or UDP
//! datagrams). This is the virtio-net header's meaning without its layout (the layout is
//! `jool_wire::vnet`); the datapath converts between the two.
//!
//! ```text
//!   TUN read ─► vnet header ─► Offload ─► PacketBuf ─► Siit/Nat64::handle ─► Offload' ─► vnet header ─► TUN write
//!                                          (headers translated once; payload untouched;
//!                                           checksum left partial; gso_size fitted to the MTU)
//! ```

/// A transport checksum left for the device (`VIRTIO_NET_HDR_F_NEEDS_CSUM`): the field at
/// `start + offset` holds the pseudo-header sum (folded, not complemented) and the device
/// will add every byte from `start` to the end and store the complement there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartialCsum {
    /// Where the summed region starts (the transport header's offset in the packet).
    pub start: u16,
    /// Offset of the checksum field from `start` (16 for TCP, 6 for UDP).
    pub offset: u16,
}

/// What a GSO super-packet's segments are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GsoKind {
    /// TCP segments (`VIRTIO_NET_HDR_GSO_TCPV4` / `TCPV6`, by the packet's version);
    /// `ecn`: `VIRTIO_NET_HDR_GSO_ECN` (CWR only on the first segment).
    Tcp {
        /// The ECN flag of the GSO type.
        ecn: bool,
    },
    /// UDP datagrams (`VIRTIO_NET_HDR_GSO_UDP_L4`).
    Udp,
}

/// A GSO super-packet: the payload after the transport header is cut into `size`-byte pieces
/// (the last one may be shorter), each sent with a copy of the headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gso {
    /// TCP or UDP.
    pub kind: GsoKind,
    /// Payload bytes per segment (`gso_size`), never 0.
    pub size: u16,
}

/// The offloads of one packet. `Offload::default()`: a plain packet with complete checksums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offload {
    /// The transport checksum is partial.
    pub csum: Option<PartialCsum>,
    /// The packet is a GSO super-packet (always together with a partial checksum).
    pub gso: Option<Gso>,
}

impl Offload {
    /// No offload: complete checksums, one packet.
    pub const NONE: Offload = Offload {
        csum: None,
        gso: None,
    };

    /// Is this a plain packet?
    pub fn is_none(&self) -> bool {
        self.csum.is_none() && self.gso.is_none()
    }
}
