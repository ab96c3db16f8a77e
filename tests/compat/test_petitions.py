"""Petitions and signatures end to end (reference §2, §3.3, §3.5): the action itself, the record helper with
its consent evidence, the plain create, deduplication, the SMS disclosure rule and the children refusal."""
import pytest

from tocsin_server import an_id, last_segment, primary_email, primary_phone, unique_email, unique_phone

SMS_DISCLOSURE = {
    "program_name": "Park Alerts",
    "message_frequency": "Msg frequency varies",
    "rates": "Msg & data rates may apply",
    "help": "Text HELP for help",
    "stop": "Text STOP to cancel",
    "terms_url": "https://example.org/terms",
    "privacy_url": "https://example.org/privacy",
}


def make_petition(client, **extra):
    body = {"title": "Save the park " + unique_email("p"), "petition_text": "Keep the park green",
            "target": [{"name": "The Mayor"}], "tocsin:disclosure": "Sign to receive updates by email."}
    body.update(extra)
    return client.ok("POST", "petitions", json=body)


def sign(client, pid, email=None, phone=None, email_status=None, phone_status=None, expect=200, **extra):
    person = {}
    if email:
        person["email_addresses"] = [{"address": email, **({"status": email_status} if email_status else {})}]
    if phone:
        person["phone_numbers"] = [{"number": phone, **({"status": phone_status} if phone_status else {})}]
    body = {"person": person, **extra}
    r = client.post(f"petitions/{pid}/signatures", json=body)
    assert r.status_code == expect, f"{r.status_code} {r.text[:400]}"
    return r.json()


def consent_entries(client, person_id, channel):
    proof = client.ok("GET", f"people/{person_id}/consent")
    for cp in proof["contact_points"]:
        if cp["channel"] == channel:
            return cp
    return None


def test_create_get_update_list_petition(a):
    p = make_petition(a, **{"action_network:hidden": False})
    pid = an_id(p)
    assert p["total_signatures"] == 0
    assert p["petition_text"] == "Keep the park green" and p["target"] == [{"name": "The Mayor"}]
    links = p["_links"]
    assert links["osdi:record_signature_helper"]["href"] == links["osdi:signatures"]["href"]
    assert links["osdi:signatures"]["href"].endswith(f"/petitions/{pid}/signatures")
    got = a.ok("GET", f"petitions/{pid}")
    assert got["title"] == p["title"]
    upd = a.ok("PUT", f"petitions/{pid}", json={"description": "<p>Now with a description</p>"})
    assert upd["description"] == "<p>Now with a description</p>" and upd["title"] == p["title"]
    listing = a.ok("GET", "petitions", params={"filter": f"title eq '{p['title']}'"})
    assert listing["total_records"] == 1 and listing["total_pages"] == 1
    assert an_id(listing["_embedded"]["osdi:petitions"][0]) == pid
    assert a.get("petitions/not-a-petition").status_code == 404


def test_read_after_edit_and_signatures_is_current(a):
    """GET of one petition comes from a cached body (api/action_body_cache.h): an edit is seen by the next
    read, a signature's count is exact in the next read, and the bytes are those of an uncached render (the
    PUT's answer)."""
    pid = an_id(make_petition(a))
    assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 0  # the body is now cached
    put = a.put(f"petitions/{pid}", json={"title": "Edited " + pid, "tocsin:disclosure": "New text."})
    assert put.status_code == 200
    got = a.get(f"petitions/{pid}")
    assert got.text == put.text
    assert got.json()["title"] == "Edited " + pid and got.json()["tocsin:disclosure"] == "New text."
    for n in (1, 2, 3):
        sign(a, pid, unique_email("cached"))
        assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == n
    sign(a, pid, unique_email("cached"))
    put = a.put(f"petitions/{pid}", json={"description": "now"})
    got = a.get(f"petitions/{pid}")
    assert got.text == put.text and got.json()["total_signatures"] == 4


def test_creator_is_embedded(a):
    person = a.signup(unique_email("creator"))
    p = make_petition(a, _links={"osdi:creator": {"href": f"https://actionnetwork.org/api/v2/people/{an_id(person)}"}})
    assert an_id(p["_embedded"]["osdi:creator"]) == an_id(person)
    assert last_segment(p["_links"]["osdi:creator"]["href"]) == an_id(person)
    r = a.post("petitions", json={"title": "x", "_links": {"osdi:creator": {"href": "/people/nobody"}}})
    assert r.status_code == 400


