//! Global values: the client syntaxes of spec §1.3 (parse) and the display formats of
//! spec §2.3 (format), with Jool's messages.

use super::EamHairpinMode;
use crate::prefix::{Ipv4Prefix, Ipv6Prefix, PrefixError};

/// Most `mtu-plateaus` entries Jool accepts (its `PLATEAUS_MAX`).
pub const PLATEAUS_MAX: usize = 64;

/// The type of a global key, which picks its parser and formatter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `true|false|1|0|yes|no|on|off`.
    Bool,
    /// 0..=255.
    U8,
    /// 0..=4294967295.
    U32,
    /// `[HH:[MM:]]SS[.mmm]`, held in milliseconds.
    Timeout,
    /// IPv6 prefix or `null`.
    Prefix6,
    /// IPv4 prefix or `null`.
    Prefix4,
    /// Comma-separated u16 list.
    Plateaus,
    /// `off|simple|intrinsic`.
    HairpinMode,
    /// `f-args`: a u8 displayed with its bits spelled out.
    FArgs,
}

impl ValueKind {
    /// The type name Jool's help prints.
    pub fn type_name(self) -> &'static str {
        match self {
            ValueKind::Bool => "Boolean",
            ValueKind::U8 | ValueKind::FArgs => "8-bit unsigned integer",
            ValueKind::U32 => "32-bit unsigned integer",
            ValueKind::Timeout => "[HH:[MM:]]SS[.mmm]",
            ValueKind::Prefix6 => "IPv6 prefix",
            ValueKind::Prefix4 => "IPv4 prefix",
            ValueKind::Plateaus => "List of 16-bit unsigned integers separated by commas",
            ValueKind::HairpinMode => "Hairpinning Mode",
        }
    }
}

/// A value of some global key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GlobalValue {
    /// Boolean keys.
    Bool(bool),
    /// 8-bit keys (`tos`, `f-args`).
    U8(u8),
    /// 32-bit keys.
    U32(u32),
    /// Timeouts, in milliseconds.
    Timeout(u64),
    /// IPv6 prefix keys; `None` = unset.
    Prefix6(Option<Ipv6Prefix>),
    /// IPv4 prefix keys; `None` = unset.
    Prefix4(Option<Ipv4Prefix>),
    /// `mtu-plateaus`.
    Plateaus(Vec<u16>),
    /// `eam-hairpin-mode`.
    HairpinMode(EamHairpinMode),
}

/// Why a global value was rejected. Display is Jool's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GlobalError {
    /// Not a boolean word.
    #[error("Cannot parse '{0}' as a bool (true|false|1|0|yes|no|on|off).")]
    BadBool(String),
    /// Does not start with a digit (Jool's `^[0-9][0-9]*` check; regexec code 1).
    #[error("'{0}' is not an unsigned integer. (error code 1)")]
    NotAnInteger(String),
    /// Too large for strtoull (ERANGE).
    #[error("Parsing of '{0}' threw error code 34.")]
    Overflow(String),
    /// Outside the key type's range.
    #[error("'{value}' is out of bounds ({min}-{max}).")]
    OutOfBounds {
        /// The string as typed.
        value: String,
        /// Lower bound, formatted.
        min: String,
        /// Upper bound, formatted.
        max: String,
    },
    /// A timeout's fraction has fewer than three digits.
    #[error("The millisecond portion of '{0}' must length at least 3 digits.")]
    TimeoutMillis(String),
    /// A timeout with trailing garbage.
    #[error("'{0}' does not seem to follow the '[HH:[MM:]]SS[.mmm]' format.")]
    TimeoutFormat(String),
    /// A prefix that does not parse.
    #[error(transparent)]
    Prefix(#[from] PrefixError),
    /// A plateau list with no numbers.
    #[error("The plateaus string cannot be empty.")]
    PlateausEmpty,
    /// More than 64 plateaus.
    #[error("Too many plateaus. The current max is 64.")]
    PlateausTooMany,
    /// Only zeroes in the plateau list.
    #[error("The plateaus list contains nothing but zeroes.")]
    PlateausAllZero,
    /// Unknown `eam-hairpin-mode` word.
    #[error(
        "'{0}' cannot be parsed as a hairpinning mode.\nAvailable options: off, simple, intrinsic"
    )]
    BadHairpinMode(String),
    /// `lowest-ipv6-mtu` below 1280 (RFC 8200 §5 minimum link MTU).
    #[error("lowest-ipv6-mtu ({0}) is too small (min: 1280).")]
    MtuTooSmall(u32),
    /// `f-args` above 15.
    #[error("f-args ({0}) is out of range. (0-15)")]
    FArgsRange(u8),
    /// A NAT64 timeout below its RFC 6146 minimum (values in ms).
    #[error("The '{name}' timeout ({value}) is too small. (min: {min})")]
    TimeoutTooSmall {
        /// `udp`, `tcp-est` or `tcp-trans`.
        name: &'static str,
        /// The requested timeout, ms.
        value: u64,
        /// The minimum, ms.
        min: u64,
    },
    /// A prefix rejected by its validation (pool6, RFC 6791 pools).
    #[error("{0}")]
    Invalid(String),
    /// NAT64 pool6 cannot change after creation.
    #[error("Sorry; you can't change a NAT64 instance's pool6 for now.")]
    Pool6Immutable,
    /// No such key for this translator type.
    #[error("Unknown global key: '{0}'")]
    UnknownKey(String),
    /// `global update <key>` without a value.
    #[error("Missing value of key {0}.")]
    MissingValue(String),
    /// The value's type does not fit the key (a programming error of the caller).
    #[error("The value given to '{0}' has the wrong type.")]
    TypeMismatch(&'static str),
}

