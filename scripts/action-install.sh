#!/usr/bin/env bash
# Installs oncall-lint for the GitHub Action (action.yml): the release binary for this runner,
# checked against its published SHA-256 before anything from it runs, else a build from source.
#
#   1. The release is the action's ref (`uses: oncall-lint/oncall-lint@v0.1.0` -> v0.1.0). A ref
#      that is not a version tag (a branch, a commit) has no release: go to 4.
#   2. Download `oncall-lint-<target>.sha256` for this runner's target (Linux: the static musl
#      build; macOS; Windows x64). No such file: the ref has no release; go to 4.
#   3. Use the archive in the cache when its SHA-256 matches, else download it and compare. A
#      mismatch fails the step (exit 1) before the archive is unpacked or anything is run; no
#      fallback to a build, which would hide it. Unpack, then run `oncall-lint --version`.
#   4. Only when no release matches: `cargo install --locked --path <the action's checkout>`
#      (or `--git ... --tag <ref>` without a checkout), cached under the same directory.
#
# Environment (all optional except where said):
#   OCL_REF          the action's ref (github.action_ref; else the last part of
#                    GITHUB_ACTION_PATH); not a version tag: build from source
#   OCL_ROOT         the cache directory (required); the binary ends up in OCL_ROOT/bin
#   OCL_BASE_URL     where releases are (default https://github.com/oncall-lint/oncall-lint/
#                    releases/download); a file:// URL serves a local directory, for tests
#   OCL_SOURCE       the action's checkout, for the source build (default: GITHUB_ACTION_PATH)
#   OCL_SOURCE_KEY   a hash of that checkout: a cached source build is reused when it matches
#   OCL_TARGET       the target triple (default: from RUNNER_OS/RUNNER_ARCH, else uname)
#   CARGO            cargo to build with (default: cargo)
# Prints the installed binary's path as the last line of standard output, and writes
# `bin=PATH` to $GITHUB_OUTPUT when that is set.
set -euo pipefail

REPO_URL=https://github.com/oncall-lint/oncall-lint
BASE_URL=${OCL_BASE_URL:-$REPO_URL/releases/download}
: "${OCL_ROOT:?OCL_ROOT (the cache directory) is required}"
REF=${OCL_REF:-}
# github.action_ref can be empty in a composite action; the runner checks the action out
# under .../_actions/OWNER/REPO/REF, which names it too
if [[ -z $REF && ${GITHUB_ACTION_PATH:-} == */_actions/*/*/* ]]; then
    REF=${GITHUB_ACTION_PATH%/}
    REF=${REF##*/}
fi
SOURCE=${OCL_SOURCE:-${GITHUB_ACTION_PATH:-}}

log() { echo "oncall-lint install: $*" >&2; }
fail() {
    echo "::error title=oncall-lint::$*"
    log "$*"
    exit 1
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum -- "$1" | cut -d' ' -f1
    else
        shasum -a 256 -- "$1" | cut -d' ' -f1
    fi
}

target() {
    if [[ -n ${OCL_TARGET:-} ]]; then
        echo "$OCL_TARGET"
        return
    fi
    local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
    case "$os/$arch" in
        Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
        Linux/ARM64 | Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
        macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
        macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
        Windows/X64) echo x86_64-pc-windows-msvc ;;
        *) echo "" ;;
    esac
}

fetch() { # URL FILE: 0 when downloaded, 1 when missing or unreachable
    curl --proto '=https,file' --tlsv1.2 -fsSL --retry 3 --retry-delay 2 -o "$2" -- "$1" 2>/dev/null
}

publish() { # BIN: print and export the path of a binary that passed its checks
    "$1" --version >&2
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then echo "bin=$1" >>"$GITHUB_OUTPUT"; fi
    echo "$1"
}

