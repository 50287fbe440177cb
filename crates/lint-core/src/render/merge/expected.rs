//! What a merge must end with, as values: the rule `--merge-into` follows, written once
//! over JSON so that the text edits can be checked against it.
//!
//! It is Helm's layering (maps merge key by key, scalars replace) with two exceptions that
//! keep what the user wrote and the overlay does not own:
//! - a list item that is the same object as one already in the file (same `kind` and
//!   `metadata.name`, same `name`, same `type`, or the same scalar) is merged into it key by
//!   key instead of replacing it; the list still ends up with the overlay's items, in the
//!   overlay's order. Where the overlay sets one key of a group that Kubernetes reads as
//!   one choice (a volume's source, an env entry's `value`/`valueFrom`), the file's other
//!   keys of that group go.
//! - a ConfigMap's `data` value that holds a YAML map (the plugin provisioning) is merged as
//!   a document, by the same rule.

use serde_json::{Map, Value as Json};

use crate::values::emit::to_yaml;
use crate::values::{Origin, Value, to_value};
use crate::yaml::{Limits, parse};

/// The key that marks a ConfigMap data string read as the YAML document it holds.
const EMBEDDED: &str = "\u{0}embedded YAML";

/// Where a value sits, as far as the merge cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// Anywhere else.
    Plain,
    /// The `data` map of a ConfigMap: its strings may be YAML documents.
    ConfigMapData,
    /// A value of a ConfigMap's `data`.
    DataValue,
}

impl Place {
    /// The place of `key`'s value in a map at `self` whose kind (after the merge) is `kind`.
    pub(super) fn child(self, key: &str, kind: Option<&str>) -> Place {
        match self {
            Place::ConfigMapData => Place::DataValue,
            _ if key == "data" && kind == Some("ConfigMap") => Place::ConfigMapData,
            _ => Place::Plain,
        }
    }
}

/// What makes two list items the same object.
#[derive(Debug, Clone, PartialEq)]
enum Identity {
    Object(String, String),
    Named(String),
    Typed(String),
    Scalar(Json),
}

fn identity(item: &Json) -> Option<Identity> {
    let text = |value: Option<&Json>| value.and_then(Json::as_str).map(str::to_owned);
    match item {
        Json::Object(map) => {
            let kind = text(map.get("kind"));
            let name = text(map.get("metadata").and_then(|m| m.get("name")));
            if let (Some(kind), Some(name)) = (kind, name) {
                return Some(Identity::Object(kind, name));
            }
            if let Some(name) = text(map.get("name")) {
                return Some(Identity::Named(name));
            }
            text(map.get("type")).map(Identity::Typed)
        }
        Json::Array(_) => None,
        scalar => Some(Identity::Scalar(scalar.clone())),
    }
}

/// For each overlay item, the file item it is merged into: the first not yet taken with
/// the same identity.
pub(super) fn matching(old: &[Json], overlay: &[Json]) -> Vec<Option<usize>> {
    let old_ids: Vec<Option<Identity>> = old.iter().map(identity).collect();
    let mut taken = vec![false; old.len()];
    overlay
        .iter()
        .map(|item| {
            let id = identity(item)?;
            let found = (0..old.len()).find(|&i| !taken[i] && old_ids[i].as_ref() == Some(&id))?;
            taken[found] = true;
            Some(found)
        })
        .collect()
}

/// Keys that Kubernetes reads as one choice: the overlay setting one owns the group.
const GROUPS: &[&[&str]] = &[
    // a volume's source
    &[
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "hostPath",
        "image",
        "iscsi",
        "nfs",
        "persistentVolumeClaim",
        "photonPersistentDisk",
        "portworxVolume",
        "projected",
        "quobyte",
        "rbd",
        "scaleIO",
        "secret",
        "storageos",
        "vsphereVolume",
    ],
    // an env entry's value
    &["value", "valueFrom"],
    // what a container runs
    &["command", "args"],
    // a mount's sub-path
    &["subPath", "subPathExpr"],
];

/// The keys of a file's list item that go when `overlay` is merged into it (see [`GROUPS`]).
pub(super) fn displaced(old: &Json, overlay: &Json) -> Vec<String> {
    let (Json::Object(old), Json::Object(overlay)) = (old, overlay) else {
        return Vec::new();
    };
    // a volume's `image` source is not a container's `image`: only volumes have a source
    let is_volume = |keys: &Map<String, Json>| {
        keys.contains_key("name")
            && GROUPS[0]
                .iter()
                .any(|k| *k != "image" && keys.contains_key(*k))
    };
    let mut out = Vec::new();
    for (index, group) in GROUPS.iter().enumerate() {
        if index == 0 && !(is_volume(old) && is_volume(overlay)) {
            continue;
        }
        if group.iter().any(|k| overlay.contains_key(*k)) {
            out.extend(
                group
                    .iter()
                    .filter(|k| old.contains_key(**k) && !overlay.contains_key(**k))
                    .map(|k| (*k).to_owned()),
            );
        }
    }
    out
}

/// The kind a map has after the merge.
fn kind_after<'a>(
    old: Option<&'a Map<String, Json>>,
    overlay: &'a Map<String, Json>,
) -> Option<&'a str> {
    overlay
        .get("kind")
        .or_else(|| old.and_then(|o| o.get("kind")))
        .and_then(Json::as_str)
}

