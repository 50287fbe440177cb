//! Every overlay `render` writes is linted for its release, stacked on the values, before it
//! is printed: the user's own errors are said on stderr with their file:line and the command
//! that resolves them, an overlay's own finding is a bug to report, a clean release says
//! nothing. And `render networkpolicy` refuses values whose Grafana downloads plugins at
//! start (it would crash-loop behind the policy) unless `--allow-plugin-download`.

mod exe;

use exe::{Run, TempDir, oncall_lint};
use oncall_lint_core::options::ReleaseSpec;
use oncall_lint_core::render::Rendered;
use oncall_lint_core::render::airgap::{self, AirgapArgs};
use oncall_lint_core::render::provisioning::{self, ProvisioningArgs};
use oncall_lint_core::session::render_check::{Cause, Remaining, Remedy, check_overlay};
use oncall_lint_core::values::{Value, to_value};
use oncall_lint_core::yaml::{Limits, parse};
use oncall_lint_core::{InputFile, LintOptions, build_release};

const EXAMPLE: &str = "examples/values.yaml";
const NAMES: [&str; 4] = ["--release", "oncall", "--namespace", "oncall"];
/// Clean values: a `base_url`, and the platform settled (the Bitnami images from
/// bitnamilegacy, the bundled ingress-nginx and cert-manager off, the engine's keys from a
/// Secret), so that only what the overlays are about is left to judge.
const CLEAN: &str = concat!(
    "base_url: oncall.example.com\n",
    include_str!("../testdata/settled/platform.yaml")
);

fn options() -> LintOptions {
    LintOptions {
        release: ReleaseSpec {
            release_name: Some("oncall".into()),
            namespace: Some("oncall".into()),
            chart_version: Some("1.16.9".into()),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    }
}

fn file(path: &str, text: &str) -> Vec<InputFile> {
    vec![InputFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
    }]
}

fn example() -> Vec<InputFile> {
    let text = std::fs::read_to_string(EXAMPLE).expect("the README example");
    file(EXAMPLE, &text)
}

fn values_of(text: &str) -> Value {
    let docs = parse(text, &Limits::default()).expect("it parses");
    let doc = docs.into_iter().find(|d| d.root.is_some()).expect("a doc");
    let root = doc.root.expect("a root");
    to_value(&doc, root, 0, &|r| r, 1_000_000).expect("Helm can load it")
}

/// The artifact rendered by the library, then checked.
fn checked(
    files: &[InputFile],
    artifact: &str,
    render: fn(&oncall_lint_core::release::Release) -> Rendered,
) -> Vec<Remaining> {
    let (release, _) = build_release(files.to_vec(), &options()).expect("the values load");
    check_overlay(files, &options(), artifact, &render(&release))
}

fn provisioning(release: &oncall_lint_core::release::Release) -> Rendered {
    provisioning::render(release, &ProvisioningArgs::default()).expect("renders")
}

fn air_gapped(release: &oncall_lint_core::release::Release) -> Rendered {
    airgap::render(release, &AirgapArgs::new("harbor.internal.example")).expect("renders")
}

/// (code, file, line) of the findings of a cause.
fn of(found: &[Remaining], cause: Cause) -> Vec<(String, String, usize)> {
    found
        .iter()
        .filter(|r| r.cause == cause)
        .map(|r| {
            let d = &r.finding;
            (
                d.code().to_owned(),
                d.primary.file.path().to_owned(),
                d.primary.start().line,
            )
        })
        .collect()
}

fn remedy_of(found: &[Remaining], code: &str) -> Remedy {
    found
        .iter()
        .find(|r| r.finding.code() == code && r.cause == Cause::Values)
        .map(|r| r.remedy)
        .unwrap_or_else(|| panic!("no {code} of the values in {found:#?}"))
}

