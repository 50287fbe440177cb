//! The default human output: each finding as miette renders it, with the source line, a
//! label on the exact span, the help and the rule code; then a one-line summary.

use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};

use super::display::{escape_invisible, is_invisible};
use super::notice::{Notice, NoticeKind};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
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
    let diagnostics = super::display::diagnostics(diagnostics);
    let mut out = String::new();
    // each file's shown text, made once: looking at the whole file for each finding made
    // the report quadratic in a file with many findings
    let mut shown = ShownTexts::default();
    for diagnostic in diagnostics.iter() {
        let report = to_report(diagnostic, &mut shown);
        let mut rendered = String::new();
        if handler
            .render_report(&mut rendered, report.as_ref())
            .is_err()
        {
            rendered = format!(
                "{}: {}\n",
                diagnostic.code(),
                printable(&diagnostic.message)
            );
        }
        out.push_str(&rendered);
        if let Some(fix) = &diagnostic.fix {
            out.push_str(&format!(
                "  fix ({}): {}\n",
                fix.applicability.as_str(),
                printable(&fix.title)
            ));
            let shown_in = diagnostic.primary.file.path();
            for line in crate::fix::diff::fix_preview(fix, shown_in).lines() {
                out.push_str("    ");
                // a line of the file is shown as a message's line is: cut when long
                out.push_str(&printable(&super::display::text(line)));
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

/// `Found 3 problems (2 errors, 1 warning) in 2 files.` or `No problems found.`
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    summary_with(diagnostics, files, &[])
}

/// The summary line, saying how many files were skipped (and how to lint them) when some
/// were.
pub fn summary_with(diagnostics: &[Diagnostic], files: usize, notices: &[Notice]) -> String {
    let skipped = super::notice::skipped(notices);
    let linted = files.saturating_sub(skipped);
    let files_part = match skipped {
        0 => format!("{files} {}", plural(files, "file", "files")),
        _ => format!(
            "{linted} {} linted; {skipped} skipped as another chart's values ({})",
            plural(linted, "file", "files"),
            if skipped == 1 {
                "`--chart oncall` lints it as the oncall chart's"
            } else {
                "`--chart oncall` lints them as the oncall chart's"
            }
        ),
    };
    let files_part = match super::notice::skipped_releases(notices) {
        0 => files_part,
        n => format!(
            "{files_part}; {n} {} of other charts skipped",
            plural(n, "release", "releases")
        ),
    };
    if diagnostics.is_empty() {
        return format!("No problems found in {files_part}.\n");
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
        "Found {n} {} ({}) in {files_part}.\n",
        plural(n, "problem", "problems"),
        parts.join(", "),
    )
}

/// The notices as `note:` lines: of each kind the first ten (`verbose`: all), then how
/// many more.
pub fn notices(notices: &[Notice], verbose: bool) -> String {
    const MAX_LISTED: usize = 10;
    let mut out = String::new();
    let mut seen: Vec<(NoticeKind, usize)> = Vec::new();
    let mut unlisted: Vec<(NoticeKind, usize)> = Vec::new();
    for notice in notices {
        let before = match seen.iter_mut().find(|(k, _)| *k == notice.kind) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                seen.push((notice.kind, 1));
                0
            }
        };
        if before >= MAX_LISTED && !verbose {
            match unlisted.iter_mut().find(|(k, _)| *k == notice.kind) {
                Some((_, n)) => *n += 1,
                None => unlisted.push((notice.kind, 1)),
            }
            continue;
        }
        out.push_str(&format!(
            "note: {}\n",
            printable(&super::display::text(&notice.message))
        ));
    }
    for (kind, n) in unlisted {
        let what = match kind {
            NoticeKind::Skipped => "file(s) skipped as another chart's values",
            NoticeKind::InferredProfile => "file(s) with an inferred profile",
            NoticeKind::ManifestPartly => {
                "manifest(s) of which only plugin provisioning is checked"
            }
            NoticeKind::ReleaseSkipped => "release(s) of other charts skipped",
            _ => "notice(s)",
        };
        out.push_str(&format!("note: and {n} more {what} (-v lists them)\n"));
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The most lines of one label's span a snippet draws: a longer span is drawn as its
/// first line (the label still says where it starts), so a finding about a large mapping
/// is a few lines, not the mapping.
const MAX_SPAN_LINES: usize = 3;

/// The longest line (in bytes) a snippet draws. A finding on or beside a longer line is
/// shown without a snippet, its places given as `PATH:LINE:COL`: a 1 MiB line is not
/// echoed.
const MAX_SNIPPET_LINE_BYTES: usize = 500;

fn to_report(d: &Diagnostic, shown: &mut ShownTexts) -> miette::Report {
    let severity = match d.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    };
    let file = &d.primary.file;
    let same_file: Vec<&crate::diagnostic::Related> = d
        .related
        .iter()
        .filter(|r| Arc::ptr_eq(&r.location.file, file))
        .collect();
    // a snippet is drawn when every line it would show is short enough
    let draw = std::iter::once(&d.primary.span)
        .chain(same_file.iter().map(|r| &r.location.span))
        .all(|range| lines_fit(file, range));
    let mut labels = Vec::new();
    let mut help = printable(d.help.as_deref().unwrap_or_default().trim_end());
    let elsewhere = |help: &mut String, message: &str, location: &crate::diagnostic::Location| {
        let at = location.start();
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&format!(
            "{}: {}:{}:{}",
            printable(message),
            printable(location.file.path()),
            at.line,
            at.column
        ));
    };
    if draw {
        labels.push(LabeledSpan::new_primary_with_span(
            d.label.as_deref().map(printable),
            span(file, &d.primary.span),
        ));
    } else {
        let what = format!(
            "{} (a line over {MAX_SNIPPET_LINE_BYTES} bytes is not drawn)",
            d.label.as_deref().unwrap_or("here")
        );
        elsewhere(&mut help, &what, &d.primary);
    }
    for related in &d.related {
        if draw && Arc::ptr_eq(&related.location.file, file) {
            labels.push(LabeledSpan::new_with_span(
                Some(printable(&related.message)),
                span(file, &related.location.span),
            ));
        } else {
            elsewhere(&mut help, &related.message, &related.location);
        }
    }
    let mut diagnostic = MietteDiagnostic::new(printable(&d.message))
        .with_code(format!("{} {}", d.code(), d.name()))
        .with_severity(severity)
        .with_labels(labels);
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help);
    }
    if !draw {
        return miette::Report::new(diagnostic);
    }
    let source = NamedSource::new(printable(file.path()), shown.source(file));
    miette::Report::new(diagnostic).with_source_code(source)
}

