"""Organization isolation: org A's key can neither read, list, change nor infer anything of org B."""
import uuid

import pytest

from tocsin_server import an_id, last_segment, primary_email, primary_phone, unique_email, unique_phone


@pytest.fixture(scope="module")
def world(server, org_a, org_b):
    a = server.client(org_a["api_key"])
    b = server.client(org_b["api_key"])
    w = {"email_b": unique_email("orgb"), "phone_b": unique_phone(), "cf_b": "b_only_field_" + uuid.uuid4().hex[:8],
         "tag_b_name": "B-secret-" + uuid.uuid4().hex[:8], "tag_a_name": "A-tag-" + uuid.uuid4().hex[:8]}
    pb = b.signup(w["email_b"], w["phone_b"], phone_status="subscribed", given="Bea", family="Bee",
                  person_extra={"custom_fields": {w["cf_b"]: "1"}})
    w["pb"] = an_id(pb)
    tb = b.ok("POST", "tags", json={"name": w["tag_b_name"]})
    w["tb"] = an_id(tb)
    tgb = b.ok("POST", f"tags/{w['tb']}/taggings",
               json={"_links": {"osdi:person": {"href": f"{server.api}/people/{w['pb']}"}}})
    w["tgb"] = an_id(tgb)
    pa = a.signup(unique_email("orga"), given="Al")
    w["pa"] = an_id(pa)
    ta = a.ok("POST", "tags", json={"name": w["tag_a_name"]})
    w["ta"] = an_id(ta)
    w["b_state"] = lambda: (b.person(w["pb"]), b.ok("GET", f"people/{w['pb']}/taggings"),
                            b.ok("GET", f"people/{w['pb']}/consent"), b.ok("GET", f"tags/{w['tb']}"),
                            b.ok("GET", f"tags/{w['tb']}/taggings"))
    w["b_before"] = w["b_state"]()
    return w


@pytest.fixture(autouse=True)
def b_unchanged(world):
    yield
    assert world["b_state"]() == world["b_before"], "org B's data changed through org A's key"


def same_404(client, method, path_tmpl, real_id, **kw):
    """A's request on B's id must look exactly like one on a random id."""
    rid = str(uuid.uuid4())
    r1 = client.request(method, path_tmpl.format(id=real_id), **kw)
    r2 = client.request(method, path_tmpl.format(id=rid), **kw)
    assert r1.status_code == r2.status_code, f"{method} {path_tmpl}: {r1.status_code} vs {r2.status_code}"
    assert r1.json()["error"].replace(real_id, "<id>") == r2.json()["error"].replace(rid, "<id>")
    return r1


def test_get_b_person_is_404_like_random(a, world):
    r = same_404(a, "GET", "people/{id}", world["pb"])
    assert r.status_code == 404
    assert r.json() == {"error": f"Couldn't find person with id = {world['pb']}"}


@pytest.mark.parametrize("path", ["people/{id}/taggings", "people/{id}/consent", "people/{id}/"])
def test_b_person_subresources_404(a, world, path):
    assert same_404(a, "GET", path, world["pb"]).status_code == 404


