#!/usr/bin/python3
"""A private Postfix relay for bench/email/run.sh (RELAY=1): `postfix_relay.py SINK_PORT WORKDIR`.

Starts the tests' PostfixRelay (tests/mail_servers.py: a complete instance with its queue on disk, relaying
to 127.0.0.1:SINK_PORT), prints its listening port on one line, and runs until SIGTERM, when it stops Postfix
and prints how many messages the relay handed on ("status=sent" log lines), so the caller can check that the
relay delivered what it accepted.
"""
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from mail_servers import PostfixRelay  # noqa: E402


def main() -> int:
    relay = PostfixRelay(Path(sys.argv[2]), relayhost_port=int(sys.argv[1])).start()
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    print(relay.port, flush=True)
    try:
        while not stopping:
            time.sleep(0.2)
        sent = sum(1 for line in relay.log().splitlines() if "status=sent" in line)
        print(f"relay: {sent} messages handed on to the sink", file=sys.stderr, flush=True)
    finally:
        relay.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
