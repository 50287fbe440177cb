//! OC096 umbrella-values: an umbrella chart hands the oncall chart only what is under the
//! dependency's key (its alias, else `oncall`). Keys only the oncall chart has, written at
//! the umbrella's top level, reach no chart; a file without the key holds nothing for it.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::Location;
use crate::model::chart_keys::ONCALL_KEYS;
use crate::path::KeyPath;
use crate::release::{InputKind, Layer};

/// What OC096 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// A key only the oncall chart has, at the umbrella's top level.
    TopLevel {
        /// The key.
        key: String,
        /// The values root, dotted.
        root: String,
    },
    /// No file of the release has the values root.
    RootAbsent {
        /// The values root, dotted.
        root: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    let release = ctx.release;
    if release.kind != InputKind::OncallValues || release.values_root.is_empty() {
        return;
    }
    let root = release.values_root.join(".");
    for layer in &release.layers {
        for (key, location) in misplaced(layer, &release.values_root) {
            let message = Message::TopLevel {
                key,
                root: root.clone(),
            };
            out.emit(message, location);
        }
    }
    // a release's files need not all hold oncall values; none of them holding any is a slip
    let holding = release.layers.iter().any(|l| l.root.is_some());
    let first = release.layers.iter().find(|l| l.doc.root.is_some());
    if let (false, Some(first)) = (holding, first) {
        let at = first
            .doc
            .root
            .map_or(0, |r| first.doc.node(r).span.start);
        let location = Location {
            file: first.source.clone(),
            span: at..at,
            key_path: KeyPath::root(),
        };
        out.emit(Message::RootAbsent { root }, location);
    }
}

/// The keys only the oncall chart has at a layer's top level, beside its values root.
fn misplaced(layer: &Layer, values_root: &[String]) -> Vec<(String, Location)> {
    let Some(top) = layer.doc.root else {
        return Vec::new();
    };
    let doc = &layer.doc;
    doc.entries(top)
        .iter()
        .filter_map(|entry| {
            let key = doc.scalar_text(entry.key)?;
            let own = ONCALL_KEYS.contains(&key) && values_root.first().is_none_or(|r| r != key);
            own.then(|| {
                let location = Location {
                    file: layer.source.clone(),
                    span: doc.node(entry.key).span.clone(),
                    key_path: KeyPath::of(&[key]),
                };
                (key.to_owned(), location)
            })
        })
        .collect()
}
