//! The pcap side of `jool-translate`: reading IP packets out of classic pcap files of the
//! common link types, and writing raw-IP pcap files.
//!
//! What is handed to the translator is what the kernel would hand to Jool: the link-layer
//! header is stripped and the IP packet is trimmed to the length its header declares (the
//! kernel's `ip_rcv`/`ipv6_rcv` trim Ethernet padding before PREROUTING).

use pcap_file::pcap::{PcapHeader, PcapReader, PcapWriter, RawPcapPacket};
use pcap_file::{DataLink, TsResolution};
use std::borrow::Cow;
use std::fmt;
use std::io::{Read, Write};
use std::time::Duration;

/// Link types `jool-translate` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// LINKTYPE_RAW (101), LINKTYPE_IPV4 (228), LINKTYPE_IPV6 (229): the record is the packet.
    RawIp,
    /// LINKTYPE_ETHERNET (1): 14-byte header, 802.1Q/802.1ad tags skipped.
    Ethernet,
    /// LINKTYPE_LINUX_SLL (113): 16-byte "cooked" header (`tcpdump -i any`).
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276): 20-byte "cooked" header.
    LinuxSll2,
}

impl LinkType {
    /// The reader for a pcap link type; `None` if unsupported.
    pub fn from_datalink(datalink: DataLink) -> Option<LinkType> {
        match datalink {
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => Some(LinkType::RawIp),
            DataLink::ETHERNET => Some(LinkType::Ethernet),
            DataLink::LINUX_SLL => Some(LinkType::LinuxSll),
            DataLink::LINUX_SLL2 => Some(LinkType::LinuxSll2),
            _ => None,
        }
    }
}

