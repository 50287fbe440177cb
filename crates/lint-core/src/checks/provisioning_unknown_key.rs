//! OC009 provisioning-unknown-key: a key of the OnCall plugin's provisioning that its reader
//! never reads. Grafana's plugin provisioning reader (YAML, keys matched exactly) drops an
//! unknown key of the document or of an `apps[]` entry without a word, so `config:` for
//! `jsonData:` provisions the plugin with no settings at all; the plugin reads only the
//! `jsonData` and `secureJsonData` keys it declares. A `jsonData` key that differs from a
//! known one only in case (`oncallAPIURL`) is different: the plugin's Go backend decodes
//! `jsonData` with `encoding/json`, which matches keys case-insensitively, so the
//! connection works, but the plugin's configuration page and the `plugin.json` proxy route
//! read the exact key. `secureJsonData` is read by exact map lookup, so case matters there.
//!
//! The known keys are the model's table ([`known_keys`]), derived from those sources.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Edit, Fix, Location};
use crate::model::provisioning::{ProvisionedApp, Scope, json_data, known_keys};
use crate::path::{KeyPath, Seg};
use crate::values::Value;

/// What OC009 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A key its reader does not read, with no near known key.
    Unknown {
        /// The key's path in the provisioning document (`apps[0].jsonData.foo`).
        path: String,
        /// Who reads the map it is in.
        reader: String,
        /// The keys that reader knows, listed.
        known: String,
    },
    /// A key its reader does not read, and the known key most likely meant.
    DidYouMean {
        /// The key's path in the provisioning document.
        path: String,
        /// Who reads the map it is in.
        reader: String,
        /// The key as written.
        key: String,
        /// The known key most likely meant.
        suggestion: String,
        /// What else to know about this pair (empty: nothing).
        note: String,
    },
    /// A `jsonData` key equal to a known one but for case.
    CaseOnly {
        /// The key's path in the provisioning document.
        path: String,
        /// The key as written.
        key: String,
        /// The key the plugin declares.
        suggestion: String,
    },
    /// Several `jsonData` keys that are one setting to the backend.
    CaseDuplicate {
        /// The key's path in the provisioning document.
        path: String,
        /// The other keys equal to it but for case.
        other: String,
        /// The key the backend takes.
        winner: String,
        /// The key the plugin declares.
        suggestion: String,
    },
    /// A key Grafana ignores that is harmless (`name`).
    Ignored {
        /// The key's path in the provisioning document.
        path: String,
    },
}

/// Keys of an `apps[]` entry Grafana ignores but that do no harm: `name` (the oncall
/// repository's own dev provisioning writes it) and `pinned` (Grafana pins every
/// provisioned app). `enabled: true` is harmless too (Grafana enables the app anyway).
const HARMLESS_APP_KEYS: [&str; 2] = ["name", "pinned"];

/// Names people write for a known key that no spelling distance finds, with a note.
const ALIASES: [(Scope, &str, &str, &str); 5] = [
    (
        Scope::App,
        "config",
        "jsonData",
        "Grafana gives the plugin its settings only from `jsonData`",
    ),
    (
        Scope::App,
        "settings",
        "jsonData",
        "Grafana gives the plugin its settings only from `jsonData`",
    ),
    (
        Scope::App,
        "secureSettings",
        "secureJsonData",
        "Grafana gives the plugin its secrets only from `secureJsonData`",
    ),
    (
        Scope::App,
        "enabled",
        "disabled",
        "with the opposite value: Grafana enables a provisioned app unless `disabled: true`",
    ),
    (
        Scope::App,
        "id",
        "type",
        "Grafana finds the plugin by `type` and refuses an entry without it",
    ),
];

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let mut seen: Vec<*const Value> = Vec::new();
    for app in ctx.provisioning {
        let document = std::sync::Arc::as_ptr(&app.document);
        if !seen.contains(&document) {
            seen.push(document);
            if let Some(map) = app.document.as_map() {
                for (key, value) in map {
                    let at = Here::new(app, Vec::new(), key);
                    judge(ctx, out, app, Scope::Document, &at, value);
                }
            }
        }
        let Some(entry) = app.value.as_map() else {
            continue;
        };
        let index = match app.entry_path.last() {
            Some(Seg::Index(i)) => *i,
            _ => 0,
        };
        let apps = format!("apps[{index}]");
        for (key, value) in entry {
            let at = Here::new(app, vec![apps.clone()], key);
            judge(ctx, out, app, Scope::App, &at, value);
        }
        for (scope, name) in [
            (Scope::JsonData, "jsonData"),
            (Scope::SecureJsonData, "secureJsonData"),
        ] {
            let Some(map) = app.value.get(&[name]).and_then(Value::as_map) else {
                continue;
            };
            for (key, value) in map {
                let at = Here::new(app, vec![apps.clone(), name.to_owned()], key);
                judge(ctx, out, app, scope, &at, value);
            }
        }
    }
}

