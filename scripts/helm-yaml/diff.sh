#!/usr/bin/env bash
# Differential test of oncall-lint's YAML reader against Helm's own: every file of the
# edge-case corpus (testdata/helm-yaml/) and every .yaml fixture under testdata/ is read by
# main.go (Helm's chartutil.ReadValues: sigs.k8s.io/yaml = ghodss/yaml over gopkg.in/yaml.v2)
# and by examples/helm_values.rs (the linter's reader), and the two must agree on whether the
# file loads and, when it does, on its values (canonical JSON).
#
# Every fixture is a fair input: Helm's reader takes the first document of any file given
# with -f, and so does the linter's. A difference is either fixed or listed, with its reason,
# in known-limits.txt; an unlisted difference fails, and so does a listed file that no longer
# differs (the list stays true).
#
# Needs Go and the Debian packages golang-gopkg-yaml.v2-dev and golang-github-ghodss-yaml-dev
# (GOPATH=/usr/share/gocode). No network.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/helm-yaml
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

gopath="${HELM_YAML_GOPATH:-/usr/share/gocode}"
for pkg in gopkg.in/yaml.v2 github.com/ghodss/yaml; do
    if [ ! -d "$gopath/src/$pkg" ]; then
        echo "helm-yaml: $gopath/src/$pkg is missing (apt-get install golang-gopkg-yaml.v2-dev golang-github-ghodss-yaml-dev)" >&2
        exit 2
    fi
done
mkdir -p "$work/loader"
cp "$here/main.go" "$work/loader/"
(cd "$work/loader" && GOPATH="$gopath" GO111MODULE=off GOCACHE="$work/cache" \
    go build -o "$work/helm-yaml" .)
cargo build -q --example helm_values
rust_bin="${CARGO_TARGET_DIR:-target}/debug/examples/helm_values"

find testdata -name '*.yaml' -print0 | sort -z > "$work/files"
xargs -0 "$work/helm-yaml" < "$work/files" > "$work/helm.out"
xargs -0 "$rust_bin" < "$work/files" > "$work/lint.out"

# name -> listed reason
declare -A known=()
while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    known["${line%%[[:space:]]*}"]=1
done < "$here/known-limits.txt"

declare -A seen=()
fail=0
files=0
agree=0
while IFS=$'\t' read -r name verdict body <&3 && IFS=$'\t' read -r lname lverdict lbody <&4; do
    files=$((files + 1))
    if [ "$name" != "$lname" ]; then
        echo "helm-yaml: out of step: $name / $lname" >&2
        exit 2
    fi
    if [ "$verdict" = "$lverdict" ] && { [ "$verdict" = refused ] || [ "$body" = "$lbody" ]; }; then
        agree=$((agree + 1))
        if [ -n "${known[$name]:-}" ]; then
            echo "FIXED (remove it from known-limits.txt): $name"
            fail=1
        fi
        continue
    fi
    seen["$name"]=1
    if [ -n "${known[$name]:-}" ]; then
        echo "known limit: $name"
        continue
    fi
    fail=1
    echo "DIFFERS: $name"
    echo "    helm:        $verdict ${body:0:400}"
    echo "    oncall-lint: $lverdict ${lbody:0:400}"
done 3< "$work/helm.out" 4< "$work/lint.out"
for name in "${!known[@]}"; do
    if [ ! -f "$name" ]; then
        echo "MISSING (listed in known-limits.txt): $name"
        fail=1
    fi
done
echo "helm-yaml: $files files, $agree agree with Helm, ${#seen[@]} known limits"
exit "$fail"
