//! `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.
//!
//! One run. `tool.driver.rules` lists every built-in rule (id = the stable code, help = the
//! rule's `explain` markdown); each result names its rule by `ruleId` and `ruleIndex`.
//! Regions are 1-based with SARIF's default column unit, UTF-16 code units (the same as
//! character columns on ASCII lines), and `endColumn` is exclusive. Results carry a
//! `partialFingerprints` entry built from the rule, the file and the key path, never line
//! numbers, so an alert survives edits above it. Fixes become `fixes[].artifactChanges`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::notice::Notice;
use crate::diagnostic::{Diagnostic, Location};
use crate::rules::{RuleCode, Severity};
use crate::source::SourceFile;

/// The `$schema` of the document.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// The key of our entry in `partialFingerprints`. The `v1` changes if the recipe does.
pub const FINGERPRINT_KEY: &str = "oncallLint/v1";

/// Renders findings as a pretty-printed SARIF 2.1.0 log (with a trailing newline).
pub fn render(diagnostics: &[Diagnostic]) -> String {
    render_with(diagnostics, &[])
}

/// Renders findings, and the run's notices as tool execution notifications of its
/// invocation, as a pretty-printed SARIF 2.1.0 log.
pub fn render_with(diagnostics: &[Diagnostic], notices: &[Notice]) -> String {
    let mut out = serde_json::to_string_pretty(&to_value_with(diagnostics, notices))
        .expect("a JSON value always serializes");
    out.push('\n');
    super::display::json_escape_invisible(out)
}

/// The log as a JSON value.
pub fn to_value(diagnostics: &[Diagnostic]) -> Value {
    to_value_with(diagnostics, &[])
}

/// The log, with the run's notices, as a JSON value.
pub fn to_value_with(diagnostics: &[Diagnostic], notices: &[Notice]) -> Value {
    let diagnostics = &*super::display::diagnostics(diagnostics);
    let mut descriptors: Vec<Value> = RuleCode::ALL
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            let explain = meta.explain();
            let mut descriptor = json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": { "text": meta.summary.trim() },
                "fullDescription": { "text": explain, "markdown": explain },
                "help": { "text": explain, "markdown": explain },
                "defaultConfiguration": { "level": level(meta.severity) },
            });
            if let Some(profile) = meta.profile {
                descriptor["properties"] = json!({ "profile": profile.as_str() });
            }
            descriptor
        })
        .collect();
    let mut index: HashMap<String, usize> = RuleCode::ALL
        .iter()
        .enumerate()
        .map(|(i, rule)| (rule.as_str().to_owned(), i))
        .collect();
    // A finding of a rule that is not built in (none today) still gets a descriptor, so
    // every `ruleIndex` points at its rule.
    for d in diagnostics {
        if !index.contains_key(d.code()) {
            index.insert(d.code().to_owned(), descriptors.len());
            descriptors.push(json!({
                "id": d.code(),
                "name": d.name(),
                "defaultConfiguration": { "level": level(d.severity) },
            }));
        }
    }
    let fingerprints = fingerprints(diagnostics);
    let results: Vec<Value> = diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| result(d, index[d.code()], fingerprint))
        .collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "oncall-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": descriptors,
                }
            },
            "invocations": [invocation(notices)],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    })
}

/// The run's invocation: it succeeded, and what it skipped or assumed (SARIF §3.20.21's
/// `toolExecutionNotifications`, each with the file it is about).
fn invocation(notices: &[Notice]) -> Value {
    let notifications: Vec<Value> = notices
        .iter()
        .map(|n| {
            let mut notification = json!({
                "descriptor": { "id": n.kind.as_str() },
                "level": "note",
                "message": { "text": super::display::text(&n.message) },
            });
            if let Some(file) = &n.file {
                notification["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact_uri(&normalize_path(file)) }
                    }
                }]);
            }
            notification
        })
        .collect();
    json!({
        "executionSuccessful": true,
        "toolExecutionNotifications": notifications,
    })
}

fn result(d: &Diagnostic, rule_index: usize, fingerprint: String) -> Value {
    let mut primary = location(&d.primary);
    if let Some(label) = &d.label {
        primary["message"] = json!({ "text": label });
    }
    if !d.primary.key_path.is_empty() {
        primary["logicalLocations"] = json!([{
            "fullyQualifiedName": d.primary.key_path,
            "kind": "member",
        }]);
    }
    let mut result = json!({
        "ruleId": d.code(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [primary],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, related)| {
                let mut loc = location(&related.location);
                loc["id"] = json!(i);
                loc["message"] = json!({ "text": related.message });
                loc
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        // One artifactChange per file, its replacements in the order given.
        let mut changes: Vec<(&SourceFile, Vec<Value>)> = Vec::new();
        for edit in &fix.edits {
            let replacement = json!({
                "deletedRegion": region(&edit.file, edit.range.start, edit.range.end),
                "insertedContent": { "text": edit.replacement },
            });
            match changes
                .iter_mut()
                .find(|(f, _)| f.path() == edit.file.path())
            {
                Some((_, replacements)) => replacements.push(replacement),
                None => changes.push((&edit.file, vec![replacement])),
            }
        }
        if !changes.is_empty() {
            result["fixes"] = json!([{
                "description": { "text": fix.title },
                "artifactChanges": changes
                    .into_iter()
                    .map(|(file, replacements)| json!({
                        "artifactLocation": { "uri": artifact_uri(file.path()) },
                        "replacements": replacements,
                    }))
                    .collect::<Vec<_>>(),
                "properties": { "applicability": fix.applicability.as_str() },
            }]);
        }
    }
    let mut properties = Map::new();
    properties.insert("name".into(), json!(d.name()));
    if let Some(help) = &d.help {
        properties.insert("help".into(), json!(help));
    }
    result["properties"] = Value::Object(properties);
    result
}

fn location(location: &Location) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(location.file.path()) },
            "region": region(&location.file, location.span.start, location.span.end),
        }
    })
}

