//! The read stage: bytes to text (UTF-8, not binary, within the size limit), text to YAML
//! documents, and what the redaction pass will need (each file's secret spans, found while
//! the documents are at hand). A file that cannot be read becomes an OC094 finding.

use std::sync::Arc;

use super::note::Note;
use crate::checks::invalid_yaml::Message as InvalidYaml;
use crate::checks::report;
use crate::diagnostic::{Diagnostic, Location};
use crate::path::KeyPath;
use crate::redact::Secrets;
use crate::rules::RuleCode;
use crate::source::SourceFile;
use crate::yaml::scalar::Resolved;
use crate::yaml::{Comment, Document, Limits, NodeKind, parse};

/// One file of a release, as read.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The name to report.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A file read and parsed: its documents, every comment (for suppressions) and secrets.
pub(super) struct Parsed {
    pub source: Arc<SourceFile>,
    pub documents: Vec<Document>,
    pub comments: Vec<Comment>,
    pub secrets: Secrets,
}

/// A file that could not be read: what there is of it, and the OC094 finding that says why.
pub(super) struct Unread {
    pub source: Arc<SourceFile>,
    pub finding: Diagnostic,
}

/// Decodes a file's bytes; an OC094 finding when they are over the size limit or not text.
pub(super) fn decode(
    path: &str,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<Arc<SourceFile>, Box<Unread>> {
    if bytes.len() as u64 > limits.max_file_size {
        let source = Arc::new(SourceFile::new(path, ""));
        let finding = too_large_finding(&source, bytes.len() as u64, limits.max_file_size);
        return Err(Box::new(Unread { source, finding }));
    }
    let (source, not_text) = SourceFile::from_bytes(path, bytes);
    let source = Arc::new(source);
    match not_text {
        None => Ok(source),
        Some(not_text) => {
            let offset = not_text.offset.min(source.text().len());
            let finding = invalid_yaml(
                &source,
                offset,
                InvalidYaml::NotText {
                    reason: not_text.reason,
                },
            );
            Err(Box::new(Unread { source, finding }))
        }
    }
}

/// Parses a decoded file; an OC094 finding when it is not YAML.
pub(super) fn parse_source(
    source: Arc<SourceFile>,
    limits: &Limits,
) -> Result<Parsed, Box<Diagnostic>> {
    let mut parsed = parse_unscanned(source, limits)?;
    parsed.secrets.spans = crate::redact::secret_spans_in(parsed.source.text(), &parsed.documents);
    Ok(parsed)
}

/// A file whose documents were parsed already, without its secrets (a GitOps manifest and
/// the files it reads: the secrets are found once the YAML strings in them are parsed).
pub(super) fn parsed_unscanned(source: Arc<SourceFile>, documents: Vec<Document>) -> Parsed {
    let comments = documents
        .iter()
        .flat_map(|d| d.comments.iter().cloned())
        .collect();
    Parsed {
        secrets: Secrets {
            spans: Vec::new(),
            file: source.clone(),
        },
        source,
        documents,
        comments,
    }
}

/// Parses a decoded file as [`parse_source`] does, without its secrets.
pub(super) fn parse_unscanned(
    source: Arc<SourceFile>,
    limits: &Limits,
) -> Result<Parsed, Box<Diagnostic>> {
    let documents = parse(source.text(), limits).map_err(|err| {
        Box::new(invalid_yaml(
            &source,
            err.offset,
            InvalidYaml::Parse {
                reason: err.message,
            },
        ))
    })?;
    Ok(parsed_unscanned(source, documents))
}

/// The OC094 finding for a file over the size limit, which is not read.
pub(super) fn too_large_finding(source: &Arc<SourceFile>, size: u64, limit: u64) -> Diagnostic {
    let reason = format!(
        "the file is {}, over the {} limit; real values files are far smaller (raise the limit with --max-file-size or `max-file-size` in the config)",
        human_size(size),
        human_size(limit)
    );
    invalid_yaml(source, 0, InvalidYaml::NotText { reason })
}

/// `897 bytes`, `12.5 KiB`, `39.0 MiB`.
fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} bytes")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else if b < KIB * KIB * KIB {
        format!("{:.1} MiB", b / KIB / KIB)
    } else {
        format!("{:.1} GiB", b / KIB / KIB / KIB)
    }
}

/// An OC094 finding: the file is not YAML Helm can read.
pub(super) fn invalid_yaml(
    source: &Arc<SourceFile>,
    offset: usize,
    message: InvalidYaml,
) -> Diagnostic {
    let location = Location {
        file: source.clone(),
        span: offset..offset,
        key_path: KeyPath::root(),
    };
    report(RuleCode::OC094, &message, location)
}

/// An OC094 error when a document's top level is not what Helm can load as values (a list,
/// a string): Helm refuses the file. Null (an empty file) is an empty map to Helm.
pub(super) fn not_a_map(source: &Arc<SourceFile>, doc: &Document) -> Option<Diagnostic> {
    let root = doc.root?;
    let node = doc.node(doc.deref(root));
    let found = match &node.kind {
        NodeKind::Map(_) => return None,
        NodeKind::Seq(_) => "a list".to_owned(),
        NodeKind::Scalar { text, style, tag } => {
            let plain = *style == crate::yaml::ScalarStyle::Plain && tag.is_none();
            if plain && crate::yaml::scalar::resolve_plain(text) == Resolved::Null {
                return None;
            }
            let shown: String = text.chars().take(40).collect();
            format!("the scalar `{shown}`")
        }
        NodeKind::Alias(_) => return None,
    };
    // the first line of it: a list of a thousand items is one label, not a page
    let line_end = source.text()[node.span.start..]
        .find('\n')
        .map_or(node.span.end, |n| node.span.start + n);
    let span = node.span.start..line_end.min(node.span.end).max(node.span.start);
    let mut finding = invalid_yaml(source, span.start, InvalidYaml::NotAMap { found });
    finding.primary.span = span;
    Some(finding)
}

