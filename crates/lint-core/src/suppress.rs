//! Suppression comments: `# oncall-lint: ignore[OC001] reason` on the finding's line, on its
//! own line directly above the key, or anywhere inside the reported span; and
//! `# oncall-lint: file-ignore[OC001, plugin-org-id] reason` anywhere in the file.
//!
//! A directive that suppresses nothing is reported (OC095, with a safe fix that removes it
//! or the unused codes), and so is one that cannot be read or is attached to nothing:
//! suppressions are never silently ignored.

use std::ops::Range;
use std::sync::Arc;

use crate::checks::report;
use crate::checks::unused_suppression::Message;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Location};
use crate::rules::RuleCode;
use crate::source::SourceFile;
use crate::yaml::Comment;

/// The prefix that marks a directive inside a comment.
pub(crate) const MARKER: &str = "oncall-lint:";

/// Whether a directive covers a line or the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `ignore[...]`: a line (and any span that contains the comment).
    Line,
    /// `file-ignore[...]`: the whole file.
    File,
}

/// One directive found in a comment.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    /// Its scope.
    pub scope: Scope,
    /// The rule codes it names (names are resolved to codes).
    pub codes: Vec<String>,
    /// The comment's span (from `#`).
    pub comment: Range<usize>,
    /// The span of the bracketed list's contents.
    pub list: Range<usize>,
    /// The line (1-based) a line directive applies to; `None` when attached to nothing.
    pub line: Option<usize>,
    /// Whether the comment follows code on its line.
    pub trailing: bool,
}

/// A directive that cannot be read.
#[derive(Debug, Clone)]
pub(crate) struct Malformed {
    /// The comment's span.
    pub comment: Range<usize>,
    /// What is wrong.
    pub reason: String,
}

