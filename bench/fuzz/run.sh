#!/usr/bin/env bash
# Fuzzes every parser of outside input (tests/fuzz/*_fuzz.cc, docs/TESTING.md) with libFuzzer for a set time.
#
#   bench/fuzz/run.sh [SECONDS] [TARGET...]     SECONDS per target (default 60); all targets by default
#
# Builds the targets with Debian's clang (-fsanitize=fuzzer,address,undefined) in build-fuzz/, runs them one at
# a time (one core each), then merges the inputs that found new coverage into the committed corpus
# (tests/fuzz/corpus/<target>, which `make test` replays) and prints, per target, the executions, executions
# per second, corpus size and any finding (crash, leak, timeout, out-of-memory: the input is kept in
# build-fuzz/runs/<time>/<target>/ to reproduce with `build-fuzz/<target> FILE`). Exits 1 if anything was
# found.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
seconds="${1:-60}"
shift || true

scripts/install-deps fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DTOCSIN_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j "${JOBS:-$(nproc)}"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/*_fuzz.cc; do targets+=("$(basename "$src" .cc)"); done
fi
runs="build-fuzz/runs/$(date -u +%Y%m%dT%H%M%SZ)"
found=0
printf '%-24s %12s %10s %8s %8s  %s\n' target executions "exec/s" corpus added findings
for t in "${targets[@]}"; do
  corpus="tests/fuzz/corpus/$t"
  work="$runs/$t"
  mkdir -p "$corpus" "$work/new"
  before=$(find "$corpus" -type f | wc -l)
  # New inputs go to the first directory; -timeout makes a hang (one input > 10 s) a finding.
  set +e
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "build-fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/new" "$corpus" >"$work/log" 2>&1
  set -e
  # Keep only what adds coverage to the committed corpus.
  "build-fuzz/$t" -merge=1 -artifact_prefix="$work/merge-" "$corpus" "$work/new" >"$work/merge.log" 2>&1 || true
  after=$(find "$corpus" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  findings=$(find "$work" -maxdepth 1 -type f \( -name '*crash-*' -o -name '*leak-*' -o -name '*timeout-*' \
    -o -name '*oom-*' -o -name '*slow-unit-*' \) -printf '%f ' | sed 's/ $//')
  [ -n "$findings" ] && found=1
  printf '%-24s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$after" "$((after - before))" \
    "${findings:-none}"
done
echo "logs: $runs"
exit "$found"
