//! OC012 access-control-oncall: from Grafana 11.3 the `accessControlOnCall` feature toggle
//! is on by default, and the OnCall plugin then asks Grafana for RBAC permissions through an
//! endpoint that answers 404; it must be turned off with a per-toggle key.
//!
//! Grafana's rules (`setting_feature_toggles.go`): a per-toggle key in `[feature_toggles]`
//! wins over `enable` and is read with `strconv.ParseBool`; `GF_FEATURE_TOGGLES_<KEY>`
//! overrides it only when the ini file has the key (env overrides apply to existing keys).
//!
//! Grafana 11.6 removed the toggle (grafana/grafana PR #101222): it is off unless set, so
//! from 11.6 only a toggle turned on is reported (Grafana still hands an unknown enabled
//! toggle to plugins, `featuremgmt/manager.go`), and a `false` left behind is OC057's.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::show_version as show;
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::grafana::{SettingSource, env_key, go_parse_bool};
use crate::model::grafana_settings::OBSOLETE_TOGGLE_FROM;
use crate::values::{Kind, Origin, Value};

/// The toggle's name.
pub(crate) const TOGGLE: &str = "accessControlOnCall";

/// What OC012 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The per-toggle key turns the toggle on.
    On {
        /// The value written.
        found: String,
        /// The Grafana version.
        grafana: String,
    },
    /// The env override turns the toggle on.
    EnvOn {
        /// The env variable's name.
        name: String,
        /// The value written.
        found: String,
        /// The Grafana version.
        grafana: String,
    },
    /// Nothing turns the toggle off.
    Missing {
        /// The Grafana version.
        grafana: String,
        /// Whether the version comes from the grafana image tag.
        from_tag: bool,
        /// The chart, as messages name it.
        chart: String,
    },
    /// The chart's per-toggle key is removed.
    Deleted {
        /// The Grafana version.
        grafana: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let Some((version, tag)) = ctx.grafana().version_from((11, 3, 0)) else {
        return;
    };
    let release = ctx.release;
    let ini_path = ["grafana", "grafana.ini", "feature_toggles", TOGGLE];
    let env_name = env_key("feature_toggles", TOGGLE);
    let env_path = ["grafana", "env", env_name.as_str()];
    let grafana = show(version);
    let set_false = |value: Option<&Value>, keys: &[&str], applicability: Applicability| {
        let origin = value.map_or(Origin::Fix, |v| v.origin.clone());
        ctx.fix_at(
            value,
            format!("set `{}` to false", keys[keys.len() - 1]),
            applicability,
            vec![Op::SetScalar {
                path: path(keys),
                value: match value.map(|v| &v.kind) {
                    // keep a string a string (and its quotes)
                    Some(Kind::Str(_)) => fix::ops::text("false"),
                    _ => Value::new(Kind::Bool(false), origin),
                },
            }],
        )
    };
    // the env variable overrides the key only when the ini file has it
    if let Some(setting) = ctx.grafana().setting("feature_toggles", TOGGLE) {
        let (value, keys) = (setting.value, setting.keys());
        let Some(text) = value.scalar_string() else {
            return;
        };
        if go_parse_bool(&text) == Some(true) {
            let location = release.locate(value, &keys, false);
            // someone turned it on: turning it off needs review
            let fix = set_false(Some(value), &keys, Applicability::Unsafe);
            let message = match setting.source {
                SettingSource::Env => Message::EnvOn {
                    name: env_name,
                    found: text,
                    grafana,
                },
                SettingSource::Ini => Message::On {
                    found: text,
                    grafana,
                },
            };
            out.emit(message, location).with_fix(fix);
        }
        return;
    }
    // from Grafana 11.6 the toggle is gone and off by default: a `false` left there is
    // OC057's, and nothing is missing
    if version >= OBSOLETE_TOGGLE_FROM {
        return;
    }
    if release
        .get(&env_path)
        .and_then(Value::scalar_string)
        .is_some_and(|s| go_parse_bool(&s) == Some(false))
    {
        // whether Grafana applies an env override of a key its ini files lack is not
        // certain across versions: say nothing
        return;
    }
    let chart_had_it = release.defaults().get(&ini_path).is_some();
    let deleted = chart_had_it && release.user_sets(&ini_path);
    let location = release.blame(&ini_path);
    let fix = set_false(None, &ini_path, Applicability::Safe);
    let message = if deleted {
        Message::Deleted { grafana }
    } else {
        Message::Missing {
            grafana,
            from_tag: tag.is_some(),
            chart: ctx.release.chart_name(),
        }
    };
    let diagnostic = out.emit(message, location).with_fix(fix);
    if let Some(tag) = tag {
        let tag_location = release.locate(tag, &["grafana", "image", "tag"], false);
        diagnostic.with_related(tag_location, "this Grafana version turns the toggle on");
    }
}