install_release() { # installs, or sets NO_RELEASE=1 when none matches; exits 1 on a bad archive
    local target=$1 tag=$2 ext=tar.gz exe=oncall-lint
    [[ $target == *windows* ]] && ext=zip exe=oncall-lint.exe
    local name="oncall-lint-$target" dl="$OCL_ROOT/download/$tag"
    local archive="$dl/$name.$ext" sumfile="$dl/$name.$ext.sha256"
    mkdir -p "$dl"
    if ! fetch "$BASE_URL/$tag/$name.$ext.sha256" "$sumfile.part"; then
        rm -f "$sumfile.part"
        log "no release $tag for $target at $BASE_URL"
        NO_RELEASE=1
        return
    fi
    mv -f "$sumfile.part" "$sumfile"
    local want
    want=$(awk 'NR == 1 { print tolower($1) }' "$sumfile")
    [[ $want =~ ^[0-9a-f]{64}$ ]] || fail "$name.$ext.sha256 of $tag holds no SHA-256"
    if [[ -f $archive && $(sha256 "$archive") == "$want" ]]; then
        log "$name.$ext $tag from the cache, SHA-256 verified"
    else
        rm -f "$archive"
        fetch "$BASE_URL/$tag/$name.$ext" "$archive.part" || fail "could not download $name.$ext of $tag"
        local got
        got=$(sha256 "$archive.part")
        if [[ $got != "$want" ]]; then
            rm -f "$archive.part"
            fail "$name.$ext of $tag has SHA-256 $got, but its .sha256 says $want; not installed, nothing run"
        fi
        mv -f "$archive.part" "$archive"
        log "$name.$ext $tag downloaded, SHA-256 verified"
    fi
    # unpacked only now that the archive is the one published
    local out="$OCL_ROOT/release/$tag/$target"
    rm -rf "$out"
    mkdir -p "$out"
    if [[ $ext == zip ]]; then
        if command -v unzip >/dev/null 2>&1; then
            unzip -q -o "$archive" -d "$out"
        else
            powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$archive' -DestinationPath '$out'"
        fi
    else
        tar -xzf "$archive" -C "$out"
    fi
    [[ -f $out/$name/$exe ]] || fail "$name.$ext of $tag has no $name/$exe"
    mkdir -p "$OCL_ROOT/bin"
    cp -f "$out/$name/$exe" "$OCL_ROOT/bin/$exe"
    chmod +x "$OCL_ROOT/bin/$exe"
    publish "$OCL_ROOT/bin/$exe"
}

install_source() {
    local cargo=${CARGO:-cargo} root="$OCL_ROOT/cargo" key=${OCL_SOURCE_KEY:-}
    local bin="$root/bin/oncall-lint"
    [[ -f $bin.exe ]] && bin="$bin.exe"
    if [[ -n $key && -x $bin && $(cat "$root/.source-key" 2>/dev/null) == "$key" ]]; then
        log "built from source earlier (cached)"
        publish "$bin"
        return
    fi
    command -v "$cargo" >/dev/null 2>&1 ||
        fail "no release matches \`${REF:-(no ref)}\` and cargo is not on PATH; use a release tag (@v0.1.0) or add dtolnay/rust-toolchain@stable first"
    if [[ -n $SOURCE && -f $SOURCE/Cargo.toml ]]; then
        log "no release matches \`${REF:-(no ref)}\`: cargo install --path $SOURCE"
        "$cargo" install --locked --force --root "$root" --path "$SOURCE" >&2
    elif [[ -n $REF ]]; then
        log "no release matches \`$REF\`: cargo install --git $REPO_URL --tag $REF"
        "$cargo" install --locked --force --root "$root" --git "$REPO_URL" --tag "$REF" oncall-lint >&2
    else
        fail "no release and no source to build oncall-lint from"
    fi
    bin="$root/bin/oncall-lint"
    [[ -f $bin.exe ]] && bin="$bin.exe"
    [[ -x $bin ]] || fail "cargo install left no $bin"
    if [[ -n $key ]]; then printf '%s\n' "$key" >"$root/.source-key"; fi
    publish "$bin"
}

mkdir -p "$OCL_ROOT"
TARGET=$(target)
if [[ -z $TARGET ]]; then
    log "no release binary for ${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}"
elif [[ $REF =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$ ]]; then
    NO_RELEASE=0
    install_release "$TARGET" "$REF"
    [[ $NO_RELEASE -eq 1 ]] || exit 0
else
    log "\`${REF:-(no ref)}\` is not a release tag"
fi
install_source
