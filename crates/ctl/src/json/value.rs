//! An order-preserving JSON tree, and the helpers that report its errors in Jool's words.
//!
//! `serde_json::Value` keeps only the last of two members with the same name, but Jool must
//! see every member (`Multiple 'x' tags found. Aborting...`), so objects are kept as a list of
//! `(key, value)` pairs in file order.

use super::ConfigError;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON value. Objects keep every member, duplicates included, in file order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}

/// Parses a whole document. A syntax error is reported the way Jool reports cJSON's: the
/// rest of the input from the point where the parser gave up.
pub(crate) fn parse_document(text: &str) -> Result<Json, ConfigError> {
    serde_json::from_str::<Json>(text).map_err(|e| {
        let rest = if e.classify() == serde_json::error::Category::Eof {
            ""
        } else {
            &text[error_offset(text, e.line(), e.column())..]
        };
        ConfigError::Syntax(rest.to_owned())
    })
}

/// Byte offset of serde_json's (1-based line, 1-based byte column) position, clamped to the
/// text and moved back to a character boundary.
fn error_offset(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text[line_start..].find('\n') {
            Some(nl) => line_start += nl + 1,
            None => break,
        }
    }
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How Jool's `type_mismatch` prints a value that does not have the expected JSON type.
pub(crate) fn type_mismatch(field: Option<&str>, value: &Json, expected: &str) -> ConfigError {
    let field = field.unwrap_or("<unnamed>");
    let shown = match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => number_to_string(n),
        Json::String(s) => s.clone(),
        Json::Array(_) => {
            return ConfigError::TypeMismatch(format!(
                "The '{field}' element appears to be an array, not a '{expected}'."
            ))
        }
        Json::Object(_) => {
            return ConfigError::TypeMismatch(format!(
                "The '{field}' element appears to be an object, not a '{expected}'."
            ))
        }
    };
    ConfigError::TypeMismatch(format!(
        "The '{field}' element '{shown}' is not a valid {expected}."
    ))
}

/// Integers as integers, anything else with six decimals (C's `%f`).
fn number_to_string(n: &serde_json::Number) -> String {
    if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(i) = n.as_i64() {
        i.to_string()
    } else {
        format!("{:.6}", n.as_f64().unwrap_or(0.0))
    }
}

/// A JSON unsigned integer inside `min..=max`.
pub(crate) fn expect_uint(
    field: &str,
    value: &Json,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let n = match value {
        Json::Number(n) => n.as_u64(),
        _ => None,
    };
    let n = n.ok_or_else(|| type_mismatch(Some(field), value, "unsigned integer"))?;
    if n < min || n > max {
        return Err(ConfigError::Invalid(format!(
            "{field} {n} is out of range ({min}-{max})."
        )));
    }
    Ok(n)
}

/// A JSON string. `field` is `None` for array items (Jool prints `<unnamed>`).
pub(crate) fn expect_str<'a>(field: Option<&str>, value: &'a Json) -> Result<&'a str, ConfigError> {
    match value {
        Json::String(s) => Ok(s),
        _ => Err(type_mismatch(field, value, "String")),
    }
}

/// A JSON array.
pub(crate) fn expect_array<'a>(field: &str, value: &'a Json) -> Result<&'a [Json], ConfigError> {
    match value {
        Json::Array(items) => Ok(items),
        _ => Err(type_mismatch(Some(field), value, "Array")),
    }
}

/// One tag an object may hold.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tag {
    /// Canonical (lower-case) name; matched case-insensitively.
    pub name: &'static str,
    /// Must the object contain it?
    pub mandatory: bool,
}

impl Tag {
    pub(crate) const fn optional(name: &'static str) -> Tag {
        Tag {
            name,
            mandatory: false,
        }
    }

    pub(crate) const fn mandatory(name: &'static str) -> Tag {
        Tag {
            name,
            mandatory: true,
        }
    }
}

/// Walks the members of an object the way Jool's `handle_object` does: `comment` members are
/// skipped, a tag seen twice is an error, an unknown member is an error, and once every member
/// is handled the mandatory tags must all have been seen.
///
/// `name` is the object's own name for error messages (`None` prints `<unnamed>`).
/// `handle(index into tags, key as written, value)` is called for each recognised member.
pub(crate) fn walk_object<'a>(
    value: &'a Json,
    name: Option<&str>,
    tags: &[Tag],
    mut handle: impl FnMut(usize, &'a str, &'a Json) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let members = match value {
        Json::Object(members) => members,
        _ => return Err(type_mismatch(name, value, "Object")),
    };
    let mut seen = vec![false; tags.len()];
    for (key, child) in members {
        if key.eq_ignore_ascii_case("comment") {
            continue;
        }
        let index = tags
            .iter()
            .position(|t| t.name.eq_ignore_ascii_case(key))
            .ok_or_else(|| ConfigError::UnknownTag(key.clone()))?;
        if seen[index] {
            return Err(ConfigError::DuplicateTag(tags[index].name.to_owned()));
        }
        seen[index] = true;
        handle(index, key, child)?;
    }
    for (tag, seen) in tags.iter().zip(&seen) {
        if tag.mandatory && !seen {
            return Err(ConfigError::MissingChild {
                parent: name.unwrap_or("<unnamed>").to_owned(),
                child: tag.name.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicate_members_in_order() {
        let v = parse_document(r#"{"a": 1, "A": [true, null], "a": "x"}"#).unwrap();
        let Json::Object(members) = v else {
            panic!("not an object")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "A", "a"]);
        assert_eq!(
            members[1].1,
            Json::Array(vec![Json::Bool(true), Json::Null])
        );
    }

    #[test]
    fn reports_the_rest_of_the_input_after_a_syntax_error() {
        let e = parse_document("{\"a\":\n  1 \"b\": 2}").unwrap_err();
        assert_eq!(e, ConfigError::Syntax("\"b\": 2}".into()));
        let e = parse_document("{\"é\": x}").unwrap_err();
        assert_eq!(e, ConfigError::Syntax("x}".into()));
        let e = parse_document("{\"a\": 1").unwrap_err();
        assert_eq!(e, ConfigError::Syntax(String::new()));
    }

    #[test]
    fn prints_mismatched_values_like_jool() {
        let m = |v: Json| type_mismatch(Some("tos"), &v, "unsigned integer").to_string();
        assert_eq!(
            m(Json::Number((-3i64).into())),
            "The 'tos' element '-3' is not a valid unsigned integer."
        );
        assert_eq!(
            m(Json::Number(serde_json::Number::from_f64(1.5).unwrap())),
            "The 'tos' element '1.500000' is not a valid unsigned integer."
        );
        assert_eq!(
            m(Json::Array(vec![])),
            "The 'tos' element appears to be an array, not a 'unsigned integer'."
        );
        assert_eq!(
            m(Json::Object(vec![])),
            "The 'tos' element appears to be an object, not a 'unsigned integer'."
        );
        assert_eq!(
            type_mismatch(None, &Json::Null, "String").to_string(),
            "The '<unnamed>' element 'null' is not a valid String."
        );
    }
}
