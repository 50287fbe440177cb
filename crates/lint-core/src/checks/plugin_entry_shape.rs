//! OC037 plugin-entry-shape: `grafana.plugins` items are joined as text into
//! `GF_INSTALL_PLUGINS`; a map item prints as `map[...]`, which names no plugin.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::values::{Kind, Value};

/// The OnCall plugin's id.
const PLUGIN_ID: &str = "grafana-oncall-app";

/// What OC037 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A `grafana.plugins` item is a map.
    Map {
        /// The item's key path.
        path: String,
        /// How the grafana chart's `join` prints the item.
        rendered: String,
        /// Whether the map names the OnCall plugin.
        oncall: bool,
        /// The item as a plugin string, when it can be written as one.
        suggested: Option<String>,
    },
    /// A `grafana.plugins` item is a list.
    Other {
        /// The item's key path.
        path: String,
        /// The value written.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let Some(items) = release.get(&["grafana", "plugins"]).and_then(Value::as_seq) else {
        return;
    };
    for (index, item) in items.iter().enumerate() {
        if item.site().is_none() {
            continue;
        }
        let mut location = release.locate(item, &["grafana", "plugins"], false);
        location.key_path = release.key_path(&["grafana", "plugins"]).index(index);
        match &item.kind {
            Kind::Map(map) => {
                let suggested = suggested(map);
                let oncall = map.values().any(|v| v.as_str() == Some(PLUGIN_ID));
                let fix = suggested.as_ref().and_then(|text| {
                    let mut fix_path = path(&["grafana", "plugins"]);
                    fix_path.push(Seg::Index(index));
                    ctx.fix_at(
                        Some(item),
                        format!("write the plugin as `{text}`"),
                        Applicability::Safe,
                        vec![Op::Replace {
                            path: fix_path,
                            value: fix::ops::text(text.clone()),
                        }],
                    )
                });
                let message = Message::Map {
                    path: location.key_path.to_string(),
                    rendered: go_print(item),
                    oncall,
                    suggested,
                };
                out.emit(message, location).with_fix(fix);
            }
            Kind::Seq(_) => {
                let message = Message::Other {
                    path: location.key_path.to_string(),
                    found: item.describe(),
                };
                out.emit(message, location);
            }
            _ => {}
        }
    }
}

/// The string form of a `{name|id, version?, url?}` map, when it holds nothing else.
fn suggested(map: &crate::values::Map) -> Option<String> {
    let text = |key: &str| map.get(key).and_then(Value::scalar_string);
    let id = text("name").or_else(|| text("id"))?;
    let known = ["name", "id", "version", "url"];
    if map.keys().any(|k| !known.contains(&k.as_str()))
        || (map.contains_key("name") && map.contains_key("id"))
        || id.trim().is_empty()
        || id.contains([' ', ',', ';'])
    {
        return None;
    }
    match (text("url"), text("version")) {
        (Some(url), _) => Some(format!("{url};{id}")),
        (None, Some(version)) => Some(format!("{id} {version}")),
        (None, None) => Some(id),
    }
}

/// How Go's `fmt` prints a value inside `join`: maps as `map[k:v ...]` with sorted keys,
/// lists as `[a b]`.
fn go_print(value: &Value) -> String {
    match &value.kind {
        Kind::Map(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .filter_map(|k| map.get(k.as_str()).map(|v| format!("{k}:{}", go_print(v))))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Kind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(go_print).collect();
            format!("[{}]", parts.join(" "))
        }
        Kind::Null => "<nil>".into(),
        _ => value.scalar_string().unwrap_or_default(),
    }
}
