//! An umbrella chart's `Chart.yaml` (and `Chart.lock`): the key its oncall dependency
//! holds the values under (the alias, else `oncall`) and the version it pins.

/// The oncall dependency entries of a `Chart.yaml` (and of a `Chart.lock` following it
/// after `---`): (name or alias, version), lock entries last.
fn oncall_dependencies(text: &str) -> Vec<(String, Option<String>)> {
    let Ok(docs) = crate::yaml::parse(text, &crate::yaml::Limits::default()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for doc in &docs {
        let Some(deps) = doc.root.and_then(|root| doc.get(root, "dependencies")) else {
            continue;
        };
        for item in doc.items(deps.value) {
            let field = |name: &str| {
                doc.get(*item, name)
                    .and_then(|e| doc.scalar_text(e.value))
                    .map(str::to_owned)
            };
            if field("name").as_deref() == Some("oncall") {
                let root = field("alias").unwrap_or_else(|| "oncall".into());
                found.push((root, field("version")));
            }
        }
    }
    found
}

/// Finds the values root an umbrella `Chart.yaml` gives the oncall chart: the alias or the
/// name of its dependency named `oncall`.
pub fn values_root_from_chart_yaml(text: &str) -> Option<String> {
    oncall_dependencies(text)
        .into_iter()
        .next()
        .map(|(root, _)| root)
}

/// The version an umbrella `Chart.yaml` or `Chart.lock` pins the oncall dependency to (the
/// lock wins; a range such as `~1.16.0` counts as its lowest version).
pub fn oncall_version_from_chart_yaml(text: &str) -> Option<String> {
    oncall_dependencies(text)
        .into_iter()
        .rev()
        .find_map(|(_, version)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_yaml_dependency_gives_root_and_version() {
        let text = "apiVersion: v2\nname: mine\ndependencies:\n  - name: oncall\n    version: 1.9.22\n    alias: alerts\n";
        assert_eq!(values_root_from_chart_yaml(text).as_deref(), Some("alerts"));
        assert_eq!(
            oncall_version_from_chart_yaml(text).as_deref(),
            Some("1.9.22")
        );
    }
}
