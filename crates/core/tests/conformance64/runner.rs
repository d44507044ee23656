//! Runs a scenario against one fresh `Nat64` instance: packets through `Nat64::handle`, timers
//! through `Nat64::expire`, on the scenario's virtual clock.

use std::net::Ipv4Addr;

use jool_core::config::XlatorType;
use jool_core::globals::{self, Globals};
use jool_core::nat64::{L4Proto, Pool4, PortRange, Taddr4, Taddr6};
use jool_core::{Jstat, Nat64, Nat64Config, PacketBuf, StaticHost, Stats, Verdict};

use crate::builders::{self, a4, a6};
use crate::vectors::{self, Action, Cfg, Expect, PacketStep, Scenario, Vars};

fn proto(p: &str) -> L4Proto {
    match p {
        "tcp" => L4Proto::Tcp,
        "udp" => L4Proto::Udp,
        "icmp" => L4Proto::Icmp,
        other => panic!("protocol {other}"),
    }
}

/// Applies `key = value` like `global update` on a NAT64 instance.
fn set_global(g: &mut Globals, key: &str, value: &str) -> Result<(), String> {
    let def = globals::find(key, XlatorType::Nat64).ok_or(format!("unknown key {key}"))?;
    let v = def.parse(value).map_err(|e| e.to_string())?;
    def.set(g, v, false).map_err(|e| e.to_string())
}

/// The instance a configuration describes.
pub fn instance(cfg: &Cfg) -> Nat64 {
    let mut g = Globals::default();
    for (k, v) in &cfg.globals {
        set_global(&mut g, k, v).unwrap_or_else(|e| panic!("{k}={v}: {e}"));
    }
    let mut pool4 = Pool4::new();
    for (mark, p, prefix, lo, hi) in &cfg.pool4 {
        pool4
            .add(
                *mark,
                proto(p),
                prefix.parse().expect("pool4 prefix"),
                PortRange::new(*lo, *hi),
                None,
            )
            .unwrap_or_else(|e| panic!("pool4 {p} {prefix}: {e:?}"));
    }
    let mut c = Nat64Config::new(g, pool4, [0x5a; 16]);
    c.shards = 4;
    let nat = Nat64::new(c).expect("instance");
    nat.set_own_addresses(cfg.own4.iter().map(|a| a4(a)).collect::<Vec<Ipv4Addr>>());
    for (p, x6, p6, x4, p4) in &cfg.statics {
        nat.bib_add_static(proto(p), Taddr6::new(a6(x6), *p6), Taddr4::new(a4(x4), *p4))
            .unwrap_or_else(|e| panic!("bib add {x6}#{p6} {x4}#{p4}: {e:?}"));
    }
    nat
}

/// The graybox translator host: 192.0.2.2 and 2001:db8::1, MTU 1500 both sides.
fn host() -> StaticHost {
    StaticHost {
        local4: vec![a4(vectors::T4)],
        local6: vec![a6(vectors::J6)],
        ..StaticHost::default()
    }
}

