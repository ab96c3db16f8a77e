"""The other action kinds through the same generic code (reference §2, §3.5): forms/submissions,
events/attendances (start_date filters, total_accepted), event campaigns and their events, fundraising
pages/donations (total_amount, never deduplicated), advocacy campaigns/outreaches (never deduplicated), and
the read-only kinds."""
from tocsin_server import an_id, last_segment, unique_email


def helper(client, path, email, **extra):
    r = client.post(path, json={"person": {"email_addresses": [{"address": email}]}, **extra})
    assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
    return r.json()


def test_forms_and_submissions_dedup(a):
    f = a.ok("POST", "forms", json={"title": "Volunteer " + unique_email("f"), "call_to_action": "Join"})
    fid = an_id(f)
    assert f["total_submissions"] == 0 and f["call_to_action"] == "Join"
    assert f["_links"]["osdi:record_submission_helper"]["href"].endswith(f"/forms/{fid}/submissions")
    email = unique_email("sub")
    s1 = helper(a, f"forms/{fid}/submissions", email)
    s2 = helper(a, f"forms/{fid}/submissions", email)
    assert an_id(s1) == an_id(s2) and s1["action_network:form_id"] == fid
    helper(a, f"forms/{fid}/submissions", unique_email("sub2"))
    assert a.ok("GET", f"forms/{fid}")["total_submissions"] == 2
    assert a.ok("GET", f"forms/{fid}/submissions")["total_records"] == 2
    assert a.ok("GET", f"people/{s1['action_network:person_id']}/submissions")["_embedded"]["osdi:submissions"][0][
        "action_network:form_id"] == fid
    # a form id is not a petition
    assert a.get(f"petitions/{fid}").status_code == 404


def test_events_attendances_and_total_accepted(a):
    title = "Rally " + unique_email("ev")
    early = a.ok("POST", "events", json={"title": title, "start_date": "2030-01-10T18:00:00Z",
                                          "location": {"venue": "Hall", "locality": "Boston"}})
    late = a.ok("POST", "events", json={"title": title, "start_date": "2030-03-10 18:00:00",
                                         "end_date": "2030-03-10 20:00:00"})
    assert early["total_accepted"] == 0 and early["location"]["venue"] == "Hall"
    eid = an_id(early)
    yes = helper(a, f"events/{eid}/attendances", unique_email("att"))
    assert yes["status"] == "accepted" and yes["action_network:event_id"] == eid
    no = helper(a, f"events/{eid}/attendances", unique_email("att"), status="declined")
    assert no["status"] == "declined"
    assert a.ok("GET", f"events/{eid}")["total_accepted"] == 1
    # the decliner changes their mind: still one attendance, now accepted
    again = a.ok("PUT", f"events/{eid}/attendances/{an_id(no)}", json={"status": "accepted"})
    assert an_id(again) == an_id(no)
    assert a.ok("GET", f"events/{eid}")["total_accepted"] == 2
    assert a.post(f"events/{eid}/attendances", json={"person": {"email_addresses": [{"address": unique_email("x")}]},
                                                     "status": "maybe"}).status_code == 400
    # date filters compare instants whatever the written form
    after = a.ok("GET", "events", params={"filter": f"title eq '{title}' and start_date gt '2030-02-01'"})
    assert [an_id(e) for e in after["_embedded"]["osdi:events"]] == [an_id(late)]
    before = a.ok("GET", "events", params={"filter": f"title eq '{title}' and start_date lt '2030-02-01'"})
    assert [an_id(e) for e in before["_embedded"]["osdi:events"]] == [eid]
    ended = a.ok("GET", "events", params={"filter": f"title eq '{title}' and end_date lt '2030-03-11'"})
    assert [an_id(e) for e in ended["_embedded"]["osdi:events"]] == [an_id(late)]
    assert a.get("events", params={"filter": "start_date gt 'soon'"}).status_code == 400


