//! Source files: the text we lint and the line table that turns byte offsets into the
//! 1-based line and column numbers every output format reports.
//!
//! Reading bytes into text lives here too, because deciding what is text (UTF-8, a BOM,
//! not binary, not UTF-16) is the first thing that can go wrong with an input.

use std::ops::Range;

/// One input file: its display path and its text, with a line table built once.
#[derive(Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    bom: bool,
    /// Built the first time a position is asked for: a lint reports positions after its
    /// document is dropped, so the table never adds to the peak memory of a large file.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Whether the text holds a `\r\n`, looked for the first time a fix asks.
    crlf: std::sync::OnceLock<bool>,
}

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Why a byte buffer is not a text file we can lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotText {
    /// Byte offset of the first offending byte, where one exists.
    pub offset: usize,
    /// What is wrong and what to do, for a person.
    pub reason: String,
}

impl SourceFile {
    /// Builds a source file from text already known to be valid.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        SourceFile {
            path: path.into(),
            text,
            bom,
            line_starts: std::sync::OnceLock::new(),
            crlf: std::sync::OnceLock::new(),
        }
    }

    /// Decodes raw bytes: UTF-8 (with or without a BOM) is accepted; UTF-16, binary
    /// data and invalid UTF-8 are refused with a reason. On refusal the returned file
    /// holds the valid UTF-8 prefix, so a diagnostic can still point into it.
    pub fn from_bytes(path: impl Into<String>, bytes: Vec<u8>) -> (Self, Option<NotText>) {
        let path = path.into();
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return (
                SourceFile::new(path, String::new()),
                Some(NotText {
                    offset: 0,
                    reason: "file is UTF-16 encoded; Helm reads values files as UTF-8: re-save it as UTF-8".into(),
                }),
            );
        }
        if let Some(nul) = bytes.iter().position(|&b| b == 0) {
            let prefix = String::from_utf8_lossy(&bytes[..nul]).into_owned();
            let file = SourceFile::new(path, prefix);
            // the NUL comes right after the prefix; offsets are into the text we keep
            // (lossy decoding and a stripped BOM change its length), not into the bytes
            let offset = file.text.len();
            return (
                file,
                Some(NotText {
                    offset,
                    reason: "file contains a NUL byte: it looks binary, not a YAML values file"
                        .into(),
                }),
            );
        }
        match String::from_utf8(bytes) {
            Ok(text) => (SourceFile::new(path, text), None),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let bytes = err.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
                let file = SourceFile::new(path, prefix);
                let offset = file.text.len();
                (
                    file,
                    Some(NotText {
                        offset,
                        reason: "file is not valid UTF-8; Helm reads values files as UTF-8: re-save it as UTF-8".into(),
                    }),
                )
            }
        }
    }

    /// The path as given by the user (or a stdin name).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The text, without a leading BOM.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the file started with a UTF-8 BOM (stripped from [`SourceFile::text`]).
    pub fn had_bom(&self) -> bool {
        self.bom
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let starts = self.line_starts();
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line_index];
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line_index + 1,
            column,
        }
    }

    /// Byte range of a 1-based line, without its line break.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let index = line.saturating_sub(1).min(starts.len() - 1);
        let start = starts[index];
        let end = starts
            .get(index + 1)
            .map(|&next| next - 1)
            .unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// Number of lines (a trailing line break does not start a new line).
    pub fn line_count(&self) -> usize {
        if self.text.ends_with(['\n', '\r']) {
            self.line_starts().len() - 1
        } else {
            self.line_starts().len()
        }
    }

    /// The line break a fix writes in this file: `\r\n` when the text holds one, else
    /// `\n` ([`newline_of`]), found once per file: every fix of every finding asks.
    pub fn newline(&self) -> &'static str {
        if *self.crlf.get_or_init(|| newline_of(&self.text) == "\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Byte offsets where lines start (after every `\n`, `\r\n` or lone `\r`).
    pub fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// The line break a fix writes in `text`: `\r\n` when the text holds one anywhere, else
/// `\n`.
pub fn newline_of(text: &str) -> &'static str {
    if memchr::memmem::find(text.as_bytes(), b"\r\n").is_some() {
        "\r\n"
    } else {
        "\n"
    }
}

