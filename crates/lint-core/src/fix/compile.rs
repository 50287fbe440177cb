//! Compiling symbolic [`Op`]s into byte edits in the file's own style: its indentation unit,
//! whether sequences are indented under their key, flow or block collections, the quoting
//! of the scalar being replaced, and its line endings. Nothing outside the edited node is
//! touched, so every comment and every other byte of the file stays as it was.

use std::ops::Range;

use super::ops::Op;
use crate::path::Seg;
use crate::values::emit::{block_at, flow, inline};
use crate::values::{Kind, Value};
use crate::yaml::quote::{quote_flow, quote_if_needed};
use crate::yaml::{Document, Entry, NodeId, NodeKind, ScalarStyle};

/// A text edit inside one text.
pub type TextEdit = (Range<usize>, String);

/// How a file is written.
#[derive(Debug, Clone)]
pub struct Style {
    /// Spaces per indentation level.
    pub unit: usize,
    /// Whether `- item` lines are indented under their key.
    pub seq_indented: bool,
    /// `\n` or `\r\n`.
    pub newline: &'static str,
}

impl Style {
    /// Reads the style off a parsed file.
    pub fn detect(text: &str, doc: &Document) -> Style {
        Style::detect_with(text, doc, crate::source::newline_of(text))
    }

    /// [`Style::detect`] of a file's own text, its line break found once for all its fixes.
    pub fn detect_in(file: &crate::source::SourceFile, doc: &Document) -> Style {
        Style::detect_with(file.text(), doc, file.newline())
    }

    fn detect_with(text: &str, doc: &Document, newline: &'static str) -> Style {
        let mut unit = None;
        let mut seq_indented = None;
        for id in doc.ids() {
            let NodeKind::Map(entries) = &doc.node(id).kind else {
                continue;
            };
            if doc.node(id).flow {
                continue;
            }
            for entry in entries {
                let key_col = column(text, doc.node(entry.key).span.start);
                let value = doc.node(entry.value);
                if value.flow {
                    continue;
                }
                match &value.kind {
                    NodeKind::Map(inner) if unit.is_none() => {
                        if let Some(first) = inner.first() {
                            let col = column(text, doc.node(first.key).span.start);
                            if col > key_col {
                                unit = Some(col - key_col);
                            }
                        }
                    }
                    NodeKind::Seq(items) if seq_indented.is_none() => {
                        if let Some(dash) = items
                            .first()
                            .and_then(|i| dash_column(text, doc.node(*i).span.start))
                        {
                            seq_indented = Some(dash > key_col);
                        }
                    }
                    _ => {}
                }
            }
            if unit.is_some() && seq_indented.is_some() {
                break;
            }
        }
        Style {
            unit: unit.filter(|u| (1..=8).contains(u)).unwrap_or(2),
            seq_indented: seq_indented.unwrap_or(true),
            newline,
        }
    }
}

/// Why an operation cannot be compiled (the fix is then dropped, with this note).
pub type CompileError = String;

/// Compiles one operation against `text` (parsed as `doc`).
pub fn compile(
    text: &str,
    doc: &Document,
    style: &Style,
    op: &Op,
) -> Result<Vec<TextEdit>, CompileError> {
    let mut edits = match op {
        Op::SetScalar { path, value } => set_scalar(text, doc, style, path, value)?,
        Op::Replace { path, value } => replace(text, doc, style, path, value)?,
        Op::Append { path, item } => append(text, doc, style, path, item)?,
        Op::Remove { path } => remove(text, doc, path)?,
    };
    if style.newline == "\r\n" {
        for (_, replacement) in &mut edits {
            *replacement = replacement.replace("\r\n", "\n").replace('\n', "\r\n");
        }
    }
    Ok(edits)
}

/// An alias outside a fix's edits that reads an anchor inside them: fixing the anchored
/// value would change the alias's value too (`orgId: &org 1` set to 100 makes
/// `org_id: *org` 100 as well).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAnchor {
    /// The key whose value is the alias, if it has one.
    pub key: Option<String>,
    /// Where the alias is, in the compiled text.
    pub offset: usize,
}

