//! What a user relies on from the command line, checked against the real binary in a
//! scrubbed environment: exit codes, `--fail-on` / `--exit-zero`, the concise and text
//! formats, several files at once, standard input, `explain`, `rules`, `--help`, colour,
//! and finding the values root of an umbrella chart.

mod exe;

use std::collections::BTreeSet;

use exe::{Finding, Run, TempDir, concise_findings, oncall_lint, parse_concise_line};

/// What a 2026 install sets against the platform rules (secrets, bundled images, ingress-nginx,
/// cert-manager): the values below append it so that only their own subject is reported.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

/// `PLATFORM` indented under an umbrella chart's key for the oncall chart.
fn platform_under(indent: &str) -> String {
    PLATFORM.lines().map(|l| format!("{indent}{l}\n")).collect()
}

/// An OC006 warning only: the host has no namespace, which works only when Grafana shares
/// the release's namespace (no `--namespace` flags given).
const WARNING_ONLY: &str = concat!(
    "grafana: {enabled: false}\nexternalGrafana: {url: http://grafana:3000}\n\
     base_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// An OC006 error at 4:8: the URL has no scheme.
const NO_SCHEME: &str = concat!(
    "grafana:\n  enabled: false\nexternalGrafana:\n  url: grafana:3000\nbase_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// Nothing to report.
const CLEAN: &str = concat!(
    "grafana:\n  enabled: false\nexternalGrafana:\n  \
     url: http://grafana.monitoring.svc.cluster.local:3000\nbase_url: oncall.example.org\n",
    include_str!("../testdata/settled/platform.yaml")
);

/// Not YAML: `externalGrafana` is indented by one space (3:2).
const BROKEN: &str = "grafana:\n  enabled: false\n externalGrafana:\n  url: x\n";

/// Two findings: OC006 at 4:8, then OC094 on the first line after the `---` (sorted by
/// position, not by code; see `two_findings_second`). The first document is values, so Helm
/// reads only it: the provisioning below the `---` is one OC094 warning, and its own mistake
/// (a numeric `stackId`) is not linted.
const TWO_FINDINGS: &str = concat!(
    "grafana:
  enabled: false
externalGrafana:
  url: grafana:3000
base_url: oncall.example.org
",
    include_str!("../testdata/settled/platform.yaml"),
    "---
apiVersion: 1
apps:
  - type: grafana-oncall-app
    jsonData:
      stackId: 5
      orgId: 1
      onCallApiUrl: http://oncall-engine:8080
"
);

/// The line of `TWO_FINDINGS`' OC094: the first line after the `---` (line 7 before the
/// platform settings were added to the values document).
fn two_findings_second() -> usize {
    7 + PLATFORM.lines().count()
}

/// A directory holding `files`, and a run of `oncall-lint ARGS` inside it.
fn in_dir(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new("cli");
    for (name, text) in files {
        dir.write(name, text);
    }
    dir
}

fn run_in(dir: &TempDir, args: &[&str]) -> Run {
    oncall_lint(args).cwd(dir.path()).run()
}

/// (path, line, column, code) of each finding, in output order.
fn located(findings: &[Finding]) -> Vec<(String, usize, usize, String)> {
    findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.column, f.code.clone()))
        .collect()
}

fn at(path: &str, line: usize, column: usize, code: &str) -> (String, usize, usize, String) {
    (path.to_owned(), line, column, code.to_owned())
}