#[test]
fn the_readme_examples_own_errors_are_the_users_with_their_line_and_fix() {
    for (artifact, render) in [
        ("provisioning", provisioning as fn(&_) -> _),
        ("airgap", air_gapped),
    ] {
        let found = checked(&example(), artifact, render);
        let values = of(&found, Cause::Values);
        // both overlays replace the user's ConfigMap (same name) with this release's
        // provisioning (the airgap overlay carries it, as the chart's own would be in
        // effect), so its `orgId: 1` is no longer rendered
        assert!(
            !values.iter().any(|(code, _, _)| code == "OC001"),
            "{artifact}: the replaced ConfigMap is still judged: {values:#?}"
        );
        let own: &[(&str, usize)] = &[("OC010", 9)];
        for &(code, line) in own {
            assert!(
                values.contains(&(code.to_owned(), EXAMPLE.to_owned(), line)),
                "{artifact}: {code} at line {line} missing in {values:#?}"
            );
            assert_eq!(remedy_of(&found, code), Remedy::Fix, "{artifact} {code}");
        }
        // every finding of the values points into the user's file, never the overlay
        assert!(values.iter().all(|(_, f, _)| f == EXAMPLE), "{values:#?}");
        // the overlay's own findings point into the overlay
        for (_, f, _) in of(&found, Cause::Artifact) {
            assert_eq!(f, format!("<{artifact} overlay>"));
        }
        // the user's ConfigMap, which an overlay carries over (Helm replaces lists), is the
        // user's finding and not the artifact's
        assert!(
            !of(&found, Cause::Artifact)
                .iter()
                .any(|(code, _, _)| code == "OC001"),
            "{artifact}: {found:#?}"
        );
        // errors and warnings only, each once
        assert!(found.iter().all(|r| r.finding.severity.as_str() != "info"));
        let mut places: Vec<_> = found
            .iter()
            .map(|r| {
                (
                    r.finding.code().to_owned(),
                    r.finding.primary.file.path().to_owned(),
                    r.finding.primary.span.start,
                    r.finding.message.clone(),
                )
            })
            .collect();
        let all = places.len();
        places.sort();
        places.dedup();
        assert_eq!(places.len(), all, "{artifact}: a finding said twice");
    }
}

#[test]
fn the_chart_provisioning_is_replaced_by_either_overlay() {
    // clean values, chart default provisioning (written for `helm-testing`): the airgap
    // overlay carries this release's provisioning instead, and so does `render provisioning`
    for (artifact, render) in [
        ("provisioning", provisioning as fn(&_) -> _),
        ("airgap", air_gapped),
    ] {
        let found = checked(&file("values.yaml", CLEAN), artifact, render);
        assert!(found.is_empty(), "{artifact}: {found:#?}");
    }
}

#[test]
fn a_broken_overlay_is_reported_as_the_artifacts_at_its_line() {
    let text = "# a hand-made overlay\ngrafana:\n  grafana.ini:\n    feature_toggles:\n      enable: publicDashboards\n";
    let rendered = Rendered {
        text: text.into(),
        overlay: Some((text.into(), values_of(text))),
        notes: Vec::new(),
    };
    let files = file("values.yaml", CLEAN);
    let found = check_overlay(&files, &options(), "provisioning", &rendered);
    let artifact = of(&found, Cause::Artifact);
    assert!(
        artifact.contains(&("OC010".into(), "<provisioning overlay>".into(), 5)),
        "{found:#?}"
    );
    // what the values alone give (the chart's helm-testing provisioning) is the user's
    assert!(
        of(&found, Cause::Values)
            .iter()
            .all(|(_, f, _)| f == "values.yaml")
    );
}

#[test]
fn artifacts_that_are_not_overlays_are_not_stacked() {
    let rendered = Rendered {
        text: "kind: NetworkPolicy\n".into(),
        overlay: None,
        notes: Vec::new(),
    };
    assert!(check_overlay(&example(), &options(), "networkpolicy", &rendered).is_empty());
}

fn render(args: &[&str]) -> Run {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&NAMES);
    oncall_lint(all).run()
}

