//! The pipeline: decode, parse, build a Release (one file, or the `-f` files of one
//! invocation), find plugin provisioning, run every rule, collect diagnostics and notes.

use std::sync::Arc;

use crate::chart::{self, ChartState};
use crate::checks::invalid_yaml::Message as InvalidYaml;
use crate::checks::{CheckContext, report};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::provisioning;
use crate::options::{ChartKind, LintOptions};
use crate::registry;
use crate::release::{
    Identity, InputKind, Release, Shape, oncall_version_from_chart_yaml,
    values_root_from_chart_yaml,
};
use crate::rules::{Profile, RuleCode};
use crate::source::{NotText, SourceFile};
use crate::yaml::{Comment, Document, NodeId, parse};

/// The result of linting one file or one release.
#[derive(Debug)]
pub struct FileReport {
    /// The files read (the first is the one named on the command line).
    pub sources: Vec<Arc<SourceFile>>,
    /// Findings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// What the linter inferred (input kind, values root, chart version), for `--verbose`.
    pub notes: Vec<String>,
    /// Whether no chart version was given, so the latest known one was assumed.
    pub assumed_chart_version: bool,
    /// Each release's effective values, when [`LintOptions::keep_values`] asks for them.
    pub effective: Vec<serde_json::Value>,
    /// Profiles turned on because the values describe such an install, with the reason
    /// (`values.yaml: air-gapped: an init container installs the plugin (...)`); the CLI
    /// says so once.
    pub inferred: Vec<String>,
}

/// One file of a release, as read.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The name to report.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The report for a file over [`crate::yaml::Limits::max_file_size`], which is not read.
pub fn too_large(path: &str, size: u64, limit: u64) -> FileReport {
    let source = Arc::new(SourceFile::new(path, ""));
    let reason = format!(
        "the file is {}, over the {} limit; real values files are far smaller (raise the limit with --max-file-size or `max-file-size` in the config)",
        human_size(size),
        human_size(limit)
    );
    FileReport {
        diagnostics: vec![invalid_yaml(
            &source,
            0,
            InvalidYaml::NotText {
                reason: reason.clone(),
            },
        )],
        sources: vec![source],
        notes: Vec::new(),
        assumed_chart_version: false,
        effective: Vec::new(),
        inferred: Vec::new(),
    }
}

/// `897 bytes`, `12.5 KiB`, `39.0 MiB`.
fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} bytes")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else if b < KIB * KIB * KIB {
        format!("{:.1} MiB", b / KIB / KIB)
    } else {
        format!("{:.1} GiB", b / KIB / KIB / KIB)
    }
}

/// Lints one file on its own over the chart defaults (each YAML document separately).
pub fn lint_bytes(path: &str, bytes: Vec<u8>, options: &LintOptions) -> FileReport {
    if bytes.len() as u64 > options.limits.max_file_size {
        return too_large(path, bytes.len() as u64, options.limits.max_file_size);
    }
    let (source, not_text) = SourceFile::from_bytes(path, bytes);
    let source = Arc::new(source);
    match not_text {
        Some(not_text) => not_text_report(source, not_text),
        None => lint_source(source, options),
    }
}

fn not_text_report(source: Arc<SourceFile>, not_text: NotText) -> FileReport {
    let offset = not_text.offset.min(source.text().len());
    FileReport {
        diagnostics: vec![invalid_yaml(
            &source,
            offset,
            InvalidYaml::NotText {
                reason: not_text.reason.clone(),
            },
        )],
        sources: vec![source],
        notes: Vec::new(),
        assumed_chart_version: false,
        effective: Vec::new(),
        inferred: Vec::new(),
    }
}

