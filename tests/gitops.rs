//! Releases where GitOps repositories keep them, through the real binary.
//!
//! Every case under `testdata/gitops/<case>/` is a small repository in two states: `fail/`,
//! whose findings (snapshotted, with the notes the run printed) point at the line a person
//! edits in the manifest or in the file it reads, and `clean/`, its twin with the mistake
//! mended, which lints clean. Cases that need a Git repository (Argo CD `valueFiles` and
//! `$ref` sources resolved through the repository's remote) and the `--fix` properties
//! build their trees in temporary directories.

mod exe;

use std::path::{Path, PathBuf};

use exe::{Run, TempDir, concise_findings, oncall_lint};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gitops");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("testdata/gitops")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// `oncall-lint --format concise --no-config TREE` inside `case`.
fn lint(case: &Path, tree: &str) -> Run {
    let run = oncall_lint(["--format", "concise", "--no-config", tree])
        .cwd(case)
        .run();
    run.assert_sane();
    run
}

/// What a 2026 install sets so the frozen chart's defaults do not break it (the platform
/// rules: bundled images, ingress-nginx, cert-manager, the engine's keys): for releases
/// whose subject is elsewhere.
const PLATFORM: &str = include_str!("../testdata/settled/platform.yaml");

/// [`PLATFORM`], each line indented by `indent` spaces, to sit under a key of a manifest.
fn settled(indent: usize) -> String {
    let pad = " ".repeat(indent);
    PLATFORM
        .lines()
        .map(|line| format!("{pad}{line}\n"))
        .collect()
}

#[test]
fn every_case_fails_where_a_person_edits_and_its_twin_is_clean() {
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let failing = lint(&case, "fail");
        assert_eq!(
            failing.code(),
            Some(1),
            "{name}/fail should have findings:\n{}{}",
            failing.stdout(),
            failing.stderr
        );
        insta::assert_snapshot!(
            format!("gitops-{name}"),
            format!("{}--- notes\n{}", failing.stdout(), failing.stderr)
        );
        let clean = lint(&case, "clean");
        assert_eq!(
            clean.code(),
            Some(0),
            "{name}/clean should be clean:\n{}{}",
            clean.stdout(),
            clean.stderr
        );
    }
}

/// A file each finding of `run` is in, with its line.
fn places(run: &Run) -> Vec<(String, usize, String)> {
    concise_findings(run)
        .into_iter()
        .map(|f| (f.path, f.line, f.code))
        .collect()
}

/// A Git repository (a `.git/config` with an `origin` remote) holding `files`.
fn repository(tag: &str, remote: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::with_files(tag, files);
    dir.write(
        ".git/config",
        format!("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = {remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"),
    );
    dir
}

const ARGO_PATH_APP: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/platform.git
    path: charts/oncall
    targetRevision: main
    helm:
      valueFiles:
        - values-prod.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: oncall
";

const ONCALL_CHART: &str = "apiVersion: v2\nname: oncall\nversion: 1.16.9\n";

#[test]
fn argo_value_files_are_read_from_the_source_path_of_this_repository() {
    let repo = repository(
        "gitops-argo-path",
        "git@github.com:acme/platform.git",
        &[
            ("apps/oncall.yaml", ARGO_PATH_APP),
            ("charts/oncall/Chart.yaml", ONCALL_CHART),
            (
                "charts/oncall/values-prod.yaml",
                &format!(
                    "base_url: https://oncall.example.org\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:80\n{PLATFORM}"
                ),
            ),
        ],
    );
    let run = repo.run(&["--format", "concise", "--no-config", "apps"]);
    assert_eq!(
        places(&run),
        [(
            "charts/oncall/values-prod.yaml".to_owned(),
            1,
            "OC015".to_owned()
        )],
        "{}{}",
        run.stdout(),
        run.stderr
    );
    // the clean twin
    repo.write(
        "charts/oncall/values-prod.yaml",
        format!("base_url: oncall.example.org\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:80\n{PLATFORM}"),
    );
    let run = repo.run(&["--format", "concise", "--no-config", "apps"]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr);
    // another repository's Application: its files are not read, and the run says so
    let elsewhere = repository(
        "gitops-argo-elsewhere",
        "https://github.com/acme/other.git",
        &[
            ("apps/oncall.yaml", ARGO_PATH_APP),
            ("charts/oncall/Chart.yaml", ONCALL_CHART),
        ],
    );
    let run = elsewhere.run(&["--format", "concise", "--no-config", "apps"]);
    assert!(run.stderr.contains("not this repository"), "{}", run.stderr);
}

