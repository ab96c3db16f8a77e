"""Tags and taggings (reference §2, §3.4, §1.4 totals, §1.9 tagging errors)."""
import math
import uuid

import pytest

from tocsin_server import an_id, assert_keys_superset, last_segment, load_fixture, unique_email

AN_PEOPLE = "https://actionnetwork.org/api/v2/people/"


def person_link(pid, base=AN_PEOPLE):
    return {"_links": {"osdi:person": {"href": base + pid}}}


@pytest.fixture(scope="module")
def many_tags(server, org_a):
    """At least 30 tags in org A so the tags collection has a second page."""
    c = server.client(org_a["api_key"])
    prefix = "many-" + uuid.uuid4().hex[:6]
    return [c.ok("POST", "tags", json={"name": f"{prefix}-{i:02d}"}) for i in range(30)]


def test_create_tag_shape(server, a):
    name = "Volunteers " + uuid.uuid4().hex[:6]
    r = a.post("tags", json={"name": name})
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["name"] == name
    assert_keys_superset(t, load_fixture("parsons/fake_tag.json"), what="tag (POST)")
    assert_keys_superset(t, load_fixture("parsons/fake_tags.json")["_embedded"]["osdi:tags"][0], what="tag (POST)")
    tid = an_id(t)
    assert t["_links"]["self"]["href"] == f"{server.api}/tags/{tid}"
    assert t["_links"]["osdi:taggings"]["href"] == f"{server.api}/tags/{tid}/taggings"
    got = a.ok("GET", f"tags/{tid}")
    assert_keys_superset(got, load_fixture("parsons/fake_tags.json")["_embedded"]["osdi:tags"][0], what="tag (GET)")
    assert got["name"] == name and got["identifiers"] == t["identifiers"]
    assert a.get(f"tags/{tid}/").status_code == 200


def test_same_name_any_case_returns_existing_tag(a):
    name = "Economic Justice " + uuid.uuid4().hex[:6]
    t1 = a.ok("POST", "tags", json={"name": name})
    t2 = a.ok("POST", "tags", json={"name": name.upper()})
    t3 = a.ok("POST", "tags/", json={"name": name.lower()})
    assert an_id(t1) == an_id(t2) == an_id(t3)
    assert t2["name"] == name
    same = [t for t in a.all_pages("tags", "osdi:tags") if t["name"].lower() == name.lower()]
    assert len(same) == 1


def test_unknown_tag_404(a):
    rid = str(uuid.uuid4())
    r = a.get(f"tags/{rid}")
    assert r.status_code == 404
    assert r.json()["error"].startswith("Couldn't find tag")
    assert a.get(f"tags/{rid}/taggings").status_code == 404
    assert a.post(f"tags/{rid}/taggings", json=person_link(str(uuid.uuid4()))).status_code == 404


def test_tags_collection_envelope_and_totals(a, many_tags):
    body = a.ok("GET", "tags")
    for fx in ("parsons/fake_tags.json", "pyactionnetwork/tags.json"):
        assert_keys_superset(body, load_fixture(fx), what=f"tags page vs {fx}")
    total = body["total_records"]
    assert total >= 30
    assert body["per_page"] == 25 and body["page"] == 1
    assert body["total_pages"] == math.ceil(total / 25)
    assert len(body["_embedded"]["osdi:tags"]) == 25
    hrefs = [x["href"] for x in body["_links"]["osdi:tags"]]
    assert hrefs == [t["_links"]["self"]["href"] for t in body["_embedded"]["osdi:tags"]]
    # walk every page: the totals match what is actually there, no duplicates
    ids = [an_id(t) for t in a.all_pages("tags", "osdi:tags")]
    assert len(ids) == total == len(set(ids))
    assert {an_id(t) for t in many_tags} <= set(ids)
    last = a.ok("GET", "tags", params={"page": body["total_pages"]})
    assert last["total_records"] == total
    empty = a.ok("GET", "tags", params={"page": body["total_pages"] + 1})
    assert empty["_embedded"] == {"osdi:tags": []} and empty["_links"]["osdi:tags"] == []


def test_tags_paging_follow_next(a, many_tags):
    url, seen, hops = "tags", [], 0
    while url and hops < 100:
        body = a.ok("GET", url)
        seen += [an_id(t) for t in body["_embedded"]["osdi:tags"]]
        url = body["_links"].get("next", {}).get("href")
        hops += 1
    assert {an_id(t) for t in many_tags} <= set(seen)
    assert len(seen) == len(set(seen))


def test_tags_per_page_capped(a, many_tags):
    body = a.ok("GET", "tags", params={"per_page": 500})
    assert len(body["_embedded"]["osdi:tags"]) == 25 and body["per_page"] == 25


def test_post_tag_extra_fields_ignored(a):
    name = "extra-" + uuid.uuid4().hex[:6]
    r = a.post("tags", json={"name": name, "origin_system": "x", "identifiers": ["foo:1"]})
    assert r.status_code in (200, 400)


# -------------------------------------------------------------------------------------------- taggings
@pytest.fixture()
def tag_and_person(a):
    tag = a.ok("POST", "tags", json={"name": "tagging-" + uuid.uuid4().hex[:8]})
    p = a.signup(unique_email("tagged"))
    return an_id(tag), an_id(p)


