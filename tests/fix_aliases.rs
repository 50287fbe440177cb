//! A fix never changes a value other than the one it targets: when the value it edits
//! carries an anchor that an alias elsewhere reads, applying it would change that alias's
//! value too, so the fix is shown (display-only, with the reason) and never applied; in a
//! provisioning file, in provisioning embedded in values, and in the values themselves.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "oncall-lint-fix-aliases-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .env_clear()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

/// `orgId` carries the anchor that `org_id` (the Grafana org the app is enabled in) reads.
const PROVISIONING: &str = "\
apiVersion: 1
apps:
  - type: grafana-oncall-app
    disabled: false
    jsonData:
      stackId: 5
      orgId: &org 1  # same as the Grafana org
      onCallApiUrl: http://oncall-engine.oncall.svc.cluster.local:8080
    org_id: *org
";

/// Runs `--fix` on `file` in `dir` and returns the run, asserting the file is unchanged.
fn fix_leaves_unchanged(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let before = std::fs::read_to_string(dir.join(file)).expect("reads");
    let mut args = vec!["--no-config", "--fix", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(file);
    let out = run_in(dir, &args);
    assert_eq!(
        std::fs::read_to_string(dir.join(file)).expect("reads"),
        before,
        "the fix changed the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The OC001 finding of a JSON report, with its fix.
fn oc001(out: &Output) -> serde_json::Value {
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the JSON report parses");
    report["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == "OC001"))
        .cloned()
        .unwrap_or_else(|| panic!("no OC001 in {report}"))
}

#[test]
fn anchored_org_id_in_a_provisioning_file_is_not_fixed_behind_the_alias() {
    let dir = temp_dir("file");
    std::fs::write(dir.join("oncall-app.yaml"), PROVISIONING).unwrap();
    let out = fix_leaves_unchanged(&dir, "oncall-app.yaml", &[]);
    let finding = oc001(&out);
    assert_eq!(finding["fix"]["applicability"], "display-only", "{finding}");
    let title = finding["fix"]["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("`org_id` (line 9) reads the value through an alias"),
        "{title}"
    );
}

#[test]
fn anchored_org_id_in_embedded_provisioning_is_not_fixed_behind_the_alias() {
    let dir = temp_dir("embedded");
    let block: String = PROVISIONING
        .lines()
        .map(|l| format!("          {l}\n"))
        .collect();
    let values = format!(
        "grafana:\n  extraObjects:\n    - apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: oncall-app\n      data:\n        oncall-app.yaml: |\n{block}"
    );
    std::fs::write(dir.join("values.yaml"), values).unwrap();
    let out = fix_leaves_unchanged(&dir, "values.yaml", &["--release", "oncall"]);
    let finding = oc001(&out);
    assert_eq!(finding["fix"]["applicability"], "display-only", "{finding}");
    // the alias's line in the values file, not in the embedded text
    let title = finding["fix"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("`org_id` (line 17)"), "{title}");
}

#[test]
fn a_fix_at_the_alias_site_changes_only_that_value_and_is_applied() {
    let dir = temp_dir("alias-site");
    let text = PROVISIONING
        .replace("orgId: &org 1  # same as the Grafana org", "orgId: *org")
        .replace("    org_id: *org\n", "")
        .replace(
            "    disabled: false\n",
            "    org_id: &org 1\n    disabled: false\n",
        );
    std::fs::write(dir.join("oncall-app.yaml"), &text).unwrap();
    let out = run_in(&dir, &["--no-config", "--fix", "oncall-app.yaml"]);
    let after = std::fs::read_to_string(dir.join("oncall-app.yaml")).unwrap();
    assert_eq!(
        after,
        text.replace("orgId: *org", "orgId: 100"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_unaliased_anchor_is_fixed_as_usual() {
    let dir = temp_dir("unaliased");
    let text = PROVISIONING.replace("    org_id: *org\n", "    org_id: 1\n");
    std::fs::write(dir.join("oncall-app.yaml"), &text).unwrap();
    let out = run_in(&dir, &["--no-config", "--fix", "oncall-app.yaml"]);
    let after = std::fs::read_to_string(dir.join("oncall-app.yaml")).unwrap();
    assert_eq!(
        after,
        text.replace("orgId: &org 1", "orgId: &org 100"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn anchored_values_are_not_fixed_behind_the_alias() {
    let dir = temp_dir("values");
    let text = "base_url: oncall.example.org\ngrafana:\n  grafana.ini:\n    feature_toggles:\n      enable: &toggles publicDashboards\n  notes: *toggles\n";
    std::fs::write(dir.join("values.yaml"), text).unwrap();
    let out = fix_leaves_unchanged(&dir, "values.yaml", &["--release", "helm-testing"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // the fix of OC010 (`enable` lacks `externalServiceAccounts`), the one on the anchored
    // value: other rules' fixes (the platform rules on the chart's defaults) edit elsewhere
    let fix = report["diagnostics"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .filter(|f| f["code"] == "OC010")
                .find_map(|f| f.get("fix").filter(|f| !f.is_null()))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no OC010 finding with a fix in {report}"));
    assert_eq!(fix["applicability"], "display-only", "{fix}");
    assert!(
        fix["title"]
            .as_str()
            .is_some_and(|t| t.contains("`notes` (line 6)")),
        "{fix}"
    );
}

#[test]
fn merge_into_refuses_to_change_an_anchored_value_an_alias_reads() {
    let dir = temp_dir("merge");
    let text = "grafana:\n  extraVolumes: &vols\n    - name: data\n      emptyDir: {}\nengine:\n  extraVolumes: *vols\n";
    std::fs::write(dir.join("values.yaml"), text).unwrap();
    let out = run_in(
        &dir,
        &[
            "render",
            "provisioning",
            "--release",
            "oncall",
            "--namespace",
            "oncall",
            "--merge-into",
            "values.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot set `grafana.extraVolumes`: it carries an anchor that `extraVolumes` elsewhere in the file reads through an alias"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("values.yaml")).unwrap(),
        text
    );
}
