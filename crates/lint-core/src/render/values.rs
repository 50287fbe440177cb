//! `render values`: the effective values of a release, optionally with where each value
//! came from.

use crate::release::Release;
use crate::values::{Kind, Origin, Value};

use crate::values::emit::to_yaml;

/// Where a value came from, for a person: `values.yaml:12` or `default: oncall 1.16.9`.
pub fn origin_text(release: &Release, value: &Value) -> String {
    match &value.origin {
        Origin::User(site) => {
            let layer = &release.layers[site.layer.min(release.layers.len() - 1)];
            let span = site.key_span.clone().unwrap_or_else(|| site.span.clone());
            let at = layer.source.line_col(span.start);
            format!("{}:{}", layer.source.path(), at.line)
        }
        Origin::Default { chart, version } => format!("default: {chart} {version}"),
        Origin::Fix => "written by a fix".to_owned(),
    }
}

/// A copy of the effective values with every secret value replaced by `****`, judged as
/// the reports judge them ([`crate::redact::holds_secret`]: the keys that hold secrets,
/// everything under `secureJsonData`, not the keys that name one); a boolean, a null or an
/// empty string is never a secret.
pub fn masked(value: &Value) -> Value {
    fn walk(value: &mut Value, secret: bool) {
        match &mut value.kind {
            Kind::Map(map) => {
                // an env entry `{name: DB_PASSWORD, value: ...}`
                let named_secret = map
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(crate::redact::is_secret_key);
                for (k, v) in std::sync::Arc::make_mut(map).iter_mut() {
                    walk(v, crate::redact::holds_secret(k, secret, named_secret));
                }
            }
            Kind::Seq(items) => {
                for item in items {
                    walk(item, secret);
                }
            }
            Kind::Null | Kind::Bool(_) => {}
            Kind::Str(text) if text.is_empty() => {}
            _ if secret => value.kind = Kind::Str(crate::redact::MASK.into()),
            // URL passwords, private keys, tokens, and secrets in YAML embedded in the string
            Kind::Str(text) => *text = crate::redact::mask_text("", text),
            _ => {}
        }
    }
    let mut copy = value.clone();
    walk(&mut copy, false);
    copy
}

/// The effective values as YAML (secrets masked); with `show_origin`, each leaf (and each list, which Helm
/// replaces as a whole) carries a trailing comment naming its origin.
pub fn to_yaml_text(release: &Release, show_origin: bool) -> String {
    let annotate = |value: &Value| -> Option<String> {
        if !show_origin {
            return None;
        }
        match &value.kind {
            Kind::Map(map) if !map.is_empty() => None,
            _ => Some(origin_text(release, value)),
        }
    };
    to_yaml(&masked(&release.values), &annotate)
}

/// The effective values as JSON; with `show_origin`,
/// `{"values": ..., "origins": ...}` where `origins` mirrors the maps of `values` and holds
/// an origin string for each leaf and each list.
pub fn to_json_text(release: &Release, show_origin: bool) -> String {
    let json = if show_origin {
        serde_json::json!({
            "values": masked(&release.values).to_json(),
            "origins": origins(release, &release.values),
        })
    } else {
        masked(&release.values).to_json()
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
    text.push('\n');
    text
}

fn origins(release: &Release, value: &Value) -> serde_json::Value {
    match &value.kind {
        Kind::Map(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| (k.clone(), origins(release, v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        _ => origin_text(release, value).into(),
    }
}
