"""Subscription status rules (§4.1, §4.3) and deduplication / merge rules (§4.4) of the signup helper."""
import uuid

import pytest

from tocsin_server import an_id, primary_email, primary_phone, unique_email, unique_phone


def email_status(p):
    return primary_email(p)["status"]


def phone_status(p):
    return primary_phone(p)["status"]


# ------------------------------------------------------------------------------------------ email
@pytest.mark.parametrize("given,expect", [(None, "subscribed"), ("subscribed", "subscribed"),
                                          ("unsubscribed", "unsubscribed")])
def test_new_person_email_status(a, given, expect):
    p = a.signup(unique_email("new"), email_status=given)
    assert email_status(p) == expect
    assert email_status(a.person(an_id(p))) == expect


@pytest.mark.parametrize("initial", ["subscribed", "unsubscribed"])
def test_existing_email_status_unchanged_without_status(a, initial):
    email = unique_email("keep")
    p1 = a.signup(email, email_status=initial)
    p2 = a.signup(email, given="Again")
    assert an_id(p2) == an_id(p1)
    assert email_status(p2) == initial
    assert p2["given_name"] == "Again"


@pytest.mark.parametrize("initial,given", [("unsubscribed", "subscribed"), ("subscribed", "unsubscribed")])
def test_existing_email_status_set_when_given(a, initial, given):
    email = unique_email("flip")
    p1 = a.signup(email, email_status=initial)
    p2 = a.signup(email, email_status=given)
    assert an_id(p2) == an_id(p1)
    assert email_status(p2) == given
    assert email_status(a.person(an_id(p1))) == given


@pytest.mark.parametrize("bad", ["bouncing", "spam complaint", "previous bounce", "previous spam complaint",
                                 "Subscribed-ish", ""])
def test_helper_rejects_other_email_statuses(a, bad):
    email = unique_email("badstat")
    p = a.signup(email)
    before = a.person(an_id(p))
    r = a.post("people", json={"person": {"email_addresses": [{"address": email, "status": bad}]}})
    assert r.status_code == 400, f"status {bad!r} -> {r.status_code}"
    assert "error" in r.json()
    assert a.person(an_id(p)) == before
    new_email = unique_email("badstatnew")
    r = a.post("people", json={"person": {"email_addresses": [{"address": new_email, "status": bad}]}})
    assert r.status_code == 400
    assert a.ok("GET", "people", params={"filter": f"email eq '{new_email}'"})["_embedded"]["osdi:people"] == []


# ------------------------------------------------------------------------------------------ phone
@pytest.mark.parametrize("given,expect", [(None, "unsubscribed"), ("subscribed", "subscribed"),
                                          ("unsubscribed", "unsubscribed")])
def test_new_phone_status(a, given, expect):
    p = a.signup(unique_email("ph"), unique_phone(), phone_status=given)
    assert phone_status(p) == expect
    assert email_status(p) == "subscribed"  # independent channels


def test_phone_only_new_number_default_unsubscribed(a):
    p = a.signup(phone=unique_phone())
    assert phone_status(p) == "unsubscribed"


def test_existing_phone_status_changes_only_when_given(a):
    email, phone = unique_email("phk"), unique_phone()
    p = a.signup(email, phone, phone_status="subscribed")
    p2 = a.signup(email, phone)
    assert an_id(p2) == an_id(p) and phone_status(p2) == "subscribed"
    p3 = a.signup(phone=phone)  # matched by phone only
    assert an_id(p3) == an_id(p) and phone_status(p3) == "subscribed"
    p4 = a.signup(email, phone, phone_status="unsubscribed")
    assert phone_status(p4) == "unsubscribed"
    assert email_status(p4) == "subscribed"
    p5 = a.signup(phone=phone, phone_status="subscribed")
    assert an_id(p5) == an_id(p) and phone_status(p5) == "subscribed"


