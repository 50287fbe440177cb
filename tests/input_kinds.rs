//! What a file is (oncall chart values, grafana chart values alone or in another chart,
//! another chart's values) and which profile its values imply: detected, said in the notes,
//! and overridden by the user.

use oncall_lint_core::options::{ReleaseSpec, Selection};
use std::path::Path;

use oncall_lint_core::Profile;
use oncall_lint_core::options::ChartKind;
use oncall_lint_core::{FileReport, LintOptions, lint_bytes};

fn lint(name: &str, options: &LintOptions) -> FileReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/inputs")
        .join(name);
    lint_bytes(name, std::fs::read(path).unwrap(), options)
}

fn note(report: &FileReport, what: &str) -> String {
    report
        .notes
        .iter()
        .map(ToString::to_string)
        .find(|n| n.contains(what))
        .unwrap_or_default()
}

fn codes(report: &FileReport) -> Vec<&str> {
    let mut codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code()).collect();
    codes.dedup();
    codes
}

#[test]
fn grafana_chart_values_alone_run_only_grafana_side_rules() {
    let report = lint("grafana-chart.yaml", &LintOptions::default());
    assert!(
        note(&report, "input:").contains("grafana chart values"),
        "{:?}",
        report.notes
    );
    // the toggle the plugin needs is replaced (OC010), at the grafana chart's own key
    let oc010 = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "OC010")
        .unwrap();
    assert_eq!(
        oc010.primary.key_path.to_string(),
        "\"grafana.ini\".feature_toggles.enable"
    );
    assert!(
        oc010.message.contains("grafana chart 8.4.6") || !oc010.message.contains("oncall chart")
    );
    // nothing about the oncall chart: no base_url, database, engine or schema findings
    for code in codes(&report) {
        assert!(
            ![
                "OC015", "OC014", "OC018", "OC030", "OC031", "OC090", "OC091"
            ]
            .contains(&code),
            "{code} is about the oncall chart"
        );
    }
}

#[test]
fn another_chart_holding_grafana_is_linted_under_its_key() {
    let report = lint("kube-prometheus-stack.yaml", &LintOptions::default());
    assert!(note(&report, "input:").contains("grafana chart values"));
    assert!(note(&report, "values root:").contains("`grafana`"));
    let secret = report
        .diagnostics
        .iter()
        .find(|d| d.code() == "OC048")
        .unwrap();
    assert_eq!(secret.primary.key_path.to_string(), "grafana.adminPassword");
    assert!(!codes(&report).contains(&"OC015"), "{:?}", codes(&report));
    assert!(!codes(&report).contains(&"OC010"), "the toggle is on");

    // a chart that does not deploy its Grafana is not ours to judge
    let report = lint(
        "kube-prometheus-stack-no-grafana.yaml",
        &LintOptions::default(),
    );
    assert!(
        note(&report, "input:").contains("another chart"),
        "{:?}",
        report.notes
    );
    assert!(report.diagnostics.is_empty(), "{:?}", codes(&report));
}

#[test]
fn oncall_layers_stay_oncall_values() {
    // only `grafana:`: a layer about the bundled Grafana
    let report = lint("oncall-grafana-layer.yaml", &LintOptions::default());
    assert!(note(&report, "input:").contains("oncall chart values"));
    // a key the oncall chart has elsewhere is a misplaced setting, not another chart
    let report = lint("oncall-misplaced-key.yaml", &LintOptions::default());
    assert!(note(&report, "input:").contains("oncall chart values"));
    assert!(codes(&report).contains(&"OC090"));
}

#[test]
fn the_chart_flag_overrides_detection() {
    let options = LintOptions {
        release: ReleaseSpec {
            chart_kind: Some(ChartKind::Grafana),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let report = lint("oncall-grafana-layer.yaml", &options);
    assert!(note(&report, "input:").contains("grafana chart values"));
    let options = LintOptions {
        release: ReleaseSpec {
            chart_kind: Some(ChartKind::Oncall),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    let report = lint("grafana-chart.yaml", &options);
    assert!(note(&report, "input:").contains("oncall chart values"));
}

#[test]
fn air_gapped_is_inferred_from_clear_signs_only_and_said_once() {
    for (file, reason) in [
        (
            "airgap-init-container.yaml",
            "an init container installs the plugin",
        ),
        (
            "airgap-unsigned.yaml",
            "lets a rebuilt, unsigned `grafana-oncall-app` load",
        ),
        (
            "airgap-registry.yaml",
            "every image comes from the private registry `harbor.corp.example`",
        ),
    ] {
        let report = lint(file, &LintOptions::default());
        assert_eq!(report.inferred.len(), 1, "{file}: {:?}", report.inferred);
        assert!(
            report.inferred[0].to_string().contains(reason),
            "{file}: {:?}",
            report.inferred
        );
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code().starts_with("OC04")),
            "{file}: the air-gapped rules run"
        );
        // `--profile none` turns inference off; an explicit profile needs no inference
        let none = LintOptions {
            selection: Selection {
                no_inferred_profiles: true,
                ..Selection::default()
            },
            ..LintOptions::default()
        };
        let report = lint(file, &none);
        assert!(report.inferred.is_empty());
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.code().starts_with("OC04")),
            "{file}"
        );
        let explicit = LintOptions {
            selection: Selection {
                profiles: vec![Profile::AirGapped],
                ..Selection::default()
            },
            ..LintOptions::default()
        };
        assert!(lint(file, &explicit).inferred.is_empty());
    }
    // Grafana downloading the plugin: the cluster reaches the internet, mirror or not
    let report = lint("downloads-plugin-with-mirror.yaml", &LintOptions::default());
    assert!(report.inferred.is_empty(), "{:?}", report.inferred);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code().starts_with("OC04"))
    );
}

/// Messages name the grafana chart's keys as the file writes them: after `grafana.` in the
/// oncall chart's values, without it in the grafana chart's own.
#[test]
fn messages_name_grafana_keys_as_the_file_writes_them() {
    let message = |file: &str, code: &str| {
        lint(file, &LintOptions::default())
            .diagnostics
            .into_iter()
            .find(|d| d.code() == code)
            .map(|d| d.message)
            .unwrap_or_else(|| panic!("{file}: no {code}"))
    };
    let alone = message("grafana-chart-volumes.yaml", "OC034");
    assert!(
        alone.contains("item of `extraVolumes`") && !alone.contains("grafana.extraVolumes"),
        "{alone}"
    );
    let bundled = message("oncall-grafana-volumes.yaml", "OC034");
    assert!(
        bundled.contains("item of `grafana.extraVolumes`"),
        "{bundled}"
    );
    let alone = message("grafana-chart-volumes.yaml", "OC060");
    assert!(
        alone.starts_with("`persistence.enabled` is false"),
        "{alone}"
    );
    let bundled = message("oncall-grafana-volumes.yaml", "OC060");
    assert!(
        bundled.starts_with("`grafana.persistence.enabled` is false"),
        "{bundled}"
    );
    // and so do the fixes' titles
    let fix_title = |file: &str| {
        lint(file, &LintOptions::default())
            .diagnostics
            .into_iter()
            .find(|d| d.code() == "OC060")
            .and_then(|d| d.fix)
            .map(|f| f.title)
            .unwrap_or_default()
    };
    assert_eq!(
        fix_title("grafana-chart-volumes.yaml"),
        "set `persistence.enabled: true`"
    );
    assert_eq!(
        fix_title("oncall-grafana-volumes.yaml"),
        "set `grafana.persistence.enabled: true`"
    );
}
