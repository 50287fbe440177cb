//! helmfile releases (`helmfile.yaml`, `helmfile.d/*.yaml`). helmfile runs Helm once per
//! `releases[]` entry with its `values:` files and maps as `--values` (in order, paths
//! relative to the helmfile's directory), its `secrets:` after them, then `set:` and
//! `setString:` (helmfile's `pkg/state/state.go`, `namespaceAndValuesFlags`).

use super::{Declared, NameFrom, Place, Tool, ValuesSource, is_templated, written_node};
use crate::release::SetArg;
use crate::yaml::{Document, NodeId, NodeKind};

/// The releases document `index` declares, one per `releases[]` entry with a `name`.
pub(super) fn declared(doc: &Document, index: usize) -> Vec<Declared> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    super::items_at(doc, root, &["releases"])
        .iter()
        .filter_map(|&entry| release(doc, index, root, doc.deref(entry)))
        .collect()
}

/// One `releases[]` entry.
fn release(doc: &Document, index: usize, root: NodeId, entry: NodeId) -> Option<Declared> {
    let object = super::written(doc, entry, &["name"])?;
    let mut release = Declared::new(Tool::Helmfile, index, object);
    let name = release.known(doc, entry, &["name"], "name", is_templated);
    release.release_name = name.map(|w| (w.text, NameFrom::Written));
    release.namespace = release
        .known(doc, entry, &["namespace"], "namespace", is_templated)
        .map(|w| w.text);
    release.chart = release.known(doc, entry, &["chart"], "chart", is_templated);
    release.chart_dir = release
        .chart
        .as_ref()
        .filter(|chart| is_local(&chart.text))
        .map(|chart| Place::Manifest(chart.text.clone()));
    release.chart_version = release.known(doc, entry, &["version"], "version", is_templated);
    // The release's `missingFileHandler`, else the helmfile's, else `Error`
    // (`getReleaseMissingFileHandler`): anything else skips a missing file.
    let handler = super::scalar(doc, entry, &["missingFileHandler"])
        .or_else(|| super::scalar(doc, root, &["missingFileHandler"]))
        .unwrap_or("Error");
    values(doc, entry, handler != "Error", &mut release.sources);
    for &secret in super::items_at(doc, entry, &["secrets"]) {
        let at = doc.node(secret).span.clone();
        let what = match doc.scalar_text(secret) {
            Some(path) => format!("secrets file `{path}` (encrypted)"),
            None => "a secrets entry (encrypted)".to_owned(),
        };
        release.sources.push(ValuesSource::Unresolved { what, at });
    }
    sets(doc, entry, "set", false, &mut release);
    sets(doc, entry, "setString", true, &mut release);
    Some(release)
}

/// Whether a chart is a directory, not `repo/chart` or `oci://`.
fn is_local(chart: &str) -> bool {
    chart.starts_with("./") || chart.starts_with("../") || chart.starts_with('/')
}

/// The `values:` list, in order: a path (a `.gotmpl` file or a templated path is rendered
/// by helmfile first, so not read), or an inline map.
fn values(doc: &Document, entry: NodeId, optional: bool, sources: &mut Vec<ValuesSource>) {
    for &item in super::items_at(doc, entry, &["values"]) {
        let item = doc.deref(item);
        let at = doc.node(item).span.clone();
        let source = match (&doc.node(item).kind, written_node(doc, item)) {
            (NodeKind::Map(_), _) => ValuesSource::Inline { node: item },
            (_, Some(path)) if path.text.ends_with(".gotmpl") || is_templated(&path.text) => {
                let what = format!("values file `{}` is a template", path.text);
                ValuesSource::Unresolved { what, at }
            }
            (_, Some(path)) => ValuesSource::File {
                written: path,
                place: Place::Manifest(String::new()),
                optional,
            },
            _ => ValuesSource::Unresolved {
                what: "a values entry that is a list".to_owned(),
                at,
            },
        };
        sources.push(source);
    }
}

/// The `set:` (or `setString:`) list as helmfile turns it into flags (`setFlags`,
/// `setStringFlags`): `name=value` or `name={a,b}` with `{`, `}` and `,` escaped in each
/// part; a `file:` entry is a `--set-file`, not read.
fn sets(doc: &Document, entry: NodeId, key: &str, string: bool, release: &mut Declared) {
    for &item in super::items_at(doc, entry, &[key]) {
        let Some(name) = release.known(doc, item, &["name"], &format!("{key} name"), is_templated)
        else {
            continue;
        };
        let name = escape(&name.text);
        let value = release.known(
            doc,
            item,
            &["value"],
            &format!("{key} {name}"),
            is_templated,
        );
        let list = super::items_at(doc, item, &["values"]);
        let text = if let Some(value) = value.filter(|v| !v.text.is_empty()) {
            format!("{name}={}", escape(&value.text))
        } else if super::scalar(doc, item, &["file"]).is_some() && !string {
            let at = doc.node(item).span.clone();
            let what = format!("{key} `{name}` from a file (a --set-file)");
            release.sources.push(ValuesSource::Unresolved { what, at });
            continue;
        } else if !list.is_empty() {
            let items: Vec<String> = list
                .iter()
                .filter_map(|&v| doc.scalar_text(v))
                .map(escape)
                .collect();
            format!("{name}={{{}}}", items.join(","))
        } else {
            continue;
        };
        release.sets.push(SetArg { text, string });
    }
}

