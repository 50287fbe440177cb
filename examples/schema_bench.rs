//! What the chart schemas cost, next to parsing the same file: schema compile (once per
//! process), and validation of a release (the values users wrote, checked against the chart
//! state's schema, errors mapped to findings) against the parse (YAML to Helm's values).
//!
//! usage: cargo run --release --example schema_bench [-- FILE...]
//! Without files: the example values, a values file using most of the charts' keys, the
//! upstream oncall values when `../shared/upstream` is there, and a generated 2 MB file.

#[path = "../tests/support/oracle.rs"]
#[allow(dead_code)]
mod oracle;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oncall_lint_core::LintOptions;
use oncall_lint_core::chart::ChartState;
use oncall_lint_core::release::{Identity, InputKind, Release, Shape};
use oncall_lint_core::schema;
use oncall_lint_core::source::SourceFile;
use oncall_lint_core::values::to_value;
use oncall_lint_core::yaml::{Limits, parse};

fn main() -> std::process::ExitCode {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let mut inputs: Vec<(String, String)> = Vec::new();
    if args.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for file in [
            "examples/values.yaml",
            "testdata/schema/everything-values.yaml",
            "../shared/upstream/oncall-chart-1.16.9-values.yaml",
        ] {
            if let Ok(text) = std::fs::read_to_string(root.join(file)) {
                inputs.push((file.to_owned(), text));
            }
        }
        let base = inputs
            .iter()
            .find(|(n, _)| n.contains("everything"))
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        inputs.push(("generated (2 MB)".into(), generated(&base, 2_000_000)));
    } else {
        for path in &args {
            match std::fs::read_to_string(path) {
                Ok(text) => inputs.push((path.display().to_string(), text)),
                Err(e) => {
                    eprintln!("{}: {e}", path.display());
                    return std::process::ExitCode::from(2);
                }
            }
        }
    }

    let state = ChartState::latest();
    // compile: the first time is what a run pays (lazily, once per process)
    let start = Instant::now();
    let _ = schema::documents();
    let load = start.elapsed();
    let start = Instant::now();
    let compiled = oracle::for_chart(state).expect("the chart schema compiles");
    let first_compile = start.elapsed() + load;
    let file = schema::chart_schema_file(state);
    let recompile = median(|| {
        std::hint::black_box(oracle::compile_embedded(&file).unwrap());
    });
    let options = LintOptions::default();
    let _ = state.defaults();

    println!(
        "schema compile ({file} with grafana-{}): first {} (of which {} to load the embedded schemas), again {}",
        state.grafana_chart,
        ms(first_compile),
        ms(load),
        ms(recompile)
    );
    println!();
    println!(
        "{:<44} {:>9} {:>11} {:>11} {:>15} {:>12}",
        "file", "bytes", "parse", "validate", "validate/parse", "unpruned"
    );
    for (name, text) in &inputs {
        let source = Arc::new(SourceFile::new(name.clone(), text.clone()));
        let limits = Limits::default();
        let parse_time = median(|| {
            let docs = parse(source.text(), &limits).expect("parses");
            for doc in &docs {
                if let Some(root) = doc.root {
                    std::hint::black_box(to_value(doc, root, 0, &|r| r, usize::MAX).ok());
                }
            }
        });
        let docs = parse(source.text(), &limits).expect("parses");
        let doc = docs
            .into_iter()
            .find(|d| d.root.is_some())
            .unwrap_or_default();
        let shape = Shape {
            chart: state,
            grafana: oncall_lint_core::chart::grafana::GrafanaChart::bundled(state),
            kind: InputKind::OncallValues,
            values_root: Vec::new(),
            identity: Identity::default(),
            whole: false,
            anchor: None,
        };
        let release = Release::build(
            shape,
            vec![(source.clone(), doc)],
            &[],
            limits.max_alias_expansion,
        )
        .expect("builds");
        let run = schema::run(
            &release,
            options.user_schema.as_deref(),
            options.limits.max_alias_expansion,
        );
        let validate_time = median(|| {
            std::hint::black_box(schema::run(
                &release,
                options.user_schema.as_deref(),
                options.limits.max_alias_expansion,
            ));
        });
        // the same check over everything users wrote, pass-through objects included
        let full_time = median(|| {
            let instance = schema::user_written(&release.values).unwrap_or_default();
            std::hint::black_box(schema::violations(
                compiled,
                &instance,
                schema::SchemaSource::Chart,
            ));
        });
        println!(
            "{:<44} {:>9} {:>11} {:>11} {:>14.2}x {:>12}   ({} violations)",
            truncate(name, 44),
            text.len(),
            ms(parse_time),
            ms(validate_time),
            validate_time.as_secs_f64() / parse_time.as_secs_f64(),
            ms(full_time),
            run.chart.len()
        );
    }
    println!();
    println!("parse: YAML text to Helm's values (span-aware tree, YAML 1.1 scalars);");
    println!(
        "validate: what OC090/OC091 run: the values users wrote, checked against the compiled schema"
    );
    println!(
        "  (objects the schema passes through are not descended into, nor the values of unknown keys);"
    );
    println!("unpruned: the same check over everything users wrote, to JSON first.");
    std::process::ExitCode::SUCCESS
}

/// The median of repeated runs of `f` (at least 5, for about 300 ms).
fn median(mut f: impl FnMut()) -> Duration {
    let mut times = Vec::new();
    let budget = Instant::now();
    while times.len() < 5 || (budget.elapsed() < Duration::from_millis(300) && times.len() < 2000) {
        let start = Instant::now();
        f();
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn truncate(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_owned()
    } else {
        let tail: String = name
            .chars()
            .rev()
            .take(width - 3)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("...{tail}")
    }
}

/// A large values file: `base`, then many dashboards and pod labels (open maps the schema
/// still walks), about `size` bytes.
fn generated(base: &str, size: usize) -> String {
    // the base file without its own `grafana.dashboards` block
    let mut in_dashboards = false;
    let mut text = base
        .lines()
        .filter(|l| {
            if l.starts_with("  dashboards:") {
                in_dashboards = true;
                return false;
            }
            if in_dashboards && l.starts_with("    ") {
                return false;
            }
            in_dashboards = false;
            true
        })
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    let mut dashboards = String::from("  dashboards:\n    default:\n");
    let mut i = 0;
    while text.len() + dashboards.len() < size {
        dashboards.push_str(&format!(
            "      dashboard-{i}:\n        gnetId: {}\n        revision: {}\n        datasource: Prometheus\n        # dashboard {i} of the generated file\n",
            1000 + i,
            i % 7 + 1
        ));
        i += 1;
    }
    // the base file has `grafana:` last, so the dashboards land under it
    text.push_str(&dashboards);
    text
}