const ARGO_REF_APP: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://grafana.github.io/helm-charts
      chart: oncall
      targetRevision: 1.16.9
      helm:
        valueFiles:
          - $values/clusters/prod/oncall.yaml
          - $values/clusters/prod/missing.yaml
          - $config/oncall.yaml
    - repoURL: https://github.com/acme/platform
      targetRevision: main
      ref: values
    - repoURL: https://github.com/acme/config
      targetRevision: main
      ref: config
  destination:
    server: https://kubernetes.default.svc
    namespace: oncall
";

#[test]
fn argo_ref_sources_resolve_in_this_repository_and_are_said_elsewhere() {
    let repo = repository(
        "gitops-argo-ref",
        "https://github.com/acme/platform.git",
        &[
            ("argocd/oncall.yaml", ARGO_REF_APP),
            (
                "clusters/prod/oncall.yaml",
                "base_url: oncall.example.org\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: grafana.monitoring.svc\n",
            ),
        ],
    );
    let run = repo.run(&["--format", "concise", "--no-config", "argocd"]);
    let found = places(&run);
    assert!(
        found.contains(&(
            "clusters/prod/oncall.yaml".to_owned(),
            5,
            "OC006".to_owned()
        )),
        "{found:?}"
    );
    // the missing file of this repository is a finding at the manifest's line
    assert!(
        found.contains(&("argocd/oncall.yaml".to_owned(), 15, "OC097".to_owned())),
        "{found:?}"
    );
    // the other repository's file is said, not guessed
    assert!(
        run.stderr.contains("$config/oncall.yaml") || run.stderr.contains("acme/config"),
        "{}",
        run.stderr
    );
    // the clean twin: the file fixed, the missing entry gone
    repo.write(
        "clusters/prod/oncall.yaml",
        "base_url: oncall.example.org\ngrafana:\n  enabled: false\nexternalGrafana:\n  url: http://grafana.monitoring.svc:80\n",
    );
    repo.write(
        "argocd/oncall.yaml",
        ARGO_REF_APP.replace("          - $values/clusters/prod/missing.yaml\n", ""),
    );
    let clean = repo.run(&["--format", "concise", "--no-config", "argocd"]);
    assert_eq!(clean.code(), Some(0), "{}{}", clean.stdout(), clean.stderr);
    // the values file is linted as part of the release, not a second time alone
    assert_eq!(
        found
            .iter()
            .filter(|(path, _, _)| path == "clusters/prod/oncall.yaml")
            .count(),
        1,
        "{found:?}"
    );
}

