"""Sites allowed to frame an embed (issue #12, tocsin:embed_allowed_sites; actions/embed_sites.h) over raw
HTTP: the list checked at the API (https origins or *.-wildcard hosts only, at most 20, 422 with an error
otherwise), normalized and kept (the raw action row, a restart); with a list, the frame, its thank-you page and
the refusals carry CSP frame-ancestors with exactly the list, the loader script carries the list, and a post
whose host page is not on a listed site (or names no host page) is refused 403 and records nothing; without
one, frame-ancestors * as before. Another organization cannot change the list. The browser suite
(tests/browser/embed_sites.test.js) shows Chromium enforcing it."""
import html as htmllib
import json
import re

import pytest
import requests

from test_embeds import hidden
from tocsin_server import TocsinServer, an_id, unique_email

SITES = ["https://bayfriends.org", "https://*.example.net"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    srv = TocsinServer(tmp_path_factory.mktemp("embed-sites") / "data")
    org = srv.init("Friends of the Bay")
    srv.org_id = org["org_id"]
    srv.other = srv.create_org("Other Org")
    srv.write_config()
    srv.start()
    yield srv, srv.client(org["api_key"])
    srv.stop()


def frame_url(srv, p):
    return f"{srv.base}/embed/{an_id(p)}/frame"


def frame_ancestors(r):
    return re.search(r"frame-ancestors ([^;]*)", r.headers["Content-Security-Policy"]).group(1)


def sign_from(srv, p, referer):
    """GET the frame as a browser on `referer` would, then post it back as the frame does."""
    fr = requests.get(frame_url(srv, p), headers={"Referer": referer} if referer else {})
    assert fr.status_code == 200
    h = hidden(fr.text)
    return requests.post(frame_url(srv, p), data={**h, "name": "Ada", "email": unique_email("sites"),
                                                  "email_opt_in": "1"},
                         headers={"Origin": srv.base}, allow_redirects=False)


def test_the_list_is_checked_at_the_api(site):
    srv, api = site
    p = api.ok("POST", "petitions", json={"title": "Checked"})
    assert p["tocsin:embed_allowed_sites"] == []  # no list: any site, as before
    path = f"petitions/{an_id(p)}"
    for bad, says in [("https://bayfriends.org", "array"),
                      ([1], "array"),
                      (["http://bayfriends.org"], "http://bayfriends.org"),
                      (["https://bayfriends.org/petition"], "no path"),
                      (["bayfriends.org"], "https origin"),
                      (["*"], "https origin"),
                      (["https://*"], "https origin"),
                      (["https://*.org"], "https origin"),     # a whole top-level domain
                      (["https://a.*.example.net"], "https origin"),
                      (["https://user@bayfriends.org"], "https origin"),
                      (["https://bayfriends.org:99999"], "https origin"),
                      (["https://bay friends.org"], "https origin"),
                      (["https://bayfriends.org; script-src *"], "https origin"),  # no CSP injection
                      ([f"https://s{i}.example.org" for i in range(21)], "at most 20")]:
        r = api.put(path, json={"tocsin:embed_allowed_sites": bad})
        assert r.status_code == 422, (bad, r.status_code, r.text)
        assert says in r.json()["error"], (bad, r.json())
    assert api.ok("GET", path)["tocsin:embed_allowed_sites"] == []  # nothing changed
    # Lower-cased, the default port dropped, duplicates dropped; 20 sites are fine.
    got = api.ok("PUT", path, json={"tocsin:embed_allowed_sites":
                                    ["HTTPS://BayFriends.org:443", "https://bayfriends.org", "https://*.Example.net",
                                     "https://act.example.org:8443"]})
    assert got["tocsin:embed_allowed_sites"] == ["https://bayfriends.org", "https://*.example.net",
                                                 "https://act.example.org:8443"]
    twenty = [f"https://s{i}.example.org" for i in range(20)]
    assert api.ok("PUT", path, json={"tocsin:embed_allowed_sites": twenty})["tocsin:embed_allowed_sites"] == twenty
    # Creating with a list works as well; null removes it.
    q = api.ok("POST", "petitions", json={"title": "Created listed", "tocsin:embed_allowed_sites": SITES})
    assert q["tocsin:embed_allowed_sites"] == SITES
    assert api.ok("PUT", f"petitions/{an_id(q)}", json={"tocsin:embed_allowed_sites": None})[
        "tocsin:embed_allowed_sites"] == []
    # Another organization can neither read nor change it.
    other = srv.client(srv.other["api_key"])
    assert other.put(path, json={"tocsin:embed_allowed_sites": ["https://evil.example"]}).status_code == 404
    assert api.ok("GET", path)["tocsin:embed_allowed_sites"] == twenty


def test_frame_headers_script_and_posts_follow_the_list(site):
    srv, api = site
    p = api.ok("POST", "petitions", json={"title": "Guarded", "tocsin:embed_allowed_sites": SITES})
    open_p = api.ok("POST", "petitions", json={"title": "Open"})

    fr = requests.get(frame_url(srv, p), headers={"Referer": "https://bayfriends.org/act"})
    assert fr.status_code == 200
    assert frame_ancestors(fr) == "https://bayfriends.org https://*.example.net"
    assert frame_ancestors(requests.get(frame_url(srv, open_p))) == "*"  # without a list: as before
    # The loader knows the list and the origin it runs on.
    js = requests.get(f"{srv.base}/embed/{an_id(p)}.js").text
    assert f"var allowed = {json.dumps(SITES, separators=(',', ':'))};" in js and "location.origin" in js
    assert "var allowed = [];" in requests.get(f"{srv.base}/embed/{an_id(open_p)}.js").text

    # Listed hosts (the exact origin, a subdomain under the wildcard) sign; the thank-you page is guarded too.
    ok = sign_from(srv, p, "https://bayfriends.org/campaign?x=1")
    assert ok.status_code == 303, ok.text[:400]
    thanks = requests.get(srv.base + ok.headers["Location"])
    assert thanks.status_code == 200 and frame_ancestors(thanks) == "https://bayfriends.org https://*.example.net"
    assert sign_from(srv, p, "https://news.example.net/story").status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 2

    # Unlisted: another site, the wildcard's apex, http instead of https, another port, no host page at all.
    for referer in ["https://evil.example/page", "https://example.net/", "http://bayfriends.org/",
                    "https://bayfriends.org:8443/", None]:
        r = sign_from(srv, p, referer)
        assert r.status_code == 403, (referer, r.status_code)
        assert "cannot be sent from this website" in r.text
        assert frame_ancestors(r) == "https://bayfriends.org https://*.example.net"
    # A token issued for a listed host does not carry a post for another (the token binds the host page).
    h = hidden(requests.get(frame_url(srv, p), headers={"Referer": "https://bayfriends.org/a"}).text)
    r = requests.post(frame_url(srv, p), data={**h, "host": "https://evil.example/", "name": "M",
                                               "email": unique_email("moved")}, allow_redirects=False)
    assert r.status_code == 403
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 2  # none of the refused counted
    # The action without a list still takes a post from anywhere.
    assert sign_from(srv, open_p, "https://evil.example/page").status_code == 303


def test_the_list_is_stored_and_survives_a_restart(site):
    srv, api = site
    p = api.ok("POST", "petitions", json={"title": "Kept", "tocsin:embed_allowed_sites": SITES})
    db = srv.db()
    try:
        doc = db.execute("SELECT doc FROM actions WHERE id = ?", (an_id(p),)).fetchone()[0]
    finally:
        db.close()
    doc = srv.unseal(doc)
    doc = json.loads(doc.decode() if isinstance(doc, bytes) else doc)
    assert doc["fields"]["tocsin:embed_allowed_sites"] == SITES  # kept among the action's raw fields
    srv.restart()
    assert api.ok("GET", f"petitions/{an_id(p)}")["tocsin:embed_allowed_sites"] == SITES
    assert frame_ancestors(requests.get(frame_url(srv, p))) == "https://bayfriends.org https://*.example.net"


def test_the_console_edit_form_sets_the_list(site):
    srv, api = site
    from test_console_http import Staff  # the console's login with a TOTP code
    p = api.ok("POST", "petitions", json={"title": "Console listed"})
    path = f"/admin/actions/{an_id(p)}"
    organizer = Staff(srv, srv.org_id, unique_email("organizer"), "organizer")
    assert organizer.login().status_code == 303
    form = {"title": "Console listed", "description": "", "disclosure": "", "goal": ""}
    page = organizer.get(path)
    assert page.status_code == 200 and 'id="embed-sites">any site<' in page.text
    # One site per line, blank lines ignored; the API's own checks apply.
    r = organizer.post(path, **form, embed_sites="https://bayfriends.org\r\n\r\nhttp://plain.example\r\n")
    assert r.status_code == 422 and "http://plain.example" in htmllib.unescape(r.text)
    assert "http://plain.example" in htmllib.unescape(r.text.split('id="embed_sites"')[1])  # kept as typed
    assert api.ok("GET", f"petitions/{an_id(p)}")["tocsin:embed_allowed_sites"] == []
    r = organizer.post(path, **form, embed_sites="https://BayFriends.org\r\n https://*.example.net \r\n")
    assert r.status_code == 303, r.text[:400]
    assert api.ok("GET", f"petitions/{an_id(p)}")["tocsin:embed_allowed_sites"] == SITES
    shown = htmllib.unescape(organizer.get(path).text)
    assert "https://bayfriends.org\nhttps://*.example.net\n</textarea>" in shown
    # An edit without the field (an older form) leaves the list alone; an empty field removes it.
    assert organizer.post(path, **form).status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["tocsin:embed_allowed_sites"] == SITES
    assert organizer.post(path, **form, embed_sites="").status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["tocsin:embed_allowed_sites"] == []
