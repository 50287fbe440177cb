//! Keeping secrets out of every report. Values under keys that hold secrets (passwords,
//! tokens, API and private keys, credentials, everything under `secureJsonData`, env entries
//! named like secrets), private-key blocks and the password part of URLs are masked before
//! anything is rendered: in source snippets, messages, labels, help, fixes and diffs, in
//! every output format.
//!
//! Masking swaps each secret byte for `*` in a copy of the file (so every span still points
//! at the same place) and replaces the secret texts wherever a message quotes them.

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
pub fn redact(diagnostics: &mut [Diagnostic], known: &[Secrets]) {
    // a file may come with several lists (its own, and YAML strings parsed inside it)
    let mut spans_of: HashMap<*const SourceFile, Vec<Range<usize>>> = HashMap::new();
    for s in known {
        spans_of
            .entry(Arc::as_ptr(&s.file))
            .or_default()
            .extend(s.spans.iter().cloned());
    }
    let known = spans_of;
    let mut files: HashMap<*const SourceFile, (Arc<SourceFile>, Vec<String>)> = HashMap::new();
    let mut redacted = |file: &Arc<SourceFile>| -> (Arc<SourceFile>, Vec<String>) {
        files
            .entry(Arc::as_ptr(file))
            .or_insert_with(|| match known.get(&Arc::as_ptr(file)) {
                Some(spans) => mask_file(file, spans),
                None => mask_file(file, &secret_spans(file.text())),
            })
            .clone()
    };
    for d in diagnostics.iter_mut() {
        let mut secrets = Vec::new();
        let (file, s) = redacted(&d.primary.file);
        d.primary.file = file;
        secrets.extend(s);
        for related in &mut d.related {
            let (file, s) = redacted(&related.location.file);
            related.location.file = file;
            secrets.extend(s);
        }
        if let Some(fix) = &mut d.fix {
            for edit in &mut fix.edits {
                let (file, s) = redacted(&edit.file);
                edit.file = file;
                secrets.extend(s);
            }
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let scrub = |text: &mut String| {
            for secret in &secrets {
                if text.contains(secret.as_str()) {
                    *text = text.replace(secret.as_str(), MASK);
                }
            }
        };
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
            for edit in &mut fix.edits {
                scrub(&mut edit.replacement);
            }
        }
    }
}

/// Masks the secrets of one text (for diffs and other raw output).
pub fn mask_text(path: &str, text: &str) -> String {
    let file = Arc::new(SourceFile::new(path, text));
    mask_file(&file, &secret_spans(text)).0.text().to_owned()
}

