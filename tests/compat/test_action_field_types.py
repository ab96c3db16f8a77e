"""Every documented field of every action kind is type-checked (docs/API.md "Bad input"): a value of the
wrong JSON type is refused with 400 and an error naming the field, on create, update and record writes, and
nothing is stored. Values of the right type, in the forms clients send, still pass."""
import pytest

from tocsin_server import an_id, unique_email

BAD_ACTIONS = [
    ("petitions", {"title": ["a", "b"]}, "title"),
    ("petitions", {"title": 5}, "title"),
    ("petitions", {"title": {"a": 1}}, "title"),
    ("petitions", {"title": "T", "target": "The Mayor"}, "target"),
    ("petitions", {"title": "T", "target": [{"name": 7}]}, "target[0].name"),
    ("petitions", {"title": "T", "action_network:hidden": "no"}, "action_network:hidden"),
    ("events", {"title": "E", "start_date": {"a": 1}}, "start_date"),
    ("events", {"title": "E", "start_date": "not a date"}, "start_date"),
    ("events", {"title": "E", "end_date": "2030-02-30"}, "end_date"),
    ("events", {"title": "E", "capacity": "ten"}, "capacity"),
    ("events", {"title": "E", "capacity": -1}, "capacity"),
    ("events", {"title": "E", "location": "Boston"}, "location"),
    ("events", {"title": "E", "location": {"location": {"latitude": "north"}}}, "location.location.latitude"),
    ("events", {"title": "E", "reminders": [{"method": "email", "minutes": "a day"}]}, "reminders[0].minutes"),
    ("forms", {"title": "F", "call_to_action": ["Join"]}, "call_to_action"),
    ("fundraising_pages", {"title": "P", "currency": 840}, "currency"),
    ("advocacy_campaigns", {"title": "A", "targets": 3}, "targets"),
    ("event_campaigns", {"title": "C", "host_pitch": False}, "host_pitch"),
    ("unique_id_lists", {"name": "U", "unique_ids": "abc"}, "unique_ids"),
    ("unique_id_lists", {"name": "U", "unique_ids": [1, 2]}, "unique_ids[0]"),
]


@pytest.mark.parametrize("kind,body,field", BAD_ACTIONS, ids=[f"{k}-{f}-{i}" for i, (k, _, f) in
                                                              enumerate(BAD_ACTIONS)])
def test_wrong_type_on_create_is_refused_naming_the_field(a, kind, body, field):
    before = a.ok("GET", kind)["total_records"]
    r = a.post(kind, json=body)
    assert r.status_code == 400, f"{kind} {body} -> {r.status_code} {r.text[:300]}"
    assert r.json()["error"].startswith(field + " must be"), r.json()
    assert a.ok("GET", kind)["total_records"] == before


def test_wrong_type_on_update_is_refused_and_changes_nothing(a):
    p = a.ok("POST", "petitions", json={"title": "Keep it"})
    for bad in ({"title": 12}, {"title": "New", "petition_text": {"html": "x"}}):
        r = a.put(f"petitions/{an_id(p)}", json=bad)
        assert r.status_code == 400, r.text
    assert a.ok("GET", f"petitions/{an_id(p)}")["title"] == "Keep it"


BAD_DONATIONS = [
    ({"amount": {"x": 1}}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "1e308"}, "amount"),
    ({"amount": 1e308}, "amount"),
    ({"recipients": [{"display_name": "Org", "amount": {"x": 1}}]}, "recipients[0].amount"),
    ({"recipients": [{"display_name": "Org", "amount": "-5"}]}, "recipients[0].amount"),
    ({"recipients": [{"display_name": "Org", "amount": "1e308"}]}, "recipients[0].amount"),
    ({"recipients": {"display_name": "Org", "amount": "5"}}, "recipients"),
    ({"payment": {"authorization_stored": "yes"}}, "payment.authorization_stored"),
    ({"action_network:recurrence": {"recurring": "monthly"}}, "action_network:recurrence.recurring"),
]


@pytest.mark.parametrize("extra,field", BAD_DONATIONS, ids=[f for _, f in BAD_DONATIONS])
def test_donation_amounts_and_shapes_are_checked(a, extra, field):
    page = a.ok("POST", "fundraising_pages", json={"title": "Fund " + unique_email("f")})
    r = a.post(f"fundraising_pages/{an_id(page)}/donations",
               json={"person": {"email_addresses": [{"address": unique_email("don")}]}, **extra})
    assert r.status_code == 400, f"{extra} -> {r.status_code} {r.text[:300]}"
    assert r.json()["error"].startswith(field + " must be"), r.json()
    page = a.ok("GET", f"fundraising_pages/{an_id(page)}")
    assert page["total_donations"] == 0 and page["total_amount"] == "0.00"


def test_record_fields_are_checked(a):
    ev = a.ok("POST", "events", json={"title": "Meet"})
    r = a.post(f"events/{an_id(ev)}/attendances",
               json={"person": {"email_addresses": [{"address": unique_email("att")}]}, "comments": 42})
    assert r.status_code == 400 and r.json()["error"].startswith("comments must be"), r.text


def test_values_of_the_right_type_pass(a):
    ev = a.ok("POST", "events", json={
        "title": "Right", "start_date": "2030-03-10 18:00:00", "end_date": "2030-03-10T20:00:00Z",
        "capacity": 40, "guests_can_invite_others": True, "reminders": [{"method": "email", "minutes": 1440}],
        "location": {"venue": "Hall", "address_lines": ["1 Main St"], "location": {"latitude": 42.3,
                                                                                 "longitude": -71.1}},
        "description": None})
    assert ev["capacity"] == 40 and ev["location"]["location"]["latitude"] == 42.3
    ac = a.ok("POST", "advocacy_campaigns", json={"title": "Call", "targets": [{"title": "Mayor"}]})
    assert ac["targets"] == [{"title": "Mayor"}]
    page = a.ok("POST", "fundraising_pages", json={"title": "Fund ok"})
    d = a.ok("POST", f"fundraising_pages/{an_id(page)}/donations", json={
        "person": {"email_addresses": [{"address": unique_email("ok")}]},
        "recipients": [{"display_name": "Org", "amount": "5.25"}, {"display_name": "B", "amount": 2}]})
    assert d["recipients"][1]["amount"] == 2
