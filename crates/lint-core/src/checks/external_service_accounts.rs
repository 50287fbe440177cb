//! OC010 external-service-accounts: the `externalServiceAccounts` feature toggle must be
//! effectively on for the bundled Grafana.
//!
//! Grafana's rules: `[feature_toggles] enable` is one comma/space separated string; a
//! per-toggle key (`externalServiceAccounts = false`) overrides `enable`;
//! `GF_FEATURE_TOGGLES_ENABLE` overrides the ini file's `enable`. A YAML list under
//! `enable` renders (grafana chart 8.4.6) as `[a b]`, which Grafana parses as an empty list.

use serde_json::json;

use super::{CheckContext, Emitter};
use crate::values::{Kind, Value};

/// The toggle's name.
pub const TOGGLE: &str = "externalServiceAccounts";

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.bundled_grafana() {
        return;
    }
    let release = ctx.release;
    let per_key_path = ["grafana", "grafana.ini", "feature_toggles", TOGGLE];
    if let Some(per_key) = release.get(&per_key_path) {
        match per_key.scalar_string().as_deref().and_then(go_parse_bool) {
            Some(true) => return,
            Some(false) => {
                let location = release.locate(per_key, &per_key_path, false);
                out.emit(
                    "per-key-off",
                    json!({ "found": per_key.describe(), "listed": enable_lists_toggle(ctx) }),
                    location,
                );
                return;
            }
            None => {}
        }
    }
    let env_path = ["grafana", "env", "GF_FEATURE_TOGGLES_ENABLE"];
    if let Some(env) = release.get(&env_path) {
        let text = env.scalar_string().unwrap_or_default();
        if !split_list(&text).contains(&TOGGLE) {
            let location = release.locate(env, &env_path, false);
            out.emit(
                "env-missing",
                json!({ "found": text, "suggested": with_toggle(&text) }),
                location,
            );
        }
        return;
    }
    let enable_path = ["grafana", "grafana.ini", "feature_toggles", "enable"];
    let chart_had_it = release
        .chart
        .defaults()
        .get(&enable_path)
        .and_then(Value::scalar_string)
        .is_some_and(|s| split_list(&s).contains(&TOGGLE));
    match release.get(&enable_path) {
        Some(value) if matches!(value.kind, Kind::Seq(_)) => {
            let joined: Vec<String> = value
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(Value::scalar_string)
                .collect();
            let location = release.locate(value, &enable_path, false);
            out.emit(
                "list",
                json!({ "found": value.describe(), "suggested": with_toggle(&joined.join(",")) }),
                location,
            );
        }
        Some(value) => {
            let text = value.scalar_string().unwrap_or_default();
            if !split_list(&text).contains(&TOGGLE) {
                let location = release.locate(value, &enable_path, false);
                let suggested = with_toggle(&text);
                let key = if value.site().is_some() && chart_had_it {
                    "replaced"
                } else {
                    "string-missing"
                };
                out.emit(
                    key,
                    json!({ "found": text, "suggested": suggested }),
                    location,
                );
            }
        }
        None => {
            let location = release.blame(&enable_path);
            let key = if chart_had_it { "deleted" } else { "missing" };
            out.emit(key, json!({ "version": ctx.chart_version() }), location);
        }
    }
}

/// Whether the effective `enable` list (`GF_FEATURE_TOGGLES_ENABLE`, else the ini value, a
/// string) names the toggle.
fn enable_lists_toggle(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    release
        .get(&["grafana", "env", "GF_FEATURE_TOGGLES_ENABLE"])
        .or_else(|| release.get(&["grafana", "grafana.ini", "feature_toggles", "enable"]))
        .and_then(Value::scalar_string)
        .is_some_and(|s| split_list(&s).contains(&TOGGLE))
}

/// `text` with the toggle added (once) at the end, comma-separated.
fn with_toggle(text: &str) -> String {
    let mut items = split_list(text);
    if !items.contains(&TOGGLE) {
        items.push(TOGGLE);
    }
    items.join(",")
}

/// Grafana's `util.SplitString`: commas and white space separate entries.
pub fn split_list(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Go's `strconv.ParseBool`.
pub fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}
