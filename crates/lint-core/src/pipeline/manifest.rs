//! The manifest stage: the releases a GitOps manifest declares ([`crate::gitops`]), each
//! built from its values sources in the tool's order and linted whole, with the chart
//! version, release name and namespace the manifest gives.
//!
//! Every layer keeps the spans of the file it was written in, so a finding points at the
//! manifest's own line: a map in the manifest (`spec.values`) is the manifest's document
//! with its root moved to that map; a YAML string in it (`helm.values: |`, a ConfigMap's
//! `values.yaml: |`) is parsed from the manifest's text with everything outside the
//! string blanked, so its nodes carry the manifest's byte offsets and fixes edit the
//! manifest in place.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::classify::{self, Classified};
use super::identity::ChartChoice;
use super::note::{KindReason, Note};
use super::read::{Parsed, decode, parse_unscanned, parsed_unscanned};
use super::{FileReport, InputFile, finish, run};
use crate::checks::values_source_missing::Message as Missing;
use crate::diagnostic::Location;
use crate::gitops::{
    self, Declared, NameFrom, ObjectKind, Place, Resolution, Resolver, ValuesSource,
};
use crate::options::{ChartKind, LintOptions};
use crate::path::KeyPath;
use crate::redact::Secrets;
use crate::release::InputKind;
use crate::rules::RuleCode;
use crate::source::SourceFile;
use crate::yaml::{Comment, Document, NodeId, NodeKind, ScalarStyle, parse};

/// The files a manifest's releases are linted from: the manifest first, then every file
/// its releases read (values files, manifests holding their ConfigMaps, `Chart.yaml`s).
pub(super) struct Files {
    parsed: Vec<Parsed>,
    /// Documents of the manifest whose values map one release alone reads: moved into that
    /// release's layer rather than copied (a values map may be large).
    spare: RefCell<HashMap<usize, Document>>,
}

impl Files {
    /// The files, the manifest first; the documents `declared` read a map from only once
    /// set aside to be moved.
    fn new(mut parsed: Vec<Parsed>, declared: &[Declared]) -> Files {
        let mut uses: HashMap<usize, (usize, usize)> = HashMap::new();
        for release in declared {
            for source in &release.sources {
                let (maps, others) = uses.entry(release.document).or_default();
                match source {
                    ValuesSource::Inline { .. } => *maps += 1,
                    _ => *others += 1,
                }
            }
        }
        let mut spare = HashMap::new();
        if let Some(manifest) = parsed.first_mut() {
            for (document, (maps, others)) in uses {
                if maps == 1
                    && others == 0
                    && let Some(doc) = manifest.documents.get_mut(document)
                {
                    spare.insert(document, std::mem::take(doc));
                }
            }
        }
        Files {
            parsed,
            spare: RefCell::new(spare),
        }
    }

    fn find(&self, name: &str) -> Option<&Parsed> {
        self.parsed.iter().find(|p| p.source.path() == name)
    }

    /// Document `index` of the manifest, to be rooted elsewhere: moved when set aside,
    /// else copied.
    fn manifest_document(&self, index: usize) -> Option<Document> {
        if let Some(doc) = self.spare.borrow_mut().remove(&index) {
            return Some(doc);
        }
        self.parsed.first()?.documents.get(index).cloned()
    }
}

/// Lints the releases `manifest` declares, reading their values from `others` as
/// `resolver` names them. `documents` are a file's documents when the caller parsed them
/// already (of the same text). A manifest that declares none is linted as any other
/// file.
pub fn lint_manifest(
    manifest: InputFile,
    documents: Option<Vec<Document>>,
    others: Vec<(InputFile, Option<Vec<Document>>)>,
    resolver: &dyn Resolver,
    options: &LintOptions,
) -> FileReport {
    let mut report = FileReport::default();
    let source = match decode(&manifest.path, manifest.bytes, &options.limits) {
        Ok(source) => source,
        Err(unread) => return FileReport::unread(unread.source, unread.finding),
    };
    let first = match documents {
        Some(documents) => parsed_unscanned(source.clone(), documents),
        None => match parse_unscanned(source.clone(), &options.limits) {
            Ok(parsed) => parsed,
            Err(finding) => return FileReport::unread(source, *finding),
        },
    };
    let declared = declared_in(&first);
    if declared.is_empty() {
        return super::lint_source(source, options);
    }
    let mut parsed = vec![first];
    for (other, documents) in others {
        // a file read for a release is read whole, as Helm reads a `-f` file
        let unlimited = crate::yaml::Limits {
            max_file_size: u64::MAX,
            ..options.limits
        };
        let Ok(source) = decode(&other.path, other.bytes, &unlimited) else {
            continue;
        };
        match documents {
            Some(documents) => parsed.push(parsed_unscanned(source, documents)),
            None => match parse_unscanned(source, &options.limits) {
                Ok(other) => parsed.push(other),
                Err(finding) => report.diagnostics.push(*finding),
            },
        }
    }
    lint_declaring(parsed, &declared, resolver, options, report)
}

