//! The unified diff `--diff --unsafe-fixes` prints for each failing fixture, snapshotted:
//! one per fixture of every rule that has a fix (the platform rules of other folders left
//! out, as in `rule_fixtures`). And the fix shown under a finding, in each
//! format that shows fixes, when it edits another file than the finding's.

mod support;

use oncall_lint_core::fix::apply::run;
use oncall_lint_core::fix::diff::unified;
use oncall_lint_core::options::ReleaseSpec;
use oncall_lint_core::report::{json, junit, sarif, text};
use oncall_lint_core::{Applicability, InputFile, LintOptions, lint_bytes, lint_release};

#[test]
fn fix_diffs() {
    let mut diffs = 0;
    insta::glob!("../testdata/rules", "*/fail-*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let mut options = support::options_from_header(&text);
        support::scope_to_rule(path, &mut options);
        options.keep_values = true;
        let name = support::relative(path);
        let lint = |texts: &[(String, String)]| {
            lint_bytes(&texts[0].0, texts[0].1.clone().into_bytes(), &options)
        };
        let before = lint(&[(name.clone(), text.clone())]);
        if !before.diagnostics.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability >= Applicability::Unsafe)
        }) {
            return;
        }
        let outcome = run(
            vec![(name.clone(), text.clone())],
            Applicability::Unsafe,
            &lint,
        );
        assert!(
            outcome.notes.is_empty(),
            "{}: {:?}",
            path.display(),
            outcome.notes
        );
        let diff = unified(&name, &text, &outcome.texts[0].1, 3);
        assert!(
            !diff.is_empty(),
            "{}: a fixable finding but no diff",
            path.display()
        );
        diffs += 1;
        insta::assert_snapshot!(diff);
    });
    assert!(diffs >= 30, "only {diffs} fixtures have a fix");
}

/// The first file of a two-file release: it writes `grafana:`, so OC005 (Grafana's
/// `root_url` names the chart's `helm-testing` Service) points there, and it pins the plugin
/// with a `v` grafana.com does not publish (OC022, fixed in this file).
const BASE: &str =
    "base_url: oncall.example.com\ngrafana:\n  plugins:\n    - grafana-oncall-app v1.16.9\n";

/// The last file, which Helm lets win: OC005's fix sets `server.domain` here.
const PROD: &str = "image:\n  tag: v1.16.9\n";

#[test]
fn a_fix_in_another_file_than_its_finding_names_that_file() {
    let options = LintOptions {
        release: ReleaseSpec {
            release_name: Some("oncall".into()),
            chart_version: Some("1.16.9".into()),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let file = |path: &str, text: &str| InputFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
    };
    let report = lint_release(
        vec![file("base.yaml", BASE), file("deploy/prod.yaml", PROD)],
        &options,
    );
    let find = |code: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.code() == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", report.diagnostics))
    };
    let elsewhere = find("OC005");
    assert_eq!(elsewhere.primary.file.path(), "base.yaml");
    let fix = elsewhere.fix.as_ref().expect("OC005 has a fix");
    assert!(
        fix.edits
            .iter()
            .all(|e| e.file.path() == "deploy/prod.yaml")
    );
    let here = find("OC022");
    assert_eq!(here.primary.file.path(), "base.yaml");
    let findings = vec![elsewhere.clone(), here.clone()];

    // text: the preview under OC005 names the file it edits; OC022's, in its own file,
    // is hunks alone
    let shown = text::render(&findings, false);
    insta::assert_snapshot!("fix_in_another_file_text", shown);
    assert!(
        shown.contains(
            "    --- a/deploy/prod.yaml\n    +++ b/deploy/prod.yaml\n    @@ -2,0 +3,4 @@\n"
        ),
        "{shown}"
    );
    assert!(!shown.contains("a/base.yaml"), "{shown}");

    // junit shows the fix's title, not its diff: it says which file the fix edits
    let failures = junit::render(&findings, 2);
    assert_eq!(
        failures.matches("fix edits deploy/prod.yaml").count(),
        1,
        "{failures}"
    );
    assert!(!failures.contains("fix edits base.yaml"), "{failures}");

    // json and sarif name the file of every edit
    let doc: serde_json::Value = serde_json::from_str(&json::render(&findings, 2)).expect("JSON");
    assert_eq!(doc["diagnostics"][0]["file"], "base.yaml");
    assert_eq!(
        doc["diagnostics"][0]["fix"]["edits"][0]["file"],
        "deploy/prod.yaml"
    );
    let doc: serde_json::Value = serde_json::from_str(&sarif::render(&findings)).expect("SARIF");
    let change = &doc["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "deploy/prod.yaml");
}
