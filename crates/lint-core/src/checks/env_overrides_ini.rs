//! OC053 env-overrides-ini: Grafana applies `GF_<SECTION>_<KEY>` env variables over the ini
//! file, so a `grafana.ini` setting you wrote that an env variable in `grafana.env` also
//! sets, to something else, is silently ignored.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::grafana::{EXTERNAL_SERVICE_ACCOUNTS, env_key, ini_bool, split_list};
use crate::values::Value;

/// Settings Grafana reads as lists (commas or spaces): an env variable that lists all the
/// ini value lists loses nothing.
const LIST_KEYS: [(&str, &str); 4] = [
    ("feature_toggles", "enable"),
    ("plugins", "allow_loading_unsigned_plugins"),
    ("plugins", "preinstall"),
    ("plugins", "preinstall_sync"),
];

/// What OC053 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An env variable overrides a `grafana.ini` setting with another value.
    Overridden {
        /// The ini section.
        section: String,
        /// The ini key.
        key: String,
        /// The env variable's name.
        name: String,
        /// The ini value.
        ini: String,
        /// The env variable's value.
        env: String,
        /// Whether the env variable is the chart's default.
        env_from_chart: bool,
        /// The chart, as messages name it.
        chart: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let (Some(ini), Some(env)) = (
        release
            .get(&["grafana", "grafana.ini"])
            .and_then(Value::as_map),
        release.get(&["grafana", "env"]).and_then(Value::as_map),
    ) else {
        return;
    };
    for (section, values) in ini {
        let Some(values) = values.as_map() else {
            continue;
        };
        for (key, value) in values {
            // a chart default under a user's env variable is how overrides are meant to work
            if value.site().is_none() {
                continue;
            }
            let Some(ini_text) = value.scalar_string() else {
                continue;
            };
            let name = env_key(section, key);
            let Some(env_value) = env.get(&name) else {
                continue;
            };
            let Some(env_text) = env_value.scalar_string().filter(|t| !t.is_empty()) else {
                continue;
            };
            if same(section, key, &ini_text, &env_text) {
                continue;
            }
            // an env variable that drops the OnCall toggle is OC010's finding
            if (section.as_str(), key.as_str()) == ("feature_toggles", "enable")
                && !split_list(&env_text).contains(&EXTERNAL_SERVICE_ACCOUNTS)
            {
                continue;
            }
            let keys = ["grafana", "grafana.ini", section.as_str(), key.as_str()];
            let fix = ctx.fix_at(
                Some(value),
                format!("remove `{section}.{key}`, which `{name}` overrides"),
                Applicability::Unsafe,
                vec![Op::Remove {
                    path: path(&removal(ctx, value, &keys)),
                }],
            );
            // a secret setting's values are not quoted
            let secret = crate::redact::is_secret_key(key) || crate::redact::is_secret_key(&name);
            let describe = |v: &crate::values::Value| {
                if secret {
                    format!("`{}`", crate::redact::MASK)
                } else {
                    v.describe()
                }
            };
            let diagnostic = out
                .emit(
                    Message::Overridden {
                        section: section.clone(),
                        key: key.clone(),
                        name: name.clone(),
                        ini: describe(value),
                        env: describe(env_value),
                        env_from_chart: env_value.site().is_none(),
                        chart: ctx.release.chart_name(),
                    },
                    release.locate(value, &keys, false),
                )
                .with_fix(fix);
            // a chart default has no line to point at (the message names the chart)
            if let Some(site) = env_value.site() {
                let key_path = release.key_path(&["grafana", "env", &name]);
                let env_location = release.site_location(site, key_path, false);
                diagnostic.with_related(env_location, format!("`{name}` wins"));
            }
        }
    }
}

/// Whether Grafana would read both texts the same way.
fn same(section: &str, key: &str, ini: &str, env: &str) -> bool {
    if ini.trim() == env.trim() {
        return true;
    }
    if let (Some(a), Some(b)) = (ini_bool(ini), ini_bool(env)) {
        return a == b;
    }
    if let (Ok(a), Ok(b)) = (ini.trim().parse::<f64>(), env.trim().parse::<f64>()) {
        return a == b;
    }
    if LIST_KEYS.contains(&(section, key)) {
        let env_items = split_list(env);
        return split_list(ini).iter().all(|item| env_items.contains(item));
    }
    false
}

/// What to remove for `keys`: the key, or its section (or all of `grafana.ini`) when the
/// file holds nothing else there (up to `grafana` itself), so no empty map is left to null
/// the chart's defaults.
fn removal<'k>(ctx: &CheckContext<'_>, value: &Value, keys: &[&'k str]) -> Vec<&'k str> {
    let layer = value
        .site()
        .and_then(|site| ctx.release.layers.get(site.layer));
    let mut end = keys.len();
    while end > 1 {
        let parent = &keys[..end - 1];
        let alone = layer
            .and_then(|l| {
                let entry = l.doc.lookup(l.root?, parent)?;
                Some(l.doc.entries(entry.value).len() == 1)
            })
            .unwrap_or(false);
        if !alone {
            break;
        }
        end -= 1;
    }
    keys[..end].to_vec()
}
