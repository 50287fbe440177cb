//! The acceptance matrix of `render`: for release names × namespaces × chart versions ×
//! {bundled Grafana, external Grafana} × {air-gapped or not}, each overlay that applies
//! (`provisioning` when not air-gapped, `airgap`, `all`, and `provisioning` then `airgap`
//! stacked as the README says) is rendered from clean base values, stacked on them as documented, and the stack
//! lints for that same release (names, namespaces, chart version, profile) with no error and
//! no warning. With an external Grafana the overlays refuse, saying why.
//!
//! Driven through the library, so the whole matrix runs in seconds.

use oncall_lint_core::options::{ReleaseSpec, Selection};
use oncall_lint_core::release::Release;
use oncall_lint_core::render::airgap::{self, AirgapArgs};
use oncall_lint_core::render::compose;
use oncall_lint_core::render::provisioning::{self, ProvisioningArgs};
use oncall_lint_core::render::{RenderError, Rendered};
use oncall_lint_core::values::Value;
use oncall_lint_core::{
    Diagnostic, InputFile, LintOptions, Profile, Severity, build_release, lint_release,
};

/// `oncall`; the chart's own `helm-testing`; 53 characters (Helm's limit) holding the chart
/// name (so `oncall.fullname` is the release name); 50 characters without it (so
/// `<release>-oncall` is cut to 55 characters before `-engine`).
const RELEASES: [&str; 4] = [
    "oncall",
    "helm-testing",
    "oncall-production-europe-west-primary-cluster-release",
    "production-europe-west-primary-cluster-team-alerts",
];
const CHARTS: [&str; 4] = ["1.9.23", "1.12.1", "1.13.0", "1.16.9"];
const REGISTRY: &str = "harbor.internal.example/mirror";

/// The base values every cell starts from: what a team writes first.
const BASE: &str = "# Grafana OnCall for the on-call team\nbase_url: oncall.example.com\nengine:\n  replicaCount: 2\n";

/// What a 2026 install adds to them so that the chart's defaults do not break it (the Bitnami
/// images from bitnamilegacy, the bundled ingress-nginx and cert-manager off, the engine's
/// keys from a Secret): clean base values, against which the overlays are judged.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

/// Where Grafana runs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Grafana {
    /// The bundled one, in the release's namespace.
    Bundled,
    /// The bundled one, with the release in another namespace than `oncall`. (Moving the
    /// bundled Grafana away from OnCall's namespace with `grafana.namespaceOverride` is
    /// OC007's error on the base values: the chart's Ingress and `GRAFANA_API_URL` name its
    /// Service without a namespace; `tests/render.rs` renders that case.)
    BundledElsewhere,
    /// An external one (`grafana.enabled: false`, `externalGrafana.url`).
    External,
}

struct Cell {
    release: &'static str,
    chart: &'static str,
    grafana: Grafana,
    air_gapped: bool,
    /// The base values settle the platform ([`PLATFORM`] after [`BASE`]); without it the
    /// bundled cert-manager and ingress-nginx run, as the chart's defaults say.
    settled: bool,
}

