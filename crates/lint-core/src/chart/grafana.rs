//! What oncall-lint knows about the grafana chart on its own: every chart version of both
//! repositories that published it with the Grafana version it runs, the versions whose
//! defaults and values schema are embedded, and which of those stands for a version in
//! between.
//!
//! The grafana chart keeps moving while the oncall chart is frozen: it moved from
//! `grafana/helm-charts` (up to 10.5.15, Grafana 12.3.1) to `grafana-community/helm-charts`
//! (10.6.0 on; 11.0.0 = Grafana 12.3.1, 12.0.0 = 13.0.0, 12.11.1 = 13.2.0), and from 11.1.1
//! its `plugins` become `GF_PLUGINS_PREINSTALL_SYNC`. Values of the grafana chart (alone, or
//! under kube-prometheus-stack's `grafana:`) are judged by the version that renders them,
//! not by the one the oncall chart bundles. The version table is generated at build time
//! from `data/grafana-charts/versions.tsv` (`build/grafana_versions.rs`; its README names
//! the source); the defaults are packed like the oncall chart's (`data/charts/`).

use std::sync::OnceLock;

use super::{Version, parse_version, show_version};
use crate::values::{Kind, Map, Origin, Value};

/// The repository that published a grafana chart version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repository {
    /// `grafana/helm-charts`: every version up to 10.5.15.
    Grafana,
    /// `grafana-community/helm-charts`: from 10.6.0 (January 2026).
    GrafanaCommunity,
}

impl Repository {
    /// The repository as GitHub names it.
    pub fn name(self) -> &'static str {
        match self {
            Repository::Grafana => "grafana/helm-charts",
            Repository::GrafanaCommunity => "grafana-community/helm-charts",
        }
    }
}

/// One published version of the grafana chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrafanaChartRelease {
    /// The chart version, as its `Chart.yaml` writes it.
    pub version: &'static str,
    /// It, parsed.
    pub parsed: Version,
    /// The Grafana version it runs (its `appVersion`); `None` for the early `stable/grafana`
    /// versions, whose `Chart.yaml` had none.
    pub app_version: Option<&'static str>,
    /// Where it was published.
    pub repository: Repository,
}

include!(concat!(env!("OUT_DIR"), "/grafana_chart_versions.rs"));

/// Every published grafana chart version, oldest first.
pub fn releases() -> &'static [GrafanaChartRelease] {
    &GRAFANA_CHART_VERSIONS
}

/// The published grafana chart version `version` is (`12.11.1`, `v12.11.1`), or `None` when
/// it is none (a fork's number, a version not yet known, not a version).
pub fn release(version: &str) -> Option<&'static GrafanaChartRelease> {
    let text = version.trim().trim_start_matches(['v', 'V']);
    let parsed = plain_version(text)?;
    GRAFANA_CHART_VERSIONS
        .binary_search_by_key(&parsed, |r| r.parsed)
        .ok()
        .map(|index| &GRAFANA_CHART_VERSIONS[index])
}

/// `X.Y.Z` exactly (a pre-release or a range is not one published version).
fn plain_version(text: &str) -> Option<Version> {
    let mut parts = text.split('.').map(str::parse::<u64>);
    let v = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    parts.next().is_none().then_some(v)
}

/// Checks a grafana chart version the user gives (`what` names where:
/// `--grafana-chart-version`, `` `chart.grafana-version` ``): it must read as one version,
/// `X.Y.Z`. A version the table does not have (newer than oncall-lint, a fork's) is taken,
/// over the nearest embedded defaults, and said.
pub fn given_version(what: &str, version: &str) -> Result<(), String> {
    let text = version.trim().trim_start_matches(['v', 'V']);
    if plain_version(text).is_some() {
        Ok(())
    } else {
        Err(format!(
            "{what} `{version}` is not a grafana chart version (X.Y.Z; known are {} … {})",
            releases()[0].version,
            latest_release().version
        ))
    }
}

/// The newest published grafana chart version oncall-lint knows.
pub fn latest_release() -> &'static GrafanaChartRelease {
    &GRAFANA_CHART_VERSIONS[GRAFANA_CHART_VERSIONS.len() - 1]
}

