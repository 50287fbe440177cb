//! The handlebars templates of the `render` artifacts, embedded at build time from the
//! repository's `templates/` and registered once per process.
//!
//! HTML escaping is off and strict mode is on (a missing field is an error, not an empty
//! string). Values reach the output only through helpers that make them inert where they
//! land:
//!
//! - `{{yaml x}}`: a YAML scalar that reads back as exactly `x` (quoted when needed; a
//!   string with a line break, a `#`, a `: ` or a `{{` can never become structure);
//! - `{{literal x N}}`: a multi-line string as a literal block (`|`) indented by N, or a
//!   double-quoted scalar when a literal block cannot hold it exactly;
//! - `{{block x N}}`: a list or map as block YAML indented by N, on the lines after the key
//!   (nothing for an empty or null value);
//! - `{{sh x}}`: a single-quoted shell word;
//! - `{{line x}}`: text for a comment, with every control character replaced by a space, so
//!   that it cannot end the comment's line.

use std::sync::OnceLock;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde_json::Value as Json;

use crate::values::emit::{block_at, flow};
use crate::values::{Origin, Value};
use crate::yaml::quote::{double_quoted, quote_if_needed};

/// Every template: (name, text).
pub const TEMPLATES: [(&str, &str); 9] = [
    (
        "plugin-provisioning",
        include_str!("../../../../templates/plugin-provisioning.yaml.hbs"),
    ),
    (
        "provisioning-configmap",
        include_str!("../../../../templates/provisioning-configmap.yaml.hbs"),
    ),
    (
        "provisioning",
        include_str!("../../../../templates/provisioning.yaml.hbs"),
    ),
    (
        "install-plugin.sh",
        include_str!("../../../../templates/install-plugin.sh.hbs"),
    ),
    (
        "install-plugin-configmap",
        include_str!("../../../../templates/install-plugin-configmap.yaml.hbs"),
    ),
    (
        "airgap",
        include_str!("../../../../templates/airgap.yaml.hbs"),
    ),
    (
        "networkpolicy",
        include_str!("../../../../templates/networkpolicy.yaml.hbs"),
    ),
    ("setup", include_str!("../../../../templates/setup.sh.hbs")),
    // a template for tests of the helpers themselves
    ("helpers-test", "{{yaml v}}|{{sh v}}|{{line v}}"),
];

struct Registry {
    handlebars: Handlebars<'static>,
    errors: Vec<String>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut handlebars = Handlebars::new();
        handlebars.register_escape_fn(handlebars::no_escape);
        handlebars.set_strict_mode(true);
        handlebars.register_helper("yaml", Box::new(yaml_helper));
        handlebars.register_helper("literal", Box::new(literal_helper));
        handlebars.register_helper("block", Box::new(block_helper));
        handlebars.register_helper("sh", Box::new(sh_helper));
        handlebars.register_helper("line", Box::new(line_helper));
        let mut errors = Vec::new();
        for (name, text) in TEMPLATES {
            if let Err(err) = handlebars.register_template_string(name, text) {
                errors.push(format!("{name}: {err}"));
            }
        }
        Registry { handlebars, errors }
    })
}

/// Templates that did not compile (empty in a correct build; a test checks it).
pub fn errors() -> &'static [String] {
    &registry().errors
}

/// A template that did not render (a bug in a template or its data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template `{name}`: {reason}")]
pub struct TemplateError {
    /// The template.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// Renders the template `name` over `data`.
pub fn render(name: &str, data: &Json) -> Result<String, TemplateError> {
    let error = |reason: String| TemplateError {
        name: name.to_owned(),
        reason,
    };
    let registry = registry();
    if !registry.handlebars.has_template(name) {
        return Err(error("is not registered".into()));
    }
    registry
        .handlebars
        .render(name, data)
        .map_err(|e| error(e.to_string()))
}

fn param<'a>(
    h: &'a Helper<'_>,
    name: &'static str,
    index: usize,
) -> Result<&'a Json, RenderErrorReason> {
    h.param(index)
        .map(|p| p.value())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, index))
}

fn indent_param(h: &Helper<'_>, name: &'static str) -> Result<usize, RenderErrorReason> {
    param(h, name, 1)?
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n <= 64)
        .ok_or(RenderErrorReason::InvalidParamType(
            "an indentation (0 to 64)",
        ))
}

