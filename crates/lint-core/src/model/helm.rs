//! How Helm's templates print a value: `{{ .Values.x }}` (and `quote`, `default`) over the
//! values as Helm loads them. A number in a values file is a float64 there (the YAML goes
//! through JSON), which Go prints as `1.234567e+06` from seven digits up; a number from
//! `--set` is an int64, printed as written.

use crate::release::{Release, SET_FILE};
use crate::values::{Kind, Value};

/// The text a template prints for `value`; `None` for a map or a list (Go's `map[...]`).
pub(crate) fn template_text(release: &Release, value: &Value) -> Option<String> {
    Some(match &value.kind {
        Kind::Null => "<no value>".to_owned(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) if from_set(release, value) => i.to_string(),
        Kind::Int(i) => go_float(*i as f64),
        Kind::Float(f) => go_float(*f),
        Kind::Str(s) => s.clone(),
        Kind::Seq(_) | Kind::Map(_) => return None,
    })
}

/// Whether Sprig's `default` replaces the value: nil, false, 0, "" and empty collections.
pub(crate) fn is_empty(value: &Value) -> bool {
    match &value.kind {
        Kind::Null => true,
        Kind::Bool(b) => !b,
        Kind::Int(i) => *i == 0,
        Kind::Float(f) => *f == 0.0,
        Kind::Str(s) => s.is_empty(),
        Kind::Seq(items) => items.is_empty(),
        Kind::Map(map) => map.is_empty(),
    }
}

/// Whether a value came from a `--set` argument.
fn from_set(release: &Release, value: &Value) -> bool {
    value
        .site()
        .and_then(|site| release.layers.get(site.layer))
        .is_some_and(|layer| layer.source.path() == SET_FILE)
}

/// A float64 as Go's `%v` prints it: the shortest digits that read back, in exponent form
/// when the exponent is below -4 or 6 and up (`100`, `1.5`, `1.234567e+06`, `1e-05`).
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust's `{:e}` is the shortest round-trip form too: `1.234567e6`
    let exponent_form = format!("{f:e}");
    let (mantissa, exponent) = exponent_form
        .split_once('e')
        .unwrap_or((exponent_form.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..6).contains(&exponent) {
        return format!("{f}");
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figures Go 1.x prints with `fmt.Sprint` (checked with Go: `1234567890123456` read
    /// from a values file prints as `1.234567890123456e+15`).
    #[test]
    fn floats_print_as_go_prints_them() {
        for (f, go) in [
            (1_234_567_890_123_456.0, "1.234567890123456e+15"),
            (1_234_567.0, "1.234567e+06"),
            (123_456.0, "123456"),
            (100.0, "100"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (1.5, "1.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (1e100, "1e+100"),
        ] {
            assert_eq!(go_float(f), go, "{f}");
        }
    }
}
