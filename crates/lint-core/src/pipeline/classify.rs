//! The classify stage: what each input is (oncall values, umbrella values under a key,
//! grafana chart values, a provisioning file, a manifest, another chart's values), where
//! its values start. Which chart version's defaults go underneath, and who the release is,
//! are `identity.rs`'s.
//!
//! The user's word wins: `--chart`, `--values-root`, an umbrella `Chart.yaml`. Otherwise the
//! keys decide: keys only the oncall chart has, a Grafana that hosts the OnCall plugin.

use std::sync::Arc;

use super::note::{KindReason, RootReason};
use super::signals;
use crate::chart::ChartState;
use crate::model::chart_keys::{GRAFANA_KEYS, ONCALL_KEYS, ONCALL_KEYS_BELOW, SHARED_ONCALL_KEYS};
use crate::options::{ChartKind, LintOptions};
use crate::release::{InputKind, values_root_from_chart_yaml};
use crate::source::SourceFile;
use crate::yaml::{Document, NodeId};

/// What a set of layers holds, and where its values start.
#[derive(Debug, Clone)]
pub(super) struct Classified {
    /// Which chart's values.
    pub kind: InputKind,
    /// What decided the kind.
    pub kind_why: KindReason,
    /// Keys from the top of each file to the values (empty: top level).
    pub values_root: Vec<String>,
    /// Why that root, when there is one.
    pub why: Option<RootReason>,
}

