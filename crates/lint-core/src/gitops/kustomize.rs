//! Kustomize `kustomization.yaml`: its `helmCharts` entries, which Kustomize's
//! HelmChartInflationGenerator renders with `helm template`, and the ConfigMaps its
//! `configMapGenerator` makes from files (Flux users keep HelmRelease values in them).
//!
//! How the generator layers values (kustomize `api/internal/builtins/
//! HelmChartInflationGenerator.go` and `api/types/helmchartargs.go`): `valuesInline` is
//! merged with `valuesFile` (by default the chart's own `values.yaml`) into one file, the
//! inline values winning (`valuesMerge: override`, the default), losing (`merge`), or
//! alone (`replace`: the file is dropped); Helm gets that file with `-f`, then each
//! `additionalValuesFiles` entry with `-f`.

use std::ops::Range;

use super::{Declared, NameFrom, Place, Tool, ValuesSource, Written, map_at, written_node};
use crate::yaml::{Document, NodeId};

/// A file a `configMapGenerator` puts in a ConfigMap under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The ConfigMap's name as written (Kustomize adds a hash suffix unless
    /// `disableNameSuffixHash`, and `namePrefix`/`nameSuffix`: neither is applied here).
    pub name: String,
    /// The generator's namespace, else the kustomization's.
    pub namespace: Option<String>,
    /// The data key: written before `=`, else the file's base name.
    pub key: String,
    /// The file, relative to the kustomization's directory (the text after `=`; the span
    /// is the whole entry's).
    pub file: Written,
}

/// The releases document `index` declares: one per `helmCharts` entry with a `name`.
pub(super) fn declared(doc: &Document, index: usize) -> Vec<Declared> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let home = super::scalar(doc, root, &["helmGlobals", "chartHome"]).unwrap_or("charts");
    super::items_at(doc, root, &["helmCharts"])
        .iter()
        .filter_map(|&entry| chart(doc, index, home, doc.deref(entry)))
        .collect()
}

/// One `helmCharts` entry.
fn chart(doc: &Document, index: usize, home: &str, entry: NodeId) -> Option<Declared> {
    let name = super::written(doc, entry, &["name"])?;
    let mut release = Declared::new(Tool::Kustomize, index, name.clone());
    let repo = super::scalar(doc, entry, &["repo"]);
    // Without a repo the chart must already be in `<chartHome>/<name>`; with one it is
    // pulled there (as `<name>-<version>` when a version is given) at build time.
    if repo.is_none() {
        let home = home.trim_end_matches('/');
        release.chart_dir = Some(Place::Manifest(format!("{home}/{}", name.text)));
    }
    release.chart = Some(name);
    release.chart_version = super::written(doc, entry, &["version"]);
    // Without `releaseName` (or with `nameTemplate`) Helm makes one up
    // (`--generate-name`): no name is known.
    release.release_name = super::written(doc, entry, &["releaseName"])
        .filter(|_| super::scalar(doc, entry, &["nameTemplate"]).is_none())
        .map(|w| (w.text, NameFrom::Written));
    release.namespace = super::scalar(doc, entry, &["namespace"]).map(str::to_owned);
    release.sources = values(doc, entry);
    Some(release)
}

/// The entry's values sources in Kustomize's order (the module doc says why).
fn values(doc: &Document, entry: NodeId) -> Vec<ValuesSource> {
    let file = super::written(doc, entry, &["valuesFile"]).map(values_file);
    let inline = map_at(doc, entry, &["valuesInline"]).filter(|&m| !doc.entries(m).is_empty());
    let mut sources = Vec::new();
    match inline {
        None => sources.extend(file),
        Some(node) => {
            let merge = super::written(doc, entry, &["valuesMerge"]);
            let inline = ValuesSource::Inline { node };
            match merge.as_ref().map(|m| m.text.as_str()) {
                None | Some("override") => sources.extend(file.into_iter().chain([inline])),
                Some("replace") => sources.push(inline),
                Some("merge") => {
                    sources.push(inline);
                    sources.push(file.unwrap_or_else(|| chart_defaults_win(merge_at(doc, entry))));
                }
                Some(other) => sources.push(ValuesSource::Unresolved {
                    what: format!(
                        "valuesMerge `{other}` (Kustomize takes merge, override or replace)"
                    ),
                    at: merge_at(doc, entry),
                }),
            }
        }
    }
    for &item in super::items_at(doc, entry, &["additionalValuesFiles"]) {
        if let Some(written) = written_node(doc, item) {
            sources.push(values_file(written));
        }
    }
    sources
}

