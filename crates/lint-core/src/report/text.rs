//! The default human output: each finding as miette renders it, with the source line, a
//! label on the exact span, the help and the rule code; then a one-line summary.

use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Renders findings for a terminal (`color`) or a plain log.
pub fn render(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = to_report(diagnostic);
        let mut rendered = String::new();
        if handler
            .render_report(&mut rendered, report.as_ref())
            .is_err()
        {
            rendered = format!("{}: {}\n", diagnostic.code, diagnostic.message);
        }
        out.push_str(&rendered);
        if let Some(fix) = &diagnostic.fix {
            out.push_str(&format!(
                "  fix ({}): {}\n",
                fix.applicability.as_str(),
                fix.title
            ));
            for line in crate::fix::diff::fix_preview(fix).lines() {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

/// `Found 3 problems (2 errors, 1 warning) in 2 files.` or `No problems found.`
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    if diagnostics.is_empty() {
        return format!(
            "No problems found in {} {}.\n",
            files,
            plural(files, "file", "files")
        );
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let mut parts = Vec::new();
    for (severity, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        let n = count(severity);
        if n > 0 {
            parts.push(format!("{n} {}", plural(n, one, many)));
        }
    }
    let n = diagnostics.len();
    format!(
        "Found {n} {} ({}) in {files} {}.\n",
        plural(n, "problem", "problems"),
        parts.join(", "),
        plural(files, "file", "files")
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn to_report(d: &Diagnostic) -> miette::Report {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        d.label.clone(),
        span(&d.primary.span),
    )];
    let mut help = d.help.as_deref().unwrap_or_default().trim_end().to_owned();
    for related in &d.related {
        if Arc::ptr_eq(&related.location.file, &d.primary.file) {
            labels.push(LabeledSpan::new_with_span(
                Some(related.message.clone()),
                span(&related.location.span),
            ));
        } else {
            let at = related.location.start();
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!(
                "{}: {}:{}:{}",
                related.message,
                related.location.file.path(),
                at.line,
                at.column
            ));
        }
    }
    let mut diagnostic = MietteDiagnostic::new(d.message.clone())
        .with_code(format!("{} {}", d.code, d.name))
        .with_severity(severity)
        .with_labels(labels);
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help);
    }
    let source = NamedSource::new(d.primary.file.path(), SourceText(d.primary.file.clone()));
    miette::Report::new(diagnostic).with_source_code(source)
}

fn span(range: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(range.start.into(), range.end.saturating_sub(range.start))
}

/// A [`SourceFile`] as miette source code.
struct SourceText(Arc<SourceFile>);

impl SourceCode for SourceText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.0.text();
        let contents = text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        )))
    }
}
