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

/// The files a fix edits other than `shown_in` (the path of the file its finding points
/// at), each once, in the order of the edits.
pub fn other_files<'f>(fix: &'f Fix, shown_in: &str) -> Vec<&'f str> {
    let mut out: Vec<&str> = Vec::new();
    for edit in &fix.edits {
        let path = edit.file.path();
        if path != shown_in && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// The lines one fix changes, as `@@` hunks without context (numbered as in the whole
/// file), for a finding in the file `shown_in`.
///
/// Hunks alone are read as changes to the finding's file; when the fix edits another file
/// (a default restored in the last `-f` file, the ConfigMap a manifest reads its values
/// from), each file's hunks follow a `--- a/PATH` / `+++ b/PATH` header that names it.
///
/// Only the lines the edits touch are diffed: a finding's preview costs what its fix
/// changes, not what the file holds.
pub fn fix_preview(fix: &Fix, shown_in: &str) -> String {
    let headers = !other_files(fix, shown_in).is_empty();
    let mut out = String::new();
    let mut files: Vec<&std::sync::Arc<crate::source::SourceFile>> = Vec::new();
    for edit in &fix.edits {
        if !files.iter().any(|f| std::sync::Arc::ptr_eq(f, &edit.file)) {
            files.push(&edit.file);
        }
    }
    for file in files {
        let text = file.text();
        let mut edits: Vec<_> = fix
            .edits
            .iter()
            .filter(|e| std::sync::Arc::ptr_eq(&e.file, file))
            .filter(|e| {
                e.range.start <= e.range.end
                    && e.range.end <= text.len()
                    && text.is_char_boundary(e.range.start)
                    && text.is_char_boundary(e.range.end)
            })
            .collect();
        let (Some(low), Some(high)) = (
            edits.iter().map(|e| e.range.start).min(),
            edits.iter().map(|e| e.range.end).max(),
        ) else {
            continue;
        };
        // the whole lines the edits touch
        let start = text[..low].rfind('\n').map_or(0, |i| i + 1);
        let end = text[high..].find('\n').map_or(text.len(), |i| high + i + 1);
        let lines_before = text[..start].bytes().filter(|b| *b == b'\n').count();
        let old = &text[start..end];
        let mut new = old.to_owned();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for edit in edits {
            new.replace_range(
                edit.range.start - start..edit.range.end - start,
                &edit.replacement,
            );
        }
        let diff = unified(file.path(), old, &new, 0);
        for line in diff.lines().skip(if headers { 0 } else { 2 }) {
            match shift_hunk_header(line, lines_before) {
                Some(header) => out.push_str(&header),
                None => out.push_str(line),
            }
            out.push('\n');
        }
    }
    out
}

/// A hunk header `@@ -a[,b] +c[,d] @@` with both starts moved down by `lines` lines;
/// `None` for any other line.
fn shift_hunk_header(line: &str, lines: usize) -> Option<String> {
    let inner = line.strip_prefix("@@ -")?.strip_suffix(" @@")?;
    let (old, new) = inner.split_once(" +")?;
    let shift = |range: &str| -> Option<String> {
        let (first, count) = match range.split_once(',') {
            Some((first, count)) => (first, Some(count)),
            None => (range, None),
        };
        let first: usize = first.parse().ok()?;
        Some(match count {
            Some(count) => format!("{},{count}", first + lines),
            None => (first + lines).to_string(),
        })
    };
    Some(format!("@@ -{} +{} @@", shift(old)?, shift(new)?))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Applicability, Edit};
    use crate::source::SourceFile;

    fn preview(text: &str, edits: &[(std::ops::Range<usize>, &str)]) -> String {
        let file = Arc::new(SourceFile::new("values.yaml", text.to_owned()));
        let fix = Fix {
            title: "t".into(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|(range, replacement)| Edit {
                    file: Arc::clone(&file),
                    range: range.clone(),
                    replacement: (*replacement).to_owned(),
                })
                .collect(),
            targets: Vec::new(),
        };
        fix_preview(&fix, "values.yaml")
    }

    fn edit(file: &Arc<SourceFile>, range: std::ops::Range<usize>, replacement: &str) -> Edit {
        Edit {
            file: Arc::clone(file),
            range,
            replacement: replacement.to_owned(),
        }
    }

    /// A fix that edits another file than its finding's names each file it edits; one that
    /// edits only the finding's file shows hunks alone.
    #[test]
    fn a_preview_names_the_files_when_the_fix_edits_another() {
        let base = Arc::new(SourceFile::new("base.yaml", "a: 1\nb: 2\n".to_owned()));
        let prod = Arc::new(SourceFile::new("deploy/prod.yaml", "c: 3\n".to_owned()));
        let fix = |edits: Vec<Edit>| Fix {
            title: "t".into(),
            applicability: Applicability::Safe,
            edits,
            targets: Vec::new(),
        };
        let elsewhere = fix(vec![edit(&prod, 5..5, "d: 4\n")]);
        assert_eq!(other_files(&elsewhere, "base.yaml"), ["deploy/prod.yaml"]);
        assert_eq!(
            fix_preview(&elsewhere, "base.yaml"),
            "--- a/deploy/prod.yaml\n+++ b/deploy/prod.yaml\n@@ -1,0 +2 @@\n+d: 4\n"
        );
        assert_eq!(
            fix_preview(&elsewhere, "deploy/prod.yaml"),
            "@@ -1,0 +2 @@\n+d: 4\n"
        );
        // both files, their edits interleaved: each file once, under its own header
        let both = fix(vec![
            edit(&base, 3..4, "10"),
            edit(&prod, 3..4, "30"),
            edit(&base, 8..9, "20"),
        ]);
        assert_eq!(other_files(&both, "base.yaml"), ["deploy/prod.yaml"]);
        assert_eq!(
            fix_preview(&both, "base.yaml"),
            "--- a/base.yaml\n+++ b/base.yaml\n@@ -1,2 +1,2 @@\n-a: 1\n-b: 2\n+a: 10\n+b: 20\n\
             --- a/deploy/prod.yaml\n+++ b/deploy/prod.yaml\n@@ -1 +1 @@\n-c: 3\n+c: 30\n"
        );
    }

    /// The preview of the lines an edit touches is the whole file's diff without headers.
    #[test]
    fn the_preview_is_the_whole_files_diff_of_the_touched_lines() {
        let text = "a: 1\nb:\n  c: 2\n  d: 3\ne: 4\nf: 5\n";
        let cases: [&[(std::ops::Range<usize>, &str)]; 6] = [
            // a value replaced
            &[(13..14, "20")],
            // a line inserted after `d: 3`
            &[(22..22, "  x: 9\n")],
            // a line removed
            &[(5..15, "b: {}\n")],
            // two edits lines apart
            &[(3..4, "10"), (30..31, "40")],
            // the first line; the last line, its newline dropped
            &[(0..1, "z")],
            &[(27..32, "f: 6")],
        ];
        for edits in cases {
            let mut new = text.to_owned();
            let mut sorted = edits.to_vec();
            sorted.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
            for (range, replacement) in sorted {
                new.replace_range(range, replacement);
            }
            let whole: String = unified("values.yaml", text, &new, 0)
                .lines()
                .skip(2)
                .map(|l| format!("{l}\n"))
                .collect();
            assert!(!whole.is_empty(), "{edits:?}");
            assert_eq!(preview(text, edits), whole, "{edits:?}");
        }
        // an edit past the end of the text is left out, as the fix compiler never makes one
        assert_eq!(preview(text, &[(100..101, "x")]), "");
    }
}
