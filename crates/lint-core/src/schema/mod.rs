//! JSON Schemas (draft 2020-12) for the charts' values: one per oncall chart state, one per
//! embedded grafana chart version (the two the oncall chart bundles and those users run
//! alone: `chart::grafana::EMBEDDED`), and the user's own (`--schema FILE`).
//!
//! Values of the grafana chart are held under `grafana` in a release (see
//! `release::InputKind::GrafanaValues`), so each grafana schema also has a *mounted* form:
//! a schema whose `grafana` property is it ([`mounted_grafana_schema_file`]). It is not a
//! file: `build.rs` compiles it beside the others and [`embedded_set`] adds it.
//!
//! The schemas live in `schemas/` at the repository root and are embedded at build time.
//! The chart schemas are also compiled there into static tables ([`compact`]) that the
//! validation walks; their JSON is parsed on first use, once per process, only to explain a
//! finding (suggested keys, examples). Validation runs on the Helm-resolved effective values
//! (see `run`); each error becomes a [`Violation`] with an instance path that the checks
//! map back to the file and span that set the value (OC090, OC091).

pub mod compact;
pub mod describe;
pub mod keywords;
pub mod native;
pub mod place;
mod run;
mod scope;
mod suggest;
pub(crate) use suggest::Letters;
mod user;
mod violation;
mod walk;

use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Registry};

use crate::chart::ChartState;

pub use jsonschema::Validator;
pub use run::{Run, document_values, run, user_written, violations};
pub use scope::{Scope, scopes};
pub use suggest::{Suggestion, similarity, suggest};
pub use user::{UserSchema, UserSchemaError};
pub use violation::{SchemaSource, Violation, ViolationKind};
pub use walk::{Node, SchemaSet};

/// Where the published schemas live; every embedded schema's `$id` is this plus its file
/// name, so relative `$ref`s between them resolve for editors too.
pub const BASE_URL: &str =
    "https://raw.githubusercontent.com/oncall-lint/oncall-lint/main/schemas/";

/// One embedded schema file.
#[derive(Debug)]
pub struct Embedded {
    /// Its file name in `schemas/`.
    pub file: &'static str,
    /// Its text.
    pub text: &'static str,
}

macro_rules! embed {
    ($file:literal) => {
        Embedded {
            file: $file,
            text: include_str!(concat!("../../../../schemas/", $file)),
        }
    };
}

/// Every schema oncall-lint ships.
pub static EMBEDDED: &[Embedded; 9] = &[
    embed!("oncall-1.9.22.values.schema.json"),
    embed!("oncall-1.12.1.values.schema.json"),
    embed!("oncall-1.16.9.values.schema.json"),
    embed!("grafana-6.57.1.values.schema.json"),
    embed!("grafana-8.4.6.values.schema.json"),
    embed!("grafana-10.5.15.values.schema.json"),
    embed!("grafana-11.1.1.values.schema.json"),
    embed!("grafana-12.11.1.values.schema.json"),
    embed!("oncall-lint-config.schema.json"),
];

/// The file name of the values schema of an oncall chart state.
pub fn chart_schema_file(state: &ChartState) -> String {
    format!("oncall-{}.values.schema.json", state.version)
}

/// The file name of the values schema of a grafana chart version.
pub fn grafana_schema_file(version: &str) -> String {
    format!("grafana-{version}.values.schema.json")
}

/// The file name of the mounted form of a grafana chart version's schema: values of the
/// grafana chart under `grafana`, as a release holds them.
pub fn mounted_grafana_schema_file(version: &str) -> String {
    format!("mounted-{}", grafana_schema_file(version))
}

/// The mounted form of the grafana schema `file` (see [`mounted_grafana_schema_file`]);
/// `build/chart_schemas.rs` writes the same for the compiled tables.
fn mounted_json(file: &str) -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{BASE_URL}mounted-{file}"),
        "type": "object",
        "properties": { "grafana": { "$ref": file } },
    })
}

/// The embedded schemas, parsed on first use: (`$id`, document).
pub fn documents() -> &'static [(String, Arc<serde_json::Value>)] {
    static DOCS: OnceLock<Vec<(String, Arc<serde_json::Value>)>> = OnceLock::new();
    DOCS.get_or_init(|| {
        EMBEDDED
            .iter()
            .enumerate()
            .filter_map(|(index, e)| {
                let json = embedded_json(index)?;
                Some((format!("{BASE_URL}{}", e.file), Arc::clone(json)))
            })
            .collect()
    })
}

