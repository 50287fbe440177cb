//! The Release: one chart, one version, the user's files layered over the chart defaults,
//! and the effective values Helm would render with, each knowing which file set it.

use std::sync::Arc;

use crate::chart::ChartState;
use crate::diagnostic::{KeyPath, Location};
use crate::source::SourceFile;
use crate::values::{ConvertError, Kind, Site, Value, coalesce, to_value};
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

/// A chart release: defaults plus user layers.
#[derive(Debug)]
pub struct Release {
    /// The chart state whose defaults are underneath.
    pub chart: &'static ChartState,
    /// Keys from the top of each file to the oncall chart's values (empty: top level).
    pub values_root: Vec<String>,
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
    /// Why.
    pub error: ConvertError,
}

impl Release {
    /// Layers `documents` (in order) over the defaults of `chart`.
    pub fn build(
        chart: &'static ChartState,
        values_root: Vec<String>,
        documents: Vec<(Arc<SourceFile>, Document)>,
        alias_budget: usize,
    ) -> Result<Release, LayerError> {
        let mut values = chart.defaults().clone();
        let mut layers = Vec::with_capacity(documents.len());
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
                coalesce(&mut values, v.clone());
            }
            layers.push(Layer {
                source,
                doc,
                root,
                values: layer_values,
            });
        }
        Ok(Release {
            chart,
            values_root,
            layers,
            values,
        })
    }

    /// The effective value at a chart-relative path.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        self.values.get(path)
    }

    /// The display key path of a chart-relative path, prefixed with the values root.
    pub fn key_path(&self, path: &[&str]) -> KeyPath {
        let root: Vec<&str> = self.values_root.iter().map(String::as_str).collect();
        KeyPath::of(&root).extend(path)
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
            key_path: key_path.to_string(),
        }
    }

    /// Where to report a finding about `path`: the value if a user wrote it, else the
    /// deepest key on the way to it that a user wrote (later files first), else the top
    /// of the first file.
    pub fn blame(&self, path: &[&str]) -> Location {
        let key_path = self.key_path(path);
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
                key_path: key_path.to_string(),
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
                        key_path: key_path.to_string(),
                    };
                }
            }
        }
        let file = self.layers[0].source.clone();
        let first = first_content_line(file.text());
        Location {
            file,
            span: first..first,
            key_path: key_path.to_string(),
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
        self.layers.iter().any(|layer| {
            layer
                .root
                .and_then(|root| layer.doc.lookup(root, path))
                .is_some()
        })
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
    let mut best: Option<(usize, String)> = None;
    for entry in doc.entries(root) {
        let Some(name) = doc.scalar_text(entry.key) else {
            continue;
        };
        let inner = score(entry.value);
        if inner > top && best.as_ref().is_none_or(|(s, _)| inner > *s) {
            best = Some((inner, name.to_owned()));
        }
    }
    best.map(|(_, name)| name)
}

/// Finds the values root an umbrella `Chart.yaml` gives the oncall chart: the alias or the
/// name of its dependency named `oncall`.
pub fn values_root_from_chart_yaml(text: &str) -> Option<String> {
    let docs = crate::yaml::parse(text, &crate::yaml::Limits::default()).ok()?;
    let doc = docs.first()?;
    let root = doc.root?;
    let deps = doc.get(root, "dependencies")?;
    for item in doc.items(deps.value) {
        if doc
            .get(*item, "name")
            .and_then(|e| doc.scalar_text(e.value))
            == Some("oncall")
        {
            let alias = doc
                .get(*item, "alias")
                .and_then(|e| doc.scalar_text(e.value));
            return Some(alias.unwrap_or("oncall").to_owned());
        }
    }
    None
}

/// The version an umbrella `Chart.yaml` or `Chart.lock` pins the oncall dependency to.
pub fn oncall_version_from_chart_yaml(text: &str) -> Option<String> {
    let docs = crate::yaml::parse(text, &crate::yaml::Limits::default()).ok()?;
    let doc = docs.first()?;
    let root = doc.root?;
    let deps = doc.get(root, "dependencies")?;
    doc.items(deps.value).iter().find_map(|item| {
        (doc.get(*item, "name")
            .and_then(|e| doc.scalar_text(e.value))
            == Some("oncall"))
        .then(|| {
            doc.get(*item, "version")
                .and_then(|e| doc.scalar_text(e.value))
                .map(str::to_owned)
        })
        .flatten()
    })
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
