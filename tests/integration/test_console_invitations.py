"""Staff invitations from the console's team page over real HTTP (issue #13), on SQLite and PostgreSQL: an
owner invites an organizer; the invitation leaves through the one gate as the raw .eml in the outbox (read
here as bytes: From the verified domain, DKIM-signed, the link in it, no unsubscribe link); the link's page
names the organization and the role; accepting sets a password and shows the TOTP secret once; the new
organizer logs in with a code computed here and has the organizer's role (a viewer's pages yes, the team page
no); the link works once; a revoked or replaced link gets the same 404 as a forged one; only owners invite
(403); another organization's owner cannot revoke A's invitation (404); an organization without a verified
domain sends nothing and says why in the gate's sentence; a platform-suppressed address is refused with the
reason; the audit trail has team.invite, team.invite_accepted and team.invite_revoked."""
import re
import time
import urllib.parse
from email import message_from_bytes
from email.policy import default as default_policy
from html import unescape

import pytest
import requests

from test_console_http import PASSWORD, Staff, staff_audit, totp
from tocsin_server import TocsinServer, unique_email

DOMAIN = "example.org"
SUPPRESSED = "blocked-staff@example.net"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console-invite")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp, DOMAIN)
    srv.create_org("No Domain Org")
    srv.cli("suppress", "--data", str(srv.data_dir), "--platform", SUPPRESSED, "--reason", "abuse")
    srv.write_config()
    srv.start()
    yield srv
    srv.stop()


def csrf_of(html):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def invite(owner, email, role="organizer"):
    page = owner.get("/admin/team")
    return owner.http.post(owner.srv.base + "/admin/team/invite", allow_redirects=False,
                           data={"csrf": csrf_of(page.text), "email": email, "role": role})


def outbox_mail_to(srv, address, wait=True):
    """The raw bytes of the mails in the outbox addressed to `address`."""
    deadline = time.time() + (10 if wait else 0)
    while True:
        found = [f.read_bytes() for f in sorted((srv.data_dir / "outbox").glob("*.eml"))
                 if re.search(rb"^To: .*" + re.escape(address.encode()), f.read_bytes(), re.M)]
        if found or time.time() >= deadline:
            return found
        time.sleep(0.1)


def link_in(raw):
    m = message_from_bytes(raw, policy=default_policy)
    text = m.get_body(("plain",)).get_content()
    return re.search(r"(https?://\S+/admin/invite/([0-9a-f]{64}))", text).group(1)


