//! Argo CD `Application`s and the template of an `ApplicationSet`. Argo CD runs
//! `helm template` for each Helm source (`spec.source` or `spec.sources[]`): the chart from
//! a Helm repository (`chart:`) or a directory of a Git repository (`path:`), with the
//! source's `helm` section's values files, inline values and parameters. Its paths are
//! relative to a repository (the source's own or a `ref:` source's), not to the manifest.

use super::{
    Declared, NameFrom, Place, Tool, ValuesSource, Written, any_scalar, is_templated, map_at,
    written_node,
};
use crate::release::SetArg;
use crate::yaml::{Document, NodeId, NodeKind};

/// How Argo CD names a release nobody named.
const DEFAULT_NAME: &str = "Argo CD: the Application's name";

/// The release an `Application` declares: one per Helm source.
pub(super) fn application(doc: &Document, index: usize) -> Vec<Declared> {
    match doc.root {
        Some(root) => read(doc, index, root, Tool::ArgoCd),
        None => Vec::new(),
    }
}

/// The releases an `ApplicationSet`'s template declares: `spec.template` is an
/// Application's `metadata` and `spec`, with `{{ }}` fields each generator fills in. Those
/// are unknown here and said. `spec.templatePatch` (a templated text patched over the
/// template per Application) is ignored: it needs the generators' parameters to mean
/// anything.
pub(super) fn application_set(doc: &Document, index: usize) -> Vec<Declared> {
    let template = doc
        .root
        .and_then(|root| super::map_at(doc, root, &["spec", "template"]));
    match template {
        Some(template) => read(doc, index, template, Tool::ArgoCdSet),
        None => Vec::new(),
    }
}

/// The Application (or template) at `app`: what its metadata and each source say.
struct App<'d> {
    doc: &'d Document,
    index: usize,
    app: NodeId,
    tool: Tool,
    /// Sources with a `ref:`: their name and `repoURL` (`None` when templated).
    refs: Vec<(String, Option<String>)>,
}

impl App<'_> {
    /// Whether a text is left to a generator: only in an ApplicationSet.
    fn templated(&self) -> fn(&str) -> bool {
        match self.tool {
            Tool::ArgoCdSet => is_templated,
            _ => |_| false,
        }
    }
}

/// Every Helm source of the Application at `app`.
fn read(doc: &Document, index: usize, app: NodeId, tool: Tool) -> Vec<Declared> {
    let Some(object) = super::written(doc, app, &["metadata", "name"]) else {
        return Vec::new();
    };
    // Argo CD uses `spec.sources` when it has any, and `spec.source` only otherwise.
    let many = super::items_at(doc, app, &["spec", "sources"]);
    let sources: Vec<NodeId> = if many.is_empty() {
        super::map_at(doc, app, &["spec", "source"])
            .into_iter()
            .collect()
    } else {
        many.iter().map(|&s| doc.deref(s)).collect()
    };
    let mut this = App {
        doc,
        index,
        app,
        tool,
        refs: Vec::new(),
    };
    let templated = this.templated();
    for &source in &sources {
        if let Some(name) = super::scalar(doc, source, &["ref"]) {
            let url = super::scalar(doc, source, &["repoURL"])
                .filter(|url| !templated(url))
                .map(str::to_owned);
            this.refs.push((name.to_owned(), url));
        }
    }
    sources
        .iter()
        .filter(|&&source| is_helm(doc, source))
        .map(|&source| release(&this, source, object.clone()))
        .collect()
}

/// Whether a source is one Argo CD renders with Helm: it names a `chart`, has a `helm`
/// section, or a `path` (a directory that is not given to Kustomize, a plugin, or read as
/// plain manifests). A source with only `ref:` holds values for the others.
fn is_helm(doc: &Document, source: NodeId) -> bool {
    let has = |key: &str| super::entry(doc, source, key).is_some();
    if has("kustomize") || has("directory") || has("plugin") {
        return false;
    }
    has("chart") || has("helm") || has("path")
}

