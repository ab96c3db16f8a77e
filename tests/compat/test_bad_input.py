"""Bad input is rejected with {"error"} and changes nothing (contract: 400/413/415; reference §1.9)."""
import http.client
import json
import uuid

import pytest

from tocsin_server import an_id, primary_email, unique_email

POST_BAD_BODIES = {
    "malformed json": '{"person": {"email_addresses": [{"address": "x@example.org"}',
    "truncated": '{"person":',
    "empty body": "",
    "top-level array": json.dumps([{"person": {"email_addresses": [{"address": "arr@example.org"}]}}]),
    "top-level string": json.dumps("person"),
    "person is a string": json.dumps({"person": "someone@example.org"}),
    "person is a list": json.dumps({"person": [{"email_addresses": [{"address": "l@example.org"}]}]}),
    "email_addresses is an object": json.dumps({"person": {"email_addresses": {"address": "o@example.org"}}}),
    "email_addresses is a string": json.dumps({"person": {"email_addresses": "s@example.org"}}),
    "address is a number": json.dumps({"person": {"email_addresses": [{"address": 12345}]}}),
    "phone_numbers is an object": json.dumps({"person": {"phone_numbers": {"number": "12024561414"}}}),
    "add_tags is a number": None,  # filled per test (valid person, new email)
    "add_tags is a string": None,
    "custom_fields is a list": None,
}


def bad_body(name):
    if POST_BAD_BODIES[name] is not None:
        return POST_BAD_BODIES[name]
    person = {"email_addresses": [{"address": unique_email("badtags")}]}
    if name == "add_tags is a number":
        return json.dumps({"person": person, "add_tags": 5})
    if name == "add_tags is a string":
        return json.dumps({"person": person, "add_tags": "volunteer"})
    if name == "custom_fields is a list":
        person["custom_fields"] = ["a", "b"]
        return json.dumps({"person": person})
    raise KeyError(name)


@pytest.fixture()
def snapshot(a):
    return a.people_snapshot()


@pytest.mark.parametrize("name", list(POST_BAD_BODIES))
def test_signup_bad_json_400_changes_nothing(a, snapshot, name):
    r = a.post("people", data=bad_body(name), headers={"Content-Type": "application/json"})
    assert r.status_code == 400, f"{name}: {r.status_code} {r.text[:200]}"
    assert isinstance(r.json().get("error"), str)
    assert a.people_snapshot() == snapshot


@pytest.mark.parametrize("address", ["not-an-email", "a@", "@example.org", "two@@example.org", "sp ace@example.org"])
def test_invalid_email_400_names_field(a, snapshot, address):
    r = a.post("people", json={"person": {"email_addresses": [{"address": address}]}})
    assert r.status_code == 400, f"{address!r}: {r.status_code}"
    assert "email" in r.json()["error"].lower()
    assert a.people_snapshot() == snapshot


@pytest.mark.parametrize("number", ["12", "abc", "123456789012345678", "+1 (000) 000-0000"])
def test_invalid_phone_400_names_field(a, snapshot, number):
    r = a.post("people", json={"person": {"email_addresses": [{"address": unique_email("badph")}],
                                          "phone_numbers": [{"number": number}]}})
    assert r.status_code == 400, f"{number!r}: {r.status_code} {r.text[:200]}"
    assert "phone" in r.json()["error"].lower()
    assert a.people_snapshot() == snapshot


