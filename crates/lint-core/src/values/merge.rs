//! Helm's coalescing of values layers: maps merge key by key, lists and scalars replace
//! wholesale, a `null` deletes what is underneath, and a change of type replaces.

use std::sync::Arc;

use super::value::{Kind, Value};

/// Lays `over` on top of `base`, as `helm install -f base -f over` does.
pub fn coalesce(base: &mut Value, over: Value) {
    match (&mut base.kind, over.kind) {
        (Kind::Map(base_map), Kind::Map(over_map)) => {
            // a map shared with the chart's defaults is copied here, one level at a time
            let base_map = Arc::make_mut(base_map);
            for (key, value) in Arc::unwrap_or_clone(over_map) {
                if value.is_null() {
                    base_map.shift_remove(&key);
                    continue;
                }
                match base_map.get_mut(&key) {
                    Some(existing) => coalesce(existing, value),
                    None => {
                        base_map.insert(key, strip_nulls(value));
                    }
                }
            }
            // the map itself is kept where it was first written; what changed inside it
            // carries its own origin
        }
        (_, kind) => {
            *base = strip_nulls(Value::new(kind, over.origin));
        }
    }
}

/// A map that lands where the chart has nothing keeps its entries, but Helm drops the
/// `null` ones when it coalesces (`helm get values --all` shows them gone).
fn strip_nulls(mut value: Value) -> Value {
    // a map without nulls stays shared with the layer it came from
    if !holds_null(&value) {
        return value;
    }
    if let Kind::Map(map) = &mut value.kind {
        let map = Arc::make_mut(map);
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            let taken = std::mem::replace(v, Value::new(Kind::Null, v.origin.clone()));
            *v = strip_nulls(taken);
        }
    }
    value
}

/// Whether a map holds a `null` at any depth of maps (what [`strip_nulls`] removes).
fn holds_null(value: &Value) -> bool {
    match &value.kind {
        Kind::Map(map) => map.values().any(|v| v.is_null() || holds_null(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Origin;
    use serde_json::json;

    fn value(j: serde_json::Value, chart: &'static str) -> Value {
        Value::from_json(
            &j,
            &Origin::Default {
                chart,
                version: "0",
            },
        )
    }

    /// Each case: chart defaults, user values, what Helm's `coalesceValues` produces.
    #[test]
    fn coalescing_follows_helm() {
        let cases = [
            // nested maps merge key by key
            (
                json!({"a": {"b": 1, "c": 2}}),
                json!({"a": {"c": 3, "d": 4}}),
                json!({"a": {"b": 1, "c": 3, "d": 4}}),
            ),
            // lists replace wholesale (the chart's provisioning volume is lost)
            (
                json!({"v": [{"name": "provisioning"}]}),
                json!({"v": [{"name": "mine"}]}),
                json!({"v": [{"name": "mine"}]}),
            ),
            // null deletes a default
            (
                json!({"a": {"b": 1, "c": 2}}),
                json!({"a": {"b": null}}),
                json!({"a": {"c": 2}}),
            ),
            // map -> scalar and scalar -> map: the user's type wins
            (json!({"a": {"b": 1}}), json!({"a": "x"}), json!({"a": "x"})),
            (
                json!({"a": "x"}),
                json!({"a": {"b": 1}}),
                json!({"a": {"b": 1}}),
            ),
            // a string replaces a string: `enable` loses the chart's toggle
            (
                json!({"enable": "externalServiceAccounts"}),
                json!({"enable": "publicDashboards"}),
                json!({"enable": "publicDashboards"}),
            ),
        ];
        for (base, over, expected) in cases {
            let mut merged = value(base.clone(), "chart");
            coalesce(&mut merged, value(over.clone(), "user"));
            assert_eq!(merged.to_json(), expected, "{base} <- {over}");
        }
    }

    #[test]
    fn replaced_values_carry_the_user_origin() {
        let mut merged = value(json!({"a": {"b": [1], "c": 1}}), "chart");
        coalesce(&mut merged, value(json!({"a": {"b": [2]}}), "user"));
        let b = merged.get(&["a", "b"]).unwrap();
        assert!(matches!(b.origin, Origin::Default { chart: "user", .. }));
        let c = merged.get(&["a", "c"]).unwrap();
        assert!(matches!(c.origin, Origin::Default { chart: "chart", .. }));
    }
}