/// Classifies the layers of a release: a single file by its keys and path, several files
/// as the oncall chart's values; the options' chart and values root win.
pub(super) fn classify(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> Classified {
    let Kinded {
        mut kind,
        mut grafana_root,
        mut why,
    } = match layers.first() {
        Some((source, doc)) if layers.len() == 1 => input_kind(doc, chart, source.path()),
        _ => Kinded::oncall(KindReason::ReleaseFiles),
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
        why = KindReason::RootGiven;
    }
    // the user said which chart: believe them
    match options.release.chart_kind {
        Some(ChartKind::Oncall) => {
            kind = InputKind::OncallValues;
            why = KindReason::ChartFlag;
        }
        Some(ChartKind::Grafana) => {
            if kind != InputKind::GrafanaValues {
                grafana_root = Vec::new();
            }
            kind = InputKind::GrafanaValues;
            why = KindReason::ChartFlag;
            if let Some(root) = options.release.values_root.as_deref() {
                grafana_root = split_root(root);
            }
        }
        None => {}
    }
    let (values_root, root_why) = match kind {
        InputKind::Provisioning | InputKind::Manifest | InputKind::OtherValues => {
            (Vec::new(), None)
        }
        InputKind::GrafanaValues => {
            let why = (!grafana_root.is_empty()).then_some(RootReason::GrafanaInOtherChart);
            (grafana_root, why)
        }
        InputKind::OncallValues => {
            let (root, why) = values_root(layers, chart, options);
            (root.unwrap_or_default(), why)
        }
    };
    Classified {
        kind,
        kind_why: why,
        values_root,
        why: root_why,
    }
}

/// What the values of a release of another chart than oncall are (a GitOps manifest names
/// the chart): a Grafana that hosts the OnCall plugin (the grafana chart's own values, or
/// another chart's `grafana:`), the oncall chart's under an umbrella key when keys only
/// the oncall chart has say so, else another chart's. A `grafana:` section alone is never
/// the oncall chart's here: the chart is not oncall.
pub(super) fn classify_foreign(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> Classified {
    let grafana = |kind_why, values_root: Vec<String>| Classified {
        kind: InputKind::GrafanaValues,
        kind_why,
        why: (!values_root.is_empty()).then_some(RootReason::GrafanaInOtherChart),
        values_root,
    };
    for (source, doc) in layers {
        let Some(root) = doc.root else { continue };
        if let Some(section) = doc.get(root, "grafana") {
            let disabled = doc
                .get(section.value, "enabled")
                .and_then(|e| doc.scalar_text(e.value))
                .is_some_and(|t| t == "false");
            if !disabled && signals::mentions_plugin(doc, section.value) {
                return grafana(KindReason::GrafanaInOtherChart, vec!["grafana".to_owned()]);
            }
        }
        let top_keys = keys_of(doc, root);
        if top_keys.iter().any(|k| GRAFANA_KEYS.contains(k)) && signals::mentions_plugin(doc, root)
        {
            return grafana(KindReason::GrafanaWithPlugin, Vec::new());
        }
        let kinded = input_kind(doc, chart, source.path());
        if let (InputKind::OncallValues, KindReason::OncallKeys(_)) = (kinded.kind, &kinded.why) {
            let (root, why) = values_root(layers, chart, options);
            return Classified {
                kind: InputKind::OncallValues,
                kind_why: kinded.why,
                values_root: root.unwrap_or_default(),
                why,
            };
        }
    }
    Classified {
        kind: InputKind::OtherValues,
        kind_why: KindReason::NoOncallKey,
        values_root: Vec::new(),
        why: None,
    }
}

/// A dotted values root (`spec.values`) as its keys; `\.` is a dot inside a key, as in
/// `--set`.
pub(super) fn split_root(root: &str) -> Vec<String> {
    let mut keys = vec![String::new()];
    let mut chars = root.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(k) = keys.last_mut() {
                    k.push('.');
                }
            }
            '.' => keys.push(String::new()),
            c => {
                if let Some(k) = keys.last_mut() {
                    k.push(c);
                }
            }
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// The key an umbrella chart holds the oncall values under: the options', the umbrella
/// `Chart.yaml`'s, else the one a file's keys show.
pub(super) fn values_root(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> (Option<Vec<String>>, Option<RootReason>) {
    if let Some(root) = &options.release.values_root {
        let keys = split_root(root);
        return if keys.is_empty() {
            (None, None)
        } else {
            (Some(keys), Some(RootReason::Flag))
        };
    }
    if let Some(root) = options
        .release
        .chart_yaml
        .as_deref()
        .and_then(values_root_from_chart_yaml)
    {
        return (Some(vec![root]), Some(RootReason::ChartYaml));
    }
    for (_, doc) in layers {
        if let Some(root) = detect_values_root(doc, chart) {
            return (Some(vec![root]), Some(RootReason::Detected));
        }
    }
    (None, None)
}

/// What a document is, why, and for grafana chart values the key that holds them.
struct Kinded {
    kind: InputKind,
    grafana_root: Vec<String>,
    why: KindReason,
}

impl Kinded {
    fn oncall(why: KindReason) -> Kinded {
        Kinded::of(InputKind::OncallValues, why)
    }

    fn of(kind: InputKind, why: KindReason) -> Kinded {
        Kinded {
            kind,
            grafana_root: Vec::new(),
            why,
        }
    }
}

/// The top-level keys of a document that say which chart it is for (keys only holding
/// anchors for the rest of the file say nothing).
struct TopKeys<'a> {
    keys: Vec<&'a str>,
    defaults: Option<&'static crate::values::Map>,
}

impl TopKeys<'_> {
    /// A key the oncall chart does not have at its top level.
    fn foreign(&self, key: &str) -> bool {
        key != "grafana" && key != "global" && self.defaults.is_some_and(|d| !d.contains_key(key))
    }

    fn any_foreign(&self) -> bool {
        self.keys.iter().any(|k| self.foreign(k))
    }

    fn has(&self, key: &str) -> bool {
        self.keys.contains(&key)
    }
}

/// What a document is, by its keys, then by its path (`path`, as reported).
fn input_kind(doc: &Document, chart: &'static ChartState, path: &str) -> Kinded {
    let Some(root) = doc.root else {
        return Kinded::oncall(KindReason::Empty);
    };
    let holders = signals::anchor_holders(doc);
    let top = TopKeys {
        keys: keys_of(doc, root)
            .into_iter()
            .filter(|k| !holders.contains(k))
            .collect(),
        defaults: chart.defaults().as_map(),
    };
    let values_keys = top.keys.iter().any(|k| ONCALL_KEYS.contains(k)) || top.has("grafana");
    if !values_keys
        && doc
            .get(root, "apps")
            .is_some_and(|e| !doc.items(e.value).is_empty())
    {
        return Kinded::of(InputKind::Provisioning, KindReason::Apps);
    }
    if !values_keys && doc.get(root, "apiVersion").is_some() && doc.get(root, "kind").is_some() {
        return Kinded::of(InputKind::Manifest, KindReason::ApiVersionKind);
    }
    if top.keys.is_empty() && holders.is_empty() {
        return Kinded::oncall(KindReason::Empty);
    }
    if let Some(kinded) = by_oncall_keys(doc, root, &top) {
        return kinded;
    }
    let by_grafana = by_grafana_keys(doc, root, &top, chart);
    if by_grafana.kind != InputKind::OtherValues {
        return by_grafana;
    }
    // a file kept for the oncall chart whose keys alone do not say so (`image:` and `env:`,
    // a `grafana:` beside a key the chart does not have): its unknown keys are OC090's
    match signals::oncall_path_part(path) {
        Some(part) => Kinded::oncall(KindReason::NamedForOncall(part.to_owned())),
        None => by_grafana,
    }
}

/// The keys of a map, as text.
fn keys_of(doc: &Document, map: NodeId) -> Vec<&str> {
    doc.entries(map)
        .iter()
        .filter_map(|e| doc.scalar_text(e.key))
        .collect()
}

/// Oncall values by their keys: keys only the oncall chart has (at the top, or one level
/// down under an umbrella's key), one that looks like such a key, or keys it shares with
/// other charts and none it does not have.
fn by_oncall_keys(doc: &Document, root: NodeId, top: &TopKeys<'_>) -> Option<Kinded> {
    let own: Vec<&str> = top
        .keys
        .iter()
        .copied()
        .filter(|k| ONCALL_KEYS.contains(k))
        .collect();
    if !own.is_empty() {
        return Some(Kinded::oncall(KindReason::OncallKeys(quoted(&own))));
    }
    let below: Vec<String> = doc
        .entries(root)
        .iter()
        .flat_map(|e| {
            let parent = doc.scalar_text(e.key).unwrap_or_default();
            keys_of(doc, e.value)
                .into_iter()
                .filter(|k| ONCALL_KEYS_BELOW.contains(k))
                .map(move |k| format!("{parent}.{k}"))
        })
        .collect();
    if !below.is_empty() {
        let below: Vec<&str> = below.iter().map(String::as_str).collect();
        return Some(Kinded::oncall(KindReason::OncallKeys(quoted(&below))));
    }
    if let Some((key, like)) = top
        .keys
        .iter()
        .find_map(|k| signals::near_oncall_key(k).map(|like| (*k, like)))
    {
        let key = key.to_owned();
        return Some(Kinded::oncall(KindReason::LikeOncallKey { key, like }));
    }
    let shared = top.keys.iter().any(|k| SHARED_ONCALL_KEYS.contains(k));
    (shared && !top.any_foreign()).then(|| Kinded::oncall(KindReason::SharedKeysOnly))
}

/// `a`, `b` as a message lists keys.
fn quoted(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Grafana's values by their keys: the oncall chart's `grafana:` section alone, another
/// chart's `grafana:` that hosts the OnCall plugin, or the grafana chart's own values that
/// install it. Anything else is another chart's values.
fn by_grafana_keys(
    doc: &Document,
    root: NodeId,
    top: &TopKeys<'_>,
    chart: &'static ChartState,
) -> Kinded {
    if let Some(grafana) = doc
        .get(root, "grafana")
        .filter(|e| !doc.entries(e.value).is_empty())
    {
        // `grafana:` beside keys the oncall chart does not have: another chart (such as
        // kube-prometheus-stack) holding the grafana chart; beside nothing else, a layer
        // of the oncall chart's values about its bundled Grafana
        // (a key the oncall chart has at another level is a misplaced setting, not a sign
        // of another chart: OC090 reports it)
        let foreign = top.keys.iter().any(|k| {
            top.foreign(k)
                && !crate::schema::chart_known_paths(chart)
                    .iter()
                    .any(|p| p.last().is_some_and(|last| last == k))
        });
        let disabled = doc
            .get(grafana.value, "enabled")
            .and_then(|e| doc.scalar_text(e.value))
            .is_some_and(|t| t == "false");
        return match (foreign, disabled) {
            (true, false) if signals::mentions_plugin(doc, grafana.value) => Kinded {
                kind: InputKind::GrafanaValues,
                grafana_root: vec!["grafana".to_owned()],
                why: KindReason::GrafanaInOtherChart,
            },
            // another chart whose Grafana does not host the plugin, or that does not
            // deploy its Grafana: nothing of ours
            (true, _) => Kinded::of(InputKind::OtherValues, KindReason::OtherChartsGrafana),
            (false, _) => Kinded::oncall(KindReason::GrafanaSectionOnly),
        };
    }
    // a Grafana that does not host the plugin (dashboards only) is not ours to judge
    if top.keys.iter().any(|k| GRAFANA_KEYS.contains(k)) && signals::mentions_plugin(doc, root) {
        return Kinded::of(InputKind::GrafanaValues, KindReason::GrafanaWithPlugin);
    }
    Kinded::of(InputKind::OtherValues, KindReason::NoOncallKey)
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

    #[test]
    fn values_roots_are_dotted_with_escaped_dots() {
        assert_eq!(split_root("spec.values"), ["spec", "values"]);
        assert_eq!(split_root(" irm "), ["irm"]);
        assert_eq!(split_root("a\\.b.c"), ["a.b", "c"]);
        assert!(split_root("").is_empty());
    }
}
