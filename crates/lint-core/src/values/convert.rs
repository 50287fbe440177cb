//! Document → [`Value`]: Helm's view of a YAML document.
//!
//! Follows go-yaml v2 as Helm calls it: plain scalars resolve by YAML 1.1 rules, map keys
//! become strings (`yes:` is the key `"true"`), duplicate keys keep the last value, `<<`
//! merge keys merge in go-yaml v2's order (a merge overwrites keys written before it;
//! keys after it win; in a list of merges the earlier map wins). Aliases are expanded here,
//! lazily, under a node budget and a depth cap, so an alias bomb or a self-referencing
//! anchor ends in an error instead of exhausting memory or the stack.

use std::ops::Range;
use std::sync::Arc;

use super::value::{Kind, Origin, Site, Value};
use crate::yaml::scalar::{Resolved, resolve_plain, resolve_tagged, tag_mismatch};
use crate::yaml::{CoreTag, Document, NodeId, NodeKind, ScalarStyle};

/// Why a document cannot be turned into values (Helm would refuse it too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// Byte offset in the file.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Converts the node `root` of `doc` into a [`Value`].
///
/// `layer` names the file in its release; `map_span` turns spans of `doc` into spans of the
/// file (the identity, except for YAML embedded in a string); `alias_budget` caps how many
/// nodes alias expansion may produce.
pub fn to_value(
    doc: &Document,
    root: NodeId,
    layer: usize,
    map_span: &dyn Fn(Range<usize>) -> Range<usize>,
    alias_budget: usize,
) -> Result<Value, ConvertError> {
    let mut converter = Converter {
        doc,
        layer,
        map_span,
        budget: alias_budget,
    };
    converter.convert(root, None, 0, false)
}

const MAX_DEPTH: usize = 400;

struct Converter<'a> {
    doc: &'a Document,
    layer: usize,
    map_span: &'a dyn Fn(Range<usize>) -> Range<usize>,
    budget: usize,
}

