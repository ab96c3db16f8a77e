#!/usr/bin/env bash
# bench/pages: a hosted petition page (GET /o/{org}/petitions/{slug}, as a supporter's browser asks for it)
# served by `tocsin serve`, next to nginx serving the same bytes as a static file on the same machine in the
# same run (issue 12's goal: >= 20,000 pages/s, as a ratio to nginx). Results and method: BENCHMARKS.md
# "Hosted pages".
#
# Usage: bench/pages/run.sh            (from any directory; leaves nothing running)
# Environment (all optional):
#   TOCSIN_BIN   use this binary instead of building Release into build-bench/
#   DURATION     seconds per measured wrk run (default 20)
#   WARMUP       seconds of warm-up before each measured run (default 3)
#   CONNS        keep-alive connections for both wrk targets (default 64)
#   THREADS      wrk threads (default 2)
#   ROUNDS       alternating rounds (tocsin, nginx), medians reported (default 3)
#   IO_THREADS   tocsin [server] io_threads and nginx worker_processes (default 2)
#   KEEP         1 keeps the temporary directory and prints its path
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-3}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
IO_THREADS="${IO_THREADS:-2}"

. "$ROOT/bench/common.sh"
bench_require wrk nginx python3 curl
bench_binary
bench_workdir pages


# ---- tocsin with one petition that has signatures (the counter and goal bar are on the page) ----------------
D="$WORK/data"
TPORT=$(bench_free_port)
CREDS=$("$BIN" init --data "$D" --org "Bench Org" 2>>"$WORK/tocsin.log")
KEY=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
cat > "$D/tocsin.toml" <<TOML
[server]
io_threads = $IO_THREADS
public_url = "http://127.0.0.1:$TPORT"
[limits]
key_requests_per_second = 0
helper_posts_per_ip_per_second = 0
TOML
"$BIN" serve --data "$D" --listen "127.0.0.1:$TPORT" >>"$WORK/tocsin.log" 2>&1 &
TOCSIN_PID=$!
bench_wait_http "http://127.0.0.1:$TPORT/o/bench-org/privacy"
API="http://127.0.0.1:$TPORT/api/v2"
PAGE=$(curl -s -X POST -H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json' "$API/petitions" \
  -d '{"title": "Clean Air for Every School", "description": "<p>Every child deserves clean air.</p>",
       "petition_text": "We call on the council to monitor and clean the air at every school.",
       "tocsin:goal": 1000, "tocsin:disclosure": "Yes, email me about this campaign."}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["browser_url"])')
ID=$(curl -s -H "OSDI-API-Token: $KEY" "$API/petitions" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["_embedded"]["osdi:petitions"][0]["identifiers"][0].split(":")[1])')
for i in $(seq 1 50); do
  curl -s -o /dev/null -X POST -H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json' \
    "$API/petitions/$ID/signatures" \
    -d "{\"person\": {\"email_addresses\": [{\"address\": \"signer$i@example.org\"}]}}"
done
bench_wait_http "$PAGE"

# ---- nginx serving the same bytes as a static file -----------------------------------------------------------
N="$WORK/nginx"
mkdir -p "$N/html"
curl -s "$PAGE" > "$N/html/page.html"
BYTES=$(wc -c < "$N/html/page.html")
# nginx's workers drop root for `nobody`: let them read the page (the work directory is private by default).
chmod o+x "$WORK" "$N"
chmod o+rx "$N/html"
chmod o+r "$N/html/page.html"
bench_nginx "$IO_THREADS" "root $N/html; location / { default_type text/html; try_files /page.html =404; }"

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
echo "page: $PAGE ($BYTES bytes); wrk: $THREADS threads, $CONNS connections, ${WARMUP}s warm-up + ${DURATION}s x $ROUNDS rounds per target"

run_wrk() {  # URL OUT -> requests/s
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" "$1" >/dev/null
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$1" >"$2"
  if grep -q "Non-2xx" "$2"; then echo "non-2xx answers from $1" >&2; cat "$2" >&2; exit 1; fi
  awk '/^Requests\/sec/ {print $2}' "$2"
}
T_RPS=(); N_RPS=(); T_P99=(); N_P99=()
for r in $(seq 1 "$ROUNDS"); do
  T_RPS+=("$(run_wrk "$PAGE" "$WORK/tocsin.$r.wrk")"); T_P99+=("$(pct_ms "$WORK/tocsin.$r.wrk" 99%)")
  N_RPS+=("$(run_wrk "http://127.0.0.1:$NPORT/" "$WORK/nginx.$r.wrk")"); N_P99+=("$(pct_ms "$WORK/nginx.$r.wrk" 99%)")
  echo "round $r: tocsin ${T_RPS[-1]} pages/s (p99 ${T_P99[-1]} ms), nginx ${N_RPS[-1]} pages/s (p99 ${N_P99[-1]} ms)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
TM=$(median "${T_RPS[@]}"); NM=$(median "${N_RPS[@]}")
echo
echo "median tocsin: $TM pages/s (p99 $(median "${T_P99[@]}") ms)"
echo "median nginx:  $NM pages/s (p99 $(median "${N_P99[@]}") ms)"
echo "ratio tocsin/nginx: $(awk -v a="$TM" -v b="$NM" 'BEGIN {printf "%.3f", a/b}')"
