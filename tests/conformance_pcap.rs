//! The RFC conformance vectors of `crates/core/tests/conformance/` run through the real
//! `jool-translate` binary: one input pcap (link type RAW) and one JSON atomic configuration
//! per (configuration, host) group; the stdout verdict lines and the output pcap records are
//! compared with the vectors' expectations.
//!
//! ```text
//!   vectors ─group by cfg+host─► cfg.json + in.pcap (record i: ts = i s) ─► jool-translate
//!   stdout "<i> <verdict> <JSTAT>" + out.pcap records (ts = input ts) ─► compare per vector
//! ```

#[path = "../crates/core/tests/conformance/builders.rs"]
mod builders;
#[path = "../crates/core/tests/conformance/vectors.rs"]
mod vectors;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::DataLink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use vectors::{Cfg, Expect, HostSpec, Vector};

const EPOCH: u64 = 1_700_000_000;

fn workdir(group: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("conformance_pcap")
        .join(format!("group{group}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("workdir");
    dir
}

fn write_pcap(path: &Path, packets: &[&[u8]]) {
    let header = PcapHeader {
        datalink: DataLink::RAW,
        ..PcapHeader::default()
    };
    let file = std::fs::File::create(path).expect("create pcap");
    let mut w = PcapWriter::with_header(file, header).expect("pcap header");
    for (i, p) in packets.iter().enumerate() {
        let ts = Duration::from_secs(EPOCH + i as u64);
        w.write_packet(&PcapPacket::new(ts, p.len() as u32, p))
            .expect("write record");
    }
}

/// The records of `path`, by input index (from the timestamp).
fn read_pcap(path: &Path) -> Result<Vec<(usize, Vec<u8>)>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut r = PcapReader::new(file).map_err(|e| e.to_string())?;
    if r.header().datalink != DataLink::RAW {
        return Err(format!("output link type {:?}", r.header().datalink));
    }
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        let p = p.map_err(|e| e.to_string())?;
        let index = p.timestamp.as_secs().saturating_sub(EPOCH) as usize;
        out.push((index, p.data.into_owned()));
    }
    Ok(out)
}

/// Runs one group; returns one message per failing vector.
fn run_group(n: usize, cfg: &Cfg, host: &HostSpec, group: &[&Vector]) -> Vec<String> {
    let dir = workdir(n);
    let cfg_path = dir.join("config.json");
    std::fs::write(&cfg_path, cfg.json()).expect("write config");
    let input = dir.join("in.pcap");
    let packets: Vec<&[u8]> = group.iter().map(|v| v.input.as_slice()).collect();
    write_pcap(&input, &packets);
    let out_pcap = dir.join("out.pcap");

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jool-translate"));
    cmd.arg("--siit").arg("--config").arg(&cfg_path);
    for a in host.local4.iter().chain(&host.local6) {
        cmd.arg("--local-address").arg(a);
    }
    cmd.arg("--mtu4").arg(host.mtu4.to_string());
    cmd.arg("--mtu6").arg(host.mtu6.to_string());
    if cfg.force {
        cmd.arg("--force");
    }
    cmd.arg(&input).arg(&out_pcap);
    let out = cmd.output().expect("run jool-translate");
    let names: Vec<&str> = group.iter().map(|v| v.name.as_str()).collect();
    if !out.status.success() {
        return vec![format!(
            "group {n} {names:?}: jool-translate failed ({:?}): {}\nconfig: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr),
            cfg.json()
        )];
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let records = match read_pcap(&out_pcap) {
        Ok(r) => r,
        Err(e) => return vec![format!("group {n} {names:?}: {e}")],
    };

    let mut failures = Vec::new();
    for (i, v) in group.iter().enumerate() {
        let mut errors = Vec::new();
        let want_line = format!("{} {} {}", i + 1, v.expect.word(), v.expect.jstat());
        match lines.get(i) {
            Some(l) if *l == want_line => {}
            got => errors.push(format!("stdout: got {got:?} want {want_line:?}")),
        }
        let mine: Vec<&Vec<u8>> = records
            .iter()
            .filter(|(idx, _)| *idx == i)
            .map(|(_, b)| b)
            .collect();
        let mut want: Vec<(&str, &Vec<u8>, &Vec<usize>)> = Vec::new();
        if let (Expect::Translated, Some(o)) = (v.expect, &v.output) {
            want.push(("output", o, &v.ignore));
        }
        if let Some(r) = &v.reply {
            want.push(("ICMP error", r, &v.reply_ignore));
        }
        if mine.len() != want.len() {
            errors.push(format!(
                "{} output records, want {}: {:?}",
                mine.len(),
                want.len(),
                mine.iter().map(|b| builders::hex(b)).collect::<Vec<_>>()
            ));
        } else {
            for (got, (what, w, ignore)) in mine.iter().zip(want) {
                if let Err(e) = builders::compare(what, got, w, ignore) {
                    errors.push(e);
                }
            }
        }
        if !errors.is_empty() {
            failures.push(format!(
                "{} ({}: {})\n  {}",
                v.name,
                v.rfc,
                v.sentence,
                errors.join("\n  ")
            ));
        }
    }
    if lines.len() != group.len() {
        failures.push(format!(
            "group {n}: {} stdout lines for {} inputs",
            lines.len(),
            group.len()
        ));
    }
    failures
}

#[test]
fn conformance_vectors_pass_through_jool_translate() {
    let all = vectors::all();
    let mut groups: Vec<(&Cfg, &HostSpec, Vec<&Vector>)> = Vec::new();
    for v in &all {
        match groups
            .iter_mut()
            .find(|(c, h, _)| **c == v.cfg && **h == v.host)
        {
            Some((_, _, g)) => g.push(v),
            None => groups.push((&v.cfg, &v.host, vec![v])),
        }
    }
    let mut failures = Vec::new();
    for (n, (cfg, host, group)) in groups.iter().enumerate() {
        failures.extend(run_group(n, cfg, host, group));
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed through jool-translate:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
