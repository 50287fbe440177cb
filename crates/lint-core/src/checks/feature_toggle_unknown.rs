//! OC055 feature-toggle-unknown: a feature toggle name the deployed Grafana version does not
//! know turns nothing on (Grafana logs "unknown flag in config" and goes on), so a
//! misspelt or case-shifted name (`accessControlOncall`) silently does nothing.
//!
//! Names are read where Grafana reads them: `[feature_toggles] enable` and
//! `GF_FEATURE_TOGGLES_ENABLE` (lists, split as `util.SplitString` does), per-toggle keys of
//! `[feature_toggles]` (case-sensitive), and per-toggle variables
//! `GF_FEATURE_TOGGLES_<NAME>` (upper case, so matched without case). The tables are in
//! `model::grafana_settings`; `accessControlOnCall`, removed from Grafana 11.6, is OC057's.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::show_version as show;
use crate::model::grafana::{EXTERNAL_SERVICE_ACCOUNTS, split_list};
use crate::model::grafana_settings::{OBSOLETE_TOGGLE, Settings, Toggle, show_minor};
use crate::values::Value;

/// What OC055 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A name no table of this version has.
    Unknown {
        /// The name written.
        name: String,
        /// Where it is written, as messages name it.
        place: String,
        /// The Grafana version.
        grafana: String,
        /// The table judged against.
        table: String,
        /// Whether the Grafana version is newer than the newest table.
        newer: bool,
        /// The known name it most resembles, if any.
        suggestion: Option<String>,
    },
    /// A name only newer Grafana versions know.
    NotYet {
        /// The name written.
        name: String,
        /// Where it is written.
        place: String,
        /// The Grafana version.
        grafana: String,
        /// The first table that has it.
        first: String,
    },
    /// A name this version no longer knows.
    Removed {
        /// The name written.
        name: String,
        /// Where it is written.
        place: String,
        /// The Grafana version.
        grafana: String,
        /// The last table that has it.
        last: String,
    },
}

/// The prefix of per-toggle env variables.
const ENV_PREFIX: &str = "GF_FEATURE_TOGGLES_";

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let grafana = ctx.grafana();
    if !grafana.deployed() {
        return;
    }
    let Some((version, _)) = grafana.version() else {
        return;
    };
    let settings = Settings::of(version);
    let release = ctx.release;
    let section = ["grafana", "grafana.ini", "feature_toggles"];
    if let Some(map) = release.get(&section).and_then(Value::as_map) {
        for (key, value) in map {
            let keys = ["grafana", "grafana.ini", "feature_toggles", key.as_str()];
            if key == "enable" {
                list(ctx, &settings, value, &keys, "`feature_toggles.enable`", out);
            } else if value.site().is_some() && value.as_map().is_none() {
                let place = "`feature_toggles`";
                judge(ctx, &settings, key, false, value, &keys, place, out);
            }
        }
    }
    let Some(env) = release.get(&["grafana", "env"]).and_then(Value::as_map) else {
        return;
    };
    for (name, value) in env {
        let keys = ["grafana", "env", name.as_str()];
        if name == "GF_FEATURE_TOGGLES_ENABLE" {
            list(ctx, &settings, value, &keys, "`GF_FEATURE_TOGGLES_ENABLE`", out);
        } else if let Some(toggle) = name.strip_prefix(ENV_PREFIX).filter(|t| !t.is_empty())
            && value.site().is_some()
        {
            let place = format!("`{name}`");
            judge(ctx, &settings, toggle, true, value, &keys, &place, out);
        }
    }
}

/// Judges every name of a toggle list.
fn list(
    ctx: &CheckContext<'_>,
    settings: &Settings,
    value: &Value,
    keys: &[&str],
    place: &str,
    out: &mut Emitter<'_, Message>,
) {
    if value.site().is_none() {
        return;
    }
    let Some(text) = value.scalar_string() else {
        return;
    };
    if text.trim_start().starts_with('[') {
        return;
    }
    for name in split_list(&text) {
        judge(ctx, settings, name, false, value, keys, place, out);
    }
}

/// Judges one name (`any_case`: an env variable's upper-case name).
#[allow(clippy::too_many_arguments)]
fn judge(
    ctx: &CheckContext<'_>,
    settings: &Settings,
    name: &str,
    any_case: bool,
    value: &Value,
    keys: &[&str],
    place: &str,
    out: &mut Emitter<'_, Message>,
) {
    let state = if any_case {
        let known = settings
            .toggle_names()
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(name));
        match known {
            Some(_) => Toggle::Known,
            None => settings.toggle(name),
        }
    } else {
        settings.toggle(name)
    };
    let obsolete = if any_case {
        name.eq_ignore_ascii_case(OBSOLETE_TOGGLE)
    } else {
        name == OBSOLETE_TOGGLE
    };
    if obsolete && !matches!(state, Toggle::Known) {
        return;
    }
    let grafana = show(settings_version(ctx));
    let location = ctx.release.locate(value, keys, any_case || keys.last() != Some(&"enable"));
    let message = match state {
        Toggle::Known => return,
        Toggle::Removed { last } => Message::Removed {
            name: name.to_owned(),
            place: place.to_owned(),
            grafana,
            last: show_minor(last),
        },
        // a Grafana too old for the plugin's toggle is OC013's
        Toggle::NotYet { .. } if name == EXTERNAL_SERVICE_ACCOUNTS => return,
        Toggle::NotYet { first } => Message::NotYet {
            name: name.to_owned(),
            place: place.to_owned(),
            grafana,
            first: show_minor(first),
        },
        Toggle::Unknown => {
            let (table, newer) = settings.toggle_table();
            Message::Unknown {
                name: name.to_owned(),
                place: place.to_owned(),
                grafana,
                table: show_minor(table),
                newer,
                suggestion: suggest(settings, name),
            }
        }
    };
    out.emit(message, location);
}

/// The Grafana version judged (known: the check returns before without one).
fn settings_version(ctx: &CheckContext<'_>) -> crate::chart::Version {
    ctx.grafana().version().map_or((0, 0, 0), |(v, _)| v)
}

/// The known toggle `name` most resembles: a name equal but for case first.
fn suggest(settings: &Settings, name: &str) -> Option<String> {
    crate::model::grafana_settings::nearest(name, &settings.toggle_names()).map(str::to_owned)
}
