//! The README's rule table lists every rule with its code, name and severity.

#[test]
fn readme_rule_table_matches_the_catalog() {
    let readme = include_str!("../README.md");
    for rule in oncall_lint_core::RuleCode::ALL {
        let row = format!("| {rule} | {} | {} |", rule.name(), rule.severity());
        assert!(readme.contains(&row), "README's rule table lacks `{row}`");
    }
}