def test_helper_creates_person_signature_and_evidence(server, a):
    pid = an_id(make_petition(a))
    email = unique_email("signer")
    r = a.post(f"petitions/{pid}/signatures",
               headers={"User-Agent": "petition-page/1.0"},
               json={"person": {"given_name": "Ada", "email_addresses": [{"address": email}],
                                "postal_addresses": [{"postal_code": "20009"}]},
                     "comments": "So important", "identifiers": ["crm:77"],
                     "action_network:referrer_data": {"source": "fb-101016", "referrer": "jane-doe"},
                     "triggers": {"autoresponse": {"enabled": True}}})
    assert r.status_code == 200, r.text
    sig = r.json()
    assert sig["comments"] == "So important"
    assert "crm:77" in sig["identifiers"]
    assert sig["action_network:referrer_data"] == {"source": "fb-101016", "referrer": "jane-doe"}
    assert sig["action_network:petition_id"] == pid
    assert sig["tocsin:autoresponse_requested"] is True
    assert "_embedded" not in sig
    person_id = last_segment(sig["_links"]["osdi:person"]["href"])
    assert person_id == sig["action_network:person_id"]
    person = a.person(person_id)
    assert primary_email(person)["address"] == email and primary_email(person)["status"] == "subscribed"
    # The ledger names the action (URL and disclosure version), the submitter's IP and user agent, and
    # the exact consent text the petition showed.
    cp = consent_entries(a, person_id, "email")
    entry = cp["entries"][-1]
    assert entry["source"] == f"{server.api}/petitions/{pid}#disclosure-v1"
    assert entry["method"] == "record signature helper"
    assert entry["ip"] == "127.0.0.1" and entry["user_agent"] == "petition-page/1.0"
    assert entry["disclosure_text"] == "Sign to receive updates by email."
    assert entry["new_status"] == "subscribed" and entry["verified"] is True
    # The stored record reads back the same, and the petition counts it.
    again = a.ok("GET", f"petitions/{pid}/signatures/{an_id(sig)}")
    assert again["tocsin:autoresponse_requested"] is True and again["comments"] == "So important"
    assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 1


def test_repeat_signer_updates_signature_and_reaffirms_consent(a):
    pid = an_id(make_petition(a))
    email = unique_email("repeat")
    first = sign(a, pid, email, comments="first")
    second = sign(a, pid, email, comments="second")
    assert an_id(first) == an_id(second), "one signature per person per petition"
    assert second["comments"] == "second"
    assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 1
    listing = a.ok("GET", f"petitions/{pid}/signatures")
    assert listing["total_records"] == 1
    entries = consent_entries(a, first["action_network:person_id"], "email")["entries"]
    assert [e["method"] for e in entries] == ["record signature helper", "record signature helper (reaffirmed)"]
    assert entries[1]["old_status"] == "subscribed" and entries[1]["new_status"] == "subscribed"


def test_same_person_on_two_petitions_gets_two_signatures(a):
    p1, p2 = an_id(make_petition(a)), an_id(make_petition(a))
    email = unique_email("two")
    s1, s2 = sign(a, p1, email), sign(a, p2, email)
    assert an_id(s1) != an_id(s2)
    assert s1["action_network:person_id"] == s2["action_network:person_id"]
    mine = a.ok("GET", f"people/{s1['action_network:person_id']}/signatures")
    assert {an_id(s) for s in mine["_embedded"]["osdi:signatures"]} == {an_id(s1), an_id(s2)}


def test_helper_matches_existing_person_by_email(a):
    email = unique_email("known")
    person = a.signup(email, given="Known")
    pid = an_id(make_petition(a))
    sig = sign(a, pid, email)
    assert sig["action_network:person_id"] == an_id(person)


