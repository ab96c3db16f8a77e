"""Background processing (§1.7), blind POST (§1.2), CORS preflight."""
import time
import uuid

import pytest

from tocsin_server import an_id, primary_email, unique_email, unique_phone

FLAGS = ["background_request", "background_processing"]


def find_by_email(client, email, wait=5.0):
    deadline = time.monotonic() + wait
    while True:
        found = client.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"][
            "osdi:people"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def eventually(fn, wait=5.0):
    deadline = time.monotonic() + wait
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(0.1)


@pytest.mark.parametrize("flag", FLAGS)
def test_background_signup(a, flag):
    email = unique_email("bg")
    r = a.post("people", params={flag: "true"}, json={"person": {"email_addresses": [{"address": email}],
                                                                 "given_name": "Bg"}})
    assert r.status_code == 200
    assert r.json() == {}
    found = find_by_email(a, email)
    assert len(found) == 1 and found[0]["given_name"] == "Bg"


@pytest.mark.parametrize("flag", FLAGS)
def test_background_put(a, flag):
    p = a.signup(unique_email("bgput"))
    r = a.put(f"people/{an_id(p)}", params={flag: "true"}, json={"given_name": "Later"})
    assert r.status_code == 200 and r.json() == {}
    assert eventually(lambda: a.person(an_id(p)).get("given_name") == "Later")


@pytest.mark.parametrize("flag", FLAGS)
def test_background_tagging_post_and_delete(a, flag):
    tag = a.ok("POST", "tags", json={"name": "bg-" + uuid.uuid4().hex[:8]})
    tid = an_id(tag)
    pid = an_id(a.signup(unique_email("bgtag")))
    r = a.post(f"tags/{tid}/taggings", params={flag: "true"},
               json={"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pid}"}}})
    assert r.status_code == 200 and r.json() == {}
    taggings = eventually(lambda: a.ok("GET", f"people/{pid}/taggings")["_embedded"]["osdi:taggings"])
    assert len(taggings) == 1
    tgid = an_id(taggings[0])
    r = a.delete(f"tags/{tid}/taggings/{tgid}", params={flag: "true"})
    assert r.status_code == 200 and r.json() == {}
    assert eventually(lambda: a.get(f"tags/{tid}/taggings/{tgid}").status_code == 404)


def test_background_query_string_on_trailing_slash_url(a):
    email = unique_email("bgslash")
    r = a.post("people/?background_processing=true", json={"person": {"email_addresses": [{"address": email}]}})
    assert r.status_code == 200 and r.json() == {}
    assert len(find_by_email(a, email)) == 1


# ------------------------------------------------------------------------------------------- blind
def test_blind_post_answers_empty_object_and_stores(anon, a, b):
    email, phone = unique_email("blind"), unique_phone()
    r = anon.post("people", json={"person": {"given_name": "Secretive", "email_addresses": [{"address": email}],
                                             "phone_numbers": [{"number": phone, "status": "subscribed"}]},
                                  "add_tags": ["volunteer"]})
    assert r.status_code == 200
    assert r.json() == {}
    assert r.text.strip() == "{}"
    assert email not in r.text and "Secretive" not in r.text
    found = find_by_email(a, email)
    assert len(found) == 1, "blind signup must be stored in the first organization"
    assert found[0]["given_name"] == "Secretive"
    assert primary_email(found[0])["status"] == "subscribed"
    # A keyless post shows no SMS disclosure: the number is stored, not subscribed (people/subscribe_rule.h).
    assert found[0]["phone_numbers"][0]["status"] == "unsubscribed"
    assert b.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"] == []


def test_blind_post_existing_person_reveals_nothing(anon, a):
    email = unique_email("blindex")
    p = a.signup(email, given="Known")
    r1 = anon.post("people", json={"person": {"email_addresses": [{"address": email}], "family_name": "Blind"}})
    r2 = anon.post("people", json={"person": {"email_addresses": [{"address": unique_email("blindnew")}]}})
    assert r1.status_code == r2.status_code == 200
    assert r1.text == r2.text and r1.json() == {}
    assert set(r1.headers) - {"Date", "Content-Length"} == set(r2.headers) - {"Date", "Content-Length"}
    got = a.person(an_id(p))
    assert got["family_name"] == "Blind" and got["given_name"] == "Known"


@pytest.mark.parametrize("path", ["people/", "people"])
def test_blind_post_trailing_slash(anon, a, path):
    email = unique_email("blindsl")
    r = anon.post(path, json={"person": {"email_addresses": [{"address": email}]}})
    assert r.status_code == 200 and r.json() == {}
    assert len(find_by_email(a, email)) == 1


def test_blind_post_cannot_unsubscribe_silently_more_than_allowed(anon, a):
    # A blind post may set subscribed/unsubscribed like any helper post; other statuses never apply.
    email = unique_email("blindst")
    p = a.signup(email)
    anon.post("people", json={"person": {"email_addresses": [{"address": email, "status": "bouncing"}]}})
    assert primary_email(a.person(an_id(p)))["status"] == "subscribed"


def test_blind_non_helper_requests_are_401(anon, a):
    p = a.signup(unique_email("blind401"))
    assert anon.get("people").status_code == 401
    assert anon.get(f"people/{an_id(p)}").status_code == 401
    assert anon.put(f"people/{an_id(p)}", json={"given_name": "X"}).status_code == 401
    assert anon.post("tags", json={"name": "x"}).status_code == 401


# -------------------------------------------------------------------------------------------- CORS
@pytest.mark.parametrize("path", ["people", "people/"])
def test_cors_preflight_on_signup_helper(anon, path):
    r = anon.options(path, headers={"Origin": "https://www.example.org",
                                    "Access-Control-Request-Method": "POST",
                                    "Access-Control-Request-Headers": "content-type,osdi-api-token"})
    assert 200 <= r.status_code < 300, r.status_code
    assert r.headers.get("Access-Control-Allow-Origin") in ("*", "https://www.example.org")
    allow = r.headers.get("Access-Control-Allow-Headers", "").lower()
    assert "osdi-api-token" in allow and "content-type" in allow
    methods = r.headers.get("Access-Control-Allow-Methods", "POST").upper()
    assert "POST" in methods


def test_cors_header_on_actual_blind_post(anon, a):
    email = unique_email("corspost")
    r = anon.post("people", headers={"Origin": "https://www.example.org"},
                  json={"person": {"email_addresses": [{"address": email}]}})
    assert r.status_code == 200
    assert r.headers.get("Access-Control-Allow-Origin") in ("*", "https://www.example.org")