/// Leading-digit `strtoull` (spec §1.3): the string must start with a digit; trailing
/// garbage is ignored; `None` on overflow.
fn strtoull(s: &str) -> (Option<u64>, &str) {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, rest) = s.split_at(end);
    let mut acc: Option<u64> = Some(0);
    for b in digits.bytes() {
        acc = acc
            .and_then(|a| a.checked_mul(10))
            .and_then(|a| a.checked_add(u64::from(b - b'0')));
    }
    (acc, rest)
}

/// An unsigned integer in `min..=max` with Jool's client rules and messages.
pub fn parse_uint(s: &str, min: u64, max: u64) -> Result<u64, GlobalError> {
    if !s.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return Err(GlobalError::NotAnInteger(s.to_string()));
    }
    let value = strtoull(s)
        .0
        .ok_or_else(|| GlobalError::Overflow(s.to_string()))?;
    if value < min || value > max {
        return Err(GlobalError::OutOfBounds {
            value: s.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        });
    }
    Ok(value)
}

/// `true false 1 0 yes no on off`, case-insensitive.
pub fn parse_bool(s: &str) -> Result<bool, GlobalError> {
    const TRUE: [&str; 4] = ["true", "1", "yes", "on"];
    const FALSE: [&str; 4] = ["false", "0", "no", "off"];
    if TRUE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(true)
    } else if FALSE.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        Ok(false)
    } else {
        Err(GlobalError::BadBool(s.to_string()))
    }
}

/// `[HH:[MM:]]SS[.mmm]` in milliseconds (spec §1.3). As in Jool, the fraction must have
/// at least three digits and its integer value is *added* as milliseconds; each field is
/// read like strtoull (an empty field is 0). Bounded to a u32 of milliseconds.
pub fn parse_timeout(s: &str) -> Result<u64, GlobalError> {
    let overflow = || GlobalError::Overflow(s.to_string());
    let (first, mut tail) = strtoull(s);
    let mut seconds = first.ok_or_else(overflow)?;
    for _ in 0..2 {
        match tail.strip_prefix(':') {
            Some(rest) => {
                let (field, rest) = strtoull(rest);
                let field = field.ok_or_else(overflow)?;
                seconds = seconds
                    .checked_mul(60)
                    .and_then(|v| v.checked_add(field))
                    .ok_or_else(overflow)?;
                tail = rest;
            }
            None => break,
        }
    }
    let mut ms = seconds.checked_mul(1000).ok_or_else(overflow)?;
    if let Some(frac) = tail.strip_prefix('.') {
        if frac.len() < 3 {
            return Err(GlobalError::TimeoutMillis(s.to_string()));
        }
        let (extra, rest) = strtoull(frac);
        ms = ms
            .checked_add(extra.ok_or_else(overflow)?)
            .ok_or_else(overflow)?;
        tail = rest;
    }
    if !tail.is_empty() {
        return Err(GlobalError::TimeoutFormat(s.to_string()));
    }
    let max = u64::from(u32::MAX);
    if ms > max {
        return Err(GlobalError::OutOfBounds {
            value: s.to_string(),
            min: format_timeout(0),
            max: format_timeout(max),
        });
    }
    Ok(ms)
}

