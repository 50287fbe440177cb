//! Keeping secrets out of every report, from one model of what a secret is: values under
//! keys that hold secrets (`keys.rs`: passwords, tokens, API and private keys, credentials,
//! everything under `secureJsonData`, env entries named like secrets, but not the keys that
//! name a secret such as `existingSecret` or `passwordKey`), and what text shows to be one
//! wherever it is (`scan.rs`: URL userinfo up to the last `@`, secret query parameters,
//! `key=value` assignments, well-known token formats, private-key blocks, and the lines of a
//! text that does not parse). Secrets are masked before anything is rendered: in source
//! snippets, messages, labels, help, fixes and diffs, `render values` and errors, in every
//! output format.
//!
//! Masking swaps each secret byte for `*` in a copy of the file (so every span still points
//! at the same place) and replaces the secret texts where a message quotes them, as whole
//! tokens only; booleans, empty values and ordinary words are never replaced in a message.

mod keys;
mod scan;

pub use keys::is_secret_key;

use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::embedded::SpanMapper;
use crate::yaml::{Document, Limits, NodeId, NodeKind, ScalarStyle, parse};

/// A file's secrets: the byte ranges of its text the reports must mask.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// The file.
    pub file: Arc<SourceFile>,
    /// The ranges.
    pub spans: Vec<Range<usize>>,
}

/// What replaces a secret quoted in a message.
pub const MASK: &str = "****";

/// Masks secrets in `diagnostics` (their files, messages, labels, help and fixes). `known`
/// holds the secret spans the lint found while it had each file's documents; a file not
/// among them (the `--set` pseudo-file, a file that did not parse) is read again here.
///
/// A message quotes a secret as a whole token; where the secret sits on a line the finding
/// points at, any token of it is masked (`the number ****`), elsewhere only a secret that
/// cannot be an ordinary word of a message (4 characters or more, not a common word).
pub fn redact(diagnostics: &mut [Diagnostic], known: &[Secrets]) {
    // the distinctive secrets of every file: a fix may write one file's value (a `--set`
    // argument's) into another, so a fix's text is scrubbed of them all
    let mut everywhere: Vec<String> = Vec::new();
    for s in known {
        everywhere.extend(
            secret_texts(s.file.text(), &s.spans)
                .into_iter()
                .map(|(_, secret)| secret)
                .filter(|secret| is_distinctive(secret)),
        );
    }
    everywhere.sort_by_key(|s| std::cmp::Reverse(s.len()));
    everywhere.dedup();
    let everywhere = Quoted {
        anywhere: vec![Arc::new(SecretList::new(everywhere))],
        local: Vec::new(),
    };
    // a file may come with several lists (its own, and YAML strings parsed inside it)
    let mut known_spans: HashMap<usize, Vec<Range<usize>>> = HashMap::new();
    for s in known {
        known_spans
            .entry(file_key(&s.file))
            .or_default()
            .extend(s.spans.iter().cloned());
    }
    // each file a finding shows, masked once
    let mut shown: Vec<Arc<SourceFile>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for d in diagnostics.iter() {
        for file in files_shown(d) {
            if seen.insert(file_key(file)) {
                shown.push(file.clone());
            }
        }
    }
    let mask = |file: Arc<SourceFile>| {
        let masked = match known_spans.get(&file_key(&file)) {
            Some(spans) => mask_file(&file, spans),
            None => mask_file(&file, &secret_spans(file.text())),
        };
        (file_key(&file), masked)
    };
    let redact_one = |masked: &HashMap<usize, Masked>, d: &mut Diagnostic| {
        redact_finding(d, masked, &everywhere);
    };
    // many findings (a large file, a large repository) are masked on every core; a few are
    // not worth starting threads for
    if diagnostics.len() >= PARALLEL_FROM {
        use rayon::prelude::*;
        let masked: HashMap<usize, Masked> = shown.into_par_iter().map(mask).collect();
        diagnostics
            .par_iter_mut()
            .for_each(|d| redact_one(&masked, d));
    } else {
        let masked: HashMap<usize, Masked> = shown.into_iter().map(mask).collect();
        for d in diagnostics.iter_mut() {
            redact_one(&masked, d);
        }
    }
}

