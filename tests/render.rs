//! `render provisioning|airgap|networkpolicy|setup` through the library: every overlay,
//! layered over the chart defaults (and the values it was rendered from), lints with no
//! error-level finding over a matrix of release names, namespaces and chart versions; the
//! manifests parse and carry the fields Kubernetes requires; snapshots of each artifact;
//! hostile input is rejected or inert.

use oncall_lint_core::options::{ReleaseSpec, Selection};
use oncall_lint_core::render::airgap::{self, AirgapArgs};
use oncall_lint_core::render::networkpolicy::{self, NetworkPolicyArgs};
use oncall_lint_core::render::provisioning::{self, ProvisioningArgs};
use oncall_lint_core::render::setup::{self, SetupArgs};
use oncall_lint_core::render::{RenderError, Rendered};
use oncall_lint_core::values::{Kind, Value, to_value};
use oncall_lint_core::yaml::{Limits, parse};
use oncall_lint_core::{
    Diagnostic, InputFile, LintOptions, Profile, SetArg, Severity, build_release, lint_release,
};

const RELEASES: [&str; 5] = [
    "oncall",
    "helm-testing",
    "my-oncall",
    "grafana-oncall",
    "prod",
];
const CHARTS: [&str; 3] = ["1.9.23", "1.12.1", "1.16.9"];
const REGISTRY: &str = "harbor.example.com/mirror";

/// One case: names, chart, and the user's values file (if any).
#[derive(Clone)]
struct Case {
    release: String,
    namespace: String,
    grafana_namespace: Option<String>,
    chart: String,
    values: Option<String>,
    /// More `-f` files after `values` (overlays rendered before).
    layers: Vec<String>,
    sets: Vec<SetArg>,
}

impl Case {
    fn new(release: &str, chart: &str) -> Case {
        Case {
            release: release.into(),
            namespace: "oncall".into(),
            grafana_namespace: None,
            chart: chart.into(),
            values: None,
            layers: Vec::new(),
            sets: Vec::new(),
        }
    }

    fn options(&self, profiles: &[Profile]) -> LintOptions {
        LintOptions {
            release: ReleaseSpec {
                release_name: Some(self.release.clone()),
                namespace: Some(self.namespace.clone()),
                grafana_namespace: self.grafana_namespace.clone(),
                chart_version: Some(self.chart.clone()),
                sets: self.sets.clone(),
                ..ReleaseSpec::default()
            },
            selection: Selection {
                profiles: profiles.to_vec(),
                ..Selection::default()
            },
            ..LintOptions::default()
        }
    }

    fn files(&self) -> Vec<InputFile> {
        let mut files: Vec<InputFile> = self
            .values
            .iter()
            .map(|text| InputFile {
                path: "values.yaml".into(),
                bytes: text.clone().into_bytes(),
            })
            .collect();
        for (i, layer) in self.layers.iter().enumerate() {
            files.push(InputFile {
                path: format!("layer-{i}.yaml"),
                bytes: layer.clone().into_bytes(),
            });
        }
        files
    }

    fn describe(&self) -> String {
        format!(
            "release {} ns {} grafana ns {:?} chart {} values {:?} sets {:?}",
            self.release,
            self.namespace,
            self.grafana_namespace,
            self.chart,
            self.values,
            self.sets.iter().map(|s| &s.text).collect::<Vec<_>>()
        )
    }

    fn render(
        &self,
        artifact: fn(&oncall_lint_core::release::Release) -> Result<Rendered, RenderError>,
    ) -> Result<Rendered, RenderError> {
        let options = self.options(&[]);
        let (release, _) = build_release(self.files(), &options).expect("the values load");
        artifact(&release)
    }

    /// Lints the user's values with `overlays` on top, as `helm -f values.yaml -f overlay...`.
    fn lint_with(&self, overlays: &[&str], profiles: &[Profile]) -> Vec<Diagnostic> {
        let mut files = self.files();
        for (i, overlay) in overlays.iter().enumerate() {
            files.push(InputFile {
                path: format!("overlay-{i}.yaml"),
                bytes: overlay.as_bytes().to_vec(),
            });
        }
        lint_release(files, &self.options(profiles)).diagnostics
    }
}

fn provisioning(release: &oncall_lint_core::release::Release) -> Result<Rendered, RenderError> {
    provisioning::render(release, &ProvisioningArgs::default())
}

