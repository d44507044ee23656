//! The two passes over the root object and the array sections (spec §4.1).

use super::strparse::{parse_port_range, parse_proto, parse_taddr4, parse_taddr6};
use super::value::{expect_array, expect_str, expect_uint, type_mismatch, walk_object, Json, Tag};
use super::{
    global, AtomicConfig, ConfigError, MaxIterations, ParseOptions, Pool4Entry, StaticBibEntry,
};
use super::{Proto, DEFAULT_POOL4_PORTS};
use jool_core::config::{Framework, SiitConfig, XlatorType};
use jool_core::globals::Globals;
use jool_core::{Ipv4Prefix, Ipv6Prefix};

const INSTANCE: &str = "instance";
const FRAMEWORK: &str = "framework";
const GLOBAL: &str = "global";
const EAMT: &str = "eamt";
const BLACKLIST4: &str = "blacklist4";
const DENYLIST4: &str = "denylist4";
const POOL4: &str = "pool4";
const BIB: &str = "bib";

/// First pass over the root (Jool's `prepare_instance`): the instance name and the
/// framework are read, every other known section is only recognised, unknown and repeated
/// tags are rejected. The second pass handles the sections this translator type accepts.
pub(crate) fn parse_root(
    root: &Json,
    xlator: XlatorType,
    options: ParseOptions,
) -> Result<AtomicConfig, ConfigError> {
    let first_pass = [
        Tag::optional(INSTANCE),
        Tag {
            name: FRAMEWORK,
            mandatory: options.require_framework,
        },
        Tag::optional(GLOBAL),
        Tag::optional(EAMT),
        Tag::optional(BLACKLIST4),
        Tag::optional(DENYLIST4),
        Tag::optional(POOL4),
        Tag::optional(BIB),
    ];
    let mut instance = None;
    let mut framework = Framework::Netfilter;
    walk_object(root, None, &first_pass, |i, key, value| {
        match first_pass[i].name {
            INSTANCE => instance = Some(parse_instance(key, value)?),
            FRAMEWORK => framework = parse_framework(key, value)?,
            _ => {}
        }
        Ok(())
    })?;
    if instance.is_none() && options.require_instance {
        return Err(ConfigError::MissingChild {
            parent: "root".into(),
            child: INSTANCE.into(),
        });
    }

    let mut config = AtomicConfig {
        instance: instance.unwrap_or_else(|| jool_core::config::DEFAULT_INSTANCE_NAME.to_owned()),
        framework,
        globals: Globals::default(),
        eamt: Vec::new(),
        denylist4: Vec::new(),
        pool4: Vec::new(),
        bib: Vec::new(),
    };
    let second_pass: &[Tag] = match xlator {
        XlatorType::Siit => &[
            Tag::optional(INSTANCE),
            Tag::optional(FRAMEWORK),
            Tag::optional(GLOBAL),
            Tag::optional(EAMT),
            Tag::optional(BLACKLIST4),
            Tag::optional(DENYLIST4),
        ],
        XlatorType::Nat64 => &[
            Tag::optional(INSTANCE),
            Tag::optional(FRAMEWORK),
            Tag::optional(GLOBAL),
            Tag::optional(POOL4),
            Tag::optional(BIB),
        ],
    };
    // Each section is validated as it is read (Jool sends one message per section and the
    // kernel validates it on arrival), so errors come out in file order.
    let mut scratch = SiitConfig::default();
    walk_object(root, None, second_pass, |i, key, value| {
        match second_pass[i].name {
            GLOBAL => global::parse_global(key, value, xlator, &mut config.globals, options.force)?,
            EAMT => {
                let entries = parse_array(EAMT, value, parse_eam)?;
                fill_siit_tables(&mut scratch, &entries, &[], options.force)?;
                config.eamt.extend(entries);
            }
            BLACKLIST4 | DENYLIST4 => {
                let entries = parse_array(second_pass[i].name, value, parse_denylist_entry)?;
                fill_siit_tables(&mut scratch, &[], &entries, options.force)?;
                config.denylist4.extend(entries);
            }
            POOL4 => config.pool4 = parse_array(POOL4, value, parse_pool4_entry)?,
            BIB => config.bib = parse_array(BIB, value, parse_bib_entry)?,
            _ => {} // instance and framework: done in the first pass.
        }
        Ok(())
    })?;
    Ok(config)
}

/// Adds EAMT and denylist4 entries to a SIIT configuration, with the checks of
/// `eamt add` and `denylist4 add` (overlaps, host bits, scope; `force` overrides).
pub(crate) fn fill_siit_tables(
    config: &mut SiitConfig,
    eamt: &[(Ipv6Prefix, Ipv4Prefix)],
    denylist4: &[Ipv4Prefix],
    force: bool,
) -> Result<(), ConfigError> {
    for (prefix6, prefix4) in eamt {
        config
            .eamt
            .add(*prefix6, *prefix4, force)
            .map_err(|e| ConfigError::Rejected(e.to_string()))?;
    }
    for prefix in denylist4 {
        config
            .denylist4
            .add(*prefix, force)
            .map_err(|e| ConfigError::Rejected(e.to_string()))?;
    }
    Ok(())
}

fn parse_instance(key: &str, value: &Json) -> Result<String, ConfigError> {
    let name = expect_str(Some(key), value)?;
    jool_core::config::validate_instance_name(name).map_err(ConfigError::Invalid)?;
    Ok(name.to_owned())
}

