//! Command-line arguments (clap derive). `--help` text lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lint the Helm values that deploy Grafana OnCall.
///
/// Finds what breaks the OnCall plugin connection ("Plugin is not connected") or an
/// air-gapped Grafana before you deploy: each finding with its file, line and column, why it
/// breaks, and what to write instead.
#[derive(Debug, Parser)]
#[command(
    name = "oncall-lint",
    version = crate::version::VERSION,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  oncall-lint values.yaml\n  oncall-lint -f base.yaml -f prod.yaml --set grafana.enabled=false\n  oncall-lint render values -f values.yaml --show-origin\n  oncall-lint render provisioning --release oncall --namespace oncall --merge-into values.yaml\n  oncall-lint --profile air-gapped --format concise values/*.yaml\n  cat values.yaml | oncall-lint -\n  oncall-lint explain OC001\n\nDirectories are walked for values*.yaml, *-values.yaml, *_values.yaml, *.values.yaml, values/*.yaml and provisioning/plugins/*.yaml (or the config's `include`), not entering hidden directories, .gitignored paths, a chart's templates/ and charts/, node_modules/, target/, dist/, build/, vendor/, venv/ or __pycache__/; a file named on the command line is always linted, and each file once.\n\nExit status: 0 no findings at or above --fail-on, 1 findings, 2 the tool could not run (also a directory with no values files, unless --allow-empty)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub lint: LintArgs,
}

/// Subcommands besides the default lint.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a rule's documentation (by code or name: `OC001`, `plugin-org-id`)
    Explain {
        /// The rule's code or name.
        rule: String,
    },
    /// List every rule
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Write a commented starter `.oncall-lint.yaml` in the current directory
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
    /// Run the language server (LSP over standard input and output) for editors
    ///
    /// The findings and fixes of each open values file while you type, release-aware
    /// (the workspace's .oncall-lint.yaml, overlays beside a Chart.yaml, GitOps manifests),
    /// and on hover the effective value of a key and where it comes from. See
    /// docs/editors.md for Neovim, Helix and VS Code.
    Server,
    /// Write what people otherwise hand-write, from the release's values
    Render {
        #[command(subcommand)]
        artifact: Box<Artifact>,
    },
}

/// What `render` writes.
#[derive(Debug, Subcommand)]
pub enum Artifact {
    /// The effective values Helm would use: chart defaults, `-f` files and `--set`, merged
    Values {
        #[command(flatten)]
        release: ReleaseArgs,

        /// Output format.
        #[arg(long, value_enum, default_value_t = ValuesFormat::Yaml)]
        format: ValuesFormat,

        /// Annotate each value with the file and line that set it, or the chart default it is.
        #[arg(long)]
        show_origin: bool,
    },
    /// Plugin provisioning for this release, as a values overlay
    ///
    /// The oncall chart's provisioning is hard-coded for a release named `helm-testing`. This
    /// overlay ships a ConfigMap for this release under `grafana.extraObjects` (orgId 100, the
    /// engine's SELF_HOSTED_STACK_ID, onCallApiUrl of this release's engine Service with its
    /// namespace, grafanaUrl with Grafana's namespace and sub-path) and points the chart's
    /// provisioning volume at it. Needs --release and --namespace; chart 1.9.23 or later.
    #[command(
        after_help = "Examples:\n  oncall-lint render provisioning --release oncall --namespace oncall -f values.yaml\n  oncall-lint render provisioning --release oncall --namespace oncall --merge-into values.yaml"
    )]
    Provisioning {
        #[command(flatten)]
        release: ReleaseArgs,

        /// jsonData.grafanaUrl: where the engine reaches Grafana (default: the bundled Grafana's Service, with its namespace and sub-path).
        #[arg(long, value_name = "URL")]
        grafana_url: Option<String>,

        #[command(flatten)]
        merge: MergeArgs,
    },
    /// The values overlay of an air-gapped install
    ///
    /// `grafana.plugins: []` and nothing else that downloads plugins, preinstall disabled where
    /// the Grafana version has it (11.5+), an init container that pulls the plugin artifact with
    /// oras and unpacks it into the plugins path, the install-script ConfigMap it mounts (under
    /// `grafana.extraObjects`), images from --registry, pull secrets under the keys the charts
    /// read, and the provisioning volume kept. Needs --release, --namespace and --registry.
    #[command(
        after_help = "Examples:\n  oncall-lint render airgap --release oncall --namespace oncall --registry harbor.example.com/mirror -f values.yaml\n  oncall-lint render airgap --release oncall --namespace oncall --registry harbor.example.com --merge-into values.yaml\n  oncall-lint render airgap --release oncall --namespace oncall --registry harbor.example.com --manifest"
    )]
    Airgap {
        #[command(flatten)]
        release: ReleaseArgs,

        #[command(flatten)]
        airgap: AirgapArgs,

        /// Print only the install-script ConfigMap (the overlay already ships it under grafana.extraObjects).
        #[arg(long, conflicts_with_all = ["merge_into", "with"])]
        manifest: bool,

        /// Compose another artifact into the overlay, lists merged (`--with provisioning`: the same as `render all`).
        #[arg(long, value_enum, value_name = "ARTIFACT")]
        with: Vec<WithArtifact>,

        #[command(flatten)]
        merge: MergeArgs,
    },
    /// The provisioning and air-gap overlays composed into one, lists merged
    ///
    /// What `render provisioning` writes, then `render airgap` rendered over the values with
    /// the provisioning overlay stacked, deep-merged into one overlay: each list holds the
    /// items of both. Needs --release, --namespace and --registry.
    #[command(
        after_help = "Examples:\n  oncall-lint render all --release oncall --namespace oncall --registry harbor.example.com -f values.yaml > overlay.yaml\n  oncall-lint render all --release oncall --namespace oncall --registry harbor.example.com --merge-into values.yaml"
    )]
    All {
        #[command(flatten)]
        release: ReleaseArgs,

        #[command(flatten)]
        airgap: AirgapArgs,

        /// jsonData.grafanaUrl: where the engine reaches Grafana (default: the bundled Grafana's Service, with its namespace and sub-path).
        #[arg(long, value_name = "URL")]
        grafana_url: Option<String>,

        #[command(flatten)]
        merge: MergeArgs,
    },
    /// A NetworkPolicy for the Grafana pod: DNS, the OnCall engine, Grafana's database; no other egress
    ///
    /// Egress of the bundled Grafana's pod: DNS (UDP and TCP 53) to pods of the cluster, the
    /// OnCall engine's pods on 8080, Grafana's own database when it has one, and the
    /// --allow-cidr ranges; everything else, the internet included, is denied. Values that make
    /// Grafana download plugins at start (the chart's default `grafana.plugins`,
    /// GF_INSTALL_PLUGINS, a synchronous preinstall) are refused: Grafana would crash-loop.
    #[command(
        name = "networkpolicy",
        alias = "network-policy",
        after_help = "Examples:\n  oncall-lint render networkpolicy --release oncall --namespace oncall -f values.yaml\n  oncall-lint render networkpolicy --release oncall --namespace oncall --allow-cidr 169.254.20.10/32"
    )]
    Networkpolicy {
        #[command(flatten)]
        release: ReleaseArgs,

        /// Also allow egress to this range (repeatable): a node-local DNS cache, a registry, a data source.
        #[arg(long = "allow-cidr", value_name = "CIDR")]
        allow_cidr: Vec<String>,

        /// Let Grafana download plugins at start: allow HTTPS (TCP 443) to any address, or only to the --allow-cidr ranges when given.
        #[arg(long)]
        allow_plugin_download: bool,
    },
    /// Shell commands that set the plugin settings, trigger the install and check the status
    ///
    /// A POSIX shell script with the calls of the oncall chart's troubleshooting guide
    /// (POST .../settings, POST .../resources/plugin/install, GET .../resources/plugin/status)
    /// and this release's ids and URLs, for when provisioning cannot be used. It reaches the
    /// bundled Grafana through kubectl port-forward (or GRAFANA_URL) with the admin secret (or
    /// GRAFANA_TOKEN / GRAFANA_USER and GRAFANA_PASSWORD).
    #[command(
        after_help = "Examples:\n  oncall-lint render setup --release oncall --namespace oncall -f values.yaml > setup.sh && sh setup.sh"
    )]
    Setup {
        #[command(flatten)]
        release: ReleaseArgs,

        /// jsonData.grafanaUrl: where the engine reaches Grafana (default: the bundled Grafana's Service, or externalGrafana.url).
        #[arg(long, value_name = "URL")]
        grafana_url: Option<String>,

        /// jsonData.onCallApiUrl: where Grafana reaches the engine (default: the engine's Service with its namespace).
        #[arg(long, value_name = "URL")]
        oncall_api_url: Option<String>,
    },
}

/// An artifact `render airgap --with` composes into its overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WithArtifact {
    /// The plugin provisioning for this release (`render provisioning`).
    Provisioning,
}

/// `--merge-into`, for the overlays (the default: print the overlay).
#[derive(Debug, Default, Args)]
pub struct MergeArgs {
    /// Merge the overlay into this values file (comments and formatting kept; lists replaced as Helm does) instead of printing it. Without -f, the file is also the release's values.
    #[arg(long, value_name = "FILE")]
    pub merge_into: Option<PathBuf>,

    /// With --merge-into, also rewrite a read-only file (keeping its mode) or a hard-linked
    /// one (in place, through every link); refused otherwise.
    #[arg(long, requires = "merge_into")]
    pub force_write: bool,
}

/// The options of `render airgap`.
#[derive(Debug, Args)]
pub struct AirgapArgs {
    /// The private registry every image and the plugin artifact come from: host[:port][/path].
    #[arg(long, value_name = "REGISTRY", required = true)]
    pub registry: String,

    /// The plugin version to install (default: the engine's, from image.tag or the chart version).
    #[arg(long, value_name = "VERSION")]
    pub plugin_version: Option<String>,

    /// The plugin's OCI artifact, holding its .zip (default: REGISTRY/grafana/grafana-oncall-app:VERSION).
    #[arg(long, value_name = "REF")]
    pub plugin_artifact: Option<String>,

    /// The image the init container runs: oras with sh, find and unzip, as the official Alpine-based image has (default: REGISTRY/oras-project/oras:v1.2.2).
    #[arg(long, value_name = "IMAGE")]
    pub oras_image: Option<String>,

    /// The image pull secret, listed in imagePullSecrets and grafana.image.pullSecrets.
    #[arg(long, value_name = "NAME", default_value = "registry-pull-secret")]
    pub pull_secret: String,

    /// The dockerconfigjson secret oras reads registry credentials from (default: the pull secret; optional at run time).
    #[arg(long, value_name = "NAME")]
    pub registry_auth_secret: Option<String>,

    /// Let Grafana load the plugin unsigned: only for a rebuilt plugin (an unmodified copy of the release keeps its signature).
    #[arg(long)]
    pub allow_unsigned: bool,

    /// Pull the plugin artifact over plain HTTP.
    #[arg(long)]
    pub plain_http: bool,
}

/// `render values` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValuesFormat {
    /// YAML (origins as trailing comments).
    Yaml,
    /// JSON (origins in a parallel `origins` tree).
    Json,
}

/// What describes one release: its files, `--set` values and chart.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// A values file of the release (repeatable, in Helm's order: later files win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// Set a value as `helm --set` does (`a.b=c`, `list[0]=x`, `grafana\.ini.x=y`, `l={a,b}`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Set a string value as `helm --set-string` does.
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,

    /// Version of the oncall chart (default: from a Chart.yaml or Chart.lock beside the file, else the latest known).
    #[arg(long, value_name = "VERSION")]
    pub chart_version: Option<String>,

    /// Version of the grafana chart that renders values of the grafana chart, alone or under
    /// another chart's `grafana:` (default: a `grafana` dependency in a Chart.yaml or
    /// Chart.lock beside the file, or the manifest that installs it, else the newest known).
    #[arg(long, value_name = "VERSION")]
    pub grafana_chart_version: Option<String>,

    /// Key under which an umbrella chart holds the oncall values (`""` for top level; dotted
    /// for a nested key, `spec.values`, with `\\.` for a dot inside a key).
    #[arg(long, value_name = "KEY")]
    pub values_root: Option<String>,

    /// Which chart the values are for: the oncall chart, the grafana chart (alone or as a
    /// subchart: only the Grafana-side rules run), or auto-detect (default; `-v` says which).
    #[arg(long, value_name = "CHART", value_parser = ["oncall", "grafana", "auto"])]
    pub chart: Option<String>,

    /// Helm release name.
    #[arg(long, value_name = "NAME")]
    pub release: Option<String>,

    /// Namespace the OnCall release is installed in.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,

    /// Namespace Grafana runs in (when it is not the release's).
    #[arg(long, value_name = "NS")]
    pub grafana_namespace: Option<String>,
}

/// `rules` output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table.
    Table,
    /// A JSON array.
    Json,
}

/// Options of the default command.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Values files (linted whatever their name) or directories (walked for values files) to
    /// lint, each file on its own and once (`-` reads standard input).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub release: ReleaseArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Turn on a profile's rules (air-gapped: the OC04x rules). Without it, air-gapped is
    /// inferred when the values clearly describe such an install (said in a note); `none`
    /// turns inference off.
    #[arg(long, value_name = "PROFILE", value_parser = ["air-gapped", "none"])]
    pub profile: Vec<String>,

    /// Run only these rules (codes, names or code prefixes such as `OC04`; comma-separated or repeated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules (codes, names or code prefixes).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Ignore every `# oncall-lint: ignore[...]` comment.
    #[arg(long)]
    pub no_ignores: bool,

    /// Largest file to read, e.g. 64MiB (default 32MiB); larger files are reported, not read.
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// Also validate the values against this JSON Schema (JSON or YAML), e.g. an umbrella
    /// chart's values.schema.json; it may `$ref` oncall-lint's chart schemas by file name.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Apply safe fixes to the files (comments and formatting kept); report what remains.
    #[arg(long)]
    pub fix: bool,

    /// With --fix, -o or --write-baseline, also rewrite a read-only file (keeping its mode)
    /// or a hard-linked one (in place, through every link); refused otherwise.
    #[arg(long)]
    pub force_write: bool,

    /// With --fix or --diff, also apply fixes that need review.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the unified diff the fixes would make; write nothing (exit 1 when there is one).
    #[arg(long)]
    pub diff: bool,

    /// Lowest severity that makes the exit status 1.
    /// (default: `fail-on` in the config, else info)
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Use this config file instead of looking for `.oncall-lint.yaml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Do not read any config file.
    #[arg(long)]
    pub no_config: bool,

    /// Do not report (or fail on) the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file, and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Exit 0 even with findings (2 still means the tool could not run).
    #[arg(long)]
    pub exit_zero: bool,

    /// List the files a run would lint, what each is taken for and why, and its config;
    /// lint nothing
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline", "show_settings"])]
    pub show_files: bool,

    /// Print the settings each file would be linted with (config, release, namespace, chart
    /// version, values root, profiles, rules) and what was inferred; lint nothing
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline"])]
    pub show_settings: bool,

    /// Exit 0 when a directory holds no values files (default: exit 2 and say what was looked for).
    #[arg(long)]
    pub allow_empty: bool,

    /// File name to report for standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also print what was inferred (input kind, values root, chart version) to stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help.
    Text,
    /// One line per finding: `PATH:LINE:COL: CODE SEVERITY: MESSAGE`.
    Concise,
    /// A versioned JSON document (documented in docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (and a summary table in $GITHUB_STEP_SUMMARY).
    Github,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// `--fail-on` thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

/// `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset (or CLICOLOR_FORCE is set).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