def test_event_campaigns_and_their_events(a):
    ec = a.ok("POST", "event_campaigns", json={"title": "Week of action", "host_pitch": "Host one!"})
    ecid = an_id(ec)
    assert ec["total_events"] == 0 and ec["total_rsvps"] == 0
    assert ec["_links"]["osdi:events"]["href"].endswith(f"/event_campaigns/{ecid}/events")
    ev = a.ok("POST", f"event_campaigns/{ecid}/events", json={"title": "House party", "start_date": "2030-05-01"})
    eid = an_id(ev)
    assert ev["action_network:event_campaign_id"] == ecid
    helper(a, f"event_campaigns/{ecid}/events/{eid}/attendances", unique_email("rsvp"))
    helper(a, f"events/{eid}/attendances", unique_email("rsvp"))
    got = a.ok("GET", f"event_campaigns/{ecid}")
    assert got["total_events"] == 1 and got["total_rsvps"] == 2
    listing = a.ok("GET", f"event_campaigns/{ecid}/events")
    assert [an_id(e) for e in listing["_embedded"]["osdi:events"]] == [eid]
    assert a.ok("GET", f"event_campaigns/{ecid}/events/{eid}")["title"] == "House party"
    other = a.ok("POST", "events", json={"title": "Not in the campaign"})
    assert a.get(f"event_campaigns/{ecid}/events/{an_id(other)}").status_code == 404
    assert a.post("event_campaigns/nope/events", json={"title": "x"}).status_code == 404


def test_fundraising_pages_donations_not_deduplicated(a):
    fp = a.ok("POST", "fundraising_pages", json={"title": "Fund " + unique_email("fp"), "currency": "USD"})
    fid = an_id(fp)
    assert fp["total_donations"] == 0 and fp["total_amount"] == "0.00"
    email = unique_email("donor")
    d1 = helper(a, f"fundraising_pages/{fid}/donations", email,
                recipients=[{"display_name": "Campaign", "amount": "10.50"}])
    d2 = helper(a, f"fundraising_pages/{fid}/donations", email, amount="3", currency="USD")
    assert an_id(d1) != an_id(d2), "donations are never deduplicated"
    assert d1["action_network:fundraising_page_id"] == fid
    page = a.ok("GET", f"fundraising_pages/{fid}")
    assert page["total_donations"] == 2 and page["total_amount"] == "13.50"
    assert {an_id(d) for d in a.ok("GET", "donations")["_embedded"]["osdi:donations"]} >= {an_id(d1), an_id(d2)}
    assert an_id(a.ok("GET", f"donations/{an_id(d1)}")) == an_id(d1)
    assert a.post(f"fundraising_pages/{fid}/donations", json={
        "person": {"email_addresses": [{"address": email}]}, "amount": "ten"}).status_code == 400
    assert a.ok("GET", f"fundraising_pages/{fid}")["total_amount"] == "13.50"


def test_advocacy_campaigns_outreaches_not_deduplicated(a):
    ac = a.ok("POST", "advocacy_campaigns", json={"title": "Call the council", "type": "email", "targets": "Council"})
    aid = an_id(ac)
    email = unique_email("out")
    o1 = helper(a, f"advocacy_campaigns/{aid}/outreaches", email, type="email", subject="Please",
                message="Vote yes", targets=[{"given_name": "Joe", "family_name": "Schmoe"}])
    o2 = helper(a, f"advocacy_campaigns/{aid}/outreaches", email, type="email")
    assert an_id(o1) != an_id(o2)
    assert o1["targets"] == [{"given_name": "Joe", "family_name": "Schmoe"}]
    assert a.ok("GET", f"advocacy_campaigns/{aid}")["total_outreaches"] == 2
    mine = a.ok("GET", f"people/{o1['action_network:person_id']}/outreaches")
    assert len(mine["_embedded"]["osdi:outreaches"]) == 2


def test_unique_id_lists_create_and_update(a):
    person = a.signup(unique_email("uid"))
    lst = a.ok("POST", "unique_id_lists", json={"name": "Targets", "unique_ids": [an_id(person)]})
    lid = an_id(lst)
    assert lst["name"] == "Targets"
    assert a.ok("PUT", f"unique_id_lists/{lid}", json={"name": "Renamed"})["name"] == "Renamed"
    assert lid in [an_id(x) for x in a.all_pages("unique_id_lists", "osdi:unique_id_lists")]


def test_read_only_kinds_refuse_writes(a):
    for coll in ("queries", "wrappers", "campaigns"):
        listing = a.ok("GET", coll)
        assert "total_records" in listing
        r = a.post(coll, json={"name": "x"})
        assert r.status_code == 405 and "read-only" in r.json()["error"], coll
        assert a.get(f"{coll}/nope").status_code == 404


def test_records_of_a_person_reject_other_methods(a):
    person = a.signup(unique_email("m"))
    assert a.post(f"people/{an_id(person)}/signatures", json={}).status_code == 405
    assert a.get("people/nobody/signatures").status_code == 404
