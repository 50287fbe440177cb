//! The machine-readable formats: json, sarif, github, junit and gitlab. Each is rendered
//! from real lint results and from hand-built findings (a fix, related places, text that
//! needs escaping), snapshotted, and parsed back to check what consumers rely on.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use oncall_lint_core::diagnostic::Related;
use oncall_lint_core::path::KeyPath;
use oncall_lint_core::report::{github, gitlab, json, junit, sarif};
use oncall_lint_core::source::SourceFile;
use oncall_lint_core::{
    Applicability, Diagnostic, Edit, Fix, LintOptions, Location, Severity, lint_bytes,
};
use oncall_lint_core::{RuleCode, RuleId};
use serde_json::Value;

/// Findings from two rules (OC030, OC010).
const SEVERAL_RULES: &str =
    "grafana:\n  extraVolumes: []\n  grafana.ini:\n    feature_toggles:\n      enable: [a, b]\n";

/// A finding on a line with characters outside ASCII (and outside the BMP) before it, after
/// a line of them.
const NON_ASCII: &str = "# Überwachung für 🎉 OnCall\ngrafana:\n  grafana.ini:\n    feature_toggles: {\"é🎉\": true, enable: [a, b]}\n";

/// Lints as release `helm-testing`, the one name the oncall chart's own plugin provisioning
/// is right for: without a name OC004 warns about it in `NON_ASCII`, and these tests are
/// about the findings above.
fn lint(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut options = LintOptions::default();
    options.release.release_name = Some("helm-testing".into());
    lint_bytes(path, text.as_bytes().to_vec(), &options).diagnostics
}

/// What the CLI would report for the two files above, sorted as it sorts.
fn linted() -> Vec<Diagnostic> {
    let mut diagnostics = lint("deploy/values.yaml", SEVERAL_RULES);
    diagnostics.extend(lint("deploy/non-ascii.yaml", NON_ASCII));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
}

const HAND_TEXT: &str = "# häufig 🎉\ngrafana:\n  plugins:\n    - grafana-oncall-app\n  grafana.ini:\n    feature_toggles:\n      enable: \"a,b\"\n";

fn hand_file() -> Arc<SourceFile> {
    Arc::new(SourceFile::new("./deploy\\hand.yaml", HAND_TEXT))
}

/// The location of the first `needle` in `file`.
fn at(file: &Arc<SourceFile>, needle: &str, key_path: &str) -> Location {
    let start = file.text().find(needle).expect("needle is in the file");
    Location {
        file: file.clone(),
        span: start..start + needle.len(),
        key_path: KeyPath::parse(key_path).unwrap(),
    }
}

fn diagnostic(
    code: &str,
    name: &str,
    severity: Severity,
    message: &str,
    primary: Location,
) -> Diagnostic {
    Diagnostic {
        // a made-up name (escaping tests) makes it a rule of its own
        rule: RuleCode::find(code)
            .filter(|c| c.name() == name)
            .map_or_else(
                || RuleId::Custom {
                    code: code.into(),
                    name: name.into(),
                },
                RuleId::Builtin,
            ),
        severity,
        message: message.to_owned(),
        primary,
        label: None,
        related: Vec::new(),
        help: None,
        fix: None,
    }
}

fn make_fix(title: &str, applicability: Applicability, edits: Vec<Edit>) -> Fix {
    Fix {
        title: title.to_owned(),
        applicability,
        edits,
        targets: Vec::new(),
    }
}

const ENABLE_PATH: &str = "grafana.\"grafana.ini\".feature_toggles.enable";

