//! OC091 wrong-type: a value of a type the chart does not expect (a quoted `"false"` where a
//! boolean belongs, a map for a list), or outside the values it accepts; and anything else
//! the user's own schema (`--schema`) refuses. Told as what was found, what the chart
//! expects, and an example to write instead.

use serde::Serialize;
use serde_json::json;

use super::{CheckContext, Emitter};
use crate::diagnostic::Location;
use crate::path::{KeyPath, Seg};
use crate::release::InputKind;
use crate::release::Release;
use crate::rules::RuleCode;
use crate::schema::describe::{
    boolean_word, expected_text, flow_yaml, found_of, type_with_article, yaml_string,
};
use crate::schema::{self, Scope, ViolationKind, place};
use crate::values::{Kind, Value};

/// What OC091 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A value of a type the schema does not expect.
    WrongType {
        /// The value's key.
        path: String,
        /// What was found (`the string "false"`).
        found: String,
        /// Whose schema it is (the chart, a subchart, the user's).
        owner: String,
        /// The types expected, in words.
        expected: String,
        /// What to write instead.
        advice: String,
    },
    /// A value outside those the schema accepts.
    NotOneOf {
        /// The value's key.
        path: String,
        /// What was found.
        found: String,
        /// Whose schema it is.
        owner: String,
        /// The accepted values, as `` `a`, `b` or `c` ``.
        allowed: String,
        /// What to write instead, as `key: value`.
        example: String,
    },
    /// Anything else the user's own schema refuses.
    UserSchema {
        /// The value's key, quoted, or `the top level`.
        path: String,
        /// Whose schema it is.
        owner: String,
        /// What is wrong, in words.
        reason: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    // the oncall chart's values, and the grafana chart's (alone or under another chart's
    // `grafana:`) against the keys of the grafana chart version that renders them
    if !matches!(
        ctx.release.kind,
        InputKind::OncallValues | InputKind::GrafanaValues
    ) {
        return;
    }
    let run = ctx.schema();
    let mut seen = std::collections::HashSet::new();
    for (scope, violations) in schema::scopes(ctx.release, ctx.options.user_schema.as_deref(), run)
    {
        for violation in violations {
            if matches!(violation.kind, ViolationKind::UnknownKey { .. }) {
                continue;
            }
            let path = &violation.path;
            let doc_path = scope.doc_path(path);
            let at = ViolationAt {
                path,
                key_path: place::display(&doc_path),
                doc_path,
                value: place::value_at(scope.tree, path),
            };
            if !seen.insert((at.key_path.clone(), format!("{:?}", violation.kind))) {
                continue;
            }
            // a rule that knows this mistake says more (and offers a fix): leave it to it
            if scope.is_chart()
                && let Some(code) = claimed_by(path, at.value)
                && ctx.options.selection.rule_enabled(code.as_str())
            {
                continue;
            }
            report(ctx, &scope, &violation.kind, at, out);
        }
    }
}

/// Where a violation is, and the value there.
struct ViolationAt<'v> {
    /// Its path in the scope's values.
    path: &'v [Seg],
    /// Its path from the top of the files.
    doc_path: Vec<Seg>,
    /// That path, as messages show it.
    key_path: String,
    /// The value there, when there is one.
    value: Option<&'v Value>,
}

/// Reports one violation of the scope's schema (a wrong type, a value not among those
/// allowed, anything else a user's schema refuses).
fn report(
    ctx: &CheckContext<'_>,
    scope: &Scope<'_>,
    kind: &ViolationKind,
    at: ViolationAt<'_>,
    out: &mut Emitter<'_, Message>,
) {
    let ViolationAt {
        path,
        doc_path,
        key_path,
        value,
    } = at;
    let site = value.and_then(Value::site);
    match kind {
        ViolationKind::WrongType { expected } => {
            let (Some(value), Some(site)) = (value, site) else {
                return;
            };
            let location = ctx
                .release
                .site_location(site, place::key_path(&doc_path), false);
            let example = example(ctx.release, scope, path, value, expected);
            let shown = show(path, &example);
            let message = Message::WrongType {
                path: key_path,
                found: found(ctx.release, value, path),
                owner: scope.owner(path),
                expected: expected_text(expected),
                advice: advice(value, expected, &shown, path),
            };
            out.emit(message, location);
        }
        ViolationKind::NotOneOf { allowed } => {
            let (Some(value), Some(site)) = (value, site) else {
                return;
            };
            let location = ctx
                .release
                .site_location(site, place::key_path(&doc_path), false);
            let closest = closest(value, allowed);
            let message = Message::NotOneOf {
                path: key_path,
                found: found(ctx.release, value, path),
                owner: scope.owner(path),
                allowed: one_of(allowed),
                example: show(
                    path,
                    closest.unwrap_or(&allowed.first().cloned().unwrap_or_default()),
                ),
            };
            out.emit(message, location);
        }
        ViolationKind::Other { reason } => {
            let location = match site {
                Some(site) => ctx
                    .release
                    .site_location(site, place::key_path(&doc_path), false),
                None => whole(ctx.release, &doc_path),
            };
            let message = Message::UserSchema {
                path: if key_path.is_empty() {
                    "the top level".to_owned()
                } else {
                    format!("`{key_path}`")
                },
                owner: scope.owner(path),
                reason: reason.clone(),
            };
            out.emit(message, location);
        }
        ViolationKind::UnknownKey { .. } => {}
    }
}

