//! NAT64 tables: `pool4` (spec §2.7), `bib` (§2.8), `session` (§2.9), and the NAT64 part of
//! `file handle` (§4.2).

use super::{dto, l4, parse_prefix4, parse_taddr4, parse_taddr6, OpEnv, Outcome};
use crate::error::{OpError, EEXIST, EINVAL, ESRCH};
use crate::instance::{random_secret, Instance};
use jool_core::nat64::pool4::check_ephemeral;
use jool_core::nat64::{
    BibError, Events, L4Proto, MaxIterations, Pool4, PortRange, Taddr4, Taddr6,
};
use jool_core::{Ipv4Prefix, Nat64, Nat64Config};
use jool_ctl::json::{self, AtomicConfig};
use jool_ctl::proto::{BibRow, MaxIterDto, Pool4Row, ProtoDto, Response, SessionRow};
use std::io;
use std::net::Ipv4Addr;

fn bib_error(e: BibError) -> OpError {
    let errno = match e {
        BibError::Collision(..) => EEXIST,
        BibError::NotFound => ESRCH,
        BibError::NotInPool4(_) => EINVAL,
    };
    OpError::new(errno, e.to_string())
}

fn max_iter(m: MaxIterDto) -> MaxIterations {
    match m {
        MaxIterDto::Auto => MaxIterations::Auto,
        MaxIterDto::Infinity => MaxIterations::Infinity,
        MaxIterDto::Fixed(n) => MaxIterations::Fixed(n),
    }
}

/// One pool4 addition: (mark, protocol, prefix, ports, max-iterations if given).
type Pool4Entry = (u32, L4Proto, Ipv4Prefix, PortRange, Option<MaxIterations>);

/// The kernel-side checks of a pool4 addition: no host bits, and (unless `force`) a TCP/UDP
/// range outside the namespace's ephemeral range (Jool 4.1.15).
fn check_pool4_entry(
    e: &Pool4Entry,
    ephemeral: &dyn Fn() -> io::Result<(u16, u16)>,
    force: bool,
) -> Result<(), OpError> {
    let (_, proto, prefix, ports, max_iterations) = *e;
    jool_core::addr::validate_no_host_bits4(&prefix).map_err(OpError::inval)?;
    if max_iterations == Some(MaxIterations::Fixed(0)) {
        // Jool's kernel message (`max_iterations_validate`).
        return Err(OpError::inval("Zero is not a legal Max Iterations value."));
    }
    if !force && proto.has_ports() {
        let (lo, hi) = ephemeral()
            .map_err(|e| OpError::io("Cannot read the namespace's ephemeral port range", &e))?;
        check_ephemeral(proto, ports, PortRange::new(lo, hi)).map_err(|m| {
            OpError::inval(format!(
                "{m}\nWill cancel the operation. Use --force to override this."
            ))
        })?;
    }
    Ok(())
}

/// Arguments of `pool4 add`.
pub struct Pool4AddArgs<'a> {
    /// Protocol.
    pub proto: ProtoDto,
    /// Prefix as typed.
    pub prefix: &'a str,
    /// Ports.
    pub ports: (u16, u16),
    /// Mark.
    pub mark: u32,
    /// `--max-iterations`.
    pub max_iterations: Option<MaxIterDto>,
    /// `--force`.
    pub force: bool,
}

/// `pool4 display`: one row per (set, address, range), the sets by descending mark. Jool
/// walks its mark tree from `rb_first`, and its tree keeps larger marks to the left (its
/// `cmp_mark` is `(int)key - (int)node`, and a negative comparison descends right), so its
/// documentation shows mark 2, then 1, then 0. The marks compare as `int`, as there.
pub fn pool4_display(inst: &Instance, proto: ProtoDto) -> Result<Response, OpError> {
    let nat = inst.nat64()?;
    let mut sets = nat.pool4_display(Some(l4(proto)));
    sets.sort_by_key(|s| std::cmp::Reverse(s.mark as i32));
    let mut rows = Vec::new();
    for set in sets {
        for r in &set.rows {
            rows.push(Pool4Row {
                mark: set.mark,
                proto: dto(set.proto),
                iterations: set
                    .effective_iterations
                    .map(|i| u32::try_from(i).unwrap_or(u32::MAX)),
                iterations_fixed: set.max_iterations != MaxIterations::Auto,
                addr: r.addr,
                ports: (r.ports.min, r.ports.max),
            });
        }
    }
    Ok(Response::Pool4(rows))
}