/// Where `valuesMerge` is written (the entry's span when it is not a scalar).
fn merge_at(doc: &Document, entry: NodeId) -> Range<usize> {
    super::written(doc, entry, &["valuesMerge"])
        .map_or_else(|| doc.node(entry).span.clone(), |w| w.span)
}

/// `valuesMerge: merge` without a `valuesFile`: the chart's own `values.yaml` is merged
/// over the inline values, which then only add keys the chart does not have.
fn chart_defaults_win(at: Range<usize>) -> ValuesSource {
    let what = "valuesMerge: merge: the chart's own values.yaml wins over valuesInline".to_owned();
    ValuesSource::Unresolved { what, at }
}

/// A values file path: relative to the kustomization's directory, or a URL Kustomize's
/// loader fetches (not read).
fn values_file(written: Written) -> ValuesSource {
    if written.text.contains("://") {
        let what = format!("values file `{}` is a remote URL", written.text);
        return ValuesSource::Unresolved {
            what,
            at: written.span,
        };
    }
    ValuesSource::File {
        written,
        place: Place::Manifest(String::new()),
        optional: false,
    }
}

/// The files each `configMapGenerator` entry puts in its ConfigMap (`files:`, as `key=path`
/// or `path`).
pub(crate) fn generated_config_maps(doc: &Document) -> Vec<Generated> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let own_namespace = super::scalar(doc, root, &["namespace"]);
    let mut generated = Vec::new();
    for &generator in super::items_at(doc, root, &["configMapGenerator"]) {
        let Some(name) = super::scalar(doc, generator, &["name"]) else {
            continue;
        };
        let namespace = super::scalar(doc, generator, &["namespace"]).or(own_namespace);
        for &file in super::items_at(doc, generator, &["files"]) {
            let Some(written) = written_node(doc, file) else {
                continue;
            };
            let (key, path) = match written.text.split_once('=') {
                Some((key, path)) => (key.trim().to_owned(), path.trim().to_owned()),
                None => {
                    let path = written.text.trim();
                    (
                        path.rsplit('/').next().unwrap_or(path).to_owned(),
                        path.to_owned(),
                    )
                }
            };
            generated.push(Generated {
                name: name.to_owned(),
                namespace: namespace.map(str::to_owned),
                key,
                file: Written {
                    text: path,
                    span: written.span,
                },
            });
        }
    }
    generated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn parsed(text: &str) -> Document {
        let docs = parse(text, &Limits::default()).expect("test kustomization parses");
        docs.into_iter().next().unwrap_or_default()
    }

    fn read(text: &str) -> Vec<Declared> {
        super::super::declared(&parsed(text), 0, "overlays/prod/kustomization.yaml")
    }

    const KUSTOMIZATION: &str = r#"apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: oncall
helmGlobals:
  chartHome: vendor/charts/
helmCharts:
  - name: oncall
    repo: https://grafana.github.io/helm-charts
    version: 1.15.3
    releaseName: oncall
    namespace: oncall
    valuesFile: values-prod.yaml
    additionalValuesFiles:
      - values-extra.yaml
    valuesInline:
      base_url: oncall.example.com
  - name: oncall
    valuesInline:
      base_url: oncall.example.com
    valuesFile: ignored.yaml
    valuesMerge: replace
  - name: oncall
    valuesMerge: merge
    valuesInline:
      base_url: oncall.example.com
