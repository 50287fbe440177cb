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
    /// Values of the grafana chart go over that chart's own defaults: of which version,
    /// from where (given, a `Chart.yaml`, a manifest, assumed), and which embedded version's
    /// defaults and keys stand for it.
    GrafanaChart {
        /// The file.
        subject: String,
        /// The grafana chart version chosen.
        chart: crate::chart::grafana::GrafanaChart,
    },
    /// What a file was taken for, and why.
    Input {
        /// The file.
        subject: String,
        /// What it is.
        kind: InputKind,
        /// What says so.
        why: KindReason,
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
    /// A stream of manifests or provisioning files, each document linted on its own.
    DocumentAlone {
        /// The file.
        subject: String,
        /// 1-based document number.
        index: usize,
    },
    /// A file of a release could not be read, so the release was not linted as a whole.
    ReleaseUnread,
    /// The files of a whole release hold no values for the chart (an empty file, or no
    /// key at the values root): no release anyone installs, so what the chart's defaults
    /// leave is not judged.
    NoValues {
        /// The file, or `release of N file(s)`.
        subject: String,
        /// The values root, dotted; empty at the top level.
        root: String,
    },
    /// A release a GitOps manifest declares, as the lint took it: who it is and where its
    /// values come from, in order.
    Declared {
        /// The manifest file.
        subject: String,
        /// The object that declares it (`Flux HelmRelease `oncall` (line 4)`).
        object: String,
        /// The Helm release name, and how it was found; `None` when not known.
        release: Option<String>,
        /// The namespace.
        namespace: Option<String>,
        /// The chart and version as written.
        chart: String,
        /// The values sources, in the tool's order.
        layers: Vec<String>,
    },
    /// A release a manifest declares of another chart than oncall whose values hold no
    /// Grafana that hosts the plugin: not linted.
    ReleaseSkipped {
        /// The manifest file.
        subject: String,
        /// The object that declares it.
        object: String,
        /// The chart as written.
        chart: String,
    },
    /// A values source a manifest names that was not read: the release was linted without it.
    SourceNotRead {
        /// The manifest file.
        subject: String,
        /// The object that declares the release.
        object: String,
        /// The source (`valueFiles: $values/prod.yaml`).
        what: String,
        /// Why (`another repository`, `optional, and not found`).
        why: String,
    },
    /// A manifest's chart version is a range (or missing): the tool installs the newest
    /// release in it, whose defaults are used.
    ChartRange {
        /// The manifest file.
        subject: String,
        /// The object that declares the release.
        object: String,
        /// The version as written; empty when none is.
        written: String,
        /// The release whose defaults are used.
        resolved: String,
        /// The tool that installs it (`Flux`).
        tool: &'static str,
    },
    /// Fields of a manifest left unread because they are templated.
    Templated {
        /// The manifest file.
        subject: String,
        /// The object that declares the release.
        object: String,
        /// `field: text` for each.
        fields: Vec<String>,
    },
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

/// What decided what an input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindReason {
    /// `--chart` (or the config's `chart:`).
    ChartFlag,
    /// The chart a GitOps manifest installs (`oncall`, `grafana`, an umbrella over oncall).
    ManifestChart(String),
    /// A values root was given (`--values-root`, an umbrella `Chart.yaml`).
    RootGiven,
    /// The files of a release are the oncall chart's values.
    ReleaseFiles,
    /// An empty document.
    Empty,
    /// Keys only the oncall chart has, at the top or one level down.
    OncallKeys(String),
    /// A key that looks like one only the oncall chart has.
    LikeOncallKey {
        /// The key written.
        key: String,
        /// The oncall chart's key it resembles.
        like: &'static str,
    },
    /// Keys the oncall chart shares with other charts, and none it does not have.
    SharedKeysOnly,
    /// Every top-level key is the oncall chart's (`grafana:` about its bundled Grafana).
    GrafanaSectionOnly,
    /// The path names oncall.
    NamedForOncall(String),
    /// `apps:` and no values keys.
    Apps,
    /// `apiVersion` and `kind`.
    ApiVersionKind,
    /// Keys of the grafana chart, and the OnCall plugin in them.
    GrafanaWithPlugin,
    /// Another chart's `grafana:` that hosts the OnCall plugin.
    GrafanaInOtherChart,
    /// Another chart's `grafana:` that does not host the plugin (or is not deployed).
    OtherChartsGrafana,
    /// No key only the oncall chart has, no Grafana that hosts the plugin.
    NoOncallKey,
}