/// The releases a parsed file declares.
pub(super) fn declared_in(file: &Parsed) -> Vec<Declared> {
    file.documents
        .iter()
        .enumerate()
        .flat_map(|(index, doc)| gitops::declared(doc, index, file.source.path()))
        .collect()
}

/// Lints the releases `declared` that the first of `parsed` declares, reading their values
/// from the rest.
pub(super) fn lint_declaring(
    parsed: Vec<Parsed>,
    declared: &[Declared],
    resolver: &dyn Resolver,
    options: &LintOptions,
    mut report: FileReport,
) -> FileReport {
    let files = Files::new(parsed, declared);
    let mut comments: Vec<(Arc<SourceFile>, Vec<Comment>)> = Vec::new();
    let mut declaring: Vec<usize> = declared.iter().map(|d| d.document).collect();
    let mut in_place: Vec<(Arc<SourceFile>, Range<usize>)> = Vec::new();
    let mut in_secrets: Vec<(Arc<SourceFile>, Range<usize>)> = Vec::new();
    for release in declared {
        let mut linted = Linted::default();
        lint_declared(release, &files, resolver, options, &mut report, &mut linted);
        comments.extend(linted.comments);
        report.secrets.extend(linted.secrets);
        declaring.extend(linted.documents);
        in_place.extend(linted.in_place);
        in_secrets.extend(linted.in_secrets);
    }
    // a Secret is where a password belongs: OC048 (a secret written inline in the values)
    // is about values files and manifests people read, not about a Secret's own values
    report.diagnostics.retain(|d| {
        d.code() != RuleCode::OC048.as_str()
            || !in_secrets.iter().any(|(file, span)| {
                Arc::ptr_eq(file, &d.primary.file) && span.contains(&d.primary.span.start)
            })
    });
    lint_other_documents(&files.parsed[0], &declaring, options, &mut report);
    for parsed in files.parsed {
        // the YAML strings parsed in place gave their secrets: not parsed again for them
        let parsed_here: Vec<Range<usize>> = in_place
            .iter()
            .filter(|(source, _)| Arc::ptr_eq(source, &parsed.source))
            .map(|(_, span)| span.clone())
            .collect();
        let spans = crate::redact::secret_spans_except(
            parsed.source.text(),
            &parsed.documents,
            &parsed_here,
        );
        report.secrets.push(Secrets {
            file: parsed.source.clone(),
            spans,
        });
        report.sources.push(parsed.source.clone());
        comments.push((parsed.source, parsed.comments));
    }
    report.sources.dedup_by(|a, b| Arc::ptr_eq(a, b));
    finish::finish(&mut report, &merged(comments), options);
    report
}

/// A manifest linted alone (standard input, the library's single text): no file beside it
/// is read, and a path it names is said not read rather than called missing.
pub(super) struct Alone;

impl Resolver for Alone {
    fn resolve(&self, _: &str, _: &Place, _: &str) -> Resolution {
        Resolution::Elsewhere(
            "the manifest was linted alone, without the files beside it".to_owned(),
        )
    }
}

/// The comments of each file once, in order (a file's own and those of the YAML strings
/// parsed inside it).
fn merged(comments: Vec<(Arc<SourceFile>, Vec<Comment>)>) -> Vec<(Arc<SourceFile>, Vec<Comment>)> {
    let mut out: Vec<(Arc<SourceFile>, Vec<Comment>)> = Vec::new();
    for (source, list) in comments {
        match out.iter_mut().find(|(s, _)| Arc::ptr_eq(s, &source)) {
            Some((_, all)) => all.extend(list),
            None => out.push((source, list)),
        }
    }
    for (_, list) in &mut out {
        list.sort_by_key(|c| c.span.start);
        list.dedup_by_key(|c| c.span.start);
    }
    out
}

