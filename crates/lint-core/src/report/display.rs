//! What every report format does to a finding's text before it shows it, so that no format
//! can be made to print something huge or something that reads differently from what the
//! file holds.
//!
//! - **Long values are cut.** A message quotes the value it is about between backticks; a
//!   1 MiB value would be echoed whole in every format. A quoted run longer than
//!   [`MAX_QUOTED_CHARS`] keeps its first characters and says how many were cut
//!   (`` `AAAA… (1048376 more chars)` ``), and any line of a message, label or help longer
//!   than [`MAX_LINE_CHARS`] is cut the same way.
//! - **Invisible characters are escaped.** Bidi overrides and isolates, zero-width and other
//!   format characters, and the Unicode line and paragraph separators make text display
//!   differently from what it holds (a key can look like another one); they are written as
//!   `\u{202E}`. Control characters (C0, DEL, C1) are left to each format, which already
//!   makes them harmless in its own way (U+FFFD, or its own escapes).
//!
//! Hand-written: the character classes are a short fixed list, and the cut has to know
//! about the backticks messages quote with; no crate does either.

use std::borrow::Cow;

use crate::diagnostic::Diagnostic;

/// The most characters of a quoted value a report shows.
pub const MAX_QUOTED_CHARS: usize = 200;

/// The most characters of one line of a message, label or help a report shows.
pub const MAX_LINE_CHARS: usize = 1000;

/// Whether `c` is a character that displays as nothing or changes how the text around it
/// displays: bidi embeddings, overrides, isolates and marks, zero-width characters, word
/// joiners and invisible operators, the line and paragraph separators, the byte order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Whether `text` can hold an [invisible](is_invisible) character: whether it holds a byte
/// that starts one (a fast test; most report text is ASCII).
fn may_hold_invisible(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, 0xC2 | 0xD8 | 0xE1 | 0xE2 | 0xE3 | 0xEF))
}

/// The text with every [invisible](is_invisible) character written as `\u{XXXX}`.
pub fn escape_invisible(text: &str) -> Cow<'_, str> {
    if !may_hold_invisible(text) || !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message, label or help as a report shows it: quoted runs and lines cut, invisible
/// characters escaped.
pub fn text(text: &str) -> Cow<'_, str> {
    match cut(text) {
        Cow::Borrowed(t) => escape_invisible(t),
        Cow::Owned(t) => Cow::Owned(escape_invisible(&t).into_owned()),
    }
}

/// The text with backtick-quoted runs over [`MAX_QUOTED_CHARS`] and lines over
/// [`MAX_LINE_CHARS`] cut at a character boundary, each saying how much was cut.
fn cut(text: &str) -> Cow<'_, str> {
    // no line and no quoted run can be too long in a text this short
    if text.len() <= MAX_QUOTED_CHARS {
        return Cow::Borrowed(text);
    }
    let mut changed = false;
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = cut_quoted(line);
        let line = match cut_chars(&line, MAX_LINE_CHARS) {
            Some(cut) => Cow::Owned(cut),
            None => line,
        };
        changed |= matches!(line, Cow::Owned(_));
        out.push_str(&line);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// One line with each backtick-quoted run over [`MAX_QUOTED_CHARS`] cut.
fn cut_quoted(line: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            break;
        };
        let quoted = &after[..close];
        out.push_str(&rest[..=open]);
        match cut_chars(quoted, MAX_QUOTED_CHARS) {
            Some(cut) => {
                out.push_str(&cut);
                changed = true;
            }
            None => out.push_str(quoted),
        }
        out.push('`');
        rest = &after[close + 1..];
    }
    if !changed {
        return Cow::Borrowed(line);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `text` cut to its first `max` characters and `… (N more chars)`, or `None` when it is
/// not longer than `max` characters.
pub fn cut_chars(text: &str, max: usize) -> Option<String> {
    if text.len() <= max {
        return None;
    }
    let (end, _) = text.char_indices().nth(max)?;
    let more = text[end..].chars().count();
    Some(format!("{}… ({more} more chars)", &text[..end]))
}

/// The findings as every report shows them: each message, label, help, related message and
/// fix title through [`text`]. Borrowed when nothing needs to change (the common case).
pub fn diagnostics(diagnostics: &[Diagnostic]) -> Cow<'_, [Diagnostic]> {
    if !diagnostics.iter().any(needs_change) {
        return Cow::Borrowed(diagnostics);
    }
    Cow::Owned(
        diagnostics
            .iter()
            .map(|d| {
                if !needs_change(d) {
                    return d.clone();
                }
                let mut d = d.clone();
                apply(&mut d.message);
                if let Some(label) = &mut d.label {
                    apply(label);
                }
                if let Some(help) = &mut d.help {
                    apply(help);
                }
                for related in &mut d.related {
                    apply(&mut related.message);
                }
                if let Some(fix) = &mut d.fix {
                    apply(&mut fix.title);
                }
                d
            })
            .collect(),
    )
}

fn apply(s: &mut String) {
    if let Cow::Owned(shown) = text(s) {
        *s = shown;
    }
}

fn needs_change(d: &Diagnostic) -> bool {
    let changes = |s: &str| matches!(text(s), Cow::Owned(_));
    changes(&d.message)
        || d.label.as_deref().is_some_and(changes)
        || d.help.as_deref().is_some_and(changes)
        || d.related.iter().any(|r| changes(&r.message))
        || d.fix.as_ref().is_some_and(|f| changes(&f.title))
}

/// A serialised JSON document with every invisible character left in it (in a file path,
/// a key path, a fix's replacement text) written as a JSON `\uXXXX` escape: the document
/// means the same, and no invisible character reaches whoever reads it raw.
pub fn json_escape_invisible(json: String) -> String {
    if !may_hold_invisible(&json) || !json.chars().any(is_invisible) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_invisible(c) {
            // every invisible character is in the Basic Multilingual Plane: one escape
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_and_lines_are_cut_at_a_char_boundary() {
        let value = "é".repeat(5000);
        let message = format!("`a` is `{value}` here");
        let shown = text(&message);
        assert!(shown.starts_with(&format!("`a` is `{}… (4800 more chars)`", "é".repeat(200))));
        assert!(shown.ends_with("` here"));
        let line = "x ".repeat(3000);
        let shown = text(&line);
        assert_eq!(
            shown.chars().count(),
            1000 + "… (5000 more chars)".chars().count()
        );
        assert!(matches!(text("`short` value"), Cow::Borrowed(_)));
        let unclosed = format!("`{}", "y".repeat(300));
        assert_eq!(text(&unclosed), unclosed);
    }

    #[test]
    fn every_invisible_character_passes_the_fast_test() {
        let invisible = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|c| is_invisible(*c));
        for c in invisible {
            assert!(may_hold_invisible(&c.to_string()), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(
            text("a\u{202E}b\u{200B}c\u{FEFF}"),
            "a\\u{202E}b\\u{200B}c\\u{FEFF}"
        );
        assert_eq!(text("tab\tline\nend é"), "tab\tline\nend é");
        assert_eq!(
            json_escape_invisible("\"k\u{2066}\"".into()),
            "\"k\\u2066\""
        );
    }
}
