//! An overlay's list written into a block list of the file item by item: the file's items
//! the overlay does not hold go (their comments stay as lines of their own), the overlay's
//! items that are the same object as one of the file's are merged into it key by key, and
//! the others are written where the overlay has them. So an item's comments, and its keys
//! the overlay does not own, stay (see [`super::expected`] for which items are the same).

use serde_json::Value as Json;

use super::edits::{kept_comments, line_start};
use super::expected::{self, Place};
use super::{
    MergeError, apply, apply_edits, document, err, merge_value, node_at, unshared, value_at,
};
use crate::fix::{Op, Style};
use crate::path::Seg;
use crate::values::emit::block_at;
use crate::values::{Kind, Value};
use crate::yaml::{Document, NodeId, NodeKind};

/// Whether the item starting at `pos` follows its own `-` at the start of its line.
fn own_line(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos].trim() == "-"
}

fn indentation(text: &str, pos: usize) -> usize {
    let line = &text[line_start(text, pos)..];
    line.len() - line.trim_start_matches(' ').len()
}

/// Merges `items` into the block list `id` at `path`; `Ok(false)` (nothing changed) when
/// the list cannot be merged item by item (a flow list, no item in common, items in
/// another order), and the caller writes it whole.
pub(super) fn merge(
    text: &mut String,
    doc: &Document,
    id: NodeId,
    path: &mut Vec<Seg>,
    items: &[Value],
) -> Result<bool, MergeError> {
    let node = doc.node(id);
    let NodeKind::Seq(old_ids) = &node.kind else {
        return Ok(false);
    };
    if node.flow
        || items.is_empty()
        || old_ids
            .iter()
            .any(|&item| !own_line(text, doc.node(item).span.start))
    {
        return Ok(false);
    }
    let Some(old) = old_ids
        .iter()
        .map(|&item| value_at(doc, item).map(|v| v.to_json()))
        .collect::<Option<Vec<Json>>>()
    else {
        return Ok(false);
    };
    // edits inside a list an alias reads would change the alias's value too
    unshared(doc, &[(node.span.clone(), String::new())], path)?;
    let new: Vec<Json> = items.iter().map(Value::to_json).collect();
    let found = expected::matching(&old, &new);
    let order: Vec<usize> = found.iter().flatten().copied().collect();
    if order.is_empty() || order.windows(2).any(|w| w[0] > w[1]) {
        return Ok(false);
    }
    for i in (0..old.len()).rev() {
        if !order.contains(&i) {
            path.push(Seg::Index(i));
            let result = remove(text, path);
            path.pop();
            result?;
        }
    }
    for (j, item) in items.iter().enumerate() {
        let result = match found[j].and_then(|i| old.get(i)) {
            Some(old_item) => {
                path.push(Seg::Index(j));
                let result = merge_item(text, path, old_item, item);
                path.pop();
                result
            }
            None => insert(text, path, j, item),
        };
        result?;
    }
    Ok(true)
}

/// Merges `item` into the file's item at `path` (`old` its values).
fn merge_item(
    text: &mut String,
    path: &mut Vec<Seg>,
    old: &Json,
    item: &Value,
) -> Result<(), MergeError> {
    for key in expected::displaced(old, &item.to_json()) {
        path.push(Seg::Key(key));
        let result = remove(text, path);
        path.pop();
        result?;
    }
    merge_value(text, path, item, Place::Plain)
}

/// Removes the entry at `path`; the comments on its lines stay, as lines of their own.
fn remove(text: &mut String, path: &[Seg]) -> Result<(), MergeError> {
    let doc = document(text)?;
    let Some(id) = node_at(&doc, path)? else {
        return err(format!(
            "cannot remove `{}`: not found",
            super::display(path)
        ));
    };
    let start = match (path.split_last(), path.len()) {
        (Some((Seg::Key(key), parent)), _) => node_at(&doc, parent)?
            .and_then(|p| doc.get(p, key))
            .map_or(doc.node(id).span.start, |e| doc.node(e.key).span.start),
        _ => doc.node(id).span.start,
    };
    let indent = indentation(text, start);
    let style = Style::detect(text, &doc);
    let op = Op::Remove {
        path: path.to_vec(),
    };
    let edits = crate::fix::compile(text, &doc, &style, &op)
        .map_err(|e| MergeError(format!("cannot remove `{}`: {e}", super::display(path))))?
        .into_iter()
        .map(|(range, _)| {
            let kept = kept_comments(text, &doc, &range, indent);
            (range, kept)
        })
        .collect();
    apply_edits(text, &doc, edits, path)
}

/// Writes `item` as item `index` of the list at `path`: before the item now there (and the
/// comment lines directly above it, which are that item's), or at the end.
fn insert(text: &mut String, path: &[Seg], index: usize, item: &Value) -> Result<(), MergeError> {
    let doc = document(text)?;
    let Some(list) = node_at(&doc, path)? else {
        return err(format!(
            "cannot add to `{}`: not found",
            super::display(path)
        ));
    };
    let items = doc.items(list);
    let Some(&next) = items.get(index) else {
        let op = Op::Append {
            path: path.to_vec(),
            item: item.clone(),
        };
        let style = Style::detect(text, &doc);
        let edits = crate::fix::compile(text, &doc, &style, &op)
            .map_err(|e| MergeError(format!("cannot add to `{}`: {e}", super::display(path))))?;
        let dash = items
            .first()
            .map(|&first| indentation(text, doc.node(first).span.start));
        return match (edits.as_slice(), dash) {
            ([(range, _)], Some(dash)) if range.is_empty() => {
                let at = after_closing_comments(text, range.start, dash);
                insert_at(text, &doc, path, at, dash, item)
            }
            _ => apply(text, &doc, &op),
        };
    };
    let start = doc.node(next).span.start;
    let dash = indentation(text, start);
    let mut at = line_start(text, start);
    while at > 0 {
        let above = line_start(text, at - 1);
        if text[above..at].trim_start().starts_with('#') {
            at = above;
        } else {
            break;
        }
    }
    insert_at(text, &doc, path, at, dash, item)
}

/// Where a list that ends at `at` really ends: after the comment lines that follow its last
/// item at its items' indentation or deeper, when what comes next is less indented (they
/// close the list, they do not open the next key).
fn after_closing_comments(text: &str, at: usize, dash: usize) -> usize {
    let mut end = at;
    let mut rest = &text[at..];
    while let Some(line) = rest.split_inclusive('\n').next() {
        let content = line.trim_start_matches(' ');
        if !content.starts_with('#') || line.len() - content.len() < dash {
            break;
        }
        end += line.len();
        rest = &rest[line.len()..];
    }
    let next = rest
        .split_inclusive('\n')
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len());
    if next.is_none_or(|indent| indent < dash) {
        end
    } else {
        at
    }
}

/// Writes `item` as a list item at `dash`'s column at `at`, the start of a line.
fn insert_at(
    text: &mut String,
    doc: &Document,
    path: &[Seg],
    at: usize,
    dash: usize,
    item: &Value,
) -> Result<(), MergeError> {
    let as_list = Value::new(Kind::Seq(vec![item.clone()]), item.origin.clone());
    let mut lines = block_at(&as_list, dash);
    if text.contains("\r\n") {
        lines = lines.replace('\n', "\r\n");
    }
    let sep = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        if text.contains("\r\n") { "\r\n" } else { "\n" }
    } else {
        ""
    };
    apply_edits(text, doc, vec![(at..at, format!("{sep}{lines}"))], path)
}
