//! The Release: one chart, one version, the user's files layered over the chart defaults,
//! and the effective values Helm would render with, each knowing which file set it. It also
//! carries what the pipeline decided about the input (which chart's values they are) and
//! the release's identity (name, namespaces, chart version), so the models above read
//! everything from one place.

mod chart_yaml;
mod locate;

use std::sync::Arc;

pub use chart_yaml::{
    grafana_version_from_chart_yaml, oncall_alias_from_chart_yaml, oncall_version_from_chart_yaml,
    values_root_from_chart_yaml,
};

use crate::chart::ChartState;
use crate::chart::grafana::GrafanaChart;
use crate::path::KeyPath;
use crate::source::SourceFile;
use crate::values::{ConvertError, Kind, Origin, Site, Value, apply_set, coalesce, to_value};
use crate::yaml::{Document, NodeId};

/// Which chart's values a document holds (decided by the classify stage of the pipeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Values of the oncall chart (top level or under an umbrella key).
    OncallValues,
    /// A Grafana provisioning file (`apps:`).
    Provisioning,
    /// A Kubernetes manifest (`apiVersion` and `kind`): only the plugin provisioning embedded
    /// in it (a ConfigMap) is checked.
    Manifest,
    /// Values of some other chart (no key only the oncall chart has): only embedded plugin
    /// provisioning is checked, so a repository of many charts gives no false alarms.
    OtherValues,
    /// Values of the grafana chart, alone or as the `grafana` subchart of another chart (a
    /// Grafana that hosts the plugin): only the Grafana-side rules run. The release holds
    /// them under `grafana`, where the oncall chart keeps its subchart's values, so the
    /// Grafana-side rules read them at the same paths.
    GrafanaValues,
}

impl InputKind {
    /// How `--verbose` names it.
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::OncallValues => "oncall chart values",
            InputKind::Provisioning => "Grafana plugin provisioning file",
            InputKind::Manifest => "Kubernetes manifest",
            InputKind::OtherValues => {
                "values of another chart (no oncall chart key, no Grafana that hosts the OnCall plugin): only embedded plugin provisioning is checked"
            }
            InputKind::GrafanaValues => "grafana chart values (only the Grafana-side rules run)",
        }
    }

    /// Where the release holds the files' values: under `grafana` for the grafana chart's.
    fn mount(self) -> Vec<String> {
        match self {
            InputKind::GrafanaValues => vec!["grafana".to_owned()],
            _ => Vec::new(),
        }
    }
}

/// Who the release is, as far as the user told: the Helm release name, the namespaces,
/// the chart version, and the name an umbrella gives the chart (its alias).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The Helm release name.
    pub name: Option<String>,
    /// The alias an umbrella `Chart.yaml` gives its oncall dependency. Helm makes it the
    /// subchart's `.Chart.Name`, so `oncall.name` (the `app.kubernetes.io/name` label),
    /// `oncall.fullname` and the engine Service follow it. `None`: the chart's own name,
    /// `oncall`.
    pub alias: Option<String>,
    /// The namespace OnCall is installed in.
    pub namespace: Option<String>,
    /// The namespace Grafana runs in.
    pub grafana_namespace: Option<String>,
    /// The oncall chart version the user gave (a flag, the config, a `Chart.yaml`), when it
    /// reads as a version; a `Chart.yaml` version that is not a known release (a fork) is
    /// replaced by the nearest known one. `None` when the latest known chart is assumed.
    pub chart_version: Option<String>,
    /// The GitOps tool that renders the release, when a manifest declares it; `None`: Helm
    /// run by a person or a CI job (or nothing says).
    pub rendered_by: Option<RenderedBy>,
}

/// The GitOps tool that renders a release a manifest declares, as far as the rules care:
/// how often the chart's templates run (a template that draws random data, such as the
/// oncall chart's `secrets.yaml`, changes its output at each run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderedBy {
    /// Flux's helm-controller: `helm upgrade` whenever the HelmRelease, its values or the
    /// chart change (and at drift correction).
    Flux,
    /// Argo CD (an `Application`, or an `ApplicationSet`'s template): `helm template` at
    /// each new commit or refresh, applied at every sync.
    ArgoCd,
    /// helmfile: `helm upgrade` at each `helmfile apply`/`sync`, run by a person or CI.
    Helmfile,
    /// Kustomize's `helmCharts`: `helm template` at every `kustomize build`.
    Kustomize,
}

