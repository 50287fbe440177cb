//! OC052 grafana-ini-scalars: the grafana chart writes each `grafana.ini` section's values
//! with `{{ $elemVal }}`, so a YAML list becomes Go's `[a b]` and a map `map[k:v]` in the
//! ini file. Sections with dots in their names (`auth.generic_oauth`) are top-level keys.
//! `feature_toggles.enable` is OC010's.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::values::{Kind, Value};

/// Keys Grafana reads as lists with `util.SplitString` (commas or spaces): a YAML list
/// there means a comma-separated string.
const LIST_KEYS: [(&str, &str); 8] = [
    ("plugins", "allow_loading_unsigned_plugins"),
    ("plugins", "preinstall"),
    ("plugins", "preinstall_sync"),
    ("plugins", "hide_angular_deprecation"),
    ("security", "csrf_trusted_origins"),
    ("security", "csrf_additional_headers"),
    ("users", "hidden_users"),
    ("auth.generic_oauth", "scopes"),
];

/// What OC052 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A `grafana.ini` value is a YAML list.
    List {
        /// The ini section.
        section: String,
        /// The ini key.
        key: String,
        /// The grafana chart's version.
        chart: String,
        /// The list as the chart writes it (`[a b]`).
        rendered: String,
        /// Whether Grafana reads the key as a list.
        split: bool,
    },
    /// A `grafana.ini` value is a map.
    Map {
        /// The ini section.
        section: String,
        /// The ini key.
        key: String,
        /// The grafana chart's version.
        chart: String,
        /// The section name with the dot (`section.key`).
        dotted: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let Some(ini) = release
        .get(&["grafana", "grafana.ini"])
        .and_then(Value::as_map)
    else {
        return;
    };
    let chart = release.grafana_chart();
    for (section, values) in ini {
        let Some(values) = values.as_map() else {
            continue;
        };
        for (key, value) in values {
            if value.site().is_none() || (section == "feature_toggles" && key == "enable") {
                continue;
            }
            let keys = ["grafana", "grafana.ini", section.as_str(), key.as_str()];
            match &value.kind {
                Kind::Seq(items) => {
                    let texts: Option<Vec<String>> =
                        items.iter().map(Value::scalar_string).collect();
                    let split = LIST_KEYS.contains(&(section.as_str(), key.as_str()));
                    let fix = texts.as_ref().and_then(|texts| {
                        ctx.fix_at(
                            Some(value),
                            "write the list as one comma-separated string",
                            if split {
                                Applicability::Safe
                            } else {
                                Applicability::Unsafe
                            },
                            vec![Op::Replace {
                                path: path(&keys),
                                value: fix::ops::text(texts.join(",")),
                            }],
                        )
                    });
                    let rendered = format!("[{}]", texts.unwrap_or_default().join(" "));
                    out.emit(
                        Message::List {
                            section: section.clone(),
                            key: key.clone(),
                            chart: chart.to_owned(),
                            rendered,
                            split,
                        },
                        release.locate(value, &keys, false),
                    )
                    .with_fix(fix);
                }
                Kind::Map(inner) => {
                    let dotted = format!("{section}.{key}");
                    let taken = ini.contains_key(&dotted);
                    let fix = (!taken)
                        .then(|| move_to_section(ctx, value, &keys, &dotted, inner))
                        .flatten();
                    out.emit(
                        Message::Map {
                            section: section.clone(),
                            key: key.clone(),
                            chart: chart.to_owned(),
                            dotted,
                        },
                        release.locate(value, &keys, true),
                    )
                    .with_fix(fix);
                }
                _ => {}
            }
        }
    }
}

/// Moves a nested map to the section whose name has the dot.
fn move_to_section(
    ctx: &CheckContext<'_>,
    value: &Value,
    keys: &[&str],
    dotted: &str,
    inner: &crate::values::Map,
) -> Option<Fix> {
    if inner.values().any(|v| v.scalar_string().is_none()) {
        return None;
    }
    ctx.fix_at(
        Some(value),
        format!("move it to the section `{dotted}`"),
        Applicability::Unsafe,
        vec![
            Op::Remove { path: path(keys) },
            Op::Replace {
                path: vec![
                    Seg::Key("grafana".into()),
                    Seg::Key("grafana.ini".into()),
                    Seg::Key(dotted.to_owned()),
                ],
                value: value.clone(),
            },
        ],
    )
}
