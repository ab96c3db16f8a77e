#!/usr/bin/env bash
# SMS benchmark groundwork: Kannel's own ceiling (sendsms driven directly by wrk, delivered to fakesmsc) and
# tocsin's Kannel driver against the same Kannel in the same run. Method and figures: BENCHMARKS.md, "SMS".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/common.sh"
bench_require wrk /usr/sbin/bearerbox /usr/sbin/smsbox /usr/lib/kannel/test/fakesmsc
cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$ROOT/build-bench" --target send_test_sms >/dev/null
/usr/bin/python3 "$ROOT/bench/sms/ceiling.py" --tool "$ROOT/build-bench/send_test_sms" "$@"
