//! Validating values against the embedded chart schemas by walking them, without compiling.
//!
//! The chart schemas use a handful of keywords (`type`, `properties`, `additionalProperties`,
//! `items`, `enum`, `$ref`). Compiling them with the `jsonschema` crate took about 2 ms per
//! process, more than the whole lint of a small file; walking the schema alongside the values
//! a user wrote (in the static tables of [`super::compact`]) costs next to nothing and
//! reports the same violations (a test compares both on every fixture). The user's own
//! schema (`--schema`) and the config schema, which may use any keyword, still go through
//! `jsonschema`.

use serde_json::Value as Json;

use super::compact::{Additional, Subschema, TYPE_NAMES};
use super::violation::{SchemaSource, Violation, ViolationKind};
use crate::path::Seg;

/// The keywords this validator understands; the embedded chart schemas use no others (the
/// build refuses them, and a test checks), and annotations (`description`, `examples`, ...)
/// never fail validation.
pub use super::keywords::CHECKED as KEYWORDS;

/// How deep values are followed (the values come from YAML, whose depth is capped already).
const MAX_DEPTH: usize = 256;

/// Every violation of `instance` against the chart schema at `root`, with chart-relative
/// paths.
pub fn validate(root: Subschema, instance: &Json) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(root, instance, &mut path, &mut out);
    out
}

fn walk(node: Subschema, value: &Json, path: &mut Vec<Seg>, out: &mut Vec<Violation>) {
    if path.len() > MAX_DEPTH {
        return;
    }
    for part in node.parts() {
        check_part(part, value, path, out);
    }
}

fn check_part(part: Subschema, value: &Json, path: &mut Vec<Seg>, out: &mut Vec<Violation>) {
    let mut push = |kind| {
        out.push(Violation {
            source: SchemaSource::Chart,
            path: path.clone(),
            kind,
        })
    };
    if part.has_types()
        && !TYPE_NAMES
            .iter()
            .any(|t| part.allows(t) && has_type(value, t))
    {
        let expected = part.types().map(str::to_owned).collect();
        push(ViolationKind::WrongType { expected });
    }
    if let Some(text) = part.enumeration() {
        // the build wrote it from a JSON array
        let options: Vec<Json> = serde_json::from_str(text).unwrap_or_default();
        if !options.iter().any(|option| json_equal(option, value)) {
            push(ViolationKind::NotOneOf { allowed: options });
        }
    }
    match value {
        Json::Object(map) => {
            let mut unexpected = Vec::new();
            for (key, child) in map {
                let sub = match part.property(key) {
                    Some(sub) => Some(sub),
                    None => match part.additional() {
                        Additional::Refused => {
                            unexpected.push(key.clone());
                            None
                        }
                        Additional::Schema(sub) => Some(sub),
                        Additional::Any => None,
                    },
                };
                if let Some(sub) = sub {
                    path.push(Seg::Key(key.clone()));
                    walk(sub, child, path, out);
                    path.pop();
                }
            }
            for key in unexpected {
                out.push(Violation {
                    source: SchemaSource::Chart,
                    path: path.clone(),
                    kind: ViolationKind::UnknownKey { key },
                });
            }
        }
        Json::Array(items) => {
            if let Some(sub) = part.items() {
                for (index, item) in items.iter().enumerate() {
                    path.push(Seg::Index(index));
                    walk(sub, item, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Whether `value` is of JSON Schema type `name` (an integer is any number without a
/// fraction, `1.0` included).
fn has_type(value: &Json, name: &str) -> bool {
    match (name, value) {
        ("null", Json::Null)
        | ("boolean", Json::Bool(_))
        | ("number", Json::Number(_))
        | ("string", Json::String(_))
        | ("array", Json::Array(_))
        | ("object", Json::Object(_)) => true,
        ("integer", Json::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// JSON equality as JSON Schema defines it: numbers by value (`1` equals `1.0`).
fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) if !(x.fract() == 0.0 && x.abs() > 9.0e15) => x == y,
            _ => x == y,
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