impl fmt::Display for KindReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KindReason::ChartFlag => f.write_str("--chart says so"),
            KindReason::ManifestChart(chart) => write!(f, "the manifest installs chart `{chart}`"),
            KindReason::RootGiven => f.write_str("a values root was given"),
            KindReason::ReleaseFiles => f.write_str("the files of a release"),
            KindReason::Empty => f.write_str("an empty document"),
            KindReason::OncallKeys(keys) => write!(f, "keys only the oncall chart has: {keys}"),
            KindReason::LikeOncallKey { key, like } => {
                write!(f, "`{key}` looks like the oncall chart's `{like}`")
            }
            KindReason::SharedKeysOnly => {
                f.write_str("keys the oncall chart has, and none it does not")
            }
            KindReason::GrafanaSectionOnly => {
                f.write_str("`grafana:` beside no key the oncall chart does not have")
            }
            KindReason::NamedForOncall(part) => write!(f, "the path names oncall (`{part}`)"),
            KindReason::Apps => f.write_str("`apps:` and no values keys"),
            KindReason::ApiVersionKind => f.write_str("`apiVersion` and `kind`"),
            KindReason::GrafanaWithPlugin => {
                f.write_str("keys of the grafana chart that install the OnCall plugin")
            }
            KindReason::GrafanaInOtherChart => {
                f.write_str("another chart's `grafana:` that hosts the OnCall plugin")
            }
            KindReason::OtherChartsGrafana => f.write_str(
                "`grafana:` beside keys the oncall chart does not have, and no OnCall plugin in it",
            ),
            KindReason::NoOncallKey => f.write_str(
                "no key only the oncall chart has, no Grafana that hosts the OnCall plugin",
            ),
        }
    }
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

/// The `NoValues` note: `values.yaml: holds no values (empty, or only comments): ...`.
fn write_no_values(f: &mut fmt::Formatter<'_>, subject: &str, root: &str) -> fmt::Result {
    if root.is_empty() {
        write!(
            f,
            "{subject}: holds no values (empty, or only comments): no release is judged from it; lint it with the release's other values files, or write `{{}}` to check the chart's defaults"
        )
    } else {
        write!(
            f,
            "{subject}: holds no values under `{root}`: no release is judged from it; lint it with the release's other values files"
        )
    }
}

/// The `GrafanaChart` note: `values.yaml: chart: grafana 11.4.0 (from the Chart.yaml beside
/// the values; keys and defaults of 11.1.1, the nearest embedded version at or below it);
/// Grafana 12.4.2 unless `image.tag` says otherwise`.
fn write_grafana_chart(
    f: &mut fmt::Formatter<'_>,
    subject: &str,
    chart: &crate::chart::grafana::GrafanaChart,
) -> fmt::Result {
    use crate::chart::grafana::{GrafanaChartSource, latest_release, releases};
    let mut from = match chart.source {
        GrafanaChartSource::Assumed => "the newest known: no grafana chart version given by --grafana-chart-version, `chart.grafana-version` in the config, a `grafana` dependency in a Chart.yaml beside the file or a manifest that installs the chart".to_owned(),
        GrafanaChartSource::ImageTag => "assumed from `image.tag`: the newest chart that ships that Grafana minor version; give the chart's version with --grafana-chart-version, `chart.grafana-version` in the config or a Chart.yaml beside the file".to_owned(),
        source => source.describe().to_owned(),
    };
    if !chart.known {
        from.push_str(&format!(
            "; not a grafana chart version oncall-lint knows (known are {} … {})",
            releases()[0].version,
            latest_release().version
        ));
    }
    if chart.stands_in() {
        from.push_str(&format!(
            "; keys and defaults of {}, the nearest embedded version at or below it",
            chart.defaults.version
        ));
    }
    write!(f, "{subject}: chart: grafana {} ({from})", chart.version)?;
    if !chart.app_version.is_empty() {
        write!(
            f,
            "; Grafana {} unless `image.tag` says otherwise",
            chart.app_version
        )?;
    }
    Ok(())
}

