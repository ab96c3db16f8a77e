"""Text blasts through POST /api/v2/messages (`type: "tocsin:sms"`) and real Kannel, with fakesmsc as the phone
network: preflight (segments, exclusions), the texts as they arrive (brand, opt-out line), delivery reports
updating the statistics, and the mid-blast STOP race: once tocsin has answered a STOP, no blast text leaves
for that number."""

from __future__ import annotations

import datetime
import time

import requests

import delivery_plan
from sms_setup import (SECRET, SENDER, STOP_CONFIRMATION, kannel_and_tocsin, phone_texts, sms_status,
                       texts_to, wait_until)
from tocsin_server import an_id

BODY = "Rally at city hall on Saturday at noon."
FIRST_TEXT = f"Tocsin Action: {BODY} Reply STOP to opt out."


def number(i: int) -> str:
    return f"+1212555{1000 + i:04d}"  # New York numbers (see sms_setup: the server's clock is daytime there)


def tag_texters(c, n: int) -> None:
    """Tag "texters" with n subscribed numbers: number(0) .. number(n - 1)."""
    assert c.post("tags", json={"name": "texters"}).status_code == 200
    for i in range(n):
        c.signup(phone=number(i)[1:], phone_status="subscribed", tags=["texters"])


def tag_href(c, name: str) -> str:
    tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == name)
    return tag["_links"]["self"]["href"]


def create_text(c, href: str, body: str = BODY) -> str:
    r = c.post("messages", json={"type": "tocsin:sms", "name": "Saturday rally", "body": body,
                                 "tocsin:sms_sender": SENDER, "tocsin:marketing": False,
                                 "targets": [{"href": href}]})
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "tocsin:sms" and r.json()["tocsin:sms_sender"] == SENDER
    return an_id(r.json())


def stop_like_smsbox(port: int, phone: str, mo_id: str) -> requests.Response:
    """The request smsbox makes for an MO "STOP" (the get-url of sms_setup.kannel_get_url, filled in)."""
    return requests.get(f"http://127.0.0.1:{port}/sms/kannel/mo", timeout=30, params={
        "secret": SECRET, "from": phone, "to": SENDER, "text": "STOP", "charset": "UTF-8", "coding": "0",
        "smsc": "fake", "id": mo_id, "ts": str(int(time.time()))})


def deliveries(srv, mid: str) -> dict[str, dict]:
    """Every recipient of the message by number, read from the store (a read-only connection beside the server):
    its delivery row, or its entry in the blast's plan while its delivery has not left it."""
    db = srv.db()
    try:
        return delivery_plan.recipients(db, mid, "p", srv.unseal)
    finally:
        db.close()


def wait_sent(c, mid: str, log) -> dict:
    return wait_until("the blast to finish", lambda: (lambda m: m if m["status"] == "sent" else None)(
        c.get(f"messages/{mid}").json()), timeout=120, log=log)