/// Hand-built findings: every severity, a fix with two edits, a related place, a multi-line
/// span, text that needs escaping everywhere, two findings with the same rule, file and key
/// path, a `--set` pseudo-file, and a rule that is not built in.
fn hand_built() -> Vec<Diagnostic> {
    let file = hand_file();
    let value = at(&file, "\"a,b\"", ENABLE_PATH);
    let mut first = diagnostic(
        "OC010",
        "external-service-accounts",
        Severity::Error,
        "`enable` is \"a,b\": 100% of toggles, but not `externalServiceAccounts`\nsecond line <&>",
        value.clone(),
    );
    first.label = Some("needs `externalServiceAccounts`, too".into());
    first.help = Some("append it: `enable: \"a,b,externalServiceAccounts\"`\nthen redeploy".into());
    first.related.push(Related {
        location: at(&file, "grafana-oncall-app", "grafana.plugins[0]"),
        message: "the plugin, installed here".into(),
    });
    let end = file.text().len();
    first.fix = Some(make_fix(
        "append `externalServiceAccounts` to `enable`",
        Applicability::Safe,
        vec![
            Edit {
                file: file.clone(),
                range: value.span.clone(),
                replacement: "\"a,b,externalServiceAccounts\"".into(),
            },
            Edit {
                file: file.clone(),
                range: end..end,
                replacement: "# fixed\n".into(),
            },
        ],
    ));

    let plugins = "plugins:\n    - grafana-oncall-app\n";
    let mut multi_line = diagnostic(
        "OC040",
        "airgap-plugin-download",
        Severity::Warning,
        "`grafana.plugins` downloads from grafana.com",
        at(&file, plugins, "grafana.plugins"),
    );
    multi_line.help = Some("install the plugin another way".into());

    let info = |message: &str| {
        diagnostic(
            "OC001",
            "plugin-org-id",
            Severity::Info,
            message,
            at(&file, "enable", ENABLE_PATH),
        )
    };

    let set_file = Arc::new(SourceFile::new("<--set>", "--set grafana.enabled=false\n"));
    let set = diagnostic(
        "OC006",
        "external-grafana-url",
        Severity::Error,
        "`externalGrafana.url` is not set",
        Location {
            span: 6..27,
            file: set_file,
            key_path: KeyPath::of(&["grafana", "enabled"]),
        },
    );
    let custom = diagnostic(
        "XX001",
        "custom-rule",
        Severity::Warning,
        "a finding of a rule from the user's config",
        at(&file, "grafana:", "grafana"),
    );
    vec![
        first,
        multi_line,
        info("first of two findings at one key path"),
        info("second of two findings at one key path"),
        set,
        custom,
    ]
}

/// Replaces the tool's version, which changes with every release, in snapshots.
fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    let version = env!("CARGO_PKG_VERSION").replace('.', r"\.");
    settings.add_filter(
        &format!(r#""(version|semanticVersion)": "{version}""#),
        r#""$1": "[VERSION]""#,
    );
    settings
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the output is JSON")
}

// ---------------------------------------------------------------------------------------
// json

#[test]
fn json_output() {
    let diagnostics = linted();
    let text = json::render(&diagnostics, 2);
    snapshot_settings().bind(|| insta::assert_snapshot!("json_linted", text));
    let doc = parse(&text);
    assert_eq!(doc["tool"], "oncall-lint");
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["schema_version"], 1);
    let items = doc["diagnostics"].as_array().unwrap();
    assert_eq!(items.len(), diagnostics.len());
    let codes: HashSet<&str> = items.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains("OC010") && codes.contains("OC030"),
        "{codes:?}"
    );
    for (item, d) in items.iter().zip(&diagnostics) {
        assert_eq!(item["file"], d.primary.file.path());
        assert_eq!(item["key_path"], d.primary.key_path.to_string());
        assert_eq!(item["start"]["line"], d.primary.start().line);
        assert_eq!(item["start"]["column"], d.primary.start().column);
        assert_eq!(item["end"]["column"], d.primary.end().column);
        assert_eq!(item["severity"], d.severity.as_str());
    }
    // columns count characters: after `    feature_toggles: {"é🎉` (25 characters)
    let non_ascii = items
        .iter()
        .find(|d| d["file"] == "deploy/non-ascii.yaml" && d["code"] == "OC010")
        .unwrap();
    assert_eq!(
        non_ascii["start"],
        serde_json::json!({"line": 4, "column": 43})
    );
    assert_eq!(
        non_ascii["end"],
        serde_json::json!({"line": 4, "column": 49})
    );
    // applying a fix by its byte offsets resolves the finding
    for item in items.iter().filter(|item| !item["fix"].is_null()) {
        let file = item["file"].as_str().unwrap();
        let text = if file == "deploy/values.yaml" {
            SEVERAL_RULES
        } else {
            NON_ASCII
        };
        let fixed = apply_edits(text, &item["fix"]["edits"]);
        let still_there = lint(file, &fixed).iter().any(|d| {
            d.code() == item["code"].as_str().unwrap()
                && d.primary.key_path.to_string() == item["key_path"].as_str().unwrap()
        });
        assert!(
            !still_there,
            "the fix of {} did not resolve it:\n{fixed}",
            item["code"]
        );
    }
    let summary = &doc["summary"];
    let count = |severity: Severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    assert_eq!(summary["errors"], count(Severity::Error));
    assert_eq!(summary["warnings"], count(Severity::Warning));
    assert_eq!(summary["infos"], count(Severity::Info));
    // the OC055 on the `é🎉` toggle
    assert_eq!(count(Severity::Warning), 1);
    assert_eq!(summary["files"], 2);
}

