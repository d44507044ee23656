//! `jool-translate`: runs an atomic configuration over a pcap file, offline.
//!
//! ```text
//!   --config x.json ──► jool_ctl::json ──► SiitConfig ──► Siit
//!   INPUT.pcap ──► PcapInput (strip link layer) ──► Siit::handle ──► PcapOutput (RAW)
//!                                                        └──► stdout: "<n> <verdict> <JSTAT>"
//! ```

use crate::pcap_io::{Frame, PcapInput, PcapOutput};
use clap::{ArgGroup, Parser};
use jool_core::config::XlatorType;
use jool_core::{Jstat, PacketBuf, Siit, StaticHost, Stats, Verdict};
use jool_ctl::json::{parse_atomic_config_with, ParseOptions};
use std::io::{BufReader, BufWriter, Write};
use std::net::IpAddr;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Output:
  OUTPUT.pcap (link type RAW) receives, in order, every packet the translator emits: each
  translated packet and each ICMP error the translator originates, with the timestamp of the
  input packet that caused it. Untranslatable and dropped packets are not written.
  stdout receives one line per input packet: '<n> <translated|dropped|untranslatable> <JSTAT>',
  n counting from 1 like Wireshark's frame numbers.

Input link types: RAW (101), IPV4 (228), IPV6 (229), ETHERNET (1; 802.1Q/802.1ad tags skipped),
  LINUX_SLL (113), LINUX_SLL2 (276). Link-layer padding after the IP packet is removed, as the
  kernel does before Jool sees a packet. A frame that carries neither IPv4 nor IPv6 (ARP...)
  is reported 'untranslatable JSTAT_L3HDR_OFFSET' (the kernel keeps it); a frame that ends
  inside its link-layer header, 'dropped JSTAT_SKB_TRUNCATED'.

Example:
  jool-translate --siit --config siit.json --local-address 198.51.100.1 in.pcap out.pcap";

/// Command line of `jool-translate`.
#[derive(Parser, Debug, Clone)]
#[command(
    name = "jool-translate",
    version,
    about = "Runs a Jool atomic configuration over a pcap file and writes the pcap the translator would emit.",
    after_help = AFTER_HELP
)]
#[command(group(ArgGroup::new("type").required(true).args(["siit", "nat64"])))]
pub struct Args {
    /// Translate as a SIIT (jool_siit) instance.
    #[arg(long)]
    pub siit: bool,

    /// Translate as a stateful NAT64 (jool) instance.
    #[arg(long)]
    pub nat64: bool,

    /// Atomic configuration, as for `jool file handle` ("instance" and "framework" may be omitted).
    #[arg(long, value_name = "FILE.json")]
    pub config: PathBuf,

    /// An address of the translator itself (repeatable; IPv4 or IPv6). Packets addressed to it
    /// are not translated, and the first of each family is the source of ICMP errors.
    #[arg(long = "local-address", value_name = "ADDR")]
    pub local_addresses: Vec<IpAddr>,

    /// MTU of the route toward the IPv4 side.
    #[arg(long, value_name = "N", default_value_t = 1500)]
    pub mtu4: u32,

    /// MTU of the route toward the IPv6 side.
    #[arg(long, value_name = "N", default_value_t = 1500)]
    pub mtu6: u32,

    /// Override the validations `--force` overrides in `jool file handle` (EAM overlap,
    /// denylist4 scope, pool6 u-bit, rfc6791v4 scope).
    #[arg(long)]
    pub force: bool,

    /// Print the non-zero counters (as `stats display` names them) to stderr at the end.
    #[arg(long)]
    pub stats: bool,

    /// Input capture (classic pcap).
    #[arg(value_name = "INPUT.pcap")]
    pub input: PathBuf,

    /// Output capture (classic pcap, link type RAW); overwritten.
    #[arg(value_name = "OUTPUT.pcap")]
    pub output: PathBuf,
}

/// Why `jool-translate` stopped. `Display` is the message printed after `Error: `.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// The message.
    pub message: String,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code of `--nat64` until the NAT64 core exists.
