#!/usr/bin/env bash
# End-to-end check of the hooks in .pre-commit-hooks.yaml, the way a user's pre-commit runs them:
# installs pre-commit into a throwaway venv, then runs `pre-commit try-repo <this repo>` in a
# throwaway git repository holding copies of our fixtures:
#
#   oncall-lint           (python) on a values file with findings  -> the hook fails, prints them
#   oncall-lint           (python) on a clean values file          -> the hook passes
#   oncall-lint-fix       (python) on a fixable values file        -> the file is rewritten
#                                                                      (and then lints clean)
#   oncall-lint-rust      (rust)   on a values file with findings  -> the hook fails, prints them
#
# try-repo clones this repository's HEAD commit (plus uncommitted changes to *tracked* files;
# untracked files are not seen), so .pre-commit-hooks.yaml must be committed. It then installs
# the hook as pre-commit does: `pip install .` for the python hooks (pip builds the wheel with
# maturin, from pyproject.toml), `cargo install --bins --root <env> --path .` for the rust ones,
# each in a fresh environment. They share one cargo target directory (CARGO_TARGET_DIR, else this
# repository's target/), so the dependencies compile once; each clone's own crates compile again.
#
# Needs git, python3 (with venv, or pip for a --user install) and cargo; reaches PyPI and
# crates.io. Environment: PRE_COMMIT=/path/to/pre-commit skips the install; PRE_COMMIT_SPEC
# overrides the pip requirement (default `pre-commit>=2.21.0`); KEEP_TMP=1 keeps the temp dir.
#
# Usage: bash scripts/check-pre-commit.sh      (last line: `N passed, M failed`; exit 1 on failure)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FAIL_FIXTURE=testdata/rules/OC030/fail-extra-volumes-replaced.yaml
# a correct values file (external Grafana, the platform settled): lints clean
PASS_FIXTURE=testdata/settled/values.yaml
# the README's example with the platform settled: its safe fixes leave nothing to report
FIX_FIXTURE=testdata/settled/fixable.yaml

# git variables set by an enclosing hook would point our git commands at the wrong repository
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_PREFIX
export NO_COLOR=1 CARGO_TERM_COLOR=never PIP_DISABLE_PIP_VERSION_CHECK=1

# shellcheck source=scripts/check-lib.sh
source "$ROOT/scripts/check-lib.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/oncall-lint-pre-commit.XXXXXX")
finish() {
    local rc=$?
    if [[ $rc -ne 0 && $failed -eq 0 ]]; then
        failed=1
        echo "FAIL: aborted (exit status $rc) before all checks ran"
    fi
    if [[ ${KEEP_TMP:-0} == 1 ]]; then
        echo "kept $TMP"
    else
        chmod -R u+w "$TMP" 2>/dev/null || true
        rm -rf "$TMP"
    fi
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]] || exit 1
}
trap finish EXIT

die() {
    not_ok "$*"
    exit 1
}

elapsed() { echo "$(($1 / 60))m$(($1 % 60))s"; }
START=$SECONDS

# --- prerequisites ------------------------------------------------------------------------------
for tool in git python3 cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "\`$tool\` is not on PATH"
done
git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null ||
    die "$ROOT is not a git repository with a commit (pre-commit try-repo clones it)"
git -C "$ROOT" cat-file -e HEAD:.pre-commit-hooks.yaml 2>/dev/null ||
    die ".pre-commit-hooks.yaml is not in the HEAD commit; commit it first (try-repo clones HEAD)"
for f in "$FAIL_FIXTURE" "$PASS_FIXTURE" "$FIX_FIXTURE"; do
    [[ -f $ROOT/$f ]] || die "fixture $f is missing"
done

# --- pre-commit ---------------------------------------------------------------------------------
if [[ -n ${PRE_COMMIT:-} ]]; then
    PC=("$PRE_COMMIT")
    PY=python3
