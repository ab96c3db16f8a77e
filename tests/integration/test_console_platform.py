"""The platform operator's screen over real HTTP (issue #13): an operator account (no org role) sees every
organization and the open abuse cases; suspends an organization (a reason required), after which the gate
refuses its blasts (the API's preflight says `org_suspended`), and lifts it; blocks an address platform-wide,
after which a blast's preflight leaves that person out as `platform_suppressed`; every form needs its CSRF
token; an organization's owner cannot reach the screen; the actions are in the staff audit."""
import re
import time
import urllib.parse
from html import unescape

import pytest
import requests

from test_console_http import PASSWORD, Staff, staff_audit
from tocsin_server import TocsinServer, unique_email


def operator(srv, email):
    r = srv.cli("user", "create", "--data", srv.data_dir, "--email", email, "--operator", input=PASSWORD + "\n")
    ops = Staff.__new__(Staff)
    ops.srv, ops.email, ops.last_step, ops.http = srv, email, 0, requests.Session()
    uri = srv.json_line(r.stdout)["totp_uri"]
    ops.secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    return ops


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("platform")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp)
    srv.create_org("Other Org")
    srv.write_config()
    srv.start()
    srv.org = org
    yield srv
    srv.stop()


def preflight_until(api, mid, check):
    for _ in range(50):
        pf = api.get(f"messages/{mid}/tocsin:preflight").json()
        if check(pf):
            return pf
        time.sleep(0.1)
    return pf


def test_suspend_suppress_and_cases(site):
    srv = site
    api = srv.client(srv.org["api_key"])
    a = srv.org["org_id"]
    ops = operator(srv, unique_email("ops"))
    assert ops.login().status_code == 303
    page = ops.get("/admin/platform")
    assert page.status_code == 200
    assert "Friends of the Bay" in page.text and "Other Org" in page.text

    # A report from the public endpoint is an open case on the screen.
    r = requests.post(srv.base + "/abuse", json={"about": "number", "target": "+12025550199",
                                                "text": "spam texts at night"})
    assert r.status_code == 202, r.text
    assert "spam texts at night" in ops.get("/admin/platform").text

    # A blast ready to go to one subscribed person.
    victim = unique_email("victim")
    assert api.post("tags", json={"name": "platform-check"}).status_code == 200
    assert api.post("people", json={"person": {"email_addresses": [{"address": victim, "status": "subscribed"}]},
                                    "add_tags": ["platform-check"]}).status_code == 200
    tag = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "platform-check")
    msg = api.post("messages", json={"subject": "s", "body": "<p>b</p>", "from": "F", "reply_to": "n@example.org",
                                     "targets": [{"href": tag["_links"]["self"]["href"]}]}).json()
    mid = msg["identifiers"][0].split(":")[1]
    assert api.get(f"messages/{mid}/tocsin:preflight").json()["would_send_now"] == 1

    # Suspend: a reason is required; then the gate refuses the organization's blasts.
    assert ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/suspend", reason=" ").status_code == 422
    no_token = ops.http.post(f"{srv.base}/admin/platform/orgs/{a}/suspend", data={"reason": "x"},
                             allow_redirects=False)
    assert no_token.status_code == 403
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/suspend", reason="phishing reports under review")
    assert r.status_code == 303
    pf = api.get(f"messages/{mid}/tocsin:preflight").json()
    assert pf.get("blocked_reason") == "org_suspended", pf
    assert "phishing reports under review" in pf["blocked"]
    assert "suspended: phishing reports under review" in unescape(ops.get("/admin/platform").text)
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/unsuspend")
    assert r.status_code == 303
    assert "blocked_reason" not in api.get(f"messages/{mid}/tocsin:preflight").json()

    # Block the address platform-wide: the preflight leaves the person out.
    assert ops.post(csrf_from="/admin/platform", path="/admin/platform/suppressions", address="not an address", reason="r").status_code == 422
    r = ops.post(csrf_from="/admin/platform", path="/admin/platform/suppressions", address=victim.upper(), reason="asked us by phone")
    assert r.status_code == 200 and "Blocked on every organization (email)" in r.text
    pf = api.get(f"messages/{mid}/tocsin:preflight").json()
    assert pf["excluded_by_reason"] == {"platform_suppressed": 1}, pf

    audit = staff_audit(srv)
    for action in ("platform.suspend", "platform.unsuspend", "platform.suppress"):
        assert any(action in d for d in audit), (action, audit)
    assert not any(victim in d for d in audit)  # the blocked address itself is not in the audit

    # An organization's owner has no platform screen.
    owner = Staff(srv, a, unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    assert owner.get("/admin/platform").status_code == 403
    assert 'href="/admin/platform"' not in owner.get("/admin").text
