//! `--merge-into`: writes a values overlay into a values file with the fix engine, editing
//! only what the overlay changes: every comment and every other byte stays.
//!
//! What the file must end up holding is one rule, [`expected`]: Helm's layering (maps merge
//! key by key, scalars replace), except that a list item that is the same object as one in
//! the file is merged into it key by key, and a ConfigMap data value that holds a YAML map
//! (the plugin provisioning) is merged as a document — so that keys the overlay does not
//! own, and the comments inside such a block, stay. The text edits follow that rule as
//! closely as the text allows ([`list`] for lists, [`block`] for the YAML in a literal
//! block) and fall back to writing the merged value whole, comments moved above it.
//!
//! Each change is one [`Op`] (or one edit of the same kind) compiled against the current
//! text and applied, then the text is parsed again before the next. At the end the file's
//! values must equal [`expected`]'s, and every comment of the old file must still be in it;
//! otherwise nothing is returned. A second merge of the same overlay changes nothing.

mod block;
mod edits;
mod expected;
mod list;

use crate::fix::compile::shared_anchor;
use crate::fix::{Op, Style, TextEdit, compile};
use crate::path::Seg;
use crate::values::{Kind, Origin, Value, to_value};
use crate::yaml::{Document, Limits, NodeId, NodeKind, parse};
use expected::Place;

/// Why a merge was refused; the file is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

fn err<T>(text: impl Into<String>) -> Result<T, MergeError> {
    Err(MergeError(text.into()))
}

/// The document Helm reads (the first with content), or an empty one.
fn document(text: &str) -> Result<Document, MergeError> {
    let docs = parse(text, &Limits::default())
        .map_err(|e| MergeError(format!("is not YAML ({} at byte {})", e.message, e.offset)))?;
    let count = docs.iter().filter(|d| d.root.is_some()).count();
    if count > 1 {
        return err(format!(
            "holds {count} YAML documents (Helm reads only the first); merge by hand"
        ));
    }
    let doc = docs
        .into_iter()
        .find(|d| d.root.is_some())
        .unwrap_or_default();
    if let Some(root) = doc.root
        && !matches!(doc.node(root).kind, NodeKind::Map(_))
    {
        return err("is not a map of values");
    }
    Ok(doc)
}

fn value_at(doc: &Document, id: NodeId) -> Option<Value> {
    to_value(doc, id, 0, &|r| r, 1_000_000 + doc.len()).ok()
}

fn values_of(doc: &Document) -> Result<Value, MergeError> {
    match doc.root {
        Some(root) => to_value(doc, root, 0, &|r| r, 1_000_000 + doc.len())
            .map_err(|e| MergeError(format!("cannot be loaded as Helm would: {}", e.message))),
        None => Ok(Value::new(
            Kind::Map(Default::default()),
            Origin::Default {
                chart: "merge",
                version: "",
            },
        )),
    }
}

/// The node at a path; an alias on the way is refused (editing through it would change
/// every place the anchor is used).
fn node_at(doc: &Document, path: &[Seg]) -> Result<Option<NodeId>, MergeError> {
    let Some(mut current) = doc.root else {
        return Ok(None);
    };
    for (depth, seg) in path.iter().enumerate() {
        if matches!(doc.node(current).kind, NodeKind::Alias(_)) {
            return aliased(&path[..depth]);
        }
        let next = match (seg, &doc.node(current).kind) {
            (Seg::Key(key), NodeKind::Map(_)) => doc.get(current, key).map(|e| e.value),
            (Seg::Index(i), NodeKind::Seq(items)) => items.get(*i).copied(),
            _ => None,
        };
        match next {
            Some(id) => current = id,
            None => return Ok(None),
        }
    }
    if matches!(doc.node(current).kind, NodeKind::Alias(_)) {
        return aliased(path);
    }
    Ok(Some(current))
}

fn aliased<T>(path: &[Seg]) -> Result<T, MergeError> {
    err(format!(
        "uses an alias at `{}`; merge by hand so that the anchor's other uses do not change",
        display(path)
    ))
}

fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn same(doc: &Document, id: NodeId, value: &Value) -> bool {
    value_at(doc, id).is_some_and(|v| v.to_json() == value.to_json())
}

/// Compiles `op` against `text` and applies it.
fn apply(text: &mut String, doc: &Document, op: &Op) -> Result<(), MergeError> {
    let style = Style::detect(text, doc);
    let edits = compile(text, doc, &style, op)
        .map_err(|e| MergeError(format!("cannot set `{}`: {e}", display(op.path()))))?;
    apply_edits(text, doc, edits, op.path())
}

