//! Turning a check's operations into a [`Fix`] with concrete edits, in the file the value
//! came from, under the release's values root, or inside embedded YAML.

use std::ops::Range;

use super::compile::{SharedAnchor, Style, TextEdit, compile, shared_anchor};
use super::ops::Op;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::provisioning::ProvisionedApp;
use crate::path::Seg;
use crate::release::{Layer, Release};
use crate::values::{Origin, Value};
use crate::yaml::embedded::SpanMapper;
use crate::yaml::{Document, Node, NodeKind, ScalarStyle, parse};

/// Builds a fix whose `ops` (chart-relative paths) apply to layer `layer` of `release`.
/// Returns `None` when an operation cannot be written in that file.
pub fn for_layer(
    release: &Release,
    layer: usize,
    title: String,
    applicability: Applicability,
    ops: Vec<Op>,
) -> Option<Fix> {
    let layer_ref = release.layers.get(layer)?;
    if layer_ref.doc.root.is_none() && !layer_ref.source.text().trim().is_empty() {
        return None;
    }
    let text = layer_ref.source.text();
    let style = Style::detect_in(&layer_ref.source, &layer_ref.doc);
    let prefix: Vec<Seg> = release
        .values_root
        .iter()
        .map(|k| Seg::Key(k.clone()))
        .collect();
    let mut text_edits = Vec::new();
    let mut targets = Vec::new();
    for op in &ops {
        targets.push(op.path().to_vec());
        let rooted = with_prefix(&unmounted(release, op)?, &prefix);
        text_edits.extend(compile(text, &layer_ref.doc, &style, &rooted).ok()?);
    }
    let shared = shared_anchor(&layer_ref.doc, &text_edits).map(|s| s.note(text, s.offset));
    let edits: Vec<Edit> = text_edits
        .into_iter()
        .map(|(range, replacement)| Edit {
            file: layer_ref.source.clone(),
            range,
            replacement,
        })
        .collect();
    non_overlapping(&edits).then(|| guarded(title, applicability, edits, targets, shared))
}

/// A fix, shown but never applied when applying it would also change a value read through
/// an alias of an anchor it edits (`shared` says which).
fn guarded(
    title: String,
    applicability: Applicability,
    edits: Vec<Edit>,
    targets: Vec<Vec<Seg>>,
    shared: Option<String>,
) -> Fix {
    match shared {
        Some(note) => Fix {
            title: format!("{title} ({note})"),
            applicability: Applicability::DisplayOnly,
            edits,
            targets,
        },
        None => Fix {
            title,
            applicability,
            edits,
            targets,
        },
    }
}

/// A fix in the file where `value` was written, or, for a chart default (or no value), in
/// the last file of the release (the one Helm lets win). Paths are chart-relative.
pub fn at(
    release: &Release,
    value: Option<&Value>,
    title: impl Into<String>,
    applicability: Applicability,
    ops: Vec<Op>,
) -> Option<Fix> {
    let layer = value
        .and_then(Value::site)
        .map(|site| site.layer)
        .or_else(|| last_file_layer(release))?;
    for_layer(release, layer, title.into(), applicability, ops)
}

/// Operations that set every `(keys, value)`: keys the files already have are set in
/// place; a missing key is inserted once, with everything below it as one map (several
/// insertions under one new parent would clash).
pub fn merge_ops(release: &Release, settings: &[(Vec<&str>, serde_json::Value)]) -> Vec<Op> {
    let mut tree = serde_json::Map::new();
    for (keys, value) in settings {
        let mut node = &mut tree;
        for (i, key) in keys.iter().enumerate() {
            if i + 1 == keys.len() {
                node.insert((*key).to_owned(), value.clone());
            } else {
                let entry = node
                    .entry((*key).to_owned())
                    .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                if !entry.is_object() {
                    *entry = serde_json::Value::Object(serde_json::Map::new());
                }
                match entry.as_object_mut() {
                    Some(map) => node = map,
                    None => break,
                }
            }
        }
    }
    let mut ops = Vec::new();
    walk(release, &mut Vec::new(), &tree, &mut ops);
    ops
}

fn walk(
    release: &Release,
    at: &mut Vec<String>,
    tree: &serde_json::Map<String, serde_json::Value>,
    ops: &mut Vec<Op>,
) {
    let origin = Origin::Fix;
    for (key, child) in tree {
        at.push(key.clone());
        let keys: Vec<&str> = at.iter().map(String::as_str).collect();
        let exists = release.user_sets(&keys);
        match child {
            serde_json::Value::Object(map) if exists => walk(release, at, map, ops),
            serde_json::Value::Object(_) => ops.push(Op::Replace {
                path: Seg::keys(&keys),
                value: Value::from_json(child, &origin),
            }),
            _ if exists => ops.push(Op::SetScalar {
                path: Seg::keys(&keys),
                value: Value::from_json(child, &origin),
            }),
            _ => ops.push(Op::Replace {
                path: Seg::keys(&keys),
                value: Value::from_json(child, &origin),
            }),
        }
        at.pop();
    }
}

