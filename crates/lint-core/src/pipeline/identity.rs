//! Who the release is, from the options: the chart version whose defaults go underneath,
//! the names and namespaces the user gave, and the alias an umbrella `Chart.yaml` gives the
//! oncall chart. Kept apart from the classify stage because it reads only what the user
//! said (flags, config, `Chart.yaml`), never the values.
//!
//! A chart version from a flag or the config that is not an oncall chart release is
//! refused before a run starts (the CLI and `config.rs`). One from a `Chart.yaml` is not:
//! the chart may be a fork with its own numbers, so the nearest known release is used and
//! the `ChartVersion` note says so.

use crate::chart::grafana::{GrafanaChart, GrafanaChartSource};
use crate::chart::{ChartState, known_release, nearest_release};
use crate::options::LintOptions;
use crate::release::{Identity, grafana_version_from_chart_yaml, oncall_alias_from_chart_yaml};

/// The oncall chart version whose defaults go underneath.
#[derive(Debug, Clone)]
pub(super) struct ChartChoice {
    /// Its defaults.
    pub state: &'static ChartState,
    /// The version the user gave (a flag, the config, else a `Chart.yaml`), as written; `None`
    /// when the latest known is assumed. When it is not a known release, the defaults are
    /// the nearest known release's.
    pub given: Option<String>,
    /// The grafana chart version that renders values of the grafana chart (see
    /// [`grafana_chart`]); the oncall chart's values use the one `state` bundles.
    pub grafana: GrafanaChart,
}

impl ChartChoice {
    /// The chart version the options name (the nearest known release when that is not
    /// one), else the latest known.
    pub(super) fn of(options: &LintOptions) -> ChartChoice {
        match requested(options) {
            Some(given) => ChartChoice {
                state: ChartState::for_version(&known_or_nearest(&given))
                    .unwrap_or_else(ChartState::latest),
                given: Some(given),
                grafana: grafana_chart(options),
            },
            None => ChartChoice {
                state: ChartState::latest(),
                given: None,
                grafana: grafana_chart(options),
            },
        }
    }

    /// The grafana chart that renders values of `kind`: the one chosen for the grafana
    /// chart's values, else the one the oncall chart bundles. When nothing names the
    /// grafana chart's version, values that pin Grafana's image (`image.tag` below
    /// `values_root`, the last layer's that has one) most likely run the newest chart that
    /// ships that Grafana, which stands in for the newest known chart.
    pub(super) fn grafana_for(
        &self,
        kind: crate::release::InputKind,
        layers: &[(
            std::sync::Arc<crate::source::SourceFile>,
            crate::yaml::Document,
        )],
        values_root: &[String],
    ) -> GrafanaChart {
        match kind {
            crate::release::InputKind::GrafanaValues
                if self.grafana.source == GrafanaChartSource::Assumed =>
            {
                image_tag(layers, values_root)
                    .and_then(|tag| crate::chart::grafana::release_shipping(&tag))
                    .and_then(|r| GrafanaChart::of(r.version, GrafanaChartSource::ImageTag))
                    .unwrap_or_else(|| self.grafana.clone())
            }
            crate::release::InputKind::GrafanaValues => self.grafana.clone(),
            _ => GrafanaChart::bundled(self.state),
        }
    }
}

/// The grafana chart values' `image.tag` as the last layer that writes it has it, when it
/// is a version (`11.4.0`, `v11.4.0`; not `latest`).
fn image_tag(
    layers: &[(
        std::sync::Arc<crate::source::SourceFile>,
        crate::yaml::Document,
    )],
    values_root: &[String],
) -> Option<String> {
    let mut path: Vec<&str> = values_root.iter().map(String::as_str).collect();
    path.extend(["image", "tag"]);
    layers.iter().rev().find_map(|(_, doc)| {
        let entry = doc.lookup(doc.root?, &path)?;
        let text = doc.scalar_text(entry.value)?.trim();
        text.trim_start_matches(['v', 'V'])
            .starts_with(|c: char| c.is_ascii_digit())
            .then(|| text.to_owned())
    })
}