pub const EXIT_UNSUPPORTED: u8 = 2;

/// Runs the whole command; verdict lines go to `verdicts`. Returns the counters.
pub fn run(args: &Args, verdicts: &mut dyn Write) -> Result<Stats, Failure> {
    let xlator = if args.nat64 {
        XlatorType::Nat64
    } else {
        XlatorType::Siit
    };
    let text = std::fs::read_to_string(&args.config)
        .map_err(|e| Failure::new(format!("{}: {e}", args.config.display())))?;
    let options = ParseOptions {
        require_instance: false,
        require_framework: false,
        force: args.force,
    };
    let config = parse_atomic_config_with(&text, xlator, options)
        .map_err(|e| Failure::new(e.to_string()))?;
    if xlator == XlatorType::Nat64 {
        return Err(Failure {
            code: EXIT_UNSUPPORTED,
            message: "NAT64 is not supported by jool-translate yet.".into(),
        });
    }
    let siit = Siit::new(
        config
            .siit_config(args.force)
            .map_err(|e| Failure::new(e.to_string()))?,
    );

    let mut host = StaticHost {
        mtu4: args.mtu4,
        mtu6: args.mtu6,
        ..StaticHost::default()
    };
    for addr in &args.local_addresses {
        match addr {
            IpAddr::V4(a) => host.local4.push(*a),
            IpAddr::V6(a) => host.local6.push(*a),
        }
    }

    let input_file = std::fs::File::open(&args.input)
        .map_err(|e| Failure::new(format!("{}: {e}", args.input.display())))?;
    let mut input = PcapInput::new(BufReader::new(input_file))
        .map_err(|e| Failure::new(format!("{}: {e}", args.input.display())))?;
    let output_file = std::fs::File::create(&args.output)
        .map_err(|e| Failure::new(format!("{}: {e}", args.output.display())))?;
    let out_err =
        |e: &dyn std::fmt::Display| Failure::new(format!("{}: {e}", args.output.display()));
    let mut output = PcapOutput::new(BufWriter::new(output_file), input.resolution())
        .map_err(|e| out_err(&e))?;

    let mut stats = Stats::default();
    // One buffer for the packet, one for the ICMP error the translator may originate:
    // reused for every record, so the loop allocates nothing.
    let mut pkt = PacketBuf::new();
    let mut reply = PacketBuf::new();
    let mut index: u64 = 0;
    while let Some(record) = input.next_record() {
        let record = record.map_err(|e| Failure::new(format!("{}: {e}", args.input.display())))?;
        index += 1;
        let verdict = match record.frame {
            Frame::Ip(bytes) => {
                pkt.load(bytes);
                // SIIT keeps no state: record.time is not needed (NAT64 will take it).
                let verdict = siit.handle(&mut host, &mut stats, &mut pkt, &mut reply);
                if verdict == Verdict::Translated {
                    output
                        .write(record.ts_sec, record.ts_frac, pkt.bytes())
                        .map_err(|e| out_err(&e))?;
                }
                if !reply.is_empty() {
                    output
                        .write(record.ts_sec, record.ts_frac, reply.bytes())
                        .map_err(|e| out_err(&e))?;
                }
                verdict
            }
            Frame::NotIp => Verdict::Untranslatable(Jstat::L3hdrOffset),
            Frame::Truncated => Verdict::Drop(Jstat::SkbTruncated),
        };
        writeln!(
            verdicts,
            "{index} {} {}",
            verdict.word(),
            verdict.stat().name()
        )
        .map_err(|e| Failure::new(format!("stdout: {e}")))?;
    }
    output.into_inner().flush().map_err(|e| out_err(&e))?;
    verdicts
        .flush()
        .map_err(|e| Failure::new(format!("stdout: {e}")))?;
    Ok(stats)
}

/// Writes the non-zero counters, one `NAME: value` per line.
pub fn print_stats(stats: &Stats, sink: &mut dyn Write) -> std::io::Result<()> {
    for (stat, value) in stats.iter() {
        if value != 0 {
            writeln!(sink, "{}: {value}", stat.name())?;
        }
    }
    Ok(())
}