#[test]
fn json_hand_built_fix_applies_by_offsets() {
    let diagnostics = hand_built();
    let text = json::render(&diagnostics, 2);
    snapshot_settings().bind(|| insta::assert_snapshot!("json_hand_built", text));
    let doc = parse(&text);
    let first = &doc["diagnostics"][0];
    assert_eq!(first["message"], diagnostics[0].message.as_str());
    assert_eq!(first["label"], "needs `externalServiceAccounts`, too");
    assert_eq!(first["related"][0]["key_path"], "grafana.plugins[0]");
    assert_eq!(first["related"][0]["start"]["line"], 4);
    assert_eq!(first["fix"]["applicability"], "safe");
    let fixed = apply_edits(HAND_TEXT, &first["fix"]["edits"]);
    assert!(fixed.ends_with("enable: \"a,b,externalServiceAccounts\"\n# fixed\n"));
    assert_eq!(doc["diagnostics"][1]["fix"], Value::Null);
    assert_eq!(doc["diagnostics"][1]["label"], Value::Null);
    assert_eq!(doc["summary"]["errors"], 2);
    assert_eq!(doc["summary"]["warnings"], 2);
    assert_eq!(doc["summary"]["infos"], 2);
}

/// Applies JSON edits back to front by their byte offsets.
fn apply_edits(text: &str, edits: &Value) -> String {
    let mut edits: Vec<&Value> = edits.as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start_offset"].as_u64()));
    let mut fixed = text.to_owned();
    for edit in edits {
        let start = edit["start_offset"].as_u64().unwrap() as usize;
        let end = edit["end_offset"].as_u64().unwrap() as usize;
        fixed.replace_range(start..end, edit["replacement"].as_str().unwrap());
    }
    fixed
}

#[test]
fn json_clean_run() {
    let doc = parse(&json::render(&[], 3));
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 0, "warnings": 0, "infos": 0, "files": 3, "skipped": 0})
    );
}

/// Every field of the JSON output is documented.
#[test]
fn json_fields_are_documented() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json-output.md"))
            .expect("docs/json-output.md exists");
    let doc = parse(&json::render(&hand_built(), 1));
    let mut fields = HashSet::new();
    collect_keys(&doc, &mut fields);
    for field in fields {
        assert!(
            docs.contains(&format!("`{field}`")),
            "docs/json-output.md does not document `{field}`"
        );
    }
}

