//! Applying fixes: collect a release's fixes, take the ones that do not overlap, apply them,
//! re-parse and re-lint, and keep a fix only if the result parses, its finding is gone, and
//! no effective value changed that it did not target. Loops to a bound, since one fix can
//! make room for another. A batch whose result has a new finding on a value one of its fixes
//! writes is applied one fix at a time instead: fixes built on the same text can disagree.

use std::collections::HashSet;

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::rules::RuleCode;

use crate::path::Seg;

/// How many lint–fix rounds run at most. A batch whose fixes disagree falls back to one fix
/// a round, so a file with many fixes needs many rounds; each round is one lint of the
/// release, and a fix that fails is never tried again, so the loop ends well before this.
pub const MAX_ROUNDS: usize = 64;

/// A file's path and its current text (without a BOM).
pub type FileText = (String, String);

/// What the fix loop reads of a lint of the fixed texts.
pub trait Relint {
    /// The findings (with their fixes).
    fn diagnostics(&self) -> &[Diagnostic];
    /// Each release's effective values, to check that a fix changed only what it meant to.
    fn effective(&self) -> &[serde_json::Value];
}

/// What applying fixes did.
#[derive(Debug)]
pub struct FixOutcome<R> {
    /// Every file with its text after the fixes (unchanged files included).
    pub texts: Vec<FileText>,
    /// One line per applied fix: `path: CODE title`.
    pub applied: Vec<String>,
    /// Fixes that were dropped, and why.
    pub notes: Vec<String>,
    /// The lint of the final texts.
    pub report: R,
}

/// Applies every fix at or above `threshold` (never display-only ones). `lint` lints the
/// release made of the given texts, with its effective values.
pub fn run<R: Relint>(
    files: Vec<FileText>,
    threshold: Applicability,
    lint: &dyn Fn(&[FileText]) -> R,
) -> FixOutcome<R> {
    let threshold = threshold.max(Applicability::Unsafe);
    let mut current = files;
    let mut applied = Vec::new();
    let mut notes = Vec::new();
    let mut failed: HashSet<String> = HashSet::new();
    let mut report = lint(&current);
    for _ in 0..MAX_ROUNDS {
        let candidates: Vec<&Diagnostic> = report
            .diagnostics()
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability >= threshold && !f.edits.is_empty())
            })
            .filter(|d| !failed.contains(&identity(d)))
            .filter(|d| {
                d.fix.as_ref().is_some_and(|f| {
                    f.edits
                        .iter()
                        .all(|e| current.iter().any(|(p, _)| p == e.file.path()))
                })
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        let batch = non_overlapping(&candidates);
        let batch_texts = apply_all(&current, &batch);
        let after = lint(&batch_texts);
        if batch.iter().all(|d| verify(&report, &after, d, &batch))
            && (batch.len() == 1 || !new_finding_at_targets(&report, &after, &batch))
        {
            for d in &batch {
                applied.push(describe(d));
            }
            current = batch_texts;
            report = after;
            continue;
        }
        // something in the batch went wrong: one at a time, each checked on its own
        let mut progressed = false;
        for d in batch {
            let texts = apply_all(&current, &[d]);
            let after = lint(&texts);
            if verify(&report, &after, d, &[d]) {
                applied.push(describe(d));
                current = texts;
                report = after;
                progressed = true;
                break;
            }
            failed.insert(identity(d));
            notes.push(format!(
                "{}: fix for {} dropped: {}",
                d.primary.file.path(),
                d.code(),
                why_failed(&report, &after, d)
            ));
        }
        if !progressed && failed.len() > 10_000 {
            break;
        }
    }
    FixOutcome {
        texts: current,
        applied,
        notes,
        report,
    }
}

fn identity(d: &Diagnostic) -> String {
    format!(
        "{}\0{}\0{}\0{}",
        d.code(),
        d.primary.file.path(),
        d.primary.key_path,
        d.message
    )
}

/// Whether `after` has a finding `before` did not, at a value a fix of the batch writes.
/// The fixes of one batch were each built on the text before it: two may disagree (one
/// removes `grafana.namespaceOverride`, another writes a URL with that namespace), and a
/// new finding on what one of them wrote is the sign; the batch is then applied one fix at
/// a time, each built on the text the previous one left.
fn new_finding_at_targets(
    before: &impl Relint,
    after: &impl Relint,
    batch: &[&Diagnostic],
) -> bool {
    let known: HashSet<String> = before.diagnostics().iter().map(identity).collect();
    let targets: Vec<&Vec<Seg>> = batch
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.targets.iter())
        .collect();
    after.diagnostics().iter().any(|d| {
        let segs = d.primary.key_path.segs();
        !known.contains(&identity(d))
            // targets are chart-relative; a path in an umbrella's values has a prefix
            && targets.iter().any(|t| {
                !t.is_empty() && (0..segs.len()).any(|k| segs[k..].starts_with(t))
            })
    })
}

