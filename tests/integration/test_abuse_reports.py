"""Abuse reports (issue 15): `POST /abuse` (public, no key, bounded, limited per address) and `tocsin abuse
open|list|close` through the real server and CLI. A report becomes a case under the organization it concerns;
closing one with --disable-sender disables the reported number (the organization sees the case in the
reason), audited, and the other organization is untouched."""

from __future__ import annotations

import json

import requests

from sms_setup import BRAND, SENDER, texting_server, wait_until
from tocsin_server import an_id, free_port


def report(srv, **body) -> requests.Response:
    return requests.post(f"{srv.base}/abuse", json=body, timeout=20)


def cases(srv, *flags) -> list[dict]:
    r = srv.cli("abuse", "list", "--data", srv.data_dir, *flags)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def stored(srv, kind: str) -> list[tuple[str, dict]]:
    db = srv.db()
    try:
        return [(o, json.loads(srv.unseal(d, "org_docs.doc"))) for (o, d) in db.execute(
            "SELECT org_id, doc FROM org_docs WHERE kind = ?", (kind,))]
    finally:
        db.close()


def test_reports_become_cases_the_operator_closes_by_disabling_the_number(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), {})
    org_b = srv.create_org("B")
    srv.cli("settings", "--data", srv.data_dir, "--org", org_b["org_id"], "--brand", BRAND)
    with srv.start():
        a = srv.client(org["api_key"])
        mid = an_id(a.post("messages", json={"type": "tocsin:sms", "name": "x", "body": "Rally Saturday.",
                                             "tocsin:sms_sender": SENDER}).json())

        r = report(srv, about="number", target="(202) 555-0100", text="A text asking for my bank password")
        assert r.status_code == 202, r.text
        case_id = r.json()["case_id"]
        assert r.json() == {"case_id": case_id, "status": "open"}, "the answer does not name the organization"

        # Bad reports: an HTTP status and {"error": ...}; nothing stored.
        for body in ({"about": "person", "target": "x", "text": "y"}, {"about": "page", "target": "", "text": "y"},
                     {"about": "number", "target": "+12025550100", "text": "   "}):
            r = report(srv, **body)
            assert r.status_code == 400 and r.json()["error"], (body, r.text)
        r = requests.post(f"{srv.base}/abuse", data="x" * 9000, timeout=20)
        assert r.status_code == 413 and "error" in r.json(), r.text
        assert requests.get(f"{srv.base}/abuse", timeout=20).status_code == 405

        # A report about a message of the organization: one more is allowed from this address, then 429.
        r = report(srv, about="message", target=mid, text="I never signed up for this")
        assert r.status_code == 202, r.text
        r = report(srv, about="message", target=mid, text="again")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1, r.text

        # The operator records one that came by mail, about a page of organization B.
        out = srv.json_line(srv.cli("abuse", "open", "--data", srv.data_dir, "--about", "page", "--target",
                                    "https://act.example.org/o/b/petitions/fake-bank", "--text",
                                    "impersonates a bank", "--org", org_b["org_id"]).stdout)
        assert out["org_id"] == org_b["org_id"] and out["source"].startswith("cli:"), out

        listed = {c["case_id"]: c for c in cases(srv)}
        assert len(listed) == 3, listed
        assert listed[case_id]["org_id"] == org["org_id"] and listed[case_id]["target"] == SENDER, listed[case_id]
        assert listed[case_id]["text"] == "A text asking for my bank password"
        by_org = {(o, d["about"]) for o, d in stored(srv, "abuse_case")}
        assert by_org == {(org["org_id"], "number"), (org["org_id"], "message"), (org_b["org_id"], "page")}, by_org

        # Closing with --disable-sender disables the number; the organization sees the case in the reason.
        closed = srv.json_line(srv.cli("abuse", "close", "--data", srv.data_dir, "--case", case_id, "--reason",
                                       "confirmed credential phishing", "--disable-sender").stdout)
        assert closed["status"] == "closed" and "disabled" in closed["resolution"], closed

        def sender():
            return a.get("tocsin:sms_senders").json()["_embedded"]["tocsin:sms_senders"][0]
        wait_until("the server to apply the lever", lambda: sender()["disabled"], log=srv.log_tail)
        assert sender()["disabled_reason"] == f"abuse case {case_id}: confirmed credential phishing", sender()
        audit = [d for o, d in stored(srv, "staff_audit") if o == org["org_id"]]
        assert {e["action"] for e in audit} == {"sender.disable", "abuse.close"}, audit
        assert all(e["actor"].startswith("cli:") for e in audit)
        assert [d for o, d in stored(srv, "staff_audit") if o == org_b["org_id"]] == []

        assert case_id not in {c["case_id"] for c in cases(srv)}, "closed cases leave the open list"
        assert {c["case_id"]: c["status"] for c in cases(srv, "--all")}[case_id] == "closed"
        again = srv.cli("abuse", "close", "--data", srv.data_dir, "--case", case_id, "--reason", "x", check=False)
        assert again.returncode != 0 and "closed already" in again.stderr, again.stderr
        page_case = next(c for c in cases(srv) if c["about"] == "page")
        bad = srv.cli("abuse", "close", "--data", srv.data_dir, "--case", page_case["case_id"], "--reason", "x",
                      "--disable-sender", check=False)
        assert bad.returncode != 0 and "needs a case about a number" in bad.stderr, bad.stderr


