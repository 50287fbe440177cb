//! The Release: one chart, one version, the user's files layered over the chart defaults,
//! and the effective values Helm would render with, each knowing which file set it.

use std::sync::Arc;

use crate::chart::ChartState;
use crate::diagnostic::Location;
use crate::path::KeyPath;
use crate::source::SourceFile;
use crate::values::{ConvertError, Kind, Origin, Site, Value, apply_set, coalesce, to_value};
use crate::yaml::{Document, NodeId};

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
    /// Layers `documents` (in order) over the defaults of `chart`.
    ///
    /// `sets` are applied after the files, all `--set` before all `--set-string`, as Helm
    /// does; they live in a pseudo-file named [`SET_FILE`] whose lines are the arguments.
    pub fn build(
        chart: &'static ChartState,
        values_root: Vec<String>,
        documents: Vec<(Arc<SourceFile>, Document)>,
        sets: &[SetArg],
        alias_budget: usize,
    ) -> Result<Release, LayerError> {
        Release::build_mounted(
            chart,
            values_root,
            Vec::new(),
            documents,
            sets,
            alias_budget,
        )
    }

    /// [`Release::build`] for files whose values sit at `mount` in the release: `grafana`
    /// for values of the grafana chart, which go over that chart's own defaults (the
    /// oncall chart's changes to its subchart do not apply to them).
    pub fn build_mounted(
        chart: &'static ChartState,
        values_root: Vec<String>,
        mount: Vec<String>,
        documents: Vec<(Arc<SourceFile>, Document)>,
        sets: &[SetArg],
        alias_budget: usize,
    ) -> Result<Release, LayerError> {
        let mut values = defaults_under(chart, &mount).clone();
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
        Ok(Release {
            chart,
            values_root,
            mount,
            layers,
            values,
        })
    }

    /// The chart defaults the files go over: the oncall chart's, or the grafana chart's own
    /// for values of the grafana chart (mounted under `grafana`).
    pub fn defaults(&self) -> &'static Value {
        defaults_under(self.chart, &self.mount)
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

    /// The location of a site in one of the layers.
    pub fn site_location(&self, site: &Site, key_path: KeyPath, prefer_key: bool) -> Location {
        let span = match (&site.key_span, prefer_key) {
            (Some(key), true) => key.clone(),
            _ => site.span.clone(),
        };
        Location {
            file: self.layers[site.layer.min(self.layers.len() - 1)]
                .source
                .clone(),
            span,
            key_path: key_path.clone(),
        }
    }

    /// Where to report a finding about `path`: the value if a user wrote it, else the
    /// deepest key on the way to it that a user wrote (later files first), else the top
    /// of the first file.
    pub fn blame(&self, path: &[&str]) -> Location {
        let key_path = self.key_path(path);
        let path = self.in_file(path);
        let mut best: Option<(usize, usize, NodeId)> = None;
        for (index, layer) in self.layers.iter().enumerate().rev() {
            let Some(mut current) = layer.root else {
                continue;
            };
            let mut depth = 0;
            let mut found = None;
            for key in path {
                match layer.doc.get(current, key) {
                    Some(entry) => {
                        depth += 1;
                        found = Some(entry.key);
                        current = entry.value;
                    }
                    None => break,
                }
            }
            if let Some(key) = found
                && best.is_none_or(|(d, _, _)| depth > d)
            {
                best = Some((depth, index, key));
            }
        }
        if let Some((_, index, key)) = best {
            let layer = &self.layers[index];
            return Location {
                file: layer.source.clone(),
                span: layer.doc.node(key).span.clone(),
                key_path: key_path.clone(),
            };
        }
        self.top_location(key_path)
    }

    /// The values root key of the last layer that has one, else the start of the first file.
    pub fn top_location(&self, key_path: KeyPath) -> Location {
        if !self.values_root.is_empty() {
            let keys: Vec<&str> = self.values_root.iter().map(String::as_str).collect();
            for layer in self.layers.iter().rev() {
                if let Some(entry) = layer.doc.root.and_then(|r| layer.doc.lookup(r, &keys)) {
                    return Location {
                        file: layer.source.clone(),
                        span: layer.doc.node(entry.key).span.clone(),
                        key_path: key_path.clone(),
                    };
                }
            }
        }
        let layer = self
            .layers
            .iter()
            .find(|l| l.doc.root.is_some())
            .unwrap_or(&self.layers[0]);
        let file = layer.source.clone();
        // the document's first key (a later document of a stream starts further down)
        let first = layer
            .doc
            .root
            .map(|root| match layer.doc.entries(root).first() {
                Some(entry) => layer.doc.node(entry.key).span.start,
                None => layer.doc.node(root).span.start,
            })
            .unwrap_or_else(|| first_content_line(file.text()));
        Location {
            file,
            span: first..first,
            key_path: key_path.clone(),
        }
    }

    /// Where a value is reported: its user site (the value, or its key when `prefer_key`),
    /// or [`Release::blame`] for a chart default.
    pub fn locate(&self, value: &Value, path: &[&str], prefer_key: bool) -> Location {
        match value.site() {
            Some(site) => self.site_location(site, self.key_path(path), prefer_key),
            None => self.blame(path),
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

/// The defaults of `chart` for files mounted at `mount` (see [`Release::mount`]).
fn defaults_under(chart: &'static ChartState, mount: &[String]) -> &'static Value {
    if mount.is_empty() {
        chart.defaults()
    } else {
        chart.grafana_chart_defaults()
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

fn first_content_line(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !trimmed.starts_with("---") {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

/// Finds the values root of an umbrella chart: a top-level key whose map holds more of the
/// oncall chart's top-level keys than the file's own top level does.
pub fn detect_values_root(doc: &Document, chart: &'static ChartState) -> Option<String> {
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

/// The oncall dependency entries of a `Chart.yaml` (and of a `Chart.lock` following it
/// after `---`): (name or alias, version), lock entries last.
fn oncall_dependencies(text: &str) -> Vec<(String, Option<String>)> {
    let Ok(docs) = crate::yaml::parse(text, &crate::yaml::Limits::default()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for doc in &docs {
        let Some(deps) = doc.root.and_then(|root| doc.get(root, "dependencies")) else {
            continue;
        };
        for item in doc.items(deps.value) {
            let field = |name: &str| {
                doc.get(*item, name)
                    .and_then(|e| doc.scalar_text(e.value))
                    .map(str::to_owned)
            };
            if field("name").as_deref() == Some("oncall") {
                let root = field("alias").unwrap_or_else(|| "oncall".into());
                found.push((root, field("version")));
            }
        }
    }
    found
}

/// Finds the values root an umbrella `Chart.yaml` gives the oncall chart: the alias or the
/// name of its dependency named `oncall`.
pub fn values_root_from_chart_yaml(text: &str) -> Option<String> {
    oncall_dependencies(text)
        .into_iter()
        .next()
        .map(|(root, _)| root)
}

/// The version an umbrella `Chart.yaml` or `Chart.lock` pins the oncall dependency to (the
/// lock wins; a range such as `~1.16.0` counts as its lowest version).
pub fn oncall_version_from_chart_yaml(text: &str) -> Option<String> {
    oncall_dependencies(text)
        .into_iter()
        .rev()
        .find_map(|(_, version)| version)
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
    fn chart_yaml_dependency_gives_root_and_version() {
        let text = "apiVersion: v2\nname: mine\ndependencies:\n  - name: oncall\n    version: 1.9.22\n    alias: alerts\n";
        assert_eq!(values_root_from_chart_yaml(text).as_deref(), Some("alerts"));
        assert_eq!(
            oncall_version_from_chart_yaml(text).as_deref(),
            Some("1.9.22")
        );
    }
}