/// The first alias that `edits` would change behind the user's back (see [`SharedAnchor`]).
pub fn shared_anchor(doc: &Document, edits: &[TextEdit]) -> Option<SharedAnchor> {
    let touches = |span: &Range<usize>| {
        edits.iter().any(|(range, _)| {
            if range.is_empty() {
                span.start < range.start && range.start < span.end
            } else {
                range.start < span.end && span.start < range.end
            }
        })
    };
    let inside_an_edit = |span: &Range<usize>| {
        edits
            .iter()
            .any(|(range, _)| range.start <= span.start && span.end <= range.end)
    };
    let alias = doc.ids().find(|&id| {
        let node = doc.node(id);
        match node.kind {
            NodeKind::Alias(target) => {
                !inside_an_edit(&node.span) && touches(&doc.node(target).span)
            }
            _ => false,
        }
    })?;
    let key = doc.ids().find_map(|id| match &doc.node(id).kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|e| e.value == alias)
            .and_then(|e| doc.scalar_text(e.key))
            .map(str::to_owned),
        _ => None,
    });
    Some(SharedAnchor {
        key,
        offset: doc.node(alias).span.start,
    })
}

impl SharedAnchor {
    /// Why the fix is only shown, with the alias's line in `text` (the file's own text).
    pub fn note(&self, text: &str, offset: usize) -> String {
        let line = text[..offset.min(text.len())].matches('\n').count() + 1;
        match &self.key {
            Some(key) => format!(
                "shown only: `{key}` (line {line}) reads the value through an alias of its anchor and would change too; edit by hand"
            ),
            None => format!(
                "shown only: an alias on line {line} reads the value through its anchor and would change too; edit by hand"
            ),
        }
    }
}

/// One resolved step: the key node (for mapping entries) and the value node.
#[derive(Debug, Clone, Copy)]
struct Step {
    key: Option<NodeId>,
    value: NodeId,
    /// Whether the step's container is a flow collection.
    in_flow: bool,
}

/// Walks `path` from the root; returns the steps found and how many segments matched.
fn resolve(doc: &Document, path: &[Seg]) -> Result<(Vec<Step>, usize), CompileError> {
    let Some(mut current) = doc.root else {
        return Ok((Vec::new(), 0));
    };
    let mut steps = Vec::new();
    for seg in path {
        if matches!(doc.node(current).kind, NodeKind::Alias(_)) {
            return Err("the path goes through an alias; edit the anchor instead".into());
        }
        let in_flow = doc.node(current).flow;
        let next = match seg {
            Seg::Key(key) => match &doc.node(current).kind {
                NodeKind::Map(_) => doc.get(current, key).map(|e| Step {
                    key: Some(e.key),
                    value: e.value,
                    in_flow,
                }),
                _ => None,
            },
            Seg::Index(i) => match &doc.node(current).kind {
                NodeKind::Seq(items) => items.get(*i).map(|v| Step {
                    key: None,
                    value: *v,
                    in_flow,
                }),
                _ => None,
            },
        };
        match next {
            Some(step) => {
                current = step.value;
                steps.push(step);
            }
            None => break,
        }
    }
    let matched = steps.len();
    Ok((steps, matched))
}

fn column(text: &str, pos: usize) -> usize {
    let start = line_start(text, pos);
    pos - start
}

/// The column of the `-` that introduces the block sequence item starting at `item`.
fn dash_column(text: &str, item: usize) -> Option<usize> {
    let before = text[..item.min(text.len())].trim_end_matches(' ');
    before
        .ends_with('-')
        .then(|| column(text, before.len() - 1))
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The position just after the line break of the line holding `pos` (or the text's end).
fn next_line(text: &str, pos: usize) -> usize {
    text[pos.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| pos + i + 1)
}

/// Where a node's text ends: a block scalar's span runs on to the next token, over its
/// line break and the next line's indentation; this backs off to the start of that line.
fn content_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    let start = line_start(text, pos);
    if text[start..pos].bytes().all(|b| b == b' ' || b == b'\t') {
        start
    } else {
        pos
    }
}

/// The start of the line after a node that ends at `pos` (a block scalar has already ended
/// its line).
fn line_after(text: &str, pos: usize) -> usize {
    let end = content_end(text, pos);
    if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n') {
        end
    } else {
        next_line(text, end)
    }
}

/// Where a mapping value's text begins: just after the `:` that follows its key.
fn after_colon(text: &str, key: Range<usize>) -> Option<usize> {
    let rest = &text[key.end..];
    let offset = rest.find(':')?;
    if rest[..offset].trim().is_empty() {
        Some(key.end + offset + 1)
    } else {
        None
    }
}

