//! The pipeline for one file: decode, parse, build a Release per document, find plugin
//! provisioning, run every rule, and collect diagnostics and notes.

use std::sync::Arc;

use serde_json::json;

use crate::chart::{self, ChartState};
use crate::checks::{CheckContext, Emitter, InputKind, build};
use crate::diagnostic::{Diagnostic, Location};
use crate::options::LintOptions;
use crate::provisioning;
use crate::release::{
    Release, detect_values_root, oncall_version_from_chart_yaml, values_root_from_chart_yaml,
};
use crate::rules;
use crate::source::{NotText, SourceFile};
use crate::yaml::{Document, parse};

/// The result of linting one file.
#[derive(Debug)]
pub struct FileReport {
    /// The file.
    pub source: Arc<SourceFile>,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// What the linter inferred (values root, chart version, input kind), for `--verbose`.
    pub notes: Vec<String>,
}

/// Lints raw bytes read from `path`.
pub fn lint_bytes(path: &str, bytes: Vec<u8>, options: &LintOptions) -> FileReport {
    let (source, not_text) = SourceFile::from_bytes(path, bytes);
    let source = Arc::new(source);
    match not_text {
        Some(NotText { offset, reason }) => {
            let offset = offset.min(source.text().len());
            FileReport {
                diagnostics: vec![invalid_yaml(&source, offset, "not-text", &reason)],
                source,
                notes: Vec::new(),
            }
        }
        None => lint_source(source, options),
    }
}

/// Lints a decoded file.
pub fn lint_source(source: Arc<SourceFile>, options: &LintOptions) -> FileReport {
    let mut report = FileReport {
        source: source.clone(),
        diagnostics: Vec::new(),
        notes: Vec::new(),
    };
    let documents = match parse(source.text(), &options.limits) {
        Ok(docs) => docs,
        Err(err) => {
            report
                .diagnostics
                .push(invalid_yaml(&source, err.offset, "parse", &err.message));
            return report;
        }
    };
    let (chart, version_note) = chart_state(options);
    report.notes.push(version_note);
    let multi = documents.iter().filter(|d| d.root.is_some()).count() > 1;
    for (index, doc) in documents.into_iter().enumerate() {
        if doc.root.is_none() {
            continue;
        }
        if multi {
            report.notes.push(format!(
                "document {}: linted on its own (Helm reads only the first)",
                index + 1
            ));
        }
        lint_document(&source, doc, chart, options, &mut report);
    }
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

fn chart_state(options: &LintOptions) -> (&'static ChartState, String) {
    let from_flag = options.chart_version.as_deref();
    let from_chart_yaml = options
        .chart_yaml
        .as_deref()
        .and_then(oncall_version_from_chart_yaml);
    let requested = from_flag.map(str::to_owned).or(from_chart_yaml);
    match requested
        .as_deref()
        .and_then(|v| ChartState::for_version(v).map(|s| (v, s)))
    {
        Some((v, state)) => (
            state,
            format!("chart: oncall {v} (defaults of {})", state.version),
        ),
        None => (
            ChartState::latest(),
            format!(
                "chart: oncall {} (no chart version given; using the latest known)",
                chart::LATEST
            ),
        ),
    }
}

fn input_kind(doc: &Document) -> InputKind {
    let Some(root) = doc.root else {
        return InputKind::OncallValues;
    };
    let has_apps = doc
        .get(root, "apps")
        .is_some_and(|e| !doc.items(e.value).is_empty() || doc.scalar_text(e.value).is_none());
    let has_values_keys = [
        "grafana",
        "externalGrafana",
        "engine",
        "celery",
        "oncall",
        "base_url",
    ]
    .iter()
    .any(|k| doc.get(root, k).is_some());
    if has_apps && !has_values_keys {
        InputKind::Provisioning
    } else {
        InputKind::OncallValues
    }
}

fn lint_document(
    source: &Arc<SourceFile>,
    doc: Document,
    chart: &'static ChartState,
    options: &LintOptions,
    report: &mut FileReport,
) {
    let input = input_kind(&doc);
    report.notes.push(format!("input: {}", input.describe()));
    let values_root = match input {
        InputKind::Provisioning => Vec::new(),
        InputKind::OncallValues => {
            let (root, why) = values_root(&doc, chart, options);
            if let Some(root) = &root {
                report.notes.push(format!("values root: `{root}` ({why})"));
            }
            root.into_iter().collect()
        }
    };
    let release = match Release::build(
        chart,
        values_root,
        vec![(source.clone(), doc)],
        options.limits.max_alias_expansion,
    ) {
        Ok(release) => release,
        Err(err) => {
            report.diagnostics.push(invalid_yaml(
                source,
                err.error.offset,
                "helm",
                &err.error.message,
            ));
            return;
        }
    };
    let apps = provisioning::find(&release);
    let ctx = CheckContext {
        release: &release,
        input,
        options,
        provisioning: &apps,
    };
    for rule in rules::all() {
        let mut emitter = Emitter::new(rule, &mut report.diagnostics);
        (rule.check)(&ctx, &mut emitter);
    }
}

fn values_root(
    doc: &Document,
    chart: &'static ChartState,
    options: &LintOptions,
) -> (Option<String>, &'static str) {
    if let Some(root) = &options.values_root {
        let root = root.trim();
        return if root.is_empty() {
            (None, "")
        } else {
            (Some(root.to_owned()), "from --values-root")
        };
    }
    if let Some(root) = options
        .chart_yaml
        .as_deref()
        .and_then(values_root_from_chart_yaml)
    {
        return (Some(root), "from the oncall dependency in Chart.yaml");
    }
    match detect_values_root(doc, chart) {
        Some(root) => (
            Some(root),
            "detected: this key holds the oncall chart's values",
        ),
        None => (None, ""),
    }
}

/// An OC094 finding: the file is not YAML Helm can read.
pub fn invalid_yaml(
    source: &Arc<SourceFile>,
    offset: usize,
    key: &str,
    reason: &str,
) -> Diagnostic {
    let location = Location {
        file: source.clone(),
        span: offset..offset,
        key_path: String::new(),
    };
    match rules::find("OC094") {
        Some(rule) => build(rule, key, &json!({ "reason": reason }), location),
        None => Diagnostic {
            code: "OC094".into(),
            name: "invalid-yaml".into(),
            severity: crate::diagnostic::Severity::Error,
            message: reason.to_owned(),
            primary: location,
            label: None,
            related: Vec::new(),
            help: None,
        },
    }
}
