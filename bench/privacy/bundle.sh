#!/usr/bin/env bash
# bench/privacy/bundle.sh: the access/portability bundle of one person (POST
# /api/v2/tocsin:privacy_requests/{id}/tocsin:fulfil on an access request) in an organization of N people
# (default 1,000,000) who all have ledger entries, timed from outside with curl. Results and method:
# BENCHMARKS.md "Access bundle". Goal (issue 11): a person's bundle at 1M people in at most 1 s.
#
# Environment (all optional): N, TOCSIN_BIN, REPEAT (bundles timed, default 7), KEEP.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${N:-1000000}"
REPEAT="${REPEAT:-7}"
KEEP="${KEEP:-0}"

. "$ROOT/bench/common.sh"
bench_require sqlite3 python3 curl
bench_binary
bench_workdir bundle
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

D="$WORK/data"
CREDS=$("$BIN" init --data "$D" --org Bench 2>>"$WORK/tocsin.log")
KEY=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
ORG=$(printf '%s' "$CREDS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["org_id"])')
printf '[limits]\nkey_requests_per_second = 0\n' >"$D/tocsin.toml"
bench_people_csv "$WORK/people.csv" "$N" b
"$BIN" import --data "$D" --org "$ORG" "$WORK/people.csv" --source "bundle bench" --consent-date 2024-01-01 \
  --consent-method web_checkbox --disclosure-text "Yes, keep me informed." >"$WORK/import.json" 2>>"$WORK/tocsin.log"
echo "organization: $(sqlite3 "$D/tocsin.db" "select count(*) from people") people," \
  "$(sqlite3 "$D/tocsin.db" "select count(*) from ledger") ledger entries"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --data "$D" --listen "127.0.0.1:$PORT" >>"$WORK/tocsin.log" 2>&1 &
TOCSIN_PID=$!
for _ in $(seq 1 3000); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "OSDI-API-Token: $KEY" "http://127.0.0.1:$PORT/api/v2/" || true)" = 200 ] && break
  sleep 0.1
done
API="http://127.0.0.1:$PORT/api/v2"
times=()
for r in $(seq 1 "$REPEAT"); do
  i=$(( (r * 104729) % N / 3 * 3 ))  # a person with a phone too: two contact points
  RID=$(curl -sf -H "OSDI-API-Token: $KEY" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"access\",\"subject\":\"b$i@example$((i % 97)).org\"}" "$API/tocsin:privacy_requests" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  t=$(curl -s -o "$WORK/bundle.zip" -w '%{http_code} %{time_total}' -X POST -H "OSDI-API-Token: $KEY" \
    "$API/tocsin:privacy_requests/$RID/tocsin:fulfil")
  [ "${t%% *}" = 200 ] || { echo "fulfil answered ${t%% *}" >&2; exit 1; }
  times+=("$(python3 -c "print(round(${t##* } * 1000, 1))")")
done
python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print('last bundle:', len(z.namelist()), 'files,', sum(i.file_size for i in z.infolist()), 'bytes')" "$WORK/bundle.zip"
echo "bundle of one person at $N people: median $(printf '%s\n' "${times[@]}" | median) ms of $REPEAT (${times[*]} ms); goal <= 1000 ms"