/// Whether every line a snippet draws for `range` (its first [`MAX_SPAN_LINES`] lines and
/// a context line either side) is at most [`MAX_SNIPPET_LINE_BYTES`] long.
fn lines_fit(file: &SourceFile, range: &std::ops::Range<usize>) -> bool {
    let starts = file.line_starts();
    let len = file.text().len();
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset).max(1) - 1;
    let first = line_of(range.start.min(len)).saturating_sub(1);
    let last = line_of(range.end.saturating_sub(1).max(range.start).min(len))
        .min(line_of(range.start.min(len)) + MAX_SPAN_LINES - 1)
        .saturating_add(1);
    (first..=last).all(|line| {
        let from = starts.get(line).copied().unwrap_or(len);
        let to = starts.get(line + 1).copied().unwrap_or(len);
        to.saturating_sub(from) <= MAX_SNIPPET_LINE_BYTES
    })
}

/// The span miette draws for `range`: the range, or, when it covers more than
/// [`MAX_SPAN_LINES`] lines, its first line.
fn span(file: &SourceFile, range: &std::ops::Range<usize>) -> SourceSpan {
    let starts = file.line_starts();
    let line_of = |offset: usize| starts.partition_point(|s| *s <= offset).max(1) - 1;
    let first = line_of(range.start);
    let last = line_of(range.end.saturating_sub(1).max(range.start));
    let end = if last.saturating_sub(first) >= MAX_SPAN_LINES {
        // the end of the first line, before its line break
        let next = starts.get(first + 1).copied().unwrap_or(range.end);
        let text = file.text().as_bytes();
        let mut end = next.min(range.end);
        while end > range.start && matches!(text.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        end
    } else {
        range.end
    };
    SourceSpan::new(range.start.into(), end.saturating_sub(range.start))
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
    shown: Option<Arc<str>>,
}

impl SourceText {
    #[cfg(test)]
    fn new(file: Arc<SourceFile>) -> Self {
        let shown = shown_text(&file);
        SourceText { file, shown }
    }
}

/// The text to show of a file, when it differs from the file's.
fn shown_text(file: &SourceFile) -> Option<Arc<str>> {
    needs_cleaning(file.text()).then(|| Arc::from(same_length_printable(file.text())))
}

/// The shown text of each file a report has drawn from, by the file's address (the
/// findings of one run share their files).
#[derive(Default)]
struct ShownTexts {
    texts: std::collections::HashMap<*const SourceFile, Option<Arc<str>>>,
}

impl ShownTexts {
    fn source(&mut self, file: &Arc<SourceFile>) -> SourceText {
        let shown = self
            .texts
            .entry(Arc::as_ptr(file))
            .or_insert_with(|| shown_text(file))
            .clone();
        SourceText {
            file: file.clone(),
            shown,
        }
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
        let (window_start, lines_before, window) =
            window(text, self.file.line_starts(), span, before, after);
        let local = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let contents = window.as_bytes().read_span(&local, before, after)?;
        let column = self.file.line_col(span.offset()).column - 1;
        let found = *contents.span();
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            SourceSpan::new((found.offset() + window_start).into(), found.len()),
            contents.line() + lines_before,
            column,
            // the lines the contents cover: miette's own count is of every line from the
            // top of the text to the end of the contents, and miette merges two labels'
            // snippets when one's first line plus the other's count reaches it, which drew
            // every line between two labels in the second half of a file
            contents.line_count().saturating_sub(contents.line()),
        )))
    }
}

