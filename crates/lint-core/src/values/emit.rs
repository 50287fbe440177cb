//! A small block-style YAML writer for values (effective values, overlays, fixes).
//!
//! Written here rather than taken from a serde YAML crate because the output must read back
//! in Helm exactly as meant: a string that go-yaml v2 would resolve as a boolean, number or
//! null (`yes`, `0755`, `1.10`, `~`) is quoted, and each line can carry a trailing comment
//! (the origin of the value) that serializers do not offer.

use super::{Kind, Value, format_float};
use crate::yaml::quote::{quote_flow, quote_if_needed};

/// Writes `value` as block YAML; `comment` may return a trailing comment for a node.
pub fn to_yaml(value: &Value, comment: &dyn Fn(&Value) -> Option<String>) -> String {
    let mut out = String::new();
    match &value.kind {
        Kind::Map(map) if !map.is_empty() => write_map(&mut out, map, 0, comment),
        Kind::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0, comment),
        _ => {
            out.push_str(&inline(value));
            out.push('\n');
        }
    }
    out
}

/// A non-empty map or sequence as block lines, every line indented by `indent` spaces.
pub fn block_at(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    let none = |_: &Value| None;
    match &value.kind {
        Kind::Map(map) if !map.is_empty() => write_map(&mut out, map, indent, &none),
        Kind::Seq(items) if !items.is_empty() => write_seq(&mut out, items, indent, &none),
        _ => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&inline(value));
            out.push('\n');
        }
    }
    out
}

/// A value in flow style (`{name: x, items: [a, b]}`), for flow collections and one-liners.
pub fn flow(value: &Value) -> String {
    match &value.kind {
        Kind::Map(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", quote_flow(k), flow(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Kind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", parts.join(", "))
        }
        Kind::Str(s) => quote_flow(s),
        _ => inline(value),
    }
}

fn write_map(
    out: &mut String,
    map: &crate::values::Map,
    indent: usize,
    comment: &dyn Fn(&Value) -> Option<String>,
) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&quote_if_needed(key));
        out.push(':');
        write_value_after_key(out, value, indent, comment);
    }
}

fn write_seq(
    out: &mut String,
    items: &[Value],
    indent: usize,
    comment: &dyn Fn(&Value) -> Option<String>,
) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match &item.kind {
            Kind::Map(map) if !map.is_empty() => {
                // first entry on the dash line, the rest aligned under it
                let mut first = true;
                for (key, value) in map.iter() {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    out.push_str(&quote_if_needed(key));
                    out.push(':');
                    write_value_after_key(out, value, indent + 2, comment);
                }
            }
            Kind::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2, comment);
            }
            _ => {
                out.push(' ');
                write_scalar(out, item, indent + 2, comment);
            }
        }
    }
}

fn write_value_after_key(
    out: &mut String,
    value: &Value,
    indent: usize,
    comment: &dyn Fn(&Value) -> Option<String>,
) {
    match &value.kind {
        Kind::Map(map) if !map.is_empty() => {
            push_comment(out, comment(value));
            out.push('\n');
            write_map(out, map, indent + 2, comment);
        }
        Kind::Seq(items) if !items.is_empty() => {
            push_comment(out, comment(value));
            out.push('\n');
            write_seq(out, items, indent, comment);
        }
        _ => {
            out.push(' ');
            write_scalar(out, value, indent + 2, comment);
        }
    }
}

fn write_scalar(
    out: &mut String,
    value: &Value,
    indent: usize,
    comment: &dyn Fn(&Value) -> Option<String>,
) {
    if let Kind::Str(s) = &value.kind
        && let Some(block) = literal_block(s, indent)
    {
        out.push_str(&block.0);
        push_comment(out, comment(value));
        out.push('\n');
        out.push_str(&block.1);
        return;
    }
    out.push_str(&inline(value));
    push_comment(out, comment(value));
    out.push('\n');
}

fn push_comment(out: &mut String, comment: Option<String>) {
    if let Some(text) = comment {
        out.push_str("  # ");
        out.push_str(&text.replace(['\n', '\r'], " "));
    }
}

/// A scalar or empty collection on one line.
pub fn inline(value: &Value) -> String {
    match &value.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) => {
            let text = format_float(*f);
            if f.is_finite() && !text.contains(['.', 'e']) {
                format!("{text}.0")
            } else if f.is_nan() {
                ".nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    ".inf".into()
                } else {
                    "-.inf".into()
                }
            } else {
                text
            }
        }
        Kind::Str(s) => quote_if_needed(s),
        Kind::Seq(_) => "[]".into(),
        Kind::Map(_) => "{}".into(),
    }
}

/// A literal block (`|`) for multi-line strings that it can represent exactly.
fn literal_block(s: &str, indent: usize) -> Option<(String, String)> {
    if !s.contains('\n')
        || s.contains('\r')
        || s.starts_with([' ', '\n'])
        || s.chars().any(|c| c.is_control() && c != '\n')
    {
        return None;
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let header = match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    let pad = " ".repeat(indent);
    let mut body = String::new();
    for line in s.trim_end_matches('\n').split('\n') {
        if line.is_empty() {
            body.push('\n');
        } else {
            body.push_str(&pad);
            body.push_str(line);
            body.push('\n');
        }
    }
    for _ in 1..trailing {
        body.push('\n');
    }
    Some((header.to_owned(), body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{Origin, to_value};
    use crate::yaml::{Limits, parse};

    fn round_trip(json: serde_json::Value) {
        let value = Value::from_json(
            &json,
            &Origin::Default {
                chart: "t",
                version: "0",
            },
        );
        let text = to_yaml(&value, &|_| Some("origin".into()));
        let docs = parse(&text, &Limits::default()).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        let doc = &docs[0];
        let back = to_value(doc, doc.root.unwrap(), 0, &|r| r, 1000).unwrap();
        assert_eq!(back.to_json(), json, "{text}");
    }

    #[test]
    fn output_reads_back_as_the_same_values() {
        round_trip(serde_json::json!({
            "strings": ["yes", "0755", "1.10", "~", "", " padded", "a: b", "#x", "-", "plain text", "null"],
            "grafana.ini": {"feature_toggles": {"enable": "externalServiceAccounts"}},
            "yes": true,
            "n": [1, 2.5, -3, null, false],
            "nested": [{"name": "provisioning", "configMap": {"name": "x"}}, [1, [2]], {}],
            "empty": {"m": {}, "l": []},
            "block": "apps:\n  - type: grafana-oncall-app\n",
            "block2": "a\n\nb",
            "controls": ["\u{1b}[31m", "x\u{9b}y", "bom\u{feff}"],
        }));
    }
}
