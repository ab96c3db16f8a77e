"""The console's actions and messages over real HTTP (issue #13), as a browser without scripts sees them:
an organizer creates a petition and edits its consent language (a new version); signers come in through the
API's record helper; the records list and the CSV export (formula cells defused, the export in the audit
trail); a blast composed to the petition's signers, whose preflight excludes an unsubscribed signer with the
gate's reason and names them in the drill-down; Send through the one gate, the raw .eml in the outbox, the
statistics; roles (a viewer can read but not send or export) and organizations kept apart (B's staff get
404 for A's action and message ids).

Targets of an action (``.../petitions/{id}``) are also an API feature: checked over /messages too."""
import csv
import io
import re
import time
from html import unescape

import pytest

from test_console_http import Staff, staff_audit
from tocsin_server import TocsinServer, unique_email

DOMAIN = "example.org"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console-msgs")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp, DOMAIN)
    srv.create_org("Other Org")
    srv.write_config()
    srv.start()
    srv.org = org
    yield srv
    srv.stop()


def sign(api, petition_id, email, given):
    r = api.post(f"petitions/{petition_id}/signatures",
                 json={"person": {"given_name": given, "email_addresses": [{"address": email}]}})
    assert r.status_code == 200, r.text


def test_petition_blast_from_the_console(site):
    srv = site
    a = srv.org["org_id"]
    api = srv.client(srv.org["api_key"])
    organizer = Staff(srv, a, unique_email("organizer"), "organizer")
    assert organizer.login().status_code == 303

    # Create a petition: the form's errors keep what was typed.
    r = organizer.post("/admin/actions", kind="petitions", title=" ", description="kept text")
    assert r.status_code == 422 and "A title is required." in r.text and "kept text" in r.text
    r = organizer.post("/admin/actions", kind="petitions", title="Save the Bay",
             description="<p>Sign it</p>", disclosure="We will email you about the bay.", goal="100")
    assert r.status_code == 303, r.text
    pid = r.headers["Location"].rsplit("/", 1)[1]
    got = api.get(f"petitions/{pid}").json()
    assert got["title"] == "Save the Bay" and got["tocsin:disclosure"] == "We will email you about the bay."
    version = got["tocsin:disclosure_version"]

    page = organizer.get(f"/admin/actions/{pid}")
    assert page.status_code == 200
    shown = unescape(page.text)  # mstch escapes every value, slashes included
    assert f"(version {version})" in shown and "/o/friends-of-the-bay/petitions/save-the-bay" in shown

    # Editing the consent language makes a new version (over the API as well).
    r = organizer.post(f"/admin/actions/{pid}", title="Save the Bay", description="<p>Sign it</p>",
             disclosure="We will email and text you about the bay.", goal="100")
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/actions/{pid}"
    assert api.get(f"petitions/{pid}").json()["tocsin:disclosure_version"] == version + 1

    # Signers, one of whom then unsubscribes; one signer's name is a spreadsheet formula.
    ada, bob, eve = unique_email("ada"), unique_email("bob"), unique_email("eve")
    sign(api, pid, ada, "Ada")
    sign(api, pid, bob, "Bob")
    sign(api, pid, eve, "=HYPERLINK(\"http://evil.example\")")
    bob_id = next(p for p in api.get("people").json()["_embedded"]["osdi:people"]
                  if any(e["address"] == bob for e in p["email_addresses"]))["identifiers"][0].split(":")[1]
    r = api.put(f"people/{bob_id}", json={"email_addresses": [{"address": bob, "status": "unsubscribed"}]})
    assert r.status_code == 200, r.text

    page = organizer.get(f"/admin/actions/{pid}")
    assert 'id="record-count">3<' in page.text and ">Ada<" in page.text

    r = organizer.post(f"/admin/actions/{pid}/export")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert sorted(row["email"] for row in rows) == sorted([ada, bob, eve])
    formula = next(row for row in rows if row["email"] == eve)
    assert formula["given_name"].startswith("'=")  # defused: a spreadsheet shows it as text

    # Compose an email to the petition's signers.
    compose = organizer.get("/admin/messages/new?channel=email")
    assert compose.status_code == 200 and f'value="petitions/{pid}"' in unescape(compose.text)
    r = organizer.post("/admin/messages", channel="email", name="Bay update", subject="The bay needs you",
             **{"from": "Friends of the Bay"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN,
             body="<p>Hello {{given_name}}</p>", target="petitions/" + pid)
    assert r.status_code == 303, r.text
    mid = r.headers["Location"].rsplit("/", 1)[1]
    assert api.get(f"messages/{mid}").json()["targets"][0]["href"].endswith(f"/petitions/{pid}")

    pre = organizer.get(f"/admin/messages/{mid}")
    assert pre.status_code == 200
    assert re.search(r'id="pf-targeted">3<', pre.text) and re.search(r'id="pf-sendable">2<', pre.text)
    row = re.search(r'<tr id="reason-not_subscribed">(.*?)</tr>', pre.text, re.S)
    assert row, pre.text
    assert ">1<" in row.group(1) and "SMS-C1" in row.group(1)  # the count, and the rule's source
    # The API's preflight says the same.
    api_pre = api.get(f"messages/{mid}/tocsin:preflight").json()
    assert api_pre["excluded_by_reason"] == {"not_subscribed": 1} and api_pre["would_send_now"] == 2

    drill = organizer.get(f"/admin/messages/{mid}?reason=not_subscribed")
    listed = re.search(r'<h3 id="drill">(.*?)</ul>', drill.text, re.S).group(1)
    assert ">Bob<" in listed and "Ada" not in listed
    assert f'href="/admin/people/{bob_id}"' in listed

    # Send: through the one gate; Bob is never mailed.
    r = organizer.post(f"/admin/messages/{mid}/send")
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/messages/{mid}"
    for _ in range(200):
        status = api.get(f"messages/{mid}").json()["status"]
        if status == "sent":
            break
        time.sleep(0.1)
    assert status == "sent"
    sent_to = []
    for f in (srv.data_dir / "outbox").glob("*.eml"):
        raw = f.read_bytes()
        if b"Subject: The bay needs you" in raw:
            sent_to.append(re.search(rb"^To: (.*)$", raw, re.M).group(1).decode().strip())
    assert sorted(sent_to) == sorted([ada, eve]), sent_to
    stats = organizer.get(f"/admin/messages/{mid}")
    assert re.search(r'id="message-status">sent', stats.text)
    assert re.search(r'id="st-sent">2<', stats.text), stats.text
    assert "not_subscribed" in stats.text  # left out, by rule

    # A second send of the same message is refused with the reason (it is no longer a draft).
    r = organizer.post(f"/admin/messages/{mid}/send")
    assert r.status_code == 400 and "only a draft" in unescape(r.text)

    # The staff audit trail has the creation, edit, export and send, as stored.
    audit = staff_audit(srv)
    for action, subject in (("actions.create", pid), ("actions.edit", pid), ("actions.export", pid),
                            ("messages.create", mid), ("messages.send", mid)):
        assert any(action in d and subject in d for d in audit), (action, audit)


def test_viewer_reads_but_cannot_send_and_orgs_are_separate(site):
    srv = site
    a, b = srv.org["org_id"], srv.orgs["Other Org"]["org_id"]
    api = srv.client(srv.org["api_key"])
    pet = api.post("petitions", json={"title": "Viewer check"}).json()
    pid = pet["identifiers"][0].split(":")[1]
    msg = api.post("messages", json={"subject": "s", "body": "b", "from": "F", "reply_to": "news@" + DOMAIN,
                                     "targets": [{"href": f"{srv.api}/petitions/{pid}"}]}).json()
    mid = msg["identifiers"][0].split(":")[1]

    viewer = Staff(srv, a, unique_email("viewer"), "viewer")
    assert viewer.login().status_code == 303
    assert viewer.get(f"/admin/actions/{pid}").status_code == 200
    assert viewer.get(f"/admin/messages/{mid}").status_code == 200
    assert 'id="send-button"' not in viewer.get(f"/admin/messages/{mid}").text
    assert viewer.post(f"/admin/messages/{mid}/send").status_code == 403
    assert viewer.post(f"/admin/actions/{pid}/export").status_code == 403
    assert viewer.post("/admin/actions", kind="petitions", title="nope").status_code == 403
    assert api.get(f"messages/{mid}").json()["status"] == "draft"

    other = Staff(srv, b, unique_email("other"), "owner")
    assert other.login().status_code == 303
    for path in (f"/admin/actions/{pid}", f"/admin/messages/{mid}", f"/admin/messages/{mid}/edit"):
        r = other.get(path)
        assert r.status_code == 404 and "Viewer check" not in r.text, path
    assert other.post(f"/admin/messages/{mid}/send").status_code == 404
    assert other.post(f"/admin/actions/{pid}/export").status_code == 404
    assert api.get(f"messages/{mid}").json()["status"] == "draft"


def test_an_action_target_over_the_api(site):
    srv = site
    api = srv.client(srv.org["api_key"])
    pid = api.post("petitions", json={"title": "Targets"}).json()["identifiers"][0].split(":")[1]
    signer = unique_email("signer")
    sign(api, pid, signer, "Sig")
    r = api.post("messages", json={"subject": "s", "body": "b", "from": "F", "reply_to": "news@" + DOMAIN,
                                   "targets": [{"href": f"{srv.api}/petitions/{pid}"}]})
    assert r.status_code == 200, r.text
    mid = r.json()["identifiers"][0].split(":")[1]
    assert api.get(f"messages/{mid}/tocsin:preflight").json()["total_targeted"] == 1
    # An unknown action is refused when sending, as an unknown tag is.
    r = api.post("messages", json={"subject": "s", "body": "b", "from": "F", "reply_to": "news@" + DOMAIN,
                                   "targets": [{"href": f"{srv.api}/petitions/00000000-0000-0000-0000-000000000000"}]})
    bad = r.json()["identifiers"][0].split(":")[1]
    r = api.get(f"messages/{bad}/tocsin:preflight")
    assert r.status_code == 422 and "does not exist" in r.json()["error"]
    # Something that is not a list, tag, query or action with a page is refused at once.
    r = api.post("messages", json={"subject": "s", "body": "b", "targets": [{"href": f"{srv.api}/people/x"}]})
    assert r.status_code == 400 and "not people" in r.json()["error"]


def test_an_organizers_blast_waits_for_an_admins_approval(site):
    srv = site
    a = srv.org["org_id"]
    api = srv.client(srv.org["api_key"])
    srv.cli("settings", "--data", str(srv.data_dir), "--org", a, "--send-approval", "on")
    pid = api.post("petitions", json={"title": "Approval check"}).json()["identifiers"][0].split(":")[1]
    sign(api, pid, unique_email("approve"), "Pat")
    organizer = Staff(srv, a, unique_email("org"), "organizer")
    admin = Staff(srv, a, unique_email("adm"), "admin")
    assert organizer.login().status_code == 303 and admin.login().status_code == 303
    try:
        r = organizer.post("/admin/messages", channel="email", name="Needs approval", subject="Approve me",
                 **{"from": "F"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN, body="<p>hi</p>",
                 target="petitions/" + pid)
        mid = r.headers["Location"].rsplit("/", 1)[1]
        for _ in range(50):  # the CLI's settings reach the running server within its one-second refresh
            page = organizer.get(f"/admin/messages/{mid}").text
            if 'id="request-button"' in page:
                break
            time.sleep(0.1)
        assert 'id="request-button"' in page and 'id="send-button"' not in page
        # The organizer's Send asks; nothing leaves. Scheduling is refused until approved.
        assert organizer.post(f"/admin/messages/{mid}/send").status_code == 303
        assert api.get(f"messages/{mid}").json()["status"] == "draft"
        assert "Waiting for an admin's approval" in unescape(organizer.get(f"/admin/messages/{mid}").text)
        assert organizer.post(f"/admin/messages/{mid}/schedule", at="2099-01-01T10:00").status_code == 403
        assert "(awaiting approval)" in organizer.get("/admin/messages").text

        # The admin sees who asked; the draft edited after the admin looked is not sent on that look.
        seen_page = admin.get(f"/admin/messages/{mid}").text
        assert "Approve and send to 1 now" in seen_page
        seen = re.search(r'name="seen" value="([^"]+)"', seen_page).group(1)
        r = organizer.post(f"/admin/messages/{mid}", channel="email", name="Needs approval",
                 subject="Approve me (edited)", **{"from": "F"}, from_address="news@" + DOMAIN,
                 reply_to="news@" + DOMAIN, body="<p>changed</p>", target="petitions/" + pid)
        assert r.status_code == 303
        assert organizer.post(f"/admin/messages/{mid}/send").status_code == 303  # asks again
        r = admin.post(f"/admin/messages/{mid}/send", seen=unescape(seen))
        assert r.status_code == 409 and "changed since you opened it" in unescape(r.text)
        assert api.get(f"messages/{mid}").json()["status"] == "draft"
        # Looked at again: approved and sent.
        seen = re.search(r'name="seen" value="([^"]+)"', admin.get(f"/admin/messages/{mid}").text).group(1)
        r = admin.post(f"/admin/messages/{mid}/send", seen=unescape(seen))
        assert r.status_code == 303, r.text
        for _ in range(200):
            if api.get(f"messages/{mid}").json()["status"] == "sent":
                break
            time.sleep(0.1)
        assert api.get(f"messages/{mid}").json()["status"] == "sent"
        assert any("messages.approve" in d and mid in d for d in staff_audit(srv))
        assert any("messages.approval_requested" in d and mid in d for d in staff_audit(srv))
    finally:
        srv.cli("settings", "--data", str(srv.data_dir), "--org", a, "--send-approval", "off")
