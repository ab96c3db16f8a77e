"""Replays of the exact HTTP calls real Action Network clients make (reference §5, §5.1).

Each class reproduces one client's request shapes (URL forms, query encoding, bodies, headers) with `requests`,
pointed at our server instead of actionnetwork.org.
"""
import json
import time
import uuid
from urllib.parse import parse_qs, quote_plus, urljoin, urlsplit

import pytest
import requests

from tocsin_server import (TEST_ATTESTATION, an_id, last_segment, primary_email, primary_phone, unique_email,
                           unique_phone)


# ------------------------------------------------------------------------------------------ Parsons
class Parsons:
    """parsons.action_network.ActionNetwork over parsons.utilities.api_connector.APIConnector."""

    def __init__(self, api_url, token):
        self.api_url = api_url
        self.headers = {"Content-Type": "application/json", "OSDI-API-Token": token}

    def _req(self, method, url, params=None, data=None, success=(200, 201, 202, 204)):
        full = url if url.startswith("http") else urljoin(self.api_url + "/", url)
        r = requests.request(method, full, headers=self.headers, params=params, data=data, timeout=20)
        assert r.status_code in success, f"Parsons {method} {full}: {r.status_code} {r.text[:300]}"
        return r.json() if r.status_code != 204 else r.status_code

    def _get_page(self, object_name, page, per_page=25, filter=None):
        per_page = min(per_page, 25)
        return self._req("GET", object_name, params={"page": page, "per_page": per_page, "filter": filter})

    def _get_entry_list(self, object_name, limit=None, per_page=25, filter=None, max_pages=500):
        count, page, out = 0, 1, []
        while page <= max_pages:
            response = self._get_page(object_name, page, per_page, filter=filter)
            page += 1
            response_list = response["_embedded"][list(response["_embedded"])[0]]
            if not response_list:
                return out
            out.extend(response_list)
            count += len(response_list)
            if limit and count >= limit:
                return out[:limit]
        raise AssertionError("Parsons paging did not terminate")

    def get_people(self, limit=None, per_page=25, page=None, filter=None):
        if page:
            return self._get_page("people", page, per_page, filter)
        return self._get_entry_list("people", limit, per_page, filter)

    def get_person(self, person_id):
        return self._req("GET", f"people/{person_id}")

    def upsert_person(self, email_address=None, given_name=None, family_name=None, tags=None,
                      languages_spoken=None, postal_addresses=None, mobile_number=None, mobile_status=None,
                      background_processing=False, **kwargs):
        data = {"person": {}}
        if email_address:
            data["person"]["email_addresses"] = [{"address": email_address}]
        if mobile_number:
            import re
            field = {"number": re.sub("[^0-9]", "", mobile_number)}
            if mobile_status:
                field["status"] = mobile_status
            data["person"]["phone_numbers"] = [field]
        if given_name is not None:
            data["person"]["given_name"] = given_name
        if family_name is not None:
            data["person"]["family_name"] = family_name
        if languages_spoken is not None:
            data["person"]["languages_spoken"] = languages_spoken
        if postal_addresses is not None:
            data["person"]["postal_addresses"] = postal_addresses
        if tags is not None:
            data["add_tags"] = tags
        data["person"]["custom_fields"] = {**kwargs}
        url = f"{self.api_url}/people"
        if background_processing:
            url = f"{url}?background_processing=true"
        response = self._req("POST", url, data=json.dumps(data))
        if background_processing:
            return response
        identifiers = response["identifiers"]
        person_id = [e.split(":")[1] for e in identifiers if "action_network:" in e]
        assert person_id, identifiers
        response["_parsons_created"] = response["created_date"] == response["modified_date"]
        return response

    def update_person(self, entry_id, background_processing=False, **kwargs):
        url = f"{self.api_url}/people/{entry_id}"
        if background_processing:
            url = f"{url}?background_processing=true"
        return self._req("PUT", url, data=json.dumps({**kwargs}), success=(204, 201, 200))

    def add_tag(self, name):
        return self._req("POST", "tags", data=json.dumps({"name": name}))

    def get_tags(self, limit=None, per_page=25):
        return self._get_entry_list("tags", limit, per_page)

    def get_tag(self, tag_id):
        return self._req("GET", f"tags/{tag_id}")

    def get_taggings(self, tag_id, limit=None, per_page=25, page=None, filter=None):
        if page:
            return self._get_page(f"tags/{tag_id}/taggings", page, per_page, filter)
        return self._get_entry_list(f"tags/{tag_id}/taggings", limit, per_page, filter)

    def get_tagging(self, tag_id, tagging_id):
        return self._req("GET", f"tags/{tag_id}/taggings/{tagging_id}")

    def create_tagging(self, tag_id, payload, background_processing=False):
        url = f"tags/{tag_id}/taggings"
        if background_processing:
            url = f"{url}?background_processing=true"
        return self._req("POST", url, data=json.dumps(payload))

    def delete_tagging(self, tag_id, tagging_id, background_processing=False):
        url = f"tags/{tag_id}/taggings/{tagging_id}"
        if background_processing:
            url = f"{url}?background_processing=true"
        return self._req("DELETE", url)

    def get_lists(self):
        return self._get_entry_list("lists")

    def get_metadata(self):
        return self._req("GET", "metadata")

    def get_custom_fields(self):
        return self._req("GET", "metadata/custom_fields")


