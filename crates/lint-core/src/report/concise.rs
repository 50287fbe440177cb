//! One line per finding: `PATH:LINE:COL: CODE SEVERITY: MESSAGE` (1-based), nothing else.

use crate::diagnostic::Diagnostic;

/// Renders findings, one line each, in the order given.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let at = d.primary.start();
        out.push_str(&format!(
            "{}:{}:{}: {} {}: {}\n",
            d.primary.file.path(),
            at.line,
            at.column,
            d.code,
            d.severity,
            single_line(&d.message)
        ));
    }
    out
}

fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
