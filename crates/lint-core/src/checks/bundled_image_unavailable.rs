//! OC070 bundled-image-unavailable: a bundled Bitnami subchart (`mariadb`, `postgresql`,
//! `rabbitmq`, `redis`) that is on and still pulls the pinned `docker.io/bitnami/...` tag
//! its version defaults to. Bitnami stopped serving those tags in 2025 and moved them to
//! `docker.io/bitnamilegacy`; the oncall chart is archived and will never move its
//! subcharts, so a stock install fails with ImagePullBackOff. Which tags each chart
//! version ships, and that they are gone, is the model's table
//! ([`images::BITNAMI_CHARTS`]); this check only finds the images still on them, and the
//! versioned `bitnami/` tags a user wrote in their place, which are gone as well.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::build::{combined, merge_ops};
use crate::model::images::{self, BitnamiImage};
use crate::model::subcharts::SERVICES;
use crate::release::InputKind;

/// What OC070 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An image still on a pinned default tag Bitnami no longer serves.
    Unavailable {
        /// The subchart's key (`rabbitmq`).
        sub: String,
        /// The reference the pod pulls (`docker.io/bitnami/rabbitmq:3.12.0-debian-11-r0`).
        image: String,
        /// The same image under `bitnamilegacy` (`docker.io/bitnamilegacy/rabbitmq:...`).
        legacy: String,
        /// The repository to set (`bitnamilegacy/rabbitmq`).
        legacy_repository: String,
        /// The repository key (`rabbitmq.image.repository`).
        repository_key: String,
        /// Whether it is the subchart's main image (else a container behind a switch).
        main: bool,
        /// What runs it (`the metrics exporter`).
        role: String,
        /// The switch that turns it on (`rabbitmq.metrics.enabled`).
        switch: String,
        /// The subchart and its version (`rabbitmq 12.0.0`).
        subchart: String,
        /// The oncall chart version.
        chart: String,
        /// `<sub>.enabled` is not written (the chart's default turns the subchart on).
        enabled_default: bool,
        /// The external settings' key (`externalRabbitmq`).
        external: String,
        /// The tag is one the user wrote (a versioned tag under `bitnami/`), not the
        /// subchart's default.
        written_tag: bool,
        /// The tag key (`rabbitmq.image.tag`).
        tag_key: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    for image in images::bitnami_images(release) {
        if !image.judged_here(release) || !image.unavailable() {
            continue;
        }
        let (Some(chart), Some(legacy_repository)) = (image.chart, image.legacy_repository())
        else {
            continue;
        };
        let repository_key = image.key("repository");
        let legacy = format!(
            "docker.io/{legacy_repository}:{}",
            image.tag.as_deref().unwrap_or_default()
        );
        let external = SERVICES
            .iter()
            .find(|s| s.sub == image.sub)
            .map(|s| s.external)
            .unwrap_or_default();
        let enabled_default = release
            .get(&[image.sub, "enabled"])
            .is_none_or(|v| v.site().is_none());
        let fix = legacy_fix(ctx, &image, &legacy_repository);
        out.emit(
            Message::Unavailable {
                sub: image.sub.to_owned(),
                image: image.reference(),
                legacy,
                legacy_repository,
                repository_key: repository_key.join("."),
                main: image.part.is_empty(),
                role: image
                    .default
                    .map(|d| d.role.to_owned())
                    .unwrap_or_default(),
                switch: image.switch_key().join("."),
                subchart: format!("{} {}", chart.sub, chart.version),
                chart: release.chart_version().to_owned(),
                enabled_default,
                external: external.to_owned(),
                written_tag: image.written_versioned_tag(),
                tag_key: image.key("tag").join("."),
            },
            image.location(release),
        )
        .with_fix(fix);
    }
}

/// Moves the image to `bitnamilegacy` (same tag, so the same bytes), with the
/// `allowInsecureImages` a subchart that checks its images needs; unsafe, since that
/// repository gets no updates.
fn legacy_fix(ctx: &CheckContext<'_>, image: &BitnamiImage<'_>, repository: &str) -> Option<Fix> {
    let mut settings = vec![(image.key("repository"), serde_json::json!(repository))];
    let mut title = format!(
        "set `{}: {repository}`: the same image and tag, from Bitnami's legacy repository, which gets no updates or security fixes (mirror it, or move to a maintained image)",
        image.key("repository").join(".")
    );
    if let Some((key, said)) = image.accept_relocated() {
        settings.push((key, serde_json::json!(true)));
        title.push_str(&said);
    }
    if image.written_versioned_tag() {
        title.push_str(": check that the legacy repository has the tag you wrote");
    }
    // in the last file, where Helm lets it win; the keys under one parent are joined
    combined(
        ctx.release,
        title,
        Applicability::Unsafe,
        merge_ops(ctx.release, &settings),
    )
}
