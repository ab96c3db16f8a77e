"""Replays of real clients' calls on the action resources (reference §5, §5.1), with response key sets
compared to the Action Network fixtures (an-fixtures/). Each action is created from the fixture's own
document (what AN stores for it), so a missing key in our output is a real gap, not missing input."""
import json
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tocsin_server import an_id, assert_keys_superset, last_segment, load_fixture, unique_email, unique_phone

SERVER_KEYS = {"identifiers", "created_date", "modified_date", "_links", "_embedded"}
# Not implemented: embed snippets (hosted action pages are not built yet; see docs/API.md).
# The embedded creator is the foundation's person representation, which has no origin_system (noted in the
# report); the person shape itself is compared in test_clients.py.
IGNORE = ("$._links.action_network:embed", "$._embedded.osdi:creator.origin_system")

# (collection, single fixture, collection fixture, embedded key)
KINDS = [
    ("petitions", "parsons/fake_petition.json", "parsons/fake_petitions.json", "osdi:petitions"),
    ("forms", "parsons/fake_form.json", "parsons/fake_forms.json", "osdi:forms"),
    ("fundraising_pages", "parsons/fake_fundraising_page.json", None, "osdi:fundraising_pages"),
    ("advocacy_campaigns", "parsons/fake_advocacy_campaign.json", "parsons/fake_advocacy_campaigns.json",
     "osdi:advocacy_campaigns"),
    ("events", "parsons/fake_event2.json", "parsons/fake_events.json", "osdi:events"),
    ("event_campaigns", "parsons/fake_event_campaign.json", "parsons/fake_event_campaigns.json",
     "action_network:event_campaigns"),
]

RECORDS = [
    ("petitions", "signatures", "parsons/fake_signature.json"),
    ("events", "attendances", "parsons/fake_attendance.json"),
    ("forms", "submissions", "parsons/fake_submission.json"),
    ("fundraising_pages", "donations", "parsons/fake_donation.json"),
    ("advocacy_campaigns", "outreaches", "parsons/fake_outreach.json"),
]


def body_from_fixture(doc, creator_id=None):
    body = {k: v for k, v in doc.items() if k not in SERVER_KEYS and not k.startswith("total_")}
    if creator_id:
        body["_links"] = {"osdi:creator": {"href": f"https://actionnetwork.org/api/v2/people/{creator_id}"}}
    return body


@pytest.fixture(scope="module")
def creator(server, org_a):
    """A creator as complete as the fixtures' (phone, postal address, language)."""
    return an_id(server.client(org_a["api_key"]).signup(
        unique_email("creator"), phone=unique_phone(), given="John", family="Doe",
        person_extra={"postal_addresses": load_fixture("parsons/fake_petition.json")["_embedded"]["osdi:creator"][
            "postal_addresses"], "languages_spoken": ["en"]}))


@pytest.mark.parametrize("coll,single,listing,rel", KINDS)
def test_action_shapes_match_fixtures(a, creator, coll, single, listing, rel):
    fixture = load_fixture(single)
    has_creator = "osdi:creator" in fixture.get("_links", {})
    created = a.ok("POST", coll, json=body_from_fixture(fixture, creator if has_creator else None))
    got = a.ok("GET", f"{coll}/{an_id(created)}")
    assert_keys_superset(got, fixture, ignore=IGNORE, what=f"GET /{coll}/{{id}}")
    assert last_segment(got["_links"]["self"]["href"]) == an_id(got), "identifiers and self must agree"
    if listing:
        page = a.ok("GET", coll, params={"filter": f"identifier eq 'action_network:{an_id(created)}'"})
        assert_keys_superset(page, load_fixture(listing), what=f"GET /{coll}",
                             ignore=IGNORE + ("$._links.next", f"$._embedded.{rel}[]._embedded*",
                                              f"$._embedded.{rel}[].*"))
        assert_keys_superset(page["_embedded"][rel][0], fixture, ignore=IGNORE)