def test_put_b_person_404(a, world):
    assert same_404(a, "PUT", "people/{id}", world["pb"], json={"given_name": "Hijack"}).status_code == 404
    r = a.put(f"people/{world['pb']}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 404


@pytest.mark.parametrize("flag", ["background_request", "background_processing"])
def test_background_put_b_person_changes_nothing(a, world, flag):
    r = a.put(f"people/{world['pb']}", params={flag: "true"}, json={"given_name": "Hijack"})
    assert r.status_code in (200, 404)


@pytest.mark.parametrize("flt", ["email_address eq '{email_b}'", "email eq '{email_b}'",
                                 "phone_number eq '{phone_b}'", "phone_number eq '+{phone_b}'",
                                 "identifier eq 'action_network:{pb}'", "given_name eq 'Bea' and family_name eq 'Bee'"])
def test_filters_never_find_b(a, world, flt):
    body = a.ok("GET", "people", params={"filter": flt.format(**world)})
    assert world["pb"] not in [an_id(p) for p in body["_embedded"]["osdi:people"]]
    assert world["email_b"] not in str(body)


def test_a_full_scan_never_lists_b(a, world):
    everyone = a.all_pages("people", "osdi:people")
    assert world["pb"] not in {an_id(p) for p in everyone}
    assert world["email_b"] not in str(everyone)


def test_taggings_with_b_person_rejected(server, a, world):
    for href in (f"https://actionnetwork.org/api/v2/people/{world['pb']}", f"{server.api}/people/{world['pb']}"):
        r = a.post(f"tags/{world['ta']}/taggings", json={"_links": {"osdi:person": {"href": href}}})
        assert r.status_code == 400
        assert r.json() == {"error": "You must specify a valid person id"}
    assert a.ok("GET", f"tags/{world['ta']}/taggings")["_embedded"]["osdi:taggings"] == []


def test_b_tag_invisible(a, world):
    assert same_404(a, "GET", "tags/{id}", world["tb"]).status_code == 404
    assert same_404(a, "GET", "tags/{id}/taggings", world["tb"]).status_code == 404
    link = {"_links": {"osdi:person": {"href": f"https://actionnetwork.org/api/v2/people/{world['pa']}"}}}
    assert same_404(a, "POST", "tags/{id}/taggings", world["tb"], json=link).status_code == 404
    tags = a.all_pages("tags", "osdi:tags")
    assert world["tb"] not in {an_id(t) for t in tags}
    assert world["tag_b_name"] not in [t["name"] for t in tags]
    assert a.ok("GET", "tags")["total_records"] == len(tags)


def test_b_tagging_invisible_and_undeletable(a, world):
    path = f"tags/{world['tb']}/taggings/{world['tgb']}"
    assert a.get(path).status_code == 404
    assert a.delete(path).status_code == 404
    assert a.delete(f"tags/{world['ta']}/taggings/{world['tgb']}").status_code == 404
    assert a.delete(path, params={"background_processing": "true"}).status_code in (200, 404)


def test_b_tag_name_created_independently_in_a(a, b, world):
    t = a.ok("POST", "tags", json={"name": world["tag_b_name"]})
    assert an_id(t) != world["tb"]
    assert t["name"] == world["tag_b_name"]
    b_same = [x for x in b.all_pages("tags", "osdi:tags") if x["name"].lower() == world["tag_b_name"].lower()]
    assert [an_id(x) for x in b_same] == [world["tb"]]
    # A's signup with add_tags of that name tags A's person with A's tag only
    p = a.signup(unique_email("atag"), tags=[world["tag_b_name"]])
    tgs = a.ok("GET", f"people/{an_id(p)}/taggings")["_embedded"]["osdi:taggings"]
    assert [last_segment(x["_links"]["osdi:tag"]["href"]) for x in tgs] == [an_id(t)]


def test_a_signup_with_b_email_and_phone_creates_separate_person(a, b, world):
    p = a.signup(world["email_b"], world["phone_b"], phone_status="unsubscribed", given="Imposter",
                 email_status="unsubscribed")
    assert an_id(p) != world["pb"]
    assert p["created_date"] == p["modified_date"], "must be a new person in A, not a merge"
    assert p["given_name"] == "Imposter" and p.get("family_name") in (None, "")
    assert world["cf_b"] not in p["custom_fields"]
    assert primary_email(p)["status"] == "unsubscribed"
    bp = b.person(world["pb"])
    assert primary_phone(bp)["number"] == world["phone_b"], "the number must not move across organizations"
    assert primary_email(bp)["status"] == "subscribed" and primary_phone(bp)["status"] == "subscribed"
    found_b = b.ok("GET", "people", params={"filter": f"email eq '{world['email_b']}'"})["_embedded"]["osdi:people"]
    assert [an_id(x) for x in found_b] == [world["pb"]]
    found_a = a.ok("GET", "people", params={"filter": f"email eq '{world['email_b']}'"})["_embedded"]["osdi:people"]
    assert [an_id(x) for x in found_a] == [an_id(p)]


def test_blind_post_with_b_email_does_not_touch_b(anon, world):
    r = anon.post("people", json={"person": {"email_addresses": [{"address": world["email_b"],
                                                                  "status": "unsubscribed"}],
                                             "phone_numbers": [{"number": world["phone_b"],
                                                                "status": "unsubscribed"}]}})
    assert r.status_code == 200 and r.json() == {}


def test_lists_isolated(server, a, b, world):
    a_lists = a.all_pages("lists", "osdi:lists")
    for l in a_lists:
        lid = an_id(l)
        assert same_404(b, "GET", "lists/{id}", lid).status_code == 404
        assert b.get(f"lists/{lid}/items").status_code == 404
        items = a.all_pages(f"lists/{lid}/items", "osdi:items")
        if items:
            assert b.get(f"lists/{lid}/items/{an_id(items[0])}").status_code == 404
    assert not {an_id(l) for l in a_lists} & {an_id(l) for l in b.all_pages("lists", "osdi:lists")}


def test_custom_fields_isolated(a, world):
    names = [f["name"] for f in a.ok("GET", "metadata/custom_fields")["action_network:custom_fields"]]
    assert world["cf_b"] not in names


def test_b_cannot_reach_a_either(b, world):
    assert same_404(b, "GET", "people/{id}", world["pa"]).status_code == 404
    assert same_404(b, "GET", "people/{id}/consent", world["pa"]).status_code == 404
    assert same_404(b, "GET", "tags/{id}", world["ta"]).status_code == 404


def test_entry_point_and_counts_do_not_leak(a, b, world):
    # B's totals do not count A's tags and vice versa
    ta = a.all_pages("tags", "osdi:tags")
    tb = b.all_pages("tags", "osdi:tags")
    assert a.ok("GET", "tags")["total_records"] == len(ta)
    assert b.ok("GET", "tags")["total_records"] == len(tb)
    assert not {an_id(t) for t in ta} & {an_id(t) for t in tb}


def test_ledger_sequence_does_not_reveal_b_activity(a, b, world):
    """Consent entries carry `seq`; it must not count org B's changes."""
    pa1 = an_id(a.signup(unique_email("seq1")))
    s1 = a.ok("GET", f"people/{pa1}/consent")["contact_points"][0]["entries"][-1]["seq"]
    for _ in range(3):
        b.signup(unique_email("seq-b"))
    pa2 = an_id(a.signup(unique_email("seq2")))
    s2 = a.ok("GET", f"people/{pa2}/consent")["contact_points"][0]["entries"][-1]["seq"]
    assert s2 == s1 + 1, f"A's ledger seq jumped {s1} -> {s2}: it counts another organization's entries"


def test_custom_field_ids_do_not_reveal_b_activity(a, b, world):
    def field_id(client, name):
        fields = client.ok("GET", "metadata/custom_fields")["action_network:custom_fields"]
        return {f["name"]: f["numeric_id"] for f in fields}[name]

    x = "seqx_" + uuid.uuid4().hex[:8]
    a.signup(unique_email("cfx"), person_extra={"custom_fields": {x: "1"}})
    n = field_id(a, x)
    b.signup(unique_email("cfb"), person_extra={"custom_fields": {f"bf{i}_{uuid.uuid4().hex[:6]}": "1"
                                                                  for i in range(5)}})
    w = "seqw_" + uuid.uuid4().hex[:8]
    a.signup(unique_email("cfw"), person_extra={"custom_fields": {w: "1"}})
    assert field_id(a, w) != n + 6, "A's custom field numeric_id counts org B's fields"
