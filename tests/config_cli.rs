//! Config files, discovery, baselines and the small subcommands, as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("oncall-lint-config-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// What a 2026 install sets against the platform rules (secrets, bundled images, ingress-nginx,
/// cert-manager), for values whose subject is elsewhere.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

/// `values` with the platform rules settled, appended at the end so that positions stay.
fn settled(values: &str) -> String {
    format!("{values}{PLATFORM}")
}

/// An external Grafana with a bare service name: an OC006 warning without namespaces, an
/// error with namespaces that differ.
const BARE: &str = "grafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana:80\n\
                    base_url: oncall.example.org\n";
const TOGGLE: &str = "base_url: oncall.example.org\n\
                      grafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards\n";

#[test]
fn the_nearest_config_upward_applies_and_flags_win() {
    let repo = temp_dir("discovery");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(
        &repo.join(".oncall-lint.yaml"),
        "release:\n  namespace: oncall\n  grafana-namespace: monitoring\n",
    );
    write(&repo.join("deploy/prod/values.yaml"), &settled(BARE));
    // found upward from the file: the namespaces make the bare host an error
    let out = run_in(&repo, &["--format", "concise", "deploy/prod/values.yaml"]);
    assert!(stdout(&out).contains("OC006 error"), "{}", stdout(&out));
    // a closer config wins over the root one
    write(
        &repo.join("deploy/.oncall-lint.yaml"),
        "rules:\n  OC006:\n    severity: info\n",
    );
    let out = run_in(&repo, &["--format", "concise", "deploy/prod/values.yaml"]);
    assert!(stdout(&out).contains("OC006 info"), "{}", stdout(&out));
    // the command line wins over the config
    let out = run_in(
        &repo,
        &[
            "--format",
            "concise",
            "--namespace",
            "monitoring",
            "--grafana-namespace",
            "monitoring",
            "deploy/prod/values.yaml",
        ],
    );
    assert!(
        stdout(&out).is_empty(),
        "same namespace: nothing to report: {}",
        stdout(&out)
    );
    // --no-config ignores them all; --config picks one
    let out = run_in(
        &repo,
        &[
            "--format",
            "concise",
            "--no-config",
            "deploy/prod/values.yaml",
        ],
    );
    assert!(stdout(&out).contains("OC006 warning"), "{}", stdout(&out));
    write(&repo.join("other.yaml"), "ignore: [OC006]\n");
    let out = run_in(
        &repo,
        &[
            "--format",
            "concise",
            "--config",
            "other.yaml",
            "deploy/prod/values.yaml",
        ],
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    // the search stops at the repository root
    let outer = temp_dir("outer");
    write(&outer.join(".oncall-lint.yaml"), "ignore: [all]\n");
    std::fs::rename(&repo, outer.join("repo")).unwrap();
    std::fs::remove_file(outer.join("repo/.oncall-lint.yaml")).unwrap();
    std::fs::remove_file(outer.join("repo/deploy/.oncall-lint.yaml")).unwrap();
    let out = run_in(
        &outer.join("repo"),
        &["--format", "concise", "deploy/prod/values.yaml"],
    );
    assert!(
        stdout(&out).contains("OC006 warning"),
        "a config above the repository does not apply: {}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&outer);
}

#[test]
fn a_bad_config_is_exit_2_with_its_line_and_column() {
    let dir = temp_dir("bad");
    write(
        &dir.join(".oncall-lint.yaml"),
        "select: [OC001]\nrules:\n  OC006:\n    severty: warning\n",
    );
    write(&dir.join("values.yaml"), BARE);
    let out = run_in(&dir, &["values.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".oncall-lint.yaml:4:5"), "{stderr}");
    assert!(stderr.contains("severty"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn per_file_ignores_select_fail_on_and_custom_rules() {
    let dir = temp_dir("features");
    write(
        &dir.join(".oncall-lint.yaml"),
        "fail-on: error\nper-file-ignores:\n  'dev-*.yaml': [OC010]\ncustom-rules:\n  - code: CORP001\n    name: engine-replicas\n    severity: warning\n    path: engine.replicaCount\n    check: at-least\n    value: 2\n    message: \"`engine.replicaCount` is below 2\"\n",
    );
    write(&dir.join("dev-values.yaml"), &settled(TOGGLE));
    write(&dir.join("prod-values.yaml"), &settled(TOGGLE));
    let out = run_in(
        &dir,
        &["--format", "concise", "dev-values.yaml", "prod-values.yaml"],
    );
    let text = stdout(&out);
    assert!(!text.contains("dev-values.yaml:5:15: OC010"), "{text}");
    assert!(text.contains("prod-values.yaml:5:15: OC010"), "{text}");
    // the custom rule fires on the chart default (replicaCount 1), at the top of each file
    assert!(
        text.contains("dev-values.yaml:1:1: CORP001 warning: `engine.replicaCount` is below 2"),
        "{text}"
    );
    // fail-on: error from the config: the OC010 error fails the run
    assert_eq!(out.status.code(), Some(1));
    let out = run_in(&dir, &["--format", "concise", "dev-values.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "only a warning left: {}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_baseline_hides_known_findings_and_survives_an_edit_above() {
    let dir = temp_dir("baseline");
    write(&dir.join("values.yaml"), TOGGLE);
    let out = run_in(&dir, &["--write-baseline", "baseline.json", "values.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run_in(&dir, &["--baseline", "baseline.json", "values.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // an unrelated edit above the finding
    write(
        &dir.join("values.yaml"),
        &format!("# reviewed 2026-11\n# owner: the SRE team\n{TOGGLE}"),
    );
    let out = run_in(
        &dir,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            "values.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // a new finding is still reported
    write(
        &dir.join("values.yaml"),
        &format!("{TOGGLE}  extraVolumes: []\n"),
    );
    let out = run_in(
        &dir,
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            "values.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("OC030") && !stdout(&out).contains("OC010"),
        "{}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn directories_respect_gitignore_and_name_patterns() {
    let dir = temp_dir("walk");
    write(&dir.join(".gitignore"), "generated/\n");
    write(&dir.join("helm/values-prod.yaml"), TOGGLE);
    write(
        &dir.join("helm/templates/deployment.yaml"),
        "a: {{ .Values.x }}\n",
    );
    write(&dir.join("generated/values.yaml"), TOGGLE);
    write(
        &dir.join("grafana/provisioning/plugins/oncall.yaml"),
        "apiVersion: 1\napps:\n  - type: grafana-oncall-app\n    jsonData:\n      orgId: 1\n",
    );
    let out = run_in(&dir, &["--format", "concise", "."]);
    let text = stdout(&out);
    assert!(text.contains("helm/values-prod.yaml"), "{text}");
    assert!(
        text.contains("grafana/provisioning/plugins/oncall.yaml"),
        "{text}"
    );
    assert!(!text.contains("generated/"), "gitignored: {text}");
    assert!(!text.contains("templates/"), "not a values file: {text}");
    // named explicitly, a file is always linted
    let out = run_in(&dir, &["--format", "concise", "generated/values.yaml"]);
    assert!(stdout(&out).contains("generated/values.yaml"));
    // with a config, `oncall-lint` alone lints the tree and the config's releases
    write(
        &dir.join(".oncall-lint.yaml"),
        "releases:\n  - name: prod\n    files: [helm/values-prod.yaml]\n    set: [\"grafana.enabled=false\"]\n",
    );
    let out = run_in(&dir, &["--format", "concise"]);
    let text = stdout(&out);
    assert!(
        text.contains("OC006"),
        "the release's --set turns Grafana off: {text}"
    );
    assert!(
        !text.contains("OC010"),
        "and the bundled Grafana's toggle no longer matters: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_completions_and_man() {
    let dir = temp_dir("init");
    let out = run_in(&dir, &["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(dir.join(".oncall-lint.yaml"))
            .unwrap()
            .contains("fail-on")
    );
    assert_eq!(
        run_in(&dir, &["init"]).status.code(),
        Some(2),
        "does not overwrite"
    );
    assert_eq!(run_in(&dir, &["init", "--force"]).status.code(), Some(0));
    // the starter config is valid: linting with it works
    write(&dir.join("values.yaml"), TOGGLE);
    assert_eq!(run_in(&dir, &["values.yaml"]).status.code(), Some(1));
    let out = run_in(&dir, &["completions", "bash"]);
    assert!(stdout(&out).contains("oncall-lint"));
    let out = run_in(&dir, &["man"]);
    assert!(stdout(&out).contains(".TH"), "roff");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_file_and_color_env() {
    let dir = temp_dir("output");
    write(&dir.join("values.yaml"), &settled(TOGGLE));
    // release `helm-testing`: the chart's own plugin provisioning is right for it, so OC004
    // does not warn and OC010 is the one finding
    let out = run_in(
        &dir,
        &[
            "--release",
            "helm-testing",
            "--format",
            "json",
            "-o",
            "report.json",
            "values.yaml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the exit code does not depend on where the report goes"
    );
    assert!(out.stdout.is_empty());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "OC010");
    let colored = Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(&dir)
        .env_clear()
        .env("CLICOLOR_FORCE", "1")
        .arg("values.yaml")
        .output()
        .unwrap();
    assert!(
        colored.stdout.contains(&0x1b),
        "CLICOLOR_FORCE colours even into a pipe"
    );
    let plain = Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(&dir)
        .env_clear()
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .arg("values.yaml")
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b), "NO_COLOR wins");
    let _ = std::fs::remove_dir_all(&dir);
}