"#;

    #[test]
    fn helm_charts_in_kustomize_order() {
        let found = read(KUSTOMIZATION);
        assert_eq!(found.len(), 3);
        let r = &found[0];
        assert_eq!(r.tool, Tool::Kustomize);
        assert_eq!(&KUSTOMIZATION[r.object.span.clone()], "oncall");
        assert_eq!(r.chart.as_ref().map(|c| c.text.as_str()), Some("oncall"));
        assert_eq!(r.chart_dir, None, "a repo chart is pulled, not kept");
        assert_eq!(
            r.chart_version
                .as_ref()
                .map(|v| &KUSTOMIZATION[v.span.clone()]),
            Some("1.15.3")
        );
        assert_eq!(
            r.release_name,
            Some(("oncall".to_owned(), NameFrom::Written))
        );
        assert_eq!(r.namespace.as_deref(), Some("oncall"));
        let files: Vec<&str> = r
            .sources
            .iter()
            .map(|s| match s {
                ValuesSource::File { written, place, .. } => {
                    assert_eq!(*place, Place::Manifest(String::new()));
                    &KUSTOMIZATION[written.span.clone()]
                }
                ValuesSource::Inline { .. } => "<inline>",
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(files, ["values-prod.yaml", "<inline>", "values-extra.yaml"]);

        let replaced = &found[1];
        assert_eq!(
            replaced.chart_dir,
            Some(Place::Manifest("vendor/charts/oncall".to_owned()))
        );
        assert_eq!(replaced.release_name, None, "helm template --generate-name");
        assert_eq!(replaced.sources.len(), 1);
        assert!(
            matches!(replaced.sources[0], ValuesSource::Inline { .. }),
            "replace drops the file"
        );

        let merged = &found[2];
        assert!(matches!(merged.sources[0], ValuesSource::Inline { .. }));
        assert!(
            matches!(&merged.sources[1], ValuesSource::Unresolved { at, .. }
            if &KUSTOMIZATION[at.clone()] == "merge")
        );
    }

    #[test]
    fn merge_puts_the_file_over_the_inline_values() {
        let text = "helmCharts:\n  - name: oncall\n    valuesFile: base.yaml\n    valuesMerge: merge\n    valuesInline:\n      a: 1\n";
        let r = &read(text)[0];
        assert_eq!(
            r.chart_dir,
            Some(Place::Manifest("charts/oncall".to_owned()))
        );
        assert!(matches!(r.sources[0], ValuesSource::Inline { .. }));
        assert!(
            matches!(&r.sources[1], ValuesSource::File { written, .. } if written.text == "base.yaml")
        );
    }

    #[test]
    fn generated_config_maps_name_their_files() {
        let text = "namespace: flux-apps\nconfigMapGenerator:\n  - name: oncall-values\n    files:\n      - values.yaml=oncall/prod.yaml\n      - oncall/extra.yaml\n  - name: other\n    namespace: elsewhere\n    files:\n      - a.yaml\n";
        let found = generated_config_maps(&parsed(text));
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].name, "oncall-values");
        assert_eq!(found[0].namespace.as_deref(), Some("flux-apps"));
        assert_eq!(found[0].key, "values.yaml");
        assert_eq!(found[0].file.text, "oncall/prod.yaml");
        assert_eq!(
            &text[found[0].file.span.clone()],
            "values.yaml=oncall/prod.yaml"
        );
        assert_eq!(found[1].key, "extra.yaml");
        assert_eq!(found[1].file.text, "oncall/extra.yaml");
        assert_eq!(found[2].namespace.as_deref(), Some("elsewhere"));
    }

    #[test]
    fn other_kinds_are_not_kustomizations() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
        assert!(read(text).is_empty());
    }
}
