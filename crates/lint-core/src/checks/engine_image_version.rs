//! OC023 engine-image-version: the engine image (`image.tag`) should be the chart's app
//! version. The oncall chart and the engine are released together, one version each
//! (chart 1.16.9 runs `grafana/oncall:v1.16.9`), and the chart's templates set the
//! environment, commands and migration Job of that engine; a tag from another release runs
//! an engine the templates were not written for. A tag that moves (`latest`, `dev`) pins
//! nothing, and a tag without the `v` the published tags have names no image.
//!
//! A version is only compared when the chart version is known exactly (given, one version,
//! a chart release): against an assumed or a range's version the finding would be a guess.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::chart::{Version, known_release, show_version};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::model::engine::{self, Tag, V_TAGS_ONLY_FROM};
use crate::release::InputKind;
use crate::values::Value;

/// What OC023 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `image.tag` is another engine version than the chart's app version.
    Mismatch {
        /// The tag written.
        tag: String,
        /// The engine version it runs.
        engine: String,
        /// The chart version.
        chart: String,
        /// The chart's app version (`v1.16.9`).
        app_version: String,
        /// The engine is newer than the chart's.
        newer: bool,
        /// An oncall chart release runs this engine (it is not past the last release).
        released: bool,
        /// The tag has no `v`, which `grafana/oncall`'s published tags have.
        no_prefix: bool,
    },
    /// `image.tag` is the chart's version without the `v` of the published tags.
    NoPrefix {
        /// The tag written.
        tag: String,
        /// The tag as published.
        suggested: String,
    },
    /// `image.tag` moves to each new build.
    Floating {
        /// The tag written.
        tag: String,
        /// It is `dev` (built from every commit to the dev branch).
        dev: bool,
        /// The chart pulls the image at every pod start (`image.pullPolicy: Always`).
        always_pull: bool,
        /// The chart version, when known exactly; else empty.
        chart: String,
        /// The chart's app version, when known; else empty.
        app_version: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues {
        return;
    }
    let written = ctx.written_chart_version();
    let chart = engine::exact_chart_version(release, written.as_deref());
    let app = chart.and_then(engine::app_version);
    match engine::tag(release) {
        Tag::Floating { value, text } => floating(ctx, value, &text, chart, app, out),
        Tag::Version {
            value,
            text,
            version,
            v_prefix,
        } => {
            // the published tags are `v<version>` from the GitHub Actions releases on
            let no_prefix =
                !v_prefix && version >= V_TAGS_ONLY_FROM && engine::official_image(release);
            match (chart, app) {
                (Some(chart), Some(app)) if version != app => {
                    let message = Message::Mismatch {
                        tag: text,
                        engine: show_version(version),
                        chart: show_version(chart),
                        app_version: format!("v{}", show_version(app)),
                        newer: version > app,
                        released: known_release(&show_version(version)).is_ok(),
                        no_prefix,
                    };
                    let fix = remove_tag(ctx, value, app);
                    out.emit(message, release.locate(value, &["image", "tag"], false))
                        .with_fix(fix);
                }
                _ if no_prefix => {
                    let suggested = format!("v{text}");
                    let fix = ctx.fix_at(
                        Some(value),
                        format!("write `{suggested}`, the published tag"),
                        Applicability::Safe,
                        vec![Op::SetScalar {
                            path: path(&["image", "tag"]),
                            value: fix::ops::text(suggested.clone()),
                        }],
                    );
                    out.emit(
                        Message::NoPrefix {
                            tag: text,
                            suggested,
                        },
                        release.locate(value, &["image", "tag"], false),
                    )
                    .with_fix(fix);
                }
                _ => {}
            }
        }
        Tag::Unset | Tag::Other => {}
    }
}

/// Reports a tag that moves (`latest`, `dev`).
fn floating(
    ctx: &CheckContext<'_>,
    value: &Value,
    text: &str,
    chart: Option<Version>,
    app: Option<Version>,
    out: &mut Emitter<'_, Message>,
) {
    let release = ctx.release;
    let always_pull = release
        .get(&["image", "pullPolicy"])
        .and_then(Value::as_str)
        .is_some_and(|p| p == "Always");
    let message = Message::Floating {
        tag: text.to_owned(),
        dev: text == "dev",
        always_pull,
        chart: chart.map(show_version).unwrap_or_default(),
        app_version: app.map(|v| format!("v{}", show_version(v))).unwrap_or_default(),
    };
    let fix = app.and_then(|app| remove_tag(ctx, value, app));
    out.emit(message, release.locate(value, &["image", "tag"], false))
        .with_fix(fix);
}

/// Removes `image.tag`, so the chart's app version `app` runs: unsafe, since only the user
/// knows whether the engine is pinned on purpose.
fn remove_tag(ctx: &CheckContext<'_>, tag: &Value, app: Version) -> Option<Fix> {
    ctx.fix_at(
        Some(tag),
        format!(
            "remove `image.tag` so the chart's `v{}` runs (keep the tag only if you run this engine on purpose, with the chart of its version)",
            show_version(app)
        ),
        Applicability::Unsafe,
        vec![Op::Remove {
            path: path(&["image", "tag"]),
        }],
    )
}
