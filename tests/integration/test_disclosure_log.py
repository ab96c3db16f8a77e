"""The disclosure log (privacy/disclosure_log.h, docs/PRIVACY.md "The disclosure log"): to whom supporters'
data went, what and under which basis (GDPR Art. 15(1)(c), Art. 19). A CLI export and a page of people over
the API are disclosures to their reader (actor, IP, count); a blast handed to the local outbox folder is one
entry naming that processor and the count actually handed over, found by each recipient's person id and by
no one it was not handed to; the access bundle answers "recipients of my data"; organization B sees none of
A's; the raw rows say the same, and the chain still verifies."""
import io
import json
import time
import zipfile

import pytest

from mail_servers import LocalDns, sending_domain_records
from test_blast import wait_status
from tocsin_server import TocsinServer, an_id

DOMAIN = "example.org"


@pytest.fixture
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    org = s.init("A")
    data = str(s.data_dir)
    s.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = s.json_line(s.cli("domain", "add", "--data", data, "--org", org["org_id"], DOMAIN).stdout)
    dns = LocalDns(tmp_path / "dns", sending_domain_records(added)).start()
    try:
        verified = s.json_line(s.cli("domain", "verify", "--data", data, "--org", org["org_id"], DOMAIN,
                                     "--dns", dns.forwarder).stdout)
    finally:
        dns.stop()
    assert verified["verified"], verified
    s.create_org("B")
    s.write_config(sections={"privacy": {"disclosure_flush_seconds": 1}})
    s.start()
    yield s
    s.stop()


def disclosures(srv, org_id, *args):
    r = srv.cli("disclosures", "--data", srv.data_dir, "--org", org_id, *args)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def settled(srv, org_id, n, *args, timeout=15):
    """The organization's disclosures once there are n (the server's entries ride the next group commit)."""
    deadline = time.monotonic() + timeout
    while len(got := disclosures(srv, org_id, *args)) < n:
        assert time.monotonic() < deadline, (n, got, srv.log_tail())
        time.sleep(0.1)
    return got


