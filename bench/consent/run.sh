#!/usr/bin/env bash
# bench/consent: latency of the consent proof (GET /api/v2/people/{id}/consent, and `tocsin evidence`) in an
# organization of N people (default 1,000,000) who all have ledger entries. Results and method: BENCHMARKS.md.
#
# Usage: bench/consent/run.sh           (from any directory; leaves nothing running)
# Environment (all optional):
#   N            people (default 1000000); every one gets an email consent entry, every third also an SMS one
#   TOCSIN_BIN   use this binary instead of building Release into build-bench/
#   DURATION     seconds per wrk run (default 20)
#   SAMPLE       how many random person ids wrk picks from (default 50000)
#   KEEP         1 keeps the temporary directory and prints its path
#   BACKEND      sqlite (default) | postgresql: run under `TOCSIN_PG_DURABLE=1 /usr/bin/python3
#                tests/fixtures/with_postgres.py bench/consent/run.sh` (bench/common.sh bench_backend)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${N:-1000000}"
DURATION="${DURATION:-20}"
SAMPLE="${SAMPLE:-50000}"
KEEP="${KEEP:-0}"

. "$ROOT/bench/common.sh"
bench_require wrk python3 curl
bench_binary

bench_workdir consent
bench_backend consent_bench "${BACKEND:-sqlite}"
stat_of() { awk -v k="$2" '$1=="consent_stat" && $2==k {print $3}' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- 1. an organization of N people, each with ledger entries -------------------------------------------
D="$WORK/data"
CREDS=$("$BIN" init --data "$D" --org Bench 2>>"$WORK/tocsin.log")
KEY=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
ORG=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["org_id"])')
cat > "$D/tocsin.toml" <<TOML
[limits]
key_requests_per_second = 0
TOML
bench_people_csv "$WORK/people.csv" "$N" c
/usr/bin/time -f "%e %U %S" -o "$WORK/import.time" \
  "$BIN" import --data "$D" --org "$ORG" "$WORK/people.csv" --source "consent bench" --consent-date 2024-01-01 \
  --consent-method web_checkbox --disclosure-text "Yes, keep me informed." >"$WORK/import.json" 2>>"$WORK/tocsin.log"
PEOPLE=$(bench_sql "$D" "select count(*) from people")
ENTRIES=$(bench_sql "$D" "select count(*) from ledger")
read -r WALL USER SYS <"$WORK/import.time"
echo "organization: $PEOPLE people, $ENTRIES ledger entries"
echo "import: ${WALL}s wall, ${USER}s user + ${SYS}s sys CPU ($(python3 -c "print(round($N/$WALL))") rows/s wall," \
  "$(python3 -c "print(round($N/($USER+$SYS)))") rows per CPU-second); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$BACKEND" = postgresql ]; then
  echo "database ($BACKEND): $(bench_sql "$D" "select pg_size_pretty(pg_database_size(current_database()))")"
else
  echo "database ($BACKEND): $(du -h "$D/tocsin.db" | cut -f1)"
fi
bench_sql "$D" "select id from people order by random() limit $SAMPLE" >"$WORK/ids"
ONE_EMAIL="c$((N / 2))@example$(((N / 2) % 97)).org"  # as the generator above wrote it

# ---- 2. the HTTP endpoint ----------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
t0=$(date +%s.%N)
"$BIN" serve --data "$D" --listen "127.0.0.1:$PORT" >>"$WORK/tocsin.log" 2>&1 &
TOCSIN_PID=$!
for _ in $(seq 1 1200); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "OSDI-API-Token: $KEY" "http://127.0.0.1:$PORT/api/v2/" || true)" = 200 ] && break
  sleep 0.1
done
t1=$(date +%s.%N)
RSS=$(bench_rss_kib "$TOCSIN_PID")
echo "server start incl. loading $PEOPLE people: $(python3 -c "print(round($t1-$t0,1))") s;" \
  "RSS $((RSS / 1024)) MiB = $(python3 -c "print(round($RSS*1024/$PEOPLE))") B per person"
ID=$(head -1 "$WORK/ids")
SAMPLE_BODY=$(curl -s -H "OSDI-API-Token: $KEY" "http://127.0.0.1:$PORT/api/v2/people/$ID/consent")
echo "$SAMPLE_BODY" | python3 -c 'import json,sys; b=json.load(sys.stdin); assert b["chain_verified"], b; print("sample answer: %d contact point(s), %d entries, chain_verified=%s" % (len(b["contact_points"]), sum(len(c["entries"]) for c in b["contact_points"]), b["chain_verified"]))'

for conns in 1 16; do
  wrk -t1 -c"$conns" -d"${DURATION}s" -s "$HERE/pick.lua" "http://127.0.0.1:$PORT" -- "$KEY" "$WORK/ids" \
    >"$WORK/wrk.$conns"
  f="$WORK/wrk.$conns"
  echo "GET consent, $conns connection(s), ${DURATION}s over $(wc -l <"$WORK/ids") random people:" \
    "$(stat_of "$f" requests) requests ($(stat_of "$f" rps)/s), p50 $(stat_of "$f" p50_ms) ms," \
    "p90 $(stat_of "$f" p90_ms) ms, p99 $(stat_of "$f" p99_ms) ms, max $(stat_of "$f" max_ms) ms," \
    "non-200/errors $(stat_of "$f" non200_or_errors)"
done
kill "$TOCSIN_PID"; wait "$TOCSIN_PID" 2>/dev/null || true; TOCSIN_PID=""

# ---- 3. the CLI: one contact, whole process (open, migrate check, read, verify, print) ----------------------
times=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$BIN" evidence --data "$D" --org "$ORG" "$ONE_EMAIL" >"$WORK/evidence.json" 2>>"$WORK/tocsin.log" ||
    { echo "tocsin evidence failed: $(tail -1 "$WORK/tocsin.log")" >&2; exit 1; }
  t1=$(date +%s%N)
  times+=("$(( (t1 - t0) / 1000000 ))")
done
echo "tocsin evidence $ONE_EMAIL: median $(printf '%s\n' "${times[@]}" | median) ms of 5 runs (${times[*]} ms)"
echo "goal <= 50 ms per person at 1,000,000 people"
