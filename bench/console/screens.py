"""bench/console: how long every console screen takes at N people (issue #13: ≤ 100 ms each at 1,000,000).

Builds an organization of N people (`tocsin import`, with a consent basis; every third also has a phone and an
SMS opt-in; a custom field `district`), a petition with signers, an email draft to everyone (its preflight
plans N recipients) and a sent email blast to a list of BLAST people (its statistics), then logs in as the
owner (password + TOTP, as a browser does) and times each screen: WARM untimed requests, then REPEAT timed ones
over one keep-alive connection on loopback. The figure is the client's round trip (request out to last byte
in), an upper bound of the server's time. Method and results: BENCHMARKS.md "Console screens".

Usage: /usr/bin/python3 bench/console/screens.py   (environment: N, BLAST, REPEAT, WARM, TOCSIN_BIN, KEEP)
"""
import csv
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from html import unescape
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration")]
from test_console_http import PASSWORD, Staff  # noqa: E402  (the tests' login, TOTP included)
from tocsin_server import TocsinServer  # noqa: E402

N = int(os.environ.get("N", "1000000"))
BLAST = int(os.environ.get("BLAST", "20000"))
REPEAT = int(os.environ.get("REPEAT", "20"))
WARM = int(os.environ.get("WARM", "3"))
DOMAIN = "example.org"


