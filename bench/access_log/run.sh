#!/usr/bin/env bash
# bench/access_log: what logging reads costs. wrk GETs random people (GET /api/v2/people/{id}, each a logged
# read, privacy/access_log.h) from the same data directory with [privacy] access_log = "batched" (the
# default: answered once the entry is queued for the next group commit), "durable" (answered once it is
# durable) and "off", in turn, ROUNDS times; prints each run and the median ratios to "off".
# Results and method: BENCHMARKS.md "Access log".
#
# Usage: bench/access_log/run.sh        (from any directory; leaves nothing running)
# Environment (all optional):
#   N            people (default 100000)
#   TOCSIN_BIN   use this binary instead of building Release into build-bench/
#   DURATION     seconds per wrk run (default 15)
#   CONNS        keep-alive connections (default 64)
#   ROUNDS       on/off pairs (default 3)
#   KEEP         1 keeps the temporary directory and prints its path
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${N:-100000}"
DURATION="${DURATION:-15}"
CONNS="${CONNS:-64}"
ROUNDS="${ROUNDS:-3}"
KEEP="${KEEP:-0}"

. "$ROOT/bench/common.sh"
bench_require wrk sqlite3 python3 curl
bench_binary
bench_workdir access_log
stat_of() { awk -v k="$2" '$1=="read_stat" && $2==k {print $3}' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

D="$WORK/data"
CREDS=$("$BIN" init --data "$D" --org Bench 2>>"$WORK/tocsin.log")
KEY=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
ORG=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["org_id"])')
python3 - "$WORK/people.csv" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="") as f:
    f.write("email,first_name,zip\r\n")
    for i in range(n):
        f.write("r%d@example%d.org,P%d,20009\r\n" % (i, i % 97, i))
PY
"$BIN" import --data "$D" --org "$ORG" "$WORK/people.csv" --source "access-log bench" --consent-date 2024-01-01 \
  --consent-method web_checkbox >"$WORK/import.json" 2>>"$WORK/tocsin.log"
sqlite3 "$D/tocsin.db" "select id from people order by random() limit 20000" >"$WORK/ids"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
run() {  # run batched|durable|off ROUND
  printf '[limits]\nkey_requests_per_second = 0\n[privacy]\naccess_log = "%s"\n' "$1" >"$D/tocsin.toml"
  "$BIN" serve --data "$D" --listen "127.0.0.1:$PORT" >>"$WORK/tocsin.log" 2>&1 &
  TOCSIN_PID=$!
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "OSDI-API-Token: $KEY" "http://127.0.0.1:$PORT/api/v2/" || true)" = 200 ] && break
    sleep 0.1
  done
  local f="$WORK/wrk.$1.$2"
  wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$HERE/read.lua" "http://127.0.0.1:$PORT" -- "$KEY" "$WORK/ids" >"$f"
  kill "$TOCSIN_PID"; wait "$TOCSIN_PID" 2>/dev/null || true; TOCSIN_PID=""
  echo "access log \"$1\", round $2: $(stat_of "$f" rps) reads/s, p50 $(stat_of "$f" p50_ms) ms," \
    "p99 $(stat_of "$f" p99_ms) ms, non-200/errors $(stat_of "$f" non200_or_errors)"
  stat_of "$f" rps >>"$WORK/rps.$1"
}
for r in $(seq 1 "$ROUNDS"); do
  run batched "$r"
  run durable "$r"
  run off "$r"
done
LOGGED=$(sqlite3 "$D/tocsin.db" "select count(*) from access_log")
BATCHED=$(median <"$WORK/rps.batched")
DURABLE=$(median <"$WORK/rps.durable")
OFF=$(median <"$WORK/rps.off")
echo "$N people, $CONNS connections, ${DURATION}s runs; $LOGGED reads logged in all"
echo "median reads/s: batched $BATCHED, durable $DURABLE, off $OFF;" \
  "ratio batched/off $(python3 -c "print(round($BATCHED/$OFF, 3))"), durable/off" \
  "$(python3 -c "print(round($DURABLE/$OFF, 3))") (goal: logging must not halve reads, >= 0.5)"
"$BIN" audit --data "$D" --org "$ORG" --verify
