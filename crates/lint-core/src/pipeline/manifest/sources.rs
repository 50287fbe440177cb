//! The values sources of a manifest's release read into layers that keep the byte offsets
//! of the file they are written in: a map of the manifest, a YAML string parsed in place,
//! a values file, a ConfigMap's or Secret's key (found among the files handed over, or
//! made by a Kustomize `configMapGenerator`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::{FileReport, Linted};
use crate::checks::values_source_missing::Message as Missing;
use crate::diagnostic::Location;
use crate::gitops::{self, Declared, ObjectKind, Place, Resolution, Resolver, ValuesSource};
use crate::path::KeyPath;
use crate::pipeline::note::Note;
use crate::pipeline::read::Parsed;
use crate::redact::Secrets;
use crate::rules::RuleCode;
use crate::source::SourceFile;
use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle, parse};

/// The files a manifest's releases are linted from: the manifest first, then every file
/// its releases read (values files, manifests holding their ConfigMaps, `Chart.yaml`s).
pub(super) struct Files {
    pub(super) parsed: Vec<Parsed>,
    /// Documents of the manifest whose values map one release alone reads: moved into that
    /// release's layer rather than copied (a values map may be large).
    pub(super) spare: RefCell<HashMap<usize, Document>>,
}

impl Files {
    /// The files, the manifest first; the documents `declared` read a map from only once
    /// set aside to be moved.
    pub(super) fn new(mut parsed: Vec<Parsed>, declared: &[Declared]) -> Files {
        let mut uses: HashMap<usize, (usize, usize)> = HashMap::new();
        for release in declared {
            for source in &release.sources {
                let (maps, others) = uses.entry(release.document).or_default();
                match source {
                    ValuesSource::Inline { .. } => *maps += 1,
                    _ => *others += 1,
                }
            }
        }
        let mut spare = HashMap::new();
        if let Some(manifest) = parsed.first_mut() {
            for (document, (maps, others)) in uses {
                if maps == 1
                    && others == 0
                    && let Some(doc) = manifest.documents.get_mut(document)
                {
                    spare.insert(document, std::mem::take(doc));
                }
            }
        }
        Files {
            parsed,
            spare: RefCell::new(spare),
        }
    }

    pub(super) fn find(&self, name: &str) -> Option<&Parsed> {
        self.parsed.iter().find(|p| p.source.path() == name)
    }

    /// Document `index` of the manifest, to be rooted elsewhere: moved when set aside,
    /// else copied.
    fn manifest_document(&self, index: usize) -> Option<Document> {
        if let Some(doc) = self.spare.borrow_mut().remove(&index) {
            return Some(doc);
        }
        self.parsed.first()?.documents.get(index).cloned()
    }
}

/// The layers of a release, read source by source.
pub(super) struct Sources<'a> {
    pub(super) subject: &'a str,
    pub(super) object: &'a str,
    pub(super) release: &'a Declared,
    pub(super) files: &'a Files,
    pub(super) resolver: &'a dyn Resolver,
    pub(super) report: &'a mut FileReport,
    pub(super) linted: &'a mut Linted,
    pub(super) layers: Vec<(Arc<SourceFile>, Document)>,
    pub(super) described: Vec<String>,
    pub(super) sets: Vec<crate::release::SetArg>,
    /// A source whose values may exist but were not read (another repository, templated,
    /// not plain text, or a ConfigMap or Secret not among the manifests, which may be made
    /// outside the repository).
    pub(super) unread: bool,
}

