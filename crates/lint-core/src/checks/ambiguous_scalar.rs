//! OC093 ambiguous-scalar: an unquoted value that Helm's YAML 1.1 parser reads as something
//! other than the text written, where the chart uses it as text: `1.10` is the number 1.1,
//! `0755` is 493, and `no`, `on`, `y` in a Kubernetes label or annotation are booleans.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::release::InputKind;
use crate::schema::compact::Subschema;
use crate::schema::place;
use crate::values::format_float;
use crate::yaml::scalar::{Resolved, resolve_plain};
use crate::yaml::{NodeId, NodeKind, ScalarStyle};

/// The YAML 1.1 spellings of booleans that YAML 1.2 and most people read as words.
const BOOL_WORDS: [&str; 16] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// Maps whose values Kubernetes requires to be strings (labels, annotations, selectors).
fn string_map_key(key: &str) -> bool {
    key == "nodeSelector"
        || key.ends_with("Annotations")
        || key.ends_with("Labels")
        || key == "annotations"
        || key == "labels"
}

/// Places without a schema type whose values end up as text: Grafana's env and ini, the
/// Kubernetes string maps, and image tags and versions.
fn text_place(path: &[Seg]) -> bool {
    let key = |i: usize| match path.get(i) {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let under_grafana = |name: &str| key(0) == Some("grafana") && key(1) == Some(name);
    let last = path.len().checked_sub(1).and_then(key);
    let parent = path.len().checked_sub(2).and_then(key);
    under_grafana("env")
        || under_grafana("grafana.ini")
        || parent.is_some_and(string_map_key)
        || matches!(last, Some("tag" | "version" | "appVersion"))
}

/// What OC093 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An unquoted value Helm reads as a number other than the text written.
    Number {
        /// The value's key.
        path: String,
        /// The text written.
        written: String,
        /// The number Helm reads.
        found: String,
    },
    /// An unquoted word Helm reads as a boolean where Kubernetes wants a string.
    Boolean {
        /// The value's key.
        path: String,
        /// The text written.
        written: String,
        /// The boolean Helm reads.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let schema = Subschema::root(&crate::schema::chart_schema_file(ctx.release.chart));
    for (index, layer) in ctx.release.layers.iter().enumerate() {
        let Some(root) = layer.root else { continue };
        let doc = &layer.doc;
        let mut stack: Vec<(NodeId, Vec<Seg>)> = vec![(root, Vec::new())];
        while let Some((id, path)) = stack.pop() {
            match &doc.node(id).kind {
                NodeKind::Map(entries) => {
                    for entry in entries.iter().rev() {
                        // a merge key's map is checked where it is written (its anchor)
                        if let Some(key) = doc.scalar_text(entry.key).filter(|k| *k != "<<") {
                            let mut child = path.clone();
                            child.push(Seg::Key(key.to_owned()));
                            stack.push((entry.value, child));
                        }
                    }
                }
                NodeKind::Seq(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        let mut child = path.clone();
                        child.push(Seg::Index(i));
                        stack.push((*item, child));
                    }
                }
                NodeKind::Scalar {
                    text,
                    style: ScalarStyle::Plain,
                    tag: None,
                } => {
                    let Some((found, reading)) = surprise(text, &path, schema) else {
                        continue;
                    };
                    let key_path = place::key_path(&place::doc_path(ctx.release, &path));
                    let file = layer.source.clone();
                    let location = crate::diagnostic::Location {
                        file,
                        span: doc.node(id).span.clone(),
                        key_path: key_path.clone(),
                    };
                    // quoting changes the value Helm reads (1.1 becomes "1.10"): review it
                    let fix = crate::fix::build::for_layer(
                        ctx.release,
                        index,
                        format!("quote `{text}` so Helm keeps it as text"),
                        Applicability::Unsafe,
                        vec![Op::SetScalar {
                            path: path.clone(),
                            value: fix::ops::text(text.to_string()),
                        }],
                    );
                    let shown = key_path.to_string();
                    // a secret's value is not quoted, in any form it is read as
                    let (written, found) = if crate::redact::is_secret_path(key_path.segs()) {
                        let mask = crate::redact::MASK.to_owned();
                        (mask.clone(), mask)
                    } else {
                        (text.to_string(), found)
                    };
                    let message = if reading == Reading::Bool {
                        Message::Boolean {
                            path: shown,
                            written,
                            found,
                        }
                    } else {
                        Message::Number {
                            path: shown,
                            written,
                            found,
                        }
                    };
                    out.emit(message, location).with_fix(fix);
                }
                NodeKind::Scalar { .. } | NodeKind::Alias(_) => {}
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Reading {
    Bool,
    Number,
}

/// What Helm makes of `text` at `path` when that is not the text, and the chart uses the
/// value as text there; `None` when nothing surprising happens or a number or boolean is
/// what the chart expects.
fn surprise(text: &str, path: &[Seg], schema: Option<Subschema>) -> Option<(String, Reading)> {
    let resolved = resolve_plain(text);
    let (found, reading) = match resolved {
        Resolved::Bool(b) if BOOL_WORDS.contains(&text) => (b.to_string(), Reading::Bool),
        Resolved::Int(i) if i.to_string() != text => (i.to_string(), Reading::Number),
        Resolved::UInt(u) if u.to_string() != text => (u.to_string(), Reading::Number),
        Resolved::Float(f) if format_float(f) != text => (format_float(f), Reading::Number),
        _ => return None,
    };
    // the top-level `env` map is OC050's (values emitted unquoted)
    if matches!(path.first(), Some(Seg::Key(k)) if k == "env") {
        return None;
    }
    // the types the subschema at the path itself names (not those of its `$ref`)
    let node = schema.and_then(|s| s.at(path));
    let has = |name: &str| node.is_some_and(|n| n.allows(name));
    match reading {
        // where a boolean would also do, only Kubernetes string maps are sure
        Reading::Bool => {
            let parent_is_string_map = path
                .len()
                .checked_sub(2)
                .is_some_and(|i| matches!(&path[i], Seg::Key(k) if string_map_key(k)));
            if !parent_is_string_map || has("boolean") {
                return None;
            }
        }
        // a number the chart reads as a number (`defaultMode: 0755`) is what was meant;
        // a string-only place is OC091's (wrong type)
        Reading::Number => {
            let numeric = has("integer") || has("number");
            match node.filter(|n| n.has_types()) {
                Some(_) if !has("string") => return None,
                Some(_) if !numeric => return None,
                Some(_) => {}
                // an open map (a Kubernetes object passed through): only where it is text
                None if !text_place(path) => return None,
                None => {}
            }
        }
    }
    Some((found, reading))
}
