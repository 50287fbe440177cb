//! OC040 airgap-plugin-download: in an air-gapped install nothing may make Grafana
//! download plugins at start (`grafana.plugins`, `GF_INSTALL_PLUGINS`, preinstall).

use serde_json::json;

use super::{CheckContext, Emitter};
use crate::options::Profile;
use crate::values::{Kind, Value};

/// Env variables that make Grafana (or its image's start script) download plugins.
const DOWNLOAD_ENV: [&str; 3] = [
    "GF_INSTALL_PLUGINS",
    "GF_PLUGINS_PREINSTALL",
    "GF_PLUGINS_PREINSTALL_SYNC",
];

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_>) {
    if !ctx.options.has_profile(Profile::AirGapped) || !ctx.bundled_grafana() {
        return;
    }
    let release = ctx.release;
    let plugins_path = ["grafana", "plugins"];
    if let Some(plugins) = release.get(&plugins_path)
        && plugins.is_truthy()
    {
        let found = plugins.describe();
        match plugins.site() {
            Some(_) => {
                let location = release.locate(plugins, &plugins_path, false);
                out.emit("plugins-set", json!({ "found": found }), location);
            }
            None => {
                let location = release.blame(&plugins_path);
                out.emit(
                    "plugins-default",
                    json!({ "found": found, "version": release.chart.version }),
                    location,
                );
            }
        }
    }
    let preinstall_disabled = preinstall_disabled(ctx);
    if let Some(env) = release.get(&["grafana", "env"]).and_then(Value::as_map) {
        for name in DOWNLOAD_ENV {
            let Some(value) = env.get(name) else {
                continue;
            };
            let text = value.scalar_string().unwrap_or_default();
            if text.trim().is_empty() || (name != "GF_INSTALL_PLUGINS" && preinstall_disabled) {
                continue;
            }
            let location = release.locate(value, &["grafana", "env", name], true);
            out.emit("env", json!({ "name": name, "found": text }), location);
        }
    }
    // `[plugins] preinstall*` exist from Grafana 11.5; older versions ignore them
    if ctx.grafana_version() >= (11, 5, 0) && !preinstall_disabled {
        for key in ["preinstall", "preinstall_sync"] {
            let path = ["grafana", "grafana.ini", "plugins", key];
            if let Some(value) = release.get(&path)
                && non_empty(value)
            {
                let location = release.locate(value, &path, false);
                out.emit(
                    "ini-preinstall",
                    json!({ "key": key, "found": value.describe() }),
                    location,
                );
            }
        }
    }
}

fn non_empty(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => !s.trim().is_empty(),
        _ => value.is_truthy(),
    }
}

/// `[plugins] preinstall_disabled = true`, by ini or env (env wins).
fn preinstall_disabled(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    let env = release.get(&["grafana", "env", "GF_PLUGINS_PREINSTALL_DISABLED"]);
    let ini = release.get(&["grafana", "grafana.ini", "plugins", "preinstall_disabled"]);
    env.or(ini)
        .and_then(Value::scalar_string)
        .is_some_and(|s| super::external_service_accounts::go_parse_bool(&s) == Some(true))
}