/// The release one Helm source declares.
fn release(app: &App, source: NodeId, object: Written) -> Declared {
    let doc = app.doc;
    let templated = app.templated();
    let mut release = Declared::new(app.tool, app.index, object);
    let name = release.known(
        doc,
        app.app,
        &["metadata", "name"],
        "metadata.name",
        templated,
    );
    release.chart = release.known(doc, source, &["chart"], "chart", templated);
    let revision = release.known(
        doc,
        source,
        &["targetRevision"],
        "targetRevision",
        templated,
    );
    let url = release.known(doc, source, &["repoURL"], "repoURL", templated);
    let path = release.known(doc, source, &["path"], "path", templated);
    if release.chart.is_some() {
        release.chart_version = revision;
    } else if let (Some(url), Some(path)) = (&url, &path) {
        release.chart_dir = Some(Place::Repository {
            url: url.text.clone(),
            path: path.text.clone(),
        });
    }
    let helm = map_at(doc, source, &["helm"]);
    let written_name = helm.and_then(|h| super::written(doc, h, &["releaseName"]));
    release.release_name = match (helm, written_name) {
        (Some(helm), Some(_)) => release
            .known(doc, helm, &["releaseName"], "helm.releaseName", templated)
            .map(|w| (w.text, NameFrom::Written)),
        _ => name.map(|w| (w.text, NameFrom::Default(DEFAULT_NAME))),
    };
    // `helm.namespace` overrides the destination's for templating (repo-server:
    // `ApplicationSource.GetNamespaceOrDefault(q.Namespace)`).
    let namespace = match helm.and_then(|h| super::written(doc, h, &["namespace"])) {
        Some(_) => {
            helm.and_then(|h| release.known(doc, h, &["namespace"], "helm.namespace", templated))
        }
        None => release.known(
            doc,
            app.app,
            &["spec", "destination", "namespace"],
            "spec.destination.namespace",
            templated,
        ),
    };
    release.namespace = namespace.map(|w| w.text);
    if let Some(helm) = helm {
        let base = match (&url, &path) {
            (Some(url), Some(path)) if release.chart.is_none() => Some(Place::Repository {
                url: url.text.clone(),
                path: path.text.clone(),
            }),
            _ => None,
        };
        value_files(app, helm, base.as_ref(), url.as_ref(), &mut release.sources);
        inline_values(app, helm, &mut release);
        parameters(app, helm, &mut release);
    }
    release
}

/// `helm.valueFiles`, in order. `base` is the source's directory (a `path:` source); `url`
/// its repository. Argo CD (`util/io/path/resolved.go`, `ResolveValueFilePathOrUrl`) reads
/// a path with a leading `/` from the repository's root, and a URL with a scheme remotely.
fn value_files(
    app: &App,
    helm: NodeId,
    base: Option<&Place>,
    url: Option<&Written>,
    sources: &mut Vec<ValuesSource>,
) {
    let doc = app.doc;
    let optional = super::is_true(doc, helm, &["ignoreMissingValueFiles"]);
    for &item in super::items_at(doc, helm, &["valueFiles"]) {
        let Some(written) = written_node(doc, item) else {
            continue;
        };
        let at = written.span.clone();
        let unresolved = |what: String| ValuesSource::Unresolved {
            what,
            at: at.clone(),
        };
        let text = written.text.as_str();
        let file = |text: &str, place: Place| ValuesSource::File {
            written: Written {
                text: text.to_owned(),
                span: written.span.clone(),
            },
            place,
            optional,
        };
        let source = if (app.templated())(text) {
            unresolved(format!("valueFiles entry `{text}` is templated"))
        } else if let Some(reference) = text.strip_prefix('$') {
            let (name, rest) = reference.split_once('/').unwrap_or((reference, ""));
            match app.refs.iter().find(|(r, _)| r == name) {
                Some((_, Some(url))) => file(
                    rest,
                    Place::Repository {
                        url: url.clone(),
                        path: String::new(),
                    },
                ),
                Some((_, None)) => unresolved(format!(
                    "valueFiles entry `{text}`: the `{name}` source's repoURL is templated"
                )),
                None => unresolved(format!(
                    "valueFiles entry `{text}`: no source has `ref: {name}`"
                )),
            }
        } else if text.contains("://") {
            unresolved(format!("valueFiles entry `{text}` is a remote URL"))
        } else if let (Some(rooted), Some(url)) = (text.strip_prefix('/'), url) {
            file(
                rooted,
                Place::Repository {
                    url: url.text.clone(),
                    path: String::new(),
                },
            )
        } else if let Some(base) = base {
            file(text, base.clone())
        } else {
            unresolved(format!(
                "valueFiles entry `{text}` is inside the chart package"
            ))
        };
        sources.push(source);
    }
}

