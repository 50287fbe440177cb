//! One file as an editor sees it: the release (or releases) it belongs to linted with its
//! text from memory, and the effective value at a place in it with where that value comes
//! from. A language server asks this on every change, so a run covers only what the file
//! takes part in (the config's releases that list it, the overlays beside a chart's
//! `Chart.yaml`, the GitOps manifests beside it), never the whole repository, and finds
//! the same findings for the file as the command line does.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Found, Inputs, Outcome, Plan, ReleaseJob, Session, SessionError, discover};
use crate::diagnostic::Diagnostic;
use crate::options::LintOptions;
use crate::path::{KeyPath, Seg};
use crate::pipeline::{InputFile, build_release};
use crate::values::{Kind, Origin, Value};
use crate::yaml::{Document, NodeId, NodeKind};

impl Session {
    /// Reads `bytes` as the content of `path` instead of the file on disk (an editor's
    /// unsaved buffer); may be called for several files.
    pub fn with_text(mut self, path: &Path, bytes: Vec<u8>) -> Session {
        self.texts.insert(path, bytes);
        self
    }

    /// Keeps the text each fix writes as it is, not masked as secrets are in reports: an
    /// editor applies the fixes to the user's own file, where a masked value would be
    /// written as `****`. Messages, labels and fix titles stay masked.
    pub fn keeping_fix_text(mut self) -> Session {
        self.unmasked_fixes = true;
        self
    }

    /// Lints what `path` takes part in, as a run over its repository would lint it: each
    /// release of the governing config's `releases:` that lists it (with the release's
    /// other files), else the file as `oncall-lint PATH` does (over a chart's `values.yaml`
    /// when it is an overlay beside a `Chart.yaml`, with the GitOps manifests beside it
    /// that read it). Findings in the other files of those releases are in the outcome too.
    pub fn run_file(&self, path: &Path) -> Result<Outcome, SessionError> {
        let here = self.configs.for_path(Path::new("."))?;
        let governing = self.configs.for_path(path)?;
        let plan = file_plan(path, governing.as_deref());
        self.execute(plan, &Inputs::default(), here.as_deref())
    }
}

/// What a run over one file lints: see [`Session::run_file`].
fn file_plan(path: &Path, found: Option<&Found>) -> Plan {
    let key = canonical(path);
    let mut plan = Plan {
        releases: Vec::new(),
        paths: Vec::new(),
        in_releases: Vec::new(),
        implicit_walk: false,
    };
    if let Some(found) = found {
        for (_, files, sets) in found.config.releases() {
            let paths: Vec<PathBuf> = files.iter().map(|f| found.dir.join(f)).collect();
            if paths.iter().any(|p| canonical(p) == key) {
                plan.releases.push(ReleaseJob { paths, sets });
            }
        }
    }
    if plan.releases.is_empty() {
        plan.paths = beside_chart(path).unwrap_or_else(|| vec![path.to_path_buf()]);
    }
    plan
}

