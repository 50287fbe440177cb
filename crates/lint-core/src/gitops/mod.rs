//! Releases declared where GitOps repositories keep them: a Flux `HelmRelease`, an Argo CD
//! `Application` (or an `ApplicationSet`'s template), a `helmfile.yaml` release, a Kustomize
//! `helmCharts` entry. Each is read from one parsed document into a [`Declared`] release:
//! which chart and version, the Helm release name and namespace the tool will use, and the
//! values sources in the order the tool layers them.
//!
//! This module reads documents only: it never touches the file system. Which file a
//! `valueFiles` entry or a `valuesFrom` ConfigMap names is found by the session; the
//! pipeline lints the release from the files it is handed.

mod argo;
mod flux;
mod helmfile;
mod kustomize;
mod resolve;

use std::ops::Range;

pub(crate) use kustomize::generated_config_maps;
pub use resolve::{Resolution, Resolver, beside};

use crate::release::SetArg;
use crate::yaml::{Document, Entry, NodeId, NodeKind};

/// The tool that declares a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// A Flux `HelmRelease` (`helm.toolkit.fluxcd.io`).
    Flux,
    /// An Argo CD `Application`.
    ArgoCd,
    /// The template of an Argo CD `ApplicationSet`.
    ArgoCdSet,
    /// A release in a `helmfile.yaml`.
    Helmfile,
    /// A `helmCharts` entry of a Kustomize `kustomization.yaml`.
    Kustomize,
}

impl Tool {
    /// How notes name it: `Flux HelmRelease`, `Argo CD Application`.
    pub fn describe(self) -> &'static str {
        match self {
            Tool::Flux => "Flux HelmRelease",
            Tool::ArgoCd => "Argo CD Application",
            Tool::ArgoCdSet => "Argo CD ApplicationSet",
            Tool::Helmfile => "helmfile release",
            Tool::Kustomize => "Kustomize helmCharts entry",
        }
    }
}

/// A text the manifest gives, and where it is written (for notes and findings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The text (a scalar's cooked text).
    pub text: String,
    /// The span of the scalar in the manifest file.
    pub span: Range<usize>,
}

/// Where a path written in a manifest is relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Relative to the manifest's own directory (helmfile, Kustomize): the directory
    /// written (`""` for the manifest's own).
    Manifest(String),
    /// Relative to the root of the Git repository at `url` (Argo CD `repoURL`): below
    /// `path` in it.
    Repository {
        /// The repository's URL, as written.
        url: String,
        /// The directory in the repository (`""` for its root).
        path: String,
    },
}

/// How the release name was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameFrom {
    /// Written in the manifest (`spec.releaseName`, `helm.releaseName`, `name:`).
    Written,
    /// The tool's default, derived as the doc says (Flux: `[<targetNamespace>-]<name>`;
    /// Argo CD: the Application's name).
    Default(&'static str),
}

/// Which kind of Kubernetes object a `valuesFrom` entry reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A ConfigMap (`data`).
    ConfigMap,
    /// A Secret (`stringData` only: `data` is base64, and a Secret is never printed).
    Secret,
}

/// One source of values, in the order the tool layers them (later wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuesSource {
    /// A map written in the manifest itself (`spec.values`, `helm.valuesObject`,
    /// `valuesInline`, an inline map in a helmfile `values:` list): the node in the
    /// manifest's document.
    Inline {
        /// The map node.
        node: NodeId,
    },
    /// A YAML string written in the manifest (`helm.values`): the string scalar's node.
    Text {
        /// The string node.
        node: NodeId,
    },
    /// A values file, as written (`valueFiles`, helmfile `values:`, `valuesFile`,
    /// `additionalValuesFiles`), relative to `place`.
    File {
        /// The path as written (an Argo CD `$ref/` prefix removed; the span is still the
        /// whole scalar's).
        written: Written,
        /// Where the path is relative to.
        place: Place,
        /// A missing file is skipped by the tool (Argo CD `ignoreMissingValueFiles`,
        /// helmfile `missingFileHandler` other than `Error`).
        optional: bool,
    },
    /// A ConfigMap's or Secret's key (Flux `valuesFrom`).
    Object {
        /// ConfigMap or Secret.
        kind: ObjectKind,
        /// Its name.
        name: String,
        /// Its namespace (the HelmRelease's own).
        namespace: Option<String>,
        /// The data key (Flux's default `values.yaml`).
        key: String,
        /// Where the value goes: `None` merges it as a values file; a path sets the whole
        /// text at that path, as `--set path=value` does.
        target_path: Option<String>,
        /// A missing object or key is skipped by Flux.
        optional: bool,
        /// The `valuesFrom` entry in the manifest.
        at: Range<usize>,
    },
    /// A source that cannot be read from the repositories' files (a remote URL, a templated
    /// path, a file inside a chart package, an encrypted or `--set-file` source): said, not
    /// guessed.
    Unresolved {
        /// What it is, for the note.
        what: String,
        /// Where it is written.
        at: Range<usize>,
    },
}