/// The rule that claims the wrong type of the value at `path` (a release path), if any:
/// each rule lists the values it reports better than OC091 in its file (`claims:`).
fn claimed_by(path: &[Seg], value: Option<&Value>) -> Option<RuleCode> {
    let collection = value.is_some_and(|v| matches!(v.kind, Kind::Map(_) | Kind::Seq(_)));
    let mut pattern = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) if pattern.is_empty() => pattern.push_str(key),
            Seg::Key(key) => {
                pattern.push('.');
                pattern.push_str(key);
            }
            Seg::Index(_) => pattern.push_str("[]"),
        }
    }
    RuleCode::ALL.iter().copied().find(|code| {
        code.info()
            .claims
            .iter()
            .any(|claim| claim.path == pattern && (collection || !claim.collections_only))
    })
}

/// Where to report about a map nobody wrote: its key in the last file that has it, else the
/// top of the values.
fn whole(release: &Release, doc_path: &[Seg]) -> Location {
    let mut path = doc_path.to_vec();
    while !path.is_empty() {
        if let Some(location) = place::key_locations(release, &path).into_iter().next() {
            return Location {
                key_path: place::key_path(doc_path),
                ..location
            };
        }
        path.pop();
    }
    if doc_path.is_empty()
        && let Some(layer) = release.layers.iter().find(|l| l.doc.root.is_some())
        && let Some(first) = layer
            .doc
            .root
            .and_then(|r| layer.doc.entries(r).first().copied())
    {
        // the whole file: its first key
        let start = layer.doc.node(first.key).span.start;
        return Location {
            file: layer.source.clone(),
            span: start..start,
            key_path: KeyPath::root(),
        };
    }
    release.top_location(place::key_path(doc_path))
}

/// What was found; a number Helm read differently from how it is written says both
/// (`the number `1.1` (written `1.10`)`). A secret's value (by its path) is not quoted:
/// only its type is said (`the number `****``).
fn found(release: &Release, value: &Value, path: &[Seg]) -> String {
    if crate::redact::is_secret_path(path) {
        let mask = crate::redact::MASK;
        match value.kind {
            Kind::Bool(_) => return format!("the boolean `{mask}`"),
            Kind::Int(_) | Kind::Float(_) => return format!("the number `{mask}`"),
            Kind::Str(_) => return format!("the string `{mask}`"),
            _ => {}
        }
    }
    let words = found_of(value);
    if let Kind::Int(_) | Kind::Float(_) = value.kind
        && let Some(text) = source_text(release, value)
        && Some(&text) != value.scalar_string().as_ref()
    {
        return format!("{words} (written `{text}`)");
    }
    words
}

/// `key: value` for the last key of `path` (just the value under a list index).
fn show(path: &[Seg], value: &serde_json::Value) -> String {
    match path.last() {
        Some(Seg::Key(key)) => format!("{}: {}", yaml_string(key), flow_yaml(value)),
        _ => flow_yaml(value),
    }
}

/// The JSON Schema type of a JSON value.
fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn fits(value: &serde_json::Value, expected: &[String]) -> bool {
    let t = json_type(value);
    expected
        .iter()
        .any(|e| e == t || (e == "number" && t == "integer"))
        && !value.is_null()
}

/// What to write instead: the user's own value in the right type when it has one (`"yes"`
/// → `true`, `"3"` → `3`, `1.10` → `"1.10"`), else the schema's example, else the chart's
/// default, else the simplest value of the expected type.
fn example(
    release: &Release,
    scope: &Scope<'_>,
    path: &[Seg],
    value: &Value,
    expected: &[String],
) -> serde_json::Value {
    let wants = |t: &str| expected.iter().any(|e| e == t);
    match &value.kind {
        Kind::Str(s) if wants("boolean") && boolean_word(s).is_some() => {
            return json!(boolean_word(s));
        }
        Kind::Str(s) if wants("integer") || wants("number") => {
            if let Ok(i) = s.trim().parse::<i64>() {
                return json!(i);
            }
            if wants("number")
                && let Ok(f) = s.trim().parse::<f64>()
                && f.is_finite()
            {
                return json!(f);
            }
        }
        Kind::Seq(items) if wants("object") => {
            // an env list (`- name: A` / `value: b`) as the map the chart reads
            let pairs: Option<serde_json::Map<String, serde_json::Value>> = items
                .iter()
                .map(|item| {
                    let name = item.get(&["name"])?.scalar_string()?;
                    let value = item.get(&["value"])?.to_json();
                    Some((name, value))
                })
                .collect();
            if let Some(pairs) = pairs.filter(|p| !p.is_empty()) {
                return serde_json::Value::Object(pairs);
            }
        }
        Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) if wants("string") => {
            return json!(
                source_text(release, value)
                    .unwrap_or_else(|| value.scalar_string().unwrap_or_default())
            );
        }
        _ => {}
    }
    if let Some(example) = scope
        .node(path)
        .and_then(|node| scope.set.example(node))
        .filter(|e| fits(e, expected))
    {
        return example.clone();
    }
    if scope.is_chart() {
        let keys: Option<Vec<&str>> = path
            .iter()
            .map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect();
        if let Some(default) = keys
            .and_then(|keys| release.defaults().get(&keys).map(Value::to_json))
            .filter(|d| fits(d, expected) && !is_empty(d))
        {
            return default;
        }
    }
    let first = expected
        .iter()
        .find(|e| *e != "null")
        .map(String::as_str)
        .unwrap_or("string");
    match first {
        "boolean" => json!(true),
        "integer" | "number" => json!(1),
        "array" => json!([]),
        "object" => json!({}),
        _ => json!("..."),
    }
}

