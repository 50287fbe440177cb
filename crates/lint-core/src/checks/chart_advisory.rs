//! OC027 chart-advisory: a release whose engine version and values meet a known breakage
//! (the table in `model/advisories.rs`: the version range, the values it needs, what
//! breaks, where it is reported and which release fixes it). The engine's version is
//! `image.tag`, else the app version of a chart version known exactly; an assumed chart
//! version is never judged, since the finding would then be a guess.
//!
//! No fix: the cure is another chart or engine release, which is outside the values.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::chart::show_version;
use crate::model::advisories::{self, Impact};
use crate::model::engine;
use crate::release::InputKind;

/// What OC027 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A known breakage that makes the install or upgrade fail.
    InstallFails {
        /// The engine version.
        engine: String,
        /// Where the engine's version comes from.
        engine_from: String,
        /// The engine's version comes from `image.tag`.
        from_tag: bool,
        /// The values that meet it: `` `database.type: postgresql` ``.
        predicate: String,
        /// What breaks.
        breakage: String,
        /// The first release without it.
        fixed_in: String,
        /// Where it is reported and fixed.
        source: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues {
        return;
    }
    let written = ctx.written_chart_version();
    let Some((version, tag)) = engine::known_version(release, written.as_deref()) else {
        return;
    };
    let engine_from = match tag {
        Some(_) => "`image.tag`".to_owned(),
        None => format!("the app version of oncall chart {}", show_version(version)),
    };
    for hit in advisories::matching(release, version) {
        let advisory = hit.advisory;
        let (engine, engine_from, predicate) = (
            show_version(version),
            engine_from.clone(),
            hit.described.clone(),
        );
        let (breakage, fixed_in, source) = (
            advisory.breakage.to_owned(),
            show_version(advisory.fixed_in),
            advisory.source.to_owned(),
        );
        let message = match advisory.impact {
            Impact::InstallFails => Message::InstallFails {
                engine,
                engine_from,
                from_tag: tag.is_some(),
                predicate,
                breakage,
                fixed_in,
                source,
            },
        };
        let diagnostic = out.emit(message, release.locate(hit.value, hit.path, false));
        if let Some(tag) = tag {
            diagnostic.with_related(
                release.locate(tag, &["image", "tag"], false),
                "the engine's version is set here",
            );
        }
    }
}
