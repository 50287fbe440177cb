//! OC003 plugin-jsondata-incomplete: the plugin's provisioned `jsonData` must hold
//! `stackId`, `orgId` and `onCallApiUrl` (the plugin reports "jsonData.<key> is not set").

use serde_json::json;

use super::{CheckContext, Emitter, InputKind, path, string};
use crate::diagnostic::{Applicability, Location};
use crate::fix::{self, Op};
use crate::provisioning::ProvisionedApp;
use crate::values::{Kind, Value};

/// The keys the plugin cannot do without, in the order its status check reads them.
const REQUIRED: [&str; 3] = ["stackId", "orgId", "onCallApiUrl"];

/// `oncall.fullname` of the chart for a release name: `fullnameOverride`, else the release
/// name when it contains the chart name (`oncall`, or `nameOverride`), else
/// `<release>-<name>`; 63 characters at most. `None` without a release name.
pub fn oncall_fullname(ctx: &CheckContext<'_>) -> Option<String> {
    let text = |keys: &[&str]| {
        ctx.release
            .get(keys)
            .and_then(Value::scalar_string)
            .filter(|s| !s.is_empty())
    };
    let full = match text(&["fullnameOverride"]) {
        Some(full) => full,
        None => {
            let release = ctx.options.release_name.as_deref()?;
            let name = text(&["nameOverride"]).unwrap_or_else(|| "oncall".into());
            if release.contains(&name) {
                release.to_owned()
            } else {
                format!("{release}-{name}")
            }
        }
    };
    Some(trunc(&full, 63).trim_end_matches('-').to_owned())
}

/// The engine's internal Service (`<oncall.fullname | trunc 55>-engine`), when the release
/// name is known (or `fullnameOverride` makes it irrelevant).
pub fn engine_service(ctx: &CheckContext<'_>) -> Option<String> {
    oncall_fullname(ctx).map(|full| format!("{}-engine", trunc(&full, 55)))
}

/// The `onCallApiUrl` to suggest: the engine Service on port 8080, with its namespace when
/// Grafana runs in another one. The flag says whether it is complete (no placeholder).
pub fn suggested_engine_url(ctx: &CheckContext<'_>) -> (String, bool) {
    let service = engine_service(ctx);
    let other_namespace = match (&ctx.options.namespace, &ctx.options.grafana_namespace) {
        (Some(ns), Some(gns)) => (ns != gns).then(|| ns.clone()),
        (None, Some(_)) => Some("<oncall-namespace>".to_owned()),
        _ => None,
    };
    let complete = service.is_some() && other_namespace.as_deref() != Some("<oncall-namespace>");
    let service = service.unwrap_or_else(|| "<release>-oncall-engine".to_owned());
    let host = match other_namespace {
        Some(ns) => format!("{service}.{ns}.svc.cluster.local"),
        None => service,
    };
    (format!("http://{host}:8080"), complete)
}

fn trunc(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Where a finding about a missing key of `app` is reported: the `jsonData` key, else the
/// entry's `type`.
fn anchor(ctx: &CheckContext<'_>, app: &ProvisionedApp) -> Option<Location> {
    if let Some(json_data) = app.value.get(&["jsonData"])
        && let Some(site) = json_data.site()
        && site.key_span.is_some()
    {
        return Some(
            ctx.release
                .site_location(site, app.key_path.key("jsonData"), true),
        );
    }
    let ty = app.value.get(&["type"])?;
    Some(
        ctx.release
            .site_location(ty.site()?, app.key_path.key("type"), false),
    )
}

/// Whether a key counts as not set: absent, `null`, or an empty string.
fn unset(value: Option<&Value>) -> bool {
    match value.map(|v| &v.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::Str(s)) => s.trim().is_empty(),
        _ => false,
    }
}

/// The value the plugin needs for `key`, and whether it is certain.
fn value_for(ctx: &CheckContext<'_>, key: &str) -> (Value, Applicability) {
    match key {
        "stackId" => {
            let expected = if ctx.input == InputKind::OncallValues {
                super::plugin_stack_id::engine_env(ctx, super::plugin_stack_id::STACK_ID_ENV)
                    .and_then(|(v, _)| v.scalar_string()?.trim().parse::<i64>().ok())
                    .unwrap_or(super::plugin_stack_id::DEFAULT_STACK_ID)
            } else {
                super::plugin_stack_id::DEFAULT_STACK_ID
            };
            let applicability = if ctx.input == InputKind::OncallValues {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            (int(expected), applicability)
        }
        "orgId" => (int(super::plugin_org_id::ORG_ID), Applicability::Safe),
        _ => {
            let (url, complete) = suggested_engine_url(ctx);
            let applicability = if complete {
                Applicability::Unsafe
            } else {
                Applicability::DisplayOnly
            };
            (string(url), applicability)
        }
    }
}

fn int(i: i64) -> Value {
    let mut v = string("");
    v.kind = Kind::Int(i);
    v
}

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    for app in ctx.provisioning {
        let Some(location) = anchor(ctx, app) else {
            continue;
        };
        let json_data = app.value.get(&["jsonData"]);
        if json_data.is_none_or(|v| !matches!(v.kind, Kind::Map(_))) {
            // no `jsonData` at all: one finding, one fix that writes the three keys
            if json_data.is_some_and(|v| !v.is_null()) {
                continue;
            }
            let mut map = crate::values::Map::default();
            let mut applicability = Applicability::Safe;
            for key in REQUIRED {
                let (value, a) = value_for(ctx, key);
                applicability = applicability.min(a);
                map.insert(key.to_owned(), value);
            }
            let mut value = string("");
            value.kind = Kind::map(map);
            let fix = fix::build::for_app(
                ctx.release,
                app,
                "add `jsonData` with `stackId`, `orgId` and `onCallApiUrl`".into(),
                applicability,
                vec![Op::Replace {
                    path: path(&["jsonData"]),
                    value,
                }],
            );
            out.emit("no-jsondata", json!({}), location).with_fix(fix);
            continue;
        }
        for key in REQUIRED {
            let found = json_data.and_then(|j| j.get(&[key]));
            if !unset(found) {
                continue;
            }
            let (value, applicability) = value_for(ctx, key);
            let suggested = value.scalar_string().unwrap_or_default();
            let location = match found.and_then(Value::site) {
                Some(site) => {
                    ctx.release
                        .site_location(site, app.key_path.extend(&["jsonData", key]), true)
                }
                None => location.clone(),
            };
            let fix = fix::build::for_app(
                ctx.release,
                app,
                format!("set `jsonData.{key}` to {suggested}"),
                applicability,
                vec![Op::SetScalar {
                    path: path(&["jsonData", key]),
                    value,
                }],
            );
            let message = if found.is_some() { "empty" } else { "missing" };
            out.emit(
                message,
                json!({ "key": key, "suggested": suggested }),
                location,
            )
            .with_fix(fix);
        }
    }
}