fn collect_keys(value: &Value, out: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                out.insert(key.clone());
                collect_keys(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// sarif

/// The SARIF log without the rule descriptors (checked on their own) and with `ruleIndex`
/// (which moves when rules are added) replaced, for snapshots.
fn sarif_for_snapshot(doc: &Value) -> String {
    let mut doc = doc.clone();
    let driver = &mut doc["runs"][0]["tool"]["driver"];
    driver["rules"] = Value::String("[rule descriptors]".into());
    for result in doc["runs"][0]["results"].as_array_mut().unwrap() {
        result["ruleIndex"] = Value::String("[index]".into());
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

/// What a SARIF consumer relies on, checked without the schema.
fn assert_sarif_structure(doc: &Value, diagnostics: &[Diagnostic]) {
    assert_eq!(doc["version"], "2.1.0");
    assert!(
        doc["$schema"]
            .as_str()
            .unwrap()
            .ends_with("sarif-schema-2.1.0.json")
    );
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "oncall-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let descriptors = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = descriptors
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        ids.iter().collect::<HashSet<_>>().len(),
        "rule ids are unique"
    );
    for rule in RuleCode::ALL {
        let descriptor = descriptors
            .iter()
            .find(|d| d["id"] == rule.as_str())
            .unwrap_or_else(|| panic!("{rule} has a descriptor"));
        assert_eq!(descriptor["name"], rule.name());
        assert_eq!(
            descriptor["shortDescription"]["text"],
            rule.meta().summary.trim()
        );
        assert_eq!(descriptor["help"]["text"], rule.meta().explain());
        assert_eq!(descriptor["help"]["markdown"], rule.meta().explain());
        assert_eq!(descriptor["fullDescription"]["text"], rule.meta().explain());
        let level = match rule.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(descriptor["defaultConfiguration"]["level"], level);
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    let mut fingerprints = HashSet::new();
    for (result, d) in results.iter().zip(diagnostics) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(descriptors[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], d.code());
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        assert_eq!(result["level"], level);
        assert_eq!(result["message"]["text"], d.message.as_str());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains('\\') && !uri.starts_with("./"), "{uri}");
        let region = &physical["region"];
        let start = (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
        );
        let end = (
            region["endLine"].as_u64().unwrap(),
            region["endColumn"].as_u64().unwrap(),
        );
        assert!(start.0 >= 1 && start.1 >= 1, "1-based: {region}");
        assert!(start <= end, "{region}");
        assert_eq!(start.0 as usize, d.primary.start().line);
        let fingerprint = result["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 16);
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(
            fingerprints.insert(fingerprint.to_owned()),
            "fingerprints are unique"
        );
        let related = result["relatedLocations"].as_array().map_or(0, Vec::len);
        assert_eq!(related, d.related.len());
        assert_eq!(result.get("fixes").is_some(), d.fix.is_some());
    }
}

/// Validates against the official schema with `shared/tools/check-sarif` when it is there
/// (beside the clone, as in CI); the structural checks above run either way.
fn check_with_official_schema(name: &str, text: &str) {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/check-sarif");
    if !tool.exists() {
        eprintln!("{} not found: skipping schema validation", tool.display());
        return;
    }
    let path = temp_path(name);
    std::fs::write(&path, text).unwrap();
    let output = Command::new(&tool)
        .arg(&path)
        .output()
        .expect("check-sarif runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "SARIF is not valid:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("oncall-lint-{}-{name}", std::process::id()))
}

#[test]
fn sarif_output() {
    let diagnostics = linted();
    let text = sarif::render(&diagnostics);
    let doc = parse(&text);
    assert_sarif_structure(&doc, &diagnostics);
    snapshot_settings().bind(|| insta::assert_snapshot!("sarif_linted", sarif_for_snapshot(&doc)));
    // OC010's finding after `é🎉` on a non-ASCII line: UTF-16 columns (🎉 is two code units)
    let result = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "deploy/non-ascii.yaml"
                && r["ruleId"] == "OC010"
        })
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        *region,
        serde_json::json!({"startLine": 4, "startColumn": 44, "endLine": 4, "endColumn": 50})
    );
    check_with_official_schema("linted.sarif", &text);
}