/// For a values file beside a chart's `Chart.yaml` and `values.yaml`, the files a walk of
/// its directory layers it with: the overlay with the chart's `values.yaml`, or for
/// `values.yaml` itself every values file there. `None` elsewhere.
fn beside_chart(path: &Path) -> Option<Vec<PathBuf>> {
    let dir = discover::dir_of(path);
    let named = |name: &str| path.file_name().is_some_and(|n| n == name);
    let is_base = named("values.yaml") || named("values.yml");
    if !dir.join("Chart.yaml").is_file() {
        return None;
    }
    let base = ["values.yaml", "values.yml"]
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())?;
    if !is_base {
        return Some(vec![base, path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && super::is_values_file(&p.to_string_lossy()))
        .collect();
    files.sort();
    // the base first, named as the editor names it, so its own findings are said for it
    files.retain(|p| p.file_name() != path.file_name());
    files.insert(0, path.to_path_buf());
    Some(files)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The text each finding's fix writes, before the redaction pass masks it.
pub(super) fn fix_texts(diagnostics: &[Diagnostic]) -> Vec<Option<Vec<String>>> {
    diagnostics
        .iter()
        .map(|d| {
            d.fix
                .as_ref()
                .map(|fix| fix.edits.iter().map(|e| e.replacement.clone()).collect())
        })
        .collect()
}

/// Puts back the text [`fix_texts`] kept (the redaction pass changes no finding's order
/// or edits, only their text).
pub(super) fn restore_fix_texts(diagnostics: &mut [Diagnostic], texts: Vec<Option<Vec<String>>>) {
    for (diagnostic, texts) in diagnostics.iter_mut().zip(texts) {
        let (Some(fix), Some(texts)) = (&mut diagnostic.fix, texts) else {
            continue;
        };
        for (edit, text) in fix.edits.iter_mut().zip(texts) {
            edit.replacement = text;
        }
    }
}

/// The effective value at a place in a file of a release: what Helm hands the templates
/// there, and which file (or chart default) decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAt {
    /// The key path as the file writes it (`oncall.grafana.enabled` under an umbrella).
    pub key_path: KeyPath,
    /// The span of the key (or list item) the place is in.
    pub span: Range<usize>,
    /// The effective value, in short (`true`, `"oncall"`, `{enabled, image, ...}`), or
    /// `None` when Helm sees no value there (a key deleted with `null` by a later file).
    pub value: Option<String>,
    /// Where the effective value comes from.
    pub origin: ValueOrigin,
}

/// Where an effective value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueOrigin {
    /// The chart's default values.
    Default {
        /// The chart (`oncall`, `grafana`).
        chart: String,
        /// Its version.
        version: String,
    },
    /// Written in a file of the release (or a `--set` argument: the `<--set>` file).
    File {
        /// The file, as the run names it.
        file: String,
        /// The 1-based line.
        line: usize,
    },
    /// Nowhere Helm would see: the key is removed, or outside what the chart reads.
    Unset,
}

/// The effective value at byte `offset` of `file`, one of the release's `files` (Helm's
/// order), linted with `options`: `None` when the offset is on no key below the values
/// root, or the release cannot be built (the file does not parse).
pub fn value_at(
    files: Vec<InputFile>,
    options: &LintOptions,
    file: &str,
    offset: usize,
) -> Option<ValueAt> {
    let (release, _) = build_release(files, options).ok()?;
    let layer = release
        .layers
        .iter()
        .rev()
        .find(|l| l.source.path() == file)?;
    let (segs, span) = segs_at(&layer.doc, layer.root?, offset)?;
    let in_file: Vec<&str> = release.values_root.iter().map(String::as_str).collect();
    let key_path = KeyPath::of(&in_file);
    let key_path = segs.iter().fold(key_path, |path, seg| match seg {
        Seg::Key(k) => path.key(k),
        Seg::Index(i) => path.index(*i),
    });
    let mut chart_path: Vec<Seg> = release.mount.iter().map(|m| Seg::Key(m.clone())).collect();
    chart_path.extend(segs);
    let found = follow(&release.values, &chart_path);
    let origin = match found.map(|v| &v.origin) {
        Some(Origin::Default { chart, version }) => ValueOrigin::Default {
            chart: (*chart).to_owned(),
            version: (*version).to_owned(),
        },
        Some(Origin::User(site)) => match release.layers.get(site.layer) {
            Some(layer) => {
                let at = site.key_span.as_ref().unwrap_or(&site.span).start;
                ValueOrigin::File {
                    file: layer.source.path().to_owned(),
                    line: layer.source.line_col(at).line,
                }
            }
            None => ValueOrigin::Unset,
        },
        Some(Origin::Fix) | None => ValueOrigin::Unset,
    };
    Some(ValueAt {
        key_path,
        span,
        value: found.map(Value::describe),
        origin,
    })
}

