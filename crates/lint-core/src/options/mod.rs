//! What the user asked for: which release the values describe ([`ReleaseSpec`]), which rules
//! run and how their findings are reported ([`Selection`]), and how much input is read
//! ([`Limits`]). Flags and the config file fill these; the library only reads them.

mod custom;
mod selection;

use std::sync::Arc;

pub use custom::{CustomCheck, CustomRule};
pub use selection::{Selection, Selector};

use crate::chart::grafana::GrafanaChartSource;
use crate::release::SetArg;
pub use crate::yaml::Limits;

/// Which chart the values are for, when the user says so (else it is detected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// The oncall chart (top level, or under an umbrella's values root).
    Oncall,
    /// The grafana chart (top level, or under the values root of another chart).
    Grafana,
}

impl ChartKind {
    /// Parses `oncall`, `grafana`; `auto` (detect) is `None`.
    pub fn parse(text: &str) -> Result<Option<ChartKind>, UnknownChartKind> {
        match text {
            "oncall" => Ok(Some(ChartKind::Oncall)),
            "grafana" => Ok(Some(ChartKind::Grafana)),
            "auto" => Ok(None),
            other => Err(UnknownChartKind(other.to_owned())),
        }
    }
}

/// A chart kind that is none of `oncall`, `grafana`, `auto`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown chart `{0}` (expected oncall, grafana or auto)")]
pub struct UnknownChartKind(pub String);

/// What the user told about the release: which chart, its version and values root, the
/// Helm release name and namespaces, `--set` arguments.
#[derive(Debug, Clone, Default)]
pub struct ReleaseSpec {
    /// Which chart the values are for (`None`: detect).
    pub chart_kind: Option<ChartKind>,
    /// Helm release name, if known.
    pub release_name: Option<String>,
    /// Namespace the oncall release is installed in, if known.
    pub namespace: Option<String>,
    /// Namespace Grafana runs in, if known.
    pub grafana_namespace: Option<String>,
    /// Key under which an umbrella chart holds the oncall values (`""` forces top level).
    pub values_root: Option<String>,
    /// The oncall chart version, if known.
    pub chart_version: Option<String>,
    /// Text of a `Chart.yaml` found beside the values file (umbrella detection).
    pub chart_yaml: Option<String>,
    /// The grafana chart version that renders values of the grafana chart, and who gave
    /// it (`--grafana-chart-version` or the config's `chart: {grafana-version: ...}`:
    /// [`GrafanaChartSource::Given`]; the manifest that installs it:
    /// [`GrafanaChartSource::Manifest`]). `None`: a `Chart.yaml` beside the values says,
    /// else the newest known is assumed (and said).
    pub grafana_chart_version: Option<(String, GrafanaChartSource)>,
    /// `--set` / `--set-string` arguments, applied over every release.
    pub sets: Vec<SetArg>,
    /// Every values file of the release is here (a manifest's release, `-f` layers, a
    /// config release, a lone values file no release uses): the release-level rules judge
    /// what is left unset (`base_url` at the chart's placeholder, `grafana.enabled: false`
    /// without `externalGrafana.url`). `false` for a file that is one layer of a release
    /// linted elsewhere, or when nothing says (the library's default).
    pub whole: bool,
    /// The GitOps tool that renders the release (set by the manifest stage); `None`: Helm
    /// run by a person or CI, or nothing says.
    pub rendered_by: Option<crate::release::RenderedBy>,
}

/// Options for one lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The release the values describe.
    pub release: ReleaseSpec,
    /// Which rules run, and how their findings are reported.
    pub selection: Selection,
    /// Input limits.
    pub limits: Limits,
    /// The user's own JSON Schema (`--schema FILE`), checked besides the chart's.
    pub user_schema: Option<Arc<crate::schema::UserSchema>>,
    /// Keep each release's effective values in the report (for verifying fixes).
    pub keep_values: bool,
}
