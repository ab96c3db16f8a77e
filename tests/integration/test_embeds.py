"""Embeds and the proof-of-work challenge (issue #12) over raw HTTP: the loader script and the frame with the
headers they carry; a cross-origin submission through the frame, its host page in the ledger evidence read
back from the consent proof; forged, moved and cross-organization embed tokens refused; a post from another
origin refused; a bad field shown next to the field in the frame with what was typed; and the challenge
when an action is under attack (switched on over the API, and by the posting rate): required, a wrong or
reused answer refused, a right one accepted, and the no-JavaScript path that waits. The browser suite
(tests/browser/embed.test.js) drives the same from a page on another origin in Chromium."""
import hashlib
import html as htmllib
import json
import re
import time

import pytest
import requests

from tocsin_server import TocsinServer, an_id, primary_email, primary_phone, unique_email, unique_phone

BITS = 12      # the difficulty the server is configured with: quick to solve in Python
WAIT = 3       # seconds a challenge needs without an answer
AUTO = 8       # posts per minute to one action that switch its challenge on
HOST = "https://host.example/campaigns/bay?utm_source=news"

SMS_DISCLOSURE = {"program_name": "Bay Alerts", "message_frequency": "Up to 4 msgs/mo",
                  "rates": "Msg & data rates may apply", "help": "Text HELP for help",
                  "stop": "Text STOP to cancel", "terms_url": "https://example.org/terms",
                  "privacy_url": "https://example.org/privacy"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    srv = TocsinServer(tmp_path_factory.mktemp("embeds") / "data")
    org = srv.init("Friends of the Bay")
    srv.other = srv.create_org("Other Org")
    srv.eu = srv.create_org("EU Friends", "--gdpr")
    srv.write_config(limits={"challenge_bits": BITS, "challenge_wait_seconds": WAIT,
                             "challenge_posts_per_minute": AUTO})
    srv.start()
    yield srv, srv.client(org["api_key"])
    srv.stop()


def hidden(page):
    """The frame's or page's form fields that are hidden inputs, unescaped."""
    form = page.split("<main>")[1]
    return {m.group(1): htmllib.unescape(m.group(2))
            for m in re.finditer(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form)}


def new_petition(api, title="Save the Bay", **extra):
    return api.ok("POST", "petitions", json={"title": title, "tocsin:disclosure": "Friends of the Bay may email you.",
                                              **extra})


def frame_url(srv, p):
    return f"{srv.base}/embed/{an_id(p)}/frame"


def solve(challenge):
    bits = int(challenge.split(".")[2])
    n = 0
    while True:
        h = int.from_bytes(hashlib.sha256(f"{challenge}:{n}".encode()).digest(), "big")
        if h >> (256 - bits) == 0:
            return str(n)
        n += 1


def not_solving(challenge):
    bits = int(challenge.split(".")[2])
    n = 0
    while int.from_bytes(hashlib.sha256(f"{challenge}:{n}".encode()).digest(), "big") >> (256 - bits) == 0:
        n += 1
    return str(n)


def person_by_email(api, email):
    people = api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert len(people) == 1, people
    return people[0]


def test_embed_code_script_and_frame_headers(site):
    srv, api = site
    p = new_petition(api)
    pid = an_id(p)
    code = p["tocsin:embed_code"]
    assert code["script"] == f'<script src="{srv.base}/embed/{pid}.js"></script>'
    assert f'<iframe src="{srv.base}/embed/{pid}/frame" title="Save the Bay"' in code["iframe"]
    assert 'referrerpolicy="no-referrer-when-downgrade"' in code["iframe"]
    assert p["tocsin:challenge"] == "auto"

    js = requests.get(f"{srv.base}/embed/{pid}.js", headers={"Referer": HOST})
    assert js.status_code == 200 and js.headers["Content-Type"].startswith("text/javascript")
    assert js.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert js.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in js.headers  # nothing set on another site's visitors
    assert json.dumps(f"{srv.base}/embed/{pid}/frame") in js.text and json.dumps(srv.base) in js.text
    assert "location.href" in js.text and "no-referrer-when-downgrade" in js.text
    assert "e.origin !== origin" in js.text and "e.source !== f.contentWindow" in js.text

    fr = requests.get(frame_url(srv, p), headers={"Referer": HOST})
    assert fr.status_code == 200 and fr.headers["Content-Type"].startswith("text/html")
    csp = fr.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "frame-ancestors 'none'" not in csp
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert "form-action 'self'" in csp
    assert "Set-Cookie" not in fr.headers and fr.headers["Cache-Control"] == "no-store"
    page = htmllib.unescape(fr.text)  # mstch writes "/" as &#x2F;
    assert '<script src="/static/embed-frame.js" defer></script>' in page and "challenge.js" not in page
    assert "cookie-banner" not in page and 'name="csrf"' not in page
    assert f'action="/embed/{pid}/frame"' in page and "Friends of the Bay may email you." in page
    assert 'name="email_opt_in" value="1" checked' in page  # the page's rule: pre-ticked outside the GDPR
    h = hidden(page)
    assert h["host"] == HOST and h["host_source"] == "referer" and re.fullmatch(r"\d+\.[0-9a-f]{64}", h["embed_token"])
    # The action's own page refuses frames from other sites (its own origin frames it: the console's preview).
    assert "frame-ancestors 'self'" in requests.get(p["browser_url"]).headers["Content-Security-Policy"]
    s = requests.get(f"{srv.base}/static/embed-frame.js")
    assert s.status_code == 200 and "tocsinEmbedHeight" in s.text
    assert s.headers["Content-Type"].startswith("text/javascript")
    # Unknown ids: a 404 script and a 404 page.
    assert requests.get(f"{srv.base}/embed/nope.js").status_code == 404
    assert requests.get(f"{srv.base}/embed/nope/frame").status_code == 404


def test_cross_origin_submission_records_the_host_page(site):
    srv, api = site
    p = new_petition(api, **{"tocsin:sms_disclosure": SMS_DISCLOSURE})
    # As the script asks for it: the host page's location.href as ?host=, the browser's Referer cut to the
    # origin by the host's policy; the report is taken since the browser confirms its origin.
    fr = requests.get(frame_url(srv, p), params={"host": HOST + "#section"},
                      headers={"Referer": "https://host.example/"})
    page = fr.text
    assert re.search(r'name="sms_opt_in" value="1"\s*>', page) and "Bay Alerts" in page  # SMS box unticked
    h = hidden(page)
    assert h["host"] == HOST and h["host_source"] == "script"
    email, phone = unique_email("embed"), unique_phone()
    # The frame posts to its own origin: Origin is ours, and no cookie comes along.
    r = requests.post(frame_url(srv, p), data={**h, "name": "Ada Lovelace", "email": email, "zip": "94110",
                                               "phone": phone, "email_opt_in": "1"},
                      headers={"Origin": srv.base, "User-Agent": "embed-test"}, allow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == f"/embed/{an_id(p)}/frame/thanks"
    assert "Set-Cookie" not in r.headers
    thanks = requests.get(srv.base + r.headers["Location"])
    assert thanks.status_code == 200 and "Thank you" in thanks.text
    assert "frame-ancestors *" in thanks.headers["Content-Security-Policy"]
    assert 'target="_blank" rel="noopener"' in thanks.text  # share links leave the frame

    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    person = person_by_email(api, email)
    assert primary_email(person)["status"] == "subscribed"
    assert primary_phone(person)["status"] != "subscribed"  # the SMS box was left unticked
    proof = api.ok("GET", f"people/{an_id(person)}/consent")
    entries = [e for cp in proof["contact_points"] for e in cp["entries"] if cp["channel"] == "email"]
    assert len(entries) == 1 and proof["chain_verified"] is True
    e = entries[0]
    assert e["source"] == f"{p['browser_url']}#disclosure-v1"  # the page and its version, as on the page
    assert e["method"] == (f"web embed petitions on {HOST} (host page reported by the embed script; its origin "
                           "confirmed by the browser's Referer)")
    assert e["disclosure_text"] == "Friends of the Bay may email you." and e["user_agent"] == "embed-test"

    # The iframe variant: the browser names the full page in the Referer; a script's claim of another
    # origin is ignored.
    h = hidden(requests.get(frame_url(srv, p), params={"host": "https://liar.example/x"},
                            headers={"Referer": "https://partner.example/page?id=7"}).text)
    assert h["host"] == "https://partner.example/page?id=7" and h["host_source"] == "referer"
    email2 = unique_email("iframe")
    r = requests.post(frame_url(srv, p), data={**h, "name": "Grace", "email": email2, "email_opt_in": "1"},
                      allow_redirects=False)  # no Origin header (older browsers): the token still binds it
    assert r.status_code == 303
    proof = api.ok("GET", f"people/{an_id(person_by_email(api, email2))}/consent")
    assert "web embed petitions on https://partner.example/page?id=7 (host page named by the browser's Referer)" \
        in json.dumps(proof)
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 2


def test_forged_moved_and_cross_org_tokens_are_refused(site):
    srv, api = site
    p = new_petition(api, title="Token Petition")
    q = new_petition(api, title="Second Petition")
    other = srv.client(srv.other["api_key"])
    theirs = other.ok("POST", "petitions", json={"title": "Their Petition"})
    h = hidden(requests.get(frame_url(srv, p), headers={"Referer": HOST}).text)
    base = {"name": "Mallory", "email_opt_in": "1"}

    def post(url, fields, **headers):
        return requests.post(url, data={**fields, **base, "email": unique_email("forged")}, headers=headers,
                             allow_redirects=False)

    # A flipped MAC bit, a later expiry, another host page under the same token, no token.
    flipped = h["embed_token"][:-1] + ("0" if h["embed_token"][-1] != "0" else "1")
    later = str(int(h["embed_token"].split(".")[0]) + 86400) + "." + h["embed_token"].split(".")[1]
    for bad in ({**h, "embed_token": flipped}, {**h, "embed_token": later},
                {**h, "host": "https://evil.example/"}, {**h, "host_source": "script"},
                {k: v for k, v in h.items() if k != "embed_token"}):
        r = post(frame_url(srv, p), bad)
        assert r.status_code == 403 and "expired" in r.text, r.text[:300]
        # The form comes back with a fresh token that vouches for nothing the post claimed.
        again = hidden(r.text)
        assert again["host_source"] in ("script-unconfirmed", "")
        assert "frame-ancestors *" in r.headers["Content-Security-Policy"]
    # The token of one action does not open another of the same organization, nor another organization's.
    assert post(frame_url(srv, q), h).status_code == 403
    assert post(frame_url(srv, theirs), h).status_code == 403
    # A form on another site posting straight to the frame: its Origin is refused.
    assert post(frame_url(srv, p), h, Origin="https://evil.example").status_code == 403
    assert post(frame_url(srv, p), h, Origin="null").status_code == 403
    # None of it was recorded.
    for action in (p, q):
        assert api.ok("GET", f"petitions/{an_id(action)}")["total_signatures"] == 0
    assert other.ok("GET", f"petitions/{an_id(theirs)}")["total_signatures"] == 0
    # The API is org-scoped: the other organization cannot read this action's embed code.
    assert other.request("GET", f"petitions/{an_id(p)}").status_code == 404
    # Their own action embeds under its own id, with their organization's page.
    page = htmllib.unescape(requests.get(frame_url(srv, theirs)).text)
    assert "Their Petition" in page and "/o/other-org/privacy" in page


def test_bad_input_in_the_frame_keeps_what_was_typed(site):
    srv, api = site
    eu = srv.client(srv.eu["api_key"])
    p = eu.ok("POST", "petitions", json={"title": "EU Embed"})
    page = requests.get(frame_url(srv, p), headers={"Referer": HOST}).text
    assert re.search(r'name="email_opt_in" value="1"\s*>', page)  # not pre-ticked under the GDPR
    h = hidden(page)
    r = requests.post(frame_url(srv, p), data={**h, "name": "Eva <b>", "email": "not-an-email"},
                      allow_redirects=False)
    assert r.status_code == 422
    assert 'value="Eva &lt;b&gt;"' in r.text and 'value="not-an-email"' in r.text
    assert 'aria-invalid="true" aria-describedby="e-email"' in r.text and "Enter a valid email address." in r.text
    again = hidden(r.text)
    assert again["host"] == HOST and again["host_source"] == "referer"  # still the page that embedded it
    email = unique_email("eu-embed")
    r = requests.post(frame_url(srv, p), data={**again, "name": "Eva", "email": email}, allow_redirects=False)
    assert r.status_code == 303
    # Unticked under the GDPR: recorded, unsubscribed.
    assert primary_email(person_by_email(eu, email))["status"] == "unsubscribed"


def test_challenge_switched_on_over_the_api(site):
    srv, api = site
    p = new_petition(api, title="Attacked Petition")
    s = requests.Session()
    calm = s.get(p["browser_url"])
    assert "script-src" not in calm.headers["Content-Security-Policy"] and "<script" not in calm.text
    assert api.request("PUT", f"petitions/{an_id(p)}", json={"tocsin:challenge": "sometimes"}).status_code == 400
    assert api.ok("PUT", f"petitions/{an_id(p)}", json={"tocsin:challenge": "on"})["tocsin:challenge"] == "on"

    page = s.get(p["browser_url"])
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert '<script src="/static/challenge.js" defer></script>' in htmllib.unescape(page.text)
    assert "your browser runs a short check" in page.text
    h = hidden(page.text)
    challenge = h["challenge"]
    assert re.fullmatch(rf"[0-9a-f]{{32}}\.\d+\.{BITS}\.[0-9a-f]{{64}}", challenge) and h["pow"] == ""
    js = requests.get(f"{srv.base}/static/challenge.js")
    assert js.status_code == 200 and "crypto.subtle.digest('SHA-256'" in js.text

    def post(fields, name="Ada", **extra):
        return s.post(p["browser_url"], data={**fields, "name": name, "email": unique_email("pow"),
                                              "email_opt_in": "1", **extra}, allow_redirects=False)

    # No answer and no wait: the form again, what was typed kept, asked to wait.
    r = post(h, name="Early Bird")
    assert r.status_code == 429 and "seconds, then send again" in r.text and 'value="Early Bird"' in r.text
    assert hidden(r.text)["challenge"] == challenge  # the same challenge: the wait is not restarted
    # A wrong answer; then no challenge at all.
    r = post({**h, "pow": not_solving(challenge)})
    assert r.status_code == 403 and "The check did not pass" in r.text
    r = post({k: v for k, v in h.items() if k != "challenge"})
    assert r.status_code == 429
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 0
    # A bad field keeps the challenge and its answer; then the right answer is accepted, once.
    answer = solve(challenge)
    r = s.post(p["browser_url"], data={**h, "pow": answer, "name": "Ada", "email": "bad"}, allow_redirects=False)
    assert r.status_code == 422 and hidden(r.text)["challenge"] == challenge and hidden(r.text)["pow"] == answer
    r = post({**h, "pow": answer})
    assert r.status_code == 303, r.text[:400]
    r = post({**h, "pow": answer}, name="Replay")
    assert r.status_code == 403 and "The check did not pass" in r.text and 'value="Replay"' in r.text
    assert hidden(r.text)["challenge"] != challenge  # a fresh one to solve
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    # Without JavaScript: the same challenge is good once its wait is over.
    h2 = hidden(s.get(p["browser_url"]).text)
    time.sleep(WAIT + 1)
    assert post(h2, name="Patient").status_code == 303
    assert post(h2, name="Patient again").status_code == 403  # used
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 2

    # The embed frame carries the challenge too, and the same rules hold there.
    fr = requests.get(frame_url(srv, p), headers={"Referer": HOST})
    assert '<script src="/static/challenge.js" defer></script>' in htmllib.unescape(fr.text)
    fh = hidden(fr.text)
    r = requests.post(frame_url(srv, p), data={**fh, "name": "Framed", "email": unique_email("framed"),
                                               "email_opt_in": "1"}, allow_redirects=False)
    assert r.status_code == 429
    r = requests.post(frame_url(srv, p), data={**fh, "pow": solve(fh["challenge"]), "name": "Framed",
                                               "email": unique_email("framed"), "email_opt_in": "1"},
                      allow_redirects=False)
    assert r.status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 3
    # Switched off again: no challenge, no script.
    api.ok("PUT", f"petitions/{an_id(p)}", json={"tocsin:challenge": "off"})
    assert "<script" not in s.get(p["browser_url"]).text


def test_challenge_switches_on_by_itself_under_attack(site):
    srv, api = site
    p = new_petition(api, title="Flooded Petition")
    q = new_petition(api, title="Quiet Petition")
    s = requests.Session()
    form = hidden(s.get(p["browser_url"]).text)
    assert "challenge" not in form
    # A flood of posts (a bot filling the honeypot sees success; every post counts).
    for i in range(AUTO + 2):  # past the threshold even when a minute boundary splits the flood
        r = s.post(p["browser_url"], data={**form, "name": "Bot", "email": unique_email("bot"),
                                           "website": "http://spam.example"}, allow_redirects=False)
        assert r.status_code == 303
    page = s.get(p["browser_url"])
    assert "challenge" in hidden(page.text) and "script-src 'self'" in page.headers["Content-Security-Policy"]
    # A post with the form served before the attack began: asked for the challenge, what was typed kept.
    r = s.post(p["browser_url"], data={**form, "name": "Human", "email": unique_email("human"), "email_opt_in": "1"},
               allow_redirects=False)
    assert r.status_code == 429 and 'value="Human"' in r.text and "challenge" in hidden(r.text)
    h = hidden(r.text)
    r = s.post(p["browser_url"], data={**h, "pow": solve(h["challenge"]), "name": "Human",
                                       "email": unique_email("human"), "email_opt_in": "1"}, allow_redirects=False)
    assert r.status_code == 303
    assert api.ok("GET", f"petitions/{an_id(p)}")["total_signatures"] == 1
    # Another action is not under attack.
    assert "<script" not in s.get(q["browser_url"]).text
