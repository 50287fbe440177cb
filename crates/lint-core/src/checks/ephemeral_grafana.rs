//! OC060 ephemeral-grafana: without persistence and without an external database, the
//! bundled Grafana keeps its SQLite database (plugin settings, the plugin's service account
//! and token) on an emptyDir, and loses it on every restart.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::values::{Kind, Value};

/// What OC060 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// No persistence and no external database.
    Ephemeral {
        /// `persistence.enabled` as written, or "not set".
        found: String,
    },
    /// No persistence and no external database in the values, with env from a Secret or
    /// ConfigMap that might configure one.
    EphemeralAssumed {
        /// `persistence.enabled` as written, or "not set".
        found: String,
        /// The env-from keys set, each quoted, joined with ", ".
        env_from: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let enabled_path = ["grafana", "persistence", "enabled"];
    let enabled = release.get(&enabled_path);
    if enabled.is_some_and(Value::is_truthy) {
        return;
    }
    if external_database(ctx) {
        return;
    }
    // env from a Secret or ConfigMap may configure the database: say what was assumed
    let env_from: Vec<&str> = ["envFromSecret", "envFromSecrets", "envFromConfigMaps"]
        .into_iter()
        .filter(|k| release.get(&["grafana", k]).is_some_and(Value::is_truthy))
        .collect();
    let location = match enabled {
        Some(value) => release.locate(value, &enabled_path, false),
        None => release.blame(&enabled_path),
    };
    let fix = ctx.fix_at(
        enabled,
        format!(
            "set `{}: true`",
            ctx.grafana().key_name("persistence.enabled")
        ),
        Applicability::Unsafe,
        vec![Op::SetScalar {
            path: path(&enabled_path),
            value: Value::new(
                Kind::Bool(true),
                enabled.map_or(crate::values::Origin::Fix, |v| v.origin.clone()),
            ),
        }],
    );
    let found = enabled.map_or("not set".to_owned(), Value::describe);
    let message = if env_from.is_empty() {
        Message::Ephemeral { found }
    } else {
        Message::EphemeralAssumed {
            found,
            env_from: env_from
                .iter()
                .map(|k| format!("`grafana.{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    };
    out.emit(message, location).with_fix(fix);
}

/// Whether Grafana is configured with a database other than its local SQLite file: ini
/// `database.type` (not `sqlite3`) or `database.url`, their env overrides, or the same
/// variables set from a Secret.
fn external_database(ctx: &CheckContext<'_>) -> bool {
    let grafana = ctx.grafana();
    let setting = |key: &str| {
        grafana
            .env_from_secret("database", key)
            .or_else(|| grafana.setting("database", key).map(|s| s.value))
            .filter(|v| v.is_truthy())
    };
    if setting("url").is_some() {
        return true;
    }
    match setting("type") {
        // a Secret's value: not known, so not ephemeral for sure
        Some(value) if value.as_map().is_some() => true,
        Some(value) => value
            .scalar_string()
            .is_some_and(|t| !t.trim().eq_ignore_ascii_case("sqlite3")),
        None => false,
    }
}
