"""Data-subject requests (privacy/privacy_request.h, docs/PRIVACY.md): durable records with deadlines, overdue
first; the access bundle holds everything about the subject and nothing of another person or organization;
restriction excludes the person from every send (gate reason `restricted`) and from exports; objection records
`unsubscribed` on every channel with the request as evidence. Erasure has its own file (test_erasure.py)."""
import csv
import io
import json
import time
import zipfile
from datetime import datetime, timedelta, timezone

from test_blast import create_message, setup_server
from tocsin_server import an_id

KINDS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "withdrawal")


def wait_for(predicate, what, timeout=15):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def new_request(c, kind, subject, **extra):
    r = c.post("tocsin:privacy_requests", json={"kind": kind, "subject": subject, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def second_org(srv):
    """Organization B (its init record) and its client, once the running server knows its key."""
    org_b = srv.create_org("B")
    cb = srv.client(org_b["api_key"])
    wait_for(lambda: cb.get("people").status_code == 200, "B's key known")
    return org_b, cb


def fulfil(c, rid, **body):
    return c.post(f"tocsin:privacy_requests/{rid}/tocsin:fulfil", json=body or None)


def test_records_deadlines_validation_and_org_scope(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, _tag = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    with srv:
        org_b, cb = second_org(srv)
        for bad in ({"kind": "delete", "subject": "p0@example.net"}, {"kind": "access"},
                    {"kind": "access", "subject": "not a contact"},
                    {"kind": "access", "subject": "p0@example.net", "received": "2999-01-01T00:00:00Z"}):
            r = c.post("tocsin:privacy_requests", json=bad)
            assert r.status_code == 400 and "error" in r.json(), (bad, r.text)
        fresh = new_request(c, "access", "P0@example.net")
        assert fresh["subject"] == "email:p0@example.net" and fresh["state"] == "open" and not fresh["overdue"]
        received = datetime.fromisoformat(fresh["received"].replace("Z", "+00:00"))
        due = datetime.fromisoformat(fresh["due"].replace("Z", "+00:00"))
        assert due - received == timedelta(days=45)  # not a GDPR organization: CCPA's 45 days
        old_time = (datetime.now(timezone.utc) - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
        old = new_request(c, "objection", "p1@example.net", received=old_time)
        assert old["overdue"]
        listed = c.get("tocsin:privacy_requests").json()
        items = listed["_embedded"]["tocsin:privacy_requests"]
        assert listed["overdue"] == 1 and [i["id"] for i in items] == [old["id"], fresh["id"]], listed
        assert items[0]["overdue"] is True

        # Extension: once, with a reason, bounded.
        assert fulfil(c, fresh["id"], action="extend", days=10).status_code == 400
        assert fulfil(c, fresh["id"], action="extend", days=99, reason="x").status_code == 400
        ext = fulfil(c, fresh["id"], action="extend", days=10, reason="complex request")
        assert ext.status_code == 200 and ext.json()["extension_reason"] == "complex request"
        assert fulfil(c, fresh["id"], action="extend", days=5, reason="again").status_code == 409
        refused = fulfil(c, old["id"], action="refuse", reason="identity not verified")
        assert refused.status_code == 200 and refused.json()["state"] == "refused"
        assert fulfil(c, old["id"]).status_code == 409
        assert any("refused" in a["event"] for a in c.get(f"tocsin:privacy_requests/{old['id']}").json()["audit"])

        # Every kind is accepted.
        for kind in KINDS:
            new_request(c, kind, "+1 202 555 0100")
        erasure = new_request(c, "erasure", "p0@example.net")

        # Organization B sees none of it and cannot act on it.
        assert cb.get("tocsin:privacy_requests").json()["total_records"] == 0
        assert cb.get(f"tocsin:privacy_requests/{fresh['id']}").status_code == 404
        assert fulfil(cb, fresh["id"]).status_code == 404
        assert fulfil(cb, erasure["id"]).status_code == 404
        emails = {e["address"] for p in c.get("people").json()["_embedded"]["osdi:people"]
                  for e in p["email_addresses"]}
        assert "p0@example.net" in emails, "B's key erased nothing"


def test_access_bundle_is_complete_and_scoped(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, _tag = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    with srv:
        org_b, cb = second_org(srv)
        pet = an_id(c.ok("POST", "petitions", json={"title": "Clean Air", "tocsin:disclosure": "Yes, email me"}))
        c.ok("POST", f"petitions/{pet}/signatures",
             json={"person": {"email_addresses": [{"address": "subject@example.net", "status": "subscribed"}],
                              "given_name": "Sam", "family_name": "Subject",
                              "custom_fields": {"shirt": "L"}}, "comments": "please act"})
        c.ok("POST", "people", json={"person": {"email_addresses": [{"address": "subject@example.net"}]},
                                     "add_tags": ["volunteers"]})
        cb.ok("POST", "people", json={"person": {"email_addresses": [{"address": "subject@example.net",
                                                                        "status": "subscribed"}],
                                                 "given_name": "OtherOrgGiven"}})
        req = new_request(c, "access", "subject@example.net")
        r = fulfil(c, req["id"])
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "application/zip"
        z = zipfile.ZipFile(io.BytesIO(r.content))
        names = set(z.namelist())
        for kind in ("person", "custom_fields", "tags", "lists", "action_records", "ledger", "deliveries",
                     "inbound_texts", "suppressions"):
            assert {f"{kind}.json", f"{kind}.csv"} <= names, kind
        person = json.loads(z.read("person.json"))
        assert len(person) == 1 and person[0]["given_name"] == "Sam" and person[0]["email"] == "subject@example.net"
        assert json.loads(z.read("custom_fields.json")) == [{"person_id": person[0]["person_id"], "name": "shirt",
                                                             "value": "L"}]
        assert [t["tag"] for t in json.loads(z.read("tags.json"))] == ["volunteers"]
        records = json.loads(z.read("action_records.json"))
        assert len(records) == 1 and records[0]["action_title"] == "Clean Air"
        assert json.loads(records[0]["fields"])["comments"] == "please act"
        ledger = json.loads(z.read("ledger.json"))
        assert ledger and all(e["address"] == "subject@example.net" for e in ledger)
        assert any(e["new_status"] == "subscribed" and e["disclosure_text"] for e in ledger), ledger
        rows = list(csv.DictReader(io.StringIO(z.read("person.csv").decode())))
        assert rows[0]["family_name"] == "Subject"
        blob = b"".join(z.read(n) for n in names).decode()
        for foreign in ("OtherOrgGiven", org_b["org_id"], "p0@example.net", "p1@example.net"):
            assert foreign not in blob, foreign
        assert c.get(f"tocsin:privacy_requests/{req['id']}").json()["state"] == "done"

        # The CLI writes the same kind of bundle for a portability request.
        line = json.loads(srv.cli("privacy", "request", "--data", srv.data_dir, "--org", org["org_id"], "--kind",
                                  "portability", "--subject", "subject@example.net").stdout)
        listed = [json.loads(x) for x in srv.cli("privacy", "list", "--data", srv.data_dir, "--org",
                                                  org["org_id"]).stdout.splitlines()]
        assert line["id"] in {x["id"] for x in listed}
        out = tmp_path / "bundle.zip"
        done = json.loads(srv.cli("privacy", "fulfil", "--data", srv.data_dir, "--org", org["org_id"], "--id",
                                  line["id"], "--out", out).stdout)
        assert done["state"] == "done"
        z2 = zipfile.ZipFile(out)
        assert json.loads(z2.read("person.json"))[0]["given_name"] == "Sam"
        assert "OtherOrgGiven" not in b"".join(z2.read(n) for n in z2.namelist()).decode()


def test_restriction_and_objection_change_what_is_sent(tmp_path, smtp_sink, local_dns):
    srv, org, c, _sink, _dns, tag = setup_server(tmp_path, smtp_sink, local_dns, people=4)
    with srv:
        mid = create_message(c, tag)
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"not_subscribed": 1}, pre

        restrict = new_request(c, "restriction", "p0@example.net")
        r = fulfil(c, restrict["id"])
        assert r.status_code == 200 and r.json()["state"] == "done", r.text
        objection = new_request(c, "objection", "p1@example.net")
        r = fulfil(c, objection["id"])
        assert r.status_code == 200 and "unsubscribed 1" in json.dumps(r.json()["audit"]), r.text

        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"not_subscribed": 2, "restricted": 1}, pre
        p1 = next(p for p in c.get("people").json()["_embedded"]["osdi:people"]
                  if p["email_addresses"][0]["address"] == "p1@example.net")
        proof = c.get(f"people/{an_id(p1)}/consent").json()
        last = next(cp for cp in proof["contact_points"] if cp["channel"] == "email")["entries"][-1]
        assert last["new_status"] == "unsubscribed" and last["source"] == f"privacy_request:{objection['id']}"

    # Restricted people are left out of exports.
    out = tmp_path / "export.csv"
    srv.cli("export", "--data", srv.data_dir, "--org", org["org_id"], "--out", out)
    text = out.read_text()
    assert "p0@example.net" not in text and "p2@example.net" in text

    # Lifting the restriction (after a restart: the restricted set is durable) needs a reason, is refused for
    # any other request, and makes the person sendable again; the request stays done with the lift audited.
    srv.start()
    with srv:
        r = fulfil(c, restrict["id"], action="lift")
        assert r.status_code == 400 and "reason" in r.json()["error"], r.text
        r = fulfil(c, objection["id"], action="lift", reason="subject asked")
        assert r.status_code == 409, r.text
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"not_subscribed": 2, "restricted": 1}, pre
        r = fulfil(c, restrict["id"], action="lift", reason="accuracy verified; subject informed")
        assert r.status_code == 200 and r.json()["state"] == "done", r.text
        assert "restriction lifted for 1 contact point(s): accuracy verified" in json.dumps(r.json()["audit"])
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"not_subscribed": 2}, pre
