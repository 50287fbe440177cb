//! OC051 grafana-env-map: the grafana chart ranges over `env` as a map of names to values
//! (`- name: {{ tpl $key $ }}` / `value: {{ tpl (print $value) $ }}`); a list (the
//! Kubernetes form people copy) fails to render, and replaces the oncall chart's own
//! `grafana.env` entries.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::values::{Kind, Value};

/// What OC051 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `env` is a list.
    List {
        /// The chart's env entries the list replaces, joined with "`, `" (empty for none).
        dropped: String,
    },
    /// `env` is neither a map nor a list.
    NotMap {
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
    let env_path = ["grafana", "env"];
    let Some(env) = release.get(&env_path) else {
        return;
    };
    if env.site().is_none() || matches!(env.kind, Kind::Map(_) | Kind::Null) {
        return;
    }
    let dropped: Vec<String> = release
        .defaults()
        .get(&env_path)
        .and_then(Value::as_map)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let location = release.locate(env, &env_path, false);
    let (message, fix) = match &env.kind {
        Kind::Seq(items) => (
            Message::List {
                dropped: dropped.join("`, `"),
            },
            to_map(ctx, env, items),
        ),
        _ => (
            Message::NotMap {
                found: env.describe(),
            },
            None,
        ),
    };
    out.emit(message, location).with_fix(fix);
}

/// The list rewritten as the map the chart reads; `valueFrom` items go to `envValueFrom`.
fn to_map(ctx: &CheckContext<'_>, env: &Value, items: &[Value]) -> Option<Fix> {
    let mut values = crate::values::Map::default();
    let mut ops = Vec::new();
    for item in items {
        let map = item.as_map()?;
        let name = map.get("name")?.as_str()?.to_owned();
        match (map.get("value"), map.get("valueFrom")) {
            (Some(value), None) if map.len() == 2 => {
                values.insert(name, fix::ops::text(value.scalar_string()?));
            }
            (None, Some(from)) if map.len() == 2 && from.as_map().is_some() => {
                ops.push(Op::Replace {
                    path: path(&["grafana", "envValueFrom", &name]),
                    value: from.clone(),
                });
            }
            _ => return None,
        }
    }
    let applicability = if ops.is_empty() {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    ops.insert(
        0,
        Op::Replace {
            path: path(&["grafana", "env"]),
            value: Value::new(Kind::map(values), env.origin.clone()),
        },
    );
    ctx.fix_at(
        Some(env),
        format!(
            "write `{}` as a map of names to values",
            ctx.grafana().key_name("env")
        ),
        applicability,
        ops,
    )
}
