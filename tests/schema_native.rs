//! The chart schemas are checked by walking their compiled tables (`schema::native`,
//! `schema::compact`) rather than by compiling them with `jsonschema`. Both must report the
//! same violations: on every YAML file under `testdata/`, and on the chart defaults with every
//! value swapped for one of each type, an unknown key added to every map, and every list
//! given a wrong item. The tables must also read as the JSON documents do (`SchemaSet`, which
//! explains findings) at every key path of every chart schema.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use oncall_lint_core::chart::STATES;
use oncall_lint_core::path::Seg;
use oncall_lint_core::schema::compact::Subschema;
use oncall_lint_core::schema::{self, SchemaSource, Violation, native};
use oncall_lint_core::yaml::{Limits, parse};
use serde_json::{Value, json};

fn both(state_index: usize, instance: &Value) -> (Vec<String>, Vec<String>) {
    let state = &STATES[state_index];
    let compiled = support::oracle::for_chart(state).expect("compiles");
    let root = Subschema::root(&schema::chart_schema_file(state)).expect("compiled");
    let key = |v: &Violation| format!("{:?} {:?}", v.path, v.kind);
    let mut compiled: Vec<String> = schema::violations(compiled, instance, SchemaSource::Chart)
        .iter()
        .map(key)
        .collect();
    let mut walked: Vec<String> = native::validate(root, instance).iter().map(key).collect();
    compiled.sort();
    walked.sort();
    (compiled, walked)
}

fn assert_same(state_index: usize, instance: &Value, what: &str) -> usize {
    let (compiled, walked) = both(state_index, instance);
    assert_eq!(
        walked, compiled,
        "{what} (chart {}): the walk and jsonschema disagree",
        STATES[state_index].version
    );
    compiled.len()
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[test]
fn the_walk_agrees_with_jsonschema_on_every_fixture() {
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut files,
    );
    let mut instances = 0;
    let mut violations = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(docs) = parse(&text, &Limits::default()) else {
            continue;
        };
        for doc in docs {
            let Some(root) = doc.root else { continue };
            let Ok(value) = oncall_lint_core::values::to_value(&doc, root, 0, &|r| r, 1_000_000)
            else {
                continue;
            };
            let instance = value.to_json();
            for state in 0..STATES.len() {
                violations += assert_same(state, &instance, &path.display().to_string());
                instances += 1;
            }
        }
    }
    assert!(instances > 100, "only {instances} instances compared");
    assert!(violations > 50, "only {violations} violations compared");
}

