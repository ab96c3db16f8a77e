"""Lists/items (read-only), metadata and custom fields (§3.7), consent proof extension."""
import re
import uuid

import pytest

from tocsin_server import an_id, assert_keys_superset, last_segment, load_fixture, unique_email, unique_phone


# ------------------------------------------------------------------------------------------- lists
@pytest.fixture(scope="module")
def imported_list(server, org_a):
    imp = server.list_import
    assert not isinstance(imp, Exception), f"tocsin import --list failed to run: {imp}"
    assert imp.returncode == 0, f"tocsin import --list exited {imp.returncode}: {imp.stdout} {imp.stderr}"
    c = server.client(org_a["api_key"])
    lists = c.all_pages("lists", "osdi:lists")
    mine = [l for l in lists if server.list_name in (l.get("name"), l.get("title"))]
    assert len(mine) == 1, f"imported list {server.list_name!r} not in GET /lists: {lists}"
    return mine[0]


def test_lists_collection_shape(server, a, imported_list):
    body = a.ok("GET", "lists")
    assert_keys_superset(body, load_fixture("parsons/fake_lists.json"), ignore=["$._links.next"],
                         what="lists page (one page: next not required)")
    assert body["total_records"] >= 1 and body["total_pages"] >= 1
    hrefs = [x["href"] for x in body["_links"]["osdi:lists"]]
    assert hrefs == [l["_links"]["self"]["href"] for l in body["_embedded"]["osdi:lists"]]


def test_list_item_shape(server, a, imported_list):
    lid = an_id(imported_list)
    got = a.ok("GET", f"lists/{lid}")
    assert_keys_superset(got, load_fixture("parsons/fake_list.json"), what="list")
    assert got["_links"]["self"]["href"] == f"{server.api}/lists/{lid}"
    assert got["_links"]["osdi:items"]["href"] == f"{server.api}/lists/{lid}/items"
    assert a.get(f"lists/{lid}/").status_code == 200


def test_list_items_and_item(server, a, imported_list):
    lid = an_id(imported_list)
    body = a.ok("GET", f"lists/{lid}/items")
    assert_keys_superset(body, load_fixture("parsons/fake_items.json"), ignore=["$._links.next"],
                         what="items page (one page: next not required)")
    assert "total_pages" not in body and "total_records" not in body
    items = body["_embedded"]["osdi:items"]
    assert len(items) == 3
    emails = set()
    for it in items:
        assert it["item_type"] == "osdi:person"
        assert it["action_network:list_id"] == lid
        pid = it["action_network:person_id"]
        assert last_segment(it["_links"]["osdi:person"]["href"]) == pid
        person = a.ok("GET", it["_links"]["osdi:person"]["href"])
        emails.add(person["email_addresses"][0]["address"])
        single = a.ok("GET", f"lists/{lid}/items/{an_id(it)}")
        assert_keys_superset(single, load_fixture("parsons/fake_item.json"), what="list item")
        assert single["identifiers"] == it["identifiers"]
    assert emails == set(server.list_emails)
    empty = a.ok("GET", f"lists/{lid}/items", params={"page": 2})
    assert empty["_embedded"] == {"osdi:items": []}


def test_unknown_list_and_item_404(a, imported_list):
    rid = str(uuid.uuid4())
    assert a.get(f"lists/{rid}").status_code == 404
    assert "error" in a.get(f"lists/{rid}").json()
    assert a.get(f"lists/{rid}/items").status_code == 404
    assert a.get(f"lists/{an_id(imported_list)}/items/{rid}").status_code == 404


def test_empty_lists_collection_shape(b):
    body = b.ok("GET", "lists")
    assert body["_embedded"] == {"osdi:lists": []}
    assert body["_links"]["osdi:lists"] == []
    assert body["total_records"] == 0
    for k in ("total_pages", "per_page", "page"):
        assert k in body
    assert "next" not in body["_links"]
    assert b.get(f"lists/{uuid.uuid4()}").status_code == 404


def test_lists_are_read_only(a):
    r = a.post("lists", json={"name": "nope"})
    assert r.status_code in (400, 405), r.status_code
    assert "error" in r.json()
    names = [l.get("name") or l.get("title") for l in a.all_pages("lists", "osdi:lists")]
    assert "nope" not in names


# ---------------------------------------------------------------------------------------- metadata
def test_metadata(server, a):
    body = a.ok("GET", "metadata")
    assert_keys_superset(body, load_fixture("parsons/fake_metadata.json"), what="metadata")
    assert isinstance(body["name"], str) and body["name"]
    assert body["_links"]["self"]["href"].rstrip("/") == f"{server.api}/metadata"
    cf = body["_links"]["action_network:custom_fields"]["href"]
    assert cf.rstrip("/") == f"{server.api}/metadata/custom_fields"
    assert a.get(cf).status_code == 200
    assert a.get("metadata/").status_code == 200


