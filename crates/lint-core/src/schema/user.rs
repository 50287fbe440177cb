//! `--schema FILE`: the user's own JSON Schema (JSON or YAML), checked in addition to the
//! chart's, over the whole values files (an umbrella chart's own keys included). It may
//! `$ref` oncall-lint's schemas by their published URL or file name; nothing is fetched.

use std::fmt;
use std::sync::Arc;

use jsonschema::Validator;

use super::walk::{Node, SchemaSet};

/// A user's schema, parsed and compiled.
pub struct UserSchema {
    name: String,
    id: String,
    set: SchemaSet,
    validator: Validator,
    known: Vec<Vec<String>>,
}

/// Why a user's schema cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct UserSchemaError {
    /// The schema file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Debug for UserSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserSchema")
            .field("name", &self.name)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl UserSchema {
    /// Parses and compiles the schema in `text` (JSON, or YAML), named `name` in messages.
    pub fn parse(name: &str, text: &str) -> Result<UserSchema, UserSchemaError> {
        let error = |message: String| UserSchemaError {
            path: name.to_owned(),
            message,
        };
        let json: serde_json::Value = match serde_json::from_str(text) {
            Ok(json) => json,
            Err(json_error) => serde_saphyr::from_str(text)
                .map_err(|_| error(format!("not a JSON (or YAML) document: {json_error}")))?,
        };
        if !json.is_object() && !json.is_boolean() {
            return Err(error("a schema is a JSON object".into()));
        }
        let validator = super::compile(&json, None).map_err(|e| {
            error(format!(
                "not a usable JSON Schema: {e} (a `$ref` may name oncall-lint's schemas by file name or URL; anything else must be inlined)"
            ))
        })?;
        let id = json
            .get("$id")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("json-schema:///{}", file_name(name)));
        let mut set = SchemaSet::new(super::documents().to_vec());
        set.push(id.clone(), Arc::new(json));
        let known = set
            .root(&id)
            .map(|r| set.known_paths(r))
            .unwrap_or_default();
        Ok(UserSchema {
            name: name.to_owned(),
            id,
            set,
            validator,
            known,
        })
    }

    /// The name given (the file's path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The compiled validator.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The schema documents (the user's and oncall-lint's).
    pub fn set(&self) -> &SchemaSet {
        &self.set
    }

    /// The root of the user's schema.
    pub fn root(&self) -> Option<Node<'_>> {
        self.set.root(&self.id)
    }

    /// Every key path the user's schema declares.
    pub fn known_paths(&self) -> &[Vec<String>] {
        &self.known
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