@pytest.mark.parametrize("coll,child,fixture_path", RECORDS)
def test_record_shapes_match_fixtures(a, coll, child, fixture_path):
    fixture = load_fixture(fixture_path)
    action = a.ok("POST", coll, json={"title": f"shape {coll}"})
    body = {k: v for k, v in fixture.items()
            if k not in SERVER_KEYS and not k.endswith("_id") and not k.startswith("action:")}
    body["person"] = {"email_addresses": [{"address": unique_email("shape")}]}
    rec = a.ok("POST", f"{coll}/{an_id(action)}/{child}", json=body)
    got = a.ok("GET", f"{coll}/{an_id(action)}/{child}/{an_id(rec)}")
    # fake_submission.json has the client-side typo action:person_id (README); we emit action_network:person_id
    assert_keys_superset(got, fixture, ignore=("$.action:person_id",), what=f"GET {child} record")
    assert got["action_network:person_id"]


def test_unique_id_list_shapes(a):
    person = a.signup(unique_email("uidl"))
    body = load_fixture("parsons/fake_unique_id_list.json")  # Parsons create_unique_id_list's request body
    body["unique_ids"] = [an_id(person)]
    body["description"] = "People to target"
    created = a.ok("POST", "unique_id_lists", json=body)
    page = a.ok("GET", "unique_id_lists", params={"filter": f"identifier eq 'action_network:{an_id(created)}'"})
    # administrative_url points at AN's admin UI; tocsin has none yet.
    assert_keys_superset(page, load_fixture("parsons/fake_unique_id_lists.json"),
                         ignore=("$._links.next", "$._embedded.osdi:unique_id_lists[].administrative_url"))
    assert an_id(created) in [an_id(x) for x in a.all_pages("unique_id_lists", "osdi:unique_id_lists")]


# ------------------------------------------------------------------------------------------ Parsons
class Parsons:
    """The Parsons ActionNetwork methods on actions that send real JSON (reference §5 table), plus its
    paging loop for the get_* listings."""

    def __init__(self, api_url, token):
        self.api_url = api_url
        self.headers = {"Content-Type": "application/json", "OSDI-API-Token": token}

    def _req(self, method, url, **kw):
        r = requests.request(method, urljoin(self.api_url + "/", url), headers=self.headers, timeout=20, **kw)
        assert r.status_code in (200, 201), f"Parsons {method} {url}: {r.status_code} {r.text[:300]}"
        return r.json()

    def get_entry_list(self, object_name, per_page=25):
        out, page = [], 1
        while page < 500:
            body = self._req("GET", object_name, params={"page": page, "per_page": per_page})
            items = body["_embedded"][list(body["_embedded"])[0]]
            if not items:
                return out
            out += items
            page += 1
        raise AssertionError("Parsons paging did not terminate")

    def create_petition(self, title, description, petition_text, target):
        data = {"title": title, "description": description, "petition_text": petition_text,
                "target": [{"name": target}]}
        return self._req("POST", "petitions", data=json.dumps(data))

    def update_petition(self, petition_id, data):
        return self._req("PUT", f"petitions/{petition_id}", data=json.dumps(data))

    def create_event(self, title, start_date=None, location=None):
        data = {"title": title}
        if start_date:
            data["start_date"] = str(start_date)
        if location:
            data["location"] = location
        event = self._req("POST", "events", data=json.dumps(data))
        event["event_id"] = event["_links"]["self"]["href"].split("/")[-1]
        return event

    def create_submission(self, form_id, person_id):
        payload = {"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{person_id}"}}}
        return self._req("POST", f"forms/{form_id}/submissions", data=json.dumps(payload))

    def update_submission(self, form_id, submission_id, data):
        return self._req("PUT", f"forms/{form_id}/submissions/{submission_id}", data=json.dumps(data))


@pytest.fixture()
def parsons(server, org_a):
    return Parsons(server.api, org_a["api_key"])


