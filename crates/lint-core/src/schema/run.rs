//! Validating a release: the chart's schema over the values users wrote (chart-relative
//! paths), and the user's own schema (`--schema`) over the whole files (document paths).

use jsonschema::Validator;
use jsonschema::error::{TypeKind, ValidationError, ValidationErrorKind};
use jsonschema::paths::LocationSegment;

use super::compact::Subschema;
use super::violation::{SchemaSource, Violation, ViolationKind};
use crate::path::Seg;
use crate::release::{InputKind, Release};
use crate::values::{Kind, Origin, Value, coalesce, to_value};

/// The result of validating one release.
#[derive(Debug, Default)]
pub struct Run {
    /// Violations of the chart's schema (chart-relative paths).
    pub chart: Vec<Violation>,
    /// Violations of the user's schema (paths from the top of the files).
    pub user: Vec<Violation>,
    /// The values the user's schema was checked against (the files merged, with the
    /// chart's effective values under the values root).
    pub user_values: Option<Value>,
}

/// Validates a release against its chart's schema and, when given, the user's schema (its
/// files read again with `alias_budget`, Helm's limit on alias expansion).
pub fn run(release: &Release, user: Option<&super::UserSchema>, alias_budget: usize) -> Run {
    let mut result = Run::default();
    // only what users wrote: a chart default is never a finding, and the defaults are most
    // of the values; and inside what they wrote, only what the schema looks at
    if let Some(root) = Subschema::root(&release.schema_file()) {
        let instance = pruned(Some(root), &release.values, false)
            .unwrap_or_else(|| serde_json::Value::Object(Default::default()));
        result.chart = super::native::validate(root, &instance);
        if release.kind == InputKind::GrafanaValues {
            if !release.values_root.is_empty() {
                // under another chart's `grafana:`, keys that chart's own templates read
                result.chart.retain(|v| !parent_chart_key(v));
            }
            if let Some(next) = next_embedded(release) {
                // a version between two embedded ones may read a key the later one has
                result.chart.retain(|v| !known_in(next, v));
            }
        }
    }
    if let Some(user) = user {
        let values = document_values(release, alias_budget);
        let instance = values.to_json();
        result.user = violations(user.validator(), &instance, SchemaSource::User);
        result.user_values = Some(values);
    }
    result
}

/// For a grafana chart version between two embedded ones (checked with the keys of the
/// earlier), the root of the later one's mounted schema.
fn next_embedded(release: &Release) -> Option<Subschema> {
    let chart = &release.grafana;
    if !chart.stands_in() {
        return None;
    }
    let embedded = &crate::chart::grafana::EMBEDDED;
    let index = embedded.iter().position(|e| e == chart.defaults)?;
    let next = embedded.get(index + 1)?;
    Subschema::root(&super::mounted_grafana_schema_file(next.version))
}

/// Whether an unknown key is one the schema `root` has.
fn known_in(root: Subschema, violation: &Violation) -> bool {
    let ViolationKind::UnknownKey { key } = &violation.kind else {
        return false;
    };
    root.at(&violation.path)
        .and_then(|parent| parent.child(key))
        .is_some()
}

/// Whether a violation is an unknown key that a chart holding the grafana chart under its
/// `grafana:` reads itself (kube-prometheus-stack's `forceDeployDatasources`, ...).
fn parent_chart_key(violation: &Violation) -> bool {
    let ViolationKind::UnknownKey { key } = &violation.kind else {
        return false;
    };
    let mut keys: Vec<&str> = Vec::new();
    for seg in violation.path.iter().skip(1) {
        match seg {
            Seg::Key(k) => keys.push(k),
            Seg::Index(_) => return false,
        }
    }
    keys.push(key);
    crate::chart::grafana::parent_chart_key(&keys)
}

/// Validates `instance` and turns every error into violations.
pub fn violations(
    validator: &Validator,
    instance: &serde_json::Value,
    source: SchemaSource,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for error in validator.iter_errors(instance) {
        let path: Vec<Seg> = error
            .instance_path()
            .iter()
            .map(|segment| match segment {
                LocationSegment::Property(key) => Seg::Key(key.into_owned()),
                LocationSegment::Index(index) => Seg::Index(index),
            })
            .collect();
        for kind in kinds(&error) {
            out.push(Violation {
                source: source.clone(),
                path: path.clone(),
                kind,
            });
        }
    }
    out
}

fn kinds(error: &ValidationError<'_>) -> Vec<ViolationKind> {
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|key| ViolationKind::UnknownKey { key: key.clone() })
            .collect(),
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            vec![ViolationKind::WrongType { expected }]
        }
        ValidationErrorKind::Enum { options } => vec![ViolationKind::NotOneOf {
            allowed: options.as_array().cloned().unwrap_or_default(),
        }],
        ValidationErrorKind::Constant { expected_value } => vec![ViolationKind::NotOneOf {
            allowed: vec![expected_value.as_ref().clone()],
        }],
        ValidationErrorKind::Required { property } => vec![ViolationKind::Other {
            reason: format!(
                "`{}` is required",
                property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned)
            ),
        }],
        other => vec![ViolationKind::Other {
            reason: reason(other).unwrap_or_else(|| error.to_string()),
        }],
    }
}

