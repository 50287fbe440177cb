//! OC092 duplicate-key: a mapping that holds the same key twice. Helm keeps only the last
//! one, silently; the earlier entry is dead text (often a second `grafana:` block that was
//! meant to merge with the first).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Edit, Fix, Location};
use crate::path::KeyPath;
use crate::release::InputKind;
use crate::release::Layer;
use crate::values::{Kind, format_float, scalar_kind, to_value};
use crate::yaml::{CoreTag, Document, Entry, NodeId, NodeKind, ScalarStyle};

/// What OC092 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A key written again with a different value.
    DifferentValue {
        /// The key, as Helm reads it.
        key: String,
        /// The line of the later key, which Helm keeps.
        line: usize,
        /// This key as written.
        written: String,
        /// The later key as written.
        later_written: String,
        /// Both are written the same way.
        same_spelling: bool,
    },
    /// A map written again as another map, which replaces it.
    Maps {
        /// The key, as Helm reads it.
        key: String,
        /// The line of the later key, which Helm keeps.
        line: usize,
        /// This key as written.
        written: String,
        /// The later key as written.
        later_written: String,
        /// Both are written the same way.
        same_spelling: bool,
    },
    /// A key written again with the same value.
    SameValue {
        /// The key, as Helm reads it.
        key: String,
        /// The line of the later key, which Helm keeps.
        line: usize,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind == InputKind::OtherValues {
        return;
    }
    for (index, layer) in ctx.release.layers.iter().enumerate() {
        let Some(root) = layer.doc.root else {
            continue;
        };
        let doc = &layer.doc;
        // an explicit stack: documents may nest thousands deep. Key paths are built only for
        // what is reported: each stack entry points at its last segment in `segments`.
        let mut segments: Vec<(usize, PathSeg)> = vec![(0, PathSeg::Root)];
        let mut stack = vec![(root, 0usize)];
        while let Some((id, at)) = stack.pop() {
            match &doc.node(id).kind {
                NodeKind::Map(entries) => {
                    let keys: Vec<Option<Cow<'_, str>>> =
                        entries.iter().map(|e| helm_key(doc, e.key)).collect();
                    // where each key is written again later (Helm keeps the last one)
                    let later = written_later(&keys);
                    let flow = doc.node(id).flow;
                    for (i, entry) in entries.iter().enumerate() {
                        let (Some(key), Some(later)) = (&keys[i], later[i]) else {
                            continue;
                        };
                        let pair = (*entry, entries[later]);
                        let path = key_path(doc, &segments, at);
                        report(ctx, out, (index, layer), &path, key, pair, flow);
                    }
                    for (i, entry) in entries.iter().enumerate().rev() {
                        // what Helm ignores is reported once, not searched further; a
                        // scalar holds no keys (and needs no path segment)
                        if later[i].is_some() || !is_collection(doc, entry.value) {
                            continue;
                        }
                        let child = match keys[i] {
                            Some(_) => {
                                segments.push((at, PathSeg::Key(entry.key)));
                                segments.len() - 1
                            }
                            None => at,
                        };
                        stack.push((entry.value, child));
                    }
                }
                NodeKind::Seq(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        if !is_collection(doc, *item) {
                            continue;
                        }
                        segments.push((at, PathSeg::Index(i)));
                        stack.push((*item, segments.len() - 1));
                    }
                }
                NodeKind::Scalar { .. } | NodeKind::Alias(_) => {}
            }
        }
    }
}

/// Whether the node (not followed through aliases, as the walk does not) is a collection.
fn is_collection(doc: &Document, id: NodeId) -> bool {
    matches!(doc.node(id).kind, NodeKind::Map(_) | NodeKind::Seq(_))
}

/// One step of a key path, linked to its parent in an arena.
enum PathSeg {
    Root,
    Key(NodeId),
    Index(usize),
}

/// The key path that ends at segment `at`.
fn key_path(doc: &Document, segments: &[(usize, PathSeg)], mut at: usize) -> KeyPath {
    let mut steps = Vec::new();
    while let Some((parent, seg)) = segments.get(at) {
        if matches!(seg, PathSeg::Root) {
            break;
        }
        steps.push(seg);
        at = *parent;
    }
    steps
        .into_iter()
        .rev()
        .fold(KeyPath::root(), |path, seg| match seg {
            PathSeg::Key(key) => path.key(&helm_key(doc, *key).unwrap_or_default()),
            PathSeg::Index(i) => path.index(*i),
            PathSeg::Root => path,
        })
}

/// The key as Helm stores it (sigs.k8s.io/yaml prints resolved keys: `on:` is `"true"`),
/// or `None` for the merge key `<<` and for non-scalar keys.
fn helm_key(doc: &Document, key: NodeId) -> Option<Cow<'_, str>> {
    let NodeKind::Scalar { text, style, tag } = &doc.node(doc.deref(key)).kind else {
        return None;
    };
    if *style == ScalarStyle::Plain && tag.is_none() && &**text == "<<" {
        return None;
    }
    Some(match scalar_kind(text, *style, tag.map(CoreTag::suffix)) {
        Kind::Null => Cow::Borrowed("null"),
        Kind::Bool(b) => Cow::Owned(b.to_string()),
        Kind::Int(i) => Cow::Owned(i.to_string()),
        Kind::Float(f) => Cow::Owned(format_float(f)),
        _ => Cow::Borrowed(&**text),
    })
}