/// The path (below `root`) of the innermost key or list item whose span holds `offset`,
/// and the span of that key (or item).
fn segs_at(doc: &Document, root: NodeId, offset: usize) -> Option<(Vec<Seg>, Range<usize>)> {
    let mut segs = Vec::new();
    let mut current = doc.deref(root);
    let mut span = None;
    // a document is a tree of bounded depth; each step goes one level down
    loop {
        let next = match &doc.node(current).kind {
            NodeKind::Map(entries) => entries.iter().rev().find_map(|entry| {
                let key = doc.node(entry.key);
                let value = doc.node(entry.value);
                let text = doc.scalar_text(entry.key)?;
                let on_key = key.span.contains(&offset) || key.span.end == offset;
                let in_value = value.span.contains(&offset) || value.span.end == offset;
                (on_key || in_value).then(|| {
                    (
                        Seg::Key(text.to_owned()),
                        entry.value,
                        key.span.clone(),
                        on_key,
                    )
                })
            }),
            NodeKind::Seq(items) => items.iter().enumerate().find_map(|(index, item)| {
                let node = doc.node(*item);
                (node.span.contains(&offset) || node.span.end == offset)
                    .then(|| (Seg::Index(index), *item, node.span.clone(), false))
            }),
            NodeKind::Scalar { .. } | NodeKind::Alias(_) => None,
        };
        let Some((seg, value, seg_span, on_key)) = next else {
            break;
        };
        segs.push(seg);
        span = Some(seg_span);
        if on_key {
            break;
        }
        current = doc.deref(value);
    }
    Some((segs, span?))
}

/// The value at a path of keys and list indices.
fn follow<'v>(value: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    let mut current = value;
    for seg in path {
        current = match (&current.kind, seg) {
            (Kind::Map(map), Seg::Key(key)) => map.get(key)?,
            (Kind::Seq(items), Seg::Index(index)) => items.get(*index)?,
            _ => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, offset_of: &str) -> Option<ValueAt> {
        let files = vec![InputFile {
            path: "values.yaml".into(),
            bytes: text.as_bytes().to_vec(),
        }];
        let offset = text.find(offset_of)?;
        value_at(files, &LintOptions::default(), "values.yaml", offset)
    }

    #[test]
    fn a_written_value_names_its_file_and_line() {
        let found = value("# é comment\ngrafana:\n  enabled: false\n", "enabled").unwrap();
        assert_eq!(found.key_path.to_string(), "grafana.enabled");
        assert_eq!(found.value.as_deref(), Some("false"));
        assert_eq!(
            found.origin,
            ValueOrigin::File {
                file: "values.yaml".into(),
                line: 3
            }
        );
    }

    #[test]
    fn a_map_the_file_opens_shows_the_merged_value_and_chart_defaults_below_it() {
        let text = "grafana:\n  enabled: false\n";
        let found = value(text, "grafana").unwrap();
        assert_eq!(found.key_path.to_string(), "grafana");
        assert!(found.value.as_deref().unwrap_or_default().starts_with('{'));
        // the map is the chart's, which the file merges into
        assert!(
            matches!(found.origin, ValueOrigin::Default { .. }),
            "{found:?}"
        );
    }

    #[test]
    fn a_later_file_that_overrides_is_the_origin() {
        let files = vec![
            InputFile {
                path: "base.yaml".into(),
                bytes: b"grafana:\n  enabled: false\n".to_vec(),
            },
            InputFile {
                path: "prod.yaml".into(),
                bytes: b"\ngrafana:\n  enabled: true\n".to_vec(),
            },
        ];
        let found = value_at(files, &LintOptions::default(), "base.yaml", 12).unwrap();
        assert_eq!(found.value.as_deref(), Some("true"));
        assert_eq!(
            found.origin,
            ValueOrigin::File {
                file: "prod.yaml".into(),
                line: 3
            }
        );
    }

    #[test]
    fn list_items_and_places_off_any_key_are_told_apart() {
        let text = "grafana:\n  plugins:\n    - grafana-oncall-app\n";
        let found = value(text, "grafana-oncall-app").unwrap();
        assert_eq!(found.key_path.to_string(), "grafana.plugins[0]");
        assert_eq!(found.value.as_deref(), Some("\"grafana-oncall-app\""));
        assert!(value("# only a comment\n", "only").is_none());
    }
}
