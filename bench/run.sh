#!/usr/bin/env bash
# Benchmarks oncall-lint against the floor (a bare YAML event parse of the same files) and
# the tools people use today (yamllint, check-jsonschema with our chart schema), from one
# run, on two generated corpora, each of 1,000 files and one 5 MB umbrella file:
# bench/gen-corpus.py (OnCall values files of one shape, few findings) and
# bench/gen-corpus-wild.py (every shape oncall-lint reads: bundled and external Grafana,
# air-gapped, umbrella charts, grafana and kube-prometheus-stack values, Flux, Argo CD,
# helmfile and Kustomize manifests, provisioning files; many findings); and the first
# corpus's 1,000 values as bare files against them in the GitOps manifests that carry them.
#
# usage: bench/run.sh [RUNS]          (best of RUNS, default 3): every section
#        bench/run.sh corpus [RUNS]   the corpus sections alone (both corpora, GitOps,
#                                     start-up), without the output and lsp sections
#        bench/run.sh output [RUNS]   the output section alone
#        bench/run.sh lsp             the language server section alone
# Installs yamllint and check-jsonschema into a venv (PyPI). Prints wall time and peak
# memory (max RSS) for each, the ratios, and whether each target is met on each corpus.
# Beside wall time, the user-space instructions of one run of each oncall-lint and
# bare-parse command, and their ratios: counted with `perf stat -e instructions:u` where
# the CPU's counters can be read, else with valgrind's callgrind (slow: minutes on the
# 5 MB files), else not counted ("-").
#
# The output section lints generated files holding 1,000 to 200,000 findings (duplicate
# keys far apart, unknown keys, a long value, a key with a bidi override: bench/gen-findings.py)
# in every format, and prints the output's size and wall time per format and N, whether
# both grow linearly (per finding at 200,000 within 2x of per finding at 1,000) and whether
# 200,000 findings take under 10 s.
#
# The lsp section starts `oncall-lint server` and edits a 20 KB values file 300 times over
# JSON-RPC (examples/lsp_latency.rs), timing each didChange to the publishDiagnostics of
# its version: the median, p95 and worst, and whether the median is under 10 ms.
#
# The binaries are built under $CARGO_TARGET_DIR (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."
section=all
if [ "${1:-}" = output ] || [ "${1:-}" = lsp ] || [ "${1:-}" = corpus ]; then
    section="$1"
    shift
fi
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== building (release)"
cargo build --release -q --bin oncall-lint --example bare_parse --example lsp_latency
lint="$target/release/oncall-lint"
bare="$target/release/examples/bare_parse"
schema="$PWD/schemas/oncall-1.16.9.values.schema.json"


