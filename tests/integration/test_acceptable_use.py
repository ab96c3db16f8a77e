"""The platform's acceptable-use policy (issue 11): the operator publishes a version in tocsin.toml
([platform] acceptable_use_version, acceptable_use_url); until an organization accepts exactly that version
its blasts are refused by the gate (`acceptable_use_not_accepted`, with the version and its address) while
what a person asked for still goes; every acceptance stays on record with who accepted, the API key or
operator, the IP and the time; a new version asks again, and a blast in flight when it appears pauses until
the organization accepts. Texts leave through the SMS outbox file (JSON lines), read as written."""

from __future__ import annotations

import json
import time

import requests

from sms_setup import BRAND, HELP_REPLY, SECRET, SENDER, texting_server, wait_until
from tocsin_server import an_id, free_port

V1, URL1 = "2026-12", "https://platform.example/aup/2026-12"
V2, URL2 = "2027-01", "https://platform.example/aup/2027-01"
BODY = "Rally at city hall on Saturday at noon."


def sections(version: str | None, url: str | None) -> dict:
    out = {"sms": {"kannel_secret": SECRET}}
    if version:
        out["platform"] = {"acceptable_use_version": version, "acceptable_use_url": url}
    return out


def number(i: int) -> str:
    return f"+1212555{3000 + i:04d}"  # New York numbers: sms_setup's clock is daytime there


def texts_to(srv, to: str) -> list[str]:
    path = srv.data_dir / "sms-outbox.jsonl"
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [t["body"] for t in lines if t["to"] == to]


def audience(c, numbers: list[str]) -> str:
    assert c.post("tags", json={"name": "texters"}).status_code == 200
    for n in numbers:
        c.signup(phone=n[1:], phone_status="subscribed", tags=["texters"])
    t = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "texters")
    return t["_links"]["self"]["href"]


def create_text(c, href: str) -> str:
    r = c.post("messages", json={"type": "tocsin:sms", "name": "rally", "body": BODY, "tocsin:sms_sender": SENDER,
                                 "tocsin:marketing": False, "targets": [{"href": href}]})
    assert r.status_code == 200, r.text
    return an_id(r.json())


def message(c, mid: str) -> dict:
    return c.get(f"messages/{mid}").json()


def finished(c, mid: str, log) -> dict:
    return wait_until("the blast to finish", lambda: (lambda m: m if m["status"] == "sent" else None)(
        message(c, mid)), timeout=60, log=log)


def aup(c) -> dict:
    r = c.get("tocsin:acceptable_use")
    assert r.status_code == 200, r.text
    return r.json()


def test_without_a_published_version_nothing_is_asked_and_nothing_can_be_accepted(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), sections(None, None))
    with srv.start():
        a = srv.client(org["api_key"])
        assert aup(a) == {"version": "", "url": "", "accepted_version": "", "accepted": True, "acceptances": []}
        r = a.post("tocsin:acceptable_use", json={"version": V1, "accepted_by": "Jane Doe"})
        assert r.status_code == 409 and "no acceptable-use policy version" in r.json()["error"], r.text
        mid = create_text(a, audience(a, [number(0)]))
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        assert finished(a, mid, srv.log_tail)["statistics"]["sent"] == 1


