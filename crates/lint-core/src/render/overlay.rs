//! What the overlay renderers share: reading the effective lists an overlay must carry
//! (Helm replaces lists, so an overlay that adds an item repeats the others), rendering a
//! template twice (secrets masked for printing, exact for merging), nesting the result
//! under an umbrella chart's key, and proving that it parses.

use serde_json::Value as Json;

use super::target::{RenderError, Rendered};
use super::templates;
use crate::values::{Kind, Value, to_value};
use crate::yaml::quote::quote_if_needed;
use crate::yaml::{Limits, parse};

/// The effective list at `path` (empty when absent, null or not a list).
pub fn list(values: &Value, path: &[&str]) -> Vec<Value> {
    values
        .get(path)
        .and_then(Value::as_seq)
        .map(<[Value]>::to_vec)
        .unwrap_or_default()
}

/// An item's `name`, when it is a string.
pub fn item_name(item: &Value) -> Option<&str> {
    item.get(&["name"]).and_then(Value::as_str)
}

/// Splits a list around the first item that is ours (any other such item is dropped): the
/// items before it and after it; without one, every item is before. An overlay that puts
/// its item back where it was keeps a list stable when it is rendered again.
pub fn split_around(items: Vec<Value>, ours: &dyn Fn(&Value) -> bool) -> (Vec<Value>, Vec<Value>) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut found = false;
    for item in items {
        if ours(&item) {
            found = true;
        } else if found {
            after.push(item);
        } else {
            before.push(item);
        }
    }
    (before, after)
}

/// The list with `item` where our old item was (or at the end), the others through `view`.
pub fn put(
    (before, after): &(Vec<Value>, Vec<Value>),
    item: Json,
    view: &dyn Fn(&Value) -> Value,
) -> Json {
    let mut items: Vec<Json> = before.iter().map(|v| view(v).to_json()).collect();
    items.push(item);
    items.extend(after.iter().map(|v| view(v).to_json()));
    Json::Array(items)
}

/// How an overlay sees the values it carries over: masked to print, exact to merge.
pub type View<'a> = &'a dyn Fn(&Value) -> Value;

/// Values as JSON, each through `view` (masking, or the identity).
pub fn json_items(items: &[Value], view: &dyn Fn(&Value) -> Value) -> Json {
    Json::Array(items.iter().map(|item| view(item).to_json()).collect())
}

/// Parses YAML we rendered into values (the first document).
pub fn parse_values(name: &str, text: &str) -> Result<Value, RenderError> {
    let docs = parse(text, &Limits::default()).map_err(|e| {
        RenderError::Internal(format!(
            "`{name}` rendered YAML that does not parse ({} at byte {})",
            e.message.replace(['\n', '\r'], " "),
            e.offset
        ))
    })?;
    let doc = docs
        .into_iter()
        .find(|d| d.root.is_some())
        .ok_or_else(|| RenderError::Internal(format!("`{name}` rendered an empty document")))?;
    let root = doc
        .root
        .ok_or_else(|| RenderError::Internal(format!("`{name}` rendered an empty document")))?;
    to_value(&doc, root, 0, &|r| r, 1_000_000 + doc.len()).map_err(|e| {
        RenderError::Internal(format!(
            "`{name}` rendered YAML Helm cannot load: {}",
            e.message
        ))
    })
}

/// Renders a template into text, or an internal error.
pub fn render_template(name: &str, data: &Json) -> Result<String, RenderError> {
    templates::render(name, data).map_err(|e| RenderError::Internal(e.to_string()))
}

/// Puts an overlay written at the chart's top level under the umbrella chart's key(s): the
/// leading comment block stays at the top, every other line is indented.
pub fn nest(text: &str, root: &[String]) -> String {
    if root.is_empty() {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.peek() {
        if line.starts_with('#') || line.trim().is_empty() {
            out.push_str(line);
            lines.next();
        } else {
            break;
        }
    }
    for (depth, key) in root.iter().enumerate() {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&quote_if_needed(key));
        out.push_str(":\n");
    }
    let pad = "  ".repeat(root.len());
    for line in lines {
        if line.trim_end_matches(['\n', '\r']).is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// Renders an overlay template over the data `build` makes, once with the carried values
/// masked (to print) and once exact (to merge), nests both under the values root and checks
/// that they parse.
pub fn finish(
    template: &str,
    build: &dyn Fn(View<'_>) -> Json,
    root: &[String],
    mut notes: Vec<String>,
) -> Result<Rendered, RenderError> {
    let exact = nest(
        &render_template(template, &build(&|v: &Value| v.clone()))?,
        root,
    );
    let printed = nest(
        &render_template(template, &build(&super::values::masked))?,
        root,
    );
    let values = parse_values(template, &exact)?;
    parse_values(template, &printed)?;
    if printed != exact {
        notes.push(
            "values under secret keys that this overlay carries over from yours are masked (****) in the printed overlay; --merge-into writes them as they are".into(),
        );
    }
    if !matches!(values.kind, Kind::Map(_)) {
        return Err(RenderError::Internal(format!(
            "`{template}` did not render a map"
        )));
    }
    Ok(Rendered {
        text: printed,
        overlay: Some((exact, values)),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_keeps_the_header_and_indents_the_rest() {
        let text = "# head\n\ngrafana:\n  x: |\n    a\n\n    b\n";
        let nested = nest(text, &["oncall".into()]);
        assert_eq!(
            nested,
            "# head\n\noncall:\n  grafana:\n    x: |\n      a\n\n      b\n"
        );
        let v = parse_values("t", &nested).unwrap();
        assert_eq!(
            v.get(&["oncall", "grafana", "x"]).and_then(Value::as_str),
            Some("a\n\nb\n")
        );
    }
}
