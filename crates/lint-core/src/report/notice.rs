//! What every output format says besides findings: an input skipped, a profile inferred, a
//! chart version assumed. A run that checked less than the user may think says so in text,
//! JSON, SARIF and GitHub annotations alike, never only under `-v`.

use crate::pipeline::Note;
use crate::release::InputKind;

/// Something a run did not check, or assumed, that changes what its findings mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What kind.
    pub kind: NoticeKind,
    /// The file it is about, when it is about one.
    pub file: Option<String>,
    /// What to tell the user, whole.
    pub message: String,
}

/// The kinds of [`Notice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A file was not linted (another chart's values): its rules did not run.
    Skipped,
    /// A profile was turned on because the values describe such an install.
    InferredProfile,
    /// No chart version was given; the latest known one's defaults were used.
    AssumedChartVersion,
    /// Values of the grafana chart with no grafana chart version given (or one oncall-lint
    /// does not know): the newest known (or the nearest embedded) was used.
    AssumedGrafanaChartVersion,
    /// A release could not be linted as a whole.
    ReleaseUnread,
    /// The files hold no values for the chart (empty): what the chart's defaults leave
    /// was not judged.
    NoValues,
    /// A Kubernetes manifest: only the plugin provisioning embedded in it was checked.
    ManifestPartly,
    /// A values source a manifest names was not read (another repository, a templated
    /// path, an optional file not found): the release was checked without it.
    SourceNotRead,
    /// Fields of a manifest are templated (`{{ }}`), so what they say is not known.
    Templated,
    /// A release a GitOps manifest declares of another chart than oncall, whose values
    /// hold no Grafana that hosts the plugin: not linted.
    ReleaseSkipped,
    /// A manifest's chart version is a range (or missing): the newest release in it was
    /// taken, as the tool installs it.
    ChartRange,
}

impl NoticeKind {
    /// Its name in JSON and SARIF.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Skipped => "skipped",
            NoticeKind::InferredProfile => "inferred-profile",
            NoticeKind::AssumedChartVersion => "assumed-chart-version",
            NoticeKind::AssumedGrafanaChartVersion => "assumed-grafana-chart-version",
            NoticeKind::ReleaseUnread => "release-unread",
            NoticeKind::NoValues => "no-values",
            NoticeKind::ManifestPartly => "manifest-partly-checked",
            NoticeKind::SourceNotRead => "values-source-not-read",
            NoticeKind::Templated => "templated",
            NoticeKind::ReleaseSkipped => "release-skipped",
            NoticeKind::ChartRange => "chart-version-range",
        }
    }
}

/// The notices among a run's notes (the rest are `-v` detail), in order, each said once.
/// `assumed_chart_version` adds one notice for the whole run.
pub fn from_notes<'a>(
    notes: impl IntoIterator<Item = &'a Note>,
    assumed_chart_version: bool,
) -> Vec<Notice> {
    let mut notices: Vec<Notice> = Vec::new();
    for note in notes {
        let (kind, file) = match note {
            Note::Input {
                subject,
                kind: InputKind::OtherValues,
                ..
            } => (NoticeKind::Skipped, Some(subject.clone())),
            Note::InferredProfile { subject, .. } => {
                (NoticeKind::InferredProfile, Some(subject.clone()))
            }
            Note::ReleaseUnread => (NoticeKind::ReleaseUnread, None),
            Note::NoValues { subject, .. } => (NoticeKind::NoValues, Some(subject.clone())),
            // a version that is no release (a fork's): the defaults of another were used
            Note::ChartVersion {
                subject,
                given: Some(given),
                ..
            } if crate::chart::known_release(given).is_err() => {
                (NoticeKind::AssumedChartVersion, Some(subject.clone()))
            }
            Note::Input {
                subject,
                kind: InputKind::Manifest,
                ..
            } => (NoticeKind::ManifestPartly, Some(subject.clone())),
            Note::GrafanaChart { subject, chart }
                if matches!(
                    chart.source,
                    crate::chart::grafana::GrafanaChartSource::Assumed
                        | crate::chart::grafana::GrafanaChartSource::ImageTag
                ) || !chart.known =>
            {
                (
                    NoticeKind::AssumedGrafanaChartVersion,
                    Some(subject.clone()),
                )
            }
            Note::ReleaseSkipped { subject, .. } => {
                (NoticeKind::ReleaseSkipped, Some(subject.clone()))
            }
            Note::SourceNotRead { subject, .. } => {
                (NoticeKind::SourceNotRead, Some(subject.clone()))
            }
            Note::Templated { subject, .. } => (NoticeKind::Templated, Some(subject.clone())),
            Note::ChartRange { subject, .. } => (NoticeKind::ChartRange, Some(subject.clone())),
            _ => continue,
        };
        let mut message = note.to_string();
        if let (NoticeKind::ManifestPartly, Some(file)) = (kind, &file) {
            message = format!(
                "{file}: a Kubernetes manifest: only the plugin provisioning embedded in it is checked (Helm values it carries are not linted)"
            );
        }
        if kind == NoticeKind::InferredProfile {
            message
                .push_str("; --profile air-gapped makes it explicit, --profile none turns it off");
        }
        let notice = Notice {
            kind,
            file,
            message,
        };
        if !notices.contains(&notice) {
            notices.push(notice);
        }
    }
    if assumed_chart_version {
        notices.push(Notice {
            kind: NoticeKind::AssumedChartVersion,
            file: None,
            message: format!(
                "no oncall chart version given (--chart-version, or a Chart.yaml beside the file); checked against the defaults of oncall {}",
                crate::chart::LATEST
            ),
        });
    }
    notices
}

/// How many releases of other charts that manifests declare were skipped.
pub fn skipped_releases(notices: &[Notice]) -> usize {
    notices
        .iter()
        .filter(|n| n.kind == NoticeKind::ReleaseSkipped)
        .count()
}

/// How many files were skipped.
pub fn skipped(notices: &[Notice]) -> usize {
    notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Skipped)
        .count()
}