impl Converter<'_> {
    fn origin(&self, id: NodeId, key: Option<NodeId>) -> Origin {
        Origin::User(Site {
            layer: self.layer,
            span: (self.map_span)(self.doc.node(id).span.clone()),
            key_span: key.map(|k| (self.map_span)(self.doc.node(k).span.clone())),
        })
    }

    fn error(&self, id: NodeId, message: impl Into<String>) -> ConvertError {
        ConvertError {
            offset: (self.map_span)(self.doc.node(id).span.clone()).start,
            message: message.into(),
        }
    }

    fn convert(
        &mut self,
        id: NodeId,
        key: Option<NodeId>,
        depth: usize,
        in_alias: bool,
    ) -> Result<Value, ConvertError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                id,
                "aliases nest deeper than oncall-lint accepts (an anchor may refer to itself)",
            ));
        }
        if in_alias {
            if self.budget == 0 {
                return Err(self.error(
                    id,
                    "aliases expand to too many nodes (an alias bomb?); Helm rejects excessive aliasing too",
                ));
            }
            self.budget -= 1;
        }
        let node = self.doc.node(id);
        let kind = match &node.kind {
            NodeKind::Alias(target) => {
                let mut value = self.convert(*target, None, depth + 1, true)?;
                value.origin = self.origin(id, key);
                return Ok(value);
            }
            NodeKind::Scalar { text, style, tag } => {
                let kind = self.checked_scalar(id, text, *style, *tag)?;
                if let Kind::Float(f) = kind
                    && !f.is_finite()
                {
                    return Err(self.error(
                        id,
                        format!(
                            "`{text}` is {}, which Helm cannot load (values pass through JSON, which has no infinity or NaN); quote it to keep the text",
                            if f.is_nan() { "not a number" } else { "an infinity" }
                        ),
                    ));
                }
                kind
            }
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.convert(*item, None, depth + 1, in_alias)?);
                }
                Kind::Seq(out)
            }
            NodeKind::Map(entries) => {
                let mut map =
                    crate::values::Map::with_capacity_and_hasher(entries.len(), Default::default());
                for entry in entries {
                    if self.is_merge_key(entry.key) {
                        self.merge(entry.value, &mut map, depth + 1, in_alias)?;
                        continue;
                    }
                    let name = self.key_string(entry.key)?;
                    let value = self.convert(entry.value, Some(entry.key), depth + 1, in_alias)?;
                    map.insert(name, value);
                }
                Kind::map(map)
            }
        };
        Ok(Value::new(kind, self.origin(id, key)))
    }

    /// A scalar's Helm meaning, or Helm's refusal of a core tag its text does not match.
    fn checked_scalar(
        &self,
        id: NodeId,
        text: &str,
        style: ScalarStyle,
        tag: Option<CoreTag>,
    ) -> Result<Kind, ConvertError> {
        if let Some(why) = tag.and_then(|t| tag_mismatch(text, t.suffix())) {
            return Err(self.error(id, why));
        }
        Ok(scalar_kind(text, style, tag.map(CoreTag::suffix)))
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        matches!(&self.doc.node(key).kind,
            NodeKind::Scalar { text, style: ScalarStyle::Plain, tag: None } if &**text == "<<")
    }

    /// go-yaml v2 `decoder.merge`: a map (or alias to one) is decoded into the same map;
    /// a sequence of them is decoded back to front so that earlier maps win.
    fn merge(
        &mut self,
        id: NodeId,
        into: &mut crate::values::Map,
        depth: usize,
        in_alias: bool,
    ) -> Result<(), ConvertError> {
        let target = self.doc.deref(id);
        match &self.doc.node(target).kind {
            NodeKind::Map(_) => self.merge_map(id, into, depth, in_alias),
            NodeKind::Seq(items) => {
                for item in items.clone().iter().rev() {
                    let item_target = self.doc.deref(*item);
                    if !matches!(self.doc.node(item_target).kind, NodeKind::Map(_)) {
                        return Err(self.error(
                            *item,
                            "map merge requires map or sequence of maps as the value",
                        ));
                    }
                    self.merge_map(*item, into, depth, in_alias)?;
                }
                Ok(())
            }
            _ => Err(self.error(
                id,
                "map merge requires map or sequence of maps as the value",
            )),
        }
    }

    fn merge_map(
        &mut self,
        id: NodeId,
        into: &mut crate::values::Map,
        depth: usize,
        in_alias: bool,
    ) -> Result<(), ConvertError> {
        let through_alias = in_alias || matches!(self.doc.node(id).kind, NodeKind::Alias(_));
        let value = self.convert(self.doc.deref(id), None, depth, through_alias)?;
        if let Kind::Map(map) = value.kind {
            for (k, v) in Arc::unwrap_or_clone(map) {
                into.insert(k, v);
            }
        }
        Ok(())
    }

    /// sigs.k8s.io/yaml turns every key into a JSON string: resolved booleans and numbers
    /// are printed (`on:` is `"true"`, `010:` is `"8"`), `~` is `"null"`.
    ///
    /// A map or list as a key is refused, as go-yaml v2 refuses it ("invalid map key"); the
    /// usual cause is a Helm template (`{{ .Values.x }}`) linted as a values file.
    ///
    /// A null key (`~:`, `null:`) is refused as sigs.k8s.io/yaml refuses it ("unsupported
    /// map key"); a float key is printed as it prints one (`1e+20`, `.inf`).
    fn key_string(&self, key: NodeId) -> Result<String, ConvertError> {
        let target = self.doc.deref(key);
        let node = self.doc.node(target);
        match &node.kind {
            NodeKind::Scalar { text, style, tag } => Ok(match self.checked_scalar(target, text, *style, *tag)? {
                Kind::Null => {
                    return Err(self.error(
                        key,
                        "a null key (`~`, `null` or nothing before the `:`), which Helm refuses (unsupported map key); quote it to make it the text",
                    ));
                }
                Kind::Bool(b) => b.to_string(),
                Kind::Int(i) => i.to_string(),
                Kind::Float(f) => go_float_key(f),
                _ => text.to_string(),
            }),
            _ => Err(self.error(
                key,
                "a map or list is used as a key, which Helm refuses (invalid map key); a `{{ }}` here means this is a Helm template, not a values file",
            )),
        }
    }
}

