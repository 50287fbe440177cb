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
        // lines break at spaces only: a key path, URL or image reference is never split (at
        // a `/`, a `-` or the width), so what a message quotes can be copied whole
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
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
            rendered = format!("{}: {}\n", diagnostic.code, printable(&diagnostic.message));
        }
        out.push_str(&rendered);
        if let Some(fix) = &diagnostic.fix {
            out.push_str(&format!(
                "  fix ({}): {}\n",
                fix.applicability.as_str(),
                printable(&fix.title)
            ));
            for line in crate::fix::diff::fix_preview(fix).lines() {
                out.push_str("    ");
                out.push_str(&printable(line));
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
        d.label.as_deref().map(printable),
        span(&d.primary.span),
    )];
    let mut help = printable(d.help.as_deref().unwrap_or_default().trim_end());
    for related in &d.related {
        if Arc::ptr_eq(&related.location.file, &d.primary.file) {
            labels.push(LabeledSpan::new_with_span(
                Some(printable(&related.message)),
                span(&related.location.span),
            ));
        } else {
            let at = related.location.start();
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!(
                "{}: {}:{}:{}",
                printable(&related.message),
                printable(related.location.file.path()),
                at.line,
                at.column
            ));
        }
    }
    let mut diagnostic = MietteDiagnostic::new(printable(&d.message))
        .with_code(format!("{} {}", d.code, d.name))
        .with_severity(severity)
        .with_labels(labels);
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help);
    }
    let source = NamedSource::new(
        printable(d.primary.file.path()),
        SourceText::new(d.primary.file.clone()),
    );
    miette::Report::new(diagnostic).with_source_code(source)
}

fn span(range: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(range.start.into(), range.end.saturating_sub(range.start))
}

/// A [`SourceFile`] as miette source code.
///
/// What miette prints is the file's text with terminal control characters made visible
/// (a values file can hold an ESC; echoing it would let the file drive the terminal), each
/// replaced by a printable character of the same byte length so that every span still
/// fits. Columns count characters, as in every other format (miette counts bytes).
struct SourceText {
    file: Arc<SourceFile>,
    /// The text to show, when it differs from the file's.
    shown: Option<Box<str>>,
}

impl SourceText {
    fn new(file: Arc<SourceFile>) -> Self {
        let shown = needs_cleaning(file.text()).then(|| same_length_printable(file.text()));
        SourceText { file, shown }
    }
}

impl SourceCode for SourceText {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.shown.as_deref().unwrap_or(self.file.text());
        let contents = text.read_span(span, before, after)?;
        let column = self.file.line_col(span.offset()).column - 1;
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

fn needs_cleaning(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' | '\n' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c if c.is_control() => return true,
            _ => {}
        }
    }
    false
}

/// The text with control characters replaced byte for byte: a lone `\r` (a YAML line
/// break) by `\n`, other one-byte controls by `?`, two-byte (C1) controls by `¿`.
fn same_length_printable(text: &str) -> Box<str> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' | '\n' => out.push(c),
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\r' => out.push('\n'),
            c if c.is_control() && c.len_utf8() == 1 => out.push('?'),
            c if c.is_control() => out.push('¿'),
            c => out.push(c),
        }
    }
    debug_assert_eq!(out.len(), text.len());
    out.into_boxed_str()
}

/// Text for a message, label or help: control characters other than line breaks and tabs
/// become U+FFFD, so user text quoted in a message cannot drive the terminal either.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_replaced_byte_for_byte() {
        let text = "a: \u{1b}[31m\r\nb: \u{9b}x\rc: \u{7f}\t|\n";
        assert!(needs_cleaning(text));
        let shown = same_length_printable(text);
        assert_eq!(&*shown, "a: ?[31m\r\nb: ¿x\nc: ?\t|\n");
        assert_eq!(shown.len(), text.len());
        assert!(!needs_cleaning("a: 1\r\nb:\t[é]\n"));
        assert_eq!(printable("x\u{1b}]0;t\u{7}\ny"), "x\u{FFFD}]0;t\u{FFFD}\ny");
    }
}
