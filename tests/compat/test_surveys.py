"""Surveys and their responses (Action Network since 2024, issue #10 item 17): the calls of Parsons'
create_survey / get_surveys / get_survey, the shapes of parsons/fake_survey.json and fake_surveys.json, and
responses recorded by the record helper like any other action kind."""
from tocsin_server import an_id, assert_keys_superset, load_fixture, unique_email

# AN's embed snippets are not served for any kind (docs/API.md); the creator is a person, whose shape the
# people suites check (here: only that it is embedded).
IGNORE = ["$._links.action_network:embed", "$._embedded.osdi:creator.*"]
# The fixture's page fields, posted so that every key it shows has a value to show.
PAGE_FIELDS = ["origin_system", "title", "description", "call_to_action", "browser_url", "featured_image_url",
               "action_network:hidden"]


def test_parsons_create_get_surveys(server, a):
    created = a.ok("POST", "surveys", json=load_fixture("parsons/fake_survey_payload.json"))
    assert created["title"] == "My Free Survey" and created["origin_system"] == "FreeSurveys.com"
    assert created["total_responses"] == 0
    creator = a.signup(unique_email("creator"), given="Cree")
    payload = load_fixture("parsons/fake_survey_with_creator_payload.json")
    payload["_links"]["osdi:creator"]["href"] = f"{server.api}/people/{an_id(creator)}"
    fixture = load_fixture("parsons/fake_survey.json")
    payload.update({k: fixture[k] for k in PAGE_FIELDS if k not in payload})
    with_creator = a.ok("POST", "surveys", json=payload)
    assert with_creator["_embedded"]["osdi:creator"]["given_name"] == "Cree"

    got = a.ok("GET", f"surveys/{an_id(with_creator)}")
    assert_keys_superset(got, fixture, ignore=IGNORE, what="survey")
    assert got["call_to_action"] == "Let us know" and got["action_network:hidden"] is False
    sid = an_id(got)
    assert got["_links"]["action_network:responses"]["href"] == f"{server.api}/surveys/{sid}/responses"
    assert got["_links"]["action_network:record_response_helper"]["href"] == f"{server.api}/surveys/{sid}/responses"

    page = a.ok("GET", "surveys", params={"filter": f"identifier eq 'action_network:{sid}'"})
    assert_keys_superset(page, load_fixture("parsons/fake_surveys.json"), what="surveys page",
                         ignore=["$._links.next", "$._embedded.action_network:surveys[]._links.*",
                                 "$._embedded.action_network:surveys[]._embedded.osdi:creator.*"])
    listed = {an_id(s) for s in a.ok("GET", "surveys")["_embedded"]["action_network:surveys"]}
    assert listed >= {an_id(created), sid}


def test_responses_through_the_record_helper(server, a):
    s = a.ok("POST", "surveys", json={"title": "Tell us " + unique_email("s")})
    sid = an_id(s)
    email = unique_email("resp")
    r1 = a.ok("POST", f"surveys/{sid}/responses",
              json={"person": {"email_addresses": [{"address": email}]}, "comments": "more parks"})
    r2 = a.ok("POST", f"surveys/{sid}/responses", json={"person": {"email_addresses": [{"address": email}]}})
    assert an_id(r1) == an_id(r2), "one response per person per survey, like submissions"
    assert r1["action_network:survey_id"] == sid
    assert r1["_links"]["action_network:survey"]["href"] == f"{server.api}/surveys/{sid}"
    assert a.ok("GET", f"surveys/{sid}")["total_responses"] == 1
    listed = a.ok("GET", f"surveys/{sid}/responses")
    assert [an_id(x) for x in listed["_embedded"]["action_network:responses"]] == [an_id(r1)]
    person_id = r1["action_network:person_id"]
    mine = a.ok("GET", f"people/{person_id}/responses")["_embedded"]["action_network:responses"]
    assert [an_id(x) for x in mine] == [an_id(r1)]
    assert a.ok("GET", f"surveys/{sid}/responses/{an_id(r1)}")["comments"] == "more parks"


def test_surveys_are_organization_scoped(a, b):
    s = a.ok("POST", "surveys", json={"title": "Private " + unique_email("s")})
    assert b.get(f"surveys/{an_id(s)}").status_code == 404
    assert an_id(s) not in {an_id(x) for x in b.ok("GET", "surveys")["_embedded"]["action_network:surveys"]}