/// `--fix` in a copy of `files`: the result parses, the finding is gone, every comment is
/// kept, and a second run changes nothing.
fn fixes_in_place(tag: &str, files: &[(&str, &str)], manifest: &str, code: &str) -> String {
    let dir = TempDir::with_files(tag, files);
    let before = lint_in(&dir, manifest);
    assert!(
        before.iter().any(|(_, _, c)| c == code),
        "{tag}: {code} expected before the fix: {before:?}"
    );
    let original = std::fs::read_to_string(dir.path().join(manifest)).unwrap();
    let fixed = dir.run(&["--no-config", "--fix", manifest]);
    fixed.assert_sane();
    let text = std::fs::read_to_string(dir.path().join(manifest)).unwrap();
    assert_ne!(text, original, "{tag}: nothing changed\n{}", fixed.stderr);
    oncall_lint_core::yaml::parse(&text, &Default::default()).expect("the fixed file parses");
    for comment in original
        .lines()
        .filter_map(|l| l.find('#').map(|i| &l[i..]))
    {
        assert!(text.contains(comment), "{tag}: lost `{comment}`:\n{text}");
    }
    let after = lint_in(&dir, manifest);
    assert!(
        !after.iter().any(|(_, _, c)| c == code),
        "{tag}: {code} still there: {after:?}\n{text}"
    );
    let again = dir.run(&["--no-config", "--fix", manifest]);
    again.assert_sane();
    let twice = std::fs::read_to_string(dir.path().join(manifest)).unwrap();
    assert_eq!(twice, text, "{tag}: a second run changed the file");
    text
}

fn lint_in(dir: &TempDir, path: &str) -> Vec<(String, usize, String)> {
    let run = dir.run(&["--format", "concise", "--no-config", path]);
    run.assert_sane();
    places(&run)
}

const HELMRELEASE_SCHEME: &str = "\
# OnCall through Flux
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oncall
  namespace: oncall # the team's namespace
spec:
  chart:
    spec:
      chart: oncall
      version: 1.16.9
  values:
    # where people reach OnCall
    base_url: https://oncall.example.org # from the ticket
    grafana:
      enabled: false # the monitoring stack's Grafana
    externalGrafana:
      url: http://grafana.monitoring.svc:80
";

#[test]
fn fix_edits_a_helmrelease_in_place() {
    let text = fixes_in_place(
        "gitops-fix-flux",
        &[("helmrelease.yaml", HELMRELEASE_SCHEME)],
        "helmrelease.yaml",
        "OC015",
    );
    assert!(
        text.contains("    base_url: oncall.example.org # from the ticket\n"),
        "{text}"
    );
    assert!(text.contains("    base_url_protocol: https\n"), "{text}");
}

const APPLICATION_SCHEME: &str = "\
# OnCall through Argo CD
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
spec:
  source:
    repoURL: https://grafana.github.io/helm-charts
    chart: oncall
    targetRevision: 1.16.9
    helm:
      values: |
        # where people reach OnCall
        base_url: https://oncall.example.org # from the ticket
        grafana:
          enabled: false # the monitoring stack's Grafana
        externalGrafana:
          url: http://grafana.monitoring.svc:80
  destination:
    namespace: oncall # the team's namespace
";

#[test]
fn fix_edits_an_application_values_string_in_place() {
    let text = fixes_in_place(
        "gitops-fix-argo",
        &[("application.yaml", APPLICATION_SCHEME)],
        "application.yaml",
        "OC015",
    );
    assert!(
        text.contains("        base_url: oncall.example.org # from the ticket\n"),
        "{text}"
    );
    assert!(
        text.contains("        base_url_protocol: https\n"),
        "{text}"
    );
}

#[test]
fn a_gitops_repository_says_each_finding_once_where_it_is_edited() {
    // two clusters' HelmReleases read one shared ConfigMap; an Argo CD Application keeps
    // its values in a string; an Application of another chart is skipped, and said
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gitops-repo");
    let run = lint(&repo, ".");
    assert_eq!(run.code(), Some(1), "{}{}", run.stdout(), run.stderr);
    assert_eq!(
        places(&run),
        [
            (
                "argocd/apps/oncall-dev.yaml".to_owned(),
                21,
                "OC090".to_owned()
            ),
            (
                "clusters/staging/oncall/helmrelease.yaml".to_owned(),
                20,
                "OC015".to_owned()
            ),
            (
                "infrastructure/oncall/oncall-values.yaml".to_owned(),
                14,
                "OC090".to_owned()
            ),
        ],
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr.contains("argocd/apps/podinfo.yaml")
            && run
                .stderr
                .contains("is not the oncall chart, and its values hold no Grafana"),
        "{}",
        run.stderr
    );
}