/// The embedded schema at `index` of [`EMBEDDED`], parsed on first use (each on its own:
/// linting reads two of them, and parsing all would cost more than the lint).
fn embedded_json(index: usize) -> Option<&'static Arc<serde_json::Value>> {
    static PARSED: [OnceLock<Option<Arc<serde_json::Value>>>; EMBEDDED.len()] =
        [const { OnceLock::new() }; EMBEDDED.len()];
    PARSED
        .get(index)?
        .get_or_init(|| {
            // a schema that does not parse is caught by the schema tests
            let text = EMBEDDED.get(index)?.text;
            serde_json::from_str(text).ok().map(Arc::new)
        })
        .as_ref()
}

/// The embedded schema whose `$id` (or file name) `uri` names.
pub fn document(uri: &str) -> Option<&'static Arc<serde_json::Value>> {
    let uri = uri.split('#').next().unwrap_or(uri);
    let docs = documents();
    docs.iter()
        .find(|(id, _)| id == uri)
        .or_else(|| {
            // a relative reference resolved against another base (`json-schema:///x.json`)
            let name = uri.rsplit('/').next()?;
            docs.iter()
                .find(|(id, _)| id.rsplit('/').next() == Some(name))
        })
        .map(|(_, doc)| doc)
}

/// The embedded schemas as a prepared registry, under their `$id` and under
/// `json-schema:///<file>` (where a relative `$ref` from a schema without `$id` lands), so
/// that `$ref`s between them resolve without fetching anything.
pub(crate) fn registry() -> Option<&'static Registry<'static>> {
    static REGISTRY: OnceLock<Option<Registry<'static>>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let pairs = documents().iter().flat_map(|(id, doc)| {
                let file = id.rsplit('/').next().unwrap_or(id);
                [
                    (id.clone(), Arc::clone(doc)),
                    (format!("json-schema:///{file}"), Arc::clone(doc)),
                ]
            });
            Registry::new()
                .draft(Draft::Draft202012)
                .extend(pairs)
                .ok()?
                .prepare()
                .ok()
        })
        .as_ref()
}

/// Compiles a schema with the embedded ones available to `$ref` (`draft` when the schema
/// does not say; nothing is fetched from the network).
pub fn compile(
    schema: &serde_json::Value,
    draft: Option<Draft>,
) -> Result<Validator, CompileError> {
    let mut options = jsonschema::options().offline();
    if let Some(draft) = draft {
        options = options.with_draft(draft);
    }
    if let Some(registry) = registry() {
        options = options.with_registry(registry);
    }
    options
        .build(schema)
        .map_err(|e| CompileError(e.to_string()))
}

/// A schema `jsonschema` cannot compile, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CompileError(pub String);

/// The schemas the walker can follow `$ref`s into: the embedded ones.
pub fn embedded_set() -> &'static SchemaSet {
    static SET: OnceLock<SchemaSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = SchemaSet::embedded();
        for grafana in &crate::chart::grafana::EMBEDDED {
            let file = grafana.schema_file();
            set.push(
                format!("{BASE_URL}mounted-{file}"),
                Arc::new(mounted_json(&file)),
            );
        }
        set
    })
}

/// Every key path the schema of a chart state declares (for "did you mean"), computed once.
pub fn chart_known_paths(state: &'static ChartState) -> &'static [Vec<String>] {
    known_paths(&chart_schema_file(state))
}

/// Every key path the chart values schema `file` declares (an oncall chart state's, or the
/// mounted form of a grafana chart version's), computed once per schema.
pub fn known_paths(file: &str) -> &'static [Vec<String>] {
    const COUNT: usize = crate::chart::STATES.len() + crate::chart::grafana::EMBEDDED.len();
    static KNOWN: [OnceLock<Vec<Vec<String>>>; COUNT] = [const { OnceLock::new() }; COUNT];
    let states = crate::chart::STATES.iter().map(chart_schema_file);
    let grafana = crate::chart::grafana::EMBEDDED
        .iter()
        .map(|g| mounted_grafana_schema_file(g.version));
    let Some(index) = states.chain(grafana).position(|f| f == file) else {
        return &[];
    };
    KNOWN[index].get_or_init(|| {
        let set = embedded_set();
        let id = format!("{BASE_URL}{file}");
        set.root(&id)
            .map(|root| set.known_paths(root))
            .unwrap_or_default()
    })
}
