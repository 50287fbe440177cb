//! The two cluster add-ons the oncall chart bundles besides its database, broker and cache:
//! the `ingress-nginx` controller and `cert-manager`, both on by default. They are frozen
//! with the chart (OnCall OSS is archived; its last chart is 1.16.9) while the cluster moves
//! on, so what they are, and what the chart's own objects assume about them (the Ingress
//! class `nginx`, the Issuer `letsencrypt-prod`), is written here once for the rules that
//! judge them (OC072, OC073, OC074).
//!
//! Every oncall chart release, 1.0.0 to 1.16.9, declares the same two dependencies with the
//! same defaults (read from `helm/oncall/Chart.yaml` and `values.yaml` at every `oncall-*`
//! tag of grafana/oncall and at `main` 35939da6 for 1.16.9), so the facts below do not
//! depend on the chart version. Their images, for the air-gapped rules, are in
//! [`super::images`].

use crate::release::Release;
use crate::values::{Kind, Value};

/// The bundled ingress-nginx chart's key in the oncall chart's values.
pub(crate) const INGRESS_NGINX: &str = "ingress-nginx";

/// The ingress-nginx chart every oncall chart bundles (`Chart.yaml`: `ingress-nginx`
/// 4.1.4, `condition: ingress-nginx.enabled`).
pub(crate) const INGRESS_NGINX_CHART: &str = "4.1.4";

/// The controller that chart runs (its appVersion; `controller.image.tag: "v1.2.1"`,
/// pinned by digest).
pub(crate) const INGRESS_NGINX_CONTROLLER: &str = "v1.2.1";

/// The first controller releases fixed for CVE-2025-1974 "IngressNightmare" (and the
/// CVEs disclosed with it): 1.11.5 and 1.12.1 (kubernetes/kubernetes#131009). 1.2.1 will
/// never get the fix: the project was retired in March 2026
/// (kubernetes.io/blog/2025/11/11/ingress-nginx-retirement).
pub(crate) const INGRESS_NGINX_FIXED_IN: &str = "1.11.5 and 1.12.1";

/// The keys under `ingress-nginx.controller.image` that choose another controller image
/// than the chart's (its values: `image`, `repository`, `tag`, `digest`). `registry` alone
/// is not one: the chart pins the image by digest, so another registry serves the same
/// controller (a mirror, as `render airgap` writes).
const CONTROLLER_IMAGE_KEYS: [&str; 4] = ["image", "repository", "tag", "digest"];

/// The bundled cert-manager chart's key in the oncall chart's values.
pub(crate) const CERT_MANAGER: &str = "cert-manager";

/// The cert-manager chart every oncall chart bundles (`Chart.yaml`: `cert-manager` v1.8.0,
/// `condition: cert-manager.enabled`); its controller is v1.8.0 too.
pub(crate) const CERT_MANAGER_CHART: &str = "v1.8.0";

/// The Kubernetes versions cert-manager 1.8 supports: 1.19 to 1.24 (released
/// 2022-04-05, end of life 2022-10-17; cert-manager.io/docs/releases).
pub(crate) const CERT_MANAGER_KUBERNETES: &str = "1.19 to 1.24";

/// The Issuer the oncall chart creates for its Ingress (`templates/cert-issuer.yaml`:
/// `kind: Issuer`, `name: letsencrypt-prod`, a post-install/post-upgrade hook rendered
/// only when `cert-manager.enabled`, from chart 1.0.2), and that the chart's default
/// `ingress.annotations` name (`cert-manager.io/issuer: "letsencrypt-prod"`).
pub(crate) const CHART_ISSUER: &str = "letsencrypt-prod";

/// The Ingress annotation that names a namespaced cert-manager Issuer.
pub(crate) const ISSUER_ANNOTATION: &str = "cert-manager.io/issuer";

/// The path of the issuer annotation in the oncall chart's values.
pub(crate) const ISSUER_ANNOTATION_PATH: [&str; 3] = ["ingress", "annotations", ISSUER_ANNOTATION];

/// The path of the annotation that names a ClusterIssuer. cert-manager's ingress-shim
/// refuses an Ingress that has both (`issuerForIngressLike`: `both "cert-manager.io/issuer"
/// and "cert-manager.io/cluster-issuer" may not be set`) and makes no Certificate for it.
pub(crate) const CLUSTER_ISSUER_ANNOTATION_PATH: [&str; 3] =
    ["ingress", "annotations", "cert-manager.io/cluster-issuer"];