#[test]
fn sarif_hand_built() {
    let diagnostics = hand_built();
    let text = sarif::render(&diagnostics);
    let doc = parse(&text);
    assert_sarif_structure(&doc, &diagnostics);
    snapshot_settings()
        .bind(|| insta::assert_snapshot!("sarif_hand_built", sarif_for_snapshot(&doc)));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let first = &results[0];
    assert_eq!(
        first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy/hand.yaml"
    );
    assert_eq!(
        first["locations"][0]["message"]["text"],
        "needs `externalServiceAccounts`, too"
    );
    assert_eq!(
        first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        ENABLE_PATH
    );
    assert_eq!(
        first["relatedLocations"][0]["message"]["text"],
        "the plugin, installed here"
    );
    let change = &first["fixes"][0]["artifactChanges"][0];
    assert_eq!(
        first["fixes"][0]["artifactChanges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(change["artifactLocation"]["uri"], "deploy/hand.yaml");
    let replacements = change["replacements"].as_array().unwrap();
    assert_eq!(replacements.len(), 2);
    assert_eq!(
        replacements[0]["deletedRegion"],
        serde_json::json!({"startLine": 7, "startColumn": 15, "endLine": 7, "endColumn": 20})
    );
    assert_eq!(
        replacements[0]["insertedContent"]["text"],
        "\"a,b,externalServiceAccounts\""
    );
    // an insertion at the end of the file: an empty region after the last line break
    assert_eq!(
        replacements[1]["deletedRegion"],
        serde_json::json!({"startLine": 8, "startColumn": 1, "endLine": 8, "endColumn": 1})
    );
    // the pseudo-file is percent-encoded into a valid relative reference
    assert_eq!(
        results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "%3C--set%3E"
    );
    // a rule that is not built in gets its own descriptor
    let descriptors = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = results[5]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(descriptors[index]["id"], "XX001");
    assert_eq!(index, RuleCode::ALL.len());
    check_with_official_schema("hand-built.sarif", &text);
}

#[test]
fn sarif_clean_run_is_valid() {
    let text = sarif::render(&[]);
    let doc = parse(&text);
    assert_sarif_structure(&doc, &[]);
    assert_eq!(doc["runs"][0]["results"], serde_json::json!([]));
    check_with_official_schema("clean.sarif", &text);
}

/// Fingerprints depend on rule, file and key path, not on where the key is: lines added
/// above a finding move it but keep its fingerprint.
#[test]
fn fingerprints_ignore_line_numbers() {
    let before = lint("deploy/values.yaml", SEVERAL_RULES);
    let moved = format!("# a comment\n# and another\n{SEVERAL_RULES}");
    let after = lint("deploy/values.yaml", &moved);
    assert_eq!(before.len(), after.len());
    let fingerprints = |ds: &[Diagnostic]| {
        let doc = parse(&sarif::render(ds));
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"][sarif::FINGERPRINT_KEY].clone(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (fingerprints(&before), fingerprints(&after));
    for ((fa, la), (fb, lb)) in a.iter().zip(&b) {
        assert_eq!(fa, fb);
        assert_eq!(la.as_u64().unwrap() + 2, lb.as_u64().unwrap());
    }
    // another file, another fingerprint
    let other = fingerprints(&lint("deploy/other.yaml", SEVERAL_RULES));
    assert_ne!(a[0].0, other[0].0);
    // the recipe: FNV-1a 64 of `code \0 file \0 key_path`
    assert_eq!(
        sarif::fingerprint("OC001", "a.yaml", "k"),
        format!("{:016x}", fnv1a(b"OC001\0a.yaml\0k"))
    );
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

// ---------------------------------------------------------------------------------------
// github

#[test]
fn github_output() {
    let linted = github::render(&linted());
    let hand = github::render(&hand_built());
    insta::assert_snapshot!("github_linted", linted);
    insta::assert_snapshot!("github_hand_built", hand);
    for line in linted.lines().chain(hand.lines()) {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        let (_, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(!message.contains('\n') && !message.contains('\r'));
    }
    let lines: Vec<&str> = hand.lines().collect();
    // errors first, then warnings, then notices, otherwise in the order given
    let kinds: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "::error",
            "::error",
            "::warning",
            "::warning",
            "::notice",
            "::notice"
        ]
    );
    // the hand-built error: single-line span with col/endColumn, escaped message and help
    assert_eq!(
        lines[0],
        "::error file=deploy/hand.yaml,line=7,col=15,endLine=7,endColumn=20,title=OC010 external-service-accounts::\
         `enable` is \"a,b\": 100%25 of toggles, but not `externalServiceAccounts`%0Asecond line <&>\
         %0Ahelp: append it: `enable: \"a,b,externalServiceAccounts\"`%0Athen redeploy"
    );
    // the `--set` pseudo-file is not a repository file: no file or line
    assert_eq!(
        lines[1],
        "::error title=OC006 external-grafana-url::`externalGrafana.url` is not set"
    );
    // multi-line span (ending with its line break): lines only, no columns
    assert_eq!(
        lines[2],
        "::warning file=deploy/hand.yaml,line=3,endLine=4,title=OC040 airgap-plugin-download::\
         `grafana.plugins` downloads from grafana.com%0Ahelp: install the plugin another way"
    );
}

#[test]
fn github_escapes_properties_and_data() {
    let file = Arc::new(SourceFile::new("deploy/eu,west:1.yaml", "a: 1\n"));
    let mut d = diagnostic(
        "OC001",
        "odd:name,with commas",
        Severity::Info,
        "100% of\r\nit: a, b\n",
        Location {
            file,
            span: 3..4,
            key_path: KeyPath::of(&["a"]),
        },
    );
    d.help = Some("50%\u{1b}[31m red".into());
    assert_eq!(
        github::render(std::slice::from_ref(&d)),
        "::notice file=deploy/eu%2Cwest%3A1.yaml,line=1,col=4,endLine=1,endColumn=5,\
         title=OC001 odd%3Aname%2Cwith commas::100%25 of%0D%0Ait: a, b%0A%0Ahelp: 50%25\u{fffd}[31m red\n"
    );
    // the summary table neither breaks on the line breaks nor passes the escape through
    d.message.push_str("\u{1b}[0m");
    let summary = github::summary(&[d], 1);
    assert!(
        summary.contains("| 100% of<br>it: a, b<br>\u{fffd}[0m |"),
        "{summary}"
    );
    assert!(!summary.contains('\u{1b}'));
    assert_eq!(github::escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
    assert_eq!(
        github::escape_property("a%b\r\nc:d,e"),
        "a%25b%0D%0Ac%3Ad%2Ce"
    );
}

#[test]
fn github_step_summary() {
    let summary = github::summary(&hand_built(), 2);
    insta::assert_snapshot!("github_summary", summary);
    let rows: Vec<&str> = summary.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        rows.len(),
        1 + hand_built().len(),
        "header and one row per finding"
    );
    for row in &rows {
        // every row has the header's four cells: unescaped pipes would add more
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 5, "{row}");
    }
    assert!(rows[1].contains("`deploy/hand.yaml:7:15`"), "{}", rows[1]);
    assert!(rows[1].contains("second line &lt;&amp;&gt;"), "{}", rows[1]);
    assert_eq!(
        github::summary(&[], 3),
        "## oncall-lint\n\nNo problems found in 3 files.\n"
    );
}

// ---------------------------------------------------------------------------------------
// junit

#[test]
fn junit_output() {
    let diagnostics = linted();
    let text = junit::render(&diagnostics, 2);
    insta::assert_snapshot!("junit_linted", text);
    let root = xml::parse(&text).expect("well-formed XML");
    assert_eq!(root.name, "testsuites");
    assert_eq!(
        root.attr("tests"),
        Some(diagnostics.len().to_string().as_str())
    );
    assert_eq!(root.attr("failures"), root.attr("tests"));
    let suites: Vec<&str> = root
        .children
        .iter()
        .map(|s| s.attr("name").unwrap())
        .collect();
    assert_eq!(suites, ["deploy/non-ascii.yaml", "deploy/values.yaml"]);
    let cases: Vec<&xml::Element> = root.children.iter().flat_map(|s| &s.children).collect();
    assert_eq!(cases.len(), diagnostics.len());
    for (case, d) in cases.iter().zip(&diagnostics) {
        assert_eq!(case.name, "testcase");
        let failure = &case.children[0];
        assert_eq!(failure.name, "failure");
        assert_eq!(failure.attr("type"), Some(d.code()));
        assert_eq!(failure.attr("message"), Some(d.message.as_str()));
        assert_eq!(
            case.attr("line"),
            Some(d.primary.start().line.to_string().as_str())
        );
    }
}

#[test]
fn junit_escapes_everything() {
    let mut diagnostics = hand_built();
    diagnostics[0].message.push_str(" 'quoted' \u{1} \t tab");
    let text = junit::render(&diagnostics, 2);
    insta::assert_snapshot!("junit_hand_built", text);
    let root = xml::parse(&text).expect("well-formed XML");
    let failure = &root.children[0].children[0].children[0];
    // attribute values keep their line breaks and tabs; a control character XML cannot
    // hold becomes U+FFFD
    let expected = diagnostics[0].message.replace('\u{1}', "\u{fffd}");
    assert_eq!(failure.attr("message"), Some(expected.as_str()));
    assert!(failure.text.contains("help: append it"), "{}", failure.text);
    assert!(
        failure
            .text
            .contains("the plugin, installed here: deploy/hand.yaml:4:7")
    );
    assert!(failure.text.contains("fix (safe): append"));
    let suites: Vec<&str> = root
        .children
        .iter()
        .map(|s| s.attr("name").unwrap())
        .collect();
    assert_eq!(suites, ["deploy/hand.yaml", "<--set>"]);
}

#[test]
fn junit_clean_run_is_one_passing_testcase() {
    let text = junit::render(&[], 2);
    let root = xml::parse(&text).expect("well-formed XML");
    assert_eq!(root.attr("tests"), Some("1"));
    assert_eq!(root.attr("failures"), Some("0"));
    let cases: Vec<&xml::Element> = root.children.iter().flat_map(|s| &s.children).collect();
    assert_eq!(cases.len(), 1);
    assert!(cases[0].children.is_empty(), "no failure");
    assert_eq!(cases[0].attr("name"), Some("No problems found in 2 files."));
}

/// Just enough of an XML 1.0 parser to say a document is well-formed: one root, tags that
/// nest and match, quoted attributes without `<`, only the predefined and numeric entity
/// references, no characters XML forbids.
mod xml {
    #[derive(Debug, Default)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }
    }

    pub fn parse(text: &str) -> Result<Element, String> {
        if let Some(c) = text
            .chars()
            .find(|&c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        {
            return Err(format!("forbidden character {c:?}"));
        }
        let mut rest = text;
        if let Some(after) = rest.strip_prefix("<?xml") {
            let end = after.find("?>").ok_or("unterminated XML declaration")?;
            rest = &after[end + 2..];
        }
        let mut stack: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            let lt = rest.find('<');
            let (chars, after) = match lt {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let decoded = unescape(chars)?;
            match stack.last_mut() {
                Some(open) => open.text.push_str(&decoded),
                None if !decoded.trim().is_empty() => {
                    return Err(format!("text outside the root: {decoded:?}"));
                }
                None => {}
            }
            if after.is_empty() {
                break;
            }
            let close = after.find('>').ok_or("unterminated tag")?;
            let tag = &after[1..close];
            rest = &after[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let element = stack.pop().ok_or("close tag without an open one")?;
                if element.name != name.trim() {
                    return Err(format!("<{}> closed by </{name}>", element.name));
                }
                finish(element, &mut stack, &mut root)?;
                continue;
            }
            let (tag, self_closing) = match tag.strip_suffix('/') {
                Some(t) => (t, true),
                None => (tag, false),
            };
            let element = open_tag(tag)?;
            if self_closing {
                finish(element, &mut stack, &mut root)?;
            } else {
                stack.push(element);
            }
        }
        if !stack.is_empty() {
            return Err("unclosed elements".into());
        }
        root.ok_or_else(|| "no root element".into())
    }

    fn finish(
        element: Element,
        stack: &mut [Element],
        root: &mut Option<Element>,
    ) -> Result<(), String> {
        match stack.last_mut() {
            Some(parent) => parent.children.push(element),
            None if root.is_some() => return Err("two root elements".into()),
            None => *root = Some(element),
        }
        Ok(())
    }

    fn open_tag(tag: &str) -> Result<Element, String> {
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.:".contains(c))
        {
            return Err(format!("bad tag name {name:?}"));
        }
        let mut element = Element {
            name: name.to_owned(),
            ..Element::default()
        };
        let mut rest = tag[name_end..].trim_start();
        while !rest.is_empty() {
            let eq = rest
                .find('=')
                .ok_or(format!("attribute without a value in <{name}>"))?;
            let key = rest[..eq].trim();
            let after = rest[eq + 1..].trim_start();
            let quote = after.chars().next().ok_or("missing attribute value")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute {key}"));
            }
            let end = after[1..]
                .find(quote)
                .ok_or("unterminated attribute value")?;
            let raw = &after[1..1 + end];
            if raw.contains('<') {
                return Err(format!("`<` in attribute {key}"));
            }
            if element.attr(key).is_some() {
                return Err(format!("duplicate attribute {key}"));
            }
            // attribute-value normalization: literal whitespace becomes a space
            let value = unescape(&raw.replace(['\n', '\r', '\t'], " "))?;
            element.attrs.push((key.to_owned(), value));
            rest = after[end + 2..].trim_start();
        }
        Ok(element)
    }

    fn unescape(text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let semi = rest[amp..].find(';').ok_or("`&` without `;`")? + amp;
            let entity = &rest[amp + 1..semi];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16)
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse()
                    } else {
                        return Err(format!("unknown entity &{entity};"));
                    }
                    .map_err(|_| format!("bad reference &{entity};"))?;
                    char::from_u32(code).ok_or(format!("bad reference &{entity};"))?
                }
            };
            out.push(c);
            rest = &rest[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// gitlab

#[test]
fn gitlab_output() {
    let diagnostics = linted();
    let text = gitlab::render(&diagnostics);
    insta::assert_snapshot!("gitlab_linted", text);
    let doc = parse(&text);
    let issues = doc.as_array().unwrap();
    assert_eq!(issues.len(), diagnostics.len());
    for (issue, d) in issues.iter().zip(&diagnostics) {
        assert_eq!(issue["description"], d.message.as_str());
        assert_eq!(issue["check_name"], d.code());
        let severity = match d.severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
            Severity::Info => "info",
        };
        assert_eq!(issue["severity"], severity);
        assert_eq!(issue["location"]["path"], d.primary.file.path());
        assert_eq!(issue["location"]["lines"]["begin"], d.primary.start().line);
        assert_eq!(
            issue["fingerprint"],
            sarif::fingerprint(
                d.code(),
                d.primary.file.path(),
                &d.primary.key_path.to_string()
            )
        );
    }
}