def people_csv(path: Path, rows: range) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["email", "first_name", "last_name", "phone", "sms_opt_in", "zip", "district"])
        for i in rows:
            phone = "+1%03d%03d%04d" % (201 + i % 700, 200 + (i // 700) % 800, i % 10000) if i % 3 == 0 else ""
            w.writerow([f"p{i}@example{i % 97}.org", f"Given{i}", f"Family{i % 5000}", phone,
                        "yes" if phone else "", "20009", f"D{i % 50}"])


def first_count(label: str, fn, shown: str) -> None:
    """A large organization's dashboard counts and a draft's preflight are counted in the background (docs/CONSOLE.md):
    how long from the first view until the page shows the figures (element id `shown`)."""
    t0 = time.perf_counter()
    while shown not in fn().text:
        assert time.perf_counter() - t0 < 600, f"{label}: no figures after 600 s"
        time.sleep(0.05)
    print(f"{label:58s} figures shown after {time.perf_counter() - t0:8.2f} s", flush=True)


def timed(label: str, fn, must_show: str = "") -> dict:
    """`must_show`: an element id every timed answer must hold (the figures, not a "counting" notice)."""
    for _ in range(WARM):
        r = fn()
        assert r.status_code in (200, 303), (label, r.status_code, r.text[:500])
    ms = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        r = fn()
        ms.append((time.perf_counter() - t0) * 1000)
        assert r.status_code in (200, 303), (label, r.status_code, r.text[:500])
        assert must_show in r.text, (label, "answered without its figures")
    ms.sort()
    row = {"screen": label, "median": statistics.median(ms), "p90": ms[int(0.9 * (len(ms) - 1))], "max": ms[-1],
           "bytes": len(r.content)}
    print(f"{label:58s} median {row['median']:8.1f} ms  p90 {row['p90']:8.1f} ms  max {row['max']:8.1f} ms"
          f"  {row['bytes']:>8d} B", flush=True)
    return row


def operator(srv) -> Staff:
    r = srv.cli("user", "create", "--data", srv.data_dir, "--email", "ops@example.org", "--operator",
                input=PASSWORD + "\n")
    ops = Staff.__new__(Staff)
    ops.srv, ops.email, ops.last_step, ops.http = srv, "ops@example.org", 0, requests.Session()
    uri = srv.json_line(r.stdout)["totp_uri"]
    ops.secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    return ops


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tocsin-bench-console."))
    srv = TocsinServer(work / "data", binary=os.environ.get("TOCSIN_BIN"))
    try:
        org = srv.init("Bench")
        a = org["org_id"]
        srv.make_ready_to_send(org, work, DOMAIN)
        # An organization of this size is a known one: its blasts are not held as a new organization's are.
        srv.cli("org", "trust", "--data", srv.data_dir, "--org", a, "--reason", "console bench")
        srv.write_config()
        consent = ["--source", "console bench", "--consent-date", "2024-01-01", "--consent-method", "web_checkbox",
                   "--disclosure-text", "Yes, keep me informed."]
        t0 = time.monotonic()
        people_csv(work / "blast.csv", range(BLAST))
        srv.cli("import", "--data", srv.data_dir, "--org", a, work / "blast.csv", "--list", "Blast", *consent,
                timeout=3600)
        people_csv(work / "people.csv", range(N))
        srv.cli("import", "--data", srv.data_dir, "--org", a, work / "people.csv", "--list", "Members", *consent,
                timeout=3600)
        print(f"imported {N} people ({BLAST} also in the list Blast) in {time.monotonic() - t0:.0f} s", flush=True)
        owner = Staff(srv, a, "owner@example.org", "owner")
        ops = operator(srv)
        t0 = time.monotonic()
        srv.start(timeout=1800)
        print(f"server start with {N} people: {time.monotonic() - t0:.1f} s", flush=True)
        assert owner.login().status_code == 303 and ops.login().status_code == 303
        api = srv.client(org["api_key"])

        # A petition with signers, and a person to look at.
        pid = api.ok("POST", "petitions", json={"title": "Bench petition", "description": "Sign it"})[
            "identifiers"][0].split(":")[1]
        for i in range(50):
            r = api.post(f"petitions/{pid}/signatures",
                         json={"person": {"given_name": f"Signer{i}", "email_addresses": [{"address": f"p{i}@example{i % 97}.org"}]}})
            assert r.status_code == 200, r.text
        person = api.get("people?per_page=1").json()["_embedded"]["osdi:people"][0]
        person_id = person["identifiers"][0].split(":")[1]

        # A draft to everyone (its preflight plans N recipients) and a blast to the list Blast, sent.
        compose = unescape(owner.get("/admin/messages/new?channel=email").text)
        members = re.search(r'value="(lists/[^"]+)"> List: Members', compose).group(1)
        blast_list = re.search(r'value="(lists/[^"]+)"> List: Blast', compose).group(1)
        form = {"channel": "email", "subject": "News", "from": "Bench", "from_address": "news@" + DOMAIN,
                "reply_to": "news@" + DOMAIN, "body": "<p>Hello {{given_name}}</p>"}
        r = owner.post("/admin/messages", name="Everyone", target=members, **form)
        assert r.status_code == 303, r.text
        draft = r.headers["Location"].rsplit("/", 1)[1]
        r = owner.post("/admin/messages", name="Blast", target=blast_list, **form)
        assert r.status_code == 303, r.text
        sent = r.headers["Location"].rsplit("/", 1)[1]
        r = owner.post(f"/admin/messages/{sent}/send")
        assert r.status_code == 303, r.text
        t0 = time.monotonic()
        while (status := api.get(f"messages/{sent}").json()["status"]) != "sent":
            assert status == "sending" and time.monotonic() - t0 < 1800, f"the blast did not finish: {status}"
            time.sleep(0.5)
        print(f"blast to {BLAST} sent in {time.monotonic() - t0:.1f} s", flush=True)

        csrf = owner.csrf()
        base = srv.base
        s = owner.http

        def get(path):
            return lambda: s.get(base + path, allow_redirects=False)

        def search(q):
            return lambda: s.post(base + "/admin/people", data={"csrf": csrf, "q": q}, allow_redirects=False)

        print(f"\nconsole screens at {N} people ({REPEAT} timed requests each after {WARM} warm-up):", flush=True)
        first_count("GET /admin (dashboard)", get("/admin"), 'id="people-count"')
        first_count(f"GET /admin/messages/{{draft}} (preflight of {N})", get(f"/admin/messages/{draft}"),
                    'id="pf-sendable"')
        rows = [
            timed("GET /admin (dashboard)", get("/admin"), 'id="people-count"'),
            timed("GET /admin/people", get("/admin/people")),
            timed("search: an email address", search(f"p{N // 2}@example{(N // 2) % 97}.org")),
            timed("search: a name", search(f"Given{N // 3}")),
            timed("search: a family name shared by N/5000", search(f"Family{N % 5000 + 7}")),
            timed("search: a phone number", search("+1%03d%03d%04d" % (201 + 300 % 700, 200, 300))),
            timed("GET /admin/people/{id} (consent timeline)", get(f"/admin/people/{person_id}")),
            timed("GET /admin/actions", get("/admin/actions")),
            timed("GET /admin/actions/{id} (50 signers)", get(f"/admin/actions/{pid}")),
            timed("GET /admin/messages", get("/admin/messages")),
            timed("GET /admin/messages/new?channel=email", get("/admin/messages/new?channel=email")),
            timed("GET /admin/messages/new?channel=sms", get("/admin/messages/new?channel=sms")),
            timed(f"GET /admin/messages/{{draft}} (preflight of {N})", get(f"/admin/messages/{draft}"), 'id="pf-sendable"'),
            timed(f"GET /admin/messages/{{sent}} (statistics of {BLAST})", get(f"/admin/messages/{sent}")),
            timed("GET /admin/settings", get("/admin/settings")),
            timed("GET /admin/team", get("/admin/team")),
            timed("GET /admin/inbox", get("/admin/inbox")),
        ]
        s = ops.http
        rows.append(timed("GET /admin/platform (operator)", get("/admin/platform")))
        over = [r["screen"] for r in rows if r["median"] > 100]
        print(f"\nscreens over 100 ms (median): {', '.join(over) if over else 'none'}")
    finally:
        srv.stop()
        if os.environ.get("KEEP") == "1":
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
