//! Hover on a key: the value Helm will use there (the release's files merged over the
//! chart's defaults), where that value comes from (a file and line, or the chart default
//! of a version), and the documentation of the rule of each finding under the cursor.

use std::fmt::Write;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};
use oncall_lint_core::session::{ValueOrigin, value_at};
use oncall_lint_core::{InputFile, LintOptions, RuleCode};

use super::lint::{Finding, Scope};
use super::position::{Encoding, LineIndex};

/// What a hover needs of the server's state.
pub struct Request<'a> {
    /// The document's text, as the editor holds it.
    pub text: &'a str,
    /// The document's name in runs.
    pub name: &'a str,
    /// The release it belongs to, when a lint said.
    pub scope: Option<&'a Scope>,
    /// The document's findings.
    pub findings: &'a [Finding],
    /// The text of another file of the release, by its name in runs.
    pub text_of: &'a dyn Fn(&str) -> Option<String>,
    /// The agreed encoding.
    pub encoding: Encoding,
}

/// The hover at `position`, or `None` when there is nothing to say.
pub fn hover(request: &Request, position: Position) -> Option<Hover> {
    let index = LineIndex::new(request.text, request.encoding);
    let offset = index.offset(position);
    let bom = if request.text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let mut out = String::new();
    let mut range = None;
    let (names, options, partial) = match request.scope {
        Some(scope) => (scope.files.clone(), scope.options.clone(), scope.partial),
        None => (vec![request.name.to_owned()], LintOptions::default(), false),
    };
    let files: Vec<InputFile> = names
        .iter()
        .filter_map(|name| {
            let bytes = if name == request.name {
                request.text.as_bytes()[bom..].to_vec()
            } else {
                (request.text_of)(name)?.into_bytes()
            };
            Some(InputFile {
                path: name.clone(),
                bytes,
            })
        })
        .collect();
    if let Some(found) = value_at(files, &options, request.name, offset) {
        let _ = write!(out, "**`{}`**", found.key_path);
        match &found.value {
            Some(value) => {
                let _ = writeln!(out, " = `{}`\n", value.replace('`', "'"));
            }
            None => out.push_str(": no value\n\n"),
        }
        let origin = match &found.origin {
            ValueOrigin::Default { chart, version } => {
                format!("the default of the {chart} chart {version}")
            }
            ValueOrigin::File { file, line } => format!("set in `{file}` line {line}"),
            ValueOrigin::Unset => "not set: removed, or outside the chart's values".to_owned(),
        };
        let _ = writeln!(out, "from {origin}");
        if partial {
            out.push_str(
                "\n(this file over the chart's defaults; the GitOps manifest that reads it adds its own values)\n",
            );
        }
        range = Some(index.range(&found.span));
    }
    for finding in request.findings {
        let diagnostic = &finding.diagnostic;
        if !contains(&diagnostic.range, position) {
            continue;
        }
        let Some(lsp_types::NumberOrString::String(code)) = &diagnostic.code else {
            continue;
        };
        let Some(rule) = RuleCode::find(code) else {
            continue;
        };
        if !out.is_empty() {
            out.push_str("\n---\n\n");
        }
        let _ = writeln!(out, "**{code} {}**\n", rule.name());
        out.push_str(&rule.meta().explain());
    }
    if out.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: out,
        }),
        range,
    })
}

/// Whether `range` holds `position` (its end included: an empty range is a point).
fn contains(range: &lsp_types::Range, position: Position) -> bool {
    let at = (position.line, position.character);
    (range.start.line, range.start.character) <= at && at <= (range.end.line, range.end.character)
}
