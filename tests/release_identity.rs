//! Who the release is, through the real binary: the alias an umbrella `Chart.yaml` gives the
//! oncall chart names its objects (lint and render), the oncall chart's own `Chart.yaml`
//! gives the chart version, a chart version that is not an oncall chart release stops the
//! run, and a release whose name is not known but which keeps the chart's own plugin
//! provisioning (written for `helm-testing`) is warned about instead of passing silently.

mod exe;

use exe::{Finding, Run, TempDir, concise_findings};

/// An umbrella chart `platform` that depends on oncall 1.16.9 under the alias `irm`.
const ALIASED_CHART_YAML: &str = "apiVersion: v2
name: platform
version: 0.3.0
dependencies:
  - name: oncall
    version: 1.16.9
    repository: https://grafana.github.io/helm-charts
    alias: irm
";

/// The umbrella's values: OnCall under `irm:`, the bundled Grafana on, the chart's own
/// plugin provisioning kept.
const ALIASED_VALUES: &str = "irm:
  base_url: oncall.example.com
  grafana:
    enabled: true
";

/// The same, with provisioning of its own that names the engine Service as Helm names it
/// for release `platform` of the chart aliased `irm`.
const ALIASED_PROVISIONED: &str = "irm:
  base_url: oncall.example.com
  grafana:
    enabled: true
    extraVolumes:
      - name: provisioning
        configMap:
          name: oncall-plugin-provisioning
    extraObjects:
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: oncall-plugin-provisioning
        data:
          grafana-oncall-app-provisioning.yaml: |
            apiVersion: 1
            apps:
              - type: grafana-oncall-app
                jsonData:
                  stackId: 5
                  orgId: 100
                  onCallApiUrl: http://platform-irm-engine:8080
";

/// The platform rules settled: what a 2026 install sets against the chart's defaults.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

