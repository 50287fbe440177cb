//! The JSON Schema keywords the chart schemas are read by. The build script includes this
//! file too (`build/chart_schemas.rs`), so the tables it writes and the walks that read the
//! schemas at run time go by the same lists.

/// The keywords that validate; the chart schemas use no others (the build refuses any).
pub const CHECKED: [&str; 6] = [
    "type",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "$ref",
];

/// Keywords that never fail validation (`$defs` holds subschemas reached by `$ref`).
pub const ANNOTATIONS: [&str; 7] = [
    "description",
    "title",
    "examples",
    "default",
    "$id",
    "$schema",
    "$defs",
];

/// Keywords a subschema may hold and still say nothing about what is inside a map or list:
/// a Kubernetes object passed through, whose content need not be validated.
pub const SHALLOW: [&str; 12] = [
    "type",
    "description",
    "examples",
    "default",
    "title",
    "$comment",
    "$ref",
    "$id",
    "$schema",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Type names in the order `jsonschema` reports them (and of the tables' type bits).
pub const TYPE_NAMES: [&str; 7] = [
    "null", "boolean", "integer", "number", "string", "array", "object",
];
