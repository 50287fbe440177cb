//! The Kubernetes names the charts give a release's objects, as their `_helpers.tpl` do:
//! `oncall.fullname`, the engine Service, `grafana.fullname`; and the hardcoded names of
//! the oncall chart's own plugin provisioning.

use crate::release::Release;
use crate::values::Value;

/// The port of the chart's engine Service (`templates/engine/service-internal.yaml`).
pub(crate) const ENGINE_PORT: &str = "8080";

/// The ConfigMap the oncall chart renders with its hardcoded provisioning.
pub(crate) const CHART_CONFIGMAP: &str = "helm-testing-grafana-plugin-provisioning";

/// The engine Service the chart's provisioning names.
pub(crate) const CHART_ENGINE_SERVICE: &str = "helm-testing-oncall-engine";

/// The `onCallApiUrl` of the chart's provisioning.
pub(crate) const CHART_ONCALL_API_URL: &str = "http://helm-testing-oncall-engine:8080";

/// Helm's `trunc N` (by bytes in Go; by characters here, which is the same for the ASCII
/// names Kubernetes accepts).
pub(crate) fn trunc(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Helm's `trunc N | trimSuffix "-"`.
pub(crate) fn trunc_trim(text: &str, n: usize) -> String {
    let cut = trunc(text, n);
    cut.strip_suffix('-').unwrap_or(cut).to_owned()
}

/// A chart's `<chart>.fullname` helper: `fullnameOverride`, else the release name when it
/// contains the chart's name, else `<release>-<name>`; cut to 63, a trailing `-` dropped.
pub(crate) fn fullname(release: &str, name: &str, fullname_override: Option<&str>) -> String {
    match fullname_override.filter(|s| !s.is_empty()) {
        Some(full) => trunc_trim(full, 63),
        None if release.contains(name) => trunc_trim(release, 63),
        None => trunc_trim(&format!("{release}-{name}"), 63),
    }
}

/// A non-empty string the values set at `keys`.
fn text(release: &Release, keys: &[&str]) -> Option<String> {
    release
        .get(keys)
        .and_then(Value::scalar_string)
        .filter(|s| !s.is_empty())
}

/// The oncall chart's name (`oncall.name`): `nameOverride`, else `oncall`.
pub(crate) fn oncall_chart_name(release: &Release) -> String {
    text(release, &["nameOverride"]).unwrap_or_else(|| "oncall".into())
}

/// `oncall.fullname` for this release: `fullnameOverride`, else from the release name;
/// `None` when neither is known.
pub(crate) fn oncall_fullname(release: &Release) -> Option<String> {
    let full_override = text(release, &["fullnameOverride"]);
    let name = release.identity.name.as_deref();
    if full_override.is_none() && name.is_none() {
        return None;
    }
    Some(fullname(
        name.unwrap_or_default(),
        &oncall_chart_name(release),
        full_override.as_deref(),
    ))
}

/// The engine's internal Service (`<oncall.fullname | trunc 55>-engine`), when its name is
/// known.
pub(crate) fn engine_service(release: &Release) -> Option<String> {
    oncall_fullname(release).map(|full| engine_service_of(&full))
}

/// The engine Service of an `oncall.fullname`.
pub(crate) fn engine_service_of(oncall_fullname: &str) -> String {
    format!("{}-engine", trunc(oncall_fullname, 55))
}

/// The grafana chart's name (`grafana.name`): `grafana.nameOverride`, else `grafana`.
pub(crate) fn grafana_chart_name(release: &Release) -> String {
    text(release, &["grafana", "nameOverride"]).unwrap_or_else(|| "grafana".into())
}

/// What decides the engine Service's name, for messages: `fullnameOverride: x`, or the
/// release (with its `nameOverride`).
pub(crate) fn engine_named_by(release: &Release) -> String {
    if let Some(full) = text(release, &["fullnameOverride"]) {
        return format!("`fullnameOverride: {full}`");
    }
    let name = release.identity.name.clone().unwrap_or_default();
    match text(release, &["nameOverride"]) {
        Some(over) => format!("release `{name}` with `nameOverride: {over}`"),
        None => format!("release `{name}`"),
    }
}

/// The `onCallApiUrl` to suggest: the engine Service on port 8080, with its namespace when
/// Grafana runs in another one. The flag says whether it is complete (no placeholder).
pub(crate) fn suggested_engine_url(release: &Release) -> (String, bool) {
    let service = engine_service(release);
    let identity = &release.identity;
    let other_namespace = match (&identity.namespace, &identity.grafana_namespace) {
        (Some(ns), Some(gns)) => (ns != gns).then(|| ns.clone()),
        (None, Some(_)) => Some("<oncall-namespace>".to_owned()),
        _ => None,
    };
    let complete = service.is_some() && other_namespace.as_deref() != Some("<oncall-namespace>");
    let service = service.unwrap_or_else(|| "<release>-oncall-engine".to_owned());
    let host = match other_namespace {
        Some(ns) => format!("{service}.{ns}.svc.cluster.local"),
        None => service,
    };
    (format!("http://{host}:{ENGINE_PORT}"), complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullnames_follow_the_chart_helpers() {
        assert_eq!(
            fullname("helm-testing", "oncall", None),
            "helm-testing-oncall"
        );
        assert_eq!(fullname("oncall", "oncall", None), "oncall");
        assert_eq!(fullname("my-oncall", "oncall", None), "my-oncall");
        assert_eq!(
            fullname("grafana-oncall", "grafana", None),
            "grafana-oncall"
        );
        assert_eq!(fullname("prod", "grafana", Some("g-")), "g");
        let long = "a".repeat(60);
        assert_eq!(fullname(&long, "oncall", None).len(), 63);
        // `trimSuffix` drops one dash, as Helm does
        assert_eq!(fullname("x", "y", Some("ab--")), "ab-");
        assert_eq!(
            engine_service_of(&"e".repeat(63)),
            format!("{}-engine", "e".repeat(55))
        );
    }
}