#[test]
fn concise_lines_are_read_strictly() {
    let f = parse_concise_line("values.yaml:2:24: OC006 warning: `x` is wrong").unwrap();
    assert_eq!((f.line, f.column, f.code.as_str()), (2, 24, "OC006"));
    for bad in [
        "values.yaml:2: OC006 warning: x",
        "values.yaml:2:x: OC006 warning: x",
        "values.yaml:2:3: OC06 warning: x",
        "values.yaml:2:3: OC006 fatal: x",
        "values.yaml:2:3:OC006 warning: x",
        ":2:3: OC006 warning: x",
        "Found 1 problem (1 error) in 1 file.",
    ] {
        assert!(parse_concise_line(bad).is_none(), "{bad}");
    }
    assert!(exe::position_inside("a: 1\nb: [\n", 2, 4));
    assert!(exe::position_inside("a: 1\nb: [\n", 3, 1));
    assert!(!exe::position_inside("a: 1\nb: [\n", 3, 2));
    assert!(!exe::position_inside("a: 1\nb: [\n", 4, 1));
    assert!(exe::position_inside("a: 1\rb: [", 2, 4));
    assert!(exe::position_inside("", 1, 1));
    assert!(!exe::position_inside("é", 1, 3));
}

// ---- exit codes -------------------------------------------------------------------------

#[test]
fn a_clean_file_exits_0() {
    let dir = in_dir(&[("values.yaml", CLEAN)]);
    let run = run_in(&dir, &["values.yaml"]);
    run.assert_code(0);
    assert!(!run.stdout().contains("OC0"), "{}", run.stdout());
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_code(0);
    assert_eq!(
        run.stdout(),
        "",
        "concise prints nothing when there is nothing"
    );
}

