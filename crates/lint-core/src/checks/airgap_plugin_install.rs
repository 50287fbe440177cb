//! OC042 airgap-plugin-install: in an air-gapped install, with `grafana.plugins` empty (so
//! OC040 has nothing to report), something else must put `grafana-oncall-app` into
//! Grafana's plugins path: an init container, a Grafana image with the plugin built in, or a
//! volume mounted there. Otherwise the plugin is never present, and with the chart's plugin
//! provisioning mounted Grafana does not even start ("plugin not installed").

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::Location;
use crate::model::images;
use crate::model::plugin::{install_source, mount_paths};
use crate::values::Value;

/// Whether the chart's (or the user's) plugin provisioning is mounted into Grafana: then
/// a missing plugin stops Grafana's start.
fn provisioning_mounted(ctx: &CheckContext<'_>) -> bool {
    let release = ctx.release;
    let provisioning = release
        .get(&["grafana", "grafana.ini", "paths", "provisioning"])
        .and_then(Value::scalar_string)
        .unwrap_or_else(|| "/etc/grafana/provisioning".into());
    let dir = format!("{}/plugins", provisioning.trim_end_matches('/'));
    [
        "extraVolumeMounts",
        "extraConfigmapMounts",
        "extraSecretMounts",
    ]
    .iter()
    .filter_map(|k| release.get(&["grafana", k]).and_then(Value::as_seq))
    .flatten()
    .flat_map(mount_paths)
    .any(|m| m.trim().trim_end_matches('/') == dir || m.starts_with(&format!("{dir}/")))
        || !ctx.provisioning.is_empty()
        || release
            .get(&["grafana", "sidecar", "plugins", "enabled"])
            .is_some_and(Value::is_truthy)
}

/// What OC042 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// Nothing installs the plugin.
    NotInstalled {
        /// The plugin provisioning is mounted, so Grafana does not start.
        provisioned: bool,
        /// Grafana's plugins path.
        plugins: String,
    },
    /// Nothing installs the plugin, under assumptions about a mirror or a claim.
    NotInstalledAssumed {
        /// What is assumed, joined with "and".
        assumed: String,
        /// The plugin provisioning is mounted, so Grafana does not start.
        provisioned: bool,
        /// Grafana's plugins path.
        plugins: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.air_gapped || !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let plugins_key = ["grafana", "plugins"];
    let plugins = release.get(&plugins_key);
    // a non-empty list downloads: OC040's finding, not this one
    if plugins.is_some_and(Value::is_truthy) {
        return;
    }
    if install_source(release).is_some() {
        return;
    }
    let mut assumptions = Vec::new();
    let image = images::grafana(release);
    if let Some(image) = image.as_ref().filter(|i| !i.public()) {
        assumptions.push(format!(
            "`{}/{}` is a mirror of the stock Grafana image",
            image.registry, image.path
        ));
    }
    if release
        .get(&["grafana", "persistence", "existingClaim"])
        .is_some_and(Value::is_truthy)
    {
        assumptions.push(format!(
            "the claim in `{}` does not already hold the plugin",
            ctx.grafana().key_name("persistence.existingClaim")
        ));
    }
    let location: Location = match plugins {
        Some(value) => release.locate(value, &plugins_key, true),
        None => release.blame(&plugins_key),
    };
    let provisioned = provisioning_mounted(ctx);
    let plugins = ctx.grafana().plugins_path();
    let message = if assumptions.is_empty() {
        Message::NotInstalled {
            provisioned,
            plugins,
        }
    } else {
        Message::NotInstalledAssumed {
            assumed: assumptions.join(" and "),
            provisioned,
            plugins,
        }
    };
    out.emit(message, location);
}
