"""The preference center /my/{token} over plain HTTP (issue #12): the link as a real blast email carries it
(read from the outbox's raw .eml), the page's raw HTML and headers, refusals that reveal nothing (garbage,
altered, expired, another purpose, another organization's person), unsubscribe (ledger entry with the page as
evidence, then the gate refuses), re-subscription only of the contact point the link was sent to, a
platform-suppressed address that cannot be re-subscribed, and privacy requests made from the page (visible
over the API to the organization only). Tokens the tests mint themselves are signed with the data
directory's token.keys, exactly as the server signs them (email/preference_token.h)."""
import base64
import hashlib
import hmac
import re
import struct
import time
import uuid
from email import message_from_bytes
from email.policy import default as default_policy
from html import unescape

import pytest
import requests

from mail_servers import LocalDns, sending_domain_records
from test_blast import wait_status
from tocsin_server import TocsinServer, an_id, primary_email, unique_email

DOMAIN = "example.org"
PHONE = "+12025550143"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prefs")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", org["org_id"], DOMAIN).stdout)
    dns = LocalDns(tmp / "dns", sending_domain_records(added)).start()
    try:
        verified = srv.json_line(srv.cli("domain", "verify", "--data", data, "--org", org["org_id"], DOMAIN,
                                         "--dns", dns.forwarder).stdout)
    finally:
        dns.stop()
    assert verified["verified"], verified
    srv.other = srv.create_org("Other Org")
    srv.write_config()
    srv.start()
    api = srv.client(org["api_key"])
    srv.org = org
    assert api.post("tags", json={"name": "prefs"}).status_code == 200
    srv.people = {}
    for name in ("ada", "bob", "cy"):
        person = {"email_addresses": [{"address": unique_email(name), "status": "subscribed"}]}
        if name == "ada":
            person["phone_numbers"] = [{"number": PHONE, "status": "unsubscribed"}]
        r = api.post("people", json={"person": person, "add_tags": ["prefs"]})
        assert r.status_code == 200, r.text
        srv.people[name] = r.json()
    tag = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "prefs")
    srv.tag_href = tag["_links"]["self"]["href"]
    mid = new_message(api, srv.tag_href)
    assert api.post(f"messages/{mid}/send", json={}).status_code == 200
    wait_status(api, mid, "sent")
    srv.mails = {}
    for f in sorted((srv.data_dir / "outbox").glob("*.eml")):
        msg = message_from_bytes(f.read_bytes(), policy=default_policy)
        srv.mails[str(msg["To"])] = msg
    yield srv, api
    srv.stop()