/// `helm.values` and `helm.valuesObject`, written after the files. When both are given,
/// Argo CD uses `valuesObject` alone: `ApplicationSourceHelm.ValuesYAML()`
/// (`pkg/apis/application/v1alpha1/values.go`) returns `values` only when `valuesObject`
/// is unset.
fn inline_values(app: &App, helm: NodeId, release: &mut Declared) {
    let doc = app.doc;
    let templated = app.templated();
    let object = map_at(doc, helm, &["valuesObject"]);
    let node = object.or_else(|| super::node_at(doc, helm, &["values"]));
    let Some(node) = node else {
        return;
    };
    let field = if object.is_some() {
        "helm.valuesObject"
    } else {
        "helm.values"
    };
    let at = doc.node(node).span.clone();
    let is_map = matches!(doc.node(node).kind, NodeKind::Map(_));
    let source = if any_scalar(doc, node, templated) && !is_map {
        // a templated string may not even be YAML before the generator fills it in
        ValuesSource::Unresolved {
            what: format!("{field} is templated"),
            at,
        }
    } else {
        match doc.node(node).kind {
            NodeKind::Map(_) => {
                // the keys are there; the templated values are what the checks skip
                if any_scalar(doc, node, templated) {
                    release
                        .templated
                        .push(format!("{field}: values with `{{{{ }}}}` are not checked"));
                }
                ValuesSource::Inline { node }
            }
            NodeKind::Scalar { .. } => ValuesSource::Text { node },
            _ => ValuesSource::Unresolved {
                what: format!("{field} is not a map or a string"),
                at,
            },
        }
    };
    release.sources.push(source);
}

/// `helm.parameters` as `--set` (`--set-string` with `forceString`), commas escaped as
/// Argo CD does (`util/helm/cmd.go`, `cleanSetParameters`); `helm.fileParameters` are
/// `--set-file`s, read from files this does not resolve.
fn parameters(app: &App, helm: NodeId, release: &mut Declared) {
    let doc = app.doc;
    let templated = app.templated();
    for &item in super::items_at(doc, helm, &["parameters"]) {
        let name = release.known(doc, item, &["name"], "helm.parameters name", templated);
        let value = release.known(doc, item, &["value"], "helm.parameters value", templated);
        let (Some(name), Some(value)) = (name, value) else {
            continue;
        };
        release.sets.push(SetArg {
            text: format!("{}={}", name.text, clean_set_value(&value.text)),
            string: super::is_true(doc, item, &["forceString"]),
        });
    }
    for &item in super::items_at(doc, helm, &["fileParameters"]) {
        let name = super::scalar(doc, item, &["name"]).unwrap_or_default();
        let at = doc.node(item).span.clone();
        let what = format!("helm.fileParameters `{name}` (a --set-file)");
        release.sources.push(ValuesSource::Unresolved { what, at });
    }
}

