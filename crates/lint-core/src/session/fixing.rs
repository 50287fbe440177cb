//! `--fix`, `--unsafe-fixes` and `--diff` over the inputs of a session: the fix loop of
//! [`crate::fix::apply`] for a file linted on its own or for the files of a release, with
//! the lint that verifies each round. A BOM is kept aside and put back on write.

use std::path::PathBuf;

use crate::diagnostic::Applicability;
use crate::fix::apply::{FileText, FixOutcome, run};
use crate::gitops::Resolver;
use crate::options::LintOptions;
use crate::pipeline::{FileReport, InputFile, lint_bytes, lint_manifest, lint_release};

const BOM: &str = "\u{feff}";

/// One file to fix: where it lives, what we show, its text and whether it had a BOM.
#[derive(Debug, Clone)]
pub struct FixFile {
    /// Path on disk (`None` for stdin).
    pub path: Option<PathBuf>,
    /// Display name.
    pub display: String,
    /// Text without the BOM.
    pub text: String,
    /// Whether the file started with a BOM.
    pub bom: bool,
}

impl FixFile {
    /// Decodes bytes; `None` when they are not UTF-8 text (nothing to fix then).
    pub fn new(path: Option<PathBuf>, display: String, bytes: Vec<u8>) -> Option<FixFile> {
        let text = String::from_utf8(bytes).ok()?;
        let (text, bom) = match text.strip_prefix(BOM) {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        Some(FixFile {
            path,
            display,
            text,
            bom,
        })
    }

    /// `text` as the file's content: with the BOM back when it had one.
    pub fn content(&self, text: &str) -> String {
        if self.bom {
            format!("{BOM}{text}")
        } else {
            text.to_owned()
        }
    }
}

/// Fixes a file linted on its own.
pub(super) fn fix_single(
    file: &FixFile,
    options: &LintOptions,
    threshold: Applicability,
) -> FixOutcome<FileReport> {
    let mut options = options.clone();
    options.keep_values = true;
    let lint = |texts: &[FileText]| -> FileReport {
        let (path, text) = &texts[0];
        lint_bytes(path, text.clone().into_bytes(), &options)
    };
    run(
        vec![(file.display.clone(), file.text.clone())],
        threshold,
        &lint,
    )
}

/// Fixes the files of one release together.
pub(super) fn fix_release(
    files: &[FixFile],
    options: &LintOptions,
    threshold: Applicability,
) -> FixOutcome<FileReport> {
    let mut options = options.clone();
    options.keep_values = true;
    let lint = |texts: &[FileText]| -> FileReport {
        let inputs = texts
            .iter()
            .map(|(p, t)| InputFile {
                path: p.clone(),
                bytes: t.clone().into_bytes(),
            })
            .collect();
        lint_release(inputs, &options)
    };
    let texts = files
        .iter()
        .map(|f| (f.display.clone(), f.text.clone()))
        .collect();
    run(texts, threshold, &lint)
}

/// Fixes a manifest's releases: the manifest first, then the files they read.
pub(super) fn fix_manifest(
    files: &[FixFile],
    resolver: &dyn Resolver,
    options: &LintOptions,
    threshold: Applicability,
) -> FixOutcome<FileReport> {
    let mut options = options.clone();
    options.keep_values = true;
    let lint = |texts: &[FileText]| -> FileReport {
        let mut inputs = texts.iter().map(|(p, t)| InputFile {
            path: p.clone(),
            bytes: t.clone().into_bytes(),
        });
        let Some(manifest) = inputs.next() else {
            return FileReport::default();
        };
        lint_manifest(
            manifest,
            None,
            inputs.map(|file| (file, None)).collect(),
            resolver,
            &options,
        )
    };
    let texts = files
        .iter()
        .map(|f| (f.display.clone(), f.text.clone()))
        .collect();
    run(texts, threshold, &lint)
}
