//! The OnCall plugin's provisioning wherever the files write it: a Grafana provisioning
//! file (`apps:` at the top), or provisioning YAML embedded in a string value (usually a
//! ConfigMap under `grafana.extraObjects`, in a literal block scalar), parsed on its own
//! with its spans mapped back into the outer file ([`SpanMapper`]).

use std::ops::Range;

use super::plugin::PLUGIN_ID;
use crate::path::{KeyPath, Seg};
use crate::release::Release;
use crate::values::{Kind, Origin, Value, to_value};
use crate::yaml::embedded::SpanMapper;
use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle, parse};

/// One `apps:` entry of type `grafana-oncall-app`, as Grafana would read it.
#[derive(Debug, Clone)]
pub struct ProvisionedApp {
    /// The entry, with origins in the outer file.
    pub value: Value,
    /// Display key path of the entry (outer path, then the embedded path).
    pub key_path: KeyPath,
    /// Whether it was found in YAML embedded in a string.
    pub embedded: bool,
    /// The layer (file) it is in.
    pub layer: usize,
    /// Document path of the string holding embedded YAML (`None` for a provisioning file).
    pub string_path: Option<Vec<Seg>>,
    /// Path of the entry inside its YAML (`apps[i]`).
    pub entry_path: Vec<Seg>,
    /// The embedded YAML document the entry is in, as parsed here (fixes edit it without
    /// parsing it again).
    pub embedded_doc: Option<std::sync::Arc<crate::yaml::Document>>,
}

/// Finds every OnCall app entry in the release's user files.
pub(crate) fn find(release: &Release) -> Vec<ProvisionedApp> {
    let mut found = Vec::new();
    let in_effect = std::cell::OnceCell::new();
    for (index, layer) in release.layers.iter().enumerate() {
        let Some(root) = layer.doc.root else {
            continue;
        };
        // a provisioning file: `apps:` at the top of the document
        if layer.doc.get(root, "apps").is_some()
            && let Ok(value) = to_value(&layer.doc, root, index, &|r| r, 10_000 + layer.doc.len())
        {
            collect_apps(&value, &KeyPath::root(), None, index, &mut found);
        }
        // only walk the tree (building key paths) when some string mentions the plugin
        let mentions = |id: NodeId| matches!(&layer.doc.node(id).kind, NodeKind::Scalar { text, .. } if text.contains(PLUGIN_ID) && text.contains("apps"));
        if !layer.doc.ids().any(mentions) {
            continue;
        }
        for (id, path, segs) in string_scalars(&layer.doc, root) {
            let NodeKind::Scalar { text, style, .. } = &layer.doc.node(id).kind else {
                continue;
            };
            if !text.contains(PLUGIN_ID) || !text.contains("apps") {
                continue;
            }
            let span = &layer.doc.node(id).span;
            if !in_effect
                .get_or_init(|| InEffect::of(release))
                .holds(index, span)
            {
                continue;
            }
            let Ok(docs) = parse(text, &crate::yaml::Limits::default()) else {
                continue;
            };
            let outer_span = layer.doc.node(id).span.clone();
            let mapper = SpanMapper::new(layer.source.text(), outer_span, text, *style);
            for inner in docs {
                let Some(inner_root) = inner.root else {
                    continue;
                };
                if inner.get(inner_root, "apps").is_none() {
                    continue;
                }
                let map = |r: Range<usize>| mapper.map(r);
                if let Ok(value) = to_value(&inner, inner_root, index, &map, 10_000 + inner.len()) {
                    let first = found.len();
                    collect_apps(&value, &path, Some(&segs), index, &mut found);
                    let inner = std::sync::Arc::new(inner);
                    for app in &mut found[first..] {
                        app.embedded_doc = Some(std::sync::Arc::clone(&inner));
                    }
                }
            }
        }
    }
    found
}

/// The strings of the user's files that the effective values still hold. A string in an
/// earlier file that a later file replaces (Helm replaces lists, so a later
/// `grafana.extraObjects` drops every ConfigMap of an earlier one) is never rendered, and
/// provisioning in it is not judged.
enum InEffect {
    /// One file: every string it holds is in effect.
    All,
    /// Several: the (layer, span start) of every user-written string of the effective values.
    Sites(ahash::AHashSet<(usize, usize)>),
}

impl InEffect {
    fn of(release: &Release) -> InEffect {
        if release.layers.len() < 2 {
            return InEffect::All;
        }
        let mut sites = ahash::AHashSet::new();
        let mut stack = vec![&release.values];
        while let Some(value) = stack.pop() {
            match &value.kind {
                Kind::Str(_) => {
                    if let Origin::User(site) = &value.origin {
                        sites.insert((site.layer, site.span.start));
                    }
                }
                Kind::Seq(items) => stack.extend(items.iter()),
                Kind::Map(map) => stack.extend(map.values()),
                _ => {}
            }
        }
        InEffect::Sites(sites)
    }

    fn holds(&self, layer: usize, span: &Range<usize>) -> bool {
        match self {
            InEffect::All => true,
            InEffect::Sites(sites) => sites.contains(&(layer, span.start)),
        }
    }
}

