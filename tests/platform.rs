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
        "repository: bitnamilegacy/mariadb",
        "tag: 12.0.2-debian-12-r0",
        "allowInsecureImages: true",
        "existingSecret:",
    ] {
        assert!(fixed.contains(written), "{written} missing from:\n{fixed}");
    }
    // what is left: the release's provisioning, which needs the release's name
    let after = lint(&dir, "1.16.9", &[]);
    assert_eq!(codes(&after), ["OC004"], "{after:#?}\n{fixed}");

    // shipping this release's provisioning leaves nothing to report
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
fn a_stock_file_for_the_release_the_chart_provisions_gets_exactly_the_platform_findings() {
    // the chart's own plugin provisioning is written for a release named `helm-testing`:
    // for that release nothing but the platform is left, and every finding has a fix
    let dir = TempDir::with_files("platform", &[("values.yaml", STOCK)]);
    let identity = ["--release", "helm-testing", "--namespace", "default"];
    let findings = lint(&dir, "1.16.9", &identity);
    assert_eq!(
        codes(&findings),
        ["OC024", "OC070", "OC070", "OC071", "OC072", "OC073"],
        "{findings:#?}"
    );
    let mut args = vec!["--no-config", "--chart-version", "1.16.9"];
    args.extend_from_slice(&identity);
    args.extend_from_slice(&["--fix", "--unsafe-fixes", "values.yaml"]);
    dir.run(&args).assert_sane();
    let after = lint(&dir, "1.16.9", &identity);
    assert!(after.is_empty(), "{after:#?}\n{}", read(&dir));
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

/// The rules of "Today's platform", with the ones they extend.
const PLATFORM_CODES: &[&str] = &[
    "OC023", "OC024", "OC026", "OC027", "OC043", "OC046", "OC070", "OC071", "OC072", "OC073",
    "OC074",
];

/// The flags a fixture's first line asks for, as the binary takes them (`--whole` is what
/// a file linted alone already is).
fn header_flags(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.trim().strip_prefix("# oncall-lint-test:"))
        .map(|rest| {
            rest.split_whitespace()
                .filter(|w| *w != "--whole")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Twins that are one `-f` layer of a release (the library lints them as a layer): the
/// binary lints them with the other file their comment names, in its place (before them,
/// or after), as the release they are.
const LAYERS: &[(&str, &str, Place)] = &[
    (
        "OC024/pass-overlay-layer.yaml",
        "oncall:\n  secrets:\n    existingSecret: oncall-keys\n    secretKey: SECRET_KEY\n    mirageSecretKey: MIRAGE_SECRET_KEY\n",
        Place::Before,
    ),
    (
        "OC026/pass-enabled-no-credentials-layer.yaml",
        "oncall:\n  slack:\n    existingSecret: oncall-slack\n    clientIdKey: client-id\n    clientSecretKey: client-secret\n    signingSecretKey: signing-secret\n",
        Place::After,
    ),
    (
        "OC070/pass-layer-names-subchart.yaml",
        include_str!("../testdata/settled/platform.yaml"),
        Place::Before,
    ),
];

/// Where the other file of a [`LAYERS`] release goes.
#[derive(PartialEq)]
enum Place {
    Before,
    After,
}

#[test]
fn every_platform_rule_fires_on_its_shapes_and_not_on_their_twins_through_the_binary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut checked = 0;
    for code in PLATFORM_CODES {
        let folder = root.join(code);
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .expect("fixture folder")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".yaml") && n != "Chart.yaml")
            .collect();
        names.sort();
        for name in names {
            let text = std::fs::read_to_string(folder.join(&name)).expect("fixture");
            // alone in a directory (with the folder's Chart.yaml): a manifest's siblings
            // are read for the objects it references
            let dir = TempDir::with_files("platform-fixture", &[(name.as_str(), text.as_str())]);
            if let Ok(chart) = std::fs::read_to_string(folder.join("Chart.yaml")) {
                dir.write("Chart.yaml", chart);
            }
            let mut args: Vec<String> =
                vec!["--no-config".into(), "--format".into(), "concise".into()];
            args.extend(header_flags(&text));
            let layer = LAYERS.iter().find(|(f, ..)| *f == format!("{code}/{name}"));
            match layer {
                Some((_, other, place)) => {
                    dir.write("other.yaml", other);
                    let (first, second) = if *place == Place::Before {
                        ("other.yaml", name.as_str())
                    } else {
                        (name.as_str(), "other.yaml")
                    };
                    args.extend(["-f", first, "-f", second].map(str::to_owned));
                }
                None => args.push(name.clone()),
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = dir.run(&args);
            run.assert_sane();
            let fired = concise_findings(&run).iter().any(|f| f.code == *code);
            if name.starts_with("fail-") {
                assert!(fired, "{code}/{name} should fire {code}:\n{}", run.stdout());
            } else if name.starts_with("pass-") {
                assert!(
                    !fired,
                    "{code}/{name} should not fire {code}:\n{}",
                    run.stdout()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "only {checked} fixtures");
}