/// A key being judged: where it is, for messages and locations.
struct Here<'k> {
    /// The key.
    key: &'k str,
    /// Its path in the provisioning document, for messages.
    shown: String,
    /// Its display key path in the file.
    key_path: KeyPath,
    /// Its path from the entry (`jsonData.key`), or from the document for a top-level key
    /// (`None`: the document itself is the target).
    inner: Option<Vec<Seg>>,
}

impl<'k> Here<'k> {
    fn new(app: &ProvisionedApp, parents: Vec<String>, key: &'k str) -> Self {
        let mut key_path = app.document_key_path.clone();
        let mut shown = String::new();
        for parent in &parents {
            if let Some(i) = parent
                .strip_prefix("apps[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<usize>().ok())
            {
                key_path = key_path.key("apps").index(i);
            } else {
                key_path = key_path.key(parent);
            }
            shown.push_str(parent);
            shown.push('.');
        }
        shown.push_str(key);
        let inner = (!parents.is_empty()).then(|| {
            parents
                .iter()
                .skip(1)
                .map(|p| Seg::Key(p.clone()))
                .chain(std::iter::once(Seg::Key(key.to_owned())))
                .collect()
        });
        Here {
            key,
            shown,
            key_path: key_path.key(key),
            inner,
        }
    }
}

/// Reports `at.key` (holding `value`) when the reader of `scope` does not know it.
fn judge(
    ctx: &CheckContext<'_>,
    out: &mut Emitter<'_, Message>,
    app: &ProvisionedApp,
    scope: Scope,
    at: &Here<'_>,
    value: &Value,
) {
    let known = known_keys(scope);
    if known.contains(&at.key) {
        return;
    }
    let Some(site) = value.site() else {
        return;
    };
    if site.key_span.is_none() {
        return;
    }
    let location = ctx.release.site_location(site, at.key_path.clone(), true);
    let reader = match scope {
        Scope::Document | Scope::App => "Grafana's plugin provisioning",
        Scope::JsonData | Scope::SecureJsonData => "the OnCall plugin",
    }
    .to_owned();
    // `enabled: true` says what Grafana does anyway
    let harmless = HARMLESS_APP_KEYS.contains(&at.key)
        || (at.key == "enabled" && matches!(value.kind, crate::values::Kind::Bool(true)));
    if scope == Scope::App && harmless {
        out.emit(
            Message::Ignored {
                path: at.shown.clone(),
            },
            location,
        );
        return;
    }
    let same_but_case = known
        .iter()
        .find(|k| k.to_lowercase() == at.key.to_lowercase())
        .copied();
    if scope == Scope::JsonData
        && let Some(declared) = same_but_case
    {
        case_in_json_data(ctx, out, app, at, declared, location);
        return;
    }
    let map = match scope {
        Scope::Document => app.document.as_map(),
        Scope::App => app.value.as_map(),
        Scope::JsonData => app.value.get(&["jsonData"]).and_then(Value::as_map),
        Scope::SecureJsonData => app.value.get(&["secureJsonData"]).and_then(Value::as_map),
    };
    let taken = |k: &str| map.is_some_and(|m| m.contains_key(k));
    let suggestion = suggest(scope, at.key, &known, same_but_case);
    let Some((meant, note)) = suggestion else {
        out.emit(
            Message::Unknown {
                path: at.shown.clone(),
                reader,
                known: known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            location,
        );
        return;
    };
    // renaming turns the setting on: unsafe, and only when the name is free (never for
    // `enabled`, whose value must be inverted)
    let fix = (!taken(meant) && at.key != "enabled")
        .then(|| rename(ctx, app, &location, at, meant, Applicability::Unsafe))
        .flatten();
    out.emit(
        Message::DidYouMean {
            path: at.shown.clone(),
            reader,
            key: at.key.to_owned(),
            suggestion: meant.to_owned(),
            note,
        },
        location,
    )
    .with_fix(fix);
}

/// The known key most likely meant by `key` in `scope`, with a note for the help: a
/// name people write for it ([`ALIASES`]), the same key but for case, else the closest
/// spelling.
fn suggest(
    scope: Scope,
    key: &str,
    known: &[&'static str],
    same_but_case: Option<&'static str>,
) -> Option<(&'static str, String)> {
    if let Some((_, _, meant, note)) = ALIASES
        .iter()
        .find(|(s, typed, ..)| *s == scope && *typed == key)
    {
        return Some((meant, (*note).to_owned()));
    }
    let meant = same_but_case.or_else(|| {
        known
            .iter()
            .filter_map(|k| similarity(key, k).map(|score| (score, *k)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, k)| k)
    })?;
    let note = if scope == Scope::SecureJsonData && same_but_case.is_some() {
        "the plugin reads `secureJsonData` keys by their exact name".to_owned()
    } else {
        String::new()
    };
    Some((meant, note))
}

/// A `jsonData` key equal to the declared `declared` but for case: read by the backend
/// (info), or one of several such keys, of which the backend takes the one
/// [`json_data`] says (warning).
fn case_in_json_data(
    ctx: &CheckContext<'_>,
    out: &mut Emitter<'_, Message>,
    app: &ProvisionedApp,
    at: &Here<'_>,
    declared: &str,
    location: Location,
) {
    let lower = declared.to_lowercase();
    let others: Vec<&str> = app
        .value
        .get(&["jsonData"])
        .and_then(Value::as_map)
        .map(|m| {
            m.keys()
                .map(String::as_str)
                .filter(|k| *k != at.key && k.to_lowercase() == lower)
                .collect()
        })
        .unwrap_or_default();
    if others.is_empty() {
        // an empty value is OC003's finding, whose fix writes the key
        let empty = app
            .value
            .get(&["jsonData", at.key])
            .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
        let fix = (!empty)
            .then(|| rename(ctx, app, &location, at, declared, Applicability::Safe))
            .flatten();
        out.emit(
            Message::CaseOnly {
                path: at.shown.clone(),
                key: at.key.to_owned(),
                suggestion: declared.to_owned(),
            },
            location,
        )
        .with_fix(fix);
        return;
    }
    let winner = json_data(app, declared).map_or(declared, |(k, _)| k);
    out.emit(
        Message::CaseDuplicate {
            path: at.shown.clone(),
            other: others
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            winner: winner.to_owned(),
            suggestion: declared.to_owned(),
        },
        location,
    );
}

/// How close `typed` is to the known key `known` (higher is closer), or `None` when too far:
/// the edit distance of the lowercased keys within a budget that grows with their length,
/// as the schema's "did you mean" measures it (`schema/suggest.rs`, private to the schema),
/// or a shared start of six letters (`onCallApi` for `onCallApiUrl`).
fn similarity(typed: &str, known: &str) -> Option<u32> {
    let a = typed.to_lowercase();
    let b = known.to_lowercase();
    let longest = a.chars().count().max(b.chars().count());
    let shortest = a.chars().count().min(b.chars().count());
    let distance = strsim::damerau_levenshtein(&a, &b);
    let allowed = match longest {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    if distance <= allowed && shortest >= 2 {
        return Some(90u32.saturating_sub(10 * u32::try_from(distance).unwrap_or(9)));
    }
    if shortest >= 4 && strsim::jaro_winkler(&a, &b) >= 0.9 {
        return Some(55);
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    (shortest >= 4 && (common == shortest || common >= 6)).then_some(50)
}

/// Renames the key at `location` (its span, which must hold the key as written) to
/// `new_key`, when both are plain keys. Its target: the old and the new key in the entry
/// (the string, for embedded YAML), so re-linting sees nothing else change.
fn rename(
    ctx: &CheckContext<'_>,
    app: &ProvisionedApp,
    location: &Location,
    at: &Here<'_>,
    new_key: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let plain = |k: &str| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain(at.key) || !plain(new_key) {
        return None;
    }
    if location.file.text().get(location.span.clone())? != at.key {
        return None;
    }
    let targets = match &at.inner {
        Some(inner) => {
            let mut renamed = inner.clone();
            renamed.pop();
            renamed.push(Seg::Key(new_key.to_owned()));
            vec![
                app.target(ctx.release, inner)?,
                app.target(ctx.release, &renamed)?,
            ]
        }
        // a key at the top of the document: the document (the string holding it)
        None => vec![app.document_target(ctx.release)?],
    };
    Some(Fix {
        title: format!("rename `{}` to `{new_key}`", at.key),
        applicability,
        edits: vec![Edit {
            file: location.file.clone(),
            range: location.span.clone(),
            replacement: new_key.to_owned(),
        }],
        targets,
    })
}