/// Refuses `edits` for the value at `path` when an alias elsewhere reads an anchor they
/// would change.
fn unshared(doc: &Document, edits: &[TextEdit], path: &[Seg]) -> Result<(), MergeError> {
    let Some(shared) = shared_anchor(doc, edits) else {
        return Ok(());
    };
    let whose = shared
        .key
        .map_or_else(|| "an alias".to_owned(), |k| format!("`{k}`"));
    err(format!(
        "cannot set `{}`: it carries an anchor that {whose} elsewhere in the file reads through an alias, and that value would change too; merge by hand",
        display(path)
    ))
}

/// Applies `edits` (compiled against `text`, parsed as `doc`) for the value at `path`: a
/// scalar set in place keeps the column of the comment after it where it can.
fn apply_edits(
    text: &mut String,
    doc: &Document,
    mut edits: Vec<TextEdit>,
    path: &[Seg],
) -> Result<(), MergeError> {
    unshared(doc, &edits, path)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut floor = text.len();
    for edit in edits {
        let (range, mut replacement) = edits::aligned(text, edit);
        if range.end > floor || range.start > range.end {
            return err(format!("cannot set `{}`: overlapping edits", display(path)));
        }
        // a block scalar's span takes its line break: new text must end a line too, or
        // the next line (a comment, a key) would join its last line
        if range.end > range.start
            && !replacement.is_empty()
            && text[..range.end].ends_with('\n')
            && !replacement.ends_with('\n')
        {
            replacement.push_str(newline);
        }
        floor = range.start;
        text.replace_range(range, &replacement);
    }
    document(text)
        .map_err(|e| MergeError(format!("setting `{}` broke the file: {e}", display(path))))?;
    Ok(())
}

/// The kind of the map at `node` after `overlay` is merged into it.
fn kind_after(doc: &Document, node: Option<NodeId>, overlay: &Value) -> Option<String> {
    overlay
        .get(&["kind"])
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let entry = doc.get(node?, "kind")?;
            doc.scalar_text(entry.value).map(str::to_owned)
        })
}

fn merge_value(
    text: &mut String,
    path: &mut Vec<Seg>,
    value: &Value,
    place: Place,
) -> Result<(), MergeError> {
    let doc = document(text)?;
    let node = node_at(&doc, path)?;
    if let Kind::Map(map) = &value.kind
        && !map.is_empty()
        && (path.is_empty() || node.is_some_and(|id| matches!(doc.node(id).kind, NodeKind::Map(_))))
    {
        let kind = kind_after(&doc, node, value);
        for (key, inner) in map.iter() {
            let child = place.child(key, kind.as_deref());
            path.push(Seg::Key(key.clone()));
            let result = merge_value(text, path, inner, child);
            path.pop();
            result?;
        }
        return Ok(());
    }
    let Some(id) = node else {
        return apply(text, &doc, &set_op(path, value.clone()));
    };
    if same(&doc, id, value) {
        return Ok(());
    }
    if place == Place::DataValue && block::merge(text, &doc, id, path, value)? {
        return Ok(());
    }
    if let Kind::Seq(items) = &value.kind
        && list::merge(text, &doc, id, path, items)?
    {
        return Ok(());
    }
    // written whole: what the merge rule makes of the file's value and the overlay's
    let old = value_at(&doc, id).map(|v| v.to_json());
    let whole = expected::merged(old.as_ref(), &value.to_json(), place);
    let whole = Value::from_json(&expected::unmarked(&whole), &value.origin);
    apply(text, &doc, &set_op(path, whole))
}

fn set_op(path: &[Seg], value: Value) -> Op {
    match &value.kind {
        Kind::Map(_) | Kind::Seq(_) => Op::Replace {
            path: path.to_vec(),
            value,
        },
        _ => Op::SetScalar {
            path: path.to_vec(),
            value,
        },
    }
}

/// `text` with `overlay` merged in. The result keeps every comment, and its values are the
/// old values with the overlay on top (see the module doc); `Ok(text)` unchanged when the
/// overlay is already in.
pub fn merge_into(text: &str, overlay: &Value) -> Result<String, MergeError> {
    if !matches!(overlay.kind, Kind::Map(_)) {
        return err("the overlay is not a map of values");
    }
    let before = document(text)?;
    let old_values = values_of(&before)?.to_json();
    let mut out = text.to_owned();
    merge_value(&mut out, &mut Vec::new(), overlay, Place::Plain)?;
    let after = document(&out)?;
    let expected = expected::merged(Some(&old_values), &overlay.to_json(), Place::Plain);
    if expected::normalized(&values_of(&after)?.to_json()) != expected::normalized(&expected) {
        return err(
            "would not end up with exactly the overlay's values on top of its own (anchors or merge keys in the way?); merge by hand",
        );
    }
    let mut kept: Vec<&str> = after.comments.iter().map(|c| c.text.trim()).collect();
    for comment in &before.comments {
        match kept.iter().position(|k| *k == comment.text.trim()) {
            Some(i) => {
                kept.swap_remove(i);
            }
            None => {
                return err(format!(
                    "would lose the comment `#{}`; merge by hand",
                    comment.text.trim_end()
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