/// What linting one release added besides findings: the comments and secrets of the YAML
/// strings it parsed.
#[derive(Default)]
struct Linted {
    comments: Vec<(Arc<SourceFile>, Vec<Comment>)>,
    secrets: Vec<Secrets>,
    /// Documents of the manifest read as a release's values (a ConfigMap beside its
    /// HelmRelease): not linted again on their own.
    documents: Vec<usize>,
    /// The YAML strings parsed in place (their file and the string's span).
    in_place: Vec<(Arc<SourceFile>, Range<usize>)>,
    /// Those of them that are a Secret's values.
    in_secrets: Vec<(Arc<SourceFile>, Range<usize>)>,
}

impl Linted {
    /// Adds what another read found.
    fn take(&mut self, other: Linted) {
        self.comments.extend(other.comments);
        self.secrets.extend(other.secrets);
        self.documents.extend(other.documents);
        self.in_place.extend(other.in_place);
        self.in_secrets.extend(other.in_secrets);
    }
}

/// The documents of a manifest that declare no release (a ConfigMap beside a
/// HelmRelease), each linted on its own as before.
fn lint_other_documents(
    manifest: &Parsed,
    declaring: &[usize],
    options: &LintOptions,
    report: &mut FileReport,
) {
    let chart = ChartChoice::of(options);
    for (index, doc) in manifest.documents.iter().enumerate() {
        if declaring.contains(&index) || doc.root.is_none() {
            continue;
        }
        let subject = manifest.source.path().to_owned();
        run::lint_layers(
            vec![(manifest.source.clone(), doc.clone())],
            None,
            None,
            &chart,
            options,
            &subject,
            report,
        );
    }
}

/// Lints one declared release: skipped (with a note) when it is another chart's and its
/// values host no OnCall plugin.
fn lint_declared(
    release: &Declared,
    files: &Files,
    resolver: &dyn Resolver,
    options: &LintOptions,
    report: &mut FileReport,
    linted: &mut Linted,
) {
    let manifest = &files.parsed[0];
    let subject = manifest.source.path().to_owned();
    let object = object_named(release, &manifest.source);
    let Some((kind, chart_yaml)) = which_chart(release, files, resolver, &subject, &object, report)
    else {
        return;
    };
    // the sources are read aside: a release skipped says nothing about them
    let mut aside = FileReport::default();
    let mut read = Linted::default();
    let (layers, described, sets) = {
        let mut sources = Sources {
            subject: &subject,
            object: &object,
            release,
            files,
            resolver,
            report: &mut aside,
            linted: &mut read,
            layers: Vec::new(),
            described: Vec::new(),
            sets: Vec::new(),
        };
        release
            .sources
            .iter()
            .for_each(|source| sources.add(source));
        (sources.layers, sources.described, sources.sets)
    };
    let mut options = options.clone();
    apply_identity(&mut options, release, kind, chart_yaml);
    options.release.sets.extend(sets);
    options.release.sets.extend(release.sets.iter().cloned());
    let chart = ChartChoice::of(&options);
    let layers = if layers.is_empty() {
        // no values: the chart's defaults, reported at the object that declares it
        vec![(manifest.source.clone(), Document::default())]
    } else {
        layers
    };
    // another chart: linted only when its values hold a Grafana that hosts the plugin
    let classified = match kind {
        Some(_) => classify::classify(&layers, chart.state, &options),
        None => classify::classify_foreign(&layers, chart.state, &options),
    };
    if kind.is_none() && !hosts_oncall(&classified) {
        report.notes.push(Note::ReleaseSkipped {
            subject,
            object,
            chart: chart_written(release),
        });
        return;
    }
    report.diagnostics.extend(aside.diagnostics);
    report.notes.extend(aside.notes);
    linted.take(read);
    if !release.templated.is_empty() {
        let (subject, object) = (subject.clone(), object.clone());
        let fields = release.templated.clone();
        report.notes.push(Note::Templated {
            subject,
            object,
            fields,
        });
    }
    let note = declared_note(&subject, &object, release, &options, described);
    report.notes.push(note);
    let from = report.notes.len();
    // no values at all: what is reported about them goes to the object's name
    let anchor = Some(release.object.span.clone());
    run::lint_layers(
        layers,
        Some(classified),
        anchor,
        &chart,
        &options,
        &subject,
        report,
    );
    said_from_manifest(&mut report.notes[from..], release);
}

