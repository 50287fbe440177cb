//! The README's rule table lists every rule with its code, name and severity.

#[test]
fn readme_rule_table_matches_the_catalog() {
    let readme = include_str!("../README.md");
    for rule in oncall_lint_core::rules::all() {
        let row = format!(
            "| {} | {} | {} |",
            rule.code,
            rule.name,
            rule.meta().severity
        );
        assert!(readme.contains(&row), "README's rule table lacks `{row}`");
    }
}
