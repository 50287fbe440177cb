//! What a schema says is wrong with the values: a violation, by instance path. The native
//! validator of the chart schemas and the `jsonschema` validator of the user's both
//! report these.

use crate::path::Seg;

/// Which schema a violation comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaSource {
    /// The chart's (paths are relative to the chart's values).
    Chart,
    /// The user's `--schema` (paths are relative to the top of the files).
    User,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ViolationKind {
    /// The map at the path has a key the schema does not declare.
    UnknownKey {
        /// The key.
        key: String,
    },
    /// The value at the path has a type the schema does not allow.
    WrongType {
        /// The JSON Schema type names allowed.
        expected: Vec<String>,
    },
    /// The value at the path is not one of the allowed values.
    NotOneOf {
        /// The allowed values.
        allowed: Vec<serde_json::Value>,
    },
    /// Anything else a user's schema can say (required keys, patterns, ranges).
    Other {
        /// What is wrong, in words.
        reason: String,
    },
}

/// One schema error, by instance path.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Which schema.
    pub source: SchemaSource,
    /// Where (the map, for an unknown key).
    pub path: Vec<Seg>,
    /// What.
    pub kind: ViolationKind,
}