impl Cell {
    fn namespace(&self) -> &'static str {
        match self.grafana {
            Grafana::Bundled => "oncall",
            Grafana::BundledElsewhere | Grafana::External => "alerting",
        }
    }

    fn grafana_namespace(&self) -> Option<String> {
        match self.grafana {
            Grafana::Bundled | Grafana::BundledElsewhere => None,
            Grafana::External => Some("monitoring".into()),
        }
    }

    fn base(&self) -> String {
        let base = match self.grafana {
            Grafana::Bundled => BASE.to_owned(),
            Grafana::BundledElsewhere => BASE.to_owned(),
            Grafana::External => format!(
                "{BASE}grafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:3000\n"
            ),
        };
        if self.settled {
            format!("{base}{PLATFORM}\n")
        } else {
            base
        }
    }

    fn options(&self, lint: bool) -> LintOptions {
        let profiles = if lint && self.air_gapped {
            vec![Profile::AirGapped]
        } else {
            Vec::new()
        };
        LintOptions {
            release: ReleaseSpec {
                release_name: Some(self.release.into()),
                namespace: Some(self.namespace().into()),
                grafana_namespace: self.grafana_namespace(),
                chart_version: Some(self.chart.into()),
                ..ReleaseSpec::default()
            },
            selection: Selection {
                profiles,
                ..Selection::default()
            },
            ..LintOptions::default()
        }
    }

    fn files(&self, overlays: &[&str]) -> Vec<InputFile> {
        let mut files = vec![InputFile {
            path: "values.yaml".into(),
            bytes: self.base().into_bytes(),
        }];
        for (i, overlay) in overlays.iter().enumerate() {
            files.push(InputFile {
                path: format!("overlay-{i}.yaml"),
                bytes: overlay.as_bytes().to_vec(),
            });
        }
        files
    }

    /// The release of the base values with `overlays` stacked after them.
    fn release(&self, overlays: &[&str]) -> Release {
        build_release(self.files(overlays), &self.options(false))
            .unwrap_or_else(|e| panic!("{}: the values load: {e:?}", self.describe()))
            .0
    }

    fn describe(&self) -> String {
        format!(
            "release {} ns {} chart {} grafana {:?} air-gapped {}",
            self.release,
            self.namespace(),
            self.chart,
            self.grafana,
            self.air_gapped
        )
    }

    /// Errors and warnings of the base values with `overlays` stacked.
    fn findings(&self, overlays: &[&str]) -> Vec<String> {
        let diagnostics: Vec<Diagnostic> =
            lint_release(self.files(overlays), &self.options(true)).diagnostics;
        diagnostics
            .iter()
            .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
            .map(|d| {
                format!(
                    "{} {} ({} {})",
                    d.code(),
                    d.message,
                    d.primary.file.path(),
                    d.primary.key_path
                )
            })
            .collect()
    }

    fn assert_clean(&self, what: &str, overlays: &[&str]) {
        let findings = self.findings(overlays);
        assert!(
            findings.is_empty(),
            "{} {what}:\n{}\n{findings:#?}",
            self.describe(),
            overlays.join("\n---\n")
        );
    }
}

fn cells() -> Vec<Cell> {
    let mut cells = Vec::new();
    for release in RELEASES {
        for chart in CHARTS {
            for grafana in [
                Grafana::Bundled,
                Grafana::BundledElsewhere,
                Grafana::External,
            ] {
                for air_gapped in [false, true] {
                    cells.push(Cell {
                        release,
                        chart,
                        grafana,
                        air_gapped,
                        settled: true,
                    });
                }
            }
        }
    }
    cells
}

fn provisioning_of(release: &Release) -> Result<Rendered, RenderError> {
    provisioning::render(release, &ProvisioningArgs::default())
}

fn airgap_of(release: &Release) -> Result<Rendered, RenderError> {
    airgap::render(release, &AirgapArgs::new(REGISTRY))
}

fn all_of(cell: &Cell, release: &Release) -> Result<Rendered, RenderError> {
    let restack = |overlay: &str| Ok(cell.release(&[overlay]));
    compose::all(
        release,
        &restack,
        &ProvisioningArgs::default(),
        &AirgapArgs::new(REGISTRY),
    )
}