/// For each key of a map, where the same key is written last when that is after it: the
/// entries Helm ignores. Small maps (nearly all) compare keys pairwise; larger ones index
/// them by key.
fn written_later(keys: &[Option<Cow<'_, str>>]) -> Vec<Option<usize>> {
    const PAIRWISE: usize = 16;
    if keys.len() <= PAIRWISE {
        return (0..keys.len())
            .map(|i| {
                let key = keys[i].as_ref()?;
                (i + 1..keys.len())
                    .rev()
                    .find(|&j| keys[j].as_ref() == Some(key))
            })
            .collect();
    }
    let mut last: HashMap<&str, usize, ahash::RandomState> =
        HashMap::with_capacity_and_hasher(keys.len(), ahash::RandomState::new());
    for (i, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            last.insert(key, i);
        }
    }
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            let key = key.as_deref()?;
            last.get(key).copied().filter(|&j| j > i)
        })
        .collect()
}

fn report(
    ctx: &CheckContext<'_>,
    out: &mut Emitter<'_, Message>,
    (index, layer): (usize, &Layer),
    path: &KeyPath,
    key: &str,
    (earlier, later): (Entry, Entry),
    flow: bool,
) {
    let doc = &layer.doc;
    let file = layer.source.clone();
    let key_path = path.key(key);
    let written = |id: NodeId| doc.scalar_text(id).unwrap_or_default().to_owned();
    let later_line = file.line_col(doc.node(later.key).span.start).line;
    let budget = ctx.options.limits.max_alias_expansion;
    let value_of = |id: NodeId| {
        to_value(doc, id, index, &|r| r, budget)
            .ok()
            .map(|v| v.to_json())
    };
    let (first, second) = (value_of(earlier.value), value_of(later.value));
    let same = first.is_some() && first == second;
    let both_maps = [earlier.value, later.value]
        .iter()
        .all(|id| matches!(doc.node(doc.deref(*id)).kind, NodeKind::Map(_)));
    let message = match (same, both_maps) {
        (true, _) => Message::SameValue {
            key: key.to_owned(),
            line: later_line,
        },
        (false, true) => Message::Maps {
            key: key.to_owned(),
            line: later_line,
            written: written(earlier.key),
            later_written: written(later.key),
            same_spelling: written(earlier.key) == written(later.key),
        },
        (false, false) => Message::DifferentValue {
            key: key.to_owned(),
            line: later_line,
            written: written(earlier.key),
            later_written: written(later.key),
            same_spelling: written(earlier.key) == written(later.key),
        },
    };
    let location = Location {
        file: file.clone(),
        span: doc.node(earlier.key).span.clone(),
        key_path: key_path.clone(),
    };
    let related = Location {
        file: file.clone(),
        span: doc.node(later.key).span.clone(),
        key_path,
    };
    // two maps were meant to merge: only the user can merge them
    let fix = (!flow && (!both_maps || same))
        .then(|| remove_entry(layer, earlier))
        .flatten()
        .map(|edit| Fix {
            title: format!("remove the earlier `{key}`, which Helm ignores"),
            applicability: if same {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            edits: vec![edit],
            targets: Vec::new(),
        });
    out.emit(message, location)
        .with_fix(fix)
        .with_related(related, "Helm keeps this one");
}

/// The edit that deletes a block mapping entry: its whole lines, from the key's line to the
/// end of its value. `None` when the entry shares a line with something else (flow style,
/// the first key of a list item) or the key is not a plain line start.
fn remove_entry(layer: &Layer, entry: Entry) -> Option<Edit> {
    let doc = &layer.doc;
    let text = layer.source.text();
    let key = doc.node(entry.key);
    let value = doc.node(entry.value);
    if key.span.end > text.len() || value.span.end > text.len() {
        return None;
    }
    let line = text[..key.span.start].rfind('\n').map_or(0, |i| i + 1);
    if !text[line..key.span.start].trim().is_empty() {
        return None;
    }
    let end_of_value = value.span.end.max(key.span.end);
    // a block scalar's span already ends after its line break
    let end = if end_of_value > 0 && text.as_bytes()[end_of_value - 1] == b'\n' {
        end_of_value
    } else {
        text[end_of_value..]
            .find('\n')
            .map_or(text.len(), |i| end_of_value + i + 1)
    };
    // anything after the value on its last line must be a comment
    let tail = text[end_of_value.min(end)..end].trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Edit {
        file: layer.source.clone(),
        range: line..end,
        replacement: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::helm_key;
    use std::borrow::Cow;
    use crate::yaml::{Limits, parse};

    #[test]
    fn keys_compare_as_helm_reads_them() {
        let doc = parse(
            "on: 1\ntrue: 2\n010: 3\n8: 4\n'on': 5\n<<: {}\n",
            &Limits::default(),
        )
        .unwrap()
        .remove(0);
        let root = doc.root.unwrap();
        let keys: Vec<Option<String>> = doc
            .entries(root)
            .iter()
            .map(|e| helm_key(&doc, e.key).map(Cow::into_owned))
            .collect();
        let expected = ["true", "true", "8", "8", "on"].map(|k| Some(k.to_owned()));
        assert_eq!(&keys[..5], &expected[..]);
        assert_eq!(keys[5], None, "the merge key is not a key");
    }
}
