//! The pipeline of DESIGN §2 for one file or one release, in its stages: [`read`] (bytes
//! to text to YAML documents), [`classify`] (what the input is, where its values start,
//! which chart version), [`run`] (the release built, every rule run), [`finish`] (selection,
//! suppressions, severities, order). A [`Session`](crate::session::Session) runs it over
//! many inputs.

mod classify;
mod finish;
mod identity;
mod manifest;
mod note;
mod read;
mod run;
mod signals;

use std::sync::Arc;

pub use manifest::lint_manifest;
pub use note::{KindReason, Note, RootReason};
pub use read::InputFile;
pub(crate) use read::{Bounded, read_regular, read_stream};

use crate::checks::invalid_yaml::Message as InvalidYaml;
use crate::diagnostic::Diagnostic;
use crate::options::LintOptions;
use crate::redact::Secrets;
use crate::release::{InputKind, Release, Shape};
use crate::source::SourceFile;
use crate::yaml::Document;
use classify::{Classified, values_root};
use identity::{ChartChoice, identity};
use read::{decode, invalid_yaml, parse_source, read_release};

/// The result of linting one file or one release.
#[derive(Debug, Default)]
pub struct FileReport {
    /// The files read (the first is the one named on the command line).
    pub sources: Vec<Arc<SourceFile>>,
    /// Findings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// What the lint inferred or assumed (input kind, values root, chart version).
    pub notes: Vec<Note>,
    /// Whether no chart version was given, so the latest known one was assumed.
    pub assumed_chart_version: bool,
    /// Each release's effective values, when [`LintOptions::keep_values`] asks for them.
    pub effective: Vec<serde_json::Value>,
    /// Profiles turned on because the values describe such an install.
    pub inferred: Vec<Note>,
    /// The secrets of the files read, for the redaction pass.
    pub secrets: Vec<Secrets>,
}

impl FileReport {
    /// The report of a file that could not be read: its one finding.
    fn unread(source: Arc<SourceFile>, finding: Diagnostic) -> FileReport {
        FileReport {
            sources: vec![source],
            diagnostics: vec![finding],
            ..FileReport::default()
        }
    }
}

/// The fix loop re-lints through a report.
impl crate::fix::apply::Relint for FileReport {
    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn effective(&self) -> &[serde_json::Value] {
        &self.effective
    }
}

/// The report for a file over [`crate::yaml::Limits::max_file_size`], which is not read.
pub fn too_large(path: &str, size: u64, limit: u64) -> FileReport {
    let source = Arc::new(SourceFile::new(path, ""));
    let finding = read::too_large_finding(&source, size, limit);
    FileReport::unread(source, finding)
}

/// Why a file named or found was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRead {
    /// It is over the size limit: its size.
    TooLarge(u64),
    /// It could not be read, or is not a regular file: why.
    Refused(String),
}

/// The report for a file that was not read: one OC094 finding saying why.
pub fn unread(path: &str, why: &NotRead, limit: u64) -> FileReport {
    let source = Arc::new(SourceFile::new(path, ""));
    let finding = match why {
        NotRead::TooLarge(size) => read::too_large_finding(&source, *size, limit),
        NotRead::Refused(reason) => read::unreadable_finding(&source, reason.clone()),
    };
    FileReport::unread(source, finding)
}

/// The report for a release some of whose files were not read: a finding for each of
/// those, and the note that the release was not linted as a whole.
pub fn release_unread(files: &[(String, NotRead)], limit: u64) -> FileReport {
    let mut report = FileReport::default();
    for (path, why) in files {
        let one = unread(path, why, limit);
        report.sources.extend(one.sources);
        report.diagnostics.extend(one.diagnostics);
    }
    report.notes.push(Note::ReleaseUnread);
    report
}

/// Lints one file on its own over the chart defaults (each YAML document separately).
pub fn lint_bytes(path: &str, bytes: Vec<u8>, options: &LintOptions) -> FileReport {
    match decode(path, bytes, &options.limits) {
        Ok(source) => lint_source(source, options),
        Err(unread) => FileReport::unread(unread.source, unread.finding),
    }
}

/// Lints a decoded file on its own (each YAML document separately: a file of several
/// documents is more often a stream of manifests than a values file).
pub fn lint_source(source: Arc<SourceFile>, options: &LintOptions) -> FileReport {
    let chart = ChartChoice::of(options);
    let mut report = FileReport {
        sources: vec![source.clone()],
        assumed_chart_version: chart.given.is_none(),
        ..FileReport::default()
    };
    let parsed = match parse_source(source.clone(), &options.limits) {
        Ok(parsed) => parsed,
        Err(finding) => {
            report.diagnostics.push(*finding);
            return report;
        }
    };
    // a GitOps manifest: its releases, each whole, with what is in this text alone
    let declared = manifest::declared_in(&parsed);
    if !declared.is_empty() {
        report.assumed_chart_version = false;
        return manifest::lint_declaring(
            vec![parsed],
            &declared,
            &manifest::Alone,
            options,
            report,
        );
    }
    report.secrets.push(parsed.secrets);
    let documents: Vec<Document> = parsed
        .documents
        .into_iter()
        .filter(|d| d.root.is_some())
        .collect();
    let subject = source.path().to_owned();
    for (doc, classified) in helm_documents(&source, documents, &chart, options, &mut report) {
        run::lint_layers(
            vec![(source.clone(), doc)],
            classified,
            None,
            &chart,
            options,
            &subject,
            &mut report,
        );
    }
    finish::finish(&mut report, &[(source, parsed.comments)], options);
    report
}

