//! The merge on small texts: what stays, what changes, what is refused.

use super::*;
use crate::values::Origin;

fn v(json: serde_json::Value) -> Value {
    Value::from_json(
        &json,
        &Origin::Default {
            chart: "t",
            version: "0",
        },
    )
}

#[test]
fn merging_sets_leaves_replaces_lists_and_keeps_comments() {
    let text = "# top\ngrafana:  # the bundled one\n  enabled: true\n  plugins:  # from grafana.com\n    - grafana-oncall-app\n  env:\n    A: \"1\"  # keep\nbase_url: x\n";
    let overlay = v(serde_json::json!({
        "grafana": {"plugins": [], "env": {"B": "2"}, "extraVolumes": [{"name": "p", "configMap": {"name": "c"}}]},
        "global": {"imageRegistry": "r.example"},
    }));
    let merged = merge_into(text, &overlay).unwrap();
    assert_eq!(
        merged,
        "# top\ngrafana:  # the bundled one\n  enabled: true\n  # from grafana.com\n  plugins: []\n  env:\n    A: \"1\"  # keep\n    B: \"2\"\n  extraVolumes:\n    - name: p\n      configMap:\n        name: c\nbase_url: x\nglobal:\n  imageRegistry: r.example\n"
    );
    assert_eq!(merge_into(&merged, &overlay).unwrap(), merged);
}

#[test]
fn replacing_a_list_that_ends_in_a_block_scalar_keeps_the_next_line() {
    let text = "g:\n  objects:\n    - data: |\n        line\n# next\nother: 1\n";
    let overlay = v(serde_json::json!({"g": {"objects": [{"data": "new\n"}]}}));
    let merged = merge_into(text, &overlay).unwrap();
    assert_eq!(
        merged,
        "g:\n  objects:\n    - data: |\n        new\n# next\nother: 1\n"
    );
}

#[test]
fn empty_files_crlf_and_refusals() {
    let overlay = v(serde_json::json!({"grafana": {"plugins": []}}));
    assert_eq!(
        merge_into("", &overlay).unwrap(),
        "grafana:\n  plugins: []\n"
    );
    assert_eq!(
        merge_into("# only a comment\n", &overlay).unwrap(),
        "# only a comment\ngrafana:\n  plugins: []\n"
    );
    assert_eq!(
        merge_into("a: 1\r\ngrafana:\r\n  x: 1\r\n", &overlay).unwrap(),
        "a: 1\r\ngrafana:\r\n  x: 1\r\n  plugins: []\r\n"
    );
    assert!(merge_into("a: 1\n---\nb: 2\n", &overlay).is_err());
    assert!(merge_into("- a\n", &overlay).is_err());
    let aliased = "base: &g\n  x: 1\ngrafana: *g\n";
    assert!(
        merge_into(aliased, &overlay)
            .unwrap_err()
            .0
            .contains("alias")
    );
}

#[test]
fn the_same_list_item_is_merged_key_by_key() {
    let text = "v:\n  # first\n  - name: a  # a\n    emptyDir: {}\n    extra: 1  # mine\n  # between\n  - name: gone  # bye\n  - name: b\n    configMap:\n      name: old\n";
    let overlay = v(serde_json::json!({"v": [
        {"name": "new"},
        {"name": "a", "emptyDir": {}},
        {"name": "b", "secret": {"secretName": "s"}},
        {"name": "last"},
    ]}));
    let merged = merge_into(text, &overlay).unwrap();
    assert_eq!(
        merged,
        "v:\n  - name: new\n  # first\n  - name: a  # a\n    emptyDir: {}\n    extra: 1  # mine\n  # between\n  # bye\n  - name: b\n    secret:\n      secretName: s\n  - name: last\n"
    );
    assert_eq!(merge_into(&merged, &overlay).unwrap(), merged);
}

#[test]
fn provisioning_in_a_configmap_is_merged_as_a_document() {
    let text = "objects:\n  - kind: ConfigMap\n    metadata:\n      name: p  # mine\n      annotations: {a: b}\n    data:\n      f.yaml: |\n        # about the file\n        apps:\n          - type: app\n            org_id: 1\n            jsonData:\n              orgId: 1        # the Grafana org\n              url: http://x\n";
    let overlay = v(serde_json::json!({"objects": [{
        "kind": "ConfigMap",
        "metadata": {"name": "p", "namespace": "n"},
        "data": {"f.yaml": "# ours\napps:\n  - type: app\n    jsonData:\n      orgId: 100\n      url: http://y\n      grafanaUrl: http://g/\n"},
    }]}));
    let merged = merge_into(text, &overlay).unwrap();
    assert_eq!(
        merged,
        "objects:\n  - kind: ConfigMap\n    metadata:\n      name: p  # mine\n      annotations: {a: b}\n      namespace: \"n\"\n    data:\n      f.yaml: |\n        # about the file\n        apps:\n          - type: app\n            org_id: 1\n            jsonData:\n              orgId: 100      # the Grafana org\n              url: http://y\n              grafanaUrl: http://g/\n"
    );
    assert_eq!(merge_into(&merged, &overlay).unwrap(), merged);
    // a string that is not a ConfigMap's data is replaced
    let text = "x:\n  f: |\n    a: 1\n    b: 2\n";
    let overlay = v(serde_json::json!({"x": {"f": "a: 3\nc: 4\n"}}));
    assert_eq!(
        merge_into(text, &overlay).unwrap(),
        "x:\n  f: |\n    a: 3\n    c: 4\n"
    );
}

#[test]
fn a_list_in_another_order_is_written_whole_with_its_comments() {
    let text = "v:\n  - name: b  # b\n    x: 1\n  # own line\n  - name: a\n";
    let overlay = v(serde_json::json!({"v": [{"name": "a"}, {"name": "b"}]}));
    let merged = merge_into(text, &overlay).unwrap();
    assert_eq!(
        merged,
        "# b\n  # own line\nv:\n  - name: a\n  - name: b\n    x: 1\n"
    );
}

#[test]
fn a_list_an_alias_reads_is_refused() {
    let text = "g:\n  v: &vols\n    - name: a\ne:\n  v: *vols\n";
    let overlay = v(serde_json::json!({"g": {"v": [{"name": "a"}, {"name": "b"}]}}));
    let refused = merge_into(text, &overlay).unwrap_err();
    assert!(
        refused.0.contains("cannot set `g.v`: it carries an anchor"),
        "{refused}"
    );
}
