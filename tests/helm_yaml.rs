//! The YAML Helm reads is the YAML the linter reads: what Helm's loader (go-yaml v2 through
//! sigs.k8s.io/yaml) refuses is an OC094 error with the reason, what it accepts is linted,
//! and a value means what it means to Helm. Each case here is one on which the two readers
//! once disagreed; `scripts/helm-yaml/diff.sh` compares them over a whole corpus against
//! Helm's own libraries.

mod exe;

use exe::{Finding, TempDir, concise_findings, oncall_lint};

/// Lints `text` saved as `name` on its own, without any config.
fn lint(name: &str, text: &str) -> Vec<Finding> {
    let dir = TempDir::new("helm-yaml");
    let path = dir.write(name, text);
    let run = oncall_lint([
        "--no-config".as_ref(),
        "--format".as_ref(),
        "concise".as_ref(),
        path.as_os_str(),
    ])
    .run();
    run.assert_sane();
    assert_ne!(run.code(), Some(2), "{name}: {}", run.stderr);
    concise_findings(&run)
}

fn oc094_errors(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.code == "OC094" && f.severity == "error")
        .collect()
}

/// `!custom false` is the string "false" to Helm (go-yaml resolves only the core tags), and
/// a non-empty string is true to the chart: the bundled Grafana is deployed and
/// externalGrafana.url is never read, so OC006 has nothing to say. The plain boolean
/// `false` still turns the bundled Grafana off, and OC006 fires.
#[test]
fn a_value_with_an_unknown_tag_is_a_string_as_in_helm() {
    let values = |enabled: &str| {
        format!(
            "base_url: oncall.example.com\ngrafana:\n  enabled: {enabled}\n  persistence:\n    enabled: true\n"
        )
    };
    let tagged = lint("values.yaml", &values("!custom false"));
    assert!(
        !tagged.iter().any(|f| f.code == "OC006"),
        "`!custom false` is a truthy string for Helm: {tagged:#?}"
    );
    assert!(oc094_errors(&tagged).is_empty(), "{tagged:#?}");
    let plain = lint("values.yaml", &values("false"));
    assert!(
        plain.iter().any(|f| f.code == "OC006"),
        "the boolean false turns the bundled Grafana off: {plain:#?}"
    );
}

/// Files Helm refuses to load, each with the line of the culprit and what the message
/// must say (exactly one OC094 error), beside files that look close to them and that Helm
/// loads (no OC094 error): the line between the two is Helm's. Every case is checked and
/// every wrong one reported.
#[test]
fn the_line_between_refused_and_loaded_is_helms() {
    let refused: &[(&str, &str, usize, &str)] = &[
        ("tab after -", "list:\n-\ta\n", 2, "a tab after `-`"),
        ("tab after ?", "? \ta\n: 1\n", 1, "a tab after `?`"),
        ("!!int true", "a: 1\nb: !!int true\n", 2, "not a !!int"),
        ("!!int 1.5", "b: !!int 1.5\n", 1, "not a !!int"),
        (".inf", "a:\n  b: .inf\n", 2, "infinity"),
        ("-.inf in a list", "a: [1, -.Inf]\n", 1, "infinity"),
        (".nan", "a: .nan\n", 1, "not a number"),
        ("NEL", "a: x\u{85}y\n", 1, "U+0085"),
        ("LINE SEPARATOR", "b: 1\na: x\u{2028}y\n", 2, "U+2028"),
        ("PARAGRAPH SEPARATOR", "a: x\u{2029}y\n", 1, "U+2029"),
        ("%YAML 1.2", "%YAML 1.2\n---\na: 1\n", 1, "YAML 1.1 only"),
        ("null key", "a: 1\n~: 2\n", 2, "null key"),
        ("list root", "- a\n- b\n", 1, "list"),
        ("scalar root", "just a string\n", 1, "scalar"),
    ];
    let loaded: &[(&str, &str)] = &[
        ("%YAML 1.1", "%YAML 1.1\n---\na: 1\n"),
        ("tab after :", "a:\tb\n"),
        ("tab inside a value", "a: x\ty\n"),
        ("LINE SEPARATOR quoted", "a: \"x\u{2028}y\"\n"),
        ("1e400 is a string", "a: 1e400\n"),
        ("!!float 1", "a: !!float 1\n"),
        ("!custom on a map", "a: !thing {b: 1}\n"),
        (".inf as a key", ".inf: a\n"),
        ("quoted null key", "'~': a\n"),
        ("comment glued to a block header", "a: |#c\n  x\nb: 1\n"),
    ];
    let mut wrong = Vec::new();
    for (what, text, line, says) in refused {
        let findings = lint("values.yaml", text);
        let errors = oc094_errors(&findings);
        match errors.as_slice() {
            [one] if one.line == *line && one.message.contains(says) => {}
            _ => wrong.push(format!(
                "{what}: Helm refuses it; expected one OC094 error at line {line} saying {says:?}, got {errors:#?}"
            )),
        }
    }
    for (what, text) in loaded {
        let findings = lint("values.yaml", text);
        let errors = oc094_errors(&findings);
        if !errors.is_empty() {
            wrong.push(format!("{what}: Helm loads it, got {errors:#?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
