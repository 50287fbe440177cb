//! `--schema FILE` on the real binary: the user's schema is read, its findings are reported
//! with the chart's, and a schema that cannot be used stops the run with exit 2.

mod exe;

use exe::{TempDir, concise_findings, oncall_lint};

#[test]
fn a_users_schema_adds_its_findings_to_the_charts() {
    let dir = TempDir::new("schema-cli");
    let schema = dir.write(
        "umbrella.schema.json",
        r#"{
          "type": "object",
          "properties": {
            "team": {"type": "string"},
            "oncall": {"$ref": "oncall-1.16.9.values.schema.json"}
          },
          "additionalProperties": false
        }"#,
    );
    // the platform rules (secrets, bundled images, ingress-nginx, cert-manager) settled under
    // `oncall:` after the keys under test, so only the schemas' findings are left
    let platform: String = include_str!("../testdata/settled/platform.yaml")
        .lines()
        .map(|l| format!("  {l}\n"))
        .collect();
    let values = dir.write(
        "values.yaml",
        format!(
            "teem: alerting\noncall:\n  base_url: oncall.example.com\n  externalGrafana:\n    ulr: http://g\n{platform}"
        ),
    );
    // release `helm-testing`: the chart's own plugin provisioning is right for it, so OC004
    // does not warn and only the schemas' findings are reported
    let run = oncall_lint([
        "--format".as_ref(),
        "concise".as_ref(),
        "--release".as_ref(),
        "helm-testing".as_ref(),
        "--values-root".as_ref(),
        "oncall".as_ref(),
        "--schema".as_ref(),
        schema.as_os_str(),
        values.as_os_str(),
    ])
    .run();
    run.assert_sane();
    run.assert_code(1);
    let findings: Vec<(usize, String)> = concise_findings(&run)
        .into_iter()
        .map(|f| (f.line, f.message))
        .collect();
    assert_eq!(
        findings,
        [
            (
                1,
                format!(
                    "`teem` is not a key of your schema `{}`; did you mean `team`?",
                    schema.display()
                )
            ),
            (
                5,
                "`oncall.externalGrafana.ulr` is not a key of the oncall chart 1.16.9; did you mean `oncall.externalGrafana.url`?".into()
            ),
        ]
    );
}

#[test]
fn a_schema_that_cannot_be_used_is_a_failure_to_run() {
    let dir = TempDir::new("schema-cli-bad");
    let values = dir.write("values.yaml", "base_url: oncall.example.com\n");
    let bad = dir.write("bad.json", "{\"type\": 12}");
    for schema in [bad, dir.path().join("missing.json")] {
        let run = oncall_lint(["--schema".as_ref(), schema.as_os_str(), values.as_os_str()]).run();
        run.assert_sane();
        run.assert_code(2);
        assert!(
            run.stderr.contains("--schema"),
            "the error names the flag: {}",
            run.stderr
        );
    }
}
