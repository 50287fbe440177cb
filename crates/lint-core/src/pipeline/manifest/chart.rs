//! Which chart a manifest's release installs, and the identity the manifest gives it (the
//! release name and namespace, the chart version as the tool resolves it).

use super::FileReport;
use super::sources::Files;
use crate::gitops::{Declared, Place, Resolution, Resolver, Tool};
use crate::options::{ChartKind, LintOptions};
use crate::pipeline::note::Note;
use crate::release::RenderedBy;

/// Which chart a release installs (`None`: not the oncall chart), and the `Chart.yaml`
/// of a chart kept in a directory; `None` (with a note) for a chart in a repository not
/// read.
pub(super) fn which_chart(
    release: &Declared,
    files: &Files,
    resolver: &dyn Resolver,
    subject: &str,
    object: &str,
    report: &mut FileReport,
) -> Option<(Option<ChartKind>, Option<String>)> {
    let chart_yaml = match &release.chart_dir {
        Some(place) => match resolver.resolve(subject, place, "Chart.yaml") {
            Resolution::Here(name) => files.find(&name).map(|p| p.source.text().to_owned()),
            Resolution::Elsewhere(why) => {
                // which chart it is cannot be known: said, not guessed
                report.notes.push(Note::SourceNotRead {
                    subject: subject.to_owned(),
                    object: object.to_owned(),
                    what: format!("the chart `{}`", chart_written(release)),
                    why,
                });
                return None;
            }
        },
        None => None,
    };
    Some((chart_kind(release, chart_yaml.as_deref()), chart_yaml))
}

/// The chart as notes name it: `oncall 1.16.9`, `./charts/platform`.
pub(super) fn chart_written(release: &Declared) -> String {
    let chart = release
        .chart
        .as_ref()
        .map(|c| c.text.clone())
        .or_else(|| match &release.chart_dir {
            Some(Place::Manifest(dir)) => Some(dir.clone()),
            Some(Place::Repository { path, .. }) => Some(path.clone()),
            None => None,
        })
        .unwrap_or_else(|| "unknown".to_owned());
    match &release.chart_version {
        Some(version) => format!("{chart} {}", version.text),
        None => chart,
    }
}

/// Which chart's values a release holds: the oncall chart (or an umbrella whose
/// `Chart.yaml` depends on it); `None` for any other chart (the grafana chart, an umbrella
/// over it, a chart not written), whose values are classified to find a Grafana that
/// hosts the plugin.
pub(super) fn chart_kind(release: &Declared, chart_yaml: Option<&str>) -> Option<ChartKind> {
    if let Some(text) = chart_yaml {
        let umbrella = crate::release::values_root_from_chart_yaml(text).is_some();
        let own = crate::release::oncall_version_from_chart_yaml(text).is_some();
        return (umbrella || own).then_some(ChartKind::Oncall);
    }
    match release.chart_name() {
        Some("oncall") if release.chart_dir.is_none() => Some(ChartKind::Oncall),
        _ => None,
    }
}

/// The release's identity from the manifest, over what flags and configs said. Returns the
/// version as written and the release taken for it, when it is a range (or none is written)
/// that the newest release in it stands for, with the tool that installs it.
pub(super) fn apply_identity(
    options: &mut LintOptions,
    release: &Declared,
    kind: Option<ChartKind>,
    chart_yaml: Option<String>,
) -> Option<(String, String, &'static str)> {
    let mut range = None;
    let spec = &mut options.release;
    match kind {
        Some(ChartKind::Oncall) => {
            if let Some((name, _)) = &release.release_name {
                spec.release_name = Some(name.clone());
            }
            if let Some(namespace) = &release.namespace {
                spec.namespace = Some(namespace.clone());
            }
            spec.chart_kind = kind;
        }
        // a Grafana's release: its namespace is Grafana's; its name is not OnCall's
        _ => {
            if let Some(namespace) = &release.namespace {
                spec.grafana_namespace = Some(namespace.clone());
            }
            // the grafana chart itself: its version is the one that renders the values (a
            // range, or none written, stands for the newest published version in it)
            if release.chart_name() == Some("grafana") && release.chart_dir.is_none() {
                let written = release
                    .chart_version
                    .as_ref()
                    .map_or("", |v| v.text.as_str());
                if let Some(version) =
                    crate::chart::grafana::release_matching(written).or_else(|| {
                        crate::chart::parse_version(written).map(crate::chart::show_version)
                    })
                {
                    spec.grafana_chart_version =
                        Some((version, crate::chart::grafana::GrafanaChartSource::Manifest));
                }
            }
        }
    }
    if chart_yaml.is_some() {
        spec.chart_yaml = chart_yaml;
    }
    if kind == Some(ChartKind::Oncall) && spec.chart_yaml.is_none() {
        // no version written: Flux, helmfile and Kustomize install the newest
        let written = release
            .chart_version
            .as_ref()
            .map_or("", |v| v.text.as_str());
        if let Some(version) = crate::chart::release_matching(written) {
            // a plain version is itself; anything else stands for the newest release in it
            let plain = written.trim().trim_start_matches(['v', 'V', '=']);
            if plain != version {
                range = Some((written.trim().to_owned(), version.clone()));
            }
            spec.chart_version = Some(version);
        }
    }
    spec.whole = true;
    let tool = match release.tool {
        Tool::Flux => RenderedBy::Flux,
        Tool::ArgoCd | Tool::ArgoCdSet => RenderedBy::ArgoCd,
        Tool::Helmfile => RenderedBy::Helmfile,
        Tool::Kustomize => RenderedBy::Kustomize,
    };
    spec.rendered_by = Some(tool);
    range.map(|(written, version)| (written, version, tool.describe()))
}
