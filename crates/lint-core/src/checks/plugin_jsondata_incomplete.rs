//! OC003 plugin-jsondata-incomplete: the plugin's provisioned `jsonData` must hold
//! `stackId`, `orgId` and `onCallApiUrl` (the plugin reports `jsonData.<key> is not set`).
//! A key is found as the plugin's Go backend finds it ([`json_data`]): `oncallAPIURL` is
//! its `onCallApiUrl` (OC009 says the case differs), so it is not called missing.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Location};
use crate::fix::{self, Op};
use crate::model::engine::{self, DEFAULT_STACK_ID, STACK_ID_ENV};
use crate::model::names::suggested_engine_url;
use crate::model::plugin::ORG_ID;
use crate::model::provisioning::{ProvisionedApp, json_data};
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// The keys the plugin cannot do without, in the order its status check reads them.
const REQUIRED: [&str; 3] = ["stackId", "orgId", "onCallApiUrl"];

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
            let expected = if ctx.release.kind == InputKind::OncallValues {
                engine::env(ctx.release, STACK_ID_ENV)
                    .and_then(|(v, _)| v.scalar_string()?.trim().parse::<i64>().ok())
                    .unwrap_or(DEFAULT_STACK_ID)
            } else {
                DEFAULT_STACK_ID
            };
            let applicability = if ctx.release.kind == InputKind::OncallValues {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            (fix::ops::int(expected), applicability)
        }
        "orgId" => (fix::ops::int(ORG_ID), Applicability::Safe),
        _ => {
            let (url, complete) = suggested_engine_url(ctx.release);
            let applicability = if complete {
                Applicability::Unsafe
            } else {
                Applicability::DisplayOnly
            };
            (fix::ops::text(url), applicability)
        }
    }
}

/// What OC003 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The entry has no `jsonData` at all.
    NoJsondata,
    /// A required key is absent from `jsonData`.
    Missing {
        /// The key (`stackId`, `orgId` or `onCallApiUrl`).
        key: String,
        /// The value to write.
        suggested: String,
    },
    /// A required key is `null` or empty.
    Empty {
        /// The key (`stackId`, `orgId` or `onCallApiUrl`).
        key: String,
        /// The value to write.
        suggested: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    for app in ctx.provisioning {
        let Some(location) = anchor(ctx, app) else {
            continue;
        };
        let settings = app.value.get(&["jsonData"]);
        if settings.is_none_or(|v| !matches!(v.kind, Kind::Map(_))) {
            // no `jsonData` at all: one finding, one fix that writes the three keys
            if settings.is_some_and(|v| !v.is_null()) {
                continue;
            }
            let mut map = crate::values::Map::default();
            let mut applicability = Applicability::Safe;
            for key in REQUIRED {
                let (value, a) = value_for(ctx, key);
                applicability = applicability.min(a);
                map.insert(key.to_owned(), value);
            }
            let mut value = fix::ops::text("");
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
            out.emit(Message::NoJsondata, location).with_fix(fix);
            continue;
        }
        for key in REQUIRED {
            // the key the backend reads, however its case is written
            let (written, found) = match json_data(app, key) {
                Some((written, value)) => (written, Some(value)),
                None => (key, None),
            };
            if !unset(found) {
                continue;
            }
            let (value, applicability) = value_for(ctx, key);
            let suggested = value.scalar_string().unwrap_or_default();
            let location = match found.and_then(Value::site) {
                Some(site) => ctx.release.site_location(
                    site,
                    app.key_path.extend(&["jsonData", written]),
                    true,
                ),
                None => location.clone(),
            };
            let fix = fix::build::for_app(
                ctx.release,
                app,
                format!("set `jsonData.{key}` to {suggested}"),
                applicability,
                vec![Op::SetScalar {
                    path: path(&["jsonData", written]),
                    value,
                }],
            );
            let key = key.to_owned();
            let message = if found.is_some() {
                Message::Empty { key, suggested }
            } else {
                Message::Missing { key, suggested }
            };
            out.emit(message, location).with_fix(fix);
        }
    }
}