/// Common constraints of a user's schema, in words.
fn reason(kind: &ValidationErrorKind) -> Option<String> {
    Some(match kind {
        ValidationErrorKind::Pattern { pattern } => {
            format!("it does not match the pattern `{pattern}`")
        }
        ValidationErrorKind::Minimum { limit } => format!("it is less than {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("it is more than {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("it is not more than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            format!("it is not less than {limit}")
        }
        ValidationErrorKind::MinLength { limit } => format!("it is shorter than {limit}"),
        ValidationErrorKind::MaxLength { limit } => format!("it is longer than {limit}"),
        ValidationErrorKind::MinItems { limit } => {
            format!("it has fewer than {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("it has more than {limit} items"),
        ValidationErrorKind::UniqueItems => "its items are not unique".into(),
        ValidationErrorKind::Format { format } => format!("it is not a valid {format}"),
        ValidationErrorKind::FalseSchema => "it is not allowed here".into(),
        _ => return None,
    })
}

/// The values users wrote (maps the chart holds are kept only for the keys users set
/// inside them), as JSON.
pub fn user_written(value: &Value) -> Option<serde_json::Value> {
    match (&value.origin, &value.kind) {
        (Origin::User(_), _) => Some(value.to_json()),
        (_, Kind::Map(map)) => {
            let kept: serde_json::Map<String, serde_json::Value> = map
                .iter()
                .filter_map(|(k, v)| user_written(v).map(|j| (k.clone(), j)))
                .collect();
            (!kept.is_empty()).then_some(serde_json::Value::Object(kept))
        }
        _ => None,
    }
}

/// What a chart schema needs to see of the values: what users wrote (as [`user_written`]),
/// with the content of maps and lists the schema does not look into left out (an empty map
/// or list keeps the type check), and the value of an unknown key left out (its presence is
/// the finding). Validation then costs what the chart's own keys cost, however large the
/// Kubernetes objects or the misplaced keys are. Only for oncall-lint's own schemas, which
/// use no keyword that looks at more than this.
fn pruned(node: Option<Subschema>, value: &Value, written: bool) -> Option<serde_json::Value> {
    let written = written || value.site().is_some();
    match &value.kind {
        Kind::Map(map) if !written => {
            // a map of the chart's: only the keys users wrote something into
            let mut out = serde_json::Map::new();
            for (key, child) in map.iter().filter(|(_, c)| has_user(c)) {
                let kept = match node.and_then(|n| n.child(key)) {
                    Some(schema) => pruned(Some(schema), child, false),
                    None if child.site().is_some() => Some(serde_json::Value::Null),
                    None => None,
                };
                if let Some(kept) = kept {
                    out.insert(key.clone(), kept);
                }
            }
            (!out.is_empty()).then_some(serde_json::Value::Object(out))
        }
        Kind::Map(map) => {
            if node.is_some_and(Subschema::is_shallow) {
                return Some(serde_json::Value::Object(Default::default()));
            }
            let mut out = serde_json::Map::new();
            for (key, child) in map.iter() {
                let kept = match node.and_then(|n| n.child(key)) {
                    Some(schema) => pruned(Some(schema), child, written),
                    // an unknown key (closed map) or an unconstrained one (open map): only
                    // that it is there matters
                    None => Some(serde_json::Value::Null),
                };
                if let Some(kept) = kept {
                    out.insert(key.clone(), kept);
                }
            }
            Some(serde_json::Value::Object(out))
        }
        Kind::Seq(items) => {
            if !written {
                return None;
            }
            if node.is_some_and(Subschema::is_shallow) {
                return Some(serde_json::Value::Array(Vec::new()));
            }
            let schema = node.and_then(Subschema::item);
            Some(serde_json::Value::Array(
                items
                    .iter()
                    .map(|item| match schema {
                        Some(schema) => {
                            pruned(Some(schema), item, true).unwrap_or(serde_json::Value::Null)
                        }
                        None => serde_json::Value::Null,
                    })
                    .collect(),
            ))
        }
        _ => written.then(|| value.to_json()),
    }
}

/// Whether a user wrote this value or anything inside it.
fn has_user(value: &Value) -> bool {
    match (&value.origin, &value.kind) {
        (Origin::User(_), _) => true,
        (_, Kind::Map(map)) => map.values().any(has_user),
        _ => false,
    }
}

/// The release's values from the top of the files: every file merged in Helm's order, and
/// the chart's effective values (defaults included) under the values root.
pub fn document_values(release: &Release, alias_budget: usize) -> Value {
    if release.values_root.is_empty() {
        return release.values.clone();
    }
    let origin = Origin::Default {
        chart: "oncall",
        version: release.chart.version,
    };
    let mut top = Value::new(Kind::Map(Default::default()), origin.clone());
    for (index, layer) in release.layers.iter().enumerate() {
        let Some(root) = layer.doc.root else {
            continue;
        };
        let budget = alias_budget.saturating_add(layer.doc.len());
        if let Ok(value) = to_value(&layer.doc, root, index, &|r| r, budget)
            && matches!(value.kind, Kind::Map(_))
        {
            coalesce(&mut top, value);
        }
    }
    let mut at = &mut top;
    for key in &release.values_root {
        if !matches!(at.kind, Kind::Map(_)) {
            at.kind = Kind::Map(Default::default());
        }
        let Kind::Map(map) = &mut at.kind else {
            unreachable!("made a map above")
        };
        at = std::sync::Arc::make_mut(map)
            .entry(key.clone())
            .or_insert_with(|| Value::new(Kind::Map(Default::default()), origin.clone()));
    }
    *at = release.values.clone();
    top
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_user_values_are_validated() {
        let defaults = Origin::Default {
            chart: "oncall",
            version: "1",
        };
        let user = Origin::User(crate::values::Site {
            layer: 0,
            span: 0..0,
            key_span: None,
        });
        let mut values = Value::from_json(&json!({"a": {"b": 1, "c": 2}, "d": 3}), &defaults);
        coalesce(
            &mut values,
            Value::from_json(&json!({"a": {"c": 4, "e": 5}}), &user),
        );
        assert_eq!(user_written(&values), Some(json!({"a": {"c": 4, "e": 5}})));
    }
}
