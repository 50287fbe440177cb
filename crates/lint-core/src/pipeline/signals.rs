//! What a values file's keys and path say about which chart it is for: keys only the
//! oncall chart has, keys that look like them (`baseUrl` for `base_url`), keys that only
//! hold YAML anchors for the rest of the file, a Grafana that hosts the OnCall plugin, a
//! path named for oncall. The classify stage weighs them; this module only reads them.

use crate::model::chart_keys::ONCALL_KEYS;
use crate::yaml::{Document, NodeId, NodeKind};

/// The oncall-only key a typed key most likely misspells (`baseUrl`, `externalgrafana`,
/// `base-url`), when it is close: a near miss says "oncall values with a typo", not
/// "another chart".
pub(super) fn near_oncall_key(key: &str) -> Option<&'static str> {
    // short keys are too easily close to something (`engin` aside, `broker`/`docker`)
    if key.chars().count() < 6 || ONCALL_KEYS.contains(&key) {
        return None;
    }
    ONCALL_KEYS
        .iter()
        .filter_map(|known| crate::schema::similarity(key, known).map(|s| (s, *known)))
        .filter(|(score, _)| *score >= 80)
        .max_by_key(|(score, _)| *score)
        .map(|(_, known)| known)
}

/// Top-level keys that only hold something for the rest of the file to point at: an
/// anchored value an alias uses (`common: &defaults`), or a compose-style `x-` key. They
/// say nothing about which chart the file is for.
pub(super) fn anchor_holders(doc: &Document) -> Vec<&str> {
    let Some(root) = doc.root else {
        return Vec::new();
    };
    let targets: std::collections::HashSet<NodeId> = doc
        .nodes
        .iter()
        .filter_map(|n| match n.kind {
            NodeKind::Alias(target) => Some(target),
            _ => None,
        })
        .collect();
    doc.entries(root)
        .iter()
        .filter(|e| targets.contains(&e.value) || targets.contains(&e.key))
        .filter_map(|e| doc.scalar_text(e.key))
        .chain(
            doc.entries(root)
                .iter()
                .filter_map(|e| doc.scalar_text(e.key))
                .filter(|k| k.starts_with("x-")),
        )
        .collect()
}

/// The part of a path that names oncall (`oncall-values.yaml`, `deploy/oncall/values.yaml`),
/// if one does: a file kept for the oncall chart. Only the file's name and its folder's
/// count, so a checkout in `~/src/oncall-infra/` does not make every file below oncall
/// values.
pub(super) fn oncall_path_part(path: &str) -> Option<&str> {
    path.rsplit(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .take(2)
        .find(|part| part.to_ascii_lowercase().contains("oncall"))
}

/// Whether any text under `node` names the OnCall plugin (a `plugins` entry, an install
/// variable, an init container, provisioning): the sign that a Grafana hosts it.
pub(super) fn mentions_plugin(doc: &Document, node: NodeId) -> bool {
    let mut stack = vec![node];
    let mut seen = 0usize;
    while let Some(id) = stack.pop() {
        seen += 1;
        if seen > 1_000_000 {
            return false;
        }
        match &doc.node(id).kind {
            NodeKind::Scalar { text, .. } => {
                if text.contains("grafana-oncall-app") {
                    return true;
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter().copied()),
            NodeKind::Map(entries) => {
                stack.extend(entries.iter().flat_map(|e| [e.key, e.value]));
            }
            NodeKind::Alias(_) => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Document {
        parse(text, &Limits::default()).unwrap().remove(0)
    }

    #[test]
    fn near_misses_of_oncall_keys() {
        assert_eq!(near_oncall_key("baseUrl"), Some("base_url"));
        assert_eq!(near_oncall_key("base-url"), Some("base_url"));
        assert_eq!(near_oncall_key("externalgrafana"), Some("externalGrafana"));
        assert_eq!(near_oncall_key("externalGrafna"), Some("externalGrafana"));
        // exact keys are not misses, and other charts' keys are not near
        assert_eq!(near_oncall_key("base_url"), None);
        for other in ["docker", "ingress", "replicaCount", "database", "baseImage"] {
            assert_eq!(near_oncall_key(other), None, "{other}");
        }
    }

    #[test]
    fn anchor_holders_are_keys_an_alias_points_into() {
        let d = doc("common: &c\n  tag: v1\nimage: *c\nx-defaults: {a: 1}\nenv: {}\n");
        assert_eq!(anchor_holders(&d), vec!["common", "x-defaults"]);
        assert!(anchor_holders(&doc("common:\n  tag: v1\n")).is_empty());
    }

    #[test]
    fn paths_named_for_oncall() {
        assert_eq!(
            oncall_path_part("deploy/oncall-values.yaml"),
            Some("oncall-values.yaml")
        );
        assert_eq!(oncall_path_part("./OnCall/prod.yaml"), Some("OnCall"));
        assert_eq!(oncall_path_part("deploy/values.yaml"), None);
        // a folder further up says nothing
        assert_eq!(oncall_path_part("oncall-infra/charts/x/values.yaml"), None);
    }
}
