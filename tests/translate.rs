//! `jool-translate` end to end: pcaps crafted here, the real binary run on them.

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::DataLink;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const SIIT_CONFIG: &str = r#"{
    "comment": "pool6 plus one EAM for the IPv6 hosts",
    "global": { "pool6": "64:ff9b::/96" },
    "eamt": [ { "ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "198.51.100.0/24" } ]
}"#;

const V6_HOST: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 5);
const V6_HOST_AS_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 5);
const V4_HOST: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
/// 64:ff9b::192.0.2.1
const V4_HOST_AS_V6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0201);

// ---- packet building (checksums computed here, independently of jool-wire) ----

fn sum16(data: &[u8]) -> u32 {
    data.chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum()
}

fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

fn checksum(parts: &[&[u8]]) -> u16 {
    !fold(parts.iter().map(|p| sum16(p)).sum())
}

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, ttl: u8, proto: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, ttl, proto, 0, 0]); // ID 0x1234, DF
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum(&[&p]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, hop_limit: u8, next: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[next, hop_limit]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(payload);
    p
}

fn pseudo6(src: Ipv6Addr, dst: Ipv6Addr, len: usize, next: u8) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&src.octets());
    h.extend_from_slice(&dst.octets());
    h.extend_from_slice(&(len as u32).to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, next]);
    h
}

/// ICMP echo (either version): type, code 0, id 0x4242, seq 7, "jool".
fn echo(kind: u8) -> Vec<u8> {
    vec![kind, 0, 0, 0, 0x42, 0x42, 0, 7, b'j', b'o', b'o', b'l']
}

fn echo_request4(src: Ipv4Addr, dst: Ipv4Addr, ttl: u8) -> Vec<u8> {
    let mut icmp = echo(8);
    let c = checksum(&[&icmp]);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
    ipv4(src, dst, ttl, 1, &icmp)
}

fn echo_request6(src: Ipv6Addr, dst: Ipv6Addr, hop_limit: u8) -> Vec<u8> {
    let mut icmp = echo(128);
    let c = checksum(&[&pseudo6(src, dst, icmp.len(), 58), &icmp]);
    icmp[2..4].copy_from_slice(&c.to_be_bytes());
    ipv6(src, dst, hop_limit, 58, &icmp)
}

fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    while f.len() < 60 {
        f.push(0); // Ethernet minimum frame size: padding the kernel trims.
    }
    f
}

// ---- files and the binary ----

fn workdir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("jool-translate")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn timestamp(i: usize) -> Duration {
    Duration::new(1_700_000_000 + i as u64, 250_000 * 1000)
}

fn write_pcap(path: &Path, datalink: DataLink, packets: &[Vec<u8>]) {
    let header = PcapHeader {
        datalink,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(std::fs::File::create(path).unwrap(), header).unwrap();
    for (i, p) in packets.iter().enumerate() {
        w.write_packet(&PcapPacket::new(timestamp(i), p.len() as u32, p))
            .unwrap();
    }
}

fn read_pcap(path: &Path) -> (DataLink, Vec<(Duration, Vec<u8>)>) {
    let mut r = PcapReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let link = r.header().datalink;
    let mut packets = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        packets.push((p.timestamp, p.data.into_owned()));
    }
    (link, packets)
}

fn jool_translate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jool-translate"))
        .args(args)
        .output()
        .unwrap()
}

struct Run {
    output: Output,
    out_pcap: PathBuf,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8(self.output.stdout.clone()).unwrap()
    }
    fn stderr(&self) -> String {
        String::from_utf8(self.output.stderr.clone()).unwrap()
    }
    fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
}

