//! The document model: an arena tree with a byte span on every key and value.
//!
//! Nodes live in one `Vec` and refer to each other by index, so dropping or walking a
//! 5,000-deep document never recurses. Aliases stay aliases (a pointer to the anchored
//! node); they are expanded lazily, under a budget, by [`crate::values`].

use std::ops::Range;
use std::sync::Arc;

/// Index of a node in its [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'single'`.
    SingleQuoted,
    /// `"double"`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

/// A mapping entry: key node and value node.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The key node (usually a scalar).
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

/// What a node is.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar: its text after escape processing, its style and its core tag suffix.
    Scalar {
        /// The cooked text (escapes processed, block indentation removed). Shared: equal
        /// texts of one document (keys above all) are one allocation.
        text: Arc<str>,
        /// How it was written.
        style: ScalarStyle,
        /// A `tag:yaml.org,2002:` tag (`!!str`, `!!int`, ...), or [`CoreTag::Custom`] for
        /// any other tag, if any.
        tag: Option<CoreTag>,
    },
    /// A sequence of nodes.
    Seq(Box<[NodeId]>),
    /// A mapping, entries in source order (duplicates kept).
    Map(Box<[Entry]>),
    /// An alias `*name` and the node its anchor names.
    Alias(NodeId),
}

/// The core-schema tags a scalar can carry (kept as one byte: nodes are many).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreTag {
    /// `!!str`.
    Str,
    /// `!!int`.
    Int,
    /// `!!bool`.
    Bool,
    /// `!!float`.
    Float,
    /// `!!null`.
    Null,
    /// `!!binary`.
    Binary,
    /// `!!timestamp`.
    Timestamp,
    /// Another core tag (`!!map`, `!!seq`, `!!merge`, ...): plain resolution applies.
    Other,
    /// A tag outside the core schema (`!custom`, `!`): Helm keeps the scalar's text as a
    /// string.
    Custom,
}

impl CoreTag {
    /// From a tag suffix.
    pub fn from_suffix(suffix: &str) -> CoreTag {
        match suffix {
            "str" => CoreTag::Str,
            "int" => CoreTag::Int,
            "bool" => CoreTag::Bool,
            "float" => CoreTag::Float,
            "null" => CoreTag::Null,
            "binary" => CoreTag::Binary,
            "timestamp" => CoreTag::Timestamp,
            _ => CoreTag::Other,
        }
    }

    /// The tag's suffix.
    pub fn suffix(self) -> &'static str {
        match self {
            CoreTag::Str => "str",
            CoreTag::Int => "int",
            CoreTag::Bool => "bool",
            CoreTag::Float => "float",
            CoreTag::Null => "null",
            CoreTag::Binary => "binary",
            CoreTag::Timestamp => "timestamp",
            CoreTag::Other => "",
            CoreTag::Custom => super::scalar::CUSTOM_TAG,
        }
    }
}

/// One node: its kind, where it is, and presentation details.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Byte range of the node's content (a block scalar's content, without the `|` header).
    pub span: Range<usize>,
    /// Whether a collection is written in flow style (`{}` / `[]`).
    pub flow: bool,
}

/// A comment: the text after `#` and the span of the whole comment.
#[derive(Debug, Clone)]
pub struct Comment {
    /// Byte range including the `#`.
    pub span: Range<usize>,
    /// Text after the `#` (shared, so copies of a document's comments cost no text).
    pub text: Arc<str>,
}

/// One YAML document of a file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    /// The root node, or `None` for an empty document.
    pub root: Option<NodeId>,
    /// Comments inside this document, in source order.
    pub comments: Vec<Comment>,
}

impl Document {
    /// The node behind an id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// Number of nodes in the arena.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Follows aliases (bounded, so an alias loop cannot hang) to the node they name.
    pub fn deref(&self, mut id: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.node(id).kind {
                NodeKind::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// The text of a scalar node, after following aliases.
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match &self.node(self.deref(id)).kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The entries of a mapping node, after following aliases.
    pub fn entries(&self, id: NodeId) -> &[Entry] {
        match &self.node(self.deref(id)).kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence node, after following aliases.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.node(self.deref(id)).kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    /// The last entry of a mapping whose key text is `key` (Helm: the last duplicate wins).
    pub fn get(&self, map: NodeId, key: &str) -> Option<Entry> {
        self.entries(map)
            .iter()
            .rev()
            .find(|e| self.scalar_text(e.key) == Some(key))
            .copied()
    }

    /// Follows a key path from `from`, returning the entry of the last key.
    pub fn lookup(&self, from: NodeId, path: &[&str]) -> Option<Entry> {
        let mut current = from;
        let mut found = None;
        for key in path {
            let entry = self.get(current, key)?;
            current = entry.value;
            found = Some(entry);
        }
        found
    }

    /// Iterates over all node ids in arena order.
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len() as u32).map(NodeId)
    }
}