#[test]
fn a_finding_exits_1() {
    let dir = in_dir(&[("values.yaml", NO_SCHEME)]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_code(1);
    assert_eq!(
        located(&concise_findings(&run)),
        [at("values.yaml", 4, 8, "OC006")]
    );
}

#[test]
fn a_missing_path_exits_2_and_names_it() {
    let dir = in_dir(&[("values.yaml", CLEAN)]);
    for args in [
        &["prod/missing-values.yaml"][..],
        &["values.yaml", "prod/missing-values.yaml"][..],
        &["--exit-zero", "prod/missing-values.yaml"][..],
    ] {
        let run = run_in(&dir, args);
        run.assert_code(2);
        assert!(
            run.stderr.contains("prod/missing-values.yaml"),
            "{args:?}: stderr does not name the path:\n{}",
            run.stderr
        );
    }
}

#[test]
fn bad_flags_exit_2() {
    let dir = in_dir(&[("values.yaml", CLEAN)]);
    for args in [
        &["--no-such-flag", "values.yaml"][..],
        &["--format", "yaml2", "values.yaml"][..],
        &["--fail-on", "never", "values.yaml"][..],
        &["--color", "sometimes", "values.yaml"][..],
        &["--profile", "offline", "values.yaml"][..],
        &["rules", "--format", "xml"][..],
    ] {
        let run = run_in(&dir, args);
        run.assert_code(2);
        assert!(!run.stderr.is_empty(), "{args:?}: no message on stderr");
    }
    let run = run_in(&dir, &["--no-such-flag", "values.yaml"]);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
}

#[test]
fn exit_zero_reports_but_exits_0() {
    let dir = in_dir(&[("values.yaml", NO_SCHEME)]);
    let run = run_in(&dir, &["--exit-zero", "--format", "concise", "values.yaml"]);
    run.assert_code(0);
    assert_eq!(
        located(&concise_findings(&run)),
        [at("values.yaml", 4, 8, "OC006")],
        "--exit-zero still prints the findings"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = in_dir(&[("warning.yaml", WARNING_ONLY), ("error.yaml", NO_SCHEME)]);
    let run = run_in(&dir, &["--format", "concise", "warning.yaml"]);
    run.assert_code(1);
    let findings = concise_findings(&run);
    assert_eq!(located(&findings), [at("warning.yaml", 2, 24, "OC006")]);
    assert_eq!(findings[0].severity, "warning");

    run_in(&dir, &["--fail-on", "info", "warning.yaml"]).assert_code(1);
    run_in(&dir, &["--fail-on", "warning", "warning.yaml"]).assert_code(1);
    let run = run_in(
        &dir,
        &["--fail-on", "error", "--format", "concise", "warning.yaml"],
    );
    run.assert_code(0);
    assert_eq!(
        concise_findings(&run).len(),
        1,
        "the warning is still shown"
    );
    run_in(&dir, &["--fail-on", "error", "error.yaml"]).assert_code(1);
    run_in(&dir, &["--fail-on", "error", "warning.yaml", "error.yaml"]).assert_code(1);
}

// ---- formats ----------------------------------------------------------------------------

#[test]
fn concise_is_one_line_per_finding_sorted_by_file_then_position() {
    let dir = in_dir(&[
        ("b.yaml", TWO_FINDINGS),
        ("a.yaml", NO_SCHEME),
        ("c.yaml", CLEAN),
    ]);
    let run = run_in(&dir, &["--format", "concise", "c.yaml", "b.yaml", "a.yaml"]);
    run.assert_code(1);
    // concise_findings fails on any line that is not `PATH:LINE:COL: OCnnn SEVERITY: MSG`
    let findings = concise_findings(&run);
    assert_eq!(
        located(&findings),
        [
            at("a.yaml", 4, 8, "OC006"),
            at("b.yaml", 4, 8, "OC006"),
            at("b.yaml", two_findings_second(), 1, "OC094"),
        ]
    );
    assert!(findings.iter().all(|f| !f.message.contains('\n')));
}

#[test]
fn a_file_that_does_not_parse_does_not_stop_the_others() {
    let dir = in_dir(&[
        ("a.yaml", NO_SCHEME),
        ("broken.yaml", BROKEN),
        ("clean.yaml", CLEAN),
        ("z.yaml", WARNING_ONLY),
    ]);
    let args = ["a.yaml", "broken.yaml", "clean.yaml", "z.yaml"];
    let run = run_in(&dir, &[&["--format", "concise"][..], &args[..]].concat());
    run.assert_code(1);
    assert_eq!(
        located(&concise_findings(&run)),
        [
            at("a.yaml", 4, 8, "OC006"),
            at("broken.yaml", 3, 2, "OC094"),
            at("z.yaml", 2, 24, "OC006"),
        ]
    );
    // the parse error alone is enough for exit 1
    run_in(&dir, &["clean.yaml", "broken.yaml"]).assert_code(1);
    // and it is an error: --fail-on error still fails
    run_in(&dir, &["--fail-on", "error", "broken.yaml"]).assert_code(1);
    // the text format says the same
    let text = run_in(&dir, &args);
    text.assert_code(1);
    let out = text.stdout();
    for place in ["a.yaml:4:8", "broken.yaml:3:2", "z.yaml:2:24"] {
        assert!(out.contains(place), "text output lacks {place}:\n{out}");
    }
}

#[test]
fn text_output_shows_file_line_column_and_rule() {
    let dir = in_dir(&[("values.yaml", NO_SCHEME)]);
    let run = run_in(&dir, &["--color", "never", "values.yaml"]);
    run.assert_code(1);
    let out = run.stdout();
    assert!(out.contains("values.yaml:4:8"), "{out}");
    assert!(out.contains("OC006"), "{out}");
    assert!(out.contains("external-grafana-url"), "{out}");
    assert!(
        out.contains("url: grafana:3000"),
        "the source line is shown:\n{out}"
    );
}

#[test]
fn text_and_concise_count_columns_in_characters() {
    // `ü` is two bytes: the URL starts at character 32, byte 33
    let text = "grafana: {enabled: false}\nexternalGrafana: {\"ü\": 1, url: grafana:3000}\n";
    let dir = in_dir(&[("values.yaml", text)]);
    // (the `ü` key is also an unknown key, OC090: only OC006 matters here)
    let concise = run_in(
        &dir,
        &["--format", "concise", "--select", "OC006", "values.yaml"],
    );
    assert_eq!(
        located(&concise_findings(&concise)),
        [at("values.yaml", 2, 32, "OC006")]
    );
    let out = run_in(
        &dir,
        &["--color", "never", "--select", "OC006", "values.yaml"],
    )
    .stdout();
    assert!(out.contains("values.yaml:2:32"), "{out}");
}

#[test]
fn color_never_has_no_escape_bytes_and_always_has_them() {
    let dir = in_dir(&[("values.yaml", NO_SCHEME), ("broken.yaml", BROKEN)]);
    let never = run_in(&dir, &["--color", "never", "values.yaml", "broken.yaml"]);
    never.assert_code(1);
    assert!(!never.stdout_bytes.contains(&0x1b), "{}", never.stdout());
    assert!(!never.stderr.contains('\u{1b}'), "{}", never.stderr);
    // the environment says NO_COLOR and stdout is a pipe: auto means no colour either
    let auto = run_in(&dir, &["values.yaml"]);
    assert!(!auto.stdout_bytes.contains(&0x1b), "{}", auto.stdout());
    // and the check above can fail: forced colour does emit escapes
    let always = run_in(&dir, &["--color", "always", "values.yaml"]);
    always.assert_code(1);
    assert!(always.stdout_bytes.contains(&0x1b), "{}", always.stdout());
}

// ---- standard input ---------------------------------------------------------------------

#[test]
fn stdin_is_linted_under_the_name_given() {
    let dir = in_dir(&[]);
    let run = oncall_lint(["--format", "concise", "-"])
        .cwd(dir.path())
        .stdin(NO_SCHEME)
        .run();
    run.assert_code(1);
    let findings = concise_findings(&run);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (
            findings[0].line,
            findings[0].column,
            findings[0].code.as_str()
        ),
        (4, 8, "OC006")
    );

    let run = oncall_lint([
        "--format",
        "concise",
        "--stdin-filename",
        "prod/values.yaml",
        "-",
    ])
    .cwd(dir.path())
    .stdin(TWO_FINDINGS)
    .run();
    run.assert_code(1);
    assert_eq!(
        located(&concise_findings(&run)),
        [
            at("prod/values.yaml", 4, 8, "OC006"),
            at("prod/values.yaml", two_findings_second(), 1, "OC094"),
        ]
    );

    oncall_lint(["-"])
        .cwd(dir.path())
        .stdin(CLEAN)
        .run()
        .assert_code(0);
    let run = oncall_lint(["--format", "concise", "-"])
        .cwd(dir.path())
        .stdin(BROKEN)
        .run();
    run.assert_code(1);
    assert_eq!(concise_findings(&run)[0].code, "OC094");
}

// ---- explain, rules, help ---------------------------------------------------------------

#[test]
fn explain_prints_the_rule_docs_by_code_or_name() {
    let by_code = oncall_lint(["explain", "OC001"]).run();
    by_code.assert_code(0);
    let docs = by_code.stdout();
    let mut from = 0;
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "Use instead",
        "## Fix safety",
        "## References",
    ] {
        let found = docs[from..]
            .find(heading)
            .unwrap_or_else(|| panic!("`{heading}` missing or out of order:\n{docs}"));
        from += found + heading.len();
    }
    assert!(docs.contains("orgId"), "{docs}");
    let by_name = oncall_lint(["explain", "plugin-org-id"]).run();
    by_name.assert_code(0);
    assert_eq!(
        by_name.stdout(),
        docs,
        "the code and the name explain the same rule"
    );
}

