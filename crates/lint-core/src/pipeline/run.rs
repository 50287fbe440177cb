//! The run stage: the release built from the classified layers, its plugin provisioning
//! found, the air-gapped profile inferred when the values describe such an install, and
//! every selected rule run over it.

use std::sync::Arc;

use super::classify::{Classified, classify};
use super::identity::identity;
use super::note::Note;
use super::read::invalid_yaml;
use super::{ChartChoice, FileReport};
use crate::checks::invalid_yaml::Message as InvalidYaml;
use crate::checks::{CheckContext, custom};
use crate::model::provisioning;
use crate::options::LintOptions;
use crate::path::KeyPath;
use crate::registry;
use crate::release::{InputKind, Release, SET_FILE, Shape};
use crate::rules::Profile;
use crate::source::SourceFile;
use crate::yaml::Document;

/// Lints layers as one release (a file's document, or a release's files in Helm's order),
/// adding findings and notes to `report`; `classified` when the layers were classified
/// already. `subject` names the input in notes; `anchor` is [`Shape::anchor`].
pub(super) fn lint_layers(
    layers: Vec<(Arc<SourceFile>, Document)>,
    classified: Option<Classified>,
    anchor: Option<std::ops::Range<usize>>,
    chart: &ChartChoice,
    options: &LintOptions,
    subject: &str,
    report: &mut FileReport,
) {
    let classified = classified.unwrap_or_else(|| classify(&layers, chart.state, options));
    let grafana = chart.grafana_for(classified.kind, &layers, &classified.values_root);
    note_classification(report, subject, chart, &grafana, &classified);
    let shape = Shape {
        chart: chart.state,
        grafana,
        kind: classified.kind,
        values_root: classified.values_root,
        identity: identity(options),
        whole: options.release.whole,
        anchor,
    };
    let release = match Release::build(
        shape,
        layers,
        &options.release.sets,
        options.limits.max_alias_expansion,
    ) {
        Ok(release) => release,
        Err(err) => {
            let message = InvalidYaml::Helm {
                reason: err.error.message,
            };
            let finding = invalid_yaml(&err.source, err.error.offset, message);
            report.diagnostics.push(finding);
            return;
        }
    };
    if let Some(set_layer) = release
        .layers
        .last()
        .filter(|l| l.source.path() == SET_FILE)
    {
        report.sources.push(set_layer.source.clone());
        // a `--set` value may be written into a file by a fix: its secrets are every file's
        let spans = crate::redact::secret_spans(set_layer.source.text());
        report.secrets.push(crate::redact::Secrets {
            file: set_layer.source.clone(),
            spans,
        });
    }
    if options.keep_values {
        report.effective.push(release.values.to_json());
    }
    if options.release.whole && !release.whole && release.kind == InputKind::OncallValues {
        report.notes.push(Note::NoValues {
            subject: subject.to_owned(),
            root: release.values_root.join("."),
        });
    }
    run_rules(&release, options, subject, report);
}

/// What the classification tells a person: the chart, what the input is, where its
/// values start.
fn note_classification(
    report: &mut FileReport,
    subject: &str,
    chart: &ChartChoice,
    grafana: &crate::chart::grafana::GrafanaChart,
    classified: &Classified,
) {
    let named = |n: &Note| matches!(n, Note::ChartVersion { subject: s, .. } | Note::GrafanaChart { subject: s, .. } if s == subject);
    if !report.notes.iter().any(named) {
        report.notes.push(match classified.kind {
            // the oncall chart's version says nothing about these values
            InputKind::GrafanaValues => Note::GrafanaChart {
                subject: subject.to_owned(),
                chart: grafana.clone(),
            },
            _ => Note::ChartVersion {
                subject: subject.to_owned(),
                given: chart.given.clone(),
                defaults: chart.state.version,
            },
        });
    }
    report.notes.push(Note::Input {
        subject: subject.to_owned(),
        kind: classified.kind,
        why: classified.kind_why.clone(),
    });
    if classified.kind != InputKind::OncallValues {
        // no oncall chart defaults are read: whether its version was given does not matter
        report.assumed_chart_version = false;
    }
    if let Some(why) = classified.why {
        report.notes.push(Note::ValuesRoot {
            subject: Some(subject.to_owned()),
            root: classified.values_root.join("."),
            why,
        });
    }
}

/// Runs every selected rule (and the config's custom rules) over the release.
fn run_rules(release: &Release, options: &LintOptions, subject: &str, report: &mut FileReport) {
    let apps = provisioning::find(release);
    let mut ctx = CheckContext {
        release,
        options,
        provisioning: &apps,
        air_gapped: options.selection.has_profile(Profile::AirGapped),
        schema_run: std::sync::OnceLock::new(),
    };
    if !ctx.air_gapped
        && !options.selection.no_inferred_profiles
        && matches!(
            release.kind,
            InputKind::OncallValues | InputKind::GrafanaValues
        )
        && let Some(reason) = crate::infer::air_gapped(release)
    {
        ctx.air_gapped = true;
        report.inferred.push(Note::InferredProfile {
            subject: subject.to_owned(),
            profile: Profile::AirGapped,
            reason,
        });
    }
    // the grafana chart's keys as messages name them, relative to the values root
    let grafana_prefix = match release.in_file(&["grafana"]) {
        [] => String::new(),
        keys => format!("{}.", KeyPath::of(keys)),
    };
    let selection = &options.selection;
    for rule in registry::all()
        .iter()
        .filter(|r| selection.rule_enabled(r.code.as_str()))
    {
        (rule.check)(&ctx, &mut report.diagnostics, &grafana_prefix);
    }
    custom::run(&ctx, &mut report.diagnostics);
}
