//! The `global` object: every key of the globals table valid for the translator type
//! (spec §3), with the JSON type its kind takes.

use super::value::{expect_array, expect_uint, type_mismatch, walk_object, Json, Tag};
use super::ConfigError;
use jool_core::config::XlatorType;
use jool_core::globals::{self, GlobalDef, GlobalValue, Globals, ValueKind};

/// Reads the `global` object into `globals`. Every member is type-checked and parsed first;
/// then the values are applied in file order with the table's validation (Jool parses the
/// object client-side and the kernel validates the whole message).
pub(crate) fn parse_global(
    key: &str,
    value: &Json,
    xlator: XlatorType,
    globals: &mut Globals,
    force: bool,
) -> Result<(), ConfigError> {
    let defs: Vec<&'static GlobalDef> = globals::keys_for(xlator).collect();
    let tags: Vec<Tag> = defs.iter().map(|d| Tag::optional(d.name)).collect();
    let mut values = Vec::new();
    walk_object(value, Some(key), &tags, |i, member, v| {
        values.push((defs[i], json_to_value(defs[i], member, v)?));
        Ok(())
    })?;
    for (def, v) in values {
        def.set(globals, v, force)
            .map_err(|e| ConfigError::Rejected(e.to_string()))?;
    }
    Ok(())
}

/// Booleans are JSON booleans, integers JSON unsigned numbers, timeouts/prefixes/the hairpin
/// mode strings (a prefix may be `null`), `mtu-plateaus` an array of numbers.
fn json_to_value(def: &GlobalDef, member: &str, v: &Json) -> Result<GlobalValue, ConfigError> {
    match def.kind {
        ValueKind::Bool => match v {
            Json::Bool(b) => Ok(GlobalValue::Bool(*b)),
            _ => Err(type_mismatch(Some(member), v, "boolean")),
        },
        ValueKind::U8 | ValueKind::FArgs => {
            Ok(GlobalValue::U8(
                expect_uint(member, v, 0, u64::from(u8::MAX))? as u8,
            ))
        }
        ValueKind::U32 => Ok(GlobalValue::U32(
            expect_uint(member, v, 0, u64::from(u32::MAX))? as u32,
        )),
        ValueKind::Timeout | ValueKind::Prefix6 | ValueKind::Prefix4 | ValueKind::HairpinMode => {
            let text = match v {
                Json::String(s) => s.as_str(),
                Json::Null => "null",
                _ => return Err(type_mismatch(Some(member), v, "string")),
            };
            globals::parse_value(def.kind, text).map_err(|e| ConfigError::Invalid(e.to_string()))
        }
        ValueKind::Plateaus => {
            let items = expect_array(member, v)?;
            let plateaus = items
                .iter()
                .map(|item| expect_uint(def.name, item, 0, u64::from(u16::MAX)).map(|n| n as u16))
                .collect::<Result<Vec<u16>, ConfigError>>()?;
            Ok(GlobalValue::Plateaus(plateaus))
        }
    }
}