impl RenderedBy {
    /// How messages name it: `Argo CD`, `Flux`.
    pub fn describe(self) -> &'static str {
        match self {
            RenderedBy::Flux => "Flux",
            RenderedBy::ArgoCd => "Argo CD",
            RenderedBy::Helmfile => "helmfile",
            RenderedBy::Kustomize => "Kustomize",
        }
    }
}

/// What a release is built from besides its files: the chart defaults underneath, which
/// chart's values the files hold, where in the files they start, and who the release is.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The chart state whose defaults are underneath.
    pub chart: &'static ChartState,
    /// The grafana chart version that renders the release's Grafana (the one `chart`
    /// bundles, for the oncall chart's values).
    pub grafana: GrafanaChart,
    /// Which chart's values the files hold.
    pub kind: InputKind,
    /// Keys from the top of each file to the values (empty: top level).
    pub values_root: Vec<String>,
    /// Who the release is.
    pub identity: Identity,
    /// Every values file of the release is here (see
    /// [`ReleaseSpec::whole`](crate::options::ReleaseSpec::whole)).
    pub whole: bool,
    /// Where in the first file a finding about a value no file writes goes when the files
    /// hold no values at all (a manifest's release without values: the object that
    /// declares it); `None`: the top of the file.
    pub anchor: Option<std::ops::Range<usize>>,
}

/// One user file (one YAML document of it) in a release.
#[derive(Debug)]
pub struct Layer {
    /// The file.
    pub source: Arc<SourceFile>,
    /// The parsed document.
    pub doc: Document,
    /// The node at the values root (the document root, or the umbrella key's value).
    pub root: Option<NodeId>,
    /// Helm's view of this layer alone, at the values root.
    pub values: Option<Value>,
}

/// One `--set` or `--set-string` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetArg {
    /// The argument, e.g. `grafana.enabled=false`.
    pub text: String,
    /// `--set-string`: every value stays a string.
    pub string: bool,
}

/// The display name of the pseudo-file that holds a release's `--set` arguments.
pub const SET_FILE: &str = "<--set>";

/// A chart release: defaults plus user layers.
#[derive(Debug)]
pub struct Release {
    /// The chart state whose defaults are underneath.
    pub chart: &'static ChartState,
    /// The grafana chart version that renders the release's Grafana: the one the oncall
    /// chart bundles, or for values of the grafana chart the one given, written beside
    /// them or assumed. Its defaults are under values of the grafana chart.
    pub grafana: GrafanaChart,
    /// Which chart's values the files hold.
    pub kind: InputKind,
    /// Who the release is.
    pub identity: Identity,
    /// Every values file of the release is here: what no file sets is the chart default
    /// Helm renders with, so release-level rules may judge it.
    pub whole: bool,
    /// See [`Shape::anchor`].
    pub anchor: Option<std::ops::Range<usize>>,
    /// Keys from the top of each file to the oncall chart's values (empty: top level).
    pub values_root: Vec<String>,
    /// Where in the release the files' values (below the values root) sit: empty for the
    /// oncall chart's values, `grafana` for the grafana chart's, which the release holds
    /// where the oncall chart keeps its subchart's values.
    pub mount: Vec<String>,
    /// The user's files, in Helm's order (later wins).
    pub layers: Vec<Layer>,
    /// The effective values at the chart's root.
    pub values: Value,
}

/// A layer whose document Helm could not load.
#[derive(Debug)]
pub struct LayerError {
    /// Which layer.
    pub layer: usize,
    /// The file the error is in.
    pub source: Arc<SourceFile>,
    /// Why.
    pub error: ConvertError,
}

impl Release {
    /// `path` in a layer's document as a path in the release's values: the values root
    /// taken off, the mount put on; `None` outside the values root.
    pub fn chart_path(&self, path: &[crate::path::Seg]) -> Option<Vec<crate::path::Seg>> {
        use crate::path::Seg;
        let mut rest = path;
        for key in &self.values_root {
            match rest.split_first() {
                Some((Seg::Key(k), tail)) if k == key => rest = tail,
                _ => return None,
            }
        }
        Some(
            self.mount
                .iter()
                .map(|k| Seg::Key(k.clone()))
                .chain(rest.iter().cloned())
                .collect(),
        )
    }

