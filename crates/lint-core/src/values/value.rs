//! Helm-resolved values with provenance: what Helm would hand to the templates, and for
//! every node, where it came from (a span in a user's file or a chart default).

use std::ops::Range;

use std::sync::Arc;

use indexmap::IndexMap;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Written in a user's file (layer index into the release) at these spans.
    User(Site),
    /// The chart's default values of this chart and version.
    Default {
        /// Chart name (`oncall`, `grafana`).
        chart: &'static str,
        /// Chart version.
        version: &'static str,
    },
    /// Written by a fix: no file holds it yet.
    Fix,
}

/// A place in one of the release's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Index of the layer (file) in the release.
    pub layer: usize,
    /// Span of the value.
    pub span: Range<usize>,
    /// Span of the key that holds the value, when it is a mapping value.
    pub key_span: Option<Range<usize>>,
}

/// The maps of values: keys in first-insertion order, hashed with `ahash` (keyed at random
/// per process, so crafted keys cannot make a map slow; SipHash, the standard one, was a
/// sixth of building the chart defaults on every run).
pub type Map = IndexMap<String, Value, ahash::RandomState>;

/// What a value is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float (or an integer too large for `i64`).
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Value>),
    /// A map, in first-insertion order; shared until changed (`Arc::make_mut`): a release's
    /// values share the chart defaults' maps that no file changes.
    Map(Arc<Map>),
}

impl Kind {
    /// A map.
    pub fn map(map: Map) -> Kind {
        Kind::Map(Arc::new(map))
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The data.
    pub kind: Kind,
    /// Its provenance.
    pub origin: Origin,
}

impl Value {
    /// A new value.
    pub fn new(kind: Kind, origin: Origin) -> Self {
        Value { kind, origin }
    }

    /// Follows a path of map keys.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        let mut current = self;
        for key in path {
            match &current.kind {
                Kind::Map(map) => current = map.get(*key)?,
                _ => return None,
            }
        }
        Some(current)
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// Go template truthiness (`{{ if }}`): false, 0, "", null and empty collections are false.
    pub fn is_truthy(&self) -> bool {
        match &self.kind {
            Kind::Null => false,
            Kind::Bool(b) => *b,
            Kind::Int(i) => *i != 0,
            Kind::Float(f) => *f != 0.0,
            Kind::Str(s) => !s.is_empty(),
            Kind::Seq(s) => !s.is_empty(),
            Kind::Map(m) => !m.is_empty(),
        }
    }

    /// The text Helm would print for a scalar (`{{ . }}`), or `None` for collections.
    pub fn scalar_string(&self) -> Option<String> {
        Some(match &self.kind {
            Kind::Null => String::new(),
            Kind::Bool(b) => b.to_string(),
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) => format_float(*f),
            Kind::Str(s) => s.clone(),
            Kind::Seq(_) | Kind::Map(_) => return None,
        })
    }

    /// The user site, if a user wrote this value.
    pub fn site(&self) -> Option<&Site> {
        match &self.origin {
            Origin::User(site) => Some(site),
            Origin::Default { .. } | Origin::Fix => None,
        }
    }

    /// A short YAML-ish rendering for messages (`[grafana-oncall-app]`, `"100"`, `true`).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Str(s) => format!("{s:?}"),
            Kind::Seq(items) => {
                let inner: Vec<String> = items.iter().take(4).map(Value::describe_bare).collect();
                let more = if items.len() > 4 { ", ..." } else { "" };
                format!("[{}{}]", inner.join(", "), more)
            }
            Kind::Map(map) => {
                let keys: Vec<&str> = map.keys().take(4).map(String::as_str).collect();
                let more = if map.len() > 4 { ", ..." } else { "" };
                format!("{{{}{}}}", keys.join(", "), more)
            }
            Kind::Null => "null".into(),
            _ => self.scalar_string().unwrap_or_default(),
        }
    }

    fn describe_bare(&self) -> String {
        match &self.kind {
            Kind::Str(s) => s.clone(),
            _ => self.describe(),
        }
    }

    /// Converts to JSON (provenance dropped).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.kind {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => (*b).into(),
            Kind::Int(i) => (*i).into(),
            Kind::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Kind::Str(s) => s.clone().into(),
            Kind::Seq(items) => items.iter().map(Value::to_json).collect(),
            Kind::Map(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// Builds a value from JSON, every node with the same origin.
    pub fn from_json(json: &serde_json::Value, origin: &Origin) -> Value {
        let kind = match json {
            serde_json::Value::Null => Kind::Null,
            serde_json::Value::Bool(b) => Kind::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Kind::Int(i),
                None => Kind::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Kind::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Kind::Seq(items.iter().map(|v| Value::from_json(v, origin)).collect())
            }
            serde_json::Value::Object(map) => Kind::map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v, origin)))
                    .collect(),
            ),
        };
        Value::new(kind, origin.clone())
    }
}

/// Formats a float as Go's `%v` does for the values people write (`1.5`, `100`, `1e+06`).
pub fn format_float(f: f64) -> String {
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let abs = f.abs();
        if abs >= 1e21 || (abs != 0.0 && abs < 1e-4) {
            return format!("{f:e}");
        }
        return format!("{}", f as i64);
    }
    format!("{f}")
}
