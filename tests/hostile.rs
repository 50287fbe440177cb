//! No input makes `oncall-lint` panic, hang or eat the machine.
//!
//! Each test writes one hostile file into a fresh temp dir, runs the real binary on it
//! (scrubbed environment, a deadline enforced here, and an address-space cap when `prlimit`
//! is available), and checks that the outcome is a clean diagnostic: exit 0, 1 or 2 and
//! never a signal or a panic; every line of `--format concise` a well-formed finding whose
//! line:col lies inside the file; exit 1 exactly when there are findings; the text format
//! agreeing with it and free of terminal control bytes. A file that cannot be read as YAML
//! is exactly one `OC094 error:` finding. Inputs are generated here, never committed.

mod exe;

use oncall_lint_core::options::{ReleaseSpec, Selection};
use std::time::Duration;

use exe::{Finding, Run, TempDir, concise_findings, oncall_lint, position_inside};
use oncall_lint_core::yaml::Limits;

const MIB: u64 = 1 << 20;

/// Address-space cap for small inputs: alias bombs and deep nesting must stay far below it.
const SMALL_MEMORY: u64 = 512 * MIB;

/// The deepest collection nesting the linter accepts.
fn max_depth() -> usize {
    Limits::default().max_depth
}

struct Outcome {
    run: Run,
    findings: Vec<Finding>,
}

/// Lints `bytes` saved as `name` with the default bounds.
fn lint(name: &str, bytes: impl AsRef<[u8]>) -> Outcome {
    lint_within(name, bytes.as_ref(), Duration::from_secs(30), SMALL_MEMORY)
}

/// Lints `bytes` saved as `name`, in concise and in text format, and checks everything a
/// clean diagnostic needs whatever the input.
fn lint_within(name: &str, bytes: &[u8], timeout: Duration, memory: u64) -> Outcome {
    let dir = TempDir::new("hostile");
    let path = dir.write(name, bytes);
    let shown = path.display().to_string();
    let run = oncall_lint(["--format".as_ref(), "concise".as_ref(), path.as_os_str()])
        .timeout(timeout)
        .memory_limit(memory)
        .run();
    run.assert_sane();
    eprintln!("{name}: {:?} (concise)", run.elapsed);
    assert_ne!(
        run.code(),
        Some(2),
        "{name}: a readable file is linted (0 or 1), never a failure to run\nstderr:\n{}",
        run.stderr
    );
    let findings = concise_findings(&run);
    let decoded = String::from_utf8_lossy(bytes);
    let text = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
    for f in &findings {
        assert_eq!(f.path, shown, "{name}: finding names another file: {f:?}");
        assert!(
            position_inside(text, f.line, f.column),
            "{name}: {}:{} is not inside the file: {f:?}",
            f.line,
            f.column
        );
    }
    assert_eq!(
        run.code() == Some(1),
        !findings.is_empty(),
        "{name}: exit 1 exactly when there are findings; exit {:?}, findings {findings:?}",
        run.code()
    );

    let text_run = oncall_lint(["--color".as_ref(), "never".as_ref(), path.as_os_str()])
        .timeout(timeout)
        .memory_limit(memory)
        .run();
    text_run.assert_sane();
    eprintln!("{name}: {:?} (text)", text_run.elapsed);
    assert_eq!(
        text_run.code(),
        run.code(),
        "{name}: the exit code never depends on the format"
    );
    assert!(
        !text_run.stdout_bytes.contains(&0x1b) && !text_run.stderr.contains('\u{1b}'),
        "{name}: terminal control bytes in the text output"
    );
    let out = text_run.stdout();
    for f in &findings {
        let at = format!("{}:{}:{}", f.path, f.line, f.column);
        assert!(
            out.contains(&at) && out.contains(&f.code),
            "{name}: text output does not show {at} {}:\n{out}",
            f.code
        );
    }
    Outcome { run, findings }
}