fn is_empty(json: &serde_json::Value) -> bool {
    match json {
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Null => true,
        _ => false,
    }
}

/// The scalar as the user wrote it (`1.10`, not `1.1`).
fn source_text(release: &Release, value: &Value) -> Option<String> {
    let site = value.site()?;
    let layer = release.layers.get(site.layer)?;
    let text = layer.source.text().get(site.span.clone())?.trim();
    (!text.is_empty() && !text.contains('\n')).then(|| text.to_owned())
}

/// What to do, for the pair of types at hand.
fn advice(value: &Value, expected: &[String], example: &str, path: &[Seg]) -> String {
    let wants = |t: &str| expected.iter().any(|e| e == t);
    let key = match path.last() {
        Some(Seg::Key(k)) => format!("`{k}`"),
        _ => "it".into(),
    };
    match &value.kind {
        Kind::Str(s) if wants("boolean") => match boolean_word(s) {
            Some(_) => format!(
                "write `{example}` without quotes; quoted it is a string, and the chart's templates take every non-empty string as true, \"false\" included"
            ),
            None => format!("write `true` or `false` without quotes, e.g. `{example}`"),
        },
        Kind::Str(s)
            if (wants("integer") || wants("number")) && s.trim().parse::<f64>().is_ok() =>
        {
            format!("write `{example}` without quotes")
        }
        Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) if wants("string") => {
            format!("quote it, so Helm keeps the text as written: `{example}`")
        }
        Kind::Map(_) if wants("array") => {
            format!("write {key} as a list (`- item` lines or `[...]`), e.g. `{example}`")
        }
        Kind::Seq(_) if wants("object") => {
            format!("write {key} as a map of keys, e.g. `{example}`")
        }
        // one item: the value itself was meant
        Kind::Seq(items)
            if wants("string")
                && items.len() == 1
                && items.first().and_then(Value::scalar_string).is_some() =>
        {
            let item = items
                .first()
                .and_then(Value::scalar_string)
                .unwrap_or_default();
            format!(
                "write the value itself, without the `-`: `{}: {}`",
                match path.last() {
                    Some(Seg::Key(k)) => k.as_str(),
                    _ => "key",
                },
                crate::yaml::quote::quote_if_needed(&item)
            )
        }
        Kind::Seq(_) | Kind::Map(_) if wants("string") => format!(
            "write {key} as a string; for YAML inside it, use a block string (`{}: |` and the YAML indented below)",
            match path.last() {
                Some(Seg::Key(k)) => k.as_str(),
                _ => "key",
            }
        ),
        _ => {
            let first = expected
                .iter()
                .find(|e| *e != "null")
                .map(String::as_str)
                .unwrap_or("string");
            format!("write {} here, e.g. `{example}`", type_with_article(first))
        }
    }
}

/// The allowed value closest to what was written (`Postgres` → `postgresql`).
fn closest<'v>(value: &Value, allowed: &'v [serde_json::Value]) -> Option<&'v serde_json::Value> {
    let text = value.scalar_string()?;
    allowed
        .iter()
        .filter_map(|a| {
            let candidate = a.as_str()?;
            let score = if candidate.eq_ignore_ascii_case(&text) {
                200
            } else if candidate.to_lowercase().starts_with(&text.to_lowercase())
                || text.to_lowercase().starts_with(&candidate.to_lowercase())
            {
                150
            } else {
                schema::similarity(&text, candidate)?
            };
            Some((score, a))
        })
        .max_by_key(|(score, _)| *score)
        .map(|(_, a)| a)
}

/// `` `mysql`, `postgresql` or `sqlite` ``.
fn one_of(allowed: &[serde_json::Value]) -> String {
    let words: Vec<String> = allowed
        .iter()
        .filter(|a| !a.is_null())
        .map(|a| format!("`{}`", flow_yaml(a)))
        .collect();
    match words.as_slice() {
        [] => "null".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