def test_parsons_petition_flow(parsons, a):
    p = parsons.create_petition("Parsons petition", "<p>desc</p>", "Do it", "The Mayor")
    pid = an_id(p)
    assert p["target"] == [{"name": "The Mayor"}]
    upd = parsons.update_petition(pid, {"title": "Parsons petition (edited)"})
    assert upd["title"] == "Parsons petition (edited)" and upd["petition_text"] == "Do it"
    assert pid in [an_id(x) for x in parsons.get_entry_list("petitions")]


def test_parsons_event_and_submission_flow(parsons, a):
    ev = parsons.create_event("Parsons event", "2030-02-01 18:00:00", load_fixture("parsons/fake_location.json"))
    assert ev["event_id"] == an_id(ev)
    assert ev["location"] == load_fixture("parsons/fake_location.json")
    assert a.ok("GET", "events", params={"filter": "start_date eq '2030-02-01 18:00:00'"})["total_records"] >= 1
    form = a.ok("POST", "forms", json={"title": "Parsons form"})
    person = a.signup(unique_email("parsons-sub"))
    sub = parsons.create_submission(an_id(form), an_id(person))
    assert sub["action_network:person_id"] == an_id(person)
    upd = parsons.update_submission(an_id(form), an_id(sub), {"identifiers": ["parsons:1"]})
    assert "parsons:1" in upd["identifiers"]
    assert a.ok("GET", f"forms/{an_id(form)}")["total_submissions"] == 1
    for coll in ("forms", "events", "fundraising_pages", "advocacy_campaigns", "event_campaigns", "queries",
                 "wrappers", "campaigns", "unique_id_lists", "donations"):
        parsons.get_entry_list(coll)  # terminates on an empty page, first _embedded key is the items


# ------------------------------------------------------------------- controlshift action_network_rest
def test_controlshift_signature_and_attendance_helpers(server, org_a):
    """[CS] signatures.rb / attendances.rb: POST {person} to the child collection (with a trailing slash),
    and treat {} as failure: a keyed helper must answer with the created record."""
    h = {"OSDI-API-Token": org_a["api_key"], "Content-Type": "application/json"}
    a = server.client(org_a["api_key"])
    pid = an_id(a.ok("POST", "petitions", json={"title": "CS petition"}))
    eid = an_id(a.ok("POST", "events", json={"title": "CS event"}))
    person = {"given_name": "Cs", "email_addresses": [{"address": unique_email("cs")}]}
    r = requests.post(server.url(f"petitions/{pid}/signatures/"), headers=h, json={"person": person}, timeout=20)
    assert r.status_code == 200 and r.json() != {} and r.json()["action_network:petition_id"] == pid
    r = requests.post(server.url(f"events/{eid}/attendances/"), headers=h, json={"person": person}, timeout=20)
    assert r.status_code == 200 and r.json()["action_network:event_id"] == eid
    lst = requests.get(server.url(f"events/{eid}/attendances/"), headers=h, timeout=20).json()
    assert len(lst["_embedded"]["osdi:attendances"]) == 1
    ecs = requests.get(server.url("event_campaigns/"), headers=h, timeout=20).json()
    assert "action_network:event_campaigns" in ecs["_embedded"]


# ---------------------------------------------------------------------------------------------- n8n
def test_n8n_petition_listing_follows_next(server, org_a):
    a = server.client(org_a["api_key"])
    title = "n8n " + unique_email("n")
    made = [an_id(a.ok("POST", "petitions", json={"title": title})) for _ in range(3)]
    qs = {"perPage": 25, "page": 1, "per_page": 2, "filter": f"title eq '{title}'"}
    seen, hops = [], 0
    while True:
        r = requests.get(server.url("petitions"), headers={"OSDI-API-Token": org_a["api_key"]}, params=qs, timeout=20)
        body = r.json()
        seen += [an_id(p) for p in body["_embedded"]["osdi:petitions"]]
        nxt = body["_links"].get("next")
        hops += 1
        assert hops < 10
        if not nxt:
            break
        qs["page"] = parse_qs(urlsplit(nxt["href"]).query)["page"][0]
    assert seen == made