fn air_gapped(release: &oncall_lint_core::release::Release) -> Result<Rendered, RenderError> {
    airgap::render(release, &AirgapArgs::new(REGISTRY))
}

fn manifest(release: &oncall_lint_core::release::Release) -> Result<Rendered, RenderError> {
    airgap::manifest(release, &AirgapArgs::new(REGISTRY))
}

fn policy(release: &oncall_lint_core::release::Release) -> Result<Rendered, RenderError> {
    networkpolicy::render(
        release,
        &NetworkPolicyArgs {
            allow_cidrs: vec!["169.254.20.10".into()],
            // the chart's default `grafana.plugins` downloads at start, which the policy
            // refuses without this (tests/render_selfcheck.rs); here to the range above only
            allow_plugin_download: true,
        },
    )
}

fn setup_script(release: &oncall_lint_core::release::Release) -> Result<Rendered, RenderError> {
    setup::render(release, &SetupArgs::default())
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {} ({})", d.code(), d.message, d.primary.key_path))
        .collect()
}

/// Errors other than those about the plugin provisioning: the air-gap overlay leaves that to
/// `render provisioning` (until it is layered, OC004/OC005 report the chart's provisioning,
/// hard-coded for a release called `helm-testing`; `both_overlays_together_lint_clean_air_gapped`
/// lints the pair).
fn errors_but_provisioning(diagnostics: &[Diagnostic]) -> Vec<String> {
    errors(diagnostics)
        .into_iter()
        .filter(|e| !e.starts_with("OC004 ") && !e.starts_with("OC005 "))
        .collect()
}

fn values_of(text: &str) -> Value {
    let docs = parse(text, &Limits::default()).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let doc = docs
        .into_iter()
        .find(|d| d.root.is_some())
        .expect("a document");
    to_value(&doc, doc.root.unwrap(), 0, &|r| r, 1_000_000).expect("Helm can load it")
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    value
        .get(path)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {path:?}"))
}

/// Every case of the matrix: release names × chart versions × (Grafana in the release's
/// namespace, Grafana in another one through `grafana.namespaceOverride`, the latter also
/// given by a `--set`).
fn matrix() -> Vec<Case> {
    let mut cases = Vec::new();
    for release in RELEASES {
        for chart in CHARTS {
            cases.push(Case::new(release, chart));
            let mut other = Case::new(release, chart);
            other.namespace = "alerting".into();
            other.grafana_namespace = Some("monitoring".into());
            other.values = Some(
                "# Grafana lives in the monitoring namespace\ngrafana:\n  namespaceOverride: monitoring\n"
                    .into(),
            );
            cases.push(other);
            let mut set = Case::new(release, chart);
            set.grafana_namespace = Some("grafana".into());
            set.sets = vec![SetArg {
                text: "grafana.namespaceOverride=grafana".into(),
                string: false,
            }];
            cases.push(set);
        }
    }
    cases
}

/// The app entry of the provisioning file an overlay ships, and the ConfigMap holding it.
fn provisioned_app(overlay: &Value) -> (Value, Value) {
    let volumes = overlay
        .get(&["grafana", "extraVolumes"])
        .and_then(Value::as_seq)
        .expect("extraVolumes");
    let volume = volumes
        .iter()
        .find(|v| v.get(&["name"]).and_then(Value::as_str) == Some("provisioning"))
        .expect("the provisioning volume");
    let configmap_name = str_at(volume, &["configMap", "name"]);
    let objects = overlay
        .get(&["grafana", "extraObjects"])
        .and_then(Value::as_seq)
        .expect("extraObjects");
    let configmap = objects
        .iter()
        .find(|o| o.get(&["metadata", "name"]).and_then(Value::as_str) == Some(configmap_name))
        .expect("the ConfigMap the volume names")
        .clone();
    let file = str_at(
        &configmap,
        &["data", "grafana-oncall-app-provisioning.yaml"],
    );
    let provisioning = values_of(file);
    let app = provisioning.get(&["apps"]).and_then(Value::as_seq).unwrap()[0].clone();
    (app, configmap)
}