/// Reads every directive from a file's comments.
pub(crate) fn directives(
    source: &SourceFile,
    comments: &[Comment],
) -> (Vec<Directive>, Vec<Malformed>) {
    let text = source.text();
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    for comment in comments {
        let body = comment.text.trim();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let rest_offset = comment.span.end - comment.text.len()
            + (comment.text.len() - comment.text.trim_start().len())
            + MARKER.len();
        match parse_directive(rest, rest_offset) {
            Ok((scope, names, list)) => {
                let mut codes: Vec<String> = Vec::new();
                let mut unknown = Vec::new();
                for name in names {
                    match RuleCode::find(&name) {
                        Some(rule) if codes.iter().any(|c| c == rule.as_str()) => {}
                        Some(rule) => codes.push(rule.as_str().to_owned()),
                        None => unknown.push(name),
                    }
                }
                if !unknown.is_empty() {
                    malformed.push(Malformed {
                        comment: comment.span.clone(),
                        reason: format!(
                            "unknown rule {}",
                            unknown
                                .iter()
                                .map(|u| format!("`{u}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                    continue;
                }
                let line_of_comment = source.line_col(comment.span.start).line;
                let line_start = source.line_starts()[line_of_comment - 1];
                let trailing = !text[line_start..comment.span.start].trim().is_empty();
                let line = match scope {
                    Scope::File => Some(line_of_comment),
                    Scope::Line if trailing => Some(line_of_comment),
                    Scope::Line => next_content_line(source, line_of_comment),
                };
                found.push(Directive {
                    scope,
                    codes,
                    comment: comment.span.clone(),
                    list,
                    line,
                    trailing,
                });
            }
            Err(reason) => malformed.push(Malformed {
                comment: comment.span.clone(),
                reason,
            }),
        }
    }
    (found, malformed)
}

/// `ignore[A, B] reason` → (scope, names, span of `A, B`).
fn parse_directive(
    rest: &str,
    offset: usize,
) -> Result<(Scope, Vec<String>, Range<usize>), String> {
    let trimmed = rest.trim_start();
    let lead = rest.len() - trimmed.len();
    let (scope, after) = if let Some(a) = trimmed.strip_prefix("file-ignore") {
        (Scope::File, a)
    } else if let Some(a) = trimmed.strip_prefix("ignore") {
        (Scope::Line, a)
    } else {
        return Err("expected `ignore[CODES]` or `file-ignore[CODES]` after `oncall-lint:`".into());
    };
    let Some(inner) = after.strip_prefix('[') else {
        return Err("list the rules to ignore in brackets, e.g. `ignore[OC001]`".into());
    };
    let Some(close) = inner.find(']') else {
        return Err("the rule list has no closing `]`".into());
    };
    let list_start = offset + lead + (trimmed.len() - after.len()) + 1;
    let names: Vec<String> = inner[..close]
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err("the rule list is empty; name the rules, e.g. `ignore[OC001]`".into());
    }
    Ok((scope, names, list_start..list_start + close))
}

/// The next line after `line` that holds content (not blank, not only a comment), if the
/// lines in between are all comments.
fn next_content_line(source: &SourceFile, line: usize) -> Option<usize> {
    let mut next = line + 1;
    while next <= source.line_count() {
        let content = source.text()[source.line_range(next)].trim();
        if content.is_empty() {
            return None;
        }
        if !content.starts_with('#') {
            return Some(next);
        }
        next += 1;
    }
    None
}

/// Drops the findings that a directive suppresses and adds OC095 findings for directives
/// that suppressed nothing or cannot be read. `enabled` tells whether a rule ran (a
/// directive for a rule that did not run is not reported as unused).
pub(crate) fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    source: &Arc<SourceFile>,
    comments: &[Comment],
    enabled: &dyn Fn(&str) -> bool,
) {
    let (directives, malformed) = directives(source, comments);
    if directives.is_empty() && malformed.is_empty() {
        return;
    }
    let used = suppress(diagnostics, source, &directives);
    if !enabled("OC095") {
        return;
    }
    for (directive, used) in directives.iter().zip(&used) {
        if let Some(d) = unused_finding(source, directive, used, enabled) {
            diagnostics.push(d);
        }
    }
    for bad in malformed {
        let message = Message::Malformed {
            reason: bad.reason.clone(),
        };
        diagnostics.push(report(
            RuleCode::OC095,
            &message,
            comment_location(source, &bad.comment),
        ));
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Drops the findings in `source` that a directive covers; returns, per directive and
/// code, whether it suppressed something.
fn suppress(
    diagnostics: &mut Vec<Diagnostic>,
    source: &Arc<SourceFile>,
    directives: &[Directive],
) -> Vec<Vec<bool>> {
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.codes.len()])
        .collect();
    diagnostics.retain(|d| {
        if !Arc::ptr_eq(&d.primary.file, source) && d.primary.file.path() != source.path() {
            return true;
        }
        let line = d.primary.start().line;
        let last_line = d.primary.end().line;
        let mut suppressed = false;
        for (i, directive) in directives.iter().enumerate() {
            let Some(pos) = directive.codes.iter().position(|c| c == d.code()) else {
                continue;
            };
            let covers = match directive.scope {
                Scope::File => true,
                Scope::Line => {
                    // on the finding's line, above its key, or on any line of the reported span
                    let comment_line = source.line_col(directive.comment.start).line;
                    directive.line == Some(line) || (line..=last_line).contains(&comment_line)
                }
            };
            if covers {
                used[i][pos] = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    used
}

/// The OC095 finding for a directive attached to nothing, or for the codes of a directive
/// that suppressed nothing (`used` per code; codes of rules that did not run are left
/// out), with a fix that removes the comment or those codes.
fn unused_finding(
    source: &Arc<SourceFile>,
    directive: &Directive,
    used: &[bool],
    enabled: &dyn Fn(&str) -> bool,
) -> Option<Diagnostic> {
    let location = comment_location(source, &directive.comment);
    if directive.scope == Scope::Line && directive.line.is_none() {
        let mut d = report(RuleCode::OC095, &Message::Unattached, location);
        d.fix = Some(remove_comment(source, directive));
        return Some(d);
    }
    let unused: Vec<&String> = directive
        .codes
        .iter()
        .zip(used)
        .filter(|(c, u)| !**u && enabled(c))
        .map(|(c, _)| c)
        .collect();
    if unused.is_empty() {
        return None;
    }
    let names = unused
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = Message::Unused {
        codes: names.clone(),
    };
    let mut d = report(RuleCode::OC095, &message, location);
    d.fix = Some(if unused.len() == directive.codes.len() {
        remove_comment(source, directive)
    } else {
        remove_codes(source, directive, &unused, &names)
    });
    Some(d)
}

/// Where a directive's comment is, for its findings.
fn comment_location(source: &Arc<SourceFile>, comment: &Range<usize>) -> Location {
    Location {
        file: source.clone(),
        span: comment.clone(),
        key_path: crate::path::KeyPath::root(),
    }
}

/// A fix that takes the `unused` codes (listed as `names`) out of a directive's list.
fn remove_codes(
    source: &Arc<SourceFile>,
    directive: &Directive,
    unused: &[&String],
    names: &str,
) -> Fix {
    let kept: Vec<&str> = directive
        .codes
        .iter()
        .filter(|c| !unused.contains(c))
        .map(String::as_str)
        .collect();
    Fix {
        title: format!("remove {names} from the suppression"),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            file: source.clone(),
            range: directive.list.clone(),
            replacement: kept.join(", "),
        }],
        targets: Vec::new(),
    }
}

/// A fix that deletes a directive's comment: the whole line when the comment is alone on it,
/// else the comment and the spaces before it.
fn remove_comment(source: &Arc<SourceFile>, directive: &Directive) -> Fix {
    let text = source.text();
    let range = if directive.trailing {
        let before = text[..directive.comment.start]
            .trim_end_matches([' ', '\t'])
            .len();
        before..directive.comment.end
    } else {
        let line = source.line_col(directive.comment.start).line;
        let start = source.line_starts()[line - 1];
        let end = source
            .line_starts()
            .get(line)
            .copied()
            .unwrap_or(text.len());
        start..end
    };
    Fix {
        title: "remove the suppression comment".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            file: source.clone(),
            range,
            replacement: String::new(),
        }],
        targets: Vec::new(),
    }
}