/// Argo CD's `cleanSetParameters`: a `{...}` list is kept, else each `,` not already
/// escaped gets a `\`.
fn clean_set_value(value: &str) -> String {
    if value.starts_with('{') && value.ends_with('}') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut previous = None;
    for c in value.chars() {
        if c == ',' && previous != Some('\\') {
            out.push('\\');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn read(text: &str) -> Vec<Declared> {
        let docs = parse(text, &Limits::default()).expect("test manifest parses");
        super::super::declared(&docs[0], 0, "app.yaml")
    }

    const MULTI: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall-prod
  namespace: argocd
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: oncall
  sources:
    - repoURL: https://grafana.github.io/helm-charts
      chart: oncall
      targetRevision: 1.15.3
      helm:
        ignoreMissingValueFiles: true
        valueFiles:
          - $values/oncall/prod.yaml
          - $other/x.yaml
          - values-extra.yaml
          - https://example.com/values.yaml
        values: |
          base_url: oncall.example.com
        valuesObject:
          base_url: oncall.example.org
        parameters:
          - name: grafana.enabled
            value: "false"
          - name: ingress.hosts
            value: a,b
            forceString: true
        fileParameters:
          - name: config
            path: files/config.json
    - repoURL: https://git.example.com/platform/values.git
      targetRevision: main
      ref: values
"#;

    #[test]
    fn chart_source_with_ref_values() {
        let found = read(MULTI);
        assert_eq!(found.len(), 1, "the ref source declares nothing");
        let r = &found[0];
        assert_eq!(r.tool, Tool::ArgoCd);
        assert_eq!(r.object.text, "oncall-prod");
        assert_eq!(r.chart.as_ref().map(|c| c.text.as_str()), Some("oncall"));
        let version = r.chart_version.as_ref().expect("version");
        assert_eq!(&MULTI[version.span.clone()], "1.15.3");
        assert_eq!(r.chart_dir, None);
        assert_eq!(
            r.release_name,
            Some(("oncall-prod".to_owned(), NameFrom::Default(DEFAULT_NAME)))
        );
        assert_eq!(r.namespace.as_deref(), Some("oncall"));
        assert_eq!(r.sources.len(), 6);
        match &r.sources[0] {
            ValuesSource::File {
                written,
                place,
                optional,
            } => {
                assert_eq!(written.text, "oncall/prod.yaml");
                assert_eq!(&MULTI[written.span.clone()], "$values/oncall/prod.yaml");
                assert_eq!(
                    *place,
                    Place::Repository {
                        url: "https://git.example.com/platform/values.git".to_owned(),
                        path: String::new()
                    }
                );
                assert!(optional);
            }
            other => panic!("expected a file, got {other:?}"),
        }
        let what = |i: usize| match &r.sources[i] {
            ValuesSource::Unresolved { what, at } => (what.clone(), MULTI[at.clone()].to_owned()),
            other => panic!("expected unresolved, got {other:?}"),
        };
        assert_eq!(what(1).1, "$other/x.yaml");
        assert!(what(1).0.contains("no source has `ref: other`"));
        assert!(what(2).0.contains("inside the chart package"));
        assert!(what(3).0.contains("remote URL"));
        // valuesObject replaces values: only it is read.
        assert!(matches!(r.sources[4], ValuesSource::Inline { .. }));
        let (file_param, at) = what(5);
        assert!(file_param.contains("config"));
        assert!(at.starts_with("name: config"));
        assert_eq!(
            r.sets,
            vec![
                SetArg {
                    text: "grafana.enabled=false".to_owned(),
                    string: false
                },
                SetArg {
                    text: "ingress.hosts=a\\,b".to_owned(),
                    string: true
                },
            ]
        );
    }

    #[test]
    fn path_source_reads_files_from_its_directory() {
        let text = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
spec:
  destination:
    namespace: default
  source:
    repoURL: https://git.example.com/platform/charts.git
    path: charts/oncall
    targetRevision: main
    helm:
      releaseName: oncall-main
      namespace: oncall
      valueFiles:
        - values-prod.yaml
        - /shared/common.yaml
      values: |
        base_url: oncall.example.com
"#;
        let found = read(text);
        let r = &found[0];
        let repo = "https://git.example.com/platform/charts.git".to_owned();
        assert_eq!(r.chart, None);
        assert_eq!(r.chart_version, None);
        assert_eq!(
            r.chart_dir,
            Some(Place::Repository {
                url: repo.clone(),
                path: "charts/oncall".to_owned()
            })
        );
        assert_eq!(
            r.release_name,
            Some(("oncall-main".to_owned(), NameFrom::Written))
        );
        assert_eq!(r.namespace.as_deref(), Some("oncall"));
        assert!(matches!(
            &r.sources[0],
            ValuesSource::File { written, place: Place::Repository { path, .. }, optional: false }
                if written.text == "values-prod.yaml" && path == "charts/oncall"
        ));
        assert!(matches!(
            &r.sources[1],
            ValuesSource::File { written, place: Place::Repository { url, path }, .. }
                if written.text == "shared/common.yaml" && path.is_empty() && *url == repo
        ));
        let docs = parse(text, &Limits::default()).expect("parses");
        match r.sources[2] {
            ValuesSource::Text { node } => {
                assert_eq!(
                    docs[0].scalar_text(node),
                    Some("base_url: oncall.example.com\n")
                );
            }
            ref other => panic!("expected text values, got {other:?}"),
        }
    }

    #[test]
    fn kustomize_and_ref_only_sources_declare_nothing() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\nspec:\n  sources:\n    - repoURL: https://git.example.com/a.git\n      path: overlays/prod\n      kustomize: {}\n    - repoURL: https://git.example.com/b.git\n      ref: values\n";
        assert!(read(text).is_empty());
    }

    const SET: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: oncall
spec:
  generators:
    - list:
        elements:
          - cluster: prod
  template:
    metadata:
      name: 'oncall-{{cluster}}'
    spec:
      destination:
        namespace: oncall
      sources:
        - repoURL: https://grafana.github.io/helm-charts
          chart: oncall
          targetRevision: '{{chartVersion}}'
          helm:
            valueFiles:
              - $values/{{cluster}}.yaml
              - $values/common.yaml
            valuesObject:
              base_url: '{{cluster}}.example.com'
        - repoURL: https://git.example.com/values.git
          ref: values
"#;

    #[test]
    fn application_set_template_fields_are_templated() {
        let found = read(SET);
        assert_eq!(found.len(), 1);
        let r = &found[0];
        assert_eq!(r.tool, Tool::ArgoCdSet);
        assert_eq!(r.object.text, "oncall-{{cluster}}");
        assert_eq!(&SET[r.object.span.clone()], "'oncall-{{cluster}}'");
        assert_eq!(r.release_name, None);
        assert_eq!(r.chart_version, None);
        assert_eq!(r.namespace.as_deref(), Some("oncall"));
        assert_eq!(
            r.templated,
            vec![
                "metadata.name: oncall-{{cluster}}".to_owned(),
                "targetRevision: {{chartVersion}}".to_owned(),
                "helm.valuesObject: values with `{{ }}` are not checked".to_owned()
            ]
        );
        assert!(
            matches!(&r.sources[0], ValuesSource::Unresolved { what, .. } if what.contains("templated"))
        );
        assert!(
            matches!(&r.sources[1], ValuesSource::File { written, .. } if written.text == "common.yaml")
        );
        assert!(
            matches!(&r.sources[2], ValuesSource::Inline { .. }),
            "a templated map is linted: its keys are there"
        );
    }

    #[test]
    fn braces_in_a_plain_application_are_text() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: x\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: oncall\n    targetRevision: '{{v}}'\n";
        let r = &read(text)[0];
        assert_eq!(
            r.chart_version.as_ref().map(|v| v.text.as_str()),
            Some("{{v}}")
        );
        assert!(r.templated.is_empty());
    }

    #[test]
    fn set_values_are_cleaned_as_argo_cd_does() {
        assert_eq!(clean_set_value("a,b\\,c"), "a\\,b\\,c");
        assert_eq!(clean_set_value("{a,b}"), "{a,b}");
    }
}
