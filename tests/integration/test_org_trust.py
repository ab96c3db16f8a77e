"""Per-organization trust and provider profiles (issue 15), through the real CLI and server: a new
organization's first large blast is held (reason code and sentence in the send's answer, the message and the
preflight), shown in `tocsin review list` and released by `tocsin review approve`; `tocsin org trust` lets
organization B's go, audited; undelivered and carrier-refused texts (Kannel DLRs as smsbox posts them) pause the
organization's text blasts with the figures, in the same commit as the receipt that passed the limit, while
HELP is still answered, and `tocsin org resume` lifts it; hard bounces 5.1.1 pause bulk email with theirs; a
provider profile that forbids marketing refuses a marketing blast on a registered 10DLC number. What is checked
is what leaves (the SMS outbox file, read as written) and the raw rows (org_docs, deliveries)."""

from __future__ import annotations

import json
import time

import requests

from sms_setup import BRAND, HELP_REPLY, SECRET, SENDER, texting_server, wait_until
from test_mail_feedback import DOMAIN, Blast
from test_mail_feedback import SECRET as INGEST_SECRET
from test_sender_levers import create_text, outbox, sent
from tocsin_server import an_id, free_port

B_SENDER = "+12025550122"  # organization B's number
BODY = "Rally at city hall on Saturday at noon."


def number(i: int) -> str:
    return f"+1212555{3000 + i:04d}"  # New York numbers: sms_setup's clock is daytime there


def docs(srv, org_id: str, kind: str) -> list[dict]:
    db = srv.db()
    try:
        return [json.loads(srv.unseal(d, "org_docs.doc")) for (d,) in db.execute(
            "SELECT doc FROM org_docs WHERE org_id = ? AND kind = ?", (org_id, kind))]
    finally:
        db.close()


def message_doc(srv, org_id: str, mid: str) -> dict:
    return next(d for d in docs(srv, org_id, "message") if d["id"] == mid)


def tag_numbers(c, tag: str, numbers: list[str]) -> str:
    assert c.post("tags", json={"name": tag}).status_code == 200
    for n in numbers:
        c.signup(phone=n[1:], phone_status="subscribed", tags=[tag])
    t = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == tag)
    return t["_links"]["self"]["href"]


def dlr(srv, delivery: str, kind: int, answer: str) -> requests.Response:
    """The request smsbox makes for a delivery report (docs/SMS.md, the driver's dlr-url)."""
    return requests.get(f"{srv.base}/sms/kannel/dlr", timeout=30, params={
        "secret": SECRET, "delivery": delivery, "type": str(kind), "answer": answer, "ts": str(int(time.time()))})


def mo(srv, phone: str, text: str, mo_id: str) -> requests.Response:
    return requests.get(f"{srv.base}/sms/kannel/mo", timeout=30, params={
        "secret": SECRET, "from": phone, "to": SENDER, "text": text, "charset": "UTF-8", "coding": "0",
        "smsc": "fake", "id": mo_id, "ts": str(int(time.time()))})


def installation(tmp_path, trust: dict, sms: dict | None = None):
    sections = {"sms": {"kannel_secret": SECRET, **(sms or {})}, "trust": trust}
    srv, org = texting_server(tmp_path, free_port(), sections)
    org_b = srv.create_org("B")
    srv.cli("settings", "--data", srv.data_dir, "--org", org_b["org_id"], "--brand", BRAND)
    srv.cli("sender", "add", "--data", srv.data_dir, "--org", org_b["org_id"], B_SENDER, "--type", "10dlc",
            "--registered", "--campaign", "CTEST002", "--mps", "10")
    return srv, org, org_b


