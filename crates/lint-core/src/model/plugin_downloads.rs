//! What makes Grafana download plugins when it starts, and whether a failed download keeps
//! it from starting. Whatever denies Grafana the internet (an air-gapped cluster, a
//! NetworkPolicy `render networkpolicy` writes) must know this: the grafana chart's plugin
//! install (`grafana.plugins`, `GF_INSTALL_PLUGINS`) and a synchronous preinstall fail the
//! start, and Grafana crash-loops; the background preinstall of Grafana 11.5 and later
//! only logs its failure.

use super::grafana::{Grafana, ini_bool};
use super::plugin::{DOWNLOAD_ENV, PREINSTALL_FROM};
use crate::release::Release;
use crate::values::{Kind, Value};

/// One thing that makes Grafana download plugins at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Download {
    /// The key that says so, as messages name it (`grafana.plugins`,
    /// `grafana.env.GF_INSTALL_PLUGINS`), relative to the values root.
    pub key: String,
    /// What it holds, described (`[grafana-oncall-app]`).
    pub found: String,
    /// Whether the user wrote it (else it is a chart's or Grafana's default).
    pub written: bool,
    /// Whether a failed download keeps Grafana from starting (it then crash-loops), rather
    /// than being logged.
    pub blocks_start: bool,
}

/// Everything in `release` that makes its Grafana download plugins at start: the
/// `grafana.plugins` list (the chart installs it before Grafana runs), the download env
/// variables, and on Grafana 11.5 or later the `[plugins] preinstall*` lists (Grafana's own
/// default list included) unless `preinstall_disabled` is true. Empty when no Grafana is
/// deployed.
pub(crate) fn at_start(release: &Release) -> Vec<Download> {
    let grafana = Grafana::of(release);
    if !grafana.deployed() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(plugins) = release
        .get(&["grafana", "plugins"])
        .filter(|p| p.is_truthy())
    {
        out.push(download(grafana.key_name("plugins"), plugins, true));
    }
    let preinstall = grafana.version().is_some_and(|(v, _)| v >= PREINSTALL_FROM)
        && grafana
            .setting("plugins", "preinstall_disabled")
            .is_none_or(|s| ini_bool(&s.text()) != Some(true));
    let env = release.get(&["grafana", "env"]).and_then(Value::as_map);
    for name in DOWNLOAD_ENV {
        let Some(value) = env.and_then(|e| e.get(name)).filter(|v| non_empty(v)) else {
            continue;
        };
        if name == "GF_INSTALL_PLUGINS" || preinstall {
            let key = grafana.key_name(&format!("env.{name}"));
            out.push(download(key, value, !name.ends_with("PREINSTALL")));
        }
    }
    if preinstall {
        let mut own_list = false;
        for key in ["preinstall", "preinstall_sync"] {
            let Some(value) = release
                .get(&["grafana", "grafana.ini", "plugins", key])
                .filter(|v| !v.is_null())
            else {
                continue;
            };
            own_list |= key == "preinstall";
            if non_empty(value) {
                let name = grafana.key_name(&format!("grafana.ini.plugins.{key}"));
                out.push(download(name, value, key == "preinstall_sync"));
            }
        }
        if !own_list {
            // Grafana preinstalls its own default list in the background
            out.push(Download {
                key: grafana.key_name("grafana.ini.plugins.preinstall"),
                found: "Grafana's default list".into(),
                written: false,
                blocks_start: false,
            });
        }
    }
    out
}

fn download(key: String, value: &Value, blocks_start: bool) -> Download {
    Download {
        key,
        found: value.describe(),
        written: value.site().is_some(),
        blocks_start,
    }
}

fn non_empty(value: &Value) -> bool {
    match &value.kind {
        Kind::Str(s) => !s.trim().is_empty(),
        _ => value.is_truthy(),
    }
}
