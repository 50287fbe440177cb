//! OC012 access-control-oncall: from Grafana 11.3 the `accessControlOnCall` feature toggle
//! is on by default, and the OnCall plugin then asks Grafana for RBAC permissions through an
//! endpoint that answers 404; it must be turned off with a per-toggle key.
//!
//! Grafana's rules (`setting_feature_toggles.go`): a per-toggle key in `[feature_toggles]`
//! wins over `enable` and is read with `strconv.ParseBool`; `GF_FEATURE_TOGGLES_<KEY>`
//! overrides it only when the ini file has the key (env overrides apply to existing keys).

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
use crate::chart::show_version as show;
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::grafana::{SettingSource, env_key, go_parse_bool};
use crate::values::{Kind, Origin, Value};

/// The toggle's name.
pub const TOGGLE: &str = "accessControlOnCall";

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let Some((version, tag)) = ctx.grafana().version_from((11, 3, 0)) else {
        return;
    };
    let release = ctx.release;
    let ini_path = ["grafana", "grafana.ini", "feature_toggles", TOGGLE];
    let env_name = env_key("feature_toggles", TOGGLE);
    let env_path = ["grafana", "env", env_name.as_str()];
    let args = |found: String| {
        json!({
            "found": found,
            "grafana": show(version),
            "from_tag": tag.is_some(),
            "name": env_name,
            "version": ctx.release.chart_version(),
            "chart": ctx.release.chart_name(),
        })
    };
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
        let key = match setting.source {
            SettingSource::Env => "env-on",
            SettingSource::Ini => "on",
        };
        let (value, keys) = (setting.value, setting.keys());
        let Some(text) = value.scalar_string() else {
            return;
        };
        if go_parse_bool(&text) == Some(true) {
            let location = release.locate(value, &keys, false);
            // someone turned it on: turning it off needs review
            let fix = set_false(Some(value), &keys, Applicability::Unsafe);
            out.emit_json(key, args(text), location).with_fix(fix);
        }
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
    let key = if deleted { "deleted" } else { "missing" };
    let diagnostic = out.emit_json(key, args(String::new()), location).with_fix(fix);
    if let Some(tag) = tag {
        let tag_location = release.locate(tag, &["grafana", "image", "tag"], false);
        diagnostic.with_related(tag_location, "this Grafana version turns the toggle on");
    }
}