/// Values that keep the bundled Grafana and the chart's own plugin provisioning; the
/// platform rules settled after them.
const BUNDLED: &str = concat!(
    "base_url: oncall.example.com\ngrafana:\n  enabled: true\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// [`PLATFORM`] two spaces in, for the values of a subchart under its key in an umbrella.
fn platform_indented() -> String {
    PLATFORM.lines().map(|line| format!("  {line}\n")).collect()
}

/// A directory holding `files`.
fn dir_with(files: &[(&str, &str)]) -> TempDir {
    TempDir::with_files("identity", files)
}

/// `oncall-lint ARGS` in `dir`.
fn run_in(dir: &TempDir, args: &[&str]) -> Run {
    dir.run(args)
}

/// A concise lint of `values.yaml` as the release `platform`.
const PLATFORM_CONCISE: [&str; 5] = [
    "--format",
    "concise",
    "--release",
    "platform",
    "values.yaml",
];

/// The OC004 findings of a concise run.
fn oc004(run: &Run) -> Vec<Finding> {
    concise_findings(run)
        .into_iter()
        .filter(|f| f.code == "OC004")
        .collect()
}

#[test]
fn an_alias_in_chart_yaml_names_the_engine_service() {
    let dir = dir_with(&[
        ("Chart.yaml", ALIASED_CHART_YAML),
        ("values.yaml", ALIASED_VALUES),
    ]);
    let run = run_in(&dir, &PLATFORM_CONCISE);
    run.assert_code(1);
    let found = oc004(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, "error");
    assert!(
        found[0].message.contains("`platform-irm-engine`"),
        "Helm names the aliased chart `irm`: {}",
        found[0].message
    );
    assert!(
        !found[0].message.contains("platform-oncall-engine"),
        "{}",
        found[0].message
    );

    // a correct `onCallApiUrl` for the aliased chart is not reported
    dir.write("values.yaml", ALIASED_PROVISIONED);
    let run = run_in(&dir, &PLATFORM_CONCISE);
    run.assert_sane();
    assert!(oc004(&run).is_empty(), "{:?}", oc004(&run));

    // nameOverride still wins over the alias
    dir.write(
        "values.yaml",
        ALIASED_VALUES.replace("irm:\n", "irm:\n  nameOverride: alerts\n"),
    );
    let run = run_in(&dir, &PLATFORM_CONCISE);
    let found = oc004(&run);
    assert!(
        found.len() == 1 && found[0].message.contains("`platform-alerts-engine`"),
        "{found:?}"
    );
}

#[test]
fn render_follows_the_alias() {
    let dir = dir_with(&[
        ("Chart.yaml", ALIASED_CHART_YAML),
        ("values.yaml", ALIASED_VALUES),
    ]);
    let release = [
        "--release",
        "platform",
        "--namespace",
        "oncall",
        "-f",
        "values.yaml",
    ];
    let provisioning = run_in(&dir, &[&["render", "provisioning"][..], &release].concat());
    provisioning.assert_code(0);
    let text = provisioning.stdout();
    assert!(
        text.contains("onCallApiUrl: http://platform-irm-engine.oncall.svc:8080"),
        "{text}"
    );
    assert!(
        text.contains("name: platform-irm-plugin-provisioning"),
        "{text}"
    );
    assert!(!text.contains("platform-oncall-"), "{text}");

    // the engine pods are labelled `app.kubernetes.io/name: irm` (`oncall.name`)
    let policy = run_in(
        &dir,
        &[
            &["render", "networkpolicy", "--allow-plugin-download"][..],
            &release,
        ]
        .concat(),
    );
    policy.assert_code(0);
    let text = policy.stdout();
    assert!(text.contains("app.kubernetes.io/name: irm\n"), "{text}");
    assert!(text.contains("platform-irm-engine.oncall:8080"), "{text}");
    assert!(!text.contains("app.kubernetes.io/name: oncall"), "{text}");

    let setup = run_in(&dir, &[&["render", "setup"][..], &release].concat());
    setup.assert_code(0);
    assert!(
        setup
            .stdout()
            .contains("http://platform-irm-engine.oncall.svc:8080"),
        "{}",
        setup.stdout()
    );
}

#[test]
fn the_oncall_charts_own_chart_yaml_gives_the_chart_version() {
    // linting inside the chart's own directory, at 1.15.3
    let dir = dir_with(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: oncall\nversion: 1.15.3\nappVersion: v1.15.3\ndependencies:\n  - name: grafana\n    version: 8.4.6\n    condition: grafana.enabled\n",
        ),
        ("values.yaml", "base_url: oncall.example.com\n"),
    ]);
    let run = run_in(&dir, &["--format", "concise", "-v", "values.yaml"]);
    run.assert_sane();
    assert!(
        run.stderr
            .contains("values.yaml: chart: oncall 1.15.3 (defaults of 1.16.9)"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("no chart version given"),
        "{}",
        run.stderr
    );

    // and a version whose defaults differ: chart 1.9.22 bundles Grafana 9.5.3
    dir.write(
        "Chart.yaml",
        "apiVersion: v2\nname: oncall\nversion: 1.9.22\n",
    );
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_code(1);
    let findings = concise_findings(&run);
    assert!(
        findings
            .iter()
            .any(|f| f.code == "OC013" && f.message.contains("oncall chart 1.9.22")),
        "{findings:?}"
    );
}

