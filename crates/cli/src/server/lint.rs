//! One lint of an open document, off the main loop: a library session over the release
//! the document takes part in, every open document's text read from memory, and its
//! findings turned into what the protocol carries (diagnostics by file, with their code
//! actions already built, so a code action request only picks among them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{
    CodeAction, CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, TextEdit, Uri,
};
use oncall_lint_core::session::{ConfigSource, FixMode, Outcome, Session, display_name};
use oncall_lint_core::{Applicability, LintOptions, RuleId, Severity};

use super::position::{Encoding, LineIndex};

/// What the worker is asked: lint `path` (version `version` of the document `uri`) with
/// the texts of every open document.
pub struct Job {
    /// The document.
    pub uri: Uri,
    /// Its file.
    pub path: PathBuf,
    /// The version linted.
    pub version: i32,
    /// Every open document: its file and text.
    pub texts: Vec<(PathBuf, String)>,
    /// The position encoding agreed with the client.
    pub encoding: Encoding,
}

/// A lint done.
pub struct Done {
    /// The document linted.
    pub uri: Uri,
    /// The version linted.
    pub version: i32,
    /// What it found, or why it could not run (a config that cannot be read).
    pub run: Result<Run, String>,
}

/// What a lint of one document found, ready for the protocol.
#[derive(Default)]
pub struct Run {
    /// The findings per file, every file the run read included (with none, so findings it
    /// published before are cleared).
    pub files: HashMap<Uri, Vec<Finding>>,
    /// What the run skipped or assumed (a chart version, a profile), for the log.
    pub notices: Vec<String>,
    /// The release the document's values are part of, for hover.
    pub scope: Option<Scope>,
}

/// One finding as the protocol carries it.
#[derive(Clone)]
pub struct Finding {
    /// The diagnostic.
    pub diagnostic: Diagnostic,
    /// Its fixes and suppression.
    pub actions: Vec<CodeAction>,
}

/// The files (in Helm's order, each by the name the run gives it) and options of the
/// release a document belongs to.
#[derive(Clone)]
pub struct Scope {
    /// The files.
    pub files: Vec<String>,
    /// The options they were linted with.
    pub options: LintOptions,
    /// Whether the values are only part of the release (a GitOps manifest adds its own):
    /// hover then says values are of this file alone over the chart's defaults.
    pub partial: bool,
}

/// Runs a job.
pub fn run(job: &Job) -> Result<Run, String> {
    let mut session = Session::new(ConfigSource::Discover, LintOptions::default(), FixMode::Off)
        .map_err(|e| e.to_string())?
        .keeping_fix_text()
        .recording_settings();
    for (path, text) in &job.texts {
        session = session.with_text(path, text.clone().into_bytes());
    }
    let outcome = session.run_file(&job.path).map_err(|e| e.to_string())?;
    let mut texts = Texts::new(&job.texts);
    Ok(convert(
        &outcome,
        &display_name(&job.path),
        &mut texts,
        job.encoding,
    ))
}

/// The texts positions are counted in: open documents as the editor holds them, other
/// files as on disk.
pub struct Texts {
    open: HashMap<String, String>,
    read: HashMap<String, Option<String>>,
}

impl Texts {
    /// Over the open documents.
    pub fn new(open: &[(PathBuf, String)]) -> Texts {
        Texts {
            open: open
                .iter()
                .map(|(path, text)| (display_name(path), text.clone()))
                .collect(),
            read: HashMap::new(),
        }
    }

    /// The text of the file a run names `name`: `fallback` (the run's copy, with secrets
    /// masked byte for byte) when it is neither open nor readable.
    fn get(&mut self, name: &str, fallback: &str) -> String {
        if let Some(text) = self.open.get(name) {
            return text.clone();
        }
        let read = self.read.entry(name.to_owned()).or_insert_with(|| {
            let limit = oncall_lint_core::yaml::Limits::default().max_file_size;
            oncall_lint_core::session::read_bounded(Path::new(name), limit)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
        });
        read.clone().unwrap_or_else(|| fallback.to_owned())
    }
}

/// The URI of a file a run names `name` (relative to the working directory, or
/// absolute); `None` for a pseudo-file (`<--set>`, `<stdin>`).
pub fn uri_of(name: &str) -> Option<Uri> {
    if name.starts_with('<') {
        return None;
    }
    let path = std::path::absolute(name).ok()?;
    let url = url::Url::from_file_path(path).ok()?;
    url.as_str().parse().ok()
}

