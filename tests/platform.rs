//! A stock values file for the last oncall charts, through the binary: what the frozen
//! chart's defaults break on 2026's platform is found (Bitnami images no longer served or
//! floating, the retired ingress-nginx, the bundled cert-manager's CRDs, the engine's keys
//! drawn at every render), and the fixes, applied, leave only what no fix can decide.

mod exe;

use exe::{Finding, TempDir, concise_findings};

/// The values file a new user starts from: the one setting the chart needs.
const STOCK: &str = "base_url: oncall.example.com\n";

/// The codes of a run's findings, sorted.
fn codes(findings: &[Finding]) -> Vec<String> {
    let mut codes: Vec<String> = findings.iter().map(|f| f.code.clone()).collect();
    codes.sort();
    codes
}

/// Lints `values.yaml` in `dir` for `chart` and returns its findings.
fn lint(dir: &TempDir, chart: &str, extra: &[&str]) -> Vec<Finding> {
    let mut args = vec![
        "--no-config",
        "--chart-version",
        chart,
        "--format",
        "concise",
    ];
    args.extend_from_slice(extra);
    args.push("values.yaml");
    let run = dir.run(&args);
    run.assert_sane();
    concise_findings(&run)
}

/// Applies every fix, unsafe ones included, to `values.yaml` in `dir`.
fn fix_all(dir: &TempDir, chart: &str) {
    let run = dir.run(&[
        "--no-config",
        "--chart-version",
        chart,
        "--fix",
        "--unsafe-fixes",
        "values.yaml",
    ]);
    run.assert_sane();
}

/// `values.yaml` in `dir`.
fn read(dir: &TempDir) -> String {
    std::fs::read_to_string(dir.path().join("values.yaml")).expect("values.yaml")
}

fn messages_of<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a str> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn a_stock_file_for_chart_1_16_9_gets_what_a_2026_user_needs() {
    let dir = TempDir::with_files("platform", &[("values.yaml", STOCK)]);
    let findings = lint(&dir, "1.16.9", &[]);
    // OC004 (warning): the chart's own provisioning is written for a release named
    // `helm-testing`, and no release name is given; `render provisioning` resolves it
    assert_eq!(
        codes(&findings),
        [
            "OC004", "OC024", "OC070", "OC070", "OC071", "OC072", "OC073"
        ],
        "{findings:#?}"
    );
    let gone = messages_of(&findings, "OC070");
    assert!(
        gone.iter()
            .any(|m| m.contains("bitnami/rabbitmq:3.12.0-debian-11-r0"))
    );
    assert!(
        gone.iter()
            .any(|m| m.contains("bitnami/redis:6.2.7-debian-11-r11"))
    );
    assert!(messages_of(&findings, "OC071")[0].contains("mariadb"));

    fix_all(&dir, "1.16.9");
    let fixed = read(&dir);
    for written in [
        "repository: bitnamilegacy/rabbitmq",
        "repository: bitnamilegacy/redis",
        "existingSecret:",
    ] {
        assert!(fixed.contains(written), "{written} missing from:\n{fixed}");
    }
    // what is left: the mariadb tag to pin (only the operator knows the version the volume
    // holds, and a guessed tag may not be served) and the release's provisioning
    let after = lint(&dir, "1.16.9", &[]);
    assert_eq!(codes(&after), ["OC004", "OC071"], "{after:#?}\n{fixed}");

    // pinning the tag and shipping this release's provisioning leaves nothing to report
    dir.write(
        "values.yaml",
        format!("{fixed}mariadb:\n  image:\n    tag: 12.0.2-debian-12-r0\n"),
    );
    let identity = ["--release", "oncall", "--namespace", "oncall"];
    let mut render = vec!["render", "provisioning", "--chart-version", "1.16.9"];
    render.extend_from_slice(&identity);
    render.extend_from_slice(&["--merge-into", "values.yaml"]);
    let run = dir.run(&render);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let clean = lint(&dir, "1.16.9", &identity);
    assert!(clean.is_empty(), "{clean:#?}\n{}", read(&dir));
}

#[test]
fn a_stock_file_for_chart_1_13_0_pulls_three_images_that_are_gone() {
    let dir = TempDir::with_files("platform", &[("values.yaml", STOCK)]);
    let findings = lint(&dir, "1.13.0", &[]);
    // mariadb 12.2.5 still pins `10.11.4-debian-11-r0`: gone as well, nothing floats
    assert_eq!(
        codes(&findings),
        [
            "OC004", "OC024", "OC070", "OC070", "OC070", "OC072", "OC073"
        ],
        "{findings:#?}"
    );
    assert!(
        messages_of(&findings, "OC070")
            .iter()
            .any(|m| m.contains("bitnami/mariadb:10.11.4-debian-11-r0"))
    );
    fix_all(&dir, "1.13.0");
    let after = lint(&dir, "1.13.0", &[]);
    assert_eq!(codes(&after), ["OC004"], "{after:#?}\n{}", read(&dir));
}

#[test]
fn the_settled_values_give_no_platform_finding_on_any_chart_version() {
    let settled = include_str!("../testdata/settled/platform.yaml");
    for chart in ["1.9.23", "1.12.1", "1.13.0", "1.16.5", "1.16.9"] {
        let dir = TempDir::with_files("platform", &[("values.yaml", &format!("{STOCK}{settled}"))]);
        let findings = lint(&dir, chart, &[]);
        assert_eq!(codes(&findings), ["OC004"], "chart {chart}: {findings:#?}");
    }
}
