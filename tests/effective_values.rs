//! The effective values of a release: Helm's merge of chart defaults, `-f` files and
//! `--set`, with provenance, and rules that see the merged result.

mod support;

use oncall_lint_core::options::ReleaseSpec;
use oncall_lint_core::{InputFile, LintOptions, SetArg, build_release, lint_release};
use serde_json::{Value, json};

fn file(name: &str, text: &str) -> InputFile {
    InputFile {
        path: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

fn effective(files: &[(&str, &str)], sets: &[(&str, bool)], values_root: Option<&str>) -> Value {
    let options = LintOptions {
        release: ReleaseSpec {
            sets: sets
                .iter()
                .map(|(t, s)| SetArg {
                    text: (*t).into(),
                    string: *s,
                })
                .collect(),
            values_root: values_root.map(str::to_owned),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let inputs = files.iter().map(|(n, t)| file(n, t)).collect();
    let (release, _) = build_release(inputs, &options)
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|d| &d.message).collect::<Vec<_>>()));
    release.values.to_json()
}

fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(value, |v, k| &v[*k])
}

/// Each case: files (in -f order), --set arguments, a path, and what Helm gives there.
#[test]
fn merge_table_follows_helm() {
    struct Case {
        why: &'static str,
        files: &'static [(&'static str, &'static str)],
        sets: &'static [(&'static str, bool)],
        root: Option<&'static str>,
        path: &'static [&'static str],
        expected: Value,
    }
    let cases = [
        Case {
            why: "maps merge recursively: the chart's root_url stays next to the user's domain",
            files: &[(
                "a.yaml",
                "grafana:\n  grafana.ini:\n    server:\n      domain: g.example.com\n",
            )],
            sets: &[],
            root: None,
            path: &["grafana", "grafana.ini", "server"],
            expected: json!({"domain": "g.example.com", "root_url": "%(protocol)s://%(domain)s/grafana/", "serve_from_sub_path": true}),
        },
        Case {
            why: "lists replace wholesale: the chart's provisioning volume is gone",
            files: &[(
                "a.yaml",
                "grafana:\n  extraVolumes:\n    - name: cache\n      emptyDir: {}\n",
            )],
            sets: &[],
            root: None,
            path: &["grafana", "extraVolumes"],
            expected: json!([{"name": "cache", "emptyDir": {}}]),
        },
        Case {
            why: "null deletes a default (Helm docs: 'set it to null to delete a key')",
            files: &[(
                "a.yaml",
                "grafana:\n  grafana.ini:\n    feature_toggles:\n      enable: null\n",
            )],
            sets: &[],
            root: None,
            path: &["grafana", "grafana.ini", "feature_toggles"],
            expected: json!({"accessControlOnCall": false}),
        },
        Case {
            why: "a scalar replaces a map",
            files: &[("a.yaml", "grafana:\n  env: none\n")],
            sets: &[],
            root: None,
            path: &["grafana", "env"],
            expected: json!("none"),
        },
        Case {
            why: "a map replaces a scalar (the chart's `url: null` becomes a map)",
            files: &[("a.yaml", "externalGrafana:\n  url:\n    host: x\n")],
            sets: &[],
            root: None,
            path: &["externalGrafana", "url"],
            expected: json!({"host": "x"}),
        },
        Case {
            why: "later -f files win over earlier ones",
            files: &[
                ("a.yaml", "externalGrafana:\n  url: http://a\n"),
                ("b.yaml", "externalGrafana:\n  url: http://b\n"),
            ],
            sets: &[],
            root: None,
            path: &["externalGrafana", "url"],
            expected: json!("http://b"),
        },
        Case {
            why: "--set wins over files; a list index builds a list that replaces the chart's",
            files: &[("a.yaml", "grafana:\n  plugins: [x, y]\n")],
            sets: &[("grafana.plugins[1]=z", false)],
            root: None,
            path: &["grafana", "plugins"],
            expected: json!([null, "z"]),
        },
        Case {
            why: "an escaped dot keeps `grafana.ini` one key",
            files: &[],
            sets: &[("grafana.grafana\\.ini.server.domain=g", false)],
            root: None,
            path: &["grafana", "grafana.ini", "server", "domain"],
            expected: json!("g"),
        },
        Case {
            why: "--set types true and integers; --set-string keeps strings; --set-string comes after --set",
            files: &[],
            sets: &[
                (
                    "engine.replicaCount=3,grafana.persistence.enabled=false",
                    false,
                ),
                ("engine.replicaCount=4", true),
            ],
            root: None,
            path: &["engine"],
            expected: json!("4"),
        },
        Case {
            why: "an umbrella chart's values root: only the subtree under `oncall` is the chart's",
            files: &[(
                "umbrella.yaml",
                "other: {x: 1}\noncall:\n  externalGrafana:\n    url: http://g\n",
            )],
            sets: &[("oncall.grafana.enabled=false", false)],
            root: Some("oncall"),
            path: &["grafana", "enabled"],
            expected: json!(false),
        },
        Case {
            why: "global is copied into the grafana subchart's global",
            files: &[("a.yaml", "global:\n  imagePullSecrets: [regcred]\n")],
            sets: &[],
            root: None,
            path: &["grafana", "global", "imagePullSecrets"],
            expected: json!(["regcred"]),
        },
    ];
    for case in cases {
        let values = effective(case.files, case.sets, case.root);
        let got = if case.why.starts_with("--set types") {
            json!(at(&values, &["engine", "replicaCount"]).clone())
        } else {
            at(&values, case.path).clone()
        };
        assert_eq!(got, case.expected, "{}", case.why);
        if case.why.starts_with("--set types") {
            assert_eq!(
                at(&values, &["grafana", "persistence", "enabled"]),
                &json!(false)
            );
        }
    }
}

