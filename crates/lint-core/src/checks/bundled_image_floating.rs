//! OC071 bundled-image-floating: a bundled Bitnami subchart's image on `latest`, whether a
//! user wrote it or the subchart defaults to it (mariadb 23.2.1, bundled from oncall chart
//! 1.16.6). A floating tag is another image at each pull: for a database, a new major
//! version that upgrades the data on the existing volume when a pod is rescheduled. The
//! chart defaults come from the model's table ([`images::BITNAMI_CHARTS`]).
//!
//! The one fix is for a default the model knows a versioned tag for (mariadb 23.2.1's
//! main image: MariaDB 12.0.2, the version its Chart annotation names, as
//! `bitnamilegacy/mariadb:12.0.2-debian-12-r0`). It is unsafe: only the operator knows
//! the version the volume holds, and that legacy repository gets no updates. For the
//! other images no tag is known, so only the user can say which image to pin.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::build::{combined, merge_ops};
use crate::model::images::{self, BitnamiImage};
use crate::release::InputKind;

/// What OC071 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An image on `latest`.
    Floating {
        /// The subchart's key (`mariadb`).
        sub: String,
        /// `repository:tag`, without the registry (`bitnami/mariadb:latest`).
        image: String,
        /// The whole reference (`registry-1.docker.io/bitnami/mariadb:latest`).
        reference: String,
        /// Whether it is the subchart's main image.
        main: bool,
        /// What runs it (`the metrics exporter`).
        role: String,
        /// The tag key (`mariadb.image.tag`).
        tag_key: String,
        /// The digest key (`mariadb.image.digest`), empty when the subchart reads none.
        digest_key: String,
        /// `latest` is the subchart's default, not written.
        chart_default: bool,
        /// The subchart and its version (`mariadb 23.2.1`), when known.
        subchart: String,
        /// The oncall chart version.
        chart: String,
        /// The main image of a bundled database (MariaDB, PostgreSQL: data on a volume).
        database: bool,
        /// The main image of the bundled MariaDB (10.11.4 up to chart 1.16.5).
        mariadb: bool,
        /// The subchart refuses images from another repository unless
        /// `global.security.allowInsecureImages` is true.
        refuses_relocated: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for image in images::bitnami_images(release) {
        if !image.judged_here(release) || !image.floats() {
            continue;
        }
        let main = image.part.is_empty();
        let reads_digest = image.chart.is_none_or(|c| c.reads_digest);
        let location = match image.tag_value {
            Some(value) => release.locate(value, &image.key("tag"), false),
            None => image.location(release),
        };
        let fix = pin_fix(ctx, &image);
        out.emit(
            Message::Floating {
                sub: image.sub.to_owned(),
                image: image.short(),
                reference: image.reference(),
                main,
                role: image
                    .default
                    .map_or_else(|| "the main container".to_owned(), |d| d.role.to_owned()),
                tag_key: image.key("tag").join("."),
                digest_key: if reads_digest {
                    image.key("digest").join(".")
                } else {
                    String::new()
                },
                chart_default: image.tag_value.is_none(),
                subchart: image
                    .chart
                    .map(|c| format!("{} {}", c.sub, c.version))
                    .unwrap_or_default(),
                chart: release.chart_version().to_owned(),
                database: main && matches!(image.sub, "mariadb" | "postgresql"),
                mariadb: main && image.sub == "mariadb",
                refuses_relocated: image.chart.is_some_and(|c| c.refuses_relocated_images),
            },
            location,
        )
        .with_fix(fix);
    }
}

/// Pins a chart default on `latest` to the versioned tag the model knows for it, from
/// Bitnami's legacy repository (with the `allowInsecureImages` a subchart that checks its
/// images needs); unsafe: the volume may hold a newer version, and that repository gets
/// no updates. `None` for an image the user moved or a default with no known tag.
fn pin_fix(ctx: &CheckContext<'_>, image: &BitnamiImage<'_>) -> Option<Fix> {
    let default = image.default?;
    let pin = default.legacy_pin?;
    // from Docker Hub, or from a mirror of it (the path stays `bitnamilegacy/mariadb`)
    if image.tag_value.is_some() || image.repository != default.repository {
        return None;
    }
    let repository = image.legacy_repository()?;
    let mut settings = vec![
        (image.key("repository"), serde_json::json!(repository)),
        (image.key("tag"), serde_json::json!(pin)),
    ];
    let mut title = format!(
        "pin `{}:{pin}`, the version the {} subchart was built for, from Bitnami's legacy repository (no more updates: mirror it); if the volume already holds a newer version, pin that one instead, as a downgrade may not start",
        repository,
        image
            .chart
            .map(|c| format!("{} {}", c.sub, c.version))
            .unwrap_or_default(),
    );
    if let Some((key, said)) = image.accept_relocated() {
        settings.push((key, serde_json::json!(true)));
        title.push_str(&said);
    }
    // in the last file, where Helm lets it win; the keys under one parent are joined
    combined(
        ctx.release,
        title,
        Applicability::Unsafe,
        merge_ops(ctx.release, &settings),
    )
}