/// Whether a bundled subchart is deployed, as Helm decides it from its condition: `None`
/// unless `<key>.enabled` is a boolean (Helm ignores a condition that is not one; OC091
/// reports the value).
pub(crate) fn deployed(release: &Release, key: &str) -> Option<bool> {
    match release.get(&[key, "enabled"])?.kind {
        Kind::Bool(b) => Some(b),
        _ => None,
    }
}

/// `<key>.enabled` when a user file (or `--set`) wrote it.
pub(crate) fn enabled_written<'r>(release: &'r Release, key: &str) -> Option<&'r Value> {
    release
        .get(&[key, "enabled"])
        .filter(|v| v.site().is_some())
}

/// Whether the values choose another ingress-nginx controller image than the chart's
/// (a user wrote a key of `ingress-nginx.controller.image` that picks it).
pub(crate) fn custom_controller_image(release: &Release) -> bool {
    CONTROLLER_IMAGE_KEYS.iter().any(|key| {
        release
            .get(&[INGRESS_NGINX, "controller", "image", key])
            .is_some_and(|v| v.site().is_some())
    })
}

/// Whether the bundled cert-manager installs its CRDs (`cert-manager.installCRDs`; the
/// oncall chart sets it true, the cert-manager chart's own default is false).
pub(crate) fn installs_crds(release: &Release) -> bool {
    release
        .get(&[CERT_MANAGER, "installCRDs"])
        .is_some_and(Value::is_truthy)
}

/// Whether the chart renders its Issuer `letsencrypt-prod`: `cert-manager.enabled` is
/// truthy (the template's `if`).
pub(crate) fn chart_issuer_rendered(release: &Release) -> bool {
    release
        .get(&[CERT_MANAGER, "enabled"])
        .is_some_and(Value::is_truthy)
}

/// Whether the chart's Ingress is rendered (`ingress.enabled`, on by default).
pub(crate) fn ingress_rendered(release: &Release) -> bool {
    release
        .get(&["ingress", "enabled"])
        .is_some_and(Value::is_truthy)
}

/// The effective `cert-manager.io/issuer` annotation of the chart's Ingress when it names
/// the chart's Issuer (the chart's default, or a user who wrote the same name).
pub(crate) fn chart_issuer_annotation(release: &Release) -> Option<&Value> {
    release
        .get(&ISSUER_ANNOTATION_PATH)
        .filter(|v| v.scalar_string().is_some_and(|s| s.trim() == CHART_ISSUER))
}

/// The effective `cert-manager.io/cluster-issuer` annotation of the chart's Ingress, with
/// any value (the shim tests the key only).
pub(crate) fn cluster_issuer_annotation(release: &Release) -> Option<&Value> {
    release.get(&CLUSTER_ISSUER_ANNOTATION_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::LintOptions;
    use crate::pipeline::{InputFile, build_release};

    /// The release of one values file.
    fn release(text: &str) -> Release {
        let file = InputFile {
            path: "values.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        build_release(vec![file], &LintOptions::default())
            .expect("builds")
            .0
    }

    #[test]
    fn the_chart_defaults_deploy_both_add_ons_and_name_the_issuer() {
        let stock = release("base_url: oncall.example.com\n");
        assert_eq!(deployed(&stock, INGRESS_NGINX), Some(true));
        assert_eq!(deployed(&stock, CERT_MANAGER), Some(true));
        assert!(installs_crds(&stock) && chart_issuer_rendered(&stock));
        assert!(ingress_rendered(&stock));
        assert!(chart_issuer_annotation(&stock).is_some_and(|v| v.site().is_none()));
        assert!(enabled_written(&stock, INGRESS_NGINX).is_none());
        assert!(!custom_controller_image(&stock));
    }

    #[test]
    fn null_removes_the_default_annotation_and_a_string_is_no_condition() {
        let values = "ingress:\n  annotations:\n    cert-manager.io/issuer: null\n\
                      cert-manager:\n  enabled: \"false\"\n\
                      ingress-nginx:\n  controller:\n    image:\n      tag: v1.12.1\n";
        let r = release(values);
        assert!(chart_issuer_annotation(&r).is_none());
        assert_eq!(deployed(&r, CERT_MANAGER), None);
        assert!(custom_controller_image(&r));
    }
}