/// A string's YAML document as values, when it is a multi-line YAML map.
pub(super) fn embedded(text: &str) -> Option<Json> {
    if !text.contains('\n') {
        return None;
    }
    let docs = parse(text, &Limits::default()).ok()?;
    let mut with_content = docs.into_iter().filter(|d| d.root.is_some());
    let doc = with_content.next()?;
    if with_content.next().is_some() {
        return None;
    }
    let root = doc.root?;
    let json = to_value(&doc, root, 0, &|r| r, 1_000_000 + doc.len())
        .ok()?
        .to_json();
    json.as_object()
        .is_some_and(|m| !m.is_empty())
        .then_some(json)
}

/// `overlay` merged onto `old` (absent: the overlay as it is) at `place`.
pub(super) fn merged(old: Option<&Json>, overlay: &Json, place: Place) -> Json {
    match (old, overlay) {
        (Some(Json::String(old)), Json::String(new)) if place == Place::DataValue => {
            match (embedded(old), embedded(new)) {
                (Some(old), Some(new)) => {
                    let mut marked = Map::new();
                    marked.insert(EMBEDDED.to_owned(), merged(Some(&old), &new, Place::Plain));
                    Json::Object(marked)
                }
                _ => overlay.clone(),
            }
        }
        (Some(Json::Object(old)), Json::Object(new)) if !new.is_empty() => {
            let kind = kind_after(Some(old), new).map(str::to_owned);
            let mut out = old.clone();
            for (key, value) in new {
                let inner = merged(old.get(key), value, place.child(key, kind.as_deref()));
                out.insert(key.clone(), inner);
            }
            Json::Object(out)
        }
        (Some(Json::Array(old)), Json::Array(new)) => {
            let matches = matching(old, new);
            let items = new
                .iter()
                .zip(matches)
                .map(|(item, found)| match found.and_then(|i| old.get(i)) {
                    Some(Json::Object(old_item)) => {
                        let mut kept = old_item.clone();
                        for key in displaced(&Json::Object(old_item.clone()), item) {
                            kept.remove(&key);
                        }
                        merged(Some(&Json::Object(kept)), item, Place::Plain)
                    }
                    _ => item.clone(),
                })
                .collect();
            Json::Array(items)
        }
        _ => overlay.clone(),
    }
}

/// Values as the merge compares them: a ConfigMap's data strings that hold a YAML map read
/// as that map.
pub(super) fn normalized(value: &Json) -> Json {
    match value {
        Json::Object(map) => {
            let config_map = map.get("kind").and_then(Json::as_str) == Some("ConfigMap");
            let mut out = Map::new();
            for (key, inner) in map {
                let inner = match inner {
                    Json::Object(data) if config_map && key == "data" => Json::Object(
                        data.iter()
                            .map(|(k, v)| {
                                let read = match v {
                                    Json::String(s) => embedded(s).map(|doc| {
                                        let mut marked = Map::new();
                                        marked.insert(EMBEDDED.to_owned(), doc);
                                        Json::Object(marked)
                                    }),
                                    _ => None,
                                };
                                (k.clone(), normalized(&read.unwrap_or_else(|| v.clone())))
                            })
                            .collect(),
                    ),
                    _ => normalized(inner),
                };
                out.insert(key.clone(), inner);
            }
            Json::Object(out)
        }
        Json::Array(items) => Json::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// A merged value as it is written: each YAML document merged inside a ConfigMap's data
/// written back as a string (its comments are not known here; [`super::block`] keeps them
/// where the text allows).
pub(super) fn unmarked(value: &Json) -> Json {
    match value {
        Json::Object(map) => match map.get(EMBEDDED) {
            Some(doc) if map.len() == 1 => {
                let doc = Value::from_json(&unmarked(doc), &Origin::Fix);
                Json::String(to_yaml(&doc, &|_| None))
            }
            _ => Json::Object(map.iter().map(|(k, v)| (k.clone(), unmarked(v))).collect()),
        },
        Json::Array(items) => Json::Array(items.iter().map(unmarked).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_merge_by_identity_and_groups_are_owned() {
        let old = json!({"v": [
            {"name": "a", "emptyDir": {}, "x": 1},
            {"name": "gone"},
            {"name": "b", "configMap": {"name": "c"}, "y": 2},
        ]});
        let overlay = json!({"v": [
            {"name": "a", "emptyDir": {}},
            {"name": "b", "secret": {"secretName": "s"}},
            {"name": "new"},
        ]});
        assert_eq!(
            merged(Some(&old), &overlay, Place::Plain),
            json!({"v": [
                {"name": "a", "emptyDir": {}, "x": 1},
                {"name": "b", "secret": {"secretName": "s"}, "y": 2},
                {"name": "new"},
            ]})
        );
    }

    #[test]
    fn configmap_data_merges_as_documents() {
        let old = json!({"kind": "ConfigMap", "data": {"f": "a: 1\nb: 2\n", "g": "x"}});
        let overlay = json!({"kind": "ConfigMap", "data": {"f": "a: 3\nc: 4\n", "g": "y"}});
        let out = normalized(&merged(Some(&old), &overlay, Place::Plain));
        let expected = normalized(
            &json!({"kind": "ConfigMap", "data": {"f": "a: 3\nb: 2\nc: 4\n", "g": "y"}}),
        );
        assert_eq!(out, expected);
        // elsewhere a string is a string
        let plain = merged(
            Some(&json!({"f": "a: 1\n"})),
            &json!({"f": "b: 1\n"}),
            Place::Plain,
        );
        assert_eq!(plain, json!({"f": "b: 1\n"}));
    }
}
