//! OC071 bundled-image-floating: a bundled Bitnami subchart's image on `latest`, whether a
//! user wrote it or the subchart defaults to it (mariadb 23.2.1, bundled from oncall chart
//! 1.16.6). A floating tag is another image at each pull: for a database, a new major
//! version that upgrades the data on the existing volume when a pod is rescheduled. The
//! chart defaults come from the model's table ([`images::BITNAMI_CHARTS`]).
//!
//! No fix: the files name no exact tag for these images (the mariadb 23.2.1 Chart
//! annotation gives only the application version, 12.0.2), and Bitnami no longer serves
//! versioned tags under `docker.io/bitnami`, so only the user can say which image to pin.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::model::images;
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
        );
    }
}