/// Where lines start. A line break is `\n`, `\r\n` or a lone `\r`, as in YAML (and
/// go-yaml): the parser counts a lone `\r` as a break, so our line numbers must too.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    // one allocation of the right size (a bound: `\r\n` counts twice), not a dozen doublings
    let breaks = memchr::memchr2_iter(b'\n', b'\r', bytes).count();
    let mut starts = Vec::with_capacity(breaks + 1);
    starts.push(0);
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        if bytes[i] == b'\n' || lone_cr {
            starts.push(i + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("v.yaml", "a: 1\nbé: x\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 1 });
        // `x` is after the two-byte é: byte 10, character column 5
        assert_eq!(file.line_col(10), LineCol { line: 2, column: 5 });
        assert_eq!(file.line_count(), 2);
        assert_eq!(&file.text()[file.line_range(2)], "bé: x");
    }

    #[test]
    fn bom_is_stripped_and_remembered() {
        let (file, err) = SourceFile::from_bytes("v.yaml", b"\xEF\xBB\xBFa: 1\n".to_vec());
        assert!(err.is_none());
        assert!(file.had_bom());
        assert_eq!(file.text(), "a: 1\n");
    }

    #[test]
    fn utf16_binary_and_invalid_utf8_are_refused() {
        let (_, err) = SourceFile::from_bytes("v", vec![0xFF, 0xFE, b'a', 0]);
        assert!(err.unwrap().reason.contains("UTF-16"));
        let (_, err) = SourceFile::from_bytes("v", b"a: 1\n\0\0".to_vec());
        assert_eq!(err.unwrap().offset, 5);
        let (file, err) = SourceFile::from_bytes("v", b"a: 1\nb: \xC3\x28".to_vec());
        assert_eq!(err.unwrap().offset, 8);
        assert_eq!(file.text(), "a: 1\nb: ");
    }

    /// Offsets point into the text kept, which lossy decoding (and a BOM) make longer or
    /// shorter than the bytes read: the NUL is reported right after that text.
    #[test]
    fn nul_offset_is_into_the_decoded_text() {
        let (file, err) = SourceFile::from_bytes("v", b"\xFF\xFEx: 1\0".to_vec());
        assert!(err.unwrap().reason.contains("UTF-16"));
        assert_eq!(file.text(), "");
        let (file, err) = SourceFile::from_bytes("v", b"a\x91\x92: 1\0rest".to_vec());
        let err = err.unwrap();
        assert_eq!(file.text(), "a\u{FFFD}\u{FFFD}: 1");
        assert_eq!(err.offset, file.text().len());
        assert_eq!(file.line_col(err.offset), LineCol { line: 1, column: 7 });
        let (file, err) = SourceFile::from_bytes("v", b"\xEF\xBB\xBFab\0".to_vec());
        assert_eq!(err.unwrap().offset, 2);
        assert_eq!(file.text(), "ab");
    }

    /// YAML breaks lines at `\n`, `\r\n` and a lone `\r`; so do our line numbers.
    #[test]
    fn every_yaml_line_break_starts_a_line() {
        let file = SourceFile::new("v", "a: 1\rb: 2\r\nc: 3\n\r\rd");
        assert_eq!(file.line_starts(), &[0, 5, 11, 16, 17, 18]);
        assert_eq!(file.line_col(8), LineCol { line: 2, column: 4 });
        assert_eq!(&file.text()[file.line_range(1)], "a: 1");
        assert_eq!(&file.text()[file.line_range(2)], "b: 2");
        assert_eq!(&file.text()[file.line_range(3)], "c: 3");
        assert_eq!(&file.text()[file.line_range(4)], "");
        assert_eq!(&file.text()[file.line_range(5)], "");
        assert_eq!(&file.text()[file.line_range(6)], "d");
        assert_eq!(file.line_count(), 6);
        assert_eq!(SourceFile::new("v", "a\r").line_count(), 1);
    }
}
