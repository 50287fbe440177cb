//! The `Chart.yaml` (and `Chart.lock`) beside the values: what it says about the oncall
//! chart. Two kinds are understood:
//!
//! - an umbrella chart with an oncall dependency: the key the values sit under (the alias,
//!   else `oncall`), the alias itself (Helm gives an aliased subchart that name as
//!   `.Chart.Name`, so every object of the release is named after it) and the version it
//!   pins (the lock's, else the range's lowest);
//! - the oncall chart's own `Chart.yaml` (`name: oncall`, no oncall dependency): its
//!   `version` is the chart version, and the values are at the top.
//!
//! For values of the grafana chart, it also names the grafana chart version: a `grafana`
//! dependency's (kube-prometheus-stack's own `Chart.yaml`, an umbrella over the grafana
//! chart), or the grafana chart's own `version`.

/// One oncall dependency entry: the key its values sit under (alias, else name), the alias
/// when one is written, and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dependency {
    root: String,
    alias: Option<String>,
    version: Option<String>,
}

/// What the documents of a `Chart.yaml` (and of a `Chart.lock` following it after `---`)
/// say: the oncall dependency entries (lock entries last), and the first document's own
/// `name` and `version`.
#[derive(Debug, Default)]
struct Read {
    dependencies: Vec<Dependency>,
    /// The versions of the `grafana` dependencies, lock entries last.
    grafana: Vec<String>,
    own_name: Option<String>,
    own_version: Option<String>,
}

/// Reads the text; text that is not YAML says nothing.
fn read(text: &str) -> Read {
    let Ok(docs) = crate::yaml::parse(text, &crate::yaml::Limits::default()) else {
        return Read::default();
    };
    let mut found = Read::default();
    for (index, doc) in docs.iter().enumerate() {
        let Some(root) = doc.root else {
            continue;
        };
        let top = |name: &str| {
            doc.get(root, name)
                .and_then(|e| doc.scalar_text(e.value))
                .map(str::to_owned)
        };
        if index == 0 {
            found.own_name = top("name");
            found.own_version = top("version");
        }
        let Some(deps) = doc.get(root, "dependencies") else {
            continue;
        };
        for item in doc.items(deps.value) {
            let field = |name: &str| {
                doc.get(*item, name)
                    .and_then(|e| doc.scalar_text(e.value))
                    .map(str::to_owned)
                    .filter(|s| !s.trim().is_empty())
            };
            if field("name").as_deref() == Some("grafana")
                && let Some(version) = field("version")
            {
                found.grafana.push(version);
            }
            if field("name").as_deref() == Some("oncall") {
                let alias = field("alias");
                found.dependencies.push(Dependency {
                    root: alias.clone().unwrap_or_else(|| "oncall".into()),
                    alias,
                    version: field("version"),
                });
            }
        }
    }
    found
}

impl Read {
    /// Whether this is the oncall chart's own `Chart.yaml`: named `oncall`, with no oncall
    /// dependency (an umbrella that happens to be named `oncall` has one).
    fn is_oncall_chart(&self) -> bool {
        self.own_name.as_deref() == Some("oncall") && self.dependencies.is_empty()
    }
}

/// Finds the values root an umbrella `Chart.yaml` gives the oncall chart: the alias or the
/// name of its dependency named `oncall`. The oncall chart's own `Chart.yaml` gives none:
/// its values are at the top.
pub fn values_root_from_chart_yaml(text: &str) -> Option<String> {
    read(text).dependencies.into_iter().next().map(|d| d.root)
}

/// The oncall chart version a `Chart.yaml` or `Chart.lock` names: the version an umbrella
/// pins its oncall dependency to (the lock wins; a range such as `~1.16.0` counts as its
/// lowest version), or the oncall chart's own `version` when this is its `Chart.yaml`.
pub fn oncall_version_from_chart_yaml(text: &str) -> Option<String> {
    let read = read(text);
    if read.is_oncall_chart() {
        return read.own_version;
    }
    read.dependencies.into_iter().rev().find_map(|d| d.version)
}

/// The grafana chart version a `Chart.yaml` or `Chart.lock` names, as written: the version
/// of its `grafana` dependency (the lock wins; a range is returned as written, for
/// [`crate::chart::grafana::release_matching`]), or the grafana chart's own `version` when
/// this is its `Chart.yaml`.
pub fn grafana_version_from_chart_yaml(text: &str) -> Option<String> {
    let read = read(text);
    if read.own_name.as_deref() == Some("grafana") && read.grafana.is_empty() {
        return read.own_version;
    }
    read.grafana.into_iter().last()
}