/// An OC094 warning at the second document of a values file: Helm reads only the first.
/// `later` are the file's non-empty documents after the first.
pub(super) fn later_documents(source: &Arc<SourceFile>, later: &[Document]) -> Option<Diagnostic> {
    let second = later.first()?;
    let start = second.root.map(|r| second.node(r).span.start)?;
    let count = later.len();
    Some(invalid_yaml(
        source,
        start,
        InvalidYaml::LaterDocuments { count },
    ))
}

/// The files of a release, read: Helm's layer for each (its first document) and every
/// comment (for suppressions), or why a file could not be read.
pub(super) struct ReadRelease {
    pub count: usize,
    pub sources: Vec<Arc<SourceFile>>,
    pub layers: Vec<(Arc<SourceFile>, Document)>,
    pub comments: Vec<(Arc<SourceFile>, Vec<Comment>)>,
    pub secrets: Vec<Secrets>,
    pub errors: Vec<Diagnostic>,
    /// Findings about a file that do not stop the release (documents Helm ignores).
    pub warnings: Vec<Diagnostic>,
    pub notes: Vec<Note>,
}

/// Reads every file of a release.
pub(super) fn read_release(files: Vec<InputFile>, limits: &Limits) -> ReadRelease {
    let mut read = ReadRelease {
        count: files.len(),
        sources: Vec::new(),
        layers: Vec::new(),
        comments: Vec::new(),
        secrets: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    for file in files {
        // a release's files are named by `-f`: the size limit is for files found by a walk
        let unlimited = Limits {
            max_file_size: u64::MAX,
            ..*limits
        };
        let source = match decode(&file.path, file.bytes, &unlimited) {
            Ok(source) => source,
            Err(unread) => {
                read.sources.push(unread.source);
                read.errors.push(unread.finding);
                continue;
            }
        };
        read.sources.push(source.clone());
        match parse_source(source, limits) {
            Ok(parsed) => {
                let documents: Vec<Document> = parsed
                    .documents
                    .into_iter()
                    .filter(|d| d.root.is_some())
                    .collect();
                read.warnings.extend(later_documents(
                    &parsed.source,
                    documents.get(1..).unwrap_or_default(),
                ));
                read.comments.push((parsed.source.clone(), parsed.comments));
                read.secrets.push(parsed.secrets);
                let doc = documents.into_iter().next().unwrap_or_default();
                match not_a_map(&parsed.source, &doc) {
                    Some(refused) => read.errors.push(refused),
                    None => read.layers.push((parsed.source, doc)),
                }
            }
            Err(finding) => read.errors.push(*finding),
        }
    }
    read
}

/// A file read within the size limit, or its size when it is over it (and was not read).
#[derive(Debug)]
pub(crate) enum Bounded {
    /// The whole file.
    Read(Vec<u8>),
    /// Over the limit: its size (at least `limit + 1`), and nothing read.
    TooLarge(u64),
}

/// Reads a regular file, never more than `limit + 1` bytes of it. What is not a regular
/// file (a directory, FIFO, device, socket) is refused before it is opened for reading,
/// so a FIFO cannot block the run and `/dev/zero` cannot fill memory; the error is the
/// reason, said plainly.
///
/// The type is checked twice: with `metadata` before opening (opening a FIFO for reading
/// blocks until a writer comes), then on the opened handle (opened non-blocking), so a
/// file swapped for a FIFO or device in between is refused too.
pub(crate) fn read_regular(path: &std::path::Path, limit: u64) -> Result<Bounded, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(refused(kind));
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = open.open(path).map_err(|e| io_reason(&e))?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(refused(kind));
    }
    if meta.len() > limit {
        return Ok(Bounded::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > limit {
        // it grew after it was measured (or its size lies): what was read says enough
        return Ok(Bounded::TooLarge(bytes.len() as u64));
    }
    Ok(Bounded::Read(bytes))
}

/// Reads at most `limit + 1` bytes of a stream (standard input), as [`read_regular`] does.
pub(crate) fn read_stream(stream: impl std::io::Read, limit: u64) -> Result<Bounded, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    stream
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > limit {
        return Ok(Bounded::TooLarge(bytes.len() as u64));
    }
    Ok(Bounded::Read(bytes))
}

/// What a file that is not a regular file is, in words; `None` for a regular file.
fn not_regular(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

fn refused(kind: &str) -> String {
    format!(
        "it is {kind}, not a regular file, so it was not read (name a values file, or `-` for standard input)"
    )
}

/// An I/O error, said plainly.
fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// The OC094 finding for a path that could not be read at all (missing, not a regular
/// file, an I/O error): the run goes on with the other files.
pub(super) fn unreadable_finding(source: &Arc<SourceFile>, reason: String) -> Diagnostic {
    invalid_yaml(source, 0, InvalidYaml::NotText { reason })
}
