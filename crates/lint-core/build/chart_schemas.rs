//! Compiles the chart values schemas (`schemas/oncall-*.values.schema.json`,
//! `schemas/grafana-*.values.schema.json`) into static tables at build time.
//!
//! Parsing the two schemas a lint reads took a sixth of a small file's run; the tables cost
//! nothing to load. Each subschema becomes one node: its allowed types as bits, its
//! properties sorted by name (found by binary search), `additionalProperties`, `items`,
//! `enum` (kept as JSON text, parsed only when a value is checked against it) and its
//! `$ref`, resolved here to the node it names, across documents too. The chart schemas use
//! no other keyword but annotations; a schema that does fails the build, naming the
//! keyword, so the tables never say less than the schemas.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::keywords::{ANNOTATIONS, CHECKED, SHALLOW, TYPE_NAMES as TYPES};

struct Node {
    types: u8,
    props: u32,
    props_len: u32,
    additional: String,
    items: String,
    reference: String,
    enumeration: Option<String>,
    shallow: bool,
}

struct Compiler<'a> {
    docs: &'a [(String, Value)],
    ids: HashMap<*const Value, u32>,
    nodes: Vec<Option<Node>>,
    props: Vec<(String, u32)>,
}

impl Node {
    /// The node of the schema `true`: any value, nothing to check below it.
    fn any() -> Node {
        Node {
            types: 0,
            props: 0,
            props_len: 0,
            additional: "NONE".to_owned(),
            items: "NONE".to_owned(),
            reference: "NONE".to_owned(),
            enumeration: None,
            shallow: true,
        }
    }
}

/// A subschema's keywords, each checked or an annotation; any other fails the build.
type Keywords = serde_json::Map<String, Value>;

impl<'a> Compiler<'a> {
    /// The node of the subschema `json` of document `doc`, compiled once. Its subschemas
    /// are compiled first, in keyword order (`properties` by name, `additionalProperties`,
    /// `items`, `$ref`), which numbers the nodes.
    fn compile(&mut self, doc: usize, json: &'a Value) -> Result<u32, String> {
        if let Some(id) = self.ids.get(&(json as *const Value)) {
            return Ok(*id);
        }
        let id = u32::try_from(self.nodes.len()).map_err(|_| "too many subschemas")?;
        self.ids.insert(json as *const Value, id);
        self.nodes.push(None);
        let file = &self.docs[doc].0;
        let map = match json {
            Value::Object(map) => map,
            Value::Bool(true) => {
                self.nodes[id as usize] = Some(Node::any());
                return Ok(id);
            }
            other => return Err(format!("{file}: a subschema `{other}` is not supported")),
        };
        check_keywords(map, file)?;
        let types = types(map, file)?;
        let props = self.properties(doc, map)?;
        let additional = self.additional_properties(doc, map)?;
        let items = match map.get("items") {
            None => "NONE".to_owned(),
            Some(sub @ Value::Object(_)) => self.compile(doc, sub)?.to_string(),
            Some(other) => return Err(format!("{file}: `items: {other}` is not supported")),
        };
        let reference = match map.get("$ref") {
            None => "NONE".to_owned(),
            Some(Value::String(target)) => {
                let (target_doc, target) = self.resolve(doc, target)?;
                self.compile(target_doc, target)?.to_string()
            }
            Some(other) => return Err(format!("{file}: `$ref: {other}` is not supported")),
        };
        let enumeration = match map.get("enum") {
            None => None,
            Some(list @ Value::Array(_)) => Some(list.to_string()),
            Some(other) => return Err(format!("{file}: `enum: {other}` is not supported")),
        };
        // subschemas under `$defs` are compiled when a `$ref` reaches them
        let start = u32::try_from(self.props.len()).map_err(|_| "too many properties")?;
        let len = u32::try_from(props.len()).map_err(|_| "too many properties")?;
        self.props.extend(props);
        self.nodes[id as usize] = Some(Node {
            types,
            props: start,
            props_len: len,
            additional,
            items,
            reference,
            enumeration,
            shallow: map.keys().all(|k| SHALLOW.contains(&k.as_str())),
        });
        Ok(id)
    }

    /// The `properties` of a subschema of document `doc`, sorted by name, each with its
    /// compiled node.
    fn properties(&mut self, doc: usize, map: &'a Keywords) -> Result<Vec<(String, u32)>, String> {
        let mut props = Vec::new();
        if let Some(properties) = map.get("properties") {
            let file = &self.docs[doc].0;
            let properties = properties
                .as_object()
                .ok_or(format!("{file}: `properties` is not a map"))?;
            let mut names: Vec<&String> = properties.keys().collect();
            names.sort();
            for name in names {
                let sub = &properties[name.as_str()];
                props.push((name.clone(), self.compile(doc, sub)?));
            }
        }
        Ok(props)
    }

    /// The table entry of a subschema's `additionalProperties`: `NONE` (anything goes),
    /// `FALSE`, or the compiled node of a schema.
    fn additional_properties(&mut self, doc: usize, map: &'a Keywords) -> Result<String, String> {
        Ok(match map.get("additionalProperties") {
            None | Some(Value::Bool(true)) => "NONE".to_owned(),
            Some(Value::Bool(false)) => "FALSE".to_owned(),
            Some(sub @ Value::Object(_)) => self.compile(doc, sub)?.to_string(),
            Some(other) => {
                let file = &self.docs[doc].0;
                return Err(format!(
                    "{file}: `additionalProperties: {other}` is not supported"
                ));
            }
        })
    }