def test_the_operator_takes_a_page_down_and_stops_a_message(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), {})
    org_b = srv.create_org("B")
    with srv.start():
        a, b = srv.client(org["api_key"]), srv.client(org_b["api_key"])
        page = a.ok("POST", "petitions", json={"title": "Verify your bank account",
                                               "tocsin:disclosure": "We may email you."})
        other = a.ok("POST", "petitions", json={"title": "Save the Bay", "tocsin:disclosure": "We may email you."})
        b_page = b.ok("POST", "petitions", json={"title": "Verify your bank account",
                                                 "tocsin:disclosure": "We may email you."})
        assert requests.get(page["browser_url"], timeout=20).status_code == 200
        mid = an_id(a.post("messages", json={"type": "tocsin:sms", "name": "x", "body": "Rally Saturday.",
                                             "tocsin:sms_sender": SENDER}).json())

        r = report(srv, about="page", target=page["browser_url"], text="a phishing page asking for bank logins")
        assert r.status_code == 202, r.text
        page_case = r.json()["case_id"]
        r = report(srv, about="message", target=mid, text="spam")
        assert r.status_code == 202, r.text
        message_case = r.json()["case_id"]
        assert {c["case_id"]: c["org_id"] for c in cases(srv)} == {page_case: org["org_id"],
                                                                    message_case: org["org_id"]}

        wrong = srv.cli("abuse", "close", "--data", srv.data_dir, "--case", page_case, "--reason", "x",
                        "--stop-message", check=False)
        assert wrong.returncode != 0 and "needs a case about a message" in wrong.stderr, wrong.stderr
        closed = srv.json_line(srv.cli("abuse", "close", "--data", srv.data_dir, "--case", page_case, "--reason",
                                       "credential phishing", "--take-down-page").stdout)
        assert "taken down" in closed["resolution"], closed
        gone = requests.get(page["browser_url"], timeout=20)
        assert gone.status_code == 410, gone.status_code
        assert "taken down" in gone.text and f"abuse case {page_case}: credential phishing" in gone.text, gone.text
        es = requests.get(page["browser_url"], headers={"Accept-Language": "es"}, timeout=20)
        assert es.status_code == 410 and "Esta página fue retirada" in es.text and 'lang="es"' in es.text, es.text
        assert requests.post(page["browser_url"], data={"name": "x"}, timeout=20).status_code == 410
        assert requests.get(other["browser_url"], timeout=20).status_code == 200, "the org's other page stays"
        assert requests.get(b_page["browser_url"], timeout=20).status_code == 200, "B's page of that title stays"

        srv.cli("abuse", "close", "--data", srv.data_dir, "--case", message_case, "--reason", "unsolicited",
                "--stop-message")

        def message():
            return a.get(f"messages/{mid}").json()
        wait_until("the stop to apply", lambda: message()["status"] == "stopped", log=srv.log_tail)
        assert message()["tocsin:status_reason"] == (
            f"stopped by the platform operator: abuse case {message_case}: unsolicited"), message()
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 400 and "stopped" in r.json()["error"], r.text
        audit = [d["action"] for o, d in stored(srv, "staff_audit") if o == org["org_id"]]
        assert sorted(audit) == ["abuse.close", "abuse.close", "message.stop", "page.take_down"], audit
