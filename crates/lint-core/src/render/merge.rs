//! `--merge-into`: writes a values overlay into a values file with the fix engine, the way
//! Helm would layer it (maps merge key by key, lists and scalars replace), editing only the
//! keys the overlay sets: every comment and every other byte stays.
//!
//! Each change is one [`Op`] compiled against the current text and applied, then the text is
//! parsed again before the next. At the end the file's values must equal its old values
//! with the overlay coalesced on top, and every comment of the old file must still be in
//! it; otherwise nothing is returned. A second merge of the same overlay changes nothing.

use crate::fix::compile::shared_anchor;
use crate::fix::{Op, Style, compile};
use crate::path::Seg;
use crate::values::{Kind, Value, coalesce, to_value};
use crate::yaml::{Document, Limits, NodeId, NodeKind, parse};

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

fn values_of(doc: &Document) -> Result<Value, MergeError> {
    match doc.root {
        Some(root) => to_value(doc, root, 0, &|r| r, 1_000_000 + doc.len())
            .map_err(|e| MergeError(format!("cannot be loaded as Helm would: {}", e.message))),
        None => Ok(Value::new(
            Kind::Map(Default::default()),
            crate::values::Origin::Default {
                chart: "merge",
                version: "",
            },
        )),
    }
}

/// The node at a path of keys; an alias on the way is refused (editing through it would
/// change every place the anchor is used).
fn node_at(doc: &Document, path: &[Seg]) -> Result<Option<NodeId>, MergeError> {
    let Some(mut current) = doc.root else {
        return Ok(None);
    };
    for (depth, seg) in path.iter().enumerate() {
        let Seg::Key(key) = seg else {
            return Ok(None);
        };
        match &doc.node(current).kind {
            NodeKind::Map(_) => match doc.get(current, key) {
                Some(entry) => current = entry.value,
                None => return Ok(None),
            },
            NodeKind::Alias(_) => {
                return err(format!(
                    "uses an alias at `{}`; merge by hand so that the anchor's other uses do not change",
                    display(&path[..depth])
                ));
            }
            _ => return Ok(None),
        }
    }
    if matches!(doc.node(current).kind, NodeKind::Alias(_)) {
        return err(format!(
            "uses an alias at `{}`; merge by hand so that the anchor's other uses do not change",
            display(path)
        ));
    }
    Ok(Some(current))
}