@pytest.fixture()
def parsons(server, org_a):
    return Parsons(server.api, org_a["api_key"])


def test_parsons_upsert_person_create_then_update(parsons):
    email, digits = unique_email("parsons"), unique_phone()
    phone = f"+1 ({digits[1:4]}) {digits[4:7]}-{digits[7:]}"
    tag = parsons.add_tag("parsons-" + uuid.uuid4().hex[:8])
    # An SMS opt-in with a key needs the key holder's attestation (tocsin:consent), which Parsons' upsert_person
    # cannot send: Parsons surfaces the 422 and its reason, and nothing is stored.
    with pytest.raises(AssertionError, match=r"422 .*tocsin:consent"):
        parsons.upsert_person(email_address=email, mobile_number=phone, mobile_status="subscribed")
    r = parsons.upsert_person(email_address=email, given_name="Par", family_name="Sons", tags=[tag["name"]],
                              languages_spoken=["en"],
                              postal_addresses=[{"postal_code": "20009", "address_lines": ["1 Main St"]}],
                              mobile_number=phone, employer="TMC")
    assert r["_parsons_created"] is True
    pid = an_id(r)
    assert primary_phone(r)["number"] == digits
    assert primary_phone(r)["status"] == "unsubscribed"
    assert r["custom_fields"] == {"employer": "TMC"}
    time.sleep(1.1)
    r2 = parsons.upsert_person(email_address=email, given_name="Parsnip")
    assert an_id(r2) == pid
    assert r2["_parsons_created"] is False, "Parsons decides created/updated by created_date == modified_date"
    assert r2["given_name"] == "Parsnip" and r2["family_name"] == "Sons"
    assert primary_phone(r2)["status"] == "unsubscribed"
    assert r2["custom_fields"] == {"employer": "TMC"}  # empty custom_fields {} merges, clears nothing
    taggings = parsons._req("GET", f"people/{pid}/taggings")["_embedded"]["osdi:taggings"]
    assert len(taggings) == 1


def test_parsons_upsert_mobile_only(parsons):
    d = unique_phone()
    r = parsons.upsert_person(mobile_number=f"({d[1:4]}) {d[4:7]}-{d[7:]}")
    assert primary_phone(r)["number"] == d
    assert r["email_addresses"] == []
    assert primary_phone(r)["status"] == "unsubscribed"


def test_parsons_update_person(parsons):
    pid = an_id(parsons.upsert_person(email_address=unique_email("parsup"), given_name="Old"))
    r = parsons.update_person(pid, given_name="New", custom_fields={"volunteer": "yes"})
    assert r["given_name"] == "New" and r["custom_fields"]["volunteer"] == "yes"
    assert parsons.get_person(pid)["given_name"] == "New"
    r = parsons.update_person(pid, background_processing=True, family_name="Bg")
    assert r == {}
    assert parsons.get_person(pid)["family_name"] == "Bg"


def test_parsons_background_upsert(parsons):
    email = unique_email("parsbg")
    assert parsons.upsert_person(email_address=email, background_processing=True) == {}
    found = parsons.get_people(filter=f"email_address eq '{email}'")
    assert len(found) == 1


def test_parsons_get_people_terminates_and_filters(parsons):
    fam = "Parsfam" + uuid.uuid4().hex[:8]
    ids = {an_id(parsons.upsert_person(email_address=unique_email("pp"), family_name=fam)) for _ in range(3)}
    everyone = parsons.get_people()
    assert ids <= {an_id(p) for p in everyone}
    filtered = parsons.get_people(filter=f"family_name eq '{fam}'")
    assert {an_id(p) for p in filtered} == ids
    assert len(parsons.get_people(limit=2, filter=f"family_name eq '{fam}'")) == 2
    page = parsons.get_people(page=1, per_page=2, filter=f"family_name eq '{fam}'")
    assert len(page["_embedded"]["osdi:people"]) == 2