#[test]
fn explain_an_unknown_rule_exits_2() {
    let run = oncall_lint(["explain", "NOPE"]).run();
    run.assert_code(2);
    assert!(run.stderr.contains("NOPE"), "{}", run.stderr);
    assert_eq!(run.stdout(), "");
}

/// (code, name) of every rule file under `rules/`: `OC001-plugin-org-id.yaml`.
fn catalog() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("rules/ exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".yaml")
            && let Some((code, rule)) = stem.split_once('-')
        {
            out.insert((code.to_owned(), rule.to_owned()));
        }
    }
    assert!(!out.is_empty(), "no rule files in {}", dir.display());
    out
}

#[test]
fn rules_lists_every_rule() {
    let run = oncall_lint(["rules"]).run();
    run.assert_code(0);
    let table = run.stdout();
    for (code, name) in catalog() {
        assert!(
            table.lines().any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.contains(&code.as_str()) && words.contains(&name.as_str())
            }),
            "no row for {code} {name}:\n{table}"
        );
    }
}

#[test]
fn rules_as_json_is_an_array_of_every_rule() {
    let run = oncall_lint(["rules", "--format", "json"]).run();
    run.assert_code(0);
    let value: serde_json::Value = serde_json::from_slice(&run.stdout_bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout()));
    let items = value.as_array().expect("a JSON array");
    let mut listed = BTreeSet::new();
    for item in items {
        let field = |k: &str| {
            item[k]
                .as_str()
                .unwrap_or_else(|| panic!("`{k}` is not a string in {item}"))
                .to_owned()
        };
        assert!(
            matches!(field("severity").as_str(), "error" | "warning" | "info"),
            "{item}"
        );
        assert!(
            listed.insert((field("code"), field("name"))),
            "listed twice: {item}"
        );
    }
    assert_eq!(listed, catalog());
}