/// The findings of `outcome` for the protocol; `document` is the name of the document
/// linted.
fn convert(outcome: &Outcome, document: &str, texts: &mut Texts, encoding: Encoding) -> Run {
    let mut run = Run::default();
    for input in &outcome.settings {
        let names = std::iter::once(&input.subject).chain(&input.files);
        for name in names.filter(|n| !n.starts_with("release of ")) {
            if let Some(uri) = uri_of(name) {
                run.files.entry(uri).or_default();
            }
        }
    }
    run.scope = scope(outcome, document);
    for notice in outcome.notices() {
        run.notices.push(match &notice.file {
            Some(file) if !notice.message.starts_with(file.as_str()) => {
                format!("{file}: {}", notice.message)
            }
            _ => notice.message.clone(),
        });
    }
    let mut blocks: HashMap<String, Vec<std::ops::Range<usize>>> = HashMap::new();
    for finding in &outcome.diagnostics {
        let name = finding.primary.file.path();
        let Some(uri) = uri_of(name) else {
            continue;
        };
        let text = texts.get(name, finding.primary.file.text());
        let index = LineIndex::new(&text, encoding);
        let diagnostic = diagnostic(finding, &index, texts, encoding);
        let mut actions = Vec::new();
        if let Some(action) = fix_action(finding, &diagnostic, texts, encoding) {
            actions.push(action);
        }
        let blocks = blocks.entry(name.to_owned()).or_insert_with(|| {
            super::actions::block_scalars(text.strip_prefix('\u{feff}').unwrap_or(&text))
        });
        if let Some(action) =
            super::actions::suppress(finding, &diagnostic, &uri, &text, blocks, encoding)
        {
            actions.push(action);
        }
        run.files.entry(uri).or_default().push(Finding {
            diagnostic,
            actions,
        });
    }
    run
}

/// The release `document` belongs to, from the settings the run recorded.
fn scope(outcome: &Outcome, document: &str) -> Option<Scope> {
    for input in &outcome.settings {
        let release = input.subject.starts_with("release of ");
        let alone = input.subject == document && input.files.is_empty();
        if alone || (release && input.files.iter().any(|f| f == document)) {
            let files = if alone {
                vec![document.to_owned()]
            } else {
                input.files.clone()
            };
            return Some(Scope {
                files,
                options: input.options.clone(),
                partial: false,
            });
        }
        if !release && input.files.iter().any(|f| f == document) {
            // a values file a GitOps manifest reads
            return Some(Scope {
                files: vec![document.to_owned()],
                options: input.options.clone(),
                partial: true,
            });
        }
    }
    None
}

/// The link to a built-in rule's documentation.
pub fn rule_docs(rule: &RuleId) -> Option<Uri> {
    let RuleId::Builtin(code) = rule else {
        return None;
    };
    let repository = env!("CARGO_PKG_REPOSITORY");
    format!(
        "{repository}/blob/main/rules/{}-{}.yaml",
        code.as_str(),
        code.name()
    )
    .parse()
    .ok()
}

fn diagnostic(
    finding: &oncall_lint_core::Diagnostic,
    index: &LineIndex,
    texts: &mut Texts,
    encoding: Encoding,
) -> Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|related| {
            let name = related.location.file.path();
            let uri = uri_of(name)?;
            let text = texts.get(name, related.location.file.text());
            let index = LineIndex::new(&text, encoding);
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: index.range(&related.location.span),
                },
                message: related.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: index.range(&finding.primary.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code().to_owned())),
        code_description: rule_docs(&finding.rule).map(|href| CodeDescription { href }),
        source: Some("oncall-lint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The code action of a finding's fix: preferred when safe, its title saying so when it
/// needs review; none for a fix only shown (it holds a placeholder).
fn fix_action(
    finding: &oncall_lint_core::Diagnostic,
    diagnostic: &Diagnostic,
    texts: &mut Texts,
    encoding: Encoding,
) -> Option<CodeAction> {
    let fix = finding.fix.as_ref()?;
    let title = match fix.applicability {
        Applicability::Safe => format!("{} ({})", fix.title, finding.code()),
        Applicability::Unsafe => {
            format!("{} ({}, unsafe fix: review it)", fix.title, finding.code())
        }
        Applicability::DisplayOnly => return None,
    };
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in &fix.edits {
        let name = edit.file.path();
        let uri = uri_of(name)?;
        let text = texts.get(name, edit.file.text());
        let index = LineIndex::new(&text, encoding);
        changes.entry(uri).or_default().push(TextEdit {
            range: index.range(&edit.range),
            new_text: edit.replacement.clone(),
        });
    }
    Some(super::actions::quick_fix(
        title,
        diagnostic,
        changes,
        fix.applicability == Applicability::Safe,
    ))
}