def test_text_blast_preflight_delivery_and_receipts(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        k.phone()
        c = srv.client(org["api_key"])
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731
        tag_texters(c, 12)
        c.signup(phone=number(12)[1:], phone_status="unsubscribed", tags=["texters"])
        stopped = an_id(c.signup(phone=number(13)[1:], phone_status="subscribed", tags=["texters"]))
        assert stop_like_smsbox(srv.port, number(13), "mo-before").status_code == 200
        assert sms_status(c, stopped) == "unsubscribed"
        wait_until("the confirmation", lambda: texts_to(k, number(13)) == [STOP_CONFIRMATION], log=log)

        mid = create_text(c, tag_href(c, "texters"))
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert (pre["total_targeted"], pre["would_send_now"], pre["deferred"]) == (14, 12, 0), pre
        assert pre["excluded_by_reason"] == {"not_subscribed": 1, "org_suppressed": 1}, pre
        assert (pre["segments"], pre["encoding"]) == (1, "GSM-7"), pre

        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        m = wait_sent(c, mid, log)
        assert m["statistics"]["sent"] == 12 and m["statistics"]["tocsin:excluded"] == {
            "not_subscribed": 1, "org_suppressed": 1}, m["statistics"]

        wait_until("12 texts on the phone network", lambda: len(phone_texts(k)) >= 13, log=log)
        for i in range(12):
            assert texts_to(k, number(i)) == [FIRST_TEXT], i
        assert texts_to(k, number(12)) == [] and texts_to(k, number(13)) == [STOP_CONFIRMATION]
        assert {t.sender for t in phone_texts(k)} == {SENDER}

        # fakesmsc's connection reports SMSC acceptance and handset delivery; smsbox calls tocsin's dlr-url.
        stats = wait_until("the delivery reports", lambda: (lambda s: s if s["tocsin:delivered"] == 12 else None)(
            c.get(f"messages/{mid}").json()["statistics"]), log=log)
        assert stats["sent"] == 12 and stats["tocsin:failed"] == 0, stats
        rows = deliveries(srv, mid)
        assert all(rows[number(i)]["reason"].startswith("delivered") for i in range(12)), rows
        assert (rows[number(13)]["state"], rows[number(13)]["reason"]) == (8, "org_suppressed")


def test_no_blast_text_leaves_for_a_number_after_its_stop_was_answered(tmp_path):
    people = 40
    with kannel_and_tocsin(tmp_path, mps=4) as (k, srv, org):
        k.phone()
        c = srv.client(org["api_key"])
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731
        ids = {}
        assert c.post("tags", json={"name": "texters"}).status_code == 200
        for i in range(people):
            ids[number(i)] = an_id(c.signup(phone=number(i)[1:], phone_status="subscribed",
                                                tags=["texters"]))
        mid = create_text(c, tag_href(c, "texters"))
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_until("the blast to be under way", lambda: len(phone_texts(k)) >= 6, log=log)

        # The last recipient texts STOP from the phone, through smsbox's get-url.
        last = max(deliveries(srv, mid).items(), key=lambda kv: kv[1]["seq"])[0]
        k.phone(mo=f"{last} {SENDER} text STOP")
        wait_until("the opt-out from the phone", lambda: sms_status(c, ids[last]) == "unsubscribed", log=log)

        # Then STOPs as smsbox sends them, aimed at the blast's frontier: the recipients of the round being
        # handed over (cleared by the gate, marked `handing`, waiting for the sender's pace or in flight to
        # Kannel right now) and the next ones; one further ahead is not near the race.
        rows = deliveries(srv, mid)
        frontier = min((r["seq"] for r in rows.values() if r["state"] in (0, 1)), default=None)
        assert frontier is not None and frontier < people - 10, "the blast finished too early"
        by_seq = {r["seq"]: a for a, r in rows.items()}
        handing = sorted(r["seq"] for r in rows.values() if r["state"] == 2)
        racing = [by_seq[s] for s in handing] + [by_seq[frontier + d] for d in (0, 1)]
        ahead = by_seq[frontier + 9]
        acked = {}
        for n, phone in enumerate(racing + [ahead]):
            r = stop_like_smsbox(srv.port, phone, f"mo-race-{n}")
            acked[phone] = time.time()  # the answer is in: from here on nothing may leave for `phone`
            assert r.status_code == 200 and r.text == "", r.text

        m = wait_sent(c, mid, log)
        stopped = racing + [ahead, last]
        wait_until("the confirmations", lambda: all(STOP_CONFIRMATION in texts_to(k, p) for p in stopped),
                   log=log)
        rows = deliveries(srv, mid)
        suppressed = 0
        for phone in stopped:
            texts = texts_to(k, phone)
            assert texts.count(STOP_CONFIRMATION) == 1, (phone, texts)
            blast = [t for t in texts if t != STOP_CONFIRMATION]
            row = rows[phone]
            if row["state"] == 8:  # the gate refused it, or the fence's last look withheld it at the hand-over
                assert row["reason"] == "org_suppressed"
                assert blast == [], (phone, texts)
                suppressed += 1
            else:  # handed to Kannel, which the fence allows only before the STOP was answered
                assert row["state"] in (3, 4), row
                assert blast == [FIRST_TEXT], (phone, texts)
                assert phone in acked and row["handed_at"] <= (acked[phone] + srv.offset) * 1e6, (phone, row)
        assert rows[ahead]["state"] == 8 and rows[last]["state"] == 8, (rows[ahead], rows[last])
        assert m["statistics"]["tocsin:excluded"].get("org_suppressed") == suppressed

        for phone in rows:
            if phone not in stopped:
                assert texts_to(k, phone) == [FIRST_TEXT], phone


def test_segments_are_those_of_the_text_as_sent_and_a_text_over_the_limit_is_refused(tmp_path):
    # 130 characters fit one segment as written; as sent (brand in front, opt-out line after) they are 168.
    long_body = "Hearing on the rezoning moved to room 4B at city hall, Thursday 6pm. Bring a neighbor and your " \
                "questions; we will have signs here."
    assert len(long_body) == 130
    with kannel_and_tocsin(tmp_path, max_segments=1, daily_cap=3) as (k, srv, org):
        k.phone()
        c = srv.client(org["api_key"])
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731
        tag_texters(c, 5)
        href = tag_href(c, "texters")

        too_long = create_text(c, href, long_body)
        pre = c.get(f"messages/{too_long}/tocsin:preflight").json()
        assert (pre["segments"], pre["encoding"]) == (2, "GSM-7"), pre
        assert pre["blocked_reason"] == "too_many_segments" and pre["would_send_now"] == 0, pre
        r = c.post(f"messages/{too_long}/send", json={})
        assert r.status_code == 422, r.text
        assert "It needs 2 segments; the limit is 1." in r.json()["error"] and "email" not in r.text.lower(), r.text
        assert c.get(f"messages/{too_long}").json()["status"] == "draft"

        # The sender may send 3 texts a day (UTC): 3 go now, 2 tomorrow, as the pacer will hold them.
        mid = create_text(c, href)
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert (pre["segments"], pre["encoding"]) == (1, "GSM-7"), pre
        assert (pre["would_send_now"], pre["deferred"], pre["deferred_by_reason"]) == (
            3, 2, {"sender_daily_cap": 2}), pre
        first_latest = pre["deferred_until_latest"]
        assert first_latest.endswith("T00:00:00Z"), pre
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 200 and r.json() == {"message": "Your text has been sent."}, r.text
        wait_until("3 texts on the phone network", lambda: len(phone_texts(k)) >= 3, log=log)
        time.sleep(1)
        assert len(phone_texts(k)) == 3 and {t.text for t in phone_texts(k)} == {FIRST_TEXT}

        # Today's 3 are spent: a preflight now sends nothing at once, 3 go tomorrow and 2 the day after.
        again = create_text(c, href)
        pre = c.get(f"messages/{again}/tocsin:preflight").json()
        assert (pre["would_send_now"], pre["deferred"], pre["deferred_by_reason"]) == (
            0, 5, {"sender_daily_cap": 5}), pre
        tomorrow = datetime.datetime.fromisoformat(first_latest.replace("Z", "+00:00"))
        assert pre["deferred_until_latest"] == (tomorrow + datetime.timedelta(days=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"), pre