/// Writes the config and the input pcap, runs `jool-translate --siit`.
fn run_siit(
    test: &str,
    config: &str,
    datalink: DataLink,
    packets: &[Vec<u8>],
    extra: &[&str],
) -> Run {
    let dir = workdir(test);
    let cfg = dir.join("config.json");
    std::fs::write(&cfg, config).unwrap();
    let input = dir.join("in.pcap");
    write_pcap(&input, datalink, packets);
    let out_pcap = dir.join("out.pcap");
    let mut args = vec!["--siit", "--config", cfg.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    args.push(out_pcap.to_str().unwrap());
    Run {
        output: jool_translate(&args),
        out_pcap,
    }
}

fn assert_ipv4_header_checksum(p: &[u8]) {
    let ihl = usize::from(p[0] & 0xf) * 4;
    assert_eq!(fold(sum16(&p[..ihl])), 0xffff, "IPv4 header checksum");
}

// ---- translation ----

#[test]
fn translates_echo_request_6to4() {
    let run = run_siit(
        "6to4",
        SIIT_CONFIG,
        DataLink::RAW,
        &[echo_request6(V6_HOST, V4_HOST_AS_V6, 64)],
        &[],
    );
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    assert_eq!(run.stdout(), "1 translated JSTAT_SUCCESS\n");
    let (link, out) = read_pcap(&run.out_pcap);
    assert_eq!(link, DataLink::RAW);
    assert_eq!(out.len(), 1);
    let (ts, p) = &out[0];
    assert_eq!(*ts, timestamp(0));
    assert_eq!(p.len(), 20 + 12);
    assert_eq!(p[0], 0x45);
    assert_eq!(u16::from_be_bytes([p[2], p[3]]), 32, "total length");
    assert_eq!(p[8], 63, "TTL = hop limit - 1");
    assert_eq!(p[9], 1, "protocol ICMP");
    assert_eq!(&p[12..16], &V6_HOST_AS_V4.octets());
    assert_eq!(&p[16..20], &V4_HOST.octets());
    assert_ipv4_header_checksum(p);
    let icmp = &p[20..];
    assert_eq!(icmp[0..2], [8, 0], "echo request");
    assert_eq!(
        icmp[4..],
        echo(8)[4..],
        "identifier, sequence and data kept"
    );
    assert_eq!(fold(sum16(icmp)), 0xffff, "ICMPv4 checksum");
}

#[test]
fn translates_echo_request_4to6() {
    let run = run_siit(
        "4to6",
        SIIT_CONFIG,
        DataLink::RAW,
        &[echo_request4(V4_HOST, V6_HOST_AS_V4, 64)],
        &[],
    );
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    assert_eq!(run.stdout(), "1 translated JSTAT_SUCCESS\n");
    let (_, out) = read_pcap(&run.out_pcap);
    assert_eq!(out.len(), 1);
    let p = &out[0].1;
    assert_eq!(p.len(), 40 + 12, "DF set: no fragment header");
    assert_eq!(p[0] >> 4, 6);
    assert_eq!(u16::from_be_bytes([p[4], p[5]]), 12, "payload length");
    assert_eq!(p[6], 58, "next header ICMPv6");
    assert_eq!(p[7], 63, "hop limit = TTL - 1");
    assert_eq!(&p[8..24], &V4_HOST_AS_V6.octets());
    assert_eq!(&p[24..40], &V6_HOST.octets());
    let icmp = &p[40..];
    assert_eq!(icmp[0..2], [128, 0], "echo request");
    assert_eq!(icmp[4..], echo(128)[4..]);
    let pseudo = pseudo6(V4_HOST_AS_V6, V6_HOST, icmp.len(), 58);
    assert_eq!(
        fold(sum16(&pseudo) + sum16(icmp)),
        0xffff,
        "ICMPv6 checksum"
    );
}

#[test]
fn reports_destination_outside_pool6_as_untranslatable() {
    let outside = Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 1);
    let packets = [
        echo_request6(V6_HOST, outside, 64),
        echo_request6(V6_HOST, V4_HOST_AS_V6, 64),
    ];
    let run = run_siit("untranslatable", SIIT_CONFIG, DataLink::RAW, &packets, &[]);
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    let stdout = run.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    // Jool counts an IPv6 destination that neither pool6 nor the EAMT translates in JSTAT64_DST.
    assert_eq!(lines[0], "1 untranslatable JSTAT64_DST");
    assert_eq!(lines[1], "2 translated JSTAT_SUCCESS");
    let (_, out) = read_pcap(&run.out_pcap);
    assert_eq!(out.len(), 1, "only the translated packet is written");
    assert_eq!(out[0].0, timestamp(1), "timestamp of its input record");
}

#[test]
fn writes_the_icmp_error_the_translator_originates() {
    let run = run_siit(
        "icmp-error",
        SIIT_CONFIG,
        DataLink::RAW,
        &[echo_request4(V4_HOST, V6_HOST_AS_V4, 1)],
        &[
            "--local-address",
            "192.0.2.254",
            "--local-address",
            "2001:db8:ffff::1",
        ],
    );
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    assert_eq!(run.stdout(), "1 dropped JSTAT46_TTL\n");
    let (_, out) = read_pcap(&run.out_pcap);
    assert_eq!(out.len(), 1, "the Time Exceeded error");
    let p = &out[0].1;
    assert_eq!(p[0] >> 4, 4);
    assert_eq!(p[9], 1);
    assert_eq!(
        &p[12..16],
        &[192, 0, 2, 254],
        "from the translator's own address"
    );
    assert_eq!(&p[16..20], &V4_HOST.octets());
    assert_ipv4_header_checksum(p);
    let ihl = usize::from(p[0] & 0xf) * 4;
    assert_eq!(p[ihl..ihl + 2], [11, 0], "Time Exceeded in transit");
    assert_eq!(fold(sum16(&p[ihl..])), 0xffff, "ICMPv4 checksum");
}

// ---- link types ----