@pytest.mark.parametrize("base", [AN_PEOPLE, "SERVER", "http://elsewhere.example:9999/api/v2/people/"])
def test_create_tagging_resolves_href_by_last_segment(server, a, tag_and_person, base):
    tid, pid = tag_and_person
    b = server.api + "/people/" if base == "SERVER" else base
    r = a.post(f"tags/{tid}/taggings", json=person_link(pid, b))
    assert r.status_code == 200, r.text
    tg = r.json()
    assert_keys_superset(tg, load_fixture("parsons/fake_tagging.json"), what="tagging (POST)")
    assert tg["item_type"] == "osdi:person"
    tgid = an_id(tg)
    assert tg["_links"]["self"]["href"] == f"{server.api}/tags/{tid}/taggings/{tgid}"
    assert tg["_links"]["osdi:tag"]["href"] == f"{server.api}/tags/{tid}"
    assert tg["_links"]["osdi:person"]["href"] == f"{server.api}/people/{pid}"
    got = a.ok("GET", f"tags/{tid}/taggings/{tgid}")
    assert_keys_superset(got, load_fixture("parsons/fake_tagging.json"), what="tagging (GET)")
    assert got["identifiers"] == tg["identifiers"]


def test_one_tagging_per_person_per_tag(a, tag_and_person):
    tid, pid = tag_and_person
    t1 = a.ok("POST", f"tags/{tid}/taggings", json=person_link(pid))
    r = a.post(f"tags/{tid}/taggings", json=person_link(pid))
    assert r.status_code == 200
    assert an_id(r.json()) == an_id(t1)
    assert len(a.ok("GET", f"tags/{tid}/taggings")["_embedded"]["osdi:taggings"]) == 1
    assert len(a.ok("GET", f"people/{pid}/taggings")["_embedded"]["osdi:taggings"]) == 1


def test_delete_tagging_notice_and_gone(a, tag_and_person):
    tid, pid = tag_and_person
    tg = a.ok("POST", f"tags/{tid}/taggings/", json=person_link(pid))
    tgid = an_id(tg)
    person_taggings = a.ok("GET", f"people/{pid}/taggings")
    assert [an_id(x) for x in person_taggings["_embedded"]["osdi:taggings"]] == [tgid]
    r = a.delete(f"tags/{tid}/taggings/{tgid}")
    assert r.status_code == 200
    assert r.json() == {"notice": "This tagging was successfully deleted."}
    assert a.get(f"tags/{tid}/taggings/{tgid}").status_code == 404
    assert a.delete(f"tags/{tid}/taggings/{tgid}").status_code == 404
    assert a.ok("GET", f"people/{pid}/taggings")["_embedded"]["osdi:taggings"] == []
    assert a.ok("GET", f"tags/{tid}/taggings")["_embedded"]["osdi:taggings"] == []
    # the tag and person survive
    assert a.get(f"tags/{tid}").status_code == 200 and a.get(f"people/{pid}").status_code == 200


def test_delete_tagging_via_other_tag_404(a, tag_and_person):
    tid, pid = tag_and_person
    tg = a.ok("POST", f"tags/{tid}/taggings", json=person_link(pid))
    other = a.ok("POST", "tags", json={"name": "other-" + uuid.uuid4().hex[:8]})
    assert a.delete(f"tags/{an_id(other)}/taggings/{an_id(tg)}").status_code == 404
    assert a.get(f"tags/{tid}/taggings/{an_id(tg)}").status_code == 200


def test_taggings_collection_envelope(server, a):
    tag = a.ok("POST", "tags", json={"name": "crowd-" + uuid.uuid4().hex[:8]})
    tid = an_id(tag)
    pids = [an_id(a.signup(unique_email("crowd"))) for _ in range(26)]
    for pid in pids:
        a.ok("POST", f"tags/{tid}/taggings", json=person_link(pid))
    body = a.ok("GET", f"tags/{tid}/taggings")
    assert_keys_superset(body, load_fixture("parsons/fake_taggings.json"), what="taggings page")
    assert body["total_records"] == 26 and body["total_pages"] == 2
    assert len(body["_embedded"]["osdi:taggings"]) == 25
    hrefs = [x["href"] for x in body["_links"]["osdi:taggings"]]
    assert hrefs == [t["_links"]["self"]["href"] for t in body["_embedded"]["osdi:taggings"]]
    all_t = a.all_pages(f"tags/{tid}/taggings", "osdi:taggings")
    assert sorted(last_segment(t["_links"]["osdi:person"]["href"]) for t in all_t) == sorted(pids)
    page2 = a.ok("GET", body["_links"]["next"]["href"])
    assert len(page2["_embedded"]["osdi:taggings"]) == 1


def test_person_taggings_collection(server, a):
    p = a.signup(unique_email("ptg"))
    pid = an_id(p)
    empty = a.ok("GET", f"people/{pid}/taggings")
    assert empty["_embedded"] == {"osdi:taggings": []}
    assert empty["_links"]["osdi:taggings"] == []
    tags = [a.ok("POST", "tags", json={"name": f"ptg-{i}-" + uuid.uuid4().hex[:6]}) for i in range(2)]
    for t in tags:
        a.ok("POST", f"tags/{an_id(t)}/taggings", json=person_link(pid))
    body = a.ok("GET", f"people/{pid}/taggings")
    assert_keys_superset(body, load_fixture("parsons/fake_taggings.json"), ignore=["$._links.next"],
                         what="person taggings page (single page: no next required)")
    got = {last_segment(t["_links"]["osdi:tag"]["href"]) for t in body["_embedded"]["osdi:taggings"]}
    assert got == {an_id(t) for t in tags}
    assert a.get(f"people/{uuid.uuid4()}/taggings").status_code == 404
