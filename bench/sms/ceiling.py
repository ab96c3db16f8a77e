"""Kannel's own ceiling: sendsms driven directly (wrk) into bearerbox + smsbox, delivered to fakesmsc.

Then, against the same Kannel in the same run, tocsin's Kannel driver (tests/tools/send_test_sms: gate +
driver, N threads with keep-alive) for comparison. Prints one JSON line per measurement; see BENCHMARKS.md
("SMS") for the method. Usage: bench/sms/run.sh (builds send_test_sms) or python3 bench/sms/ceiling.py
--tool build/send_test_sms [--seconds 10] [--count 20000] [--connections 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from fixtures.kannel import SENDSMS_PASSWORD, SENDSMS_USER, Kannel  # noqa: E402

SENDER = "+12025550100"
BODY = "Tocsin Test: message. Reply STOP to opt out."


def count_mt(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if b"Got message" in line)


def wait_delivered(k: Kannel, base: int, expected: int, timeout: float) -> tuple[int, float]:
    """Polls fakesmsc's output until `expected` more texts arrived (or no progress for `timeout` s)."""
    last, last_change = -1, time.monotonic()
    while True:
        n = count_mt(k._phone_out) - base
        now = time.monotonic()
        if n != last:
            last, last_change = n, now
        if n >= expected or now - last_change > timeout:
            return n, last_change
        time.sleep(0.02)


def run_wrk(k: Kannel, seconds: int, connections: int, extra: dict | None = None) -> dict:
    """wrk on sendsms; `extra` adds query parameters (e.g. dlr-mask and dlr-url, as tocsin's driver sends)."""
    base = count_mt(k._phone_out)
    query = urllib.parse.urlencode({"username": SENDSMS_USER, "password": SENDSMS_PASSWORD, "from": SENDER,
                                    "text": BODY, "charset": "UTF-8", **(extra or {})})
    env = dict(os.environ, SENDSMS_QUERY=query)
    t0 = time.monotonic()
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s",
                          str(Path(__file__).with_name("sendsms.lua")), f"http://127.0.0.1:{k.sendsms_port}"],
                         capture_output=True, text=True, env=env, check=True).stdout
    requests = int(next(line.split()[0] for line in out.splitlines() if "requests in" in line))
    non2xx = sum(int(line.split(":")[1]) for line in out.splitlines() if "Non-2xx" in line)
    accepted = requests - non2xx
    delivered, t_last = wait_delivered(k, base, accepted, timeout=5)
    elapsed = t_last - t0
    return {"what": "kannel_direct", "connections": connections, "with": sorted(extra or {}), "accepted": accepted, "delivered": delivered,
            "seconds": round(elapsed, 2), "delivered_per_s": round(delivered / elapsed, 1)}


def run_driver(k: Kannel, tool: str, count: int, threads: int) -> dict:
    base = count_mt(k._phone_out)
    t0 = time.monotonic()
    p = subprocess.run([tool, "--driver", "kannel", "--sendsms-url", k.sendsms_url, "--username", SENDSMS_USER,
                        "--password", SENDSMS_PASSWORD, "--from", SENDER, "--to", "+12125550123",
                        "--body", BODY, "--count", str(count), "--threads", str(threads), "--quiet"],
                       capture_output=True, text=True)
    summary = json.loads(p.stdout.splitlines()[-1])
    delivered, t_last = wait_delivered(k, base, summary["accepted"], timeout=5)
    elapsed = t_last - t0
    return {"what": "tocsin_driver", "threads": threads, "accepted": summary["accepted"],
            "delivered": delivered, "seconds": round(elapsed, 2), "delivered_per_s": round(delivered / elapsed, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=str(ROOT / "build" / "send_test_sms"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tocsin-bench-sms.") as d:
        # log-level 2 (warnings): Kannel's per-message info lines would otherwise be part of what we measure.
        k = Kannel(Path(d), log_level=2)
        try:
            k.start()
            k.phone()
            direct, driver = [], []
            for _ in range(args.rounds):
                direct.append(run_wrk(k, args.seconds, args.connections))
                print(json.dumps(direct[-1]), flush=True)
                driver.append(run_driver(k, args.tool, args.count, args.connections))
                print(json.dumps(driver[-1]), flush=True)
            c = statistics.median(r["delivered_per_s"] for r in direct)
            t = statistics.median(r["delivered_per_s"] for r in driver)
            print(json.dumps({"kannel_ceiling_median": c, "tocsin_driver_median": t, "ratio": round(t / c, 3)}))
        finally:
            k.stop()


if __name__ == "__main__":
    main()
