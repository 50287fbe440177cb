//! The chart values schemas as static tables, compiled by `build.rs`
//! (`build/chart_schemas.rs`): what validating the values a user wrote reads.
//!
//! Parsing the two JSON documents a lint needs (and hashing every key of them into maps)
//! cost a sixth of a small file's run; the tables cost nothing to load, and a key is found
//! by binary search in its schema's sorted properties. They hold the keywords the chart
//! schemas use (`type`, `properties`, `additionalProperties`, `items`, `enum`, `$ref`, with
//! every `$ref` resolved to the node it names); the build fails on any other. Everything
//! else about the schemas (descriptions, examples, key paths for "did you mean") is read
//! from the JSON documents by [`super::SchemaSet`], only when a finding needs it. A test
//! checks that both walks agree on every key path of every chart schema.

use crate::path::Seg;

/// One subschema.
#[derive(Debug)]
struct Compact {
    /// Allowed types, as bits in the order of [`TYPE_NAMES`]; `0` allows any.
    types: u8,
    /// Where its properties start in [`PROPS`] (sorted by name).
    props: u32,
    /// How many properties it declares.
    props_len: u32,
    /// `additionalProperties`: a node, [`FALSE`], or [`NONE`] (absent or `true`).
    additional: u32,
    /// `items`: a node or [`NONE`].
    items: u32,
    /// The node its `$ref` names, or [`NONE`].
    reference: u32,
    /// Its `enum`, as JSON text.
    enumeration: Option<&'static str>,
    /// Whether it says nothing about what is inside a map or list (only its type and
    /// annotations).
    shallow: bool,
}

/// No node.
const NONE: u32 = u32::MAX;
/// `additionalProperties: false`.
const FALSE: u32 = u32::MAX - 1;

/// Type names in the order of their bits (the order `jsonschema` reports them in).
pub use super::keywords::TYPE_NAMES;

/// How many `$ref`s are followed from one subschema.
const MAX_HOPS: usize = 24;

include!(concat!(env!("OUT_DIR"), "/chart_schemas.rs"));

/// A subschema of a compiled chart schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subschema(u32);

/// What a subschema says about the keys of a map that it does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Additional {
    /// Nothing: any key, any value.
    Any,
    /// No other key is allowed.
    Refused,
    /// Any key, its value described by this subschema.
    Schema(Subschema),
}

impl Subschema {
    /// The root of the chart schema in file `file` (`oncall-1.16.9.values.schema.json`).
    pub fn root(file: &str) -> Option<Subschema> {
        ROOTS
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, id)| Subschema(*id))
    }

    fn node(self) -> Option<&'static Compact> {
        NODES.get(self.0 as usize)
    }

    /// The subschema and those its `$ref` chain names: every part that applies in place.
    pub fn parts(self) -> impl Iterator<Item = Subschema> {
        let mut next = Some(self);
        let mut hops = 0;
        std::iter::from_fn(move || {
            let current = next?;
            hops += 1;
            next = current
                .node()
                .map(|n| n.reference)
                .filter(|r| *r != NONE && hops <= MAX_HOPS)
                .map(Subschema);
            Some(current)
        })
    }

    /// The types this part allows (names in [`TYPE_NAMES`] order); empty when any.
    pub fn types(self) -> impl Iterator<Item = &'static str> {
        let bits = self.node().map_or(0, |n| n.types);
        TYPE_NAMES
            .iter()
            .enumerate()
            .filter(move |(bit, _)| bits & (1 << bit) != 0)
            .map(|(_, name)| *name)
    }

    /// Whether this part constrains the type.
    pub fn has_types(self) -> bool {
        self.node().is_some_and(|n| n.types != 0)
    }

    /// Whether this part allows the type named `name`.
    pub fn allows(self, name: &str) -> bool {
        let bits = self.node().map_or(0, |n| n.types);
        TYPE_NAMES
            .iter()
            .position(|t| *t == name)
            .is_some_and(|bit| bits & (1 << bit) != 0)
    }

    /// This part's `enum`, as JSON text.
    pub fn enumeration(self) -> Option<&'static str> {
        self.node().and_then(|n| n.enumeration)
    }

    /// The subschema this part declares for property `key`.
    pub fn property(self, key: &str) -> Option<Subschema> {
        let node = self.node()?;
        let start = node.props as usize;
        let props = PROPS.get(start..start + node.props_len as usize)?;
        props
            .binary_search_by(|(name, _)| (*name).cmp(key))
            .ok()
            .map(|i| Subschema(props[i].1))
    }

    /// What this part says about keys it does not declare.
    pub fn additional(self) -> Additional {
        match self.node().map_or(NONE, |n| n.additional) {
            NONE => Additional::Any,
            FALSE => Additional::Refused,
            id => Additional::Schema(Subschema(id)),
        }
    }

    /// This part's `items`.
    pub fn items(self) -> Option<Subschema> {
        self.node()
            .map(|n| n.items)
            .filter(|i| *i != NONE)
            .map(Subschema)
    }

    /// The subschema for the value under `key` of a map this describes (as
    /// [`super::SchemaSet::child`]: a declared property of any part first, then a part's
    /// `additionalProperties` schema).
    pub fn child(self, key: &str) -> Option<Subschema> {
        self.parts()
            .find_map(|part| part.property(key))
            .or_else(|| {
                self.parts().find_map(|part| match part.additional() {
                    Additional::Schema(sub) => Some(sub),
                    _ => None,
                })
            })
    }

    /// The subschema for the items of a list this describes.
    pub fn item(self) -> Option<Subschema> {
        self.parts().find_map(Subschema::items)
    }

    /// The subschema at an instance path from this one.
    pub fn at(self, path: &[Seg]) -> Option<Subschema> {
        path.iter().try_fold(self, |node, seg| match seg {
            Seg::Key(key) => node.child(key),
            Seg::Index(_) => node.item(),
        })
    }

    /// Whether this says nothing about what is inside a map or list: a Kubernetes object
    /// passed through, whose content need not be validated.
    pub fn is_shallow(self) -> bool {
        self.parts()
            .all(|part| part.node().is_some_and(|n| n.shallow))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_schema_is_compiled() {
        for embedded in super::super::EMBEDDED {
            let is_chart = embedded.file.ends_with(".values.schema.json");
            assert_eq!(
                Subschema::root(embedded.file).is_some(),
                is_chart,
                "{}",
                embedded.file
            );
        }
    }

    #[test]
    fn references_lead_into_the_grafana_schema() {
        let root = Subschema::root("oncall-1.16.9.values.schema.json").expect("compiled");
        let grafana = root.child("grafana").expect("declared");
        assert!(grafana.parts().count() > 1, "the `$ref` is followed");
        let image = grafana.child("image").expect("the grafana chart's key");
        assert!(image.child("repository").is_some());
        assert!(root.child("no-such-key").is_none());
    }
}
