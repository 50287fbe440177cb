//! The chart's own values, linted with their own chart version, through the version, env and
//! grafana.ini rules (OC011–OC013, OC020–OC022, OC050–OC053, OC060): the chart's defaults
//! must not fire them, except where the defaults really cannot work, asserted here with the
//! reason. (CI has `shared/` beside the clone; elsewhere the test says so and checks nothing.)

use oncall_lint_core::options::ReleaseSpec;
use std::path::{Path, PathBuf};

use oncall_lint_core::{LintOptions, lint_bytes};

const CODES: [&str; 11] = [
    "OC011", "OC012", "OC013", "OC020", "OC021", "OC022", "OC050", "OC051", "OC052", "OC053",
    "OC060",
];

/// The charts' own values files (`shared/` beside the clone, as in CI), or `None` with a word
/// when they are absent.
fn upstream() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream");
    if !dir.is_dir() {
        eprintln!("{} is absent: upstream files not checked", dir.display());
        return None;
    }
    Some(dir)
}

#[test]
fn the_chart_defaults_fire_only_what_really_breaks() {
    let Some(upstream) = upstream() else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(&upstream).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(version) = name
            .strip_prefix("oncall-chart-")
            .and_then(|r| r.strip_suffix("-values.yaml"))
        else {
            continue;
        };
        let options = LintOptions {
            release: ReleaseSpec {
                chart_version: Some(version.to_owned()),
                ..ReleaseSpec::default()
            },
            ..LintOptions::default()
        };
        let report = lint_bytes(&name, std::fs::read(&path).unwrap(), &options);
        let mut found: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| CODES.contains(&d.code()))
            .map(|d| d.code())
            .collect();
        found.sort_unstable();
        let expected: &[&str] = match version {
            // charts up to 1.9.22 bundle Grafana 9.5.3 and install the latest plugin, which
            // needs Grafana 10.3 (managed service accounts) and declares >=10.2.5
            "1.8.13" | "1.9.22" => &["OC013"],
            _ => &[],
        };
        assert_eq!(found, expected, "{name}");
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} upstream files checked");
}

/// Every rule over each oncall chart's own values, with its own version, as a user who
/// copied the file unchanged would lint it: the findings are exactly these, each for a
/// reason a maintainer would accept.
#[test]
fn every_rule_on_the_chart_values_finds_only_what_a_copy_of_them_gets_wrong() {
    let Some(upstream) = upstream() else {
        return;
    };
    // (version, release, expected codes)
    let cases: [(&str, Option<&str>, &[&str]); 12] = [
        // Every version also keeps what a 2026 install cannot: the bundled ingress-nginx
        // (OC072: controller v1.2.1, CVE-2025-1974, project retired), the bundled
        // cert-manager v1.8.0 with its CRDs (OC073), and Bitnami images on `docker.io/bitnami`
        // tags no longer served (OC070: mariadb 10.11.4 up to 1.16.5, rabbitmq, redis); from
        // 1.16.6 mariadb 23.2.1 runs `bitnami/mariadb:latest` instead (OC071).
        // `base_url: example.com` is the placeholder every install must replace (OC015).
        // Charts before 1.9.23 run Grafana 9.5.3, and the unpinned plugin they install is
        // today's, which needs Grafana 10.3 (OC013): a fresh install of them is broken.
        (
            "1.8.13",
            None,
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC013",
            ],
        ),
        (
            "1.9.22",
            None,
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC013",
            ],
        ),
        // From 1.9.23 the chart's own plugin provisioning is right only for a release called
        // `helm-testing`; with no release name given, OC004 warns that it cannot tell.
        (
            "1.9.23",
            None,
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC004",
            ],
        ),
        (
            "1.12.1",
            None,
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC004",
            ],
        ),
        (
            "1.13.0",
            None,
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC004",
            ],
        ),
        // 1.16.9: mariadb on `latest` (OC071), so only rabbitmq and redis are unavailable
        (
            "1.16.9",
            None,
            &[
                "OC015", "OC072", "OC073", "OC071", "OC070", "OC070", "OC004",
            ],
        ),
        // With a release name other than `helm-testing`, the chart's own provisioning
        // (from 1.9.23) points the plugin at `helm-testing-oncall-engine` (OC004) and
        // Grafana's `root_url` at `helm-testing-grafana` (OC005): both wrong for `oncall`.
        (
            "1.8.13",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC013",
            ],
        ),
        (
            "1.9.22",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC013",
            ],
        ),
        (
            "1.9.23",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC005", "OC004",
            ],
        ),
        (
            "1.12.1",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC005", "OC004",
            ],
        ),
        (
            "1.13.0",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC070", "OC070", "OC070", "OC005", "OC004",
            ],
        ),
        (
            "1.16.9",
            Some("oncall"),
            &[
                "OC015", "OC072", "OC073", "OC071", "OC070", "OC070", "OC005", "OC004",
            ],
        ),
    ];
    for (version, release, expected) in cases {
        let name = format!("oncall-chart-{version}-values.yaml");
        let options = LintOptions {
            release: ReleaseSpec {
                chart_version: Some(version.to_owned()),
                release_name: release.map(str::to_owned),
                namespace: release.map(|_| "oncall".to_owned()),
                ..ReleaseSpec::default()
            },
            ..LintOptions::default()
        };
        let report = lint_bytes(
            &name,
            std::fs::read(upstream.join(&name)).unwrap(),
            &options,
        );
        let found: Vec<&str> = report.diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(found, expected, "{name} with release {release:?}");
    }
    // the grafana chart's own values host no OnCall plugin: nothing of ours to judge
    for entry in std::fs::read_dir(&upstream).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("grafana-chart-") && name.ends_with("-values.yaml") {
            let report = lint_bytes(
                &name,
                std::fs::read(&path).unwrap(),
                &LintOptions::default(),
            );
            assert!(
                report.diagnostics.is_empty(),
                "{name}: {:?}",
                report.diagnostics
            );
        }
    }
}