impl Sources<'_> {
    fn manifest(&self) -> &Parsed {
        &self.files.parsed[0]
    }

    pub(super) fn add(&mut self, source: &ValuesSource) {
        match source {
            ValuesSource::Inline { node } => {
                let Some(mut doc) = self.files.manifest_document(self.release.document) else {
                    return;
                };
                let manifest = self.manifest();
                let key = key_above(&doc, *node).unwrap_or_else(|| "values".to_owned());
                doc.root = Some(*node);
                let source = manifest.source.clone();
                self.described.push(format!("`{key}` in the manifest"));
                self.layers.push((source, doc));
            }
            ValuesSource::Text { node } => self.text_in_manifest(*node),
            ValuesSource::File {
                written,
                place,
                optional,
            } => self.file(&written.text, written.span.clone(), place, *optional),
            ValuesSource::Object {
                kind,
                name,
                namespace,
                key,
                target_path,
                optional,
                at,
            } => self.object(
                ObjectRef {
                    kind: *kind,
                    name,
                    namespace: namespace.as_deref(),
                    key,
                    target_path: target_path.as_deref(),
                    optional: *optional,
                },
                at.clone(),
            ),
            ValuesSource::Unresolved { what, .. } => self.not_read(what, "not resolved"),
        }
    }

    /// Says a source was not read, whose values the release may have.
    fn not_read(&mut self, what: &str, why: &str) {
        self.unread = true;
        self.say_not_read(what, why);
    }

    /// Says a source was not read.
    fn say_not_read(&mut self, what: &str, why: &str) {
        self.report.notes.push(Note::SourceNotRead {
            subject: self.subject.to_owned(),
            object: self.object.to_owned(),
            what: what.to_owned(),
            why: why.to_owned(),
        });
    }

    fn missing(&mut self, message: Missing, at: Range<usize>) {
        let location = Location {
            file: self.manifest().source.clone(),
            span: at,
            key_path: KeyPath::root(),
        };
        self.report
            .diagnostics
            .push(crate::checks::report(RuleCode::OC097, &message, location));
    }

    /// A YAML string in the manifest (`helm.values: |`).
    fn text_in_manifest(&mut self, node: NodeId) {
        let manifest = self.manifest();
        let Some(doc) = manifest.documents.get(self.release.document) else {
            return;
        };
        let key = key_above(doc, node).unwrap_or_else(|| "values".to_owned());
        let source = manifest.source.clone();
        match embedded(&source, doc, node) {
            Ok(parsed) => {
                self.described
                    .push(format!("`{key}` (a YAML string) in the manifest"));
                self.take(source, parsed);
            }
            Err(why) => self.not_read(&format!("`{key}`"), &why),
        }
    }

    /// Keeps a YAML string's layer, with its comments and secrets.
    fn take(&mut self, source: Arc<SourceFile>, parsed: Embedded) {
        self.linted
            .in_place
            .push((source.clone(), parsed.span.clone()));
        self.linted
            .comments
            .push((source.clone(), parsed.doc.comments.clone()));
        self.linted.secrets.push(Secrets {
            file: source.clone(),
            spans: parsed.secrets,
        });
        self.layers.push((source, parsed.doc));
    }

    /// A values file.
    fn file(&mut self, written: &str, at: Range<usize>, place: &Place, optional: bool) {
        let name = match self.resolver.resolve(self.subject, place, written) {
            Resolution::Here(name) => name,
            Resolution::Elsewhere(why) => {
                self.not_read(&format!("`{written}`"), &why);
                return;
            }
        };
        let Some(parsed) = self.files.find(&name) else {
            if optional {
                // the tool skips it: no values of the release are left unread
                self.say_not_read(&format!("`{written}`"), "optional, and not found");
            } else {
                let tool = self.release.tool.describe().to_owned();
                self.missing(Missing::File { path: name, tool }, at);
            }
            return;
        };
        let doc = first_document(parsed);
        self.described.push(format!("`{name}`"));
        self.layers.push((parsed.source.clone(), doc));
    }

    /// A ConfigMap's or Secret's key (Flux `valuesFrom`): found among the manifests read,
    /// or a file a Kustomize `configMapGenerator` makes it from.
    fn object(&mut self, wanted: ObjectRef<'_>, at: Range<usize>) {
        let what = format!(
            "{} `{}` key `{}`",
            wanted.kind_name(),
            wanted.name,
            wanted.key
        );
        if let Some((source, value)) = self.find_object(&wanted) {
            let Some(doc) = self
                .files
                .find(source.path())
                .and_then(|p| p.documents.get(value.0))
            else {
                return;
            };
            if Arc::ptr_eq(&source, &self.manifest().source) {
                self.linted.documents.push(value.0);
            }
            if let Some(path) = wanted.target_path {
                if wanted.kind == ObjectKind::Secret {
                    // set as a `--set`, its value would be shown where that pseudo-file is
                    let why = format!(
                        "a Secret's value set at `{path}` is not read, so it is never shown"
                    );
                    self.not_read(&what, &why);
                    return;
                }
                let text = doc.scalar_text(value.1).unwrap_or_default();
                self.described.push(format!("{what} at `{path}`"));
                self.sets.push(crate::release::SetArg {
                    text: format!("{path}={text}"),
                    string: false,
                });
                return;
            }
            match embedded(&source, doc, value.1) {
                Ok(parsed) => {
                    self.described
                        .push(format!("{what} in `{}`", source.path()));
                    let mut parsed = parsed;
                    if wanted.kind == ObjectKind::Secret {
                        self.linted
                            .in_secrets
                            .push((source.clone(), parsed.span.clone()));
                        // a Secret's values are never printed, whatever their keys
                        parsed.secrets.extend(scalar_values(&parsed.doc));
                    }
                    self.take(source, parsed);
                }
                Err(why) => self.not_read(&what, &why),
            }
            return;
        }
        if let Some(name) = self.generated(&wanted)
            && let Some(parsed) = self.files.find(&name)
        {
            let doc = first_document(parsed);
            self.described
                .push(format!("{what} (generated from `{name}`)"));
            self.layers.push((parsed.source.clone(), doc));
            return;
        }
        if wanted.optional {
            self.not_read(&what, "optional, and not among the manifests linted");
        } else {
            // a ConfigMap or Secret may be made outside the repository
            self.unread = true;
            self.missing(
                Missing::Object {
                    what,
                    namespace: wanted.namespace.unwrap_or("default").to_owned(),
                },
                at,
            );
        }
    }

    /// The ConfigMap or Secret `wanted` names among the files read: its file, and the
    /// (document, node) of the key's value.
    fn find_object(&self, wanted: &ObjectRef<'_>) -> Option<(Arc<SourceFile>, (usize, NodeId))> {
        let data = match wanted.kind {
            ObjectKind::ConfigMap => "data",
            ObjectKind::Secret => "stringData",
        };
        for parsed in &self.files.parsed {
            for (index, doc) in parsed.documents.iter().enumerate() {
                let Some(root) = doc.root else { continue };
                let kind = gitops::scalar(doc, root, &["kind"]);
                let name = gitops::scalar(doc, root, &["metadata", "name"]);
                let namespace = gitops::scalar(doc, root, &["metadata", "namespace"]);
                let same_namespace = gitops::namespaces_agree(namespace, wanted.namespace);
                if kind != Some(wanted.kind_name()) || name != Some(wanted.name) || !same_namespace
                {
                    continue;
                }
                if let Some(entry) = doc.lookup(root, &[data, wanted.key]) {
                    return Some((parsed.source.clone(), (index, doc.deref(entry.value))));
                }
            }
        }
        None
    }

    /// The file a Kustomize `configMapGenerator` among the files read makes `wanted` from.
    fn generated(&self, wanted: &ObjectRef<'_>) -> Option<String> {
        if wanted.kind != ObjectKind::ConfigMap {
            return None;
        }
        for parsed in &self.files.parsed {
            if !gitops::is_kustomization(parsed.source.path()) {
                continue;
            }
            for doc in &parsed.documents {
                for generated in gitops::generated_config_maps(doc) {
                    let same_namespace =
                        gitops::namespaces_agree(generated.namespace.as_deref(), wanted.namespace);
                    if generated.name == wanted.name
                        && generated.key == wanted.key
                        && same_namespace
                    {
                        let place = Place::Manifest(String::new());
                        if let Resolution::Here(name) = self.resolver.resolve(
                            parsed.source.path(),
                            &place,
                            &generated.file.text,
                        ) {
                            return Some(name);
                        }
                    }
                }
            }
        }
        None
    }
}

