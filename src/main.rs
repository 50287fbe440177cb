//! The `oncall-lint` binary: everything lives in the `oncall-lint-cli` crate.

fn main() -> std::process::ExitCode {
    oncall_lint_cli::main()
}
