//! From granit-parser events to a [`Document`]: an explicit stack, never recursion, so no
//! input depth can overflow ours; granit's own nesting limits bound its stack.
//!
//! Scalar texts are interned per parse: a values file repeats its keys (`enabled`,
//! `image`, `tag`, ...) and many values hundreds of times, and one small allocation per
//! scalar was, with its allocator overhead, a fifth of the peak memory on a 5 MB file.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use granit_parser::{Event, Parser};

use super::tree::{Comment, CoreTag, Document, Entry, Node, NodeId, NodeKind, ScalarStyle};

/// Limits that keep any input from exhausting time, stack or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections accepted.
    pub max_depth: usize,
    /// Most documents read from one file.
    pub max_documents: usize,
    /// Most nodes produced by expanding aliases, beyond those written in the file.
    pub max_alias_expansion: usize,
    /// Largest file read, in bytes (real values files are a few hundred KiB at most).
    pub max_file_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_documents: 10_000,
            max_alias_expansion: 1_000_000,
            max_file_size: 32 * 1024 * 1024,
        }
    }
}

/// A file that is not YAML, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// The parser's explanation, for a person.
    pub message: String,
}

/// Parses every document of `text`.
///
/// Where granit-parser (YAML 1.2) accepts what Helm's go-yaml v2 (YAML 1.1, libyaml's
/// scanner) refuses, this refuses it too, with the reason: a `%YAML` directive other than
/// 1.1, a tab after a block `-` or `?`, a NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR in a
/// plain scalar (line breaks to go-yaml). `scripts/helm-yaml/` checks the two readers
/// against each other.
pub fn parse(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    if let Some(err) = yaml_directive_error(text) {
        return Err(err);
    }
    // libyaml (and so Helm) takes a comment glued to a block scalar header (`a: |#c`), which
    // YAML and granit refuse: such a comment, where the parser stops at it, is blanked (the
    // same length, so every offset still holds) and the text read again, a bounded number
    // of times
    let mut patched: Option<String> = None;
    for _ in 0..MAX_GLUED_COMMENTS {
        let current = patched.as_deref().unwrap_or(text);
        match parse_once(current, limits) {
            Err(err) if err.message.contains("comments must be separated") => {
                match unglue_header_comment(current, err.offset) {
                    Some(next) => patched = Some(next),
                    None => return Err(err),
                }
            }
            done => return done,
        }
    }
    parse_once(patched.as_deref().unwrap_or(text), limits)
}

/// How many comments glued to block scalar headers one file may have.
const MAX_GLUED_COMMENTS: usize = 16;

/// `text` with the comment glued to the block scalar header on the line of `offset` (or the
/// line before it) blanked, or `None` when there is no such header there.
fn unglue_header_comment(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prev_start = text[..line_start.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    for start in [line_start, prev_start] {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if !(b == b'|' || b == b'>') || !(i == 0 || matches!(bytes[i - 1], b' ' | b'\t')) {
                continue;
            }
            // the header's indicators (indentation digit, chomping), then the glued `#`
            let mut j = i + 1;
            while j < bytes.len() && j <= i + 2 && matches!(bytes[j], b'1'..=b'9' | b'+' | b'-') {
                j += 1;
            }
            if bytes.get(j) == Some(&b'#') {
                let hash = start + j;
                let stop = text[hash..end].trim_end_matches('\r').len() + hash;
                let mut out = String::with_capacity(text.len());
                out.push_str(&text[..hash]);
                out.extend(std::iter::repeat_n(' ', text[hash..stop].len()));
                out.push_str(&text[stop..]);
                return Some(out);
            }
        }
    }
    None
}

