//! Renderers: text people would otherwise write by hand, built from a Release.
//!
//! `values` prints the effective values. The others render from handlebars templates
//! (`templates/` at the repository root, embedded at build time): `provisioning` and
//! `airgap` are values overlays ([`compose`] makes one of the two, lists merged; [`merge`]
//! writes an overlay into a values file, comments kept), `networkpolicy` a manifest and `setup` a shell script. Every input lands in the
//! output through a quoting helper or after [`validate`] accepted its shape.

pub mod airgap;
pub mod compose;
pub mod merge;
pub mod networkpolicy;
pub mod overlay;
pub mod provisioning;
pub mod setup;
pub mod target;
pub mod templates;
pub mod validate;
pub mod values;

pub use target::{RenderError, Rendered, Target};
