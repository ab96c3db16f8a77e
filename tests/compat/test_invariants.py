"""Invariants under concurrency and edge input: one person per email / number per org, one tag per name,
exact round trips."""
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

from tocsin_server import TEST_ATTESTATION, an_id, primary_email, primary_phone, unique_email, unique_phone


def people_with(client, flt):
    return client.ok("GET", "people", params={"filter": flt})["_embedded"]["osdi:people"]


def test_concurrent_signups_same_email_make_one_person(server, org_a):
    email = unique_email("race")

    def go(i):
        c = server.client(org_a["api_key"])
        r = c.post("people", json={"person": {"email_addresses": [{"address": email}], "given_name": f"R{i}"}})
        assert r.status_code == 200, r.text
        return an_id(r.json())

    with ThreadPoolExecutor(max_workers=16) as ex:
        ids = set(ex.map(go, range(32)))
    assert len(ids) == 1, f"{len(ids)} people created for one email"
    c = server.client(org_a["api_key"])
    assert len(people_with(c, f"email_address eq '{email}'")) == 1


def test_concurrent_signups_same_phone_number_owned_once(server, org_a):
    phone = unique_phone()

    def go(i):
        c = server.client(org_a["api_key"])
        r = c.post("people", json={"person": {"email_addresses": [{"address": unique_email(f"rph{i}")}],
                                              "phone_numbers": [{"number": phone, "status": "subscribed"}]},
                                   "tocsin:consent": TEST_ATTESTATION})
        assert r.status_code == 200, r.text
        return an_id(r.json())

    with ThreadPoolExecutor(max_workers=16) as ex:
        ids = list(ex.map(go, range(24)))
    c = server.client(org_a["api_key"])
    owners = [an_id(p) for p in people_with(c, f"phone_number eq '{phone}'")]
    assert len(owners) == 1, owners
    holders = [pid for pid in set(ids) if phone in [p.get("number") for p in c.person(pid)["phone_numbers"]]]
    assert holders == owners


def test_concurrent_tag_creation_one_tag(server, org_a):
    name = "race-tag-" + uuid.uuid4().hex[:8]

    def go(i):
        c = server.client(org_a["api_key"])
        r = c.post("tags", json={"name": name if i % 2 else name.upper()})
        assert r.status_code == 200, r.text
        return an_id(r.json())

    with ThreadPoolExecutor(max_workers=12) as ex:
        ids = set(ex.map(go, range(24)))
    assert len(ids) == 1
    c = server.client(org_a["api_key"])
    assert len([t for t in c.all_pages("tags", "osdi:tags") if t["name"].lower() == name.lower()]) == 1


def test_concurrent_taggings_one_per_person(server, org_a):
    c = server.client(org_a["api_key"])
    tid = an_id(c.ok("POST", "tags", json={"name": "race-tg-" + uuid.uuid4().hex[:8]}))
    pid = an_id(c.signup(unique_email("racetg")))

    def go(i):
        cc = server.client(org_a["api_key"])
        r = cc.post(f"tags/{tid}/taggings",
                    json={"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pid}"}}})
        assert r.status_code == 200, r.text
        return an_id(r.json())

    with ThreadPoolExecutor(max_workers=12) as ex:
        ids = set(ex.map(go, range(16)))
    assert len(ids) == 1
    assert len(c.ok("GET", f"tags/{tid}/taggings")["_embedded"]["osdi:taggings"]) == 1


def test_put_email_of_another_person_never_duplicates(a):
    e1, e2 = unique_email("own1"), unique_email("own2")
    p1, p2 = a.signup(e1), a.signup(e2)
    r = a.put(f"people/{an_id(p1)}", json={"email_addresses": [{"address": e2}]})
    assert r.status_code in (200, 400, 409), r.status_code
    if r.status_code != 200:
        assert "error" in r.json()
        assert a.person(an_id(p1)) == p1 or primary_email(a.person(an_id(p1)))["address"] == e1
    assert len(people_with(a, f"email_address eq '{e2}'")) == 1
    holders = [pid for pid in (an_id(p1), an_id(p2))
               if e2 in [x.get("address") for x in a.person(pid)["email_addresses"]]]
    assert len(holders) == 1, "two people of one organization share an email address"


