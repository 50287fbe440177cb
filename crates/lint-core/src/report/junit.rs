//! `--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins,
//! Azure Pipelines, CircleCI).
//!
//! One `<testsuite>` per file with findings (named by the file's path), one `<testcase>`
//! per finding with a `<failure>` whose `type` is the rule code and whose `message` is the
//! finding's message; the body holds the location, severity, help and related places. Every
//! finding is a failure whatever its severity; the exit code (`--fail-on`) decides whether
//! the job fails. A run without findings is one passing test case, so the report is never
//! empty.

use std::fmt::Write;

use crate::diagnostic::Diagnostic;
use crate::report::sarif::normalize_path;
use crate::report::text;

/// Renders findings as a JUnit XML document (with a trailing newline). `files` is the
/// number of files linted (named in the passing test case of a clean run).
pub fn render(diagnostics: &[Diagnostic], files: usize) -> String {
    let diagnostics = &*super::display::diagnostics(diagnostics);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if diagnostics.is_empty() {
        let name = text::summary(diagnostics, files);
        let _ = write!(
            out,
            "<testsuites name=\"oncall-lint\" tests=\"1\" failures=\"0\" errors=\"0\">\n  \
             <testsuite name=\"oncall-lint\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"{}\" classname=\"oncall-lint\"/>\n  \
             </testsuite>\n</testsuites>\n",
            attr(name.trim_end())
        );
        return out;
    }
    // Files in the order they first appear (an index by path: a linear search per finding
    // made many files' findings quadratic).
    let mut groups: Vec<(String, Vec<&Diagnostic>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in diagnostics {
        let path = normalize_path(d.primary.file.path());
        match index.get(&path) {
            Some(&i) => groups[i].1.push(d),
            None => {
                index.insert(path.clone(), groups.len());
                groups.push((path, vec![d]));
            }
        }
    }
    let n = diagnostics.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"oncall-lint\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">"
    );
    for (path, group) in &groups {
        let n = group.len();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
            attr(path)
        );
        for d in group {
            testcase(&mut out, path, d);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    escape_invisible(out)
}

/// The document with every invisible character left in it (a file or key path's bidi
/// override) written as a character reference: the XML means the same, and no invisible
/// character reaches whoever reads it raw.
fn escape_invisible(xml: String) -> String {
    use super::display::is_invisible;
    if !xml.chars().any(is_invisible) {
        return xml;
    }
    let mut out = String::with_capacity(xml.len() + 16);
    for c in xml.chars() {
        if is_invisible(c) {
            let _ = write!(out, "&#x{:X};", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn testcase(out: &mut String, path: &str, d: &Diagnostic) {
    let at = d.primary.start();
    let place = if d.primary.key_path.is_empty() {
        format!("{}:{}", at.line, at.column)
    } else {
        format!("{} ({}:{})", d.primary.key_path, at.line, at.column)
    };
    let name = format!("{} {}: {place}", d.code(), d.name());
    let mut body = format!(
        "{path}:{}:{}: {} {}: {}\n",
        at.line,
        at.column,
        d.code(),
        d.severity,
        d.message
    );
    if let Some(label) = &d.label {
        let _ = writeln!(body, "  {label}");
    }
    if let Some(help) = &d.help {
        let _ = writeln!(body, "help: {}", help.trim_end());
    }
    for related in &d.related {
        let at = related.location.start();
        let _ = writeln!(
            body,
            "{}: {}:{}:{}",
            related.message,
            normalize_path(related.location.file.path()),
            at.line,
            at.column
        );
    }
    if let Some(fix) = &d.fix {
        let _ = writeln!(body, "fix ({}): {}", fix.applicability.as_str(), fix.title);
        // the fix is not shown, so a fix in another file than the finding's says which
        for other in crate::fix::diff::other_files(fix, d.primary.file.path()) {
            let _ = writeln!(body, "fix edits {}", normalize_path(other));
        }
    }
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
        attr(&name),
        attr(path),
        attr(path),
        at.line
    );
    let _ = writeln!(
        out,
        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
        attr(&d.message),
        attr(d.code()),
        text_content(&body)
    );
    out.push_str("    </testcase>\n");
}

/// Escapes an attribute value (double-quoted): markup characters, and the whitespace an
/// XML parser would otherwise normalize to spaces.
pub fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

/// Escapes element text. `\r` is written as a reference so parsers keep it.
pub fn text_content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(xml_char(c)),
        }
    }
    out
}

/// Characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        c => c,
    }
}
