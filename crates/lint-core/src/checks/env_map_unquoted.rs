//! OC050 env-map-unquoted: the oncall chart writes each value of a top-level `env` map
//! unquoted (`value: {{ $value }}` in `oncall.extraEnvs`), so the rendered manifest re-reads
//! it as YAML: a boolean, a number or a string that looks like one becomes a non-string env
//! value, which Kubernetes rejects; other text can break the manifest or lose its tail.
//! The list form (`env: [{name, value}]`) goes through `toYaml` and keeps strings quoted.

use serde::Serialize;

use super::{CheckContext, Emitter, path};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::release::InputKind;
use crate::values::{Kind, Value};
use crate::yaml::scalar::{Resolved, resolve_plain};

/// What an env value becomes when the chart writes it unquoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// A boolean, number or flow collection: Kubernetes rejects it.
    NotString(&'static str),
    /// The manifest does not parse.
    Syntax,
    /// `null`: the variable is empty.
    Null,
    /// ` #` starts a comment: the rest is cut off.
    Comment,
}

/// What the text `{{ $value }}` prints becomes in `value: <text>`; `None` when it stays
/// the same string.
pub(crate) fn trouble(text: &str) -> Option<Trouble> {
    if text.contains('\n') {
        return Some(Trouble::Syntax);
    }
    match text.chars().next() {
        Some('[') => return Some(Trouble::NotString("list")),
        Some('{') => return Some(Trouble::NotString("map")),
        // a comment from the start: the value is empty
        Some('#') => return Some(Trouble::Null),
        Some(']' | '}' | '*' | '&' | '!' | '|' | '>' | '%' | '@' | '`' | ',') => {
            return Some(Trouble::Syntax);
        }
        _ => {}
    }
    if ["- ", "? ", ": "].iter().any(|p| text.starts_with(p))
        || text.contains(": ")
        || text.ends_with(':')
    {
        return Some(Trouble::Syntax);
    }
    if text.contains(" #") {
        return Some(Trouble::Comment);
    }
    match resolve_plain(text.trim()) {
        Resolved::Null => Some(Trouble::Null),
        Resolved::Bool(_) => Some(Trouble::NotString("boolean")),
        Resolved::Int(_) | Resolved::UInt(_) | Resolved::Float(_) => {
            Some(Trouble::NotString("number"))
        }
        Resolved::Str | Resolved::Merge => None,
    }
}

/// What OC050 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A boolean or number that Kubernetes rejects as an env value.
    Typed {
        /// The variable's name.
        name: String,
        /// What YAML reads it as (`boolean`, `number`, ...).
        kind: String,
        /// The value written.
        found: String,
    },
    /// A string that YAML reads back as another type once written unquoted.
    StringTyped {
        /// The variable's name.
        name: String,
        /// What YAML reads it as (`boolean`, `number`, `list`, `map`).
        kind: String,
        /// The value written.
        found: String,
    },
    /// A value that breaks the rendered manifest.
    Syntax {
        /// The variable's name.
        name: String,
        /// The value written.
        found: String,
    },
    /// A value that YAML reads as null.
    Empty {
        /// The variable's name.
        name: String,
        /// The value written.
        found: String,
    },
    /// A value whose tail YAML reads as a comment.
    Comment {
        /// The variable's name.
        name: String,
        /// The value written.
        found: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let release = ctx.release;
    let Some(env) = release.get(&["env"]) else {
        return;
    };
    let Some(map) = env.as_map() else {
        return;
    };
    let mut fix = list_form_fix(ctx, env, map);
    for (name, value) in map {
        let (text, typed) = match &value.kind {
            Kind::Str(s) => (s.clone(), false),
            Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) => {
                (value.scalar_string().unwrap_or_default(), true)
            }
            // null and collections: not what this rule is about
            _ => continue,
        };
        let Some(found) = trouble(&text) else {
            continue;
        };
        let location = release.locate(value, &["env", name], false);
        let name = name.clone();
        // a secret's value is not quoted, in any form it is read as
        let described = if crate::redact::is_secret_key(&name) {
            crate::redact::MASK.to_owned()
        } else {
            value.describe()
        };
        let message = match found {
            Trouble::NotString(kind) if typed => Message::Typed {
                name,
                kind: kind.to_owned(),
                found: described,
            },
            Trouble::NotString(kind) => Message::StringTyped {
                name,
                kind: kind.to_owned(),
                found: described,
            },
            Trouble::Syntax => Message::Syntax {
                name,
                found: described,
            },
            Trouble::Null => Message::Empty {
                name,
                found: described,
            },
            Trouble::Comment => Message::Comment {
                name,
                found: described,
            },
        };
        out.emit(message, location)
        // one fix rewrites the whole map: attach it to the first finding
        .with_fix(fix.take());
    }
}

/// Rewrites the effective `env` map as the list form, every value a string.
fn list_form_fix(
    ctx: &CheckContext<'_>,
    env: &Value,
    map: &crate::values::Map,
) -> Option<crate::diagnostic::Fix> {
    let mut items = Vec::new();
    for (name, value) in map {
        let text = value.scalar_string()?;
        let mut item = crate::values::Map::default();
        item.insert("name".to_owned(), fix::ops::text(name.clone()));
        item.insert("value".to_owned(), fix::ops::text(text));
        items.push(Value::new(Kind::map(item), env.origin.clone()));
    }
    // entries from several files: the list replaces them all, so review it
    let layers: std::collections::BTreeSet<usize> = map
        .values()
        .filter_map(|v| v.site().map(|s| s.layer))
        .collect();
    let applicability = if layers.len() <= 1 {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    ctx.fix_at(
        Some(env),
        "write `env` as a list of `name`/`value` items (quoted strings)",
        applicability,
        vec![Op::Replace {
            path: path(&["env"]),
            value: Value::new(Kind::Seq(items), env.origin.clone()),
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquoted_values_become_what_yaml_makes_of_them() {
        assert_eq!(trouble("True"), Some(Trouble::NotString("boolean")));
        assert_eq!(trouble("on"), Some(Trouble::NotString("boolean")));
        assert_eq!(trouble("5"), Some(Trouble::NotString("number")));
        assert_eq!(trouble("0755"), Some(Trouble::NotString("number")));
        assert_eq!(trouble("1.10"), Some(Trouble::NotString("number")));
        assert_eq!(trouble("[a, b]"), Some(Trouble::NotString("list")));
        assert_eq!(trouble("%(levelname)s %(message)s"), Some(Trouble::Syntax));
        assert_eq!(trouble("a: b"), Some(Trouble::Syntax));
        assert_eq!(trouble("~"), Some(Trouble::Null));
        assert_eq!(trouble("pass #1"), Some(Trouble::Comment));
        assert_eq!(trouble("#oncall-alerts"), Some(Trouble::Null));
        assert_eq!(trouble("http://oncall-engine:8080"), None);
        assert_eq!(trouble("oncall.example.com"), None);
        assert_eq!(trouble("1.16.9"), None);
        assert_eq!(trouble("\"quoted\""), None);
    }
}
