//! The flags, read into the library's options: the release spec (`--chart`, `--release`,
//! `--set`...), the rule selection and profiles, the size limit and `--schema`.

use oncall_lint_core::options::{ChartKind, LintOptions, ReleaseSpec, Selector};
use oncall_lint_core::{Profile, SetArg};

use crate::args::{LintArgs, ReleaseArgs};

/// The options of the default command.
pub fn lint_options(args: &LintArgs) -> Result<LintOptions, String> {
    let mut options = release_options(&args.release, &args.profile)?;
    let selectors = |list: &[String]| -> Result<Vec<Selector>, String> {
        list.iter()
            .map(|text| {
                Selector::parse(text).ok_or_else(|| {
                    format!("no rule matches `{text}`; `oncall-lint rules` lists them")
                })
            })
            .collect()
    };
    options.selection.select = selectors(&args.select)?;
    options.selection.ignore = selectors(&args.ignore)?;
    options.selection.no_ignores = args.no_ignores;
    if let Some(size) = &args.max_file_size {
        options.limits.max_file_size = oncall_lint_core::config::parse_size(size)
            .ok_or_else(|| format!("--max-file-size `{size}` is not a size (e.g. 64MiB, 500K)"))?;
    }
    if let Some(path) = &args.schema {
        let bytes = oncall_lint_core::session::read_bounded(path, options.limits.max_file_size)
            .map_err(|e| format!("--schema {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("--schema {}: not UTF-8 text", path.display()))?;
        let schema =
            oncall_lint_core::schema::UserSchema::parse(&path.display().to_string(), &text)
                .map_err(|e| format!("--schema {e}"))?;
        options.user_schema = Some(std::sync::Arc::new(schema));
    }
    Ok(options)
}

/// Options shared by every release this invocation describes.
pub fn release_options(release: &ReleaseArgs, profiles: &[String]) -> Result<LintOptions, String> {
    if let Some(version) = &release.chart_version
        && let Err(why) = oncall_lint_core::chart::known_release(version)
    {
        // checking against another release's defaults without a word would be silent
        return Err(why.message("--chart-version", version));
    }
    if let Some(version) = &release.grafana_chart_version {
        oncall_lint_core::chart::grafana::given_version("--grafana-chart-version", version)?;
    }
    let mut options = LintOptions::default();
    options.selection.profiles = profiles.iter().filter_map(|p| Profile::parse(p)).collect();
    options.selection.no_inferred_profiles = profiles.iter().any(|p| p == "none");
    options.release = ReleaseSpec {
        chart_kind: match release.chart.as_deref() {
            Some(kind) => ChartKind::parse(kind).map_err(|e| e.to_string())?,
            None => None,
        },
        release_name: release.release.clone(),
        namespace: release.namespace.clone(),
        grafana_namespace: release.grafana_namespace.clone(),
        values_root: release.values_root.clone(),
        chart_version: release.chart_version.clone(),
        chart_yaml: None,
        grafana_chart_version: release.grafana_chart_version.clone().map(|v| {
            (
                v,
                oncall_lint_core::chart::grafana::GrafanaChartSource::Given,
            )
        }),
        sets: set_args(release)?,
        // the session says, per input, whether it is a whole release
        whole: false,
        // the manifest stage says which GitOps tool renders a release it declares
        rendered_by: None,
    };
    Ok(options)
}

/// `--set` then `--set-string`, each read as Helm reads it.
fn set_args(release: &ReleaseArgs) -> Result<Vec<SetArg>, String> {
    let sets = release
        .set
        .iter()
        .map(|t| (t, false))
        .chain(release.set_string.iter().map(|t| (t, true)));
    sets.map(|(text, string)| {
        oncall_lint_core::values::validate_set(text, string).map_err(|err| {
            let flag = if string { "--set-string" } else { "--set" };
            // the argument may hold a secret: shown as the reports show it
            format!(
                "{flag} `{}`: {} (at character {})",
                oncall_lint_core::redact::mask_set_arg(text),
                oncall_lint_core::redact::mask_message(&err.message),
                err.offset + 1
            )
        })?;
        Ok(SetArg {
            text: text.clone(),
            string,
        })
    })
    .collect()
}
