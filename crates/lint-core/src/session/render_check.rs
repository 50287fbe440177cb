//! The self-check of `render`: an overlay is linted for the release it was rendered for,
//! stacked on the release's files as one more `-f` (as the README says to use it), before
//! it is printed. What still gives an error or a warning is sorted by cause: the overlay's
//! own lines (a bug of the artifact, to report), or the user's values (which the artifact
//! cannot resolve: the front end says where, and the command that does).
//!
//! It lives in `session` because the renderers sit below the pipeline in the import graph
//! (a renderer builds text from a `Release` and never runs the checks); the session already
//! runs the pipeline over releases and the redaction pass over what they find, and this
//! does both, twice: the values alone and the values with the overlay. Findings are
//! compared by rule and message (file names taken out), so a finding the overlay only
//! carries over (Helm replaces lists: an overlay repeats the items it keeps) matches the
//! user's own.

use std::collections::HashMap;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::options::LintOptions;
use crate::pipeline::{InputFile, lint_release};
use crate::render::Rendered;
use crate::rules::{Profile, RuleCode, Severity};

/// Where a finding that remains with the overlay stacked comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The overlay's own text: it introduced the finding, or wrote the key and did not
    /// resolve it. A bug of the artifact.
    Artifact,
    /// The user's values: the finding is on a line of the user's files, or on an item the
    /// overlay only carries over from them (the same rule and message as a finding of
    /// the files, with or without the overlay). The artifact cannot resolve it.
    Values,
}

/// What resolves a finding of the user's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// A safe fix in the user's files (`oncall-lint --fix`).
    Fix,
    /// Another artifact rendered for the release (`oncall-lint render <artifact>`).
    Render(&'static str),
    /// Nothing automatic: the rule's documentation (`oncall-lint explain <code>`).
    Explain,
}

/// A finding that remains with the overlay stacked on the values.
#[derive(Debug, Clone)]
pub struct Remaining {
    /// The finding, redacted: for [`Cause::Values`] where the user wrote it (the user's
    /// file when the overlay only carries the item over), for [`Cause::Artifact`] in the
    /// overlay (named [`overlay_name`]).
    pub finding: Diagnostic,
    /// Where it comes from.
    pub cause: Cause,
    /// What resolves it ([`Remedy::Explain`] for the artifact's own findings).
    pub remedy: Remedy,
}

/// The name the chart's defaults are linted under when a render is given no `-f` file.
pub const CHART_DEFAULTS: &str = "<the chart's defaults>";

/// The name the overlay is linted under: `<airgap overlay>`.
pub fn overlay_name(artifact: &str) -> String {
    format!("<{artifact} overlay>")
}

/// Lints `rendered`'s overlay stacked as the last layer on `files` (the release's `-f`
/// files, in order) for the release `options` describe, and the files alone; returns the
/// errors and warnings that remain with the overlay, each once, sorted by cause, file and
/// line. `artifact` names the renderer (`airgap` turns the air-gapped profile on). An
/// artifact that is not an overlay has nothing to stack: empty.
pub fn check_overlay(
    files: &[InputFile],
    options: &LintOptions,
    artifact: &str,
    rendered: &Rendered,
) -> Vec<Remaining> {
    let Some((text, _)) = &rendered.overlay else {
        return Vec::new();
    };
    let mut options = options.clone();
    // the `-f` files of a run are a whole release, as the lint takes them
    options.release.whole = true;
    if artifact == "airgap" && !options.selection.has_profile(Profile::AirGapped) {
        options.selection.profiles.push(Profile::AirGapped);
    }
    let overlay = overlay_name(artifact);
    let mut stacked_files = files.to_vec();
    stacked_files.push(InputFile {
        path: overlay.clone(),
        bytes: text.clone().into_bytes(),
    });
    let names: Vec<&str> = stacked_files.iter().map(|f| f.path.as_str()).collect();
    // with no `-f` file the release is the chart's defaults, which an empty map stands
    // for (an empty file is no release: see `Release::build`), so what they give is the
    // values' and not the overlay's
    let alone_files = if files.is_empty() {
        vec![InputFile {
            path: CHART_DEFAULTS.to_owned(),
            bytes: b"{}\n".to_vec(),
        }]
    } else {
        files.to_vec()
    };
    let alone = lint(alone_files, &options);
    let stacked = lint(stacked_files.clone(), &options);
    let key = |d: &Diagnostic| finding_key(d, &names);
    let mut user_twins: HashMap<(String, String), &Diagnostic> = HashMap::new();
    for d in alone
        .iter()
        .chain(stacked.iter().filter(|d| d.primary.file.path() != overlay))
    {
        user_twins.entry(key(d)).or_insert(d);
    }
    let mut out: Vec<Remaining> = Vec::new();
    let mut said = std::collections::HashSet::new();
    for d in &stacked {
        let (finding, cause) = if d.primary.file.path() != overlay {
            (d, Cause::Values)
        } else {
            match user_twins.get(&key(d)) {
                Some(twin) => (*twin, Cause::Values),
                None => (d, Cause::Artifact),
            }
        };
        let place = (
            key(finding),
            finding.primary.file.path().to_owned(),
            finding.primary.span.start,
        );
        if !said.insert(place) {
            continue;
        }
        let remedy = match cause {
            Cause::Values => remedy(finding, &overlay, artifact),
            Cause::Artifact => Remedy::Explain,
        };
        out.push(Remaining {
            finding: finding.clone(),
            cause,
            remedy,
        });
    }
    out.sort_by(|a, b| {
        (a.cause == Cause::Values)
            .cmp(&(b.cause == Cause::Values))
            .then_with(|| a.finding.sort_key().cmp(&b.finding.sort_key()))
    });
    out
}

/// The errors and warnings of a release, redacted as every report is.
fn lint(files: Vec<InputFile>, options: &LintOptions) -> Vec<Diagnostic> {
    let report = lint_release(files, options);
    let mut found: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    crate::redact::redact(&mut found, &report.secrets);
    found
}

/// What makes two findings the same: the rule and the message, with the names of the
/// files (which a message may quote) taken out.
fn finding_key(d: &Diagnostic, names: &[&str]) -> (String, String) {
    let mut message = d.message.clone();
    for name in names {
        message = message.replace(name, "");
    }
    (d.code().to_owned(), message)
}

/// A safe fix that edits only the user's files, else the artifact that writes what the
/// rule wants (the plugin provisioning and its volume; an install that needs no
/// download), else the rule's documentation.
fn remedy(d: &Diagnostic, overlay: &str, artifact: &str) -> Remedy {
    if let Some(fix) = &d.fix
        && fix.applicability == Applicability::Safe
        && !fix.edits.is_empty()
        && fix.edits.iter().all(|e| e.file.path() != overlay)
    {
        return Remedy::Fix;
    }
    let by = match d.rule {
        crate::RuleId::Builtin(
            RuleCode::OC001
            | RuleCode::OC002
            | RuleCode::OC003
            | RuleCode::OC004
            | RuleCode::OC005
            | RuleCode::OC030
            | RuleCode::OC031,
        ) => "provisioning",
        crate::RuleId::Builtin(RuleCode::OC040 | RuleCode::OC041 | RuleCode::OC042) => "airgap",
        _ => return Remedy::Explain,
    };
    if by == artifact {
        Remedy::Explain
    } else {
        Remedy::Render(by)
    }
}
