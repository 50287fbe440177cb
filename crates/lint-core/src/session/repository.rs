//! Where a path a manifest writes is: beside the manifest (helmfile, Kustomize), or for
//! Argo CD inside the Git repository of the source's `repoURL`, read only when that is the
//! repository holding the manifest (one of its remotes; compared as host and path, so
//! `git@host:org/repo` and `https://host/org/repo.git` agree).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use super::discover;
use crate::gitops::{Place, Resolution, Resolver, beside};

/// Resolves paths written in manifests: beside the manifest, or inside the Git
/// repository (the one holding the manifest) whose remotes include the `repoURL`.
#[derive(Default)]
pub(super) struct RepoResolver {
    /// For each directory asked about: the repository holding it (its root as the session
    /// names files, and its remotes' URLs, normalized).
    repos: Mutex<HashMap<String, Option<Repo>>>,
}

/// A Git repository: its root as the session names files, and its remotes' URLs,
/// normalized.
type Repo = (String, Vec<String>);

impl Resolver for RepoResolver {
    fn resolve(&self, manifest: &str, place: &Place, written: &str) -> Resolution {
        match place {
            Place::Manifest(dir) => Resolution::Here(beside(manifest, dir, written)),
            Place::Repository { url, path } => {
                let dir = beside(manifest, "", ".");
                let Some((root, remotes)) = self.repository(&dir) else {
                    return Resolution::Elsewhere(format!(
                        "`{url}`: the manifest is not in a Git repository with a remote to compare"
                    ));
                };
                if !remotes.contains(&normalize_url(url)) {
                    return Resolution::Elsewhere(format!(
                        "in `{url}`, not this repository (its remotes: {})",
                        if remotes.is_empty() {
                            "none".to_owned()
                        } else {
                            remotes.join(", ")
                        }
                    ));
                }
                Resolution::Here(beside(&format!("{root}/_"), path, written))
            }
        }
    }
}

impl RepoResolver {
    /// The repository that holds `dir`: its root's name and its remotes.
    fn repository(&self, dir: &str) -> Option<Repo> {
        let mut cache = self.repos.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = cache.get(dir) {
            return known.clone();
        }
        let found = find_repository(Path::new(dir));
        cache.insert(dir.to_owned(), found.clone());
        found
    }
}

/// Walks up from `dir` to the directory holding `.git`; reads its remotes.
fn find_repository(dir: &Path) -> Option<Repo> {
    let start = dir.canonicalize().ok()?;
    let root = start.ancestors().find(|d| d.join(".git").exists())?;
    // a regular file of a sane size (a checkout could hold a FIFO or a device there)
    let config = match crate::pipeline::read_regular(&root.join(".git").join("config"), 1 << 20) {
        Ok(crate::pipeline::Bounded::Read(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    };
    let remotes = config
        .lines()
        .filter_map(|line| {
            let (key, value) = line.trim().split_once('=')?;
            (key.trim() == "url").then(|| normalize_url(value.trim()))
        })
        .collect();
    // the working directory itself is `.`, as the session names the files below it
    let here = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let name = if here.as_deref() == Some(root) {
        ".".to_owned()
    } else {
        discover::display_name(root)
    };
    Some((name, remotes))
}

/// A Git URL compared as host and path: `https://github.com/org/repo.git`,
/// `git@github.com:org/repo` and `ssh://git@github.com/org/repo/` are all
/// `github.com/org/repo`.
fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split_once('@').map_or(
        rest,
        |(user, rest)| {
            if user.contains('/') { url } else { rest }
        },
    );
    // scp-like `host:org/repo`
    let rest = match rest.split_once(':') {
        Some((host, path))
            if !host.contains('/') && !path.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            format!("{host}/{path}")
        }
        _ => rest.to_owned(),
    };
    rest.trim_end_matches('/')
        .trim_end_matches(".git")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls_compare_by_host_and_path() {
        for url in [
            "https://github.com/Org/Repo.git",
            "git@github.com:org/repo",
            "ssh://git@github.com/org/repo/",
            "https://github.com/org/repo",
        ] {
            assert_eq!(normalize_url(url), "github.com/org/repo", "{url}");
        }
        assert_ne!(
            normalize_url("https://github.com/org/other"),
            "github.com/org/repo"
        );
    }
}
