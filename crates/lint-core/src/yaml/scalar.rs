//! Scalar resolution exactly as Helm does it.
//!
//! Helm loads values with `sigs.k8s.io/yaml`, which runs go-yaml v2's YAML 1.1 resolver
//! (`resolve.go`). No Rust YAML crate resolves plain scalars the same way (`yes` and `on` are
//! booleans, `0755` is octal, `1_000` is an integer, `08` is the float 8), so this module
//! re-implements that resolver from the scalar's raw text and style.

/// What a scalar means to Helm.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, or an empty plain scalar.
    Null,
    /// One of go-yaml v2's eleven spellings of true or false.
    Bool(bool),
    /// An integer that fits in 64 bits (signed).
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// Any other text, or any quoted or block scalar.
    Str,
    /// The merge key `<<`.
    Merge,
}

/// Resolves a plain (unquoted, non-block) scalar the way go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Resolved {
    if text.is_empty() {
        return Resolved::Null;
    }
    if let Some(resolved) = lookup(text) {
        return resolved;
    }
    match text.as_bytes()[0] {
        b'.' => match parse_go_float(text) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'0'..=b'9' | b'+' | b'-' => resolve_number(text),
        _ => Resolved::Str,
    }
}

/// The tag suffix [`crate::yaml::CoreTag::Custom`] stands for: a tag outside the core
/// schema (`!custom`, `!`), which leaves the scalar a string for Helm.
pub const CUSTOM_TAG: &str = "!";

/// Resolves a scalar with an explicit tag (`!!str`, `!!int`, ..., or [`CUSTOM_TAG`]),
/// returning `None` for tags that leave plain resolution in charge.
///
/// go-yaml v2 resolves only the core tags; any other tag keeps the scalar's text as a
/// string, so `enabled: !custom false` is the string `"false"` (truthy in a template).
pub fn resolve_tagged(text: &str, tag_suffix: &str) -> Option<Resolved> {
    match tag_suffix {
        "str" | "binary" | "timestamp" | CUSTOM_TAG => Some(Resolved::Str),
        "null" => Some(Resolved::Null),
        "bool" | "int" | "float" => Some(match resolve_plain(text) {
            Resolved::Str | Resolved::Merge => Resolved::Str,
            other => other,
        }),
        _ => None,
    }
}

/// Why go-yaml v2 refuses a scalar with an explicit core tag, as its `resolve` does: the
/// text must resolve to the tag's own type (an integer is also a `!!float`), so
/// `!!int true` and `!!int 1.5` are errors, not a boolean and a float.
pub fn tag_mismatch(text: &str, tag_suffix: &str) -> Option<String> {
    let wanted = match tag_suffix {
        "bool" | "int" | "float" | "timestamp" => tag_suffix,
        _ => return None,
    };
    let found = if looks_like_timestamp(text) {
        "timestamp"
    } else {
        match resolve_plain(text) {
            Resolved::Null => "null",
            Resolved::Bool(_) => "bool",
            Resolved::Int(_) | Resolved::UInt(_) => "int",
            Resolved::Float(_) => "float",
            Resolved::Str | Resolved::Merge => "str",
        }
    };
    if found == wanted || (wanted == "float" && found == "int") {
        return None;
    }
    let shown: String = text.chars().take(40).collect();
    Some(format!(
        "`!!{wanted} {shown}` is a !!{found}, not a !!{wanted}; Helm refuses the file (cannot decode !!{found} as a !!{wanted}): drop the tag or fix the value"
    ))
}

fn lookup(text: &str) -> Option<Resolved> {
    Some(match text {
        "~" | "null" | "Null" | "NULL" => Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        "<<" => Resolved::Merge,
        _ => return None,
    })
}

