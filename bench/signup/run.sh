#!/usr/bin/env bash
# bench/signup: wrk POSTing signup-helper bodies (new and repeat people, keep-alive) against `tocsin serve`,
# next to nginx answering a static 200 on the same machine in the same run. Results and method: BENCHMARKS.md.
#
# Usage: bench/signup/run.sh            (from any directory; idempotent, leaves nothing running)
# Environment (all optional):
#   TOCSIN_BIN   use this binary instead of building Release into build-bench/
#   DURATION     seconds per measured wrk run (default 30)
#   WARMUP       seconds of warm-up before each measured run (default 5)
#   CONNS        keep-alive connections for both wrk targets (default 256)
#   THREADS      wrk threads (default 2)
#   NEW_PCT      share of signups that create a new person (default 70; the rest repeat a known email)
#   PHONES       1 (default) adds a second run whose bodies also carry a unique US phone number; 0 skips it
#   IO_THREADS   tocsin [server] io_threads and nginx worker_processes (default 2)
#   KEEP         1 keeps the temporary directory (data dir, logs) and prints its path
#   ENCRYPTION   on (default: personal data sealed at rest, as `tocsin init` makes it) | off (--unencrypted)
#   BACKENDS     "sqlite" (default), "postgresql", or "sqlite postgresql": the signup runs on each backend in turn,
#                against the same nginx figure. PostgreSQL needs a server: run the script under
#                `TOCSIN_PG_DURABLE=1 /usr/bin/python3 tests/fixtures/with_postgres.py bench/signup/run.sh`
#                (a fresh cluster in a temp dir, fsync on), which names it in TOCSIN_TEST_PG_URL.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
CONNS="${CONNS:-256}"
THREADS="${THREADS:-2}"
NEW_PCT="${NEW_PCT:-70}"
PHONES="${PHONES:-1}"
IO_THREADS="${IO_THREADS:-2}"
KEEP="${KEEP:-0}"
ENCRYPTION="${ENCRYPTION:-on}"
BACKENDS="${BACKENDS:-sqlite}"

. "$ROOT/bench/common.sh"
bench_require wrk nginx sqlite3 python3 curl

# ---- 1. the binary ---------------------------------------------------------------------------------------
bench_binary
bench_workdir signup

stat_of() { awk -v k="$2" '$1=="signup_stat" && $2==k {print $3}' "$1"; }

# ---- fsync latency of the disk holding the data dir -------------------------------------------------------
DD_OUT=$(dd if=/dev/zero of="$WORK/fsync.probe" bs=4k count=1000 oflag=dsync 2>&1 | tail -1)
DD_SECS=$(echo "$DD_OUT" | awk -F', ' '{split($3,a," "); print a[1]}')
FSYNC_MS=$(awk -v s="$DD_SECS" 'BEGIN{printf "%.3f", s}')  # 1000 writes: seconds total = ms per write
rm -f "$WORK/fsync.probe"