# output size and wall time per format for N findings: best wall time of $runs runs
output_section() {
    local formats=(text concise json sarif github gitlab junit)
    local sizes=(1000 10000 50000 200000)
    echo "== output: generating ${sizes[*]} findings"
    for n in "${sizes[@]}"; do
        python3 bench/gen-findings.py "$work/findings-$n" "$n"
    done
    declare -A secs bytes found
    for n in "${sizes[@]}"; do
        # the lint exits 1 on findings: the count is what matters
        found[$n]=$({ "$lint" --no-config --chart oncall --format concise "$work/findings-$n" 2>/dev/null || true; } | wc -l)
        for f in "${formats[@]}"; do
            local best=""
            for _ in $(seq "$runs"); do
                /usr/bin/time -f "%e" -o "$work/time" \
                    "$lint" --no-config --chart oncall --color never --format "$f" \
                    "$work/findings-$n" >"$work/out" 2>/dev/null || true
                local t
                t=$(tail -n 1 "$work/time")
                if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best="$t"; fi
            done
            secs[$f,$n]="$best"
            bytes[$f,$n]=$(stat -c %s "$work/out")
        done
    done
    echo
    echo "machine: $(nproc) cores, $(uname -m); findings per run: $(for n in "${sizes[@]}"; do printf '%s ' "${found[$n]}"; done)"
    printf '\n%-8s %9s %9s %12s %10s %12s\n' format findings "wall (s)" "output (B)" "B/finding" "µs/finding"
    for f in "${formats[@]}"; do
        for n in "${sizes[@]}"; do
            printf '%-8s %9s %9s %12s %10.0f %12.1f\n' "$f" "${found[$n]}" "${secs[$f,$n]}" "${bytes[$f,$n]}" \
                "$(awk "BEGIN{print ${bytes[$f,$n]} / ${found[$n]}}")" \
                "$(awk "BEGIN{print ${secs[$f,$n]} * 1000000 / ${found[$n]}}")"
        done
    done
    local lo=${sizes[0]} hi=${sizes[-1]}
    echo
    echo "targets (per finding at ${found[$hi]} findings against ${found[$lo]})"
    for f in "${formats[@]}"; do
        local tr sr
        tr=$(awk "BEGIN{printf \"%.2f\", (${secs[$f,$hi]} / ${found[$hi]}) / ((${secs[$f,$lo]} > 0 ? ${secs[$f,$lo]} : 0.01) / ${found[$lo]})}")
        sr=$(awk "BEGIN{printf \"%.2f\", (${bytes[$f,$hi]} / ${found[$hi]}) / (${bytes[$f,$lo]} / ${found[$lo]})}")
        printf '  %-8s time %sx (<= 2x): %-7s size %sx (<= 2x): %-7s %ss (< 10 s): %s\n' "$f" \
            "$tr" "$(check "$tr <= 2")" "$sr" "$(check "$sr <= 2")" "${secs[$f,$hi]}" \
            "$(check "${secs[$f,$hi]} < 10")"
    done
}

check() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "NOT MET"; fi; }

# the language server: didChange -> publishDiagnostics on a 20 KB file, many edits
lsp_section() {
    echo "== lsp: didChange -> publishDiagnostics latency ($(nproc) cores, $(uname -m))"
    "$target/release/examples/lsp_latency" "$lint" 300
}

if [ "$section" = lsp ]; then
    lsp_section
    exit 0
fi

if [ "$section" = output ]; then
    output_section
    exit 0
fi

echo "== corpora"
python3 bench/gen-corpus.py "$work/corpus" 1000
python3 bench/gen-corpus-wild.py "$work/wild" 1000
corpus=("$work"/corpus/env-*-values.yaml)
# the wild corpus lives in a GitOps-like tree; its umbrella file is measured on its own
mapfile -t wild < <(find "$work/wild" -type f -name '*.yaml' ! -name umbrella-values.yaml | LC_ALL=C sort)
# the same values as bare files, and as the GitOps manifests that carry them
python3 bench/gen-manifests.py "$work/corpus" "$work/bare" "$work/manifests"
small="$PWD/examples/values.yaml"

echo "== installing yamllint and check-jsonschema (venv)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check yamllint check-jsonschema
yamllint="$work/venv/bin/yamllint"
cjs="$work/venv/bin/check-jsonschema"
# --base-uri: the schema's `$ref` to the grafana schema resolves to the file beside it
# (check-jsonschema would otherwise fetch it, and fail offline)
cjs_args=(--base-uri "file://$schema" --schemafile "$schema")

# best wall time (s) and its peak RSS (KiB) over $runs runs: prints "SECONDS KIB"
measure() {
    local best="" best_mem=""
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
        # GNU time prints "Command exited with non-zero status N" first when the tool
        # reports findings: the figures are on the last line
        read -r t m < <(tail -n 1 "$work/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best="$t"; best_mem="$m"; fi
    done
    echo "$best $best_mem"
}

# many runs of a fast command: mean milliseconds per run
per_run_ms() {
    local n=200 start end
    start=$(date +%s%N)
    for _ in $(seq $n); do "$@" >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    awk "BEGIN{printf \"%.3f\", ($end - $start) / 1000000 / $n}"
}

# how instructions are counted: perf where the CPU's counters can be read (not in most
# VMs: "<not supported>"), else callgrind, else not at all
icount=none
if command -v perf >/dev/null 2>&1 && perf stat -e instructions:u -x, -o "$work/perf" true >/dev/null 2>&1 \
    && grep -q '^[0-9]' "$work/perf"; then
    icount=perf
elif command -v valgrind >/dev/null 2>&1; then
    icount=callgrind
fi

# user-space instructions of one run of a command, or "-" when they cannot be counted
instructions() {
    case "$icount" in
        perf)
            perf stat -e instructions:u -x, -o "$work/perf" "$@" >/dev/null 2>&1 || true
            awk -F, '$3 ~ /^instructions/ && $1 ~ /^[0-9]+$/ {print $1; f=1; exit} END{if (!f) print "-"}' "$work/perf"
            ;;
        callgrind)
            valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$work/callgrind.log" \
                "$@" >/dev/null 2>&1 || true
            # "==PID== Collected : N", the total Ir of every thread
            awk '/Collected :/ {print $NF; f=1; exit} END{if (!f) print "-"}' "$work/callgrind.log"
            ;;
        *) echo "-" ;;
    esac
}