/// A float key as sigs.k8s.io/yaml prints it: Go's `FormatFloat(f, 'g', -1, 32)` (the
/// shortest digits of the float32, in exponent form from 1e+06 and below 1e-04), with
/// `.inf`, `-.inf` and `.nan` for the specials.
fn go_float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    // Go converts to float32 first: past its range, an infinity too
    let single = f as f32;
    if single.is_infinite() {
        return if single > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let exp_form = format!("{single:e}");
    let Some((mantissa, exp)) = exp_form.split_once('e') else {
        return exp_form;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if single != 0.0 && !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{single}")
    }
}

/// The Helm meaning of one scalar.
pub fn scalar_kind(text: &str, style: ScalarStyle, tag: Option<&str>) -> Kind {
    let resolved = match (style, tag) {
        (_, Some(tag)) => {
            resolve_tagged(text, tag).unwrap_or_else(|| resolve_plain_styled(text, style))
        }
        _ => resolve_plain_styled(text, style),
    };
    match resolved {
        Resolved::Null => Kind::Null,
        Resolved::Bool(b) => Kind::Bool(b),
        Resolved::Int(i) => Kind::Int(i),
        Resolved::UInt(u) => Kind::Float(u as f64),
        Resolved::Float(f) => Kind::Float(f),
        Resolved::Str | Resolved::Merge => Kind::Str(text.to_owned()),
    }
}

fn resolve_plain_styled(text: &str, style: ScalarStyle) -> Resolved {
    if style == ScalarStyle::Plain {
        resolve_plain(text)
    } else {
        Resolved::Str
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn json(text: &str) -> Result<serde_json::Value, ConvertError> {
        let docs = parse(text, &Limits::default()).expect("parses");
        let doc = &docs[0];
        to_value(doc, doc.root.unwrap(), 0, &|r| r, 10_000).map(|v| v.to_json())
    }

    /// sigs.k8s.io/yaml prints a float key with Go's `FormatFloat(f, 'g', -1, 32)`.
    #[test]
    fn float_keys_print_as_helm_prints_them() {
        for (f, key) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (1000.0, "1000"),
            (1e20, "1e+20"),
            (1e-7, "1e-07"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e39, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ] {
            assert_eq!(go_float_key(f), key, "{f}");
        }
    }

    #[test]
    fn scalars_and_keys_resolve_like_helm() {
        let got = json("a: yes\nb: '0755'\nc: 0755\non: 1\nd:\ne: \"\"\n1_0: x\n").unwrap();
        assert_eq!(
            got,
            serde_json::json!({"a": true, "b": "0755", "c": 493, "true": 1, "d": null, "e": "", "10": "x"})
        );
    }

    #[test]
    fn a_collection_as_a_key_is_refused_as_helm_does() {
        assert!(
            json("a: {{ .Values.x }}\n")
                .unwrap_err()
                .message
                .contains("invalid map key")
        );
        assert!(json("? [a, b]\n: 1\n").is_err());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        assert_eq!(json("a: 1\na: 2\n").unwrap(), serde_json::json!({"a": 2}));
    }

    /// go-yaml v2: a merge overwrites keys before it, keys after it win, and in a list of
    /// merges the first map wins.
    #[test]
    fn merge_keys_follow_go_yaml_v2_order() {
        // (`y` would be the boolean key "true" in YAML 1.1, so the keys avoid it)
        let text =
            "base: &b {x: 1, w: 1}\nother: &o {x: 2, z: 2}\nm:\n  w: 0\n  <<: [*b, *o]\n  z: 3\n";
        assert_eq!(
            json(text).unwrap()["m"],
            serde_json::json!({"w": 1, "x": 1, "z": 3})
        );
        assert_eq!(json("y: 1\n").unwrap(), serde_json::json!({"true": 1}));
    }

    #[test]
    fn merging_a_scalar_is_an_error_as_in_helm() {
        assert!(json("a: &a 1\nb:\n  <<: *a\n").is_err());
    }

    #[test]
    fn alias_bombs_and_self_reference_hit_the_budget() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            bomb.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 9].join(", ")
            ));
        }
        let err = json(&bomb).unwrap_err();
        assert!(err.message.contains("too many nodes"), "{}", err.message);
        // granit resolves `*a` inside `&a [...]` to the sequence itself: a cycle
        assert!(json("a: &a [*a]\n").is_err());
    }
}
