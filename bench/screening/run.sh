#!/usr/bin/env bash
# Content screening's cost in a blast (issue 15): bench/screening/screening_bench times Gate::plan +
# Gate::dispatch per recipient with and without the content rule (see its header). Environment: RECIPIENTS
# (20000), RUNS (7), TOOLS_DIR (a build dir with screening_bench; default: a Release build in build-bench/).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -z "${TOOLS_DIR:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build-bench" --target screening_bench >/dev/null
  TOOLS_DIR="$ROOT/build-bench"
fi
"$TOOLS_DIR/screening_bench" --recipients "${RECIPIENTS:-20000}" --runs "${RUNS:-7}"