# best wall time, its peak RSS and the instructions of one more run: "SECONDS KIB INSTR"
measure_i() {
    local t m
    read -r t m < <(measure "$@")
    echo "$t $m $(instructions "$@")"
}

# ratios to two decimals; each target is checked on them, so 2.04 is not "within 2x"
ratio() { awk "BEGIN{printf \"%.2f\", $1 / ($2 > 0 ? $2 : 0.001)}"; }
# the same for instruction counts ("2.10x"), "-" when either is not counted
iratio() {
    if [ "$1" = - ] || [ "$2" = - ]; then echo "-"; else echo "$(ratio "$1" "$2")x"; fi
}
mib() { awk "BEGIN{printf \"%.1f\", $1 / 1024}"; }
row() { printf '%-34s %10s %12s %16s\n' "$@"; }

# figures per corpus, for the targets: r[NAME,key]
declare -A r

# one corpus: NAME TITLE DIR FILE...: its 1,000 files and DIR/umbrella-values.yaml under
# each tool, printed as two tables
corpus_section() {
    local name="$1" title="$2" dir="$3"
    shift 3
    local files=("$@") umbrella="$dir/umbrella-values.yaml"
    local l_t l_m l_i b_t b_m b_i y_t y_m c_t c_m lu_t lu_m lu_i bu_t bu_m bu_i yu_t yu_m cu_t cu_m
    echo "== measuring $name (best of $runs; instructions: $icount)"
    read -r l_t l_m l_i < <(measure_i "$lint" --no-config --format concise "${files[@]}")
    read -r b_t b_m b_i < <(measure_i "$bare" "${files[@]}")
    read -r y_t y_m < <(measure "$yamllint" -d relaxed "${files[@]}")
    read -r c_t c_m < <(measure "$cjs" "${cjs_args[@]}" "${files[@]}")
    read -r lu_t lu_m lu_i < <(measure_i "$lint" --no-config --format concise "$umbrella")
    read -r bu_t bu_m bu_i < <(measure_i "$bare" "$umbrella")
    read -r yu_t yu_m < <(measure "$yamllint" -d relaxed "$umbrella")
    read -r cu_t cu_m < <(measure "$cjs" "${cjs_args[@]}" "$umbrella")
    local findings largest
    # the lint exits 1 on findings: the count is what matters
    findings=$({ "$lint" --no-config --format concise "${files[@]}" 2>/dev/null || true; } | wc -l)
    largest=$(stat -c %s "$umbrella")

    echo
    echo "corpus $name ($title): ${#files[@]} files, $(du -sh "$dir" | cut -f1) with the umbrella, $findings findings; umbrella $largest bytes"
    printf '\n'; row "1,000 files" "wall (s)" "peak (MiB)" "instructions"
    row "oncall-lint (full lint)" "$l_t" "$(mib "$l_m")" "$l_i"
    row "bare event parse (floor)" "$b_t" "$(mib "$b_m")" "$b_i"
    row "yamllint -d relaxed" "$y_t" "$(mib "$y_m")" "-"
    row "check-jsonschema (our schema)" "$c_t" "$(mib "$c_m")" "-"
    printf '\n'; row "one 5 MB umbrella file" "wall (s)" "peak (MiB)" "instructions"
    row "oncall-lint (full lint)" "$lu_t" "$(mib "$lu_m")" "$lu_i"
    row "bare event parse (floor)" "$bu_t" "$(mib "$bu_m")" "$bu_i"
    row "yamllint -d relaxed" "$yu_t" "$(mib "$yu_m")" "-"
    row "check-jsonschema (our schema)" "$cu_t" "$(mib "$cu_m")" "-"
    echo

    r[$name,files]=$(ratio "$l_t" "$b_t")
    r[$name,files_i]=$(iratio "$l_i" "$b_i")
    r[$name,umbrella]=$(ratio "$lu_t" "$bu_t")
    r[$name,umbrella_i]=$(iratio "$lu_i" "$bu_i")
    r[$name,cjs]=$(ratio "$c_t" "$l_t")
    # the higher peak of the two full lints, against the corpus's largest file
    r[$name,memory]=$(ratio "$(( l_m > lu_m ? l_m : lu_m ))" "$(awk "BEGIN{print $largest/1024}")")
}