def test_a_new_organizations_first_large_blast_waits_for_review_and_is_released_by_approval(tmp_path):
    srv, org, org_b = installation(tmp_path, {"review_first_blasts": 1, "review_over_recipients": 3})
    with srv.start():
        log = srv.log_tail
        a, b = srv.client(org["api_key"]), srv.client(org_b["api_key"])
        href = tag_numbers(a, "texters", [number(i) for i in range(5)])
        b_href = tag_numbers(b, "b-texters", [number(10 + i) for i in range(4)])

        # A small blast (3 recipients, not over the limit) is never held.
        small = tag_numbers(a, "few", [number(i) for i in range(3)])
        mid = create_text(a, small, SENDER)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        sent(a, mid, log)
        assert len(outbox(srv)) == 3

        # The first large one: held, nothing leaves, and everyone reads the same reason.
        mid = create_text(a, href, SENDER)
        pre = a.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["blocked_reason"] == "new_org_review", pre
        assert "first 1 blasts over 3 recipients are reviewed; this one has 5 recipients" in pre["blocked"], pre
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 202, r.text
        assert r.json()["tocsin:held_reason"] == "new_org_review"
        assert "this one has 5 recipients and would be large blast 1 of 1" in r.json()["message"], r.text
        m = a.get(f"messages/{mid}").json()
        assert m["status"] == "tocsin:held" or m["status"] == "held", m
        time.sleep(1)
        assert len(outbox(srv)) == 3
        row = message_doc(srv, org["org_id"], mid)
        assert row["status"] == "held" and row["review_state"] == "held", row
        assert row["status_reason"].startswith("held for review: new_org_review: "), row

        listed = [json.loads(line) for line in srv.cli("review", "list", "--data", srv.data_dir).stdout.splitlines()]
        assert [(x["org_id"], x["message_id"]) for x in listed] == [(org["org_id"], mid)]
        assert listed[0]["reason"].startswith("held for review: new_org_review: ")

        # Organization B's large blast is held on its own: A's review does not concern it.
        b_mid = create_text(b, b_href, B_SENDER)
        assert b.post(f"messages/{b_mid}/send", json={}).status_code == 202

        out = srv.json_line(srv.cli("review", "approve", "--data", srv.data_dir, "--org", org["org_id"],
                                    "--message", mid, "--by", "operator").stdout)
        assert out["status"] == "draft" and out["review_state"] == "approved", out
        wait_until("the approval to reach the server",
                   lambda: a.get(f"messages/{mid}").json()["status"] == "draft", log=log)
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 200, r.text
        sent(a, mid, log)
        assert sorted(t["to"] for t in outbox(srv)[3:]) == sorted(number(i) for i in range(5))
        assert all(t["from"] == SENDER for t in outbox(srv))

        # Its first large blast is behind it: the next one goes without review.
        mid2 = create_text(a, href, SENDER, body="Second rally on Sunday.")
        assert a.post(f"messages/{mid2}/send", json={}).status_code == 200
        sent(a, mid2, log)

        # `org trust` vouches for B (audited before it takes effect); its held message sends once edited.
        out = srv.json_line(srv.cli("org", "trust", "--data", srv.data_dir, "--org", org_b["org_id"],
                                    "--reason", "known coalition partner").stdout)
        assert out["trusted"] is True and out["audit"] == "org.trust"
        audit = [d for d in docs(srv, org_b["org_id"], "staff_audit") if d.get("action") == "org.trust"]
        assert len(audit) == 1 and "known coalition partner" in audit[0]["target"], audit
        assert docs(srv, org_b["org_id"], "messaging_settings")[0]["trusted"] is True
        assert docs(srv, org["org_id"], "messaging_settings")[0].get("trusted", False) is False
        wait_until("B's trust to reach the server",
                   lambda: b.get("tocsin:messaging_settings").json()["trusted"] is True, log=log)
        assert a.get("tocsin:messaging_settings").json()["trusted"] is False
        # A held message is edited back to a draft, then sent: no review now.
        r = b.put(f"messages/{b_mid}", json={"body": BODY + " Bring a friend."})
        assert r.status_code == 200, r.text
        r = b.post(f"messages/{b_mid}/send", json={})
        assert r.status_code == 200, r.text
        sent(b, b_mid, log)
        assert len([t for t in outbox(srv) if t["from"] == B_SENDER]) == 4