#[test]
fn a_chart_version_that_is_not_a_release_stops_the_run() {
    let dir = dir_with(&[("values.yaml", BUNDLED)]);
    for version in ["2.0.0", "1.16.10", "latest"] {
        let run = run_in(
            &dir,
            &[
                "--chart-version",
                version,
                "--release",
                "oncall",
                "values.yaml",
            ],
        );
        run.assert_code(2);
        assert!(
            run.stderr.contains(&format!(
                "--chart-version {version} is not an oncall chart release"
            )) && run
                .stderr
                .contains("known are 1.0.x … 1.16.9 (the last release)"),
            "{}",
            run.stderr
        );
        assert!(run.stdout().is_empty(), "nothing is linted");
    }
    // a release is accepted
    let run = run_in(
        &dir,
        &[
            "--chart-version",
            "1.15.3",
            "--release",
            "helm-testing",
            "values.yaml",
        ],
    );
    run.assert_code(0);

    // the config's chart version likewise, as an error in the config file
    dir.write(".oncall-lint.yaml", "chart:\n  version: 2.0.0\n");
    let run = run_in(&dir, &["values.yaml"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(".oncall-lint.yaml:2:3:")
            && run
                .stderr
                .contains("`chart.version` 2.0.0 is not an oncall chart release"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fork_version_in_chart_yaml_uses_the_nearest_release_and_says_so() {
    let dir = dir_with(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: platform\nversion: 0.1.0\ndependencies:\n  - name: oncall\n    version: 2.3.0\n    repository: https://charts.example.com/forks\n",
        ),
        (
            "values.yaml",
            &format!(
                "oncall:\n  base_url: oncall.example.com\n{}",
                platform_indented()
            ),
        ),
    ]);
    let run = run_in(
        &dir,
        &[
            "--format",
            "concise",
            "-v",
            "--release",
            "helm-testing",
            "values.yaml",
        ],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "chart: oncall `2.3.0` is not an oncall chart release (it is newer than the last release; known are 1.0.x … 1.16.9): checked as 1.16.9, the nearest known release"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_charts_own_provisioning_without_a_release_name_is_a_warning() {
    let dir = dir_with(&[("v.yaml", BUNDLED)]);
    let run = run_in(&dir, &["--format", "concise", "v.yaml"]);
    run.assert_code(1);
    let found = oc004(&run);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, "warning");
    assert_eq!((found[0].line, found[0].column), (2, 1), "at `grafana:`");
    assert!(
        found[0]
            .message
            .contains("works only for a release named `helm-testing`")
            && found[0]
                .message
                .contains("http://helm-testing-oncall-engine:8080")
            && found[0].message.contains("the release name is not known"),
        "{}",
        found[0].message
    );
    // the help says how to give the name
    let text = run_in(&dir, &["v.yaml"]).stdout();
    assert!(
        text.contains("--release NAME") && text.contains("release: {name: NAME}"),
        "{text}"
    );

    // with the name, the exact check: an error for `oncall`, nothing for `helm-testing`
    let run = run_in(
        &dir,
        &["--format", "concise", "--release", "oncall", "v.yaml"],
    );
    let found = oc004(&run);
    assert!(
        found.len() == 1 && found[0].severity == "error",
        "{found:?}"
    );
    let run = run_in(
        &dir,
        &["--format", "concise", "--release", "helm-testing", "v.yaml"],
    );
    run.assert_code(0);

    // the config's `release: {name: ...}` is a name too
    dir.write(".oncall-lint.yaml", "release:\n  name: oncall\n");
    let run = run_in(&dir, &["--format", "concise", "v.yaml"]);
    let found = oc004(&run);
    assert!(
        found.len() == 1 && found[0].severity == "error",
        "{found:?}"
    );
}

#[test]
fn no_warning_where_the_charts_provisioning_is_not_used_or_nothing_is_set() {
    let dir = dir_with(&[
        // Grafana runs elsewhere: the chart's provisioning reaches no Grafana
        (
            "external.yaml",
            "base_url: oncall.example.com\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:80\n",
        ),
        // a file that sets nothing is not known to be the oncall chart's values
        ("empty.yaml", "# nothing yet\n"),
    ]);
    for file in ["external.yaml", "empty.yaml"] {
        let run = run_in(&dir, &["--format", "concise", file]);
        run.assert_sane();
        assert!(oc004(&run).is_empty(), "{file}: {:?}", oc004(&run));
    }
    // provisioning of one's own replaces the chart's
    let dir = dir_with(&[
        ("Chart.yaml", ALIASED_CHART_YAML),
        ("values.yaml", ALIASED_PROVISIONED),
    ]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_sane();
    assert!(oc004(&run).is_empty(), "{:?}", oc004(&run));
}
