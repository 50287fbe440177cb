//! The OnCall plugin's provisioning wherever the files write it: a Grafana provisioning
//! file (`apps:` at the top), provisioning YAML embedded in a string value (usually a
//! ConfigMap under `grafana.extraObjects`, in a literal block scalar), parsed on its own
//! with its spans mapped back into the outer file ([`SpanMapper`]), or a provisioning
//! document written as a map under any key of the values (`apiVersion` and `apps`), where
//! Grafana never reads it ([`unread`] says why). Every provisioning rule checks what is
//! found, wherever it is: a document under a key Grafana never reads is still meant as the
//! plugin's settings, and moved where Grafana reads it, its mistakes would count.
//!
//! Also here: the keys each reader of the provisioning accepts ([`known_keys`], a table
//! derived from Grafana's and the plugin's sources, `data/provisioning/keys.tsv`), and how
//! the plugin's Go backend finds a `jsonData` key ([`json_data`]): case-insensitively, as
//! Go's `encoding/json` does.

use std::ops::Range;

use super::plugin::PLUGIN_ID;
use crate::path::{KeyPath, Seg};
use crate::release::Release;
use crate::values::{Kind, Origin, Value, to_value};
use crate::yaml::embedded::SpanMapper;
use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle, parse};

/// One `apps:` entry of type `grafana-oncall-app`, as Grafana would read it.
#[derive(Debug, Clone)]
pub struct ProvisionedApp {
    /// The entry, with origins in the outer file.
    pub value: Value,
    /// Display key path of the entry (outer path, then the embedded path).
    pub key_path: KeyPath,
    /// Whether it was found in YAML embedded in a string.
    pub embedded: bool,
    /// The layer (file) it is in.
    pub layer: usize,
    /// Document path of the string holding embedded YAML (`None` for a provisioning file).
    pub string_path: Option<Vec<Seg>>,
    /// Path of the entry inside its YAML (`apps[i]`).
    pub entry_path: Vec<Seg>,
    /// The embedded YAML document the entry is in, as parsed here (fixes edit it without
    /// parsing it again).
    pub embedded_doc: Option<std::sync::Arc<crate::yaml::Document>>,
    /// Where the provisioning document is written.
    pub place: Place,
    /// Document path (in the layer's file) of the provisioning document: empty for a
    /// provisioning file, the string for embedded YAML, the map for a document under a key.
    pub document_path: Vec<Seg>,
    /// Display key path of the provisioning document.
    pub document_key_path: KeyPath,
    /// The whole provisioning document (shared by the entries of one document).
    pub document: std::sync::Arc<Value>,
}

impl ProvisionedApp {
    /// The chart-relative path (the values root taken off, the release's mount put on) of
    /// what an edit at `inner` (a path in the entry) changes in the effective values: the
    /// string holding embedded YAML, else the entry's key itself. A fix names it as its
    /// target. `None` when it is outside the chart's values.
    pub(crate) fn target(&self, release: &Release, inner: &[Seg]) -> Option<Vec<Seg>> {
        let path: Vec<Seg> = match &self.string_path {
            Some(string) => string.clone(),
            None => self.entry_path.iter().chain(inner).cloned().collect(),
        };
        release.chart_path(&path)
    }

    /// The chart-relative path of the whole provisioning document (see
    /// [`ProvisionedApp::target`]).
    pub(crate) fn document_target(&self, release: &Release) -> Option<Vec<Seg>> {
        release.chart_path(&self.document_path)
    }
}

/// Where a provisioning document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A Grafana provisioning file: `apps:` at the top of the document.
    File,
    /// YAML embedded in a string (a ConfigMap's data key, usually).
    Embedded,
    /// A map under a key of the values, holding `apiVersion` and `apps`.
    Map,
}