def test_undeliverable_texts_pause_the_organizations_text_blasts_with_the_figures(tmp_path):
    srv, org, org_b = installation(tmp_path, {"review_first_blasts": 0, "texts_undeliverable_pause_percent": 50,
                                              "texts_pause_min_handed_over": 4})
    with srv.start():
        log = srv.log_tail
        a, b = srv.client(org["api_key"]), srv.client(org_b["api_key"])
        href = tag_numbers(a, "texters", [number(i) for i in range(4)])
        b_href = tag_numbers(b, "b-texters", [number(10)])
        mid = create_text(a, href, SENDER)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        sent(a, mid, log)
        deliveries = sorted(t["delivery_id"] for t in outbox(srv))
        assert len(deliveries) == 4

        # One delivered, one refused by the carrier: 1 of 4 undeliverable, under 50 %.
        assert dlr(srv, deliveries[0], 1, "ok").status_code == 200
        assert dlr(srv, deliveries[1], 16, "30007 carrier filtered").status_code == 200
        assert docs(srv, org["org_id"], "messaging_settings")[0].get("bulk_texts_paused", False) is False
        # The second undeliverable one passes it: paused in the same commit as that receipt.
        r = dlr(srv, deliveries[2], 2, "absent subscriber")
        assert r.status_code == 200 and r.json()["state"] == "bounced", r.text
        s = docs(srv, org["org_id"], "messaging_settings")[0]
        want = (f"undeliverable rate 50.00% (2 undelivered or carrier-refused texts of 4 handed over) on message "
                f"{mid} passed 50.0%")
        assert s["bulk_texts_paused"] is True and s["bulk_texts_paused_reason"] == want, s
        db = srv.db()
        try:
            states = dict(db.execute("SELECT seq, state FROM deliveries WHERE message_id = ?", (mid,)).fetchall())
        finally:
            db.close()
        # delivered, bounced, failed (the receipts) and one still handed over
        assert sorted(states.values()) == [3, 4, 5, 7], states

        # The next blast is refused with the reason code and the figures; nothing is planned or sent.
        mid2 = create_text(a, href, SENDER, body="Another rally.")
        r = a.post(f"messages/{mid2}/send", json={})
        assert r.status_code == 422 and "(bulk_texts_paused)" in r.json()["error"] and want in r.json()["error"], r.text
        pre = a.get(f"messages/{mid2}/tocsin:preflight").json()
        assert pre["blocked_reason"] == "bulk_texts_paused" and want in pre["blocked"], pre
        settings = a.get("tocsin:messaging_settings").json()
        assert settings["bulk_texts_paused"] is True and settings["bulk_texts_paused_reason"] == want
        # HELP is still answered, and organization B still sends.
        assert mo(srv, number(0), "HELP", "mo-help-1").status_code == 200
        wait_until("the HELP answer", lambda: [t["body"] for t in outbox(srv) if t["to"] == number(0)][-1:] ==
                   [HELP_REPLY], log=log)
        b_mid = create_text(b, b_href, B_SENDER)
        assert b.post(f"messages/{b_mid}/send", json={}).status_code == 200
        sent(b, b_mid, log)

        # The operator lifts it (audited with the figures); the blast goes.
        r = srv.cli("org", "resume", "--data", srv.data_dir, "--org", org["org_id"], "--channel", "email",
                    "--reason", "x", check=False)
        assert r.returncode != 0 and "not paused" in r.stderr
        out = srv.json_line(srv.cli("org", "resume", "--data", srv.data_dir, "--org", org["org_id"], "--channel",
                                    "sms", "--reason", "list cleaned").stdout)
        assert out["bulk_texts_paused"] is False and out["audit"] == "org.resume"
        audit = [d for d in docs(srv, org["org_id"], "staff_audit") if d.get("action") == "org.resume"]
        assert len(audit) == 1 and want in audit[0]["target"] and "list cleaned" in audit[0]["target"], audit
        wait_until("the resume to reach the server",
                   lambda: a.post(f"messages/{mid2}/send", json={}).status_code == 200, log=log)
        sent(a, mid2, log)


def test_a_provider_that_forbids_marketing_refuses_it_on_a_registered_number(tmp_path):
    srv, org, _ = installation(tmp_path, {"review_first_blasts": 0}, {"profile": "no_marketing"})
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        href = tag_numbers(a, "texters", [number(i) for i in range(2)])
        mid = create_text(a, href, SENDER, marketing=True, body="Donate today to keep the office open!")
        pre = a.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["blocked_reason"] == "provider_forbids_marketing", pre
        assert "Provider profile \"no_marketing\", a 10DLC number" in pre["blocked"], pre
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and "(provider_forbids_marketing)" in r.json()["error"], r.text
        assert outbox(srv) == []
        # The same number carries what is not marketing.
        mid = create_text(a, href, SENDER)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        sent(a, mid, log)
        assert sorted(t["to"] for t in outbox(srv)) == [number(0), number(1)]


def test_an_unknown_provider_profile_is_a_configuration_error(tmp_path):
    srv, org, _ = installation(tmp_path, {}, {"profile": "cheapest"})
    r = srv.cli("ingest-mail", "--data", srv.data_dir, check=False, input="")
    assert r.returncode != 0
    assert 'no SMS provider profile "cheapest" (known: default, no_marketing, per_number_type)' in r.stderr


def test_unknown_users_pause_bulk_email_with_the_figures(tmp_path):
    b = Blast(tmp_path, people=3, extra_deliveries=7)  # 10 handed over
    b.srv.write_config(server={"listen": f"127.0.0.1:{b.srv.port}"},
                       sections={"email": {"mail_domain": DOMAIN, "ingest_secret": INGEST_SECRET},
                                 "trust": {"unknown_user_pause_percent": 20, "email_pause_min_handed_over": 10}})
    try:
        outs = [b.ingest(b.fixture("postfix-hard-5.1.1.eml", seq)) for seq in range(2)]
        assert [o["outcome"] for o in outs] == ["hard_bounce", "hard_bounce"]
        assert [o["bulk_email_paused"] for o in outs] == [False, True]
        s = b.settings_doc()
        want = (f"unknown-user rate 20.00% (2 hard bounces 5.1.1 of 10 handed over) on message {b.message_id} "
                "passed 20.0%")
        assert s["bulk_email_paused"] is True and s["bulk_email_paused_reason"] == want, s
        reasons = [r for (r,) in b.db("SELECT reason FROM deliveries WHERE message_id = ? AND state = 5 ORDER BY seq",
                                      b.message_id)]
        assert len(reasons) == 2 and all(r.startswith("hard bounce 5.1.1") for r in reasons), reasons
        shown = json.loads(b.srv.cli("settings", "--data", b.srv.data_dir, "--org", b.org["org_id"]).stdout)
        assert shown["bulk_email_paused"] is True and shown["bulk_email_paused_reason"] == want
    finally:
        b.srv.stop()
