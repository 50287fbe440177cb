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

use super::discover::{self, Input, Texts};
use super::repository::RepoResolver;
use crate::gitops::{self, Declared, ObjectKind, Place, Resolution, Resolver, ValuesSource};
use crate::pipeline::InputFile;
use crate::yaml::{Document, Limits, parse};

/// A manifest to lint with the files its releases read.
pub(super) struct ManifestJob {
    /// The manifest.
    pub manifest: Input,
    /// Its documents, parsed while looking for releases (linting does not parse it again).
    pub documents: Vec<Document>,
    /// The files its releases read, named as the resolver names them, with their documents
    /// when they were parsed while looking.
    pub others: Vec<(InputFile, Option<Vec<Document>>)>,
}

/// What the GitOps look at a run's files found.
#[derive(Default)]
pub(super) struct Found {
    /// The manifests that declare releases, with what they read.
    pub jobs: Vec<ManifestJob>,
    /// The files linted as part of a manifest's release (canonical paths), not alone.
    pub consumed: HashSet<PathBuf>,
}

/// A manifest found: the file, its documents, the releases they declare, and whether it
/// is linted whatever it reads (`false`: found beside a named file, linted only when it
/// reads one).
struct Manifest {
    input: Input,
    documents: Vec<Document>,
    declared: Vec<Declared>,
    always: bool,
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
    limits: &Limits,
    texts: &Texts,
) -> Found {
    let named: HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| i.path.as_ref()?.canonicalize().ok())
        .collect();
    let (manifests, holders) = look(inputs, yaml, limits, texts);
    // only when a release reads a ConfigMap or Secret are the files that may hold one parsed
    let reads_objects = manifests.iter().any(|m| {
        m.declared.iter().any(|d| {
            d.sources
                .iter()
                .any(|s| matches!(s, ValuesSource::Object { .. }))
        })
    });
    let holders = if reads_objects {
        parse_all(holders, limits)
    } else {
        Vec::new()
    };
    let objects = Objects::index(
        manifests
            .iter()
            .map(|m| (m.input.display.as_str(), m.documents.as_slice()))
            .chain(
                holders
                    .iter()
                    .map(|h| (h.name.as_str(), h.documents.as_slice())),
            ),
        resolver,
    );
    let mut found = Found::default();
    for manifest in manifests {
        let others = reads(
            &manifest.input.display,
            &manifest.declared,
            &objects,
            &holders,
            resolver,
            limits.max_file_size,
            texts,
        );
        let canonical: Vec<PathBuf> = others
            .iter()
            .filter_map(|(o, _)| Path::new(&o.path).canonicalize().ok())
            .collect();
        if !manifest.always && !canonical.iter().any(|c| named.contains(c)) {
            continue;
        }
        found.consumed.extend(canonical);
        found.jobs.push(ManifestJob {
            manifest: manifest.input,
            documents: manifest.documents,
            others,
        });
    }
    found
}

/// The manifests among `inputs` (taken out of them) and `yaml`, parsed in parallel after a
/// look at their bytes; and the files that may hold ConfigMaps or Secrets, unparsed.
fn look(
    inputs: &mut Vec<Input>,
    yaml: &[(PathBuf, bool)],
    limits: &Limits,
    texts: &Texts,
) -> (Vec<Manifest>, Vec<(String, Vec<u8>)>) {
    use rayon::prelude::*;
    let named: Vec<(Input, bool)> = std::mem::take(inputs)
        .into_iter()
        .map(|input| (input, true))
        .collect();
    // only what may declare a release or hold an object is kept, so a directory of many
    // other YAML files costs a read each, not their bytes all at once
    let walked: Vec<(Input, bool)> = yaml
        .iter()
        .filter_map(|(path, walked)| {
            let input = discover::read_looked_at(path, limits.max_file_size, texts)?;
            let wanted =
                gitops::may_declare(&input.display, &input.bytes) || holds_objects(&input.bytes);
            wanted.then_some((input, *walked))
        })
        .collect();
    let count = named.len();
    let all: Vec<(usize, (Input, bool))> = named.into_iter().chain(walked).enumerate().collect();
    let look_at = |(index, (input, always)): (usize, (Input, bool))| -> Looked {
        let declared = declaring(&input, limits);
        (input, always, declared, index < count)
    };
    // parsed in parallel when there are several to parse (one needs no thread pool)
    let to_parse = all
        .iter()
        .filter(|(_, (input, _))| gitops::may_declare(&input.display, &input.bytes))
        .count();
    let looked: Vec<Looked> = if to_parse > 1 {
        all.into_par_iter().map(look_at).collect()
    } else {
        all.into_iter().map(look_at).collect()
    };
    let mut manifests = Vec::new();
    let mut holders = Vec::new();
    for (input, always, declared, is_input) in looked {
        match declared {
            Some((documents, declared)) => manifests.push(Manifest {
                input,
                documents,
                declared,
                always,
            }),
            None => {
                if input.path.is_some() && holds_objects(&input.bytes) {
                    holders.push((input.display.clone(), input.bytes.clone()));
                }
                if is_input {
                    inputs.push(input);
                }
            }
        }
    }
    (manifests, holders)
}

/// A file looked at: itself, whether a manifest in it is linted whatever it reads, its
/// documents and releases when it declares some, and whether it was one of the inputs.
type Looked = (Input, bool, Option<Parsed>, bool);

/// A manifest's documents and the releases they declare.
type Parsed = (Vec<Document>, Vec<Declared>);