elif python3 -m venv "$TMP/venv" >/dev/null 2>&1; then
    echo "== installing ${PRE_COMMIT_SPEC:-pre-commit>=2.21.0} into a venv"
    "$TMP/venv/bin/python" -m pip install --quiet "${PRE_COMMIT_SPEC:-pre-commit>=2.21.0}" ||
        die "pip could not install pre-commit into $TMP/venv"
    PC=("$TMP/venv/bin/pre-commit")
    PY="$TMP/venv/bin/python"
else
    echo "== python3 -m venv is unavailable; installing pre-commit with pip --user"
    python3 -m pip install --quiet --user "${PRE_COMMIT_SPEC:-pre-commit>=2.21.0}" ||
        die "pip could not install pre-commit (python3 -m pip install --user)"
    PC=(python3 -m pre_commit)
    PY=python3
fi
ver=$("${PC[@]}" --version 2>&1) || die "pre-commit does not run: $ver"
echo "   $ver"

# For try-repo only: pre-commit's own state (logs, environments) in the temp dir, not
# ~/.cache/pre-commit, and one cargo target dir for every build (pip's and cargo install's), so
# the dependencies compile once, or not at all when this repository's release build is there.
TRY_ENV=(PRE_COMMIT_HOME="$TMP/pre-commit-home" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}")

# --- the manifest -------------------------------------------------------------------------------
if out=$("${PC[@]}" validate-manifest "$ROOT/.pre-commit-hooks.yaml" 2>&1); then
    ok "pre-commit validate-manifest .pre-commit-hooks.yaml"
else
    not_ok "pre-commit validate-manifest .pre-commit-hooks.yaml"
    indent <<<"$out"
fi

if out=$("$PY" - "$ROOT/.pre-commit-hooks.yaml" 2>&1 <<'EOF'
import re, sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
assert set(hooks) == {"oncall-lint", "oncall-lint-fix", "oncall-lint-rust", "oncall-lint-fix-rust"}, sorted(hooks)
for hook_id, language in [("oncall-lint", "python"), ("oncall-lint-fix", "python"),
                          ("oncall-lint-rust", "rust"), ("oncall-lint-fix-rust", "rust")]:
    h = hooks[hook_id]
    assert h["language"] == language, (hook_id, h["language"])
    fix = "fix" in hook_id
    assert h["entry"] == ("oncall-lint --fix" if fix else "oncall-lint"), (hook_id, h["entry"])
    # the fix hooks write files (a fix may edit another file than its finding's): one batch at a time
    assert h.get("require_serial", False) == fix, (hook_id, "require_serial")
yes = ["values.yaml", "values.yml", "values-prod.yaml", "prod-values.yaml", "prod_values.yaml",
       "oncall.values.yaml", "deploy/oncall/values-prod.yaml", "helm/oncall/values/prod.yaml",
       "Values.Staging.YAML", "grafana/provisioning/plugins/oncall.yaml"]
no = ["Chart.yaml", "values.schema.json", "deploy/oncall/prod.yaml", "templates/deployment.yaml",
      ".github/workflows/ci.yaml", "values.yaml.orig", "myvalues.yaml", "provisioning/datasources/a.yaml"]
for h in hooks.values():
    assert h["types"] == ["yaml"], h
    files = re.compile(h["files"])
    bad = [p for p in yes if not files.search(p)] + [p for p in no if files.search(p)]
    assert not bad, f"{h['id']}: `files` gets these wrong: {bad}"
EOF
); then
    ok "four hooks: python and rust variants, entries, require_serial on the fix hooks, \`files\` matches values files and only those"
else
    not_ok "hook definitions"
    indent <<<"$out"
fi

# --- the clean fixture is clean -----------------------------------------------------------------
if out=$(cd "$ROOT" && cargo run -q -- --format concise "$PASS_FIXTURE" 2>&1); then
    ok "cargo run -- --format concise $PASS_FIXTURE: clean"
else
    not_ok "$PASS_FIXTURE should lint clean (it is the try-repo pass case)"
    indent <<<"$out"
fi

