//! OC073 bundled-cert-manager: the oncall chart deploys its own cert-manager (v1.8.0, from
//! 2022) and, through `cert-manager.installCRDs: true`, its cluster-wide CRDs; both are the
//! chart's defaults in every release. A cluster that already runs cert-manager owns those
//! CRDs, so the install fails ("cannot be imported into the current release"), and
//! cert-manager 1.8 supports Kubernetes 1.19 to 1.24 only: today's clusters are newer.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::build::{combined, merge_ops};
use crate::model::addons::{
    CERT_MANAGER, CERT_MANAGER_CHART, CERT_MANAGER_KUBERNETES, CHART_ISSUER,
    ISSUER_ANNOTATION_PATH, chart_issuer_annotation, deployed, enabled_written, ingress_rendered,
    installs_crds,
};
use crate::release::InputKind;

/// What OC073 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// The bundled cert-manager is deployed with its CRDs.
    Bundled {
        /// The bundled chart's version (`v1.8.0`).
        chart: String,
        /// The Kubernetes versions it supports (`1.19 to 1.24`).
        kubernetes: String,
        /// Neither `cert-manager.enabled` nor `cert-manager.installCRDs` is written: both
        /// are the chart's defaults.
        default: bool,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues
        || deployed(release, CERT_MANAGER) != Some(true)
        || !installs_crds(release)
    {
        return;
    }
    let enabled_path = [CERT_MANAGER, "enabled"];
    let crds_path = [CERT_MANAGER, "installCRDs"];
    let enabled = enabled_written(release, CERT_MANAGER);
    let crds = release.get(&crds_path).filter(|v| v.site().is_some());
    // the chart's defaults are judged only in a whole release (every file of it is here)
    if enabled.is_none() && crds.is_none() && !release.whole {
        return;
    }
    let location = match (enabled, crds) {
        (Some(value), _) => release.locate(value, &enabled_path, false),
        (None, Some(value)) => release.locate(value, &crds_path, false),
        (None, None) => release.blame(&enabled_path),
    };
    // a user who wrote `enabled: true` chose the bundled cert-manager: no fix
    let fix = if enabled.is_none() {
        turn_off(ctx)
    } else {
        None
    };
    out.emit(
        Message::Bundled {
            chart: CERT_MANAGER_CHART.to_owned(),
            kubernetes: CERT_MANAGER_KUBERNETES.to_owned(),
            default: enabled.is_none() && crds.is_none(),
        },
        location,
    )
    .with_fix(fix);
}

/// Turns the bundled cert-manager off, and with it the chart's default annotation that
/// names its Issuer (which then no longer exists), so the fix leaves no dangling issuer
/// (OC074).
fn turn_off(ctx: &CheckContext<'_>) -> Option<crate::diagnostic::Fix> {
    let release = ctx.release;
    let mut settings = vec![(vec![CERT_MANAGER, "enabled"], json!(false))];
    let default_annotation = ingress_rendered(release)
        && chart_issuer_annotation(release).is_some_and(|v| v.site().is_none());
    if default_annotation {
        settings.push((ISSUER_ANNOTATION_PATH.to_vec(), serde_json::Value::Null));
    }
    let title = if default_annotation {
        format!(
            "set `cert-manager.enabled: false` and remove the chart's annotation \
             `cert-manager.io/issuer: {CHART_ISSUER}` (its Issuer goes with it): use the \
             cluster's cert-manager, and name its Issuer or ClusterIssuer in \
             `ingress.annotations`"
        )
    } else {
        "set `cert-manager.enabled: false`: use the cluster's cert-manager, and name its \
         Issuer or ClusterIssuer in `ingress.annotations`"
            .to_owned()
    };
    combined(
        release,
        title,
        Applicability::Unsafe,
        merge_ops(release, &settings),
    )
}