/// A release a manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The tool.
    pub tool: Tool,
    /// The index of the YAML document in the manifest file.
    pub document: usize,
    /// The object's name (`metadata.name`; a helmfile or Kustomize release's `name`).
    pub object: Written,
    /// The chart as written (`oncall`, `grafana/oncall`, `oci://.../oncall`, a path).
    pub chart: Option<Written>,
    /// The chart's version or range as written (`spec.chart.spec.version`,
    /// `targetRevision`, `version:`).
    pub chart_version: Option<Written>,
    /// A chart kept in a directory (an Argo CD source `path`, a helmfile chart given as a
    /// path, a Kustomize chart below `chartHome`): its `Chart.yaml` says which chart it is.
    pub chart_dir: Option<Place>,
    /// The Helm release name, and how it was found.
    pub release_name: Option<(String, NameFrom)>,
    /// The namespace the release is installed in.
    pub namespace: Option<String>,
    /// The values sources, in the tool's order (later wins).
    pub sources: Vec<ValuesSource>,
    /// `--set` arguments (Argo CD `parameters`, helmfile `set:`), applied after the files.
    pub sets: Vec<SetArg>,
    /// Fields left unread because they are templated (`{{ }}` in an ApplicationSet or a
    /// helmfile), as `field: text`, for the note.
    pub templated: Vec<String>,
}

impl Declared {
    /// The chart's name: the last part of what is written (`grafana/oncall` → `oncall`,
    /// `oci://ghcr.io/x/oncall` → `oncall`), without a version suffix.
    pub fn chart_name(&self) -> Option<&str> {
        let written = self.chart.as_ref()?.text.trim();
        let last = written.trim_end_matches('/').rsplit('/').next()?;
        Some(last.split(':').next().unwrap_or(last))
    }
}

/// Every release `doc` (document `index` of a file named `file_name`) declares: none for
/// a document that is none of the manifests this module reads.
pub fn declared(doc: &Document, index: usize, file_name: &str) -> Vec<Declared> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let api = scalar(doc, root, &["apiVersion"]).unwrap_or_default();
    let kind = scalar(doc, root, &["kind"]).unwrap_or_default();
    let group = api.split('/').next().unwrap_or_default();
    match (group, kind) {
        ("helm.toolkit.fluxcd.io", "HelmRelease") => flux::declared(doc, index),
        ("argoproj.io", "Application") => argo::application(doc, index),
        ("argoproj.io", "ApplicationSet") => argo::application_set(doc, index),
        ("kustomize.config.k8s.io", "Kustomization") => kustomize::declared(doc, index),
        ("", "") if is_kustomization(file_name) => kustomize::declared(doc, index),
        ("", "") if is_helmfile(file_name) => helmfile::declared(doc, index),
        _ => Vec::new(),
    }
}