/// The alias an umbrella `Chart.yaml` gives its oncall dependency, which Helm makes the
/// subchart's `.Chart.Name` (so `oncall.name` and every name built on it follow it). With
/// `values_root` (the key the user said holds the values), the dependency at that key;
/// else the first. `None` when the dependency has no alias.
pub fn oncall_alias_from_chart_yaml(text: &str, values_root: Option<&str>) -> Option<String> {
    let dependencies = read(text).dependencies;
    let chosen = match values_root.map(str::trim).filter(|r| !r.is_empty()) {
        Some(root) => dependencies.into_iter().find(|d| d.root == root),
        None => dependencies.into_iter().next(),
    };
    chosen.and_then(|d| d.alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_yaml_dependency_gives_root_and_version() {
        let text = "apiVersion: v2\nname: mine\ndependencies:\n  - name: oncall\n    version: 1.9.22\n    alias: alerts\n";
        assert_eq!(values_root_from_chart_yaml(text).as_deref(), Some("alerts"));
        assert_eq!(
            oncall_version_from_chart_yaml(text).as_deref(),
            Some("1.9.22")
        );
        assert_eq!(
            oncall_alias_from_chart_yaml(text, None).as_deref(),
            Some("alerts")
        );
    }

    #[test]
    fn a_grafana_dependency_gives_the_grafana_chart_version() {
        let kps = "apiVersion: v2\nname: kube-prometheus-stack\nversion: 88.5.3\ndependencies:\n  - name: crds\n    version: 0.0.0\n  - name: grafana\n    version: \"12.11.1\"\n    repository: https://grafana-community.github.io/helm-charts\n    condition: grafana.enabled\n";
        assert_eq!(
            grafana_version_from_chart_yaml(kps).as_deref(),
            Some("12.11.1")
        );
        // the lock wins over the range
        let locked = "name: monitoring\ndependencies:\n  - name: grafana\n    version: ~10.5.0\n---\ndependencies:\n- name: grafana\n  version: 10.5.15\n";
        assert_eq!(
            grafana_version_from_chart_yaml(locked).as_deref(),
            Some("10.5.15")
        );
        // the grafana chart's own Chart.yaml
        let own = "apiVersion: v2\nname: grafana\nversion: 11.1.1\nappVersion: 12.3.2\n";
        assert_eq!(
            grafana_version_from_chart_yaml(own).as_deref(),
            Some("11.1.1")
        );
        assert_eq!(
            grafana_version_from_chart_yaml("name: podinfo\nversion: 6.0.0\n"),
            None
        );
    }

    #[test]
    fn the_alias_is_the_dependency_at_the_values_root() {
        let text = "name: platform\nversion: 0.1.0\ndependencies:\n  - name: oncall\n    version: 1.16.9\n  - name: oncall\n    version: 1.16.9\n    alias: irm\n";
        assert_eq!(oncall_alias_from_chart_yaml(text, None), None);
        assert_eq!(
            oncall_alias_from_chart_yaml(text, Some("irm")).as_deref(),
            Some("irm")
        );
        assert_eq!(oncall_alias_from_chart_yaml(text, Some("oncall")), None);
        // the umbrella's own version is not the oncall chart's
        assert_eq!(
            oncall_version_from_chart_yaml(text).as_deref(),
            Some("1.16.9")
        );
    }

    #[test]
    fn the_oncall_charts_own_chart_yaml_gives_its_version_and_no_root() {
        let own = "apiVersion: v2\nname: oncall\nversion: 1.15.3\nappVersion: v1.15.3\ndependencies:\n  - name: grafana\n    version: 8.4.6\n---\ndependencies:\n- name: grafana\n  version: 8.4.6\ndigest: sha256:0\n";
        assert_eq!(
            oncall_version_from_chart_yaml(own).as_deref(),
            Some("1.15.3")
        );
        assert_eq!(values_root_from_chart_yaml(own), None);
        assert_eq!(oncall_alias_from_chart_yaml(own, None), None);
        // another chart's own version says nothing about the oncall chart
        let other = "apiVersion: v2\nname: podinfo\nversion: 6.0.0\n";
        assert_eq!(oncall_version_from_chart_yaml(other), None);
        // an umbrella named `oncall` is still an umbrella
        let umbrella =
            "name: oncall\nversion: 0.3.0\ndependencies:\n  - name: oncall\n    version: 1.12.1\n";
        assert_eq!(
            oncall_version_from_chart_yaml(umbrella).as_deref(),
            Some("1.12.1")
        );
        assert_eq!(
            values_root_from_chart_yaml(umbrella).as_deref(),
            Some("oncall")
        );
    }
}
