"""The platform operator's per-sender levers and the SMS opt-out-rate breaker (issue 15), through the real CLI
and server: `tocsin sender|domain disable|enable` refuse every send on one number or domain with its own reason
code and the operator's words while the organization's other number keeps sending and organization B is
untouched; the breaker pauses one number's blasts after enough STOPs (posted as Kannel's smsbox would) with its
figures, lets the STOP confirmation and HELP answer through, and `sender enable` lifts it. Texts leave through
the SMS outbox file (JSON lines), read as written."""

from __future__ import annotations

import json
import time

import requests

from sms_setup import BRAND, HELP_REPLY, SECRET, SENDER, STOP_CONFIRMATION, texting_server, wait_until
from tocsin_server import an_id, free_port

OTHER = "+12025550111"   # the organization's second number
B_SENDER = "+12025550122"  # organization B's number
BODY = "Rally at city hall on Saturday at noon."


def number(i: int) -> str:
    return f"+1212555{2000 + i:04d}"  # New York numbers: sms_setup's clock is daytime there


def outbox(srv) -> list[dict]:
    path = srv.data_dir / "sms-outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def texts(srv, sender: str | None = None, to: str | None = None) -> list[dict]:
    return [t for t in outbox(srv) if (sender is None or t["from"] == sender) and (to is None or t["to"] == to)]


def add_sender(srv, org_id: str, num: str) -> None:
    srv.cli("sender", "add", "--data", srv.data_dir, "--org", org_id, num, "--type", "10dlc", "--registered",
            "--campaign", "CTEST002", "--mps", "10")


def lever(srv, *args, check: bool = True):
    r = srv.cli(*args, "--data", srv.data_dir, check=check)
    return srv.json_line(r.stdout) if check else r


def tag_numbers(c, tag: str, numbers: list[str]) -> str:
    assert c.post("tags", json={"name": tag}).status_code == 200
    for n in numbers:
        c.signup(phone=n[1:], phone_status="subscribed", tags=[tag])
    t = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == tag)
    return t["_links"]["self"]["href"]


def create_text(c, href: str, sender: str, marketing: bool = False, body: str = BODY) -> str:
    r = c.post("messages", json={"type": "tocsin:sms", "name": "rally", "body": body,
                                 "tocsin:sms_sender": sender, "tocsin:marketing": marketing,
                                 "targets": [{"href": href}]})
    assert r.status_code == 200, r.text
    return an_id(r.json())


def sent(c, mid: str, log) -> dict:
    return wait_until("the blast to finish", lambda: (lambda m: m if m["status"] == "sent" else None)(
        c.get(f"messages/{mid}").json()), timeout=60, log=log)


def sender_state(c, num: str) -> dict | None:
    r = c.get("tocsin:sms_senders")
    assert r.status_code == 200, r.text
    return next((s for s in r.json()["_embedded"]["tocsin:sms_senders"] if s["number"] == num), None)


def mo(srv, phone: str, to: str, text: str, mo_id: str) -> requests.Response:
    """The request smsbox makes for an inbound text (docs/SMS.md, Kannel get-url)."""
    return requests.get(f"{srv.base}/sms/kannel/mo", timeout=30, params={
        "secret": SECRET, "from": phone, "to": to, "text": text, "charset": "UTF-8", "coding": "0",
        "smsc": "fake", "id": mo_id, "ts": str(int(time.time()))})


def installation(tmp_path, breaker: dict | None = None):
    sections = {"sms": {"kannel_secret": SECRET, **(breaker or {})}}
    srv, org = texting_server(tmp_path, free_port(), sections)
    add_sender(srv, org["org_id"], OTHER)
    org_b = srv.create_org("B")
    srv.cli("settings", "--data", srv.data_dir, "--org", org_b["org_id"], "--brand", BRAND)
    add_sender(srv, org_b["org_id"], B_SENDER)
    return srv, org, org_b


def audit_docs(srv, org_id: str) -> list[dict]:
    db = srv.db()
    try:
        return [json.loads(srv.unseal(d, "org_docs.doc")) for (d,) in db.execute(
            "SELECT doc FROM org_docs WHERE org_id = ? AND kind = 'staff_audit'", (org_id,))]
    finally:
        db.close()