/// Finds every OnCall app entry in the release's user files.
pub(crate) fn find(release: &Release) -> Vec<ProvisionedApp> {
    let mut found = Vec::new();
    let in_effect = std::cell::OnceCell::new();
    for (index, layer) in release.layers.iter().enumerate() {
        let Some(root) = layer.doc.root else {
            continue;
        };
        // a provisioning file: `apps:` at the top of the document
        if layer.doc.get(root, "apps").is_some()
            && let Ok(value) = to_value(&layer.doc, root, index, &|r| r, 10_000 + layer.doc.len())
        {
            collect_apps(value, &KeyPath::root(), Found::File, index, &mut found);
        }
        // provisioning documents written as maps under a key
        if layer.doc.ids().any(|id| names_plugin(&layer.doc, id)) {
            for (id, path, segs) in provisioning_maps(&layer.doc, root) {
                let Ok(value) = to_value(&layer.doc, id, index, &|r| r, 10_000 + layer.doc.len())
                else {
                    continue;
                };
                // a list in an earlier file that a later one replaces is never rendered
                let holds = value
                    .get(&["apps"])
                    .and_then(Value::as_seq)
                    .into_iter()
                    .flatten()
                    .filter_map(|app| app.get(&["type"])?.site())
                    .any(|site| {
                        in_effect
                            .get_or_init(|| InEffect::of(release))
                            .holds(index, &site.span)
                    });
                if holds {
                    collect_apps(value, &path, Found::Map(&segs), index, &mut found);
                }
            }
        }
        // only walk the tree (building key paths) when some string mentions the plugin
        let mentions = |id: NodeId| matches!(&layer.doc.node(id).kind, NodeKind::Scalar { text, .. } if text.contains(PLUGIN_ID) && text.contains("apps"));
        if !layer.doc.ids().any(mentions) {
            continue;
        }
        let about_the_plugin = |text: &str| text.contains(PLUGIN_ID) && text.contains("apps");
        for (id, path, segs) in string_scalars(&layer.doc, root, about_the_plugin) {
            let NodeKind::Scalar { text, style, .. } = &layer.doc.node(id).kind else {
                continue;
            };
            let span = &layer.doc.node(id).span;
            if !in_effect
                .get_or_init(|| InEffect::of(release))
                .holds(index, span)
            {
                continue;
            }
            let Ok(docs) = parse(text, &crate::yaml::Limits::default()) else {
                continue;
            };
            let outer_span = layer.doc.node(id).span.clone();
            let mapper = SpanMapper::new(layer.source.text(), outer_span, text, *style);
            for inner in docs {
                let Some(inner_root) = inner.root else {
                    continue;
                };
                if inner.get(inner_root, "apps").is_none() {
                    continue;
                }
                let map = |r: Range<usize>| mapper.map(r);
                if let Ok(value) = to_value(&inner, inner_root, index, &map, 10_000 + inner.len()) {
                    let first = found.len();
                    collect_apps(value, &path, Found::Embedded(&segs), index, &mut found);
                    let inner = std::sync::Arc::new(inner);
                    for app in &mut found[first..] {
                        app.embedded_doc = Some(std::sync::Arc::clone(&inner));
                    }
                }
            }
        }
    }
    found
}

/// The strings of the user's files that the effective values still hold. A string in an
/// earlier file that a later file replaces (Helm replaces lists, so a later
/// `grafana.extraObjects` drops every ConfigMap of an earlier one) is never rendered, and
/// provisioning in it is not judged.
enum InEffect {
    /// One file: every string it holds is in effect.
    All,
    /// Several: the (layer, span start) of every user-written string of the effective values.
    Sites(ahash::AHashSet<(usize, usize)>),
}

impl InEffect {
    fn of(release: &Release) -> InEffect {
        if release.layers.len() < 2 {
            return InEffect::All;
        }
        let mut sites = ahash::AHashSet::new();
        let mut stack = vec![&release.values];
        while let Some(value) = stack.pop() {
            match &value.kind {
                Kind::Str(_) => {
                    if let Origin::User(site) = &value.origin {
                        sites.insert((site.layer, site.span.start));
                    }
                }
                Kind::Seq(items) => stack.extend(items.iter()),
                Kind::Map(map) => stack.extend(map.values()),
                _ => {}
            }
        }
        InEffect::Sites(sites)
    }