/// The count of findings from which redaction runs on every core.
const PARALLEL_FROM: usize = 512;

/// A file's identity while redacting: the address of its shared text.
fn file_key(file: &Arc<SourceFile>) -> usize {
    Arc::as_ptr(file) as usize
}

/// The files a finding shows: where it is, its related places, the files its fix edits.
fn files_shown(d: &Diagnostic) -> impl Iterator<Item = &Arc<SourceFile>> {
    std::iter::once(&d.primary.file)
        .chain(d.related.iter().map(|r| &r.location.file))
        .chain(d.fix.iter().flat_map(|f| f.edits.iter().map(|e| &e.file)))
}

/// Masks one finding: its files swapped for their masked copies (`masked`, by
/// [`file_key`]), the secrets its texts quote replaced, and its fix scrubbed of every
/// file's distinctive secrets (`everywhere`).
fn redact_finding(d: &mut Diagnostic, masked: &HashMap<usize, Masked>, everywhere: &Quoted) {
    let masked_of =
        |file: &Arc<SourceFile>| -> Option<Masked> { masked.get(&file_key(file)).cloned() };
    let mut quoted = Quoted::default();
    if let Some(m) = masked_of(&d.primary.file) {
        quoted.add(&m, &d.primary.span);
        d.primary.file = m.file;
    }
    for related in &mut d.related {
        if let Some(m) = masked_of(&related.location.file) {
            quoted.add(&m, &related.location.span);
            related.location.file = m.file;
        }
    }
    if let Some(fix) = &mut d.fix {
        for edit in &mut fix.edits {
            if let Some(m) = masked_of(&edit.file) {
                quoted.add(&m, &edit.range);
                edit.file = m.file;
            }
        }
    }
    let scrub = |text: &mut String| quoted.scrub(text);
    scrub(&mut d.message);
    if let Some(label) = &mut d.label {
        scrub(label);
    }
    if let Some(help) = &mut d.help {
        scrub(help);
    }
    for related in &mut d.related {
        scrub(&mut related.message);
    }
    if let Some(fix) = &mut d.fix {
        scrub(&mut fix.title);
        everywhere.scrub(&mut fix.title);
        for edit in &mut fix.edits {
            scrub(&mut edit.replacement);
            everywhere.scrub(&mut edit.replacement);
            // a value the fix writes in another form (`1.10` quoted as `"1.1"`) under a
            // key that holds a secret
            let own = secret_spans(&edit.replacement);
            if !own.is_empty() {
                edit.replacement = mask_spans(&edit.replacement, &own);
            }
        }
    }
}

/// A file with its secret bytes masked, and its secrets sorted for the findings to quote.
#[derive(Clone)]
struct Masked {
    file: Arc<SourceFile>,
    /// The secrets masked wherever a message quotes them as a whole token, longest first.
    distinctive: Arc<SecretList>,
    /// The other secrets (numbers, short or common words) with the lines they span (first,
    /// last), in line order: masked only on a line the finding points at.
    local: Arc<Vec<(usize, usize, String)>>,
}

/// The secret texts one finding's messages must not quote.
#[derive(Default)]
struct Quoted {
    /// Masked wherever they occur as a whole token (one list per file).
    anywhere: Vec<Arc<SecretList>>,
    /// Masked only on a line the finding points at: numbers, short or common words.
    local: Vec<String>,
}