/// The newest published version whose Grafana (`appVersion`) has the major and minor
/// version of `grafana` (`11.4.0` → the newest chart shipping Grafana 11.4), else the
/// newest whose Grafana is older: the chart a values file that pins Grafana's image most
/// likely runs. `None` when `grafana` is not a version, or older than every chart's.
pub fn release_shipping(grafana: &str) -> Option<&'static GrafanaChartRelease> {
    let wanted = parse_version(grafana)?;
    let shipped = |r: &&GrafanaChartRelease| r.app_version.and_then(parse_version);
    let same_minor = GRAFANA_CHART_VERSIONS
        .iter()
        .rev()
        .find(|r| shipped(r).is_some_and(|v| (v.0, v.1) == (wanted.0, wanted.1)));
    same_minor.or_else(|| {
        GRAFANA_CHART_VERSIONS
            .iter()
            .rev()
            .find(|r| shipped(r).is_some_and(|v| v <= wanted))
    })
}

/// The newest published version a range allows (`~12.0.0`, `12.x`, `>=11.0.0 <12`, `*`),
/// as Flux, helmfile and Kustomize install it; a plain version is itself. `None` when the
/// text reads as no version, or the range allows none oncall-lint knows.
pub fn release_matching(range: &str) -> Option<String> {
    let text = range.trim();
    if let Some(found) = release(text) {
        return Some(found.version.to_owned());
    }
    let open =
        text.is_empty() || matches!(text, "*" | "x" | "X") || text.eq_ignore_ascii_case("latest");
    if open {
        return Some(latest_release().version.to_owned());
    }
    text.split("||")
        .filter_map(|alternative| {
            let comparators = comparators(alternative);
            let bounds: Vec<(Version, Version)> = comparators
                .iter()
                .map(|c| super::allowed(c))
                .collect::<Option<_>>()?;
            GRAFANA_CHART_VERSIONS
                .iter()
                .rev()
                .find(|r| bounds.iter().all(|(l, h)| *l <= r.parsed && r.parsed < *h))
        })
        .max_by_key(|r| r.parsed)
        .map(|r| r.version.to_owned())
}

/// The comparators of one range alternative (`>= 1.3.0` is one: an operator alone is
/// glued to the version after it).
fn comparators(range: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for token in range.split([',', ' ']).filter(|t| !t.is_empty()) {
        if token.chars().all(|c| "<>=~^".contains(c)) {
            pending.push_str(token);
        } else {
            out.push(format!("{pending}{token}"));
            pending.clear();
        }
    }
    out
}

/// A grafana chart version whose defaults (its `values.yaml`) and values schema
/// (`schemas/grafana-<version>.values.schema.json`) are embedded.
#[derive(Debug)]
pub struct GrafanaDefaults {
    /// The chart version.
    pub version: &'static str,
    /// It, parsed.
    pub parsed: Version,
    /// Its defaults, packed by `build.rs` from `data/charts/grafana-<version>.json`.
    packed: &'static [u8],
    /// The defaults, under `grafana` (where a release holds grafana chart values).
    mounted: OnceLock<Value>,
}

/// Two embedded versions are the same when their versions are.
impl PartialEq for GrafanaDefaults {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

impl Eq for GrafanaDefaults {}

macro_rules! embedded {
    ($version:literal, $parsed:expr) => {
        GrafanaDefaults {
            version: $version,
            parsed: $parsed,
            packed: include_bytes!(concat!(
                env!("OUT_DIR"),
                "/charts/grafana-",
                $version,
                ".bin"
            )),
            mounted: OnceLock::new(),
        }
    };
}

/// The embedded grafana chart versions, oldest first: the two the oncall chart bundles
/// (6.57.1 up to oncall 1.9.22, 8.4.6 after), the last of `grafana/helm-charts` (10.5.15),
/// the first whose `plugins` are `GF_PLUGINS_PREINSTALL_SYNC` (11.1.1, grafana-community
/// PR #72) and the newest known (12.11.1).
pub static EMBEDDED: [GrafanaDefaults; 5] = [
    embedded!("6.57.1", (6, 57, 1)),
    embedded!("8.4.6", (8, 4, 6)),
    embedded!("10.5.15", (10, 5, 15)),
    embedded!("11.1.1", (11, 1, 1)),
    embedded!("12.11.1", (12, 11, 1)),
];

impl GrafanaDefaults {
    /// The embedded version `version` names exactly.
    pub fn named(version: &str) -> Option<&'static GrafanaDefaults> {
        let parsed = parse_version(version)?;
        EMBEDDED.iter().find(|e| e.parsed == parsed)
    }

