//! `render`: the effective values, and the artifacts people otherwise hand-write, built from
//! one release (its `-f` files, `--set`, chart version and names). The overlays are printed,
//! or merged into a values file with `--merge-into` (written atomically, comments kept).

use std::path::Path;
use std::process::ExitCode;

use oncall_lint_core::render::airgap::{self, AirgapArgs as CoreAirgapArgs};
use oncall_lint_core::render::compose;
use oncall_lint_core::render::merge::merge_into;
use oncall_lint_core::render::networkpolicy::{self, NetworkPolicyArgs};
use oncall_lint_core::render::provisioning::{self, ProvisioningArgs};
use oncall_lint_core::render::setup::{self, SetupArgs};
use oncall_lint_core::render::templates::comment_text;
use oncall_lint_core::render::validate;
use oncall_lint_core::render::values as render_values;
use oncall_lint_core::render::{RenderError, Rendered};
use oncall_lint_core::report::concise;
use oncall_lint_core::{InputFile, LintOptions, build_release, release::Release};

use crate::args::{AirgapArgs, Artifact, MergeArgs, ReleaseArgs, ValuesFormat, WithArtifact};
use crate::options::release_options;
use crate::write_stdout;
use oncall_lint_core::session::{FixFile, read_release_files, render_check};
use oncall_lint_core::write::{WriteOptions, rewrite_file};

