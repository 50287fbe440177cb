//! The JSON Schemas and the two rules built on them (OC090 unknown-key, OC091 wrong-type):
//! the schemas are sound and agree with the charts' own values, typos are found at every
//! depth with the key meant, wrong types are told in words, pass-through objects stay open,
//! and `--schema` adds a user's own schema.

mod support;

use oncall_lint_core::options::ReleaseSpec;
use std::path::Path;
use std::sync::Arc;

use oncall_lint_core::chart::{ChartState, STATES};
use oncall_lint_core::schema::{self, SchemaSource, UserSchema};
use oncall_lint_core::yaml::{Limits, parse};
use oncall_lint_core::{Diagnostic, InputFile, LintOptions, SetArg, lint_bytes, lint_release};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML file as Helm reads it, as JSON.
fn yaml_json(text: &str) -> Value {
    let docs = parse(text, &Limits::default()).expect("parses");
    let doc = docs
        .into_iter()
        .find(|d| d.root.is_some())
        .expect("a document");
    oncall_lint_core::values::to_value(&doc, doc.root.unwrap(), 0, &|r| r, 1_000_000)
        .expect("converts")
        .to_json()
}

fn lint_with(text: &str, options: &LintOptions) -> Vec<Diagnostic> {
    lint_bytes("values.yaml", text.as_bytes().to_vec(), options).diagnostics
}

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_with(text, &LintOptions::default())
}

/// `line:col CODE message` of the schema rules' findings.
fn schema_findings(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.code() == "OC090" || d.code() == "OC091")
        .map(|d| {
            let at = d.primary.start();
            format!("{}:{} {} {}", at.line, at.column, d.code(), d.message)
        })
        .collect()
}