def test_only_subscribed_is_valid_on_record_helpers(a):
    pid = an_id(make_petition(a))
    email = unique_email("unsub")
    for status in ("unsubscribed", "bouncing", "nonsense"):
        r = a.post(f"petitions/{pid}/signatures",
                   json={"person": {"email_addresses": [{"address": email, "status": status}]}})
        assert r.status_code == 400, r.text
        assert "subscribed" in r.json()["error"]
    assert a.get("people", params={"filter": f"email_address eq '{email}'"}).json()["_embedded"]["osdi:people"] == []
    assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 0


def test_add_tags_applies_known_tags(a):
    tag = a.ok("POST", "tags", json={"name": "petition-signers-" + unique_email("t")})
    pid = an_id(make_petition(a))
    sig = sign(a, pid, unique_email("tagged"), add_tags=[tag["name"], "no-such-tag-xyz"])
    taggings = a.ok("GET", f"people/{sig['action_network:person_id']}/taggings")["_embedded"]["osdi:taggings"]
    assert [last_segment(t["_links"]["osdi:tag"]["href"]) for t in taggings] == [an_id(tag)]


def test_plain_post_links_existing_person_without_consent_change(a):
    person = a.signup(unique_email("plain"))
    pid = an_id(make_petition(a))
    before = a.ok("GET", f"people/{an_id(person)}/consent")
    sig = a.ok("POST", f"petitions/{pid}/signatures",
               json={"comments": "plain", "_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{an_id(person)}"}}})
    assert sig["action_network:person_id"] == an_id(person) and sig["comments"] == "plain"
    assert a.ok("GET", f"people/{an_id(person)}/consent") == before, "a plain create is not a consent event"
    # dedup holds for plain creates too
    again = a.ok("POST", f"petitions/{pid}/signatures",
                 json={"comments": "plain again", "_links": {"osdi:person": {"href": f"/api/v2/people/{an_id(person)}"}}})
    assert an_id(again) == an_id(sig)
    r = a.post(f"petitions/{pid}/signatures", json={"_links": {"osdi:person": {"href": "/people/unknown"}}})
    assert r.status_code == 400
    r = a.post(f"petitions/{pid}/signatures", json={"comments": "who?"})
    assert r.status_code == 400 and "person" in r.json()["error"]


def test_update_signature(a):
    pid = an_id(make_petition(a))
    sig = sign(a, pid, unique_email("upd"), comments="before")
    upd = a.ok("PUT", f"petitions/{pid}/signatures/{an_id(sig)}", json={"comments": "after"})
    assert upd["comments"] == "after" and an_id(upd) == an_id(sig)
    assert a.put(f"petitions/{pid}/signatures/nope", json={"comments": "x"}).status_code == 404


def test_blind_helper_post_answers_empty_and_records(a, anon):
    pid = an_id(make_petition(a))
    email = unique_email("blind")
    r = anon.post(f"petitions/{pid}/signatures", json={"person": {"email_addresses": [{"address": email}]}})
    assert r.status_code == 200 and r.json() == {}
    assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 1
    people = a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert len(people) == 1
    entry = consent_entries(a, an_id(people[0]), "email")["entries"][-1]
    assert entry["actor"] == "anonymous" and entry["method"] == "blind record signature helper"
    # A blind post never reveals anything: errors and unknown actions answer {} as well.
    assert anon.post(f"petitions/{pid}/signatures", json={"person": {}}).json() == {}
    assert anon.post("petitions/00000000-0000-4000-8000-000000000000/signatures",
                     json={"person": {"email_addresses": [{"address": email}]}}).json() == {}
    # Reading needs a key.
    assert anon.get(f"petitions/{pid}").status_code == 401
    assert anon.post("petitions", json={"title": "x"}).status_code == 401