def test_custom_fields_catalogue(server, a):
    name = "compat_field_" + uuid.uuid4().hex[:8]
    a.signup(unique_email("cf"), person_extra={"custom_fields": {name: "yes", "volunteer": "yes"}})
    body = a.ok("GET", "metadata/custom_fields")
    # fixture quirk: its _links.self is an array; only presence is required
    assert_keys_superset(body, load_fixture("parsons/fake_custom_fields.json"), loose=["$._links.self"],
                         what="custom fields")
    fields = {f["name"]: f for f in body["action_network:custom_fields"]}
    assert name in fields and "volunteer" in fields
    for f in fields.values():
        assert {"name", "created_date", "modified_date", "notes", "numeric_id"} <= set(f)
        assert isinstance(f["numeric_id"], int)
    ids = [f["numeric_id"] for f in fields.values()]
    assert len(ids) == len(set(ids))
    again = a.ok("GET", "metadata/custom_fields/")
    assert {f["name"]: f["numeric_id"] for f in again["action_network:custom_fields"]}[name] == fields[name][
        "numeric_id"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_metadata_is_read_only(a, method):
    r = a.request(method, "metadata", json={"name": "x"})
    assert 400 <= r.status_code < 500 and r.status_code != 401
    assert "error" in r.json()


# ----------------------------------------------------------------------------------------- consent
ENTRY_KEYS = {"seq", "time", "channel", "old_status", "new_status", "actor", "source", "ip", "user_agent", "method",
              "disclosure_hash", "disclosure_text", "prev_hash", "hash"}
HEX = re.compile(r"^[0-9a-f]+$")


def consent(client, pid):
    body = client.ok("GET", f"people/{pid}/consent")
    assert body["person_id"] == pid
    assert body["chain_verified"] is True
    return body


def point(body, channel):
    pts = [c for c in body["contact_points"] if c["channel"] == channel]
    assert len(pts) == 1, body
    return pts[0]


def test_consent_proof_of_signup(server, org_a):
    ua = "CompatSuite/1.0 (consent signup " + uuid.uuid4().hex[:6] + ")"
    c = server.client(org_a["api_key"], user_agent=ua)
    email, phone = unique_email("consent"), unique_phone()
    p = c.signup(email, phone, phone_status="subscribed")
    pid = an_id(p)
    assert p["_links"]["tocsin:consent"]["href"] == f"{server.api}/people/{pid}/consent"
    body = consent(c, pid)
    em = point(body, "email")
    assert em["address"] == email and em["status"] == "subscribed"
    assert HEX.match(em["contact_hash"])
    sms = point(body, "sms")
    assert sms["status"] == "subscribed"
    assert re.sub(r"\D", "", sms["address"]).endswith(phone[1:])
    for cp, channel in ((em, "email"), (sms, "sms")):
        assert cp["entries"], cp
        last = cp["entries"][-1]
        assert ENTRY_KEYS <= set(last), ENTRY_KEYS - set(last)
        assert last["channel"] == channel
        assert last["new_status"] == "subscribed"
        assert last["old_status"] != "subscribed"
        assert last["ip"] == "127.0.0.1"
        assert last["user_agent"] == ua
        assert isinstance(last["seq"], int)
        assert HEX.match(last["hash"]) and HEX.match(last["prev_hash"])
        assert org_a["api_key"] not in str(last)


def test_consent_entries_for_each_status_change(server, org_a):
    email = unique_email("consent-chg")
    c1 = server.client(org_a["api_key"], user_agent="UA-one")
    c2 = server.client(org_a["api_key"], user_agent="UA-two")
    c3 = server.client(org_a["api_key"], user_agent="UA-three")
    pid = an_id(c1.signup(email))
    r = c2.put(f"people/{pid}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 200
    c3.signup(email, email_status="subscribed")
    entries = point(consent(c1, pid), "email")["entries"]
    assert [e["new_status"] for e in entries] == ["subscribed", "unsubscribed", "subscribed"]
    assert [e["old_status"] for e in entries][1:] == ["subscribed", "unsubscribed"]
    assert [e["user_agent"] for e in entries] == ["UA-one", "UA-two", "UA-three"]
    assert all(e["ip"] == "127.0.0.1" for e in entries)
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert point(consent(c1, pid), "email")["status"] == "subscribed"


def test_consent_of_blind_signup(server, anon, a):
    email = unique_email("consent-blind")
    anon.user_agent = "BrowserForm/2.0"
    r = anon.post("people", json={"person": {"email_addresses": [{"address": email}]}})
    assert r.status_code == 200
    found = a.ok("GET", "people", params={"filter": f"email eq '{email}'"})["_embedded"]["osdi:people"]
    entries = point(consent(a, an_id(found[0])), "email")["entries"]
    assert entries[-1]["new_status"] == "subscribed"
    assert entries[-1]["user_agent"] == "BrowserForm/2.0" and entries[-1]["ip"] == "127.0.0.1"


def test_consent_unknown_person_404(a):
    r = a.get(f"people/{uuid.uuid4()}/consent")
    assert r.status_code == 404 and "error" in r.json()
