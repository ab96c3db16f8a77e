#!/usr/bin/env bash
# Email hand-over rate against Postfix's smtp-sink on loopback (issue 4's benchmark):
#   1. the baseline: smtp-source (Postfix's own SMTP load generator) sending COUNT messages of SIZE bytes over
#      SESSIONS parallel sessions, each session reused for many messages (-d), like tocsin's pooled connections;
#   2. tocsin's SMTP driver through tests/tools/send_test_mail (gate dispatch + build + hand-over), unsigned
#      and DKIM-signed (RSA-2048), THREADS threads over SESSIONS connections;
#   3. the hook for the full product: if BLAST_CMD is set, it is run with SINK_HOST/SINK_PORT/COUNT in its
#      environment (e.g. a script that points tocsin's relay setting at the sink, creates COUNT recipients and
#      sends a blast) and must print the number of messages per second it reached as its last line.
# Prints each rate and the ratio unsigned/smtp-source (the issue wants >= 0.8) and signed (>= 3,000/s).
# Environment: COUNT (100000), SESSIONS (8), THREADS (4), SIZE (bytes of smtp-source's messages: 1800, about
# one rendered message of bench/email/compose_bench), TOOLS_DIR (a build dir with send_test_mail; default: a
# Release build in build-bench/), TOOL_ARGS (more send_test_mail options, e.g. "--depth 2"; empty for a
# send_test_mail from before issue 16, which knows no --depth), KEEP=1 keeps the work dir.
# RELAY=1: smtp-source and the driver both hand over to a real Postfix relay (a private instance with its queue
# on disk, bench/email/postfix_relay.py) that relays to the sink, instead of to the sink directly: the ratio
# through a relay that must queue each message durably before it answers 250.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/common.sh"
bench_require smtp-sink smtp-source openssl

COUNT="${COUNT:-100000}" SESSIONS="${SESSIONS:-8}" THREADS="${THREADS:-4}" SIZE="${SIZE:-1800}"
if [ -z "${TOOLS_DIR:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build-bench" --target send_test_mail >/dev/null
  TOOLS_DIR="$ROOT/build-bench"
fi
bench_workdir email
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
SINK_USER=(); [ "$(id -u)" -eq 0 ] && SINK_USER=(-u nobody)
smtp-sink "${SINK_USER[@]}" -m 512 "127.0.0.1:$PORT" 1024 &
EXTRA_PIDS="$!"
sleep 0.5
TARGET="$PORT"
if [ "${RELAY:-0}" = 1 ]; then
  bench_require postfix
  exec 3< <(/usr/bin/python3 "$ROOT/bench/email/postfix_relay.py" "$PORT" "$WORK/postfix")
  EXTRA_PIDS="$EXTRA_PIDS $!"
  read -r TARGET <&3
  echo "Postfix relay (queue on disk in $WORK/postfix) on port $TARGET, relaying to the sink on $PORT"
fi

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1/($3-$2):.0f}')"; }

t0="$(now)"
smtp-source -d -s "$SESSIONS" -m "$COUNT" -l "$SIZE" -f bench@news.example.org -t sink@example.net \
  -M sender.test "127.0.0.1:$TARGET"
t1="$(now)"
source_rate="$(rate "$COUNT" "$t0" "$t1")"
echo "smtp-source: $COUNT messages, $SESSIONS sessions: $source_rate msgs/s"

tool() {  # tool ARGS...: the per_second field of send_test_mail's summary
  "$TOOLS_DIR/send_test_mail" --smtp "127.0.0.1:$TARGET" --count "$COUNT" --threads "$THREADS" \
    --connections "$SESSIONS" ${TOOL_ARGS:-} "$@" | python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read().splitlines()[-1])["per_second"]))'
}
unsigned_rate="$(tool --unsigned)"
echo "tocsin driver, unsigned: $unsigned_rate msgs/s ($(python3 -c "print(f'{$unsigned_rate/$source_rate:.2f}')") x smtp-source)"
signed_rate="$(tool --key "$WORK/key.pem")"
echo "tocsin driver, DKIM rsa-sha256 2048: $signed_rate msgs/s"

if [ -n "${BLAST_CMD:-}" ]; then
  blast_rate="$(SINK_HOST=127.0.0.1 SINK_PORT="$TARGET" COUNT="$COUNT" bash -c "$BLAST_CMD" | tail -1)"
  echo "tocsin blast (BLAST_CMD): $blast_rate msgs/s ($(python3 -c "print(f'{$blast_rate/$source_rate:.2f}')") x smtp-source)"
fi
