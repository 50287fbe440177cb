//! OC033 extra-volume-source: `grafana.extraVolumes` items render only `existingClaim`,
//! `hostPath`, `csi`, `configMap` and `emptyDir`; any other source silently becomes an
//! empty directory.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::{Applicability, Fix};
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::values::Value;

/// The sources the grafana chart renders for an `extraVolumes` item, in its order.
const RENDERED: [&str; 5] = ["existingClaim", "hostPath", "csi", "configMap", "emptyDir"];

/// Keys of an item that are not a volume source.
const NOT_SOURCES: [&str; 1] = ["name"];

/// What OC033 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// An `extraVolumes` item uses a source the chart does not render.
    Unsupported {
        /// The item's name.
        name: String,
        /// The source key used.
        source: String,
        /// Whether the source is `secret`.
        secret: bool,
        /// Whether the source is `persistentVolumeClaim`.
        pvc: bool,
        /// The claim's name (empty when none).
        claim: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    // grafana chart 6.57.1 (oncall 1.9.22 and earlier) ignores `extraVolumes` (OC034)
    if !ctx.grafana().deployed() || ctx.release.grafana_chart().starts_with("6.") {
        return;
    }
    let release = ctx.release;
    let list_path = ["grafana", "extraVolumes"];
    let Some(items) = release.get(&list_path).and_then(Value::as_seq) else {
        return;
    };
    for (index, item) in items.iter().enumerate() {
        if item.site().is_none() {
            continue;
        }
        let Some((source, value)) = unrendered_source(item) else {
            continue;
        };
        let name = item
            .get(&["name"])
            .and_then(Value::scalar_string)
            .unwrap_or_default();
        let key_path = release.key_path(&list_path).index(index).key(source);
        let location = match value.site() {
            Some(site) => release.site_location(site, key_path, true),
            None => release.blame(&list_path),
        };
        let fix = source_fix(ctx, item, index, source, value, &name);
        let message = Message::Unsupported {
            name,
            source: source.clone(),
            secret: source == "secret",
            pvc: source == "persistentVolumeClaim",
            claim: value
                .get(&["claimName"])
                .and_then(Value::scalar_string)
                .unwrap_or_default(),
        };
        out.emit(message, location).with_fix(fix);
    }
}

/// The source key of an `extraVolumes` item (a map) and its value, when the chart renders
/// none of the item's sources.
fn unrendered_source(item: &Value) -> Option<(&String, &Value)> {
    let map = item.as_map()?;
    // the chart's `if` on each rendered source, in order: a truthy one wins
    if RENDERED
        .iter()
        .any(|k| map.get(*k).is_some_and(Value::is_truthy))
    {
        return None;
    }
    map.iter().find(|(k, v)| {
        !NOT_SOURCES.contains(&k.as_str()) && !RENDERED.contains(&k.as_str()) && v.is_truthy()
    })
}

/// The fix for the item at `index`: a claim becomes the chart's `existingClaim`; any other
/// item is a Kubernetes volume as written, which `extraContainerVolumes` renders raw.
fn source_fix(
    ctx: &CheckContext<'_>,
    item: &Value,
    index: usize,
    source: &str,
    value: &Value,
    name: &str,
) -> Option<Fix> {
    let mut item_path: Vec<Seg> = Seg::keys(&["grafana", "extraVolumes"]);
    item_path.push(Seg::Index(index));
    let claim = value
        .get(&["claimName"])
        .and_then(Value::as_str)
        .filter(|_| {
            value
                .as_map()
                .is_some_and(|m| m.keys().all(|k| k == "claimName" || k == "readOnly"))
        });
    let mut source_path = item_path.clone();
    source_path.push(Seg::Key(source.to_owned()));
    let mut claim_path = item_path.clone();
    claim_path.push(Seg::Key("existingClaim".into()));
    match claim {
        Some(claim) if source == "persistentVolumeClaim" => ctx.fix_at(
            Some(item),
            format!("write `existingClaim: {claim}` instead of `persistentVolumeClaim`"),
            Applicability::Unsafe,
            vec![
                Op::Remove { path: source_path },
                Op::SetScalar {
                    path: claim_path,
                    value: fix::ops::text(claim),
                },
            ],
        ),
        _ => ctx.fix_at(
            Some(item),
            format!(
                "move the `{name}` volume to `{}`, which renders it as written",
                ctx.grafana().key_name("extraContainerVolumes")
            ),
            Applicability::Unsafe,
            vec![
                Op::Remove { path: item_path },
                Op::Append {
                    path: Seg::keys(&["grafana", "extraContainerVolumes"]),
                    item: item.clone(),
                },
            ],
        ),
    }
}
