#!/usr/bin/env bash
# Import throughput: generates N rows (default 1,000,000) with /usr/bin/python3, imports them into a fresh data
# directory, and prints rows/s — once without and once with a phone column (libphonenumber parsing dominates
# the second). Usage: bench/import/run.sh [N] [TOCSIN_BIN]. Medians over REPEAT runs (default 3).
set -euo pipefail
N=${1:-1000000}
BIN=${2:-${TOCSIN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/tocsin}}
REPEAT=${REPEAT:-3}
WORK=$(mktemp -d /tmp/tocsin-import-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

gen() {  # gen FILE WITH_PHONE
  /usr/bin/python3 - "$1" "$N" "$2" <<'PY'
import random, sys
path, n, with_phone = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
rnd = random.Random(42)
first = ["Ann", "Bob", "Carmen", "Dmitri", "Eve", "Fatima", "Gus", "Hana", "Ivan", "Jo"]
last = ["Lee", "Smith", "Garcia", "Nguyen", "Okafor", "Müller", "Rossi", "Kim"]
cities = [("Washington", "DC", "20009"), ("Boston", "MA", "02108"), ("Austin", "TX", "73301"),
          ("Denver", "CO", "80202"), ("Portland", "OR", "97201")]
# Unassigned-but-valid NANP exchanges: area codes 201-989, exchange 200-999, subscriber 0000-9999.
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("email,first_name,last_name," + ("phone,sms_opt_in," if with_phone else "") +
            "city,state,zip,volunteer\r\n")
    for i in range(n):
        c = cities[i % len(cities)]
        phone = ""
        if with_phone:
            phone = "(%03d) %03d-%04d,%s," % (rnd.randint(201, 989), rnd.randint(200, 999), i % 10000,
                                              "yes" if i % 3 == 0 else "")
        f.write("person%d@example%d.org,%s,%s,%s%s,%s,%s,%s\r\n" %
                (i, i % 97, first[i % 10], last[i % 8], phone, c[0], c[1], c[2], "yes" if i % 5 == 0 else ""))
PY
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run() {  # run LABEL FILE
  local label=$1 file=$2 rates=() walls=()
  for r in $(seq "$REPEAT"); do
    local d="$WORK/data-$label-$r"
    local org
    org=$("$BIN" init --data "$d" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["org_id"])')
    local t0 t1 out
    t0=$(date +%s.%N)
    out=$("$BIN" import --data "$d" --org "$org" "$file" --source "bench" --consent-date 2024-01-01 \
      --consent-method web_checkbox --disclosure-text "Yes, keep me informed." 2>/dev/null)
    t1=$(date +%s.%N)
    rates+=("$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rows_per_second"])')")
    walls+=("$(/usr/bin/python3 -c "print(round($N / ($t1 - $t0)))")")
    echo "  $label run $r: $out" >&2
    rm -rf "$d"
  done
  printf '%-12s %9d rows: import %8s rows/s (median of %d), whole process incl. start and state load %8s rows/s\n' \
    "$label" "$N" "$(printf '%s\n' "${rates[@]}" | median)" "$REPEAT" "$(printf '%s\n' "${walls[@]}" | median)"
}

echo "generating $N rows in $WORK ..." >&2
gen "$WORK/no_phone.csv" 0
gen "$WORK/phone.csv" 1
echo "binary: $BIN; $(nproc) cores" >&2
run "email-only" "$WORK/no_phone.csv"
run "with-phone" "$WORK/phone.csv"