fn to_value(json: &Json) -> Value {
    Value::from_json(
        json,
        &Origin::Default {
            chart: "render",
            version: "",
        },
    )
}

/// A JSON value as one YAML scalar (or flow collection) that reads back as the same value.
pub fn yaml_inline(json: &Json) -> String {
    match json {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        // `{{` is Helm's template syntax, and the grafana chart runs most of its values
        // through `tpl`: such a string is always quoted, and a quoted `{{` is still text to
        // YAML (the callers reject it where Helm would read it)
        Json::String(s) => quote_if_needed(s),
        Json::Array(_) | Json::Object(_) => flow(&to_value(json)),
    }
}

/// A string as a single-quoted shell word.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Text for one comment line: control characters (line breaks included) become spaces.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A string as a literal block scalar whose lines are indented by `indent` (the text after
/// `key: `), or double-quoted when a literal block cannot represent it exactly.
pub fn literal(text: &str, indent: usize) -> String {
    let representable = text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && !text.chars().any(|c| {
            (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        })
        && !text.lines().any(|l| l.trim().is_empty() && !l.is_empty());
    if !representable {
        return double_quoted(text);
    }
    let body = text.trim_end_matches('\n');
    let header = match text.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    let pad = " ".repeat(indent);
    let mut out = header.to_owned();
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    for _ in 1..(text.len() - body.len()) {
        out.push('\n');
    }
    out
}

fn string_param(json: &Json) -> String {
    match json {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn yaml_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, "yaml", 0)?;
    out.write(&yaml_inline(value))?;
    Ok(())
}

fn literal_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, "literal", 0)?;
    let indent = indent_param(h, "literal")?;
    match value {
        Json::String(s) => out.write(&literal(s, indent))?,
        other => out.write(&yaml_inline(other))?,
    }
    Ok(())
}

fn block_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, "block", 0)?;
    let indent = indent_param(h, "block")?;
    let empty = match value {
        Json::Null => true,
        Json::Array(items) => items.is_empty(),
        Json::Object(map) => map.is_empty(),
        _ => return Err(RenderErrorReason::InvalidParamType("a list or a map").into()),
    };
    if !empty {
        let text = block_at(&to_value(value), indent);
        out.write("\n")?;
        out.write(text.trim_end_matches('\n'))?;
    }
    Ok(())
}

fn sh_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, "sh", 0)?;
    out.write(&sh_quote(&string_param(value)))?;
    Ok(())
}

fn line_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let value = param(h, "line", 0)?;
    out.write(&comment_text(&string_param(value)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};
    use serde_json::json;

    #[test]
    fn every_template_compiles() {
        assert!(errors().is_empty(), "{:?}", errors());
    }

    #[test]
    fn helpers_make_hostile_text_inert() {
        let hostile = "a'b\"c: d # e\n{{ .Values.x }}\r\n$(rm -rf /) `x` ${HOME}\u{1b}[31m";
        let out = render("helpers-test", &json!({ "v": hostile })).unwrap();
        let mut parts = out.splitn(3, '|');
        let (yaml, rest) = (parts.next().unwrap(), parts.next().unwrap());
        let _ = rest;
        let docs = parse(&format!("k: {yaml}\n"), &Limits::default()).unwrap();
        let doc = &docs[0];
        let root = doc.root.unwrap();
        let value = crate::values::to_value(doc, root, 0, &|r| r, 100).unwrap();
        assert_eq!(value.get(&["k"]).unwrap().as_str(), Some(hostile));
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert!(!comment_text(hostile).contains(['\n', '\r', '\u{1b}']));
    }

    #[test]
    fn literal_blocks_read_back_exactly() {
        for text in [
            "a\nb\n",
            "a\nb",
            "a\n\nb\n\n",
            "#!/bin/sh\nset -eu\n",
            " lead\n",
            "x",
        ] {
            let yaml = format!("k: {}\n", literal(text, 2));
            let docs = parse(&yaml, &Limits::default()).unwrap();
            let doc = &docs[0];
            let value = crate::values::to_value(doc, doc.root.unwrap(), 0, &|r| r, 100).unwrap();
            assert_eq!(value.get(&["k"]).unwrap().as_str(), Some(text), "{yaml}");
        }
    }
}