/// Whether an object's namespace and the one a reference wants agree: equal, or either
/// unsaid (Kustomize and Flux set it when they apply the manifests).
pub fn namespaces_agree(theirs: Option<&str>, wanted: Option<&str>) -> bool {
    match (theirs, wanted) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Whether a file's name says it is a Kustomize kustomization.
pub fn is_kustomization(file_name: &str) -> bool {
    matches!(
        base_name(file_name),
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// Whether a file's name says it is a helmfile: `helmfile.yaml` (`.yml`), or a YAML file
/// in a `helmfile.d/` directory. `.gotmpl` files are templates, not read.
pub fn is_helmfile(file_name: &str) -> bool {
    let name = base_name(file_name);
    let in_helmfile_d = file_name
        .replace('\\', "/")
        .rsplit('/')
        .nth(1)
        .is_some_and(|dir| dir == "helmfile.d");
    matches!(name, "helmfile.yaml" | "helmfile.yml")
        || (in_helmfile_d && (name.ends_with(".yaml") || name.ends_with(".yml")))
}

/// Whether the bytes of a file may declare a release (a cheap look before parsing):
/// a file named as a helmfile or kustomization, or one that mentions `HelmRelease`,
/// `Application` or `ApplicationSet` as a kind.
pub fn may_declare(file_name: &str, bytes: &[u8]) -> bool {
    if is_helmfile(file_name) || is_kustomization(file_name) {
        return true;
    }
    let mentions = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    mentions(b"HelmRelease") || mentions(b"kind: Application")
}

fn base_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

/// The entry of `key` in the map `map`, after following aliases, with YAML merge keys
/// (`<<: *defaults`, common in helmfiles) honoured: the map's own entry wins (the last
/// duplicate, as Helm reads it), then the merged maps in the order listed.
pub(crate) fn entry(doc: &Document, map: NodeId, key: &str) -> Option<Entry> {
    entry_within(doc, map, key, 8)
}

/// [`entry`], following at most `depth` levels of merge keys (an alias loop cannot hang).
fn entry_within(doc: &Document, map: NodeId, key: &str, depth: u8) -> Option<Entry> {
    if let Some(own) = doc.get(map, key) {
        return Some(own);
    }
    let merged = doc
        .entries(map)
        .iter()
        .find(|e| doc.scalar_text(e.key) == Some("<<"))?;
    let depth = depth.checked_sub(1)?;
    let value = doc.deref(merged.value);
    match doc.node(value).kind {
        NodeKind::Seq(_) => doc
            .items(value)
            .iter()
            .find_map(|&item| entry_within(doc, doc.deref(item), key, depth)),
        _ => entry_within(doc, value, key, depth),
    }
}

/// Follows a key path from `from` with [`entry`], returning the entry of the last key.
pub(crate) fn lookup(doc: &Document, from: NodeId, path: &[&str]) -> Option<Entry> {
    let mut current = from;
    let mut found = None;
    for key in path {
        let next = entry(doc, current, key)?;
        current = doc.deref(next.value);
        found = Some(next);
    }
    found
}

/// The node at `path` below `from`, aliases followed.
pub(crate) fn node_at(doc: &Document, from: NodeId, path: &[&str]) -> Option<NodeId> {
    lookup(doc, from, path).map(|e| doc.deref(e.value))
}

/// The scalar text at `path` below `from`.
pub(crate) fn scalar<'d>(doc: &'d Document, from: NodeId, path: &[&str]) -> Option<&'d str> {
    doc.scalar_text(node_at(doc, from, path)?)
}

/// The scalar at `path` below `from`, with its span.
pub(crate) fn written(doc: &Document, from: NodeId, path: &[&str]) -> Option<Written> {
    written_node(doc, node_at(doc, from, path)?)
}

/// A scalar node's text and span (`None` for a map or a sequence).
pub(crate) fn written_node(doc: &Document, node: NodeId) -> Option<Written> {
    let node = doc.deref(node);
    let text = doc.scalar_text(node)?;
    Some(Written {
        text: text.to_owned(),
        span: doc.node(node).span.clone(),
    })
}

/// The node at `path` below `from` when it is a map.
pub(crate) fn map_at(doc: &Document, from: NodeId, path: &[&str]) -> Option<NodeId> {
    let node = node_at(doc, from, path)?;
    matches!(doc.node(node).kind, NodeKind::Map(_)).then_some(node)
}

/// The items of the sequence at `path` below `from` (none when absent or not a sequence).
pub(crate) fn items_at<'d>(doc: &'d Document, from: NodeId, path: &[&str]) -> &'d [NodeId] {
    node_at(doc, from, path).map_or(&[], |node| doc.items(node))
}

/// Whether the scalar at `path` below `from` is YAML `true`.
pub(crate) fn is_true(doc: &Document, from: NodeId, path: &[&str]) -> bool {
    matches!(scalar(doc, from, path), Some("true" | "True" | "TRUE"))
}

/// Whether a text is templated (`{{ }}`): ApplicationSet and helmfile templates.
pub(crate) fn is_templated(text: &str) -> bool {
    text.contains("{{")
}

/// Whether any scalar in the tree below `node` (keys included) satisfies `templated`.
/// Bounded by the document's size: an alias loop cannot hang it.
pub(crate) fn any_scalar(doc: &Document, node: NodeId, templated: fn(&str) -> bool) -> bool {
    let mut stack = vec![node];
    let mut budget = doc.len();
    while let Some(id) = stack.pop() {
        budget = match budget.checked_sub(1) {
            Some(left) => left,
            None => return false,
        };
        match &doc.node(doc.deref(id)).kind {
            NodeKind::Scalar { text, .. } if templated(text) => return true,
            NodeKind::Seq(items) => stack.extend(items.iter().copied()),
            NodeKind::Map(entries) => stack.extend(entries.iter().flat_map(|e| [e.key, e.value])),
            _ => {}
        }
    }
    false
}

impl Declared {
    /// A release of `object` with nothing else known yet.
    pub(crate) fn new(tool: Tool, document: usize, object: Written) -> Declared {
        Declared {
            tool,
            document,
            object,
            chart: None,
            chart_version: None,
            chart_dir: None,
            release_name: None,
            namespace: None,
            sources: Vec::new(),
            sets: Vec::new(),
            templated: Vec::new(),
        }
    }

    /// The scalar at `path` below `from` unless it is templated (per `templated`): then
    /// `field: text` is noted in [`Declared::templated`] and the field is unknown.
    pub(crate) fn known(
        &mut self,
        doc: &Document,
        from: NodeId,
        path: &[&str],
        field: &str,
        templated: fn(&str) -> bool,
    ) -> Option<Written> {
        let found = written(doc, from, path)?;
        if templated(&found.text) {
            self.templated.push(format!("{field}: {}", found.text));
            return None;
        }
        Some(found)
    }
}