/// One pass of granit over `text`.
fn parse_once(text: &str, limits: &Limits) -> Result<Vec<Document>, ParseError> {
    let options = granit_parser::options! {
        emit_anchor_events: false,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
    };
    let parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder::default();
    // the first document's arena, sized from the text (values files hold about a node per
    // 16 bytes) rather than grown by doubling; capacity past the length is never touched,
    // so it costs no resident memory. A reservation that fails is only a missed shortcut.
    let _ = builder.current.nodes.try_reserve(text.len() / 16);
    // one table of the right order of size, not a dozen rehashes
    let _ = builder.texts.try_reserve(text.len() / 128);
    for item in parser {
        match item {
            Ok((event, span)) => {
                let range = span.byte_range().unwrap_or(0..0);
                // refuse the first document past the limit where it starts
                if matches!(event, Event::DocumentStart(..))
                    && builder.documents.len() >= limits.max_documents
                {
                    return Err(ParseError {
                        offset: range.start.min(text.len()),
                        message: format!(
                            "more than {} YAML documents in one file; split it or raise the limit",
                            limits.max_documents
                        ),
                    });
                }
                builder.event(event, range, text)?;
            }
            Err(err) => {
                let marker = err.marker();
                let offset = marker
                    .byte_offset()
                    .unwrap_or_else(|| char_to_byte(text, marker.index()))
                    .min(text.len());
                return Err(explain_error(text, offset, &err.info()));
            }
        }
    }
    Ok(builder.documents)
}

/// A `%YAML` directive Helm refuses: go-yaml v2 reads YAML 1.1 only ("found incompatible
/// YAML document"). A directive is a line that starts with `%YAML` at the left margin.
fn yaml_directive_error(text: &str) -> Option<ParseError> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some(rest) = line.strip_prefix("%YAML") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let version = rest.split_whitespace().next().unwrap_or("");
        if version != "1.1" {
            let shown: String = version.chars().take(20).collect();
            return Some(ParseError {
                offset: start,
                message: format!(
                    "`%YAML {shown}`: Helm's YAML reader (go-yaml v2) reads YAML 1.1 only and refuses this file (incompatible YAML document); drop the directive"
                ),
            });
        }
    }
    None
}

/// A tab right after a block `-` or `?` (before the node that starts at `start`), which
/// go-yaml v2's scanner refuses ("found character that cannot start any token"); granit
/// takes it as separation.
fn tab_after_indicator(text: &str, start: usize) -> Option<ParseError> {
    let before = text.get(..start)?;
    let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
    let run_start = start - blanks;
    let tab = before[run_start..].find('\t')? + run_start;
    let indicator = before[..run_start].chars().next_back()?;
    if !matches!(indicator, '-' | '?') {
        return None;
    }
    // the indicator stands alone: at the start of a line or after white space
    let lead = &before[..run_start - 1];
    if !(lead.is_empty() || lead.ends_with([' ', '\n', '\r'])) {
        return None;
    }
    Some(ParseError {
        offset: tab,
        message: format!(
            "a tab after `{indicator}`; Helm's YAML reader refuses it (found character that cannot start any token): use a space"
        ),
    })
}

/// A NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR in a plain scalar: go-yaml v2 takes each
/// as a line break, which leaves the rest of the line where a key is expected.
fn break_in_plain(raw: &str, start: usize) -> Option<ParseError> {
    let (at, c) = raw
        .char_indices()
        .find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))?;
    Some(ParseError {
        offset: start + at,
        message: format!(
            "U+{:04X} in an unquoted value: Helm's YAML reader takes it as a line break and refuses the file; quote the value or remove the character",
            c as u32
        ),
    })
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map(|(i, _)| i)
        .unwrap_or(text.len())
}