#[test]
fn render_values_shows_where_each_value_came_from() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(root)
        .env_clear()
        .args([
            "render",
            "values",
            "-f",
            "testdata/release/base-values.yaml",
            "-f",
            "testdata/release/staging-values.yaml",
            "--show-origin",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let has = |line: &str| {
        assert!(
            text.lines().any(|l| l == line),
            "no line `{line}` in\n{text}"
        )
    };
    // the list came from the second file, which replaced the chart's
    has("  extraVolumes:  # testdata/release/staging-values.yaml:3");
    has("  plugins:  # testdata/release/base-values.yaml:6");
    has(
        "  url: http://grafana.monitoring.svc.cluster.local:80  # testdata/release/base-values.yaml:4",
    );
    // the chart's own mount stays, and says so
    has("  extraVolumeMounts:  # default: oncall 1.16.9");
    has("  - name: scratch  # testdata/release/staging-values.yaml:4");
    // JSON: the same origins in a parallel tree
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .current_dir(root)
        .env_clear()
        .args([
            "render",
            "values",
            "-f",
            "testdata/release/base-values.yaml",
            "--format",
            "json",
            "--show-origin",
        ])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        json["origins"]["externalGrafana"]["url"],
        json!("testdata/release/base-values.yaml:4")
    );
    assert_eq!(
        json["origins"]["grafana"]["extraVolumes"],
        json!("default: oncall 1.16.9")
    );
    assert_eq!(
        json["values"]["grafana"]["plugins"],
        json!(["grafana-oncall-app 1.16.9"])
    );
}

#[test]
fn a_finding_caused_by_the_second_file_names_it() {
    let base = include_str!("../testdata/release/base-values.yaml");
    let staging = include_str!("../testdata/release/staging-values.yaml");
    let report = lint_release(
        vec![
            file("base-values.yaml", base),
            file("staging-values.yaml", staging),
        ],
        &LintOptions::default(),
    );
    let oc030: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "OC030")
        .collect();
    assert_eq!(
        oc030.len(),
        1,
        "{:?}",
        report
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    assert_eq!(oc030[0].primary.file.path(), "staging-values.yaml");
    assert_eq!(oc030[0].primary.start().line, 3);
    // the base file alone is fine
    let alone = lint_release(
        vec![file("base-values.yaml", base)],
        &LintOptions::default(),
    );
    assert!(alone.diagnostics.iter().all(|d| d.code() != "OC030"));
}

#[test]
fn the_chart_version_changes_what_rules_see() {
    let staging = include_str!("../testdata/release/staging-values.yaml");
    let lint = |version: &str| {
        let options = LintOptions {
            release: ReleaseSpec {
                chart_version: Some(version.into()),
                ..ReleaseSpec::default()
            },
            ..LintOptions::default()
        };
        lint_release(vec![file("staging-values.yaml", staging)], &options)
            .diagnostics
            .iter()
            .map(|d| d.code().to_owned())
            .collect::<Vec<_>>()
    };
    // 1.16.9 mounts the provisioning volume, which this list drops
    assert!(lint("1.16.9").contains(&"OC030".to_owned()));
    // 1.9.22 has no provisioning volume to drop, and its Grafana 9.5.3 is too old for the
    // plugin (OC013) rather than missing a toggle it does not have
    let old = lint("1.9.22");
    assert!(!old.contains(&"OC030".to_owned()), "{old:?}");
    assert!(!old.contains(&"OC010".to_owned()), "{old:?}");
    assert!(old.contains(&"OC013".to_owned()), "{old:?}");
}
