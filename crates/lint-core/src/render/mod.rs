//! Renderers: text people would otherwise write by hand, built from a Release.

pub mod values;
pub mod yaml_out;
