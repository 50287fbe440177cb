//! The chart's own values, linted with their own chart version, through the version, env and
//! grafana.ini rules (OC011–OC013, OC020–OC022, OC050–OC053, OC060): the chart's defaults
//! must not fire them, except where the defaults really cannot work, asserted here with the
//! reason. (CI has `shared/` beside the clone; elsewhere the test says so and checks nothing.)

use std::path::Path;

use oncall_lint_core::{LintOptions, lint_bytes};

const CODES: [&str; 11] = [
    "OC011", "OC012", "OC013", "OC020", "OC021", "OC022", "OC050", "OC051", "OC052", "OC053",
    "OC060",
];

#[test]
fn the_chart_defaults_fire_only_what_really_breaks() {
    let upstream = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream");
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
        let Some(version) = name
            .strip_prefix("oncall-chart-")
            .and_then(|r| r.strip_suffix("-values.yaml"))
        else {
            continue;
        };
        let options = LintOptions {
            chart_version: Some(version.to_owned()),
            ..LintOptions::default()
        };
        let report = lint_bytes(&name, std::fs::read(&path).unwrap(), &options);
        let mut found: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| CODES.contains(&d.code.as_str()))
            .map(|d| d.code.as_str())
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
