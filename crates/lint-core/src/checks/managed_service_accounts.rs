//! OC011 managed-service-accounts: from Grafana 11.3 the plugin's service account exists only
//! with `[auth] managed_service_accounts_enabled = true` (or its env override).
//!
//! Grafana reads the setting with go-ini's `MustBool` (`yes`/`on` count, anything else is
//! false), and `GF_AUTH_MANAGED_SERVICE_ACCOUNTS_ENABLED` overrides the ini value when it is
//! not empty.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::show_version as show;
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::grafana::{Setting, SettingSource, env_key, ini_bool};
use crate::values::{Kind, Value};

/// What OC011 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The env override turns managed service accounts off.
    EnvOff {
        /// The env variable's name.
        name: String,
        /// The value written.
        found: String,
        /// The Grafana version.
        grafana: String,
    },
    /// `auth.managed_service_accounts_enabled` is not true.
    IniOff {
        /// The value written.
        found: String,
        /// The Grafana version.
        grafana: String,
    },
    /// Nothing turns managed service accounts on.
    Missing {
        /// The Grafana version.
        grafana: String,
        /// Whether the version comes from the grafana image tag.
        from_tag: bool,
        /// The chart, as messages name it.
        chart: String,
        /// The env variable's name.
        name: String,
    },
    /// The chart's env setting is removed.
    Deleted {
        /// The env variable's name.
        name: String,
        /// The Grafana version.
        grafana: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let Some((version, tag)) = ctx.grafana().version_from((11, 3, 0)) else {
        return;
    };
    let env_name = env_key("auth", "managed_service_accounts_enabled");
    let env_map = ctx.release.get(&["grafana", "env"]);
    if env_map.is_some_and(|e| !e.is_null() && e.as_map().is_none()) {
        // a list or a string: OC051's finding; what Grafana gets is unknown
        return;
    }
    let grafana = show(version);
    if let Some(setting) = ctx
        .grafana()
        .setting("auth", "managed_service_accounts_enabled")
    {
        setting_not_true(ctx, &setting, env_name, grafana, out);
        return;
    }
    not_set(ctx, tag, env_name, grafana, out);
}

/// Reports the setting (`env_name` or the ini key) when it is written but not true.
fn setting_not_true(
    ctx: &CheckContext<'_>,
    setting: &Setting<'_>,
    env_name: String,
    grafana: String,
    out: &mut Emitter<'_, Message>,
) {
    let (value, keys) = (setting.value, setting.keys());
    let text = value.scalar_string().unwrap_or_else(|| value.describe());
    if ini_bool(&text) == Some(true) {
        return;
    }
    let location = ctx.release.locate(value, &keys, false);
    // someone wrote false: turning it on needs review
    let fix = set_true(ctx, value, &keys, Applicability::Unsafe);
    let message = match setting.source {
        SettingSource::Env => Message::EnvOff {
            name: env_name,
            found: text,
            grafana,
        },
        SettingSource::Ini => Message::IniOff {
            found: text,
            grafana,
        },
    };
    out.emit(message, location).with_fix(fix);
}

/// Sets the value at `keys` to true, a string staying a string (and keeping its quotes).
fn set_true(
    ctx: &CheckContext<'_>,
    value: &Value,
    keys: &[&str],
    applicability: Applicability,
) -> Option<Fix> {
    ctx.fix_at(
        Some(value),
        format!("set `{}` to true", keys[keys.len() - 1]),
        applicability,
        vec![Op::SetScalar {
            path: path(keys),
            value: match value.kind {
                // keep a string a string (and its quotes)
                Kind::Str(_) => fix::ops::text("true"),
                _ => Value::new(Kind::Bool(true), value.origin.clone()),
            },
        }],
    )
}

/// Reports that nothing turns managed service accounts on (or that the chart's env setting
/// is removed), `tag` being the Grafana image tag that gives the version.
fn not_set(
    ctx: &CheckContext<'_>,
    tag: Option<&Value>,
    env_name: String,
    grafana: String,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let env_path = ["grafana", "env", env_name.as_str()];
    let chart_had_it = release.defaults().get(&env_path).is_some();
    let deleted = chart_had_it && release.user_sets(&env_path);
    let location = release.blame(&env_path);
    let fix = ctx.fix_at(
        None,
        format!(
            "set `{}: true`",
            ctx.grafana().key_name(&format!("env.{env_name}"))
        ),
        Applicability::Safe,
        vec![Op::SetScalar {
            path: path(&env_path),
            value: Value::new(Kind::Bool(true), crate::values::Origin::Fix),
        }],
    );
    let message = if deleted {
        Message::Deleted {
            name: env_name,
            grafana,
        }
    } else {
        Message::Missing {
            grafana,
            from_tag: tag.is_some(),
            chart: ctx.release.chart_name(),
            name: env_name,
        }
    };
    let diagnostic = out.emit(message, location).with_fix(fix);
    if let Some(tag) = tag {
        let tag_location = release.locate(tag, &["grafana", "image", "tag"], false);
        diagnostic.with_related(tag_location, "this Grafana version needs the setting");
    }
}