/// A copy of the file with every secret byte replaced by `*`, and the secret texts.
fn mask_file(file: &Arc<SourceFile>, spans: &[Range<usize>]) -> (Arc<SourceFile>, Vec<String>) {
    let text = file.text();
    if spans.is_empty() {
        return (file.clone(), Vec::new());
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut secrets = Vec::new();
    for span in spans {
        let Some(secret) = text.get(span.clone()) else {
            continue;
        };
        // shorter than 4 characters, a quoted secret in a message would mask ordinary words;
        // and a switch (`assertNoLeakedSecrets: true`) holds no secret, but its word is common
        let word = secret.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let switch = matches!(
            word.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null"
        ) || word.parse::<f64>().is_ok();
        if secret.trim().chars().count() >= 4 && !switch {
            secrets.push(secret.trim().to_owned());
        }
        for b in &mut bytes[span.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // every secret byte became ASCII `*`, and every other byte is untouched, but a span may
    // start inside a multi-byte character; repair to valid UTF-8 without moving any byte
    let masked = String::from_utf8(bytes).unwrap_or_else(|e| {
        let mut bytes = e.into_bytes();
        for b in &mut bytes {
            if *b >= 0x80 {
                *b = b'*';
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    });
    let copy = SourceFile::new(file.path(), masked);
    (Arc::new(copy), secrets)
}

/// Whether a key names a secret (and not merely the name of one, such as `existingSecret`).
pub fn is_secret_key(key: &str) -> bool {
    // the key's letters and digits, lowercased (on the stack: every key of every file
    // comes here)
    let mut buffer = [0u8; 96];
    let mut len = 0;
    for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
        match buffer.get_mut(len) {
            Some(slot) => *slot = b.to_ascii_lowercase(),
            // a longer key: the same test on a copy
            None => return is_secret_key_long(key),
        }
        len += 1;
    }
    holds_secret_word(&buffer[..len])
}

fn is_secret_key_long(key: &str) -> bool {
    let k: Vec<u8> = key
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    holds_secret_word(&k)
}

/// Words that make a key (lowercased, letters and digits only) name a secret.
const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "cipher",
    "accesskey",
];

/// Whether a lowercased, alphanumeric key names a secret.
fn holds_secret_word(k: &[u8]) -> bool {
    const NAMES: [&str; 8] = [
        "fromsecret",
        "name",
        "ref",
        "existingsecret",
        "enabled",
        "file",
        "path",
        "secretkeyref",
    ];
    let contains = |word: &str| k.windows(word.len()).any(|w| w == word.as_bytes());
    SECRET_WORDS.iter().any(|h| contains(h)) && !NAMES.iter().any(|n| k.ends_with(n.as_bytes()))
}

/// Byte ranges of the password of every `scheme://user:password@host` in `text`.
///
/// Scanned by hand rather than with a regex: compiling one cost more than the rest of a
/// small file's lint.
fn url_passwords(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let stops = |b: u8| b.is_ascii_whitespace() || b == b'/' || b == b'@';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("://")) {
        let start = from + found + 3;
        from = start;
        // user: one or more bytes, none of `/ : @` or whitespace
        let mut i = start;
        while i < bytes.len() && !stops(bytes[i]) && bytes[i] != b':' {
            i += 1;
        }
        if i == start || bytes.get(i) != Some(&b':') {
            continue;
        }
        // password: one or more bytes, none of `/ @` or whitespace, then `@`
        let pass = i + 1;
        let mut j = pass;
        while j < bytes.len() && !stops(bytes[j]) {
            j += 1;
        }
        if j > pass && bytes.get(j) == Some(&b'@') {
            out.push(pass..j);
        }
    }
    out
}

/// Byte ranges of every PEM private-key block (`-----BEGIN ... PRIVATE KEY-----` to its
/// `-----END ... PRIVATE KEY-----`, or to the end of the text).
fn private_keys(text: &str) -> Vec<Range<usize>> {
    /// The end of a `<marker>[A-Z ]*PRIVATE KEY-----` armour line starting at `at`.
    fn armour_end(text: &str, at: usize, marker: &str) -> Option<usize> {
        let rest = text.get(at..)?.strip_prefix(marker)?;
        let words = rest
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || *b == b' ')
            .count();
        let upper = &rest[..words];
        // the `[A-Z ]*` part ends with `PRIVATE KEY` (backtracking into it, as a regex would)
        let stem = upper.rfind("PRIVATE KEY")?;
        let tail = rest.get(stem + "PRIVATE KEY".len()..)?;
        tail.starts_with("-----")
            .then(|| at + marker.len() + stem + "PRIVATE KEY-----".len())
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("-----BEGIN ")) {
        let start = from + found;
        let Some(after_begin) = armour_end(text, start, "-----BEGIN ") else {
            from = start + 1;
            continue;
        };
        let mut search = after_begin;
        let end = loop {
            match text.get(search..).and_then(|rest| rest.find("-----END ")) {
                Some(at) => {
                    if let Some(end) = armour_end(text, search + at, "-----END ") {
                        break end;
                    }
                    search += at + 1;
                }
                None => break text.len(),
            }
        };
        out.push(start..end);
        from = end.max(start + 1);
    }
    out
}

/// Byte ranges of secrets in a text: parsed as YAML where possible (embedded YAML in
/// literal blocks included), plus URL passwords and private-key blocks anywhere.
pub fn secret_spans(text: &str) -> Vec<Range<usize>> {
    match parse(text, &Limits::default()) {
        Ok(docs) => secret_spans_in(text, &docs),
        Err(_) => secret_spans_in(text, &[]),
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
    let mut spans = url_passwords(text);
    spans.extend(private_keys(text));
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
                    out.push(node.span.clone());
                } else if *style == ScalarStyle::Literal
                    && value.contains('\n')
                    && depth < 4
                    && !nested.parsed.contains(&node.span)
                    && may_name_a_secret(value)
                {
                    // embedded YAML (a ConfigMap's provisioning file): its secrets, mapped back
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
                    let holds = secret
                        || is_secret_key(key)
                        || key == "secureJsonData"
                        || (named_secret && key == "value");
                    stack.push((entry.value, holds));
                }
            }
            NodeKind::Alias(_) => {}
        }
    }
}