fn display(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => format!("[{i}]"),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn same(doc: &Document, id: NodeId, value: &Value) -> bool {
    to_value(doc, id, 0, &|r| r, 1_000_000 + doc.len())
        .is_ok_and(|v| v.to_json() == value.to_json())
}

fn apply(text: &mut String, doc: &Document, op: &Op) -> Result<(), MergeError> {
    let style = Style::detect(text, doc);
    let mut edits = compile(text, doc, &style, op)
        .map_err(|e| MergeError(format!("cannot set `{}`: {e}", display(op.path()))))?;
    // the text may already hold earlier merges, so its lines are not the user's: no line
    if let Some(shared) = shared_anchor(doc, &edits) {
        let whose = shared
            .key
            .map_or_else(|| "an alias".to_owned(), |k| format!("`{k}`"));
        return err(format!(
            "cannot set `{}`: it carries an anchor that {whose} elsewhere in the file reads through an alias, and that value would change too; merge by hand",
            display(op.path())
        ));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut floor = text.len();
    for (range, mut replacement) in edits {
        if range.end > floor || range.start > range.end {
            return err(format!(
                "cannot set `{}`: overlapping edits",
                display(op.path())
            ));
        }
        // a block scalar's span takes its line break: the new text must end a line too,
        // or the next line (a comment, a key) would join its last line
        if range.end > range.start
            && text[..range.end].ends_with('\n')
            && !replacement.ends_with('\n')
        {
            replacement.push_str(style.newline);
        }
        floor = range.start;
        text.replace_range(range, &replacement);
    }
    document(text).map_err(|e| {
        MergeError(format!(
            "setting `{}` broke the file: {e}",
            display(op.path())
        ))
    })?;
    Ok(())
}

fn merge_value(text: &mut String, path: &mut Vec<Seg>, value: &Value) -> Result<(), MergeError> {
    let doc = document(text)?;
    let node = node_at(&doc, path)?;
    if let Kind::Map(map) = &value.kind
        && !map.is_empty()
        && (path.is_empty() || node.is_some_and(|id| matches!(doc.node(id).kind, NodeKind::Map(_))))
    {
        for (key, inner) in map.iter() {
            path.push(Seg::Key(key.clone()));
            let result = merge_value(text, path, inner);
            path.pop();
            result?;
        }
        return Ok(());
    }
    if node.is_some_and(|id| same(&doc, id, value)) {
        return Ok(());
    }
    let op = match &value.kind {
        Kind::Map(_) | Kind::Seq(_) => Op::Replace {
            path: path.clone(),
            value: value.clone(),
        },
        _ => Op::SetScalar {
            path: path.clone(),
            value: value.clone(),
        },
    };
    apply(text, &doc, &op)
}

/// `text` with `overlay` merged in. The result keeps every comment, and its values are the
/// old values with the overlay on top; `Ok(text)` unchanged when the overlay is already in.
pub fn merge_into(text: &str, overlay: &Value) -> Result<String, MergeError> {
    if !matches!(overlay.kind, Kind::Map(_)) {
        return err("the overlay is not a map of values");
    }
    let before = document(text)?;
    let old_values = values_of(&before)?;
    let mut out = text.to_owned();
    merge_value(&mut out, &mut Vec::new(), overlay)?;
    let after = document(&out)?;
    let mut expected = old_values;
    coalesce(&mut expected, overlay.clone());
    if values_of(&after)?.to_json() != expected.to_json() {
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
mod tests {
    use super::*;
    use crate::values::Origin;

    fn v(json: serde_json::Value) -> Value {
        Value::from_json(
            &json,
            &Origin::Default {
                chart: "t",
                version: "0",
            },
        )
    }

    #[test]
    fn merging_sets_leaves_replaces_lists_and_keeps_comments() {
        let text = "# top\ngrafana:  # the bundled one\n  enabled: true\n  plugins:  # from grafana.com\n    - grafana-oncall-app\n  env:\n    A: \"1\"  # keep\nbase_url: x\n";
        let overlay = v(serde_json::json!({
            "grafana": {"plugins": [], "env": {"B": "2"}, "extraVolumes": [{"name": "p", "configMap": {"name": "c"}}]},
            "global": {"imageRegistry": "r.example"},
        }));
        let merged = merge_into(text, &overlay).unwrap();
        assert_eq!(
            merged,
            "# top\ngrafana:  # the bundled one\n  enabled: true\n  # from grafana.com\n  plugins: []\n  env:\n    A: \"1\"  # keep\n    B: \"2\"\n  extraVolumes:\n    - name: p\n      configMap:\n        name: c\nbase_url: x\nglobal:\n  imageRegistry: r.example\n"
        );
        assert_eq!(merge_into(&merged, &overlay).unwrap(), merged);
    }

    #[test]
    fn replacing_a_list_that_ends_in_a_block_scalar_keeps_the_next_line() {
        let text = "g:\n  objects:\n    - data: |\n        line\n# next\nother: 1\n";
        let overlay = v(serde_json::json!({"g": {"objects": [{"data": "new\n"}]}}));
        let merged = merge_into(text, &overlay).unwrap();
        assert_eq!(
            merged,
            "g:\n  objects:\n    - data: |\n        new\n# next\nother: 1\n"
        );
    }

    #[test]
    fn empty_files_crlf_and_refusals() {
        let overlay = v(serde_json::json!({"grafana": {"plugins": []}}));
        assert_eq!(
            merge_into("", &overlay).unwrap(),
            "grafana:\n  plugins: []\n"
        );
        assert_eq!(
            merge_into("# only a comment\n", &overlay).unwrap(),
            "# only a comment\ngrafana:\n  plugins: []\n"
        );
        assert_eq!(
            merge_into("a: 1\r\ngrafana:\r\n  x: 1\r\n", &overlay).unwrap(),
            "a: 1\r\ngrafana:\r\n  x: 1\r\n  plugins: []\r\n"
        );
        assert!(merge_into("a: 1\n---\nb: 2\n", &overlay).is_err());
        assert!(merge_into("- a\n", &overlay).is_err());
        let aliased = "base: &g\n  x: 1\ngrafana: *g\n";
        assert!(
            merge_into(aliased, &overlay)
                .unwrap_err()
                .0
                .contains("alias")
        );
    }
}