/// `pool4 add`.
pub fn pool4_add(
    inst: &Instance,
    env: &OpEnv<'_>,
    a: Pool4AddArgs<'_>,
) -> Result<Outcome, OpError> {
    let e: Pool4Entry = (
        a.mark,
        l4(a.proto),
        parse_prefix4(a.prefix)?,
        PortRange::new(a.ports.0, a.ports.1),
        a.max_iterations.map(max_iter),
    );
    check_pool4_entry(&e, env.ephemeral, a.force)?;
    inst.update_nat64(|nat| {
        nat.pool4_add(e.0, e.1, e.2, e.3, e.4)
            .map_err(|err| OpError::inval(err.to_string()))
    })?;
    Outcome::changed()
}

/// `pool4 remove`: without `--quick`, the BIB entries and sessions in the removed ranges go too.
pub fn pool4_remove(
    inst: &Instance,
    proto: ProtoDto,
    prefix: &str,
    ports: (u16, u16),
    mark: u32,
    quick: bool,
) -> Result<Outcome, OpError> {
    let prefix = parse_prefix4(prefix)?;
    let mut events = Events::default();
    inst.update_nat64(|nat| {
        let range = PortRange::new(ports.0, ports.1);
        nat.pool4_remove(mark, l4(proto), prefix, range, quick, &mut events);
        Ok(())
    })?;
    Outcome::removed(events, true)
}

/// `pool4 flush`: without `--quick`, the whole BIB/session database too.
pub fn pool4_flush(inst: &Instance, quick: bool) -> Result<Outcome, OpError> {
    let mut events = Events::default();
    inst.update_nat64(|nat| {
        nat.pool4_flush(quick, &mut events);
        Ok(())
    })?;
    Outcome::removed(events, true)
}

/// `bib display`, sorted by IPv4 transport address.
pub fn bib_display(inst: &Instance, proto: ProtoDto) -> Result<Response, OpError> {
    let nat = inst.nat64()?;
    Ok(Response::Bib(
        nat.bib_entries(l4(proto))
            .into_iter()
            .map(|b| BibRow {
                proto: dto(b.proto),
                addr6: (b.addr6.addr, b.addr6.port),
                addr4: (b.addr4.addr, b.addr4.port),
                is_static: b.is_static,
            })
            .collect(),
    ))
}

/// `bib add`: a static entry inside pool4.
pub fn bib_add(inst: &Instance, proto: ProtoDto, t6: &str, t4: &str) -> Result<Outcome, OpError> {
    let (a6, a4) = (parse_taddr6(t6)?, parse_taddr4(t4)?);
    inst.update_nat64(|nat| nat.bib_add_static(l4(proto), a6, a4).map_err(bib_error))?;
    Outcome::show(Response::Ok)
}

/// `bib remove` (static or dynamic), with its sessions.
pub fn bib_remove(
    inst: &Instance,
    proto: ProtoDto,
    t6: Option<&str>,
    t4: Option<&str>,
) -> Result<Outcome, OpError> {
    let a6 = t6.map(parse_taddr6).transpose()?;
    let a4 = t4.map(parse_taddr4).transpose()?;
    if a6.is_none() && a4.is_none() {
        return Err(OpError::inval(
            "The command is missing an IPv6 transport address or an IPv4 transport address.",
        ));
    }
    let mut events = Events::default();
    inst.update_nat64(|nat| {
        nat.bib_remove(l4(proto), a6, a4, &mut events)
            .map_err(bib_error)
    })?;
    Outcome::removed(events, false)
}

/// `session display`: sorted by (src4, dst4), expiry measured on the daemon's clock.
pub fn session_display(inst: &Instance, proto: ProtoDto, now_ms: u64) -> Result<Response, OpError> {
    let nat = inst.nat64()?;
    let timeouts = nat.params().timeouts;
    Ok(Response::Sessions(
        nat.sessions(l4(proto))
            .into_iter()
            .map(|s| SessionRow {
                proto: dto(s.proto),
                src6: (s.src6.addr, s.src6.port),
                dst6: (s.dst6.addr, s.dst6.port),
                src4: (s.src4.addr, s.src4.port),
                dst4: (s.dst4.addr, s.dst4.port),
                expires_in_ms: s.remaining(now_ms, &timeouts),
                state: s.state.map(|st| st.as_str().to_owned()),
            })
            .collect(),
    ))
}

