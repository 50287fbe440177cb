//! OC041 airgap-preinstall: in an air-gapped install Grafana 11.5 and later must have
//! `[plugins] preinstall_disabled = true`; a synchronous preinstall turns a failed download
//! into a failed start. Also flags `preinstall_sync_enabled`, which Grafana does not have.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::{Version, show_version as show};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::grafana::{Setting, SettingSource, env_key, ini_bool};
use crate::model::plugin::{
    CORE_PLUGINS_FROM, Grammar, INSTALL_MIGRATED_FROM, PREINSTALL_FROM, chart_grammar,
    chart_variable,
};
use crate::values::{Kind, Value};

/// What OC041 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `preinstall_disabled` is not true on a Grafana that preinstalls plugins.
    NotDisabled {
        /// The setting as written (the ini key or its environment variable).
        name: String,
        /// The Grafana version.
        grafana: String,
        /// The setting is an environment variable.
        env: bool,
    },
    /// `preinstall_disabled` is not true and the preinstall is synchronous.
    Sync {
        /// The setting as written (the ini key or its environment variable).
        name: String,
        /// The Grafana version.
        grafana: String,
        /// What makes the preinstall synchronous.
        cause: String,
        /// The setting is an environment variable.
        env: bool,
    },
    /// `preinstall_disabled` is not true and `preinstall_auto_update` not false on a Grafana
    /// that preinstalls (and updates) its core datasources.
    CorePlugins {
        /// The setting as written (the ini key or its environment variable).
        name: String,
        /// The Grafana version.
        grafana: String,
        /// The setting is an environment variable.
        env: bool,
    },
    /// `preinstall_sync_enabled`, which is not a Grafana setting.
    NoSuchSetting {
        /// The setting as written.
        name: String,
    },
    /// `preinstall_disabled` on a Grafana older than 11.5, which ignores it.
    BeforePreinstall {
        /// The setting as written.
        name: String,
        /// The Grafana version.
        grafana: String,
    },
}

/// Where `preinstall_disabled` goes in the values.
const DISABLED_KEYS: [&str; 4] = ["grafana", "grafana.ini", "plugins", "preinstall_disabled"];

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || !ctx.grafana().deployed() {
        return;
    }
    ghost_settings(ctx, out);

    // a tag that is not a version (`latest`): whether it preinstalls is not known here
    let Some((version, _)) = ctx.grafana().version() else {
        return;
    };
    let disabled = ctx.grafana().setting("plugins", "preinstall_disabled");
    if version < PREINSTALL_FROM {
        if let Some(disabled) = disabled.filter(|d| d.value.site().is_some()) {
            let location = ctx
                .release
                .locate(disabled.value, &disabled.keys(), false);
            out.emit(
                Message::BeforePreinstall {
                    name: disabled.name.clone(),
                    grafana: show(version),
                },
                location,
            );
        }
        return;
    }
    if disabled
        .as_ref()
        .is_some_and(|d| ini_bool(&d.text()) == Some(true))
    {
        return;
    }
    not_disabled(ctx, disabled.as_ref(), version, out);
}

/// `preinstall_sync_enabled` (in the ini file or the environment), which is not a Grafana
/// setting: copied from blog posts, it does nothing.
fn ghost_settings(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    let ghost_env = env_key("plugins", "preinstall_sync_enabled");
    let ghosts = [
        (
            vec![
                "grafana",
                "grafana.ini",
                "plugins",
                "preinstall_sync_enabled",
            ],
            "`plugins.preinstall_sync_enabled`".to_owned(),
        ),
        (
            vec!["grafana", "env", ghost_env.as_str()],
            format!("`{ghost_env}`"),
        ),
    ];
    for (keys, name) in ghosts {
        let Some(value) = release.get(&keys) else {
            continue;
        };
        if value.site().is_none() {
            continue;
        }
        let location = release.locate(value, &keys, true);
        // it does nothing, so removing it changes nothing
        let fix = ctx.fix_at(
            Some(value),
            format!("remove {name}"),
            Applicability::Safe,
            vec![Op::Remove { path: path(&keys) }],
        );
        out.emit(Message::NoSuchSetting { name }, location)
            .with_fix(fix);
    }
}

/// Reports `preinstall_disabled` not true on a Grafana that preinstalls plugins (`disabled`
/// being the setting when one is set).
fn not_disabled(
    ctx: &CheckContext<'_>,
    disabled: Option<&Setting<'_>>,
    version: Version,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let sync = synchronous(ctx, version);
    let env = disabled.is_some_and(|d| d.source == SettingSource::Env);
    let name = disabled.map_or_else(
        || "`plugins.preinstall_disabled`".to_owned(),
        |d| d.name.clone(),
    );
    // report the `preinstall_disabled` the user wrote, else the cause, else the nearest key
    let location = match (disabled, sync.as_ref().map(|(cause, _)| cause)) {
        (Some(d), _) if d.value.site().is_some() => release.locate(d.value, &d.keys(), false),
        (_, Some(c)) => release.locate(c.value, &c.keys(), false),
        _ => release.blame(&DISABLED_KEYS),
    };
    let fix = disable_fix(ctx, disabled);
    let grafana = show(version);
    // Grafana 13 keeps its bundled core datasources up to date through the preinstall
    // unless `preinstall_auto_update` is false
    let updates_core = version >= CORE_PLUGINS_FROM
        && ctx
            .grafana()
            .setting("plugins", "preinstall_auto_update")
            .is_none_or(|s| ini_bool(&s.text()) != Some(false));
    let message = match sync {
        Some((_, cause)) => Message::Sync {
            name,
            grafana,
            cause,
            env,
        },
        None if updates_core => Message::CorePlugins { name, grafana, env },
        None => Message::NotDisabled { name, grafana, env },
    };
    out.emit(message, location).with_fix(fix);
}