    fn holds(&self, layer: usize, span: &Range<usize>) -> bool {
        match self {
            InEffect::All => true,
            InEffect::Sites(sites) => sites.contains(&(layer, span.start)),
        }
    }
}

/// Where [`collect_apps`] found a document, with its document path.
#[derive(Clone, Copy)]
enum Found<'a> {
    /// The layer's document itself.
    File,
    /// YAML in the string at this path.
    Embedded(&'a [Seg]),
    /// The map at this path.
    Map(&'a [Seg]),
}

fn collect_apps(
    root: Value,
    prefix: &KeyPath,
    found: Found<'_>,
    layer: usize,
    out: &mut Vec<ProvisionedApp>,
) {
    let document = std::sync::Arc::new(root);
    let Some(apps) = document.get(&["apps"]).and_then(Value::as_seq) else {
        return;
    };
    let (place, document_path, string_path) = match found {
        Found::File => (Place::File, Vec::new(), None),
        Found::Embedded(segs) => (Place::Embedded, segs.to_vec(), Some(segs.to_vec())),
        Found::Map(segs) => (Place::Map, segs.to_vec(), None),
    };
    for (i, app) in apps.iter().enumerate() {
        if app.get(&["type"]).and_then(Value::as_str) == Some(PLUGIN_ID) {
            // a map's entries are edited in the file itself, at their path in it
            let mut entry_path = match found {
                Found::Map(segs) => segs.to_vec(),
                _ => Vec::new(),
            };
            entry_path.extend([Seg::Key("apps".into()), Seg::Index(i)]);
            out.push(ProvisionedApp {
                value: app.clone(),
                key_path: prefix.key("apps").index(i),
                embedded: place == Place::Embedded,
                layer,
                string_path: string_path.clone(),
                entry_path,
                embedded_doc: None,
                place,
                document_path: document_path.clone(),
                document_key_path: prefix.clone(),
                document: std::sync::Arc::clone(&document),
            });
        }
    }
}

/// Whether node `id` is the scalar `grafana-oncall-app` (a quick test before a walk).
fn names_plugin(doc: &Document, id: NodeId) -> bool {
    matches!(&doc.node(id).kind, NodeKind::Scalar { text, .. } if &**text == PLUGIN_ID)
}

/// Every map below `root` (not `root` itself, which is a provisioning file when it holds
/// `apps`) that holds `apiVersion` and a list `apps`, with its key path and document path.
/// Aliases are not followed (the anchor is found where it is written).
fn provisioning_maps(doc: &Document, root: NodeId) -> Vec<(NodeId, KeyPath, Vec<Seg>)> {
    picked_with_paths(doc, root, |id| {
        id != root
            && matches!(doc.node(id).kind, NodeKind::Map(_))
            && doc.get(id, "apiVersion").is_some()
            && doc
                .get(id, "apps")
                .is_some_and(|e| matches!(doc.node(e.value).kind, NodeKind::Seq(_)))
    })
}

/// Every string scalar reachable from `root` (aliases not followed) that is quoted or
/// spans lines and whose text `keep` accepts, with its key path.
fn string_scalars(
    doc: &Document,
    root: NodeId,
    keep: impl Fn(&str) -> bool,
) -> Vec<(NodeId, KeyPath, Vec<Seg>)> {
    picked_with_paths(doc, root, |id| match &doc.node(id).kind {
        NodeKind::Scalar { style, text, .. } => {
            (*style != ScalarStyle::Plain || text.contains('\n')) && keep(text)
        }
        _ => false,
    })
}

/// The nodes under `root` (aliases not followed, a picked node not looked into) that
/// `pick` picks, in document order, each with its key path as written and its segments.
/// The paths are built only for what is picked: on the way down each step is an entry of
/// an arena that links to its parent's (a large file has hundreds of thousands of nodes,
/// and few are picked).
fn picked_with_paths(
    doc: &Document,
    root: NodeId,
    pick: impl Fn(NodeId) -> bool,
) -> Vec<(NodeId, KeyPath, Vec<Seg>)> {
    /// One step down: a map entry's key, or a sequence index.
    enum Step {
        Key(NodeId),
        Index(usize),
    }
    let mut steps: Vec<(usize, Option<Step>)> = vec![(0, None)];
    let mut stack = vec![(root, 0usize)];
    let mut picked = Vec::new();
    while let Some((id, at)) = stack.pop() {
        if pick(id) {
            picked.push((id, at));
            continue;
        }
        match &doc.node(id).kind {
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    steps.push((at, Some(Step::Index(i))));
                    stack.push((*item, steps.len() - 1));
                }
            }
            NodeKind::Map(entries) => {
                for entry in entries.iter().rev() {
                    steps.push((at, Some(Step::Key(entry.key))));
                    stack.push((entry.value, steps.len() - 1));
                }
            }
            NodeKind::Scalar { .. } | NodeKind::Alias(_) => {}
        }
    }
    picked
        .into_iter()
        .map(|(id, at)| {
            let mut chain = Vec::new();
            let mut i = at;
            while let Some((parent, Some(step))) = steps.get(i) {
                chain.push(step);
                i = *parent;
            }
            let mut path = KeyPath::root();
            let mut segs = Vec::with_capacity(chain.len());
            for step in chain.into_iter().rev() {
                match step {
                    Step::Key(key) => {
                        let key = doc.scalar_text(*key).unwrap_or("?");
                        path = path.key(key);
                        segs.push(Seg::Key(key.to_owned()));
                    }
                    Step::Index(i) => {
                        path = path.index(*i);
                        segs.push(Seg::Index(*i));
                    }
                }
            }
            (id, path, segs)
        })
        .collect()
}

