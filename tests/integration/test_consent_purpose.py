"""Purpose limitation, legal bases and special-category data (issue 11, consent/scope.h): consent entries carry
the purpose and legal basis they were given under (signup helper, record helper through the action's own
purpose, PUT); a blast declares its purpose and reaches only people whose consent covers it
(`purpose_not_consented`); tags, lists and actions can be marked special-category, and for a GDPR
organization a blast targeting them reaches only consent resting on explicit consent or membership
(`special_category_basis_missing`), is noted in the access log, and the person's access bundle says so.
Recipients are read from the raw messages smtp-sink captured; the ledger's purpose from the raw database rows."""
import datetime
import io
import time
import json
import zipfile

from test_blast import setup_server, wait_status
from tocsin_server import an_id

DOMAIN = "example.org"


def signup(c, address, expect=200, **extra):
    r = c.post("people", json={"person": {"email_addresses": [{"address": address, "status": "subscribed"}]},
                               "add_tags": ["supporters"], **extra})
    assert r.status_code == expect, r.text
    return r.json()


def message(c, tag_href, purpose=None, subject="News"):
    body = {"subject": subject, "body": "<p>Hello.</p>", "from": "Friends", "reply_to": f"team@{DOMAIN}",
            "targets": [{"href": tag_href}]}
    if purpose is not None:
        body["tocsin:purpose"] = purpose
    r = c.post("messages", json=body)
    assert r.status_code == 200, r.text
    return an_id(r.json())


def preflight(c, mid):
    r = c.get(f"messages/{mid}/tocsin:preflight")
    assert r.status_code == 200, r.text
    return r.json()


def recipients(sink, subject):
    """The To addresses of the captured messages with this Subject, read from the raw header lines as sent."""
    out = set()
    for raw in sink.messages():
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        if f"Subject: {subject}".encode() in head:
            to = [line[len(b"To: "):].decode() for line in head if line.startswith(b"To: ")]
            assert len(to) == 1, head
            out.add(to[0])
    return out


def ledger_rows(srv, person_id):
    db = srv.db()
    try:
        return [tuple(r) for r in db.execute(
            "SELECT purpose, legal_basis, new_status FROM ledger WHERE person_id = ? ORDER BY seq",
            (person_id,)).fetchall()]
    finally:
        db.close()