/// go-yaml v2's `D`/`S` branch: timestamps stay strings for us (Helm turns them into
/// RFC 3339 strings anyway), then `strconv.ParseInt(plain, 0, 64)`, `ParseUint`, the YAML
/// float pattern, and finally `0b` binary.
fn resolve_number(text: &str) -> Resolved {
    if looks_like_timestamp(text) {
        return Resolved::Str;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain) {
        return Resolved::UInt(u);
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = parse_go_float(&plain)
    {
        return Resolved::Float(f);
    }
    if let Some(bin) = plain.strip_prefix("0b") {
        if let Ok(i) = i64::from_str_radix(bin, 2) {
            return Resolved::Int(i);
        }
    } else if let Some(bin) = plain.strip_prefix("-0b")
        && let Ok(i) = i64::from_str_radix(bin, 2)
    {
        return Resolved::Int(-i);
    }
    Resolved::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)`: optional sign, then a `0x`/`0o`/`0b` prefix, a
/// leading `0` for octal, or decimal.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_magnitude(body)?;
    if negative {
        if magnitude == i64::MAX as u64 + 1 {
            Some(i64::MIN)
        } else {
            i64::try_from(magnitude).ok().map(|m| -m)
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: no sign allowed.
fn go_parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    go_parse_magnitude(s)
}

fn go_parse_magnitude(body: &str) -> Option<u64> {
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, rest)
    } else if let Some(rest) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, rest)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` for the decimal forms YAML produces. Rust's parser accepts
/// `inf`/`nan` words that Go's YAML path never reaches, so those are refused here, and so is
/// a number out of a float64's range (`1e400`: Go's range error leaves it a string).
fn parse_go_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    if body.is_empty()
        || body
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// go-yaml v2 tries timestamps (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`, ...) for
/// plain scalars before numbers. Helm then renders them as strings, so only the shape
/// matters: `YYYY-MM-DD` at the start.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Resolved::*;

    /// Each row is what Helm (go-yaml v2 via sigs.k8s.io/yaml) makes of a plain scalar.
    #[test]
    fn plain_scalars_resolve_like_helm() {
        let table: &[(&str, Resolved)] = &[
            // YAML 1.1 booleans: all eleven spellings each way
            ("yes", Bool(true)),
            ("Yes", Bool(true)),
            ("YES", Bool(true)),
            ("y", Bool(true)),
            ("Y", Bool(true)),
            ("on", Bool(true)),
            ("On", Bool(true)),
            ("ON", Bool(true)),
            ("true", Bool(true)),
            ("True", Bool(true)),
            ("TRUE", Bool(true)),
            ("no", Bool(false)),
            ("n", Bool(false)),
            ("N", Bool(false)),
            ("off", Bool(false)),
            ("OFF", Bool(false)),
            ("false", Bool(false)),
            ("False", Bool(false)),
            // mixed case is not in the table: a string
            ("yEs", Str),
            ("tRUE", Str),
            // nulls: `~`, the word, and an empty plain scalar (`url:`)
            ("~", Null),
            ("null", Null),
            ("Null", Null),
            ("NULL", Null),
            ("", Null),
            ("nULL", Str),
            // integers: ParseInt base 0 after `_` is stripped
            ("0", Int(0)),
            ("42", Int(42)),
            ("-17", Int(-17)),
            ("+12", Int(12)),
            ("0755", Int(493)),
            ("0o17", Int(15)),
            ("0x1F", Int(31)),
            ("0b101", Int(5)),
            ("-0b11", Int(-3)),
            ("1_000", Int(1000)),
            ("9223372036854775807", Int(i64::MAX)),
            ("18446744073709551615", UInt(u64::MAX)),
            // `08` is not octal, so it falls through to the float pattern
            ("08", Float(8.0)),
            ("0999", Float(999.0)),
            // floats
            ("1.10", Float(1.1)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            ("1e3", Float(1000.0)),
            ("-2.5E-1", Float(-0.25)),
            (".inf", Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY)),
            // versions and other number-like text stay strings
            ("1.2.3", Str),
            ("11.1.4", Str),
            ("v1.16.9", Str),
            ("1e", Str),
            ("0x", Str),
            ("+", Str),
            ("-", Str),
            (".", Str),
            ("1_000.5_0", Float(1000.5)),
            // timestamps become strings in Helm's JSON
            ("2001-12-14", Str),
            ("2024-09-10T12:00:00Z", Str),
            // the merge key
            ("<<", Merge),
            // words
            ("grafana-oncall-app", Str),
            ("nan", Str),
            ("inf", Str),
            ("infinity", Str),
        ];
        for (text, expected) in table {
            let got = resolve_plain(text);
            let same = match (&got, expected) {
                (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
                _ => got == *expected,
            };
            assert!(same, "{text:?}: expected {expected:?}, got {got:?}");
        }
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
    }

    /// go-yaml v2 refuses a core tag its text does not resolve to; an integer is a float.
    #[test]
    fn a_core_tag_must_match_the_text() {
        assert!(tag_mismatch("true", "int").is_some());
        assert!(tag_mismatch("1.5", "int").is_some());
        assert!(tag_mismatch("abc", "bool").is_some());
        assert!(tag_mismatch("1", "float").is_none());
        assert!(tag_mismatch("yes", "bool").is_none());
        assert!(tag_mismatch("2001-12-14", "timestamp").is_none());
        assert!(tag_mismatch("anything", "str").is_none());
        assert_eq!(resolve_tagged("false", CUSTOM_TAG), Some(Str));
        assert_eq!(resolve_plain("1e400"), Str);
    }

    #[test]
    fn tags_override_plain_resolution() {
        assert_eq!(resolve_tagged("123", "str"), Some(Str));
        assert_eq!(resolve_tagged("yes", "bool"), Some(Bool(true)));
        assert_eq!(resolve_tagged("0755", "int"), Some(Int(493)));
        assert_eq!(resolve_tagged("x", "custom"), None);
    }
}