def test_put_phone_of_another_person_never_duplicates(a):
    ph = unique_phone()
    p1 = a.signup(unique_email("phown1"))
    p2 = a.signup(unique_email("phown2"), ph, phone_status="subscribed")
    r = a.put(f"people/{an_id(p1)}", json={"phone_numbers": [{"number": ph}]})
    assert r.status_code in (200, 400, 409), r.status_code
    holders = [pid for pid in (an_id(p1), an_id(p2))
               if ph in [x.get("number") for x in a.person(pid)["phone_numbers"]]]
    assert len(holders) == 1, "two people of one organization share a phone number"
    assert len(people_with(a, f"phone_number eq '{ph}'")) == 1


def test_put_explicit_address_unsubscribe(a):
    email = unique_email("explicit")
    p = a.signup(email)
    r = a.put(f"people/{an_id(p)}", json={"email_addresses": [{"address": email, "status": "unsubscribed"}]})
    assert r.status_code == 200
    assert primary_email(r.json()) == {"primary": True, "address": email, "status": "unsubscribed"}


def test_put_phone_status(a):
    p = a.signup(unique_email("putph"), unique_phone())
    assert primary_phone(p)["status"] == "unsubscribed"
    r = a.put(f"people/{an_id(p)}", json={"phone_numbers": [{"status": "subscribed"}],
                                          "tocsin:consent": TEST_ATTESTATION})
    assert r.status_code == 200
    assert primary_phone(r.json())["status"] == "subscribed"
    assert primary_phone(r.json())["number"] == primary_phone(p)["number"]


def test_unicode_round_trip(a):
    given, family = "Zoë 李", "Ñúñez-O'Brien \"Quote\" \\ back"
    p = a.signup(unique_email("uni"), given=given, family=family,
                 person_extra={"custom_fields": {"Ünïcödé key": "välue ✓", "emoji": "🎉"}})
    got = a.person(an_id(p))
    assert got["given_name"] == given and got["family_name"] == family
    assert got["custom_fields"] == {"Ünïcödé key": "välue ✓", "emoji": "🎉"}
    assert [an_id(x) for x in people_with(a, f"given_name eq '{given}'")] == [an_id(p)]


def test_json_escapes_in_input(a):
    email = unique_email("esc")
    body = ('{"person":{"email_addresses":[{"address":"' + email + '"}],"given_name":"Tab\\tNew\\nLine \\u00e9 '
            '\\ud83c\\udf89","custom_fields":{"note":"Tab\\tNew\\nLine \\u00e9 \\ud83c\\udf89"}}}')
    r = a.post("people", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    # Names reach mail headers: their control characters become spaces (people/header_text.h); other text
    # keeps every escape.
    assert r.json()["given_name"] == "Tab New Line é 🎉"
    assert r.json()["custom_fields"]["note"] == "Tab\tNew\nLine é 🎉"
    json.loads(r.text)


def test_put_over_max_body_413(a):
    p = a.signup(unique_email("bigput"))
    before = a.person(an_id(p))
    r = a.put(f"people/{an_id(p)}", data=json.dumps({"given_name": "x" * (1048576 + 10)}),
              headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert a.person(an_id(p)) == before


def test_trailing_slash_on_tagging_item(a):
    tid = an_id(a.ok("POST", "tags", json={"name": "slash-tg-" + uuid.uuid4().hex[:8]}))
    pid = an_id(a.signup(unique_email("slashtg")))
    tg = a.ok("POST", f"tags/{tid}/taggings/",
              json={"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pid}/"}}})
    assert a.get(f"tags/{tid}/taggings/{an_id(tg)}/").status_code == 200
    assert a.delete(f"tags/{tid}/taggings/{an_id(tg)}/").status_code == 200