/// Turns the parser's error into one a person can act on, pointing at the real culprit
/// where the parser's position is only near it.
fn explain_error(text: &str, offset: usize, info: &str) -> ParseError {
    let lowered = info.to_ascii_lowercase();
    if lowered.contains("tab") {
        // YAML forbids tabs in indentation; point at the first one at or after the error
        // (the parser reports the end of the token it was reading)
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        if let Some(tab) = find_indent_tab(text, line_start) {
            return ParseError {
                offset: tab,
                message: "a tab in indentation; YAML indents with spaces only".into(),
            };
        }
    }
    if lowered.contains("unknown anchor") {
        let name: String = text[offset..]
            .trim_start_matches('*')
            .chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect();
        if !name.is_empty() {
            return ParseError {
                offset,
                message: format!(
                    "alias `*{name}` refers to an anchor `&{name}` that is not defined before it"
                ),
            };
        }
    }
    ParseError {
        offset,
        message: clean_message(info),
    }
}

/// The first tab that sits in a line's leading white space, from `from` on.
fn find_indent_tab(text: &str, from: usize) -> Option<usize> {
    let mut line_start = from;
    for line in text[from..].split_inclusive('\n') {
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent_len].find('\t') {
            return Some(line_start + i);
        }
        line_start += line.len();
    }
    None
}

fn clean_message(info: &str) -> String {
    let msg = info.trim();
    let lowered = msg.to_ascii_lowercase();
    if lowered.contains("nesting") || lowered.contains("recursion") {
        format!("{msg} (nesting deeper than oncall-lint accepts)")
    } else {
        msg.to_owned()
    }
}

/// An open collection. Its children so far are the tail of the builder's `items` or
/// `entries` from `start` on (one scratch vector for all open collections: a vector per
/// collection, grown by doubling and then shrunk, left the allocator's heap fragmented).
enum Frame {
    Seq {
        id: NodeId,
        start: usize,
    },
    Map {
        id: NodeId,
        start: usize,
        key: Option<NodeId>,
    },
}

#[derive(Default)]
struct Builder {
    documents: Vec<Document>,
    current: Document,
    stack: Vec<Frame>,
    anchors: HashMap<usize, NodeId, ahash::RandomState>,
    /// Comments seen outside any document, waiting for the next one.
    pending: Vec<Comment>,
    /// Whether a document is open.
    open: bool,
    /// The scalar texts seen so far (see the module docs).
    texts: HashSet<Arc<str>, ahash::RandomState>,
    /// The items of the open sequences, innermost last.
    items: Vec<NodeId>,
    /// The entries of the open mappings, innermost last.
    entries: Vec<Entry>,
}

/// Texts longer than this are rarely repeated; they are not worth hashing.
const INTERN_MAX: usize = 64;