fn json_proto(p: json::Proto) -> L4Proto {
    match p {
        json::Proto::Tcp => L4Proto::Tcp,
        json::Proto::Udp => L4Proto::Udp,
        json::Proto::Icmp => L4Proto::Icmp,
    }
}

/// The pool4 entries of a file, each checked as `pool4 add` checks it (`force` forwarded).
fn file_pool4_entries(
    file: &AtomicConfig,
    ephemeral: &dyn Fn() -> io::Result<(u16, u16)>,
    force: bool,
) -> Result<Vec<Pool4Entry>, OpError> {
    file.pool4
        .iter()
        .map(|e| {
            // An entry without max-iterations leaves its set's value alone.
            let mi = match e.max_iterations {
                json::MaxIterations::Auto => None,
                json::MaxIterations::Infinity => Some(MaxIterations::Infinity),
                json::MaxIterations::Fixed(n) => Some(MaxIterations::Fixed(n)),
            };
            let entry = (
                e.mark,
                json_proto(e.protocol),
                e.prefix,
                PortRange::new(e.ports.0, e.ports.1),
                mi,
            );
            check_pool4_entry(&entry, ephemeral, force)?;
            Ok(entry)
        })
        .collect()
}

/// The pool4 a file describes, fully validated, with the namespace's addresses `own4` for
/// the implicit pool4.
pub fn build_pool4(
    file: &AtomicConfig,
    own4: Vec<Ipv4Addr>,
    ephemeral: &dyn Fn() -> io::Result<(u16, u16)>,
    force: bool,
) -> Result<Pool4, OpError> {
    let mut pool4 = Pool4::new();
    pool4.set_own_addresses(own4);
    for (mark, proto, prefix, ports, mi) in file_pool4_entries(file, ephemeral, force)? {
        pool4
            .add(mark, proto, prefix, ports, mi)
            .map_err(|e| OpError::inval(e.to_string()))?;
    }
    Ok(pool4)
}

/// The NAT64 translator a `file handle` creates: globals, pool4 and the static BIB entries
/// (which must lie inside the new pool4, spec §4.2).
pub fn new_nat64(
    name: &str,
    file: &AtomicConfig,
    own4: Vec<Ipv4Addr>,
    ephemeral: &dyn Fn() -> io::Result<(u16, u16)>,
    force: bool,
) -> Result<Nat64, OpError> {
    let pool4 = build_pool4(file, own4, ephemeral, force)?;
    let mut cfg = Nat64Config::new(file.globals.clone(), pool4, random_secret());
    cfg.instance = name.to_owned();
    let nat = Nat64::new(cfg).map_err(OpError::inval)?;
    for b in &file.bib {
        let proto = json_proto(b.protocol);
        let a6 = Taddr6::new(b.addr6.0, b.addr6.1);
        let a4 = Taddr4::new(b.addr4.0, b.addr4.1);
        nat.bib_add_static(proto, a6, a4).map_err(|e| match e {
            BibError::NotInPool4(t) => OpError::inval(format!(
                "{proto} BIB transport address '{t}' does not belong to pool4.\nPlease add it there first."
            )),
            other => bib_error(other),
        })?;
    }
    Ok(nat)
}

/// Replaces a NAT64 instance's globals and pool4 with a file's (spec §4.2: BIB and sessions
/// stay; the file's `bib` is ignored; pool6 must not change). Everything is validated before
/// the first change.
pub fn replace_nat64(
    inst: &Instance,
    file: &AtomicConfig,
    ephemeral: &dyn Fn() -> io::Result<(u16, u16)>,
    force: bool,
) -> Result<(), OpError> {
    // Built and validated on the side; the core swaps globals and pool4 in one step (the
    // implicit pool4 keeps the namespace's addresses), so no packet sees an intermediate
    // pool4. BIB entries stay.
    let pool4 = build_pool4(file, Vec::new(), ephemeral, force)?;
    inst.update_nat64(|nat| {
        nat.replace_config(file.globals.clone(), pool4)
            .map_err(OpError::inval)
    })
}
