//! `render … --merge-into` keeps what the user wrote: a values file with comments
//! everywhere (on their own lines at every indentation, after every kind of key and item,
//! between items, before and after the document, inside block strings and inside the
//! embedded plugin provisioning) merged with the `provisioning` and `airgap` overlays keeps
//! every comment line byte for byte and every trailing comment's text, leaves the keys the
//! overlay does not own byte for byte, changes nothing the second time, and lints for the
//! same release as the file with the overlay stacked on it. The overlays are built through
//! the library as `tests/render.rs` builds them; their exact text is not asserted here.
//! Also a property over the rule fixtures: merging the provisioning overlay into any of
//! them keeps every comment line.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use oncall_lint_core::options::ReleaseSpec;
use oncall_lint_core::release::Release;
use oncall_lint_core::render::airgap::{self, AirgapArgs};
use oncall_lint_core::render::merge::merge_into;
use oncall_lint_core::render::provisioning::{self, ProvisioningArgs};
use oncall_lint_core::render::{RenderError, Rendered};
use oncall_lint_core::values::Value;
use oncall_lint_core::{InputFile, LintOptions, Profile, Severity, build_release, lint_release};

const FILE: &str = "testdata/merge/commented.yaml";
const REGISTRY: &str = "harbor.example.com/mirror";

type Artifact = fn(&Release) -> Result<Rendered, RenderError>;

fn provisioning(release: &Release) -> Result<Rendered, RenderError> {
    provisioning::render(release, &ProvisioningArgs::default())
}

fn air_gapped(release: &Release) -> Result<Rendered, RenderError> {
    airgap::render(release, &AirgapArgs::new(REGISTRY))
}

fn options(profiles: &[Profile]) -> LintOptions {
    let mut options = LintOptions {
        release: ReleaseSpec {
            release_name: Some("oncall".into()),
            namespace: Some("oncall".into()),
            chart_version: Some("1.16.9".into()),
            ..ReleaseSpec::default()
        },
        ..LintOptions::default()
    };
    options.selection.profiles = profiles.to_vec();
    options
}

fn files(texts: &[&str]) -> Vec<InputFile> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| InputFile {
            path: format!("values-{i}.yaml"),
            bytes: text.as_bytes().to_vec(),
        })
        .collect()
}

/// The overlay `artifact` renders for a release of `text`: its text and its values.
fn overlay(text: &str, options: &LintOptions, artifact: Artifact) -> Option<(String, Value)> {
    let (release, _) = build_release(files(&[text]), options).ok()?;
    artifact(&release).ok()?.overlay
}

/// The lines that are comments (trimmed, they start with `#`), with how often each occurs.
fn comment_lines(text: &str) -> BTreeMap<&str, usize> {
    let mut lines = BTreeMap::new();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            *lines.entry(line).or_default() += 1;
        }
    }
    lines
}

/// Every comment line of `before` is in `after` as often, byte for byte.
fn assert_comment_lines_kept(before: &str, after: &str, what: &str) {
    let kept = comment_lines(after);
    for (line, count) in comment_lines(before) {
        assert!(
            kept.get(line).copied().unwrap_or(0) >= count,
            "{what}: lost the comment line {line:?}:\n{after}"
        );
    }
}

/// The text of each comment after a value (` # …` on a line that is not a comment).
fn trailing_comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.find(" #").map(|at| line[at + 1..].trim_end()))
        .collect()
}

/// Rule codes of errors and warnings, sorted.
fn findings(texts: &[&str], profiles: &[Profile]) -> Vec<String> {
    let mut codes: Vec<String> = lint_release(files(texts), &options(profiles))
        .diagnostics
        .iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    codes.sort();
    codes
}

/// Parts of the file no overlay owns: they must stay byte for byte.
const NOT_OWNED: &[&str] = &[
    "base_url: oncall.example.com  # trailing on a top-level key\n   # own line at an odd indentation\nengine:   # trailing on a map key\n  # inside engine\n  replicaCount: 2         # trailing, aligned\n",
    "  persistence:\n    # own line at 4\n    enabled: true        # keep plugin state\n",
    "    GF_SECURITY_DISABLE_GRAVATAR: \"true\"  # no outbound calls\n",
    "    - name: dashboards-cache   # trailing on an item\n      emptyDir: {}   # trailing on a nested key\n\n    # between items, after a blank line\n    - name: provisioning   # the provisioning volume\n",
    "        # own line deep in an item\n        defaultMode: 420  # not the overlay's\n    # after the last item\n",
    "        annotations:\n          team: sre   # not the overlay's\n",
    "        notes.txt: |\n          # not a comment: a line of a block string\n          keep this line  # and this\n",
    "          # inside the embedded provisioning\n          apiVersion: 1\n          apps:\n            # before the app\n            - type: grafana-oncall-app   # the plugin\n              org_id: 1   # Grafana's org, for the provisioning\n              jsonData:\n                # own line in jsonData\n                stackId: 5                    # the engine's SELF_HOSTED_STACK_ID\n",
    "    - apiVersion: v1\n      kind: Secret   # another object the overlay carries over\n      metadata:\n        name: extra\n      stringData:\n        a: b  # kept\n",
];