fn packet(
    nat: &Nat64,
    host: &mut StaticHost,
    stats: &mut Stats,
    vars: &mut Vars,
    at: u64,
    p: &PacketStep,
) -> Result<(), String> {
    let input = (p.input)(vars);
    let mut pkt = PacketBuf::new();
    pkt.load(&input);
    let mut reply = PacketBuf::new();
    let verdict = nat.handle(at, host, stats, p.mark, &mut pkt, &mut reply);
    let mut errors = Vec::new();
    let got = (verdict.word(), verdict.stat().name());
    if got != (p.expect.word(), p.expect.jstat()) {
        errors.push(format!(
            "verdict: got {} {} want {} {}",
            got.0,
            got.1,
            p.expect.word(),
            p.expect.jstat()
        ));
    }
    match p.expect {
        Expect::Translated if matches!(verdict, Verdict::Translated) => {
            for l in &p.learn {
                let b = pkt.bytes();
                let Some(raw) = b.get(l.offset..l.offset + l.width) else {
                    errors.push(format!("cannot learn {} at {}", l.var, l.offset));
                    continue;
                };
                let v = raw.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x));
                if !(l.lo..=l.hi).contains(&v) {
                    errors.push(format!("{} = {v}: outside {}..={}", l.var, l.lo, l.hi));
                }
                vars.0.insert(l.var, v);
            }
            if let Some(want) = &p.output {
                if let Err(e) = builders::compare("output", pkt.bytes(), &want(vars), &p.ignore) {
                    errors.push(e);
                }
            }
        }
        Expect::Untranslatable(_) if pkt.bytes() != input.as_slice() => {
            errors.push("untranslatable packet was modified".into());
        }
        _ => {}
    }
    match &p.reply {
        Some(want) => {
            if let Err(e) =
                builders::compare("ICMP error", reply.bytes(), &want(vars), &p.reply_ignore)
            {
                errors.push(e);
            }
        }
        None if !reply.is_empty() => errors.push(format!(
            "unexpected ICMP error: {}",
            builders::hex(reply.bytes())
        )),
        None => {}
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "input {}\n  {}",
            builders::hex(&input),
            errors.join("\n  ")
        )),
    }
}

/// Runs one scenario; `Err` describes the first failing step.
pub fn run(s: &Scenario) -> Result<(), String> {
    let nat = instance(&s.cfg);
    let mut host = host();
    let mut stats = Stats::default();
    let mut vars = Vars::default();
    for (i, step) in s.steps.iter().enumerate() {
        let r = match &step.action {
            Action::Packet(p) => packet(&nat, &mut host, &mut stats, &mut vars, step.at, p),
            Action::Expire(want) => {
                let mut got: Vec<Vec<u8>> = Vec::new();
                nat.expire(step.at, &mut host, &mut stats, &mut |b| {
                    got.push(b.to_vec())
                });
                if got.len() != want.len() {
                    Err(format!(
                        "timers emitted {} packets, want {}: {:?}",
                        got.len(),
                        want.len(),
                        got.iter().map(|b| builders::hex(b)).collect::<Vec<_>>()
                    ))
                } else {
                    got.iter()
                        .zip(want)
                        .enumerate()
                        .try_for_each(|(k, (g, (w, ign)))| {
                            builders::compare(&format!("emitted packet {k}"), g, &w(&vars), ign)
                        })
                }
            }
            Action::Gauges { bib, sessions } => {
                nat.db().fill_gauges(&mut stats);
                let got = (stats.get(Jstat::BibEntries), stats.get(Jstat::Sessions));
                match got == (*bib, *sessions) {
                    true => Ok(()),
                    false => Err(format!(
                        "gauges: got {} BIB entries, {} sessions; want {bib}, {sessions}",
                        got.0, got.1
                    )),
                }
            }
            Action::TcpStates(want) => {
                let got: Vec<&str> = nat
                    .sessions(L4Proto::Tcp)
                    .iter()
                    .map(|s| s.state.map_or("-", |t| t.as_str()))
                    .collect();
                match got == *want {
                    true => Ok(()),
                    false => Err(format!("TCP states: got {got:?} want {want:?}")),
                }
            }
            Action::Global(key, value, ok) => {
                let mut g = nat.globals();
                let r = set_global(&mut g, key, value).and_then(|()| nat.set_globals(g));
                match (r, ok) {
                    (Ok(()), true) | (Err(_), false) => Ok(()),
                    (Ok(()), false) => Err(format!("global {key}={value} accepted")),
                    (Err(e), true) => Err(format!("global {key}={value} refused: {e}")),
                }
            }
            Action::Check(what, f) => match f(&vars) {
                true => Ok(()),
                false => Err(format!("{what} does not hold: {:?}", vars.0)),
            },
        };
        if let Err(e) = r {
            return Err(format!(
                "{} ({}: {})\n  step {i} at {} ms: {e}",
                s.name, s.rfc, s.sentence, step.at
            ));
        }
    }
    Ok(())
}