    /// The embedded version that stands for `version`: the nearest at or below it (the
    /// oldest for an older one); `None` when the text is not a version.
    pub fn for_version(version: &str) -> Option<&'static GrafanaDefaults> {
        let parsed = parse_version(version)?;
        Some(
            EMBEDDED
                .iter()
                .rev()
                .find(|e| e.parsed <= parsed)
                .unwrap_or(&EMBEDDED[0]),
        )
    }

    /// The newest embedded version.
    pub fn latest() -> &'static GrafanaDefaults {
        &EMBEDDED[EMBEDDED.len() - 1]
    }

    /// The chart's defaults (its `values.yaml`), each with the chart as its origin.
    pub fn values(&'static self) -> Value {
        let origin = Origin::Default {
            chart: "grafana",
            version: self.version,
        };
        Value::from_packed(self.packed, &origin)
    }

    /// The chart's defaults under `grafana`: what values of the grafana chart, alone or
    /// under another chart's `grafana:`, go over.
    pub fn mounted(&'static self) -> &'static Value {
        self.mounted.get_or_init(|| {
            let origin = Origin::Default {
                chart: "grafana",
                version: self.version,
            };
            let mut map = Map::default();
            map.insert("grafana".to_owned(), self.values());
            Value::new(Kind::map(map), origin)
        })
    }

    /// The file name of its values schema.
    pub fn schema_file(&self) -> String {
        format!("grafana-{}.values.schema.json", self.version)
    }
}

/// Where the grafana chart version of a release comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrafanaChartSource {
    /// The oncall chart bundles it (values of the oncall chart): its version decides.
    Bundled,
    /// `--grafana-chart-version`, or the config's `chart: {grafana-version: ...}`.
    Given,
    /// A `grafana` dependency of the `Chart.yaml`/`Chart.lock` beside the values.
    ChartYaml,
    /// The GitOps manifest that installs the grafana chart (or one that depends on it).
    Manifest,
    /// Nothing said but Grafana's `image.tag`: the newest chart that ships that Grafana
    /// is assumed ([`release_shipping`]).
    ImageTag,
    /// Nothing said: the newest known version is assumed.
    Assumed,
}

impl GrafanaChartSource {
    /// How notes say it: `from --grafana-chart-version`.
    pub fn describe(self) -> &'static str {
        match self {
            GrafanaChartSource::Bundled => "bundled by the oncall chart",
            GrafanaChartSource::Given => "given (--grafana-chart-version or the config)",
            GrafanaChartSource::ChartYaml => "from the Chart.yaml beside the values",
            GrafanaChartSource::Manifest => "from the manifest that installs it",
            GrafanaChartSource::ImageTag => {
                "assumed from `image.tag`: the newest chart that ships that Grafana"
            }
            GrafanaChartSource::Assumed => "assumed: the newest known",
        }
    }
}

/// The grafana chart version that renders a release's Grafana: the version, the Grafana it
/// runs, and the embedded defaults and schema that stand for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrafanaChart {
    /// The chart version (as given, or the one bundled or assumed).
    pub version: String,
    /// The Grafana version it runs (its appVersion from the table; for a version the table
    /// does not have, that of the embedded version standing for it).
    pub app_version: String,
    /// The embedded defaults and schema standing for it (the nearest at or below it).
    pub defaults: &'static GrafanaDefaults,
    /// Where the version comes from.
    pub source: GrafanaChartSource,
    /// Whether the version is a published one the table has.
    pub known: bool,
}

impl GrafanaChart {
    /// The grafana chart `version` from `source`; `None` when the text is not a version.
    pub fn of(version: &str, source: GrafanaChartSource) -> Option<GrafanaChart> {
        let defaults = GrafanaDefaults::for_version(version)?;
        let found = release(version);
        let app_version = found
            .and_then(|r| r.app_version)
            .or_else(|| release(defaults.version).and_then(|r| r.app_version))
            .unwrap_or_default()
            .to_owned();
        let version = match found {
            Some(r) => r.version.to_owned(),
            None => parse_version(version).map_or_else(|| version.to_owned(), show_version),
        };
        Some(GrafanaChart {
            version,
            app_version,
            defaults,
            source,
            known: found.is_some(),
        })
    }

    /// The grafana chart the oncall chart `state` bundles.
    pub fn bundled(state: &super::ChartState) -> GrafanaChart {
        GrafanaChart::of(state.grafana_chart, GrafanaChartSource::Bundled).unwrap_or_else(|| {
            // the bundled versions are embedded: this is not reached
            GrafanaChart::assumed()
        })
    }

