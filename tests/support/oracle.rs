//! The chart schemas compiled by the `jsonschema` crate: the oracle the native validator
//! (`schema::native`) and the static schema tables are held against. The library compiles
//! only users' schemas with `jsonschema`; the charts' are walked natively.

use jsonschema::{Draft, Validator};
use std::sync::OnceLock;

use oncall_lint_core::chart::{ChartState, STATES};
use oncall_lint_core::schema;

/// Compiles one of the embedded schemas by file name (`grafana-8.4.6.values.schema.json`),
/// with the other embedded schemas available to `$ref`.
pub fn compile_embedded(file: &str) -> Result<Validator, String> {
    let doc = schema::document(&format!("{}{file}", schema::BASE_URL))
        .filter(|_| schema::EMBEDDED.iter().any(|e| e.file == file))
        .ok_or_else(|| format!("`{file}` is not an embedded schema"))?;
    schema::compile(doc, Some(Draft::Draft202012)).map_err(|e| e.to_string())
}

/// The compiled values schema of an oncall chart state, compiled once per test binary.
pub fn for_chart(state: &ChartState) -> Result<&'static Validator, String> {
    static COMPILED: OnceLock<Vec<Result<Validator, String>>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| {
        STATES
            .iter()
            .map(|s| compile_embedded(&schema::chart_schema_file(s)))
            .collect()
    });
    let index = STATES
        .iter()
        .position(|s| std::ptr::eq(s, state))
        .ok_or("not a chart state")?;
    all[index].as_ref().map_err(Clone::clone)
}

/// Checks a schema document against its draft's meta-schema; the error, if any.
pub fn meta_error(schema: &serde_json::Value) -> Option<String> {
    jsonschema::meta::validate(schema)
        .err()
        .map(|e| format!("{e} at `{}`", e.instance_path().as_str()))
}
