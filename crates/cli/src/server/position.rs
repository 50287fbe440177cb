//! Byte offsets (what the library's spans are) to LSP positions and back, in the encoding
//! the client and server agreed on: UTF-16 code units (the protocol's default) or UTF-8
//! bytes. Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol and the YAML parser
//! both say. A UTF-8 byte order mark is not part of the text the library sees, so its
//! offsets are shifted past it here.

use lsp_types::{Position, PositionEncodingKind, Range};

/// The unit a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
}

impl Encoding {
    /// The encoding the server uses with a client offering `offered` (in its order of
    /// preference): UTF-8 when offered, as positions are then byte offsets; else UTF-16,
    /// which every client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// The name the protocol gives it.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// A text with its line table, converting between byte offsets into the text without a
/// BOM (the library's) and positions in the text as the editor holds it.
#[derive(Debug)]
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    bom: usize,
    encoding: Encoding,
}

impl<'t> LineIndex<'t> {
    /// The index of `text` (as the editor holds it, BOM included if it has one).
    pub fn new(text: &'t str, encoding: Encoding) -> LineIndex<'t> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if b == b'\n' || lone_cr {
                starts.push(i + 1);
            }
        }
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        LineIndex {
            text,
            starts,
            bom,
            encoding,
        }
    }

    /// The position of a library byte offset (clamped to the text, and to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = (offset + self.bom).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character: usize = self.text[start..offset]
            .chars()
            .map(|c| self.encoding.width(c))
            .sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    /// The range of a library byte range.
    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The byte offset into the editor's text (BOM included) of a position: past the end
    /// of its line is the line's end, past the last line the text's end, and inside a
    /// character (half a surrogate pair) that character's start.
    pub fn text_offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self.line_end(line);
        let wanted = position.character as usize;
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            let width = self.encoding.width(c);
            if units + width > wanted {
                return start + i;
            }
            units += width;
        }
        end
    }

    /// The library byte offset (into the text without a BOM) of a position.
    pub fn offset(&self, position: Position) -> usize {
        self.text_offset(position).saturating_sub(self.bom)
    }

    /// Where line `line` ends, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        if line + 1 < self.starts.len() {
            // drop the break: `\n`, `\r\n` or `\r`
            if end > 0 && bytes[end - 1] == b'\n' {
                end -= 1;
            }
            if end > 0 && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        end.max(self.starts[line])
    }
}

/// Applies one content change of `didChange` to `text`: a range replaced, or (no range)
/// the whole text.
pub fn apply_change(text: &mut String, range: Option<Range>, new: &str, encoding: Encoding) {
    let Some(range) = range else {
        new.clone_into(text);
        return;
    };
    let index = LineIndex::new(text, encoding);
    let start = index.text_offset(range.start);
    let end = index.text_offset(range.end).max(start);
    text.replace_range(start..end, new);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_and_utf8_count_non_ascii_differently() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units
        let text = "# é 𝄞 comment\nkey: 1\n";
        let after = text.find("comment").unwrap();
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(utf16.position(after), pos(0, 7));
        assert_eq!(utf8.position(after), pos(0, 10));
        assert_eq!(utf16.offset(pos(0, 7)), after);
        assert_eq!(utf8.offset(pos(0, 10)), after);
        let key = text.find("key").unwrap();
        assert_eq!(utf16.position(key), pos(1, 0));
        assert_eq!(utf16.offset(pos(1, 0)), key);
    }

    #[test]
    fn positions_past_a_line_or_inside_a_character_are_clamped() {
        let text = "a𝄞b\r\nc\rd";
        let index = LineIndex::new(text, Encoding::Utf16);
        // inside the surrogate pair: the character's start
        assert_eq!(index.offset(pos(0, 2)), 1);
        // past the end of line 0: before its `\r\n`
        assert_eq!(index.offset(pos(0, 99)), 6);
        // a lone `\r` ends a line too
        assert_eq!(index.position(text.find('d').unwrap()), pos(2, 0));
        assert_eq!(index.offset(pos(9, 0)), text.len());
    }

    #[test]
    fn a_bom_is_outside_the_library_offsets() {
        let text = "\u{feff}a: é\n";
        let index = LineIndex::new(text, Encoding::Utf16);
        // the library's offset 0 is `a`, one UTF-16 unit after the BOM
        assert_eq!(index.position(0), pos(0, 1));
        assert_eq!(index.offset(pos(0, 1)), 0);
    }

    #[test]
    fn changes_apply_by_range_or_whole() {
        let mut text = "name: é\nx: 1\n".to_owned();
        apply_change(
            &mut text,
            Some(Range {
                start: pos(0, 6),
                end: pos(0, 7),
            }),
            "e",
            Encoding::Utf16,
        );
        assert_eq!(text, "name: e\nx: 1\n");
        apply_change(&mut text, None, "y: 2\n", Encoding::Utf16);
        assert_eq!(text, "y: 2\n");
    }
}
