//! OC013 grafana-version: the bundled Grafana must be new enough for the plugin.
//!
//! The plugin's v2 initialization (1.9.0 and later) authenticates with an external service
//! account, which Grafana has from 10.3; plugin 1.9.17 and later declare
//! `grafanaDependency: >=10.2.5`. A pinned legacy plugin (before 1.9.0) needs only 9.2.

use serde_json::json;

use super::{CheckContext, Emitter, Untyped, path};
use crate::chart::{Version, show_version as show};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::model::plugin;

/// What this rule reports (its messages still go by key; see [`Untyped`]).
pub type Message = Untyped;

/// Runs the check.
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
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
    let bundled = crate::chart::parse_version(release.chart.grafana_app_version);
    let plugin_text = match (&plugin, pinned) {
        (Some(p), Some(_)) => p.version().unwrap_or_default().to_owned(),
        _ => "latest".to_owned(),
    };
    let args = json!({
        "grafana": show(version),
        "required": show(required),
        "plugin": plugin_text,
        "version": ctx.release.chart_version(),
            "chart": ctx.release.chart_name(),
        "legacy": required < (10, 3, 0),
        "found": tag.map(|t| t.describe()),
    });
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
            out.emit_json("tag-old", args, location).with_fix(fix);
        }
        None => {
            let location = release.blame(&tag_path);
            out.emit_json("bundled-old", args, location);
        }
    }
}