def test_purposes_bases_and_special_categories(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, _dns, _volunteers = setup_server(tmp_path, smtp_sink, local_dns, people=0,
                                                        init_flags=("--gdpr",))
    with srv:
        assert c.post("tags", json={"name": "supporters"}).status_code == 200
        tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "supporters")
        tag_href, tag_id = tag["_links"]["self"]["href"], an_id(tag)

        ada = signup(c, "ada@example.net")  # general consent
        bob = signup(c, "bob@example.net", **{"tocsin:purpose": " Newsletter "})
        dee = signup(c, "dee@example.net", **{"tocsin:purpose": "newsletter", "tocsin:legal_basis": "membership"})
        signup(c, "eve@example.net", **{"tocsin:purpose": "newsletter"})
        signup(c, "eve@example.net", **{"tocsin:purpose": "fundraising"})  # consent to one more purpose
        pet = an_id(c.ok("POST", "petitions", json={"title": "Clean Air", "tocsin:purpose": "Climate"}))
        assert c.get(f"petitions/{pet}").json()["tocsin:purpose"] == "climate"
        r = c.post(f"petitions/{pet}/signatures", json={
            "person": {"email_addresses": [{"address": "cy@example.net", "status": "subscribed"}]},
            "add_tags": ["supporters"]})
        assert r.status_code == 200, r.text

        # Bad input is refused and names what is accepted; nothing is written.
        r = c.post("people", json={"person": {"email_addresses": [{"address": "zed@example.net"}]},
                                   "tocsin:legal_basis": "friendship"})
        assert r.status_code == 400 and "explicit_consent" in r.json()["error"], r.text
        r = c.post("people", json={"person": {"email_addresses": [{"address": "zed@example.net"}]},
                                   "tocsin:purpose": "x" * 101})
        assert r.status_code == 400 and "tocsin:purpose" in r.json()["error"], r.text
        r = c.post("messages", json={"subject": "s", "body": "b", "tocsin:purpose": 5})
        assert r.status_code == 400 and "tocsin:purpose" in r.json()["error"], r.text
        assert c.get("people", params={"filter": "email_address eq 'zed@example.net'"}).json()[
            "_embedded"]["osdi:people"] == []

        # The proof of a contact point says what its consent covers; the stored rows carry it as recorded.
        proof = c.get(f"people/{an_id(bob)}/consent").json()
        email_proof = next(p for p in proof["contact_points"] if p["channel"] == "email")
        assert email_proof["purposes"] == ["newsletter"] and email_proof["legal_basis"] == "consent", email_proof
        assert email_proof["entries"][-1]["purpose"] == "newsletter"
        assert ledger_rows(srv, an_id(dee))[-1][:2] == ("newsletter", "membership")
        assert ledger_rows(srv, an_id(ada))[-1][:2] == ("", "consent")

        # A newsletter blast: everyone whose consent covers the newsletter; not the climate signer.
        news = message(c, tag_href, "newsletter", "Newsletter")
        pf = preflight(c, news)
        assert pf["total_targeted"] == 5 and pf["excluded_by_reason"] == {"purpose_not_consented": 1}, pf
        assert c.post(f"messages/{news}/send", json={}).status_code == 200
        m = wait_status(c, news, "sent")
        assert m["tocsin:purpose"] == "newsletter"
        assert m["statistics"]["tocsin:excluded"] == {"purpose_not_consented": 1}, m["statistics"]
        assert recipients(sink, "Newsletter") == {"ada@example.net", "bob@example.net", "dee@example.net",
                                                  "eve@example.net"}

        # A general message reaches only the general consent.
        general = message(c, tag_href, None, "General")
        assert preflight(c, general)["excluded_by_reason"] == {"purpose_not_consented": 4}

        # Special-category marks: only the organization's own ids; another organization cannot mark them.
        org_b = srv.create_org("B")
        cb = srv.client(org_b["api_key"])
        deadline = time.monotonic() + 15
        while cb.get("people").status_code != 200:  # the running server learns B's key
            assert time.monotonic() < deadline, "B's key never known"
            time.sleep(0.2)
        r = cb.put("tocsin:special_categories", json={"tags": [tag_id]})
        assert r.status_code == 422, r.text
        r = c.put("tocsin:special_categories", json={"tags": "supporters"})
        assert r.status_code == 400, r.text
        r = c.put("tocsin:special_categories", json={"tags": [tag_id]})
        assert r.status_code == 200, r.text
        assert r.json()["tags"] == [{"id": tag_id, "name": "supporters"}] and r.json()["gdpr_applies"] is True
        assert cb.get("tocsin:special_categories").json()["tags"] == []

        # For a GDPR organization, targeting the marked tag needs explicit consent or membership: only dee.
        special = message(c, tag_href, "newsletter", "Members only")
        pf = preflight(c, special)
        assert pf["tocsin:special_category_used"] == [f"tag:{tag_id}"], pf
        assert pf["excluded_by_reason"] == {"purpose_not_consented": 1, "special_category_basis_missing": 3}, pf
        assert c.post(f"messages/{special}/send", json={}).status_code == 200
        m = wait_status(c, special, "sent")
        assert m["tocsin:special_category_used"] == [f"tag:{tag_id}"]
        assert recipients(sink, "Members only") == {"dee@example.net"}

        # The access log names the use, as a bulk use everyone can find.
        log = c.get("tocsin:access_log", params={"person_id": an_id(dee)}).json()
        uses = [e for e in log["_embedded"]["tocsin:access_log_entries"]
                if e["action"] == "message.special_category_targeting"]
        assert len(uses) == 1 and special in uses[0]["query"] and uses[0]["count"] == 5, uses

        # The access bundle says which tags are marked and which deliveries used marked data.
        r = c.post("tocsin:privacy_requests", json={"kind": "access", "subject": "dee@example.net"})
        assert r.status_code == 200, r.text
        r = c.post(f"tocsin:privacy_requests/{r.json()['id']}/tocsin:fulfil")
        assert r.status_code == 200, r.text
        z = zipfile.ZipFile(io.BytesIO(r.content))
        tags = json.loads(z.read("tags.json"))
        assert [(t["tag"], t["special_category"]) for t in tags] == [("supporters", "yes")]
        deliveries = {d["message_id"]: d for d in json.loads(z.read("deliveries.json"))}
        assert deliveries[special]["special_category_used"] == f"tag:{tag_id}"
        assert deliveries[news]["special_category_used"] == "" and deliveries[news]["purpose"] == "newsletter"
        ledger = json.loads(z.read("ledger.json"))
        assert ledger[-1]["purpose"] == "newsletter" and ledger[-1]["legal_basis"] == "membership"

        # A scheduled blast judges and records the same way when the scheduler starts it.
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        scheduled = message(c, tag_href, "newsletter", "Scheduled members")
        r = c.post(f"messages/{scheduled}/schedule", json={"scheduled_start_date": later})
        assert r.status_code == 200, r.text
        m = wait_status(c, scheduled, "sent")
        assert m["tocsin:special_category_used"] == [f"tag:{tag_id}"]
        assert recipients(sink, "Scheduled members") == {"dee@example.net"}
        log = c.get("tocsin:access_log", params={"person_id": an_id(ada)}).json()
        uses = [e for e in log["_embedded"]["tocsin:access_log_entries"]
                if e["action"] == "message.special_category_targeting" and scheduled in e["query"]]
        assert len(uses) == 1 and uses[0]["actor"] == "scheduler" and uses[0]["count"] == 5, uses

        # After a restart the projection is rebuilt from the ledger: the same people are covered.
        srv.restart()
        c = srv.client(org["api_key"])
        again = message(c, tag_href, "fundraising", "Fundraising")
        c.put("tocsin:special_categories", json={"tags": []})
        pf = preflight(c, again)
        assert pf["excluded_by_reason"] == {"purpose_not_consented": 3}, pf  # ada (general) and eve remain
