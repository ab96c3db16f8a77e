"""Organization isolation for every action endpoint: org B's key cannot read, list, change, post to or infer
org A's actions and records, whatever the kind."""
import pytest

from tocsin_server import an_id, unique_email

WRITABLE = ["petitions", "events", "event_campaigns", "forms", "fundraising_pages", "advocacy_campaigns",
            "unique_id_lists"]
RECORDS = {"petitions": "signatures", "events": "attendances", "forms": "submissions",
           "fundraising_pages": "donations", "advocacy_campaigns": "outreaches"}


@pytest.fixture(scope="module")
def a_world(server, org_a):
    """One action of every writable kind in org A, with one record each where the kind has records."""
    a = server.client(org_a["api_key"])
    world = {}
    for coll in WRITABLE:
        act = a.ok("POST", coll, json={"title": f"A-only {coll}", "name": f"A-only {coll}"})
        rec = None
        if coll in RECORDS:
            rec = a.ok("POST", f"{coll}/{an_id(act)}/{RECORDS[coll]}",
                       json={"person": {"email_addresses": [{"address": unique_email("iso")}]}})
        world[coll] = (an_id(act), rec)
    ec = world["event_campaigns"][0]
    world["campaign_event"] = an_id(a.ok("POST", f"event_campaigns/{ec}/events", json={"title": "A child"}))
    return world


@pytest.mark.parametrize("coll", WRITABLE)
def test_other_org_cannot_read_list_or_change_actions(a, b, a_world, coll):
    aid, _ = a_world[coll]
    before = a.ok("GET", f"{coll}/{aid}")
    r = b.get(f"{coll}/{aid}")
    assert r.status_code == 404 and "A-only" not in r.text
    assert aid not in [an_id(x) for x in b.all_pages(coll, list(b.ok("GET", coll)["_embedded"])[0])]
    assert b.ok("GET", coll, params={"filter": f"identifier eq 'action_network:{aid}'"})["total_records"] == 0
    assert b.put(f"{coll}/{aid}", json={"title": "hijacked"}).status_code == 404
    after = a.ok("GET", f"{coll}/{aid}")
    assert after == before, "B's attempts changed A's action"


@pytest.mark.parametrize("coll", sorted(RECORDS))
def test_other_org_cannot_touch_records(a, b, a_world, coll):
    aid, rec = a_world[coll]
    child = RECORDS[coll]
    before = a.ok("GET", f"{coll}/{aid}")
    assert b.get(f"{coll}/{aid}/{child}").status_code == 404
    assert b.get(f"{coll}/{aid}/{child}/{an_id(rec)}").status_code == 404
    assert b.put(f"{coll}/{aid}/{child}/{an_id(rec)}", json={"comments": "x"}).status_code == 404
    r = b.post(f"{coll}/{aid}/{child}", json={"person": {"email_addresses": [{"address": unique_email("b")}]}})
    assert r.status_code == 404
    r = b.post(f"{coll}/{aid}/{child}",
               json={"_links": {"osdi:person": {"href": f"/people/{rec['action_network:person_id']}"}}})
    assert r.status_code == 404
    assert b.get(f"people/{rec['action_network:person_id']}/{child}").status_code == 404
    assert a.ok("GET", f"{coll}/{aid}") == before, "B's attempts changed A's counters"


def test_other_org_cannot_reach_campaign_events_or_donations(a, b, a_world):
    ec = a_world["event_campaigns"][0]
    ev = a_world["campaign_event"]
    assert b.get(f"event_campaigns/{ec}/events").status_code == 404
    assert b.get(f"event_campaigns/{ec}/events/{ev}").status_code == 404
    assert b.post(f"event_campaigns/{ec}/events", json={"title": "B child"}).status_code == 404
    assert a.ok("GET", f"event_campaigns/{ec}")["total_events"] == 1
    donation = a_world["fundraising_pages"][1]
    assert b.get(f"donations/{an_id(donation)}").status_code == 404
    assert an_id(donation) not in [an_id(d) for d in b.all_pages("donations", "osdi:donations")]


def test_b_cannot_link_a_person_into_its_own_action(a, b, a_world):
    person = a_world["petitions"][1]["action_network:person_id"]
    mine = an_id(b.ok("POST", "petitions", json={"title": "B petition"}))
    r = b.post(f"petitions/{mine}/signatures", json={"_links": {"osdi:person": {"href": f"/people/{person}"}}})
    assert r.status_code == 400 and person not in r.text
    assert b.ok("GET", f"petitions/{mine}")["total_signatures"] == 0


def test_blind_post_lands_in_the_action_owner(a, b, anon):
    pid = an_id(b.ok("POST", "petitions", json={"title": "B's own"}))
    email = unique_email("blind-b")
    assert anon.post(f"petitions/{pid}/signatures",
                     json={"person": {"email_addresses": [{"address": email}]}}).json() == {}
    assert b.ok("GET", f"petitions/{pid}")["total_signatures"] == 1
    flt = {"filter": f"email_address eq '{email}'"}
    assert len(b.ok("GET", "people", params=flt)["_embedded"]["osdi:people"]) == 1
    assert a.ok("GET", "people", params=flt)["_embedded"]["osdi:people"] == []