/// helmfile's `escape`: `{`, `}` and `,` get a `\`.
fn escape(text: &str) -> String {
    text.replace('{', "\\{")
        .replace('}', "\\}")
        .replace(',', "\\,")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn read(text: &str, file: &str) -> Vec<Declared> {
        let docs = parse(text, &Limits::default()).expect("test helmfile parses");
        super::super::declared(&docs[0], 0, file)
    }

    const HELMFILE: &str = r#"repositories:
  - name: grafana
    url: https://grafana.github.io/helm-charts
missingFileHandler: Warn
templates:
  default: &default
    namespace: oncall
    missingFileHandler: Error
releases:
  - name: oncall
    <<: *default
    chart: grafana/oncall
    version: 1.15.3
    values:
      - values/common.yaml
      - values/{{ .Environment.Name }}.yaml
      - values/secrets.yaml.gotmpl
      - base_url: oncall.example.com
    secrets:
      - values/secrets.enc.yaml
    set:
      - name: grafana.enabled
        value: "false"
      - name: ingress.hosts
        values: [a.example.com, b.example.com]
      - name: config
        file: files/config.json
    setString:
      - name: image.tag
        value: "1,2"
  - name: oncall-local
    chart: ./charts/oncall
    values:
      - local.yaml
"#;

    #[test]
    fn releases_with_values_in_order() {
        let found = read(HELMFILE, "deploy/helmfile.yaml");
        assert_eq!(found.len(), 2);
        let r = &found[0];
        assert_eq!(r.tool, Tool::Helmfile);
        assert_eq!(&HELMFILE[r.object.span.clone()], "oncall");
        assert_eq!(
            r.release_name,
            Some(("oncall".to_owned(), NameFrom::Written))
        );
        assert_eq!(
            r.namespace.as_deref(),
            Some("oncall"),
            "merged from the template"
        );
        assert_eq!(
            r.chart.as_ref().map(|c| c.text.as_str()),
            Some("grafana/oncall")
        );
        assert_eq!(r.chart_dir, None);
        let version = r.chart_version.as_ref().expect("version");
        assert_eq!(&HELMFILE[version.span.clone()], "1.15.3");
        assert_eq!(r.sources.len(), 6);
        match &r.sources[0] {
            ValuesSource::File {
                written,
                place,
                optional,
            } => {
                assert_eq!(&HELMFILE[written.span.clone()], "values/common.yaml");
                assert_eq!(*place, Place::Manifest(String::new()));
                assert!(!optional, "the release's template says Error");
            }
            other => panic!("expected a file, got {other:?}"),
        }
        assert!(
            matches!(&r.sources[1], ValuesSource::Unresolved { what, .. } if what.contains("template"))
        );
        assert!(
            matches!(&r.sources[2], ValuesSource::Unresolved { what, .. } if what.contains(".gotmpl"))
        );
        assert!(matches!(r.sources[3], ValuesSource::Inline { .. }));
        assert!(
            matches!(&r.sources[4], ValuesSource::Unresolved { what, .. } if what.contains("encrypted"))
        );
        assert!(
            matches!(&r.sources[5], ValuesSource::Unresolved { what, at }
            if what.contains("--set-file") && HELMFILE[at.clone()].starts_with("name: config"))
        );
        assert_eq!(
            r.sets,
            vec![
                SetArg {
                    text: "grafana.enabled=false".to_owned(),
                    string: false
                },
                SetArg {
                    text: "ingress.hosts={a.example.com,b.example.com}".to_owned(),
                    string: false
                },
                SetArg {
                    text: "image.tag=1\\,2".to_owned(),
                    string: true
                },
            ]
        );
        let local = &found[1];
        assert_eq!(
            local.chart_dir,
            Some(Place::Manifest("./charts/oncall".to_owned()))
        );
        assert_eq!(local.namespace, None);
        assert!(
            matches!(&local.sources[0], ValuesSource::File { optional: true, .. }),
            "the helmfile says Warn"
        );
    }

    #[test]
    fn templated_fields_are_said() {
        let text = "releases:\n  - name: oncall-{{ .Environment.Name }}\n    namespace: '{{ .Values.ns }}'\n    chart: grafana/oncall\n";
        let r = &read(text, "helmfile.d/10-oncall.yaml")[0];
        assert_eq!(r.release_name, None);
        assert_eq!(r.namespace, None);
        assert_eq!(
            r.templated,
            vec![
                "name: oncall-{{ .Environment.Name }}".to_owned(),
                "namespace: {{ .Values.ns }}".to_owned()
            ]
        );
    }

    #[test]
    fn other_file_names_are_not_helmfiles() {
        assert!(read(HELMFILE, "values.yaml").is_empty());
    }
}