def test_body_over_max_413(a, snapshot):
    big = json.dumps({"person": {"email_addresses": [{"address": unique_email("big")}],
                                 "custom_fields": {"blob": "x" * (1048576 + 1000)}}})
    r = a.post("people", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "error" in r.json()
    assert a.people_snapshot() == snapshot


def oversized_body(mib):
    return b'{"person":{"custom_fields":{"blob":"' + b"x" * (mib << 20) + b'"}}}'


@pytest.mark.parametrize("mib", [8, 32])
def test_body_far_over_max_413_reaches_a_client_that_sends_it_all(server, org_a, a, snapshot, mib):
    # Clients write the whole body before they read the answer. The server must read and discard it after
    # its 413 (lingering close): closing with the body unread resets the connection, and the client's write
    # fails with a broken pipe. http.client (under many Python clients) raises it; urllib3, under requests,
    # swallows EPIPE and reads on, so requests is checked too.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("POST", "/api/v2/people", body=oversized_body(mib),
                     headers={"OSDI-API-Token": org_a["api_key"], "Content-Type": "application/json"})
        r = conn.getresponse()
        assert r.status == 413 and json.loads(r.read()) == {"error": "request body too large"}
    finally:
        conn.close()
    r = a.post("people", data=oversized_body(mib), headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 413 and r.json() == {"error": "request body too large"}
    assert a.people_snapshot() == snapshot


def test_multipart_415(a, snapshot):
    r = a.post("people", files={"person": ("p.json", json.dumps({"email_addresses": [{"address": "m@example.org"}]}),
                                           "application/json")})
    assert r.request.headers["Content-Type"].startswith("multipart/form-data")
    assert r.status_code == 415, r.status_code
    assert "error" in r.json()
    assert a.people_snapshot() == snapshot


def test_text_plain_json_body_is_accepted(a):
    email = unique_email("plain")
    body = json.dumps({"person": {"email_addresses": [{"address": email}]}})
    r = a.post("people", data=body, headers={"Content-Type": "text/plain"})
    assert r.status_code == 200, r.text
    assert primary_email(r.json())["address"] == email
    r = a.post("people", data=json.dumps({"person": {"email_addresses": [{"address": unique_email("noct")}]}}))
    assert r.status_code == 200  # no content type at all


def test_form_urlencoded_json_body_is_accepted(a):
    # `curl -d '{"person": ...}'` (the README's example) sends application/x-www-form-urlencoded;
    # request content types are to be treated leniently (reference §1.3), only multipart is refused.
    email = unique_email("curl")
    body = json.dumps({"person": {"email_addresses": [{"address": email}]}})
    r = a.post("people", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert primary_email(r.json())["address"] == email


def test_put_bad_input_changes_nothing(a):
    p = a.signup(unique_email("putbad"), given="Stable")
    pid = an_id(p)
    before = a.person(pid)
    cases = [
        ("{bad json", 400),
        (json.dumps({"email_addresses": {"status": "unsubscribed"}}), 400),
        (json.dumps({"email_addresses": [{"address": "not-an-email"}]}), 400),
        (json.dumps({"phone_numbers": [{"number": "12"}]}), 400),
        (json.dumps({"email_addresses": [{"status": "bouncing"}]}), 400),
        (json.dumps(["given_name", "x"]), 400),
        (json.dumps({"given_name": "Changed", "email_addresses": "x"}), 400),
    ]
    for body, status in cases:
        r = a.put(f"people/{pid}", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == status, f"PUT {body!r}: {r.status_code} {r.text[:200]}"
        assert "error" in r.json()
        assert a.person(pid) == before, f"PUT {body!r} changed the person"


def test_tags_bad_input(a):
    before = [t["identifiers"] for t in a.all_pages("tags", "osdi:tags")]
    for body in ["{bad", json.dumps({}), json.dumps({"name": 5}), json.dumps({"name": ""}), json.dumps(["x"]),
                 json.dumps({"name": None})]:
        r = a.post("tags", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, f"POST /tags {body!r}: {r.status_code}"
        assert "error" in r.json()
    assert [t["identifiers"] for t in a.all_pages("tags", "osdi:tags")] == before


@pytest.mark.parametrize("body", [
    {},
    {"_links": {}},
    {"_links": {"osdi:person": {}}},
    {"_links": {"osdi:person": {"href": "https://actionnetwork.org/api/v2/people/" + str(uuid.uuid4())}}},
    {"_links": {"osdi:person": {"href": "https://actionnetwork.org/api/v2/people/not-a-uuid"}}},
    {"_links": {"osdi:person": {"href": 5}}},
    {"_links": {"osdi:person": "https://actionnetwork.org/api/v2/people/x"}},
])
def test_tagging_bad_person_400_exact_error(a, body):
    tag = a.ok("POST", "tags", json={"name": "badtagging-" + uuid.uuid4().hex[:8]})
    tid = an_id(tag)
    r = a.post(f"tags/{tid}/taggings", json=body)
    assert r.status_code == 400, f"{body}: {r.status_code} {r.text[:200]}"
    assert r.json() == {"error": "You must specify a valid person id"}
    assert a.ok("GET", f"tags/{tid}/taggings")["_embedded"]["osdi:taggings"] == []


def test_tagging_malformed_json_400(a):
    tag = a.ok("POST", "tags", json={"name": "badjson-" + uuid.uuid4().hex[:8]})
    r = a.post(f"tags/{an_id(tag)}/taggings", data="{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()


def test_blind_bad_input_stores_nothing(anon, a, snapshot):
    for body in ["{bad", json.dumps({"person": "x"}),
                 json.dumps({"person": {"email_addresses": [{"address": "not-an-email"}]}})]:
        r = anon.post("people", data=body, headers={"Content-Type": "application/json"})
        assert r.status_code in (200, 400), r.status_code
        if r.status_code == 200:
            assert r.json() == {}
        assert "not-an-email" not in r.text
    assert a.people_snapshot() == snapshot


def test_unknown_method_is_an_error_not_a_crash(a):
    p = a.signup(unique_email("del"))
    r = a.delete(f"people/{an_id(p)}")
    assert r.status_code in (404, 405), r.status_code
    assert "error" in r.json()
    assert a.get(f"people/{an_id(p)}").status_code == 200
    r = a.request("PATCH", f"people/{an_id(p)}", json={"given_name": "x"})
    assert r.status_code in (404, 405) and "error" in r.json()
