"""Per-person objection to tracking (issue 11, privacy/tracking_objection.h, docs/PRIVACY.md "Objection to
tracking"). A person who objected gets their emails with no open pixel and the links as written, whatever the
organization's tracking setting, while the others in the same blast are tracked: checked in the raw bytes of
the .eml files in the outbox folder. The tracking endpoints still redirect and answer the pixel from a link sent
before the objection, but record nothing for that person: the delivery's row (raw DB) and the message's
statistics stay as they were. The objection is set by an objection request scoped to tracking (API and CLI;
the subscription stays), by a plain objection (which also unsubscribes), or by the supporter on their own
preference center page; it survives a restart, is read back in the access bundle and the person's
representation, and touches no other organization."""
import csv
import io
import json
import re
import zipfile

import requests

from test_preference_center import post
from test_privacy_requests import fulfil, new_request, second_org, wait_for
from mail_servers import sending_domain_records
from tocsin_server import TocsinServer, an_id

DOMAIN = "example.org"
LINK = "https://example.com/news?id=7&src=mail"
BODY = '<p>Read <a href="https://example.com/news?id=7&amp;src=mail">the news</a>, {{given_name}}.</p>'
ORIGINAL_HREF = b'href="https://example.com/news?id=7&amp;src=mail"'
CLICK_RE = re.compile(rb'href="http://127\.0\.0\.1:\d+(/t/c/[a-z2-7]+\.[A-Za-z0-9_-]+)"')
PIXEL_RE = re.compile(rb'<img src="http://127\.0\.0\.1:\d+(/t/o/[a-z2-7]+\.gif)"')
PREFS_RE = re.compile(rb'<a href="http://127\.0\.0\.1:\d+(/my/[A-Za-z0-9_-]+)">Manage your preferences</a>')


def start_site(tmp_path, local_dns, names=("ada", "bob", "cy")):
    """A server whose email goes to the outbox folder, tracking unset (so on: no GDPR), and its people."""
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Friends of the Bay")
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", org["org_id"], DOMAIN).stdout)
    dns = local_dns(sending_domain_records(added))
    verified = srv.json_line(srv.cli("domain", "verify", "--data", data, "--org", org["org_id"], DOMAIN,
                                     "--dns", dns.forwarder).stdout)
    assert verified["verified"], verified
    srv.write_config()
    srv.start()
    c = srv.client(org["api_key"])
    assert c.post("tags", json={"name": "news"}).status_code == 200
    ids = {}
    for name in names:
        r = c.post("people", json={"person": {"email_addresses": [{"address": f"{name}@example.net",
                                                                    "status": "subscribed"}],
                                              "given_name": name.title()}, "add_tags": ["news"]})
        assert r.status_code == 200, r.text
        ids[name] = an_id(r.json())
    tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "news")
    return srv, org, c, ids, tag["_links"]["self"]["href"]