    /// The grafana chart version whose templates render this release's Grafana: the one
    /// the oncall chart bundles, or for values of the grafana chart the one given
    /// (`--grafana-chart-version`, the config), written beside them (a `Chart.yaml`
    /// dependency, a manifest) or assumed (the newest known). Rules ask here, never the
    /// chart state, so a Grafana from another chart version is judged by its own. The
    /// defaults under it are those of the nearest embedded version at or below it
    /// ([`GrafanaChart::defaults`]).
    pub fn grafana_chart(&self) -> &str {
        &self.grafana.version
    }

    /// The appVersion of [`Release::grafana_chart`] (from the chart version table): the
    /// Grafana that runs when `grafana.image.tag` does not say otherwise.
    pub fn grafana_app_version(&self) -> &str {
        &self.grafana.app_version
    }

    /// The file name of the chart values schema the release is checked against: the oncall
    /// chart state's, or for values of the grafana chart the (mounted) schema of the
    /// embedded grafana chart version standing for [`Release::grafana_chart`].
    pub fn schema_file(&self) -> String {
        match self.kind {
            InputKind::GrafanaValues => {
                crate::schema::mounted_grafana_schema_file(self.grafana.defaults.version)
            }
            _ => crate::schema::chart_schema_file(self.chart),
        }
    }

    /// Layers `documents` (in order) over the defaults of `shape.chart`: the oncall
    /// chart's, or for values of the grafana chart that chart's own (the oncall chart's
    /// changes to its subchart do not apply to them).
    ///
    /// `sets` are applied after the files, all `--set` before all `--set-string`, as Helm
    /// does; they live in a pseudo-file named [`SET_FILE`] whose lines are the arguments.
    pub fn build(
        shape: Shape,
        documents: Vec<(Arc<SourceFile>, Document)>,
        sets: &[SetArg],
        alias_budget: usize,
    ) -> Result<Release, LayerError> {
        let Shape {
            chart,
            grafana,
            kind,
            values_root,
            identity,
            whole,
            anchor,
        } = shape;
        let mount = kind.mount();
        let mut values = defaults_under(chart, &grafana, &mount).clone();
        let mounted = |value: Value| mount_value(value, &mount);
        let mut layers = Vec::with_capacity(documents.len() + 1);
        for (index, (source, doc)) in documents.into_iter().enumerate() {
            let root = doc.root.and_then(|r| {
                if values_root.is_empty() {
                    Some(r)
                } else {
                    let keys: Vec<&str> = values_root.iter().map(String::as_str).collect();
                    doc.lookup(r, &keys).map(|e| e.value)
                }
            });
            let layer_values = match root {
                Some(root) => {
                    let budget = alias_budget.saturating_add(doc.len());
                    let value = to_value(&doc, root, index, &|r| r, budget).map_err(|error| {
                        LayerError {
                            layer: index,
                            source: source.clone(),
                            error,
                        }
                    })?;
                    Some(value)
                }
                None => None,
            };
            if let Some(v) = &layer_values
                && matches!(v.kind, Kind::Map(_))
            {
                coalesce(&mut values, mounted(v.clone()));
            }
            layers.push(Layer {
                source,
                doc,
                root,
                values: layer_values,
            });
        }
        if !sets.is_empty() {
            let layer = layers.len();
            let (source, set_values) = set_layer(sets, layer)?;
            let at_root = set_values
                .get(&values_root.iter().map(String::as_str).collect::<Vec<_>>())
                .cloned();
            if let Some(v) = &at_root
                && matches!(v.kind, Kind::Map(_))
            {
                coalesce(&mut values, mounted(v.clone()));
            }
            layers.push(Layer {
                source,
                doc: Document::default(),
                root: None,
                values: at_root,
            });
        }
        share_globals(&mut values);
        // values that reach the chart nowhere (an empty file, a values root no file has)
        // are no release anyone installs: what they leave unset is not judged; a manifest's
        // release without values (`anchor`) is one
        let whole = whole && (layers.iter().any(|l| l.root.is_some()) || anchor.is_some());
        Ok(Release {
            chart,
            grafana,
            kind,
            identity,
            whole,
            anchor,
            values_root,
            mount,
            layers,
            values,
        })
    }