    /// The newest known version, assumed.
    pub fn assumed() -> GrafanaChart {
        let latest = latest_release();
        GrafanaChart {
            version: latest.version.to_owned(),
            app_version: latest.app_version.unwrap_or_default().to_owned(),
            defaults: GrafanaDefaults::for_version(latest.version)
                .unwrap_or_else(GrafanaDefaults::latest),
            source: GrafanaChartSource::Assumed,
            known: true,
        }
    }

    /// Whether the embedded defaults are another version's (the nearest at or below).
    pub fn stands_in(&self) -> bool {
        parse_version(&self.version) != Some(self.defaults.parsed)
    }
}

/// Keys that kube-prometheus-stack and victoria-metrics-k8s-stack read under their
/// `grafana:` (their own templates, not the grafana chart's): not unknown keys there. A
/// key ending in `.` stands for everything below it. Sources: kube-prometheus-stack
/// `values.yaml` and `templates/` (prometheus-community/helm-charts, charts/
/// kube-prometheus-stack, 88.5.3 at cf408a290aec489277a94450bb3511432477a53a, and the
/// versions of June 2021 to June 2025), victoria-metrics-k8s-stack `values.yaml` and
/// `templates/` (VictoriaMetrics/helm-charts 5823471ac22e94c4eda66ac80878ccfb68272e06).
pub const PARENT_CHART_KEYS: &[&str] = &[
    "additionalDataSources",
    "additionalDataSourcesString",
    "defaultDashboardsEditable",
    "defaultDashboardsEnabled",
    "defaultDashboardsInterval",
    "defaultDashboardsTimezone",
    "deleteDatasources",
    "forceDeployDashboards",
    "forceDeployDatasource",
    "forceDeployDatasources",
    "name",
    "operator.",
    "prune",
    "serviceMonitor.selfMonitor",
    "sidecar.dashboards.annotations",
    "sidecar.dashboards.enableNewTablePanelSyntax",
    "sidecar.dashboards.multicluster.",
    "sidecar.datasources.alertmanager.",
    "sidecar.datasources.annotations",
    "sidecar.datasources.createPrometheusReplicasDatasources",
    "sidecar.datasources.customQueryParameters",
    "sidecar.datasources.defaultDatasourceEnabled",
    "sidecar.datasources.defaultDatasourceScrapeInterval",
    "sidecar.datasources.exemplarTraceIdDestinations.",
    "sidecar.datasources.extraJsonData",
    "sidecar.datasources.httpMethod",
    "sidecar.datasources.isDefaultDatasource",
    "sidecar.datasources.name",
    "sidecar.datasources.prometheusServiceName",
    "sidecar.datasources.timeout",
    "sidecar.datasources.uid",
    "sidecar.datasources.url",
    "vmScrape.",
];

