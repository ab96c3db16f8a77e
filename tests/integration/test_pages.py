"""Hosted action pages over plain HTTP (issue #12): what leaves the server (HTML, CSP, cookie attributes),
a petition signed through its page with the evidence it records (page URL, version, the disclosure shown),
the SMS box, validation keeping what was typed, CSRF, honeypot, a stale disclosure version, and the
cookie choice with Sec-GPC. The browser suite (tests/browser) drives the same pages in Chromium."""
import json
import re
import time

import pytest
import requests

from tocsin_server import TocsinServer, an_id, primary_email, primary_phone, unique_email, unique_phone

SMS_DISCLOSURE = {"program_name": "Bay Alerts", "message_frequency": "Up to 4 msgs/mo",
                  "rates": "Msg & data rates may apply", "help": "Text HELP for help",
                  "stop": "Text STOP to cancel", "terms_url": "https://example.org/terms",
                  "privacy_url": "https://example.org/privacy"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    srv = TocsinServer(tmp_path_factory.mktemp("pages") / "data")
    org = srv.init("Friends of the Bay")
    srv.create_org("Other Org")
    srv.eu = srv.create_org("EU Friends", "--gdpr")
    srv.write_config()
    srv.start()
    yield srv, srv.client(org["api_key"])
    srv.stop()


def form_of(html):
    html = html.split("<main>")[1]  # the banner's form has a token of its own
    return {"csrf": re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}


def new_petition(api, **extra):
    return api.ok("POST", "petitions", json={"title": "Save the Bay", "description": "Protect <it>",
                                              "tocsin:disclosure": "Friends of the Bay may email you.",
                                              **extra})


def test_page_headers_and_html(site):
    srv, api = site
    p = new_petition(api)
    assert p["browser_url"].startswith(f"{srv.base}/o/friends-of-the-bay/petitions/save-the-bay")
    r = requests.get(p["browser_url"], allow_redirects=False)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'self'" in csp and "form-action 'self'" in csp
    assert r.headers["Cache-Control"] == "no-store" and r.headers["X-Content-Type-Options"] == "nosniff"
    # Only the strictly necessary session cookie, HttpOnly and SameSite; not Secure over http.
    cookies = r.raw.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("tocsin_session=")
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0] and "Secure" not in cookies[0]
    html = r.text
    assert "<script" not in html and "style=" not in html
    assert "Protect &lt;it&gt;" in html  # the description is text, never markup
    assert "Friends of the Bay may email you." in html
    assert 'name="phone"' not in html and "sms_opt_in" not in html  # no SMS disclosure, no phone field
    assert 'name="email_opt_in" value="1" checked' in html  # not a GDPR org
    assert "Accept all" in html and "Reject all" in html
    # /a/{id} redirects to the canonical page; unknown pages are 404 HTML.
    a = requests.get(f"{srv.base}/a/{an_id(p)}", allow_redirects=False)
    assert a.status_code == 301 and a.headers["Location"] == p["browser_url"][len(srv.base):]
    assert requests.get(f"{srv.base}/o/friends-of-the-bay/petitions/nope").status_code == 404
    assert requests.get(f"{srv.base}/o/no-org/petitions/x").status_code == 404
    # The API keeps its own outside paths.
    assert requests.get(f"{srv.base}/unsubscribe/x").status_code in (400, 404)
    es = requests.get(p["browser_url"], headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert 'lang="es"' in es.text and "Firmar" in es.text


def test_sign_petition_records_page_evidence(site):
    srv, api = site
    p = new_petition(api, **{"tocsin:sms_disclosure": SMS_DISCLOSURE, "tocsin:goal": 100})
    s = requests.Session()
    html = s.get(p["browser_url"]).text
    assert 'name="phone"' in html and "Bay Alerts" in html and "Msg &amp; data rates may apply" in html
    assert re.search(r'name="sms_opt_in" value="1"\s*>', html)  # unchecked
    email, phone = unique_email("page"), unique_phone()
    r = s.post(p["browser_url"], data={**form_of(html), "name": "Ada Lovelace", "email": email, "zip": "94110",
                                       "phone": phone, "email_opt_in": "1", "website": ""},
               headers={"User-Agent": "pages-test"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/thanks"), r.text
    thanks = s.get(srv.base + r.headers["Location"]).text
    assert "Thank you" in thanks and "twitter.com/intent" in thanks and "<script" not in thanks

    got = api.ok("GET", f"petitions/{an_id(p)}")
    assert got["total_signatures"] == 1
    people = api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    person = people[0]
    assert person["given_name"] == "Ada" and person["family_name"] == "Lovelace"
    assert primary_email(person)["status"] == "subscribed"
    assert primary_phone(person)["status"] != "subscribed"  # the SMS box was left unticked
    consent = api.ok("GET", f"people/{an_id(person)}/consent")
    text = json.dumps(consent)
    assert f"{p['browser_url']}#disclosure-v1" in text and "web page petitions" in text
    assert "Friends of the Bay may email you." in text and "pages-test" in text

    # Ticking the SMS box records the SMS disclosure that was shown.
    html = s.get(p["browser_url"]).text
    phone2 = unique_phone()
    r = s.post(p["browser_url"], data={**form_of(html), "name": "Grace", "email": unique_email("sms"),
                                       "phone": phone2, "sms_opt_in": "1", "email_opt_in": "1"},
               allow_redirects=False)
    assert r.status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 2
    assert "Text STOP to cancel" in s.get(p["browser_url"]).text


def test_bad_input_keeps_what_was_typed_and_abuse_checks(site):
    srv, api = site
    p = new_petition(api)
    s = requests.Session()
    form = form_of(s.get(p["browser_url"]).text)
    r = s.post(p["browser_url"], data={**form, "name": "Ada <b>", "email": "not-an-email", "zip": "9"})
    assert r.status_code == 422
    assert 'value="Ada &lt;b&gt;"' in r.text and 'value="not-an-email"' in r.text
    assert 'aria-invalid="true"' in r.text and "Enter a valid email address." in r.text
    # Without the session's token: 403, nothing recorded.
    r = requests.post(p["browser_url"], data={**form, "name": "X", "email": unique_email("csrf")})
    assert r.status_code == 403 and "expired" in r.text
    # The honeypot: success shown, nothing recorded.
    r = s.post(p["browser_url"], data={**form, "name": "Bot", "email": unique_email("bot"),
                                       "website": "http://spam"}, allow_redirects=False)
    assert r.status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 0
    # The disclosure changes after the page was shown: 409 with the new text, nothing recorded.
    api.ok("PUT", f"petitions/{an_id(p)}", json={"tocsin:disclosure": "New terms."})
    r = s.post(p["browser_url"], data={**form, "name": "Late", "email": unique_email("late")})
    assert r.status_code == 409 and "New terms." in r.text and 'value="Late"' in r.text
    assert 'name="version" value="2"' in r.text
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 0


def test_cookie_choice_and_gpc(site):
    srv, api = site
    p = new_petition(api)
    s = requests.Session()
    page = s.get(f"{srv.base}/o/friends-of-the-bay/cookies").text.split("<main>")[1]
    for name in ("tocsin_session", "tocsin_consent", "tocsin_prefill"):
        assert name in page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    r = s.post(f"{srv.base}/cookies", data={"csrf": csrf, "choice": "reject", "back": "/o/friends-of-the-bay/cookies"},
               allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/o/friends-of-the-bay/cookies"
    assert any(c.startswith("tocsin_consent=f0p0") for c in r.raw.headers.getlist("Set-Cookie"))
    assert "Accept all" not in s.get(p["browser_url"]).text.split("<main>")[0]  # no banner once chosen
    # GPC: no banner needed, and accepting cannot enable optional categories.
    g = requests.Session()
    g.headers["Sec-GPC"] = "1"
    page = g.get(p["browser_url"]).text
    assert "cookie-banner" not in page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                     g.get(f"{srv.base}/o/friends-of-the-bay/cookies").text.split("<main>")[1]).group(1)
    r = g.post(f"{srv.base}/cookies", data={"csrf": csrf, "choice": "accept"}, allow_redirects=False)
    assert any(c.startswith("tocsin_consent=f0p0") for c in r.raw.headers.getlist("Set-Cookie"))
    # An open redirect is refused.
    r = s.post(f"{srv.base}/cookies", data={"csrf": "x", "choice": "accept", "back": "//evil.example"},
               allow_redirects=False)
    assert r.status_code == 403


def test_pages_are_org_scoped_and_every_kind_with_records_has_one(site):
    srv, api = site
    p = new_petition(api)
    slug = p["tocsin:slug"]
    # Org A's petition is not reachable under another organization's slug, nor under another kind.
    assert requests.get(f"{srv.base}/o/other-org/petitions/{slug}").status_code == 404
    assert requests.get(f"{srv.base}/o/friends-of-the-bay/forms/{slug}").status_code == 404
    assert requests.post(f"{srv.base}/o/other-org/petitions/{slug}", data={"email": "x@example.org"}).status_code == 404
    ev = api.ok("POST", "events", json={"title": "Beach Cleanup", "start_date": "2027-05-01T10:00:00Z",
                                         "tocsin:language": "es"})
    page = requests.get(ev["browser_url"])
    assert page.status_code == 200 and "2027-05-01T10:00:00Z" in page.text
    assert 'lang="es"' in page.text and "Confirmar asistencia" in page.text  # the action chooses
    form = api.ok("POST", "forms", json={"title": "Volunteer", "tocsin:fields": ["name", "email", "comments"]})
    s = requests.Session()
    html = s.get(form["browser_url"]).text
    assert "<textarea" in html and 'name="zip"' not in html
    r = s.post(form["browser_url"], data={**form_of(html), "name": "Lin", "email": unique_email("form"),
                                          "comments": "Weekends"}, allow_redirects=False)
    assert r.status_code == 303
    subs = api.ok("GET", f"forms/{an_id(form)}/submissions")["_embedded"]["osdi:submissions"]
    assert len(subs) == 1


def test_gdpr_org_email_box_unticked_keeps_the_record_unsubscribed(site):
    srv, _ = site
    eu = srv.client(srv.eu["api_key"])
    p = eu.ok("POST", "petitions", json={"title": "EU Petition"})
    s = requests.Session()
    html = s.get(p["browser_url"]).text
    assert re.search(r'name="email_opt_in" value="1"\s*>', html)  # not pre-ticked under the GDPR
    email = unique_email("eu")
    r = s.post(p["browser_url"], data={**form_of(html), "name": "Eva", "email": email}, allow_redirects=False)
    assert r.status_code == 303
    assert eu.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    people = eu.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert primary_email(people[0])["status"] == "unsubscribed"


def test_page_render_cache_keeps_each_visit_its_own(site):
    """web/page_cache.h: the page is rendered once per variant, but every visit gets its own session and CSRF
    token (which posts), an edit shows at once, the count within a second, and the banner, language and
    challenge follow each visitor."""
    srv, api = site
    p = new_petition(api, title="Cached Bay")
    a, b = requests.Session(), requests.Session()
    page_a, page_b = a.get(p["browser_url"]).text, b.get(p["browser_url"]).text
    token_a, token_b = form_of(page_a)["csrf"], form_of(page_b)["csrf"]
    assert a.cookies["tocsin_session"] != b.cookies["tocsin_session"] and token_a != token_b
    banner = lambda html: re.search(r'name="csrf" value="([0-9a-f]+)"', html.split("<main>")[0]).group(1)
    assert banner(page_a) != banner(page_b) and banner(page_a) != token_a
    assert page_a.replace(token_a, "T").replace(banner(page_a), "B") == \
        page_b.replace(token_b, "T").replace(banner(page_b), "B"), "only the tokens differ"
    # Each token posts in its own session only.
    r = b.post(p["browser_url"], data={"csrf": token_a, "version": "1", "name": "Eve", "email": unique_email()},
               allow_redirects=False)
    assert r.status_code == 403, r.status_code
    r = a.post(p["browser_url"], data={"csrf": token_a, "version": "1", "name": "Ada", "email": unique_email(),
                                       "email_opt_in": "1"}, allow_redirects=False)
    assert r.status_code == 303, r.text
    # The count (a record, not an edit) within the cache's second.
    deadline = time.monotonic() + 3
    while 'id="count">1<' not in (shown := requests.get(p["browser_url"]).text):
        assert time.monotonic() < deadline, shown
        time.sleep(0.1)
    # An edit is never served stale: the very next request shows it.
    for _ in range(3):
        requests.get(p["browser_url"])
    api.ok("PUT", f"petitions/{an_id(p)}", json={"title": "Cleaner Bay"})
    assert "Cleaner Bay" in requests.get(p["browser_url"]).text
    # Variants: the language, and the banner once a choice is made, interleaved with other visitors'.
    es = requests.get(p["browser_url"], headers={"Accept-Language": "es"}).text
    en = requests.get(p["browser_url"]).text
    assert 'lang="es"' in es and 'lang="en"' in en
    chose = requests.Session()
    chose.cookies.set("tocsin_consent", "f0p0")
    assert "cookie-banner" not in chose.get(p["browser_url"]).text
    assert "cookie-banner" in requests.get(p["browser_url"]).text


def test_page_render_cache_with_a_challenge_issues_one_per_visit(site):
    srv, api = site
    p = new_petition(api, title="Challenged Bay", **{"tocsin:challenge": "on"})
    seen = set()
    for _ in range(3):
        r = requests.get(p["browser_url"])
        assert "script-src 'self'" in r.headers["Content-Security-Policy"], r.headers
        assert re.search(r'<script src="[^"]*challenge\.js" defer>', r.text), r.text
        seen.add(re.search(r'name="challenge" value="([^"]+)"', r.text).group(1))
    assert len(seen) == 3, seen
