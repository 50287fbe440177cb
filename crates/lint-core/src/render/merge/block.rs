//! A ConfigMap data value that holds a YAML map (the plugin provisioning in
//! `grafana-oncall-app-provisioning.yaml: |`), merged as the document it is: the overlay's
//! document is merged into the string's text by the same merge, so its comments and the
//! keys the overlay does not own stay, and the new text goes back into the literal block
//! line for line (the block's own lines stay byte for byte). A block whose lines are not
//! the string's lines indented (another style, an indentation indicator that no longer
//! fits) is written whole, in the fix engine's style.

use std::ops::Range;

use super::edits::line_start;
use super::expected::embedded;
use super::{MergeError, apply, apply_edits, display, document, merge_into, node_at, values_of};
use crate::fix::{Op, TextEdit};
use crate::path::Seg;
use crate::values::{Kind, Value};
use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle};

/// Merges the document in the string `value` into the one in the file's string `id` at
/// `path`; `Ok(false)` when either is not a YAML map (the string is then replaced).
pub(super) fn merge(
    text: &mut String,
    doc: &Document,
    id: NodeId,
    path: &[Seg],
    value: &Value,
) -> Result<bool, MergeError> {
    let Kind::Str(new) = &value.kind else {
        return Ok(false);
    };
    let NodeKind::Scalar {
        text: old, style, ..
    } = &doc.node(id).kind
    else {
        return Ok(false);
    };
    if embedded(old).is_none() || embedded(new).is_none() {
        return Ok(false);
    }
    let inside = |e: MergeError| MergeError(format!("the YAML in `{}` {e}", display(path)));
    let overlay = values_of(&document(new).map_err(inside)?).map_err(inside)?;
    let merged = merge_into(old, &overlay).map_err(inside)?;
    if merged == **old {
        return Ok(true);
    }
    if *style == ScalarStyle::Literal
        && let Some(edit) = in_place(text, doc.node(id).span.clone(), old, &merged)
    {
        let mut attempt = text.clone();
        apply_edits(&mut attempt, doc, vec![edit], path)?;
        let reread = document(&attempt)?;
        let holds = node_at(&reread, path)?.is_some_and(
            |id| matches!(&reread.node(id).kind, NodeKind::Scalar { text, .. } if **text == merged),
        );
        if holds {
            *text = attempt;
            return Ok(true);
        }
    }
    let op = Op::Replace {
        path: path.to_vec(),
        value: Value::new(Kind::Str(merged), value.origin.clone()),
    };
    apply(text, doc, &op)?;
    Ok(true)
}

/// `inner`'s lines, each indented by `indent` spaces (an empty line stays empty).
fn indented(inner: &str, indent: &str, newline: &str) -> String {
    let mut out = String::new();
    for line in inner.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        if !content.is_empty() {
            out.push_str(indent);
            out.push_str(content);
        }
        if line.ends_with('\n') {
            out.push_str(newline);
        }
    }
    out
}

/// The edit that makes the literal block at `span` hold `new` instead of `old`, when the
/// block's lines are exactly `old`'s lines indented.
fn in_place(text: &str, span: Range<usize>, old: &str, new: &str) -> Option<TextEdit> {
    let start = span.start.min(text.len());
    let line = line_start(text, start);
    let content_start = if text[line..start].trim().is_empty() {
        line
    } else {
        text[start..].find('\n').map(|i| start + i + 1)?
    };
    let body = &text[content_start..];
    let first = body.lines().find(|l| !l.trim().is_empty())?;
    let indent = &first[..first.len() - first.trim_start_matches(' ').len()];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let before = indented(old, indent, newline);
    if indent.is_empty() || !body.starts_with(&before) {
        return None;
    }
    Some((
        content_start..content_start + before.len(),
        indented(new, indent, newline),
    ))
}