/// Whether a value is a string holding a `$VAR`/`${VAR}` reference or a `{{ }}` template,
/// which Grafana or Helm replace before anyone reads it.
pub(crate) fn is_substituted(value: &Value) -> bool {
    matches!(&value.kind, Kind::Str(s) if s.contains('$') || s.contains("{{"))
}

/// A ConfigMap or Secret the user wrote into `grafana.extraObjects` with the OnCall
/// plugin's provisioning in one of its data keys: what must be mounted into Grafana's
/// provisioning directory for the plugin to read it.
#[derive(Debug, Clone)]
pub(crate) struct ProvisioningObject<'r> {
    /// A Secret (its `stringData`); else a ConfigMap (its `data`).
    pub secret: bool,
    /// `metadata.name`, as written.
    pub name: String,
    /// The `metadata.name` value (where findings point).
    pub name_value: &'r Value,
    /// The object's index in `grafana.extraObjects`.
    pub index: usize,
    /// The data keys that hold the provisioning, in the object's order.
    pub keys: Vec<String>,
    /// `metadata.labels`, if any.
    pub labels: Option<&'r Value>,
}

/// The ConfigMaps and Secrets in the effective `grafana.extraObjects` whose data holds one
/// of `apps` (the entries [`find`] found, matched by where they are written). A Secret's
/// base64 `data` is not read. Nothing when the values deploy no Grafana that renders them.
pub(crate) fn objects<'r>(
    release: &'r Release,
    apps: &[ProvisionedApp],
) -> Vec<ProvisioningObject<'r>> {
    if !super::grafana::Grafana::of(release).deployed() {
        return Vec::new();
    }
    let Some(list) = release
        .get(&["grafana", "extraObjects"])
        .and_then(Value::as_seq)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, object) in list.iter().enumerate() {
        let secret = match object.get(&["kind"]).and_then(Value::as_str) {
            Some("ConfigMap") => false,
            Some("Secret") => true,
            _ => continue,
        };
        let Some(name_value) = object.get(&["metadata", "name"]) else {
            continue;
        };
        let Some(name) = name_value.scalar_string() else {
            continue;
        };
        let data = if secret { "stringData" } else { "data" };
        let keys: Vec<String> = object
            .get(&[data])
            .and_then(Value::as_map)
            .map(|map| {
                map.iter()
                    .filter(|(_, v)| holds_app(v, apps))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        if keys.is_empty() {
            continue;
        }
        out.push(ProvisioningObject {
            secret,
            name,
            name_value,
            index,
            keys,
            labels: object.get(&["metadata", "labels"]),
        });
    }
    out
}

/// Whether the string `value` is where one of `apps` is written.
fn holds_app(value: &Value, apps: &[ProvisionedApp]) -> bool {
    let Some(site) = value.site() else {
        return false;
    };
    if !matches!(value.kind, Kind::Str(_)) {
        return false;
    }
    apps.iter().any(|app| {
        app.embedded
            && app.value.site().is_some_and(|s| {
                s.layer == site.layer
                    && s.span.start >= site.span.start
                    && s.span.end <= site.span.end
            })
    })
}

/// Why a provisioning document never reaches Grafana's plugin provisioning: where it is
/// written, no template of the chart puts it into `/etc/grafana/provisioning/plugins`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unread {
    /// Under a key the chart does not have: Helm passes it to no template.
    UnknownKey {
        /// The key, as messages name it (`grafana.additionalDatasourceFiles`).
        key: String,
        /// The chart and version (`the grafana chart 8.4.6`).
        chart: String,
    },
    /// Under the grafana chart's provisioning of another kind: mounted into another
    /// provisioning directory, whose reader ignores `apps`.
    OtherProvisioning {
        /// The key (`grafana.datasources`).
        key: String,
        /// The directory the chart mounts its files into.
        dir: &'static str,
        /// What Grafana reads there.
        reads: &'static str,
    },
    /// Under `grafana.ini`: Grafana's settings, not a provisioning file.
    Ini {
        /// The key (`grafana."grafana.ini"`).
        key: String,
    },
}

