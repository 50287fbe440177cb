//! OC074 dangling-issuer-annotation: the chart's default Ingress annotations name its own
//! Issuer (`cert-manager.io/issuer: letsencrypt-prod`), which the chart renders only with
//! the bundled cert-manager. A release that turns `cert-manager.enabled` off (to use the
//! cluster's cert-manager) and keeps the annotation, as maps merge, points cert-manager at
//! an Issuer that does not exist: the Ingress's certificate is never issued.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::Op;
use crate::fix::build::{combined, merge_ops};
use crate::model::addons::{
    CERT_MANAGER, CHART_ISSUER, CLUSTER_ISSUER_ANNOTATION_PATH, ISSUER_ANNOTATION_PATH,
    chart_issuer_annotation, chart_issuer_rendered, cluster_issuer_annotation, ingress_rendered,
};
use crate::release::InputKind;
use crate::values::{Kind, Origin, Value};

/// What OC074 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The Ingress names the chart's Issuer, which the release does not create.
    Dangling {
        /// The Issuer's name (`letsencrypt-prod`).
        issuer: String,
        /// A user wrote the annotation (else it is the chart's default).
        written: bool,
        /// `cert-manager.io/cluster-issuer` is set too, so cert-manager refuses the Ingress
        /// whatever Issuers exist.
        cluster_issuer: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues
        || chart_issuer_rendered(release)
        || !ingress_rendered(release)
    {
        return;
    }
    let Some(annotation) = chart_issuer_annotation(release) else {
        return;
    };
    let enabled_path = [CERT_MANAGER, "enabled"];
    let enabled = release
        .get(&enabled_path)
        .filter(|v| v.site().is_some());
    let written = annotation.site().is_some();
    let location = match (written, enabled) {
        (true, _) => release.locate(annotation, &ISSUER_ANNOTATION_PATH, false),
        (false, Some(value)) => release.locate(value, &enabled_path, false),
        (false, None) => release.blame(&enabled_path),
    };
    let cluster_issuer = cluster_issuer_annotation(release);
    let diagnostic = out.emit(
        Message::Dangling {
            issuer: CHART_ISSUER.to_owned(),
            written,
            cluster_issuer: cluster_issuer.is_some(),
        },
        location,
    );
    if let Some(value) = cluster_issuer.filter(|v| v.site().is_some()) {
        diagnostic.with_related(
            release.locate(value, &CLUSTER_ISSUER_ANNOTATION_PATH, true),
            "set too: cert-manager takes an Issuer or a ClusterIssuer annotation, not both",
        );
    }
    if let (true, Some(value)) = (written, enabled) {
        diagnostic.with_related(
            release.locate(value, &enabled_path, false),
            "the bundled cert-manager, and the chart's Issuer with it, is turned off here",
        );
    }
    diagnostic.with_fix(remove(ctx, annotation, cluster_issuer.is_some()));
}

/// Removes the annotation with `null`, where the user wrote it or in the last file: a
/// deleted line would bring the chart's default, the same Issuer, back. With a
/// `cluster_issuer` annotation, that one then applies.
fn remove(ctx: &CheckContext<'_>, annotation: &Value, cluster_issuer: bool) -> Option<Fix> {
    let release = ctx.release;
    let then = if cluster_issuer {
        "your `cert-manager.io/cluster-issuer` then applies"
    } else {
        "then name the Issuer or ClusterIssuer of the cluster's cert-manager"
    };
    let title = format!(
        "remove the `cert-manager.io/issuer: {CHART_ISSUER}` annotation (`null`, or the \
         chart's default comes back): {then}"
    );
    if annotation.site().is_some() {
        return ctx.fix_at(
            Some(annotation),
            title,
            Applicability::Unsafe,
            vec![Op::SetScalar {
                path: path(&ISSUER_ANNOTATION_PATH),
                value: Value::new(Kind::Null, Origin::Fix),
            }],
        );
    }
    combined(
        release,
        title,
        Applicability::Unsafe,
        merge_ops(
            release,
            &[(ISSUER_ANNOTATION_PATH.to_vec(), serde_json::Value::Null)],
        ),
    )
}