def rows(srv, sql, params=()):
    db = srv.db()
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def test_an_export_and_an_api_page_are_disclosed_to_their_reader(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
    ids = [an_id(ca.signup(email=f"p{i}@example.org", given=f"Given{i}")) for i in range(3)]
    ca.person(ids[0])  # one person on screen: a read, not a disclosure
    page = ca.ok("GET", "people")
    assert len(page["_embedded"]["osdi:people"]) == 3
    settled(srv, a["org_id"], 1)
    out = srv.data_dir.parent / "people.csv"
    srv.cli("export", "--data", srv.data_dir, "--org", a["org_id"], "--out", out, "--to", "Acme Canvassing Ltd",
            "--basis", "contract with the canvassing firm (Art. 28)")
    assert "p1@example.org" in out.read_text()

    got = settled(srv, a["org_id"], 2)
    assert [e["action"] for e in got] == ["people.list", "people.export"], got
    listed, exported = got
    assert listed["recipient"] == f"api_key:{a['key_id']} from 127.0.0.1" and listed["disclosure"] is True
    assert listed["count"] == 3 and sorted(listed["person_ids"]) == sorted(ids)
    assert "own use" in listed["basis"]
    assert exported["recipient"] == "Acme Canvassing Ltd" and exported["actor"].startswith("cli:")
    assert exported["basis"] == "contract with the canvassing firm (Art. 28)" and exported["count"] == 3

    # The access log keeps the single read too; the disclosure log leaves it out.
    audit = [json.loads(x) for x in srv.cli("audit", "--data", srv.data_dir, "--org", a["org_id"]).stdout.split("\n")
             if x.strip()]
    assert [e["action"] for e in audit] == ["person.read", "people.list", "people.export"]
    assert audit[0]["disclosure"] is False and audit[0]["recipient"] == ""

    # "Who received my data?" over the API, for one person, and the same through the CLI.
    api = ca.ok("GET", "tocsin:disclosure_log", params={"person_id": ids[1]})["_embedded"]["tocsin:disclosures"]
    assert [e["seq"] for e in api] == [listed["seq"], exported["seq"]]
    assert [e["seq"] for e in disclosures(srv, a["org_id"], "--person", ids[1])] == [e["seq"] for e in api]
    assert ca.get("tocsin:disclosure_log", params={"since": "soon"}).status_code == 400
    assert ca.post("tocsin:disclosure_log", json={}).status_code == 405

    # Organization B sees none of A's, even asking about A's person.
    assert cb.ok("GET", "tocsin:disclosure_log")["_embedded"]["tocsin:disclosures"] == []
    assert cb.ok("GET", "tocsin:disclosure_log", params={"person_id": ids[1]})["_embedded"]["tocsin:disclosures"] == []
    assert disclosures(srv, b["org_id"]) == []

    # The raw rows: recipient and basis stored with the entry, covered by the chain.
    stored = rows(srv, "SELECT action, recipient, basis, count, message_id FROM access_log WHERE org_id = ? "
                       "ORDER BY seq", (a["org_id"],))
    assert stored == [("person.read", "", "", 1, ""),
                      ("people.list", f"api_key:{a['key_id']} from 127.0.0.1", listed["basis"], 3, ""),
                      ("people.export", "Acme Canvassing Ltd", "contract with the canvassing firm (Art. 28)", 3,
                       "")], stored
    assert srv.json_line(srv.cli("audit", "--data", srv.data_dir, "--org", a["org_id"], "--verify").stdout) == {
        "entries": 3, "verified": True}


def test_a_blast_handed_to_the_outbox_is_one_entry_naming_the_processor(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    ca, cb = srv.client(a["api_key"]), srv.client(b["api_key"])
    assert ca.post("tags", json={"name": "rally"}).status_code == 200
    people = {}
    for name, status in (("ada", "subscribed"), ("bob", "subscribed"), ("cy", "subscribed"), ("dee", "unsubscribed")):
        r = ca.post("people", json={"person": {"email_addresses": [{"address": f"{name}@example.net", "status": status}]},
                                    "add_tags": ["rally"]})
        assert r.status_code == 200, r.text
        people[name] = an_id(r.json())
    tag = next(t for t in ca.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "rally")
    r = ca.post("messages", json={"subject": "Rally", "body": "<p>Join us.</p>", "from": "Friends",
                                  "reply_to": f"team@{DOMAIN}", "targets": [{"href": tag["_links"]["self"]["href"]}]})
    assert r.status_code == 200, r.text
    mid = an_id(r.json())
    assert ca.post(f"messages/{mid}/send", json={}).status_code == 200
    m = wait_status(ca, mid, "sent")
    assert m["statistics"]["sent"] == 3, m
    emls = list((srv.data_dir / "outbox").glob("*.eml"))
    assert len(emls) == 3

    got = settled(srv, a["org_id"], 1)
    blast = [e for e in got if e["action"] == "blast.handover"]
    assert len(blast) == 1, got
    e = blast[0]
    assert e["recipient"] == f"local outbox folder {srv.data_dir / 'outbox'}", e
    assert e["count"] == 3 and e["message_id"] == mid and e["person_ids"] == [] and e["bulk"] is False
    assert f"blast message {mid}: email addresses and rendered content of 3 recipients" == e["query"]
    assert "consent" in e["basis"] and "Art. 28" in e["basis"]

    # One row for the blast, none per recipient, and no index rows naming anyone.
    stored = rows(srv, "SELECT seq, recipient, count, message_id, people FROM access_log WHERE org_id = ? AND "
                       "action = 'blast.handover'", (a["org_id"],))
    assert stored == [(e["seq"], e["recipient"], 3, mid, "")], stored
    assert rows(srv, "SELECT count(*) FROM access_log_people WHERE org_id = ? AND seq = ?",
                (a["org_id"], e["seq"])) == [(0,)]

    # Each recipient finds it by their person id; the unsubscribed one, never handed over, does not.
    for name in ("ada", "bob", "cy"):
        mine = ca.ok("GET", "tocsin:disclosure_log",
                     params={"person_id": people[name]})["_embedded"]["tocsin:disclosures"]
        assert [x["seq"] for x in mine] == [e["seq"]], (name, mine)
    assert ca.ok("GET", "tocsin:disclosure_log",
                 params={"person_id": people["dee"]})["_embedded"]["tocsin:disclosures"] == []
    assert [x["seq"] for x in disclosures(srv, a["org_id"], "--person", people["ada"])] == [e["seq"]]
    assert cb.ok("GET", "tocsin:disclosure_log",
                 params={"person_id": people["ada"]})["_embedded"]["tocsin:disclosures"] == []

    # Ada's access bundle names the processor her data went to (Art. 15(1)(c)) and nobody else's ids.
    req = ca.post("tocsin:privacy_requests", json={"kind": "access", "subject": "ada@example.net"})
    assert req.status_code in (200, 201), req.text
    zipped = ca.post(f"tocsin:privacy_requests/{req.json()['id']}/tocsin:fulfil")
    assert zipped.status_code == 200, zipped.text
    z = zipfile.ZipFile(io.BytesIO(zipped.content))
    listed = json.loads(z.read("disclosures.json"))
    assert [(x["action"], x["recipient"], x["message_id"], x["people"]) for x in listed] == [
        ("blast.handover", e["recipient"], mid, "3")], listed
    assert "recipient" in z.read("disclosures.csv").decode().splitlines()[0]
    for other in ("bob", "cy", "dee"):
        assert people[other] not in z.read("disclosures.json").decode()

    # The bundle handed out is itself a disclosure, to the key, under the access request.
    after = settled(srv, a["org_id"], 2)
    assert after[-1]["action"] == "privacy.bundle" and "Art. 15" in after[-1]["basis"]
    assert after[-1]["person_ids"] == [people["ada"]]
    assert srv.json_line(srv.cli("audit", "--data", srv.data_dir, "--org", a["org_id"], "--verify").stdout)[
        "verified"] is True


def test_one_off_mail_is_batched_per_organization_and_processor(srv):
    a = srv.orgs["A"]
    srv.stop()  # the administrator's CLI needs the data directory to itself
    created = srv.json_line(srv.cli(
        "actions", "create", "--data", srv.data_dir, "--org", a["org_id"], "--kind", "petitions", "--json",
        json.dumps({"title": "Clean air", "tocsin:autoresponse": {
            "subject": "Thanks", "body": "<p>Thank you for signing.</p>", "from": "Friends",
            "from_address": f"team@{DOMAIN}", "reply_to": f"team@{DOMAIN}"}})).stdout)
    srv.start()
    ca = srv.client(a["api_key"])
    records = []
    for name in ("eve", "fay", "gus"):
        body = {"person": {"email_addresses": [{"address": f"{name}@example.net", "status": "subscribed"}]},
                "triggers": {"autoresponse": {"enabled": True}}}
        r = ca.post(f"petitions/{created['id']}/signatures", json=body)
        assert r.status_code == 200, r.text
        records.append(r.json())
    deadline = time.monotonic() + 20
    while len(list((srv.data_dir / "outbox").glob("*.eml"))) < 3:
        assert time.monotonic() < deadline, srv.log_tail()
        time.sleep(0.1)

    # Within the flush period (1 s here), not one entry per message: three hand-overs, at most two entries.
    deadline = time.monotonic() + 15
    while True:
        got = disclosures(srv, a["org_id"])
        if sum(e["count"] for e in got) >= 3:
            break
        assert time.monotonic() < deadline, (got, srv.log_tail())
        time.sleep(0.2)
    assert all(e["action"] == "one_off.handover" for e in got) and len(got) <= 2, got
    assert all(e["recipient"] == f"local outbox folder {srv.data_dir / 'outbox'}" for e in got)
    assert all("autoresponse" in e["query"] and "Art. 28" in e["basis"] for e in got)
    people = {pid for e in got for pid in e["person_ids"]}
    assert len(people) == 3
    for pid in people:
        mine = ca.ok("GET", "tocsin:disclosure_log", params={"person_id": pid})["_embedded"]["tocsin:disclosures"]
        assert [e["action"] for e in mine] == ["one_off.handover"], mine