/// The grafana chart's keys that render files into a provisioning directory other than
/// the plugins one (grafana chart 8.4.6 `templates/_pod.tpl`: each key of these maps is
/// mounted as `<dir>/<key>` from the chart's ConfigMap), with what Grafana reads there.
const OTHER_PROVISIONING: [(&str, &str, &str); 4] = [
    (
        "datasources",
        "/etc/grafana/provisioning/datasources",
        "data sources",
    ),
    (
        "dashboardProviders",
        "/etc/grafana/provisioning/dashboards",
        "dashboard providers",
    ),
    (
        "notifiers",
        "/etc/grafana/provisioning/notifiers",
        "notification channels",
    ),
    (
        "alerting",
        "/etc/grafana/provisioning/alerting",
        "alerting resources",
    ),
];

/// Why the provisioning document `app` is in never reaches Grafana, when the place it is
/// written in says so for certain: under a key the grafana chart (or, outside `grafana`,
/// the oncall chart) does not have, under another kind of provisioning, or in
/// `grafana.ini`. `None` for a provisioning file, a ConfigMap in `extraObjects` (whose
/// mounts [`objects`] and OC039 judge), a place outside the chart's values (an umbrella's
/// own keys, which its own templates may render) and values of other charts.
pub(crate) fn unread(release: &Release, app: &ProvisionedApp) -> Option<Unread> {
    if app.place == Place::File {
        return None;
    }
    let mut rest = app.document_path.as_slice();
    for key in &release.values_root {
        match rest.split_first() {
            Some((Seg::Key(k), tail)) if k == key => rest = tail,
            _ => return None,
        }
    }
    let grafana: &[Seg] = match release.kind {
        crate::release::InputKind::GrafanaValues => rest,
        crate::release::InputKind::OncallValues => match rest.split_first() {
            Some((Seg::Key(k), tail)) if k == "grafana" => tail,
            Some((Seg::Key(k), _)) => {
                let known = crate::schema::chart_known_paths(release.chart);
                if known.is_empty() || known.iter().any(|p| p.first() == Some(k)) {
                    return None;
                }
                return Some(Unread::UnknownKey {
                    key: k.clone(),
                    chart: format!("the oncall chart {}", release.chart.version),
                });
            }
            _ => return None,
        },
        _ => return None,
    };
    let prefix = match release.kind {
        crate::release::InputKind::OncallValues => "grafana.",
        _ => "",
    };
    let Some(Seg::Key(first)) = grafana.first() else {
        return None;
    };
    let shown = format!("{prefix}{}", KeyPath::of(&[first.as_str()]));
    if first == "grafana.ini" {
        return Some(Unread::Ini { key: shown });
    }
    if let Some((_, dir, reads)) = OTHER_PROVISIONING.iter().find(|(k, ..)| k == first) {
        return Some(Unread::OtherProvisioning {
            key: shown,
            dir,
            reads,
        });
    }
    let chart = release.grafana_chart();
    if is_grafana_chart_key(chart, first)? {
        return None;
    }
    Some(Unread::UnknownKey {
        key: shown,
        chart: format!("the grafana chart {chart}"),
    })
}