def test_parsons_tags_and_taggings(parsons):
    tag = parsons.add_tag("parsons-tt-" + uuid.uuid4().hex[:8])
    tid = an_id(tag)
    assert parsons.get_tag(tid)["name"] == tag["name"]
    assert tid in {an_id(t) for t in parsons.get_tags()}
    pids = [an_id(parsons.upsert_person(email_address=unique_email("ptag"))) for _ in range(2)]
    tg = parsons.create_tagging(tid, {"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pids[0]}"}}})
    assert tg["item_type"] == "osdi:person"
    assert parsons.create_tagging(tid, {"_links": {"osdi:person": {
        "href": f"https://actionnetwork.org/api/v2/people/{pids[1]}"}}}, background_processing=True) == {}
    taggings = parsons.get_taggings(tid)
    assert sorted(last_segment(t["_links"]["osdi:person"]["href"]) for t in taggings) == sorted(pids)
    assert parsons.get_tagging(tid, an_id(tg))["identifiers"] == tg["identifiers"]
    assert parsons.delete_tagging(tid, an_id(tg)) == {"notice": "This tagging was successfully deleted."}
    other = [t for t in taggings if an_id(t) != an_id(tg)][0]
    assert parsons.delete_tagging(tid, an_id(other), background_processing=True) == {}
    assert parsons.get_taggings(tid) == []


def test_parsons_lists_and_metadata(parsons):
    assert isinstance(parsons.get_lists(), list)
    assert "action_network:custom_fields" in parsons.get_metadata()["_links"]
    assert isinstance(parsons.get_custom_fields()["action_network:custom_fields"], list)


# ---------------------------------------------------------- controlshift action_network_rest (Ruby gem)
class ControlShift:
    """ActionNetworkRest client: Faraday JSON, CGI.escape'd ids and filters, trailing-slash base paths."""

    def __init__(self, endpoint, token):
        self.endpoint = endpoint  # e.g. http://127.0.0.1:PORT/api/v2
        self.headers = {"OSDI-API-Token": token, "Content-Type": "application/json",
                        "User-Agent": "Faraday v2.7.4"}

    def _url(self, path):
        return f"{self.endpoint}/{path}"

    def _req(self, method, path, body=None):
        r = requests.request(method, self._url(path), headers=self.headers,
                             data=None if body is None else json.dumps(body), timeout=20)
        assert r.status_code < 400, f"[CS] {method} {path}: {r.status_code} {r.text[:300]}"
        return r.json()

    def entry_point_authenticated(self):
        body = self._req("GET", "")
        return bool(body.get("_links", {}).get("osdi:tags"))

    def people_create(self, person, tags=()):
        body = {"person": person}
        if tags:
            body["add_tags"] = list(tags)
        return self._req("POST", "people/", body)

    def people_get(self, pid):
        return self._req("GET", f"people/{quote_plus(pid)}")

    def people_list(self, page=1):
        return self._req("GET", f"people/?page={page}")["_embedded"].get("osdi:people") or []

    def people_all(self, max_pages=400):
        out = []
        for page in range(1, max_pages):
            items = self.people_list(page)
            if not items:
                return out
            out += items
        raise AssertionError("[CS] people paging did not terminate")

    def people_unsubscribe(self, pid):
        return self._req("PUT", f"people/{quote_plus(pid)}", {"email_addresses": [{"status": "unsubscribed"}]})

    def people_update(self, pid, data):
        return self._req("PUT", f"people/{quote_plus(pid)}", data)

    def find_by_email(self, email):
        body = self._req("GET", "people/?filter=" + quote_plus(f"email_address eq '{email}'"))
        found = body["_embedded"]["osdi:people"]
        return found[0] if found else None

    def find_by_phone_number(self, phone):
        body = self._req("GET", "people/?filter=" + quote_plus(f"phone_number eq '{phone}'"))
        found = body["_embedded"]["osdi:people"]
        return found[0] if found else None

    def tags_create(self, name):
        return self._req("POST", "tags/", {"name": name})

    def tags_find_by_name(self, name):
        page = 1
        while page < 400:
            tags = self._req("GET", f"tags/?page={page}")["_embedded"].get("osdi:tags") or []
            if not tags:
                return None
            for t in tags:
                if t["name"] == name:
                    return t
            page += 1

    def taggings_create(self, tag_id, person_id):
        href = self.endpoint + f"/people/{quote_plus(person_id)}"
        return self._req("POST", f"tags/{quote_plus(tag_id)}/taggings/", {"_links": {"osdi:person": {"href": href}}})

    def taggings_list(self, tag_id, page=1):
        return self._req("GET", f"tags/{quote_plus(tag_id)}/taggings/?page={page}")["_embedded"].get(
            "osdi:taggings") or []

    def taggings_delete(self, tag_id, tagging_id):
        return self._req("DELETE", f"tags/{quote_plus(tag_id)}/taggings/{quote_plus(tagging_id)}")