/// Parses files (in parallel when there are several); those that do not parse are left
/// out.
fn parse_all(files: Vec<(String, Vec<u8>)>, limits: &Limits) -> Vec<Holder> {
    use rayon::prelude::*;
    if files.len() < 2 {
        return files
            .into_iter()
            .filter_map(|(name, bytes)| holder(name, bytes, limits))
            .collect();
    }
    files
        .into_par_iter()
        .filter_map(|(name, bytes)| holder(name, bytes, limits))
        .collect()
}

/// A file parsed for the ConfigMaps and Secrets it may hold; `None` when it does not parse.
fn holder(name: String, bytes: Vec<u8>, limits: &Limits) -> Option<Holder> {
    let text = std::str::from_utf8(&bytes).ok()?;
    let documents = parse(text.trim_start_matches('\u{feff}'), limits).ok()?;
    Some(Holder {
        name,
        bytes,
        documents,
    })
}

/// A file that may hold ConfigMaps or Secrets, read and parsed once: a release that reads
/// it gets these bytes and documents, not another read and parse.
struct Holder {
    name: String,
    bytes: Vec<u8>,
    documents: Vec<Document>,
}

/// Whether bytes may define a ConfigMap or Secret (`kind: ConfigMap`), or a generator of
/// one: the files worth parsing for `valuesFrom`.
fn holds_objects(bytes: &[u8]) -> bool {
    let mentions = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    mentions(b"kind: ConfigMap") || mentions(b"kind: Secret") || mentions(b"configMapGenerator")
}

/// The documents of a file that declares releases, and the releases: `None` for a file
/// that declares none (most are ruled out by their bytes, unparsed).
fn declaring(input: &Input, limits: &Limits) -> Option<Parsed> {
    if input.not_read.is_some() || !gitops::may_declare(&input.display, &input.bytes) {
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

/// Where each ConfigMap and Secret of the files looked at is defined, by kind and name:
/// the file and the namespace it names (if any), and for a ConfigMap a Kustomize
/// `configMapGenerator` makes, the data key and the file it makes it from too.
#[derive(Default)]
struct Objects {
    defined: HashMap<(ObjectKind, String), Vec<Defined>>,
}

/// One definition of a ConfigMap or Secret.
struct Defined {
    namespace: Option<String>,
    /// The files to read for it: the manifest, or the kustomization and the generated-from
    /// file of one data key.
    files: Vec<String>,
    /// The data key a generator makes (`None`: every key of a manifest's object).
    key: Option<String>,
}

impl Objects {
    /// Indexes the documents of `files`.
    fn index<'a>(
        files: impl Iterator<Item = (&'a str, &'a [Document])>,
        resolver: &RepoResolver,
    ) -> Objects {
        let mut objects = Objects::default();
        for (name, documents) in files {
            for doc in documents {
                objects.add(name, doc, resolver);
            }
        }
        objects
    }

    fn add(&mut self, file: &str, doc: &Document, resolver: &RepoResolver) {
        let Some(root) = doc.root else { return };
        let kind = match gitops::scalar(doc, root, &["kind"]) {
            Some("ConfigMap") => Some(ObjectKind::ConfigMap),
            Some("Secret") => Some(ObjectKind::Secret),
            _ => None,
        };
        if let (Some(kind), Some(name)) = (kind, gitops::scalar(doc, root, &["metadata", "name"])) {
            let namespace = gitops::scalar(doc, root, &["metadata", "namespace"]);
            self.defined
                .entry((kind, name.to_owned()))
                .or_default()
                .push(Defined {
                    namespace: namespace.map(str::to_owned),
                    files: vec![file.to_owned()],
                    key: None,
                });
        }
        if !gitops::is_kustomization(file) {
            return;
        }
        for generated in gitops::generated_config_maps(doc) {
            let place = Place::Manifest(String::new());
            let mut files = vec![file.to_owned()];
            if let Resolution::Here(made_from) =
                resolver.resolve(file, &place, &generated.file.text)
            {
                files.push(made_from);
            }
            self.defined
                .entry((ObjectKind::ConfigMap, generated.name.clone()))
                .or_default()
                .push(Defined {
                    namespace: generated.namespace.clone(),
                    files,
                    key: Some(generated.key.clone()),
                });
        }
    }

    /// The files that define `kind` `name` (in `namespace`, when both say one) with `key`.
    fn holders(
        &self,
        kind: ObjectKind,
        name: &str,
        namespace: Option<&str>,
        key: &str,
    ) -> Vec<&str> {
        let Some(defined) = self.defined.get(&(kind, name.to_owned())) else {
            return Vec::new();
        };
        defined
            .iter()
            .filter(|d| gitops::namespaces_agree(d.namespace.as_deref(), namespace))
            .filter(|d| d.key.as_deref().is_none_or(|k| k == key))
            .flat_map(|d| d.files.iter().map(String::as_str))
            .collect()
    }
}

/// The files the releases of a manifest read, each once: values files, `Chart.yaml`s and
/// the files holding the ConfigMaps and Secrets they name.
fn reads(
    manifest: &str,
    declared: &[Declared],
    objects: &Objects,
    holders: &[Holder],
    resolver: &RepoResolver,
    limit: u64,
    texts: &Texts,
) -> Vec<(InputFile, Option<Vec<Document>>)> {
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
                    for holder in objects.holders(*kind, name, namespace.as_deref(), key) {
                        add(holder.to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            if let Some(holder) = holders.iter().find(|h| h.name == name) {
                let file = InputFile {
                    path: name,
                    bytes: holder.bytes.clone(),
                };
                return Some((file, Some(holder.documents.clone())));
            }
            // within the size limit, and a regular file (not a FIFO or a device)
            let Ok(crate::pipeline::Bounded::Read(bytes)) =
                texts.read(std::path::Path::new(&name), limit)
            else {
                return None;
            };
            Some((InputFile { path: name, bytes }, None))
        })
        .collect()
}
