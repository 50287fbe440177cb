//! Profiles inferred from the values: an install that clearly describes an air-gapped
//! cluster gets the air-gapped rules without `--profile`. The signs are ones no install
//! with internet access has a reason to write: the plugin installed by an init container,
//! the plugin allowed to load unsigned (a rebuilt copy), every image pulled from a private
//! registry. A container that installs the plugin by name wins even when Grafana still
//! downloads it (the chart's default `grafana.plugins` left in place: the download that
//! crash-loops an air-gapped Grafana, which OC040 then reports); the weaker signs count only
//! when Grafana downloads nothing. Each inference says why, so a wrong guess is easy to spot
//! and turn off (`--profile none`, or `profiles: [none]` in the config).

use crate::model::grafana::{Grafana, split_list};
use crate::model::images::{self, ImageRef};
use crate::model::plugin::{PLUGIN_ID, Source, container_install, install_source, mentions};
use crate::release::{InputKind, Release};
use crate::values::Value;

/// Why the values describe an air-gapped install, if they clearly do.
pub(crate) fn air_gapped(release: &Release) -> Option<String> {
    let grafana = Grafana::of(release);
    if !grafana.deployed() {
        return private_registry_everywhere(release);
    }
    // a container that installs the plugin by name is the clearest sign, whatever else
    // still downloads it (that download is what crash-loops Grafana: OC040 reports it)
    if let Some(init) = container_install(release, &grafana.plugins_path())
        .filter(|i| i.value.is_some_and(|c| mentions(c, PLUGIN_ID)))
    {
        return Some(format!(
            "an init container installs the plugin (`{}`)",
            init.location.key_path
        ));
    }
    // otherwise a download (even the chart's default `grafana.plugins` entry) says the
    // cluster may well reach the internet: an allowlist or a private registry alone is not
    // enough to call it air-gapped
    if let Some(install) = install_source(release) {
        match install.source {
            Source::Catalog | Source::OtherUrl => return None,
            Source::InitContainer => {
                return Some(format!(
                    "an init container installs the plugin (`{}`)",
                    install.location.key_path
                ));
            }
            _ => {}
        }
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