    /// The chart defaults the files go over: the oncall chart's, or the grafana chart's own
    /// for values of the grafana chart (mounted under `grafana`).
    pub fn defaults(&self) -> &'static Value {
        defaults_under(self.chart, &self.grafana, &self.mount)
    }

    /// The effective value at a chart-relative path.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        self.values.get(path)
    }

    /// The display key path of a chart-relative path, prefixed with the values root.
    pub fn key_path(&self, path: &[&str]) -> KeyPath {
        let root: Vec<&str> = self.values_root.iter().map(String::as_str).collect();
        KeyPath::of(&root).extend(self.in_file(path))
    }

    /// A release path as the files write it (below the values root): without the mount.
    /// A path outside the mount is not in the files; it is returned as is.
    pub fn in_file<'p>(&self, path: &'p [&'p str]) -> &'p [&'p str] {
        if self.mount.is_empty() {
            return path;
        }
        let inside =
            path.len() >= self.mount.len() && self.mount.iter().zip(path).all(|(m, p)| m == p);
        if inside {
            &path[self.mount.len()..]
        } else {
            path
        }
    }

    /// The oncall chart version messages name: the one the user gave, else the one whose
    /// defaults are underneath.
    pub fn chart_version(&self) -> &str {
        self.identity
            .chart_version
            .as_deref()
            .unwrap_or(self.chart.version)
    }

    /// The chart whose defaults are under the values, as messages name it: `oncall chart
    /// 1.16.9`, or `grafana chart 8.4.6` for values of the grafana chart.
    pub fn chart_name(&self) -> String {
        match self.kind {
            InputKind::GrafanaValues => format!("grafana chart {}", self.grafana.version),
            _ => format!("oncall chart {}", self.chart_version()),
        }
    }

    /// Whether any user file sets `path` (to anything, `null` included).
    pub fn user_sets(&self, path: &[&str]) -> bool {
        let path = self.in_file(path);
        self.layers.iter().any(|layer| {
            layer
                .root
                .and_then(|root| layer.doc.lookup(root, path))
                .is_some()
        })
    }
}

/// The defaults of `chart` for files mounted at `mount` (see [`Release::mount`]): those of
/// the grafana chart `grafana` for the grafana chart's values.
fn defaults_under(
    chart: &'static ChartState,
    grafana: &GrafanaChart,
    mount: &[String],
) -> &'static Value {
    if mount.is_empty() {
        chart.defaults()
    } else {
        grafana.defaults.mounted()
    }
}

/// `value` placed at `mount` (inside maps keyed by its keys, with the value's origin).
fn mount_value(value: Value, mount: &[String]) -> Value {
    mount.iter().rev().fold(value, |inner, key| {
        let origin = inner.origin.clone();
        let mut map = crate::values::Map::default();
        map.insert(key.clone(), inner);
        Value::new(Kind::map(map), origin)
    })
}

/// Builds the `--set` pseudo-file and its values (at the top of the values, above any
/// values root).
fn set_layer(sets: &[SetArg], layer: usize) -> Result<(Arc<SourceFile>, Value), LayerError> {
    let mut text = String::new();
    let mut placed = Vec::new();
    let ordered = sets
        .iter()
        .filter(|s| !s.string)
        .chain(sets.iter().filter(|s| s.string));
    for set in ordered {
        let flag = if set.string {
            "--set-string "
        } else {
            "--set "
        };
        text.push_str(flag);
        placed.push((text.len(), set));
        text.push_str(&set.text.replace(['\n', '\r'], " "));
        text.push('\n');
    }
    let source = Arc::new(SourceFile::new(SET_FILE, text));
    let origin = Origin::User(Site {
        layer,
        span: 0..0,
        key_span: None,
    });
    let mut values = Value::new(Kind::Map(Default::default()), origin);
    for (offset, set) in placed {
        apply_set(&mut values, &set.text, set.string, layer, offset).map_err(|e| LayerError {
            layer,
            source: source.clone(),
            error: ConvertError {
                offset: offset + e.offset,
                message: e.message,
            },
        })?;
    }
    Ok((source, values))
}

/// Helm copies the parent's `global` into each subchart's `global` (the parent wins), so
/// `global.imagePullSecrets` reaches the grafana subchart as `grafana.global...`.
fn share_globals(values: &mut Value) {
    let Kind::Map(map) = &mut values.kind else {
        return;
    };
    let Some(global) = map
        .get("global")
        .filter(|g| matches!(g.kind, Kind::Map(_)))
        .cloned()
    else {
        return;
    };
    if let Some(grafana) = Arc::make_mut(map).get_mut("grafana")
        && let Kind::Map(grafana_map) = &mut grafana.kind
    {
        let grafana_map = Arc::make_mut(grafana_map);
        match grafana_map.get_mut("global") {
            Some(sub) if matches!(sub.kind, Kind::Map(_)) => coalesce(sub, global),
            _ => {
                grafana_map.insert("global".into(), global);
            }
        }
    }
}
