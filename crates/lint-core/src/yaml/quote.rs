//! Writing a string as a YAML scalar that Helm reads back as the same string: plain when
//! go-yaml v2 would resolve it as that string (not `yes`, `0755`, `1.10` or `~`), else
//! double-quoted with YAML's escapes.

use super::scalar::{Resolved, resolve_plain};

/// `s` as a plain scalar when it reads back as the same string, else double-quoted.
pub fn quote_if_needed(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        double_quoted(s)
    }
}

/// A YAML double-quoted scalar: JSON's escapes, plus `\xNN` for the C1 control characters
/// and `\uNNNN` for the other non-printable ones that JSON leaves raw but YAML forbids.
pub fn double_quoted(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"));
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c as u32 {
            0x80..=0x9F => out.push_str(&format!("\\x{:02x}", c as u32)),
            0x2028 | 0x2029 | 0xFEFF | 0xFFFE | 0xFFFF => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_plain_safe(s: &str) -> bool {
    if s.is_empty() || s.trim() != s || resolve_plain(s) != Resolved::Str {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-x` and `:x` are fine in YAML when not followed by a space, but keep it simple
        return false;
    }
    !(s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control() || c == '\u{feff}'))
}

/// Like [`quote_if_needed`], but also quotes the characters that end a flow scalar.
pub fn quote_flow(s: &str) -> String {
    if s.contains([',', '[', ']', '{', '}']) {
        double_quoted(s)
    } else {
        quote_if_needed(s)
    }
}
