"""GET /metrics (api/metrics_handlers.cc): off without [metrics] token; with it, only a scraper sending the
bearer token gets the Prometheus text — per organization (labelled by id) the people, data-subject requests
open and overdue, consent-evidence requests overdue — and nothing that names a supporter."""
import re
import time
from datetime import datetime, timedelta, timezone

import requests

from tocsin_server import TocsinServer

TOKEN = "metrics-token-for-the-tests-0123"


def gauge(text, name, org_id):
    m = re.search(rf'^{name}\{{org="{org_id}"\}} ([0-9.e+]+)$', text, re.M)
    assert m, f"{name} for {org_id} missing:\n{text}"
    return float(m.group(1))


def test_metrics_need_the_token_and_count_what_is_overdue(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    b = srv.create_org("B")
    srv.write_config()
    with srv.start():
        r = requests.get(srv.base + "/metrics", timeout=10)
        assert r.status_code == 404 and "metrics are off" in r.json()["error"]
    srv.write_config(sections={"metrics": {"token": TOKEN}})
    with srv.start():
        ca = srv.client(a["api_key"])
        for i in range(2):
            ca.signup(email=f"m{i}@example.org")
        old = (datetime.now(timezone.utc) - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for received in (old, None):
            body = {"kind": "access", "subject": "m0@example.org", **({"received": received} if received else {})}
            assert ca.post("tocsin:privacy_requests", json=body).status_code == 200
        contacts = tmp_path / "contacts.txt"
        contacts.write_text("m1@example.org\n")
        srv.cli("complaint", "open", "--data", srv.data_dir, "--org", a["org_id"], "--contacts", contacts,
                "--deadline", "1s")
        time.sleep(1.5)

        for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token-xx"}, {"Authorization": TOKEN}):
            r = requests.get(srv.base + "/metrics", headers=headers, timeout=10)
            assert r.status_code == 401 and "error" in r.json(), (headers, r.text)
        r = requests.get(srv.base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.text
        assert gauge(text, "tocsin_people", a["org_id"]) == 2
        assert gauge(text, "tocsin_privacy_requests_open", a["org_id"]) == 2
        assert gauge(text, "tocsin_privacy_requests_overdue", a["org_id"]) == 1
        assert gauge(text, "tocsin_evidence_requests_overdue", a["org_id"]) == 1
        for name in ("tocsin_people", "tocsin_privacy_requests_overdue", "tocsin_evidence_requests_overdue"):
            assert gauge(text, name, b["org_id"]) == 0
        assert re.search(r"^tocsin_group_commits_total [1-9]", text, re.M), text
        assert "@example.org" not in text and "A" not in re.findall(r'org="([^"]*)"', text)
