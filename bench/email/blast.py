#!/usr/bin/python3
"""A whole blast through the product, for issue 4's benchmark: COUNT people imported into a fresh data
directory (tocsin import, one list), a verified sending domain (DKIM key served by dnsmasq on loopback),
tocsin serving with its SMTP relay pointed at a Postfix smtp-sink, then POST /messages + POST .../send.

Measures
  planning: wall time of POST /messages/{id}/send (audience + gate.plan per person + the plan made durable
            before the answer), and the server's RSS before it and peak RSS (VmHWM) during it (the peak is
            reset before the send through /proc/PID/clear_refs, so loading the people does not hide it);
  delivery: messages handed over per second, from the send answer until the message reads `sent`.

Also prints the server's start time (process start to its first answer, every organization loaded) and its
resident memory per person then. Run under tests/fixtures/with_postgres.py for the PostgreSQL backend
(TOCSIN_PG_DURABLE=1 for a cluster with fsync on).

Environment: COUNT (100000), SINK_HOST/SINK_PORT (an smtp-sink to use; default: start one, not capturing),
CONNECTIONS (smtp_connections, 8), THREADS (dispatcher hand-over threads; default the server's), DKIM (1: sign;
0: the domain stays unverified... not allowed, so DKIM=0 is not offered), TOCSIN_BIN (default build/tocsin),
PLAN_ONLY=1 (stop the blast right after planning: for the 1,000,000-recipient planning figure),
PERF_PLANNING=FILE (perf record the server while it plans).
The last line printed is the delivery rate (msgs/s), as bench/email/run.sh's BLAST_CMD hook expects.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from mail_servers import LocalDns, SmtpSink, sending_domain_records  # noqa: E402
from tocsin_server import TocsinServer, free_port  # noqa: E402

DOMAIN = "bench.example.org"


def rss_peak_kib(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def reset_peak(pid: int) -> bool:
    """Resets VmHWM to the current RSS (Linux 4.0+); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def main() -> None:
    count = int(os.environ.get("COUNT", "100000"))
    plan_only = os.environ.get("PLAN_ONLY") == "1"
    work = Path(tempfile.mkdtemp(prefix="tocsin-blast-bench-"))
    srv = TocsinServer(work / "data", binary=os.environ.get("TOCSIN_BIN"))
    org = srv.init()
    oid = org["org_id"]
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", oid, "--postal-address", "1 Main St, Springfield, IL 62701")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", oid, DOMAIN).stdout)
    dns = LocalDns(work / "dns", sending_domain_records(added)).start()
    sink = None
    try:
        verified = srv.json_line(srv.cli("domain", "verify", "--data", data, "--org", oid, DOMAIN,
                                         "--dns", dns.forwarder).stdout)
        assert verified["verified"], verified

        rows = work / "people.csv"
        with rows.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["email", "first_name", "zip"])
            for i in range(count):
                w.writerow([f"person{i}@example{i % 97}.net", ["Ann", "Bob", "Carmen", ""][i % 4], "02108"])
        t = time.time()
        srv.cli("import", "--data", data, "--org", oid, str(rows), "--list", "bench", "--source", "bench",
                "--consent-date", "2024-01-01", "--consent-method", "web_checkbox",
                "--disclosure-text", "Yes, send me news.", timeout=3600)
        print(f"imported {count} people in {time.time() - t:.1f} s", file=sys.stderr)

        if os.environ.get("SINK_PORT"):
            host, port = os.environ.get("SINK_HOST", "127.0.0.1"), int(os.environ["SINK_PORT"])
        else:
            sink = SmtpSink(work / "sink", capture=False).start()
            host, port = "127.0.0.1", sink.port
        srv.port = free_port()
        email = {"smtp_host": host, "smtp_port": port, "smtp_starttls": "off",
                 "smtp_connections": int(os.environ.get("CONNECTIONS", "8")), "mail_domain": f"mail.{DOMAIN}"}
        srv.write_config(server={"public_url": f"https://127.0.0.1:{srv.port}"}, sections={"email": email,
                         # the benchmark's organization is the operator's own: no new-organization review
                         "trust": {"review_first_blasts": 0}})
        t = time.time()
        srv.start(timeout=600)
        started = time.time() - t
        rss_start, _ = rss_peak_kib(srv.proc.pid)
        print(f"start: serving {count} people after {started:.1f} s (process start to the first answer), "
              f"RSS {rss_start // 1024} MiB = {rss_start * 1024 / max(count, 1):.0f} B per person "
              f"(backend {srv.backend})", file=sys.stderr)
        c = srv.client(org["api_key"])
        lists = c.get("lists").json()["_embedded"]["osdi:lists"]
        href = next(x for x in lists if x["name"] == "bench")["_links"]["self"]["href"]
        r = c.post("messages", json={"subject": "News for {{given_name}}{{^given_name}}you{{/given_name}}",
                                     "body": "<p>Hello {{given_name}}, join us <b>tonight</b> at 7.</p>" * 8,
                                     "from": "Bench Org", "reply_to": f"team@{DOMAIN}", "targets": [{"href": href}]})
        assert r.status_code == 200, r.text
        mid = r.json()["identifiers"][0].split(":")[1]
        rss0, hwm0 = rss_peak_kib(srv.proc.pid)
        reset = reset_peak(srv.proc.pid)
        perf = None
        if os.environ.get("PERF_PLANNING"):  # a perf profile of the server during planning, to that file
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", os.environ["PERF_PLANNING"],
                                     "-p", str(srv.proc.pid)], stderr=subprocess.DEVNULL)
            time.sleep(1)
        t0 = time.time()
        r = c.post(f"messages/{mid}/send", json={}, timeout=600)
        t1 = time.time()
        if perf:
            perf.send_signal(2)
            perf.wait()
        assert r.status_code == 200, r.text
        if plan_only:
            c.delete(f"messages/{mid}/send")
        rss1, hwm1 = rss_peak_kib(srv.proc.pid)
        during = "during it" if reset else "since start (the peak could not be reset)"
        print(f"planning {count} recipients (POST send): {t1 - t0:.2f} s; server RSS {rss0 // 1024} MiB before, "
              f"peak {hwm1 // 1024} MiB {during} (+{(hwm1 - rss0) // 1024} MiB; peak before {hwm0 // 1024} MiB)",
              file=sys.stderr)
        if plan_only:
            print(f"{t1 - t0:.2f}")
            return
        m = {}
        while True:
            m = c.get(f"messages/{mid}", timeout=60).json()
            if m["status"] in ("sent", "stopped", "paused"):
                break
            time.sleep(0.2)
        t2 = time.time()
        stats = m["statistics"]
        print(f"delivery: status {m['status']}, sent {stats.get('sent')} in {t2 - t1:.1f} s; "
              f"statistics {json.dumps(stats)}", file=sys.stderr)
        print(f"{stats.get('sent', 0) / (t2 - t1):.0f}")
    finally:
        if srv.running():
            srv.stop()
        if sink:
            sink.stop()
        dns.stop()
        if os.environ.get("KEEP") != "1":
            subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