fn assert_manifest(value: &Value, kind: &str, namespace: &str) {
    assert!(
        value
            .get(&["apiVersion"])
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(value.get(&["kind"]).and_then(Value::as_str), Some(kind));
    let name = str_at(value, &["metadata", "name"]);
    assert!(
        !name.is_empty()
            && name.len() <= 253
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
        "{name}"
    );
    assert_eq!(str_at(value, &["metadata", "namespace"]), namespace);
}

#[test]
fn provisioning_overlays_lint_clean_and_point_at_this_release() {
    for case in matrix() {
        let what = case.describe();
        let rendered = case
            .render(provisioning)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let (exact, overlay) = rendered.overlay.clone().expect("an overlay");
        assert_eq!(exact, rendered.text, "{what}: nothing to mask here");
        let errors = errors(&case.lint_with(&[&rendered.text], &[]));
        assert!(errors.is_empty(), "{what}:\n{}\n{errors:#?}", rendered.text);

        let (app, configmap) = provisioned_app(&overlay);
        let gns = case.grafana_namespace.as_deref().unwrap_or("oncall");
        assert_manifest(&configmap, "ConfigMap", gns);
        let json = app.get(&["jsonData"]).unwrap().to_json();
        assert_eq!(json["orgId"], 100, "{what}");
        assert_eq!(json["stackId"], 5, "{what}");
        let engine = if case.release.contains("oncall") {
            format!("{}-engine", case.release)
        } else {
            format!("{}-oncall-engine", case.release)
        };
        assert_eq!(
            json["onCallApiUrl"],
            format!("http://{engine}.{}.svc:8080", case.namespace),
            "{what}"
        );
        let grafana = if case.release.contains("grafana") {
            case.release.clone()
        } else {
            format!("{}-grafana", case.release)
        };
        assert_eq!(
            json["grafanaUrl"],
            format!("http://{grafana}.{gns}.svc/grafana/"),
            "{what}"
        );
    }
}

#[test]
fn airgap_overlays_lint_clean_under_the_air_gapped_profile() {
    for case in matrix() {
        let what = case.describe();
        let rendered = case
            .render(air_gapped)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let errors =
            errors_but_provisioning(&case.lint_with(&[&rendered.text], &[Profile::AirGapped]));
        assert!(errors.is_empty(), "{what}:\n{}\n{errors:#?}", rendered.text);
        let (_, overlay) = rendered.overlay.clone().unwrap();
        assert_eq!(
            overlay
                .get(&["grafana", "plugins"])
                .and_then(Value::as_seq)
                .map(<[Value]>::len),
            Some(0)
        );
        assert_eq!(str_at(&overlay, &["global", "imageRegistry"]), REGISTRY);
        assert_eq!(
            str_at(&overlay, &["image", "repository"]),
            format!("{REGISTRY}/grafana/oncall")
        );
        // the provisioning volume is kept, and the install script ships with the release
        let names: Vec<&str> = overlay
            .get(&["grafana", "extraVolumes"])
            .and_then(Value::as_seq)
            .unwrap()
            .iter()
            .filter_map(|v| v.get(&["name"]).and_then(Value::as_str))
            .collect();
        assert_eq!(names, ["provisioning", "oncall-plugin-install"], "{what}");
        let gns = case.grafana_namespace.as_deref().unwrap_or("oncall");
        let objects = overlay
            .get(&["grafana", "extraObjects"])
            .and_then(Value::as_seq)
            .unwrap();
        for object in objects {
            assert_manifest(object, "ConfigMap", gns);
        }
        assert!(
            objects.iter().any(|o| o
                .get(&["data", "install-plugin.sh"])
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with("#!/bin/sh\n"))),
            "{what}"
        );
        // the chart's provisioning is written for `helm-testing`: the overlay carries this
        // release's instead
        let (app, _) = provisioned_app(&overlay);
        assert_eq!(
            app.get(&["jsonData", "license"]).unwrap().to_json(),
            "OpenSource"
        );
        // grafana.imagePullSecrets is not a key the grafana chart reads
        assert!(overlay.get(&["grafana", "imagePullSecrets"]).is_none());
        assert_eq!(
            overlay
                .get(&["grafana", "image", "pullSecrets"])
                .unwrap()
                .to_json(),
            serde_json::json!(["registry-pull-secret"])
        );
    }
}

