"""Inbound texts end to end (compliance-rules §1.4, §1.5): a supporter texts from fakesmsc (the phone
network), real Kannel (bearerbox + smsbox) calls tocsin's /sms/kannel/mo through its get-url, and tocsin's
replies go back through Kannel's sendsms to the phone. Also: the callbacks' authentication and bad input, and
the Twilio-compatible webhooks against the Twilio stand-in."""

from __future__ import annotations

import base64
import hashlib
import hmac

import requests

from fixtures.twilio_standin import TwilioStandIn
from sms_setup import (HELP_REPLY, RESUBSCRIBED, SECRET, SENDER, STOP_CONFIRMATION, kannel_and_tocsin,
                       sms_ledger, sms_status, texting_server, texts_to, wait_until)
from tocsin_server import an_id, free_port

PHONE = "+12125550123"
STRANGER = "+12125550177"  # a number no supporter has


def test_stop_help_start_from_the_phone_through_kannel(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        c = srv.client(org["api_key"])
        pid = an_id(c.signup(phone=PHONE[1:], phone_status="subscribed"))
        assert sms_status(c, pid) == "subscribed"
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731

        k.phone(mo=f"{PHONE} {SENDER} text Stop!")
        # (memory may show the status one commit before the ledger entry is durable: wait for the entry)
        wait_until("the opt-out", lambda: len(sms_ledger(c, pid)) == 2, log=log)
        assert sms_status(c, pid) == "unsubscribed"
        entry = sms_ledger(c, pid)[-1]
        assert (entry["old_status"], entry["new_status"]) == ("subscribed", "unsubscribed")
        assert entry["method"] == "sms keyword STOP"
        assert entry["source"].startswith("sms kannel message ") and entry["source"].endswith(f" to {SENDER}")
        assert entry["actor"] == "recipient" and entry["verified"] is True
        wait_until("the confirmation", lambda: texts_to(k, PHONE), log=log)

        # STOP again: nothing changes and no second confirmation. The HELP that follows is answered by the
        # same reply queue, after anything the second STOP could have queued, so once its answer is on the
        # phone a second confirmation would be there too.
        k.phone(mo=f"{PHONE} {SENDER} text STOP")
        k.phone(mo=f"{PHONE} {SENDER} text help")
        wait_until("the HELP answer", lambda: HELP_REPLY in texts_to(k, PHONE), log=log)
        assert texts_to(k, PHONE) == [STOP_CONFIRMATION, HELP_REPLY]
        assert len(sms_ledger(c, pid)) == 2  # signup, opt-out
        assert "already_opted_out" in srv.log_tail()

        # HELP from a number that never subscribed is answered too (SMS-K2), and changes nothing.
        k.phone(mo=f"{STRANGER} {SENDER} text INFO")
        wait_until("the HELP answer to a stranger", lambda: texts_to(k, STRANGER) == [HELP_REPLY], log=log)
        for line in texts_to(k, STRANGER):
            assert len(line) <= 160  # one GSM-7 segment (SMS-K3)

        # START re-subscribes, with the MO as evidence, and is confirmed.
        k.phone(mo=f"{PHONE} {SENDER} text START")
        wait_until("the re-subscription", lambda: len(sms_ledger(c, pid)) == 3, log=log)
        assert sms_status(c, pid) == "subscribed"
        assert sms_ledger(c, pid)[-1]["method"] == "sms keyword START"
        wait_until("the START confirmation", lambda: texts_to(k, PHONE)[-1:] == [RESUBSCRIBED], log=log)

        # A plain reply is kept and answered with nothing.
        k.phone(mo=f"{PHONE} {SENDER} text See you Saturday")
        wait_until("the plain reply", lambda: "-> stored" in srv.log_tail(), log=log)
        k.phone(mo=f"{STRANGER} {SENDER} text help")  # barrier, as above
        wait_until("the second HELP answer", lambda: len(texts_to(k, STRANGER)) == 2, log=log)
        assert texts_to(k, PHONE) == [STOP_CONFIRMATION, HELP_REPLY, RESUBSCRIBED]


def test_plain_language_opt_outs_from_the_phone_through_kannel(tmp_path):
    """SMS-R1: revocation by any reasonable means. Phrasings from tests/fixtures/sms/keyword_corpus.tsv, each
    from its own phone; a slogan or a visit with STOP in it is a reply, not an opt-out."""
    replies = {"please stop": True, "Opt-out please": True, "take me off your list": True,
               "don't text me again": True, "Stop the pipeline!": False, "I'll stop by the office tomorrow": False}
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        c = srv.client(org["api_key"])
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731
        stored = 0
        for i, (text, opts_out) in enumerate(replies.items()):
            phone = f"+1212555{2000 + i:04d}"
            pid = an_id(c.signup(phone=phone[1:], phone_status="subscribed"))
            # One phone connection per text, kept until its effect is seen (a new one hangs the last up).
            k.phone(mo=f"{phone} {SENDER} text {text}")
            if opts_out:
                wait_until(f"the opt-out by '{text}'", lambda: len(sms_ledger(c, pid)) == 2, log=log)
                assert sms_status(c, pid) == "unsubscribed", text
                assert sms_ledger(c, pid)[-1]["method"] == "sms revocation phrase", text
                wait_until("the confirmation", lambda: texts_to(k, phone) == [STOP_CONFIRMATION], log=log)
            else:
                stored += 1
                wait_until(f"'{text}' stored", lambda: srv.log_tail().count("-> stored") == stored, log=log)
                assert sms_status(c, pid) == "subscribed" and len(sms_ledger(c, pid)) == 1, text
                assert texts_to(k, phone) == [], text


def kannel_mo(port: int, **fields) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{port}/sms/kannel/mo", params=fields, timeout=20)


def test_kannel_callbacks_refuse_what_is_not_authentic_or_well_formed(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        c = srv.client(org["api_key"])
        pid = an_id(c.signup(phone=PHONE[1:], phone_status="subscribed"))
        stop = {"from": PHONE, "to": SENDER, "text": "STOP", "charset": "UTF-8", "id": "mo-x", "ts": "1800000000"}

        for secret, status in ((None, 403), ("wrong-secret-wrong-secret-wrong-xx", 403), (SECRET[:-1], 403)):
            fields = dict(stop, **({"secret": secret} if secret else {}))
            r = kannel_mo(srv.port, **fields)
            assert r.status_code == status, r.text
            assert r.json()["error"] == "missing or wrong callback secret"
        assert sms_status(c, pid) == "subscribed"

        r = kannel_mo(srv.port, secret=SECRET, **{k_: v for k_, v in stop.items() if k_ != "from"})
        assert (r.status_code, r.json()["error"]) == (400, "the callback has no 'from'")
        r = kannel_mo(srv.port, secret=SECRET, **dict(stop, to="+12025550999"))
        assert (r.status_code, r.json()["error"]) == (404, "no organization texts from +12025550999")
        r = kannel_mo(srv.port, secret=SECRET, **dict(stop, **{"from": "not-a-number"}))
        assert r.status_code == 400 and "'from' is not a phone number" in r.json()["error"]
        r = kannel_mo(srv.port, secret=SECRET, **dict(stop, ts="yesterday"))
        assert r.status_code == 400
        r = requests.get(f"{srv.base}/sms/kannel/mo?secret={SECRET}&from=%2B12125550123&to="
                         f"%2B12025550100&charset=UTF-8&text=%FF%FE", timeout=20)
        assert (r.status_code, r.json()["error"]) == (400, "the text is not valid UTF-8")
        r = requests.post(f"{srv.base}/sms/kannel/mo?secret={SECRET}", data="x" * 70000,
                          headers={"Content-Type": "text/plain"}, timeout=20)
        assert r.status_code == 413
        assert requests.put(f"{srv.base}/sms/kannel/mo", timeout=20).status_code == 405
        assert sms_status(c, pid) == "subscribed" and len(sms_ledger(c, pid)) == 1
        assert "refused (403)" in srv.log_tail() and "refused (404)" in srv.log_tail()

        # The DLR endpoint: same secret; a malformed type or an unknown delivery changes nothing.
        dlr = f"{srv.base}/sms/kannel/dlr"
        assert requests.get(dlr, params={"delivery": "x:1", "type": "1"}, timeout=20).status_code == 403
        r = requests.get(dlr, params={"delivery": "x:1", "type": "3", "secret": SECRET}, timeout=20)
        assert (r.status_code, r.json()["error"]) == (400, "unknown DLR type: 3")
        r = requests.get(dlr, params={"delivery": "0f9c2b1e-0000-4000-8000-000000000000:0", "type": "1",
                                      "secret": SECRET}, timeout=20)
        assert r.status_code == 404 and r.json()["error"].startswith("no such delivery")
        r = requests.get(dlr, params={"delivery": "nonsense", "type": "1", "secret": SECRET}, timeout=20)
        assert r.status_code == 400

        # The same MO delivered twice (smsbox retries a callback that failed): applied once.
        good = dict(stop, secret=SECRET)
        assert kannel_mo(srv.port, **good).status_code == 200
        assert kannel_mo(srv.port, **good).status_code == 200
        assert sms_status(c, pid) == "unsubscribed" and len(sms_ledger(c, pid)) == 2
        assert "repeated by the gateway; already applied" in srv.log_tail()


# --------------------------------------------------------------------------------------------- Twilio
ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-for-tests"


def twilio_sections(tw: TwilioStandIn) -> dict:
    return {"sms": {"gateway": "twilio", "twilio_base_url": tw.base_url, "twilio_account_sid": ACCOUNT,
                    "twilio_auth_token": TOKEN}}


def twilio_sign(url: str, fields: dict) -> str:
    """X-Twilio-Signature as Twilio computes it: HMAC-SHA1 over the URL and the sorted POST fields."""
    data = url + "".join(k + v for k, v in sorted(fields.items()))
    return base64.b64encode(hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_post(url: str, fields: dict, signature: str | None) -> requests.Response:
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    return requests.post(url, data=fields, headers=headers, timeout=20)


def test_twilio_webhooks_are_verified_and_applied(tmp_path):
    port = free_port()
    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        srv, org = texting_server(tmp_path, port, twilio_sections(tw))
        with srv.start():
            c = srv.client(org["api_key"])
            pid = an_id(c.signup(phone=PHONE[1:], phone_status="subscribed"))
            url = f"{srv.base}/sms/twilio/inbound"
            stop = {"MessageSid": "SM" + "1" * 32, "AccountSid": ACCOUNT, "From": PHONE, "To": SENDER,
                    "Body": "STOP", "NumMedia": "0"}

            assert twilio_post(url, stop, None).status_code == 403
            forged = twilio_post(url, stop, twilio_sign(url, dict(stop, Body="HELLO")))
            assert (forged.status_code, forged.json()["error"]) == (403, "X-Twilio-Signature does not match")
            other_url = twilio_post(url, stop, twilio_sign(url + "?x=1", stop))
            assert other_url.status_code == 403
            assert sms_status(c, pid) == "subscribed" and tw.accepted == []

            r = twilio_post(url, stop, twilio_sign(url, stop))
            assert r.status_code == 200, r.text
            assert r.headers["Content-Type"].startswith("text/xml") and "<Response></Response>" in r.text
            assert sms_status(c, pid) == "unsubscribed"
            entry = sms_ledger(c, pid)[-1]
            assert entry["method"] == "sms keyword STOP"
            assert entry["source"] == f"sms twilio message {stop['MessageSid']} to {SENDER}"
            wait_until("the confirmation at the stand-in", lambda: tw.accepted, log=srv.log_tail)
            assert [(a["To"], a["From"], a["Body"]) for a in tw.accepted] == [(PHONE, SENDER, STOP_CONFIRMATION)]
            assert tw.problems == []
            # The confirmation's StatusCallback names a keyword reply, which is acknowledged and not tracked.
            cb = tw.accepted[0]["StatusCallback"]
            assert cb.startswith(f"{srv.base}/sms/twilio/status?delivery=reply-")
            status = {"MessageSid": tw.accepted[0]["sid"], "MessageStatus": "delivered"}
            r = twilio_post(cb, status, twilio_sign(cb, status))
            assert r.status_code == 200 and r.json()["tracked"] is False

            missing = {k: v for k, v in stop.items() if k != "From"}
            r = twilio_post(url, missing, twilio_sign(url, missing))
            assert (r.status_code, r.json()["error"]) == (400, "the webhook has no 'From'")


def test_twilio_status_callback_updates_the_delivery_of_a_blast(tmp_path):
    port = free_port()
    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        srv, org = texting_server(tmp_path, port, twilio_sections(tw))
        with srv.start():
            c = srv.client(org["api_key"])
            phones = ["+12125550131", "+12125550132"]
            assert c.post("tags", json={"name": "texters"}).status_code == 200
            for p in phones:
                c.signup(phone=p[1:], phone_status="subscribed", tags=["texters"])
            tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "texters")
            mid = an_id(c.post("messages", json={"type": "tocsin:sms", "body": "Rally Saturday at noon.",
                                                     "tocsin:sms_sender": SENDER,
                                                     "targets": [{"href": tag["_links"]["self"]["href"]}]}).json())
            assert c.post(f"messages/{mid}/send", json={}).status_code == 200
            wait_until("the blast", lambda: c.get(f"messages/{mid}").json()["status"] == "sent", log=srv.log_tail)
            assert len(tw.accepted) == 2 and tw.problems == []
            by_phone = {a["To"]: a for a in tw.accepted}

            def report(phone, status, code=None):
                a = by_phone[phone]
                fields = {"MessageSid": a["sid"], "MessageStatus": status, "AccountSid": ACCOUNT}
                if code:
                    fields["ErrorCode"] = code
                return twilio_post(a["StatusCallback"], fields, twilio_sign(a["StatusCallback"], fields))

            assert report(phones[0], "sent").json()["state"] == "handed_over"
            r = report(phones[0], "delivered")
            assert (r.status_code, r.json()["state"], r.json()["changed"]) == (200, "delivered", True)
            assert report(phones[0], "delivered").json()["changed"] is False  # repeated: idempotent
            assert report(phones[1], "undelivered", "30003").json()["state"] == "bounced"
            bad = twilio_post(by_phone[phones[1]]["StatusCallback"], {"MessageStatus": "delivered"}, "bogus")
            assert bad.status_code == 403
            stats = c.get(f"messages/{mid}").json()["statistics"]
            assert (stats["tocsin:delivered"], stats["bounced"], stats["sent"]) == (1, 1, 2), stats
            # A callback naming another delivery than the URL it was signed for is refused.
            a, other = by_phone[phones[0]], by_phone[phones[1]]
            fields = {"MessageSid": a["sid"], "MessageStatus": "failed"}
            assert twilio_post(other["StatusCallback"], fields, twilio_sign(a["StatusCallback"], fields)).status_code == 403
            assert c.get(f"messages/{mid}").json()["statistics"] == stats