def test_a_disabled_number_is_refused_with_its_reason_while_the_other_number_sends(tmp_path):
    srv, org, org_b = installation(tmp_path)
    with srv.start():
        log = srv.log_tail
        a, b = srv.client(org["api_key"]), srv.client(org_b["api_key"])
        href = tag_numbers(a, "texters", [number(i) for i in range(3)])
        b_href = tag_numbers(b, "b-texters", [number(10)])

        out = lever(srv, "sender", "disable", "--org", org["org_id"], "--number", "(202) 555-0100",
                    "--reason", "abuse case 7: phishing links")
        assert out == {"org_id": org["org_id"], "number": SENDER, "disabled": True,
                       "disabled_reason": "abuse case 7: phishing links", "blasts_paused": False}, out
        state = wait_until("the server to apply the lever", lambda: (lambda s: s if s["disabled"] else None)(
            sender_state(a, SENDER)), log=log)
        assert state["disabled_reason"] == "abuse case 7: phishing links" and "disabled_at" in state, state
        assert sender_state(a, OTHER)["disabled"] is False

        # The disabled number's blast is refused before anything is planned, with the reason code and words.
        mid = create_text(a, href, SENDER)
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422, r.text
        assert "sender_disabled" in r.json()["error"] and "abuse case 7: phishing links" in r.json()["error"], r.text
        assert texts(srv, SENDER) == []

        # The organization's other number sends the same audience.
        other = create_text(a, href, OTHER)
        assert a.post(f"messages/{other}/send", json={}).status_code == 200
        assert sent(a, other, log)["statistics"]["sent"] == 3
        assert sorted(t["to"] for t in texts(srv, OTHER)) == [number(i) for i in range(3)]
        assert texts(srv, SENDER) == []

        # Organization B: its number sends, its sender list holds only its own number.
        mid_b = create_text(b, b_href, B_SENDER)
        assert b.post(f"messages/{mid_b}/send", json={}).status_code == 200
        assert sent(b, mid_b, log)["statistics"]["sent"] == 1
        assert [t["to"] for t in texts(srv, B_SENDER)] == [number(10)]
        assert [s["number"] for s in b.get("tocsin:sms_senders").json()["_embedded"]["tocsin:sms_senders"]] == [
            B_SENDER]
        # B's operator lever commands cannot reach A's number: it is not B's.
        r = lever(srv, "sender", "disable", "--org", org_b["org_id"], "--number", SENDER, "--reason", "x",
                  check=False)
        assert r.returncode != 0 and "no SMS sender" in r.stderr, r.stderr
        assert a.post("tocsin:sms_senders", json={}).status_code == 405

        # Enabled again: the refused message now sends.
        out = lever(srv, "sender", "enable", "--org", org["org_id"], "--number", SENDER,
                    "--reason", "case 7 closed: links were the org's own")
        assert out["disabled"] is False, out
        wait_until("the server to apply the enable", lambda: sender_state(a, SENDER)["disabled"] is False, log=log)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        assert sent(a, mid, log)["statistics"]["sent"] == 3
        assert sorted(t["to"] for t in texts(srv, SENDER)) == [number(i) for i in range(3)]

        audit = audit_docs(srv, org["org_id"])
        assert [(e["action"], e["actor"].startswith("cli:")) for e in audit] == [
            ("sender.disable", True), ("sender.enable", True)], audit
        assert "sms_sender:" + SENDER in audit[0]["target"] and "abuse case 7" in audit[0]["target"], audit
        assert audit_docs(srv, org_b["org_id"]) == []


