"""The HELP answer's emergency contact line (issue 15; docs/SMS.md "HELP and the emergency line"), end to end
through real Kannel: the organization sets the line through the API (PUT /api/v2/tocsin:messaging_settings),
a phone texts HELP through fakesmsc, and the answer that reaches the phone is the compliant one-segment answer
followed by the line — two segments, reassembled into one text. Bad lines are refused with 400 and change
nothing; another organization's key neither sees nor changes the line; the raw settings row holds it."""

from __future__ import annotations

import json

from fixtures.kannel import reassemble
from sms_setup import HELP_REPLY, SENDER, kannel_and_tocsin, phone_texts, texts_to, wait_until

PHONE = "+12125550131"
OTHER = "+12125550132"
LINE = "In an emergency call 911 first. Our 24h legal hotline: 202-555-0199."


def settings_row(srv, org_id: str) -> dict:
    db = srv.db()
    try:
        (doc,), = db.execute("SELECT doc FROM org_docs WHERE org_id = ? AND kind = 'messaging_settings'",
                             (org_id,)).fetchall()
        return json.loads(srv.unseal(doc, "org_docs.doc"))
    finally:
        db.close()


def test_help_answer_carries_the_emergency_line_through_kannel(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        log = lambda: srv.log_tail() + k.logs()  # noqa: E731
        c = srv.client(org["api_key"])
        org_b = srv.create_org("B")
        b = srv.client(org_b["api_key"])
        wait_until("B's key to reach the server", lambda: b.get("tocsin:messaging_settings").status_code == 200,
                   log=log)

        before = c.get("tocsin:messaging_settings").json()
        assert before["emergency_contact"] == "" and before["help_answer"] == HELP_REPLY, before
        assert before["help_answer_segments"] == 1

        # Bad lines: 400 with why, nothing changed.
        for bad, why in (("x" * 121, "too long"), ("call\n911", "control character"),
                         ("🚨 In an emergency call 911 first. Our 24h legal hotline: 202-555-0199.", "3 segments")):
            r = c.put("tocsin:messaging_settings", json={"emergency_contact": bad})
            assert r.status_code == 400 and why in r.json()["error"], (bad, r.text)
        r = c.put("tocsin:messaging_settings", json={"emergency_contact": 911})
        assert r.status_code == 400 and "must be a string" in r.json()["error"]
        r = c.put("tocsin:messaging_settings", json={"colour": "red"})
        assert r.status_code == 400 and "unknown field colour" in r.json()["error"]
        assert settings_row(srv, org["org_id"]).get("emergency_contact", "") == ""

        r = c.put("tocsin:messaging_settings", json={"emergency_contact": "  " + LINE + " "})
        assert r.status_code == 200, r.text
        answer = HELP_REPLY + " " + LINE
        assert r.json()["help_answer"] == answer and r.json()["help_answer_segments"] == 2, r.text
        assert settings_row(srv, org["org_id"])["emergency_contact"] == LINE

        # Organization B's key reads its own settings, and its change does not reach A's.
        assert b.get("tocsin:messaging_settings").json()["emergency_contact"] == ""
        assert b.put("tocsin:messaging_settings", json={"emergency_contact": "B line"}).status_code == 200
        assert settings_row(srv, org["org_id"])["emergency_contact"] == LINE
        assert settings_row(srv, org_b["org_id"])["emergency_contact"] == "B line"

        k.phone(mo=f"{PHONE} {SENDER} text HELP")
        parts = wait_until("both parts of the HELP answer",
                           lambda: (lambda p: p if len(p) >= 2 else None)(
                               [t for t in phone_texts(k) if t.receiver == PHONE]), log=log)
        # Two segments on the air, each with its concatenation header (05 00 03 ref total seq), one text on
        # the phone.
        assert len(parts) == 2 and all(len(p.udh) == 6 and p.udh[4] == 2 for p in parts), parts
        assert sorted(p.udh[5] for p in parts) == [1, 2] and parts[0].udh[3] == parts[1].udh[3]
        assert reassemble(parts) == answer
        # The compliant part leads, whole, and is one segment by itself (SMS-K3).
        assert answer.startswith(HELP_REPLY) and len(HELP_REPLY) <= 160 and 160 < len(answer) <= 306

        # Cleared, the answer is the one-segment answer again.
        assert c.put("tocsin:messaging_settings", json={"emergency_contact": ""}).status_code == 200
        k.phone(mo=f"{OTHER} {SENDER} text INFO")
        wait_until("the second HELP answer", lambda: texts_to(k, OTHER) == [HELP_REPLY], log=log)


def test_the_cli_sets_and_checks_the_line(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        d = str(srv.data_dir)
        r = srv.cli("settings", "--data", d, "--org", org["org_id"], "--emergency-line", "x" * 121, check=False)
        assert r.returncode != 0 and "too long" in r.stderr
        out = json.loads(srv.cli("settings", "--data", d, "--org", org["org_id"], "--emergency-line", LINE).stdout)
        assert out["emergency_contact"] == LINE
        assert settings_row(srv, org["org_id"])["emergency_contact"] == LINE
        c = srv.client(org["api_key"])
        wait_until("the server to apply it",
                   lambda: c.get("tocsin:messaging_settings").json()["emergency_contact"] == LINE)
        k.phone(mo=f"{PHONE} {SENDER} text HELP")
        parts = wait_until("both parts of the HELP answer",
                           lambda: (lambda p: p if len(p) >= 2 else None)(
                               [t for t in phone_texts(k) if t.receiver == PHONE]),
                           log=lambda: srv.log_tail() + k.logs())
        assert reassemble(parts) == HELP_REPLY + " " + LINE
