//! OC012 access-control-oncall: from Grafana 11.3 the `accessControlOnCall` feature toggle
//! is on by default, and the OnCall plugin then asks Grafana for RBAC permissions through an
//! endpoint that answers 404; it must be turned off with a per-toggle key.
//!
//! Grafana's rules (`setting_feature_toggles.go`): a per-toggle key in `[feature_toggles]`
//! wins over `enable` and is read with `strconv.ParseBool`; `GF_FEATURE_TOGGLES_<KEY>`
//! overrides it only when the ini file has the key (env overrides apply to existing keys).

use serde_json::json;

use super::external_service_accounts::go_parse_bool;
use super::plugin_version::{env_key, grafana_from, show};
use super::{CheckContext, Emitter, path, string};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::values::{Kind, Origin, Value};

/// The toggle's name.
pub const TOGGLE: &str = "accessControlOnCall";

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    let Some((version, tag)) = grafana_from(ctx, (11, 3, 0)) else {
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
            "version": ctx.chart_version(),
            "chart": ctx.chart_name(),
        })
    };
    let set_false = |value: Option<&Value>, keys: &[&str], applicability: Applicability| {
        let origin = value.map_or(
            Origin::Default {
                chart: "fix",
                version: "",
            },
            |v| v.origin.clone(),
        );
        ctx.fix_at(
            value,
            format!("set `{}` to false", keys[keys.len() - 1]),
            applicability,
            vec![Op::SetScalar {
                path: path(keys),
                value: match value.map(|v| &v.kind) {
                    // keep a string a string (and its quotes)
                    Some(Kind::Str(_)) => string("false"),
                    _ => Value::new(Kind::Bool(false), origin),
                },
            }],
        )
    };
    if let Some(ini) = release.get(&ini_path).filter(|v| !v.is_null()) {
        // the env variable overrides the key the ini file has
        let env = release
            .get(&env_path)
            .filter(|v| v.scalar_string().is_some_and(|s| !s.is_empty()));
        let (value, keys, key) = match env {
            Some(env) => (env, &env_path[..], "env-on"),
            None => (ini, &ini_path[..], "on"),
        };
        let Some(text) = value.scalar_string() else {
            return;
        };
        if go_parse_bool(&text) == Some(true) {
            let location = release.locate(value, keys, false);
            // someone turned it on: turning it off needs review
            let fix = set_false(Some(value), keys, Applicability::Unsafe);
            out.emit(key, args(text), location).with_fix(fix);
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
    let diagnostic = out.emit(key, args(String::new()), location).with_fix(fix);
    if let Some(tag) = tag {
        let tag_location = release.locate(tag, &["grafana", "image", "tag"], false);
        diagnostic.with_related(tag_location, "this Grafana version turns the toggle on");
    }
}