#[test]
fn help_explains_the_exit_codes() {
    let run = oncall_lint(["--help"]).run();
    run.assert_code(0);
    let help = run.stdout();
    let lower = help.to_lowercase();
    let exit = lower
        .find("exit status")
        .or_else(|| lower.find("exit code"))
        .unwrap_or_else(|| panic!("--help does not mention the exit status:\n{help}"));
    let section = &lower[exit..];
    for code in ["0", "1", "2"] {
        assert!(
            section.contains(&format!(" {code} ")),
            "exit code {code} not described:\n{section}"
        );
    }
}

// ---- values root ------------------------------------------------------------------------

/// An umbrella chart's values: the oncall chart's under `oncall:`.
const UMBRELLA: &str = "oncall:
  grafana:
    enabled: false
  externalGrafana:
    url: grafana:3000
  base_url: oncall.example.org
";

#[test]
fn an_umbrella_values_file_is_linted_under_its_oncall_key() {
    let umbrella = format!("{UMBRELLA}{}", platform_under("  "));
    let dir = in_dir(&[("values.yaml", &umbrella)]);
    let run = run_in(&dir, &["--format", "concise", "values.yaml"]);
    run.assert_code(1);
    let findings = concise_findings(&run);
    assert_eq!(located(&findings), [at("values.yaml", 5, 10, "OC006")]);
    assert!(
        findings[0].message.contains("externalGrafana.url"),
        "{findings:?}"
    );
    // forced to the top level, `oncall.externalGrafana` is not the chart's setting
    let run = run_in(
        &dir,
        &["--format", "concise", "--values-root", "", "values.yaml"],
    );
    assert!(
        concise_findings(&run).iter().all(|f| f.code != "OC006"),
        "{}",
        run.stdout()
    );
}

/// Values of an umbrella chart that has its own `grafana` dependency and the oncall chart
/// under the alias `alerting`: without the Chart.yaml, the top level looks like the oncall
/// chart's values as much as `alerting:` does.
const ALIASED: &str = "grafana:
  enabled: true
engine:
  replicaCount: 1
alerting:
  grafana:
    enabled: false
  externalGrafana:
    url: grafana:3000
";

const UMBRELLA_CHART: &str = "apiVersion: v2
name: platform
version: 0.1.0
dependencies:
  - name: grafana
    version: 8.5.1
    repository: https://grafana.github.io/helm-charts
  - name: oncall
    version: 1.16.9
    repository: https://grafana.github.io/helm-charts
    alias: alerting
";