/// A values file's first document, as Helm reads it (empty when it has none).
fn first_document(parsed: &Parsed) -> Document {
    parsed
        .documents
        .iter()
        .find(|d| d.root.is_some())
        .cloned()
        .unwrap_or_default()
}

/// A `valuesFrom` entry.
pub(super) struct ObjectRef<'a> {
    kind: ObjectKind,
    name: &'a str,
    namespace: Option<&'a str>,
    key: &'a str,
    target_path: Option<&'a str>,
    optional: bool,
}

impl ObjectRef<'_> {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            ObjectKind::ConfigMap => "ConfigMap",
            ObjectKind::Secret => "Secret",
        }
    }
}

/// The key whose value `node` is (`values`, `valuesObject`), for notes.
pub(super) fn key_above(doc: &Document, node: NodeId) -> Option<String> {
    doc.ids().find_map(|id| match &doc.node(id).kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|e| e.value == node)
            .and_then(|e| doc.scalar_text(e.key))
            .map(str::to_owned),
        _ => None,
    })
}

/// The spans of every scalar of `doc` that is not a map key.
pub(super) fn scalar_values(doc: &Document) -> Vec<Range<usize>> {
    let keys: std::collections::HashSet<NodeId> = doc
        .ids()
        .flat_map(|id| match &doc.node(id).kind {
            NodeKind::Map(entries) => entries.iter().map(|e| e.key).collect(),
            _ => Vec::new(),
        })
        .collect();
    doc.ids()
        .filter(|id| !keys.contains(id))
        .filter(|id| matches!(doc.node(*id).kind, NodeKind::Scalar { .. }))
        .map(|id| doc.node(id).span.clone())
        .collect()
}