fn list_names(overlay: &Value, path: &[&str]) -> Vec<String> {
    overlay
        .get(path)
        .and_then(Value::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.get(&["name"]).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

#[test]
fn every_artifact_stacked_as_documented_lints_clean_for_its_release() {
    for cell in cells() {
        if cell.grafana == Grafana::External {
            continue;
        }
        let what = cell.describe();
        let base = cell.release(&[]);

        let provisioning = provisioning_of(&base).unwrap_or_else(|e| panic!("{what}: {e}"));
        // alone, provisioning is no air-gapped install (Grafana still downloads the plugin)
        if !cell.air_gapped {
            cell.assert_clean("provisioning", &[&provisioning.text]);
        }

        let airgap = airgap_of(&base).unwrap_or_else(|e| panic!("{what}: {e}"));
        cell.assert_clean("airgap", &[&airgap.text]);

        // the README's way: the second artifact rendered with the first among its -f files
        let (exact, _) = provisioning.overlay.clone().expect("an overlay");
        let over_provisioning =
            airgap_of(&cell.release(&[&exact])).unwrap_or_else(|e| panic!("{what}: {e}"));
        cell.assert_clean(
            "provisioning then airgap",
            &[&provisioning.text, &over_provisioning.text],
        );

        let all = all_of(&cell, &base).unwrap_or_else(|e| panic!("{what}: {e}"));
        cell.assert_clean("all", &[&all.text]);
        // one overlay whose lists hold both artifacts' items
        let (_, values) = all.overlay.clone().expect("an overlay");
        let volumes = list_names(&values, &["grafana", "extraVolumes"]);
        assert!(
            volumes.iter().any(|v| v == "provisioning")
                && volumes.iter().any(|v| v == "oncall-plugin-install"),
            "{what}: {volumes:?}"
        );
        assert_eq!(
            list_names(&values, &["grafana", "extraObjects"]).len(),
            0,
            "{what}: ConfigMaps are named under metadata"
        );
    }
}

#[test]
fn the_overlays_refuse_an_external_grafana_and_say_why() {
    for cell in cells() {
        if cell.grafana != Grafana::External {
            continue;
        }
        let what = cell.describe();
        let base = cell.release(&[]);
        let errors = [
            provisioning_of(&base).err(),
            airgap_of(&base).err(),
            all_of(&cell, &base).err(),
        ];
        for error in errors {
            let Some(RenderError::Unsupported(text)) = &error else {
                panic!("{what}: {error:?}");
            };
            assert!(
                text.contains("`grafana.enabled` is false") && text.contains("bundled Grafana"),
                "{what}: {text}"
            );
        }
    }
}

#[test]
fn the_air_gap_overlay_carries_this_releases_provisioning_and_pull_secrets() {
    for chart in CHARTS {
        let cell = Cell {
            release: "oncall",
            chart,
            grafana: Grafana::Bundled,
            air_gapped: true,
            // the chart's bundled cert-manager and ingress-nginx run: their pull secrets
            settled: false,
        };
        let airgap = airgap_of(&cell.release(&[])).unwrap();
        let (_, values) = airgap.overlay.clone().unwrap();
        // the provisioning volume names this release's ConfigMap, not the chart's
        let volume = values
            .get(&["grafana", "extraVolumes"])
            .and_then(Value::as_seq)
            .unwrap()
            .iter()
            .find(|v| v.get(&["name"]).and_then(Value::as_str) == Some("provisioning"))
            .unwrap()
            .to_json();
        assert_eq!(volume["configMap"]["name"], "oncall-plugin-provisioning");
        assert!(
            airgap
                .notes
                .iter()
                .any(|n| n.contains("carries the provisioning of release oncall")),
            "{:?}",
            airgap.notes
        );
        // cert-manager and rabbitmq/redis (plain names only) run: per-chart pull secrets
        assert!(values.get(&["global", "imagePullSecrets"]).is_none());
        for chart in ["mariadb", "rabbitmq", "redis"] {
            assert_eq!(
                values
                    .get(&[chart, "image", "pullSecrets"])
                    .unwrap()
                    .to_json(),
                serde_json::json!(["registry-pull-secret"])
            );
        }
        assert_eq!(
            values
                .get(&["cert-manager", "global", "imagePullSecrets"])
                .unwrap()
                .to_json(),
            serde_json::json!([{"name": "registry-pull-secret"}])
        );
        assert_eq!(
            values
                .get(&["cert-manager", "podDnsPolicy"])
                .and_then(Value::as_str),
            Some("ClusterFirst")
        );
        assert_eq!(
            values
                .get(&["ingress-nginx", "controller", "image", "registry"])
                .and_then(Value::as_str),
            Some(REGISTRY)
        );
        assert!(
            airgap
                .notes
                .iter()
                .any(|n| n.contains("quay.io/jetstack/cert-manager-controller:v1.8.0")),
            "{:?}",
            airgap.notes
        );
        // only mariadb 23.x (chart 1.16) needs allowInsecureImages, and it says why
        let insecure = values
            .get(&["global", "security", "allowInsecureImages"])
            .is_some();
        assert_eq!(insecure, chart == "1.16.9", "{chart}");
        assert_eq!(
            airgap.text.contains("mariadb 23.x"),
            chart == "1.16.9",
            "{chart}"
        );
    }
}

#[test]
fn without_cert_manager_the_pull_secret_goes_to_global_as_plain_names() {
    let cell = Cell {
        release: "oncall",
        chart: "1.12.1",
        grafana: Grafana::Bundled,
        air_gapped: true,
        // only the options are used: the values are this test's own
        settled: false,
    };
    let values_file = "base_url: oncall.example.com\ncert-manager:\n  enabled: false\ningress-nginx:\n  enabled: false\n";
    let release = build_release(
        vec![InputFile {
            path: "values.yaml".into(),
            bytes: values_file.as_bytes().to_vec(),
        }],
        &cell.options(false),
    )
    .unwrap()
    .0;
    let airgap = airgap_of(&release).unwrap();
    let (_, values) = airgap.overlay.clone().unwrap();
    assert_eq!(
        values
            .get(&["global", "imagePullSecrets"])
            .unwrap()
            .to_json(),
        serde_json::json!(["registry-pull-secret"])
    );
    assert!(values.get(&["cert-manager"]).is_none());
    assert!(values.get(&["ingress-nginx"]).is_none());
    assert!(!airgap.notes.iter().any(|n| n.contains("jetstack")));
}