/// The grafana chart version that renders values of the grafana chart: the one given
/// (`--grafana-chart-version`, the config) or the manifest's, else the `grafana` dependency
/// (or own version) of the `Chart.yaml` beside the values (a range stands for the newest
/// published version in it), else the newest known, assumed.
pub(super) fn grafana_chart(options: &LintOptions) -> GrafanaChart {
    let spec = &options.release;
    let given = spec
        .grafana_chart_version
        .as_ref()
        .and_then(|(version, source)| GrafanaChart::of(version, *source));
    let written = || {
        let text = spec.chart_yaml.as_deref()?;
        let version = grafana_version_from_chart_yaml(text)?;
        let version = crate::chart::grafana::release_matching(&version).unwrap_or(version);
        GrafanaChart::of(&version, GrafanaChartSource::ChartYaml)
    };
    given.or_else(written).unwrap_or_else(GrafanaChart::assumed)
}

/// The chart version the options name: the flag (or config), else the `Chart.yaml`'s (the
/// model's reading, which the version rules share).
fn requested(options: &LintOptions) -> Option<String> {
    crate::model::engine::written_chart_version(
        options.release.chart_version.as_deref(),
        options.release.chart_yaml.as_deref(),
    )
}

/// `version` when it is an oncall chart release, else the nearest one.
fn known_or_nearest(version: &str) -> String {
    match known_release(version) {
        Ok(_) => version.to_owned(),
        Err(why) => nearest_release(why),
    }
}