impl Note {
    /// The file (or release) a note is about; `None` for one about the whole run.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Note::ChartVersion { subject, .. }
            | Note::GrafanaChart { subject, .. }
            | Note::Input { subject, .. }
            | Note::DocumentAlone { subject, .. }
            | Note::InferredProfile { subject, .. }
            | Note::Declared { subject, .. }
            | Note::ReleaseSkipped { subject, .. }
            | Note::SourceNotRead { subject, .. }
            | Note::Templated { subject, .. }
            | Note::ChartRange { subject, .. }
            | Note::NoValues { subject, .. }
            | Note::ValuesRoot {
                subject: Some(subject),
                ..
            } => Some(subject),
            Note::ValuesRoot { subject: None, .. } | Note::ReleaseUnread => None,
        }
    }
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
            Note::GrafanaChart { subject, chart } => write_grafana_chart(f, subject, chart),
            Note::Input {
                subject,
                kind: InputKind::OtherValues,
                why,
            } => write!(
                f,
                "{subject}: input: values of another chart, skipped ({why}); `--chart oncall` lints it as the oncall chart's"
            ),
            Note::Input { subject, kind, why } => {
                write!(f, "{subject}: input: {} ({why})", kind.describe())
            }
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
                "{subject}: document {index} linted on its own (a stream of manifests or provisioning files)"
            ),
            Note::ReleaseUnread => f.write_str(
                "a file of the release could not be read, so the release was not linted as a whole",
            ),
            Note::NoValues { subject, root } => write_no_values(f, subject, root),
            Note::InferredProfile {
                subject,
                profile,
                reason,
            } => write!(f, "{subject}: {profile} profile inferred: {reason}"),
            Note::Declared { .. }
            | Note::ReleaseSkipped { .. }
            | Note::SourceNotRead { .. }
            | Note::Templated { .. }
            | Note::ChartRange { .. } => self.fmt_gitops(f),
        }
    }
}

impl Note {
    /// The notes about releases GitOps manifests declare.
    fn fmt_gitops(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Declared {
                subject,
                object,
                release,
                namespace,
                chart,
                layers,
            } => {
                let release = release.as_deref().unwrap_or("unknown");
                let namespace = namespace.as_deref().unwrap_or("unknown");
                let layers = if layers.is_empty() {
                    "no values".to_owned()
                } else {
                    layers.join(", then ")
                };
                write!(
                    f,
                    "{subject}: {object}: release {release} in namespace {namespace}, chart {chart}; values: {layers}"
                )
            }
            Note::ReleaseSkipped {
                subject,
                object,
                chart,
            } => write!(
                f,
                "{subject}: {object}: chart `{chart}` is not the oncall chart, and its values hold no Grafana that hosts the OnCall plugin: not linted"
            ),
            Note::SourceNotRead {
                subject,
                object,
                what,
                why,
            } => write!(
                f,
                "{subject}: {object}: values not read: {what} ({why}); the release is checked without them"
            ),
            Note::Templated {
                subject,
                object,
                fields,
            } => write!(
                f,
                "{subject}: {object}: templated, not read: {}",
                fields.join("; ")
            ),
            Note::ChartRange {
                subject,
                object,
                written,
                resolved,
                tool,
            } => {
                let (what, newest) = if written.is_empty() {
                    (
                        "no chart version is written".to_owned(),
                        "the newest release",
                    )
                } else {
                    (
                        format!("the chart version `{written}` is a range"),
                        "the newest release in it",
                    )
                };
                write!(
                    f,
                    "{subject}: {object}: {what}: checked against oncall {resolved}, {newest}, which {tool} installs"
                )
            }
            _ => Ok(()),
        }
    }
}
