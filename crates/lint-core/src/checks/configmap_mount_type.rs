//! OC035 configmap-mount-type: the grafana chart reads `configMap` as a ConfigMap's name (a
//! string) in `extraConfigmapMounts`, and as a Kubernetes `configMap` volume source (a map)
//! in `extraVolumes`. Swapped, the pod spec is broken.

use serde::Serialize;

use super::{CheckContext, Emitter};
use crate::diagnostic::Applicability;
use crate::fix::{self, Op};
use crate::path::Seg;
use crate::values::{Kind, Value};

/// What OC035 reports.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(serde::Deserialize))]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Message {
    /// `configMap` in `extraConfigmapMounts` is a map.
    MapInMounts {
        /// The ConfigMap's name, or a placeholder.
        name: String,
    },
    /// `configMap` in `extraVolumes` is a string.
    StringInVolumes {
        /// The value written.
        found: String,
        /// The ConfigMap's name, or a placeholder.
        name: String,
    },
}

/// Runs the check.
pub(crate) fn check(ctx: &CheckContext<'_>, out: &mut Emitter<'_, Message>) {
    if !ctx.grafana().deployed() {
        return;
    }
    // (list, whether `configMap` is a map there)
    for (list, wants_map) in [("extraConfigmapMounts", false), ("extraVolumes", true)] {
        // grafana chart 6.57.1 ignores `extraVolumes` (OC034)
        if wants_map && ctx.release.grafana_chart().starts_with("6.") {
            continue;
        }
        let list_path = ["grafana", list];
        let Some(items) = ctx.release.get(&list_path).and_then(Value::as_seq) else {
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let Some(config_map) = item.get(&["configMap"]) else {
                continue;
            };
            let Some(site) = config_map.site() else {
                continue;
            };
            let is_map = matches!(config_map.kind, Kind::Map(_));
            let is_string = matches!(config_map.kind, Kind::Str(_));
            let name = if wants_map && is_string {
                config_map.as_str().map(str::to_owned)
            } else if !wants_map && is_map {
                config_map
                    .get(&["name"])
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            } else {
                continue;
            };
            let key_path = ctx
                .release
                .key_path(&list_path)
                .index(index)
                .key("configMap");
            let location = ctx.release.site_location(site, key_path, is_map);
            let mut path = Seg::keys(&list_path);
            path.push(Seg::Index(index));
            path.push(Seg::Key("configMap".into()));
            // only a map holding nothing but `name` (or a plain name) converts without loss
            let convertible = wants_map || config_map.as_map().is_some_and(|m| m.len() == 1);
            let fix = name.as_ref().filter(|_| convertible).and_then(|name| {
                let value = if wants_map {
                    let mut map = crate::values::Map::default();
                    map.insert("name".to_owned(), fix::ops::text(name.clone()));
                    Value::new(Kind::map(map), config_map.origin.clone())
                } else {
                    fix::ops::text(name.clone())
                };
                ctx.fix_at(
                    Some(config_map),
                    if wants_map {
                        format!("write `configMap: {{name: {name}}}`")
                    } else {
                        format!("write `configMap: {name}`")
                    },
                    Applicability::Unsafe,
                    vec![Op::Replace { path, value }],
                )
            });
            let name = name.unwrap_or_else(|| "<ConfigMap name>".into());
            let message = if wants_map {
                Message::StringInVolumes {
                    found: config_map.describe(),
                    name,
                }
            } else {
                Message::MapInMounts { name }
            };
            out.emit(message, location).with_fix(fix);
        }
    }
}
