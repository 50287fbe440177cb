//! Reading a schema as a tree of keys: the subschema at an instance path (following `$ref`
//! between documents and `allOf`), the keys a map declares, whether it is closed, its
//! examples, and every declared key path (for "did you mean").

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;

use crate::path::Seg;

/// Schema documents that may `$ref` each other, by `$id`.
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    docs: Vec<(String, Doc)>,
}

/// A document of a set: parsed, or one of the embedded schemas, parsed when first read.
#[derive(Debug, Clone)]
enum Doc {
    Parsed(Arc<Value>),
    Embedded(usize),
}

/// A subschema: which document it is in, and its JSON.
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    doc: usize,
    json: &'a Value,
}

impl<'a> Node<'a> {
    /// The subschema's JSON.
    pub fn json(&self) -> &'a Value {
        self.json
    }

    /// Whether the subschema applies nothing in place (no `$ref`, `allOf`, `anyOf`,
    /// `oneOf`): what it says is all there is, and walking it needs no list of parts.
    pub(crate) fn is_plain(&self) -> bool {
        match self.json.as_object() {
            Some(map) => !["$ref", "allOf", "anyOf", "oneOf"]
                .iter()
                .any(|k| map.contains_key(*k)),
            None => false,
        }
    }

    /// A subschema of the same document.
    pub fn with(&self, json: &'a Value) -> Node<'a> {
        Node {
            doc: self.doc,
            json,
        }
    }
}

/// How deep `$ref` chains and nested applicators are followed.
const MAX_HOPS: usize = 24;
/// How deep the key index goes.
const MAX_DEPTH: usize = 12;

impl SchemaSet {
    /// A set of (`$id`, document) pairs.
    pub fn new(docs: Vec<(String, Arc<Value>)>) -> Self {
        SchemaSet {
            docs: docs
                .into_iter()
                .map(|(id, doc)| (id, Doc::Parsed(doc)))
                .collect(),
        }
    }

    /// The embedded schemas, each parsed the first time the walk reaches it.
    pub(crate) fn embedded() -> Self {
        SchemaSet {
            docs: super::EMBEDDED
                .iter()
                .enumerate()
                .map(|(index, e)| {
                    (
                        format!("{}{}", super::BASE_URL, e.file),
                        Doc::Embedded(index),
                    )
                })
                .collect(),
        }
    }

    fn json_of(&self, doc: usize) -> &Value {
        static NULL: Value = Value::Null;
        match self.docs.get(doc).map(|(_, d)| d) {
            Some(Doc::Parsed(json)) => json,
            Some(Doc::Embedded(index)) => super::embedded_json(*index).map_or(&NULL, |j| j),
            None => &NULL,
        }
    }

    /// Adds a document.
    pub fn push(&mut self, id: String, doc: Arc<Value>) {
        self.docs.push((id, Doc::Parsed(doc)));
    }