def test_invite_accept_login_once(site):
    srv = site
    a = srv.orgs["Friends of the Bay"]["org_id"]
    owner = Staff(srv, a, unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    new = unique_email("organizer")

    r = invite(owner, new)
    assert r.status_code == 200, r.text
    assert "Invitation sent to " + new in unescape(r.text)
    assert re.search(r"<td>" + re.escape(new) + r"</td><td>organizer</td>", r.text), "listed as pending"
    mails = outbox_mail_to(srv, new)
    assert len(mails) == 1
    raw = mails[0]
    assert re.search(rb"^From: .*no-reply@" + DOMAIN.encode(), raw, re.M)
    assert b"DKIM-Signature:" in raw and b"X-Tocsin-Delivery:" in raw
    assert b"List-Unsubscribe" not in raw and b"/unsubscribe/" not in raw  # a colleague, not a subscriber
    link = link_in(raw)
    token = link.rsplit("/", 1)[1]
    assert link == f"{srv.base}/admin/invite/{token}"
    assert token.encode() not in owner.get("/admin/team").content, "the team page never shows the token"

    # The link's page: the organization and the role; the form needs the pre-login cookie's token.
    http = requests.Session()
    page = http.get(link)
    assert page.status_code == 200
    assert "Friends of the Bay" in unescape(page.text) and 'id="invite-role">organizer<' in page.text
    assert http.post(link, data={"csrf": "0" * 32, "password": PASSWORD, "password2": PASSWORD}).status_code == 403
    short = http.post(link, data={"csrf": csrf_of(page.text), "password": "short", "password2": "short"})
    assert short.status_code == 422
    differ = http.post(link, data={"csrf": csrf_of(page.text), "password": PASSWORD, "password2": PASSWORD + "x"})
    assert differ.status_code == 422

    done = http.post(link, data={"csrf": csrf_of(page.text), "password": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 200, done.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', done.text).group(1)
    uri = unescape(re.search(r'id="totp-uri"[^>]*>([^<]+)<', done.text).group(1))
    assert urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0] == secret
    assert 'href="/admin/login"' in done.text

    # Single use: the same link again is the same 404 as a forged one.
    again = requests.get(link)
    forged = requests.get(f"{srv.base}/admin/invite/{'ab' * 32}")
    assert again.status_code == 404 and forged.status_code == 404 and again.text == forged.text
    assert requests.post(link, data={"csrf": "x"}).status_code == 404

    # The new organizer logs in with a TOTP code computed here: organizer's screens, not the team page.
    organizer = Staff.__new__(Staff)
    organizer.__dict__.update(srv=srv, email=new, last_step=0, secret=secret, http=requests.Session())
    assert organizer.login(code=totp(secret, 0)).status_code == 401, "the login still needs the right code"
    assert organizer.login().status_code == 303
    home = organizer.get("/admin")
    assert home.status_code == 200 and "<strong>Friends of the Bay</strong>" in home.text
    assert f"<span>{new} (organizer)</span>" in home.text
    assert 'href="/admin/settings"' not in home.text  # not an admin
    assert organizer.get("/admin/team").status_code == 403
    team = owner.get("/admin/team").text
    assert re.search(r"<td>" + re.escape(new) + r"</td><td>organizer</td>", team)
    assert "Pending invitations" in team and "None." in team.split("Pending invitations")[1]

    # A non-owner cannot invite.
    assert invite(organizer, unique_email("x")).status_code == 403

    actions = [re.search(r'"action":"([^"]+)"', d).group(1) for d in staff_audit(srv)]
    assert "team.invite" in actions and "team.invite_accepted" in actions and "user.create" in actions


def test_revoke_replace_and_isolation(site):
    srv = site
    a = srv.orgs["Friends of the Bay"]["org_id"]
    b = srv.orgs["No Domain Org"]["org_id"]
    owner = Staff(srv, a, unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    other = Staff(srv, b, unique_email("b-owner"), "owner")
    assert other.login().status_code == 303

    # Re-inviting an address replaces its pending invitation: the first link dies.
    person = unique_email("viewer")
    assert invite(owner, person, "viewer").status_code == 200
    first = link_in(outbox_mail_to(srv, person)[0])
    assert requests.get(first).status_code == 200
    assert invite(owner, person, "admin").status_code == 200
    deadline = time.time() + 10
    while len(outbox_mail_to(srv, person)) < 2 and time.time() < deadline:
        time.sleep(0.1)
    links = {link_in(m) for m in outbox_mail_to(srv, person)}
    second = (links - {first}).pop()
    assert requests.get(first).status_code == 404
    page = requests.get(second)
    assert page.status_code == 200 and 'id="invite-role">admin<' in page.text
    team = owner.get("/admin/team").text
    assert len(re.findall(re.escape(person), team)) == 2  # one pending row (cell and the Revoke label)

    # Another organization's owner cannot revoke it (404), nor see it.
    inv_id = re.search(r'action="/admin/team/invitations/([0-9a-f]+)/revoke"', team).group(1)
    r = other.http.post(f"{srv.base}/admin/team/invitations/{inv_id}/revoke", allow_redirects=False,
                        data={"csrf": other.csrf()})
    assert r.status_code == 404
    assert person not in other.get("/admin/team").text
    assert requests.get(second).status_code == 200
    # Revoke needs the form's token, then works; the link is dead.
    r = owner.http.post(f"{srv.base}/admin/team/invitations/{inv_id}/revoke", allow_redirects=False,
                        data={"csrf": "0" * 32})
    assert r.status_code == 403
    r = owner.http.post(f"{srv.base}/admin/team/invitations/{inv_id}/revoke", allow_redirects=False,
                        data={"csrf": owner.csrf()})
    assert r.status_code == 303
    gone = requests.get(second)
    assert gone.status_code == 404 and "Invitation not found" in gone.text
    assert person not in owner.get("/admin/team").text
    actions = [re.search(r'"action":"([^"]+)"', d).group(1) for d in staff_audit(srv)]
    assert "team.invite_revoked" in actions

    # Owners are never invited; a bad address is refused.
    assert invite(owner, unique_email("o"), "owner").status_code == 422
    assert invite(owner, "not an address", "viewer").status_code == 422


def test_refusals_say_why_and_send_nothing(site):
    srv = site
    a = srv.orgs["Friends of the Bay"]["org_id"]
    b = srv.orgs["No Domain Org"]["org_id"]

    # No verified sending domain: nothing stored or sent, the gate's sentence on the page.
    other = Staff(srv, b, unique_email("b-owner"), "owner")
    assert other.login().status_code == 303
    nobody = unique_email("nodomain")
    r = invite(other, nobody)
    assert r.status_code == 422
    text = unescape(r.text)
    assert "The invitation could not be sent: The From domain is not verified for this organization." in text, text
    assert "no verified sending domain yet" in text
    assert "/admin/invite/" not in r.text
    assert "None." in text.split("Pending invitations")[1]
    time.sleep(0.5)
    assert outbox_mail_to(srv, nobody, wait=False) == []

    # A platform-suppressed address: refused with the reason, nothing sent.
    owner = Staff(srv, a, unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    r = invite(owner, SUPPRESSED)
    assert r.status_code == 422
    assert "could not be sent: The address is on the platform-wide suppression list." in unescape(r.text), r.text
    time.sleep(0.5)
    assert outbox_mail_to(srv, SUPPRESSED, wait=False) == []
