//! `--format json`: every finding with everything the library knows about it, in a
//! versioned document. The format is documented field by field in `docs/json-output.md`;
//! a change that removes or renames a field, or changes what one means, bumps
//! [`SCHEMA_VERSION`].
//!
//! Lines and columns are 1-based; columns count Unicode characters (as the text and
//! concise formats do). Byte offsets are given for fix edits, so a tool can apply them
//! without recomputing anything.

use serde_json::{Value, json};

use super::notice::Notice;
use crate::diagnostic::{Diagnostic, Edit, Fix, Location, Related};
use crate::rules::Severity;
use crate::source::LineCol;

/// The version of the document's shape. Readers should check it.
pub const SCHEMA_VERSION: u32 = 1;

/// Renders findings as a pretty-printed JSON document (with a trailing newline).
/// `files` is the number of files that were linted (for the summary).
pub fn render(diagnostics: &[Diagnostic], files: usize) -> String {
    render_with(diagnostics, files, &[])
}

/// Renders findings and the run's notices (inputs skipped, profiles inferred, chart
/// version assumed) as a pretty-printed JSON document.
pub fn render_with(diagnostics: &[Diagnostic], files: usize, notices: &[Notice]) -> String {
    let mut out = serde_json::to_string_pretty(&to_value_with(diagnostics, files, notices))
        .expect("a JSON value always serializes");
    out.push('\n');
    super::display::json_escape_invisible(out)
}

/// The document as a JSON value.
pub fn to_value(diagnostics: &[Diagnostic], files: usize) -> Value {
    to_value_with(diagnostics, files, &[])
}

/// The document, with the run's notices, as a JSON value.
pub fn to_value_with(diagnostics: &[Diagnostic], files: usize, notices: &[Notice]) -> Value {
    let diagnostics = super::display::diagnostics(diagnostics);
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    json!({
        "tool": "oncall-lint",
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": SCHEMA_VERSION,
        "diagnostics": diagnostics.iter().map(diagnostic).collect::<Vec<_>>(),
        "notices": notices.iter().map(notice).collect::<Vec<_>>(),
        "summary": {
            "skipped": super::notice::skipped(notices),
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "infos": count(Severity::Info),
            "files": files,
        },
    })
}

fn diagnostic(d: &Diagnostic) -> Value {
    json!({
        "code": d.code(),
        "name": d.name(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": d.primary.file.path(),
        "key_path": d.primary.key_path,
        "start": line_col(d.primary.start()),
        "end": line_col(d.primary.end()),
        "help": d.help,
        "label": d.label,
        "related": d.related.iter().map(related).collect::<Vec<_>>(),
        "fix": d.fix.as_ref().map(fix),
    })
}

fn notice(n: &Notice) -> Value {
    json!({
        "kind": n.kind.as_str(),
        "file": n.file,
        "message": super::display::text(&n.message),
    })
}

fn related(r: &Related) -> Value {
    let Related { location, message } = r;
    let Location { file, key_path, .. } = location;
    json!({
        "message": message,
        "file": file.path(),
        "key_path": key_path,
        "start": line_col(location.start()),
        "end": line_col(location.end()),
    })
}

fn fix(f: &Fix) -> Value {
    json!({
        "title": f.title,
        "applicability": f.applicability.as_str(),
        "edits": f.edits.iter().map(edit).collect::<Vec<_>>(),
    })
}

fn edit(e: &Edit) -> Value {
    let len = e.file.text().len();
    let start = e.range.start.min(len);
    let end = e.range.end.clamp(start, len);
    json!({
        "file": e.file.path(),
        "start": line_col(e.file.line_col(start)),
        "end": line_col(e.file.line_col(end)),
        "start_offset": start,
        "end_offset": end,
        "replacement": e.replacement,
    })
}

fn line_col(at: LineCol) -> Value {
    json!({ "line": at.line, "column": at.column })
}
