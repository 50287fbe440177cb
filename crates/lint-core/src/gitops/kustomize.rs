//! TODO(helper): kustomize releases.

use super::Declared;
use crate::yaml::Document;

/// The releases document `index` declares.
pub(super) fn declared(_doc: &Document, _index: usize) -> Vec<Declared> {
    Vec::new()
}

/// A ConfigMap key a `configMapGenerator` makes from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The ConfigMap's name.
    pub name: String,
    /// Its namespace.
    pub namespace: Option<String>,
    /// The data key.
    pub key: String,
    /// The file, as written.
    pub file: super::Written,
}

/// The ConfigMap keys the `configMapGenerator` of a kustomization makes from files.
pub fn generated_config_maps(_doc: &Document) -> Vec<Generated> {
    Vec::new()
}