#[test]
fn gitlab_hand_built() {
    let diagnostics = hand_built();
    let text = gitlab::render(&diagnostics);
    insta::assert_snapshot!("gitlab_hand_built", text);
    let doc = parse(&text);
    let issues = doc.as_array().unwrap();
    let severities: Vec<&str> = issues
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(
        severities,
        ["major", "minor", "info", "info", "major", "minor"]
    );
    assert_eq!(issues[0]["location"]["path"], "deploy/hand.yaml");
    assert_eq!(
        issues[1]["location"]["lines"],
        serde_json::json!({"begin": 3, "end": 4})
    );
    // the two findings at one rule, file and key path still get distinct fingerprints; the
    // first keeps the plain one
    let fingerprints: HashSet<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), issues.len());
    assert_eq!(
        issues[2]["fingerprint"],
        sarif::fingerprint("OC001", "deploy/hand.yaml", ENABLE_PATH)
    );
    assert_ne!(issues[2]["fingerprint"], issues[3]["fingerprint"]);
    assert_eq!(gitlab::render(&[]), "[]\n");
}

/// Every format renders the fixtures the rule tests use without panicking, and the JSON
/// ones parse.
#[test]
fn every_fixture_renders_in_every_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut diagnostics = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(rule.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                diagnostics.extend(support::lint_fixture(&path));
            }
        }
    }
    assert!(!diagnostics.is_empty());
    parse(&json::render(&diagnostics, 1));
    let doc = parse(&sarif::render(&diagnostics));
    assert_sarif_structure(&doc, &diagnostics);
    parse(&gitlab::render(&diagnostics));
    xml::parse(&junit::render(&diagnostics, 1)).expect("well-formed XML");
    assert_eq!(
        github::render(&diagnostics).lines().count(),
        diagnostics.len()
    );
    github::summary(&diagnostics, 1);
}