/// Comma-separated u16 list; empty items are skipped (strtok), 1..=64 items.
pub fn parse_plateaus(s: &str) -> Result<Vec<u16>, GlobalError> {
    let items = s.split(',').filter(|t| !t.is_empty());
    let count = items.clone().count();
    if count == 0 {
        return Err(GlobalError::PlateausEmpty);
    }
    if count > PLATEAUS_MAX {
        return Err(GlobalError::PlateausTooMany);
    }
    items
        .map(|t| parse_uint(t, 0, u64::from(u16::MAX)).map(|v| v as u16))
        .collect()
}

/// `off|simple|intrinsic` (exact words, as Jool compares them).
pub fn parse_hairpin_mode(s: &str) -> Result<EamHairpinMode, GlobalError> {
    match s {
        "off" => Ok(EamHairpinMode::Off),
        "simple" => Ok(EamHairpinMode::Simple),
        "intrinsic" => Ok(EamHairpinMode::Intrinsic),
        _ => Err(GlobalError::BadHairpinMode(s.to_string())),
    }
}

/// Parses `s` as a value of `kind` with the client's syntax (spec §1.3).
pub fn parse_value(kind: ValueKind, s: &str) -> Result<GlobalValue, GlobalError> {
    Ok(match kind {
        ValueKind::Bool => GlobalValue::Bool(parse_bool(s)?),
        ValueKind::U8 | ValueKind::FArgs => {
            GlobalValue::U8(parse_uint(s, 0, u64::from(u8::MAX))? as u8)
        }
        ValueKind::U32 => GlobalValue::U32(parse_uint(s, 0, u64::from(u32::MAX))? as u32),
        ValueKind::Timeout => GlobalValue::Timeout(parse_timeout(s)?),
        ValueKind::Prefix6 if s == "null" => GlobalValue::Prefix6(None),
        ValueKind::Prefix6 => GlobalValue::Prefix6(Some(s.parse()?)),
        ValueKind::Prefix4 if s == "null" => GlobalValue::Prefix4(None),
        ValueKind::Prefix4 => GlobalValue::Prefix4(Some(s.parse()?)),
        ValueKind::Plateaus => GlobalValue::Plateaus(parse_plateaus(s)?),
        ValueKind::HairpinMode => GlobalValue::HairpinMode(parse_hairpin_mode(s)?),
    })
}

/// `H:MM:SS[.mmm]`, Jool's timeout text.
pub fn format_timeout(ms: u64) -> String {
    let (hours, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, millis) = (rest / 1000, rest % 1000);
    if millis == 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{hours}:{minutes:02}:{seconds:02}.{millis:03}")
    }
}

/// `off`, `simple` or `intrinsic`.
pub fn hairpin_mode_str(mode: EamHairpinMode) -> &'static str {
    match mode {
        EamHairpinMode::Off => "off",
        EamHairpinMode::Simple => "simple",
        EamHairpinMode::Intrinsic => "intrinsic",
    }
}