/// Every path of `value` down to `depth`, as JSON pointers.
fn pointers(value: &Value, prefix: String, depth: usize, out: &mut Vec<String>) {
    if depth == 0 {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let p = format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(child, p, depth - 1, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let p = format!("{prefix}/{index}");
                out.push(p.clone());
                pointers(child, p, depth - 1, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_walk_agrees_with_jsonschema_on_every_value_of_the_chart_defaults_mutated() {
    let swaps = [
        json!("text"),
        json!(7),
        json!(7.5),
        json!(1.0),
        json!(true),
        json!(null),
        json!([]),
        json!(["x", 1]),
        json!({}),
        json!({"notAKeyOfTheChart": 1}),
    ];
    let mut kinds = BTreeSet::new();
    let mut compared = 0;
    for (index, state) in STATES.iter().enumerate() {
        let defaults = state.defaults().to_json();
        let mut paths = Vec::new();
        pointers(&defaults, String::new(), 4, &mut paths);
        for pointer in &paths {
            for swap in &swaps {
                let mut instance = defaults.clone();
                if let Some(slot) = instance.pointer_mut(pointer) {
                    *slot = swap.clone();
                }
                let (compiled, walked) = both(index, &instance);
                assert_eq!(
                    walked, compiled,
                    "{pointer} = {swap} (chart {})",
                    state.version
                );
                for v in &compiled {
                    kinds.insert(v.split_whitespace().nth(1).unwrap_or("").to_owned());
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 1_000, "only {compared} compared");
    // every kind of violation the chart schemas can give was exercised
    for kind in ["UnknownKey", "WrongType", "NotOneOf"] {
        assert!(
            kinds.iter().any(|k| k.starts_with(kind)),
            "{kind} never seen: {kinds:?}"
        );
    }
}

#[test]
fn the_chart_schemas_use_only_keywords_the_walk_understands() {
    use schema::keywords::ANNOTATIONS;
    fn check(value: &Value, file: &str) {
        if let Value::Object(map) = value {
            for (keyword, sub) in map {
                assert!(
                    native::KEYWORDS.contains(&keyword.as_str())
                        || ANNOTATIONS.contains(&keyword.as_str()),
                    "{file}: `{keyword}` is not understood by the walk"
                );
                match keyword.as_str() {
                    "properties" | "$defs" => {
                        for s in sub.as_object().into_iter().flat_map(|m| m.values()) {
                            check(s, file);
                        }
                    }
                    "items" | "additionalProperties" => check(sub, file),
                    _ => {}
                }
            }
        }
    }
    for embedded in schema::EMBEDDED
        .iter()
        .filter(|e| !e.file.starts_with("oncall-lint-config"))
    {
        let json: Value = serde_json::from_str(embedded.text).unwrap();
        check(&json, embedded.file);
    }
}

/// What the JSON walk says of a subschema, in the terms of the tables.
fn json_view(set: &schema::SchemaSet, node: schema::Node<'_>) -> String {
    let own = node.json();
    let types: Vec<&str> = match own.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut types: Vec<&str> = schema::compact::TYPE_NAMES
        .iter()
        .copied()
        .filter(|t| types.contains(t))
        .collect();
    types.dedup();
    format!(
        "types {types:?} enum {:?} shallow {} closed {} item {}",
        own.get("enum").map(Value::to_string),
        set.is_shallow(node),
        set.is_closed(node),
        set.item(node, 0).is_some(),
    )
}

/// The same, from the tables.
fn table_view(node: Subschema) -> String {
    let types: Vec<&str> = node.types().collect();
    let closed = node
        .parts()
        .any(|p| p.additional() == schema::compact::Additional::Refused);
    format!(
        "types {types:?} enum {:?} shallow {} closed {closed} item {}",
        node.enumeration(),
        node.is_shallow(),
        node.item().is_some(),
    )
}

#[test]
fn the_tables_read_as_the_json_documents_at_every_key_path() {
    let set = schema::embedded_set();
    let mut compared = 0;
    for embedded in schema::EMBEDDED
        .iter()
        .filter(|e| e.file.ends_with(".values.schema.json"))
    {
        let id = format!("{}{}", schema::BASE_URL, embedded.file);
        let json_root = set.root(&id).expect("embedded");
        let table_root = Subschema::root(embedded.file).expect("compiled");
        assert_eq!(json_view(set, json_root), table_view(table_root), "{id}");
        for path in set.known_paths(json_root) {
            let segs: Vec<Seg> = path.iter().map(|k| Seg::Key(k.clone())).collect();
            let json = set.at(json_root, &segs).expect("a known path resolves");
            let table = table_root
                .at(&segs)
                .unwrap_or_else(|| panic!("{id}: {path:?} is not in the tables"));
            assert_eq!(json_view(set, json), table_view(table), "{id}: {path:?}");
            // and a key no schema declares resolves the same way below it
            let mut unknown = segs.clone();
            unknown.push(Seg::Key("notAKeyOfTheChart".into()));
            assert_eq!(
                set.at(json_root, &unknown).is_some(),
                table_root.at(&unknown).is_some(),
                "{id}: {path:?}.notAKeyOfTheChart"
            );
            compared += 1;
        }
    }
    assert!(compared > 1_000, "only {compared} key paths compared");
}
