//! Words for findings: what a value is ("the string \"yes\"", "a list"), what a schema
//! expects ("a boolean", "a string or a number"), and values written as one line of YAML.

use crate::values::{Kind, Value, format_float};

/// How a value reads in a message: `the string "yes"`, `a list`, `the number 3`.
pub fn found_of(value: &Value) -> String {
    match &value.kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => format!("the boolean `{b}`"),
        Kind::Int(i) => format!("the number `{i}`"),
        Kind::Float(f) => format!("the number `{}`", format_float(*f)),
        Kind::Str(s) => format!("the string {}", quoted(s)),
        Kind::Seq(items) if items.is_empty() => "an empty list".into(),
        Kind::Seq(_) => "a list".into(),
        Kind::Map(map) if map.is_empty() => "an empty map".into(),
        Kind::Map(_) => "a map".into(),
    }
}

/// A short quoted rendering of a string for messages (long strings are cut).
fn quoted(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{:?}", format!("{cut}..."))
    } else {
        format!("{text:?}")
    }
}

/// A JSON Schema type name with its article: `a boolean`, `an integer`, `a list`.
pub fn type_with_article(name: &str) -> &'static str {
    match name {
        "null" => "null",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "array" => "a list",
        "object" => "a map",
        _ => "a value of another type",
    }
}

/// What a schema expects, in words: `a boolean`, `a string or a number`, `a list or null`.
pub fn expected_text(types: &[String]) -> String {
    let mut names: Vec<&str> = types.iter().map(String::as_str).collect();
    // `integer` is a kind of `number`: say only `number` when both are allowed
    if names.contains(&"number") {
        names.retain(|n| *n != "integer");
    }
    // null is always fine for Helm (it means "unset"); leave it out unless it is all
    if names.len() > 1 {
        names.retain(|n| *n != "null");
    }
    let words: Vec<&str> = names.iter().map(|n| type_with_article(n)).collect();
    match words.as_slice() {
        [] => "another type".into(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A JSON value as one line of YAML in flow style: `true`, `"1.10"`, `[a, b]`, `{name: x}`.
pub fn flow_yaml(json: &serde_json::Value) -> String {
    match json {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => yaml_string(s),
        serde_json::Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(flow_yaml).collect();
            format!("[{}]", inner.join(", "))
        }
        serde_json::Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_string(k), flow_yaml(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// A string as YAML writes it: plain when Helm would read it back as the same string,
/// double-quoted otherwise.
pub fn yaml_string(text: &str) -> String {
    let plain_ok = !text.is_empty()
        && !text.contains(['\n', '\t', '#', ',', '[', ']', '{', '}', '"', '\''])
        && !text.contains(": ")
        && !text.ends_with(':')
        && !text.starts_with([
            ' ', '-', '?', ':', '!', '&', '*', '|', '>', '%', '@', '`', '~',
        ])
        && !text.ends_with(' ')
        && matches!(
            crate::values::scalar_kind(text, crate::yaml::ScalarStyle::Plain, None),
            Kind::Str(ref s) if s == text
        );
    if plain_ok {
        text.to_owned()
    } else {
        serde_json::Value::String(text.to_owned()).to_string()
    }
}

/// For a string written where a boolean belongs: the boolean it was probably meant to be
/// (`"yes"`, `"False"`, `"on"`), as Helm's YAML 1.1 reads the same word unquoted.
pub fn boolean_word(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expected_types_read_as_words() {
        let t = |v: &[&str]| expected_text(&v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(t(&["boolean"]), "a boolean");
        assert_eq!(t(&["string", "null"]), "a string");
        assert_eq!(t(&["integer", "string", "null"]), "an integer or a string");
        assert_eq!(t(&["string", "number", "null"]), "a string or a number");
        assert_eq!(t(&["object", "array"]), "a map or a list");
    }

    #[test]
    fn flow_yaml_quotes_only_when_needed() {
        assert_eq!(
            flow_yaml(&json!(["grafana-oncall-app"])),
            "[grafana-oncall-app]"
        );
        assert_eq!(flow_yaml(&json!("yes")), "\"yes\"");
        assert_eq!(flow_yaml(&json!("1.10")), "\"1.10\"");
        assert_eq!(flow_yaml(&json!({"name": "regcred"})), "{name: regcred}");
        assert_eq!(flow_yaml(&json!("a: b")), "\"a: b\"");
        assert_eq!(flow_yaml(&json!(true)), "true");
    }
}