# ---- 2. tocsin (one data directory per backend: setup_backend NAME) -----------------------------------------
INIT_FLAGS=()
[ "$ENCRYPTION" = off ] && INIT_FLAGS=(--unencrypted)
TPORT=$(bench_free_port)
setup_backend() {
  bench_backend signup_bench "$1"
  D="$WORK/data-$BACKEND"
  local creds; creds=$("$BIN" init --data "$D" --org Bench "${INIT_FLAGS[@]}" 2>>"$WORK/tocsin.log")
  KEY=$(printf '%s' "$creds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
  cat > "$D/tocsin.toml" <<TOML
[server]
io_threads = $IO_THREADS
[limits]
key_requests_per_second = 0    # 0 disables the per-key limit
helper_posts_per_ip_per_second = 0
TOML
  start_tocsin
  # the bodies' add_tags names this tag; unknown tags are ignored (as Action Network does), so create it
  curl -sf -o /dev/null -H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$TPORT/api/v2/tags" -d '{"name":"volunteer"}'
}
start_tocsin() {
  "$BIN" serve --data "$D" --listen "127.0.0.1:$TPORT" >>"$WORK/tocsin.log" 2>&1 &
  TOCSIN_PID=$!
  bench_wait_http "http://127.0.0.1:$TPORT/api/v2/" "OSDI-API-Token: $KEY"
}
# SIGKILL: nothing gets flushed on the way out, so what the db holds afterwards was committed before the 200s
crash_tocsin() {
  kill -9 "$TOCSIN_PID"; wait "$TOCSIN_PID" 2>/dev/null || true; TOCSIN_PID=""
}

# ---- 3. nginx (current user, own prefix) -----------------------------------------------------------------
bench_nginx "$IO_THREADS" 'location / { return 200 "ok"; }'

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
echo "fsync latency (dd 4 KiB oflag=dsync x1000 in $WORK): $FSYNC_MS ms per write"
echo "wrk: $THREADS threads, $CONNS connections, ${WARMUP}s warm-up + ${DURATION}s measured per target"
echo

# ---- 4. nginx baseline -----------------------------------------------------------------------------------
wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "http://127.0.0.1:$NPORT/" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$NPORT/" >"$WORK/nginx.wrk"
NGINX_RPS=$(awk '/^Requests\/sec/ {print $2}' "$WORK/nginx.wrk")
NGINX_P50=$(pct_ms "$WORK/nginx.wrk" 50%)
NGINX_P99=$(pct_ms "$WORK/nginx.wrk" 99%)
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; EXTRA_PIDS=""   # not competing for CPU below

# ---- 5. signups ------------------------------------------------------------------------------------------
people_count() { bench_sql "$D" "select count(*) from people"; }
# counts the fsyncs (SQLite WAL commits + checkpoints) of the server while wrk runs, if perf can
count_syncs_start() {
  SYNC_PID=""
  if command -v perf >/dev/null && perf stat -e syscalls:sys_enter_fdatasync true >/dev/null 2>&1; then
    perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync -p "$TOCSIN_PID" \
      -o "$WORK/perf.$1" &
    SYNC_PID=$!
    sleep 0.2
  fi
}
count_syncs_stop() {  # sets SYNCS (not in a $(...) subshell: wait must run in the shell that started perf)
  SYNCS="n/a"
  if [ -n "$SYNC_PID" ]; then
    kill -INT "$SYNC_PID"; wait "$SYNC_PID" 2>/dev/null || true
    SYNCS=$(awk -F, '/sys_enter_f/ {s+=$1} END {print s+0}' "$WORK/perf.$1")
  fi
}

run_signups() {  # NAME PHONE_GROUP (0: no phones; warm-up uses the group, the measured run group+1)
  local name=$1 phones=$2 phones_main=$(( $2 > 0 ? $2 + 1 : 0 ))
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$HERE/signup.lua" "http://127.0.0.1:$TPORT" \
    -- "$KEY" "w$name" "$phones" "$NEW_PCT" >"$WORK/$name.warm"
  if [ "$(stat_of "$WORK/$name.warm" non200)" != 0 ]; then
    echo "warm-up got non-200 answers: $(grep non200_sample "$WORK/$name.warm")" >&2
    exit 1
  fi
  sleep 1  # the warm-up's in-flight requests commit first, or they would be counted as the run's
  local before; before=$(people_count)
  count_syncs_start "$name"
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$HERE/signup.lua" "http://127.0.0.1:$TPORT" \
    -- "$KEY" "m$name" "$phones_main" "$NEW_PCT" >"$WORK/$name.wrk"
  count_syncs_stop "$name"
  local syncs=$SYNCS
  crash_tocsin
  local after; after=$(people_count)
  local f="$WORK/$name.wrk"
  local rps reqs newg nonok p50 p99
  rps=$(stat_of "$f" rps); reqs=$(stat_of "$f" requests); newg=$(stat_of "$f" new_generated)
  nonok=$(stat_of "$f" non200)
  p50=$(pct_ms "$f" 50%); p99=$(pct_ms "$f" 99%)
  local added=$((after - before))
  # every new email was sent exactly once as "new"; at most CONNS of them were still in flight at the end
  local durable="yes"
  [ "$added" -ge $((newg - CONNS)) ] && [ "$added" -le "$newg" ] || durable="NO"
  [ "$nonok" = 0 ] || durable="NO (non-200 answers)"
  local ratio; ratio=$(awk -v a="$rps" -v b="$NGINX_RPS" 'BEGIN{printf "%.3f", a/b}')
  local avg_group="n/a"
  [ "$syncs" != "n/a" ] && [ "$syncs" -gt 0 ] && avg_group=$(awk -v r="$reqs" -v s="$syncs" 'BEGIN{printf "%.1f", r/s}')
  echo "== signups ($name, $BACKEND) =="
  echo "signups/s:            $rps  ($reqs in ${DURATION}s; $newg new people, $(stat_of "$f" repeat_generated) repeats)"
  echo "latency p50 / p90 / p99 / max: $p50 / $(pct_ms "$f" 90%) / $p99 / $(stat_of "$f" max_ms) ms"
  echo "non-200 answers:      $nonok $(grep -h non200_sample "$f" | cut -d' ' -f3- || true)"
  echo "socket errors:        $(stat_of "$f" socket_errors)"
  echo "people in db:         $after after SIGKILL (+$added during the run; $newg new emails sent, <= $CONNS in flight at the end): durable=$durable"
  echo "fdatasync+fsync calls: $syncs  (≈ group commits; $avg_group signups per fsync)"
  echo "ratio tocsin/nginx:   $ratio"
  echo "goal >= 25000/s with p99 <= 20 ms: $(awk -v r="$rps" -v p="$p99" 'BEGIN{print (r>=25000 && p<=20) ? "met" : "NOT met"}')"
  echo
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$BACKEND" "$name" "$rps" "$p50" "$p99" "$nonok" "$added/$newg" "$syncs" "$ratio" \
    >>"$WORK/summary"
  start_tocsin  # restart on the crashed data dir (also proves it recovers)
}

echo "== nginx static 200 =="
echo "req/s: $NGINX_RPS   latency p50 / p99: $NGINX_P50 / $NGINX_P99 ms"
echo
for backend in $BACKENDS; do
  setup_backend "$backend"
  run_signups email 0
  if [ "$PHONES" = 1 ]; then
    # a phone must pass libphonenumber validation, else the helper answers 400: check one first
    probe=$(curl -s -w ' %{http_code}' -H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json' \
      "http://127.0.0.1:$TPORT/api/v2/people" \
      -d '{"person":{"email_addresses":[{"address":"probe@bench.example"}],"phone_numbers":[{"number":"+17132000000"}]}}')
    if [ "${probe##* }" = 200 ]; then
      run_signups phone 1
    else
      echo "phone probe rejected: $probe" >&2
    fi
  fi
  crash_tocsin
done

echo "summary (backend|name|signups/s|p50 ms|p99 ms|non-200|people added/new sent|fsyncs|ratio to nginx $NGINX_RPS req/s)"
cat "$WORK/summary"
