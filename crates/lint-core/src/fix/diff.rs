//! Unified diffs of fixes, for `--diff` and for the patch shown under a finding.

use similar::TextDiff;

use crate::diagnostic::Fix;

/// A unified diff from `old` to `new`, with `a/` and `b/` headers; empty when equal.
pub fn unified(path: &str, old: &str, new: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(
            &format!("a/{}", path.trim_start_matches('/')),
            &format!("b/{}", path.trim_start_matches('/')),
        )
        .missing_newline_hint(false)
        .to_string()
}

/// The lines one fix changes, as a diff without headers (`@@` hunks, no context).
pub fn fix_preview(fix: &Fix) -> String {
    let mut out = String::new();
    let mut files: Vec<_> = fix.edits.iter().map(|e| e.file.clone()).collect();
    files.dedup_by(|a, b| std::sync::Arc::ptr_eq(a, b));
    for file in files {
        let mut edits: Vec<_> = fix
            .edits
            .iter()
            .filter(|e| std::sync::Arc::ptr_eq(&e.file, &file))
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut new = file.text().to_owned();
        for edit in edits {
            if edit.range.end <= new.len()
                && new.is_char_boundary(edit.range.start)
                && new.is_char_boundary(edit.range.end)
            {
                new.replace_range(edit.range.clone(), &edit.replacement);
            }
        }
        let diff = unified(file.path(), file.text(), &new, 0);
        for line in diff.lines().skip(2) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
