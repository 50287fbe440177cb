//! The finish stage: the user's rule selection, suppression comments (and OC095 for those
//! that suppress nothing), severity overrides, and the order findings are reported in.

use std::sync::Arc;

use super::FileReport;
use crate::options::LintOptions;
use crate::source::SourceFile;
use crate::yaml::Comment;

/// Applies the selection, suppressions and severities to the report's findings, and sorts
/// them by file and position.
pub(super) fn finish(
    report: &mut FileReport,
    files: &[(Arc<SourceFile>, Vec<Comment>)],
    options: &LintOptions,
) {
    let selection = &options.selection;
    report
        .diagnostics
        .retain(|d| selection.rule_enabled(d.code()));
    if !selection.no_ignores {
        for (source, comments) in files {
            crate::suppress::apply(&mut report.diagnostics, source, comments, &|code| {
                selection.rule_enabled(code)
            });
        }
    }
    for d in &mut report.diagnostics {
        if let Some(severity) = selection.severities.get(d.code()) {
            d.severity = *severity;
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