def test_blasts_wait_for_the_published_version_and_every_acceptance_stays_on_record(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), sections(V1, URL1))
    org_b = srv.create_org("B")
    srv.cli("settings", "--data", srv.data_dir, "--org", org_b["org_id"], "--brand", BRAND)
    with srv.start():
        log = srv.log_tail
        a, b = srv.client(org["api_key"]), srv.client(org_b["api_key"])
        numbers = [number(i) for i in range(3)]
        href = audience(a, numbers)
        assert aup(a) == {"version": V1, "url": URL1, "accepted_version": "", "accepted": False, "acceptances": []}

        # Refused before anything is planned, naming the version and where to read it.
        mid = create_text(a, href)
        r = a.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert "acceptable_use_not_accepted" in err and V1 in err and URL1 in err, err
        assert message(a, mid)["status"] == "draft"
        assert texts_to(srv, numbers[0]) == []
        # What a person asks for is not held back: HELP is answered.
        assert requests.get(f"{srv.base}/sms/kannel/mo", timeout=30, params={
            "secret": SECRET, "from": numbers[1], "to": SENDER, "text": "HELP", "charset": "UTF-8", "coding": "0",
            "smsc": "fake", "id": "mo-help", "ts": str(int(time.time()))}).status_code == 200
        wait_until("the HELP answer", lambda: texts_to(srv, numbers[1]) == [HELP_REPLY], log=log)

        # Bad acceptances change nothing.
        r = a.post("tocsin:acceptable_use", json={"version": "2025-01", "accepted_by": "Jane Doe"})
        assert r.status_code == 422 and f'"{V1}"' in r.json()["error"], r.text
        r = a.post("tocsin:acceptable_use", json={"version": V1})
        assert r.status_code == 400 and "accepted_by" in r.json()["error"], r.text
        r = a.post("tocsin:acceptable_use", json={"version": V1, "accepted_by": "x" * 201})
        assert r.status_code == 400, r.text
        assert aup(a)["acceptances"] == []

        r = a.post("tocsin:acceptable_use", json={"version": V1, "accepted_by": "Jane Doe, Executive Director"})
        assert r.status_code == 200, r.text
        state = r.json()
        assert state["accepted"] is True and state["accepted_version"] == V1, state
        [acc] = state["acceptances"]
        assert acc["version"] == V1 and acc["url"] == URL1 and acc["accepted_by"] == "Jane Doe, Executive Director"
        assert acc["actor"].startswith("api_key:") and acc["ip"] == "127.0.0.1" and acc["accepted_at"], acc

        # Organization A's acceptance is its own: B's blasts are still refused and B sees none of A's record.
        assert aup(b)["accepted"] is False and aup(b)["acceptances"] == []
        b_href = audience(b, [number(10)])
        r = b.post(f"messages/{create_text(b, b_href)}/send", json={})
        assert r.status_code == 422 and "acceptable_use_not_accepted" in r.json()["error"], r.text

        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        assert finished(a, mid, log)["statistics"]["sent"] == 3
        assert all(texts_to(srv, n)[-1].endswith(BODY) or BODY in texts_to(srv, n)[-1] for n in numbers)

    # A new version: the organization is asked again.
    srv.write_config(sections=sections(V2, URL2))
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        state = aup(a)
        assert (state["version"], state["accepted_version"], state["accepted"]) == (V2, V1, False), state
        again = create_text(a, href)
        r = a.post(f"messages/{again}/send", json={})
        assert r.status_code == 422, r.text
        assert V2 in r.json()["error"] and f"it accepted version {V1}" in r.json()["error"], r.text

        # The operator records an acceptance given outside the API; the running server applies it.
        out = srv.json_line(srv.cli("aup", "accept", "--data", srv.data_dir, "--org", org["org_id"], "--version", V2,
                                    "--by", "Jane Doe (signed form 2027-01-03)").stdout)
        assert out["accepted"] is True and out["accepted_version"] == V2, out
        wait_until("the server to apply the acceptance", lambda: aup(a)["accepted"], log=log)
        history = aup(a)["acceptances"]
        assert [h["version"] for h in history] == [V2, V1], history
        assert history[0]["actor"].startswith("platform:cli") and history[0]["ip"] == "", history
        assert a.post(f"messages/{again}/send", json={}).status_code == 200
        assert finished(a, again, log)["statistics"]["sent"] == 3

        # The operator's view: every organization, what it accepted.
        lines = [json.loads(x) for x in srv.cli("aup", "status", "--data", srv.data_dir).stdout.splitlines() if x]
        by_org = {x["org_id"]: x for x in lines}
        assert by_org[org["org_id"]]["accepted"] is True and by_org[org_b["org_id"]]["accepted"] is False, lines
        r = srv.cli("aup", "accept", "--data", srv.data_dir, "--org", org_b["org_id"], "--version", V1, "--by", "Bob",
                    check=False)
        assert r.returncode != 0 and V2 in r.stderr, r.stderr


def test_a_blast_in_flight_when_a_new_version_appears_pauses_until_it_is_accepted(tmp_path):
    srv, org = texting_server(tmp_path, free_port(), sections(V1, URL1), mps=1)
    numbers = [number(20 + i) for i in range(6)]
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        assert a.post("tocsin:acceptable_use", json={"version": V1, "accepted_by": "Jane Doe"}).status_code == 200
        mid = create_text(a, audience(a, numbers))
        assert a.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_until("the blast to be under way", lambda: sum(bool(texts_to(srv, n)) for n in numbers) >= 1, log=log)
    sent_before = sum(bool(texts_to(srv, n)) for n in numbers)
    assert sent_before < len(numbers)

    srv.write_config(sections=sections(V2, URL2))
    with srv.start():
        log = srv.log_tail
        a = srv.client(org["api_key"])
        m = wait_until("the blast to pause", lambda: (lambda m: m if m["status"] == "paused" else None)(
            message(a, mid)), log=log)
        assert "acceptable_use_not_accepted" in m["tocsin:status_reason"] and V2 in m["tocsin:status_reason"], m
        time.sleep(2)  # at 1 text/s, a blast that kept going would have sent more by now
        assert sum(bool(texts_to(srv, n)) for n in numbers) == sent_before
        assert a.post("tocsin:acceptable_use", json={"version": V2, "accepted_by": "Jane Doe"}).status_code == 200
        m = finished(a, mid, log)
        assert m["statistics"]["sent"] == len(numbers), m
        assert all(len(texts_to(srv, n)) == 1 for n in numbers)  # nobody twice, nobody left out