#[test]
fn both_overlays_together_lint_clean_air_gapped() {
    for case in matrix() {
        let what = case.describe();
        let provisioning = case.render(provisioning).unwrap();
        // the air-gap overlay of the values with the provisioning overlay on top
        let mut with = case.clone();
        with.layers.push(provisioning.text.clone());
        let airgap = with
            .render(air_gapped)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let errors = errors(&with.lint_with(&[&airgap.text], &[Profile::AirGapped]));
        assert!(errors.is_empty(), "{what}:\n{}\n{errors:#?}", airgap.text);
        let (_, overlay) = airgap.overlay.unwrap();
        let (app, _) = provisioned_app(&overlay);
        assert_eq!(app.get(&["jsonData", "orgId"]).unwrap().to_json(), 100);
    }
}

#[test]
fn network_policies_parse_and_carry_the_required_fields() {
    for case in matrix() {
        let what = case.describe();
        let rendered = case
            .render(policy)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(rendered.overlay.is_none());
        let value = values_of(&rendered.text);
        let gns = case.grafana_namespace.as_deref().unwrap_or("oncall");
        assert_manifest(&value, "NetworkPolicy", gns);
        assert_eq!(str_at(&value, &["apiVersion"]), "networking.k8s.io/v1");
        assert_eq!(
            value
                .get(&["spec", "podSelector", "matchLabels"])
                .unwrap()
                .to_json(),
            serde_json::json!({
                "app.kubernetes.io/name": "grafana",
                "app.kubernetes.io/instance": case.release,
            }),
            "{what}"
        );
        assert_eq!(
            value.get(&["spec", "policyTypes"]).unwrap().to_json(),
            serde_json::json!(["Egress"])
        );
        let egress = value
            .get(&["spec", "egress"])
            .and_then(Value::as_seq)
            .unwrap();
        let dns: Vec<serde_json::Value> = egress
            .iter()
            .flat_map(|rule| rule.get(&["ports"]).and_then(Value::as_seq).unwrap_or(&[]))
            .map(Value::to_json)
            .filter(|p| p["port"] == 53)
            .collect();
        assert_eq!(
            dns,
            [
                serde_json::json!({"protocol": "UDP", "port": 53}),
                serde_json::json!({"protocol": "TCP", "port": 53})
            ]
        );
        let engine = egress[1].to_json();
        assert_eq!(
            engine["to"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            case.namespace
        );
        assert_eq!(
            engine["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"],
            "engine"
        );
        assert_eq!(engine["ports"][0]["port"], 8080);
        // no rule allows everything: every rule names its destinations
        for rule in egress {
            assert!(
                rule.get(&["to"])
                    .and_then(Value::as_seq)
                    .is_some_and(|t| !t.is_empty())
            );
        }
    }
}

#[test]
fn setup_scripts_and_manifests_render_for_every_case() {
    for case in matrix() {
        let what = case.describe();
        let script = case
            .render(setup_script)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(script.text.starts_with("#!/bin/sh\n"), "{what}");
        assert!(script.text.contains("\"orgId\":100"), "{what}");
        let configmap = case
            .render(manifest)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let value = values_of(&configmap.text);
        assert_manifest(
            &value,
            "ConfigMap",
            case.grafana_namespace.as_deref().unwrap_or("oncall"),
        );
    }
}

#[test]
fn old_charts_and_external_grafana_are_refused_with_a_reason() {
    let old = Case::new("oncall", "1.9.22");
    for artifact in [provisioning, air_gapped, setup_script] {
        let err = old.render(artifact).unwrap_err();
        assert!(matches!(err, RenderError::Unsupported(_)));
        assert!(err.to_string().contains("Grafana 9.5.3"), "{err}");
        assert!(err.to_string().contains("1.9.23"), "{err}");
    }
    // the policy does not depend on the Grafana version
    old.render(policy).unwrap();

    // a Grafana image that cannot run the plugin
    let mut pinned = Case::new("oncall", "1.16.9");
    pinned.values = Some("grafana:\n  image:\n    tag: 10.2.3\n".into());
    assert!(
        pinned
            .render(provisioning)
            .unwrap_err()
            .to_string()
            .contains("10.3")
    );

    let mut external = Case::new("oncall", "1.16.9");
    external.values = Some(
        "grafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:80\n"
            .into(),
    );
    for artifact in [provisioning, air_gapped, policy] {
        let err = external.render(artifact).unwrap_err();
        assert!(
            err.to_string().contains("`grafana.enabled` is false"),
            "{err}"
        );
    }
    let script = external.render(setup_script).unwrap();
    assert!(
        script
            .text
            .contains("DEFAULT_GRAFANA_URL='http://grafana.monitoring.svc:80'")
    );
    assert!(
        script
            .text
            .contains("\"grafanaUrl\":\"http://grafana.monitoring.svc:80/\"")
    );

    // the namespace the bundled Grafana runs in cannot be contradicted
    let mut contradicted = Case::new("oncall", "1.16.9");
    contradicted.grafana_namespace = Some("monitoring".into());
    let err = contradicted.render(provisioning).unwrap_err();
    assert!(err.to_string().contains("namespaceOverride"), "{err}");

    // names are required
    let options = LintOptions {
        release: ReleaseSpec {
            namespace: Some("oncall".into()),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let (release, _) = build_release(Vec::new(), &options).unwrap();
    let err = provisioning::render(&release, &ProvisioningArgs::default()).unwrap_err();
    assert!(matches!(err, RenderError::Missing(_)), "{err}");
}

#[test]
fn user_lists_are_carried_over_and_the_engine_stack_id_is_followed() {
    let mut case = Case::new("prod", "1.16.9");
    case.values = Some(
        r#"# ours
env:
  - name: SELF_HOSTED_STACK_ID
    value: "7"
grafana:
  extraVolumes:
    - name: certs
      hostPath:
        path: /etc/ssl/certs
    - name: provisioning
      configMap:
        name: helm-testing-grafana-plugin-provisioning
  extraObjects:
    - apiVersion: v1
      kind: Secret
      metadata:
        name: grafana-db
      stringData:
        password: hunter2
  extraInitContainers:
    - name: warm-up
      image: busybox
  grafana.ini:
    server:
      root_url: https://oncall.example.com/g
      serve_from_sub_path: true
  service:
    port: 3000
"#
        .into(),
    );
    let rendered = case.render(provisioning).unwrap();
    let (exact, overlay) = rendered.overlay.clone().unwrap();
    let (app, _) = provisioned_app(&overlay);
    let json = app.get(&["jsonData"]).unwrap().to_json();
    assert_eq!(json["stackId"], 7);
    assert_eq!(json["grafanaUrl"], "http://prod-grafana.oncall.svc:3000/g/");
    // the user's items stay, in their order, before ours; a secret is masked when printed only
    let objects = overlay.get(&["grafana", "extraObjects"]).unwrap().to_json();
    assert_eq!(objects[0]["stringData"]["password"], "hunter2");
    assert!(exact.contains("hunter2"));
    assert!(!rendered.text.contains("hunter2"));
    assert!(rendered.notes.iter().any(|n| n.contains("masked")));
    let volumes = overlay.get(&["grafana", "extraVolumes"]).unwrap().to_json();
    assert_eq!(volumes[0]["name"], "certs");
    assert_eq!(
        volumes[1]["configMap"]["name"],
        "prod-oncall-plugin-provisioning"
    );
    assert!(errors(&case.lint_with(&[&exact], &[])).is_empty());

    let airgap = case.render(air_gapped).unwrap();
    let (exact, overlay) = airgap.overlay.unwrap();
    let init = overlay
        .get(&["grafana", "extraInitContainers"])
        .unwrap()
        .to_json();
    assert_eq!(init[0]["name"], "warm-up");
    assert_eq!(init[1]["name"], "install-oncall-plugin");
    assert!(errors_but_provisioning(&case.lint_with(&[&exact], &[Profile::AirGapped])).is_empty());
}

#[test]
fn airgap_options_change_what_they_say() {
    let case = Case::new("oncall", "1.16.9");
    let options = case.options(&[]);
    let mut values = String::from(
        "grafana:\n  image:\n    tag: 11.5.2\n  env:\n    GF_INSTALL_PLUGINS: grafana-oncall-app\n    GF_PLUGINS_PREINSTALL_DISABLED: \"false\"\n  grafana.ini:\n    plugins:\n      allow_loading_unsigned_plugins: my-panel\n",
    );
    values.push_str("image:\n  repository: docker.io/grafana/oncall\n  tag: v1.15.3\n");
    let files = vec![InputFile {
        path: "values.yaml".into(),
        bytes: values.clone().into_bytes(),
    }];
    let (release, _) = build_release(files.clone(), &options).unwrap();
    let mut args = AirgapArgs::new("registry.local:5000");
    args.allow_unsigned = true;
    args.plain_http = true;
    args.pull_secret = "regcred".into();
    args.registry_auth_secret = Some("oras-auth".into());
    let rendered = airgap::render(&release, &args).unwrap();
    let (exact, overlay) = rendered.overlay.unwrap();
    let env = overlay.get(&["grafana", "env"]).unwrap().to_json();
    assert_eq!(
        env,
        serde_json::json!({
            "GF_INSTALL_PLUGINS": "",
            "GF_PLUGINS_PREINSTALL_DISABLED": "true",
            "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS": "my-panel,grafana-oncall-app",
        })
    );
    assert_eq!(
        overlay
            .get(&["grafana", "grafana.ini", "plugins", "preinstall_disabled"])
            .unwrap()
            .to_json(),
        true
    );
    assert_eq!(
        str_at(&overlay, &["image", "repository"]),
        "registry.local:5000/grafana/oncall"
    );
    let init = overlay
        .get(&["grafana", "extraInitContainers"])
        .unwrap()
        .to_json();
    assert_eq!(
        init[0]["env"][0]["value"],
        "registry.local:5000/grafana/grafana-oncall-app:1.15.3"
    );
    assert_eq!(init[0]["env"][2]["value"], "true");
    let auth = overlay
        .get(&["grafana", "extraContainerVolumes"])
        .unwrap()
        .to_json();
    assert_eq!(auth[0]["secret"]["secretName"], "oras-auth");
    let mut lint = LintOptions {
        selection: Selection {
            profiles: vec![Profile::AirGapped],
            ..Selection::default()
        },
        ..options.clone()
    };
    lint.release.sets.clear();
    let mut with = files;
    with.push(InputFile {
        path: "airgap.yaml".into(),
        bytes: exact.into_bytes(),
    });
    let report = lint_release(with, &lint);
    assert!(
        errors_but_provisioning(&report.diagnostics).is_empty(),
        "{:#?}",
        report.diagnostics
    );
}

fn snapshot_case() -> Case {
    Case::new("my-oncall", "1.16.9")
}

#[test]
fn snapshot_provisioning() {
    insta::assert_snapshot!(snapshot_case().render(provisioning).unwrap().text);
}

#[test]
fn snapshot_airgap() {
    insta::assert_snapshot!(snapshot_case().render(air_gapped).unwrap().text);
}

#[test]
fn snapshot_airgap_manifest() {
    insta::assert_snapshot!(snapshot_case().render(manifest).unwrap().text);
}

#[test]
fn snapshot_networkpolicy() {
    let mut case = snapshot_case();
    case.values = Some(
        "grafana:\n  grafana.ini:\n    database:\n      type: postgres\n      host: grafana-db.data:5433\n"
            .into(),
    );
    insta::assert_snapshot!(case.render(policy).unwrap().text);
}

#[test]
fn snapshot_setup() {
    insta::assert_snapshot!(snapshot_case().render(setup_script).unwrap().text);
}

#[test]
fn snapshot_setup_external_grafana() {
    let mut case = snapshot_case();
    case.values = Some(
        "grafana:\n  enabled: false\nexternalGrafana:\n  url: https://grafana.example.com/\n"
            .into(),
    );
    insta::assert_snapshot!(case.render(setup_script).unwrap().text);
}

#[test]
fn snapshot_provisioning_umbrella_chart() {
    let mut case = snapshot_case();
    case.values =
        Some("alerts:\n  grafana:\n    enabled: true\n  engine:\n    replicaCount: 2\n".into());
    let rendered = case.render(provisioning).unwrap();
    let (_, overlay) = rendered.overlay.clone().unwrap();
    assert!(
        overlay
            .get(&["alerts", "grafana", "extraObjects"])
            .is_some()
    );
    let mut options = case.options(&[]);
    options.release.values_root = Some("alerts".into());
    let mut files = case.files();
    files.push(InputFile {
        path: "overlay.yaml".into(),
        bytes: rendered.text.clone().into_bytes(),
    });
    assert!(errors(&lint_release(files, &options).diagnostics).is_empty());
    insta::assert_snapshot!(rendered.text);
}

/// A value of `Kind::Str` anywhere in `value` equal to `text`.
fn contains_string(value: &Value, text: &str) -> bool {
    match &value.kind {
        Kind::Str(s) => s == text,
        Kind::Seq(items) => items.iter().any(|v| contains_string(v, text)),
        Kind::Map(map) => map
            .iter()
            .any(|(k, v)| k == text || contains_string(v, text)),
        _ => false,
    }
}

/// Hostile strings for every flag: quotes, colons, newlines, `{{`, `#`, shell, very long.
fn hostile() -> Vec<String> {
    vec![
        "a\"b".into(),
        "a'b".into(),
        "a: b".into(),
        "a\nb: c".into(),
        "{{ .Release.Name }}".into(),
        "x # y".into(),
        "$(touch /tmp/pwned)".into(),
        "`id`".into(),
        "${HOME}".into(),
        "-- --".into(),
        "\u{1b}[31mred".into(),
        "\r\n".into(),
        "é".into(),
        "".into(),
        "x".repeat(10_000),
        "oncall\n---\nkind: Secret".into(),
        "http://g/\"\n#".into(),
    ]
}

/// Renders `case` (one of its inputs set to `value`): either an error that is one printable
/// line, or an output that parses where `value`, if it appears at all, is a string.
fn hostile_outcome(case: &Case, render: &Artifact, value: &str, what: &str) {
    let options = case.options(&[]);
    let Ok((release, _)) = build_release(case.files(), &options) else {
        return;
    };
    match render(&release) {
        Err(err) => {
            let text = err.to_string();
            assert!(
                !text.contains(['\n', '\r', '\u{1b}']),
                "{what}: the error is one printable line: {text:?}"
            );
            assert!(!matches!(err, RenderError::Internal(_)), "{what}: {text}");
        }
        Ok(rendered) => {
            let mut texts = vec![rendered.text.clone()];
            texts.extend(rendered.overlay.map(|(exact, _)| exact));
            for text in texts {
                if text.starts_with("#!") {
                    assert!(
                        value.is_empty() || !text.contains(value),
                        "{what}: {value:?} made it into a script"
                    );
                } else {
                    let parsed = values_of(&text);
                    assert!(
                        value.is_empty()
                            || !text.contains(value)
                            || contains_string(&parsed, value),
                        "{what}: {value:?} appears outside a string"
                    );
                }
            }
        }
    }
}

#[test]
fn hostile_flags_are_rejected_or_inert() {
    let base = Case::new("oncall", "1.16.9");
    for value in hostile() {
        let shown = format!("{:?}", value.chars().take(40).collect::<String>());
        let mut case = base.clone();
        case.release = value.clone();
        for (name, render) in artifacts() {
            hostile_outcome(
                &case,
                &render,
                &value,
                &format!("--release {shown} ({name})"),
            );
            let err = case.render(render).unwrap_err();
            assert!(
                matches!(err, RenderError::Invalid(_)),
                "--release {shown}: {err}"
            );
        }
        let mut case = base.clone();
        case.namespace = value.clone();
        for (name, render) in artifacts() {
            let err = case.render(render).unwrap_err();
            assert!(
                matches!(err, RenderError::Invalid(_)),
                "--namespace {shown} ({name}): {err}"
            );
        }
        let mut case = base.clone();
        case.grafana_namespace = Some(value.clone());
        for (name, render) in artifacts() {
            hostile_outcome(
                &case,
                &render,
                &value,
                &format!("--grafana-namespace {shown} ({name})"),
            );
            assert!(
                case.render(render).is_err(),
                "--grafana-namespace {shown} ({name})"
            );
        }
        // artifact options
        let options = base.options(&[]);
        let (release, _) = build_release(Vec::new(), &options).unwrap();
        let url = provisioning::render(
            &release,
            &ProvisioningArgs {
                grafana_url: Some(value.clone()),
            },
        );
        assert!(
            matches!(url, Err(RenderError::Invalid(_))),
            "--grafana-url {shown}"
        );
        for field in 0..7 {
            let mut args = AirgapArgs::new(REGISTRY);
            let flag = match field {
                0 => {
                    args.registry = value.clone();
                    "--registry"
                }
                1 => {
                    args.plugin_version = Some(value.clone());
                    "--plugin-version"
                }
                2 => {
                    args.plugin_artifact = Some(value.clone());
                    "--plugin-artifact"
                }
                3 => {
                    args.oras_image = Some(value.clone());
                    "--oras-image"
                }
                4 => {
                    args.pull_secret = value.clone();
                    "--pull-secret"
                }
                5 => {
                    args.registry_auth_secret = Some(value.clone());
                    "--registry-auth-secret"
                }
                _ => {
                    args.registry = format!("{REGISTRY}{value}");
                    "--registry (suffix)"
                }
            };
            if field == 6 && value.is_empty() {
                continue;
            }
            let result = airgap::render(&release, &args);
            assert!(
                matches!(result, Err(RenderError::Invalid(_))),
                "{flag} {shown}: {:?}",
                result.map(|r| r.text)
            );
        }
        let cidr = networkpolicy::render(
            &release,
            &NetworkPolicyArgs {
                allow_cidrs: vec![value.clone()],
                allow_plugin_download: true,
            },
        );
        assert!(
            matches!(cidr, Err(RenderError::Invalid(_))),
            "--allow-cidr {shown}"
        );
        for (flag, args) in [
            (
                "--grafana-url",
                SetupArgs {
                    grafana_url: Some(value.clone()),
                    oncall_api_url: None,
                },
            ),
            (
                "--oncall-api-url",
                SetupArgs {
                    grafana_url: None,
                    oncall_api_url: Some(value.clone()),
                },
            ),
        ] {
            let result = setup::render(&release, &args);
            assert!(
                matches!(result, Err(RenderError::Invalid(_))),
                "{flag} {shown}"
            );
        }
    }
}

#[test]
fn hostile_values_are_rejected_or_carried_as_data() {
    for value in hostile() {
        let shown = format!("{:?}", value.chars().take(40).collect::<String>());
        // names the Services derive from: a Service name Kubernetes would reject is refused
        for key in [
            "fullnameOverride",
            "nameOverride",
            "grafana.fullnameOverride",
            "grafana.nameOverride",
            "grafana.namespaceOverride",
        ] {
            let mut case = Case::new("oncall", "1.16.9");
            case.sets = vec![SetArg {
                text: format!("{key}={value}"),
                string: true,
            }];
            if oncall_lint_core::values::validate_set(&case.sets[0].text, true).is_err() {
                continue;
            }
            for (name, render) in artifacts() {
                hostile_outcome(&case, &render, &value, &format!("{key}={shown} ({name})"));
            }
        }
        // data the overlays carry over: it round-trips
        let mut case = Case::new("oncall", "1.16.9");
        let quoted = serde_json::to_string(&value).unwrap();
        case.values = Some(format!(
            "grafana:\n  extraVolumes:\n    - name: {quoted}\n      emptyDir: {{}}\n  extraInitContainers:\n    - name: {quoted}\n      image: {quoted}\n"
        ));
        for (name, render) in [
            ("provisioning", provisioning as Artifact),
            ("airgap", air_gapped as Artifact),
        ] {
            let rendered = case
                .render(render)
                .unwrap_or_else(|e| panic!("{name} {shown}: {e}"));
            let (exact, overlay) = rendered.overlay.unwrap();
            let values = values_of(&exact);
            assert_eq!(values.to_json(), overlay.to_json());
            let volumes = overlay.get(&["grafana", "extraVolumes"]).unwrap().to_json();
            assert_eq!(volumes[0]["name"], value.as_str(), "{name} {shown}");
            values_of(&rendered.text);
        }
    }
}

#[test]
fn a_hostile_values_root_round_trips_as_a_key() {
    for value in hostile() {
        if value.is_empty()
            || value.trim() != value
            || value.contains(['\n', '\r'])
            || value.len() > 1000
            // `--values-root` reads `a.b` as two keys and `\.` as a dot inside one
            || value.contains('\\')
        {
            continue;
        }
        let mut case = Case::new("oncall", "1.16.9");
        let quoted = serde_json::to_string(&value).unwrap();
        case.values = Some(format!(
            "{quoted}:\n  grafana:\n    enabled: true\n  engine:\n    replicaCount: 1\n"
        ));
        let mut options = case.options(&[]);
        options.release.values_root = Some(value.replace('.', "\\."));
        let (release, _) = build_release(case.files(), &options).unwrap();
        let rendered = provisioning::render(&release, &ProvisioningArgs::default()).unwrap();
        let (exact, overlay) = rendered.overlay.unwrap();
        assert!(
            overlay
                .get(&[value.as_str(), "grafana", "extraObjects"])
                .is_some(),
            "{value:?}\n{exact}"
        );
    }
}

type Artifact = fn(&oncall_lint_core::release::Release) -> Result<Rendered, RenderError>;

fn artifacts() -> [(&'static str, Artifact); 5] {
    [
        ("provisioning", provisioning),
        ("airgap", air_gapped),
        ("manifest", manifest),
        ("networkpolicy", policy),
        ("setup", setup_script),
    ]
}
