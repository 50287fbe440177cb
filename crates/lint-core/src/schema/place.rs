//! From a violation's instance path back to the user's text: the value there (with its
//! provenance), the key path to print, and the key in every file that writes it.

use crate::diagnostic::Location;
use crate::path::KeyPath;
use crate::path::Seg;
use crate::release::Release;
use crate::values::{Kind, Value};
use crate::yaml::{Document, Entry, NodeId, NodeKind};

/// The value at a path of keys and list indices.
pub fn value_at<'v>(root: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    let mut current = root;
    for seg in path {
        current = match (seg, &current.kind) {
            (Seg::Key(key), Kind::Map(map)) => map.get(key)?,
            (Seg::Index(index), Kind::Seq(items)) => items.get(*index)?,
            (Seg::Index(index), Kind::Map(map)) => map.get(&index.to_string())?,
            _ => return None,
        };
    }
    Some(current)
}

/// The key path of a path of keys and indices.
pub fn key_path(path: &[Seg]) -> KeyPath {
    path.iter().fold(KeyPath::root(), |p, seg| match seg {
        Seg::Key(key) => p.key(key),
        Seg::Index(index) => p.index(*index),
    })
}

/// The path as printed: `grafana.image.pullSecrets`, `grafana.extraVolumes[0].name`.
pub fn display(path: &[Seg]) -> String {
    key_path(path).to_string()
}

/// A chart-relative path from the top of the files (under the values root; without the
/// release's mount, `grafana` for values of the grafana chart, which the files do not
/// write).
pub fn doc_path(release: &Release, chart_path: &[Seg]) -> Vec<Seg> {
    let mounted = release.mount.len() <= chart_path.len()
        && release
            .mount
            .iter()
            .zip(chart_path)
            .all(|(m, seg)| matches!(seg, Seg::Key(k) if k == m));
    let in_file = if mounted {
        &chart_path[release.mount.len()..]
    } else {
        chart_path
    };
    release
        .values_root
        .iter()
        .map(|k| Seg::Key(k.clone()))
        .chain(in_file.iter().cloned())
        .collect()
}

/// The mapping entry at `path` (from the top of the files) in every file of the release
/// that writes it, later files first: (layer index, entry).
pub fn entries(release: &Release, path: &[Seg]) -> Vec<(usize, Entry)> {
    let mut out = Vec::new();
    for (index, layer) in release.layers.iter().enumerate().rev() {
        if let Some(entry) = layer
            .doc
            .root
            .and_then(|root| find_entry(&layer.doc, root, path))
        {
            out.push((index, entry));
        }
    }
    out
}

/// The key at `path` (from the top of the files) in every file of the release that writes
/// it, later files first.
pub fn key_locations(release: &Release, path: &[Seg]) -> Vec<Location> {
    let key_path = key_path(path);
    entries(release, path)
        .into_iter()
        .map(|(index, entry)| {
            let layer = &release.layers[index];
            Location {
                file: layer.source.clone(),
                span: layer.doc.node(entry.key).span.clone(),
                key_path: key_path.clone(),
            }
        })
        .collect()
}

/// The spans of the nodes the document's aliases name (read once per document, so that
/// asking [`holds_used_anchor`] for many keys stays linear).
pub fn alias_targets(doc: &Document) -> Vec<std::ops::Range<usize>> {
    doc.ids()
        .filter_map(|id| match doc.node(id).kind {
            NodeKind::Alias(target) => Some(doc.node(target).span.clone()),
            _ => None,
        })
        .collect()
}

/// Whether the value of `entry` holds an anchor that an alias of the document uses
/// (`targets`: [`alias_targets`] of the document): a key kept only to hold shared YAML
/// (`x-defaults: {resources: &res ...}`).
pub fn holds_used_anchor(doc: &Document, targets: &[std::ops::Range<usize>], entry: Entry) -> bool {
    let span = doc.node(entry.value).span.clone();
    targets
        .iter()
        .any(|t| t.start >= span.start && t.end <= span.end)
}

/// The mapping entry at the end of `path`, in one document.
pub fn find_entry(doc: &Document, root: NodeId, path: &[Seg]) -> Option<Entry> {
    let mut current = root;
    let mut found = None;
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let entry = doc.get(current, k)?;
                found = Some(entry);
                current = entry.value;
            }
            Seg::Index(index) => {
                current = *doc.items(current).get(*index)?;
                found = None;
            }
        }
    }
    found
}

/// The key node of the last mapping entry on `path`, in one document.
pub fn find_key(doc: &Document, root: NodeId, path: &[Seg]) -> Option<NodeId> {
    let mut current = root;
    let mut key = None;
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let entry = doc.get(current, k)?;
                key = Some(entry.key);
                current = entry.value;
            }
            Seg::Index(index) => {
                current = *doc.items(current).get(*index)?;
                key = None;
            }
        }
    }
    key
}