/// A SARIF text region for a byte range: 1-based lines, 1-based UTF-16 columns, exclusive
/// end column.
fn region(file: &SourceFile, start: usize, end: usize) -> Value {
    let len = file.text().len();
    let start = start.min(len);
    let end = end.clamp(start, len);
    let (start_line, start_column) = utf16_line_col(file, start);
    let (end_line, end_column) = utf16_line_col(file, end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// The 1-based line and 1-based column of a byte offset, the column in UTF-16 code units
/// (SARIF's default `columnKind`). On an ASCII line it equals the character column.
pub fn utf16_line_col(file: &SourceFile, offset: usize) -> (usize, usize) {
    let text = file.text();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = file.line_col(offset).line;
    let line_start = file.line_starts()[line - 1];
    let column = text[line_start..offset].encode_utf16().count() + 1;
    (line, column)
}

/// `error`, `warning` or `note`.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as CI systems want it: `/` separators, no leading `./`. Relative paths stay
/// relative (to the directory the linter ran in, normally the repository root).
pub fn normalize_path(path: &str) -> String {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/').to_owned();
    }
    path
}

/// A path as a SARIF `artifactLocation.uri`: a relative reference for a relative path, a
/// `file://` URI for an absolute one, with characters a URI may not hold percent-encoded.
pub fn artifact_uri(path: &str) -> String {
    let path = normalize_path(path);
    let bytes = path.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let prefix = if windows_drive {
        "file:///"
    } else if path.starts_with('/') {
        "file://"
    } else {
        ""
    };
    let mut out = String::from(prefix);
    for byte in path.bytes() {
        // `:` would read as a scheme in a relative reference's first segment.
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && !prefix.is_empty());
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The stable fingerprint of a finding: 16 hex digits of the 64-bit FNV-1a hash of
/// `code \0 file \0 key_path` (the file as given, normalized to `/`). No line numbers, so it
/// survives edits elsewhere in the file.
pub fn fingerprint(code: &str, file: &str, key_path: &str) -> String {
    let input = format!("{code}\0{}\0{key_path}", normalize_path(file));
    format!("{:016x}", fnv1a64(input.as_bytes()))
}

/// The fingerprints of a list of findings, in order. When several findings share rule,
/// file and key path, the first keeps [`fingerprint`]'s value and the n-th (n ≥ 1) hashes
/// `… \0 n` instead, so every fingerprint in one report is unique.
pub fn fingerprints(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let base = fingerprint(
                d.code(),
                d.primary.file.path(),
                &d.primary.key_path.to_string(),
            );
            let occurrence = seen.entry(base.clone()).or_insert(0);
            let n = *occurrence;
            *occurrence += 1;
            if n == 0 {
                base
            } else {
                let input = format!(
                    "{}\0{}\0{}\0{n}",
                    d.code(),
                    normalize_path(d.primary.file.path()),
                    d.primary.key_path
                );
                format!("{:016x}", fnv1a64(input.as_bytes()))
            }
        })
        .collect()
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn columns_count_utf16_code_units() {
        let file = SourceFile::new("v.yaml", "a: 1\nk: \"é🎉\" x\n");
        // `x` is after `k: "`, é (1 unit), 🎉 (2 units), `" `: column 4 + 1 + 2 + 2 + 1
        let x = file.text().rfind('x').unwrap();
        assert_eq!(utf16_line_col(&file, x), (2, 10));
        assert_eq!(file.line_col(x).column, 9);
        assert_eq!(utf16_line_col(&file, 0), (1, 1));
    }

    #[test]
    fn uris_are_relative_references_or_file_uris() {
        assert_eq!(artifact_uri("./deploy\\values.yaml"), "deploy/values.yaml");
        assert_eq!(artifact_uri("my values.yaml"), "my%20values.yaml");
        assert_eq!(artifact_uri("/abs/v.yaml"), "file:///abs/v.yaml");
        assert_eq!(artifact_uri("C:\\x\\v.yaml"), "file:///C:/x/v.yaml");
        assert_eq!(artifact_uri("<--set>"), "%3C--set%3E");
        assert_eq!(artifact_uri("a:b.yaml"), "a%3Ab.yaml");
        assert_eq!(artifact_uri("é.yaml"), "%C3%A9.yaml");
    }
}