@pytest.fixture()
def cs(server, org_a):
    return ControlShift(server.api, org_a["api_key"])


def test_cs_entry_point_authentication_check(server, cs):
    assert cs.entry_point_authenticated() is True
    bad = ControlShift(server.api, "wrong-" + uuid.uuid4().hex)
    r = requests.get(bad._url(""), headers=bad.headers, timeout=10)
    assert r.status_code in (200, 401)
    if r.status_code == 200:
        assert not r.json().get("_links", {}).get("osdi:tags")


def test_cs_people_flow(cs):
    email, phone = unique_email("cs"), unique_phone()
    tag = cs.tags_create("cs-" + uuid.uuid4().hex[:8])
    p = cs.people_create({"email_addresses": [{"address": email}], "given_name": "Control",
                          "phone_numbers": [{"number": "+" + phone}]}, tags=[tag["name"]])
    pid = an_id(p)
    assert cs.people_get(pid)["given_name"] == "Control"
    assert an_id(cs.find_by_email(email)) == pid
    assert an_id(cs.find_by_phone_number("+" + phone)) == pid  # [CS] sends '+1…', CGI-escaped as %2B1…
    assert cs.find_by_email(unique_email("nobody")) is None
    upd = cs.people_update(pid, {"family_name": "Shift"})
    assert upd["family_name"] == "Shift" and upd["given_name"] == "Control"
    un = cs.people_unsubscribe(pid)
    assert an_id(un) == pid
    assert primary_email(un)["status"] == "unsubscribed" and primary_email(un)["address"] == email
    assert primary_email(cs.find_by_email(email))["status"] == "unsubscribed"


def test_cs_people_all_terminates(cs):
    pid = an_id(cs.people_create({"email_addresses": [{"address": unique_email("csall")}]}))
    ids = [an_id(p) for p in cs.people_all()]
    assert pid in ids and len(ids) == len(set(ids))


def test_cs_tags_and_taggings(cs):
    name = "cs-tt-" + uuid.uuid4().hex[:8]
    tag = cs.tags_create(name)
    tid = an_id(tag)
    assert an_id(cs.tags_find_by_name(name)) == tid
    pid = an_id(cs.people_create({"email_addresses": [{"address": unique_email("cstag")}]}))
    tg = cs.taggings_create(tid, pid)
    assert last_segment(tg["_links"]["osdi:person"]["href"]) == pid
    assert [an_id(t) for t in cs.taggings_list(tid)] == [an_id(tg)]
    assert cs.taggings_list(tid, page=2) == []
    assert cs.taggings_delete(tid, an_id(tg)) == {"notice": "This tagging was successfully deleted."}
    assert cs.taggings_list(tid) == []


