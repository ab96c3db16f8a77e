"""Retention (privacy/retention.h, docs/PRIVACY.md "Retention"): an organization's policy, previewed with
`tocsin privacy retention --dry-run` and applied by the server's sweeper. Data is made 400 days in the past
(the server under libfaketime), then a server on the real clock sweeps it: the IP address and user agent of
old consent evidence are blanked while the chain still verifies, old inbound texts are deleted, a person with
no subscription and no activity for a year is erased (recorded as a done erasure request, actor
`retention`), and what is recent, subscribed or another organization's is untouched."""
import os
import time

import requests

from sms_setup import BRAND, FAKETIME_LIB, FREQUENCY, SECRET, SENDER, SUPPORT
from tocsin_server import TocsinServer, an_id


def wait_for(predicate, what, timeout=20):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def ledger_ips(srv, person_id):
    db = srv.db()
    try:
        return [r[0] or "" for r in db.execute("SELECT ip FROM ledger WHERE person_id = ? ORDER BY seq",
                                                (person_id,)).fetchall()]
    finally:
        db.close()


def inbound_count(srv):
    db = srv.db()
    try:
        return db.execute("SELECT count(*) FROM org_docs WHERE kind = 'sms_inbound'").fetchone()[0]
    finally:
        db.close()


def retention(srv, org_id, *args):
    return srv.json_line(srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", org_id, *args).stdout)


def test_a_sweep_applies_the_policy_and_keeps_what_is_recent(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    b = srv.create_org("B")
    d = str(srv.data_dir)
    srv.cli("settings", "--data", d, "--org", a["org_id"], "--brand", BRAND, "--support", SUPPORT,
            "--frequency", FREQUENCY)
    srv.cli("sender", "add", "--data", d, "--org", a["org_id"], SENDER, "--type", "10dlc", "--registered",
            "--campaign", "CTEST001")
    srv.write_config(sections={"sms": {"kannel_secret": SECRET}, "privacy": {"retention_sweep_seconds": 1}})

    # 400 days ago: a person who unsubscribed, one still subscribed, an inbound text, and B's unsubscribed person.
    asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0") if o)
    srv.env = {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": "-400d", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
               "ASAN_OPTIONS": asan}
    with srv.start():
        ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
        gone = an_id(ca.signup(email="gone@example.org", given="Gone", email_status="unsubscribed"))
        kept = an_id(ca.signup(email="kept@example.org", given="Kept", email_status="subscribed"))
        b_gone = an_id(cb.signup(email="gone@example.org", given="OtherOrg", email_status="unsubscribed"))
        r = requests.get(f"{srv.base}/sms/kannel/mo", timeout=20, params={
            "secret": SECRET, "from": "+12125550123", "to": SENDER, "text": "my address is 1 Main St",
            "charset": "UTF-8", "id": "mo-old", "ts": "1700000000"})
        assert r.status_code == 200, r.text
    assert all(ledger_ips(srv, gone)) and all(ledger_ips(srv, kept))

    # Today: the policy; a recent person whose evidence must keep its IP.
    srv.env = {}
    policy = retention(srv, a["org_id"], "--inactive-months", "12", "--evidence-days", "365", "--inbound-days",
                       "365", "--dry-run")
    assert policy["policy"] == {"inactive_people_months": 12, "evidence_days": 365, "inbound_text_days": 365}
    assert policy["due"]["inactive_people"] == 1 and policy["due"]["inbound_texts"] == 1
    assert policy["due"]["evidence_entries"] >= 2, policy
    assert "applied" not in policy
    assert retention(srv, b["org_id"], "--dry-run")["policy"]["inactive_people_months"] == 0  # B: defaults
    with srv.start():
        ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
        fresh = an_id(ca.signup(email="fresh@example.org", email_status="unsubscribed"))
        wait_for(lambda: ca.get(f"people/{gone}").status_code == 404, "the inactive person erased")
        wait_for(lambda: inbound_count(srv) == 0, "the old inbound text deleted")
        wait_for(lambda: not any(ledger_ips(srv, kept)), "the old evidence's IP blanked")
        assert ca.person(kept)["given_name"] == "Kept"  # subscribed: kept, only the evidence's IP went
        assert all(ledger_ips(srv, fresh))  # recent evidence keeps its IP
        assert cb.person(b_gone)["given_name"] == "OtherOrg"  # B has no such policy
        # The request is read from the store: it answers once the sweep's commit is durable, which can come
        # a moment after the person is gone from the serving state.
        erased = wait_for(lambda: [x for x in ca.ok("GET", "tocsin:privacy_requests")["_embedded"][
            "tocsin:privacy_requests"] if x["kind"] == "erasure"], "the erasure request recorded")
        assert len(erased) == 1 and erased[0]["state"] == "done" and erased[0]["actor"] == "retention", erased
        # The erased address stays suppressed: signing up again arrives unsubscribed.
        again = ca.signup(email="gone@example.org", email_status="subscribed")
        assert again["email_addresses"][0]["status"] == "unsubscribed", again
    assert retention(srv, a["org_id"], "--dry-run")["due"] == {"inactive_people": 0, "evidence_entries": 0,
                                                                 "inbound_texts": 0}
    verify = srv.cli("ledger", "verify", "--data", d, "--org", a["org_id"])
    assert verify.stdout.lstrip().startswith("ok"), verify.stdout


def test_policy_values_are_checked_and_the_cli_applies_only_with_the_server_stopped(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    for bad in (("--inactive-months", "-1"), ("--evidence-days", "40000")):
        r = srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", a["org_id"], *bad, check=False)
        assert r.returncode != 0 and "must be from 0" in r.stderr, r.stderr
    srv.write_config()
    with srv.start():
        r = srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", a["org_id"], check=False)
        assert r.returncode != 0 and "another tocsin process" in r.stderr, r.stderr
    applied = retention(srv, a["org_id"], "--inbound-days", "30")
    assert applied["policy"]["inbound_text_days"] == 30
    assert applied["applied"] == {"people_erased": 0, "evidence_blanked": 0, "inbound_deleted": 0}