/// The chart kind came from the manifest, not from `--chart`: the notes say so.
fn said_from_manifest(notes: &mut [Note], release: &Declared) {
    for note in notes {
        if let Note::Input { why, .. } = note
            && *why == KindReason::ChartFlag
        {
            *why = KindReason::ManifestChart(chart_written(release));
        }
    }
}

/// How notes name the object that declares a release: `Flux HelmRelease `oncall` (line 4)`.
fn object_named(release: &Declared, manifest: &SourceFile) -> String {
    let line = manifest.line_col(release.object.span.start).line;
    let (tool, name) = (release.tool.describe(), &release.object.text);
    format!("{tool} `{name}` (line {line})")
}

/// Whether another chart's values, as classified, are the oncall chart's (an umbrella's)
/// or a Grafana's that hosts the plugin.
fn hosts_oncall(classified: &Classified) -> bool {
    matches!(
        classified.kind,
        InputKind::OncallValues | InputKind::GrafanaValues
    )
}

/// Which chart a release installs (`None`: not the oncall chart), and the `Chart.yaml`
/// of a chart kept in a directory; `None` (with a note) for a chart in a repository not
/// read.
fn which_chart(
    release: &Declared,
    files: &Files,
    resolver: &dyn Resolver,
    subject: &str,
    object: &str,
    report: &mut FileReport,
) -> Option<(Option<ChartKind>, Option<String>)> {
    let chart_yaml = match &release.chart_dir {
        Some(place) => match resolver.resolve(subject, place, "Chart.yaml") {
            Resolution::Here(name) => files.find(&name).map(|p| p.source.text().to_owned()),
            Resolution::Elsewhere(why) => {
                // which chart it is cannot be known: said, not guessed
                report.notes.push(Note::SourceNotRead {
                    subject: subject.to_owned(),
                    object: object.to_owned(),
                    what: format!("the chart `{}`", chart_written(release)),
                    why,
                });
                return None;
            }
        },
        None => None,
    };
    Some((chart_kind(release, chart_yaml.as_deref()), chart_yaml))
}

/// The note that says how a declared release was taken.
fn declared_note(
    subject: &str,
    object: &str,
    release: &Declared,
    options: &LintOptions,
    layers: Vec<String>,
) -> Note {
    Note::Declared {
        subject: subject.to_owned(),
        object: object.to_owned(),
        release: options
            .release
            .release_name
            .clone()
            .map(|name| match &release.release_name {
                Some((_, NameFrom::Default(rule))) => format!("{name} ({rule})"),
                _ => name,
            }),
        namespace: options.release.namespace.clone(),
        chart: chart_written(release),
        layers,
    }
}

/// The chart as notes name it: `oncall 1.16.9`, `./charts/platform`.
fn chart_written(release: &Declared) -> String {
    let chart = release
        .chart
        .as_ref()
        .map(|c| c.text.clone())
        .or_else(|| match &release.chart_dir {
            Some(Place::Manifest(dir)) => Some(dir.clone()),
            Some(Place::Repository { path, .. }) => Some(path.clone()),
            None => None,
        })
        .unwrap_or_else(|| "unknown".to_owned());
    match &release.chart_version {
        Some(version) => format!("{chart} {}", version.text),
        None => chart,
    }
}

/// Which chart's values a release holds: the oncall chart (or an umbrella whose
/// `Chart.yaml` depends on it); `None` for any other chart (the grafana chart, an umbrella
/// over it, a chart not written), whose values are classified to find a Grafana that
/// hosts the plugin.
fn chart_kind(release: &Declared, chart_yaml: Option<&str>) -> Option<ChartKind> {
    if let Some(text) = chart_yaml {
        let umbrella = crate::release::values_root_from_chart_yaml(text).is_some();
        let own = crate::release::oncall_version_from_chart_yaml(text).is_some();
        return (umbrella || own).then_some(ChartKind::Oncall);
    }
    match release.chart_name() {
        Some("oncall") if release.chart_dir.is_none() => Some(ChartKind::Oncall),
        _ => None,
    }
}