/// The file was refused as YAML: exit 1 and exactly one OC094 error, nothing else linted.
fn assert_unparsable(name: &str, outcome: &Outcome) -> Finding {
    outcome.run.assert_code(1);
    assert_eq!(
        outcome.findings.len(),
        1,
        "{name}: expected exactly one OC094 finding, got {:?}",
        outcome.findings
    );
    let f = outcome.findings[0].clone();
    assert_eq!(
        (f.code.as_str(), f.severity.as_str()),
        ("OC094", "error"),
        "{name}: {f:?}"
    );
    f
}

/// Linted, nothing found.
fn assert_clean(name: &str, outcome: &Outcome) {
    outcome.run.assert_code(0);
    assert!(
        outcome.findings.is_empty(),
        "{name}: {:?}",
        outcome.findings
    );
}

/// Marsaglia's xorshift64: deterministic junk without a rand crate.
fn xorshift_bytes(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

#[test]
fn empty_file() {
    assert_clean("empty.yaml", &lint("empty.yaml", ""));
}

#[test]
fn only_comments() {
    let text = "# values for prod\n#\n   # grafana:\n#   enabled: false\n# end\n";
    assert_clean("comments.yaml", &lint("comments.yaml", text));
}

#[test]
fn a_megabyte_of_binary_junk() {
    let bytes = xorshift_bytes(1 << 20, 0x9E37_79B9_7F4A_7C15);
    let f = assert_unparsable("junk.bin", &lint("junk.yaml", &bytes));
    assert!(
        f.message.contains("binary") || f.message.contains("UTF-8"),
        "{f:?}"
    );
}

#[test]
fn binary_junk_without_nul_bytes() {
    let bytes: Vec<u8> = xorshift_bytes(1 << 16, 42)
        .into_iter()
        .map(|b| b.max(1))
        .collect();
    assert_unparsable("junk.yaml", &lint("junk.yaml", &bytes));
}

#[test]
fn invalid_utf8_is_reported_where_it_starts() {
    let f = assert_unparsable(
        "latin1.yaml",
        &lint("latin1.yaml", b"a: 1\nb: caf\xE9 \xC3\x28\n"),
    );
    assert_eq!((f.line, f.column), (2, 7), "{f:?}");
    assert!(f.message.contains("UTF-8"), "{f:?}");
}

#[test]
fn utf16_with_a_bom() {
    let text = "grafana:\n  enabled: false\nexternalGrafana:\n  url: grafana\n";
    for (name, little) in [("utf16le.yaml", true), ("utf16be.yaml", false)] {
        let f = assert_unparsable(name, &lint(name, utf16(text, little)));
        assert_eq!((f.line, f.column), (1, 1), "{f:?}");
        assert!(f.message.contains("UTF-16"), "{f:?}");
    }
}

#[test]
fn a_hundred_thousand_open_brackets() {
    let f = assert_unparsable("brackets.yaml", &lint("brackets.yaml", "[".repeat(100_000)));
    assert_eq!((f.line, f.column), (1, max_depth() + 1), "{f:?}");
}

#[test]
fn five_thousand_nested_block_mappings() {
    let mut text = String::new();
    for depth in 0..5_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("k:\n");
    }
    let f = assert_unparsable("nested.yaml", &lint("nested.yaml", &text));
    // the key one level too deep
    let too_deep = max_depth() + 1;
    assert_eq!((f.line, f.column), (too_deep, too_deep), "{f:?}");
}

#[test]
fn flow_nesting_at_the_limit_parses() {
    // under a key, as a values file's top level is a map (a list is Helm's error, OC094):
    // the map is one level, the lists the rest
    let depth = max_depth() - 1;
    let text = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    assert_clean("at-limit.yaml", &lint("at-limit.yaml", text));
}

#[test]
fn flow_nesting_one_over_the_limit_is_reported_at_the_bracket() {
    let depth = max_depth() + 1;
    let text = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
    let f = assert_unparsable("over-limit.yaml", &lint("over-limit.yaml", text));
    assert_eq!((f.line, f.column), (1, depth), "{f:?}");
}

#[test]
fn billion_laughs() {
    let mut text = String::from("lol: &a0 lol\n");
    for level in 1..=9 {
        let aliases = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
    }
    // 9^9 = 387,420,489 strings if expanded
    let f = assert_unparsable("laughs.yaml", &lint("laughs.yaml", &text));
    assert!(f.message.contains("alias"), "{f:?}");
}