impl Quoted {
    /// The secrets of `masked`; those on the lines of `at` are local to the finding.
    fn add(&mut self, masked: &Masked, at: &Range<usize>) {
        let listed = self
            .anywhere
            .iter()
            .any(|list| Arc::ptr_eq(list, &masked.distinctive));
        if !masked.distinctive.texts.is_empty() && !listed {
            self.anywhere.push(masked.distinctive.clone());
        }
        if masked.local.is_empty() {
            return;
        }
        let file = &masked.file;
        let line = |offset: usize| file.line_col(offset.min(file.text().len())).line;
        let (first, last) = (line(at.start), line(at.end));
        // the secrets are in line order: those that end before the finding's first line are
        // skipped by a binary search, and the walk stops past its last line
        let from = masked.local.partition_point(|(_, end, _)| *end < first);
        for (start, _, secret) in &masked.local[from..] {
            if *start > last {
                break;
            }
            self.local.push(secret.clone());
        }
    }

    /// `text` with every quoted secret replaced by [`MASK`]: the secrets are taken longest
    /// first (then in the lists' order), each replaced where it is a whole token.
    fn scrub(&self, text: &mut String) {
        // the place of the last secret taken: after a replacement, the secrets the new text
        // holds are looked for again, and those after it are taken
        let mut after: Option<Order> = None;
        loop {
            let mut present = self.present(text);
            present.retain(|(order, _)| after.is_none_or(|a| *order > a));
            if present.is_empty() {
                return;
            }
            present.sort_unstable_by_key(|(order, _)| *order);
            present.dedup_by_key(|(order, _)| *order);
            let mut replaced = None;
            for (order, secret) in present {
                after = Some(order);
                let masked = replace_tokens(text, secret);
                if masked != *text {
                    replaced = Some(masked);
                    break;
                }
            }
            match replaced {
                Some(masked) => *text = masked,
                None => return,
            }
        }
    }

    /// The secrets that occur in `text` (as any substring), each with its [`Order`]: one
    /// pass of each list's automaton, as nearly every text quotes none.
    fn present(&self, text: &str) -> Vec<(Order, &str)> {
        let mut found = Vec::new();
        for (list_index, list) in self.anywhere.iter().enumerate() {
            list.occurrences(text, |index, secret| {
                found.push(((Reverse(secret.len()), list_index, index), secret));
            });
        }
        let local = self.anywhere.len();
        for (index, secret) in self.local.iter().enumerate() {
            if text.contains(secret.as_str()) {
                found.push(((Reverse(secret.len()), local, index), secret.as_str()));
            }
        }
        found
    }
}

/// Where a secret is taken when a text is scrubbed: longest first, then by list (the
/// files' lists, then the finding's local secrets), then by place in its list.
type Order = (Reverse<usize>, usize, usize);

/// Secrets masked wherever a message quotes them, longest first, with an automaton that
/// finds whether any occurs in a text in one pass (a file may hold thousands of secrets,
/// and each of its findings has several texts to scrub).
#[derive(Default)]
struct SecretList {
    texts: Vec<String>,
    finder: Option<aho_corasick::AhoCorasick>,
}

impl SecretList {
    fn new(texts: Vec<String>) -> SecretList {
        // an automaton that cannot be built (over its size limit) leaves every text to
        // the secret-by-secret search
        let finder = (!texts.is_empty())
            .then(|| aho_corasick::AhoCorasick::new(&texts).ok())
            .flatten();
        SecretList { texts, finder }
    }

    /// Calls `found` with the index and text of each secret that occurs in `text` (as any
    /// substring; a secret may be called more than once).
    fn occurrences<'a>(&'a self, text: &str, mut found: impl FnMut(usize, &'a str)) {
        match &self.finder {
            Some(finder) => {
                for m in finder.find_overlapping_iter(text) {
                    let index = m.pattern().as_usize();
                    if let Some(secret) = self.texts.get(index) {
                        found(index, secret);
                    }
                }
            }
            None => {
                for (index, secret) in self.texts.iter().enumerate() {
                    if text.contains(secret.as_str()) {
                        found(index, secret);
                    }
                }
            }
        }
    }
}