/// Whether `key` is a top-level key of the grafana chart `version`, from the tables its
/// embedded schema was compiled to; `None` when oncall-lint has no schema of that version
/// (nothing is then called unknown).
fn is_grafana_chart_key(version: &str, key: &str) -> Option<bool> {
    let file = crate::schema::grafana_schema_file(version);
    let root = crate::schema::compact::Subschema::root(&file)?;
    Some(root.property(key).is_some())
}

/// Where a key of a provisioning document is, for [`known_keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The top of the document (`apiVersion`, `apps`).
    Document,
    /// An `apps[]` entry.
    App,
    /// The OnCall plugin's `jsonData`.
    JsonData,
    /// The OnCall plugin's `secureJsonData`.
    SecureJsonData,
}

/// The table of known keys: `data/provisioning/keys.tsv`, derived from Grafana's and the
/// plugin's sources (named in its header, excerpted in `sources.txt` beside it).
const KEY_TABLE: &str = include_str!("../../data/provisioning/keys.tsv");

/// The keys each reader accepts in `scope`, as written in its source (Grafana's YAML
/// reader matches `yaml:` tags exactly; the plugin's Go backend matches `jsonData` keys
/// case-insensitively, see [`json_data`]).
pub(crate) fn known_keys(scope: Scope) -> Vec<&'static str> {
    let name = match scope {
        Scope::Document => "document",
        Scope::App => "app",
        Scope::JsonData => "jsonData",
        Scope::SecureJsonData => "secureJsonData",
    };
    KEY_TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            (cols.next()? == name).then(|| cols.next())?
        })
        .collect()
}

