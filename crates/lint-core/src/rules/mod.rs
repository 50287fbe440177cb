//! Rules: each is a YAML file in `rules/` (its docs, examples and messages) plus a check in
//! [`crate::checks`], listed once in [`registry`].

pub mod message;
pub mod meta;
pub mod registry;

pub use meta::RuleMeta;
pub use registry::{Rule, all, find};
