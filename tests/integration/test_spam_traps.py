"""Known spam traps (issue 15, docs/POLICY.md "Spam traps"), through the real CLI and server: the operator loads
a trap list (`tocsin screening load --spam-traps`: addresses and whole domains, subdomains included) into a
running server; the gate refuses every hand-over to a trap (`spam_trap` in the preflight, never in the outbox);
a blast whose list holds fewer traps than [trust] spam_trap_pause_hits goes to everyone else, one that reaches
it pauses the organization's bulk email with the figures (the settings row as stored), which `tocsin org
resume` lifts (audited with the figures; the paused blast then goes to the rest of its list); another
organization is untouched; a list line that is neither an address nor a domain is
refused."""
import json

import pytest

from test_console_http import staff_audit
from tocsin_server import TocsinServer, unique_email, wait_until


@pytest.fixture
def site(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp_path)
    other = srv.create_org("Other Org")
    srv.write_config(sections={"trust": {"review_first_blasts": 0, "spam_trap_pause_hits": 3}})
    srv.start()
    srv.org, srv.other = org, other
    yield srv
    srv.stop()


def settings_doc(srv, org_id):
    db = srv.db()
    try:
        rows = db.execute("SELECT doc FROM org_docs WHERE org_id = ? AND kind = 'messaging_settings'",
                          (org_id,)).fetchall()
        return json.loads(srv.unseal(rows[0][0], "org_docs.doc")) if rows else {}
    finally:
        db.close()


def eml_to(srv, address):
    return [f.read_bytes() for f in (srv.data_dir / "outbox").glob("*.eml")
            if address.lower().encode() in f.read_bytes().lower()]


def tagged(api, tag, addresses):
    assert api.post("tags", json={"name": tag}).status_code == 200
    for a in addresses:
        r = api.post("people", json={"person": {"email_addresses": [{"address": a, "status": "subscribed"}]},
                                     "add_tags": [tag]})
        assert r.status_code == 200, r.text
    t = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == tag)
    return t["_links"]["self"]["href"]


def blast(api, href):
    r = api.post("messages", json={"subject": "Rally", "body": "<p>Rally at city hall on Saturday.</p>",
                                   "from": "Friends of the Bay", "reply_to": "n@example.org",
                                   "targets": [{"href": href}]})
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def wait(check, what, seconds=20):
    return wait_until(what, check, seconds)


def test_traps_are_refused_counted_and_pause_bulk_email(site):
    srv = site
    a = srv.org["org_id"]
    api = srv.client(srv.org["api_key"])
    bad = srv.data_dir.parent / "bad.txt"
    bad.write_text("not a trap line\n")
    r = srv.cli("screening", "load", "--data", srv.data_dir, "--spam-traps", str(bad), check=False)
    assert r.returncode != 0 and "line 1" in r.stderr + r.stdout
    traps = srv.data_dir.parent / "traps.txt"
    traps.write_text("# from the blocklist operator\npristine@bay-news.test\n@trap.example.net\n")
    out = srv.json_line(srv.cli("screening", "load", "--data", srv.data_dir, "--spam-traps", str(traps)).stdout)
    assert out["loaded"] == 2 and out["entries"] == 2
    assert (srv.data_dir / "screening" / "spam_traps.txt").read_text().count("\n") == 3

    # Two traps (an exact address and a subdomain of a trap domain) among three people: under the limit of 3.
    real = [unique_email("real") for _ in range(3)]
    small = tagged(api, "small", real + ["Pristine@bay-news.test", "x@mx.trap.example.net"])
    mid = blast(api, small)
    pf = wait(lambda: (lambda p: p if p["excluded_by_reason"].get("spam_trap") == 2 else None)(
        api.get(f"messages/{mid}/tocsin:preflight").json()), "the traps in the preflight")
    assert pf["would_send_now"] == 3, pf
    assert api.post(f"messages/{mid}/send", json={}).status_code in (200, 202)
    wait(lambda: all(eml_to(srv, r) for r in real), "the real people's mail")
    assert not eml_to(srv, "pristine@bay-news.test") and not eml_to(srv, "x@mx.trap.example.net")
    assert settings_doc(srv, a).get("bulk_email_paused") is not True

    # A list with three traps reaches the limit: bulk email pauses with the figures, nothing more leaves.
    others = [unique_email("other") for _ in range(2)]
    bought = tagged(api, "bought", others + [f"t{i}@trap.example.net" for i in range(3)])
    mid2 = blast(api, bought)
    assert api.post(f"messages/{mid2}/send", json={}).status_code in (200, 202)
    want = f"spam-trap hits 3 (known spam-trap addresses in the list of message {mid2}, refused, none mailed) reached 3"
    s = wait(lambda: (lambda d: d if d.get("bulk_email_paused") else None)(settings_doc(srv, a)), "the pause")
    assert s["bulk_email_paused_reason"] == want, s
    wait(lambda: api.get(f"messages/{mid2}").json()["status"] == "paused", "the blast paused")
    assert not any(eml_to(srv, o) for o in others), "a paused blast sends nothing more"
    assert not any(eml_to(srv, f"t{i}@trap.example.net") for i in range(3))
    shown = json.loads(srv.cli("settings", "--data", srv.data_dir, "--org", a).stdout)
    assert shown["bulk_email_paused_reason"] == want
    # The next blast is refused as a whole while paused.
    r = api.post(f"messages/{blast(api, small)}/send", json={})
    assert r.status_code == 422 and "paused" in r.text.lower(), r.text

    # Another organization is not paused.
    assert settings_doc(srv, srv.other["org_id"]).get("bulk_email_paused") is not True

    # The operator resumes it (the figures stay in the audit); the paused blast then goes to the others,
    # still never to a trap.
    out = srv.json_line(srv.cli("org", "resume", "--data", srv.data_dir, "--org", a, "--channel", "email",
                                "--reason", "list cleaned").stdout)
    assert out["bulk_email_paused"] is False
    assert settings_doc(srv, a)["bulk_email_paused"] is False
    assert any("org.resume" in d and want in d and "list cleaned" in d for d in staff_audit(srv))
    wait(lambda: all(eml_to(srv, o) for o in others), "the resumed blast's mail to the others")
    assert not any(eml_to(srv, f"t{i}@trap.example.net") for i in range(3))
    assert settings_doc(srv, a)["bulk_email_paused"] is False, "the traps counted once do not pause it again"
