//! Text details of a merge's edits: a trailing comment that keeps its column when a scalar
//! before it changes, and the comments of removed lines that stay as lines of their own.

use std::ops::Range;

use crate::fix::TextEdit;
use crate::yaml::Document;

/// The start of the line holding `pos`.
pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// `edit` widened over the spaces before a trailing comment, so that the comment keeps its
/// column when the new text is shorter, or longer by less than the gap (at least two
/// spaces stay, or the one there was). Any other edit is returned as it is.
pub(super) fn aligned(text: &str, (range, replacement): TextEdit) -> TextEdit {
    let end = range.end.min(text.len());
    if range.is_empty()
        || range.start > end
        || replacement.contains(['\n', '\r'])
        || text[range.start.min(end)..end].contains('\n')
    {
        return (range, replacement);
    }
    let rest = &text[end..];
    let gap = rest.len() - rest.trim_start_matches(' ').len();
    if gap == 0 || !rest[gap..].starts_with('#') {
        return (range, replacement);
    }
    let old_width = text[range.start..end].chars().count();
    let new_width = replacement.chars().count();
    let wanted = (gap + old_width).saturating_sub(new_width);
    let spaces = wanted.max(gap.min(2));
    let mut replacement = replacement;
    replacement.push_str(&" ".repeat(spaces));
    (range.start..end + gap, replacement)
}

/// The comments in `range` of `text` as lines that stay when the range is removed: a
/// comment on its own line byte for byte, one after a value on its own line at `indent`.
pub(super) fn kept_comments(
    text: &str,
    doc: &Document,
    range: &Range<usize>,
    indent: usize,
) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::new();
    for comment in &doc.comments {
        if comment.span.start < range.start || comment.span.end > range.end {
            continue;
        }
        let line = line_start(text, comment.span.start);
        if text[line..comment.span.start].trim().is_empty() {
            out.push_str(&text[line..comment.span.end]);
        } else {
            out.push_str(&" ".repeat(indent));
            out.push_str(&text[comment.span.clone()]);
        }
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, range: Range<usize>, new: &str) -> String {
        let (range, replacement) = aligned(text, (range, new.to_owned()));
        let mut out = text.to_owned();
        out.replace_range(range, &replacement);
        out
    }

    #[test]
    fn trailing_comments_keep_their_column_where_they_can() {
        let text = "orgId: 1      # c\n";
        assert_eq!(run(text, 7..8, "100"), "orgId: 100    # c\n");
        let text = "orgId: 1000  # c\n";
        assert_eq!(run(text, 7..11, "1"), "orgId: 1     # c\n");
        // no room: two spaces stay
        let text = "orgId: 1  # c\n";
        assert_eq!(run(text, 7..8, "100"), "orgId: 100  # c\n");
        let text = "orgId: 1 # c\n";
        assert_eq!(run(text, 7..8, "100"), "orgId: 100 # c\n");
        // no comment: as it was
        assert_eq!(run("a: 1  \n", 3..4, "22"), "a: 22  \n");
    }
}
