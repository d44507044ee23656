//! `jool-translate --nat64`: state across the packets of one run, the capture's timestamps as
//! the clock, static BIB entries from the JSON, timer-driven packets in time order.

use jool_wire::checksum;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::DataLink;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const CLIENT: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 8);
const SERVER: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 5);
const SERVER6: Ipv6Addr = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0xcb00, 0x7105);
const MASK: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
/// 2023-11-14 22:13:20 UTC.
const T0: u64 = 1_700_000_000;

/// One identifier / port per protocol, so masks are predictable.
const CONFIG: &str = r#"{
    "global": { "pool6": "64:ff9b::/96", "logging-bib": true },
    "pool4": [
        { "protocol": "ICMP", "prefix": "192.0.2.1", "port range": "1000-1000" },
        { "protocol": "UDP", "prefix": "192.0.2.1", "port range": "1000-1000" },
        { "protocol": "TCP", "prefix": "192.0.2.1", "port range": "80-81" }
    ],
    "bib": [ { "protocol": "TCP", "ipv6 address": "2001:db8::5#8080", "ipv4 address": "192.0.2.1#80" } ]
}"#;

fn workdir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("jool-translate-nat64")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ipv6(src: Ipv6Addr, dst: Ipv6Addr, nh: u8, mut seg: Vec<u8>, csum_at: usize) -> Vec<u8> {
    let s = checksum::combine(
        checksum::pseudo_v6(src, dst, nh, seg.len() as u32),
        checksum::sum(&seg),
    );
    seg[csum_at..csum_at + 2].copy_from_slice(&checksum::finish(s).to_be_bytes());
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(seg.len() as u16).to_be_bytes());
    p.extend_from_slice(&[nh, 64]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&seg);
    p
}

fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, mut seg: Vec<u8>, csum_at: usize) -> Vec<u8> {
    let pseudo = match proto {
        1 => 0,
        _ => checksum::pseudo_v4(src, dst, proto, seg.len() as u32),
    };
    let s = checksum::combine(pseudo, checksum::sum(&seg));
    seg[csum_at..csum_at + 2].copy_from_slice(&checksum::finish(s).to_be_bytes());
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + seg.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    let c = checksum::finish(checksum::sum(&p));
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(&seg);
    p
}

fn udp(sp: u16, dp: u16) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sp.to_be_bytes());
    s.extend_from_slice(&dp.to_be_bytes());
    s.extend_from_slice(&[0, 12, 0, 0, b'j', b'o', b'o', b'l']);
    s
}

fn tcp_syn(sp: u16, dp: u16) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sp.to_be_bytes());
    s.extend_from_slice(&dp.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0]);
    s
}

fn echo(ty: u8, id: u16) -> Vec<u8> {
    let i = id.to_be_bytes();
    vec![ty, 0, 0, 0, i[0], i[1], 0, 1, b'p', b'i', b'n', b'g']
}

fn write_pcap(path: &Path, packets: &[(u64, Vec<u8>)]) {
    let header = PcapHeader {
        datalink: DataLink::RAW,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(std::fs::File::create(path).unwrap(), header).unwrap();
    for (secs, p) in packets {
        let ts = Duration::from_secs(T0 + secs);
        w.write_packet(&PcapPacket::new(ts, p.len() as u32, p))
            .unwrap();
    }
}

fn read_pcap(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let mut r = PcapReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.unwrap();
        v.push((p.timestamp.as_secs() - T0, p.data.into_owned()));
    }
    v
}