# --- a git repository using the hooks -----------------------------------------------------------
WORK="$TMP/work"
mkdir -p "$WORK/deploy/oncall"
cp "$ROOT/$FAIL_FIXTURE" "$WORK/deploy/oncall/values-prod.yaml"
cp "$ROOT/$PASS_FIXTURE" "$WORK/deploy/oncall/values-staging.yaml"
cp "$ROOT/$FIX_FIXTURE" "$WORK/deploy/oncall/values.yaml"
(
    cd "$WORK"
    git init -q .
    git config user.email "check-pre-commit@example.invalid"
    git config user.name "check-pre-commit"
    git config commit.gpgsign false
    # committed, so pre-commit can tell when a hook modifies a file
    git add -A
    git commit -q -m "values"
) || die "could not set up the temporary git repository $WORK"

# try_repo HOOK FILE: runs the hook from this repository on FILE; sets $out and $rc
try_repo() {
    local t0=$SECONDS
    echo "== pre-commit try-repo <repo> $1 --files $2"
    out=$(cd "$WORK" && env "${TRY_ENV[@]}" "${PC[@]}" try-repo "$ROOT" "$1" --files "$2" --color never 2>&1) &&
        rc=0 || rc=$?
    echo "   exit status $rc after $(elapsed $((SECONDS - t0)))"
    indent <<<"$out"
}

# 1. findings: the hook fails with the linter's exit status 1 and shows the finding
try_repo oncall-lint deploy/oncall/values-prod.yaml
if [[ $rc -ne 0 ]] && grep -q -- '- exit code: 1' <<<"$out" && grep -q 'OC030' <<<"$out" &&
    grep -q 'deploy/oncall/values-prod.yaml' <<<"$out"; then
    ok "oncall-lint (python) on a file with findings: hook failed (exit code 1) and printed OC030 at its file"
else
    not_ok "oncall-lint (python) on $FAIL_FIXTURE: expected a failed hook, \`- exit code: 1\`, OC030 and the file name"
fi

# 2. clean: the hook passes
try_repo oncall-lint deploy/oncall/values-staging.yaml
if [[ $rc -eq 0 ]] && grep -q 'oncall-lint\.*Passed' <<<"$out"; then
    ok "oncall-lint (python) on a clean file: hook passed"
else
    not_ok "oncall-lint (python) on $PASS_FIXTURE: expected the hook to pass"
fi

# 3. fixes: the hook rewrites the file (pre-commit then fails the run, as for any formatter)
try_repo oncall-lint-fix deploy/oncall/values.yaml
if cmp -s "$ROOT/$FIX_FIXTURE" "$WORK/deploy/oncall/values.yaml"; then
    not_ok "oncall-lint-fix (python) on $FIX_FIXTURE: the file did not change"
elif [[ $rc -ne 0 ]] && grep -q 'files were modified by this hook' <<<"$out"; then
    ok "oncall-lint-fix (python) on a fixable file: file rewritten, pre-commit reports the modification"
    git -C "$WORK" --no-pager diff --no-color | indent
else
    not_ok "oncall-lint-fix (python): the file changed but pre-commit did not report a modification"
fi
if fixed=$(cd "$ROOT" && cargo run -q -- --format concise "$WORK/deploy/oncall/values.yaml" 2>&1); then
    ok "the fixed file lints clean"
else
    not_ok "the fixed file still has findings"
    indent <<<"$fixed"
fi

# 4. the rust variant: same findings, same exit code
try_repo oncall-lint-rust deploy/oncall/values-prod.yaml
if [[ $rc -ne 0 ]] && grep -q -- '- exit code: 1' <<<"$out" && grep -q 'OC030' <<<"$out"; then
    ok "oncall-lint-rust on a file with findings: hook failed (exit code 1) and printed OC030"
else
    not_ok "oncall-lint-rust on $FAIL_FIXTURE: expected a failed hook, \`- exit code: 1\` and OC030"
fi

echo "== done in $(elapsed $((SECONDS - START)))"
