//! The Kubernetes names the charts give a release's objects, as their `_helpers.tpl` do:
//! `oncall.name` (which follows an umbrella's alias, as Helm's `.Chart.Name` does: from the
//! `Chart.yaml` beside the values, else from the umbrella key the values sit under),
//! `oncall.fullname`, the engine Service, `grafana.fullname`; and the hardcoded names of
//! the oncall chart's own plugin provisioning. Lint and render both take names from here.

use crate::release::{InputKind, Release};
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

/// What gives the oncall chart its name (`oncall.name` is `default .Chart.Name
/// .Values.nameOverride`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChartName {
    /// `nameOverride` in the values.
    Override(String),
    /// The alias the umbrella's `Chart.yaml` gives the dependency, which Helm makes
    /// `.Chart.Name`.
    Alias(String),
    /// The umbrella key the values sit under, other than `oncall`: Helm hands a subchart the
    /// values under its alias, else its name, so that key is the alias even where no
    /// `Chart.yaml` is beside the values.
    UmbrellaKey(String),
    /// The chart's own name, `oncall`.
    Chart,
}

impl ChartName {
    /// The name.
    pub(crate) fn name(&self) -> &str {
        match self {
            ChartName::Override(name) | ChartName::Alias(name) | ChartName::UmbrellaKey(name) => {
                name
            }
            ChartName::Chart => "oncall",
        }
    }
}

/// What names the oncall chart in this release: `nameOverride`, else the alias in the
/// umbrella's `Chart.yaml`, else the umbrella key the values sit under, else `oncall`.
pub(crate) fn chart_name_of(release: &Release) -> ChartName {
    if let Some(name) = text(release, &["nameOverride"]) {
        return ChartName::Override(name);
    }
    if let Some(alias) = release.identity.alias.clone().filter(|a| !a.is_empty()) {
        return ChartName::Alias(alias);
    }
    // Helm accepts an alias of letters, digits, `-` and `_` only
    let alias_like = |key: &str| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    // one key: an umbrella's dependency (a nested root such as Flux's `spec.values` is a
    // manifest's field, not a chart's name)
    match release.values_root.as_slice() {
        [key] if release.kind == InputKind::OncallValues && key != "oncall" && alias_like(key) => {
            ChartName::UmbrellaKey(key.clone())
        }
        _ => ChartName::Chart,
    }
}

/// The oncall chart's name (`oncall.name`, before its `trunc 63`): see [`chart_name_of`].
pub(crate) fn oncall_chart_name(release: &Release) -> String {
    chart_name_of(release).name().to_owned()
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
    match chart_name_of(release) {
        ChartName::Override(over) => format!("release `{name}` with `nameOverride: {over}`"),
        ChartName::Alias(alias) => {
            format!("release `{name}`, the chart aliased `{alias}` in Chart.yaml")
        }
        ChartName::UmbrellaKey(key) => format!(
            "release `{name}`, the chart named `{key}` by the umbrella key its values sit under"
        ),
        ChartName::Chart => format!("release `{name}`"),
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
    let service =
        service.unwrap_or_else(|| format!("<release>-{}-engine", oncall_chart_name(release)));
    let host = match other_namespace {
        Some(ns) => format!("{service}.{ns}.svc.cluster.local"),
        None => service,
    };
    (format!("http://{host}:{ENGINE_PORT}"), complete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::LintOptions;
    use crate::pipeline::{InputFile, build_release};

    /// Release `platform` of `text`, with a `Chart.yaml` and a values root.
    fn platform(text: &str, chart_yaml: Option<&str>, root: Option<&str>) -> Release {
        let mut options = LintOptions::default();
        options.release.release_name = Some("platform".into());
        options.release.chart_yaml = chart_yaml.map(str::to_owned);
        options.release.values_root = root.map(str::to_owned);
        let file = InputFile {
            path: "values.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        };
        build_release(vec![file], &options).expect("builds").0
    }

    #[test]
    fn the_chart_name_follows_override_alias_and_umbrella_key() {
        let chart_yaml = "name: platform\ndependencies:\n  - name: oncall\n    version: 1.16.9\n    alias: irm\n";
        let aliased = platform("irm:\n  base_url: x.example.com\n", Some(chart_yaml), None);
        assert_eq!(chart_name_of(&aliased), ChartName::Alias("irm".into()));
        assert_eq!(
            engine_service(&aliased).as_deref(),
            Some("platform-irm-engine")
        );
        // nameOverride still wins
        let overridden = platform("irm:\n  nameOverride: alerts\n", Some(chart_yaml), None);
        assert_eq!(
            engine_service(&overridden).as_deref(),
            Some("platform-alerts-engine")
        );
        // no Chart.yaml: the key Helm hands the values under is the alias
        let keyed = platform("irm:\n  base_url: x.example.com\n", None, Some("irm"));
        assert_eq!(chart_name_of(&keyed), ChartName::UmbrellaKey("irm".into()));
        let plain = platform("oncall:\n  base_url: x.example.com\n", None, Some("oncall"));
        assert_eq!(
            engine_service(&plain).as_deref(),
            Some("platform-oncall-engine")
        );
        let top = platform("base_url: x.example.com\n", None, None);
        assert_eq!(chart_name_of(&top), ChartName::Chart);
    }

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