/// Words a message uses itself: a secret spelled like one is masked in a message only where
/// the finding points at it.
const COMMON_WORDS: [&str; 20] = [
    "password", "passwd", "secret", "token", "key", "value", "admin", "user", "root", "string",
    "number", "boolean", "true", "false", "null", "none", "empty", "default", "grafana", "oncall",
];

/// Whether a secret cannot be an ordinary word of a message: long enough, not a number,
/// not a common word.
fn is_distinctive(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret.chars().count() >= 4
        && secret.parse::<f64>().is_err()
        && !COMMON_WORDS.contains(&lower.as_str())
}

/// `text` with each whole-token occurrence of `secret` replaced by [`MASK`]: not inside a
/// longer word or number (`1` in `1.16.9` stays).
fn replace_tokens(text: &str, secret: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|t| t.find(secret)) {
        let start = from + found;
        let end = start + secret.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let after_next = text[end..].chars().nth(1);
        let glued_before = before.is_some_and(|c| {
            word(c) || (c == '.' && secret.starts_with(|s: char| s.is_ascii_digit()))
        });
        let glued_after = after.is_some_and(word)
            || (after == Some('.') && after_next.is_some_and(|c| c.is_ascii_digit()));
        if glued_before || glued_after {
            from = start + secret.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push_str(&text[rest..start]);
        out.push_str(MASK);
        rest = end;
        from = end;
    }
    out.push_str(&text[rest..]);
    out
}

/// Masks the secrets of one text (for diffs and other raw output).
pub fn mask_text(path: &str, text: &str) -> String {
    let file = Arc::new(SourceFile::new(path, text));
    mask_file(&file, &secret_spans(text)).file.text().to_owned()
}

/// Masks what text shows to be a secret in a line of free text, such as an error echoed on
/// stderr (a `--set` argument, a line quoted by a YAML error): the line scan and every
/// text scan, secret bytes replaced by `*`.
pub fn mask_message(text: &str) -> String {
    let mut spans = scan::any_text(text);
    spans.extend(scan::unparsed_lines(text));
    mask_spans(text, &spans)
}

/// A `--set` argument as an error message may show it: the values its keys say are
/// secrets masked (`a.password=****,b=shown`), and when a key that holds a secret is in an
/// argument that does not parse into assignments, everything after its first `=`.
pub fn mask_set_arg(arg: &str) -> String {
    let line = format!("--set {arg}");
    let masked = mask_spans(&line, &scan::assignments(&line));
    let masked = masked.strip_prefix("--set ").unwrap_or(&masked).to_owned();
    let Some(eq) = masked.find('=') else {
        return masked;
    };
    let secret_key = masked[..eq]
        .split(['.', '[', ']', ','])
        .any(|segment| is_secret_key(segment.trim()));
    if secret_key && masked.len() > eq + 1 {
        format!("{}={MASK}", &masked[..eq])
    } else {
        masked
    }
}

/// Whether a value is no secret whatever its key: empty, null, or a boolean (a switch such
/// as `tokenAuth: true` under a secret-sounding key); `plain` says the text was unquoted.
pub fn is_never_secret(text: &str, plain: bool) -> bool {
    let t = text.trim();
    t.is_empty()
        || (plain
            && matches!(
                t.to_ascii_lowercase().as_str(),
                "true" | "false" | "null" | "~"
            ))
}

/// Whether the value under `key` holds a secret, given whether its map's value does
/// (`parent`) and whether the map is an env entry whose `name` names one (`named`). A key
/// that names a secret (`existingSecret`) holds none even inside a secret map.
pub fn holds_secret(key: &str, parent: bool, named: bool) -> bool {
    let (names, is_secret) = keys::names_or_is_secret(key);
    if names {
        return false;
    }
    parent || is_secret || key == "secureJsonData" || (named && key == "value")
}