/// Who the release is, from the options: the names and namespaces the user gave, the chart
/// version (a flag, the config, else a `Chart.yaml`; the nearest known release when it is
/// not one), and the alias an umbrella `Chart.yaml` gives the oncall dependency.
pub(super) fn identity(options: &LintOptions) -> Identity {
    let spec = &options.release;
    let alias = spec
        .chart_yaml
        .as_deref()
        .and_then(|text| oncall_alias_from_chart_yaml(text, spec.values_root.as_deref()));
    Identity {
        name: spec.release_name.clone(),
        alias,
        namespace: spec.namespace.clone(),
        grafana_namespace: spec.grafana_namespace.clone(),
        chart_version: requested(options).map(|v| known_or_nearest(&v)),
        rendered_by: spec.rendered_by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_chart_yaml(text: &str) -> LintOptions {
        let mut options = LintOptions::default();
        options.release.chart_yaml = Some(text.to_owned());
        options
    }

    #[test]
    fn an_alias_in_chart_yaml_is_part_of_the_identity() {
        let options = with_chart_yaml(
            "name: platform\ndependencies:\n  - name: oncall\n    version: 1.16.9\n    alias: irm\n",
        );
        let who = identity(&options);
        assert_eq!(who.alias.as_deref(), Some("irm"));
        assert_eq!(who.chart_version.as_deref(), Some("1.16.9"));
    }

    #[test]
    fn the_grafana_chart_version_is_given_written_or_assumed() {
        let assumed = grafana_chart(&LintOptions::default());
        assert_eq!(assumed.source, GrafanaChartSource::Assumed);
        assert_eq!(assumed.version, "12.11.1");
        let kps = with_chart_yaml(
            "name: kube-prometheus-stack\ndependencies:\n  - name: grafana\n    version: 10.5.x\n",
        );
        let written = grafana_chart(&kps);
        assert_eq!(written.source, GrafanaChartSource::ChartYaml);
        assert_eq!(written.version, "10.5.15");
        assert_eq!(written.defaults.version, "10.5.15");
        let mut given = kps.clone();
        given.release.grafana_chart_version =
            Some(("11.4.0".to_owned(), GrafanaChartSource::Given));
        let chosen = grafana_chart(&given);
        assert_eq!(chosen.source, GrafanaChartSource::Given);
        assert_eq!(
            (chosen.version.as_str(), chosen.defaults.version),
            ("11.4.0", "11.1.1")
        );
        // the oncall chart's values keep the bundled grafana chart
        let choice = ChartChoice::of(&given);
        let bundled = choice.grafana_for(crate::release::InputKind::OncallValues, &[], &[]);
        assert_eq!(bundled.version, "8.4.6");
        assert_eq!(bundled.source, GrafanaChartSource::Bundled);
    }

    /// Parsed layers of one file, for [`ChartChoice::grafana_for`].
    fn layers(
        text: &str,
    ) -> Vec<(
        std::sync::Arc<crate::source::SourceFile>,
        crate::yaml::Document,
    )> {
        let source = std::sync::Arc::new(crate::source::SourceFile::new("values.yaml", text));
        let docs = crate::yaml::parse(text, &crate::yaml::Limits::default()).unwrap_or_default();
        docs.into_iter().map(|d| (source.clone(), d)).collect()
    }

    #[test]
    fn grafana_values_that_pin_the_image_run_the_newest_chart_that_ships_it() {
        let choice = ChartChoice::of(&LintOptions::default());
        let grafana = crate::release::InputKind::GrafanaValues;
        // Grafana 11.4 is shipped by charts 8.6.x to 8.8.x: the newest of them
        let chosen = choice.grafana_for(grafana, &layers("image:\n  tag: 11.4.0\n"), &[]);
        assert_eq!(chosen.source, GrafanaChartSource::ImageTag);
        assert_eq!(
            crate::chart::grafana::release(&chosen.version).and_then(|r| r.app_version),
            Some("11.4.1")
        );
        // under another chart's key, and with a `v`
        let chosen = choice.grafana_for(
            grafana,
            &layers("grafana:\n  image:\n    tag: v12.3.1\n"),
            &["grafana".to_owned()],
        );
        assert_eq!(chosen.source, GrafanaChartSource::ImageTag);
        assert!(chosen.app_version.starts_with("12.3."), "{chosen:?}");
        // no tag, or not a version: the newest known chart, assumed
        for text in ["plugins: []\n", "image:\n  tag: latest\n"] {
            let chosen = choice.grafana_for(grafana, &layers(text), &[]);
            assert_eq!(chosen.source, GrafanaChartSource::Assumed, "{text}");
        }
        // a version given wins over the tag
        let mut options = LintOptions::default();
        options.release.grafana_chart_version =
            Some(("10.5.15".to_owned(), GrafanaChartSource::Given));
        let chosen =
            ChartChoice::of(&options).grafana_for(grafana, &layers("image:\n  tag: 11.4.0\n"), &[]);
        assert_eq!(chosen.version, "10.5.15");
    }

    #[test]
    fn the_oncall_charts_own_version_is_read() {
        let options = with_chart_yaml("name: oncall\nversion: 1.12.1\n");
        let chart = ChartChoice::of(&options);
        assert_eq!(chart.given.as_deref(), Some("1.12.1"));
        assert_eq!(chart.state.version, "1.12.1");
        assert_eq!(identity(&options).alias, None);
    }

    #[test]
    fn a_fork_version_in_chart_yaml_uses_the_nearest_release() {
        let options = with_chart_yaml(
            "name: platform\ndependencies:\n  - name: oncall\n    version: 2.1.0\n",
        );
        let chart = ChartChoice::of(&options);
        assert_eq!(chart.given.as_deref(), Some("2.1.0"));
        assert_eq!(chart.state.version, "1.16.9");
        assert_eq!(identity(&options).chart_version.as_deref(), Some("1.16.9"));
        // older than the first release: the oldest defaults
        let old = with_chart_yaml("name: oncall\nversion: 0.4.0\n");
        assert_eq!(ChartChoice::of(&old).state.version, "1.9.22");
        assert_eq!(identity(&old).chart_version.as_deref(), Some("1.0.0"));
    }
}
