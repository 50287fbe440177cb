//! YAML embedded in a string (provisioning in a ConfigMap's literal block, say): offsets in
//! the string's cooked text mapped back to offsets in the file, so a finding inside it
//! points at the file's own line and column.
//!
//! Each line of a literal block is the outer line with the block's indentation removed; the
//! mapping is checked against the outer text, so where no exact mapping exists the offset
//! maps to nothing (or, for [`SpanMapper::map`], to the string itself).

use std::ops::Range;

use super::ScalarStyle;

/// Maps byte offsets in a string's cooked text to byte offsets in the outer file.
pub struct SpanMapper {
    outer: Range<usize>,
    /// The outer file's length: no offset maps past it.
    outer_len: usize,
    /// For each inner line: (inner start, outer start) when that line appears verbatim in
    /// the outer file.
    lines: Vec<(usize, Option<usize>)>,
}

impl SpanMapper {
    /// A mapper for `inner`, the cooked text of the scalar at `outer` in `outer_text`.
    pub fn new(outer_text: &str, outer: Range<usize>, inner: &str, style: ScalarStyle) -> Self {
        let mut lines = Vec::new();
        let exact = matches!(
            style,
            ScalarStyle::Literal
                | ScalarStyle::Plain
                | ScalarStyle::SingleQuoted
                | ScalarStyle::DoubleQuoted
        );
        let mut search_from = outer.start.min(outer_text.len());
        let mut inner_offset = 0;
        for line in inner.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let mut outer_start = None;
            if exact && !content.is_empty() {
                // the line's text must be the next occurrence inside the outer span
                if let Some(pos) = outer_text
                    .get(search_from..outer.end.min(outer_text.len()))
                    .and_then(|hay| hay.find(content))
                {
                    let start = search_from + pos;
                    outer_start = Some(start);
                    search_from = start + content.len();
                }
            }
            lines.push((inner_offset, outer_start));
            inner_offset += line.len();
        }
        SpanMapper {
            outer,
            outer_len: outer_text.len(),
            lines,
        }
    }

    fn map_offset(&self, offset: usize) -> Option<usize> {
        let index = match self
            .lines
            .binary_search_by_key(&offset, |(start, _)| *start)
        {
            Ok(i) => i,
            Err(0) => return None,
            Err(i) => i - 1,
        };
        let (start, outer) = self.lines[index];
        // the end of a last line the outer file does not end with a line break (a block
        // scalar at the end of the file) maps past the file: no place there
        outer
            .map(|o| o + (offset - start))
            .filter(|o| *o <= self.outer_len)
    }

    /// Maps both ends exactly, or gives `None`.
    pub fn map_exact(&self, range: Range<usize>) -> Option<Range<usize>> {
        let start = self.map_offset(range.start)?;
        let end = self.map_offset(range.end)?;
        (end >= start).then_some(start..end)
    }

    /// Maps a range as well as it can: exactly, else to its start, else to the whole
    /// string.
    pub fn map(&self, range: Range<usize>) -> Range<usize> {
        match (
            self.map_offset(range.start),
            self.map_offset(range.end.max(range.start)),
        ) {
            (Some(start), Some(end)) if end >= start && end <= self.outer.end => start..end,
            (Some(start), _) => start..start,
            _ => self.outer.clone(),
        }
    }
}