#[test]
fn a_chart_yaml_alias_names_the_values_root() {
    // the oncall chart's platform settings under its alias, after what the test is about
    // (not in `loose/`: they would make `alerting:` look like the oncall chart's values)
    let aliased = format!("{ALIASED}{}", platform_under("  "));
    let dir = in_dir(&[
        ("platform/Chart.yaml", UMBRELLA_CHART),
        ("platform/values.yaml", &aliased),
        ("loose/values.yaml", ALIASED),
    ]);
    let run = run_in(&dir, &["--format", "concise", "platform/values.yaml"]);
    run.assert_code(1);
    // `engine:` at the umbrella's top level reaches no chart: OC096 says so
    assert_eq!(
        located(&concise_findings(&run)),
        [
            at("platform/values.yaml", 3, 1, "OC096"),
            // a whole release: no file sets `base_url`, reported at the values root
            at("platform/values.yaml", 5, 1, "OC015"),
            at("platform/values.yaml", 9, 10, "OC006")
        ]
    );
    // the same values with no Chart.yaml beside them are linted at the top level
    let run = run_in(&dir, &["--format", "concise", "loose/values.yaml"]);
    assert!(
        concise_findings(&run).iter().all(|f| f.code != "OC006"),
        "{}",
        run.stdout()
    );
    // standard input finds the Chart.yaml beside the name it is given
    let run = oncall_lint([
        "--format",
        "concise",
        "--stdin-filename",
        "platform/values.yaml",
        "-",
    ])
    .cwd(dir.path())
    .stdin(aliased.as_str())
    .run();
    run.assert_code(1);
    // `engine:` at the umbrella's top level reaches no chart: OC096 says so
    assert_eq!(
        located(&concise_findings(&run)),
        [
            at("platform/values.yaml", 3, 1, "OC096"),
            // a whole release: no file sets `base_url`, reported at the values root
            at("platform/values.yaml", 5, 1, "OC015"),
            at("platform/values.yaml", 9, 10, "OC006")
        ]
    );
}

/// A provisioning ConfigMap in `grafana.extraObjects`.
fn provisioning_configmap(indent: &str, name: &str, org_id: u32) -> String {
    let text = format!(
        "grafana:
  extraObjects:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: {name}
      data:
        grafana-oncall-app-provisioning.yaml: |
          apiVersion: 1
          apps:
            - type: grafana-oncall-app
              jsonData:
                stackId: 5
                orgId: {org_id}
                onCallApiUrl: http://oncall-engine:8080
"
    );
    text.lines().map(|l| format!("{indent}{l}\n")).collect()
}

/// Helm replaces lists: a later file's `grafana.extraObjects` drops every ConfigMap of an
/// earlier one, which is then never rendered, so its provisioning is not judged.
#[test]
fn provisioning_a_later_file_replaces_is_not_judged() {
    for (indent, root) in [("", None), ("  ", Some("oncall:\n"))] {
        let wrap = |text: String| format!("{}{text}", root.unwrap_or(""));
        let dir = in_dir(&[
            ("old.yaml", &wrap(provisioning_configmap(indent, "old", 1))),
            (
                "new.yaml",
                &wrap(provisioning_configmap(indent, "new", 100)),
            ),
        ]);
        let args = ["--format", "concise", "--select", "OC001"];
        // alone, the old file's `orgId: 1` is rendered
        let alone = run_in(&dir, &[&args[..], &["old.yaml"]].concat());
        assert_eq!(
            concise_findings(&alone)
                .iter()
                .map(|f| (f.path.as_str(), f.code.as_str()))
                .collect::<Vec<_>>(),
            [("old.yaml", "OC001")],
            "{}",
            alone.stdout()
        );
        // under the new file, it is not
        let stacked = run_in(
            &dir,
            &[&args[..], &["-f", "old.yaml", "-f", "new.yaml"]].concat(),
        );
        stacked.assert_code(0);
        // and the other way round, the old file's list wins
        let reversed = run_in(
            &dir,
            &[&args[..], &["-f", "new.yaml", "-f", "old.yaml"]].concat(),
        );
        reversed.assert_code(1);
    }
}