/// Runs `render <artifact>`.
pub fn run(artifact: Artifact) -> Result<ExitCode, String> {
    match artifact {
        Artifact::Values {
            release,
            format,
            show_origin,
        } => {
            let (built, _) = load(&release, None)?;
            let out = match format {
                ValuesFormat::Yaml => render_values::to_yaml_text(&built, show_origin),
                ValuesFormat::Json => render_values::to_json_text(&built, show_origin),
            };
            write_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Artifact::Provisioning {
            release,
            grafana_url,
            merge,
        } => {
            let built = load_for_artifact(&release, merge.merge_into.as_deref())?;
            let args = ProvisioningArgs { grafana_url };
            let rendered =
                provisioning::render(&built, &args).map_err(|e| failed("provisioning", &e))?;
            finish("provisioning", rendered, &merge, &release)
        }
        Artifact::Airgap {
            release,
            airgap: flags,
            manifest,
            with,
            merge,
        } => {
            if with.contains(&WithArtifact::Provisioning) {
                return render_all(&release, flags, None, &merge, "airgap");
            }
            let built = load_for_artifact(&release, merge.merge_into.as_deref())?;
            let args = core_airgap_args(flags);
            let rendered = if manifest {
                airgap::manifest(&built, &args)
            } else {
                airgap::render(&built, &args)
            }
            .map_err(|e| failed("airgap", &e))?;
            finish("airgap", rendered, &merge, &release)
        }
        Artifact::All {
            release,
            airgap: flags,
            grafana_url,
            merge,
        } => render_all(&release, flags, grafana_url, &merge, "all"),
        Artifact::Networkpolicy {
            release,
            allow_cidr,
            allow_plugin_download,
        } => {
            let built = load_for_artifact(&release, None)?;
            let args = NetworkPolicyArgs {
                allow_cidrs: allow_cidr,
                allow_plugin_download,
            };
            let rendered =
                networkpolicy::render(&built, &args).map_err(|e| failed("networkpolicy", &e))?;
            finish("networkpolicy", rendered, &MergeArgs::default(), &release)
        }
        Artifact::Setup {
            release,
            grafana_url,
            oncall_api_url,
        } => {
            let built = load_for_artifact(&release, None)?;
            let args = SetupArgs {
                grafana_url,
                oncall_api_url,
            };
            let rendered = setup::render(&built, &args).map_err(|e| failed("setup", &e))?;
            finish("setup", rendered, &MergeArgs::default(), &release)
        }
    }
}

/// `render all` (and `render airgap --with provisioning`): the provisioning overlay, then
/// the air-gap overlay rendered with it stacked after the release's files, composed.
fn render_all(
    release: &ReleaseArgs,
    flags: AirgapArgs,
    grafana_url: Option<String>,
    merge: &MergeArgs,
    artifact: &str,
) -> Result<ExitCode, String> {
    let built = load_for_artifact(release, merge.merge_into.as_deref())?;
    let (files, options) = release_inputs(release, merge.merge_into.as_deref())?;
    let restack = |overlay: &str| {
        let mut stacked = files.clone();
        stacked.push(InputFile {
            path: "<render provisioning>".into(),
            bytes: overlay.as_bytes().to_vec(),
        });
        build_release(stacked, &options)
            .map(|(release, _)| release)
            .map_err(|errors| {
                RenderError::Internal(format!(
                    "the values with the provisioning overlay cannot be loaded: {}",
                    concise::render(&errors).trim_end()
                ))
            })
    };
    let rendered = compose::all(
        &built,
        &restack,
        &ProvisioningArgs { grafana_url },
        &core_airgap_args(flags),
    )
    .map_err(|e| failed(artifact, &e))?;
    finish(artifact, rendered, merge, release)
}

fn core_airgap_args(flags: AirgapArgs) -> CoreAirgapArgs {
    CoreAirgapArgs {
        registry: flags.registry,
        plugin_version: flags.plugin_version,
        plugin_artifact: flags.plugin_artifact,
        oras_image: flags.oras_image,
        pull_secret: flags.pull_secret,
        registry_auth_secret: flags.registry_auth_secret,
        allow_unsigned: flags.allow_unsigned,
        plain_http: flags.plain_http,
    }
}

/// Text from our inputs, safe on a terminal: control characters escaped.
fn printable(text: &str) -> String {
    printable_keeping(text, false)
}

/// [`printable`], optionally keeping line breaks (messages of several lines).
fn printable_keeping(text: &str, newlines: bool) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() && !(newlines && c == '\n') {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn failed(artifact: &str, error: &RenderError) -> String {
    format!("render {artifact}: {}", printable(&error.to_string()))
}

/// Builds the release: its `-f` files (or, with none, the file to merge into).
fn load(
    release: &ReleaseArgs,
    merge_into: Option<&Path>,
) -> Result<(Release, LintOptions), String> {
    let (files, options) = release_inputs(release, merge_into)?;
    let (built, _notes) = build_release(files, &options).map_err(|errors| {
        let lines = concise::render(&errors);
        format!(
            "the release's values cannot be loaded:\n{}",
            printable_keeping(lines.trim_end(), true)
        )
    })?;
    Ok((built, options))
}

/// The release's files as read (its `-f` files, or the file to merge into) and its options.
fn release_inputs(
    release: &ReleaseArgs,
    merge_into: Option<&Path>,
) -> Result<(Vec<InputFile>, LintOptions), String> {
    let mut options = release_options(release, &[]).map_err(|e| printable(&e))?;
    if options.release.chart_kind == Some(oncall_lint_core::options::ChartKind::Grafana) {
        return Err("render works on the oncall chart's values: `--chart grafana` is for linting a Grafana that hosts the plugin".into());
    }
    let paths = if release.values.is_empty() {
        merge_into
            .filter(|p| p.exists())
            .map(|p| vec![p.to_path_buf()])
            .unwrap_or_default()
    } else {
        release.values.clone()
    };
    let (files, chart_yaml) = read_release_files(&paths).map_err(|e| printable(&e.to_string()))?;
    options.release.chart_yaml = chart_yaml;
    Ok((files, options))
}

/// [`load`], with the stricter chart version the artifacts need.
fn load_for_artifact(release: &ReleaseArgs, merge_into: Option<&Path>) -> Result<Release, String> {
    if let Some(version) = &release.chart_version {
        validate::version("--chart-version", version).map_err(|e| printable(&e.to_string()))?;
    }
    load(release, merge_into).map(|(built, _)| built)
}

/// Prints the notes and what the self-check found, then the artifact or merges it.
fn finish(
    artifact: &str,
    rendered: Rendered,
    merge: &MergeArgs,
    release: &ReleaseArgs,
) -> Result<ExitCode, String> {
    for note in &rendered.notes {
        eprintln!("note: {}", comment_text(note));
    }
    self_check(artifact, &rendered, merge, release)?;
    let Some(path) = &merge.merge_into else {
        write_stdout(&rendered.text)?;
        return Ok(ExitCode::SUCCESS);
    };
    let Some((_, overlay)) = &rendered.overlay else {
        return Err(format!("render {artifact}: --merge-into takes an overlay"));
    };
    let shown = path.display().to_string();
    let limit = oncall_lint_core::yaml::Limits::default().max_file_size;
    let bytes = oncall_lint_core::session::read_bounded(path, limit)
        .map_err(|reason| format!("--merge-into {shown}: {reason}"))?;
    let file_bytes = bytes.clone();
    let file = FixFile::new(Some(path.to_path_buf()), shown.clone(), bytes)
        .ok_or_else(|| format!("--merge-into {shown}: not UTF-8 text"))?;
    let merged = merge_into(&file.text, overlay).map_err(|e| {
        format!(
            "--merge-into {shown}: {}; the file is unchanged",
            printable(&e.0)
        )
    })?;
    if merged == file.text {
        eprintln!("{shown} already holds the {artifact} overlay; nothing to change");
        return Ok(ExitCode::SUCCESS);
    }
    let content = file.content(&merged);
    let options = WriteOptions {
        force: merge.force_write,
    };
    rewrite_file(path, &file_bytes, content.as_bytes(), options).map_err(|e| {
        format!(
            "{}: cannot write the merged file: {}",
            path.display(),
            e.reason
        )
    })?;
    eprintln!("merged the {artifact} overlay into {shown}");
    Ok(ExitCode::SUCCESS)
}

/// Lints an overlay stacked on the release's files and says on stderr what remains: a
/// warning for the overlay's own findings (a bug to report), a note with the command that
/// resolves each finding of the user's values. The artifact is printed either way.
fn self_check(
    artifact: &str,
    rendered: &Rendered,
    merge: &MergeArgs,
    release: &ReleaseArgs,
) -> Result<(), String> {
    if rendered.overlay.is_none() {
        return Ok(());
    }
    // `all` holds the air-gap overlay: checked as one
    let artifact = if artifact == "all" {
        "airgap"
    } else {
        artifact
    };
    let (files, options) = release_inputs(release, merge.merge_into.as_deref())?;
    let remaining = render_check::check_overlay(&files, &options, artifact, rendered);
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for left in &remaining {
        eprintln!("{}", remaining_line(artifact, left, release, &names));
    }
    Ok(())
}

/// One line of the self-check: where, which rule, what, and what to do.
fn remaining_line(
    artifact: &str,
    left: &render_check::Remaining,
    release: &ReleaseArgs,
    files: &[&str],
) -> String {
    let d = &left.finding;
    let line = d.primary.start().line;
    let what = format!("{} {} ({})", d.code(), d.name(), d.severity.as_str());
    let message = printable(&d.message);
    if left.cause == render_check::Cause::Artifact {
        return format!(
            "warning: render {artifact}: the overlay still gives {what} at line {line}: {message}; this is a bug of oncall-lint, please report it"
        );
    }
    if d.primary.file.path() == render_check::CHART_DEFAULTS {
        return format!(
            "note: {what} in the chart's defaults (no `-f` file given), which the {artifact} overlay does not resolve: {message}; see `oncall-lint explain {}`, and give your values files with -f",
            d.code()
        );
    }
    let flags = release_flags(release, files);
    let todo = match left.remedy {
        render_check::Remedy::Fix => {
            let profile = if artifact == "airgap" {
                " --profile air-gapped"
            } else {
                ""
            };
            format!("run `oncall-lint --fix{profile}{flags}`")
        }
        render_check::Remedy::Render("airgap") => {
            format!("run `oncall-lint render airgap --registry REGISTRY{flags}`")
        }
        render_check::Remedy::Render(other) => {
            format!("run `oncall-lint render {other}{flags}` and use it as one more -f")
        }
        render_check::Remedy::Explain => format!("see `oncall-lint explain {}`", d.code()),
    };
    format!(
        "note: {}:{line}: {what} in your values, which the {artifact} overlay does not resolve: {message}; {todo}",
        printable(d.primary.file.path())
    )
}

/// The flags that name the release, for a command to run: its names, chart, `--set`
/// arguments (secrets masked) and files, each quoted for a POSIX shell.
fn release_flags(release: &ReleaseArgs, files: &[&str]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut flag = |name: &str, value: &str| {
        words.push(name.to_owned());
        words.push(shell_word(value));
    };
    for (name, value) in [
        ("--release", &release.release),
        ("--namespace", &release.namespace),
        ("--grafana-namespace", &release.grafana_namespace),
        ("--chart-version", &release.chart_version),
        ("--values-root", &release.values_root),
        ("--chart", &release.chart),
    ] {
        if let Some(value) = value {
            flag(name, value);
        }
    }
    for set in &release.set {
        flag("--set", &oncall_lint_core::redact::mask_set_arg(set));
    }
    for set in &release.set_string {
        flag("--set-string", &oncall_lint_core::redact::mask_set_arg(set));
    }
    for file in files {
        flag("-f", file);
    }
    words.iter().map(|w| format!(" {w}")).collect()
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else single-quoted.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", printable(&word.replace('\'', "'\\''")))
    }
}