    /// The document and subschema a `$ref` from document `doc` names.
    fn resolve(&self, doc: usize, reference: &str) -> Result<(usize, &'a Value), String> {
        let file = &self.docs[doc].0;
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target_doc = if url.is_empty() {
            doc
        } else {
            let name = url.rsplit('/').next().unwrap_or(url);
            self.docs
                .iter()
                .position(|(f, _)| f == name)
                .ok_or(format!(
                    "{file}: `$ref: {reference}` names no embedded schema"
                ))?
        };
        let root = &self.docs[target_doc].1;
        let json = if fragment.is_empty() {
            Some(root)
        } else {
            root.pointer(fragment)
        };
        json.map(|json| (target_doc, json))
            .ok_or(format!("{file}: `$ref: {reference}` resolves to nothing"))
    }
}

/// Fails for a keyword the compiled tables do not hold (neither checked nor an annotation).
fn check_keywords(map: &Keywords, file: &str) -> Result<(), String> {
    for key in map.keys() {
        if !CHECKED.contains(&key.as_str()) && !ANNOTATIONS.contains(&key.as_str()) {
            return Err(format!(
                "{file}: keyword `{key}` is not supported by the compiled chart schemas \
                 (build/chart_schemas.rs and src/schema/compact.rs)"
            ));
        }
    }
    Ok(())
}

/// A subschema's `type` (a name or a list of names) as bits; 0 when it has none.
fn types(map: &Keywords, file: &str) -> Result<u8, String> {
    let mut types = 0u8;
    match map.get("type") {
        None => {}
        Some(Value::String(name)) => types |= type_bit(name, file)?,
        Some(Value::Array(names)) => {
            for name in names {
                let name = name
                    .as_str()
                    .ok_or(format!("{file}: a type is not a string"))?;
                types |= type_bit(name, file)?;
            }
        }
        Some(other) => return Err(format!("{file}: `type: {other}` is not supported")),
    }
    Ok(types)
}

fn type_bit(name: &str, file: &str) -> Result<u8, String> {
    TYPES
        .iter()
        .position(|t| *t == name)
        .map(|bit| 1 << bit)
        .ok_or(format!("{file}: unknown type `{name}`"))
}

/// Adds the mounted form of each grafana schema: the grafana chart's values under
/// `grafana`, as a release holds them (`src/schema/mod.rs` writes the same JSON for the
/// walk).
fn add_mounted(docs: &mut Vec<(String, Value)>) {
    let grafana: Vec<String> = docs
        .iter()
        .map(|(file, _)| file.clone())
        .filter(|file| file.starts_with("grafana-"))
        .collect();
    for file in grafana {
        let json = serde_json::json!({
            "type": "object",
            "properties": { "grafana": { "$ref": file } },
        });
        docs.push((format!("mounted-{file}"), json));
    }
}

/// Writes `OUT_DIR/chart_schemas.rs`: the tables of every chart values schema in `dir`.
pub fn generate(dir: &Path, out: &Path) -> Result<(), String> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|name| name.ends_with(".values.schema.json"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let path = dir.join(&file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        docs.push((file, json));
    }
    add_mounted(&mut docs);
    let mut compiler = Compiler {
        docs: &docs,
        ids: HashMap::new(),
        nodes: Vec::new(),
        props: Vec::new(),
    };
    let mut roots = Vec::new();
    for (index, (file, json)) in docs.iter().enumerate() {
        roots.push((file.clone(), compiler.compile(index, json)?));
    }
    let mut text =
        String::from("// Generated by build.rs (build/chart_schemas.rs): do not edit.\n\n");
    let _ = writeln!(text, "static ROOTS: [(&str, u32); {}] = [", roots.len());
    for (file, id) in &roots {
        let _ = writeln!(text, "    ({file:?}, {id}),");
    }
    text.push_str("];\n\n");
    let _ = writeln!(
        text,
        "static NODES: [Compact; {}] = [",
        compiler.nodes.len()
    );
    for node in &compiler.nodes {
        let node = node.as_ref().ok_or("a subschema was left uncompiled")?;
        let enumeration = match &node.enumeration {
            Some(json) => format!("Some({json:?})"),
            None => "None".to_owned(),
        };
        let _ = writeln!(
            text,
            "    Compact {{ types: {}, props: {}, props_len: {}, additional: {}, items: {}, \
             reference: {}, enumeration: {enumeration}, shallow: {} }},",
            node.types,
            node.props,
            node.props_len,
            node.additional,
            node.items,
            node.reference,
            node.shallow
        );
    }
    text.push_str("];\n\n");
    let _ = writeln!(
        text,
        "static PROPS: [(&str, u32); {}] = [",
        compiler.props.len()
    );
    for (name, id) in &compiler.props {
        let _ = writeln!(text, "    ({name:?}, {id}),");
    }
    text.push_str("];\n");
    let target = out.join("chart_schemas.rs");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}