fn parse_framework(key: &str, value: &Json) -> Result<Framework, ConfigError> {
    match expect_str(Some(key), value)? {
        "netfilter" => Ok(Framework::Netfilter),
        "iptables" => Ok(Framework::Iptables),
        other => Err(ConfigError::UnknownFramework(other.to_owned())),
    }
}

fn parse_array<T>(
    name: &str,
    value: &Json,
    entry: impl Fn(&Json) -> Result<T, ConfigError>,
) -> Result<Vec<T>, ConfigError> {
    expect_array(name, value)?.iter().map(entry).collect()
}

fn parse_prefix4(key: &str, value: &Json) -> Result<Ipv4Prefix, ConfigError> {
    expect_str(Some(key), value)?
        .parse()
        .map_err(|e: jool_core::prefix::PrefixError| ConfigError::Invalid(e.to_string()))
}

fn parse_prefix6(key: &str, value: &Json) -> Result<Ipv6Prefix, ConfigError> {
    expect_str(Some(key), value)?
        .parse()
        .map_err(|e: jool_core::prefix::PrefixError| ConfigError::Invalid(e.to_string()))
}

fn parse_eam(value: &Json) -> Result<(Ipv6Prefix, Ipv4Prefix), ConfigError> {
    const TAGS: [Tag; 2] = [Tag::mandatory("ipv6 prefix"), Tag::mandatory("ipv4 prefix")];
    let mut prefix6 = None;
    let mut prefix4 = None;
    walk_object(value, None, &TAGS, |i, key, v| {
        match i {
            0 => prefix6 = Some(parse_prefix6(key, v)?),
            _ => prefix4 = Some(parse_prefix4(key, v)?),
        }
        Ok(())
    })?;
    match (prefix6, prefix4) {
        (Some(p6), Some(p4)) => Ok((p6, p4)),
        _ => Err(missing(TAGS[if prefix6.is_none() { 0 } else { 1 }].name)),
    }
}

fn parse_denylist_entry(value: &Json) -> Result<Ipv4Prefix, ConfigError> {
    parse_prefix4("blacklist entry", value)
}

fn parse_pool4_entry(value: &Json) -> Result<Pool4Entry, ConfigError> {
    const TAGS: [Tag; 5] = [
        Tag::optional("mark"),
        Tag::mandatory("protocol"),
        Tag::mandatory("prefix"),
        Tag::optional("port range"),
        Tag::optional("max-iterations"),
    ];
    let mut protocol = None;
    let mut prefix = None;
    let mut mark = 0;
    let mut ports = DEFAULT_POOL4_PORTS;
    let mut max_iterations = MaxIterations::Auto;
    walk_object(value, None, &TAGS, |i, key, v| {
        match i {
            0 => mark = expect_uint(key, v, 0, u64::from(u32::MAX))? as u32,
            1 => protocol = Some(parse_proto(expect_str(Some(key), v)?)?),
            2 => prefix = Some(parse_prefix4(key, v)?),
            3 => ports = parse_port_range(expect_str(Some(key), v)?)?,
            _ => max_iterations = parse_max_iterations(v)?,
        }
        Ok(())
    })?;
    let protocol = protocol.ok_or_else(|| missing("protocol"))?;
    let prefix = prefix.ok_or_else(|| missing("prefix"))?;
    Ok(Pool4Entry {
        protocol,
        prefix,
        mark,
        ports,
        max_iterations,
    })
}

/// `max-iterations`: an unsigned integer ≥ 1, `"auto"` or `"infinity"`.
fn parse_max_iterations(value: &Json) -> Result<MaxIterations, ConfigError> {
    const FIELD: &str = "max-iterations";
    match value {
        Json::Number(_) => {
            Ok(MaxIterations::Fixed(
                expect_uint(FIELD, value, 1, u64::from(u32::MAX))? as u32,
            ))
        }
        Json::String(s) if s == "auto" => Ok(MaxIterations::Auto),
        Json::String(s) if s == "infinity" => Ok(MaxIterations::Infinity),
        Json::String(s) => Err(ConfigError::Invalid(format!("Unrecognized string: '{s}'"))),
        _ => Err(type_mismatch(Some(FIELD), value, "string or number")),
    }
}

fn parse_bib_entry(value: &Json) -> Result<StaticBibEntry, ConfigError> {
    const TAGS: [Tag; 3] = [
        Tag::mandatory("ipv6 address"),
        Tag::mandatory("ipv4 address"),
        Tag::mandatory("protocol"),
    ];
    let mut addr6 = None;
    let mut addr4 = None;
    let mut protocol: Option<Proto> = None;
    walk_object(value, None, &TAGS, |i, key, v| {
        match i {
            0 => addr6 = Some(parse_taddr6(expect_str(Some(key), v)?)?),
            1 => addr4 = Some(parse_taddr4(expect_str(Some(key), v)?)?),
            _ => protocol = Some(parse_proto(expect_str(Some(key), v)?)?),
        }
        Ok(())
    })?;
    Ok(StaticBibEntry {
        protocol: protocol.ok_or_else(|| missing("protocol"))?,
        addr6: addr6.ok_or_else(|| missing("ipv6 address"))?,
        addr4: addr4.ok_or_else(|| missing("ipv4 address"))?,
    })
}

/// Unreachable in practice (`walk_object` already checked the mandatory tags); keeps the
/// code free of `unwrap`.
fn missing(child: &str) -> ConfigError {
    ConfigError::MissingChild {
        parent: "<unnamed>".into(),
        child: child.into(),
    }
}