/// One fix made of `ops` in the last file: each operation is compiled on its own and
/// insertions at the same place are joined (the fix builder refuses two edits at one
/// place), so several keys can be added under one parent.
pub fn combined(
    release: &Release,
    title: String,
    applicability: Applicability,
    ops: Vec<Op>,
) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    // insertions at one place, joined deepest first: at the end of nested blocks the
    // innermost block's new keys must come before its parents'
    let mut inserts: Vec<(usize, Vec<String>)> = Vec::new();
    let mut targets = Vec::new();
    for op in ops {
        let fix = at(release, None, title.clone(), applicability, vec![op])?;
        targets.extend(fix.targets);
        for edit in fix.edits {
            let same = edits.iter().position(|e| {
                e.file.path() == edit.file.path() && e.range == edit.range && e.range.is_empty()
            });
            match same {
                Some(index) => match inserts.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, texts)) => texts.push(edit.replacement),
                    None => inserts.push((index, vec![edit.replacement])),
                },
                None if edit.range.is_empty() => {
                    inserts.push((edits.len(), vec![edit.replacement.clone()]));
                    edits.push(edit);
                }
                None => edits.push(edit),
            }
        }
    }
    let indent = |text: &str| {
        text.lines()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len())
    };
    for (index, mut texts) in inserts {
        texts.sort_by_key(|t| std::cmp::Reverse(indent(t)));
        if let Some(edit) = edits.get_mut(index) {
            edit.replacement = texts.concat();
        }
    }
    (non_overlapping(&edits) && !edits.is_empty()).then_some(Fix {
        title,
        applicability,
        edits,
        targets,
    })
}

/// The layer a fix should edit: the last user file (the one Helm lets win), or the first
/// file when the release has no file layer at all.
pub fn last_file_layer(release: &Release) -> Option<usize> {
    release
        .layers
        .iter()
        .rposition(|l| l.source.path() != crate::release::SET_FILE)
}

/// Builds a fix whose `ops` apply inside a provisioned app entry (paths relative to the
/// entry), in a provisioning file or in YAML embedded in a literal block.
pub fn for_app(
    release: &Release,
    app: &ProvisionedApp,
    title: String,
    applicability: Applicability,
    ops: Vec<Op>,
) -> Option<Fix> {
    let layer = release.layers.get(app.layer)?;
    let entry_ops: Vec<Op> = ops
        .iter()
        .map(|op| with_prefix(op, &app.entry_path))
        .collect();
    let Some(string_path) = &app.string_path else {
        let (edits, shared) = file_edits(layer, &entry_ops)?;
        let targets = entry_ops.iter().map(|op| op.path().to_vec()).collect();
        return non_overlapping(&edits)
            .then(|| guarded(title, applicability, edits, targets, shared));
    };
    let (edits, shared) = embedded_edits(layer, app, string_path, &entry_ops)?;
    let targets = release.chart_path(string_path).into_iter().collect();
    non_overlapping(&edits).then(|| guarded(title, applicability, edits, targets, shared))
}

/// A file's edits, with the note of an alias they would change (see [`SharedAnchor`]).
type GuardedEdits = (Vec<Edit>, Option<String>);

/// The edits of `ops` in the layer's own text; `None` when one cannot be written.
fn file_edits(layer: &Layer, ops: &[Op]) -> Option<GuardedEdits> {
    let outer = layer.source.text();
    let style = Style::detect_in(&layer.source, &layer.doc);
    let mut text_edits = Vec::new();
    for op in ops {
        text_edits.extend(compile(outer, &layer.doc, &style, op).ok()?);
    }
    let shared = shared_anchor(&layer.doc, &text_edits).map(|s| s.note(outer, s.offset));
    let edits = text_edits
        .into_iter()
        .map(|(range, replacement)| Edit {
            file: layer.source.clone(),
            range,
            replacement,
        })
        .collect();
    Some((edits, shared))
}

/// The edits of `ops` in the YAML embedded in the literal block at `string_path`:
/// compiled against the block's text, then mapped back to the layer's file. `None` when
/// one cannot be written or mapped.
fn embedded_edits(
    layer: &Layer,
    app: &ProvisionedApp,
    string_path: &[Seg],
    ops: &[Op],
) -> Option<GuardedEdits> {
    let outer = layer.source.text();
    let (string_node, inner) = literal_block(&layer.doc, string_path)?;
    // the document the entry was found in; parsed here only for an entry found otherwise
    let inner_doc = match &app.embedded_doc {
        Some(doc) => std::sync::Arc::clone(doc),
        None => std::sync::Arc::new(
            parse(inner, &Default::default())
                .ok()?
                .into_iter()
                .find(|d| d.root.is_some())?,
        ),
    };
    let style = Style {
        newline: "\n",
        ..Style::detect(inner, &inner_doc)
    };
    let mapper = SpanMapper::new(outer, string_node.span.clone(), inner, ScalarStyle::Literal);
    let indent = {
        let start = string_node.span.start;
        let line = outer[..start].rfind('\n').map_or(0, |i| i + 1);
        outer[line..start].to_owned()
    };
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let mut inner_edits: Vec<TextEdit> = Vec::new();
    for op in ops {
        inner_edits.extend(compile(inner, &inner_doc, &style, op).ok()?);
    }
    let shared = shared_anchor(&inner_doc, &inner_edits).map(|s: SharedAnchor| {
        let at = mapper.map(s.offset..s.offset).start;
        s.note(outer, at)
    });
    let mut edits = Vec::new();
    for (range, replacement) in inner_edits {
        let newline = layer.source.newline();
        let (range, replacement) = to_outer(outer, newline, &mapper, &indent, range, &replacement)?;
        edits.push(Edit {
            file: layer.source.clone(),
            range,
            replacement,
        });
    }
    Some((edits, shared))
}

