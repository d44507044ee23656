//! `jool-translate`: runs an atomic configuration over a pcap file, offline.
//!
//! ```text
//!   --config x.json ──► jool_ctl::json ──► SiitConfig ──► Siit
//!                                      └─► Nat64Config (+ static BIB) ──► Nat64
//!   INPUT.pcap ──► PcapInput (strip link layer) ──► handle ──► PcapOutput (RAW)
//!                   (NAT64: expire(ts) first)             └──► stdout: "<n> <verdict> <JSTAT>"
//! ```
//!
//! NAT64 keeps its state for the whole run; the capture's timestamps are its clock (a
//! 6-minute gap expires UDP sessions), and the timers run before every packet so that the
//! packets they send (TCP probes, ICMP errors for stored SYNs) appear in time order.

use crate::pcap_io::{Frame, PcapInput, PcapOutput};
use clap::{ArgGroup, Parser};
use jool_core::config::XlatorType;
use jool_core::{Jstat, Nat64, PacketBuf, Siit, StaticHost, Stats, Verdict};
use jool_ctl::json::{parse_atomic_config_with, ParseOptions};
use std::io::{BufReader, BufWriter, Write};
use std::net::IpAddr;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Output:
  OUTPUT.pcap (link type RAW) receives, in order, every packet the translator emits: each
  translated packet and each ICMP error the translator originates, with the timestamp of the
  input packet that caused it. Untranslatable and dropped packets are not written.
  stdout receives one line per input packet: '<n> <translated|dropped|untranslatable|stolen> <JSTAT>',
  n counting from 1 like Wireshark's frame numbers ('stolen': NAT64 kept the packet, a
  simultaneous-open SYN or a fragment waiting for the rest of its datagram).

NAT64 (--nat64): the BIB and sessions live for the whole run and the capture's timestamps are
  the clock: before each packet the timers run at its timestamp, and the packets they send
  (TCP keepalive probes, ICMP errors for unanswered stored SYNs) are written with it; a last
  timer run happens at the final timestamp. logging-bib / logging-session lines go to stderr,
  dated with the capture's timestamps. An empty pool4 means the IPv4 --local-address values,
  ports 61001-65535 (Jool's implicit pool4).

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

/// The key of RFC 6056's F(): fixed, so that offline runs are reproducible.
const OFFLINE_SECRET: [u8; 16] = *b"jool-translate!!";

/// The translator of the run.
enum Xlator {
    Siit(Box<Siit>),
    Nat64(Box<Nat64>),
}

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

    // The host of an offline run: fixed addresses and MTUs; its log lines go to stderr and its
    // wall clock is the capture's.
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
    let translator = match xlator {
        XlatorType::Siit => Xlator::Siit(Box::new(Siit::new(
            config
                .siit_config(args.force)
                .map_err(|e| Failure::new(e.to_string()))?,
        ))),
        XlatorType::Nat64 => {
            let nat = config
                .nat64(OFFLINE_SECRET)
                .map_err(|e| Failure::new(e.to_string()))?;
            nat.set_own_addresses(host.local4.clone());
            Xlator::Nat64(Box::new(nat))
        }
    };

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
    let mut last: Option<(u64, u32, u32)> = None;
    while let Some(record) = input.next_record() {
        let record = record.map_err(|e| Failure::new(format!("{}: {e}", args.input.display())))?;
        index += 1;
        let now = u64::try_from(record.time.as_millis()).unwrap_or(u64::MAX);
        host.wall_clock_ms = now;
        last = Some((now, record.ts_sec, record.ts_frac));
        if let Xlator::Nat64(nat) = &translator {
            run_timers(
                nat,
                now,
                &mut host,
                &mut stats,
                &mut output,
                (record.ts_sec, record.ts_frac),
            )
            .map_err(|e| out_err(&e))?;
        }
        let verdict = match record.frame {
            Frame::Ip(bytes) => {
                pkt.load(bytes);
                let verdict = match &translator {
                    // SIIT keeps no state: record.time is not needed.
                    Xlator::Siit(siit) => siit.handle(&mut host, &mut stats, &mut pkt, &mut reply),
                    Xlator::Nat64(nat) => {
                        nat.handle(now, &mut host, &mut stats, 0, &mut pkt, &mut reply)
                    }
                };
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
        print_logs(&mut host);
        writeln!(
            verdicts,
            "{index} {} {}",
            verdict.word(),
            verdict.stat().name()
        )
        .map_err(|e| Failure::new(format!("stdout: {e}")))?;
    }
    // One last timer run at the final timestamp (no fast-forward past the capture).
    if let (Xlator::Nat64(nat), Some((now, sec, frac))) = (&translator, last) {
        run_timers(nat, now, &mut host, &mut stats, &mut output, (sec, frac))
            .map_err(|e| out_err(&e))?;
        print_logs(&mut host);
    }
    output.into_inner().flush().map_err(|e| out_err(&e))?;
    verdicts
        .flush()
        .map_err(|e| Failure::new(format!("stdout: {e}")))?;
    Ok(stats)
}

/// Sends the `logging-bib` / `logging-session` lines collected so far to stderr.
fn print_logs(host: &mut StaticHost) {
    for line in host.logs.drain(..) {
        eprintln!("{line}");
    }
}

/// Runs the NAT64 timers at `now`, writing what they send with timestamp `ts`.
fn run_timers<W: Write>(
    nat: &Nat64,
    now: u64,
    host: &mut StaticHost,
    stats: &mut Stats,
    output: &mut PcapOutput<W>,
    ts: (u32, u32),
) -> Result<(), crate::pcap_io::PcapIoError> {
    let mut result = Ok(());
    nat.expire(now, host, stats, &mut |packet| {
        if result.is_ok() {
            result = output.write(ts.0, ts.1, packet);
        }
    });
    result
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