/// The part of `text` that miette's reading of `span` with its context lines looks at:
/// from the first context line to a line past the last, as (its start, the lines before
/// it, the part). miette counts lines from the top of what it is given, so reading the
/// whole text for each finding cost the size of the file every time; the part gives the
/// same contents once its start and line count are added back. The whole text when the
/// span is not inside it (miette's error is then the same).
fn window<'t>(
    text: &'t str,
    line_starts: &[usize],
    span: &SourceSpan,
    before: usize,
    after: usize,
) -> (usize, usize, &'t str) {
    let start = span.offset();
    let end = start.saturating_add(span.len());
    if end > text.len() || line_starts.first() != Some(&0) {
        return (0, 0, text);
    }
    // 0-based lines of the span's first and last byte; miette looks at the line before an
    // empty span too, and one line more costs nothing
    let line_of = |offset: usize| line_starts.partition_point(|s| *s <= offset).max(1) - 1;
    let first = line_of(start.min(end.saturating_sub(1))).saturating_sub(before.saturating_add(1));
    let last = line_of(end.saturating_sub(1).max(start));
    let from = line_starts[first];
    // two lines past the context: miette stops reading after its last context line
    let to = line_starts
        .get(last.saturating_add(after).saturating_add(2))
        .copied()
        .unwrap_or(text.len());
    match text.get(from..to) {
        Some(part) if from <= start => (from, first, part),
        _ => (0, 0, text),
    }
}

fn needs_cleaning(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' | '\n' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c if c.is_control() || is_invisible(c) => return true,
            _ => {}
        }
    }
    false
}

/// The text with control characters replaced byte for byte: a lone `\r` (a YAML line
/// break) by `\n`, other one-byte controls by `?`, two-byte (C1) controls by `¿`; and
/// invisible characters (bidi overrides, zero-width characters: [`is_invisible`]) by U+FFFD
/// (three bytes) or `¿` (two), so a line drawn from the file cannot display as another.
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
            // an invisible character of two or three bytes (none is longer)
            c if is_invisible(c) && c.len_utf8() == 3 => out.push('\u{FFFD}'),
            c if is_invisible(c) => out.push('¿'),
            c => out.push(c),
        }
    }
    debug_assert_eq!(out.len(), text.len());
    out.into_boxed_str()
}

/// Text for a message, label, help or file name: control characters other than line
/// breaks and tabs become U+FFFD, so user text quoted in a message cannot drive the terminal
/// either, and invisible characters are escaped ([`escape_invisible`]).
fn printable(text: &str) -> String {
    let text = escape_invisible(text);
    // no control character (C0, DEL, or C1, whose UTF-8 starts with 0xC2): nothing to replace
    if text
        .bytes()
        .all(|b| (b >= 0x20 && b != 0x7f && b != 0xc2) || b == b'\n' || b == b'\t')
    {
        return text.into_owned();
    }
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
        assert_eq!(printable("a\u{85}b £ é\tc"), "a\u{FFFD}b £ é\tc");
        assert_eq!(printable("plain `text`\n"), "plain `text`\n");
    }

    /// Reading a span from its part of the text gives what miette gives from the whole text,
    /// for every span of texts with each kind of line break, context or not.
    #[test]
    fn spans_read_from_their_part_read_as_from_the_whole_text() {
        let texts = [
            "a: 1\nb:\n  c: 2\n\n  d: [x, y]\ne: 5\n",
            "a: 1\r\nb:\r\n  c: 2\r\n\r\nd: 4",
            "a: 1\rb: 2\rc: 3\r",
            "one line, no break",
            "\n\n\nx\n",
            "",
        ];
        let mut compared = 0;
        for text in texts {
            let source = SourceText::new(Arc::new(SourceFile::new("v.yaml", text)));
            let shown = source.shown.as_deref().unwrap_or(text).to_owned();
            for start in 0..=text.len() {
                for len in 0..=(text.len() - start).min(12) {
                    for (before, after) in [(0, 0), (1, 1), (2, 3), (0, 2)] {
                        let span = SourceSpan::new(start.into(), len);
                        let ours = source.read_span(&span, before, after);
                        let theirs = shown.as_str().read_span(&span, before, after);
                        match (ours, theirs) {
                            (Ok(ours), Ok(theirs)) => {
                                let what = format!("{text:?} {start}+{len} ({before}, {after})");
                                assert_eq!(ours.data(), theirs.data(), "{what}");
                                assert_eq!(ours.span(), theirs.span(), "{what}");
                                assert_eq!(ours.line(), theirs.line(), "{what}");
                                assert_eq!(
                                    ours.line_count(),
                                    theirs.line_count() - theirs.line(),
                                    "{what}"
                                );
                                compared += 1;
                            }
                            (Err(_), Err(_)) => {}
                            (ours, theirs) => panic!(
                                "{text:?} {start}+{len}: {:?} vs {:?}",
                                ours.is_ok(),
                                theirs.is_ok()
                            ),
                        }
                    }
                }
            }
        }
        assert!(compared > 1_000, "only {compared} spans compared");
    }
}
