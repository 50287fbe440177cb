//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on
//! the lines of a pull request, and a markdown table for `$GITHUB_STEP_SUMMARY`.
//!
//! One line per finding:
//!
//! ```text
//! ::error file=F,line=L,col=C,endLine=E,endColumn=EC,title=CODE name::MESSAGE%0Ahelp: HELP
//! ```
//!
//! `error` / `warning` / `notice` follow the severity (error / warning / info). Lines and
//! columns are 1-based; `col` and `endColumn` are written only when the span is on one line
//! (GitHub drops them otherwise). The message is escaped as `@actions/core` escapes data
//! (`%`, CR, LF) and property values as it escapes properties (also `:` and `,`). Errors
//! come first: GitHub shows only the first few annotations of a step, and the rest only in
//! the log, which is why the summary table exists.

use super::notice::Notice;
use crate::diagnostic::Diagnostic;
use crate::report::sarif::normalize_path;
use crate::report::text;
use crate::rules::Severity;

/// At most this many rows in the step summary table; the rest are counted.
pub const SUMMARY_MAX_ROWS: usize = 500;

/// Renders findings as workflow commands, one per line, errors first (otherwise in the
/// order given).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    render_with(diagnostics, &[])
}

/// The annotations of the findings, then a `::notice` for each of the run's notices (a
/// skipped file annotated on the file).
pub fn render_with(diagnostics: &[Diagnostic], notices: &[Notice]) -> String {
    let mut out = findings(diagnostics);
    for n in notices {
        let file = n
            .file
            .as_ref()
            .map(|f| format!(" file={}", escape_property(&normalize_path(f))))
            .unwrap_or_default();
        out.push_str(&format!(
            "::notice{file},title=oncall-lint::{}\n",
            escape_data(&printable(&super::display::text(&n.message)))
        ));
    }
    out
}

fn findings(diagnostics: &[Diagnostic]) -> String {
    let diagnostics = super::display::diagnostics(diagnostics);
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let mut out = String::new();
    for d in ordered {
        out.push_str(&annotation(d));
        out.push('\n');
    }
    out
}

fn annotation(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    let path = d.primary.file.path();
    // A pseudo-file such as `<--set>` is not in the repository: annotate the run instead.
    if !path.starts_with('<') {
        let file = &d.primary.file;
        let span = &d.primary.span;
        let start = file.line_col(span.start);
        let end = file.line_col(trim_trailing_newline(file.text(), span.start, span.end));
        properties.push(("file", normalize_path(path)));
        properties.push(("line", start.line.to_string()));
        if start.line == end.line {
            properties.push(("col", start.column.to_string()));
        }
        properties.push(("endLine", end.line.to_string()));
        if start.line == end.line {
            properties.push(("endColumn", end.column.to_string()));
        }
    }
    properties.push(("title", format!("{} {}", d.code(), d.name())));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&printable(&value))))
        .collect();
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help.trim_end());
    }
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&printable(&message))
    )
}

/// A span that ends with its line break (`\n`, `\r\n` or a lone `\r`) ends, for GitHub,
/// at the end of its last line.
fn trim_trailing_newline(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = end.min(bytes.len());
    if end > start && bytes[end - 1] == b'\n' {
        end -= 1;
    }
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

/// Control characters other than tab and line breaks become U+FFFD, so a value quoted from
/// a values file cannot drive the terminal that shows the log; invisible characters (a file
/// name's bidi override) are escaped as in messages.
fn printable(text: &str) -> String {
    super::display::escape_invisible(text)
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Escapes a command's message as `@actions/core` does: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value as `@actions/core` does: `%`, CR, LF, `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A markdown summary for `$GITHUB_STEP_SUMMARY`: a heading, the one-line count, and a
/// table of findings (errors first, at most [`SUMMARY_MAX_ROWS`] rows).
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    summary_with(diagnostics, files, &[])
}

/// The job summary, its first line saying what was skipped, then the run's notices.
pub fn summary_with(diagnostics: &[Diagnostic], files: usize, notices: &[Notice]) -> String {
    let mut out = summary_table(diagnostics, files, notices);
    if !notices.is_empty() {
        out.push('\n');
        for n in notices {
            out.push_str(&format!("> {}\n", cell(&n.message)));
        }
    }
    out
}

fn summary_table(diagnostics: &[Diagnostic], files: usize, notices: &[Notice]) -> String {
    let mut out = String::from("## oncall-lint\n\n");
    out.push_str(&text::summary_with(diagnostics, files, notices));
    if diagnostics.is_empty() {
        return out;
    }
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    out.push_str("\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
    for d in ordered.iter().take(SUMMARY_MAX_ROWS) {
        let at = d.primary.start();
        let location = format!(
            "{}:{}:{}",
            normalize_path(d.primary.file.path()),
            at.line,
            at.column
        );
        out.push_str(&format!(
            "| {} | {} {} | {} | {} |\n",
            d.severity,
            d.code(),
            cell(d.name()),
            code_cell(&location),
            cell(&d.message)
        ));
    }
    if ordered.len() > SUMMARY_MAX_ROWS {
        out.push_str(&format!(
            "\n…and {} more; see the job log.\n",
            ordered.len() - SUMMARY_MAX_ROWS
        ));
    }
    out
}

/// Table cell text from a message: `|` escaped, line breaks as `<br>`, and outside code
/// spans the characters HTML would swallow escaped (GitHub renders the summary as markdown
/// with HTML; inside a code span `<` is shown as written).
fn cell(text: &str) -> String {
    let text = printable(text).replace("\r\n", "\n");
    let parts: Vec<&str> = text.split('`').collect();
    // An odd number of backticks leaves one unpaired: render the whole text as plain text.
    let balanced = parts.len() % 2 == 1;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('`');
        }
        let in_code = balanced && i % 2 == 1;
        let part = part.replace('|', "\\|");
        if in_code {
            out.push_str(&part.replace(['\n', '\r'], " "));
        } else {
            out.push_str(
                &part
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace(['\n', '\r'], "<br>"),
            );
        }
    }
    out
}

/// A cell holding a path in a code span (`|` still has to be escaped inside it).
fn code_cell(text: &str) -> String {
    let text = printable(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