/// The release's identity from the manifest, over what flags and configs said.
fn apply_identity(
    options: &mut LintOptions,
    release: &Declared,
    kind: Option<ChartKind>,
    chart_yaml: Option<String>,
) {
    let spec = &mut options.release;
    match kind {
        Some(ChartKind::Oncall) => {
            if let Some((name, _)) = &release.release_name {
                spec.release_name = Some(name.clone());
            }
            if let Some(namespace) = &release.namespace {
                spec.namespace = Some(namespace.clone());
            }
            spec.chart_kind = kind;
        }
        // a Grafana's release: its namespace is Grafana's; its name is not OnCall's
        _ => {
            if let Some(namespace) = &release.namespace {
                spec.grafana_namespace = Some(namespace.clone());
            }
        }
    }
    if chart_yaml.is_some() {
        spec.chart_yaml = chart_yaml;
    }
    if kind == Some(ChartKind::Oncall) && spec.chart_yaml.is_none() {
        // no version written: Flux, helmfile and Kustomize install the newest
        let written = release
            .chart_version
            .as_ref()
            .map_or("", |v| v.text.as_str());
        if let Some(version) = crate::chart::release_matching(written) {
            spec.chart_version = Some(version);
        }
    }
    spec.whole = true;
}

/// The layers of a release, read source by source.
struct Sources<'a> {
    subject: &'a str,
    object: &'a str,
    release: &'a Declared,
    files: &'a Files,
    resolver: &'a dyn Resolver,
    report: &'a mut FileReport,
    linted: &'a mut Linted,
    layers: Vec<(Arc<SourceFile>, Document)>,
    described: Vec<String>,
    sets: Vec<crate::release::SetArg>,
}