fn describe(d: &Diagnostic) -> String {
    let title = d.fix.as_ref().map_or("", |f| f.title.as_str());
    format!("{}: {} {}", d.primary.file.path(), d.code(), title)
}

fn non_overlapping<'a>(candidates: &[&'a Diagnostic]) -> Vec<&'a Diagnostic> {
    let mut taken: Vec<&Diagnostic> = Vec::new();
    let mut used: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut sorted = candidates.to_vec();
    sorted.sort_by_key(|d| {
        d.fix.as_ref().and_then(|f| {
            f.edits
                .first()
                .map(|e| (e.file.path().to_owned(), e.range.start))
        })
    });
    for d in sorted {
        let Some(fix) = &d.fix else { continue };
        let clashes = fix.edits.iter().any(|e| {
            used.iter().any(|(p, r)| {
                p == e.file.path()
                    && (r.start < e.range.end && e.range.start < r.end || r.start == e.range.start)
            })
        });
        if clashes {
            continue;
        }
        used.extend(
            fix.edits
                .iter()
                .map(|e| (e.file.path().to_owned(), e.range.clone())),
        );
        taken.push(d);
    }
    taken
}

/// Applies the fixes' edits to the texts (edits within one file never overlap).
fn apply_all(texts: &[FileText], fixes: &[&Diagnostic]) -> Vec<FileText> {
    texts
        .iter()
        .map(|(path, text)| {
            let mut edits: Vec<_> = fixes
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .flat_map(|f| f.edits.iter())
                .filter(|e| e.file.path() == path)
                .collect();
            edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
            let mut out = text.clone();
            for edit in edits {
                if edit.range.end <= out.len()
                    && out.is_char_boundary(edit.range.start)
                    && out.is_char_boundary(edit.range.end)
                {
                    out.replace_range(edit.range.clone(), &edit.replacement);
                }
            }
            (path.clone(), out)
        })
        .collect()
}

fn parse_errors(report: &impl Relint) -> usize {
    report
        .diagnostics()
        .iter()
        .filter(|d| d.rule == RuleCode::OC094)
        .count()
}

fn verify(
    before: &impl Relint,
    after: &impl Relint,
    fixed: &Diagnostic,
    batch: &[&Diagnostic],
) -> bool {
    why_not(before, after, fixed, batch).is_none()
}

fn why_failed(before: &impl Relint, after: &impl Relint, fixed: &Diagnostic) -> String {
    why_not(before, after, fixed, &[fixed]).unwrap_or_else(|| "it clashed with another fix".into())
}

fn why_not(
    before: &impl Relint,
    after: &impl Relint,
    fixed: &Diagnostic,
    batch: &[&Diagnostic],
) -> Option<String> {
    if parse_errors(after) > parse_errors(before) {
        return Some("the result would not parse".into());
    }
    if after
        .diagnostics()
        .iter()
        .any(|d| identity(d) == identity(fixed))
    {
        return Some("the result still has the finding".into());
    }
    let targets: Vec<&Vec<Seg>> = batch
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f: &Fix| f.targets.iter())
        .collect();
    if before.effective().len() != after.effective().len() {
        return Some("the result has a different number of documents".into());
    }
    for (b, a) in before.effective().iter().zip(after.effective()) {
        let mut b = b.clone();
        let mut a = a.clone();
        for target in &targets {
            remove_path(&mut b, target);
            remove_path(&mut a, target);
        }
        if a != b {
            return Some("the result changes values the fix did not mean to change".into());
        }
    }
    None
}

/// Removes the subtree at `path` (and, for a list index, the whole list: an append changes
/// its length), then the maps on the way that this left empty (a fix that writes a key may
/// have to create its parents).
fn remove_path(json: &mut serde_json::Value, path: &[Seg]) {
    let Some((first, rest)) = path.split_first() else {
        *json = serde_json::Value::Null;
        return;
    };
    match (first, json) {
        (Seg::Key(k), serde_json::Value::Object(map)) => {
            if rest.is_empty() {
                map.shift_remove(k);
                return;
            }
            if let Some(child) = map.get_mut(k) {
                remove_path(child, rest);
                if child.as_object().is_some_and(serde_json::Map::is_empty) {
                    map.shift_remove(k);
                }
            }
        }
        (Seg::Index(_), v @ serde_json::Value::Array(_)) => *v = serde_json::Value::Null,
        _ => {}
    }
}