/// The documents of a file linted on its own, as Helm reads them: a values file is its
/// first document (the rest get one finding; a list or a string, Helm's refusal), a stream
/// of manifests or provisioning files is each document alone.
fn helm_documents(
    source: &Arc<SourceFile>,
    documents: Vec<Document>,
    chart: &ChartChoice,
    options: &LintOptions,
    report: &mut FileReport,
) -> Vec<(Document, Option<Classified>)> {
    let mut documents = documents.into_iter();
    let Some(first) = documents.next() else {
        return vec![(Document::default(), None)];
    };
    let rest: Vec<Document> = documents.collect();
    // classified once, without a copy of the document (a values file may be megabytes)
    let layer = [(source.clone(), first)];
    let classified = classify::classify(&layer, chart.state, options);
    let [(_, first)] = layer;
    if !matches!(
        classified.kind,
        InputKind::OncallValues | InputKind::GrafanaValues
    ) {
        if !rest.is_empty() {
            let subject = source.path();
            report
                .notes
                .extend((1..=rest.len() + 1).map(|index| Note::DocumentAlone {
                    subject: subject.to_owned(),
                    index,
                }));
        }
        return std::iter::once((first, Some(classified)))
            .chain(rest.into_iter().map(|doc| (doc, None)))
            .collect();
    }
    report
        .diagnostics
        .extend(read::later_documents(source, &rest));
    match read::not_a_map(source, &first) {
        Some(refused) => {
            report.diagnostics.push(refused);
            Vec::new()
        }
        None => vec![(first, Some(classified))],
    }
}

/// Lints files as one release, in Helm's `-f` order (later files win), with the `--set`
/// arguments of `options` on top. Helm reads only the first document of each file.
pub fn lint_release(files: Vec<InputFile>, options: &LintOptions) -> FileReport {
    let chart = ChartChoice::of(options);
    let read = read_release(files, &options.limits);
    let subject = format!("release of {} file(s)", read.count);
    let mut report = FileReport {
        sources: read.sources,
        diagnostics: read.errors,
        notes: read.notes,
        assumed_chart_version: chart.given.is_none(),
        secrets: read.secrets,
        ..FileReport::default()
    };
    let unread = !report.diagnostics.is_empty();
    report.diagnostics.extend(read.warnings);
    if unread {
        report.notes.push(Note::ReleaseUnread);
    } else if !read.layers.is_empty() || !options.release.sets.is_empty() {
        run::lint_layers(
            read.layers,
            None,
            None,
            &chart,
            options,
            &subject,
            &mut report,
        );
    }
    finish::finish(&mut report, &read.comments, options);
    report
}

/// Builds the release a set of files describes, as the oncall chart's values (for `render`),
/// with what was inferred; the findings of files that cannot be read otherwise.
pub fn build_release(
    files: Vec<InputFile>,
    options: &LintOptions,
) -> Result<(Release, Vec<Note>), Vec<Diagnostic>> {
    let chart = ChartChoice::of(options);
    let read = read_release(files, &options.limits);
    if !read.errors.is_empty() {
        return Err(read.errors);
    }
    let mut notes = vec![Note::ChartVersion {
        subject: "render".to_owned(),
        given: chart.given.clone(),
        defaults: chart.state.version,
    }];
    notes.extend(read.notes);
    let (root, why) = values_root(&read.layers, chart.state, options);
    if let (Some(root), Some(why)) = (&root, why) {
        notes.push(Note::ValuesRoot {
            subject: None,
            root: root.join("."),
            why,
        });
    }
    let shape = Shape {
        chart: chart.state,
        grafana: chart.grafana_for(InputKind::OncallValues, &[], &[]),
        kind: InputKind::OncallValues,
        values_root: root.unwrap_or_default(),
        identity: identity(options),
        whole: options.release.whole,
        anchor: None,
    };
    Release::build(
        shape,
        read.layers,
        &options.release.sets,
        options.limits.max_alias_expansion,
    )
    .map(|release| (release, notes))
    .map_err(|err| {
        let message = InvalidYaml::Helm {
            reason: err.error.message,
        };
        vec![invalid_yaml(&err.source, err.error.offset, message)]
    })
}