    /// The root of the document `id` (matched by `$id`, then by file name).
    pub fn root<'a>(&'a self, id: &str) -> Option<Node<'a>> {
        let doc = self.find_doc(id)?;
        Some(Node {
            doc,
            json: self.json_of(doc),
        })
    }

    fn find_doc(&self, uri: &str) -> Option<usize> {
        let uri = uri.split('#').next().unwrap_or(uri);
        self.docs.iter().position(|(id, _)| id == uri).or_else(|| {
            let name = uri.rsplit('/').next()?;
            if name.is_empty() {
                return None;
            }
            self.docs
                .iter()
                .position(|(id, _)| id.rsplit('/').next() == Some(name))
        })
    }

    /// The target of a node's `$ref`, if it has one that resolves here.
    fn follow<'a>(&'a self, node: Node<'a>) -> Option<Node<'a>> {
        let reference = node.json.get("$ref")?.as_str()?;
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if url.is_empty() {
            node.doc
        } else if url.contains("://") || url.starts_with("urn:") {
            self.find_doc(url)?
        } else {
            let base = &self.docs[node.doc].0;
            let joined = match base.rfind('/') {
                Some(slash) => format!("{}{url}", &base[..=slash]),
                None => url.to_owned(),
            };
            self.find_doc(&joined).or_else(|| self.find_doc(url))?
        };
        let root: &Value = self.json_of(doc);
        let json = if fragment.is_empty() {
            root
        } else if fragment.starts_with('/') {
            root.pointer(fragment)?
        } else {
            find_anchor(root, fragment)?
        };
        Some(Node { doc, json })
    }

    /// The node and every subschema that applies in place with it (`$ref` targets and
    /// `allOf` members, recursively; with `any`, also `anyOf`/`oneOf` members).
    pub(crate) fn in_place<'a>(&'a self, node: Node<'a>, any: bool) -> Vec<Node<'a>> {
        if node.is_plain() {
            return vec![node];
        }
        let mut out = Vec::new();
        let mut stack = vec![(node, 0usize)];
        while let Some((current, hops)) = stack.pop() {
            if hops > MAX_HOPS || !current.json.is_object() {
                continue;
            }
            out.push(current);
            if let Some(target) = self.follow(current) {
                stack.push((target, hops + 1));
            }
            let mut keywords = vec!["allOf"];
            if any {
                keywords.extend(["anyOf", "oneOf"]);
            }
            for keyword in keywords {
                for member in current
                    .json
                    .get(keyword)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    stack.push((
                        Node {
                            doc: current.doc,
                            json: member,
                        },
                        hops + 1,
                    ));
                }
            }
        }
        out
    }

    /// The subschema for the value under `key` of a map that `node` describes.
    pub fn child<'a>(&'a self, node: Node<'a>, key: &str) -> Option<Node<'a>> {
        if node.is_plain() {
            let json = node.json;
            let sub = json
                .get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| json.get("additionalProperties").filter(|s| s.is_object()))?;
            return Some(node.with(sub));
        }
        let parts = self.in_place(node, true);
        for part in &parts {
            if let Some(sub) = part.json.get("properties").and_then(|p| p.get(key)) {
                return Some(Node {
                    doc: part.doc,
                    json: sub,
                });
            }
        }
        for part in &parts {
            if let Some(sub) = part
                .json
                .get("additionalProperties")
                .filter(|s| s.is_object())
            {
                return Some(Node {
                    doc: part.doc,
                    json: sub,
                });
            }
        }
        None
    }

    /// The subschema for item `index` of a list that `node` describes.
    pub fn item<'a>(&'a self, node: Node<'a>, index: usize) -> Option<Node<'a>> {
        for part in self.in_place(node, true) {
            if let Some(sub) = part
                .json
                .get("prefixItems")
                .and_then(Value::as_array)
                .and_then(|items| items.get(index))
            {
                return Some(Node {
                    doc: part.doc,
                    json: sub,
                });
            }
            if let Some(sub) = part.json.get("items").filter(|s| s.is_object()) {
                return Some(Node {
                    doc: part.doc,
                    json: sub,
                });
            }
        }
        None
    }

    /// The subschema at an instance path, from `root`.
    pub fn at<'a>(&'a self, root: Node<'a>, path: &[Seg]) -> Option<Node<'a>> {
        let mut node = root;
        for seg in path {
            node = match seg {
                Seg::Key(key) => self.child(node, key)?,
                Seg::Index(index) => self.item(node, *index)?,
            };
        }
        Some(node)
    }

    /// The keys a map schema declares (`properties`, in place applicators included).
    pub fn keys<'a>(&'a self, node: Node<'a>) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut keys = Vec::new();
        for part in self.in_place(node, true) {
            if let Some(props) = part.json.get("properties").and_then(Value::as_object) {
                for key in props.keys() {
                    if seen.insert(key.clone()) {
                        keys.push(key.clone());
                    }
                }
            }
        }
        keys
    }

    /// Whether a map schema refuses keys it does not declare.
    pub fn is_closed<'a>(&'a self, node: Node<'a>) -> bool {
        self.in_place(node, false).iter().any(|part| {
            part.json.get("additionalProperties") == Some(&Value::Bool(false))
                || part.json.get("unevaluatedProperties") == Some(&Value::Bool(false))
        })
    }

    /// Whether a subschema says nothing about what is inside a map or list (only its type and
    /// words): a Kubernetes object passed through, whose content need not be validated.
    pub fn is_shallow<'a>(&'a self, node: Node<'a>) -> bool {
        self.in_place(node, true).iter().all(|part| {
            part.json.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| super::keywords::SHALLOW.contains(&k.as_str()))
            })
        })
    }

    /// The first example a subschema gives (`examples`, else `default`).
    pub fn example<'a>(&'a self, node: Node<'a>) -> Option<&'a Value> {
        self.in_place(node, false).into_iter().find_map(|part| {
            part.json
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .or_else(|| part.json.get("default"))
        })
    }

    /// The `enum` of a subschema, if it has one.
    pub fn enumeration<'a>(&'a self, node: Node<'a>) -> Option<&'a [Value]> {
        self.in_place(node, false)
            .into_iter()
            .find_map(|part| part.json.get("enum").and_then(Value::as_array))
            .map(Vec::as_slice)
    }

    /// Every key path the schema declares from `root`, through maps only (not into lists).
    pub fn known_paths<'a>(&'a self, root: Node<'a>) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut stack: Vec<(Node<'a>, Vec<String>)> = vec![(root, Vec::new())];
        while let Some((node, path)) = stack.pop() {
            if path.len() >= MAX_DEPTH {
                continue;
            }
            for key in self.keys(node) {
                let mut child_path = path.clone();
                child_path.push(key.clone());
                if let Some(child) = self.child(node, &key) {
                    stack.push((child, child_path.clone()));
                }
                out.push(child_path);
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

fn find_anchor<'v>(root: &'v Value, anchor: &str) -> Option<&'v Value> {
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if map.get("$anchor").and_then(Value::as_str) == Some(anchor) {
                    return Some(value);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    None
}
