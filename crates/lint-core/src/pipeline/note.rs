//! What a run inferred or assumed about its inputs, as typed notes: which chart version's
//! defaults, what each file was taken for, where its values start, which profile was
//! inferred. The front end decides which to show and when.

use std::fmt;

use crate::release::InputKind;

/// Something the lint of a file or release inferred or assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The oncall chart whose defaults are underneath (and, when the version given is not an
    /// oncall chart release, that the nearest known one was used instead).
    ChartVersion {
        /// The file, or `release of N file(s)`.
        subject: String,
        /// The version the user gave, as written; `None` when the latest known was assumed.
        given: Option<String>,
        /// The version whose defaults are used.
        defaults: &'static str,
    },
    /// Values of the grafana chart go over that chart's own defaults.
    GrafanaChart {
        /// The file.
        subject: String,
        /// The grafana chart version whose defaults are used.
        defaults: &'static str,
    },
    /// What a file was taken for.
    Input {
        /// The file.
        subject: String,
        /// What it is.
        kind: InputKind,
    },
    /// Where a file's values start.
    ValuesRoot {
        /// The file, or `None` for a release.
        subject: Option<String>,
        /// The keys, dotted.
        root: String,
        /// Why this key.
        why: RootReason,
    },
    /// A file of several YAML documents, each linted on its own.
    DocumentAlone {
        /// The file.
        subject: String,
        /// 1-based document number.
        index: usize,
    },
    /// A release file of several documents, of which Helm reads the first.
    FirstDocumentOnly {
        /// The file.
        subject: String,
        /// How many documents it holds.
        count: usize,
    },
    /// A file of a release could not be read, so the release was not linted as a whole.
    ReleaseUnread,
    /// A profile turned on because the values describe such an install.
    InferredProfile {
        /// The file.
        subject: String,
        /// The profile.
        profile: crate::rules::Profile,
        /// What in the values says so.
        reason: String,
    },
}

/// Why a values root was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootReason {
    /// `--values-root` (or the config).
    Flag,
    /// The oncall dependency of a `Chart.yaml` beside the file.
    ChartYaml,
    /// The key holds the oncall chart's values.
    Detected,
    /// The grafana chart's values inside another chart.
    GrafanaInOtherChart,
}

impl fmt::Display for RootReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootReason::Flag => "from --values-root",
            RootReason::ChartYaml => "from the oncall dependency in Chart.yaml",
            RootReason::Detected => "detected: this key holds the oncall chart's values",
            RootReason::GrafanaInOtherChart => "the grafana chart's values in another chart",
        })
    }
}

/// What an umbrella key other than `oncall` means for names: it is the dependency's alias,
/// which Helm makes the chart's name (`model::names` names the release's objects so).
fn alias_said(root: &str, why: RootReason) -> String {
    if why == RootReason::GrafanaInOtherChart || root == "oncall" || root.contains('.') {
        return String::new();
    }
    format!(
        "; Helm hands them only to a dependency aliased `{root}` and makes the alias the chart's name (`oncall.name`), which the names of the release's objects follow unless `nameOverride` or `fullnameOverride` say otherwise"
    )
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::ChartVersion {
                subject,
                given: Some(given),
                defaults,
            } => match crate::chart::known_release(given) {
                Ok(_) => write!(
                    f,
                    "{subject}: chart: oncall {given} (defaults of {defaults})"
                ),
                // only a Chart.yaml's version gets here: flags and the config refuse one
                Err(why) => {
                    let nearest = crate::chart::nearest_release(why);
                    let state = if nearest == *defaults {
                        String::new()
                    } else {
                        format!(" (defaults of {defaults})")
                    };
                    write!(
                        f,
                        "{subject}: chart: oncall `{given}` is not an oncall chart release (it {}; known are {}): checked as {nearest}, the nearest known release{state}",
                        why.describe(),
                        crate::chart::known_releases(),
                    )
                }
            },
            Note::ChartVersion {
                subject,
                given: None,
                defaults,
            } => write!(
                f,
                "{subject}: chart: oncall {defaults} (no chart version given; using the latest known)"
            ),
            Note::GrafanaChart { subject, defaults } => write!(
                f,
                "{subject}: chart: grafana (over the defaults of grafana chart {defaults}; Grafana's version is read from `image.tag`)"
            ),
            Note::Input { subject, kind } => write!(f, "{subject}: input: {}", kind.describe()),
            Note::ValuesRoot {
                subject: Some(subject),
                root,
                why,
            } => write!(
                f,
                "{subject}: values root: `{root}` ({why}){}",
                alias_said(root, *why)
            ),
            Note::ValuesRoot {
                subject: None,
                root,
                why,
            } => write!(f, "values root: `{root}` ({why}){}", alias_said(root, *why)),
            Note::DocumentAlone { subject, index } => write!(
                f,
                "{subject}: document {index} linted on its own (Helm reads only the first document of a values file)"
            ),
            Note::FirstDocumentOnly { subject, count } => write!(
                f,
                "{subject}: only the first of {count} documents is used, as Helm does"
            ),
            Note::ReleaseUnread => f.write_str(
                "a file of the release could not be read, so the release was not linted as a whole",
            ),
            Note::InferredProfile {
                subject,
                profile,
                reason,
            } => write!(f, "{subject}: {profile} profile inferred: {reason}"),
        }
    }
}
