#!/usr/bin/env bash
# bench/signature: a viral petition. wrk POSTs record-helper signatures (new and repeat signers, keep-alive)
# to one petition while a second wrk reads GET /petitions/{id} (with its live total_signatures) on the same
# server; then SIGKILL and count the signatures in the database. Results and method: BENCHMARKS.md.
#
# Usage: bench/signature/run.sh         (from any directory; leaves nothing running)
# Environment (all optional):
#   TOCSIN_BIN   binary to run (default: build a Release binary into build-bench/)
#   DURATION     seconds of the measured run (default 20); WARMUP seconds before it (default 5)
#   CONNS        keep-alive connections of the signature writer (default 256); READ_CONNS of the reader (64;
#                0 runs the writer alone)
#   THREADS      wrk threads per wrk process (default 1: the two wrk processes share the 2 cores with tocsin)
#   NEW_PCT      share of signatures from new people (default 70; the rest repeat a signer: an update)
#   KEEP         1 keeps the temporary directory and prints its path
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNS="${CONNS:-256}"
READ_CONNS="${READ_CONNS:-64}"
THREADS="${THREADS:-1}"
NEW_PCT="${NEW_PCT:-70}"
KEEP="${KEEP:-0}"

. "$ROOT/bench/common.sh"
bench_require wrk sqlite3 python3 curl
bench_binary

bench_workdir signature
stat_of() { awk -v k="$2" '$1=="signup_stat" && $2==k {print $3}' "$1"; }

D="$WORK/data"
KEY=$("$BIN" init --data "$D" --org Bench 2>>"$WORK/tocsin.log" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$D/tocsin.toml" <<TOML
[limits]
key_requests_per_second = 0              # 0 disables: the writer and the reader use the organization's key
helper_posts_per_ip_per_second = 0
helper_posts_per_action_per_second = 0
TOML
"$BIN" serve --data "$D" --listen "127.0.0.1:$PORT" >>"$WORK/tocsin.log" 2>&1 &
TOCSIN_PID=$!
API="http://127.0.0.1:$PORT/api/v2"
for _ in $(seq 1 200); do curl -sf -o /dev/null "$API/" && break; sleep 0.05; done
H=(-H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json')
curl -sf -o /dev/null "${H[@]}" "$API/tags" -d '{"name":"volunteer"}'
PID=$(curl -sf "${H[@]}" "$API/petitions" -d '{"title":"Viral","petition_text":"Sign it","tocsin:disclosure":"Sign to get updates."}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["identifiers"][0].split(":")[1])')
SIGS="/api/v2/petitions/$PID/signatures"

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo); binary $BIN"
echo "writer: $CONNS conns, reader: $READ_CONNS conns, $THREADS wrk thread(s) each; ${WARMUP}s warm-up + ${DURATION}s"
wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$ROOT/bench/signup/signup.lua" "http://127.0.0.1:$PORT" \
  -- "$KEY" w 0 "$NEW_PCT" "$SIGS" >"$WORK/warm.wrk"
[ "$(stat_of "$WORK/warm.wrk" non200)" = 0 ] || { echo "warm-up non-200: $(grep non200_sample "$WORK/warm.wrk")" >&2; exit 1; }
sleep 1  # the warm-up's in-flight requests commit first, or they would be counted as the run's
before=$(sqlite3 "$D/tocsin.db" "select count(*) from action_records")

READER=""
: >"$WORK/read.wrk"
if [ "$READ_CONNS" -gt 0 ]; then
  wrk -t"$THREADS" -c"$READ_CONNS" -d"${DURATION}s" --latency -H "OSDI-API-Token: $KEY" "$API/petitions/$PID" \
    >"$WORK/read.wrk" &
  READER=$!
fi
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/signup/signup.lua" \
  "http://127.0.0.1:$PORT" -- "$KEY" m 0 "$NEW_PCT" "$SIGS" >"$WORK/write.wrk"
[ -n "$READER" ] && wait "$READER"
sleep 1  # the writer's last in-flight requests commit; then the live total must equal the database
live_total=$(curl -sf -H "OSDI-API-Token: $KEY" "$API/petitions/$PID" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total_signatures"])')
kill -9 "$TOCSIN_PID"; wait "$TOCSIN_PID" 2>/dev/null || true; TOCSIN_PID=""
after=$(sqlite3 "$D/tocsin.db" "select count(*) from action_records")
ledger=$(sqlite3 "$D/tocsin.db" "select count(*) from ledger")

W="$WORK/write.wrk"
rps=$(stat_of "$W" rps); newg=$(stat_of "$W" new_generated); nonok=$(stat_of "$W" non200)
added=$((after - before))
durable=yes
[ "$added" -ge $((newg - CONNS)) ] && [ "$added" -le "$newg" ] || durable=NO
[ "$nonok" = 0 ] || durable="NO (non-200 answers)"
[ "$live_total" = "$after" ] || durable="$durable; live total $live_total != $after in db"
read_rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/read.wrk"); read_rps=${read_rps:-0}
read_non2xx=$(awk '/Non-2xx/ {print $5}' "$WORK/read.wrk")
echo "signatures/s:          $rps ($(stat_of "$W" requests) requests; $newg new signers, $(stat_of "$W" repeat_generated) repeats)"
echo "signature latency p50 / p99 / max: $(pct_ms "$W" 50%) / $(pct_ms "$W" 99%) / $(stat_of "$W" max_ms) ms"
echo "reads GET /petitions/{id}/s: $read_rps  p50 / p99: $(pct_ms "$WORK/read.wrk" 50%) / $(pct_ms "$WORK/read.wrk" 99%) ms  non-2xx: ${read_non2xx:-0}"
echo "signatures in db after SIGKILL: $after (+$added; $newg new signers sent, <= $CONNS in flight): durable=$durable"
echo "ledger entries: $ledger (new signers' subscriptions and repeat signers' reaffirmations)"
echo "goal >= 25000 signatures/s, p99 <= 20 ms, reads >= 50000/s: $(awk -v r="$rps" -v p="$(pct_ms "$W" 99%)" -v g="$read_rps" \
  'BEGIN{print (r>=25000 && p<=20 && g>=50000) ? "met" : "NOT met"}')"
