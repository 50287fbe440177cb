//! What the tool used to pass in silence, through the real binary: a values file taken for
//! another chart's because of one key, a skipped file said only under `-v`, keys outside an
//! umbrella's dependency key, a dotted values root, the air-gapped install that still
//! downloads the plugin, and files Helm reads differently (a list at the top, a second
//! document).

mod exe;

use exe::{Run, TempDir, concise_findings};

/// A directory holding `files`.
fn in_dir(files: &[(&str, &str)]) -> TempDir {
    TempDir::with_files("silent", files)
}

/// `oncall-lint ARGS` in `dir`.
fn run_in(dir: &TempDir, args: &[&str]) -> Run {
    dir.run(args)
}

/// `(code, message)` of each concise finding.
fn findings(run: &Run) -> Vec<(String, String)> {
    concise_findings(run)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect()
}

fn codes(run: &Run) -> Vec<String> {
    findings(run).into_iter().map(|(c, _)| c).collect()
}

// ---- one unknown key no longer makes a file another chart's ------------------------------

#[test]
fn a_misspelled_oncall_key_keeps_the_file_oncall_values() {
    let dir = in_dir(&[
        (
            "values.yaml",
            "baseUrl: oncall.example.com\ngrafana:\n  enabled: true\n",
        ),
        (
            "external.yaml",
            "externalgrafana:\n  url: http://grafana:3000\ngrafana:\n  enabled: false\n",
        ),
    ]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_code(1);
    assert!(
        findings(&run)
            .iter()
            .any(|(c, m)| c == "OC090" && m.contains("`baseUrl`") && m.contains("`base_url`")),
        "{}",
        run.stdout()
    );
    // `externalgrafana` is a typo: the chart sees no external Grafana at all (OC006)
    let run = run_in(&dir, &["--format", "concise", "external.yaml"]);
    let codes = codes(&run);
    assert!(codes.contains(&"OC090".to_owned()), "{codes:?}");
    assert!(codes.contains(&"OC006".to_owned()), "{codes:?}");
}

#[test]
fn keys_that_only_hold_anchors_say_nothing_about_the_chart() {
    let values = "common: &probe\n  initialDelaySeconds: 5\nx-defaults: {a: 1}\n\
                  grafana:\n  enabled: false\n  readinessProbe: *probe\n";
    let dir = in_dir(&[("values.yaml", values)]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    // `grafana.enabled: false` with no external Grafana: OC006
    assert!(
        codes(&run).contains(&"OC006".to_owned()),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_file_named_for_oncall_is_oncall_values() {
    let values = "grafana:\n  enabled: false\ndjango:\n  secret: x\n";
    let dir = in_dir(&[
        ("oncall-values.yaml", values),
        ("oncall/values.yaml", values),
    ]);
    for file in ["oncall-values.yaml", "oncall/values.yaml"] {
        let run = run_in(&dir, &["--format", "concise", file]);
        run.assert_code(1);
        let codes = codes(&run);
        // Helm fails on the missing `externalGrafana.url`; `django` is no key of the chart
        assert!(codes.contains(&"OC006".to_owned()), "{file}: {codes:?}");
        assert!(codes.contains(&"OC090".to_owned()), "{file}: {codes:?}");
    }
}

// ---- a skipped file is said in every format ------------------------------------------

#[test]
fn a_skipped_file_is_said_in_text_json_sarif_and_github() {
    let other = "image:\n  tag: v1.2.3\nenv:\n  - name: A\n    value: b\n";
    let ours = "grafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana:3000\n";
    let dir = in_dir(&[("app-values.yaml", other), ("values.yaml", ours)]);
    let files = ["app-values.yaml", "values.yaml"];

    let run = run_in(&dir, &[&["--format", "text"][..], &files].concat());
    let text = run.stdout();
    assert!(
        text.contains("app-values.yaml: input: values of another chart, skipped"),
        "{text}"
    );
    assert!(text.contains("--chart oncall"), "{text}");
    assert!(
        text.contains("1 file linted; 1 skipped as another chart's values"),
        "{text}"
    );

    let run = run_in(&dir, &[&["--format", "json"][..], &files].concat());
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(json["summary"]["skipped"], 1, "{json}");
    let notices = json["notices"].as_array().unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n["kind"] == "skipped" && n["file"] == "app-values.yaml"),
        "{json}"
    );

    let run = run_in(&dir, &[&["--format", "sarif"][..], &files].concat());
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let notifications = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notifications.as_array().unwrap().iter().any(|n| {
            n["descriptor"]["id"] == "skipped"
                && n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "app-values.yaml"
        }),
        "{notifications}"
    );

    let run = run_in(&dir, &[&["--format", "github"][..], &files].concat());
    assert!(
        run.stdout()
            .lines()
            .any(|l| l.starts_with("::notice file=app-values.yaml,") && l.contains("skipped")),
        "{}",
        run.stdout()
    );

    // and as the oncall chart's when asked
    let run = run_in(
        &dir,
        &["--format", "json", "--chart", "oncall", "app-values.yaml"],
    );
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(json["summary"]["skipped"], 0, "{json}");
}

#[test]
fn a_file_with_no_values_says_nothing_was_judged_in_every_format() {
    // an empty values file (or one of comments) is no release anyone installs: what the
    // chart's defaults leave is not judged, and every format says so
    let dir = in_dir(&[("values.yaml", "# values for prod, to come\n")]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("values.yaml: holds no values"),
        "{}",
        run.stderr
    );
    let run = run_in(&dir, &["--format", "json", "values.yaml"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert!(
        json["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "no-values" && n["file"] == "values.yaml"),
        "{json}"
    );
    let run = run_in(&dir, &["--format", "sarif", "values.yaml"]);
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let notifications = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notifications
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["descriptor"]["id"] == "no-values"),
        "{notifications}"
    );
    let run = run_in(&dir, &["--format", "github", "values.yaml"]);
    assert!(
        run.stdout()
            .lines()
            .any(|l| l.starts_with("::notice file=values.yaml,") && l.contains("holds no values")),
        "{}",
        run.stdout()
    );
    // `{}` is the chart's defaults, judged
    let dir = in_dir(&[("values.yaml", "{}\n")]);
    let run = run_in(&dir, &["--format", "json", "values.yaml"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert!(
        !json["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "no-values"),
        "{json}"
    );
    assert!(
        json["summary"]["warnings"].as_u64().unwrap_or(0) > 0,
        "{json}"
    );
}

// ---- umbrella charts ----------------------------------------------------------------

#[test]
fn oncall_keys_at_an_umbrella_top_level_are_reported() {
    let chart = "apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n  \
                 - name: oncall\n    version: 1.16.9\n    alias: irm\n";
    let values = "irm:\n  grafana:\n    enabled: false\n\
                  externalGrafana:\n  url: http://grafana:3000\n";
    let dir = in_dir(&[("Chart.yaml", chart), ("values.yaml", values)]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    let found = findings(&run);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "OC096" && m.contains("`externalGrafana`") && m.contains("`irm`")),
        "{found:?}"
    );
    // and the misplaced URL leaves the chart without one
    assert!(found.iter().any(|(c, _)| c == "OC006"), "{found:?}");
}

#[test]
fn a_dotted_values_root_is_a_path_of_keys() {
    let values = "spec:\n  values:\n    grafana:\n      enabled: false\n    \
                  externalGrafana:\n      url: grafana:3000\n";
    let dir = in_dir(&[("release.yaml", values)]);
    let run = run_in(
        &dir,
        &[
            "--format",
            "concise",
            "--values-root",
            "spec.values",
            "release.yaml",
        ],
    );
    run.assert_code(1);
    let found = concise_findings(&run);
    assert!(
        found
            .iter()
            .any(|f| f.code == "OC006" && (f.line, f.column) == (6, 12)),
        "{found:?}"
    );
    // `spec.values` is a manifest's field, not the chart's alias: the Services keep `oncall`
    let run = run_in(
        &dir,
        &[
            "--format",
            "json",
            "--values-root",
            "spec.values",
            "--release",
            "r",
            "--set",
            "spec.values.grafana.enabled=true",
            "release.yaml",
        ],
    );
    let out = run.stdout();
    assert!(out.contains("r-oncall-engine"), "{out}");
    assert!(!out.contains("r-values"), "{out}");
    // a root the file does not have is a finding, not silence
    let run = run_in(
        &dir,
        &[
            "--format",
            "concise",
            "--values-root",
            "spec.value",
            "release.yaml",
        ],
    );
    assert_eq!(codes(&run), ["OC096"], "{}", run.stdout());
}

// ---- air-gapped ---------------------------------------------------------------------

#[test]
fn an_init_container_install_is_air_gapped_even_when_the_default_still_downloads() {
    let values = "base_url: oncall.example.com\ngrafana:\n  env:\n    \
                  GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: grafana-oncall-app\n  \
                  extraInitContainers:\n    - name: install-oncall-plugin\n      \
                  image: registry.corp.example/oras-project/oras:v1.2.2\n      \
                  args: [\"pull\", \"registry.corp.example/grafana/grafana-oncall-app:1.16.9\"]\n";
    let dir = in_dir(&[("values.yaml", values)]);
    let run = run_in(&dir, &["--format", "json", "values.yaml"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    // the chart's default `grafana.plugins` still downloads the plugin: the crash loop
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "OC040" && d["key_path"] == "grafana.plugins"),
        "{json}"
    );
    assert!(
        json["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "inferred-profile"),
        "{json}"
    );
}

// ---- Helm's reading of a file ---------------------------------------------------------

#[test]
fn a_values_file_that_is_a_list_or_a_string_is_an_error() {
    let dir = in_dir(&[("list.yaml", "- a\n- b\n"), ("text.yaml", "hello\n")]);
    for file in ["list.yaml", "text.yaml"] {
        let run = run_in(&dir, &["--format", "concise", file]);
        run.assert_code(1);
        let found = concise_findings(&run);
        assert_eq!(found.len(), 1, "{file}: {found:?}");
        assert_eq!(
            (found[0].code.as_str(), found[0].severity.as_str()),
            ("OC094", "error")
        );
        assert!(found[0].message.contains("not a map"), "{found:?}");
    }
    // an empty file is an empty map to Helm
    let dir = in_dir(&[("empty.yaml", "# nothing yet\n")]);
    run_in(&dir, &["empty.yaml"]).assert_code(0);
}

#[test]
fn documents_after_the_first_are_one_finding_and_nothing_else() {
    let values = "base_url: oncall.example.com\n---\nbase_url: 3\ngrafana:\n  enabled: maybe\n";
    let dir = in_dir(&[("values.yaml", values)]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    // of the second document (line 3 on) only the one OC094 is said: `base_url: 3` and
    // `enabled: maybe` are never read by Helm
    let found: Vec<_> = concise_findings(&run)
        .into_iter()
        .filter(|f| f.line >= 3)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].code.as_str(), found[0].line, found[0].column),
        ("OC094", 3, 1)
    );
    assert!(found[0].message.contains("first document"), "{found:?}");
    // a stream of manifests is still linted document by document
    let manifests = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n\
                     apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
    let dir = in_dir(&[("values-manifests.yaml", manifests)]);
    let run = run_in(&dir, &["values-manifests.yaml"]);
    run.assert_code(0);
    // and what is not checked in a manifest is said, once
    let said = run
        .stdout()
        .matches("a Kubernetes manifest: only the plugin provisioning")
        .count();
    assert_eq!(said, 1, "{}", run.stdout());
}

// ---- what a run would do -----------------------------------------------------------------

#[test]
fn show_files_and_show_settings_say_what_each_file_is_taken_for() {
    let chart = "apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n  \
                 - name: oncall\n    version: 1.16.9\n    alias: irm\n";
    let dir = in_dir(&[
        ("platform/Chart.yaml", chart),
        (
            "platform/values.yaml",
            "irm:\n  base_url: oncall.example.com\n",
        ),
        ("app/values.yaml", "image:\n  tag: v1\n"),
        (
            ".oncall-lint.yaml",
            "release:\n  name: oncall\n  namespace: oncall\n",
        ),
    ]);
    let run = run_in(&dir, &["--show-files", "."]);
    run.assert_code(0);
    let out = run.stdout();
    let line = |file: &str| {
        out.lines()
            .find(|l| l.starts_with(file))
            .unwrap_or_else(|| panic!("{file} not listed:\n{out}"))
            .to_owned()
    };
    let platform = line("platform/values.yaml");
    assert!(platform.contains("oncall chart values"), "{platform}");
    assert!(platform.contains("`irm`"), "{platform}");
    assert!(platform.contains("Chart.yaml"), "{platform}");
    assert!(platform.contains(".oncall-lint.yaml"), "{platform}");
    let app = line("app/values.yaml");
    assert!(app.contains("another chart, skipped"), "{app}");
    // nothing was linted: no findings, whatever the files hold
    assert!(!out.contains("OC0"), "{out}");

    let run = run_in(&dir, &["--show-settings", "platform/values.yaml"]);
    run.assert_code(0);
    let out = run.stdout();
    for expected in [
        "platform/values.yaml",
        "release: `oncall`",
        "namespace: `oncall`",
        "values root: `irm`",
        "chart: oncall 1.16.9",
        "config: ",
    ] {
        assert!(out.contains(expected), "{expected}:\n{out}");
    }
}