fn is_empty_scalar(doc: &Document, id: NodeId) -> bool {
    matches!(&doc.node(id).kind, NodeKind::Scalar { text, style: ScalarStyle::Plain, .. }
        if text.is_empty() || &**text == "~" || text.eq_ignore_ascii_case("null"))
}

/// A scalar in the style of the one it replaces.
fn styled_scalar(value: &Value, old: Option<ScalarStyle>, in_flow: bool) -> String {
    match (&value.kind, old) {
        (Kind::Str(s), Some(ScalarStyle::DoubleQuoted)) => crate::yaml::quote::double_quoted(s),
        (Kind::Str(s), Some(ScalarStyle::SingleQuoted)) if !s.chars().any(char::is_control) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        (Kind::Str(s), _) if in_flow => quote_flow(s),
        (Kind::Str(s), _) => quote_if_needed(s),
        _ => inline(value),
    }
}

/// A multi-line string as a literal block (` |` and its lines at `indent`), when the
/// literal reads back as exactly that string: it ends with one line break, its first line
/// does not start with a space, and it holds no control character but line breaks and tabs.
fn literal_block(value: &Value, indent: usize) -> Option<String> {
    let Kind::Str(s) = &value.kind else {
        return None;
    };
    let body = s.strip_suffix('\n')?;
    if !body.contains('\n')
        || body.ends_with('\n')
        || body.starts_with([' ', '\n'])
        || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        || body.lines().any(|l| l.trim().is_empty() && !l.is_empty())
    {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = String::from(" |\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

/// The text that follows `key:` for a value: ` inline`, or a block on the next lines.
fn after_key(value: &Value, key_col: usize, style: &Style) -> String {
    match &value.kind {
        Kind::Map(m) if !m.is_empty() => format!("\n{}", block_at(value, key_col + style.unit)),
        Kind::Seq(s) if !s.is_empty() => {
            let indent = if style.seq_indented {
                key_col + style.unit
            } else {
                key_col
            };
            format!("\n{}", block_at(value, indent))
        }
        _ => format!(" {}\n", inline(value)),
    }
}

fn set_scalar(
    text: &str,
    doc: &Document,
    style: &Style,
    path: &[Seg],
    value: &Value,
) -> Result<Vec<TextEdit>, CompileError> {
    let (steps, matched) = resolve(doc, path)?;
    if matched < path.len() || path.is_empty() {
        return insert(text, doc, style, path, value, &steps, matched);
    }
    let step = steps[matched - 1];
    match &doc.node(step.value).kind {
        NodeKind::Scalar { style: old, .. }
            if !matches!(old, ScalarStyle::Literal | ScalarStyle::Folded)
                && !is_empty_scalar(doc, step.value) =>
        {
            let span = doc.node(step.value).span.clone();
            Ok(vec![(span, styled_scalar(value, Some(*old), step.in_flow))])
        }
        _ => replace(text, doc, style, path, value),
    }
}

fn replace(
    text: &str,
    doc: &Document,
    style: &Style,
    path: &[Seg],
    value: &Value,
) -> Result<Vec<TextEdit>, CompileError> {
    let (steps, matched) = resolve(doc, path)?;
    if matched < path.len() || path.is_empty() {
        return insert(text, doc, style, path, value, &steps, matched);
    }
    let step = steps[matched - 1];
    let node = doc.node(step.value);
    let inside_flow = step.in_flow || node.flow;
    match step.key {
        Some(key) => {
            let key_span = doc.node(key).span.clone();
            let start =
                after_colon(text, key_span.clone()).ok_or("cannot find the `:` after the key")?;
            let end = if is_empty_scalar(doc, step.value) && node.span.start < start {
                start
            } else {
                content_end(text, node.span.end).max(start)
            };
            let key_col = column(text, key_span.start);
            let mut moved = comments_above(text, doc, start..end, key_span.start);
            let literal = literal_block(value, key_col + style.unit).filter(|_| !inside_flow);
            let mut end = end;
            if literal.is_some() {
                // a comment after the old value would become text of the block: move it
                let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
                let rest = text[end..line_end].trim_end_matches('\r');
                if rest.trim_start().starts_with('#') {
                    moved.push_str(&" ".repeat(key_col));
                    moved.push_str(rest.trim());
                    moved.push('\n');
                    end += rest.len();
                }
            }
            let replacement = if step.in_flow {
                format!(" {}", flow(value))
            } else if matches!(value.kind, Kind::Map(_) | Kind::Seq(_)) && !inside_flow {
                let block = after_key(value, key_col, style);
                block.strip_suffix('\n').map(str::to_owned).unwrap_or(block)
            } else if matches!(value.kind, Kind::Map(_) | Kind::Seq(_)) {
                format!(" {}", flow(value))
            } else if let Some(block) = literal {
                block.strip_suffix('\n').map(str::to_owned).unwrap_or(block)
            } else {
                format!(" {}", styled_scalar(value, None, false))
            };
            let mut replacement = replacement;
            // a block scalar's span takes its line break: so must what replaces it
            if end > start && text[..end].ends_with('\n') && !replacement.ends_with('\n') {
                replacement.push('\n');
            }
            let mut edits = vec![(start..end, replacement)];
            if !moved.is_empty() && !step.in_flow {
                let line = line_start(text, key_span.start);
                edits.push((line..line, moved));
            }
            Ok(edits)
        }
        None => {
            // a sequence item: replace the node itself
            let replacement = if step.in_flow || !matches!(value.kind, Kind::Map(_) | Kind::Seq(_))
            {
                if matches!(value.kind, Kind::Map(_) | Kind::Seq(_)) {
                    flow(value)
                } else {
                    styled_scalar(value, None, step.in_flow)
                }
            } else {
                let col = column(text, node.span.start);
                let block = block_at(value, col);
                block.trim_start().trim_end_matches('\n').to_owned()
            };
            let mut edits = vec![(node.span.clone(), replacement)];
            // comments inside a block item that is replaced move above it
            let moved = comments_above(text, doc, node.span.clone(), node.span.start);
            if !moved.is_empty() && !step.in_flow {
                let line = line_start(text, node.span.start);
                edits.push((line..line, moved));
            }
            Ok(edits)
        }
    }
}

/// The comments inside `range` as full lines, so that replacing a value never loses a
/// comment: they move above the key. A comment on its own line moves byte for byte; one
/// after a value goes on a line of its own at the key's indentation.
fn comments_above(text: &str, doc: &Document, range: Range<usize>, key_start: usize) -> String {
    let indent = " ".repeat(column(text, key_start));
    let mut out = String::new();
    for comment in &doc.comments {
        if comment.span.start >= range.start && comment.span.end <= range.end {
            let line = line_start(text, comment.span.start);
            if text[line..comment.span.start].trim().is_empty() {
                out.push_str(&text[line..comment.span.end]);
            } else {
                out.push_str(&indent);
                out.push_str(&text[comment.span.clone()]);
            }
            out.push('\n');
        }
    }
    out
}

/// Nests `value` under the remaining keys: `[a, b]` + v → `{a: {b: v}}`.
fn nest(rest: &[Seg], value: &Value) -> Result<Value, CompileError> {
    let mut current = value.clone();
    for seg in rest.iter().rev() {
        match seg {
            Seg::Key(k) => {
                let mut map = crate::values::Map::default();
                map.insert(k.clone(), current);
                current = Value::new(Kind::map(map), value.origin.clone());
            }
            Seg::Index(_) => return Err("cannot create a list item by index".into()),
        }
    }
    Ok(current)
}

/// Inserts `value` at `path`, of which the first `matched` segments exist (`steps`): the
/// first missing key goes into its parent mapping (flow or block), into an empty value, or
/// at the end of an empty document, with the rest of the path nested under it; a missing
/// index only as the next item of its list.
fn insert(
    text: &str,
    doc: &Document,
    style: &Style,
    path: &[Seg],
    value: &Value,
    steps: &[Step],
    matched: usize,
) -> Result<Vec<TextEdit>, CompileError> {
    let Some(Seg::Key(first_missing)) = path.get(matched) else {
        return match path.get(matched) {
            Some(Seg::Index(i)) => {
                let parent = steps
                    .last()
                    .map(|s| s.value)
                    .or(doc.root)
                    .ok_or("no list to add to")?;
                if doc.items(parent).len() == *i && matched + 1 == path.len() {
                    append(text, doc, style, &path[..matched], value)
                } else {
                    Err("cannot create a list item by index".into())
                }
            }
            _ => Err("nothing to insert".into()),
        };
    };
    let nested = nest(&path[matched + 1..], value)?;
    let parent = match steps.last() {
        Some(step) => Some(*step),
        None => doc.root.map(|root| Step {
            key: None,
            value: root,
            in_flow: false,
        }),
    };
    let key_text = quote_if_needed(first_missing);
    let Some(parent) = parent else {
        // an empty document: append at the end
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        return Ok(vec![(
            text.len()..text.len(),
            format!("{sep}{key_text}:{}", after_key(&nested, 0, style)),
        )]);
    };
    let node = doc.node(parent.value);
    match &node.kind {
        NodeKind::Map(entries) if node.flow => {
            let close = node.span.end.saturating_sub(1);
            if text.as_bytes().get(close) != Some(&b'}') {
                return Err("cannot find the end of the flow mapping".into());
            }
            let sep = if entries.is_empty() { "" } else { ", " };
            Ok(vec![(
                close..close,
                format!("{sep}{}: {}", quote_flow(first_missing), flow(&nested)),
            )])
        }
        NodeKind::Map(entries) => {
            insert_into_block_map(text, doc, style, entries, &key_text, &nested)
        }
        NodeKind::Scalar { .. } if is_empty_scalar(doc, parent.value) => {
            let mut map = crate::values::Map::default();
            map.insert(first_missing.clone(), nested);
            let block = Value::new(Kind::map(map), value.origin.clone());
            insert_into_empty_value(text, doc, style, parent, &block)
        }
        _ => Err("the parent of the key to add is not a mapping".into()),
    }
}

/// Adds the line `key_text: nested` after the last entry of a block mapping, at its
/// entries' indentation.
fn insert_into_block_map(
    text: &str,
    doc: &Document,
    style: &Style,
    entries: &[Entry],
    key_text: &str,
    nested: &Value,
) -> Result<Vec<TextEdit>, CompileError> {
    let Some(first) = entries.first() else {
        return Err("empty block mapping".into());
    };
    let col = column(text, doc.node(first.key).span.start);
    let last_end = entries
        .iter()
        .map(|e| doc.node(e.value).span.end.max(doc.node(e.key).span.end))
        .max()
        .unwrap_or(0);
    let at = line_after(text, last_end);
    let sep = if at == text.len() && !text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let line = format!(
        "{sep}{}{key_text}:{}",
        " ".repeat(col),
        after_key(nested, col, style)
    );
    Ok(vec![(at..at, line)])
}

/// Replaces the empty value of `parent`'s key with the mapping `block`: in flow style
/// inside a flow collection, else as a block one level deeper than the key.
fn insert_into_empty_value(
    text: &str,
    doc: &Document,
    style: &Style,
    parent: Step,
    block: &Value,
) -> Result<Vec<TextEdit>, CompileError> {
    let node = doc.node(parent.value);
    let Some(key) = parent.key else {
        return Err("cannot add a key here".into());
    };
    let key_span = doc.node(key).span.clone();
    let start = after_colon(text, key_span.clone()).ok_or("cannot find the `:` after the key")?;
    let end = if node.span.start >= start {
        node.span.end
    } else {
        start
    };
    let key_col = column(text, key_span.start);
    let rendered = if parent.in_flow {
        format!(" {}", flow(block))
    } else {
        format!(
            "\n{}",
            block_at(block, key_col + style.unit).trim_end_matches('\n')
        )
    };
    Ok(vec![(start..end, rendered)])
}

fn append(
    text: &str,
    doc: &Document,
    style: &Style,
    path: &[Seg],
    item: &Value,
) -> Result<Vec<TextEdit>, CompileError> {
    let (steps, matched) = resolve(doc, path)?;
    let as_list = Value::new(Kind::Seq(vec![item.clone()]), item.origin.clone());
    if matched < path.len() || path.is_empty() {
        return insert(text, doc, style, path, &as_list, &steps, matched);
    }
    let step = steps[matched - 1];
    let node = doc.node(step.value);
    match &node.kind {
        NodeKind::Seq(items) if node.flow => {
            let close = node.span.end.saturating_sub(1);
            if text.as_bytes().get(close) != Some(&b']') {
                return Err("cannot find the end of the flow sequence".into());
            }
            let sep = if items.is_empty() { "" } else { ", " };
            Ok(vec![(close..close, format!("{sep}{}", flow(item)))])
        }
        NodeKind::Seq(items) => {
            let Some(last) = items.last() else {
                return Err("empty block sequence".into());
            };
            let dash_col = items
                .first()
                .and_then(|first| dash_column(text, doc.node(*first).span.start))
                .unwrap_or_else(|| column(text, node.span.start));
            let at = line_after(text, doc.node(*last).span.end);
            let sep = if at == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            Ok(vec![(
                at..at,
                format!("{sep}{}", block_at(&as_list, dash_col)),
            )])
        }
        _ if is_empty_scalar(doc, step.value) => replace(text, doc, style, path, &as_list),
        _ => Err("the value to append to is not a list".into()),
    }
}

fn remove(text: &str, doc: &Document, path: &[Seg]) -> Result<Vec<TextEdit>, CompileError> {
    let (steps, matched) = resolve(doc, path)?;
    if matched < path.len() || path.is_empty() {
        return Err("nothing to remove".into());
    }
    let step = steps[matched - 1];
    // the only entry of a block map under a key: removing it alone would leave the key
    // `null`, which deletes the chart's defaults below it; the key goes with it
    if matched >= 2 && step.key.is_some() && !step.in_flow {
        let parent = steps[matched - 2];
        if parent.key.is_some()
            && matches!(&doc.node(parent.value).kind, NodeKind::Map(entries) if entries.len() == 1)
        {
            return remove(text, doc, &path[..matched - 1]);
        }
    }
    let value = doc.node(step.value);
    let start_node = step
        .key
        .map_or(value.span.start, |k| doc.node(k).span.start);
    if step.in_flow {
        // `a: 1, b: 2` inside braces: take the entry and one neighbouring comma
        let mut start = start_node;
        let mut end = value.span.end;
        let after = &text[end..];
        let trimmed = after.trim_start_matches([' ', '\t']);
        if trimmed.starts_with(',') {
            end += after.len() - trimmed.len() + 1;
            end += text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
        } else {
            let before = &text[..start];
            let trimmed = before.trim_end_matches([' ', '\t']);
            if trimmed.ends_with(',') {
                start = trimmed.len() - 1;
            }
        }
        return Ok(vec![(start..end, String::new())]);
    }
    let line = line_start(text, start_node);
    let prefix = &text[line..start_node];
    let is_item = step.key.is_none();
    let prefix_ok = if is_item {
        prefix.trim_start().starts_with('-') && prefix.trim() == "-"
    } else {
        prefix.trim().is_empty()
    };
    if !prefix_ok {
        return Err("the entry shares its line with another; not removed".into());
    }
    let mut start = line;
    // the comment lines directly above belong to the entry
    while start > 0 {
        let prev = line_start(text, start - 1);
        let content = text[prev..start].trim();
        if content.starts_with('#') {
            start = prev;
        } else {
            break;
        }
    }
    let end = line_after(text, value.span.end.max(start_node));
    Ok(vec![(start..end, String::new())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Origin;
    use crate::yaml::{Limits, parse};

    fn v(json: serde_json::Value) -> Value {
        Value::from_json(
            &json,
            &Origin::Default {
                chart: "t",
                version: "0",
            },
        )
    }

    fn apply(text: &str, op: Op) -> String {
        let doc = parse(text, &Limits::default())
            .unwrap()
            .into_iter()
            .next()
            .unwrap_or_default();
        let style = Style::detect(text, &doc);
        let mut edits = compile(text, &doc, &style, &op).unwrap_or_else(|e| panic!("{e}"));
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = text.to_owned();
        for (range, replacement) in edits {
            out.replace_range(range, &replacement);
        }
        out
    }

    fn keys(k: &[&str]) -> Vec<Seg> {
        Seg::keys(k)
    }

    #[test]
    fn set_scalar_keeps_quoting_unless_the_type_changes() {
        let text = "a:\n  b: \"x\"  # keep\n  c: '1'\n";
        assert_eq!(
            apply(
                text,
                Op::SetScalar {
                    path: keys(&["a", "b"]),
                    value: v("y".into())
                }
            ),
            "a:\n  b: \"y\"  # keep\n  c: '1'\n"
        );
        assert_eq!(
            apply(
                text,
                Op::SetScalar {
                    path: keys(&["a", "c"]),
                    value: v(100.into())
                }
            ),
            "a:\n  b: \"x\"  # keep\n  c: 100\n"
        );
        // a string that would read as a boolean is quoted
        assert_eq!(
            apply(
                "a: x\n",
                Op::SetScalar {
                    path: keys(&["a"]),
                    value: v("yes".into())
                }
            ),
            "a: \"yes\"\n"
        );
    }

    #[test]
    fn set_scalar_on_an_empty_value_and_a_missing_key() {
        assert_eq!(
            apply(
                "url:\nz: 1\n",
                Op::SetScalar {
                    path: keys(&["url"]),
                    value: v("http://g".into())
                }
            ),
            "url: http://g\nz: 1\n"
        );
        assert_eq!(
            apply(
                "# top\na:\n    b: 1  # c\n",
                Op::SetScalar {
                    path: keys(&["a", "x", "y"]),
                    value: v(true.into())
                }
            ),
            // `y` alone is the boolean true in YAML 1.1, so as a key it is quoted
            "# top\na:\n    b: 1  # c\n    x:\n        \"y\": true\n"
        );
        assert_eq!(
            apply(
                "a: {b: 1}\n",
                Op::SetScalar {
                    path: keys(&["a", "c"]),
                    value: v(2.into())
                }
            ),
            "a: {b: 1, c: 2}\n"
        );
        assert_eq!(
            apply(
                "",
                Op::SetScalar {
                    path: keys(&["a", "b"]),
                    value: v(1.into())
                }
            ),
            "a:\n  b: 1\n"
        );
        assert_eq!(
            apply(
                "a: 1",
                Op::SetScalar {
                    path: keys(&["b"]),
                    value: v(2.into())
                }
            ),
            "a: 1\nb: 2\n"
        );
    }

    #[test]
    fn append_follows_the_sequence_style() {
        let item = v(serde_json::json!({"name": "provisioning", "configMap": {"name": "cm"}}));
        assert_eq!(
            apply(
                "v:\n  - name: a  # first\n    emptyDir: {}\nw: 1\n",
                Op::Append {
                    path: keys(&["v"]),
                    item: item.clone()
                }
            ),
            "v:\n  - name: a  # first\n    emptyDir: {}\n  - name: provisioning\n    configMap:\n      name: cm\nw: 1\n"
        );
        // not indented under the key
        assert_eq!(
            apply(
                "v:\n- name: a\nw: 1\n",
                Op::Append {
                    path: keys(&["v"]),
                    item: item.clone()
                }
            ),
            "v:\n- name: a\n- name: provisioning\n  configMap:\n    name: cm\nw: 1\n"
        );
        // a new list in a file whose lists are not indented
        assert_eq!(
            apply(
                "l:\n- a\ng:\n  x: 1\n",
                Op::Append {
                    path: keys(&["g", "v"]),
                    item: v("c".into())
                }
            ),
            "l:\n- a\ng:\n  x: 1\n  v:\n  - c\n"
        );
        assert_eq!(
            apply(
                "v: [a, b]\n",
                Op::Append {
                    path: keys(&["v"]),
                    item: v("c".into())
                }
            ),
            "v: [a, b, c]\n"
        );
        assert_eq!(
            apply(
                "v: []\n",
                Op::Append {
                    path: keys(&["v"]),
                    item: v("c".into())
                }
            ),
            "v: [c]\n"
        );
        assert_eq!(
            apply(
                "g:\n  x: 1\n",
                Op::Append {
                    path: keys(&["g", "v"]),
                    item: v("c".into())
                }
            ),
            "g:\n  x: 1\n  v:\n    - c\n"
        );
    }

    #[test]
    fn replace_writes_blocks_at_the_right_indentation() {
        assert_eq!(
            apply(
                "a:\n  enable: [x, y]  # list\n",
                Op::Replace {
                    path: keys(&["a", "enable"]),
                    value: v("x,y".into())
                }
            ),
            "a:\n  enable: x,y  # list\n"
        );
        assert_eq!(
            apply(
                "a:\n  p:\n    - x\n    - y\nb: 1\n",
                Op::Replace {
                    path: keys(&["a", "p"]),
                    value: v(serde_json::json!([]))
                }
            ),
            "a:\n  p: []\nb: 1\n"
        );
        // comments inside the replaced value move above the key
        assert_eq!(
            apply(
                "a:\n  p:  # list\n    - x  # first\n    - y\n",
                Op::Replace {
                    path: keys(&["a", "p"]),
                    value: v(serde_json::json!([]))
                }
            ),
            "a:\n  # list\n  # first\n  p: []\n"
        );
        // a comment on its own line moves byte for byte
        assert_eq!(
            apply(
                "a:\n  p:\n    - x\n      # own line\n    - y\n",
                Op::Replace {
                    path: keys(&["a", "p"]),
                    value: v(serde_json::json!([]))
                }
            ),
            "a:\n      # own line\n  p: []\n"
        );
    }

    #[test]
    fn remove_of_a_maps_only_entry_takes_its_key() {
        // `grafana:` left `null` would delete the chart's defaults under it
        assert_eq!(
            apply(
                "a: 1\ngrafana:\n  fullnameOverride: grafana\n",
                Op::Remove {
                    path: keys(&["grafana", "fullnameOverride"])
                }
            ),
            "a: 1\n"
        );
        assert_eq!(
            apply(
                "a:\n  b:\n    c: 1\n  d: 2\n",
                Op::Remove {
                    path: keys(&["a", "b", "c"])
                }
            ),
            "a:\n  d: 2\n"
        );
    }

    #[test]
    fn remove_takes_the_comment_lines_above() {
        let text = "env:\n  # downloads plugins\n  GF_INSTALL_PLUGINS: x\n  OTHER: y\n";
        assert_eq!(
            apply(
                text,
                Op::Remove {
                    path: keys(&["env", "GF_INSTALL_PLUGINS"])
                }
            ),
            "env:\n  OTHER: y\n"
        );
        assert_eq!(
            apply(
                "a: {x: 1, y: 2}\n",
                Op::Remove {
                    path: keys(&["a", "x"])
                }
            ),
            "a: {y: 2}\n"
        );
        assert_eq!(
            apply(
                "a: {x: 1, y: 2}\n",
                Op::Remove {
                    path: keys(&["a", "y"])
                }
            ),
            "a: {x: 1}\n"
        );
        assert_eq!(
            apply(
                "l:\n  - a\n  - b\n",
                Op::Remove {
                    path: vec![Seg::Key("l".into()), Seg::Index(0)]
                }
            ),
            "l:\n  - b\n"
        );
    }

    #[test]
    fn block_scalars_at_the_end_keep_the_next_line_in_place() {
        let text = "g:\n  a: |\n    x\n# next\nh: 1\n";
        assert_eq!(
            apply(
                text,
                Op::SetScalar {
                    path: keys(&["g", "b"]),
                    value: v(2.into())
                }
            ),
            "g:\n  a: |\n    x\n  b: 2\n# next\nh: 1\n"
        );
        assert_eq!(
            apply(
                text,
                Op::Replace {
                    path: keys(&["g", "a"]),
                    value: v(serde_json::json!(["w"]))
                }
            ),
            "g:\n  a:\n    - w\n# next\nh: 1\n"
        );
        assert_eq!(
            apply(
                "g:\n  a: |\n    x\n  b: 1\n",
                Op::Replace {
                    path: keys(&["g", "a"]),
                    value: v("w".into())
                }
            ),
            "g:\n  a: w\n  b: 1\n"
        );
        assert_eq!(
            apply(
                "l:\n  - |\n    x\n# next\nh: 1\n",
                Op::Append {
                    path: keys(&["l"]),
                    item: v("z".into())
                }
            ),
            "l:\n  - |\n    x\n  - z\n# next\nh: 1\n"
        );
        assert_eq!(
            apply(
                "g:\n  a: |\n    x\n  b: 1\nh: 1\n",
                Op::Remove {
                    path: keys(&["g", "a"])
                }
            ),
            "g:\n  b: 1\nh: 1\n"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        assert_eq!(
            apply(
                "a:\r\n  b: 1\r\n",
                Op::SetScalar {
                    path: keys(&["a", "c"]),
                    value: v(2.into())
                }
            ),
            "a:\r\n  b: 1\r\n  c: 2\r\n"
        );
    }

    #[test]
    fn quoted_keys_resolve() {
        let text = "grafana:\n  \"grafana.ini\":\n    feature_toggles:\n      enable: a\n";
        assert_eq!(
            apply(
                text,
                Op::SetScalar {
                    path: keys(&["grafana", "grafana.ini", "feature_toggles", "enable"]),
                    value: v("a,b".into())
                }
            ),
            "grafana:\n  \"grafana.ini\":\n    feature_toggles:\n      enable: a,b\n"
        );
    }
}