/// Lints a decoded file on its own (each YAML document separately).
pub fn lint_source(source: Arc<SourceFile>, options: &LintOptions) -> FileReport {
    let (chart, version_note, assumed) = chart_state(options);
    let mut report = FileReport {
        sources: vec![source.clone()],
        diagnostics: Vec::new(),
        notes: vec![format!("{}: {version_note}", source.path())],
        assumed_chart_version: assumed,
        effective: Vec::new(),
        inferred: Vec::new(),
    };
    let documents = match parse(source.text(), &options.limits) {
        Ok(docs) => docs,
        Err(err) => {
            report.diagnostics.push(invalid_yaml(
                &source,
                err.offset,
                InvalidYaml::Parse {
                    reason: err.message.clone(),
                },
            ));
            return report;
        }
    };
    source.remember_secrets(&documents);
    let comments: Vec<Comment> = documents
        .iter()
        .flat_map(|d| d.comments.iter().cloned())
        .collect();
    let documents: Vec<Document> = documents.into_iter().filter(|d| d.root.is_some()).collect();
    let multi = documents.len() > 1;
    let documents = if documents.is_empty() {
        vec![Document::default()]
    } else {
        documents
    };
    for (index, doc) in documents.into_iter().enumerate() {
        if multi {
            report.notes.push(format!(
                "{}: document {} linted on its own (Helm reads only the first document of a values file)",
                source.path(),
                index + 1
            ));
        }
        lint_layers(vec![(source.clone(), doc)], chart, options, &mut report);
    }
    finish(&mut report, &[(source, comments)], options);
    report
}

