//! GitOps repositories: the releases that manifests among a run's files declare (a Flux
//! HelmRelease, an Argo CD Application, a helmfile, a Kustomize `helmCharts` entry), the
//! files each release reads (values files, the manifests holding its ConfigMaps, a chart's
//! `Chart.yaml`), and which values files are thereby linted as part of a release rather
//! than alone.
//!
//! Manifests are found among the files a walk reads and the other YAML files of the same
//! walk (a HelmRelease is rarely named `values*.yaml`); a file named on the command line is
//! looked at with the YAML files beside it. A path a manifest writes is resolved by
//! [`RepoResolver`]: beside the manifest, or for Argo CD inside the Git repository whose
//! remote the `repoURL` names.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::discover::{self, Input};
use crate::gitops::{
    self, Declared, ObjectKind, Place, Resolution, Resolver, ValuesSource, beside,
};
use crate::pipeline::InputFile;
use crate::yaml::{Document, Limits, parse};

/// A manifest to lint with the files its releases read.
pub(super) struct ManifestJob {
    /// The manifest.
    pub manifest: Input,
    /// The files its releases read, named as the resolver names them.
    pub others: Vec<InputFile>,
}

/// What the GitOps look at a run's files found.
#[derive(Default)]
pub(super) struct Found {
    /// The manifests that declare releases, with what they read.
    pub jobs: Vec<ManifestJob>,
    /// The files linted as part of a manifest's release (canonical paths), not alone.
    pub consumed: HashSet<PathBuf>,
}

/// A file looked at: its name and its documents.
struct Looked {
    name: String,
    documents: Vec<Document>,
}

/// Finds the manifests among `inputs` and `yaml` (other YAML files in the run's scope, not
/// linted on their own), and the files their releases read. `inputs` that are manifests
/// are moved into jobs. A manifest among `yaml` is linted when a walk found it (`true`);
/// one found beside a named file only when its releases read one of `inputs` (the values
/// file named is then linted as part of its release).
pub(super) fn find(
    inputs: &mut Vec<Input>,
    yaml: &[(PathBuf, bool)],
    resolver: &RepoResolver,
    limit: u64,
) -> Found {
    let limits = Limits::default();
    let named: HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| i.path.as_ref()?.canonicalize().ok())
        .collect();
    // first the manifests (a cheap look at the bytes before any parse) ...
    let mut manifests: Vec<(Input, Vec<Document>, Vec<Declared>, bool)> = Vec::new();
    let mut holders: Vec<(String, Vec<u8>)> = Vec::new();
    let mut kept = Vec::new();
    for input in inputs.drain(..) {
        match declaring(&input, &limits) {
            Some((documents, declared)) => manifests.push((input, documents, declared, true)),
            None => {
                if input.path.is_some() && holds_objects(&input.bytes) {
                    holders.push((input.display.clone(), input.bytes.clone()));
                }
                kept.push(input);
            }
        }
    }
    *inputs = kept;
    for (path, walked) in yaml {
        let Ok(input) = discover::read_file(path, limit) else {
            continue;
        };
        if input.too_large.is_some() {
            continue;
        }
        match declaring(&input, &limits) {
            Some((documents, declared)) => manifests.push((input, documents, declared, *walked)),
            None if holds_objects(&input.bytes) => holders.push((input.display, input.bytes)),
            None => {}
        }
    }
    // ... then, only when a release reads a ConfigMap or Secret, the files that may hold one
    let reads_objects = manifests.iter().any(|(_, _, declared, _)| {
        declared.iter().any(|d| {
            d.sources
                .iter()
                .any(|s| matches!(s, ValuesSource::Object { .. }))
        })
    });
    let mut catalog: Vec<Looked> = Vec::new();
    for (input, documents, _, _) in &manifests {
        catalog.push(Looked {
            name: input.display.clone(),
            documents: documents.clone(),
        });
    }
    if reads_objects {
        catalog.extend(holders.into_iter().filter_map(|(name, bytes)| {
            let text = std::str::from_utf8(&bytes).ok()?;
            let documents = parse(text.trim_start_matches('\u{feff}'), &limits).ok()?;
            Some(Looked { name, documents })
        }));
    }
    let mut found = Found::default();
    for (manifest, _, declared, always) in manifests {
        let others = reads(&manifest.display, &declared, &catalog, resolver);
        let reads_named = others.iter().any(|other| {
            Path::new(&other.path)
                .canonicalize()
                .is_ok_and(|c| named.contains(&c))
        });
        if !always && !reads_named {
            continue;
        }
        for other in &others {
            if let Ok(canonical) = Path::new(&other.path).canonicalize() {
                found.consumed.insert(canonical);
            }
        }
        found.jobs.push(ManifestJob { manifest, others });
    }
    found
}