#[test]
fn an_anchor_that_refers_to_itself() {
    let f = assert_unparsable("self.yaml", &lint("self.yaml", "a: &a [*a]\n"));
    assert!(
        f.message.contains("alias") || f.message.contains("anchor"),
        "{f:?}"
    );
}

#[test]
fn a_helm_template_is_not_a_values_file() {
    let template = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "oncall.fullname" . }}-config
  labels:
    {{- include "oncall.labels" . | nindent 4 }}
data:
  url: {{ .Values.externalGrafana.url | quote }}
{{- if .Values.extra }}
  extra: "yes"
{{- end }}
"#;
    assert_unparsable("configmap.yaml", &lint("configmap.yaml", template));
}

/// `a: {{ .Values.x }}` is valid YAML (a flow map used as a key), but Helm cannot load it
/// (go-yaml v2: "invalid map key"), so it is an OC094 that names the likely cause.
#[test]
fn a_one_line_template_expression() {
    let f = assert_unparsable(
        "one-line.yaml",
        &lint("one-line.yaml", "a: {{ .Values.x }}\n"),
    );
    assert!(
        f.message.contains("invalid map key") && f.message.contains("template"),
        "{f:?}"
    );
    assert_eq!((f.line, f.column), (1, 5), "{f:?}");
}

#[test]
fn two_hundred_thousand_tiny_documents() {
    let text = "---\na: 1\n".repeat(200_000);
    let outcome = lint("documents.yaml", &text);
    if outcome.findings.is_empty() {
        // every document linted: fine too, as long as it was quick and clean
        assert_clean("documents.yaml", &outcome);
        return;
    }
    let f = assert_unparsable("documents.yaml", &outcome);
    assert!(f.message.contains("documents"), "{f:?}");
    // reported where the first document over the limit starts: a `---` line
    assert_eq!(f.column, 1, "{f:?}");
    assert_eq!(f.line % 2, 1, "{f:?} is not a `---` line");
}

#[test]
fn twenty_megabytes_of_valid_values() {
    let mut text = String::from(
        "# a deliberately huge but valid values file\n\
         base_url: oncall.example.com\n\
         grafana:\n  enabled: false\n\
         externalGrafana:\n  url: http://grafana.monitoring.svc.cluster.local:3000\n\
         extraObjects:\n",
    );
    let mut i = 0;
    while text.len() < 20 * MIB as usize {
        text.push_str(&format!(
            "  # object {i}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      \
             name: generated-{i}\n      labels:\n        app.kubernetes.io/name: generated\n        \
             app.kubernetes.io/instance: \"instance-{i}\"\n    data:\n      settings.ini: |\n        \
             [section]\n        key = value {i}\n      flags: 'a,b,c,{i}'\n      \
             list: [1, 2.5, yes, ~, {{k: v}}]\n"
        ));
        i += 1;
    }
    let outcome = lint_within(
        "big-values.yaml",
        text.as_bytes(),
        Duration::from_secs(120),
        2048 * MIB,
    );
    assert!(
        outcome.findings.iter().all(|f| f.code != "OC094"),
        "a valid file was refused: {:?}",
        outcome.findings
    );
}

#[test]
fn terminal_control_characters_never_reach_the_terminal() {
    // an ESC sequence in a broken file: the snippet shown must not replay it
    let text = "grafana:\n  enabled: \u{1b}[2J\u{1b}]0;pwned\u{7}\n  extra: [\n";
    let f = assert_unparsable("escape.yaml", &lint("escape.yaml", text));
    assert_eq!(f.line, 2, "{f:?}");
    // and in a value quoted into a message
    let text = "grafana:\n  enabled: false\nexternalGrafana:\n  url: \"\\e[31mgrafana\\x9b\"\n";
    lint("escape-value.yaml", text);
}

#[test]
fn a_lone_carriage_return_breaks_lines_as_in_yaml() {
    // old Mac line ends: the parser and every output count lines the same way
    let f = assert_unparsable("cr.yaml", &lint("cr.yaml", "a: 1\rb: [1,\r"));
    assert_eq!((f.line, f.column), (2, 4), "{f:?}");
}

