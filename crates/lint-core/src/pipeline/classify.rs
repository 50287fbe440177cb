//! The classify stage: what each input is (oncall values, umbrella values under a key,
//! grafana chart values, a provisioning file, a manifest, another chart's values), where
//! its values start. Which chart version's defaults go underneath, and who the release is,
//! are `identity.rs`'s.
//!
//! The user's word wins: `--chart`, `--values-root`, an umbrella `Chart.yaml`. Otherwise the
//! keys decide: keys only the oncall chart has, a Grafana that hosts the OnCall plugin.

use std::sync::Arc;

use super::note::RootReason;
use crate::chart::ChartState;
use crate::options::{ChartKind, LintOptions};
use crate::release::{InputKind, values_root_from_chart_yaml};
use crate::source::SourceFile;
use crate::yaml::{Document, NodeId, NodeKind};

/// What a set of layers holds, and where its values start.
#[derive(Debug, Clone)]
pub(super) struct Classified {
    /// Which chart's values.
    pub kind: InputKind,
    /// Keys from the top of each file to the values (empty: top level).
    pub values_root: Vec<String>,
    /// Why that root, when there is one.
    pub why: Option<RootReason>,
}

/// Classifies the layers of a release: a single file by its keys, several files as the
/// oncall chart's values; the options' chart and values root win.
pub(super) fn classify(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> Classified {
    let (mut kind, mut grafana_root) = match layers.first() {
        Some((_, doc)) if layers.len() == 1 => input_kind(doc, chart),
        _ => (InputKind::OncallValues, Vec::new()),
    };
    // the user said where the oncall values are: believe them
    let told = options
        .release
        .values_root
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
        || options
            .release
            .chart_yaml
            .as_deref()
            .and_then(values_root_from_chart_yaml)
            .is_some();
    if kind == InputKind::OtherValues && told {
        kind = InputKind::OncallValues;
    }
    // the user said which chart: believe them
    match options.release.chart_kind {
        Some(ChartKind::Oncall) => kind = InputKind::OncallValues,
        Some(ChartKind::Grafana) => {
            if kind != InputKind::GrafanaValues {
                grafana_root = Vec::new();
            }
            kind = InputKind::GrafanaValues;
            if let Some(root) = options.release.values_root.as_deref() {
                grafana_root = root
                    .split('.')
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
        None => {}
    }
    match kind {
        InputKind::Provisioning | InputKind::Manifest | InputKind::OtherValues => Classified {
            kind,
            values_root: Vec::new(),
            why: None,
        },
        InputKind::GrafanaValues => Classified {
            kind,
            why: (!grafana_root.is_empty()).then_some(RootReason::GrafanaInOtherChart),
            values_root: grafana_root,
        },
        InputKind::OncallValues => {
            let (root, why) = values_root(layers, chart, options);
            Classified {
                kind,
                values_root: root.into_iter().collect(),
                why,
            }
        }
    }
}

/// The key an umbrella chart holds the oncall values under: the options', the umbrella
/// `Chart.yaml`'s, else the one a file's keys show.
pub(super) fn values_root(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> (Option<String>, Option<RootReason>) {
    if let Some(root) = &options.release.values_root {
        let root = root.trim();
        return if root.is_empty() {
            (None, None)
        } else {
            (Some(root.to_owned()), Some(RootReason::Flag))
        };
    }
    if let Some(root) = options
        .release
        .chart_yaml
        .as_deref()
        .and_then(values_root_from_chart_yaml)
    {
        return (Some(root), Some(RootReason::ChartYaml));
    }
    for (_, doc) in layers {
        if let Some(root) = detect_values_root(doc, chart) {
            return (Some(root), Some(RootReason::Detected));
        }
    }
    (None, None)
}

/// Keys only the oncall chart (or an umbrella holding it) has; `image`, `service` or
/// `ingress` alone say nothing, and `grafana` is also how other charts hold the grafana
/// chart.
const ONCALL_KEYS: [&str; 16] = [
    "externalGrafana",
    "engine",
    "celery",
    "oncall",
    "base_url",
    "base_url_protocol",
    "broker",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "migrate",
    "telegramPolling",
    "detached_integrations",
    "detached_integrations_service",
    "uwsgi",
];

/// Keys of the oncall chart that many other charts also have at their top level (the
/// bitnami subcharts, `database`, `cert-manager`): they say "oncall" only when no key of
/// the file is foreign to the oncall chart (podinfo, harbor or airflow values have `redis`
/// or `postgresql` beside their own keys).
const SHARED_ONCALL_KEYS: [&str; 6] = [
    "database",
    "mariadb",
    "postgresql",
    "rabbitmq",
    "redis",
    "cert-manager",
];

/// Keys that say "oncall" one level down (an umbrella chart's key holding the oncall
/// values): only names no other chart's sections use.
const ONCALL_KEYS_BELOW: [&str; 11] = [
    "externalGrafana",
    "engine",
    "celery",
    "base_url",
    "base_url_protocol",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "telegramPolling",
    "detached_integrations",
];

/// Keys of the grafana chart's values that no other chart's top level has.
const GRAFANA_KEYS: [&str; 10] = [
    "grafana.ini",
    "plugins",
    "adminUser",
    "adminPassword",
    "datasources",
    "dashboardProviders",
    "sidecar",
    "imageRenderer",
    "initChownData",
    "envFromSecret",
];

/// What a document is, and for grafana chart values the key that holds them (empty: the
/// top level).
fn input_kind(doc: &Document, chart: &'static ChartState) -> (InputKind, Vec<String>) {
    let Some(root) = doc.root else {
        return (InputKind::OncallValues, Vec::new());
    };
    let keys_of = |map: NodeId| -> Vec<&str> {
        doc.entries(map)
            .iter()
            .filter_map(|e| doc.scalar_text(e.key))
            .collect()
    };
    let top = keys_of(root);
    let has_apps = doc
        .get(root, "apps")
        .is_some_and(|e| !doc.items(e.value).is_empty());
    let is_manifest = doc.get(root, "apiVersion").is_some() && doc.get(root, "kind").is_some();
    let oncall_defaults = chart.defaults().as_map();
    // a top-level key the oncall chart does not have at its top level
    let foreign_top = |k: &&str| {
        *k != "grafana" && *k != "global" && oncall_defaults.is_some_and(|d| !d.contains_key(*k))
    };
    let oncall_top = top.iter().any(|k| ONCALL_KEYS.contains(k))
        || (top.iter().any(|k| SHARED_ONCALL_KEYS.contains(k)) && !top.iter().any(foreign_top));
    let oncall_below = doc.entries(root).iter().any(|e| {
        keys_of(e.value)
            .iter()
            .any(|k| ONCALL_KEYS_BELOW.contains(k))
    });
    let values_keys = oncall_top || top.contains(&"grafana");
    if has_apps && !values_keys {
        return (InputKind::Provisioning, Vec::new());
    }
    if is_manifest && !values_keys {
        return (InputKind::Manifest, Vec::new());
    }
    if top.is_empty() || oncall_top || oncall_below {
        return (InputKind::OncallValues, Vec::new());
    }
    if let Some(grafana) = doc
        .get(root, "grafana")
        .filter(|e| !doc.entries(e.value).is_empty())
    {
        // `grafana:` beside keys the oncall chart does not have: another chart (such as
        // kube-prometheus-stack) holding the grafana chart; beside nothing else, a layer
        // of the oncall chart's values about its bundled Grafana
        // (a key the oncall chart has at another level is a misplaced setting, not a sign
        // of another chart: OC090 reports it)
        let foreign = top.iter().any(|k| {
            *k != "grafana"
                && *k != "global"
                && oncall_defaults.is_some_and(|d| !d.contains_key(*k))
                && !crate::schema::chart_known_paths(chart)
                    .iter()
                    .any(|p| p.last().is_some_and(|last| last == k))
        });
        let disabled = doc
            .get(grafana.value, "enabled")
            .and_then(|e| doc.scalar_text(e.value))
            .is_some_and(|t| t == "false");
        return match (foreign, disabled) {
            (true, false) if mentions_plugin(doc, grafana.value) => {
                (InputKind::GrafanaValues, vec!["grafana".to_owned()])
            }
            // another chart whose Grafana does not host the plugin: nothing of ours
            (true, false) => (InputKind::OtherValues, Vec::new()),
            // another chart that does not deploy its Grafana: nothing of ours
            (true, true) => (InputKind::OtherValues, Vec::new()),
            (false, _) => (InputKind::OncallValues, Vec::new()),
        };
    }
    // a Grafana that does not host the plugin (dashboards only) is not ours to judge
    if top.iter().any(|k| GRAFANA_KEYS.contains(k)) && mentions_plugin(doc, root) {
        return (InputKind::GrafanaValues, Vec::new());
    }
    (InputKind::OtherValues, Vec::new())
}

/// Whether any text under `node` names the OnCall plugin (a `plugins` entry, an install
/// variable, an init container, provisioning): the sign that a Grafana hosts it.
fn mentions_plugin(doc: &Document, node: NodeId) -> bool {
    let mut stack = vec![node];
    let mut seen = 0usize;
    while let Some(id) = stack.pop() {
        seen += 1;
        if seen > 1_000_000 {
            return false;
        }
        match &doc.node(id).kind {
            NodeKind::Scalar { text, .. } => {
                if text.contains("grafana-oncall-app") {
                    return true;
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter().copied()),
            NodeKind::Map(entries) => {
                stack.extend(entries.iter().flat_map(|e| [e.key, e.value]));
            }
            NodeKind::Alias(_) => {}
        }
    }
    false
}

/// Finds the values root of an umbrella chart: a top-level key whose map holds more of the
/// oncall chart's top-level keys than the file's own top level does.
fn detect_values_root(doc: &Document, chart: &'static ChartState) -> Option<String> {
    let root = doc.root?;
    let known = chart.defaults().as_map()?;
    let score = |map: NodeId| {
        doc.entries(map)
            .iter()
            .filter(|e| {
                doc.scalar_text(e.key)
                    .is_some_and(|k| known.contains_key(k) && k != "global")
            })
            .count()
    };
    let top = score(root);
    let strong = |map: NodeId| {
        ["grafana", "externalGrafana", "engine", "celery", "base_url"]
            .iter()
            .any(|k| doc.get(map, k).is_some())
    };
    let mut best: Option<(usize, String)> = None;
    for entry in doc.entries(root) {
        let Some(name) = doc.scalar_text(entry.key) else {
            continue;
        };
        if name == "global" {
            continue;
        }
        // a section of the chart itself (`grafana:` holding `image` and `env`) is not an
        // umbrella key, even though those names are also top-level keys of the chart
        if let Some(section) = known.get(name).and_then(crate::values::Value::as_map) {
            let all_in_section = doc
                .entries(entry.value)
                .iter()
                .filter_map(|e| doc.scalar_text(e.key))
                .all(|k| section.contains_key(k));
            if all_in_section {
                continue;
            }
        }
        let inner = score(entry.value);
        // one shared key name (`imagePullSecrets`, `env`) is not enough to call it the chart
        let convincing = inner >= 2 || strong(entry.value);
        if convincing && inner > top && best.as_ref().is_none_or(|(s, _)| inner > *s) {
            best = Some((inner, name.to_owned()));
        }
    }
    best.map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Document {
        parse(text, &Limits::default()).unwrap().remove(0)
    }

    #[test]
    fn umbrella_key_is_detected_and_plain_files_stay_top_level() {
        let chart = ChartState::latest();
        let umbrella =
            doc("oncall:\n  grafana:\n    enabled: false\n  externalGrafana:\n    url: http://g\n");
        assert_eq!(
            detect_values_root(&umbrella, chart).as_deref(),
            Some("oncall")
        );
        // the oncall chart's own `oncall:` section is not an umbrella key
        let plain = doc("oncall:\n  slack:\n    enabled: true\ngrafana:\n  enabled: true\n");
        assert_eq!(detect_values_root(&plain, chart), None);
        // `global` is Helm's, and one shared key name is not an umbrella
        let global = doc("global:\n  imagePullSecrets: [regcred]\n");
        assert_eq!(detect_values_root(&global, chart), None);
        let one = doc("myapp:\n  env: {}\n");
        assert_eq!(detect_values_root(&one, chart), None);
        // the chart's own `grafana:` section holding keys that are also top-level keys
        let section = doc("grafana:\n  image:\n    tag: 11.3.0\n  env:\n    A: b\n");
        assert_eq!(detect_values_root(&section, chart), None);
    }
}
