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

mod chart;
mod sources;

use std::ops::Range;
use std::sync::Arc;

use super::classify::{self, Classified};
use super::identity::ChartChoice;
use super::note::{KindReason, Note};
use super::read::{Parsed, decode, parse_unscanned, parsed_unscanned};
use super::{FileReport, InputFile, finish, run};
use crate::gitops::{self, Declared, NameFrom, Place, Resolution, Resolver};
use crate::options::LintOptions;
use crate::redact::Secrets;
use crate::release::InputKind;
use crate::rules::RuleCode;
use crate::source::SourceFile;
use crate::yaml::{Comment, Document};
use chart::{apply_identity, chart_written, which_chart};
use sources::{Files, Sources};

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
    // the secrets of the manifest's own documents, scanned before a release's values map is
    // moved out of them (the YAML strings parsed in place are scanned again: harmless)
    let manifest_secrets = parsed
        .first()
        .map(|p| crate::redact::secret_spans_in(p.source.text(), &p.documents));
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
    let mut manifest_secrets = manifest_secrets;
    for parsed in files.parsed {
        // the YAML strings parsed in place gave their secrets: not parsed again for them
        let parsed_here: Vec<Range<usize>> = in_place
            .iter()
            .filter(|(source, _)| Arc::ptr_eq(source, &parsed.source))
            .map(|(_, span)| span.clone())
            .collect();
        let mut spans = crate::redact::secret_spans_except(
            parsed.source.text(),
            &parsed.documents,
            &parsed_here,
        );
        if let Some(manifest) = manifest_secrets.take() {
            spans.extend(manifest);
        }
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
    let ((layers, described, sets, unread), read) =
        read_sources(release, files, resolver, (&subject, &object), &mut aside);
    let mut options = options.clone();
    let range = apply_identity(&mut options, release, kind, chart_yaml);
    // a source that was not read may set what the defaults say: the release is then not
    // whole, and no rule judges the chart's defaults as final
    options.release.whole &= !unread;
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
    if let Some((written, resolved, tool)) = range {
        report.notes.push(Note::ChartRange {
            subject: subject.clone(),
            object: object.clone(),
            written,
            resolved,
            tool,
        });
    }
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

/// What a release's values sources gave: its layers, how notes describe them, the `--set`
/// arguments they make, and whether a source was left unread.
type SourcesRead = (
    Vec<(Arc<SourceFile>, Document)>,
    Vec<String>,
    Vec<crate::release::SetArg>,
    bool,
);

/// Reads `release`'s values sources in the tool's order; what they say goes to `aside`.
fn read_sources(
    release: &Declared,
    files: &Files,
    resolver: &dyn Resolver,
    (subject, object): (&str, &str),
    aside: &mut FileReport,
) -> (SourcesRead, Linted) {
    let mut read = Linted::default();
    let mut sources = Sources {
        subject,
        object,
        release,
        files,
        resolver,
        report: aside,
        linted: &mut read,
        layers: Vec::new(),
        described: Vec::new(),
        sets: Vec::new(),
        unread: false,
    };
    release
        .sources
        .iter()
        .for_each(|source| sources.add(source));
    let got = (
        sources.layers,
        sources.described,
        sources.sets,
        sources.unread,
    );
    (got, read)
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