def blast(c, tag_href, subject):
    r = c.post("messages", json={"subject": subject, "body": BODY, "from": "Friends",
                                 "reply_to": f"team@{DOMAIN}", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    mid = an_id(r.json())
    assert c.post(f"messages/{mid}/send", json={}).status_code == 200
    wait_for(lambda: c.get(f"messages/{mid}").json()["status"] == "sent", f"message {subject} sent", 60)
    return mid


def outbox(srv, subject):
    """{recipient: the .eml file's bytes} of the mails with this Subject, read raw from the outbox folder.
    Quoted-printable soft line breaks are undone (the bytes are otherwise as written) so a URL split across
    lines is still found whole."""
    out = {}
    for f in (srv.data_dir / "outbox").glob("*.eml"):
        raw = f.read_bytes()
        head = raw.split(b"\r\n\r\n", 1)[0]
        if not re.search(rb"^Subject: " + re.escape(subject.encode()) + rb"\r?$", head, re.M):
            continue
        to = re.search(rb"^To: .*?([\w.+-]+@[\w.-]+)", head, re.M).group(1).decode()
        assert b"Content-Transfer-Encoding: base64" not in raw, "text parts stay readable in the raw bytes"
        out[to] = raw.replace(b"=\r\n", b"").replace(b"=3D", b"=")
    return out


def assert_untracked(raw):
    assert b"/t/o/" not in raw and b"/t/c/" not in raw and b"<img" not in raw, raw.decode()
    assert ORIGINAL_HREF in raw, "the link as the organization wrote it"
    assert f"({LINK})".encode() in raw, "the plain-text part carries the original link too"
    assert b"/unsubscribe/" in raw, "still a normal mail with its unsubscribe link"


def assert_tracked(raw):
    assert CLICK_RE.search(raw) and PIXEL_RE.search(raw), raw.decode()
    assert ORIGINAL_HREF not in raw


def stats(c, mid):
    s = c.get(f"messages/{mid}").json()["statistics"]
    return s["opened"], s["clicked"]


def events(srv, org_id, mid):
    """{person id: events bits} of the message's delivery rows, read from the database."""
    db = srv.db()
    try:
        rows = db.execute("SELECT person_id, events FROM deliveries WHERE org_id = ? AND message_id = ?",
                          (org_id, mid)).fetchall()
    finally:
        db.close()
    return {pid: ev for pid, ev in rows}


def stored_person(srv, org_id, pid):
    """The person's stored document, unsealed by the test itself."""
    db = srv.db()
    try:
        (doc,) = db.execute("SELECT doc FROM people WHERE org_id = ? AND id = ?", (org_id, pid)).fetchone()
    finally:
        db.close()
    return json.loads(srv.unseal(doc, "people.doc"))


def get(srv, path):
    return requests.get(srv.base + path, allow_redirects=False, timeout=10)


def bundle_person(c, subject):
    req = new_request(c, "access", subject)
    r = fulfil(c, req["id"])
    assert r.status_code == 200, r.text
    z = zipfile.ZipFile(io.BytesIO(r.content))
    return json.loads(z.read("person.json"))[0], list(csv.DictReader(io.StringIO(z.read("person.csv").decode())))[0]


def test_objection_to_tracking_request_untracks_one_person_of_a_blast(tmp_path, local_dns):
    srv, org, c, ids, tag = start_site(tmp_path, local_dns)
    with srv:
        org_b, cb = second_org(srv)
        b_person = cb.ok("POST", "people", json={"person": {"email_addresses": [
            {"address": "ada@example.net", "status": "subscribed"}]}})
        first = blast(c, tag, "News 1")
        mails = outbox(srv, "News 1")
        assert set(mails) == {"ada@example.net", "bob@example.net", "cy@example.net"}
        for raw in mails.values():
            assert_tracked(raw)
        ada_click = CLICK_RE.search(mails["ada@example.net"]).group(1).decode()
        ada_pixel = PIXEL_RE.search(mails["ada@example.net"]).group(1).decode()
        bob_click = CLICK_RE.search(mails["bob@example.net"]).group(1).decode()

        # Validation: a scope only on an objection, and only a known one.
        for bad in ({"kind": "access", "subject": "ada@example.net", "objection_to": "tracking"},
                    {"kind": "objection", "subject": "ada@example.net", "objection_to": "cookies"},
                    {"kind": "objection", "subject": "ada@example.net", "objection_to": 1}):
            r = c.post("tocsin:privacy_requests", json=bad)
            assert r.status_code == 400 and "objection_to" in r.json()["error"], (bad, r.text)

        req = new_request(c, "objection", "ada@example.net", objection_to="tracking")
        assert req["objection_to"] == "tracking" and req["state"] == "open", req
        # Organization B neither sees nor fulfils A's request.
        assert cb.get(f"tocsin:privacy_requests/{req['id']}").status_code == 404
        assert fulfil(cb, req["id"]).status_code == 404
        assert "tocsin:tracking_objection" not in c.person(ids["ada"]), "not before it is fulfilled"
        r = fulfil(c, req["id"])
        assert r.status_code == 200 and r.json()["state"] == "done", r.text
        assert "objection to tracking recorded for 1 person(s)" in json.dumps(r.json()["audit"]), r.text
        assert "unsubscribed" not in json.dumps(r.json()["audit"]), "a scoped objection unsubscribes nothing"
        ada = c.person(ids["ada"])
        assert ada["email_addresses"][0]["status"] == "subscribed", ada
        assert ada["tocsin:tracking_objection"].startswith("20"), ada
        assert "tocsin:tracking_objection" not in c.person(ids["bob"])
        assert stored_person(srv, org["org_id"], ids["ada"])["nt"] > 0
        assert "nt" not in stored_person(srv, org["org_id"], ids["bob"])
        # The same address at organization B is another controller's person: untouched.
        assert "tocsin:tracking_objection" not in cb.person(an_id(b_person))
        assert "nt" not in stored_person(srv, org_b["org_id"], an_id(b_person))

        # The old mail's links still work for her, but record nothing; Bob's click in the same blast does.
        before = events(srv, org["org_id"], first)
        assert set(before.values()) == {0}, before
        r = get(srv, ada_click)
        assert r.status_code == 302 and r.headers["Location"] == LINK
        r = get(srv, ada_pixel)
        assert r.status_code == 200 and r.content.startswith(b"GIF89a")
        assert stats(c, first) == (0, 0)
        assert events(srv, org["org_id"], first)[ids["ada"]] == 0
        assert get(srv, bob_click).status_code == 302
        assert stats(c, first) == (1, 1)
        after = events(srv, org["org_id"], first)
        assert after[ids["bob"]] == 3 and after[ids["ada"]] == 0 and after[ids["cy"]] == 0, after

        # The next blast: her mail carries no pixel and the original link; the others' are tracked.
        second = blast(c, tag, "News 2")
        mails = outbox(srv, "News 2")
        assert set(mails) == {"ada@example.net", "bob@example.net", "cy@example.net"}
        assert_untracked(mails["ada@example.net"])
        assert_tracked(mails["bob@example.net"])
        assert_tracked(mails["cy@example.net"])
        cy_pixel = PIXEL_RE.search(mails["cy@example.net"]).group(1).decode()
        assert get(srv, cy_pixel).status_code == 200
        assert stats(c, second) == (1, 0)

        # Read back: the access bundle says when she objected; Bob's says nothing.
        person, row = bundle_person(c, "ada@example.net")
        assert person["tracking_objection"] == ada["tocsin:tracking_objection"] == row["tracking_objection"]
        assert bundle_person(c, "bob@example.net")[0]["tracking_objection"] == ""

    # Durable: after a restart her old link still records nothing, and a new blast is untracked for her.
    srv.start()
    with srv:
        assert c.person(ids["ada"])["tocsin:tracking_objection"] == ada["tocsin:tracking_objection"]
        assert get(srv, ada_click).status_code == 302
        assert stats(c, first) == (1, 1)
        assert events(srv, org["org_id"], first)[ids["ada"]] == 0
        blast(c, tag, "News 3")
        mails = outbox(srv, "News 3")
        assert_untracked(mails["ada@example.net"])
        assert_tracked(mails["bob@example.net"])


def test_plain_objection_unsubscribes_and_stops_tracking_and_the_cli_scopes_requests(tmp_path, local_dns):
    srv, org, c, ids, tag = start_site(tmp_path, local_dns, names=("ada", "bob"))
    with srv:
        first = blast(c, tag, "News 1")
        mails = outbox(srv, "News 1")
        bob_pixel = PIXEL_RE.search(mails["bob@example.net"]).group(1).decode()
        bob_click = CLICK_RE.search(mails["bob@example.net"]).group(1).decode()

        req = new_request(c, "objection", "bob@example.net")
        assert req["objection_to"] == "all", req
        r = fulfil(c, req["id"])
        assert r.status_code == 200, r.text
        audit = json.dumps(r.json()["audit"])
        assert "unsubscribed 1 contact point(s)" in audit and "objection to tracking recorded for 1" in audit
        bob = c.person(ids["bob"])
        assert bob["email_addresses"][0]["status"] == "unsubscribed" and bob["tocsin:tracking_objection"], bob
        assert get(srv, bob_pixel).status_code == 200
        assert get(srv, bob_click).status_code == 302
        assert stats(c, first) == (0, 0)
        assert events(srv, org["org_id"], first)[ids["bob"]] == 0

        # The CLI records a scoped objection (fulfilled by the server, which alone writes people).
        data = str(srv.data_dir)
        line = srv.json_line(srv.cli("privacy", "request", "--data", data, "--org", org["org_id"], "--kind",
                                     "objection", "--to", "tracking", "--subject", "ada@example.net").stdout)
        assert line["objection_to"] == "tracking" and line["kind"] == "objection", line
        bad = srv.cli("privacy", "request", "--data", data, "--org", org["org_id"], "--kind", "access", "--to",
                      "tracking", "--subject", "ada@example.net", check=False)
        assert bad.returncode != 0 and "--to" in bad.stderr, bad.stderr
        bad = srv.cli("privacy", "request", "--data", data, "--org", org["org_id"], "--kind", "objection",
                      "--to", "everything", "--subject", "ada@example.net", check=False)
        assert bad.returncode != 0 and "--to" in bad.stderr, bad.stderr
        refused = srv.cli("privacy", "fulfil", "--data", data, "--org", org["org_id"], "--id", line["id"],
                          check=False)
        assert refused.returncode != 0 and "tocsin:fulfil" in refused.stderr, refused.stderr
        assert c.get(f"tocsin:privacy_requests/{line['id']}").json()["objection_to"] == "tracking"
        r = fulfil(c, line["id"])
        assert r.status_code == 200 and r.json()["state"] == "done", r.text
        ada = c.person(ids["ada"])
        assert ada["email_addresses"][0]["status"] == "subscribed" and ada["tocsin:tracking_objection"], ada

        second = blast(c, tag, "News 2")
        mails = outbox(srv, "News 2")
        assert set(mails) == {"ada@example.net"}, "Bob objected to everything: unsubscribed"
        assert_untracked(mails["ada@example.net"])
        assert stats(c, second) == (0, 0)


def test_preference_center_button_objects_to_tracking(tmp_path, local_dns):
    srv, org, c, ids, tag = start_site(tmp_path, local_dns, names=("ada", "bob"))
    with srv:
        org_b, cb = second_org(srv)
        first = blast(c, tag, "News 1")
        mails = outbox(srv, "News 1")
        url = srv.base + PREFS_RE.search(mails["ada@example.net"]).group(1).decode()
        ada_click = CLICK_RE.search(mails["ada@example.net"]).group(1).decode()
        s = requests.Session()
        page = s.get(url)
        assert page.status_code == 200
        assert 'value="no_tracking">Do not track whether I open or click</button>' in page.text, page.text

        r = post(s, url, do="no_tracking")
        assert r.status_code == 200, r.text
        assert "whether you open or click is no longer recorded" in r.text, r.text
        assert "Whether you open our emails or select their links is not recorded, since 20" in r.text
        assert 'value="no_tracking"' not in r.text
        ada = c.person(ids["ada"])
        assert ada["email_addresses"][0]["status"] == "subscribed" and ada["tocsin:tracking_objection"], ada

        # Filed as the subject's own request, fulfilled at once, visible to this organization only.
        listed = c.get("tocsin:privacy_requests").json()["_embedded"]["tocsin:privacy_requests"]
        mine = [x for x in listed if x["kind"] == "objection"]
        assert len(mine) == 1, listed
        assert mine[0]["objection_to"] == "tracking" and mine[0]["state"] == "done", mine
        assert mine[0]["actor"] == "subject:verified_link:email" and mine[0]["subject"] == "email:ada@example.net"
        assert cb.get("tocsin:privacy_requests").json()["total_records"] == 0
        assert cb.get(f"tocsin:privacy_requests/{mine[0]['id']}").status_code == 404

        # Again: nothing changes and no second request is filed.
        r = post(s, url, do="no_tracking")
        assert r.status_code == 200 and "Nothing changed." in r.text, r.text
        listed = c.get("tocsin:privacy_requests").json()["_embedded"]["tocsin:privacy_requests"]
        assert len([x for x in listed if x["kind"] == "objection"]) == 1

        # A forged CSRF token changes nothing for Bob.
        bob_url = srv.base + PREFS_RE.search(mails["bob@example.net"]).group(1).decode()
        r = requests.post(bob_url, data={"csrf": "00" * 16, "do": "no_tracking"})
        assert r.status_code == 403
        assert "tocsin:tracking_objection" not in c.person(ids["bob"])

        assert get(srv, ada_click).status_code == 302
        assert stats(c, first) == (0, 0)
        blast(c, tag, "News 2")
        mails = outbox(srv, "News 2")
        assert_untracked(mails["ada@example.net"])
        assert_tracked(mails["bob@example.net"])