fn join_plateaus(list: &[u16]) -> String {
    list.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The `global display` text of a value (spec §2.3); `csv` selects the CSV variant.
pub fn format_value(v: &GlobalValue, kind: ValueKind, csv: bool) -> String {
    match v {
        GlobalValue::Bool(b) => match (csv, b) {
            (true, true) => "TRUE".into(),
            (true, false) => "FALSE".into(),
            (false, b) => b.to_string(),
        },
        GlobalValue::U8(n) if kind == ValueKind::FArgs && !csv => format!(
            "{n} (0b{:04b}): SrcAddr:{} SrcPort:{} DstAddr:{} DstPort:{}",
            n & 0xf,
            (n >> 3) & 1,
            (n >> 2) & 1,
            (n >> 1) & 1,
            n & 1
        ),
        GlobalValue::U8(n) => n.to_string(),
        GlobalValue::U32(n) => n.to_string(),
        GlobalValue::Timeout(ms) if csv => format_timeout(*ms),
        GlobalValue::Timeout(ms) => format!("{} (HH:MM:SS)", format_timeout(*ms)),
        GlobalValue::Prefix6(p) => format_optional(p.as_ref(), csv),
        GlobalValue::Prefix4(p) => format_optional(p.as_ref(), csv),
        GlobalValue::Plateaus(list) if csv => format!("\"{}\"", join_plateaus(list)),
        GlobalValue::Plateaus(list) => join_plateaus(list),
        GlobalValue::HairpinMode(m) => hairpin_mode_str(*m).to_string(),
    }
}

fn format_optional<T: std::fmt::Display>(p: Option<&T>, csv: bool) -> String {
    match p {
        Some(p) => p.to_string(),
        None if csv => String::new(),
        None => "(unset)".to_string(),
    }
}

/// The value as the client would type it (what [`parse_value`] reads back): `null` for
/// unset prefixes, timeouts without the `(HH:MM:SS)` note, bare numbers and lists.
pub fn format_plain(v: &GlobalValue) -> String {
    match v {
        GlobalValue::Bool(b) => b.to_string(),
        GlobalValue::U8(n) => n.to_string(),
        GlobalValue::U32(n) => n.to_string(),
        GlobalValue::Timeout(ms) => format_timeout(*ms),
        GlobalValue::Prefix6(p) => p.map_or_else(|| "null".to_string(), |p| p.to_string()),
        GlobalValue::Prefix4(p) => p.map_or_else(|| "null".to_string(), |p| p.to_string()),
        GlobalValue::Plateaus(list) => join_plateaus(list),
        GlobalValue::HairpinMode(m) => hairpin_mode_str(*m).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bool_words_case_insensitively() {
        for w in ["true", "TRUE", "1", "yes", "On"] {
            assert_eq!(parse_bool(w), Ok(true), "{w}");
        }
        for w in ["false", "0", "NO", "off"] {
            assert_eq!(parse_bool(w), Ok(false), "{w}");
        }
        assert_eq!(
            parse_bool("maybe").unwrap_err().to_string(),
            "Cannot parse 'maybe' as a bool (true|false|1|0|yes|no|on|off)."
        );
    }

    #[test]
    fn parses_uint_like_strtoull() {
        assert_eq!(parse_uint("42", 0, 255), Ok(42));
        assert_eq!(parse_uint("42abc", 0, 255), Ok(42));
        assert_eq!(parse_uint("0x10", 0, 255), Ok(0));
        assert_eq!(
            parse_uint(" 4", 0, 255).unwrap_err().to_string(),
            "' 4' is not an unsigned integer. (error code 1)"
        );
        assert_eq!(
            parse_uint("-1", 0, 255).unwrap_err(),
            GlobalError::NotAnInteger("-1".into())
        );
        assert_eq!(
            parse_uint("256", 0, 255).unwrap_err().to_string(),
            "'256' is out of bounds (0-255)."
        );
        assert_eq!(
            parse_uint("99999999999999999999999", 0, 255)
                .unwrap_err()
                .to_string(),
            "Parsing of '99999999999999999999999' threw error code 34."
        );
    }

    #[test]
    fn parses_timeouts_with_optional_fields() {
        assert_eq!(parse_timeout("2:00:00"), Ok(7_200_000));
        assert_eq!(parse_timeout("5:00"), Ok(300_000));
        assert_eq!(parse_timeout("90"), Ok(90_000));
        assert_eq!(parse_timeout("1.500"), Ok(1_500));
        assert_eq!(parse_timeout("0:00:01.250"), Ok(1_250));
        // Jool quirk: the fraction's integer value is added as milliseconds.
        assert_eq!(parse_timeout("1.5000"), Ok(6_000));
    }

    #[test]
    fn rejects_malformed_timeouts() {
        assert_eq!(
            parse_timeout("1.5").unwrap_err().to_string(),
            "The millisecond portion of '1.5' must length at least 3 digits."
        );
        assert_eq!(
            parse_timeout("1:2:3:4").unwrap_err().to_string(),
            "'1:2:3:4' does not seem to follow the '[HH:[MM:]]SS[.mmm]' format."
        );
        assert_eq!(
            parse_timeout("1h"),
            Err(GlobalError::TimeoutFormat("1h".into()))
        );
        assert_eq!(
            parse_timeout("2000:00:00").unwrap_err().to_string(),
            "'2000:00:00' is out of bounds (0:00:00-1193:02:47.295)."
        );
    }

    #[test]
    fn formats_timeouts_like_jool() {
        assert_eq!(format_timeout(7_200_000), "2:00:00");
        assert_eq!(format_timeout(240_000), "0:04:00");
        assert_eq!(format_timeout(1_250), "0:00:01.250");
        assert_eq!(format_timeout(100 * 3_600_000 + 61_007), "100:01:01.007");
    }

    #[test]
    fn parses_plateau_lists() {
        assert_eq!(parse_plateaus("1500,1280"), Ok(vec![1500, 1280]));
        assert_eq!(parse_plateaus("1500,,1280,"), Ok(vec![1500, 1280]));
        assert_eq!(
            parse_plateaus(",,").unwrap_err().to_string(),
            "The plateaus string cannot be empty."
        );
        assert_eq!(
            parse_plateaus("1500, 1280").unwrap_err().to_string(),
            "' 1280' is not an unsigned integer. (error code 1)"
        );
        assert_eq!(
            parse_plateaus("65536").unwrap_err().to_string(),
            "'65536' is out of bounds (0-65535)."
        );
        let many = vec!["1"; 65].join(",");
        assert_eq!(
            parse_plateaus(&many).unwrap_err().to_string(),
            "Too many plateaus. The current max is 64."
        );
        assert_eq!(
            parse_plateaus(&vec!["1"; 64].join(",")).map(|v| v.len()),
            Ok(64)
        );
    }

    #[test]
    fn parses_prefixes_and_null() {
        assert_eq!(
            parse_value(ValueKind::Prefix6, "null"),
            Ok(GlobalValue::Prefix6(None))
        );
        assert_eq!(
            parse_value(ValueKind::Prefix4, "null"),
            Ok(GlobalValue::Prefix4(None))
        );
        assert_eq!(
            parse_value(ValueKind::Prefix6, "64:ff9b::/96"),
            Ok(GlobalValue::Prefix6(Some("64:ff9b::/96".parse().unwrap())))
        );
        assert!(parse_value(ValueKind::Prefix4, "NULL").is_err());
        assert!(parse_value(ValueKind::Prefix4, "192.0.2.0/33").is_err());
    }

    #[test]
    fn parses_hairpin_modes() {
        assert_eq!(parse_hairpin_mode("simple"), Ok(EamHairpinMode::Simple));
        assert_eq!(
            parse_hairpin_mode("2").unwrap_err().to_string(),
            "'2' cannot be parsed as a hairpinning mode.\nAvailable options: off, simple, intrinsic"
        );
    }

    #[test]
    fn formats_values_for_display_and_csv() {
        let f = |v: GlobalValue, k, csv| format_value(&v, k, csv);
        assert_eq!(f(GlobalValue::Bool(true), ValueKind::Bool, false), "true");
        assert_eq!(f(GlobalValue::Bool(false), ValueKind::Bool, true), "FALSE");
        assert_eq!(
            f(GlobalValue::U8(11), ValueKind::FArgs, false),
            "11 (0b1011): SrcAddr:1 SrcPort:0 DstAddr:1 DstPort:1"
        );
        assert_eq!(
            f(GlobalValue::U8(4), ValueKind::FArgs, false),
            "4 (0b0100): SrcAddr:0 SrcPort:1 DstAddr:0 DstPort:0"
        );
        assert_eq!(f(GlobalValue::U8(11), ValueKind::FArgs, true), "11");
        assert_eq!(
            f(GlobalValue::Timeout(300_000), ValueKind::Timeout, false),
            "0:05:00 (HH:MM:SS)"
        );
        assert_eq!(
            f(GlobalValue::Timeout(300_000), ValueKind::Timeout, true),
            "0:05:00"
        );
        assert_eq!(
            f(GlobalValue::Prefix4(None), ValueKind::Prefix4, false),
            "(unset)"
        );
        assert_eq!(f(GlobalValue::Prefix6(None), ValueKind::Prefix6, true), "");
        assert_eq!(
            f(
                GlobalValue::Plateaus(vec![1500, 68]),
                ValueKind::Plateaus,
                false
            ),
            "1500,68"
        );
        assert_eq!(
            f(
                GlobalValue::Plateaus(vec![1500, 68]),
                ValueKind::Plateaus,
                true
            ),
            "\"1500,68\""
        );
        assert_eq!(
            f(
                GlobalValue::HairpinMode(EamHairpinMode::Off),
                ValueKind::HairpinMode,
                true
            ),
            "off"
        );
    }
}