/// Whether bytes may define a ConfigMap or Secret (`kind: ConfigMap`), or a generator of
/// one: the files worth parsing for `valuesFrom`.
fn holds_objects(bytes: &[u8]) -> bool {
    let mentions = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    mentions(b"kind: ConfigMap") || mentions(b"kind: Secret") || mentions(b"configMapGenerator")
}

/// The documents of a file that declares releases, and the releases: `None` for a file
/// that declares none (most are ruled out by their bytes, unparsed).
fn declaring(input: &Input, limits: &Limits) -> Option<(Vec<Document>, Vec<Declared>)> {
    if input.too_large.is_some() || !gitops::may_declare(&input.display, &input.bytes) {
        return None;
    }
    let text = std::str::from_utf8(&input.bytes).ok()?;
    let documents = parse(text.trim_start_matches('\u{feff}'), limits).ok()?;
    let declared: Vec<Declared> = documents
        .iter()
        .enumerate()
        .flat_map(|(index, doc)| gitops::declared(doc, index, &input.display))
        .collect();
    (!declared.is_empty()).then_some((documents, declared))
}

/// The files the releases of a manifest read, each once: values files, `Chart.yaml`s and
/// the files holding the ConfigMaps and Secrets they name (found in `catalog`).
fn reads(
    manifest: &str,
    declared: &[Declared],
    catalog: &[Looked],
    resolver: &RepoResolver,
) -> Vec<InputFile> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if name != manifest && !names.contains(&name) {
            names.push(name);
        }
    };
    for release in declared {
        if let Some(place) = &release.chart_dir
            && let Resolution::Here(name) = resolver.resolve(manifest, place, "Chart.yaml")
        {
            add(name);
        }
        for source in &release.sources {
            match source {
                ValuesSource::File { written, place, .. } => {
                    if let Resolution::Here(name) = resolver.resolve(manifest, place, &written.text)
                    {
                        add(name);
                    }
                }
                ValuesSource::Object {
                    kind,
                    name,
                    namespace,
                    key,
                    ..
                } => {
                    for holder in holders(catalog, *kind, name, namespace.as_deref(), key, resolver)
                    {
                        add(holder);
                    }
                }
                _ => {}
            }
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let bytes = std::fs::read(&name).ok()?;
            Some(InputFile { path: name, bytes })
        })
        .collect()
}

/// The files that define a ConfigMap or Secret: the manifest holding it, or a
/// kustomization's `configMapGenerator` and the file it makes the key from.
fn holders(
    catalog: &[Looked],
    kind: ObjectKind,
    name: &str,
    namespace: Option<&str>,
    key: &str,
    resolver: &RepoResolver,
) -> Vec<String> {
    let kind_name = match kind {
        ObjectKind::ConfigMap => "ConfigMap",
        ObjectKind::Secret => "Secret",
    };
    let same = |theirs: Option<&str>| match (theirs, namespace) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let mut out = Vec::new();
    for looked in catalog {
        for doc in &looked.documents {
            let Some(root) = doc.root else { continue };
            if gitops::scalar(doc, root, &["kind"]) == Some(kind_name)
                && gitops::scalar(doc, root, &["metadata", "name"]) == Some(name)
                && same(gitops::scalar(doc, root, &["metadata", "namespace"]))
            {
                out.push(looked.name.clone());
            }
            if kind != ObjectKind::ConfigMap || !gitops::is_kustomization(&looked.name) {
                continue;
            }
            for generated in gitops::generated_config_maps(doc) {
                if generated.name == name
                    && generated.key == key
                    && same(generated.namespace.as_deref())
                {
                    out.push(looked.name.clone());
                    let place = Place::Manifest(String::new());
                    if let Resolution::Here(file) =
                        resolver.resolve(&looked.name, &place, &generated.file.text)
                    {
                        out.push(file);
                    }
                }
            }
        }
    }
    out
}

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
    let config = std::fs::read_to_string(root.join(".git").join("config")).unwrap_or_default();
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
