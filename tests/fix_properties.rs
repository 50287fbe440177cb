//! Properties of `--fix --unsafe-fixes`, run through the real binary over every fixture and
//! generated style variants of it (CRLF, BOM, four-space indentation, comments on every line
//! and between entries): the result parses, the fixed findings are gone, every comment of
//! the original is still there byte for byte (except those on the lines of an entry a fix
//! removes, which belong to it, and the suppression comments OC095 fixes), line endings and
//! BOM are kept, and a second run changes nothing.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use oncall_lint_core::yaml::{Limits, NodeKind, ScalarStyle, parse};
use oncall_lint_core::{Applicability, Diagnostic, lint_bytes};

const BOM: &str = "\u{feff}";

fn fixtures() -> Vec<PathBuf> {
    support::yaml_fixtures(&["rules", "fix"])
}

/// The CLI flags a fixture's first line asks for.
fn header_args(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.trim().strip_prefix("# oncall-lint-test:"))
        .map(|rest| rest.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Byte ranges of block scalars (their lines must not be touched by the variants).
fn block_scalar_lines(text: &str) -> Vec<(usize, usize)> {
    let Ok(docs) = parse(text, &Limits::default()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in &docs {
        for id in doc.ids() {
            let node = doc.node(id);
            if let NodeKind::Scalar {
                style: ScalarStyle::Literal | ScalarStyle::Folded,
                ..
            } = node.kind
            {
                out.push((node.span.start, node.span.end));
            }
            if let NodeKind::Scalar { text: t, .. } = &node.kind
                && t.contains('\n')
            {
                out.push((node.span.start, node.span.end));
            }
            if node.flow {
                out.push((node.span.start, node.span.end));
            }
        }
    }
    out
}

fn variants(text: &str) -> Vec<(&'static str, String)> {
    let header = !header_args(text).is_empty();
    let protected = block_scalar_lines(text);
    let inside = |offset: usize| protected.iter().any(|(s, e)| offset >= *s && offset <= *e);
    let mut commented = String::new();
    let mut indent4 = String::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        let trimmed = body.trim_start();
        let lead = body.len() - trimmed.len();
        let protected_line = inside(offset) || inside(offset + body.len());
        // four-space: double every line's indentation (block content included, which keeps
        // embedded YAML consistent)
        indent4.push_str(&" ".repeat(lead * 2));
        indent4.push_str(trimmed);
        indent4.push_str(&line[body.len()..]);
        if (n == 0 && header) || protected_line || trimmed.is_empty() {
            commented.push_str(line);
        } else {
            let is_key = !trimmed.starts_with('#')
                && (trimmed.contains(": ") || trimmed.ends_with(':') || trimmed.starts_with("- "));
            if is_key {
                commented.push_str(&format!("{}# between {n}\n", " ".repeat(lead)));
            }
            if trimmed.starts_with('#')
                || body.contains(" #")
                || body.ends_with('|')
                || body.ends_with("|-")
            {
                commented.push_str(line);
            } else {
                commented.push_str(&format!("{body}  # note {n}{}", &line[body.len()..]));
            }
        }
        offset += line.len();
    }
    vec![
        ("original", text.to_owned()),
        ("crlf", text.replace('\n', "\r\n")),
        ("bom", format!("{BOM}{text}")),
        ("indent4", indent4),
        ("commented", commented),
    ]
}

fn comments(text: &str) -> Vec<String> {
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let Ok(docs) = parse(body, &Limits::default()) else {
        return Vec::new();
    };
    docs.iter()
        .flat_map(|d| {
            d.comments
                .iter()
                .map(|c| body[c.span.clone()].trim_end_matches('\r').to_owned())
        })
        .collect()
}

fn lint(name: &str, text: &str, args: &[String]) -> Vec<Diagnostic> {
    let mut options =
        support::options_from_header(&format!("# oncall-lint-test: {}\n", args.join(" ")));
    options.keep_values = true;
    // as the CLI lints a file named alone: a whole release
    options.release.whole = true;
    lint_bytes(name, text.as_bytes().to_vec(), &options).diagnostics
}

fn run_fix(path: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_oncall-lint"))
        .env_clear()
        .env("NO_COLOR", "1")
        .args(["--fix", "--unsafe-fixes", "--format", "concise"])
        .args(args)
        .arg(path)
        .output()
        .expect("runs")
}

/// How many shards the fixtures are split into: each is its own test, so the test harness
/// runs them on every core (the whole set through the binary takes minutes on one).
const SHARDS: usize = 4;

#[test]
fn fixes_keep_comments_parse_and_are_idempotent_shard_0() {
    check_shard(0);
}

#[test]
fn fixes_keep_comments_parse_and_are_idempotent_shard_1() {
    check_shard(1);
}

#[test]
fn fixes_keep_comments_parse_and_are_idempotent_shard_2() {
    check_shard(2);
}

#[test]
fn fixes_keep_comments_parse_and_are_idempotent_shard_3() {
    check_shard(3);
}

/// Checks every `SHARDS`-th fixture, from the `shard`-th.
fn check_shard(shard: usize) {
    let dir = std::env::temp_dir().join(format!(
        "oncall-lint-fix-props-{}-{shard}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut checked = 0;
    let mut fixed_files = 0;
    let mut skipped: Vec<String> = Vec::new();
    for fixture in fixtures().into_iter().skip(shard).step_by(SHARDS) {
        let original = std::fs::read_to_string(&fixture).expect("fixture text");
        let args = header_args(&original);
        // the CLI has no `--whole`: a file it lints alone is a whole release already
        let args: Vec<String> = args.into_iter().filter(|a| a != "--whole").collect();
        let base_codes: Vec<String> = {
            let mut c: Vec<String> = lint("v.yaml", &original, &args)
                .into_iter()
                .map(|d| d.code().to_owned())
                .collect();
            c.sort();
            c
        };
        for (variant, text) in variants(&original) {
            let name = format!(
                "{}-{variant}.yaml",
                fixture.file_stem().unwrap_or_default().to_string_lossy()
            );
            let before = lint(&name, text.strip_prefix(BOM).unwrap_or(&text), &args);
            let mut codes: Vec<String> = before.iter().map(|d| d.code().to_owned()).collect();
            codes.sort();
            if codes != base_codes {
                // the variant itself changed meaning (a generated comment inside a construct
                // it does not fit); it says nothing about the fixer
                skipped.push(format!("{}/{variant}", fixture.display()));
                continue;
            }
            let path = dir.join(&name);
            std::fs::write(&path, &text).expect("write variant");
            let out = run_fix(&path, &args);
            let code = out.status.code();
            assert!(
                matches!(code, Some(0 | 1)),
                "{name}: exit {code:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains("dropped"),
                "{name}: a fix was dropped: {stderr}"
            );
            let fixed = std::fs::read_to_string(&path).expect("read back");
            let after = lint(&name, fixed.strip_prefix(BOM).unwrap_or(&fixed), &args);
            // 1. it parses (unless the original did not)
            let parse_errors =
                |ds: &[Diagnostic]| ds.iter().filter(|d| d.code() == "OC094").count();
            assert!(
                parse_errors(&after) <= parse_errors(&before),
                "{name}: the fixed file does not parse:\n{fixed}"
            );
            // 2. the fixed findings are gone
            for d in before.iter().filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability >= Applicability::Unsafe)
            }) {
                assert!(
                    !after.iter().any(|a| a.code() == d.code()
                        && a.primary.key_path == d.primary.key_path
                        && a.message == d.message),
                    "{name}: `{}` at {} was fixed but is still reported:\n{fixed}",
                    d.message,
                    d.primary.key_path
                );
            }
            // 3. every comment is still there, byte for byte, except those inside an entry
            //    that a fix removes
            let mut removed: Vec<std::ops::Range<usize>> = before
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .filter(|f| f.applicability >= Applicability::Unsafe)
                .flat_map(|f| {
                    f.edits
                        .iter()
                        .filter(|e| e.replacement.is_empty())
                        .map(|e| e.range.clone())
                })
                .collect();
            // OC095's fixes edit the suppression comment itself: that comment is the subject
            for d in before.iter().filter(|d| d.code() == "OC095") {
                removed.push(d.primary.span.clone());
            }
            let body = text.strip_prefix(BOM).unwrap_or(&text);
            let mut kept: HashMap<String, i64> = HashMap::new();
            for c in comments(&fixed) {
                *kept.entry(c).or_default() += 1;
            }
            let docs = parse(body, &Limits::default()).unwrap_or_default();
            for comment in docs.iter().flat_map(|d| d.comments.iter()) {
                if removed
                    .iter()
                    .any(|r| r.start <= comment.span.start && comment.span.end <= r.end)
                {
                    continue;
                }
                let text = body[comment.span.clone()].trim_end_matches('\r').to_owned();
                let n = kept.entry(text.clone()).or_default();
                *n -= 1;
                assert!(*n >= 0, "{name}: the comment `{text}` was lost:\n{fixed}");
            }
            // 4. BOM and line endings are kept
            assert_eq!(
                fixed.starts_with(BOM),
                text.starts_with(BOM),
                "{name}: BOM changed"
            );
            if text.contains("\r\n") {
                assert!(
                    !fixed.replace("\r\n", "").contains('\n'),
                    "{name}: a bare LF crept into a CRLF file:\n{fixed:?}"
                );
            }
            // 5. a second run changes nothing
            let again = run_fix(&path, &args);
            assert!(matches!(again.status.code(), Some(0 | 1)));
            let twice = std::fs::read_to_string(&path).expect("read back");
            assert_eq!(
                twice, fixed,
                "{name}: a second --fix changed the file again"
            );
            if fixed != text {
                fixed_files += 1;
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        fixed_files >= 10,
        "shard {shard}: only {fixed_files} variants were changed by a fix"
    );
    assert!(
        skipped.len() * 10 <= checked,
        "shard {shard}: too many variants skipped ({}): {skipped:?}",
        skipped.len()
    );
    eprintln!(
        "shard {shard}: checked {checked} variants ({fixed_files} fixed), skipped {}",
        skipped.len()
    );
}