fn collect_apps(
    root: &Value,
    prefix: &KeyPath,
    string_path: Option<&[Seg]>,
    layer: usize,
    out: &mut Vec<ProvisionedApp>,
) {
    let Some(apps) = root.get(&["apps"]).and_then(Value::as_seq) else {
        return;
    };
    for (i, app) in apps.iter().enumerate() {
        if app.get(&["type"]).and_then(Value::as_str) == Some(PLUGIN_ID) {
            out.push(ProvisionedApp {
                value: app.clone(),
                key_path: prefix.key("apps").index(i),
                embedded: string_path.is_some(),
                layer,
                string_path: string_path.map(<[Seg]>::to_vec),
                entry_path: vec![Seg::Key("apps".into()), Seg::Index(i)],
                embedded_doc: None,
            });
        }
    }
}

/// Every string scalar reachable from `root` (aliases not followed) with its key path.
fn string_scalars(doc: &Document, root: NodeId) -> Vec<(NodeId, KeyPath, Vec<Seg>)> {
    let mut out = Vec::new();
    let mut stack = vec![(root, KeyPath::root(), Vec::new())];
    while let Some((id, path, segs)) = stack.pop() {
        match &doc.node(id).kind {
            NodeKind::Scalar { style, text, .. } => {
                if *style != ScalarStyle::Plain || text.contains('\n') {
                    out.push((id, path, segs));
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    let mut next = segs.clone();
                    next.push(Seg::Index(i));
                    stack.push((*item, path.index(i), next));
                }
            }
            NodeKind::Map(entries) => {
                for entry in entries.iter().rev() {
                    let key = doc.scalar_text(entry.key).unwrap_or("?");
                    let mut next = segs.clone();
                    next.push(Seg::Key(key.to_owned()));
                    stack.push((entry.value, path.key(key), next));
                }
            }
            NodeKind::Alias(_) => {}
        }
    }
    out
}

/// Whether a value is a string holding a `$VAR`/`${VAR}` reference or a `{{ }}` template,
/// which Grafana or Helm replace before anyone reads it.
pub(crate) fn is_substituted(value: &Value) -> bool {
    matches!(&value.kind, Kind::Str(s) if s.contains('$') || s.contains("{{"))
}

/// A ConfigMap or Secret the user wrote into `grafana.extraObjects` with the OnCall
/// plugin's provisioning in one of its data keys: what must be mounted into Grafana's
/// provisioning directory for the plugin to read it.
#[derive(Debug, Clone)]
pub(crate) struct ProvisioningObject<'r> {
    /// A Secret (its `stringData`); else a ConfigMap (its `data`).
    pub secret: bool,
    /// `metadata.name`, as written.
    pub name: String,
    /// The `metadata.name` value (where findings point).
    pub name_value: &'r Value,
    /// The object's index in `grafana.extraObjects`.
    pub index: usize,
    /// The data keys that hold the provisioning, in the object's order.
    pub keys: Vec<String>,
    /// `metadata.labels`, if any.
    pub labels: Option<&'r Value>,
}

/// The ConfigMaps and Secrets in the effective `grafana.extraObjects` whose data holds one
/// of `apps` (the entries [`find`] found, matched by where they are written). A Secret's
/// base64 `data` is not read. Nothing when the values deploy no Grafana that renders them.
pub(crate) fn objects<'r>(
    release: &'r Release,
    apps: &[ProvisionedApp],
) -> Vec<ProvisioningObject<'r>> {
    if !super::grafana::Grafana::of(release).deployed() {
        return Vec::new();
    }
    let Some(list) = release
        .get(&["grafana", "extraObjects"])
        .and_then(Value::as_seq)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, object) in list.iter().enumerate() {
        let secret = match object.get(&["kind"]).and_then(Value::as_str) {
            Some("ConfigMap") => false,
            Some("Secret") => true,
            _ => continue,
        };
        let Some(name_value) = object.get(&["metadata", "name"]) else {
            continue;
        };
        let Some(name) = name_value.scalar_string() else {
            continue;
        };
        let data = if secret { "stringData" } else { "data" };
        let keys: Vec<String> = object
            .get(&[data])
            .and_then(Value::as_map)
            .map(|map| {
                map.iter()
                    .filter(|(_, v)| holds_app(v, apps))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        if keys.is_empty() {
            continue;
        }
        out.push(ProvisioningObject {
            secret,
            name,
            name_value,
            index,
            keys,
            labels: object.get(&["metadata", "labels"]),
        });
    }
    out
}

/// Whether the string `value` is where one of `apps` is written.
fn holds_app(value: &Value, apps: &[ProvisionedApp]) -> bool {
    let Some(site) = value.site() else {
        return false;
    };
    if !matches!(value.kind, Kind::Str(_)) {
        return false;
    }
    apps.iter().any(|app| {
        app.embedded
            && app.value.site().is_some_and(|s| {
                s.layer == site.layer
                    && s.span.start >= site.span.start
                    && s.span.end <= site.span.end
            })
    })
}