/// A valid values file of `size` bytes: a few settings, then ConfigMaps under `extraObjects`.
fn big_values(size: usize) -> String {
    let mut text = String::from(
        "# a deliberately huge but valid values file\nbase_url: oncall.example.com\nextraObjects:\n",
    );
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!(
            "  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: generated-{i}\n    \
             data:\n      settings.ini: |\n        [section]\n        key = value {i}\n"
        ));
        i += 1;
    }
    text
}

#[test]
fn sixty_megabytes_are_refused_over_the_default_limit_without_being_read() {
    let text = big_values(60 * MIB as usize);
    let outcome = lint_within(
        "sixty.yaml",
        text.as_bytes(),
        Duration::from_secs(30),
        // the file is never read whole: far less than its size
        256 * MIB,
    );
    let f = assert_unparsable("sixty.yaml", &outcome);
    assert!(
        f.message.contains("60.0 MiB") && f.message.contains("--max-file-size"),
        "{f:?}"
    );
}

#[test]
fn sixty_megabytes_are_linted_in_bounded_memory_when_the_limit_allows() {
    let text = big_values(60 * MIB as usize);
    let dir = TempDir::new("hostile");
    let path = dir.write("sixty.yaml", text.as_bytes());
    let run = oncall_lint([
        "--max-file-size".as_ref(),
        "64MiB".as_ref(),
        "--format".as_ref(),
        "concise".as_ref(),
        path.as_os_str(),
    ])
    .timeout(Duration::from_secs(300))
    .memory_limit(3072 * MIB)
    .run();
    run.assert_sane();
    eprintln!("sixty.yaml: {:?}", run.elapsed);
    assert!(
        matches!(run.code(), Some(0 | 1)),
        "a valid file over the default limit is linted when the limit is raised: {:?}\n{}",
        run.code(),
        run.stderr
    );
    assert!(
        concise_findings(&run).iter().all(|f| f.code != "OC094"),
        "a valid file was refused"
    );
}

/// Found by the `lint` fuzz target: embedded provisioning in a block scalar that ends the
/// file without a line break. The end of its last line mapped one byte past the file, and
/// building a fix there panicked.
#[test]
fn embedded_provisioning_at_the_end_of_the_file_without_a_line_break() {
    let text = "grafana:\n  extraObjects:\n    - apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: oncall-provisioning\n      data:\n        provisioning.yaml: |\n          apps:\n            - type: grafana-oncall-app\n              jsonData:\n                stackId: 5\n                orgId: 1";
    let outcome = lint("no-final-newline.yaml", text);
    outcome.run.assert_code(1);
    assert!(
        outcome.findings.iter().any(|f| f.code == "OC001"),
        "{:?}",
        outcome.findings
    );
    // the input the fuzzer saved, linted as the target lints it (air-gapped, namespaces),
    // every fix inside the file
    let crash = "# val          le\n\nalertmanagerBridge:\n  enabled: true\n  replicas: 1\n\nonceplicana:\n    extraObjects:\n      - apiVersion: v1\n        kind: ConfigMap\n        metadata:\n          name: alerting-oncall-plugin-provisioning\n        data:\n          grafana-oncall-app-pbovisioning.yaml: |\n            apiVersion: 1\n            apps:\n              - type: grafana-oncall-app\n                org_id: 1\n                jsonData:\n                  stackId: 6\n                  orgId: 1\n                  onCallApiUrl: http:/#/alerting";
    let options = oncall_lint_core::LintOptions {
        release: ReleaseSpec {
            namespace: Some("oncall".into()),
            grafana_namespace: Some("monitoring".into()),
            ..ReleaseSpec::default()
        },
        selection: Selection {
            profiles: vec![oncall_lint_core::Profile::AirGapped],
            ..Selection::default()
        },
        ..Default::default()
    };
    let report = oncall_lint_core::lint_bytes("crash.yaml", crash.as_bytes().to_vec(), &options);
    assert!(!report.diagnostics.is_empty());
    for edit in report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| &f.edits)
    {
        assert!(edit.range.end <= crash.len(), "{edit:?}");
    }
}
