# Sourced by the scripts/check-*.sh: each check says `ok:` or `FAIL:` and is counted, so a
# script ends with "N passed, M failed" and fails when any check did.
passed=0
failed=0
ok() {
    passed=$((passed + 1))
    echo "ok:   $*"
}
not_ok() {
    failed=$((failed + 1))
    echo "FAIL: $*"
}
indent() { sed 's/^/    | /'; }
