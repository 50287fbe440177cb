//! The catalog of rules, as `oncall-lint rules` prints it (an aligned table or JSON) and
//! as the README's rule table shows it (markdown, generated from the rule files).

use crate::rules::RuleCode;

/// One line per rule: code, name, severity, summary (and its profile).
pub fn table() -> String {
    let width = RuleCode::ALL
        .iter()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(4);
    let mut text = format!(
        "{:<6} {:<width$} {:<8} SUMMARY\n",
        "CODE", "NAME", "SEVERITY"
    );
    for rule in RuleCode::ALL {
        let meta = rule.meta();
        let summary = match rule.info().profile {
            Some(p) => format!("{} [{p}]", meta.summary),
            None => meta.summary.clone(),
        };
        text.push_str(&format!(
            "{:<6} {:<width$} {:<8} {}\n",
            rule.as_str(),
            rule.name(),
            rule.severity(),
            summary
        ));
    }
    text
}

/// A JSON array of the rules (code, name, severity, profile, summary), with a trailing
/// newline.
pub fn json() -> String {
    let items: Vec<serde_json::Value> = RuleCode::ALL
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.as_str(),
                "name": r.name(),
                "severity": r.severity().as_str(),
                "profile": r.info().profile.map(|p| p.as_str()),
                "summary": r.meta().summary,
            })
        })
        .collect();
    // a list of JSON values always serializes
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_default();
    text.push('\n');
    text
}

/// The README's rule table (markdown): code, name, severity, what it catches, fix.
pub fn markdown() -> String {
    let mut text =
        String::from("| code | name | severity | what it catches | fix |\n|---|---|---|---|---|\n");
    for rule in RuleCode::ALL {
        let catalog = &rule.meta().catalog;
        text.push_str(&format!(
            "| {rule} | {} | {} | {} | {} |\n",
            rule.name(),
            rule.severity(),
            catalog.catches.trim(),
            catalog.fix.trim()
        ));
    }
    text
}
