//! Which file of this repository a path written in a manifest names. The session answers
//! (it knows the working tree and the repository's remotes); the pipeline asks, so it can
//! lint a manifest's release from the files it was handed, again after each fix.

use super::Place;

/// What a path written in a manifest names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file of this working tree, by the name the session reads it under (it may not
    /// exist: the pipeline finds it among the files it was handed, or reports it missing).
    Here(String),
    /// Not in this working tree (another repository, an absolute URL): why, for the note.
    Elsewhere(String),
}

/// Resolves paths written in a manifest.
pub trait Resolver: Sync {
    /// What `written` (relative to `place`) names, for the manifest the session reads as
    /// `manifest`.
    fn resolve(&self, manifest: &str, place: &Place, written: &str) -> Resolution;
}

/// Joins `written` to the directory of `manifest` (both `/`-separated names as the session
/// gives them), folding `.` and `..` the way the session names files.
pub fn beside(manifest: &str, dir: &str, written: &str) -> String {
    let mut parts: Vec<&str> = manifest
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    parts.pop();
    let absolute = manifest.starts_with('/');
    if written.starts_with('/') {
        parts.clear();
    }
    for part in dir.split('/').chain(written.split('/')) {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if absolute => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if absolute || written.starts_with('/') {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_beside_the_manifest() {
        assert_eq!(
            beside("flux/oncall.yaml", "", "values.yaml"),
            "flux/oncall.yaml".replace("oncall.yaml", "values.yaml")
        );
        assert_eq!(
            beside("a/b/helmfile.yaml", "", "../values/prod.yaml"),
            "a/values/prod.yaml"
        );
        assert_eq!(beside("helmfile.yaml", "", "./values.yaml"), "values.yaml");
        assert_eq!(beside("helmfile.yaml", "", "../x.yaml"), "../x.yaml");
        assert_eq!(
            beside("apps/kustomization.yaml", "charts/oncall", "Chart.yaml"),
            "apps/charts/oncall/Chart.yaml"
        );
        assert_eq!(beside("/srv/repo/a.yaml", "", "../b.yaml"), "/srv/b.yaml");
        assert_eq!(
            beside("./x", "apps/oncall", "values.yaml"),
            "apps/oncall/values.yaml"
        );
        assert_eq!(beside("../repo/x", "", "a.yaml"), "../repo/a.yaml");
    }
}
