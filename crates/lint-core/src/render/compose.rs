//! Composing overlays into one: `render all` and `render airgap --with provisioning`.
//!
//! Helm replaces lists, so two overlays stacked as separate `-f` files keep only the later
//! one's `grafana.extraVolumes`. Composing renders the first overlay, builds the release
//! again with it stacked (the caller knows how: the files and `--set` of the release are
//! its business), renders the second against that release, so its lists already hold the
//! first's items, and deep-merges the two with the second on top: one overlay whose lists
//! hold both. The text keeps the second's comments (the merge is the fix engine's, as for
//! `--merge-into`) under the first's header.

use super::airgap::{self, AirgapArgs};
use super::merge::merge_into;
use super::overlay::parse_values;
use super::provisioning::{self, ProvisioningArgs};
use super::target::{RenderError, Rendered};
use crate::release::Release;
use crate::values::{Value, coalesce};

/// Builds the release again with an overlay's exact text as one more `-f` file after the
/// release's own (and before its `--set` arguments, as Helm orders them).
pub type Restack<'a> = &'a dyn Fn(&str) -> Result<Release, RenderError>;

/// The provisioning overlay, and the air-gap overlay rendered over it, as one overlay.
pub fn all(
    release: &Release,
    restack: Restack<'_>,
    provisioning_args: &ProvisioningArgs,
    airgap_args: &AirgapArgs,
) -> Result<Rendered, RenderError> {
    let first = provisioning::render(release, provisioning_args)?;
    let exact = first
        .overlay
        .as_ref()
        .map(|(text, _)| text.as_str())
        .ok_or_else(|| RenderError::Internal("`provisioning` rendered no overlay".into()))?;
    let stacked = restack(exact)?;
    let second = airgap::render(&stacked, airgap_args)?;
    compose(&first, &second)
}

/// `second` over `first`: `second` must have been rendered against the release with
/// `first` stacked, so that each list it writes already holds `first`'s items.
pub fn compose(first: &Rendered, second: &Rendered) -> Result<Rendered, RenderError> {
    let overlay = |r: &Rendered| {
        r.overlay
            .clone()
            .ok_or_else(|| RenderError::Internal("only overlays compose".into()))
    };
    let (first_exact, first_values) = overlay(first)?;
    let (second_exact, second_values) = overlay(second)?;
    let exact = merged_text(&first_exact, &second_exact, first_values, second_values)?;
    let printed = merged_text(
        &first.text,
        &second.text,
        parse_values("the first overlay", &first.text)?,
        parse_values("the second overlay", &second.text)?,
    )?;
    let values = parse_values("the composed overlay", &exact)?;
    let mut notes = first.notes.clone();
    for note in &second.notes {
        if !notes.contains(note) {
            notes.push(note.clone());
        }
    }
    Ok(Rendered {
        text: printed,
        overlay: Some((exact, values)),
        notes,
    })
}

/// The second text with the first's values merged under its own, after the first's header.
fn merged_text(
    first_text: &str,
    second_text: &str,
    first: Value,
    second: Value,
) -> Result<String, RenderError> {
    let mut merged = first;
    coalesce(&mut merged, second);
    let body = merge_into(second_text, &merged)
        .map_err(|e| RenderError::Internal(format!("the overlays do not compose: {e}")))?;
    Ok(format!("{}{body}", header(first_text)))
}

/// The leading comment block of an overlay, with a blank line after it.
fn header(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with('#') {
            out.push_str(line);
        } else {
            break;
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}
