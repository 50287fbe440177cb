//! Profiles inferred from the values: an install that clearly describes an air-gapped
//! cluster gets the air-gapped rules without `--profile`. The signs are ones no install
//! with internet access has a reason to write: the plugin installed by an init container,
//! the plugin allowed to load unsigned (a rebuilt copy), every image pulled from a private
//! registry; and none when Grafana downloads the plugin itself. Each inference says why, so a wrong guess is easy to spot and turn off
//! (`--profile none`, or `profiles: [none]` in the config).

use crate::model::grafana::{Grafana, split_list};
use crate::model::images::{self, ImageRef};
use crate::model::plugin::{PLUGIN_ID, Source, install_source};
use crate::release::{InputKind, Release};
use crate::values::Value;

/// Why the values describe an air-gapped install, if they clearly do.
pub(crate) fn air_gapped(release: &Release) -> Option<String> {
    let grafana = Grafana::of(release);
    let install = grafana
        .deployed()
        .then(|| install_source(release))
        .flatten();
    // Grafana downloading the plugin says the cluster reaches the internet, whatever else
    match install.as_ref().map(|i| i.source) {
        Some(Source::Catalog | Source::OtherUrl) => return None,
        Some(Source::InitContainer) => {
            return install.map(|i| {
                format!(
                    "an init container installs the plugin (`{}`)",
                    i.location.key_path
                )
            });
        }
        _ => {}
    }
    if grafana.deployed() {
        let env = release.get(&[
            "grafana",
            "env",
            "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS",
        ]);
        let ini = release.get(&[
            "grafana",
            "grafana.ini",
            "plugins",
            "allow_loading_unsigned_plugins",
        ]);
        for (value, path) in [
            (env, "grafana.env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"),
            (ini, "grafana.ini plugins.allow_loading_unsigned_plugins"),
        ] {
            if let Some(value) = value.filter(|v| v.site().is_some())
                && lists_plugin(value)
            {
                return Some(format!(
                    "`{path}` lets a rebuilt, unsigned `{PLUGIN_ID}` load"
                ));
            }
        }
    }
    private_registry_everywhere(release)
}

fn lists_plugin(value: &Value) -> bool {
    value
        .scalar_string()
        .is_some_and(|text| split_list(&text).contains(&PLUGIN_ID))
}

/// Every image the user points somewhere comes from one private registry: the global
/// registry is private, and so are the engine's image (oncall chart values) and Grafana's
/// (when it is deployed).
fn private_registry_everywhere(release: &Release) -> Option<String> {
    let global = release
        .get(&["global", "imageRegistry"])
        .filter(|v| v.site().is_some())
        .and_then(Value::scalar_string)
        .map(|r| r.trim().trim_end_matches('/').to_owned())
        .filter(|r| !r.is_empty())?;
    if ImageRef::parse(&format!("{global}/x")).public() {
        return None;
    }
    if release.kind == InputKind::OncallValues {
        let engine = release
            .get(&["image", "repository"])
            .and_then(Value::scalar_string)?;
        if ImageRef::parse(&engine).public() {
            return None;
        }
    }
    let grafana = Grafana::of(release);
    if grafana.deployed() && images::grafana(release).is_none_or(|image| image.public()) {
        return None;
    }
    Some(format!(
        "every image comes from the private registry `{global}`"
    ))
}