#[test]
fn reads_ethernet_captures() {
    let frames = [
        ethernet(0x0800, &echo_request4(V4_HOST, V6_HOST_AS_V4, 64)), // padded to 60 bytes
        ethernet(0x0806, &[0; 28]),                                   // ARP
        ethernet(0x86dd, &echo_request6(V6_HOST, V4_HOST_AS_V6, 64)),
        vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0], // cut inside the header
    ];
    let run = run_siit("ethernet", SIIT_CONFIG, DataLink::ETHERNET, &frames, &[]);
    assert_eq!(run.code(), Some(0), "stderr: {}", run.stderr());
    assert_eq!(
        run.stdout(),
        "1 translated JSTAT_SUCCESS\n2 untranslatable JSTAT_L3HDR_OFFSET\n3 translated JSTAT_SUCCESS\n4 dropped JSTAT_SKB_TRUNCATED\n"
    );
    let (link, out) = read_pcap(&run.out_pcap);
    assert_eq!(link, DataLink::RAW);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].1.len(), 40 + 12, "Ethernet padding not translated");
    assert_eq!(out[1].1.len(), 20 + 12);
}

#[test]
fn rejects_unsupported_link_type() {
    let run = run_siit(
        "bad-link",
        SIIT_CONFIG,
        DataLink::PPP,
        &[vec![0xff, 0x03, 0, 0x21]],
        &[],
    );
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().starts_with("Error: "), "{}", run.stderr());
    assert!(
        run.stderr().contains("unsupported link type 9"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stdout(), "");
}

#[test]
fn rejects_input_that_is_not_pcap() {
    let dir = workdir("not-pcap");
    let cfg = dir.join("c.json");
    std::fs::write(&cfg, SIIT_CONFIG).unwrap();
    let input = dir.join("in.pcap");
    std::fs::write(&input, b"this is not a capture at all").unwrap();
    let out = dir.join("out.pcap");
    let o = jool_translate(&[
        "--siit",
        "--config",
        cfg.to_str().unwrap(),
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.starts_with("Error: ") && stderr.contains("not a pcap file"),
        "{stderr}"
    );
}

#[test]
fn reports_a_truncated_record_after_the_good_ones() {
    let dir = workdir("truncated-record");
    let cfg = dir.join("c.json");
    std::fs::write(&cfg, SIIT_CONFIG).unwrap();
    let input = dir.join("in.pcap");
    write_pcap(
        &input,
        DataLink::RAW,
        &[
            echo_request6(V6_HOST, V4_HOST_AS_V6, 64),
            echo_request6(V6_HOST, V4_HOST_AS_V6, 64),
        ],
    );
    let bytes = std::fs::read(&input).unwrap();
    std::fs::write(&input, &bytes[..bytes.len() - 10]).unwrap();
    let out = dir.join("out.pcap");
    let o = jool_translate(&[
        "--siit",
        "--config",
        cfg.to_str().unwrap(),
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "1 translated JSTAT_SUCCESS\n"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("record 2"), "{stderr}");
}

// ---- configuration and modes ----

#[test]
fn rejects_bad_json_config_with_jools_message() {
    let run = run_siit(
        "bad-json",
        r#"{"global": {"pool6": "64:ff9b::/96"}, "pool4": []}"#,
        DataLink::RAW,
        &[],
        &[],
    );
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stderr(), "Error: Unknown tag: 'pool4'\n");
    assert_eq!(run.stdout(), "");
    let run = run_siit(
        "bad-json-syntax",
        "{\"global\": {\"pool6\" 5}}",
        DataLink::RAW,
        &[],
        &[],
    );
    assert_eq!(run.code(), Some(1));
    assert_eq!(
        run.stderr(),
        "Error: The JSON parser got confused around the beginning of this string:\n5}}\n"
    );
}

#[test]
fn runs_nat64_after_checking_its_config() {
    let dir = workdir("nat64");
    let input = dir.join("in.pcap");
    write_pcap(&input, DataLink::RAW, &[]);
    let out = dir.join("out.pcap");
    let cfg = dir.join("good.json");
    std::fs::write(&cfg, r#"{"global": {"pool6": "64:ff9b::/96"}, "pool4": [{"protocol": "TCP", "prefix": "192.0.2.1"}]}"#).unwrap();
    let o = jool_translate(&[
        "--nat64",
        "--config",
        cfg.to_str().unwrap(),
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "NAT64 runs (see tests/translate_nat64.rs)"
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"eamt": []}"#).unwrap();
    let o = jool_translate(&[
        "--nat64",
        "--config",
        bad.to_str().unwrap(),
        input.to_str().unwrap(),
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Error: Unknown tag: 'eamt'\n"
    );
}

#[test]
fn requires_exactly_one_translator_type() {
    let o = jool_translate(&["--config", "x.json", "in.pcap", "out.pcap"]);
    assert_eq!(o.status.code(), Some(2), "clap usage error");
    let o = jool_translate(&[
        "--siit", "--nat64", "--config", "x.json", "in.pcap", "out.pcap",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn prints_help_and_version() {
    let o = jool_translate(&["--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    for word in [
        "--siit",
        "--nat64",
        "--config",
        "--local-address",
        "--mtu4",
        "--mtu6",
        "INPUT.pcap",
        "OUTPUT.pcap",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let o = jool_translate(&["--version"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("jool-translate "));
}