def test_email_and_phone_statuses_independent_on_put(a):
    p = a.signup(unique_email("ind"), unique_phone(), phone_status="subscribed")
    r = a.put(f"people/{an_id(p)}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 200
    assert email_status(r.json()) == "unsubscribed"
    assert phone_status(r.json()) == "subscribed"


# ------------------------------------------------------------------------------------------ merge
def test_match_by_email_keeps_one_person(a):
    email = unique_email("dup")
    ids = {an_id(a.signup(email, given=f"N{i}")) for i in range(3)}
    assert len(ids) == 1
    found = a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert len(found) == 1


def test_same_email_different_mobile_overwrites(a):
    email, p1, p2 = unique_email("ow"), unique_phone(), unique_phone()
    first = a.signup(email, p1, phone_status="subscribed")
    second = a.signup(email, p2)
    assert an_id(second) == an_id(first)
    nums = [p["number"] for p in a.person(an_id(first))["phone_numbers"]]
    assert nums == [p2], nums
    assert a.ok("GET", "people", params={"filter": f"phone_number eq '{p1}'"})["_embedded"]["osdi:people"] == []
    found = a.ok("GET", "people", params={"filter": f"phone_number eq '{p2}'"})["_embedded"]["osdi:people"]
    assert [an_id(p) for p in found] == [an_id(first)]


def test_same_mobile_different_email_moves_number_to_new_person(a):
    e1, e2, phone = unique_email("mv1"), unique_email("mv2"), unique_phone()
    old = a.signup(e1, phone, phone_status="subscribed")
    new = a.signup(e2, phone)
    assert an_id(new) != an_id(old)
    assert [p["number"] for p in new["phone_numbers"]] == [phone]
    assert primary_email(new)["address"] == e2
    old_now = a.person(an_id(old))
    assert phone not in [p.get("number") for p in old_now["phone_numbers"]]
    assert primary_email(old_now)["address"] == e1
    found = a.ok("GET", "people", params={"filter": f"phone_number eq '{phone}'"})["_embedded"]["osdi:people"]
    assert [an_id(p) for p in found] == [an_id(new)]


def test_moved_number_keeps_status_but_not_tags_or_custom_fields(a):
    tag = "mv-tag-" + uuid.uuid4().hex[:8]
    a.ok("POST", "tags", json={"name": tag})
    e1, e2, phone = unique_email("mvs1"), unique_email("mvs2"), unique_phone()
    old = a.signup(e1, phone, phone_status="subscribed", tags=[tag],
                   person_extra={"custom_fields": {"secret": "old-person"}})
    new = a.signup(e2, phone)
    assert an_id(new) != an_id(old)
    assert phone_status(new) == "subscribed"
    assert "secret" not in new["custom_fields"]
    taggings = a.ok("GET", f"people/{an_id(new)}/taggings")["_embedded"]["osdi:taggings"]
    assert taggings == []
    assert len(a.ok("GET", f"people/{an_id(old)}/taggings")["_embedded"]["osdi:taggings"]) == 1


def test_mobile_only_record_merges_when_email_arrives(a):
    phone, email = unique_phone(), unique_email("merge")
    mobile_only = a.signup(phone=phone, phone_status="subscribed", given="Mo")
    assert mobile_only["email_addresses"] == []
    merged = a.signup(email, phone)
    assert an_id(merged) == an_id(mobile_only)
    got = a.person(an_id(mobile_only))
    assert primary_email(got)["address"] == email
    assert primary_phone(got)["number"] == phone and phone_status(got) == "subscribed"
    assert got["given_name"] == "Mo"
    found = a.ok("GET", "people", params={"filter": f"email eq '{email}'"})["_embedded"]["osdi:people"]
    assert [an_id(p) for p in found] == [an_id(mobile_only)]


def test_email_match_wins_over_phone_match(a):
    e1, p1, e2 = unique_email("win1"), unique_phone(), unique_email("win2")
    one = a.signup(e1, p1, phone_status="subscribed")
    two = a.signup(e2)
    res = a.signup(e2, p1)
    assert an_id(res) == an_id(two)
    assert primary_phone(res)["number"] == p1
    assert p1 not in [p.get("number") for p in a.person(an_id(one))["phone_numbers"]]
    assert primary_email(a.person(an_id(one)))["address"] == e1


def test_created_equals_modified_only_on_create(a):
    import time
    email = unique_email("cm")
    p = a.signup(email)
    assert p["created_date"] == p["modified_date"]
    time.sleep(1.1)
    p2 = a.signup(email, given="Updated")
    assert p2["created_date"] == p["created_date"]
    assert p2["modified_date"] > p2["created_date"]


def test_add_tags_known_applied_unknown_ignored(a):
    known = "known-" + uuid.uuid4().hex[:8]
    unknown = "unknown-" + uuid.uuid4().hex[:8]
    tag = a.ok("POST", "tags", json={"name": known})
    p = a.signup(unique_email("tags"), tags=[known, unknown])
    taggings = a.ok("GET", f"people/{an_id(p)}/taggings")["_embedded"]["osdi:taggings"]
    assert len(taggings) == 1
    assert taggings[0]["_links"]["osdi:tag"]["href"].rstrip("/").endswith(an_id(tag))
    names = [t["name"].lower() for t in a.all_pages("tags", "osdi:tags")]
    assert unknown.lower() not in names
    # repeating the signup does not duplicate the tagging (one per person per tag)
    a.signup(primary_email(p)["address"], tags=[known])
    assert len(a.ok("GET", f"people/{an_id(p)}/taggings")["_embedded"]["osdi:taggings"]) == 1