/// The self-check's lines on stderr (the renderer's own notes left out).
fn self_check_lines(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| l.contains(" overlay does not resolve: ") || l.contains("this is a bug"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn render_says_the_users_errors_with_the_command_and_still_prints() {
    let run = render(&["provisioning", "-f", EXAMPLE]);
    run.assert_code(0);
    values_of(&run.stdout());
    let lines = self_check_lines(&run);
    let oc010 = lines
        .iter()
        .find(|l| {
            l.starts_with("note: examples/values.yaml:9: OC010 external-service-accounts (error)")
        })
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        oc010.ends_with(
            "; run `oncall-lint --fix --release oncall --namespace oncall -f examples/values.yaml`"
        ),
        "{oc010}"
    );
    // the overlay replaces the user's ConfigMap: its `orgId: 1` is resolved, not reported
    assert!(
        !lines.iter().any(|l| l.contains(": OC001 ")),
        "{}",
        run.stderr
    );

    let run = render(&[
        "airgap",
        "--registry",
        "harbor.internal.example",
        "-f",
        EXAMPLE,
    ]);
    run.assert_code(0);
    values_of(&run.stdout());
    let lines = self_check_lines(&run);
    assert!(
        lines.iter().any(|l| l.starts_with("note: examples/values.yaml:9: OC010 ")
            && l.ends_with("run `oncall-lint --fix --profile air-gapped --release oncall --namespace oncall -f examples/values.yaml`")),
        "{}",
        run.stderr
    );
    // the overlay carries this release's provisioning over the user's ConfigMap
    assert!(
        !lines.iter().any(|l| l.contains(": OC001 ")),
        "{}",
        run.stderr
    );
    for line in lines.iter().filter(|l| l.starts_with("warning:")) {
        assert!(
            line.starts_with("warning: render airgap: the overlay still gives OC")
                && line.contains(" at line ")
                && line.ends_with("this is a bug of oncall-lint, please report it"),
            "{line}"
        );
    }
}

#[test]
fn render_of_clean_values_says_nothing_more() {
    let dir = TempDir::with_files("selfcheck-clean", &[("values.yaml", CLEAN)]);
    let run = dir.run(&[
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "-f",
        "values.yaml",
    ]);
    run.assert_code(0);
    assert!(self_check_lines(&run).is_empty(), "{}", run.stderr);
}

#[test]
fn merge_into_still_merges_after_the_notes() {
    let text = std::fs::read_to_string(EXAMPLE).expect("the README example");
    let dir = TempDir::with_files("selfcheck-merge", &[("values.yaml", &text)]);
    let run = dir.run(&[
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "--merge-into",
        "values.yaml",
    ]);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("note: values.yaml:9: OC010 external-service-accounts (error)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("merged the provisioning overlay into values.yaml")
    );
    let merged = std::fs::read_to_string(dir.path().join("values.yaml")).expect("merged");
    assert!(merged.contains("oncall-engine.oncall.svc:8080"), "{merged}");
}

#[test]
fn no_secret_reaches_stderr() {
    let values = "base_url: oncall.example.com\ngrafana:\n  extraObjects:\n    - apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: provisioning\n      data:\n        grafana-oncall-app-provisioning.yaml: |\n          apiVersion: 1\n          apps:\n            - type: grafana-oncall-app\n              jsonData:\n                stackId: 5\n                orgId: 100\n                onCallApiUrl: http://admin:hunter2secretvalue@localhost:8080\n";
    let dir = TempDir::with_files("selfcheck-secret", &[("values.yaml", values)]);
    // the message quotes the URL, which holds a password
    let lint = dir.run(&["--format", "concise", "values.yaml"]);
    assert!(
        lint.stdout().contains("`http://admin:****@localhost:8080`"),
        "{}",
        lint.stdout()
    );
    let run = dir.run(&[
        "render",
        "airgap",
        "--registry",
        "harbor.example.com",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
        "-f",
        "values.yaml",
    ]);
    run.assert_code(0);
    assert!(
        self_check_lines(&run)
            .iter()
            .any(|l| l.contains("OC016") && l.contains("`http://admin:****@localhost:8080`")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2secretvalue"), "{}", run.stderr);
}

#[test]
fn networkpolicy_refuses_values_that_download_plugins_at_start() {
    // the chart's default `grafana.plugins`
    let run = render(&["networkpolicy"]);
    run.assert_code(2);
    for needle in [
        "`grafana.plugins` ([grafana-oncall-app], a default)",
        "crash-loop",
        "render airgap",
        "--allow-plugin-download",
        "--allow-cidr",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(run.stdout().is_empty());

    let dir = TempDir::with_files(
        "selfcheck-policy",
        &[
            ("none.yaml", "grafana:\n  plugins: []\n"),
            (
                "env.yaml",
                "grafana:\n  plugins: []\n  env:\n    GF_INSTALL_PLUGINS: grafana-oncall-app 1.16.9\n",
            ),
            (
                "sync.yaml",
                "grafana:\n  plugins: []\n  image:\n    tag: 11.6.0\n  grafana.ini:\n    plugins:\n      preinstall_sync: grafana-oncall-app\n",
            ),
            (
                "background.yaml",
                "grafana:\n  plugins: []\n  image:\n    tag: 11.6.0\n",
            ),
            (
                "disabled.yaml",
                "grafana:\n  plugins: []\n  image:\n    tag: 11.6.0\n  grafana.ini:\n    plugins:\n      preinstall_disabled: true\n      preinstall_sync: grafana-oncall-app\n",
            ),
        ],
    );
    let policy = |file: &str, extra: &[&str]| {
        let mut args = vec!["render", "networkpolicy", "-f", file];
        args.extend_from_slice(&NAMES);
        args.extend_from_slice(extra);
        dir.run(&args)
    };
    let run = policy("none.yaml", &[]);
    run.assert_code(0);
    assert!(!run.stdout().contains("port: 443"), "{}", run.stdout());
    assert!(!run.stderr.contains("download"), "{}", run.stderr);

    let run = policy("env.yaml", &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("`grafana.env.GF_INSTALL_PLUGINS`"),
        "{}",
        run.stderr
    );
    let run = policy("sync.yaml", &[]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("`grafana.grafana.ini.plugins.preinstall_sync`"),
        "{}",
        run.stderr
    );
    // Grafana 11.5+ preinstalls its own list in the background: a failure it logs
    let run = policy("background.yaml", &[]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("in the background") && run.stderr.contains("preinstall_disabled"),
        "{}",
        run.stderr
    );
    let run = policy("disabled.yaml", &[]);
    run.assert_code(0);
    assert!(!run.stderr.contains("download"), "{}", run.stderr);
}

#[test]
fn allow_plugin_download_opens_https_and_says_so() {
    let run = render(&["networkpolicy", "--allow-plugin-download"]);
    run.assert_code(0);
    let text = run.stdout();
    let policy = values_of(&text);
    let egress = policy
        .get(&["spec", "egress"])
        .and_then(Value::as_seq)
        .expect("egress")
        .iter()
        .map(Value::to_json)
        .collect::<Vec<_>>();
    let https = egress
        .iter()
        .find(|rule| rule["ports"][0]["port"] == 443)
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        https["to"],
        serde_json::json!([{"ipBlock": {"cidr": "0.0.0.0/0"}}, {"ipBlock": {"cidr": "::/0"}}])
    );
    assert_eq!(https["ports"][0]["protocol"], "TCP");
    assert!(
        run.stderr
            .contains("note: --allow-plugin-download: HTTPS (TCP 443) to any address"),
        "{}",
        run.stderr
    );

    // with --allow-cidr, the download goes to those ranges only
    let run = render(&[
        "networkpolicy",
        "--allow-plugin-download",
        "--allow-cidr",
        "34.120.0.0/16",
    ]);
    run.assert_code(0);
    assert!(!run.stdout().contains("0.0.0.0/0"), "{}", run.stdout());
    assert!(run.stdout().contains("cidr: 34.120.0.0/16"));
    assert!(
        run.stderr.contains("only the --allow-cidr ranges"),
        "{}",
        run.stderr
    );
}

#[test]
fn render_with_no_values_file_blames_the_chart_defaults_not_the_overlay() {
    // `render provisioning` with no `-f`: the release is the chart's defaults, whose own
    // findings (no `base_url`, generated secrets, the Bitnami images) the overlay carries
    // no line of; they are said as the chart's, never as a bug of the artifact
    let dir = TempDir::with_files("selfcheck-no-values", &[]);
    let run = dir.run(&[
        "render",
        "provisioning",
        "--release",
        "oncall",
        "--namespace",
        "oncall",
    ]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let lines = self_check_lines(&run);
    assert!(
        !lines.iter().any(|l| l.contains("bug of oncall-lint")),
        "{}",
        run.stderr
    );
    for code in ["OC015", "OC024", "OC070"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("note: {code} "))
                    && l.contains("in the chart's defaults (no `-f` file given)")),
            "{code}: {}",
            run.stderr
        );
    }
}
