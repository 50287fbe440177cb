//! Serde over a parsed [`Document`]: reads our own trusted YAML (the built-in rule files)
//! into typed structs.
//!
//! Why not serde-saphyr: a lint reads the files of the rules that report something, and
//! serde-saphyr's event machinery (budgets, redaction scopes, error spans) made reading
//! three rule files cost a tenth of a small file's whole run. Our parser is already in the
//! binary and builds a document in a fraction of that. Every scalar is handed to the
//! visitor as a string, which is all the rule files hold (a test compares the result with
//! serde-saphyr's for every rule file); callers fall back to serde-saphyr on any error, so
//! a file this reader does not understand is still read, only slower.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, MapAccess, SeqAccess};

use super::{Document, Limits, NodeId, NodeKind, ScalarStyle, parse};

/// Why a text could not be read into the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(pub String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// Reads the first document of `text` into a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DeError> {
    let docs = parse(text, &Limits::default()).map_err(|e| DeError(e.message))?;
    let doc = docs
        .iter()
        .find(|d| d.root.is_some())
        .ok_or_else(|| DeError("empty document".into()))?;
    let root = doc.root.ok_or_else(|| DeError("empty document".into()))?;
    T::deserialize(NodeDe { doc, id: root })
}

/// One node of a document, as a serde deserializer.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl NodeDe<'_> {
    /// A YAML null: `~`, `null` (any case YAML allows) or nothing, written plain.
    fn is_null(&self) -> bool {
        match &self.doc.node(self.doc.deref(self.id)).kind {
            NodeKind::Scalar {
                text,
                style: ScalarStyle::Plain,
                tag: None,
            } => matches!(&**text, "" | "~" | "null" | "Null" | "NULL"),
            _ => false,
        }
    }
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.doc.node(self.doc.deref(self.id)).kind {
            NodeKind::Scalar { text, .. } => visitor.visit_str(text),
            NodeKind::Seq(items) => visitor.visit_seq(Items {
                doc: self.doc,
                items: items.iter(),
            }),
            NodeKind::Map(entries) => visitor.visit_map(Entries {
                doc: self.doc,
                entries: entries.iter(),
                value: None,
            }),
            NodeKind::Alias(_) => Err(DeError("alias loop".into())),
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Items<'a> {
    doc: &'a Document,
    items: std::slice::Iter<'a, NodeId>,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(&id) => seed.deserialize(NodeDe { doc: self.doc, id }).map(Some),
            None => Ok(None),
        }
    }
}

struct Entries<'a> {
    doc: &'a Document,
    entries: std::slice::Iter<'a, super::Entry>,
    value: Option<NodeId>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry.value);
        match self.doc.scalar_text(entry.key) {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => Err(DeError("a map or list as a key".into())),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        let id = self
            .value
            .take()
            .ok_or_else(|| DeError("a value without a key".into()))?;
        seed.deserialize(NodeDe { doc: self.doc, id })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        name: String,
        #[serde(default)]
        note: Option<String>,
        list: Vec<String>,
        map: BTreeMap<String, String>,
    }

    #[test]
    fn reads_strings_lists_maps_and_nulls() {
        let got: Sample =
            from_str("name: a\nnote: ~\nlist: [x, 'y']\nmap:\n  k: |\n    text\n").unwrap();
        assert_eq!(got.name, "a");
        assert_eq!(got.note, None);
        assert_eq!(got.list, ["x", "y"]);
        assert_eq!(got.map["k"], "text\n");
    }

    #[test]
    fn unknown_fields_and_bad_yaml_are_errors() {
        assert!(from_str::<Sample>("name: a\nlist: []\nmap: {}\nother: 1\n").is_err());
        assert!(from_str::<Sample>("name: [\n").is_err());
        assert!(from_str::<Sample>("").is_err());
    }
}
