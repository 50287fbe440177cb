//! Realistic values files, written the way public GitOps repositories write them (Argo CD and
//! Flux layouts, umbrella charts, air-gapped installs, the grafana chart alone or inside
//! kube-prometheus-stack, provisioning files and manifests, another chart's values): each
//! gives exactly the findings listed, each with the reason it is right. Anything else the
//! linter says about them would be a false alarm.

mod support;

use std::path::Path;

use oncall_lint_core::{Diagnostic, InputFile, lint_release};

/// A finding: its code, severity, key path of the primary location and line.
type Finding = (&'static str, &'static str, &'static str, usize);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn summarize(diagnostics: &[Diagnostic]) -> Vec<(String, String, String, usize)> {
    let mut got: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            (
                d.code().to_owned(),
                d.severity.as_str().to_owned(),
                d.primary.key_path.to_string(),
                d.primary.start().line,
            )
        })
        .collect();
    got.sort();
    got
}

fn check(name: &str, diagnostics: &[Diagnostic], expected: &[Finding]) {
    let got = summarize(diagnostics);
    let mut want: Vec<_> = expected
        .iter()
        .map(|(c, s, k, l)| ((*c).to_owned(), (*s).to_owned(), (*k).to_owned(), *l))
        .collect();
    want.sort();
    assert_eq!(
        got,
        want,
        "{name}: findings differ; messages:\n{}",
        diagnostics
            .iter()
            .map(|d| format!(
                "  {} {}:{} {}",
                d.code(),
                d.primary.file.path(),
                d.primary.start().line,
                d.message
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Lints one file the way the CLI does: its header's options, a `Chart.yaml` beside it, and
/// as a whole release (what no file sets is the chart's default).
fn file(name: &str, expected: &[Finding]) {
    let path = root().join("testdata/realistic").join(name);
    let bytes = std::fs::read(&path).expect("readable");
    let mut options = support::options_from_header(&String::from_utf8_lossy(&bytes));
    options.release.whole = true;
    options.release.chart_yaml = path
        .parent()
        .and_then(|d| std::fs::read_to_string(d.join("Chart.yaml")).ok());
    let report = oncall_lint_core::lint_bytes(&support::relative(&path), bytes, &options);
    check(name, &report.diagnostics, expected);
}

/// Lints `-f` files as one release, with the options of the first file's header: a whole
/// release, as the CLI takes the `-f` files of one run.
fn release(names: &[&str], header: &str, expected: &[Finding]) {
    let mut options = support::options_from_header(header);
    options.release.whole = true;
    let inputs = names
        .iter()
        .map(|n| {
            let path = root().join("testdata/realistic").join(n);
            InputFile {
                path: support::relative(&path),
                bytes: std::fs::read(&path).expect("readable"),
            }
        })
        .collect();
    let report = lint_release(inputs, &options);
    check(&names.join(" + "), &report.diagnostics, expected);
}

#[test]
fn production_with_bundled_grafana_and_managed_databases_is_clean() {
    // external Postgres and Redis with existing secrets, the plugin pinned to the engine,
    // its own provisioning ConfigMap for release `oncall`, OAuth `token_url` (an address)
    file(
        "argocd/oncall-prod/values.yaml",
        &[
            // cert-manager is off but the chart's `cert-manager.io/issuer: letsencrypt-prod`
            // merges in next to the `cluster-issuer` written here: cert-manager refuses both
            ("OC074", "warning", "cert-manager.enabled", 100),
            // the in-cluster RabbitMQ keeps chart 1.16.9's `bitnami/rabbitmq:3.12.0-debian-11-r0`,
            // which Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "rabbitmq.image", 117),
        ],
    );
}

#[test]
fn argo_cd_application_manifest_is_not_values() {
    // a Kubernetes manifest: only embedded plugin provisioning would be checked, and it has none
    file("argocd/application.yaml", &[]);
}

#[test]
fn external_grafana_in_another_namespace_is_clean() {
    file(
        "external-grafana/values.yaml",
        &[
            // cert-manager is off but the chart's `cert-manager.io/issuer: letsencrypt-prod`
            // merges in next to the `cluster-issuer` written here: cert-manager refuses both
            ("OC074", "warning", "cert-manager.enabled", 30),
            // the bundled MariaDB of chart 1.16.9 (mariadb 23.2.1) runs `bitnami/mariadb:latest`
            ("OC071", "warning", "mariadb.image", 33),
            // the bundled RabbitMQ and Redis keep the pinned `docker.io/bitnami` tags Bitnami
            // no longer serves: ImagePullBackOff
            ("OC070", "error", "rabbitmq.image", 45),
            ("OC070", "error", "redis.image", 50),
        ],
    );
    // the provisioning file on the Grafana side names the engine with its namespace
    file("external-grafana/grafana-provisioning.yaml", &[]);
}

#[test]
fn umbrella_chart_with_chart_yaml() {
    file(
        "umbrella/values.yaml",
        &[
            // `env` map value `true`: the chart writes it unquoted, Kubernetes rejects a boolean
            (
                "OC050",
                "error",
                "oncall.env.FEATURE_SLACK_INTEGRATION_ENABLED",
                17,
            ),
            // `"False"` is quoted here but rendered unquoted, where YAML reads it as a boolean
            (
                "OC050",
                "error",
                "oncall.env.FEATURE_TELEGRAM_INTEGRATION_ENABLED",
                18,
            ),
            // the chart's `cert-manager.io/issuer: letsencrypt-prod` merges in next to the
            // `cluster-issuer` written here while cert-manager is off: cert-manager refuses both
            ("OC074", "warning", "oncall.cert-manager.enabled", 32),
            // chart 1.15.6 (Chart.yaml) pins mariadb 10.11.4, rabbitmq 3.12.0 and redis 6.2.7
            // under `docker.io/bitnami`, tags Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "oncall.mariadb.image", 40),
            ("OC070", "error", "oncall.rabbitmq.image", 43),
            ("OC070", "error", "oncall.redis.image", 46),
        ],
    );
}

#[test]
fn umbrella_chart_detected_under_its_alias() {
    file(
        "umbrella-alias/values.yaml",
        &[
            // release `alerting` keeps the chart's provisioning, hardcoded for `helm-testing`:
            // the plugin calls helm-testing-oncall-engine, which does not exist
            ("OC004", "error", "oncall-app.grafana.extraVolumes", 10),
            // and reports Grafana as `helm-testing-grafana` (the chart's `server.domain`)
            // while the Service is alerting-grafana: another key, another fix
            (
                "OC005",
                "error",
                "oncall-app.grafana.\"grafana.ini\".server.root_url",
                10,
            ),
            // the `redis` written here keeps the pinned `bitnami/redis:6.2.7-debian-11-r11`,
            // which Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "oncall-app.redis.image", 14),
            // a whole release under the alias: no `existingSecret`, so the engine's keys change at every upgrade
            ("OC024", "warning", "oncall-app.oncall.secrets", 6),
            // the bundled RabbitMQ keeps the tag Bitnami no longer serves
            ("OC070", "error", "oncall-app.rabbitmq.image", 6),
            // chart 1.16.9's mariadb 23.2.1 floats on `latest`
            ("OC071", "warning", "oncall-app.mariadb.image", 6),
            // the retired ingress-nginx 4.1.4 is deployed by default
            ("OC072", "warning", "oncall-app.ingress-nginx.enabled", 6),
            // and cert-manager v1.8.0 with its CRDs
            ("OC073", "warning", "oncall-app.cert-manager.enabled", 6),
        ],
    );
}

#[test]
fn layered_flux_releases() {
    let header = "# oncall-lint-test: --release oncall --namespace oncall";
    // base + staging: the base's provisioning volume and ConfigMap survive, the toggle string
    // keeps externalServiceAccounts
    release(
        &["flux/base/values.yaml", "flux/staging/values.yaml"],
        header,
        &[
            // the base turns cert-manager off, but the chart's `cert-manager.io/issuer:
            // letsencrypt-prod` merges in next to its `cluster-issuer`: cert-manager refuses both
            ("OC074", "warning", "cert-manager.enabled", 18),
            // staging's bundled MariaDB (chart 1.16.9: mariadb 23.2.1) runs `mariadb:latest`
            ("OC071", "warning", "mariadb.image", 13),
            // staging's bundled RabbitMQ and Redis keep the pinned `docker.io/bitnami` tags
            // Bitnami no longer serves: ImagePullBackOff
            ("OC070", "error", "rabbitmq.image", 19),
            ("OC070", "error", "redis.image", 22),
        ],
    );
    release(
        &["flux/base/values.yaml", "flux/prod/values.yaml"],
        header,
        &[
            // prod's `extraVolumes`/`extraVolumeMounts` (a CA bundle) replace the base's lists:
            // the provisioning volume and mount are both gone, so nothing provisions the plugin
            // (a warning: it could be set up through Grafana's API)
            ("OC031", "warning", "grafana.extraVolumeMounts", 56),
            // and the base's own provisioning ConfigMap is left with no volume mounting it
            (
                "OC039",
                "warning",
                "grafana.extraObjects[0].metadata.name",
                37,
            ),
            // as with staging: the chart's `cert-manager.io/issuer` stays next to the base's
            // `cluster-issuer` while cert-manager is off: cert-manager refuses both
            ("OC074", "warning", "cert-manager.enabled", 18),
            // prod keeps the bundled Redis on its pinned `bitnami/redis:6.2.7-debian-11-r11`,
            // which Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "redis.image", 42),
        ],
    );
}

#[test]
fn air_gapped_install_with_an_init_container() {
    file(
        "airgapped/values.yaml",
        &[
            // cert-manager is off but the chart's `cert-manager.io/issuer: letsencrypt-prod`
            // merges in next to the `cluster-issuer` written here: cert-manager refuses both
            ("OC074", "warning", "cert-manager.enabled", 32),
            // the bundled MariaDB of chart 1.16.9 runs `mariadb:latest` (from the mirror too):
            // a re-mirrored `latest` can upgrade the data on the volume in place
            ("OC071", "warning", "mariadb.image", 43),
            // everything else that calls grafana.com is off; the plugin signing keys are still
            // fetched (the bundled Grafana 11.1.4 has the setting); info, as it only logs
            ("OC046", "info", "grafana.\"grafana.ini\".plugins", 70),
            // the engine's `env` keeps its usage report, Cloud heartbeat and Cloud
            // notifications on (the engine's defaults): each only logs an error here
            ("OC046", "info", "env", 5),
            // `existingSecret` without the key names `secretKey`/`mirageSecretKey`: the chart's `required` stops `helm install`
            ("OC024", "error", "oncall.secrets.existingSecret", 36),
        ],
    );
}

#[test]
fn grafana_chart_alone_hosting_the_plugin_is_clean() {
    file("grafana-chart/values.yaml", &[]);
    // air-gapped: plugin baked into the image, preinstall and phone-home off
    file(
        "grafana-chart/airgapped-values.yaml",
        &[
            // `accessControlOnCall: false`, copied from the oncall chart's values, names a
            // toggle Grafana 11.6 removed: harmless, and nothing to keep
            (
                "OC057",
                "info",
                "\"grafana.ini\".feature_toggles.accessControlOnCall",
                41,
            ),
        ],
    );
}

#[test]
fn kube_prometheus_stack_grafana_hosting_the_plugin_is_clean() {
    file("kube-prometheus-stack/values.yaml", &[]);
}

#[test]
fn provisioning_file_and_configmap() {
    file(
        "provisioning/grafana-oncall-app.yaml",
        &[
            // the Grafana org id (1) copied into OnCall's orgId, which the engine fixes at 100
            ("OC001", "error", "apps[0].jsonData.orgId", 12),
        ],
    );
    // a sidecar-labelled ConfigMap with correct provisioning, and a Secret after it
    file("manifests/oncall-plugin-configmap.yaml", &[]);
}

#[test]
fn chart_1_9_22_install() {
    file(
        "legacy/values.yaml",
        &[
            // grafana.com listed plugin versions up to 1.9.26 as `v1.9.22`: without the `v` the
            // download is likely not found (a warning: the rule says "likely")
            ("OC022", "warning", "grafana.plugins[0]", 38),
            // cert-manager is off, and the annotation written here names the Issuer the chart
            // creates only with its bundled cert-manager: no certificate is issued
            (
                "OC074",
                "warning",
                "ingress.annotations.\"cert-manager.io/issuer\"",
                20,
            ),
            // chart 1.9.22 bundles mariadb 12.2.5, whose `bitnami/mariadb:10.11.4-debian-11-r0`
            // Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "mariadb.image", 29),
            // `existingSecret` without the key names `secretKey`/`mirageSecretKey`: the chart's `required` stops `helm install`
            ("OC024", "error", "oncall.secrets.existingSecret", 10),
            // a whole release: the bundled RabbitMQ keeps `bitnami/rabbitmq:3.12.0-debian-11-r0`, no longer served
            ("OC070", "error", "rabbitmq.image", 3),
            // and the bundled Redis `bitnami/redis:6.2.7-debian-11-r11`
            ("OC070", "error", "redis.image", 3),
            // the chart's default ingress-nginx 4.1.4 (controller v1.2.1, CVE-2025-1974) is deployed
            ("OC072", "warning", "ingress-nginx.enabled", 3),
        ],
    );
}

#[test]
fn values_of_unrelated_charts_give_nothing() {
    // podinfo has `redis`, `ui`, `image`, `ingress` and `env` like the oncall chart
    file("unrelated/values.yaml", &[]);
    // bitnami keycloak has `postgresql`, `auth` and `ingress`
    file("unrelated/keycloak-values.yaml", &[]);
}

#[test]
fn values_copied_from_a_blog() {
    file(
        "blog-copy/values.yaml",
        &[
            // the chart prepends `base_url_protocol`: BASE_URL becomes http://https://...
            ("OC015", "error", "base_url", 3),
            // a string replaces the chart's `externalServiceAccounts` toggle
            (
                "OC010",
                "error",
                "grafana.\"grafana.ini\".feature_toggles.enable",
                10,
            ),
            // the plugin pinned to 1.10.2 while the (assumed latest) engine is 1.16.9: info,
            // since no chart version was given
            ("OC021", "info", "grafana.plugins[0]", 12),
            // `v1.10.2` does not exist on grafana.com: the download 404s, Grafana crash-loops
            ("OC022", "error", "grafana.plugins[0]", 12),
            // the dashboards volume replaces the chart's list; the provisioning mount remains
            // and names a volume that is gone: the pod is rejected
            ("OC030", "error", "grafana.extraVolumes", 13),
            // `grafana.enabled` is left at true: the URL is ignored, a second Grafana deployed
            ("OC014", "warning", "externalGrafana.url", 19),
            // a password in the values file (info: hardening)
            ("OC048", "info", "rabbitmq.auth.password", 33),
            // cert-manager is off, but the chart's `cert-manager.io/issuer: letsencrypt-prod`
            // stays (Helm merges annotations): it names an Issuer nothing creates
            ("OC074", "warning", "cert-manager.enabled", 22),
            // the `rabbitmq` written here keeps chart 1.16.9's pinned `bitnami/rabbitmq` tag,
            // which Bitnami moved to bitnamilegacy: ImagePullBackOff
            ("OC070", "error", "rabbitmq.image", 31),
            // a whole release: no `existingSecret`, so the engine's keys change at every upgrade
            ("OC024", "warning", "oncall.secrets", 3),
            // the bundled Redis's tag is no longer served (RabbitMQ's is reported where the file writes it)
            ("OC070", "error", "redis.image", 3),
            // chart 1.16.9's mariadb floats on `latest`
            ("OC071", "warning", "mariadb.image", 3),
        ],
    );
}

#[test]
fn quickstart_from_the_chart_readme() {
    file(
        "quickstart/values-local.yaml",
        &[
            // the chart's external Service template reads `type`, `port` and `annotations`
            // only: the node port is ignored and Kubernetes picks a random one
            ("OC090", "warning", "service.nodePort", 23),
            // a whole release: `localhost` links point at the reader's machine (what the CLI says of this file)
            ("OC015", "warning", "base_url", 4),
            // no `existingSecret`: the engine's keys change at every upgrade
            ("OC024", "warning", "oncall.secrets", 4),
            // the bundled RabbitMQ's tag is no longer served
            ("OC070", "error", "rabbitmq.image", 4),
            // nor the bundled Redis's
            ("OC070", "error", "redis.image", 4),
            // chart 1.16.9's mariadb floats on `latest`
            ("OC071", "warning", "mariadb.image", 4),
        ],
    );
}