/// Merges `artifact`'s overlay into `text` and checks what a merge must keep; the merged
/// text.
fn merged_keeping_everything(text: &str, artifact: Artifact, profiles: &[Profile]) -> String {
    let (overlay_text, overlay_values) =
        overlay(text, &options(profiles), artifact).expect("the overlay renders");
    let merged = merge_into(text, &overlay_values).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_ne!(merged, text, "the overlay changes something");
    assert_comment_lines_kept(text, &merged, "merge");
    for comment in trailing_comments(text) {
        assert!(merged.contains(comment), "lost `{comment}`:\n{merged}");
    }
    assert_eq!(
        merge_into(&merged, &overlay_values).as_deref(),
        Ok(merged.as_str()),
        "a second merge changes nothing"
    );
    // the file with the overlay merged in lints no worse than the file with the overlay
    // stacked on it (stacked, the file's own ConfigMap, which the overlay's list replaces,
    // is still read: that can only add findings)
    let mut stacked = findings(&[text, &overlay_text], profiles);
    for finding in findings(&[&merged], profiles) {
        let at = stacked.iter().position(|f| *f == finding);
        assert!(
            at.is_some(),
            "merged, not stacked: {finding}\nmerged:\n{merged}"
        );
        if let Some(at) = at {
            stacked.remove(at);
        }
    }
    merged
}

fn commented() -> String {
    std::fs::read_to_string(FILE).expect("the test file is readable")
}

#[test]
fn provisioning_keeps_every_comment_and_every_key_it_does_not_own() {
    let text = commented();
    for part in NOT_OWNED {
        assert!(text.contains(part), "the test file holds {part:?}");
    }
    let merged = merged_keeping_everything(&text, provisioning, &[]);
    for part in NOT_OWNED {
        assert!(merged.contains(part), "changed {part:?}:\n{merged}");
    }
    // the overlay's keys changed, the comments on their lines stayed in their column
    for line in [
        "        name: oncall-plugin-provisioning                  # the chart's, for another release\n",
        "                orgId: 100            # the Grafana org, not OnCall's (100)\n",
        "                onCallApiUrl: http://oncall-engine.oncall.svc:8080  # the old URL\n",
        "                grafanaUrl: http://oncall-grafana.oncall.svc/grafana/\n",
        "              # after jsonData\n          # end of the provisioning\n    # after the ConfigMap\n",
        "        a: b  # kept\n# a comment at the end of the document\n",
    ] {
        assert!(merged.contains(line), "no {line:?}:\n{merged}");
    }
    // the release lints clean: the overlay resolved the chart's provisioning findings
    assert!(!findings(&[&text], &[]).is_empty());
    assert_eq!(findings(&[&merged], &[]), Vec::<String>::new(), "{merged}");
}

#[test]
fn airgap_keeps_every_comment_line_and_every_key_it_does_not_own() {
    let text = commented();
    let merged = merged_keeping_everything(&text, air_gapped, &[Profile::AirGapped]);
    for part in NOT_OWNED {
        assert!(merged.contains(part), "changed {part:?}:\n{merged}");
    }
    // a comment that closes a list stays under the item it followed, the added items come
    // after it; the document's last comment stays last
    assert!(
        merged.contains("    # after the last item\n    - name: oncall-plugin-install\n"),
        "{merged}"
    );
    assert!(
        merged.ends_with("\n# a comment at the end of the document\n"),
        "{merged}"
    );
    // then provisioning on top: the airgap overlay already carries this release's
    // provisioning, so there is nothing left to change
    let (_, values) = overlay(&merged, &options(&[Profile::AirGapped]), provisioning)
        .expect("the overlay renders");
    let both = merge_into(&merged, &values).unwrap_or_else(|e| panic!("{e}\n{merged}"));
    assert_eq!(both, merged, "airgap then provisioning");
    assert_comment_lines_kept(&text, &both, "airgap then provisioning");
}

#[test]
fn crlf_files_keep_their_comment_lines_and_line_endings() {
    let text = commented().replace('\n', "\r\n");
    let (_, values) = overlay(&text, &options(&[]), provisioning).expect("the overlay renders");
    let merged = merge_into(&text, &values).unwrap_or_else(|e| panic!("{e}"));
    assert!(!merged.replace("\r\n", "").contains('\n'), "{merged}");
    assert_comment_lines_kept(&text, &merged, "crlf");
    assert!(merged.contains("                orgId: 100            # the Grafana org"));
    assert_eq!(merge_into(&merged, &values).as_deref(), Ok(merged.as_str()));
}

/// Options for a fixture: its header's, with a release and namespace when it names none.
fn fixture_options(text: &str) -> LintOptions {
    let mut options = support::options_from_header(text);
    let spec = &mut options.release;
    spec.release_name.get_or_insert_with(|| "oncall".into());
    spec.namespace.get_or_insert_with(|| "oncall".into());
    options
}

#[test]
fn merging_provisioning_into_any_fixture_keeps_every_comment_line() {
    let mut merged_count = 0;
    let mut paths: Vec<_> = std::fs::read_dir("testdata/rules")
        .expect("the rule fixtures")
        .flatten()
        .flat_map(|dir| {
            std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !text.lines().any(|l| l.starts_with("grafana:")) {
            continue;
        }
        let Some((_, values)) = overlay(&text, &fixture_options(&text), provisioning) else {
            continue;
        };
        let shown = Path::new(&path).display().to_string();
        match merge_into(&text, &values) {
            Ok(merged) => {
                assert_comment_lines_kept(&text, &merged, &shown);
                assert_eq!(
                    merge_into(&merged, &values).as_deref(),
                    Ok(merged.as_str()),
                    "{shown}: a second merge changes nothing"
                );
                merged_count += 1;
            }
            // a refusal leaves the file as it was: only what it cannot do safely
            Err(e) => assert!(
                ["alias", "anchor", "merge by hand", "documents"]
                    .iter()
                    .any(|w| e.0.contains(w)),
                "{shown}: {e}"
            ),
        }
    }
    assert!(
        merged_count >= 40,
        "only {merged_count} fixtures merged: is the fixture list read?"
    );
}
