//! OC051 grafana-env-map: the grafana chart ranges over `env` as a map of names to values
//! (`- name: {{ tpl $key $ }}` / `value: {{ tpl (print $value) $ }}`); a list (the
//! Kubernetes form people copy) fails to render, and replaces the oncall chart's own
//! `grafana.env` entries.

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::values::{Kind, Value};

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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
    let (key, fix) = match &env.kind {
        Kind::Seq(items) => ("list", to_map(ctx, env, items)),
        _ => ("not-map", None),
    };
    out.emit_json(
        key,
        json!({
            "found": env.describe(),
            "dropped": dropped.join("`, `"),
            "version": ctx.release.chart_version(),
            "chart": ctx.release.chart_name(),
        }),
        location,
    )
    .with_fix(fix);
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
