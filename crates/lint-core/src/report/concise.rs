//! One line per finding: `PATH:LINE:COL: CODE SEVERITY: MESSAGE` (1-based), nothing else.
//! The message is shown as every format shows it ([`display`]: long values cut, invisible
//! characters escaped).

use super::display::{self, escape_invisible};
use crate::diagnostic::Diagnostic;

/// Renders findings, one line each, in the order given.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let at = d.primary.start();
        out.push_str(&format!(
            "{}:{}:{}: {} {}: {}\n",
            single_line(&escape_invisible(d.primary.file.path())),
            at.line,
            at.column,
            d.code(),
            d.severity,
            single_line(&display::text(&d.message))
        ));
    }
    out
}

/// One line of printable text: line breaks become spaces and other control characters
/// U+FFFD, so neither a message nor a file name can split a finding or drive the terminal.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\r' | '\n' => ' ',
            c if c.is_control() && c != '\t' => '\u{FFFD}',
            c => c,
        })
        .collect()
}