def test_a_disabled_domain_refuses_its_mail_with_the_reason(tmp_path):
    srv, org, _ = installation(tmp_path)
    d = srv.data_dir
    srv.cli("settings", "--data", d, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    srv.cli("domain", "add", "--data", d, "--org", org["org_id"], "news.example.org")
    with srv.start():
        a = srv.client(org["api_key"])
        out = lever(srv, "domain", "disable", "--org", org["org_id"], "--domain", "News.Example.org",
                    "--reason", "spoofed bank notice")
        assert out == {"org_id": org["org_id"], "domain": "news.example.org", "disabled": True,
                       "disabled_reason": "spoofed bank notice"}, out

        def domain():
            ds = a.get("tocsin:sending_domains").json()["_embedded"]["tocsin:sending_domains"]
            assert len(ds) == 1 and "private_key_pem" not in json.dumps(ds), ds
            return ds[0]
        wait_until("the domain lever", lambda: domain()["disabled"], log=srv.log_tail)
        assert domain()["disabled_reason"] == "spoofed bank notice"

        assert a.post("tags", json={"name": "readers"}).status_code == 200
        a.signup(email="ada@example.com", email_status="subscribed", tags=["readers"])
        tag = next(t for t in a.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "readers")
        r = a.post("messages", json={"subject": "Rally", "body": "<p>Saturday</p>",
                                     "from": "Tocsin", "reply_to": "news@news.example.org",
                                     "tocsin:from_address": "news@news.example.org",
                                     "targets": [{"href": tag["_links"]["self"]["href"]}]})
        assert r.status_code == 200, r.text
        mid = an_id(r.json())
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and "domain_disabled" in r.json()["error"], r.text
        assert "spoofed bank notice" in r.json()["error"], r.text

        lever(srv, "domain", "enable", "--org", org["org_id"], "--domain", "news.example.org", "--reason", "ok")
        wait_until("the enable", lambda: not domain()["disabled"], log=srv.log_tail)
        # The lever is lifted; the domain's own state (never verified here) speaks again.
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and "sender_domain_unverified" in r.json()["error"], r.text


def test_the_opt_out_rate_breaker_pauses_one_numbers_blasts_with_its_figures(tmp_path):
    # A low bar so a handful of texts shows it: over 20 % once 5 texts were handed over.
    srv, org, _ = installation(tmp_path, {"opt_out_pause_percent": 20, "opt_out_pause_min_texts": 5})
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        numbers = [number(i) for i in range(6)]
        href = tag_numbers(a, "texters", numbers)
        mid = create_text(a, href, SENDER)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        assert sent(a, mid, log)["statistics"]["sent"] == 6

        # One STOP of six texts (17 %) is under the bar.
        assert mo(srv, numbers[0], SENDER, "STOP", "mo-1").status_code == 200
        assert sender_state(a, SENDER)["blasts_paused"] is False
        # A second (2 of 6: 33 %) pauses the number's blasts, in the same commit as the opt-out.
        assert mo(srv, numbers[1], SENDER, "stop please", "mo-2").status_code == 200
        state = sender_state(a, SENDER)
        assert state["blasts_paused"] is True and state["disabled"] is False, state
        reason = state["blasts_paused_reason"]
        assert "2 opt-outs of 6 texts" in reason and "33.3%" in reason and "24 h" in reason and "20.0%" in reason, \
            reason

        # What the people asked for still goes: both STOP confirmations, and a HELP answer.
        wait_until("the confirmations", lambda: all(
            [t["body"] for t in texts(srv, SENDER, n)][-1:] == [STOP_CONFIRMATION] for n in numbers[:2]), log=log)
        assert mo(srv, numbers[2], SENDER, "HELP", "mo-3").status_code == 200
        wait_until("the HELP answer", lambda: [t["body"] for t in texts(srv, SENDER, numbers[2])][-1:] == [
            HELP_REPLY], log=log)

        # A new blast from the paused number is refused with the figures; the other number sends.
        again = create_text(a, href, SENDER)
        r = a.post(f"messages/{again}/send", json={})
        assert r.status_code == 422, r.text
        assert "sender_opt_out_rate" in r.json()["error"] and "2 opt-outs of 6 texts" in r.json()["error"], r.text
        other = create_text(a, href, OTHER)
        assert a.post(f"messages/{other}/send", json={}).status_code == 200
        assert sent(a, other, log)["statistics"]["sent"] == 4  # the two who opted out are suppressed

        # The operator lifts it; the count starts again, so the next STOP does not trip it at once.
        lever(srv, "sender", "enable", "--org", org["org_id"], "--number", SENDER, "--reason", "list cleaned")
        wait_until("the lift", lambda: sender_state(a, SENDER)["blasts_paused"] is False, log=log)
        assert a.post(f"messages/{again}/send", json={}).status_code == 200
        assert sent(a, again, log)["statistics"]["sent"] == 4
        assert mo(srv, numbers[3], SENDER, "STOP", "mo-4").status_code == 200
        state = sender_state(a, SENDER)
        assert state["blasts_paused"] is False, (state, log())


def test_a_blast_sending_when_its_number_is_disabled_pauses_and_resumes_when_enabled(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), {"sms": {"kannel_secret": SECRET}}, mps=1)
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        numbers = [number(i) for i in range(8)]
        mid = create_text(a, tag_numbers(a, "texters", numbers), SENDER)
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_until("the blast to be under way", lambda: len(texts(srv, SENDER)) >= 2, log=log)
        lever(srv, "sender", "disable", "--org", org["org_id"], "--number", SENDER, "--reason", "under review")
        m = wait_until("the blast to pause", lambda: (lambda m: m if m["status"] == "paused" else None)(
            a.get(f"messages/{mid}").json()), log=log)
        assert m["tocsin:status_reason"] == "sender_disabled: under review", m
        time.sleep(1.5)  # a text in flight at the pause may still land; then nothing more
        held = len(texts(srv, SENDER))
        time.sleep(2.5)
        assert len(texts(srv, SENDER)) == held < len(numbers), "nothing leaves a disabled number"
        lever(srv, "sender", "enable", "--org", org["org_id"], "--number", SENDER, "--reason", "cleared")
        assert sent(a, mid, log)["statistics"]["sent"] == len(numbers)
        assert sorted(t["to"] for t in texts(srv, SENDER)) == numbers, "each once"