/// A YAML string parsed in place.
pub(super) struct Embedded {
    doc: Document,
    secrets: Vec<Range<usize>>,
    /// The string's span in the file.
    span: Range<usize>,
}

/// Parses the YAML string at `node` of `doc` with the manifest's byte offsets: the
/// manifest's text with everything outside the string's content blanked (line breaks
/// kept) is the string's own YAML, indented as it is in the file. Only a literal block
/// (`|`) reads the same that way; another style is said, not guessed.
pub(super) fn embedded(
    source: &Arc<SourceFile>,
    doc: &Document,
    node: NodeId,
) -> Result<Embedded, String> {
    let scalar = doc.node(node);
    let NodeKind::Scalar { style, .. } = &scalar.kind else {
        return Err("not a string".to_owned());
    };
    if *style != ScalarStyle::Literal {
        return Err(
            "a string that is not a literal block; write it as `|` to have it checked".to_owned(),
        );
    }
    let text = source.text();
    let span = scalar.span.start.min(text.len())..scalar.span.end.min(text.len());
    let blanked = blank_outside(text, span);
    let limits = crate::yaml::Limits::default();
    let documents = parse(&blanked, &limits).map_err(|e| format!("invalid YAML: {}", e.message))?;
    let doc = documents
        .into_iter()
        .find(|d| d.root.is_some())
        .unwrap_or_default();
    let secrets = crate::redact::yaml_secret_spans(text, std::slice::from_ref(&doc));
    Ok(Embedded {
        doc,
        secrets,
        span: scalar.span.clone(),
    })
}

/// `text` with every byte outside `keep` a space, line breaks kept: the same offsets.
pub(super) fn blank_outside(text: &str, keep: Range<usize>) -> String {
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if keep.contains(&i) || b == b'\n' {
                b
            } else {
                b' '
            }
        })
        .collect();
    // outside `keep` only ASCII spaces and line breaks; inside, the text's own characters
    String::from_utf8(bytes).unwrap_or_default()
}