/// Runs `--nat64` over `packets`; returns (process output, output pcap).
fn run(test: &str, packets: &[(u64, Vec<u8>)], extra: &[&str]) -> (Output, Vec<(u64, Vec<u8>)>) {
    let dir = workdir(test);
    let (cfg, input, out) = (
        dir.join("c.json"),
        dir.join("in.pcap"),
        dir.join("out.pcap"),
    );
    std::fs::write(&cfg, CONFIG).unwrap();
    write_pcap(&input, packets);
    let mut args = vec!["--nat64", "--config", cfg.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[input.to_str().unwrap(), out.to_str().unwrap()]);
    let o = Command::new(env!("CARGO_BIN_EXE_jool-translate"))
        .args(&args)
        .output()
        .unwrap();
    let pcap = if o.status.success() {
        read_pcap(&out)
    } else {
        Vec::new()
    };
    (o, pcap)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn keeps_state_across_packets_and_expires_it_with_capture_time() {
    let packets = vec![
        (0, ipv6(CLIENT, SERVER6, 58, echo(128, 0x4242), 2)),
        (1, ipv4(SERVER, MASK, 1, echo(0, 1000), 2)),
        (2, ipv6(CLIENT, SERVER6, 17, udp(40000, 53), 6)),
        (3, ipv4(SERVER, MASK, 17, udp(53, 1000), 6)),
        // Six minutes later: udp-timeout (5 min) has expired the session and its BIB entry.
        (363, ipv4(SERVER, MASK, 17, udp(53, 1000), 6)),
    ];
    let (o, out) = run("expiry", &packets, &["--stats"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        stdout(&o),
        "1 translated JSTAT_SUCCESS\n2 translated JSTAT_SUCCESS\n3 translated JSTAT_SUCCESS\n\
         4 translated JSTAT_SUCCESS\n5 untranslatable JSTAT_BIB4_NOT_FOUND\n"
    );
    assert_eq!(out.len(), 4);
    let (t, echo4) = &out[0];
    assert_eq!((*t, &echo4[12..16], echo4[20]), (0, &MASK.octets()[..], 8));
    assert_eq!(
        &echo4[24..26],
        &1000u16.to_be_bytes(),
        "the pool4 identifier"
    );
    let (t, reply6) = &out[1];
    assert_eq!(
        (*t, &reply6[24..40], reply6[40]),
        (1, &CLIENT.octets()[..], 129)
    );
    assert_eq!(&reply6[44..46], &[0x42, 0x42]);
    let (_, udp4) = &out[2];
    assert_eq!(&udp4[20..22], &1000u16.to_be_bytes());
    let (_, udp6) = &out[3];
    assert_eq!(&udp6[42..44], &40000u16.to_be_bytes());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "default 2023/11/14 22:13:22 (GMT) - Mapped 2001:db8::8#40000 to 192.0.2.1#1000 (UDP)\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(" - Forgot 2001:db8::8#40000 to 192.0.2.1#1000 (UDP)\n"));
    assert!(
        !stderr.contains("JSTAT_SESSIONS:"),
        "the gauge is back to 0"
    );
    assert!(stderr.contains("JSTAT_BIB4_NOT_FOUND: 1"));
}

#[test]
fn forwards_ipv4_tcp_syn_through_a_static_bib_entry() {
    let packets = vec![(0, ipv4(SERVER, MASK, 6, tcp_syn(40000, 80), 16))];
    let (o, out) = run("static-bib", &packets, &[]);
    assert_eq!(stdout(&o), "1 translated JSTAT_SUCCESS\n");
    let p = &out[0].1;
    assert_eq!(&p[8..24], &SERVER6.octets());
    assert_eq!(
        &p[24..40],
        &"2001:db8::5".parse::<Ipv6Addr>().unwrap().octets()
    );
    assert_eq!(
        (&p[40..42], &p[42..44]),
        (&40000u16.to_be_bytes()[..], &8080u16.to_be_bytes()[..])
    );
    let sum = checksum::combine(
        checksum::pseudo_v6(SERVER6, "2001:db8::5".parse().unwrap(), 6, 20),
        checksum::sum(&p[40..]),
    );
    assert!(checksum::verify(sum));
}

#[test]
fn writes_timer_packets_in_time_order() {
    let packets = vec![
        (0, ipv4(SERVER, MASK, 6, tcp_syn(40000, 81), 16)),
        (10, ipv6(CLIENT, SERVER6, 17, udp(40000, 53), 6)),
    ];
    let (o, out) = run("so", &packets, &["--local-address", "192.0.2.1"]);
    assert_eq!(
        stdout(&o),
        "1 stolen JSTAT_TYPE1PKT\n2 translated JSTAT_SUCCESS\n"
    );
    assert_eq!(out.len(), 2);
    let (t, icmp) = &out[0];
    assert_eq!(
        (*t, icmp[9], icmp[20], icmp[21]),
        (10, 1, 3, 3),
        "3/3 for the stored SYN first"
    );
    assert_eq!(&icmp[16..20], &SERVER.octets());
    assert_eq!(out[1].1[9], 17);
}

#[test]
fn refuses_nat64_config_without_pool6() {
    let dir = workdir("nopool6");
    let (cfg, input) = (dir.join("c.json"), dir.join("in.pcap"));
    std::fs::write(&cfg, "{}").unwrap();
    write_pcap(&input, &[]);
    let o = Command::new(env!("CARGO_BIN_EXE_jool-translate"))
        .args([
            "--nat64",
            "--config",
            cfg.to_str().unwrap(),
            input.to_str().unwrap(),
        ])
        .arg(dir.join("out.pcap"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Error: pool6 is mandatory in NAT64 instances.\n"
    );
}
