"""People: shape, item/collection envelopes, paging, filters, PUT merge (reference §1.3-1.6, §3.1-3.2, §4.2)."""
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from tocsin_server import (TEST_ATTESTATION, an_id, assert_keys_superset, last_segment, load_fixture, primary_email,
                           primary_phone, unique_email, unique_phone)

# The fixture person's postal address carries AN's geocoding output; tocsin has no geocoder.
PERSON_EXCLUSIONS = ["$.custom_fields.*", "$.postal_addresses[].location"]


def full_person_body(email, phone, family):
    return {"person": {
        "identifiers": [f"compat_system:{uuid.uuid4().hex}"],
        "given_name": "John", "family_name": family,
        "email_addresses": [{"address": email, "status": "subscribed"}],
        "phone_numbers": [{"number": phone, "status": "subscribed"}],
        "postal_addresses": [{"primary": True, "address_lines": ["1900 Pennsylvania Ave"], "locality": "Washington",
                              "region": "DC", "postal_code": "20009", "country": "US", "language": "en"}],
        "languages_spoken": ["en"],
        "custom_fields": {"phone": "310.753.8209", "I am a parent": "1"}},
        "tocsin:consent": TEST_ATTESTATION}


def parse_date(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def full_person(server, org_a):
    c = server.client(org_a["api_key"])
    email, phone, fam = unique_email("full"), unique_phone(), "Smith" + uuid.uuid4().hex[:8]
    body = full_person_body(email, phone, fam)
    r = c.post("people", json=body)
    assert r.status_code == 200, r.text
    return {"resp": r.json(), "email": email, "phone": phone, "family": fam, "body": body}


def test_signup_response_is_full_person_matching_fixture(full_person):
    p = full_person["resp"]
    fixture = load_fixture("parsons/fake_people.json")["_embedded"]["osdi:people"][0]
    assert_keys_superset(p, fixture, ignore=PERSON_EXCLUSIONS, what="person (POST /people)")
    assert primary_email(p)["address"] == full_person["email"]
    ph = primary_phone(p)
    assert ph["number"] == full_person["phone"] and ph["number_type"] == "Mobile"
    assert p["given_name"] == "John" and p["family_name"] == full_person["family"]
    assert p["custom_fields"] == {"phone": "310.753.8209", "I am a parent": "1"}
    addr = p["postal_addresses"][0]
    for k, v in full_person["body"]["person"]["postal_addresses"][0].items():
        assert addr.get(k) == v, f"postal address {k}: {addr.get(k)!r} != {v!r}"


def test_get_person_matches_fixture_and_post_response(a, full_person):
    p = full_person["resp"]
    pid = an_id(p)
    r = a.get(f"people/{pid}")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/hal+json")
    got = r.json()
    fixture = load_fixture("parsons/fake_people.json")["_embedded"]["osdi:people"][0]
    assert_keys_superset(got, fixture, ignore=PERSON_EXCLUSIONS, what="person (GET /people/{id})")
    for k in ("identifiers", "given_name", "family_name", "email_addresses", "phone_numbers", "postal_addresses",
              "custom_fields", "created_date", "modified_date"):
        assert got[k] == p[k], k


def test_person_identifiers_links_and_dates(server, full_person):
    p = full_person["resp"]
    pid = an_id(p)
    uuid.UUID(pid)
    assert pid == pid.lower()
    foreign = full_person["body"]["person"]["identifiers"][0]
    assert foreign in p["identifiers"]
    assert p["identifiers"][0] == f"action_network:{pid}"
    links = p["_links"]
    assert links["self"]["href"] == f"{server.api}/people/{pid}"
    assert last_segment(links["self"]["href"]) == pid
    assert links["osdi:taggings"]["href"] == f"{server.api}/people/{pid}/taggings"
    assert links["tocsin:consent"]["href"] == f"{server.api}/people/{pid}/consent"
    assert {c["name"] for c in links["curies"]} >= {"osdi", "action_network"}
    assert p["created_date"] == p["modified_date"]
    parse_date(p["created_date"])


def test_minimal_person_always_has_three_arrays(a):
    p = a.signup(unique_email("min"))
    for k in ("email_addresses", "phone_numbers", "postal_addresses"):
        assert isinstance(p.get(k), list), f"{k} missing"
    assert p["phone_numbers"] == [] and p["postal_addresses"] == []
    assert isinstance(p.get("custom_fields"), dict)
    p2 = a.signup(phone=unique_phone())
    assert p2["email_addresses"] == [] and p2["postal_addresses"] == []
    got = a.person(an_id(p2))
    for k in ("email_addresses", "phone_numbers", "postal_addresses"):
        assert isinstance(got.get(k), list)


@pytest.mark.parametrize("raw", ["+1 (202) 456-1414", "202-456-1414", "2024561414", "12024561414", "+12024561414"])
def test_phone_normalized_to_digits_with_country_code(a, raw):
    email = unique_email("fmt")
    p = a.signup(email, phone=raw)
    assert primary_phone(p)["number"] == "12024561414"
    assert primary_phone(p)["number_type"] == "Mobile"


def test_signup_needs_email_or_phone(a):
    before = a.people_snapshot()
    r = a.post("people", json={"person": {"given_name": "Nobody"}})
    assert r.status_code == 400 and "error" in r.json()
    assert a.people_snapshot() == before


def test_unknown_person_404(a):
    rid = str(uuid.uuid4())
    r = a.get(f"people/{rid}")
    assert r.status_code == 404
    assert r.json() == {"error": f"Couldn't find person with id = {rid}"}
    assert a.get("people/not-a-uuid").status_code == 404
    assert a.put(f"people/{rid}", json={"given_name": "X"}).status_code == 404


@pytest.mark.parametrize("suffix", ["", "/", "/taggings", "/taggings/", "/consent", "/consent/"])
def test_trailing_slashes_on_person_paths(a, full_person, suffix):
    pid = an_id(full_person["resp"])
    assert a.get(f"people/{pid}{suffix}").status_code == 200


def test_person_put_trailing_slash(a):
    p = a.signup(unique_email("slash"))
    r = a.put(f"people/{an_id(p)}/", json={"given_name": "Slashed"})
    assert r.status_code == 200 and r.json()["given_name"] == "Slashed"


# -------------------------------------------------------------------------------------- collection
@pytest.fixture(scope="module")
def family27(server, org_a):
    """27 people sharing one unique family name (pages of 25 + 2 under a filter)."""
    c = server.client(org_a["api_key"])
    fam = "Pager" + uuid.uuid4().hex[:10]
    ids = [an_id(c.signup(unique_email("page"), given=f"P{i}", family=fam)) for i in range(27)]
    return fam, ids


def test_people_page_envelope_matches_fixtures(a, family27):
    body = a.ok("GET", "people")
    for fx in ("pyactionnetwork/people.json", "parsons/fake_people.json"):
        fixture = load_fixture(fx)
        # The first person on the page may have no phone or address: arrays required, contents not compared.
        # Names/languages are data: the first person on the page may have given none.
        assert_keys_superset(body, fixture, ignore=["$._embedded.osdi:people[].custom_fields.*",
                                                    "$._embedded.osdi:people[].given_name",
                                                    "$._embedded.osdi:people[].family_name",
                                                    "$._embedded.osdi:people[].languages_spoken"],
                             loose=["$._embedded.osdi:people[].postal_addresses",
                                    "$._embedded.osdi:people[].phone_numbers",
                                    "$._embedded.osdi:people[].email_addresses"], what=f"people page vs {fx}")
    assert "total_pages" not in body and "total_records" not in body
    assert body["page"] == 1 and body["per_page"] == 25
    embedded = body["_embedded"]["osdi:people"]
    hrefs = [x["href"] for x in body["_links"]["osdi:people"]]
    assert hrefs == [p["_links"]["self"]["href"] for p in embedded]
    assert body["_links"]["self"]["href"].split("?")[0].rstrip("/") == a.server.api + "/people"


def test_filtered_paging_next_until_empty(a, family27):
    fam, ids = family27
    flt = f"family_name eq '{fam}'"
    p1 = a.ok("GET", "people", params={"filter": flt})
    assert len(p1["_embedded"]["osdi:people"]) == 25
    assert "next" in p1["_links"]
    p2 = a.ok("GET", "people", params={"filter": flt, "page": 2})
    assert len(p2["_embedded"]["osdi:people"]) == 2
    assert "next" in p2["_links"], "people: next must be present on every non-empty page"
    p3 = a.ok("GET", "people", params={"filter": flt, "page": 3})
    assert p3["_embedded"] == {"osdi:people": []}
    assert p3["_links"]["osdi:people"] == []
    assert "next" not in p3["_links"]
    got = [an_id(p) for p in p1["_embedded"]["osdi:people"] + p2["_embedded"]["osdi:people"]]
    assert sorted(got) == sorted(ids)


def test_next_link_keeps_filter(a, family27):
    fam, ids = family27
    seen, url, pages = [], "people?filter=" + quote(f"family_name eq '{fam}'"), 0
    while url and pages < 10:
        body = a.ok("GET", url)
        seen += [an_id(p) for p in body["_embedded"]["osdi:people"]]
        nxt = body["_links"].get("next")
        url = nxt["href"] if nxt else None
        if nxt:
            assert nxt["href"].startswith(a.server.api + "/people")
        pages += 1
    assert sorted(seen) == sorted(ids)


@pytest.mark.parametrize("per_page,expect", [(100, 25), (26, 25), (10, 10), (1, 1)])
def test_per_page_capped_at_25(a, family27, per_page, expect):
    fam, _ = family27
    body = a.ok("GET", "people", params={"filter": f"family_name eq '{fam}'", "per_page": per_page})
    assert len(body["_embedded"]["osdi:people"]) == expect
    assert body["per_page"] == expect


def test_per_page_paging_covers_everything(a, family27):
    fam, ids = family27
    seen = []
    for page in range(1, 10):
        body = a.ok("GET", "people", params={"filter": f"family_name eq '{fam}'", "per_page": 10, "page": page})
        items = body["_embedded"]["osdi:people"]
        if not items:
            break
        seen += [an_id(p) for p in items]
    assert sorted(seen) == sorted(ids)


def test_full_scan_has_no_duplicates_and_terminates(a, family27):
    seen = []
    for page in range(1, 400):
        body = a.ok("GET", "people", params={"page": page})
        items = body["_embedded"]["osdi:people"]
        if not items:
            assert "next" not in body["_links"]
            break
        assert "next" in body["_links"]
        seen += [an_id(p) for p in items]
    assert len(seen) == len(set(seen))
    assert set(family27[1]) <= set(seen)


def test_page_beyond_end_and_bad_page_values(a):
    body = a.ok("GET", "people", params={"page": 100000})
    assert body["_embedded"] == {"osdi:people": []}
    for bad in ("0", "-1", "abc"):
        r = a.get("people", params={"page": bad})
        assert r.status_code in (200, 400), f"page={bad} -> {r.status_code}"
        assert "error" in r.json() or "_embedded" in r.json()


# ------------------------------------------------------------------------------------------ filters
@pytest.fixture(scope="module")
def filtered(server, org_a):
    c = server.client(org_a["api_key"])
    email, phone = unique_email("filter"), unique_phone()
    given, family = "Giv" + uuid.uuid4().hex[:8], "Fam" + uuid.uuid4().hex[:8]
    zipc = "9" + str(uuid.uuid4().int)[:4]
    foreign = f"compat_filter:{uuid.uuid4().hex}"
    p = c.signup(email, phone, phone_status="subscribed", given=given, family=family,
                 person_extra={"postal_addresses": [{"postal_code": zipc, "region": "WY", "country": "US"}],
                               "identifiers": [foreign]})
    return {"id": an_id(p), "email": email, "phone": phone, "given": given, "family": family, "zip": zipc,
            "foreign": foreign, "person": p}


def ids_for(client, flt, **kw):
    r = client.get("people", params={"filter": flt, **kw})
    assert r.status_code == 200, f"filter {flt!r} -> {r.status_code} {r.text[:300]}"
    return [an_id(p) for p in r.json()["_embedded"]["osdi:people"]]


def test_filter_email_address_and_alias(a, filtered):
    assert ids_for(a, f"email_address eq '{filtered['email']}'") == [filtered["id"]]
    assert ids_for(a, f"email eq '{filtered['email']}'") == [filtered["id"]]
    assert ids_for(a, f"email_address eq 'nobody-{uuid.uuid4().hex}@example.org'") == []


def test_filter_names(a, filtered):
    assert ids_for(a, f"given_name eq '{filtered['given']}'") == [filtered["id"]]
    assert ids_for(a, f"family_name eq '{filtered['family']}'") == [filtered["id"]]


@pytest.mark.parametrize("fmt", ["{d}", "+{d}", "{n}", "({a}) {x}-{l}", "+1 {a}-{x}-{l}", "1.{a}.{x}.{l}"])
def test_filter_phone_number_any_format(a, filtered, fmt):
    d = filtered["phone"]
    n = d[1:]
    value = fmt.format(d=d, n=n, a=n[:3], x=n[3:6], l=n[6:])
    assert ids_for(a, f"phone_number eq '{value}'") == [filtered["id"]], value


def test_filter_postal_code_region(a, filtered):
    got = ids_for(a, f"postal_code eq '{filtered['zip']}'")
    assert filtered["id"] in got
    got = ids_for(a, f"region eq 'WY' and family_name eq '{filtered['family']}'")
    assert got == [filtered["id"]]
    assert ids_for(a, f"region eq 'ZZ' and family_name eq '{filtered['family']}'") == []


def test_filter_identifier(a, filtered):
    assert ids_for(a, f"identifier eq 'action_network:{filtered['id']}'") == [filtered["id"]]
    assert ids_for(a, f"identifier eq '{filtered['foreign']}'") == [filtered["id"]]


def test_filter_and(a, filtered):
    assert ids_for(a, f"email_address eq '{filtered['email']}' and given_name eq '{filtered['given']}'") == [
        filtered["id"]]
    assert ids_for(a, f"email_address eq '{filtered['email']}' and given_name eq 'Someone Else'") == []


def test_filter_dates(a, filtered):
    fam = filtered["family"]
    created = parse_date(filtered["person"]["created_date"])
    before = (created - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    after = (created + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids_for(a, f"created_date gt '{before}' and family_name eq '{fam}'") == [filtered["id"]]
    assert ids_for(a, f"created_date lt '{before}' and family_name eq '{fam}'") == []
    assert ids_for(a, f"created_date lt '{after}' and family_name eq '{fam}'") == [filtered["id"]]
    assert ids_for(a, f"modified_date gt '2014-03-25' and family_name eq '{fam}'") == [filtered["id"]]
    assert ids_for(a, f"modified_date lt '2014-03-25' and family_name eq '{fam}'") == []
    assert ids_for(a, f"modified_date gt '{after}' and family_name eq '{fam}'") == []


def test_filter_modified_date_follows_put(a):
    fam = "Mod" + uuid.uuid4().hex[:8]
    p = a.signup(unique_email("mod"), family=fam)
    time.sleep(1.1)
    mark = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    assert ids_for(a, f"modified_date gt '{mark}' and family_name eq '{fam}'") == []
    a.ok("PUT", f"people/{an_id(p)}", json={"given_name": "Touched"})
    assert ids_for(a, f"modified_date gt '{mark}' and family_name eq '{fam}'") == [an_id(p)]


def test_filter_url_encodings(a, filtered):
    email = filtered["email"]
    forms = [
        "people?filter=" + quote(f"email_address eq '{email}'", safe=""),  # fully encoded
        "people?filter=email_address%20eq%20'" + email + "'",  # partly encoded
        "people?filter=email_address+eq+%27" + email.replace("@", "%40") + "%27",  # CGI.escape ([CS])
        f"people/?filter=email eq '{email}'",  # raw, as pyactionnetwork writes it
    ]
    for url in forms:
        body = a.ok("GET", url)
        assert [an_id(p) for p in body["_embedded"]["osdi:people"]] == [filtered["id"]], url


def test_unknown_filter_field_never_500(a, filtered):
    r = a.get("people", params={"filter": "favorite_color eq 'blue'"})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["_embedded"]["osdi:people"], list)
    r = a.get("people", params={"filter": f"favorite_color eq 'blue' and email eq '{filtered['email']}'"})
    assert r.status_code == 200
    assert [an_id(p) for p in r.json()["_embedded"]["osdi:people"]] in ([], [filtered["id"]])


@pytest.mark.parametrize("flt", ["email_address eq 'unterminated", "email_address", "email_address zz 'x'",
                                 "and", "email_address eq 'a@b.org' and", "eq 'x'", "'x' eq email_address"])
def test_malformed_filter_400(a, flt):
    r = a.get("people", params={"filter": flt})
    assert r.status_code == 400, f"{flt!r} -> {r.status_code} {r.text[:200]}"
    assert "error" in r.json()


# ---------------------------------------------------------------------------------------------- PUT
def test_put_merges_and_null_clears(a):
    email = unique_email("put")
    p = a.signup(email, given="Ada", family="Lovelace",
                 person_extra={"custom_fields": {"a": "1", "b": "2"}, "languages_spoken": ["en"]})
    pid = an_id(p)
    time.sleep(1.1)
    r = a.put(f"people/{pid}", json={"given_name": "Augusta", "custom_fields": {"c": "3"}})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["given_name"] == "Augusta" and got["family_name"] == "Lovelace"
    assert primary_email(got)["address"] == email and primary_email(got)["status"] == "subscribed"
    assert got["custom_fields"] == {"a": "1", "b": "2", "c": "3"}
    assert got["created_date"] == p["created_date"]
    assert parse_date(got["modified_date"]) > parse_date(got["created_date"])
    assert a.person(pid) == got

    r = a.put(f"people/{pid}", json={"family_name": None})
    assert r.status_code == 200, r.text
    got = a.person(pid)
    assert got.get("family_name") in (None, "")
    assert got["given_name"] == "Augusta"


def test_put_null_clears_custom_field(a):
    p = a.signup(unique_email("putcf"), person_extra={"custom_fields": {"keep": "1", "drop": "2"}})
    r = a.put(f"people/{an_id(p)}", json={"custom_fields": {"drop": None}})
    assert r.status_code == 200, r.text
    assert a.person(an_id(p))["custom_fields"] == {"keep": "1"}


def test_put_status_only_unsubscribes_primary_email(a):
    email = unique_email("unsub")
    p = a.signup(email)
    r = a.put(f"people/{an_id(p)}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert primary_email(got)["address"] == email
    assert primary_email(got)["status"] == "unsubscribed"
    assert len(got["email_addresses"]) == 1
    assert a.person(an_id(p))["email_addresses"] == got["email_addresses"]


def test_put_cannot_remove_identifiers(a):
    p = a.signup(unique_email("ident"), person_extra={"identifiers": [f"compat_keep:{uuid.uuid4().hex}"]})
    r = a.put(f"people/{an_id(p)}", json={"identifiers": None})
    assert r.status_code in (200, 400)
    got = a.person(an_id(p))
    assert set(p["identifiers"]) <= set(got["identifiers"])


@pytest.mark.parametrize("birthdate,accepted", [("2016-06-01", False), ("1990-05-05", True)])
def test_signup_helper_refuses_children_and_stores_nothing(a, birthdate, accepted):
    email = unique_email("age-signup")
    r = a.post("people", json={"person": {"email_addresses": [{"address": email}], "birthdate": birthdate}})
    found = a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    if accepted:
        assert r.status_code == 200 and len(found) == 1
    else:
        assert r.status_code == 422, r.text
        assert "13" in r.json()["error"]
        assert found == []