impl Sources<'_> {
    fn manifest(&self) -> &Parsed {
        &self.files.parsed[0]
    }

    fn add(&mut self, source: &ValuesSource) {
        match source {
            ValuesSource::Inline { node } => {
                let Some(mut doc) = self.files.manifest_document(self.release.document) else {
                    return;
                };
                let manifest = self.manifest();
                let key = key_above(&doc, *node).unwrap_or_else(|| "values".to_owned());
                doc.root = Some(*node);
                let source = manifest.source.clone();
                self.described.push(format!("`{key}` in the manifest"));
                self.layers.push((source, doc));
            }
            ValuesSource::Text { node } => self.text_in_manifest(*node),
            ValuesSource::File {
                written,
                place,
                optional,
            } => self.file(&written.text, written.span.clone(), place, *optional),
            ValuesSource::Object {
                kind,
                name,
                namespace,
                key,
                target_path,
                optional,
                at,
            } => self.object(
                ObjectRef {
                    kind: *kind,
                    name,
                    namespace: namespace.as_deref(),
                    key,
                    target_path: target_path.as_deref(),
                    optional: *optional,
                },
                at.clone(),
            ),
            ValuesSource::Unresolved { what, .. } => self.not_read(what, "not resolved"),
        }
    }

    fn not_read(&mut self, what: &str, why: &str) {
        self.report.notes.push(Note::SourceNotRead {
            subject: self.subject.to_owned(),
            object: self.object.to_owned(),
            what: what.to_owned(),
            why: why.to_owned(),
        });
    }

    fn missing(&mut self, message: Missing, at: Range<usize>) {
        let location = Location {
            file: self.manifest().source.clone(),
            span: at,
            key_path: KeyPath::root(),
        };
        self.report
            .diagnostics
            .push(crate::checks::report(RuleCode::OC097, &message, location));
    }

    /// A YAML string in the manifest (`helm.values: |`).
    fn text_in_manifest(&mut self, node: NodeId) {
        let manifest = self.manifest();
        let Some(doc) = manifest.documents.get(self.release.document) else {
            return;
        };
        let key = key_above(doc, node).unwrap_or_else(|| "values".to_owned());
        let source = manifest.source.clone();
        match embedded(&source, doc, node) {
            Ok(parsed) => {
                self.described
                    .push(format!("`{key}` (a YAML string) in the manifest"));
                self.take(source, parsed);
            }
            Err(why) => self.not_read(&format!("`{key}`"), &why),
        }
    }

    /// Keeps a YAML string's layer, with its comments and secrets.
    fn take(&mut self, source: Arc<SourceFile>, parsed: Embedded) {
        self.linted
            .in_place
            .push((source.clone(), parsed.span.clone()));
        self.linted
            .comments
            .push((source.clone(), parsed.doc.comments.clone()));
        self.linted.secrets.push(Secrets {
            file: source.clone(),
            spans: parsed.secrets,
        });
        self.layers.push((source, parsed.doc));
    }

    /// A values file.
    fn file(&mut self, written: &str, at: Range<usize>, place: &Place, optional: bool) {
        let name = match self.resolver.resolve(self.subject, place, written) {
            Resolution::Here(name) => name,
            Resolution::Elsewhere(why) => {
                self.not_read(&format!("`{written}`"), &why);
                return;
            }
        };
        let Some(parsed) = self.files.find(&name) else {
            if optional {
                self.not_read(&format!("`{written}`"), "optional, and not found");
            } else {
                let tool = self.release.tool.describe().to_owned();
                self.missing(Missing::File { path: name, tool }, at);
            }
            return;
        };
        let doc = parsed
            .documents
            .iter()
            .find(|d| d.root.is_some())
            .cloned()
            .unwrap_or_default();
        self.described.push(format!("`{name}`"));
        self.layers.push((parsed.source.clone(), doc));
    }

    /// A ConfigMap's or Secret's key (Flux `valuesFrom`): found among the manifests read,
    /// or a file a Kustomize `configMapGenerator` makes it from.
    fn object(&mut self, wanted: ObjectRef<'_>, at: Range<usize>) {
        let what = format!(
            "{} `{}` key `{}`",
            wanted.kind_name(),
            wanted.name,
            wanted.key
        );
        if let Some((source, value)) = self.find_object(&wanted) {
            let Some(doc) = self
                .files
                .find(source.path())
                .and_then(|p| p.documents.get(value.0))
            else {
                return;
            };
            if Arc::ptr_eq(&source, &self.manifest().source) {
                self.linted.documents.push(value.0);
            }
            if let Some(path) = wanted.target_path {
                let text = doc.scalar_text(value.1).unwrap_or_default();
                self.described.push(format!("{what} at `{path}`"));
                self.sets.push(crate::release::SetArg {
                    text: format!("{path}={text}"),
                    string: false,
                });
                return;
            }
            match embedded(&source, doc, value.1) {
                Ok(parsed) => {
                    self.described
                        .push(format!("{what} in `{}`", source.path()));
                    let mut parsed = parsed;
                    if wanted.kind == ObjectKind::Secret {
                        self.linted
                            .in_secrets
                            .push((source.clone(), parsed.span.clone()));
                        // a Secret's values are never printed, whatever their keys
                        parsed.secrets.extend(scalar_values(&parsed.doc));
                    }
                    self.take(source, parsed);
                }
                Err(why) => self.not_read(&what, &why),
            }
            return;
        }
        if let Some((name, parsed_at)) = self.generated(&wanted) {
            if let Some(parsed) = self.files.find(&name) {
                let doc = parsed
                    .documents
                    .iter()
                    .find(|d| d.root.is_some())
                    .cloned()
                    .unwrap_or_default();
                self.described
                    .push(format!("{what} (generated from `{name}`)"));
                self.layers.push((parsed.source.clone(), doc));
                return;
            }
            let _ = parsed_at;
        }
        if wanted.optional {
            self.not_read(&what, "optional, and not among the manifests linted");
        } else {
            self.missing(
                Missing::Object {
                    what,
                    namespace: wanted.namespace.unwrap_or("default").to_owned(),
                },
                at,
            );
        }
    }

    /// The ConfigMap or Secret `wanted` names among the files read: its file, and the
    /// (document, node) of the key's value.
    fn find_object(&self, wanted: &ObjectRef<'_>) -> Option<(Arc<SourceFile>, (usize, NodeId))> {
        let data = match wanted.kind {
            ObjectKind::ConfigMap => "data",
            ObjectKind::Secret => "stringData",
        };
        for parsed in &self.files.parsed {
            for (index, doc) in parsed.documents.iter().enumerate() {
                let Some(root) = doc.root else { continue };
                let kind = gitops::scalar(doc, root, &["kind"]);
                let name = gitops::scalar(doc, root, &["metadata", "name"]);
                let namespace = gitops::scalar(doc, root, &["metadata", "namespace"]);
                let same_namespace = match (namespace, wanted.namespace) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                if kind != Some(wanted.kind_name()) || name != Some(wanted.name) || !same_namespace
                {
                    continue;
                }
                if let Some(entry) = doc.lookup(root, &[data, wanted.key]) {
                    return Some((parsed.source.clone(), (index, doc.deref(entry.value))));
                }
            }
        }
        None
    }

    /// The file a Kustomize `configMapGenerator` among the files read makes `wanted` from.
    fn generated(&self, wanted: &ObjectRef<'_>) -> Option<(String, Range<usize>)> {
        if wanted.kind != ObjectKind::ConfigMap {
            return None;
        }
        for parsed in &self.files.parsed {
            if !gitops::is_kustomization(parsed.source.path()) {
                continue;
            }
            for doc in &parsed.documents {
                for generated in gitops::generated_config_maps(doc) {
                    let same_namespace = match (generated.namespace.as_deref(), wanted.namespace) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    };
                    if generated.name == wanted.name
                        && generated.key == wanted.key
                        && same_namespace
                    {
                        let place = Place::Manifest(String::new());
                        if let Resolution::Here(name) = self.resolver.resolve(
                            parsed.source.path(),
                            &place,
                            &generated.file.text,
                        ) {
                            return Some((name, generated.file.span.clone()));
                        }
                    }
                }
            }
        }
        None
    }
}