/// The literal block scalar at `path` in `doc`, and its text.
fn literal_block<'d>(doc: &'d Document, path: &[Seg]) -> Option<(&'d Node, &'d str)> {
    let mut node = doc.root?;
    for seg in path {
        node = match seg {
            Seg::Key(k) => doc.get(node, k)?.value,
            Seg::Index(i) => *doc.items(node).get(*i)?,
        };
    }
    let string_node = doc.node(node);
    let NodeKind::Scalar {
        text: inner,
        style: ScalarStyle::Literal,
        ..
    } = &string_node.kind
    else {
        return None;
    };
    Some((string_node, inner))
}

/// An edit of a literal block's text as an edit of the outer file: its range mapped, its
/// line breaks the file's (`newline`) and followed by the block's `indent`.
fn to_outer(
    outer: &str,
    newline: &str,
    mapper: &SpanMapper,
    indent: &str,
    range: Range<usize>,
    replacement: &str,
) -> Option<(Range<usize>, String)> {
    let mut outer_range = mapper.map_exact(range)?;
    // the end of an inner line (`\n`) maps between the `\r` and `\n` of a CRLF
    // file: an insertion there belongs after the line break
    if outer_range.is_empty()
        && outer[..outer_range.start].ends_with('\r')
        && outer[outer_range.start..].starts_with('\n')
    {
        outer_range = outer_range.start + 1..outer_range.start + 1;
    }
    let mapped = replacement.replace('\n', &format!("{newline}{indent}"));
    // lines inserted before an inner line land after that line's indentation in the
    // outer file (the last indentation is the next line's own); at the very end of
    // the block they land at the start of the next outer line, before any
    // indentation, so each inserted line carries its own
    let at_outer_line_start = outer_range.start == 0 || outer[..outer_range.start].ends_with('\n');
    let mapped = match mapped.strip_suffix(indent) {
        Some(stripped) if at_outer_line_start && replacement.ends_with('\n') => {
            format!("{indent}{stripped}")
        }
        _ => mapped,
    };
    Some((outer_range, mapped))
}

/// `op` with its release path made a path in the files (the mount taken off); `None` when
/// the path is outside what the files hold.
fn unmounted(release: &Release, op: &Op) -> Option<Op> {
    let strip = |path: &[Seg]| -> Option<Vec<Seg>> {
        let mut rest = path;
        for key in &release.mount {
            match rest.first() {
                Some(Seg::Key(k)) if k == key => rest = &rest[1..],
                _ => return None,
            }
        }
        Some(rest.to_vec())
    };
    Some(match op {
        Op::SetScalar { path, value } => Op::SetScalar {
            path: strip(path)?,
            value: value.clone(),
        },
        Op::Replace { path, value } => Op::Replace {
            path: strip(path)?,
            value: value.clone(),
        },
        Op::Append { path, item } => Op::Append {
            path: strip(path)?,
            item: item.clone(),
        },
        Op::Remove { path } => Op::Remove { path: strip(path)? },
    })
}

fn with_prefix(op: &Op, prefix: &[Seg]) -> Op {
    let join = |path: &[Seg]| prefix.iter().chain(path).cloned().collect::<Vec<_>>();
    match op {
        Op::SetScalar { path, value } => Op::SetScalar {
            path: join(path),
            value: value.clone(),
        },
        Op::Replace { path, value } => Op::Replace {
            path: join(path),
            value: value.clone(),
        },
        Op::Append { path, item } => Op::Append {
            path: join(path),
            item: item.clone(),
        },
        Op::Remove { path } => Op::Remove { path: join(path) },
    }
}

fn non_overlapping(edits: &[Edit]) -> bool {
    let mut ranges: Vec<_> = edits
        .iter()
        .map(|e| (e.file.path().to_owned(), e.range.clone()))
        .collect();
    ranges.sort_by(|a, b| (&a.0, a.1.start, a.1.end).cmp(&(&b.0, b.1.start, b.1.end)));
    ranges
        .windows(2)
        .all(|w| w[0].0 != w[1].0 || w[0].1.end <= w[1].1.start && w[0].1 != w[1].1)
}
