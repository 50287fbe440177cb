//! OC090 unknown-key: a key the chart never reads (Helm ignores it without a word), with
//! the key most likely meant, at the same level or another.

use std::collections::HashSet;

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Edit, Fix, Location};
use crate::path::Seg;
use crate::release::InputKind;
use crate::release::Release;
use crate::schema::{self, Suggestion, ViolationKind, place};

/// What OC090 reports.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub enum Message {
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
pub fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if ctx.release.kind != InputKind::OncallValues {
        return;
    }
    let run = ctx.schema();
    let mut seen = HashSet::new();
    for (scope, violations) in schema::scopes(ctx.release, ctx.options.user_schema.as_deref(), run)
    {
        for violation in violations {
            let ViolationKind::UnknownKey { key } = &violation.kind else {
                continue;
            };
            let mut path = violation.path.clone();
            path.push(Seg::Key(key.clone()));
            // a chart default is never an unknown key: only what a user wrote
            let Some(value) = place::value_at(scope.tree, &path) else {
                continue;
            };
            let Some(site) = value.site() else {
                continue;
            };
            let doc_path = scope.doc_path(&path);
            if !seen.insert(place::display(&doc_path)) {
                continue;
            }
            let children: Vec<String> = value
                .as_map()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let suggestion = scope.root.and_then(|root| {
                schema::suggest(
                    scope.set,
                    root,
                    scope.known(),
                    &violation.path,
                    key,
                    &children,
                )
            });
            let shown = place::display(&doc_path);
            let owner = scope.owner(&path);
            let message = match &suggestion {
                Some(s) => {
                    let full: Vec<Seg> = s.path.iter().map(|k| Seg::Key(k.clone())).collect();
                    let suggested = place::display(&scope.doc_path(&full));
                    if s.same_level {
                        Message::Rename {
                            path: shown,
                            owner,
                            key: key.clone(),
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
                None => Message::Unknown { path: shown, owner },
            };
            let entries = place::entries(ctx.release, &doc_path);
            // a key kept only to hold anchors the file uses elsewhere is deliberate
            if entries.iter().any(|(layer, entry)| {
                place::holds_used_anchor(&ctx.release.layers[*layer].doc, *entry)
            }) {
                continue;
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
                        rename_fix(ctx.release, &location, &violation.path, key, s)
                    }
                    _ => None,
                };
                out.emit(message.clone(), location).with_fix(fix);
            }
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