# ---------------------------------------------------------------------------------- pyactionnetwork
def test_pyactionnetwork_flow(server, org_a):
    headers = {"OSDI-API-Token": org_a["api_key"]}
    config = requests.get(url=server.api + "/", headers=headers).json()  # refresh_config
    assert "motd" in config
    base_url = config.get("links", {}).get("self", server.api + "/")  # always the default (client quirk)

    def resource_to_url(resource):
        if resource in config.get("_links", {}):
            return config["_links"][resource]["href"]
        return config["_links"][f"osdi:{resource}"]["href"]

    # create_person
    email = unique_email("pdsa")
    payload = {"person": {"family_name": "Philly", "given_name": "Dsa",
                          "postal_addresses": [{"address_lines": ["1 Broad St"], "locality": "Philadelphia",
                                                "region": "PA", "country": "US", "postal_code": "19107"}],
                          "email_addresses": [{"address": email}]}}
    created = requests.post(f"{base_url}people/", json=payload, headers=headers).json()
    pid = an_id(created)
    # get_person by email (raw spaces and quotes in the URL)
    found = requests.get(f"{base_url}people/?filter=email eq '{email}'", headers=headers).json()
    assert [an_id(p) for p in found["_embedded"]["osdi:people"]] == [pid]
    assert requests.get(f"{base_url}people/{pid}", headers=headers).json()["given_name"] == "Dsa"
    # get_resource('people') / ('tags'): follow the AEP links
    people = requests.get(resource_to_url("people"), headers=headers).json()
    assert isinstance(people["_embedded"]["osdi:people"], list)
    tags = requests.get(resource_to_url("tags"), headers=headers).json()
    assert isinstance(tags["_embedded"]["osdi:tags"], list)
    # update_person (full payload, top-level fields)
    upd = {"family_name": "Philly", "given_name": "Updated",
           "postal_addresses": [{"address_lines": ["2 Broad St"], "locality": "Philadelphia", "region": "PA",
                                 "country": "US", "postal_code": "19107"}],
           "email_addresses": [{"address": email}]}
    r = requests.put(f"{base_url}people/{pid}", json=upd, headers=headers).json()
    assert r["given_name"] == "Updated" and an_id(r) == pid
    assert primary_email(r)["address"] == email and primary_email(r)["status"] == "subscribed"
    assert len(r["email_addresses"]) == 1
    assert r["postal_addresses"][0]["address_lines"] == ["2 Broad St"]


# --------------------------------------------------------------------------------------------- n8n
def n8n_listing(server, key, endpoint, items_key, limit=None):
    qs = {"perPage": 25, "page": 1}
    out, hops = [], 0
    while True:
        r = requests.get(server.url(endpoint), headers={"OSDI-API-Token": key}, params=qs, timeout=20)
        assert r.status_code == 200, r.text
        body = r.json()
        out += body["_embedded"][items_key]
        if limit and len(out) >= limit:
            return out[:limit]
        nxt = body.get("_links", {}).get("next")
        if nxt and nxt.get("href"):
            qs["page"] = parse_qs(urlsplit(nxt["href"]).query)["page"][0]
        hops += 1
        assert hops < 500, "n8n listing did not terminate"
        if not nxt:
            return out


def test_n8n_people_listing_follows_next_until_absent(server, org_a, a):
    fam = "N8n" + uuid.uuid4().hex[:8]
    ids = {an_id(a.signup(unique_email("n8n"), family=fam)) for _ in range(3)}
    everyone = n8n_listing(server, org_a["api_key"], "people", "osdi:people")
    got = [an_id(p) for p in everyone]
    assert ids <= set(got) and len(got) == len(set(got))
    r = requests.get(server.url("people"), headers={"OSDI-API-Token": org_a["api_key"]},
                     params={"perPage": 2, "page": 1}, timeout=20).json()
    assert len(r["_embedded"]["osdi:people"]) == min(25, len(got)), "perPage must be ignored"


def test_n8n_person_tag_flow(server, org_a):
    key = org_a["api_key"]
    h = {"OSDI-API-Token": key, "Content-Type": "application/json"}
    email = unique_email("n8np")
    body = {"person": {"email_addresses": [{"address": email, "primary": True, "status": "subscribed"}],
                       "given_name": "Eight", "family_name": "Node",
                       "postal_addresses": [{"primary": True, "postal_code": "10001", "country": "US"}],
                       "phone_numbers": [{"number": unique_phone(), "primary": True, "status": "subscribed"}]},
            "tocsin:consent": TEST_ATTESTATION}
    p = requests.post(server.url("people"), headers=h, json=body).json()
    # extractId: last segment of _links.self.href must equal the identifiers id
    pid = last_segment(p["_links"]["self"]["href"])
    assert pid == an_id(p)
    for k in ("email_addresses", "phone_numbers", "postal_addresses"):
        assert p[k] and isinstance(p[k][0], dict)  # "simplify" indexes [0]
    tag = requests.post(server.url("tags"), headers=h, json={"name": "n8n-" + uuid.uuid4().hex[:8]}).json()
    tid = last_segment(tag["_links"]["self"]["href"])
    link = {"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{pid}"}}}
    tg = requests.post(server.url(f"tags/{tid}/taggings"), headers=h, json=link).json()
    tgid = last_segment(tg["_links"]["self"]["href"])
    assert tgid == an_id(tg)
    tags = n8n_listing(server, key, "tags", "osdi:tags")
    assert tid in {an_id(t) for t in tags}
    r = requests.delete(server.url(f"tags/{tid}/taggings/{tgid}"), headers=h)
    assert r.status_code == 200