/// Two releases, each with its platform settled (the Application's in its values string, the
/// HelmRelease's at the end), whose own mistakes are suppressed.
fn suppressed() -> String {
    format!(
        "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
spec:
  source:
    repoURL: https://grafana.github.io/helm-charts
    chart: oncall
    targetRevision: 1.16.9
    helm:
      values: |
        base_url: oncall.example.org
        grafana:
          enabled: false
        externalGrafana:
          url: http://grafana.monitoring.svc:80
        celery:
          worker_concurency: \"2\" # oncall-lint: ignore[OC090] kept for the old chart
{}  destination:
    namespace: oncall
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oncall
  namespace: oncall
spec:
  chart:
    spec:
      chart: oncall
      version: 1.16.9
  values:
    base_url: https://oncall.example.org # oncall-lint: ignore[OC015] kept for now
    grafana:
      enabled: false
    externalGrafana:
      url: http://grafana.monitoring.svc:80
{}",
        settled(8),
        settled(4)
    )
}

#[test]
fn suppressions_work_in_a_manifest_and_inside_its_values_string() {
    let dir = TempDir::with_files("gitops-suppress", &[("releases.yaml", &suppressed())]);
    assert_eq!(lint_in(&dir, "releases.yaml"), []);
    let bare = suppressed()
        .replace(" # oncall-lint: ignore[OC090] kept for the old chart", "")
        .replace(" # oncall-lint: ignore[OC015] kept for now", "");
    dir.write("releases.yaml", &bare);
    assert_eq!(
        lint_in(&dir, "releases.yaml"),
        [
            ("releases.yaml".to_owned(), 18, "OC090".to_owned()),
            // the HelmRelease's `base_url`, below the Application's settled values
            (
                "releases.yaml".to_owned(),
                33 + PLATFORM.lines().count(),
                "OC015".to_owned()
            )
        ]
    );
}

#[test]
fn a_secret_inside_a_values_string_is_never_printed() {
    let app = "\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: oncall
spec:
  source:
    repoURL: https://grafana.github.io/helm-charts
    chart: oncall
    targetRevision: 1.16.9
    helm:
      values: |
        base_url: oncall.example.org
        database:
          type: postgresql
        mariadb:
          enabled: false
        externalPostgresql:
          host: db.example.org
          password: hunter2secretvalue
  destination:
    namespace: oncall
";
    let dir = TempDir::with_files("gitops-secret", &[("app.yaml", app)]);
    for format in ["text", "json", "sarif", "github", "concise"] {
        let run = dir.run(&["--no-config", "--format", format, "app.yaml"]);
        run.assert_sane();
        assert_eq!(run.code(), Some(1), "{format}: {}", run.stdout());
        let all = format!("{}{}", run.stdout(), run.stderr);
        assert!(!all.contains("hunter2secretvalue"), "{format}:\n{all}");
    }
}

#[test]
fn a_secrets_values_are_never_printed() {
    // the values a HelmRelease reads from a Secret's stringData: checked, never shown
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/gitops/flux-secret");
    for format in ["text", "json", "sarif", "github", "concise"] {
        let run = oncall_lint(["--no-config", "--format", format, "fail"])
            .cwd(&case)
            .run();
        run.assert_sane();
        assert_eq!(run.code(), Some(1), "{format}: {}", run.stdout());
        let all = format!("{}{}", run.stdout(), run.stderr);
        assert!(!all.contains("hunter2secretvalue"), "{format}:\n{all}");
        assert!(!all.contains("db.example.org"), "{format}:\n{all}");
    }
}

