#!/usr/bin/python3
"""How long a STOP waits for its answer (issue 10, item 0): idle, and during the first second of a text blast.

A STOP is answered after its ledger entry and suppression are durable and after the texts to that number that
were at the gateway when it was applied have left (messaging/opt_out_fence.h). This measures the answer time
the gateway sees: the request smsbox makes for an MO "STOP" (GET /sms/kannel/mo, as tests/integration/
test_sms_blast.py sends it), timed by the client from request to response, against real Kannel (bearerbox +
smsbox, fakesmsc as the phone network) and tocsin serving with its Kannel driver.

  idle:   IDLE STOPs one after the other from numbers that get no blast;
  blast:  BLASTS text blasts of PER_BLAST recipients each (a registered 10DLC sender at MPS texts per second);
          right after each send's 200, STOP_THREADS clients send STOPs from that blast's recipients for one
          second; each STOP is filed by when it was sent (ms after the send's 200): in the first 250 ms, and in
          the first second.
Prints one JSON object: median, p99 and max in ms for each, and the counts. Environment: IDLE (200), BLASTS (5),
PER_BLAST (1000), MPS (200), STOP_THREADS (4), TOCSIN_BIN (default build/tocsin).
"""
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
os.environ.setdefault("TOCSIN_BIN", str(ROOT / "build" / "tocsin"))

import tempfile  # noqa: E402

from sms_setup import kannel_and_tocsin  # noqa: E402
from test_sms_blast import create_text, stop_like_smsbox, tag_href  # noqa: E402

IDLE = int(os.environ.get("IDLE", "200"))
BLASTS = int(os.environ.get("BLASTS", "5"))
PER_BLAST = int(os.environ.get("PER_BLAST", "1000"))
MPS = float(os.environ.get("MPS", "200"))
STOP_THREADS = int(os.environ.get("STOP_THREADS", "4"))


def number(i: int) -> str:
    return f"+1212{5550000 + i:07d}"  # New York: inside the quiet-hours window under sms_setup's clock


def figures(ms: list[float]) -> dict:
    if not ms:
        return {"n": 0}
    s = sorted(ms)
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return {"n": len(s), "median_ms": round(statistics.median(s), 2), "p99_ms": round(p99, 2),
            "max_ms": round(s[-1], 2)}


def timed_stop(port: int, phone: str, mo_id: str) -> float:
    t0 = time.perf_counter()
    r = stop_like_smsbox(port, phone, mo_id)
    ms = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, r.text
    return ms


def main():
    with tempfile.TemporaryDirectory(prefix="tocsin-stop-bench-") as tmp:
        with kannel_and_tocsin(Path(tmp), mps=MPS) as (k, srv, org):
            k.phone()
            c = srv.client(org["api_key"])
            total = IDLE + BLASTS * PER_BLAST
            for b in range(BLASTS):
                assert c.post("tags", json={"name": f"blast{b}"}).status_code == 200

            local = threading.local()

            def add(i):
                if not hasattr(local, "c"):
                    local.c = srv.client(org["api_key"])
                tags = [] if i < IDLE else [f"blast{(i - IDLE) // PER_BLAST}"]
                local.c.signup(phone=number(i)[1:], phone_status="subscribed", tags=tags)

            with ThreadPoolExecutor(8) as pool:
                list(pool.map(add, range(total)))

            idle = [timed_stop(srv.port, number(i), f"mo-idle-{i}") for i in range(IDLE)]

            first_quarter, first_second = [], []
            for b in range(BLASTS):
                mid = create_text(c, tag_href(c, f"blast{b}"))
                assert c.post(f"messages/{mid}/send", json={}).status_code == 200
                started = time.perf_counter()
                members = list(range(IDLE + b * PER_BLAST, IDLE + (b + 1) * PER_BLAST))
                lock = threading.Lock()

                def stopper(t: int):
                    while True:
                        with lock:
                            if not members:
                                return
                            i = members.pop(len(members) // 2)  # someone in the middle of the blast
                        sent_at = (time.perf_counter() - started) * 1000
                        if sent_at >= 1000:
                            return
                        ms = timed_stop(srv.port, number(i), f"mo-blast-{b}-{i}")
                        with lock:
                            first_second.append(ms)
                            if sent_at < 250:
                                first_quarter.append(ms)

                threads = [threading.Thread(target=stopper, args=(t,)) for t in range(STOP_THREADS)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                deadline = time.time() + 120
                while c.get(f"messages/{mid}").json()["status"] != "sent" and time.time() < deadline:
                    time.sleep(0.2)
            print(json.dumps({"idle": figures(idle), "blast_first_250ms": figures(first_quarter),
                              "blast_first_second": figures(first_second),
                              "setup": {"per_blast": PER_BLAST, "blasts": BLASTS, "mps": MPS,
                                        "stop_threads": STOP_THREADS}}, indent=1))


if __name__ == "__main__":
    main()