/// What a record holds, once the link-layer header is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// An IPv4 or IPv6 packet (as far as the link layer says).
    Ip(&'a [u8]),
    /// A frame of another network protocol (ARP, LLDP...): never the translator's business.
    NotIp,
    /// The record ends inside the link-layer header.
    Truncated,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: [u16; 3] = [0x8100, 0x88a8, 0x9100];

fn be16(bytes: &[u8], offset: usize) -> Option<u16> {
    bytes
        .get(offset..offset + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn by_ethertype(record: &[u8], ethertype_at: usize, payload_at: usize) -> Frame<'_> {
    match (be16(record, ethertype_at), record.get(payload_at..)) {
        (Some(ETHERTYPE_IPV4 | ETHERTYPE_IPV6), Some(ip)) => Frame::Ip(trim_to_ip_length(ip)),
        (Some(_), Some(_)) => Frame::NotIp,
        _ => Frame::Truncated,
    }
}

/// Strips the link-layer header of one record.
pub fn decapsulate(link: LinkType, record: &[u8]) -> Frame<'_> {
    match link {
        LinkType::RawIp => Frame::Ip(trim_to_ip_length(record)),
        LinkType::Ethernet => {
            // Destination and source MAC, then the EtherType; each VLAN tag adds 4 bytes.
            let mut at = 12;
            while be16(record, at).is_some_and(|t| ETHERTYPE_VLAN.contains(&t)) {
                at += 4;
            }
            by_ethertype(record, at, at + 2)
        }
        LinkType::LinuxSll => by_ethertype(record, 14, 16),
        LinkType::LinuxSll2 => by_ethertype(record, 0, 20),
    }
}

/// Cuts link-layer padding: an IPv4 packet to its Total Length, an IPv6 packet to 40 +
/// Payload Length. A packet shorter than its header says is left alone (the translator
/// rejects it); so is anything that is not recognisably IPv4/IPv6, and IPv6 jumbograms.
pub fn trim_to_ip_length(packet: &[u8]) -> &[u8] {
    let declared = match packet.first().map(|b| b >> 4) {
        Some(4) => be16(packet, 2).map(usize::from),
        Some(6) => be16(packet, 4)
            .filter(|&n| n != 0)
            .map(|n| 40 + usize::from(n)),
        _ => None,
    };
    match declared {
        Some(n) if n <= packet.len() => &packet[..n],
        _ => packet,
    }
}

/// Why a pcap file could not be read or written.
#[derive(Debug)]
pub struct PcapIoError(pub String);

impl fmt::Display for PcapIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PcapIoError {}

fn describe(e: &pcap_file::PcapError) -> String {
    match e {
        pcap_file::PcapError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends in the middle of a record".to_owned()
        }
        pcap_file::PcapError::IoError(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// One input record.
#[derive(Debug)]
pub struct Record<'a> {
    /// Seconds part of the capture timestamp, as stored.
    pub ts_sec: u32,
    /// Fraction part (µs or ns, per the file), as stored.
    pub ts_frac: u32,
    /// The capture timestamp: the translator's clock for this packet.
    pub time: Duration,
    /// The packet.
    pub frame: Frame<'a>,
}

/// A classic pcap file being read.
pub struct PcapInput<R: Read> {
    reader: PcapReader<R>,
    link: LinkType,
    resolution: TsResolution,
    index: u64,
}

impl<R: Read> PcapInput<R> {
    /// Reads the file header; fails on a non-pcap file or an unsupported link type.
    pub fn new(source: R) -> Result<Self, PcapIoError> {
        let reader = PcapReader::new(source)
            .map_err(|e| PcapIoError(format!("not a pcap file ({})", describe(&e))))?;
        let header = reader.header();
        let link = LinkType::from_datalink(header.datalink).ok_or_else(|| {
            PcapIoError(format!(
                "unsupported link type {} ({:?}); supported: RAW (101), IPV4 (228), IPV6 (229), \
                 ETHERNET (1), LINUX_SLL (113), LINUX_SLL2 (276)",
                u32::from(header.datalink),
                header.datalink
            ))
        })?;
        Ok(PcapInput {
            reader,
            link,
            resolution: header.ts_resolution,
            index: 0,
        })
    }

    /// The file's link type.
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// The file's timestamp resolution (the output uses the same).
    pub fn resolution(&self) -> TsResolution {
        self.resolution
    }

    /// The next record, `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, PcapIoError>> {
        let index = self.index + 1;
        let raw = match self.reader.next_raw_packet()? {
            Ok(raw) => raw,
            Err(e) => {
                return Some(Err(PcapIoError(format!(
                    "record {index}: {}",
                    describe(&e)
                ))))
            }
        };
        self.index = index;
        let nanos = match self.resolution {
            TsResolution::MicroSecond => u64::from(raw.ts_frac) * 1000,
            TsResolution::NanoSecond => u64::from(raw.ts_frac),
        };
        let time = Duration::from_secs(u64::from(raw.ts_sec)) + Duration::from_nanos(nanos);
        let data: &[u8] = match raw.data {
            Cow::Borrowed(d) => d,
            // The reader always borrows; an owned record would be a pcap-file change.
            Cow::Owned(_) => {
                return Some(Err(PcapIoError(format!(
                    "record {index}: unexpected owned record"
                ))))
            }
        };
        Some(Ok(Record {
            ts_sec: raw.ts_sec,
            ts_frac: raw.ts_frac,
            time,
            frame: decapsulate(self.link, data),
        }))
    }
}

/// Snapshot length of the output: room for the largest packet the translator emits.
pub const OUTPUT_SNAPLEN: u32 = 262_144;

/// A raw-IP (LINKTYPE_RAW) pcap file being written.
pub struct PcapOutput<W: Write> {
    writer: PcapWriter<W>,
}

impl<W: Write> PcapOutput<W> {
    /// Writes the file header.
    pub fn new(sink: W, resolution: TsResolution) -> Result<Self, PcapIoError> {
        let header = PcapHeader {
            datalink: DataLink::RAW,
            snaplen: OUTPUT_SNAPLEN,
            ts_resolution: resolution,
            endianness: pcap_file::Endianness::native(),
            ..PcapHeader::default()
        };
        let writer =
            PcapWriter::with_header(sink, header).map_err(|e| PcapIoError(describe(&e)))?;
        Ok(PcapOutput { writer })
    }

    /// Appends one packet with the given (stored-form) timestamp.
    pub fn write(&mut self, ts_sec: u32, ts_frac: u32, packet: &[u8]) -> Result<(), PcapIoError> {
        let len =
            u32::try_from(packet.len()).map_err(|_| PcapIoError("packet too large".into()))?;
        let raw = RawPcapPacket {
            ts_sec,
            ts_frac,
            incl_len: len,
            orig_len: len,
            data: Cow::Borrowed(packet),
        };
        self.writer
            .write_raw_packet(&raw)
            .map_err(|e| PcapIoError(describe(&e)))?;
        Ok(())
    }

    /// Flushes and returns the sink.
    pub fn into_inner(self) -> W {
        self.writer.into_writer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IPV4_HDR_LEN_28: [u8; 28] = [
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 192, 0, 2, 1, 198, 51, 100, 1, 8, 0, 0, 0, 0, 0,
        0, 0,
    ];

    fn ethernet(ethertype: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(ethertype);
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn strips_ethernet_header_and_padding() {
        let mut padded = IPV4_HDR_LEN_28.to_vec();
        padded.extend_from_slice(&[0; 18]);
        let frame = ethernet(&[0x08, 0x00], &padded);
        assert_eq!(
            decapsulate(LinkType::Ethernet, &frame),
            Frame::Ip(&IPV4_HDR_LEN_28)
        );
    }

    #[test]
    fn skips_vlan_tags() {
        let frame = ethernet(
            &[0x81, 0x00, 0x00, 0x05, 0x88, 0xa8, 0x00, 0x07, 0x08, 0x00],
            &IPV4_HDR_LEN_28,
        );
        assert_eq!(
            decapsulate(LinkType::Ethernet, &frame),
            Frame::Ip(&IPV4_HDR_LEN_28)
        );
    }

    #[test]
    fn classifies_arp_as_not_ip_and_short_frames_as_truncated() {
        assert_eq!(
            decapsulate(LinkType::Ethernet, &ethernet(&[0x08, 0x06], &[0; 28])),
            Frame::NotIp
        );
        assert_eq!(decapsulate(LinkType::Ethernet, &[0; 13]), Frame::Truncated);
        assert_eq!(
            decapsulate(LinkType::Ethernet, &ethernet(&[0x81, 0x00], &[0, 1])),
            Frame::Truncated
        );
        assert_eq!(decapsulate(LinkType::LinuxSll, &[0; 15]), Frame::Truncated);
    }

    #[test]
    fn reads_linux_cooked_headers() {
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x86, 0xdd]);
        let mut v6 = vec![0x60, 0, 0, 0, 0, 0, 59, 64];
        v6.extend_from_slice(&[0; 32]);
        sll.extend_from_slice(&v6);
        assert_eq!(decapsulate(LinkType::LinuxSll, &sll), Frame::Ip(&v6));
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0; 18]);
        sll2.extend_from_slice(&IPV4_HDR_LEN_28);
        assert_eq!(
            decapsulate(LinkType::LinuxSll2, &sll2),
            Frame::Ip(&IPV4_HDR_LEN_28)
        );
    }

    #[test]
    fn leaves_packets_shorter_than_declared_alone() {
        assert_eq!(
            trim_to_ip_length(&IPV4_HDR_LEN_28[..24]),
            &IPV4_HDR_LEN_28[..24]
        );
        assert_eq!(trim_to_ip_length(&[0x60, 0, 0]), &[0x60, 0, 0]);
        assert_eq!(trim_to_ip_length(&[]), &[] as &[u8]);
    }
}
