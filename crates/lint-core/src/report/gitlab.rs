//! `--format gitlab`: a GitLab Code Quality report (the Code Climate subset GitLab reads),
//! for `artifacts: reports: codequality:`.
//!
//! A JSON array with one object per finding: `description` (the message), `check_name` (the
//! rule code), `fingerprint`, `severity`, and `location.path` with `location.lines.begin`
//! (and `end`, the line of the span's last character). Severity: error → `major`, warning →
//! `minor`, info → `info` (GitLab's scale is info < minor < major < critical < blocker;
//! `critical` and `blocker` are left for security scanners, as other linters do). The
//! fingerprint is the one SARIF uses ([`crate::report::sarif::fingerprints`]): rule, file and
//! key path, no line numbers, with an occurrence index when two findings would collide, so
//! GitLab can tell which findings a merge request introduced or fixed.

use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;
use crate::report::sarif::{fingerprints, normalize_path};
use crate::rules::Severity;

/// Renders findings as a pretty-printed Code Quality JSON array (with a trailing newline).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = serde_json::to_string_pretty(&to_value(diagnostics))
        .expect("a JSON value always serializes");
    out.push('\n');
    super::display::json_escape_invisible(out)
}

/// The report as a JSON value.
pub fn to_value(diagnostics: &[Diagnostic]) -> Value {
    let diagnostics = super::display::diagnostics(diagnostics);
    diagnostics
        .iter()
        .zip(fingerprints(&diagnostics))
        .map(|(d, fingerprint)| {
            let file = &d.primary.file;
            let span = &d.primary.span;
            let begin = file.line_col(span.start).line;
            // the line of the span's last character (a span that ends with its line break
            // ends on that line, not the next)
            let end = if span.end > span.start {
                file.line_col(span.end - 1).line
            } else {
                begin
            };
            let mut issue = json!({
                "type": "issue",
                "description": d.message,
                "check_name": d.code(),
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "categories": ["Bug Risk"],
                "location": {
                    "path": normalize_path(d.primary.file.path()),
                    "lines": { "begin": begin, "end": end.max(begin) },
                },
            });
            if let Some(help) = &d.help {
                issue["content"] = json!({ "body": help });
            }
            issue
        })
        .collect()
}

/// GitLab's severity for ours.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}