fn only(diagnostics: &[Diagnostic]) -> Vec<String> {
    schema_findings(diagnostics)
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema_named_by_its_url() {
    for embedded in schema::EMBEDDED {
        let json: Value = serde_json::from_str(embedded.text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", embedded.file));
        assert_eq!(
            json["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{}",
            embedded.file
        );
        assert_eq!(
            json["$id"],
            format!("{}{}", schema::BASE_URL, embedded.file),
            "{}: $id",
            embedded.file
        );
        assert_eq!(
            support::oracle::meta_error(&json),
            None,
            "{}",
            embedded.file
        );
        support::oracle::compile_embedded(embedded.file)
            .unwrap_or_else(|e| panic!("{} does not compile: {e}", embedded.file));
        // the file on disk is the one embedded
        let on_disk = std::fs::read_to_string(root().join("schemas").join(embedded.file))
            .expect("schema file");
        assert_eq!(on_disk, embedded.text, "{}", embedded.file);
    }
    // and every schema on disk is embedded
    for entry in std::fs::read_dir(root().join("schemas")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            schema::EMBEDDED.iter().any(|e| e.file == name),
            "schemas/{name} is not embedded"
        );
    }
}

#[test]
fn every_chart_state_has_a_compiled_schema_and_the_oncall_schemas_differ_only_in_grafana() {
    let mut shapes = Vec::new();
    for state in &STATES {
        assert!(
            support::oracle::for_chart(state).is_ok(),
            "{}",
            state.version
        );
        let file = schema::chart_schema_file(state);
        let mut json: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("schemas").join(&file)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            json["properties"]["grafana"]["$ref"],
            schema::grafana_schema_file(state.grafana_chart),
            "{file}: the bundled grafana chart"
        );
        let object = json.as_object_mut().unwrap();
        for key in ["$id", "title", "description"] {
            object.remove(key);
        }
        json["properties"]["grafana"] = Value::Null;
        shapes.push((file, json));
    }
    // the oncall chart's own keys did not change between the states (only its defaults
    // and the bundled grafana chart did): keep the three schemas in step
    for (file, shape) in &shapes[1..] {
        assert_eq!(shape, &shapes[0].1, "{file} differs from {}", shapes[0].0);
    }
}

#[test]
fn the_chart_defaults_validate_against_their_own_schema() {
    for state in &STATES {
        let compiled = support::oracle::for_chart(state).unwrap();
        let violations =
            schema::violations(compiled, &state.defaults().to_json(), SchemaSource::Chart);
        assert!(violations.is_empty(), "{}: {violations:#?}", state.version);
    }
}

/// Each upstream values file with the schema of its own version (CI has `shared/` beside the
/// clone; elsewhere the test says so and checks nothing more).
#[test]
fn the_upstream_values_files_validate_against_their_own_version() {
    let upstream = root().join("../shared/upstream");
    if !upstream.is_dir() {
        eprintln!(
            "{} is absent: upstream files not checked",
            upstream.display()
        );
        return;
    }
    let mut checked = 0;
    for entry in std::fs::read_dir(&upstream).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(rest) = name.strip_suffix("-values.yaml") else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        if let Some(version) = rest.strip_prefix("oncall-chart-") {
            // linted as a user's file: every key in it is checked
            let options = LintOptions {
                release: ReleaseSpec {
                    chart_version: Some(version.to_owned()),
                    ..ReleaseSpec::default()
                },
                ..LintOptions::default()
            };
            let found = only(&lint_with(&text, &options));
            assert!(found.is_empty(), "{name}: {found:#?}");
            let state = ChartState::for_version(version).unwrap();
            let compiled = support::oracle::for_chart(state).unwrap();
            let violations = schema::violations(compiled, &yaml_json(&text), SchemaSource::Chart);
            assert!(violations.is_empty(), "{name}: {violations:#?}");
            checked += 1;
        } else if let Some(version) = rest.strip_prefix("grafana-chart-") {
            let file = schema::grafana_schema_file(version);
            if !schema::EMBEDDED.iter().any(|e| e.file == file) {
                // a grafana chart the oncall chart never bundled: no schema of its own
                continue;
            }
            let validator = support::oracle::compile_embedded(&file).unwrap();
            let violations = schema::violations(&validator, &yaml_json(&text), SchemaSource::Chart);
            assert!(violations.is_empty(), "{name}: {violations:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} upstream files checked");
}

#[test]
fn values_using_every_corner_of_the_charts_have_no_schema_finding() {
    let text =
        std::fs::read_to_string(root().join("testdata/schema/everything-values.yaml")).unwrap();
    let found = only(&lint(&text));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn typos_are_found_at_every_depth_with_the_key_meant() {
    let found = only(&lint(
        "base-url: oncall.example.com\n\
         externalGrafana:\n  ulr: http://grafana\n\
         oncall:\n  smtp:\n    hostname: smtp.example.com\n\
         grafana:\n  image:\n    pulPolicy: Always\n  sidecar:\n    dashboards:\n      enabeld: true\n",
    ));
    assert_eq!(
        found,
        [
            "1:1 OC090 `base-url` is not a key of the oncall chart 1.16.9; did you mean `base_url`?",
            "3:3 OC090 `externalGrafana.ulr` is not a key of the oncall chart 1.16.9; did you mean `externalGrafana.url`?",
            "6:5 OC090 `oncall.smtp.hostname` is not a key of the oncall chart 1.16.9; did you mean `oncall.smtp.host`?",
            "9:5 OC090 `grafana.image.pulPolicy` is not a key of the grafana chart 8.4.6; did you mean `grafana.image.pullPolicy`?",
            "12:7 OC090 `grafana.sidecar.dashboards.enabeld` is not a key of the grafana chart 8.4.6; did you mean `grafana.sidecar.dashboards.enabled`?",
        ]
    );
}

#[test]
fn keys_at_the_wrong_level_are_pointed_to_the_right_one() {
    let found = only(&lint(
        "grafana:\n  imagePullSecrets: [regcred]\n  pullSecrets: [regcred]\n\
         smtp:\n  host: smtp.example.com\n\
         telegram:\n  token: abc\n",
    ));
    assert_eq!(
        found,
        [
            "2:3 OC090 `grafana.imagePullSecrets` is not a key of the grafana chart 8.4.6; did you mean `grafana.image.pullSecrets`?",
            "3:3 OC090 `grafana.pullSecrets` is not a key of the grafana chart 8.4.6; did you mean `grafana.image.pullSecrets`?",
            // `smtp` is both `oncall.smtp` and `grafana.smtp`: the keys under it decide
            "4:1 OC090 `smtp` is not a key of the oncall chart 1.16.9; did you mean `oncall.smtp`?",
            "6:1 OC090 `telegram` is not a key of the oncall chart 1.16.9; did you mean `oncall.telegram`?",
        ]
    );
}

#[test]
fn settings_are_not_moved_between_the_oncall_and_grafana_charts() {
    // the oncall chart's extra Service has no nodePort; the grafana chart's has one, but
    // that is another Service
    let found = only(&lint(
        "base_url: oncall.example.com\nservice:\n  type: NodePort\n  nodePort: 30001\n",
    ));
    assert_eq!(
        found,
        ["4:3 OC090 `service.nodePort` is not a key of the oncall chart 1.16.9"]
    );
}

#[test]
fn a_rename_fix_is_offered_for_a_near_spelling_only() {
    let diagnostics = lint("grafana:\n  image:\n    pulPolicy: Always\n  imagePullSecrets: [a]\n");
    let rename = diagnostics
        .iter()
        .find(|d| d.message.contains("pulPolicy"))
        .unwrap();
    let fix = rename.fix.as_ref().expect("a rename fix");
    assert_eq!(fix.edits.len(), 1);
    assert_eq!(fix.edits[0].replacement, "pullPolicy");
    let moved = diagnostics
        .iter()
        .find(|d| d.message.contains("imagePullSecrets"))
        .unwrap();
    assert!(moved.fix.is_none(), "moving a setting is the user's to do");
}

#[test]
fn wrong_types_are_told_with_what_was_found_and_what_to_write() {
    let diagnostics = lint(
        "grafana:\n  persistence:\n    enabled: \"yes\"\n  plugins:\n    grafana-oncall-app: {}\n  env:\n    - name: A\n      value: b\n\
         oncall:\n  slack:\n    enabled: yes\n\
         engine:\n  extraContainers:\n    - name: proxy\n\
         database:\n  type: Postgres\n",
    );
    let found = only(&diagnostics);
    assert_eq!(
        found,
        [
            "3:14 OC091 `grafana.persistence.enabled` is the string \"yes\", but the grafana chart 8.4.6 expects a boolean here",
            "5:5 OC091 `grafana.plugins` is a map, but the grafana chart 8.4.6 expects a list here",
            // (the `grafana.env` list and the `extraContainers` list are told by OC051 and
            // OC036, in their own words and with a fix)
            "16:9 OC091 `database.type` is the string \"Postgres\", but the oncall chart 1.16.9 accepts only `mysql`, `postgresql` or `sqlite`",
        ],
        "unquoted `yes` is a boolean for Helm and passes"
    );
    let help = |needle: &str| {
        diagnostics
            .iter()
            .find(|d| d.code() == "OC091" && d.message.contains(needle))
            .and_then(|d| d.help.clone())
            .unwrap()
    };
    assert!(help("persistence.enabled").contains("`enabled: true` without quotes"));
    assert!(help("grafana.plugins").contains("`plugins: [grafana-oncall-app]`"));
    assert!(help("database.type").contains("`type: postgresql`"));
}

#[test]
fn pass_through_objects_and_third_party_charts_stay_open() {
    let text = std::fs::read_to_string(root().join("testdata/rules/OC090/pass-open-objects.yaml"))
        .unwrap();
    assert!(only(&lint(&text)).is_empty());
    let found = only(&lint(
        "engine:\n  resources:\n    anything: 1\n  affinity: {x: y}\n  tolerations: [{any: thing}]\n\
         grafana:\n  grafana.ini:\n    no_such_section:\n      no_such_key: 1\n  securityContext: {whatever: true}\n\
         redis:\n  master:\n    persistence: {size: 1Gi}\n",
    ));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_key_is_reported_in_every_file_that_writes_it() {
    let files = vec![
        InputFile {
            path: "base.yaml".into(),
            bytes: b"grafana:\n  imagePullSecrets: [a]\n".to_vec(),
        },
        InputFile {
            path: "prod.yaml".into(),
            bytes: b"externalGrafana:\n  ulr: http://g\ngrafana:\n  imagePullSecrets: [b]\n"
                .to_vec(),
        },
    ];
    let report = lint_release(files, &LintOptions::default());
    let places: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code() == "OC090")
        .map(|d| format!("{}:{}", d.primary.file.path(), d.primary.start().line))
        .collect();
    assert_eq!(places, ["base.yaml:2", "prod.yaml:2", "prod.yaml:4"]);
}

#[test]
fn set_arguments_are_checked_too() {
    let options = LintOptions {
        release: ReleaseSpec {
            sets: vec![SetArg {
                text: "grafana.persistence.enabeld=true".into(),
                string: false,
            }],
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let report = lint_release(
        vec![InputFile {
            path: "values.yaml".into(),
            bytes: b"base_url: oncall.example.com\n".to_vec(),
        }],
        &options,
    );
    let finding = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "OC090")
        .expect("found");
    assert_eq!(finding.primary.file.path(), "<--set>");
    assert!(
        finding
            .message
            .contains("did you mean `grafana.persistence.enabled`")
    );
}

#[test]
fn chart_versions_get_their_own_schema() {
    // grafana chart 6.57.1 (oncall 1.9.22) reads no `extraVolumes` and no image registry
    let text = "grafana:\n  extraVolumes: []\n  image:\n    registry: registry.example.com\n";
    let old = LintOptions {
        release: ReleaseSpec {
            chart_version: Some("1.9.22".into()),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let found = only(&lint_with(text, &old));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("`grafana.extraVolumes` is not a key of the grafana chart 6.57.1"));
    assert!(found[1].contains("`grafana.image.registry` is not a key of the grafana chart 6.57.1"));
    assert!(only(&lint(text)).is_empty());
}

#[test]
fn keys_that_only_hold_anchors_are_not_unknown() {
    let found = only(&lint(
        "x-shared:\n  res: &res\n    requests: {cpu: 1}\nengine:\n  resources: *res\nunused:\n  res: 1\n",
    ));
    assert_eq!(
        found,
        ["6:1 OC090 `unused` is not a key of the oncall chart 1.16.9"]
    );
}

#[test]
fn umbrella_charts_check_only_the_oncall_key() {
    let found = only(&lint(
        "mychart:\n  whatever: 1\noncall:\n  base_url: oncall.example.com\n  grafana:\n    enabled: true\n    imagePullSecrets: [x]\n",
    ));
    assert_eq!(
        found,
        [
            "7:5 OC090 `oncall.grafana.imagePullSecrets` is not a key of the grafana chart 8.4.6; did you mean `oncall.grafana.image.pullSecrets`?"
        ]
    );
}

fn user_schema(text: &str) -> LintOptions {
    LintOptions {
        user_schema: Some(Arc::new(
            UserSchema::parse("umbrella.schema.json", text).unwrap(),
        )),
        ..LintOptions::default()
    }
}

#[test]
fn a_users_schema_checks_the_umbrella_keys_and_can_reuse_the_chart_schemas() {
    let options = user_schema(
        r#"{
          "type": "object",
          "properties": {
            "team": {"type": "string", "pattern": "^[a-z]+$"},
            "replicas": {"type": "integer", "minimum": 2},
            "oncall": {"$ref": "oncall-1.16.9.values.schema.json"}
          },
          "required": ["team"],
          "additionalProperties": false
        }"#,
    );
    let found = only(&lint_with(
        "teem: Platform\nreplicas: 1\noncall:\n  base_url: oncall.example.com\n  grafana:\n    imagePullSecrets: [x]\n",
        &options,
    ));
    assert_eq!(
        found,
        [
            "1:1 OC091 the top level does not satisfy your schema `umbrella.schema.json`: `team` is required",
            "1:1 OC090 `teem` is not a key of your schema `umbrella.schema.json`; did you mean `team`?",
            "2:11 OC091 `replicas` does not satisfy your schema `umbrella.schema.json`: it is less than 2",
            // found by both schemas, reported once
            "6:5 OC090 `oncall.grafana.imagePullSecrets` is not a key of the grafana chart 8.4.6; did you mean `oncall.grafana.image.pullSecrets`?",
        ]
    );
    // (the umbrella key as `--values-root` or a Chart.yaml would give it)
    let options = LintOptions {
        release: ReleaseSpec {
            values_root: Some("oncall".into()),
            ..ReleaseSpec::default()
        },
        ..options
    };
    let fine = only(&lint_with(
        "team: platform\nreplicas: 3\noncall:\n  base_url: oncall.example.com\n",
        &options,
    ));
    assert!(fine.is_empty(), "{fine:#?}");
}

#[test]
fn a_users_schema_may_be_yaml_and_is_refused_with_a_reason_when_unusable() {
    let yaml = "type: object\nproperties:\n  engine:\n    type: object\n    properties:\n      replicaCount: {type: integer, minimum: 2}\n";
    let options = user_schema(yaml);
    let found = only(&lint_with("engine:\n  replicaCount: 1\n", &options));
    assert_eq!(
        found,
        [
            "2:17 OC091 `engine.replicaCount` does not satisfy your schema `umbrella.schema.json`: it is less than 2"
        ]
    );
    let not_json = UserSchema::parse("bad.json", "[1, 2").unwrap_err();
    assert!(not_json.message.contains("not a JSON"), "{not_json}");
    let remote = UserSchema::parse(
        "remote.json",
        r#"{"$ref": "https://example.com/other.json"}"#,
    )
    .unwrap_err();
    assert!(
        remote.message.contains("not a usable JSON Schema"),
        "{remote}"
    );
    let invalid = UserSchema::parse("invalid.json", r#"{"type": "no-such-type"}"#).unwrap_err();
    assert!(
        invalid.message.contains("not a usable JSON Schema"),
        "{invalid}"
    );
}

#[test]
fn provisioning_files_and_manifests_are_not_checked_against_the_chart() {
    let provisioning =
        "apps:\n  - type: grafana-oncall-app\n    jsonData:\n      stackId: 5\n      orgId: 100\n";
    assert!(only(&lint(provisioning)).is_empty());
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n";
    assert!(only(&lint(manifest)).is_empty());
}

// ---- the config file's schema ----------------------------------------------------------

/// The config schema's complaints about a config text.
struct ConfigSchema(schema::Validator);

impl ConfigSchema {
    fn new() -> Self {
        ConfigSchema(
            support::oracle::compile_embedded("oncall-lint-config.schema.json")
                .expect("config schema compiles"),
        )
    }

    fn errors(&self, text: &str) -> Vec<String> {
        schema::violations(&self.0, &yaml_json(text), SchemaSource::User)
            .into_iter()
            .map(|v| format!("{:?} {:?}", v.path, v.kind))
            .collect()
    }
}

const FULL_CONFIG: &str = r#"
select: [OC0]
ignore: [OC040, plugin-org-id]
fail-on: warning
profiles: [air-gapped]
chart:
  version: 1.16.9
  values-root: oncall
release:
  name: oncall
  namespace: oncall
  grafana-namespace: monitoring
rules:
  OC006:
    severity: warning
per-file-ignores:
  "environments/dev-*.yaml": [OC040]
include: ["**/values*.yaml"]
exclude: ["vendor/**"]
releases:
  - name: production
    files: [values.yaml, values-prod.yaml]
    set: ["grafana.enabled=false"]
    set-string: ["image.tag=1.16.9"]
custom-rules:
  - code: CORP001
    name: engine-replicas
    severity: warning
    path: engine.replicaCount
    check: at-least
    value: 2
    message: "`engine.replicaCount` is below 2"
    help: set it to 2 or more
max-file-size: 64MiB
"#;

#[test]
fn the_config_schema_accepts_what_the_config_parser_accepts() {
    let validator = ConfigSchema::new();
    oncall_lint_core::config::LoadedConfig::parse(".oncall-lint.yaml", FULL_CONFIG)
        .expect("the sample is a valid config");
    assert_eq!(validator.errors(FULL_CONFIG), Vec::<String>::new());
    assert_eq!(
        validator.errors(oncall_lint_core::config::STARTER),
        Vec::<String>::new(),
        "the starter config"
    );
    for bad in [
        "fail-on: fatal\n",
        "selct: [OC001]\n",
        "rules:\n  OC006:\n    severty: warning\n",
        "custom-rules:\n  - code: OC900\n    name: x\n    path: a\n    check: equals\n    value: 1\n    message: m\n",
        "custom-rules:\n  - code: CORP1\n    name: x\n    path: a\n    check: equals\n    message: m\n",
        "max-file-size: lots\n",
    ] {
        assert!(
            oncall_lint_core::config::LoadedConfig::parse(".oncall-lint.yaml", bad).is_err(),
            "the parser accepts {bad:?}"
        );
        assert!(
            !validator.errors(bad).is_empty(),
            "the schema accepts {bad:?}"
        );
    }
}

/// Every field of the config structs is in the schema (kebab-case), so the schema cannot
/// fall behind the config format.
#[test]
fn the_config_schema_knows_every_config_field() {
    let source = std::fs::read_to_string(root().join("crates/lint-core/src/config.rs")).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/oncall-lint-config.schema.json")).unwrap(),
    )
    .unwrap();
    let props = |pointer: &str| -> Vec<String> {
        schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{pointer}"))
            .keys()
            .cloned()
            .collect()
    };
    let structs = [
        ("Config", props("/properties")),
        ("ChartConfig", props("/properties/chart/properties")),
        ("ReleaseConfig", props("/properties/release/properties")),
        (
            "RuleConfig",
            props("/properties/rules/additionalProperties/properties"),
        ),
        ("ReleaseSet", props("/properties/releases/items/properties")),
        (
            "CustomRuleConfig",
            props("/properties/custom-rules/items/properties"),
        ),
    ];
    for (name, keys) in structs {
        let start = source
            .find(&format!("pub struct {name} {{"))
            .unwrap_or_else(|| panic!("struct {name} not found in config.rs"));
        let body = &source[start..start + source[start..].find("\n}").unwrap()];
        let fields: Vec<String> = body
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub "))
            .filter_map(|l| l.split_once(':').map(|(f, _)| f.trim().replace('_', "-")))
            .filter(|f| !f.starts_with("struct"))
            .collect();
        assert!(!fields.is_empty(), "{name}: no fields read");
        for field in &fields {
            assert!(
                keys.contains(field),
                "{name}.{field} is not in the config schema"
            );
        }
        for key in &keys {
            assert!(
                fields.contains(key),
                "the config schema's {key} is not a field of {name}"
            );
        }
    }
}

#[test]
fn the_readme_modelines_name_published_schemas() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let modelines: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.split("yaml-language-server: $schema=").nth(1))
        .collect();
    assert!(modelines.len() >= 2, "the README shows the modelines");
    for url in modelines {
        let url = url.trim();
        let file = url
            .strip_prefix(schema::BASE_URL)
            .unwrap_or_else(|| panic!("{url} is not under {}", schema::BASE_URL));
        assert!(root().join("schemas").join(file).is_file(), "{file}");
    }
}