def test_sms_opt_in_needs_disclosure_and_explicit_subscribed(a, anon):
    without = an_id(make_petition(a))
    phone = unique_phone()
    # With a key and without a disclosure, an SMS opt-in needs the key's attestation (tocsin:consent): a 422.
    r = a.post(f"petitions/{without}/signatures", json={"person": {
        "email_addresses": [{"address": unique_email("sms1")}],
        "phone_numbers": [{"number": phone, "status": "subscribed"}]}})
    assert r.status_code == 422 and "tocsin:consent" in r.json()["error"]
    # Without a key the person is stored and the number kept unsubscribed.
    email = unique_email("sms1")
    assert sign(anon, without, email, phone=phone, phone_status="subscribed") == {}
    person = a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"][0]
    assert primary_phone(person)["status"] != "subscribed"
    assert consent_entries(a, an_id(person), "sms")["entries"] == []

    with_disclosure = an_id(make_petition(a, **{"tocsin:sms_disclosure": SMS_DISCLOSURE}))
    phone2 = unique_phone()
    sig = sign(a, with_disclosure, unique_email("sms2"), phone=phone2)
    assert any("subscribed" in n for n in sig["tocsin:notices"]), "no explicit status: stays unsubscribed"
    assert primary_phone(a.person(sig["action_network:person_id"]))["status"] != "subscribed"

    phone3 = unique_phone()
    sig = sign(a, with_disclosure, unique_email("sms3"), phone=phone3, phone_status="subscribed")
    assert "tocsin:notices" not in sig
    person = a.person(sig["action_network:person_id"])
    assert primary_phone(person)["status"] == "subscribed"
    entry = consent_entries(a, an_id(person), "sms")["entries"][-1]
    assert "Msg & data rates may apply" in entry["disclosure_text"]
    assert "Text STOP to cancel" in entry["disclosure_text"] and "https://example.org/privacy" in entry["disclosure_text"]


def test_incomplete_sms_disclosure_is_refused(a):
    for missing in ("program_name", "rates", "help", "stop", "terms_url", "privacy_url", "message_frequency"):
        d = dict(SMS_DISCLOSURE)
        del d[missing]
        r = a.post("petitions", json={"title": "x", "tocsin:sms_disclosure": d})
        assert r.status_code == 400 and missing in r.json()["error"], (missing, r.text)
    d = dict(SMS_DISCLOSURE, rates="Carrier charges")
    assert a.post("petitions", json={"title": "x", "tocsin:sms_disclosure": d}).status_code == 400


def test_disclosure_version_bumps_when_text_changes(server, a):
    p = make_petition(a)
    pid = an_id(p)
    assert p["tocsin:disclosure_version"] == 1
    same = a.ok("PUT", f"petitions/{pid}", json={"title": "renamed"})
    assert same["tocsin:disclosure_version"] == 1
    changed = a.ok("PUT", f"petitions/{pid}", json={"tocsin:disclosure": "New consent text."})
    assert changed["tocsin:disclosure_version"] == 2
    sig = sign(a, pid, unique_email("v2"))
    entry = consent_entries(a, sig["action_network:person_id"], "email")["entries"][-1]
    assert entry["source"].endswith(f"/petitions/{pid}#disclosure-v2")
    assert entry["disclosure_text"] == "New consent text."


@pytest.mark.parametrize("birthdate,accepted", [("2020-01-01", False), ("1990-05-05", True)])
def test_children_are_refused_and_nothing_stored(a, birthdate, accepted):
    pid = an_id(make_petition(a))
    email = unique_email("age")
    r = a.post(f"petitions/{pid}/signatures",
               json={"person": {"email_addresses": [{"address": email}], "birthdate": birthdate}})
    found = a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    if accepted:
        assert r.status_code == 200 and len(found) == 1
    else:
        assert r.status_code == 422, r.text
        assert "13" in r.json()["error"]
        assert found == []
        assert a.ok("GET", f"petitions/{pid}")["total_signatures"] == 0


def test_filters_and_paging_on_petitions(a):
    title = "Paged " + unique_email("pg")
    ids = [an_id(make_petition(a, title=title)) for _ in range(3)]
    page = a.ok("GET", "petitions", params={"filter": f"title eq '{title}'", "per_page": 2})
    assert page["total_records"] == 3 and page["total_pages"] == 2
    assert "next" in page["_links"] and "filter=" in page["_links"]["next"]["href"]
    page2 = a.ok("GET", page["_links"]["next"]["href"])
    got = [an_id(p) for p in page["_embedded"]["osdi:petitions"] + page2["_embedded"]["osdi:petitions"]]
    assert got == ids
    assert a.get("petitions", params={"filter": "created_date gt 'yesterday'"}).status_code == 400
    assert a.ok("GET", "petitions", params={"filter": "no_such_field eq 'x'"})["total_records"] == 0
    assert a.ok("GET", "petitions", params={"filter": f"identifier eq 'action_network:{ids[0]}'"})["total_records"] == 1