/// Applies the user's rule selection, severity overrides and suppression comments, and sorts.
fn finish(
    report: &mut FileReport,
    files: &[(Arc<SourceFile>, Vec<Comment>)],
    options: &LintOptions,
) {
    report
        .diagnostics
        .retain(|d| options.selection.rule_enabled(d.code()));
    if !options.selection.no_ignores {
        for (source, comments) in files {
            crate::suppress::apply(&mut report.diagnostics, source, comments, &|code| {
                options.selection.rule_enabled(code)
            });
        }
    }
    for d in &mut report.diagnostics {
        if let Some(severity) = options.selection.severities.get(d.code()) {
            d.severity = *severity;
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Lints files as one release, in Helm's `-f` order (later files win), with the `--set`
/// arguments of `options` on top. Helm reads only the first document of each file.
pub fn lint_release(files: Vec<InputFile>, options: &LintOptions) -> FileReport {
    let (chart, version_note, assumed) = chart_state(options);
    let read = read_release(files, options);
    let mut report = FileReport {
        sources: read.sources,
        diagnostics: read.errors,
        notes: vec![format!("release of {} file(s): {version_note}", read.count)],
        assumed_chart_version: assumed,
        effective: Vec::new(),
        inferred: Vec::new(),
    };
    report.notes.extend(read.notes);
    if !report.diagnostics.is_empty() {
        report.notes.push(
            "a file of the release could not be read, so the release was not linted as a whole"
                .into(),
        );
    } else if !read.layers.is_empty() || !options.release.sets.is_empty() {
        lint_layers(read.layers, chart, options, &mut report);
    }
    finish(&mut report, &read.comments, options);
    report
}

/// The files of a release, read: Helm's layer for each (its first document) and every
/// comment (for suppressions), or why a file could not be read.
struct ReadRelease {
    count: usize,
    sources: Vec<Arc<SourceFile>>,
    layers: Vec<(Arc<SourceFile>, Document)>,
    comments: Vec<(Arc<SourceFile>, Vec<Comment>)>,
    errors: Vec<Diagnostic>,
    notes: Vec<String>,
}

fn read_release(files: Vec<InputFile>, options: &LintOptions) -> ReadRelease {
    let mut read = ReadRelease {
        count: files.len(),
        sources: Vec::new(),
        layers: Vec::new(),
        comments: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
    };
    for file in files {
        let (source, not_text) = SourceFile::from_bytes(file.path, file.bytes);
        let source = Arc::new(source);
        read.sources.push(source.clone());
        if let Some(not_text) = not_text {
            read.errors
                .extend(not_text_report(source, not_text).diagnostics);
            continue;
        }
        match parse(source.text(), &options.limits) {
            Ok(docs) => {
                let count = docs.iter().filter(|d| d.root.is_some()).count();
                if count > 1 {
                    read.notes.push(format!(
                        "{}: only the first of {count} documents is used, as Helm does",
                        source.path()
                    ));
                }
                let comments = docs
                    .iter()
                    .flat_map(|d| d.comments.iter().cloned())
                    .collect();
                read.comments.push((source.clone(), comments));
                let doc = docs
                    .into_iter()
                    .find(|d| d.root.is_some())
                    .unwrap_or_default();
                read.layers.push((source, doc));
            }
            Err(err) => read.errors.push(invalid_yaml(
                &source,
                err.offset,
                InvalidYaml::Parse {
                    reason: err.message.clone(),
                },
            )),
        }
    }
    read
}

/// Builds the release a set of layers describes, for rendering (`render values`).
pub fn build_release(
    files: Vec<InputFile>,
    options: &LintOptions,
) -> Result<(Release, Vec<String>), Vec<Diagnostic>> {
    let (chart, version_note, _) = chart_state(options);
    let read = read_release(files, options);
    if !read.errors.is_empty() {
        return Err(read.errors);
    }
    let mut notes = vec![version_note];
    notes.extend(read.notes);
    let (values_root, why) = release_values_root(&read.layers, chart, options);
    if let Some(root) = &values_root {
        notes.push(format!("values root: `{root}` ({why})"));
    }
    let shape = Shape {
        chart,
        kind: InputKind::OncallValues,
        values_root: values_root.into_iter().collect(),
        identity: identity(options),
    };
    Release::build(
        shape,
        read.layers,
        &options.release.sets,
        options.limits.max_alias_expansion,
    )
    .map(|release| (release, notes))
    .map_err(|err| {
        vec![invalid_yaml(
            &err.source,
            err.error.offset,
            InvalidYaml::Helm {
                reason: err.error.message.clone(),
            },
        )]
    })
}

fn chart_state(options: &LintOptions) -> (&'static ChartState, String, bool) {
    let from_flag = options.release.chart_version.as_deref();
    let from_chart_yaml = options
        .release
        .chart_yaml
        .as_deref()
        .and_then(oncall_version_from_chart_yaml);
    let requested = from_flag.map(str::to_owned).or(from_chart_yaml);
    match requested
        .as_deref()
        .and_then(|v| ChartState::for_version(v).map(|s| (v, s)))
    {
        Some((v, state)) => (
            state,
            format!("chart: oncall {v} (defaults of {})", state.version),
            false,
        ),
        None => (
            ChartState::latest(),
            format!(
                "chart: oncall {} (no chart version given; using the latest known)",
                chart::LATEST
            ),
            true,
        ),
    }
}

/// Keys only the oncall chart (or an umbrella holding it) has; `image`, `service` or
/// `ingress` alone say nothing, and `grafana` is also how other charts hold the grafana
/// chart.
const ONCALL_KEYS: [&str; 16] = [
    "externalGrafana",
    "engine",
    "celery",
    "oncall",
    "base_url",
    "base_url_protocol",
    "broker",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "migrate",
    "telegramPolling",
    "detached_integrations",
    "detached_integrations_service",
    "uwsgi",
];

/// Keys of the oncall chart that many other charts also have at their top level (the
/// bitnami subcharts, `database`, `cert-manager`): they say "oncall" only when no key of
/// the file is foreign to the oncall chart (podinfo, harbor or airflow values have `redis`
/// or `postgresql` beside their own keys).
const SHARED_ONCALL_KEYS: [&str; 6] = [
    "database",
    "mariadb",
    "postgresql",
    "rabbitmq",
    "redis",
    "cert-manager",
];

/// Keys that say "oncall" one level down (an umbrella chart's key holding the oncall
/// values): only names no other chart's sections use.
const ONCALL_KEYS_BELOW: [&str; 11] = [
    "externalGrafana",
    "engine",
    "celery",
    "base_url",
    "base_url_protocol",
    "externalMysql",
    "externalPostgresql",
    "externalRabbitmq",
    "externalRedis",
    "telegramPolling",
    "detached_integrations",
];

/// Keys of the grafana chart's values that no other chart's top level has.
const GRAFANA_KEYS: [&str; 10] = [
    "grafana.ini",
    "plugins",
    "adminUser",
    "adminPassword",
    "datasources",
    "dashboardProviders",
    "sidecar",
    "imageRenderer",
    "initChownData",
    "envFromSecret",
];

/// What a document is, and for grafana chart values the key that holds them (empty: the
/// top level).
fn input_kind(doc: &Document, chart: &'static ChartState) -> (InputKind, Vec<String>) {
    let Some(root) = doc.root else {
        return (InputKind::OncallValues, Vec::new());
    };
    let keys_of = |map: NodeId| -> Vec<&str> {
        doc.entries(map)
            .iter()
            .filter_map(|e| doc.scalar_text(e.key))
            .collect()
    };
    let top = keys_of(root);
    let has_apps = doc
        .get(root, "apps")
        .is_some_and(|e| !doc.items(e.value).is_empty());
    let is_manifest = doc.get(root, "apiVersion").is_some() && doc.get(root, "kind").is_some();
    let oncall_defaults = chart.defaults().as_map();
    // a top-level key the oncall chart does not have at its top level
    let foreign_top = |k: &&str| {
        *k != "grafana" && *k != "global" && oncall_defaults.is_some_and(|d| !d.contains_key(*k))
    };
    let oncall_top = top.iter().any(|k| ONCALL_KEYS.contains(k))
        || (top.iter().any(|k| SHARED_ONCALL_KEYS.contains(k)) && !top.iter().any(foreign_top));
    let oncall_below = doc.entries(root).iter().any(|e| {
        keys_of(e.value)
            .iter()
            .any(|k| ONCALL_KEYS_BELOW.contains(k))
    });
    let values_keys = oncall_top || top.contains(&"grafana");
    if has_apps && !values_keys {
        return (InputKind::Provisioning, Vec::new());
    }
    if is_manifest && !values_keys {
        return (InputKind::Manifest, Vec::new());
    }
    if top.is_empty() || oncall_top || oncall_below {
        return (InputKind::OncallValues, Vec::new());
    }
    if let Some(grafana) = doc
        .get(root, "grafana")
        .filter(|e| !doc.entries(e.value).is_empty())
    {
        // `grafana:` beside keys the oncall chart does not have: another chart (such as
        // kube-prometheus-stack) holding the grafana chart; beside nothing else, a layer
        // of the oncall chart's values about its bundled Grafana
        // (a key the oncall chart has at another level is a misplaced setting, not a sign
        // of another chart: OC090 reports it)
        let foreign = top.iter().any(|k| {
            *k != "grafana"
                && *k != "global"
                && oncall_defaults.is_some_and(|d| !d.contains_key(*k))
                && !crate::schema::chart_known_paths(chart)
                    .iter()
                    .any(|p| p.last().is_some_and(|last| last == k))
        });
        let disabled = doc
            .get(grafana.value, "enabled")
            .and_then(|e| doc.scalar_text(e.value))
            .is_some_and(|t| t == "false");
        return match (foreign, disabled) {
            (true, false) if mentions_plugin(doc, grafana.value) => {
                (InputKind::GrafanaValues, vec!["grafana".to_owned()])
            }
            // another chart whose Grafana does not host the plugin: nothing of ours
            (true, false) => (InputKind::OtherValues, Vec::new()),
            // another chart that does not deploy its Grafana: nothing of ours
            (true, true) => (InputKind::OtherValues, Vec::new()),
            (false, _) => (InputKind::OncallValues, Vec::new()),
        };
    }
    // a Grafana that does not host the plugin (dashboards only) is not ours to judge
    if top.iter().any(|k| GRAFANA_KEYS.contains(k)) && mentions_plugin(doc, root) {
        return (InputKind::GrafanaValues, Vec::new());
    }
    (InputKind::OtherValues, Vec::new())
}

/// Whether any text under `node` names the OnCall plugin (a `plugins` entry, an install
/// variable, an init container, provisioning): the sign that a Grafana hosts it.
fn mentions_plugin(doc: &Document, node: NodeId) -> bool {
    let mut stack = vec![node];
    let mut seen = 0usize;
    while let Some(id) = stack.pop() {
        seen += 1;
        if seen > 1_000_000 {
            return false;
        }
        match &doc.node(id).kind {
            crate::yaml::NodeKind::Scalar { text, .. } => {
                if text.contains("grafana-oncall-app") {
                    return true;
                }
            }
            crate::yaml::NodeKind::Seq(items) => stack.extend(items.iter().copied()),
            crate::yaml::NodeKind::Map(entries) => {
                stack.extend(entries.iter().flat_map(|e| [e.key, e.value]));
            }
            crate::yaml::NodeKind::Alias(_) => {}
        }
    }
    false
}

fn lint_layers(
    layers: Vec<(Arc<SourceFile>, Document)>,
    chart: &'static ChartState,
    options: &LintOptions,
    report: &mut FileReport,
) {
    let (mut input, mut grafana_root) = match layers.first() {
        Some((_, doc)) if layers.len() == 1 => input_kind(doc, chart),
        _ => (InputKind::OncallValues, Vec::new()),
    };
    // the user said where the oncall values are: believe them
    let told = options
        .release
        .values_root
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
        || options
            .release
            .chart_yaml
            .as_deref()
            .and_then(values_root_from_chart_yaml)
            .is_some();
    if input == InputKind::OtherValues && told {
        input = InputKind::OncallValues;
    }
    // the user said which chart: believe them
    match options.release.chart_kind {
        Some(ChartKind::Oncall) => input = InputKind::OncallValues,
        Some(ChartKind::Grafana) => {
            if input != InputKind::GrafanaValues {
                grafana_root = Vec::new();
            }
            input = InputKind::GrafanaValues;
            if let Some(root) = options.release.values_root.as_deref() {
                grafana_root = root
                    .split('.')
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
        None => {}
    }
    let name = layers
        .first()
        .map(|(s, _)| s.path().to_owned())
        .unwrap_or_else(|| "--set".into());
    report
        .notes
        .push(format!("{name}: input: {}", input.describe()));
    if input != InputKind::OncallValues {
        // no oncall chart defaults are read: whether its version was given does not matter
        report.assumed_chart_version = false;
    }
    if input == InputKind::GrafanaValues {
        // the oncall chart's version says nothing about these values
        let prefix = format!("{name}: chart:");
        if let Some(note) = report.notes.iter_mut().find(|n| n.starts_with(&prefix)) {
            *note = format!(
                "{prefix} grafana (over the defaults of grafana chart {}; Grafana's version is read from `image.tag`)",
                chart.grafana_chart
            );
        }
        report.assumed_chart_version = false;
    }
    let values_root = match input {
        InputKind::Provisioning | InputKind::Manifest | InputKind::OtherValues => Vec::new(),
        InputKind::GrafanaValues => {
            if !grafana_root.is_empty() {
                report.notes.push(format!(
                    "{name}: values root: `{}` (the grafana chart's values in another chart)",
                    grafana_root.join(".")
                ));
            }
            grafana_root
        }
        InputKind::OncallValues => {
            let (root, why) = release_values_root(&layers, chart, options);
            if let Some(root) = &root {
                report
                    .notes
                    .push(format!("{name}: values root: `{root}` ({why})"));
            }
            root.into_iter().collect()
        }
    };
    let shape = Shape {
        chart,
        kind: input,
        values_root,
        identity: identity(options),
    };
    let release = match Release::build(
        shape,
        layers,
        &options.release.sets,
        options.limits.max_alias_expansion,
    ) {
        Ok(release) => release,
        Err(err) => {
            report.diagnostics.push(invalid_yaml(
                &err.source,
                err.error.offset,
                InvalidYaml::Helm {
                    reason: err.error.message.clone(),
                },
            ));
            return;
        }
    };
    if let Some(set_layer) = release
        .layers
        .last()
        .filter(|l| l.source.path() == crate::release::SET_FILE)
    {
        report.sources.push(set_layer.source.clone());
    }
    if options.keep_values {
        report.effective.push(release.values.to_json());
    }
    let apps = provisioning::find(&release);
    let mut ctx = CheckContext {
        release: &release,
        options,
        provisioning: &apps,
        air_gapped: options.selection.has_profile(Profile::AirGapped),
        schema_run: std::sync::OnceLock::new(),
    };
    if !ctx.air_gapped
        && !options.selection.no_inferred_profiles
        && matches!(input, InputKind::OncallValues | InputKind::GrafanaValues)
        && let Some(reason) = crate::infer::air_gapped(ctx.release)
    {
        ctx.air_gapped = true;
        report
            .inferred
            .push(format!("{name}: air-gapped profile inferred: {reason}"));
    }
    // the grafana chart's keys as messages name them, relative to the values root
    let grafana_prefix = match release.in_file(&["grafana"]) {
        [] => String::new(),
        keys => format!("{}.", crate::path::KeyPath::of(keys)),
    };
    for rule in registry::all()
        .iter()
        .filter(|r| options.selection.rule_enabled(r.code.as_str()))
    {
        (rule.check)(&ctx, &mut report.diagnostics, &grafana_prefix);
    }
    crate::checks::custom::run(&ctx, &mut report.diagnostics);
}

fn release_values_root(
    layers: &[(Arc<SourceFile>, Document)],
    chart: &'static ChartState,
    options: &LintOptions,
) -> (Option<String>, &'static str) {
    if let Some(root) = &options.release.values_root {
        let root = root.trim();
        return if root.is_empty() {
            (None, "")
        } else {
            (Some(root.to_owned()), "from --values-root")
        };
    }
    if let Some(root) = options
        .release
        .chart_yaml
        .as_deref()
        .and_then(values_root_from_chart_yaml)
    {
        return (Some(root), "from the oncall dependency in Chart.yaml");
    }
    for (_, doc) in layers {
        if let Some(root) = detect_values_root(doc, chart) {
            return (
                Some(root),
                "detected: this key holds the oncall chart's values",
            );
        }
    }
    (None, "")
}

/// Finds the values root of an umbrella chart: a top-level key whose map holds more of the
/// oncall chart's top-level keys than the file's own top level does.
pub fn detect_values_root(doc: &Document, chart: &'static ChartState) -> Option<String> {
    let root = doc.root?;
    let known = chart.defaults().as_map()?;
    let score = |map: NodeId| {
        doc.entries(map)
            .iter()
            .filter(|e| {
                doc.scalar_text(e.key)
                    .is_some_and(|k| known.contains_key(k) && k != "global")
            })
            .count()
    };
    let top = score(root);
    let strong = |map: NodeId| {
        ["grafana", "externalGrafana", "engine", "celery", "base_url"]
            .iter()
            .any(|k| doc.get(map, k).is_some())
    };
    let mut best: Option<(usize, String)> = None;
    for entry in doc.entries(root) {
        let Some(name) = doc.scalar_text(entry.key) else {
            continue;
        };
        if name == "global" {
            continue;
        }
        // a section of the chart itself (`grafana:` holding `image` and `env`) is not an
        // umbrella key, even though those names are also top-level keys of the chart
        if let Some(section) = known.get(name).and_then(crate::values::Value::as_map) {
            let all_in_section = doc
                .entries(entry.value)
                .iter()
                .filter_map(|e| doc.scalar_text(e.key))
                .all(|k| section.contains_key(k));
            if all_in_section {
                continue;
            }
        }
        let inner = score(entry.value);
        // one shared key name (`imagePullSecrets`, `env`) is not enough to call it the chart
        let convincing = inner >= 2 || strong(entry.value);
        if convincing && inner > top && best.as_ref().is_none_or(|(s, _)| inner > *s) {
            best = Some((inner, name.to_owned()));
        }
    }
    best.map(|(_, name)| name)
}

/// Who the release is, from the options: the names and namespaces the user gave, and the
/// chart version when it reads as one (a flag, else the umbrella `Chart.yaml`).
fn identity(options: &LintOptions) -> Identity {
    let chart_version = options
        .release
        .chart_version
        .clone()
        .or_else(|| {
            options
                .release
                .chart_yaml
                .as_deref()
                .and_then(oncall_version_from_chart_yaml)
        })
        .filter(|v| chart::ChartState::for_version(v).is_some());
    Identity {
        name: options.release.release_name.clone(),
        namespace: options.release.namespace.clone(),
        grafana_namespace: options.release.grafana_namespace.clone(),
        chart_version,
    }
}

/// An OC094 finding: the file is not YAML Helm can read.
pub fn invalid_yaml(source: &Arc<SourceFile>, offset: usize, message: InvalidYaml) -> Diagnostic {
    let location = Location {
        file: source.clone(),
        span: offset..offset,
        key_path: crate::path::KeyPath::root(),
    };
    report(RuleCode::OC094, &message, location)
}
