//! OC013 grafana-version: the bundled Grafana must be new enough for the plugin.
//!
//! The plugin's v2 initialization (1.9.0 and later) authenticates with an external service
//! account, which Grafana has from 10.3; plugin 1.9.17 and later declare
//! `grafanaDependency: >=10.2.5`. A pinned legacy plugin (before 1.9.0) needs only 9.2.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::{Version, show_version as show};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::plugin;

/// What OC013 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The Grafana `image.tag` written is too old for the plugin.
    TagOld {
        /// The tag written.
        found: String,
        /// The plugin's version, or `latest`.
        plugin: String,
        /// The Grafana version the plugin needs.
        required: String,
        /// Whether the plugin is a legacy one (before 1.9.0), which needs less.
        legacy: bool,
        /// The Grafana version the tag names.
        grafana: String,
    },
    /// The chart's own Grafana is too old for the plugin.
    BundledOld {
        /// The chart and its version.
        chart: String,
        /// The chart's Grafana version.
        grafana: String,
        /// The plugin's version, or `latest`.
        plugin: String,
        /// The Grafana version the plugin needs.
        required: String,
        /// Whether the plugin is a legacy one (before 1.9.0), which needs less.
        legacy: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    let Some((version, tag)) = ctx.grafana().version() else {
        return;
    };
    let plugin = plugin::entry(ctx.release);
    let pinned = plugin.as_ref().and_then(|p| p.parsed());
    let required: Version = match pinned {
        Some(p) if p < (1, 9, 0) => (9, 2, 0),
        _ => (10, 3, 0),
    };
    if version >= required {
        return;
    }
    let release = ctx.release;
    let bundled = crate::chart::parse_version(release.grafana_app_version());
    let plugin_text = match (&plugin, pinned) {
        (Some(p), Some(_)) => p.version().unwrap_or_default().to_owned(),
        _ => "latest".to_owned(),
    };
    let legacy = required < (10, 3, 0);
    let tag_path = ["grafana", "image", "tag"];
    match tag {
        Some(tag) => {
            let location = release.locate(tag, &tag_path, false);
            // the chart's own Grafana, when that one is new enough
            let fix = bundled.filter(|b| *b >= required).and_then(|b| {
                ctx.fix_at(
                    Some(tag),
                    format!(
                        "set `{}` to the chart's Grafana {}",
                        ctx.grafana().key_name("image.tag"),
                        show(b)
                    ),
                    Applicability::Unsafe,
                    vec![Op::SetScalar {
                        path: path(&tag_path),
                        value: fix::ops::text(show(b)),
                    }],
                )
            });
            let message = Message::TagOld {
                found: tag.describe(),
                plugin: plugin_text,
                required: show(required),
                legacy,
                grafana: show(version),
            };
            out.emit(message, location).with_fix(fix);
        }
        None => {
            let location = release.blame(&tag_path);
            let message = Message::BundledOld {
                chart: ctx.release.chart_name(),
                grafana: show(version),
                plugin: plugin_text,
                required: show(required),
                legacy,
            };
            out.emit(message, location);
        }
    }
}
