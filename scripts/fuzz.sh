#!/usr/bin/env bash
# Run each fuzz target for a while: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# Installs cargo-fuzz if missing. The seed corpus is every fixture under testdata/.
# Crashes land in fuzz/artifacts/<target>/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(parse lint fix); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi
# cargo-fuzz needs nightly features for the sanitizer flags; the stable toolchain allows
# them with RUSTC_BOOTSTRAP
export RUSTC_BOOTSTRAP=1

passed=0
failed=0
for target in "${targets[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    find testdata -name '*.yaml' -size -64k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
    echo "== fuzz $target for ${seconds}s"
    if cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 2>&1 | tail -n 5; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
