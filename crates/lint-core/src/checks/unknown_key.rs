//! OC090 unknown-key: a key the chart never reads (Helm ignores it without a word), with
//! the key most likely meant, at the same level or another.

use std::collections::HashSet;

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Edit, Fix, Location};
use crate::path::Seg;
use crate::release::InputKind;
use crate::release::Release;
use crate::schema::{self, Scope, Suggestion, ViolationKind, place};
use crate::values::Value;

/// What OC090 reports.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A key the chart never reads, with no likely meant key.
    Unknown {
        /// The key's full path.
        path: String,
        /// Whose values the key is not one of (the chart, a subchart, a schema).
        owner: String,
    },
    /// A key the chart never reads, likely a misspelling of a key at the same level.
    Rename {
        /// The key's full path.
        path: String,
        /// Whose values the key is not one of.
        owner: String,
        /// The key written.
        key: String,
        /// The full path of the key likely meant.
        suggestion: String,
        /// The name of the key likely meant.
        suggestion_key: String,
    },
    /// A key the chart never reads here, likely meant at another level.
    Move {
        /// The key's full path.
        path: String,
        /// Whose values the key is not one of.
        owner: String,
        /// The full path of the key likely meant.
        suggestion: String,
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
    let mut seen = HashSet::new();
    // each file's alias targets, read when a first unknown key needs them
    let mut anchors: Vec<Option<Vec<std::ops::Range<usize>>>> =
        vec![None; ctx.release.layers.len()];
    for (scope, violations) in schema::scopes(ctx.release, ctx.options.user_schema.as_deref(), run)
    {
        for violation in violations {
            if let ViolationKind::UnknownKey { key } = &violation.kind {
                unknown_key(ctx, &scope, &violation.path, key, &mut seen, &mut anchors, out);
            }
        }
    }
}

/// Reports `key`, unknown in the map at `parent`, once per key path (`seen`), when a user
/// wrote it and it holds no anchor the file uses elsewhere: at each place it is written.
fn unknown_key(
    ctx: &CheckContext<'_>,
    scope: &Scope<'_>,
    parent: &[Seg],
    key: &str,
    seen: &mut HashSet<String>,
    anchors: &mut [Option<Vec<std::ops::Range<usize>>>],
    out: &mut Emitter<'_, Message>,
) {
    let mut path = parent.to_vec();
    path.push(Seg::Key(key.to_owned()));
    // a chart default is never an unknown key: only what a user wrote
    let Some(value) = place::value_at(scope.tree, &path) else {
        return;
    };
    let Some(site) = value.site() else {
        return;
    };
    let doc_path = scope.doc_path(&path);
    if !seen.insert(place::display(&doc_path)) {
        return;
    }
    let suggestion = suggestion(scope, parent, key, value);
    let message = message(scope, &path, &doc_path, key, suggestion.as_ref());
    let entries = place::entries(ctx.release, &doc_path);
    // a key kept only to hold anchors the file uses elsewhere is deliberate
    if entries.iter().any(|&(layer, entry)| {
        let doc = &ctx.release.layers[layer].doc;
        let targets = anchors[layer].get_or_insert_with(|| place::alias_targets(doc));
        place::holds_used_anchor(doc, targets, entry)
    }) {
        return;
    }
    let mut locations = place::key_locations(ctx.release, &doc_path);
    if locations.is_empty() {
        locations.push(
            ctx.release
                .site_location(site, place::key_path(&doc_path), true),
        );
    }
    for location in locations {
        let fix = match &suggestion {
            Some(s) if s.same_level && s.score >= 70 && scope.is_chart() => {
                rename_fix(ctx.release, &location, parent, key, s)
            }
            _ => None,
        };
        out.emit(message.clone(), location).with_fix(fix);
    }
}

/// The known key most likely meant by `key` (at `parent`, holding `value`), if any.
fn suggestion(scope: &Scope<'_>, parent: &[Seg], key: &str, value: &Value) -> Option<Suggestion> {
    let children: Vec<String> = value
        .as_map()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    scope.root.and_then(|root| {
        schema::suggest(scope.set, root, scope.known(), parent, key, &children)
    })
}

/// The message for `key` at `path` (`doc_path` from the top of the files): a rename to the
/// key suggested at the same level, a move to one elsewhere, or just unknown.
fn message(
    scope: &Scope<'_>,
    path: &[Seg],
    doc_path: &[Seg],
    key: &str,
    suggestion: Option<&Suggestion>,
) -> Message {
    let shown = place::display(doc_path);
    let owner = scope.owner(path);
    let Some(s) = suggestion else {
        return Message::Unknown { path: shown, owner };
    };
    let full: Vec<Seg> = s.path.iter().map(|k| Seg::Key(k.clone())).collect();
    let suggested = place::display(&scope.doc_path(&full));
    if s.same_level {
        Message::Rename {
            path: shown,
            owner,
            key: key.to_owned(),
            suggestion: suggested,
            suggestion_key: s.path.last().cloned().unwrap_or_default(),
        }
    } else {
        Message::Move {
            path: shown,
            owner,
            suggestion: suggested,
        }
    }
}

/// Renames the key in place, when it is written plainly and the new name is free in that
/// map. Unsafe: the setting starts to take effect.
fn rename_fix(
    release: &Release,
    location: &Location,
    parent: &[Seg],
    key: &str,
    suggestion: &Suggestion,
) -> Option<Fix> {
    let new_key = suggestion.path.last()?;
    let text = location.file.text();
    if text.get(location.span.clone())? != key || schema::describe::yaml_string(new_key) != *new_key
    {
        return None;
    }
    let layer = release
        .layers
        .iter()
        .find(|l| std::sync::Arc::ptr_eq(&l.source, &location.file))?;
    let mut sibling = place::doc_path(release, parent);
    sibling.push(Seg::Key(new_key.clone()));
    if layer
        .doc
        .root
        .and_then(|root| place::find_key(&layer.doc, root, &sibling))
        .is_some()
    {
        return None;
    }
    let mut old = parent.to_vec();
    old.push(Seg::Key(key.to_owned()));
    let mut new = parent.to_vec();
    new.push(Seg::Key(new_key.clone()));
    Some(Fix {
        title: format!("rename `{key}` to `{new_key}`"),
        applicability: Applicability::Unsafe,
        edits: vec![Edit {
            file: location.file.clone(),
            range: location.span.clone(),
            replacement: new_key.clone(),
        }],
        targets: vec![old, new],
    })
}