/// The `jsonData` key the plugin's Go backend takes for `key` (`onCallApiUrl`, ...), with
/// its value: Go's `encoding/json` matches a JSON key to a struct field exactly or, failing
/// that, case-insensitively, and assigns each matching key in turn; Grafana hands the
/// plugin `jsonData` as JSON marshalled from a Go map, whose keys are sorted (byte order).
/// So among the keys equal to `key` but for case (`oncallAPIURL`, `onCallApiUrl`), the one
/// that sorts last wins; a `null` assigns nothing (`encoding/json` leaves the field).
pub(crate) fn json_data<'a>(app: &'a ProvisionedApp, key: &str) -> Option<(&'a str, &'a Value)> {
    let map = app.value.get(&["jsonData"])?.as_map()?;
    let wanted = key.to_lowercase();
    let mut candidates: Vec<(&str, &Value)> = map
        .iter()
        .filter(|(k, _)| k.to_lowercase() == wanted)
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(b.0));
    candidates
        .iter()
        .rev()
        .find(|(_, v)| !v.is_null())
        .or_else(|| candidates.last())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table regenerated from the excerpts of its sources: every `yaml:`/`json:` tag of
    /// the Go structs and every field of the TypeScript type, under the scope its
    /// declaration stands for.
    #[test]
    fn key_table_matches_its_sources() {
        let sources = include_str!("../../data/provisioning/sources.txt");
        let mut derived: Vec<(&str, String)> = Vec::new();
        let mut scope = "";
        for line in sources.lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("==") || trimmed.starts_with('#') {
                scope = "";
                continue;
            }
            if let Some(name) = trimmed
                .strip_prefix("type ")
                .or_else(|| trimmed.strip_prefix("export type "))
            {
                scope = match name.split_whitespace().next().unwrap_or("") {
                    "appFromConfigV0" => "app",
                    "pluginsAsConfigV0" => "document",
                    "OnCallPluginSettingsJSONData" | "OnCallPluginMetaJSONData" => "jsonData",
                    "OnCallPluginSettingsSecureJSONData" => "secureJsonData",
                    other => panic!("unexpected declaration {other}"),
                };
                continue;
            }
            if scope.is_empty() || trimmed.starts_with('}') || trimmed.is_empty() {
                continue;
            }
            let tag = if scope == "app" || scope == "document" {
                "yaml:\""
            } else {
                "json:\""
            };
            let key = match trimmed.find(tag) {
                Some(at) => trimmed[at + tag.len()..]
                    .split(['"', ','])
                    .next()
                    .unwrap_or("")
                    .to_owned(),
                // a TypeScript field: `name?: type;`
                None => trimmed.split([':', '?']).next().unwrap_or("").to_owned(),
            };
            if !derived.contains(&(scope, key.clone())) {
                derived.push((scope, key));
            }
        }
        // `apiVersion` is no field of the plugins reader; the table knows it by convention
        derived.push(("document", "apiVersion".into()));
        let table = |scope: Scope, name: &str| {
            let mut from_sources: Vec<&str> = derived
                .iter()
                .filter(|(s, _)| *s == name)
                .map(|(_, k)| k.as_str())
                .collect();
            from_sources.sort_unstable();
            let mut known = known_keys(scope);
            known.sort_unstable();
            assert_eq!(known, from_sources, "{name}");
        };
        table(Scope::Document, "document");
        table(Scope::App, "app");
        table(Scope::JsonData, "jsonData");
        table(Scope::SecureJsonData, "secureJsonData");
        assert_eq!(known_keys(Scope::App).len(), 6);
        assert_eq!(known_keys(Scope::JsonData).len(), 6);
        assert!(known_keys(Scope::SecureJsonData).contains(&"onCallApiToken"));
    }

    /// The backend's view of a case-insensitive key: the one sorting last wins.
    #[test]
    fn json_data_keys_match_as_go_decodes_them() {
        let text = "apps:\n  - type: grafana-oncall-app\n    jsonData:\n      oncallAPIURL: http://a\n      onCallApiUrl: http://b\n      StackID: 5\n";
        let source = std::sync::Arc::new(crate::source::SourceFile::new("p.yaml", text));
        let docs = parse(text, &crate::yaml::Limits::default()).unwrap_or_default();
        let Some(doc) = docs.into_iter().next() else {
            panic!("no document");
        };
        let Some(root) = doc.root else {
            panic!("no root");
        };
        let Ok(value) = to_value(&doc, root, 0, &|r| r, 10_000) else {
            panic!("not a value");
        };
        let mut found = Vec::new();
        collect_apps(value, &KeyPath::root(), Found::File, 0, &mut found);
        let app = &found[0];
        // `oncallAPIURL` sorts after `onCallApiUrl` (`c` > `C`): the backend takes it
        assert_eq!(
            json_data(app, "onCallApiUrl").map(|(k, _)| k),
            Some("oncallAPIURL")
        );
        assert_eq!(json_data(app, "stackId").map(|(k, _)| k), Some("StackID"));
        assert!(json_data(app, "orgId").is_none());
        drop(source);
    }
}
