//! OC008 plugin-license: a plugin that does not come from grafana.com (a private registry,
//! an air-gapped mirror, a rebuild) should be provisioned with `jsonData.license:
//! OpenSource`, and a license written there must be `OpenSource`.
//!
//! Without `license`, the plugin infers it from its own version (`plugin.json`): `X.Y.Z` is
//! OpenSource, `vX.Y.Z` is Cloud (from 1.9.27), and anything else (`1.16.9-airgap`, `dev`)
//! makes every settings read fail ("jsonData.license is not set and version ... did not
//! match a known pattern"), so every plugin call returns 500. A copy from grafana.com keeps
//! its version; a rebuilt or re-tagged artifact may not.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix, Location};
use crate::fix::{self, Op};
use crate::model::plugin::{self, Form};
use crate::model::provisioning::{ProvisionedApp, is_substituted};
use crate::model::volumes::chart_provisioning_volume;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// The license self-hosted OnCall runs under, as the plugin names it.
pub(crate) const OPEN_SOURCE: &str = "OpenSource";

/// Why the plugin is taken not to come from grafana.com, and where that is written.
struct Source {
    why: String,
    location: Option<Location>,
}

fn private_source(ctx: &CheckContext<'_>) -> Option<Source> {
    if ctx.release.kind == InputKind::OncallValues && ctx.grafana().deployed() {
        let entry = plugin::entry(ctx.release);
        if let Some(entry) = &entry {
            // plugins before the Go backend (1.9.1) have no license setting
            if entry.parsed().is_some_and(|v| v < (1, 9, 1)) {
                return None;
            }
            if !entry.grafana_com {
                let how = match entry.form {
                    Form::InitContainer => "an init container installs it".to_owned(),
                    _ => format!("{} downloads it", entry.holder(ctx.release)),
                };
                // the word that names the artifact, not a whole script
                let artifact = entry
                    .text
                    .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                    .find(|word| word.contains(crate::model::plugin::PLUGIN_ID))
                    .unwrap_or(entry.text.trim());
                return Some(Source {
                    why: format!("{how} from `{artifact}`, not grafana.com"),
                    location: Some(entry.location(ctx.release)),
                });
            }
            if !ctx.air_gapped {
                return None;
            }
        }
    }
    ctx.air_gapped.then(|| Source {
        why: "the air-gapped profile: the plugin cannot come from grafana.com".into(),
        location: None,
    })
}

/// What OC008 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `license` is not set, and the plugin is seen not to come from grafana.com.
    Missing {
        /// Why the plugin is taken not to come from grafana.com.
        why: String,
    },
    /// `license` is not set, and the air-gapped profile is on.
    MissingAirGapped,
    /// The plugin does not come from grafana.com, and the chart's own provisioning (which
    /// cannot set `license`) configures it.
    ChartProvisioning {
        /// Why the plugin is taken not to come from grafana.com.
        why: String,
        /// The chart's default `grafana.extraVolumes` mounts it (no user wrote the volume).
        default: bool,
    },
    /// `license` is set to something other than `OpenSource`.
    WrongValue {
        /// The license written.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    // a license other than OpenSource, wherever the plugin comes from
    for app in ctx.provisioning {
        wrong_license(ctx, app, out);
    }

    let Some(source) = private_source(ctx) else {
        return;
    };
    for app in ctx.provisioning {
        missing_license(ctx, app, &source, out);
    }
    // the chart's own provisioning has no license and cannot be given one: the finding is
    // on what has to be replaced (the volume that mounts it, or the chart default's
    // `grafana:`), with the plugin's source beside it
    if ctx.provisioning.is_empty()
        && let Some(location) = &source.location
        && let Some(volume) = chart_provisioning_volume(ctx.release)
    {
        let mounted = ctx
            .release
            .locate(volume, &["grafana", "extraVolumes"], false);
        out.emit(
            Message::ChartProvisioning {
                why: source.why.clone(),
                default: volume.site().is_none(),
            },
            mounted,
        )
        .with_related(location.clone(), "not from grafana.com");
    }
}

/// Reports a `jsonData.license` a user wrote that is not `OpenSource`.
fn wrong_license(ctx: &CheckContext<'_>, app: &ProvisionedApp, out: &mut Emitter<'_, Message>) {
    let Some(license) = app.value.get(&["jsonData", "license"]) else {
        return;
    };
    let Kind::Str(text) = &license.kind else {
        return;
    };
    if text.trim().is_empty() || text == OPEN_SOURCE || is_substituted(license) {
        return;
    }
    let Some(site) = license.site() else {
        return;
    };
    let location =
        ctx.release
            .site_location(site, app.key_path.extend(&["jsonData", "license"]), false);
    let fix = set_open_source(ctx, app, Applicability::Unsafe);
    out.emit(Message::WrongValue { found: text.clone() }, location)
        .with_fix(fix);
}

/// Reports a provisioned app without a license, the plugin not coming from grafana.com
/// (`source` saying why).
fn missing_license(
    ctx: &CheckContext<'_>,
    app: &ProvisionedApp,
    source: &Source,
    out: &mut Emitter<'_, Message>,
) {
    let license = app.value.get(&["jsonData", "license"]);
    let unset = match license.map(|v| &v.kind) {
        None | Some(Kind::Null) => true,
        Some(Kind::Str(s)) => s.trim().is_empty(),
        _ => false,
    };
    if !unset {
        return;
    }
    let json_data = app
        .value
        .get(&["jsonData"])
        .filter(|v| v.as_map().is_some());
    // no `jsonData` at all is OC003's finding
    let Some(json_data) = json_data else {
        return;
    };
    let location = match (license.and_then(Value::site), json_data.site()) {
        (Some(site), _) => ctx.release.site_location(
            site,
            app.key_path.extend(&["jsonData", "license"]),
            false,
        ),
        (None, Some(site)) => {
            ctx.release
                .site_location(site, app.key_path.key("jsonData"), true)
        }
        (None, None) => return,
    };
    let fix = set_open_source(ctx, app, Applicability::Safe);
    let message = if source.location.is_some() {
        Message::Missing {
            why: source.why.clone(),
        }
    } else {
        Message::MissingAirGapped
    };
    let diagnostic = out.emit(message, location);
    diagnostic.with_fix(fix);
    if let Some(related) = &source.location {
        diagnostic.with_related(related.clone(), "the plugin comes from here");
    }
}

/// Sets the app's `jsonData.license` to `OpenSource`.
fn set_open_source(
    ctx: &CheckContext<'_>,
    app: &ProvisionedApp,
    applicability: Applicability,
) -> Option<Fix> {
    fix::build::for_app(
        ctx.release,
        app,
        format!("set `jsonData.license` to {OPEN_SOURCE}"),
        applicability,
        vec![Op::SetScalar {
            path: path(&["jsonData", "license"]),
            value: fix::ops::text(OPEN_SOURCE),
        }],
    )
}
