//! OC057 grafana-setting-deprecated: settings the deployed Grafana version treats as
//! deprecated or obsolete. They still work (or do nothing harmful), so this is info:
//!
//! - `GF_INSTALL_PLUGINS` on Grafana 12 and later, which migrates it into
//!   `[plugins] preinstall_sync` and logs that it is deprecated (shared/upstream/FACTS.md G3);
//! - `GF_FEATURE_TOGGLES_ENABLE` on Grafana 13 and later (grafana/grafana PR #121271:
//!   per-toggle `GF_FEATURE_TOGGLES_<NAME>` variables replace it);
//! - `accessControlOnCall: false` on Grafana 11.6 and later, where the toggle is gone
//!   (grafana/grafana PR #101222). A `true` there is OC012's: Grafana still passes an
//!   unknown enabled toggle on to plugins.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::show_version as show;
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::model::grafana::{env_key, go_parse_bool};
use crate::model::grafana_settings::{
    INSTALL_PLUGINS_DEPRECATED_FROM, OBSOLETE_TOGGLE, OBSOLETE_TOGGLE_FROM, PER_TOGGLE_ENV_FROM,
};

/// What OC057 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `GF_INSTALL_PLUGINS` on Grafana 12 or later.
    InstallPlugins {
        /// The Grafana version.
        grafana: String,
    },
    /// `GF_FEATURE_TOGGLES_ENABLE` on Grafana 13 or later.
    TogglesEnable {
        /// The Grafana version.
        grafana: String,
    },
    /// `accessControlOnCall` turned off on Grafana 11.6 or later.
    AccessControlOnCall {
        /// Where it is written, as messages name it.
        name: String,
        /// The Grafana version.
        grafana: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let grafana = ctx.grafana();
    if !grafana.deployed() {
        return;
    }
    let Some((version, _)) = grafana.version() else {
        return;
    };
    let release = ctx.release;
    let shown = show(version);
    let written = |keys: &[&str]| release.get(keys).filter(|v| v.site().is_some() && !v.is_null());
    let install = ["grafana", "env", "GF_INSTALL_PLUGINS"];
    if version >= INSTALL_PLUGINS_DEPRECATED_FROM
        && let Some(value) = written(&install)
    {
        out.emit(
            Message::InstallPlugins {
                grafana: shown.clone(),
            },
            release.locate(value, &install, true),
        );
    }
    let enable = ["grafana", "env", "GF_FEATURE_TOGGLES_ENABLE"];
    if version >= PER_TOGGLE_ENV_FROM
        && let Some(value) = written(&enable)
    {
        out.emit(
            Message::TogglesEnable {
                grafana: shown.clone(),
            },
            release.locate(value, &enable, true),
        );
    }
    if version < OBSOLETE_TOGGLE_FROM {
        return;
    }
    let env_name = env_key("feature_toggles", OBSOLETE_TOGGLE);
    let places: [(Vec<&str>, String); 2] = [
        (
            vec!["grafana", "grafana.ini", "feature_toggles", OBSOLETE_TOGGLE],
            format!("`feature_toggles.{OBSOLETE_TOGGLE}`"),
        ),
        (vec!["grafana", "env", env_name.as_str()], format!("`{env_name}`")),
    ];
    for (keys, name) in places {
        let Some(value) = written(&keys) else {
            continue;
        };
        // on: OC012 says it still breaks the plugin
        if value.scalar_string().as_deref().and_then(go_parse_bool) == Some(true) {
            continue;
        }
        let fix = ctx.fix_at(
            Some(value),
            format!("remove {name}, which Grafana {shown} does not know"),
            Applicability::Safe,
            vec![Op::Remove { path: path(&keys) }],
        );
        out.emit(
            Message::AccessControlOnCall {
                name,
                grafana: shown.clone(),
            },
            release.locate(value, &keys, true),
        )
        .with_fix(fix);
    }
}
