//! OC014 external-grafana-ignored: `externalGrafana.url` is read only when the bundled
//! Grafana is off; with `grafana.enabled` left at its default (true) a second Grafana is
//! deployed and the URL is ignored.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::Op;
use crate::release::InputKind;
use crate::values::{Kind, Value};

/// What OC014 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `externalGrafana.url` is set and `grafana.enabled` is left at its default.
    NotDisabled {
        /// The URL written.
        url: String,
    },
    /// `externalGrafana.url` is set and `grafana.enabled` is written truthy.
    Enabled {
        /// The value of `grafana.enabled` written.
        enabled: String,
        /// The URL written.
        url: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues || !ctx.grafana().deployed() {
        return;
    }
    let release = ctx.release;
    let url_path = ["externalGrafana", "url"];
    let Some(url) = release.get(&url_path) else {
        return;
    };
    let Some(text) = url.scalar_string().filter(|s| !s.trim().is_empty()) else {
        return;
    };
    if url.site().is_none() {
        return;
    }
    let location = release.locate(url, &url_path, false);
    let enabled_path = ["grafana", "enabled"];
    let enabled = release.get(&enabled_path).filter(|v| v.site().is_some());
    match enabled {
        Some(enabled) => {
            let enabled_location = release.locate(enabled, &enabled_path, false);
            let message = Message::Enabled {
                enabled: enabled.describe(),
                url: text,
            };
            out.emit(message, location)
                .with_related(enabled_location, "the bundled Grafana is turned on here");
        }
        None => {
            // turning the bundled Grafana off removes a Deployment: the user should review it
            let fix = ctx.fix_at(
                Some(url),
                "set `grafana.enabled: false` to use the external Grafana",
                Applicability::Unsafe,
                vec![Op::SetScalar {
                    path: path(&enabled_path),
                    value: Value::new(Kind::Bool(false), url.origin.clone()),
                }],
            );
            out.emit(Message::NotDisabled { url: text }, location)
                .with_fix(fix);
        }
    }
}
