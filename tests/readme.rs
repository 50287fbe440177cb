//! The README's rule table is generated from the rule files: between its markers it holds
//! exactly what `report::catalog::markdown` writes. `UPDATE_README=1 cargo test --test
//! readme` rewrites it (after adding or changing a rule).

use std::path::Path;

const BEGIN: &str = "<!-- rules:begin (generated from rules/*.yaml; UPDATE_README=1 cargo test --test readme) -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_is_the_catalog() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(BEGIN)
        .expect("README has the rules:begin marker")
        + BEGIN.len();
    let end = readme[start..]
        .find(END)
        .expect("README has the rules:end marker")
        + start;
    let table = oncall_lint_core::report::catalog::markdown();
    if readme[start..end] == table {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "README's rule table is out of date: run `UPDATE_README=1 cargo test --test readme`\n\n{table}"
    );
}
