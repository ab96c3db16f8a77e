"""Retention (privacy/retention.h, docs/PRIVACY.md "Retention"): an organization's policy, previewed with
`tocsin privacy retention --dry-run` and applied by the server's sweeper. Data is made 400 days in the past
(the server under libfaketime), then a server on the real clock sweeps it: the IP address and user agent of
old consent evidence are blanked while the chain still verifies, old inbound texts are deleted, a person with
no subscription and no activity for a year is erased (recorded as a done erasure request, actor
`retention`), and what is recent, subscribed or another organization's is untouched. Deliveries: a blast
sent 400 days ago is aggregated into counts (its statistics read the same through the API, its delivery rows
and plan are gone from the database), while a recent blast and another organization's old one keep theirs."""
import os
import re
import time
from email import message_from_bytes
from email.policy import default as default_policy

import requests

from sms_setup import BRAND, FAKETIME_LIB, FREQUENCY, SECRET, SENDER, SUPPORT
from mail_servers import sending_domain_records
from tocsin_server import TocsinServer, an_id, free_port


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
    assert policy["policy"] == {"inactive_people_months": 12, "evidence_days": 365, "inbound_text_days": 365,
                                "delivery_days": 1825}
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
                                                                 "inbound_texts": 0, "delivery_rows": 0,
                                                                 "delivery_messages": 0}
    verify = srv.cli("ledger", "verify", "--data", d, "--org", a["org_id"])
    assert verify.stdout.lstrip().startswith("ok"), verify.stdout


def test_policy_values_are_checked_and_the_cli_applies_only_with_the_server_stopped(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    for bad in (("--inactive-months", "-1"), ("--evidence-days", "40000"), ("--delivery-days", "40000")):
        r = srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", a["org_id"], *bad, check=False)
        assert r.returncode != 0 and "must be from 0" in r.stderr, r.stderr
    # Receipts, complaints and the frequency caps need a month of deliveries.
    r = srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", a["org_id"], "--delivery-days", "7",
                check=False)
    assert r.returncode != 0 and "--delivery-days must be 0 (keep) or from 30" in r.stderr, r.stderr
    srv.write_config()
    with srv.start():
        r = srv.cli("privacy", "retention", "--data", srv.data_dir, "--org", a["org_id"], check=False)
        assert r.returncode != 0 and "another tocsin process" in r.stderr, r.stderr
    applied = retention(srv, a["org_id"], "--inbound-days", "30")
    assert applied["policy"]["inbound_text_days"] == 30
    assert applied["applied"] == {"people_erased": 0, "evidence_blanked": 0, "inbound_deleted": 0,
                                  "deliveries_aggregated": 0, "messages_aggregated": 0}
    assert retention(srv, a["org_id"], "--delivery-days", "0")["policy"]["delivery_days"] == 0


# ------------------------------------------------------------------------------------------ deliveries

def setup_mail(srv, org, domain, records):
    """An organization that can send email blasts from `domain` (its DKIM record goes into `records`)."""
    d = str(srv.data_dir)
    srv.cli("settings", "--data", d, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL 62701")
    added = srv.json_line(srv.cli("domain", "add", "--data", d, "--org", org["org_id"], domain).stdout)
    records.update(sending_domain_records(added))


def verify_mail(srv, org, domain, dns):
    verified = srv.json_line(srv.cli("domain", "verify", "--data", str(srv.data_dir), "--org", org["org_id"], domain,
                                     "--dns", dns.forwarder).stdout)
    assert verified["verified"], verified


def tag_people(c, tag, addresses, unsubscribed=()):
    assert c.post("tags", json={"name": tag}).status_code == 200
    for address in addresses:
        c.signup(email=address, email_status="subscribed", tags=[tag])
    for address in unsubscribed:
        c.signup(email=address, email_status="unsubscribed", tags=[tag])
    return next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == tag)["_links"]["self"]["href"]