/// Whether embedded YAML may hold a key that names a secret: one of the words
/// [`is_secret_key`] looks for, or `secureJsonData`, in its letters and digits (an escape
/// could spell a key differently, so any backslash says yes). Parsing embedded YAML only to
/// find no secret was most of what redaction cost.
fn may_name_a_secret(text: &str) -> bool {
    if text.contains('\\') {
        return true;
    }
    let letters: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    SECRET_WORDS
        .iter()
        .chain(&["securejsondata"])
        .any(|word| letters.windows(word.len()).any(|w| w == word.as_bytes()))
}

fn secret_spans_nested(text: &str, depth: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    if let Ok(docs) = parse(text, &Limits::default()) {
        for doc in &docs {
            if let Some(root) = doc.root {
                let nested = Nested { depth, parsed: &[] };
                yaml_secrets(text, doc, root, &mut spans, nested);
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for yes in [
            "password",
            "adminPassword",
            "GF_SECURITY_ADMIN_PASSWORD",
            "secretKey",
            "mirageCipherIV",
            "onCallApiToken",
            "client_secret",
            "apiKey",
            "privateKey",
            "aws_secret_access_key",
        ] {
            assert!(is_secret_key(yes), "{yes}");
        }
        for no in [
            "envFromSecret",
            "existingSecret",
            "secretName",
            "passwordSecretRef",
            "url",
            "enabled",
            "secretKeyRef",
            "host",
        ] {
            assert!(!is_secret_key(no), "{no}");
        }
        // keys longer than the stack buffer are judged the same way
        let long = "x_".repeat(100);
        assert!(is_secret_key(&format!("{long}DB_PASSWORD")));
        assert!(!is_secret_key(&format!("{long}passwordSecretName")));
        assert!(!is_secret_key(&long));
    }

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

    #[test]
    fn spans_cover_values_env_entries_urls_keys_and_embedded_yaml() {
        let text = "a:\n  adminPassword: hunter22\n  env:\n    - name: DB_PASSWORD\n      value: s3cr3t-pw\n  url: http://admin:pa55word@grafana\n  cm: |\n    secureJsonData:\n      onCallApiToken: tok-123456\n";
        let masked: Vec<&str> = secret_spans(text).into_iter().map(|r| &text[r]).collect();
        for secret in ["hunter22", "s3cr3t-pw", "pa55word", "tok-123456"] {
            assert!(masked.contains(&secret), "{secret} not masked: {masked:?}");
        }
        let file = Arc::new(SourceFile::new("v.yaml", text));
        let (copy, _) = mask_file(&file, &secret_spans(text));
        assert_eq!(copy.text().len(), text.len(), "spans keep their meaning");
        assert!(!copy.text().contains("hunter22") && !copy.text().contains("tok-123456"));
    }

    /// The scanners find exactly what the regexes they replace found, on texts built from
    /// the pieces that matter (schemes, separators, armour lines, whitespace, unicode).
    #[test]
    fn the_scanners_agree_with_the_regexes_they_replace() {
        let url = regex::Regex::new(r"://[^/\s:@]+:([^@/\s]+)@").unwrap();
        let pem = regex::Regex::new(
            r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|\z)",
        )
        .unwrap();
        let pieces = [
            "://",
            "u",
            "ü",
            ":",
            "p@ss",
            "@",
            "/",
            " ",
            "\n",
            "h",
            "x:y@z",
            "-----BEGIN ",
            "RSA ",
            "PRIVATE KEY",
            "-----",
            "-----END ",
            "PRIVATE KEY-----",
            "KEY",
            "a",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let expected: Vec<_> = url
                .captures_iter(&text)
                .filter_map(|c| c.get(1).map(|g| g.range()))
                .collect();
            assert_eq!(url_passwords(&text), expected, "{text:?}");
            let expected: Vec<_> = pem.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(private_keys(&text), expected, "{text:?}");
        }
    }
}