/// Whether `path` (keys below the grafana chart's values) is one a parent chart reads
/// under its `grafana:` (see [`PARENT_CHART_KEYS`]).
pub fn parent_chart_key(path: &[&str]) -> bool {
    let dotted = path.join(".");
    PARENT_CHART_KEYS
        .iter()
        .any(|key| match key.strip_suffix('.') {
            Some(prefix) => dotted == prefix || dotted.starts_with(*key),
            None => dotted == *key,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is the checked-in file, row for row.
    #[test]
    fn the_table_is_the_data_file() {
        let text = include_str!("../../data/grafana-charts/versions.tsv");
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(releases().len(), rows.len());
        for row in &rows {
            // `0.6`, as one early Chart.yaml wrote it, is 0.6.0
            let version = match row[1].split('.').count() {
                2 => format!("{}.0", row[1]),
                _ => row[1].to_owned(),
            };
            let found = release(&version).unwrap_or_else(|| panic!("{row:?}"));
            assert_eq!(found.version, row[1]);
            assert_eq!(found.repository.name(), row[0]);
            assert_eq!(found.app_version.unwrap_or(""), row[2]);
        }
        let community = rows
            .iter()
            .filter(|r| r[0] == "grafana-community/helm-charts");
        assert_eq!(community.count(), 68);
        assert_eq!(rows.len(), 850);
        assert!(releases().windows(2).all(|w| w[0].parsed < w[1].parsed));
    }

    #[test]
    fn known_rows() {
        let row = |v: &str| release(v).map(|r| (r.app_version, r.repository));
        assert_eq!(row("6.57.1"), Some((Some("9.5.3"), Repository::Grafana)));
        assert_eq!(row("8.4.6"), Some((Some("11.1.4"), Repository::Grafana)));
        // the last of grafana/helm-charts
        assert_eq!(row("10.5.15"), Some((Some("12.3.1"), Repository::Grafana)));
        assert_eq!(
            row("10.6.0").map(|r| r.1),
            Some(Repository::GrafanaCommunity)
        );
        assert_eq!(
            row("11.0.0"),
            Some((Some("12.3.1"), Repository::GrafanaCommunity))
        );
        assert_eq!(
            row("11.1.1"),
            Some((Some("12.3.2"), Repository::GrafanaCommunity))
        );
        assert_eq!(
            row("12.0.0"),
            Some((Some("13.0.0"), Repository::GrafanaCommunity))
        );
        assert_eq!(
            row("v12.11.1"),
            Some((Some("13.2.0"), Repository::GrafanaCommunity))
        );
        assert_eq!(latest_release().version, "12.11.1");
        assert_eq!(row("0.2.0"), Some((None, Repository::Grafana)));
        assert_eq!(row("10.5.16"), None);
        assert_eq!(row("12.11"), None);
    }

    #[test]
    fn embedded_versions_stand_for_the_versions_after_them() {
        let stand = |v: &str| GrafanaDefaults::for_version(v).map(|d| d.version);
        assert_eq!(stand("6.0.0"), Some("6.57.1"));
        assert_eq!(stand("8.4.5"), Some("6.57.1"));
        assert_eq!(stand("8.4.6"), Some("8.4.6"));
        assert_eq!(stand("10.5.14"), Some("8.4.6"));
        assert_eq!(stand("10.5.15"), Some("10.5.15"));
        assert_eq!(stand("11.1.0"), Some("10.5.15"));
        assert_eq!(stand("11.1.1"), Some("11.1.1"));
        assert_eq!(stand("12.11.0"), Some("11.1.1"));
        assert_eq!(stand("12.11.1"), Some("12.11.1"));
        assert_eq!(stand("13.0.0"), Some("12.11.1"));
        assert_eq!(stand("latest"), None);
        // every embedded version is a published one
        for embedded in &EMBEDDED {
            assert!(release(embedded.version).is_some(), "{}", embedded.version);
        }
        let chart = GrafanaChart::of("11.4.0", GrafanaChartSource::Given).unwrap();
        assert_eq!(chart.defaults.version, "11.1.1");
        assert!(chart.stands_in());
        assert_eq!(
            chart.app_version,
            release("11.4.0").unwrap().app_version.unwrap()
        );
        let fork = GrafanaChart::of("14.0.0", GrafanaChartSource::ChartYaml).unwrap();
        assert!(!fork.known);
        assert_eq!(fork.app_version, "13.2.0");
    }

    #[test]
    fn ranges_pick_the_newest_published_version() {
        assert_eq!(release_matching("12.11.1").as_deref(), Some("12.11.1"));
        assert_eq!(release_matching("*").as_deref(), Some("12.11.1"));
        assert_eq!(release_matching("").as_deref(), Some("12.11.1"));
        assert_eq!(release_matching("~10.5.0").as_deref(), Some("10.5.15"));
        assert_eq!(release_matching("8.4.x").as_deref(), Some("8.4.9"));
        assert_eq!(release_matching(">=11.0.0 <12").as_deref(), Some("11.6.1"));
        assert_eq!(release_matching("main"), None);
    }

    #[test]
    fn defaults_differ_where_the_charts_do() {
        let has = |v: &str, key: &str| {
            GrafanaDefaults::named(v)
                .unwrap()
                .values()
                .get(&[key])
                .is_some()
        };
        // shadowBundledPlugins is new in the 12.x charts
        assert!(has("12.11.1", "shadowBundledPlugins"));
        assert!(!has("10.5.15", "shadowBundledPlugins"));
        assert!(!has("11.1.1", "shadowBundledPlugins"));
        let tag = GrafanaDefaults::named("11.1.1")
            .unwrap()
            .mounted()
            .get(&["grafana", "service", "port"])
            .map(Value::to_json);
        assert_eq!(tag, Some(serde_json::json!(80)));
    }

    #[test]
    fn parent_chart_keys_are_matched_by_path() {
        assert!(parent_chart_key(&["forceDeployDatasources"]));
        assert!(parent_chart_key(&["operator", "folder"]));
        assert!(parent_chart_key(&[
            "sidecar",
            "datasources",
            "alertmanager",
            "uid"
        ]));
        assert!(!parent_chart_key(&["additionalDatasourceFiles"]));
        assert!(!parent_chart_key(&["operatorx"]));
    }
}
