#!/usr/bin/env bash
# A fuzzing campaign longer than CI's `make fuzz`: each libFuzzer harness of tests/fuzz runs in
# libFuzzer's fork mode, JOBS processes at a time, until RUNS inputs in total, carrying on past
# crashes, timeouts and out-of-memory inputs, which it keeps in OUT/crashes-HARNESS/. Prints,
# per harness, executions, wall time, executions per second, coverage and findings.
#   tools/fuzz-campaign.sh [--runs N] [--time SECONDS] [--jobs J] [--out DIR] [SEED_FOLDER...]
# Defaults: 1,000,000 runs per harness, no time limit (--time: at most SECONDS per harness), nproc
# jobs, build-asan/fuzz-campaign; the seed corpus is every YAML file of the repository
# (tests/fuzz/seeds.sh) and of each SEED_FOLDER.
set -euo pipefail
runs=1000000
seconds=0
jobs=$(nproc)
out=build-asan/fuzz-campaign
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --runs) runs=$2 ;;
    --time) seconds=$2 ;;
    --jobs) jobs=$2 ;;
    --out) out=$2 ;;
    *) echo "fuzz-campaign: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
extra_seeds=("$@")
cd "$(dirname "$0")/.."
out=$(realpath -m "$out")
make --no-print-directory fuzzers >/dev/null
rm -rf "$out/seeds"
tests/fuzz/seeds.sh "$out/seeds" "${extra_seeds[@]}"

# The last status line of fork mode: "#RUNS: cov: C ft: F corp: N exec/s: E oom/timeout/crash:
# O/T/X time: Ss job: J dft_time: D".
summarize() {
  local harness=$1 log=$2 seconds=$3
  local last
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1)
  local executions=${last%%:*}
  executions=${executions#\#}
  local findings
  findings=$(find "$out/crashes-$harness" -type f | wc -l)
  printf '%-16s %12s executions in %5ss (%s exec/s); cov %s ft %s corpus %s; oom/timeout/crash %s; %s files in %s\n' \
    "$harness" "$executions" "$seconds" "$((executions / (seconds > 0 ? seconds : 1)))" \
    "$(awk '{print $3}' <<<"$last")" "$(awk '{print $5}' <<<"$last")" \
    "$(awk '{print $7}' <<<"$last")" "$(awk '{print $11}' <<<"$last")" "$findings" \
    "$out/crashes-$harness"
}

dict=$PWD/tests/fuzz/yaml.dict
for harness in fuzz_scenario fuzz_validation; do
  mkdir -p "$out/corpus-$harness" "$out/crashes-$harness"
  start=$(date +%s)
  (cd build-asan/fuzz && ASAN_OPTIONS=detect_leaks=1 nice -n 10 "./$harness" -fork="$jobs" \
    -runs="$runs" -max_total_time="$seconds" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 \
    -rss_limit_mb=2048 -dict="$dict" \
    -artifact_prefix="$out/crashes-$harness/" "$out/corpus-$harness" "$out/seeds") \
    >"$out/$harness.log" 2>&1 || true
  summarize "$harness" "$out/$harness.log" "$(($(date +%s) - start))"
done
