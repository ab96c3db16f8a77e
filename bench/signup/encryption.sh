#!/usr/bin/env bash
# bench/signup/encryption.sh: what encryption at rest costs signups. Runs bench/signup/run.sh (email-only
# bodies) with ENCRYPTION=on and =off alternately, ROUNDS times each, and prints every run, the medians and
# the ratio on/off. Alternating spreads the machine's drift over both. Method and figures: BENCHMARKS.md
# "Encryption at rest".
#
# Environment (optional): ROUNDS (default 3), DURATION (seconds per measured run, default 10), and whatever
# bench/signup/run.sh reads (TOCSIN_BIN, CONNS, ...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS="${ROUNDS:-3}"
export DURATION="${DURATION:-10}" PHONES=0
OUT="$(mktemp -d /tmp/tocsin-bench-encryption.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  for enc in on off; do
    ENCRYPTION=$enc "$HERE/run.sh" >"$OUT/$enc.$r.log" 2>&1 || { cat "$OUT/$enc.$r.log" >&2; exit 1; }
    rps=$(awk '/^signups\/s:/ {print $2; exit}' "$OUT/$enc.$r.log")
    durable=$(grep -o 'durable=[A-Za-z]*' "$OUT/$enc.$r.log" | head -1)
    echo "round $r encryption $enc: $rps signups/s  ($(grep '^latency' "$OUT/$enc.$r.log" | head -1); $durable)"
    echo "$rps" >>"$OUT/$enc"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ON=$(median "$OUT/on"); OFF=$(median "$OUT/off")
echo "median signups/s: encryption on $ON, off $OFF; ratio on/off $(awk -v a="$ON" -v b="$OFF" 'BEGIN{printf "%.3f", a/b}')"