echo "machine: $(nproc) cores, $(uname -m)"
corpus_section gen-corpus "bench/gen-corpus.py" "$work/corpus" "${corpus[@]}"
corpus_section wild "bench/gen-corpus-wild.py" "$work/wild" "${wild[@]}"

echo "== measuring GitOps manifests and start-up (best of $runs)"
read -r gb_t gb_m gb_i < <(measure_i "$lint" --no-config --format concise "$work/bare")
read -r gm_t gm_m gm_i < <(measure_i "$lint" --no-config --format concise "$work/manifests")
small_ms=$(per_run_ms "$lint" --no-config "$small")
version_ms=$(per_run_ms "$lint" --version)
small_i=$(instructions "$lint" --no-config "$small")
version_i=$(instructions "$lint" --version)

printf '\n'; row "GitOps: the same values" "wall (s)" "peak (MiB)" "instructions"
row "1,000 bare values files" "$gb_t" "$(mib "$gb_m")" "$gb_i"
row "1,000 Flux/Argo CD manifests" "$gm_t" "$(mib "$gm_m")" "$gm_i"
printf '\n%-34s %10s %12s %16s\n' "start-up (mean of 200 runs)" "ms" "" "instructions"
printf '%-34s %10s %12s %16s\n' "oncall-lint examples/values.yaml" "$small_ms" "" "$small_i"
printf '%-34s %10s %12s %16s\n' "oncall-lint --version" "$version_ms" "" "$version_i"

r4=$(ratio "$small_ms" "$version_ms"); r4_i=$(iratio "$small_i" "$version_i")
r6=$(ratio "$gm_t" "$gb_t"); r6_i=$(iratio "$gm_i" "$gb_i")
echo
echo "targets (instructions: the same ratio of user-space instructions, one run each)"
for name in gen-corpus wild; do
    f="${r[$name,files]}" u="${r[$name,umbrella]}" c="${r[$name,cjs]}" m="${r[$name,memory]}"
    echo "  $name"
    printf '    %-36s %6sx (target <= 2x):   %-8s instructions %s\n' "full lint / bare parse, 1,000 files:" \
        "$f" "$(check "$f <= 2")" "${r[$name,files_i]}"
    printf '    %-36s %6sx (target <= 2x):   %-8s instructions %s\n' "full lint / bare parse, 5 MB file:" \
        "$u" "$(check "$u <= 2")" "${r[$name,umbrella_i]}"
    printf '    %-36s %6sx (target >= 30x):  %s\n' "check-jsonschema / oncall-lint:" "$c" "$(check "$c >= 30")"
    printf '    %-36s %6sx (target <= 8x):   %s\n' "peak memory / largest input:" "$m" "$(check "$m <= 8")"
done
printf '  %-38s %6sx (target <= 1.5x): %-8s instructions %s\n' "small file / --version:" \
    "$r4" "$(check "$r4 <= 1.5")" "$r4_i"
printf '  %-38s %6sx (target <= 1.5x): %-8s instructions %s\n' "manifests / bare values files:" \
    "$r6" "$(check "$r6 <= 1.5")" "$r6_i"

if [ "$section" = corpus ]; then
    exit 0
fi

echo
output_section

echo
lsp_section