impl Builder {
    /// Takes in one parser event: opens or closes a document or a collection, or adds a
    /// node or a comment.
    fn event(
        &mut self,
        event: Event<'_>,
        span: Range<usize>,
        text: &str,
    ) -> Result<(), ParseError> {
        // node ids are 32-bit; only a file of several GiB (past any size limit that
        // fits in memory) could get here, and it is refused rather than mislinked
        if self.current.nodes.len() >= u32::MAX as usize {
            return Err(ParseError {
                offset: span.start.min(text.len()),
                message: "more YAML nodes than oncall-lint can index in one document".into(),
            });
        }
        self.helm_refuses(&event, &span, text)?;
        match event {
            Event::StreamStart | Event::Anchor(..) => {}
            Event::DocumentStart(..) => self.start_document(),
            Event::DocumentEnd => {
                let doc = std::mem::take(&mut self.current);
                self.documents.push(doc);
                self.open = false;
            }
            Event::StreamEnd => self.end_stream(),
            Event::Comment(body, _) => self.comment(&body, span),
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    if t.is_yaml_core_schema() {
                        CoreTag::from_suffix(t.suffix())
                    } else {
                        CoreTag::Custom
                    }
                });
                self.scalar(&value, scalar_style(style), tag, anchor, span);
            }
            Event::Alias(anchor) => {
                let Some(&target) = self.anchors.get(&anchor) else {
                    return Err(ParseError {
                        offset: span.start,
                        message: format!(
                            "alias `{}` refers to an unknown anchor",
                            &text[span.clone()]
                        ),
                    });
                };
                let id = self.push(NodeKind::Alias(target), span, false);
                self.attach(id);
            }
            Event::SequenceStart(style, anchor, _) => {
                let flow = matches!(style, granit_parser::StructureStyle::Flow);
                let id = self.push(NodeKind::Seq(Box::default()), span, flow);
                self.anchor(anchor, id);
                self.stack.push(Frame::Seq {
                    id,
                    start: self.items.len(),
                });
            }
            Event::MappingStart(style, anchor, _) => {
                let flow = matches!(style, granit_parser::StructureStyle::Flow);
                let id = self.push(NodeKind::Map(Box::default()), span, flow);
                self.anchor(anchor, id);
                self.stack.push(Frame::Map {
                    id,
                    start: self.entries.len(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.end_collection(&span),
            Event::UnresolvedAlias(_) => {
                return Err(ParseError {
                    offset: span.start,
                    message: "alias refers to an unknown anchor".into(),
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// What go-yaml v2 refuses at this event and granit does not: a tab after a block `-`
    /// or `?` before a node, a line break character in a plain scalar.
    fn helm_refuses(
        &self,
        event: &Event<'_>,
        span: &Range<usize>,
        text: &str,
    ) -> Result<(), ParseError> {
        let node_start = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_)
        );
        if node_start
            && !self.in_flow()
            && let Some(err) = tab_after_indicator(text, span.start)
        {
            return Err(err);
        }
        if let Event::Scalar(_, granit_parser::ScalarStyle::Plain, ..) = event
            && let Some(err) = text
                .get(span.clone())
                .and_then(|raw| break_in_plain(raw, span.start))
        {
            return Err(err);
        }
        Ok(())
    }

    /// Whether the innermost open collection is written in flow style.
    fn in_flow(&self) -> bool {
        let id = match self.stack.last() {
            Some(Frame::Seq { id, .. } | Frame::Map { id, .. }) => *id,
            None => return false,
        };
        self.current.nodes[id.0 as usize].flow
    }

    /// Opens a document: the comments before it (a header) belong to it; the arena
    /// reserved before the first document is kept.
    fn start_document(&mut self) {
        let mut nodes = std::mem::take(&mut self.current.nodes);
        nodes.clear();
        self.current = Document {
            nodes,
            comments: std::mem::take(&mut self.pending),
            ..Document::default()
        };
        self.anchors.clear();
        self.open = true;
    }

    /// Ends the stream: comments after the last document belong to it (or to a document
    /// of their own when there is none).
    fn end_stream(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        match self.documents.last_mut() {
            Some(last) => last.comments.extend(pending),
            None if !pending.is_empty() => self.documents.push(Document {
                comments: pending,
                ..Document::default()
            }),
            None => {}
        }
    }

    /// Keeps a comment with the open document, else for the next one.
    fn comment(&mut self, body: &str, span: Range<usize>) {
        let comment = Comment {
            span,
            text: Arc::from(body),
        };
        if self.open {
            self.current.comments.push(comment);
        } else {
            self.pending.push(comment);
        }
    }

    /// Adds a scalar node (its text interned) to the open collection.
    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        tag: Option<CoreTag>,
        anchor: usize,
        span: Range<usize>,
    ) {
        let text = self.intern(value);
        let id = self.push(NodeKind::Scalar { text, style, tag }, span, false);
        self.anchor(anchor, id);
        self.attach(id);
    }

    /// Closes the innermost collection: its children move from the scratch vectors into
    /// its node, its span reaches its last child (and, in flow style, the closing
    /// bracket at `span`), and it is added to its parent.
    fn end_collection(&mut self, span: &Range<usize>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (id, kind, last) = match frame {
            Frame::Seq { id, start } => {
                let items = self.items.get(start..).unwrap_or_default();
                let last = items.last().copied();
                let kind = NodeKind::Seq(items.into());
                self.items.truncate(start);
                (id, kind, last)
            }
            Frame::Map { id, start, .. } => {
                let entries = self.entries.get(start..).unwrap_or_default();
                let last = entries.last().map(|e| e.value);
                let kind = NodeKind::Map(entries.into());
                self.entries.truncate(start);
                (id, kind, last)
            }
        };
        let flow = self.current.nodes[id.0 as usize].flow;
        let mut end = self.current.nodes[id.0 as usize].span.end;
        if let Some(last) = last {
            end = end.max(self.current.nodes[last.0 as usize].span.end);
        }
        if flow {
            end = end.max(span.end);
        }
        let node = &mut self.current.nodes[id.0 as usize];
        node.kind = kind;
        node.span.end = end;
        self.attach(id);
    }

    fn intern(&mut self, text: &str) -> Arc<str> {
        if text.len() > INTERN_MAX {
            return Arc::from(text);
        }
        if let Some(shared) = self.texts.get(text) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(text);
        self.texts.insert(Arc::clone(&shared));
        shared
    }

    fn push(&mut self, kind: NodeKind, span: Range<usize>, flow: bool) -> NodeId {
        let id = NodeId(self.current.nodes.len() as u32);
        self.current.nodes.push(Node { kind, span, flow });
        id
    }

    fn anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            None => self.current.root = Some(id),
            Some(Frame::Seq { .. }) => self.items.push(id),
            Some(Frame::Map { key, .. }) => match key.take() {
                None => *key = Some(id),
                Some(k) => self.entries.push(Entry { key: k, value: id }),
            },
        }
    }
}

/// The tree's scalar style of the parser's.
fn scalar_style(style: granit_parser::ScalarStyle) -> ScalarStyle {
    match style {
        granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        _ => ScalarStyle::Folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Document {
        let mut docs = parse(text, &Limits::default()).expect("parses");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn keys_and_values_carry_byte_spans() {
        let text = "a:\n  b: \"x\" # c\n  list: [1, 2]\n";
        let doc = one(text);
        let root = doc.root.unwrap();
        let entry = doc.lookup(root, &["a", "b"]).unwrap();
        assert_eq!(&text[doc.node(entry.key).span.clone()], "b");
        assert_eq!(&text[doc.node(entry.value).span.clone()], "\"x\"");
        let list = doc.lookup(root, &["a", "list"]).unwrap();
        assert_eq!(&text[doc.node(list.value).span.clone()], "[1, 2]");
        assert!(doc.node(list.value).flow);
        assert_eq!(doc.comments.len(), 1);
        assert_eq!(&text[doc.comments[0].span.clone()], "# c");
    }

    #[test]
    fn block_collections_span_to_their_last_child() {
        let text = "a:\n  b: 1\n  c: 2\nz: 0\n";
        let doc = one(text);
        let a = doc.lookup(doc.root.unwrap(), &["a"]).unwrap();
        assert_eq!(&text[doc.node(a.value).span.clone()], "b: 1\n  c: 2");
    }

    #[test]
    fn aliases_point_at_their_anchor() {
        let doc = one("a: &x {k: v}\nb: *x\n");
        let root = doc.root.unwrap();
        let b = doc.lookup(root, &["b"]).unwrap();
        assert_eq!(
            doc.scalar_text(doc.lookup(doc.deref(b.value), &["k"]).unwrap().value),
            Some("v")
        );
    }

    #[test]
    fn comments_before_and_after_documents_are_kept() {
        let docs = parse("# header\na: 1  # t\n# tail\n", &Limits::default()).unwrap();
        let texts: Vec<&str> = docs
            .iter()
            .flat_map(|d| d.comments.iter().map(|c| &*c.text))
            .collect();
        assert_eq!(texts, [" header", " t", " tail"]);
        let only = parse("# just a comment\n", &Limits::default()).unwrap();
        assert_eq!(only.iter().map(|d| d.comments.len()).sum::<usize>(), 1);
    }

    /// Equal scalar texts are one allocation; nested collections keep their own items.
    #[test]
    fn equal_texts_are_shared_and_nesting_is_kept() {
        let doc = one("a: {x: [1, [2, 3], {x: 1}], y: 1}\nb: x\n");
        let root = doc.root.unwrap();
        let text_of = |id: NodeId| match &doc.node(id).kind {
            NodeKind::Scalar { text, .. } => text.clone(),
            _ => panic!("not a scalar"),
        };
        let x = doc.lookup(root, &["a", "x"]).unwrap();
        let b = doc.lookup(root, &["b"]).unwrap();
        assert!(Arc::ptr_eq(&text_of(x.key), &text_of(b.value)));
        let items = doc.items(x.value);
        assert_eq!(items.len(), 3);
        assert_eq!(doc.items(items[1]).len(), 2);
        assert_eq!(doc.entries(items[2]).len(), 1);
        assert_eq!(
            doc.entries(doc.lookup(root, &["a"]).unwrap().value).len(),
            2
        );
        assert_eq!(doc.entries(root).len(), 2);
    }

    #[test]
    fn every_document_of_a_stream_is_read() {
        let docs = parse("a: 1\n---\nb: 2\n---\n", &Limits::default()).unwrap();
        assert!(docs.len() >= 2);
    }

    #[test]
    fn too_many_documents_is_reported_where_the_first_extra_one_starts() {
        let limits = Limits {
            max_documents: 3,
            ..Limits::default()
        };
        let text = "---\na: 1\n".repeat(5);
        let err = parse(&text, &limits).unwrap_err();
        assert_eq!(err.offset, 3 * "---\na: 1\n".len());
        assert!(err.message.contains("more than 3"), "{}", err.message);
        assert_eq!(parse(&"---\na: 1\n".repeat(3), &limits).unwrap().len(), 3);
        let implicit = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
        assert_eq!(
            parse(implicit, &limits).unwrap_err().offset,
            implicit.rfind("---").unwrap()
        );
    }

    /// What Helm's go-yaml v2 refuses and granit accepts is refused, at the culprit.
    #[test]
    fn what_helm_refuses_is_refused() {
        let err = |text: &str| parse(text, &Limits::default()).unwrap_err();
        let tab = err("list:\n-\ta\n");
        assert_eq!(tab.offset, 7, "{}", tab.message);
        assert!(tab.message.contains("a tab after `-`"), "{}", tab.message);
        assert!(err("? \ta\n: 1\n").message.contains("a tab after `?`"));
        assert_eq!(err("a: x\u{2028}y\n").offset, 4);
        assert!(err("a: x\u{85}y\n").message.contains("U+0085"));
        assert!(err("%YAML 1.2\n---\na: 1\n").message.contains("%YAML 1.2"));
        // a comment glued to a block scalar header is read as libyaml reads it
        let glued = one("a: |#c\n  x\nb: >-#d\n  y\nc: \"|#kept\"\n");
        let root = glued.root.unwrap();
        let text = |key: &str| glued.scalar_text(glued.get(root, key).unwrap().value);
        assert_eq!(text("a"), Some("x\n"));
        assert_eq!(text("b"), Some("y"));
        assert_eq!(text("c"), Some("|#kept"));
        assert!(err("a: |x\n  y\n").offset <= 5);
        // the same characters where go-yaml takes them
        for ok in [
            "%YAML 1.1\n---\na: 1\n",
            "a:\tb\n",
            "a: x\ty\n",
            "a: 1\t# c\n",
            "a: [x,\ty]\n",
            "a: \"x\u{2028}y\"\n",
            "a: x-\ty\n",
        ] {
            assert!(parse(ok, &Limits::default()).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn too_deep_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let err = parse(&text, &Limits::default()).unwrap_err();
        assert!(err.offset <= text.len());
        let mut block = String::new();
        for depth in 0..5_000 {
            block.push_str(&" ".repeat(depth));
            block.push_str("k:\n");
        }
        assert!(parse(&block, &Limits::default()).is_err());
    }
}
