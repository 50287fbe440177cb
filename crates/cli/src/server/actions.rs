//! The "suppress OCxxx on this line" code action: the library's suppression comment
//! (`# oncall-lint: ignore[OC001]`) on its own line above the finding's line, which it
//! then applies to; or the code added to such a comment already there. A line inside a
//! block scalar (`|`, `>`) cannot hold a comment (it would be text of the string), so
//! there the action suppresses the rule in the whole file (`file-ignore`).

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{CodeAction, CodeActionKind, Diagnostic, TextEdit, Uri, WorkspaceEdit};
use oncall_lint_core::yaml::{Limits, NodeKind, ScalarStyle, parse};

use super::position::{Encoding, LineIndex};

const LINE_DIRECTIVE: &str = "# oncall-lint: ignore[";

/// The suppression action of a finding in `text` (the file as the editor holds it).
pub fn suppress(
    finding: &oncall_lint_core::Diagnostic,
    diagnostic: &Diagnostic,
    uri: &Uri,
    text: &str,
    blocks: &[Range<usize>],
    encoding: Encoding,
) -> Option<CodeAction> {
    let code = finding.code();
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[bom..];
    let (title, span, insert) = match edit(body, blocks, finding.primary.span.start, code) {
        Some((span, insert)) => (format!("Suppress {code} on this line"), span, insert),
        None => (
            format!("Suppress {code} in this file"),
            0..0,
            format!("# oncall-lint: file-ignore[{code}]\n"),
        ),
    };
    let index = LineIndex::new(text, encoding);
    let changes = HashMap::from([(
        uri.clone(),
        vec![TextEdit {
            range: index.range(&span),
            new_text: insert,
        }],
    )]);
    Some(quick_fix(title, diagnostic, changes, false))
}

/// A quick fix of `diagnostic` made of `changes`.
pub fn quick_fix(
    title: String,
    diagnostic: &Diagnostic,
    changes: HashMap<Uri, Vec<TextEdit>>,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    }
}

/// The edit (a span of `text` and what replaces it) that suppresses `code` on the line
/// holding `offset`; `None` when that line is inside a block scalar.
fn edit(
    text: &str,
    blocks: &[Range<usize>],
    offset: usize,
    code: &str,
) -> Option<(Range<usize>, String)> {
    let offset = floor(text, offset.min(text.len()));
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if blocks.iter().any(|b| in_block(text, b, offset)) {
        return None;
    }
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    // a directive already on the line, or on a comment line just above: the code is added
    let above = start
        .checked_sub(1)
        .map(|before| {
            let before = if before > 0
                && text.as_bytes()[before - 1] == b'\r'
                && text.as_bytes()[before] == b'\n'
            {
                before - 1
            } else {
                before
            };
            let from = text[..before].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            from..before
        })
        .filter(|above| text[above.clone()].trim_start().starts_with(LINE_DIRECTIVE));
    for place in [Some(start..end), above].into_iter().flatten() {
        let at = &text[place.clone()];
        if let Some(found) = at.find(LINE_DIRECTIVE) {
            let list = place.start + found + LINE_DIRECTIVE.len();
            if let Some(close) = text[list..place.end].find(']') {
                let close = list + close;
                return Some((close..close, format!(", {code}")));
            }
        }
    }
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Some((
        start..start,
        format!("{indent}# oncall-lint: ignore[{code}]{newline}"),
    ))
}

/// Whether `offset` is on a content line of the block scalar spanning `block` (which may
/// start at its `|` header or at its first content line).
fn in_block(text: &str, block: &Range<usize>, offset: usize) -> bool {
    let end = block.end.min(text.len());
    let start = block.start.min(end);
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if text[line_start..start].trim().is_empty() {
        return start <= offset && offset < end;
    }
    let header_end = text[start..end]
        .find(['\n', '\r'])
        .map_or(end, |i| start + i);
    header_end < offset && offset < end
}

/// The spans of the block scalars of a file (its text without a BOM), parsed once per
/// file of a lint.
pub fn block_scalars(text: &str) -> Vec<Range<usize>> {
    let Ok(documents) = parse(text, &Limits::default()) else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    for doc in &documents {
        for id in doc.ids() {
            let node = doc.node(id);
            if matches!(
                node.kind,
                NodeKind::Scalar {
                    style: ScalarStyle::Literal | ScalarStyle::Folded,
                    ..
                }
            ) {
                spans.push(node.span.clone());
            }
        }
    }
    spans
}

fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(text: &str, at: &str, code: &str) -> Option<String> {
        let (span, insert) = edit(text, &block_scalars(text), text.find(at)?, code)?;
        let mut out = text.to_owned();
        out.replace_range(span, &insert);
        Some(out)
    }

    #[test]
    fn a_directive_goes_above_the_line_with_its_indentation() {
        let text = "apps:\n  - jsonData:\n      orgId: 1 # é\n";
        assert_eq!(
            applied(text, "orgId", "OC001").unwrap(),
            "apps:\n  - jsonData:\n      # oncall-lint: ignore[OC001]\n      orgId: 1 # é\n"
        );
    }

    #[test]
    fn a_directive_already_there_gets_the_code() {
        let above = "a:\n  # oncall-lint: ignore[OC002] why\n  b: 1\n";
        assert_eq!(
            applied(above, "b: 1", "OC001").unwrap(),
            "a:\n  # oncall-lint: ignore[OC002, OC001] why\n  b: 1\n"
        );
        let trailing = "b: 1 # oncall-lint: ignore[OC002]\r\n";
        assert_eq!(
            applied(trailing, "b", "OC001").unwrap(),
            "b: 1 # oncall-lint: ignore[OC002, OC001]\r\n"
        );
    }

    #[test]
    fn a_line_inside_a_block_scalar_is_left_alone() {
        let text = "data:\n  file.yaml: |\n    orgId: 1\n";
        assert!(applied(text, "orgId", "OC001").is_none());
    }
}