def new_message(api, tag_href):
    r = api.post("messages", json={"subject": "Rally", "body": "<p>Join us.</p>", "from": "Friends",
                                   "reply_to": f"team@{DOMAIN}", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    return an_id(r.json())


def address(srv, name):
    return primary_email(srv.people[name])["address"]


def link_of(srv, name):
    """The preference link in the email the person received, as the HTML part and the text part carry it."""
    msg = srv.mails[address(srv, name)]
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r'<a href="([^"]+/my/[A-Za-z0-9_-]+)">Manage your preferences</a>', html)
    assert m, html
    url = unescape(m.group(1))
    assert f"Your preferences: {url}" in text
    return srv.base + "/my/" + url.rsplit("/", 1)[1]


def unsubscribe_link(srv, name):
    """The footer's one-click unsubscribe link (a plain-http server sends no List-Unsubscribe URL)."""
    text = srv.mails[address(srv, name)].get_body(("plain",)).get_content()
    return re.search(r"Unsubscribe: (\S+/unsubscribe/\S+)", text).group(1)


def mint(srv, org_id, person_id, addr, channel=0, expires=None):
    """A preference token signed with the installation's newest live key (the server's own layout)."""
    raw = (srv.data_dir / "token.keys").read_bytes()
    keys = [raw[i:i + 35] for i in range(0, len(raw), 35)]
    kid, retired, secret = max(((struct.unpack(">H", k[:2])[0], k[2], k[3:]) for k in keys if not k[2]))
    exp = int(expires if expires is not None else time.time() + 3600)
    body = bytes([3]) + struct.pack(">H", kid) + uuid.UUID(org_id).bytes + uuid.UUID(person_id).bytes + \
        bytes([channel]) + struct.pack(">I", exp)
    canonical = addr.lower() if channel == 0 else addr
    mac = hmac.new(secret, body + canonical.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(body + mac).rstrip(b"=").decode()


def csrf_of(html):
    return re.search(r'<main>.*?name="csrf" value="([0-9a-f]+)"', html, re.S).group(1)


def post(s, url, **form):
    page = s.get(url)
    assert page.status_code == 200, page.text
    return s.post(url, data={"csrf": csrf_of(page.text), **form}, allow_redirects=False)


def test_the_email_link_opens_the_page(site):
    srv, api = site
    url = link_of(srv, "ada")
    r = requests.get(url)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp and "script-src" not in csp
    assert r.headers["Cache-Control"] == "no-store"
    cookies = r.raw.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("tocsin_session=")
    html = r.text
    assert "<script" not in html and "style=" not in html
    assert "Your subscriptions: Friends of the Bay" in html
    # The address the link was sent to in full; the other contact point masked, and it cannot be
    # re-subscribed from a link that was not sent to it.
    assert address(srv, "ada") in html and PHONE not in html and "•••43" in html
    assert 'id="status-email">Subscribed<' in html and 'value="unsubscribe">Unsubscribe from email<' in html
    assert 'id="status-sms">Not subscribed<' in html and "use a link sent to it" in html
    assert 'value="resubscribe"' not in html
    assert 'href="/o/friends-of-the-bay/cookies"' in html
    es = requests.get(url, headers={"Accept-Language": "es"}).text
    assert 'lang="es"' in es and "Tus suscripciones" in es and "Darme de baja del correo" in es
    # One-click unsubscribe is untouched: the List-Unsubscribe link still answers its own page.
    assert requests.get(unsubscribe_link(srv, "ada")).status_code == 200
    # Opening the page is a read of Ada's data: in the access log, with the link as credential, never the URL.
    token = url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 10
    while True:
        r = srv.cli("audit", "--data", srv.data_dir, "--org", srv.org["org_id"], "--person", an_id(srv.people["ada"]))
        views = [srv.json_line(line) for line in r.stdout.splitlines() if '"preferences.view"' in line]
        if len(views) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(views) >= 2 and views[0]["actor"] == "subject:verified_link:email", views
    assert token not in r.stdout and views[0]["query"] == "/my/ (preference center)"


def test_bad_links_are_refused_alike(site):
    srv, api = site
    s = requests.Session()
    good = link_of(srv, "bob")
    token = good.rsplit("/", 1)[1]
    ada = srv.people["ada"]
    bob = srv.people["bob"]
    other_person = srv.client(srv.other["api_key"]).signup(unique_email("b-person"), email_status="subscribed")
    bad = {
        "garbage": "not-a-token",
        "altered": token[:20] + ("A" if token[20] != "A" else "B") + token[21:],
        "truncated": token[:-1],
        "unsubscribe token": unsubscribe_link(srv, "bob").rsplit("/", 1)[1],
        "expired": mint(srv, srv.org["org_id"], an_id(bob), address(srv, "bob"), expires=time.time() - 5),
        "another address": mint(srv, srv.org["org_id"], an_id(bob), address(srv, "ada")),
        # Signed, but org A's link cannot name org B's person, nor B's link A's person.
        "B's person under A": mint(srv, srv.org["org_id"], an_id(other_person),
                                   primary_email(other_person)["address"]),
        "A's person under B": mint(srv, srv.other["org_id"], an_id(ada), address(srv, "ada")),
    }
    bodies = set()
    for what, t in bad.items():
        r = s.get(f"{srv.base}/my/{t}")
        assert r.status_code == 404, what
        bodies.add(r.text.replace(t, "TOKEN"))  # the cookie form's way back is the page's own path
        assert address(srv, "bob") not in r.text and "Friends of the Bay" not in r.text, what
        p = s.post(f"{srv.base}/my/{t}", data={"do": "unsubscribe", "channel": "email"})
        assert p.status_code == 404, what
    assert len(bodies) == 1, "every refusal is the same page"
    assert "not valid or has expired" in bodies.pop()
    # A well-minted token of A's own person works: the test mints exactly what the server signs.
    assert s.get(f"{srv.base}/my/" + mint(srv, srv.org["org_id"], an_id(bob), address(srv, "bob"))).status_code == 200
    # None of it changed anything.
    assert primary_email(api.person(an_id(bob)))["status"] == "subscribed"


def test_unsubscribe_then_resubscribe(site):
    srv, api = site
    s = requests.Session()
    url = link_of(srv, "ada")
    ada = an_id(srv.people["ada"])
    # Without the session's CSRF token: refused, nothing changed.
    r = requests.post(url, data={"do": "unsubscribe", "channel": "email", "csrf": "0" * 64})
    assert r.status_code == 403 and primary_email(api.person(ada))["status"] == "subscribed"

    r = post(s, url, do="unsubscribe", channel="email")
    assert r.status_code == 200 and "You are unsubscribed." in r.text and 'role="status"' in r.text
    assert 'id="status-email">Not subscribed<' in r.text
    assert 'value="resubscribe">Subscribe to email again<' in r.text
    assert primary_email(api.person(ada))["status"] == "unsubscribed"
    entries = api.ok("GET", f"people/{ada}/consent")
    text = str(entries)
    assert "preference center: unsubscribed by the recipient" in text and "'recipient'" in text
    assert f"{srv.base}/my/ (preference center" in text
    assert url.rsplit("/", 1)[1] not in text, "the token is a credential, never evidence"
    # The gate now refuses the address.
    mid = new_message(api, srv.tag_href)
    pre = api.ok("GET", f"messages/{mid}/tocsin:preflight")
    assert pre["excluded_by_reason"].get("not_subscribed", 0) >= 1, pre
    before = pre["would_send_now"]
    # Again: nothing more changes.
    assert "Nothing changed." in post(s, url, do="unsubscribe", channel="email").text
    # The SMS channel's number was not sent this link: it cannot be re-subscribed from it.
    r = post(s, url, do="resubscribe", channel="sms")
    assert r.status_code == 403 and "use a link sent to it" in r.text

    r = post(s, url, do="resubscribe", channel="email")
    assert r.status_code == 200 and "You are subscribed again." in r.text
    assert primary_email(api.person(ada))["status"] == "subscribed"
    assert "re-subscribed by the contact point's owner" in str(api.ok("GET", f"people/{ada}/consent"))
    assert api.ok("GET", f"messages/{mid}/tocsin:preflight")["would_send_now"] == before + 1


def test_a_platform_suppressed_address_cannot_be_resubscribed(site):
    srv, api = site
    s = requests.Session()
    url = link_of(srv, "cy")
    assert "You are unsubscribed." in post(s, url, do="unsubscribe", channel="email").text
    srv.cli("suppress", "--data", str(srv.data_dir), "--platform", address(srv, "cy"), "--reason", "abuse")
    deadline = time.time() + 10
    while "Blocked on this platform" not in (html := s.get(url).text) and time.time() < deadline:
        time.sleep(0.2)
    assert "Blocked on this platform; it cannot be subscribed again" in html
    assert 'value="resubscribe"' not in html
    r = s.post(url, data={"csrf": csrf_of(html), "do": "resubscribe", "channel": "email"})
    assert r.status_code == 409 and "cannot be subscribed again" in r.text
    assert primary_email(api.person(an_id(srv.people["cy"])))["status"] == "unsubscribed"


def test_privacy_requests_from_the_page(site):
    srv, api = site
    s = requests.Session()
    url = link_of(srv, "bob")
    r = post(s, url, do="access")
    assert r.status_code == 200 and "Your request was recorded." in r.text, r.text
    ref = re.search(r"Reference: ([0-9a-f-]{36})\. Due by: (\d{4}-\d\d-\d\d)\.", r.text)
    assert ref, r.text
    listed = api.ok("GET", "tocsin:privacy_requests")["_embedded"]["tocsin:privacy_requests"]
    req = next(x for x in listed if x["id"] == ref.group(1))
    assert req["kind"] == "access" and req["state"] == "open"
    assert req["subject"] == "email:" + address(srv, "bob").lower()
    assert req["actor"] == "subject:verified_link:email" and "signed link" in req["note"]
    assert req["due"].startswith(ref.group(2))
    # A second click shows the open request instead of making another.
    again = post(s, url, do="access")
    assert "You already have an open request of this kind." in again.text and ref.group(1) in again.text
    r = post(s, url, do="erasure")
    assert "Your request was recorded." in r.text
    kinds = sorted(x["kind"] for x in api.ok("GET", "tocsin:privacy_requests")["_embedded"]["tocsin:privacy_requests"]
                   if x["subject"] == req["subject"])
    assert kinds == ["access", "erasure"]
    # The organization handles them as any other: the access bundle is answered.
    done = api.post(f"tocsin:privacy_requests/{ref.group(1)}/tocsin:fulfil")
    assert done.status_code == 200 and done.headers["Content-Type"] == "application/zip"
    # Organization B sees none of them.
    other = srv.client(srv.other["api_key"])
    assert other.ok("GET", "tocsin:privacy_requests")["total_records"] == 0


def test_privacy_notice_page_from_the_organizations_settings(site):
    srv, api = site
    url = f"{srv.base}/o/friends-of-the-bay/privacy"
    r = requests.get(url)
    assert r.status_code == 200 and "default-src 'none'" in r.headers["Content-Security-Policy"]
    html = r.text
    assert "The data controller is Friends of the Bay." in html
    assert "Privacy questions: 1 Main St, Springfield, IL" in html  # no support contact: the postal address
    assert "None designated." in html and "only a coded mark of your address stays" in html
    # Retention as the sweeper applies it (privacy/retention.h; the defaults: this organization set none).
    assert "Your details are kept while you are a supporter." in html
    assert "kept for 1825 days" in html and "Texts you send us are deleted after 365 days." in html
    assert 'href="/o/friends-of-the-bay/cookies"' in html and "<script" not in html
    # Every page links the notice: the preference center and an action page alike.
    assert 'href="/o/friends-of-the-bay/privacy"' in requests.get(link_of(srv, "bob")).text
    # The organization states its own (text, never markup); another organization's key changes only its own.
    bad = api.put("tocsin:privacy_notice", json={"dpo": 7})
    assert bad.status_code == 400 and bad.json()["error"] == "dpo must be a string"
    got = api.ok("PUT", "tocsin:privacy_notice", json={"controller_name": "Friends of the Bay <Inc>",
                                                        "dpo": "Dana Protector, dpo@example.org",
                                                        "retention": "Two years after your last action."})
    assert got["browser_url"] == url and got["dpo"] == "Dana Protector, dpo@example.org"
    other = srv.client(srv.other["api_key"])
    other.ok("PUT", "tocsin:privacy_notice", json={"controller_name": "Somebody Else"})
    html = requests.get(url).text
    assert "The data controller is Friends of the Bay &lt;Inc&gt;." in html and "Somebody Else" not in html
    assert "Dana Protector, dpo@example.org" in html and "Two years after your last action." in html
    assert api.ok("GET", "tocsin:privacy_notice")["retention"] == "Two years after your last action."
    es = requests.get(url + "?lang=es").text
    assert "El responsable del tratamiento es Friends of the Bay &lt;Inc&gt;." in es
    assert requests.get(f"{srv.base}/o/no-such-org/privacy").status_code == 404


def test_a_link_texted_to_a_number_resubscribes_that_number_with_the_program_disclosure(site):
    srv, api = site
    ada = srv.people["ada"]
    s = requests.Session()
    url = f"{srv.base}/my/" + mint(srv, srv.org["org_id"], an_id(ada), PHONE, channel=1)
    html = s.get(url).text
    # This link was sent to the number: the number in full, the address masked; the program's terms shown.
    assert PHONE in html and address(srv, "ada") not in html
    assert 'value="resubscribe">Subscribe to text messages again<' in html
    assert "Friends of the Bay: Msg frequency varies. Msg &amp; data rates may apply. Text HELP for help. " \
           "Text STOP to cancel." in html
    assert f"Terms: {srv.base}/o/friends-of-the-bay/privacy Privacy: {srv.base}/o/friends-of-the-bay/privacy" \
        in unescape(html)
    r = s.post(url, data={"csrf": csrf_of(html), "do": "resubscribe", "channel": "sms"})
    assert r.status_code == 200 and "You are subscribed again." in r.text
    person = api.person(an_id(ada))
    assert person["phone_numbers"][0]["status"] == "subscribed"
    consent = str(api.ok("GET", f"people/{an_id(ada)}/consent"))
    assert "Text STOP to cancel" in consent and "re-subscribed by the contact point's owner" in consent
    # The email address was not sent this link: it cannot be re-subscribed from it, only unsubscribed.
    r = s.post(url, data={"csrf": csrf_of(html), "do": "resubscribe", "channel": "email"})
    assert r.status_code == 403
    r = s.post(url, data={"csrf": csrf_of(html), "do": "unsubscribe", "channel": "sms"})
    assert "You are unsubscribed." in r.text
    assert api.person(an_id(ada))["phone_numbers"][0]["status"] == "unsubscribed"


def test_the_help_link_is_switched_from_the_cli(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A")
    base = ("settings", "--data", srv.data_dir, "--org", org["org_id"])
    assert srv.json_line(srv.cli(*base).stdout)["help_preferences_link"] is False  # off by default
    assert srv.json_line(srv.cli(*base, "--help-link", "on").stdout)["help_preferences_link"] is True
    assert srv.json_line(srv.cli(*base).stdout)["help_preferences_link"] is True  # stored
    r = srv.cli(*base, "--help-link", "yes", check=False)
    assert r.returncode != 0 and "--help-link must be on or off" in r.stderr
