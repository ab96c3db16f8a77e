# Shared by the bench/*/run.sh scripts (sourced, not run): tool checks, the binary under test, a work
# directory on the real disk that is removed (and its server stopped) on exit, and wrk output parsing.
# Expects ROOT (the repository) to be set by the caller; honours TOCSIN_BIN and KEEP.

bench_require() {  # bench_require TOOL...
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/install-deps bench" >&2; exit 1; }
  done
}

bench_binary() {  # sets BIN: $TOCSIN_BIN, or a Release build in build-bench/
  if [ -n "${TOCSIN_BIN:-}" ]; then
    BIN="$TOCSIN_BIN"
  else
    cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build-bench" --target tocsin >/dev/null
    BIN="$ROOT/build-bench/tocsin"
  fi
  [ -x "$BIN" ] || { echo "no tocsin binary at $BIN" >&2; exit 1; }
}

# bench_workdir NAME: sets WORK (under /tmp, the real disk: fsync must hit the device). On exit the server in
# TOCSIN_PID and any process in EXTRA_PIDS are stopped and WORK is removed unless KEEP=1.
bench_workdir() {
  WORK="$(mktemp -d "/tmp/tocsin-bench-$1.XXXXXX")"
  TOCSIN_PID=""
  EXTRA_PIDS=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for pid in $TOCSIN_PID $EXTRA_PIDS; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}

# pct_ms FILE PCT: wrk --latency prints "99%  1.23ms"; the value in milliseconds.
pct_ms() {
  awk -v p="$2" '$1==p {v=$2; u=v; sub(/[0-9.]+/,"",u); sub(/[a-z]+$/,"",v);
    if (u=="us") v/=1000; else if (u=="s") v*=1000; printf "%.2f", v}' "$1"
}

# bench_people_csv FILE N PREFIX: N people for `tocsin import` (email PREFIX<i>@example<i%97>.org, a first name,
# a ZIP; every third also an SMS opt-in with a valid NANP mobile number: area 201-989, exchange 200-999).
bench_people_csv() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w", newline="") as f:
    f.write("email,first_name,phone,sms_opt_in,zip\r\n")
    for i in range(n):
        phone = "+1%03d%03d%04d" % (201 + i % 700, 200 + (i // 700) % 800, i % 10000) if i % 3 == 0 else ""
        f.write("%s%d@example%d.org,P%d,%s,%s,20009\r\n" % (prefix, i, i % 97, i, phone, "yes" if phone else ""))
PY
}

bench_free_port() {  # a free TCP port on loopback
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

bench_wait_http() {  # bench_wait_http URL [HEADER]: until it answers 200 (10 s at most)
  for _ in $(seq 1 200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "$2"} "$1" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.05
  done
  echo "no 200 from $1" >&2
  return 1
}

# bench_nginx WORKERS LOCATION: the same-run baseline, nginx as the current user under $WORK/nginx (access log
# off, keep-alive unbounded) with one server whose body is LOCATION (e.g. 'location / { return 200 "ok"; }');
# sets NPORT and NGINX_PID, adds it to EXTRA_PIDS, and waits until it answers.
bench_nginx() {
  local n="$WORK/nginx"
  NPORT=$(bench_free_port)
  mkdir -p "$n/logs" "$n/tmp"
  cat > "$n/nginx.conf" <<NGX
daemon off;
worker_processes $1;
pid $n/nginx.pid;
error_log $n/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $n/tmp/body;
  proxy_temp_path $n/tmp/proxy;
  fastcgi_temp_path $n/tmp/fastcgi;
  uwsgi_temp_path $n/tmp/uwsgi;
  scgi_temp_path $n/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NPORT;
    $2
  }
}
NGX
  "$(command -v nginx)" -p "$n" -c "$n/nginx.conf" -e "$n/logs/error.log" &
  NGINX_PID=$!
  EXTRA_PIDS="$EXTRA_PIDS $NGINX_PID"
  bench_wait_http "http://127.0.0.1:$NPORT/"
}

# bench_backend NAME BACKEND: points the next `tocsin init`/`serve` at BACKEND ("sqlite", or "postgresql": a
# fresh database NAME_<pid> on the cluster tests/fixtures/with_postgres.py started and named in
# TOCSIN_TEST_PG_URL; run the script under it, with TOCSIN_PG_DURABLE=1 for a cluster that fsyncs as a
# production one does). Sets BACKEND; bench_sql then queries that backend's database.
bench_backend() {
  BACKEND=$2
  if [ "$BACKEND" = postgresql ]; then
    [ -n "${TOCSIN_TEST_PG_URL:-}" ] ||
      { echo "the postgresql backend needs a server: run under tests/fixtures/with_postgres.py" >&2; exit 1; }
    bench_require psql
    local db="$1_$$"
    psql -q "$TOCSIN_TEST_PG_URL" -c "CREATE DATABASE $db" >/dev/null
    export TOCSIN_DATABASE_URL="${TOCSIN_TEST_PG_URL%/*}/$db"
  else
    unset TOCSIN_DATABASE_URL
  fi
}

# bench_sql DATA_DIR SQL: one query's rows (|-separated) on the backend bench_backend chose.
bench_sql() {
  if [ "${BACKEND:-sqlite}" = postgresql ]; then psql -qtA "$TOCSIN_DATABASE_URL" -c "$2"
  else sqlite3 "$1/tocsin.db" "$2"; fi
}

# bench_rss_kib PID: the process's resident memory in KiB.
bench_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