#[test]
fn overlays_beside_a_charts_values_are_linted_over_it() {
    let chart = "apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: oncall\n    version: 1.16.9\n    repository: https://grafana.github.io/helm-charts\n";
    // the chart's own values leave `base_url` to each environment, and settle the platform
    // for all of them (under the `oncall` subchart's key)
    let base = format!(
        "oncall:\n  grafana:\n    enabled: false\n  externalGrafana:\n    url: http://grafana.monitoring.svc:80\n{}",
        settled(2)
    );
    let prod = "oncall:\n  base_url: oncall.example.org\n  externalGrafana:\n    url: grafana.monitoring.svc\n";
    let staging = "oncall:\n  base_url: oncall.staging.example.org\n";
    let dir = TempDir::with_files(
        "gitops-layered",
        &[
            ("platform/Chart.yaml", chart),
            ("platform/values.yaml", &base),
            ("platform/values-prod.yaml", prod),
            ("platform/values-staging.yaml", staging),
        ],
    );
    let run = dir.run(&["--format", "concise", "--no-config", "platform"]);
    // values.yaml alone would lack `base_url` (OC015); each overlay over it does not, and
    // only prod's URL lacks a scheme
    assert_eq!(
        places(&run),
        [(
            "platform/values-prod.yaml".to_owned(),
            4,
            "OC006".to_owned()
        )],
        "{}{}",
        run.stdout(),
        run.stderr
    );
}

#[test]
fn a_baseline_hides_a_manifests_findings_and_new_ones_still_show() {
    let bare = suppressed()
        .replace(" # oncall-lint: ignore[OC090] kept for the old chart", "")
        .replace(" # oncall-lint: ignore[OC015] kept for now", "");
    let dir = TempDir::with_files("gitops-baseline", &[("releases.yaml", &bare)]);
    let written = dir.run(&[
        "--no-config",
        "--write-baseline",
        "baseline.json",
        "releases.yaml",
    ]);
    written.assert_sane();
    let hidden = dir.run(&[
        "--no-config",
        "--format",
        "concise",
        "--baseline",
        "baseline.json",
        "releases.yaml",
    ]);
    assert_eq!(hidden.code(), Some(0), "{}", hidden.stdout());
    // a new mistake inside the values string is reported, at its line in the manifest
    let worse = bare.replace(
        "          url: http://grafana.monitoring.svc:80\n        celery:",
        "          url: grafana.monitoring.svc\n        celery:",
    );
    dir.write("releases.yaml", &worse);
    let run = dir.run(&[
        "--no-config",
        "--format",
        "concise",
        "--baseline",
        "baseline.json",
        "releases.yaml",
    ]);
    assert_eq!(
        places(&run),
        [("releases.yaml".to_owned(), 16, "OC006".to_owned())],
        "{}",
        run.stdout()
    );
}

#[test]
fn a_secrets_value_at_a_target_path_is_not_read_and_said() {
    let manifest = "\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: oncall
  namespace: oncall
spec:
  chart:
    spec:
      chart: oncall
      version: 1.16.9
  valuesFrom:
    - kind: Secret
      name: oncall-db
      valuesKey: url
      targetPath: externalPostgresql.host
  values:
    base_url: oncall.example.org
    grafana:
      enabled: false
    externalGrafana:
      url: http://grafana.monitoring.svc:80
---
apiVersion: v1
kind: Secret
metadata:
  name: oncall-db
  namespace: oncall
stringData:
  url: db-hunter2secretvalue.example.org
";
    let dir = TempDir::with_files("gitops-target-path", &[("oncall.yaml", manifest)]);
    for format in ["text", "json", "concise"] {
        let run = dir.run(&["--no-config", "--format", format, "oncall.yaml"]);
        run.assert_sane();
        let all = format!("{}{}", run.stdout(), run.stderr);
        assert!(!all.contains("hunter2secretvalue"), "{format}:\n{all}");
        assert!(
            all.contains("is not read, so it is never shown"),
            "{format}:\n{all}"
        );
    }
}