def blast(c, tag_href, domain, name):
    """Sends an email blast to the tag and waits until it is sent; its id."""
    r = c.post("messages", json={"name": name, "subject": name, "body": "<p>Join us.</p>", "from": "Action",
                                 "reply_to": f"team@{domain}", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    mid = an_id(r.json())
    assert c.post(f"messages/{mid}/send", json={}).status_code == 200
    wait_for(lambda: c.get(f"messages/{mid}").json()["status"] == "sent", f"message {mid} sent", timeout=60)
    return mid


def rows_of(srv, table, mid):
    db = srv.db()
    try:
        return db.execute(f"SELECT count(*) FROM {table} WHERE message_id = ?", (mid,)).fetchone()[0]
    finally:
        db.close()


def test_old_deliveries_are_aggregated_into_counts_and_statistics_stay(tmp_path, smtp_sink, local_dns):
    srv = TocsinServer(tmp_path / "data")
    a = srv.init("A")
    b = srv.create_org("B")
    records = {}
    setup_mail(srv, a, "example.org", records)
    setup_mail(srv, b, "b.example.org", records)
    dns = local_dns(records)
    verify_mail(srv, a, "example.org", dns)
    verify_mail(srv, b, "b.example.org", dns)
    sink = smtp_sink()
    # One-click links are https only (RFC 8058): the server speaks plain http behind the https public_url a
    # proxy would serve, as in test_mail_feedback_blast.
    srv.port = free_port()
    srv.write_config(server={"public_url": f"https://127.0.0.1:{srv.port}"},
                     sections={"email": {"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": "off",
                                         "mail_domain": "mail.example.org"},
                               "privacy": {"retention_sweep_seconds": 1}})

    # 400 days ago: A's blast to five subscribers (one then unsubscribes through the message's own link) and
    # one unsubscribed person (excluded); B's blast to three.
    asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0") if o)
    srv.env = {**srv.env, "LD_PRELOAD": FAKETIME_LIB, "FAKETIME": "-400d", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
               "ASAN_OPTIONS": asan}
    with srv.start():
        ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
        a_tag = tag_people(ca, "members", [f"a{i}@example.net" for i in range(5)], ["out@example.net"])
        b_tag = tag_people(cb, "members", [f"b{i}@example.net" for i in range(3)])
        old = blast(ca, a_tag, "example.org", "Old news")
        b_old = blast(cb, b_tag, "b.example.org", "B news")
        to_a0 = next(m for m in (message_from_bytes(raw, policy=default_policy) for raw in sink.messages())
                     if str(m["To"]) == "a0@example.net")
        link = re.search(r"<(https://[^>]*/unsubscribe/[^>]+)>", str(to_a0["List-Unsubscribe"])).group(1)
        assert requests.post(link.replace("https://", "http://"), data="List-Unsubscribe=One-Click",
                             allow_redirects=False, timeout=20).status_code == 200
        stats = wait_for(lambda: (s := ca.get(f"messages/{old}").json()["statistics"])["unsubscribed"] == 1 and s,
                         "the unsubscribe counted")
        b_stats = cb.get(f"messages/{b_old}").json()["statistics"]
    assert stats["sent"] == 5 and stats["tocsin:excluded"] == {"not_subscribed": 1}, stats
    assert b_stats["sent"] == 3, b_stats
    old_rows = rows_of(srv, "deliveries", old)
    assert old_rows == 5 and rows_of(srv, "delivery_plan_chunks", old) > 0

    # Today: A keeps deliveries 30 days; B keeps the default (five years).
    srv.env = {k: v for k, v in srv.env.items() if k == "TOCSIN_DATABASE_URL"}
    policy = retention(srv, a["org_id"], "--delivery-days", "30", "--dry-run")
    assert policy["policy"]["delivery_days"] == 30
    assert policy["due"]["delivery_rows"] == old_rows and policy["due"]["delivery_messages"] == 1, policy
    assert rows_of(srv, "deliveries", old) == old_rows  # a dry run changes nothing
    b_policy = retention(srv, b["org_id"], "--dry-run")
    assert b_policy["policy"]["delivery_days"] == 1825 and b_policy["due"]["delivery_rows"] == 0, b_policy
    with srv.start():
        ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
        recent = blast(ca, a_tag, "example.org", "Fresh news")  # sent while the sweeper runs every second
        wait_for(lambda: rows_of(srv, "deliveries", old) == 0, "the old deliveries aggregated")
        wait_for(lambda: rows_of(srv, "delivery_plans", old) == 0, "the old plan folded")
        assert rows_of(srv, "delivery_plan_chunks", old) == 0
        # The statistics through the API: exactly as before the sweep.
        assert ca.get(f"messages/{old}").json()["statistics"] == stats
        # Nothing of the old blast names a person any more; its counts do not either.
        db = srv.db()
        try:
            counts = db.execute("SELECT state, count, handed_over, unsubscribed FROM delivery_counts "
                                "WHERE message_id = ? ORDER BY state", (old,)).fetchall()
            columns = [r[1] for r in db.execute("PRAGMA table_info(delivery_counts)").fetchall()] \
                if srv.backend == "sqlite" else None
        finally:
            db.close()
        assert sum(r[1] for r in counts) == 6 and sum(r[2] for r in counts) == 5 and sum(r[3] for r in counts) == 1
        assert columns is None or not {"person_id", "address", "contact_hash"} & set(columns), columns
        # The recent blast and B's old one keep their rows.
        assert rows_of(srv, "deliveries", recent) == 4  # a0 unsubscribed meanwhile: excluded in the plan
        assert rows_of(srv, "deliveries", b_old) == 3 and rows_of(srv, "delivery_plan_chunks", b_old) > 0
        assert cb.get(f"messages/{b_old}").json()["statistics"] == b_stats
        assert ca.get(f"messages/{recent}").json()["statistics"]["sent"] == 4
    again = retention(srv, a["org_id"], "--dry-run")
    assert again["due"]["delivery_rows"] == 0 and again["due"]["delivery_messages"] == 0, again