/// The setting a user wrote that makes the preinstall synchronous (`preinstall_async`
/// false, else a `preinstall_sync` list, else a list Grafana moves into it: `grafana.plugins`
/// on a chart that writes it into `GF_PLUGINS_PREINSTALL_SYNC`, or `GF_INSTALL_PLUGINS`
/// (from `grafana.env` or `grafana.plugins`) on Grafana 12 and later), and the words for it.
fn synchronous<'a>(ctx: &CheckContext<'a>, version: Version) -> Option<(Setting<'a>, String)> {
    let setting = |key: &str| ctx.grafana().setting("plugins", key);
    let async_off = setting("preinstall_async")
        .filter(|s| ini_bool(&s.text()) == Some(false) && s.value.site().is_some());
    if let Some(a) = async_off {
        let cause = format!("{} false", a.name);
        return Some((a, cause));
    }
    if let Some(sync_list) = setting("preinstall_sync")
        .filter(|s| !s.text().trim().is_empty() && s.value.site().is_some())
    {
        let cause = format!("{} listing plugins", sync_list.name);
        return Some((sync_list, cause));
    }
    migrated(ctx, version)
}

/// A plugin list the user wrote that Grafana installs synchronously through
/// `preinstall_sync` without naming it: `GF_INSTALL_PLUGINS` in `grafana.env` (Grafana 12 and
/// later move it there), else a non-empty `grafana.plugins` the chart writes into
/// `GF_PLUGINS_PREINSTALL_SYNC` (chart 11.1.1 and later) or `GF_INSTALL_PLUGINS` (Grafana 12
/// and later).
fn migrated<'a>(ctx: &CheckContext<'a>, version: Version) -> Option<(Setting<'a>, String)> {
    let release = ctx.release;
    let sync_chart = chart_grammar(release) == Grammar::Preinstall;
    let written = |keys: &[&str]| {
        release
            .get(keys)
            .filter(|v| v.site().is_some() && v.scalar_string().is_some_and(|t| !t.trim().is_empty()))
    };
    let owned = |keys: &[&str]| keys.iter().map(|k| (*k).to_owned()).collect::<Vec<_>>();
    let env_keys = ["grafana", "env", "GF_INSTALL_PLUGINS"];
    if version >= INSTALL_MIGRATED_FROM
        && let Some(value) = written(&env_keys)
    {
        let setting = Setting {
            value,
            source: SettingSource::Env,
            path: owned(&env_keys),
            name: "`GF_INSTALL_PLUGINS`".into(),
        };
        let cause = "`GF_INSTALL_PLUGINS` (which Grafana 12 and later install as `preinstall_sync`)".to_owned();
        return Some((setting, cause));
    }
    if !sync_chart && version < INSTALL_MIGRATED_FROM {
        return None;
    }
    let plugins_keys = ["grafana", "plugins"];
    let plugins = release
        .get(&plugins_keys)
        .filter(|p| p.site().is_some())
        .filter(|p| p.as_seq().is_some_and(|items| !items.is_empty()))?;
    let variable = chart_variable(release);
    let name = format!("`{}`", ctx.grafana().key_name("plugins"));
    let cause = if sync_chart {
        format!("{name} (which grafana chart {} writes into `{variable}`)", release.grafana_chart())
    } else {
        format!("{name} (`{variable}`, which Grafana 12 and later install as `preinstall_sync`)")
    };
    let setting = Setting {
        value: plugins,
        source: SettingSource::Env,
        path: owned(&plugins_keys),
        name,
    };
    Some((setting, cause))
}

/// Sets `preinstall_disabled` to true where Grafana reads it: the setting the user wrote
/// (the env variable, or the ini key), else the ini key.
fn disable_fix(ctx: &CheckContext<'_>, disabled: Option<&Setting<'_>>) -> Option<Fix> {
    let (fix_value, fix_keys) = match disabled {
        Some(d) if d.value.site().is_some() => (Some(d.value), d.keys()),
        _ => (None, DISABLED_KEYS.to_vec()),
    };
    let new_value = match fix_value.map(|v| &v.kind) {
        Some(Kind::Str(_)) => fix::ops::text("true"),
        _ => Value::new(Kind::Bool(true), fix::ops::text("").origin),
    };
    // plugins a mirror could still preinstall are then left out: review it
    ctx.fix_at(
        fix_value,
        "set `preinstall_disabled` to true",
        Applicability::Unsafe,
        vec![Op::SetScalar {
            path: path(&fix_keys),
            value: new_value,
        }],
    )
}
