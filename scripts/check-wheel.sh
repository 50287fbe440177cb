#!/usr/bin/env bash
# The PyPI package as a user gets it: `maturin build --release` makes the wheel, which is
# installed into a fresh venv; the installed `oncall-lint` must find OC030 in a fixture (exit 1),
# pass a clean file (exit 0) and print its version. The wheel must carry the README (as its
# description) and both license files, at the Cargo version. Then the sdist: unpacked (no .git,
# as from PyPI or a crate tarball), it must build, and its binary prints the version alone.
#
# The wheel is a release build because that is what users get from pip; in .ci/run it reuses
# the release dependencies the SARIF step compiled (same target directory), so only the
# workspace crates are compiled again. The sdist is built in the dev profile (it checks that
# the sources are complete, not how fast they run), reusing the test step's dependencies.
#
# Needs python3 (venv) and cargo; MATURIN=/path/to/maturin skips installing maturin from PyPI.
# Usage: bash scripts/check-wheel.sh      (last line: `N passed, M failed`; exit 1 on failure)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FAIL_FIXTURE=testdata/rules/OC030/fail-extra-volumes-replaced.yaml
PASS_FIXTURE=testdata/settled/values.yaml
export PIP_DISABLE_PIP_VERSION_CHECK=1 NO_COLOR=1 CARGO_TERM_COLOR=never
# shellcheck source=scripts/check-lib.sh
source "$ROOT/scripts/check-lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/oncall-lint-wheel.XXXXXX")
trap 'rm -rf "$TMP"; echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]] || exit 1' EXIT
die() {
    not_ok "$*"
    exit 1
}

VERSION=$(cd "$ROOT" && cargo metadata --no-deps --format-version 1 --offline 2>/dev/null |
    python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "oncall-lint"))') ||
    die "could not read the version from Cargo.toml"

if [[ -n ${MATURIN:-} ]]; then
    M=$MATURIN
else
    python3 -m venv "$TMP/build" || die "python3 -m venv failed"
    "$TMP/build/bin/pip" install --quiet "maturin>=1.9,<2" || die "pip install maturin failed"
    M="$TMP/build/bin/maturin"
fi

t0=$SECONDS
echo "== maturin build --release"
if out=$(cd "$ROOT" && "$M" build --release --locked --out "$TMP/dist" 2>&1); then
    ok "maturin build --release in $((SECONDS - t0))s"
else
    indent <<<"$out"
    die "maturin build --release"
fi
wheel=$(ls "$TMP"/dist/oncall_lint-"$VERSION"-*.whl 2>/dev/null | head -n1)
[[ -n $wheel ]] || die "no oncall_lint-$VERSION-*.whl in $(ls "$TMP/dist")"
echo "   $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

if out=$(python3 - "$wheel" "$VERSION" "$ROOT/README.md" 2>&1 <<'PYEOF'
import sys, zipfile, email
wheel, version, readme = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
info = f"oncall_lint-{version}.dist-info"
assert f"oncall_lint-{version}.data/scripts/oncall-lint" in names, names
for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
    assert any(n.startswith(info + "/") and n.endswith(lic) for n in names), f"{lic} missing: {names}"
meta = email.message_from_string(zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode("utf-8"))
assert meta["Name"] == "oncall-lint" and meta["Version"] == version, (meta["Name"], meta["Version"])
assert meta["License-Expression"] == "MIT OR Apache-2.0", meta["License-Expression"]
assert meta["Description-Content-Type"].startswith("text/markdown"), meta["Description-Content-Type"]
assert meta.get_payload().strip() == open(readme, encoding="utf-8").read().strip(), "README is not the description"
PYEOF
); then
    ok "wheel: the binary, README as description, LICENSE-MIT and LICENSE-APACHE, version $VERSION"
else
    not_ok "wheel contents"
    indent <<<"$out"
fi

python3 -m venv "$TMP/user" || die "python3 -m venv failed"
"$TMP/user/bin/pip" install --quiet --no-index "$wheel" || die "pip install $(basename "$wheel")"
OCL="$TMP/user/bin/oncall-lint"
[[ -x $OCL ]] || die "the wheel installed no $OCL"

out=$(cd "$ROOT" && "$OCL" --no-config --format concise "$FAIL_FIXTURE" 2>&1) && rc=0 || rc=$?
if [[ $rc -eq 1 ]] && grep -q "^$FAIL_FIXTURE:[0-9]*:[0-9]*: OC030 error: " <<<"$out"; then
    ok "installed oncall-lint on $FAIL_FIXTURE: OC030 error, exit 1"
else
    not_ok "installed oncall-lint on $FAIL_FIXTURE: exit $rc, expected 1 with OC030"
    indent <<<"$out"
fi
grep ' OC030 ' <<<"$out" | indent
out=$(cd "$ROOT" && "$OCL" --format concise "$PASS_FIXTURE" 2>&1) && rc=0 || rc=$?
if [[ $rc -eq 0 ]]; then
    ok "installed oncall-lint on $PASS_FIXTURE: clean, exit 0"
else
    not_ok "installed oncall-lint on $PASS_FIXTURE: exit $rc"
    indent <<<"$out"
fi
out=$("$OCL" --version 2>&1)
if [[ $out =~ ^oncall-lint\ ${VERSION//./\\.}(\ \([0-9a-f]{7,40}\))?$ ]]; then
    ok "installed oncall-lint --version: $out"
else
    not_ok "installed oncall-lint --version: \`$out\`"
fi

echo "== the sdist, unpacked (no .git), builds; its binary prints the version alone"
t0=$SECONDS
if ! out=$(cd "$ROOT" && "$M" sdist --out "$TMP/sdist" 2>&1); then
    indent <<<"$out"
    die "maturin sdist"
fi
mkdir -p "$TMP/unpacked"
tar -xzf "$TMP"/sdist/oncall_lint-"$VERSION".tar.gz -C "$TMP/unpacked" || die "unpacking the sdist"
src="$TMP/unpacked/oncall_lint-$VERSION"
target=${CARGO_TARGET_DIR:-$ROOT/target}
# the same target directory: the dependencies the tests compiled are reused. Cargo does not
# hash where a path package lives, so the sdist's crates share their build units with the
# checkout's: its sources are newer, so they are compiled again, but the cli's build script
# (which names the commit) would not run again unless a file it watches changed. A user's
# build from the sdist starts from no target directory and always runs it: touching the file
# it watches does the same here.
touch "$src/crates/cli/build/commit.rs"
if out=$(cd "$src" && env -u ONCALL_LINT_BUILD_COMMIT CARGO_TARGET_DIR="$target" \
    cargo build --locked --offline --bin oncall-lint 2>&1); then
    v=$("$target/debug/oncall-lint" --version 2>&1)
    if [[ $v == "oncall-lint $VERSION" ]]; then
        ok "sdist builds in $((SECONDS - t0))s; --version: $v"
    else
        not_ok "sdist build's --version is \`$v\`, expected \`oncall-lint $VERSION\`"
    fi
else
    not_ok "the unpacked sdist does not build"
    tail -n 20 <<<"$out" | indent
fi