/// Whether the value at `path` holds a secret, by the keys on the way ([`holds_secret`]):
/// a check that quotes the value there (the number it reads, the text written) says
/// [`MASK`] instead, whatever the value looks like (`1.10`, `0777`, `yes`).
pub fn is_secret_path(path: &[crate::path::Seg]) -> bool {
    let mut secret = false;
    for seg in path {
        if let crate::path::Seg::Key(key) = seg {
            secret = holds_secret(key, secret, false);
        }
    }
    secret
}

/// `text` with the bytes of `spans` replaced by `*` (line breaks kept; a character cut by
/// a span becomes `*` too, so every other byte keeps its offset).
fn mask_spans(text: &str, spans: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        if let Some(slice) = bytes.get_mut(span.clone()) {
            for b in slice {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
    }
    // every secret byte became ASCII `*`, and every other byte is untouched, but a span may
    // start inside a multi-byte character; repair to valid UTF-8 without moving any byte
    String::from_utf8(bytes).unwrap_or_else(|e| {
        let mut bytes = e.into_bytes();
        for b in &mut bytes {
            if *b >= 0x80 {
                *b = b'*';
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A copy of the file with every secret byte replaced by `*`, and the secret texts.
fn mask_file(file: &Arc<SourceFile>, spans: &[Range<usize>]) -> Masked {
    let text = file.text();
    if spans.is_empty() {
        return Masked {
            file: file.clone(),
            distinctive: Arc::default(),
            local: Arc::default(),
        };
    }
    let mut distinctive = Vec::new();
    let mut local = Vec::new();
    for (span, secret) in secret_texts(text, spans) {
        if is_distinctive(&secret) {
            distinctive.push(secret);
        } else {
            let line = |offset: usize| file.line_col(offset.min(text.len())).line;
            local.push((line(span.start), line(span.end), secret));
        }
    }
    distinctive.sort_by_key(|s| std::cmp::Reverse(s.len()));
    distinctive.dedup();
    local.sort();
    let copy = SourceFile::new(file.path(), mask_spans(text, spans));
    Masked {
        file: Arc::new(copy),
        distinctive: Arc::new(SecretList::new(distinctive)),
        local: Arc::new(local),
    }
}

/// The secret texts at `spans` of `text`, quotes trimmed, with their spans; a switch or an
/// empty text is none.
fn secret_texts(text: &str, spans: &[Range<usize>]) -> Vec<(Range<usize>, String)> {
    let mut secrets = Vec::new();
    for span in spans {
        let Some(secret) = text.get(span.clone()) else {
            continue;
        };
        let plain = !secret.trim_start().starts_with(['"', '\'']);
        let word = secret.trim().trim_matches(['"', '\'']);
        if !is_never_secret(word, plain) {
            secrets.push((span.clone(), word.to_owned()));
        }
    }
    secrets
}

/// Byte ranges of secrets in a text: parsed as YAML where possible (embedded YAML in
/// strings included), plus what [`scan`] finds anywhere; a text that does not parse is
/// scanned line by line instead.
pub fn secret_spans(text: &str) -> Vec<Range<usize>> {
    if !may_name_a_secret(text) {
        // no key in it can name a secret: what any text shows is all there is
        let mut spans = scan::any_text(text);
        spans.sort_by_key(|r| (r.start, r.end));
        return spans;
    }
    secret_spans_parsed(text)
}

/// [`secret_spans`] without its shortcut: the text parsed as YAML, or scanned line by line
/// when it does not parse.
fn secret_spans_parsed(text: &str) -> Vec<Range<usize>> {
    match parse(text, &Limits::default()) {
        Ok(docs) => secret_spans_in(text, &docs),
        Err(_) => {
            let mut spans = scan::any_text(text);
            spans.extend(scan::unparsed_lines(text));
            spans.sort_by_key(|r| (r.start, r.end));
            spans
        }
    }
}

/// [`secret_spans`] of a text already parsed into `documents`.
pub fn secret_spans_in(text: &str, documents: &[Document]) -> Vec<Range<usize>> {
    secret_spans_except(text, documents, &[])
}

/// [`secret_spans_in`], not looking into the embedded YAML of the literal blocks at
/// `parsed` (a GitOps manifest's values strings, which the lint parsed in place and whose
/// secrets [`yaml_secret_spans`] gave).
pub fn secret_spans_except(
    text: &str,
    documents: &[Document],
    parsed: &[Range<usize>],
) -> Vec<Range<usize>> {
    let mut spans = scan::any_text(text);
    for doc in documents {
        if let Some(root) = doc.root {
            yaml_secrets(text, doc, root, &mut spans, Nested { depth: 0, parsed });
        }
    }
    spans.sort_by_key(|r| (r.start, r.end));
    spans
}

/// The secrets the values of `documents` hold (their spans in `text`), without the scan of
/// the whole text [`secret_spans_in`] makes: for YAML parsed inside a file already scanned.
pub fn yaml_secret_spans(text: &str, documents: &[Document]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for doc in documents {
        if let Some(root) = doc.root {
            let nested = Nested {
                depth: 0,
                parsed: &[],
            };
            yaml_secrets(text, doc, root, &mut spans, nested);
        }
    }
    spans
}

/// How deep in embedded YAML a scan is, and the literal blocks it need not parse.
#[derive(Clone, Copy)]
struct Nested<'a> {
    depth: usize,
    parsed: &'a [Range<usize>],
}

fn yaml_secrets(
    text: &str,
    doc: &Document,
    root: NodeId,
    out: &mut Vec<Range<usize>>,
    nested: Nested<'_>,
) {
    let depth = nested.depth;
    let mut stack = vec![(root, false)];
    while let Some((id, secret)) = stack.pop() {
        let node = doc.node(id);
        match &node.kind {
            NodeKind::Scalar {
                text: value, style, ..
            } => {
                if secret {
                    // a switch, a null or an empty value holds no secret
                    if !is_never_secret(value, *style == ScalarStyle::Plain) {
                        out.push(node.span.clone());
                    }
                } else if (value.contains('\n') || value.contains(": "))
                    && depth < 4
                    && !nested.parsed.contains(&node.span)
                    && may_name_a_secret(value)
                {
                    // embedded YAML (a ConfigMap's provisioning file, in any scalar style):
                    // its secrets, mapped back
                    let mapper = SpanMapper::new(text, node.span.clone(), value, *style);
                    for inner in secret_spans_nested(value, depth + 1) {
                        match mapper.map_exact(inner) {
                            Some(outer) => out.push(outer),
                            None => out.push(node.span.clone()),
                        }
                    }
                }
            }
            NodeKind::Seq(items) => {
                for item in items {
                    stack.push((*item, secret));
                }
            }
            NodeKind::Map(entries) => {
                // an env entry `{name: DB_PASSWORD, value: ...}` holds a secret in `value`
                let named_secret = doc
                    .get(id, "name")
                    .and_then(|e| doc.scalar_text(e.value))
                    .is_some_and(is_secret_key);
                for entry in entries {
                    let key = doc.scalar_text(entry.key).unwrap_or("");
                    let holds = holds_secret(key, secret, named_secret);
                    stack.push((entry.value, holds));
                }
            }
            NodeKind::Alias(_) => {}
        }
    }
}

/// [`keys::SECRET_WORDS`] and the other words a secret key may hold.
const MAY_NAME_WORDS: [&str; 20] = joined(
    &keys::SECRET_WORDS,
    &["securejsondata", "pass", "pwd", "dsn", "cookie", "key"],
);

/// Two word lists as one, at compile time (the build fails when `N` is not their length).
const fn joined<const N: usize>(
    first: &[&'static str],
    then: &[&'static str],
) -> [&'static str; N] {
    assert!(first.len() + then.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < first.len() {
        out[i] = first[i];
        i += 1;
    }
    let mut j = 0;
    while j < then.len() {
        out[i + j] = then[j];
        j += 1;
    }
    out
}

/// Whether embedded YAML may hold a key that names a secret: one of the words
/// [`is_secret_key`] looks for, or `secureJsonData`, in its letters and digits (an escape
/// could spell a key differently, so any backslash says yes). Parsing embedded YAML only to
/// find no secret was most of what redaction cost.
fn may_name_a_secret(text: &str) -> bool {
    const FIRSTS: [bool; 256] = keys::first_bytes(&MAY_NAME_WORDS);
    if text.contains('\\') {
        return true;
    }
    let letters: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    keys::holds_word(&letters, &MAY_NAME_WORDS, &FIRSTS)
}

/// The secrets of a string's text: as YAML, or line by line where it does not parse (an
/// ini file, a broken provisioning file).
fn secret_spans_nested(text: &str, depth: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    match parse(text, &Limits::default()) {
        Ok(docs) => {
            for doc in &docs {
                if let Some(root) = doc.root {
                    let nested = Nested { depth, parsed: &[] };
                    yaml_secrets(text, doc, root, &mut spans, nested);
                }
            }
        }
        Err(_) => spans.extend(scan::unparsed_lines(text)),
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Embedded YAML is parsed for secrets only when a key in it could name one; what the
    /// shortcut skips holds none, whatever way a key is spelled.
    #[test]
    fn embedded_yaml_without_a_secret_word_is_not_parsed_for_secrets() {
        assert!(!may_name_a_secret(
            "apps:\n  - type: grafana-oncall-app\n    orgId: 1\n"
        ));
        for yes in [
            "secureJsonData:\n  x: 1\n",
            "db:\n  PASS_WORD: x\n",
            "env:\n  - name: API-KEY\n    value: x\n",
            "\"p\\x61ss\": x\n",
        ] {
            assert!(may_name_a_secret(yes), "{yes}");
        }
        let text = "cm: |\n  a:\n    \"\\x70assword\": hunter22\n  b: |\n    token: t0k3n-x\n";
        let masked: Vec<&str> = secret_spans(text).into_iter().map(|r| &text[r]).collect();
        assert!(masked.contains(&"hunter22"), "{masked:?}");
        assert!(masked.contains(&"t0k3n-x"), "{masked:?}");
    }

    /// A text with no word a secret key holds has only the secrets any text shows: the
    /// shortcut gives what parsing gives, on every fixture and on each of its lines.
    #[test]
    fn the_shortcut_for_text_without_secret_words_finds_what_parsing_finds() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
        let mut texts = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.extend(text.lines().map(str::to_owned));
                    texts.push(text);
                }
            }
        }
        assert!(texts.len() > 1000, "the fixtures are found");
        let mut shortcut = 0;
        for text in &texts {
            if !may_name_a_secret(text) {
                shortcut += 1;
            }
            assert_eq!(secret_spans(text), secret_spans_parsed(text), "{text}");
        }
        assert!(shortcut > 100, "the shortcut is taken ({shortcut} texts)");
    }

    #[test]
    fn spans_cover_values_env_entries_urls_keys_and_embedded_yaml() {
        let text = "a:\n  adminPassword: hunter22\n  env:\n    - name: DB_PASSWORD\n      value: s3cr3t-pw\n  url: http://admin:pa55word@grafana\n  cm: |\n    secureJsonData:\n      onCallApiToken: tok-123456\n";
        let masked: Vec<&str> = secret_spans(text).into_iter().map(|r| &text[r]).collect();
        for secret in ["hunter22", "s3cr3t-pw", "pa55word", "tok-123456"] {
            assert!(masked.contains(&secret), "{secret} not masked: {masked:?}");
        }
        let file = Arc::new(SourceFile::new("v.yaml", text));
        let copy = mask_file(&file, &secret_spans(text)).file;
        assert_eq!(copy.text().len(), text.len(), "spans keep their meaning");
        assert!(!copy.text().contains("hunter22") && !copy.text().contains("tok-123456"));
    }
}