/// A `valuesFrom` entry.
struct ObjectRef<'a> {
    kind: ObjectKind,
    name: &'a str,
    namespace: Option<&'a str>,
    key: &'a str,
    target_path: Option<&'a str>,
    optional: bool,
}

impl ObjectRef<'_> {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            ObjectKind::ConfigMap => "ConfigMap",
            ObjectKind::Secret => "Secret",
        }
    }
}

/// The key whose value `node` is (`values`, `valuesObject`), for notes.
fn key_above(doc: &Document, node: NodeId) -> Option<String> {
    doc.ids().find_map(|id| match &doc.node(id).kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|e| e.value == node)
            .and_then(|e| doc.scalar_text(e.key))
            .map(str::to_owned),
        _ => None,
    })
}

/// The spans of every scalar of `doc` that is not a map key.
fn scalar_values(doc: &Document) -> Vec<Range<usize>> {
    let keys: std::collections::HashSet<NodeId> = doc
        .ids()
        .flat_map(|id| match &doc.node(id).kind {
            NodeKind::Map(entries) => entries.iter().map(|e| e.key).collect(),
            _ => Vec::new(),
        })
        .collect();
    doc.ids()
        .filter(|id| !keys.contains(id))
        .filter(|id| matches!(doc.node(*id).kind, NodeKind::Scalar { .. }))
        .map(|id| doc.node(id).span.clone())
        .collect()
}

/// A YAML string parsed in place.
struct Embedded {
    doc: Document,
    secrets: Vec<Range<usize>>,
    /// The string's span in the file.
    span: Range<usize>,
}

/// Parses the YAML string at `node` of `doc` with the manifest's byte offsets: the
/// manifest's text with everything outside the string's content blanked (line breaks
/// kept) is the string's own YAML, indented as it is in the file. Only a literal block
/// (`|`) reads the same that way; another style is said, not guessed.
fn embedded(source: &Arc<SourceFile>, doc: &Document, node: NodeId) -> Result<Embedded, String> {
    let scalar = doc.node(node);
    let NodeKind::Scalar { style, .. } = &scalar.kind else {
        return Err("not a string".to_owned());
    };
    if *style != ScalarStyle::Literal {
        return Err(
            "a string that is not a literal block; write it as `|` to have it checked".to_owned(),
        );
    }
    let text = source.text();
    let span = scalar.span.start.min(text.len())..scalar.span.end.min(text.len());
    let blanked = blank_outside(text, span);
    let limits = crate::yaml::Limits::default();
    let documents = parse(&blanked, &limits).map_err(|e| format!("invalid YAML: {}", e.message))?;
    let doc = documents
        .into_iter()
        .find(|d| d.root.is_some())
        .unwrap_or_default();
    let secrets = crate::redact::yaml_secret_spans(text, std::slice::from_ref(&doc));
    Ok(Embedded {
        doc,
        secrets,
        span: scalar.span.clone(),
    })
}

/// `text` with every byte outside `keep` a space, line breaks kept: the same offsets.
fn blank_outside(text: &str, keep: Range<usize>) -> String {
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if keep.contains(&i) || b == b'\n' {
                b
            } else {
                b' '
            }
        })
        .collect();
    // outside `keep` only ASCII spaces and line breaks; inside, the text's own characters
    String::from_utf8(bytes).unwrap_or_default()
}
