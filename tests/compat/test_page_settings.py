"""Hosted page settings of actions over the API (issue #12): tocsin:slug (from the title at creation,
unique per organization and kind, editable), tocsin:fields, tocsin:language, tocsin:goal, and browser_url as
the canonical page URL /o/{org-slug}/{kind}/{action-slug}."""
from tocsin_server import an_id


def test_slug_from_title_unique_and_editable(server, a, b):
    p1 = a.ok("POST", "petitions", json={"title": "Save the Bay — Now!"})
    p2 = a.ok("POST", "petitions", json={"title": "Save the Bay — Now!"})
    assert p1["tocsin:slug"].startswith("save-the-bay-now")
    assert p2["tocsin:slug"] != p1["tocsin:slug"] and p2["tocsin:slug"].startswith("save-the-bay-now")
    assert p1["browser_url"] == f"{server.base}/o/a/petitions/{p1['tocsin:slug']}"
    # Another organization may use the same slug; its page lives under its own org slug.
    pb = b.ok("POST", "petitions", json={"title": "Save the Bay — Now!"})
    assert pb["browser_url"].startswith(f"{server.base}/o/b/petitions/save-the-bay-now")

    # Editable, checked: a taken or malformed slug is a 400 with an error, nothing changes.
    taken = a.put(f"petitions/{an_id(p2)}", json={"tocsin:slug": p1["tocsin:slug"]})
    assert taken.status_code == 400 and "already used" in taken.json()["error"]
    bad = a.put(f"petitions/{an_id(p2)}", json={"tocsin:slug": "Not A Slug"})
    assert bad.status_code == 400 and "tocsin:slug" in bad.json()["error"]
    ok = a.ok("PUT", f"petitions/{an_id(p2)}", json={"tocsin:slug": "bay-2"})
    assert ok["browser_url"].endswith("/o/a/petitions/bay-2")
    # A client's own browser_url does not replace the canonical page.
    own = a.ok("PUT", f"petitions/{an_id(p2)}", json={"browser_url": "https://elsewhere.example/x"})
    assert own["browser_url"].endswith("/o/a/petitions/bay-2")


def test_fields_language_goal(server, a):
    p = a.ok("POST", "petitions", json={"title": "Fields", "tocsin:fields": ["name", "email", "phone"],
                                        "tocsin:language": "es", "tocsin:goal": 1000})
    got = a.ok("GET", f"petitions/{an_id(p)}")
    assert got["tocsin:fields"] == ["name", "email", "phone"]
    assert got["tocsin:language"] == "es" and got["tocsin:goal"] == 1000
    for body, word in [({"tocsin:fields": ["ssn"]}, "tocsin:fields"), ({"tocsin:language": "fr"}, "tocsin:language"),
                       ({"tocsin:goal": -1}, "tocsin:goal"), ({"tocsin:goal": "x"}, "tocsin:goal")]:
        r = a.put(f"petitions/{an_id(p)}", json=body)
        assert r.status_code == 400 and word in r.json()["error"], body
