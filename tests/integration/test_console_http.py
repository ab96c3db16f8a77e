"""The console's login, sessions and screens over real HTTP (issue #13), as a browser without scripts sees
them: the login form with its CSRF token, TOTP, the session cookie's attributes, the dashboard read from the
serving state, role checks (a viewer cannot reach an owner-only page), cross-organization isolation, logout
with CSRF, lockout after 5 wrong passwords (also across a restart) and revocation by password reset.

The TOTP code is computed here with a small RFC 6238 function: a test oracle independent of liboath."""
import base64
import hashlib
import hmac
import re
import struct
import time
import urllib.parse

import pytest
import requests

from tocsin_server import TocsinServer

PASSWORD = "a long password"


def totp(secret_b32: str, step: int) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[off:off + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Staff:
    """One staff member: creates the account with the CLI and logs in with a fresh TOTP step each time."""

    def __init__(self, srv, org_id, email, role):
        r = srv.cli("user", "create", "--data", srv.data_dir, "--org", org_id, "--email", email, "--role", role,
                    input=PASSWORD + "\n")
        uri = srv.json_line(r.stdout)["totp_uri"]
        self.secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
        self.srv, self.email, self.last_step = srv, email, 0
        self.http = requests.Session()

    def code(self) -> str:
        # a step inside the ±1 window that is later than the last one used (codes are single-use)
        step = max(int(time.time()) // 30 - 1, self.last_step + 1)
        assert step <= int(time.time()) // 30 + 1, "used every code of the window; wait a step"
        self.last_step = step
        return totp(self.secret, step)

    def login(self, password=PASSWORD, code=None, csrf=None):
        page = self.http.get(self.srv.base + "/admin/login")
        assert page.status_code == 200
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
        return self.http.post(self.srv.base + "/admin/login", allow_redirects=False,
                              data={"csrf": csrf if csrf is not None else token, "email": self.email,
                                    "password": password, "code": code if code is not None else self.code()})

    def get(self, path):
        return self.http.get(self.srv.base + path, allow_redirects=False)

    def csrf(self, page="/admin"):
        return re.search(r'name="csrf" value="([0-9a-f]+)"', self.get(page).text).group(1)

    def post(self, path, csrf_from="/admin", **form):
        """Posts a console form with the token of the page `csrf_from` (the session's)."""
        return self.http.post(self.srv.base + path, data={"csrf": self.csrf(csrf_from), **form},
                              allow_redirects=False)


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    s.create_org("B")
    s.start()
    yield s
    s.stop()


def test_login_dashboard_logout(srv):
    a = srv.orgs["A"]["org_id"]
    key = srv.orgs["A"]["api_key"]
    for email in ("x1@example.org", "x2@example.org"):
        r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": key},
                          json={"person": {"email_addresses": [{"address": email, "status": "subscribed"}]}})
        assert r.status_code == 200, r.text
    owner = Staff(srv, a, "owner@example.org", "owner")
    assert owner.get("/admin").headers["Location"] == "/admin/login"  # not logged in yet

    page = owner.http.get(srv.base + "/admin/login")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]

    r = owner.login()
    assert r.status_code == 303 and r.headers["Location"] == "/admin", r.text
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("tocsin_staff=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http on loopback only (docs/CONSOLE.md)

    d = owner.get("/admin")
    assert d.status_code == 200
    assert re.search(r'id="people-count">2<', d.text) and re.search(r'id="email-subscribed">2<', d.text)
    # blocking problems come first: no postal address, no verified domain
    assert d.text.index("Sending is blocked") < d.text.index("people-count")
    assert "No postal address" in d.text and "sending domain" in d.text
    assert owner.get("/admin/team").status_code == 200

    # logout needs the form's token
    assert owner.http.post(srv.base + "/admin/logout", data={"csrf": "0" * 32},
                           allow_redirects=False).status_code == 403
    assert owner.get("/admin").status_code == 200
    r = owner.http.post(srv.base + "/admin/logout", data={"csrf": owner.csrf()}, allow_redirects=False)
    assert r.status_code == 303 and "Max-Age=0" in r.headers["Set-Cookie"]
    assert owner.get("/admin").headers["Location"] == "/admin/login"


def test_login_form_needs_its_csrf_token(srv):
    owner = Staff(srv, srv.orgs["A"]["org_id"], "o@example.org", "owner")
    assert owner.login(csrf="f" * 32).status_code == 403
    assert owner.login().status_code == 303


def test_wrong_code_and_replayed_code_are_refused(srv):
    owner = Staff(srv, srv.orgs["A"]["org_id"], "o@example.org", "owner")
    assert owner.login(code="000000").status_code in (401, 303)  # 1 in a million it is the right code
    code = owner.code()
    assert owner.login(code=code).status_code == 303
    other = Staff.__new__(Staff)
    other.__dict__.update(owner.__dict__, http=requests.Session())
    assert other.login(code=code).status_code == 401  # the same code again


def test_viewer_cannot_reach_owner_pages_and_orgs_are_separate(srv):
    a, b = srv.orgs["A"]["org_id"], srv.orgs["B"]["org_id"]
    viewer = Staff(srv, a, "v@example.org", "viewer")
    assert viewer.login().status_code == 303
    d = viewer.get("/admin")
    assert d.status_code == 200 and "/admin/team" not in d.text
    assert viewer.get("/admin/team").status_code == 403

    other = Staff(srv, b, "b-owner@example.org", "owner")
    assert other.login().status_code == 303
    team_b = other.get("/admin/team").text
    assert "b-owner@example.org" in team_b and "v@example.org" not in team_b
    assert "<strong>B</strong>" in other.get("/admin").text


def test_lockout_after_five_wrong_passwords_survives_restart(srv):
    owner = Staff(srv, srv.orgs["A"]["org_id"], "o@example.org", "owner")
    for _ in range(4):
        assert owner.login(password="not the password", code="123456").status_code == 401
    r = owner.login(password="not the password", code="123456")
    assert r.status_code == 429 and "locked" in r.text
    assert owner.login().status_code == 429  # the right password too
    srv.restart()
    assert owner.login().status_code == 429


def test_password_reset_revokes_sessions(srv):
    owner = Staff(srv, srv.orgs["A"]["org_id"], "o@example.org", "owner")
    assert owner.login().status_code == 303
    assert owner.get("/admin").status_code == 200
    srv.cli("user", "reset", "--data", srv.data_dir, "--email", "o@example.org", input="a brand new password\n")
    assert owner.get("/admin").headers["Location"] == "/admin/login"
    assert owner.login(password="a brand new password").status_code == 303


def test_people_search_is_posted_and_scoped_to_the_session_org(srv):
    a, b = srv.orgs["A"]["org_id"], srv.orgs["B"]["org_id"]
    people = [("A", "ada@example.org", "Lovelace"), ("A", "alan@example.org", "Turing"),
              ("B", "grace@example.org", "Hopper")]
    for org, email, family in people:
        r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": srv.orgs[org]["api_key"]},
                          json={"person": {"family_name": family,
                                           "email_addresses": [{"address": email, "status": "subscribed"}]}})
        assert r.status_code == 200
    viewer = Staff(srv, a, "v@example.org", "viewer")  # reading is every role's
    assert viewer.login().status_code == 303
    page = viewer.get("/admin/people")
    assert page.status_code == 200 and 'role="search"' in page.text and 'method="post"' in page.text

    def search(q, csrf=None):
        return viewer.http.post(srv.base + "/admin/people", data={"csrf": csrf or viewer.csrf(), "q": q},
                                allow_redirects=False)

    r = search("ADA@example.org")
    assert r.status_code == 200 and "1 found" in r.text and "Lovelace" in r.text and "Turing" not in r.text
    r = search("Turing")
    assert "1 found" in r.text and "alan@example.org" in r.text
    r = search("family_name eq 'Turing'")
    assert "alan@example.org" in r.text
    # another organization's supporter is not found from this session
    assert "0 found" in search("grace@example.org").text and "0 found" in search("Hopper").text
    assert search("given_name eq 'x' and").status_code == 400
    assert search("Turing", csrf="0" * 32).status_code == 403


def test_login_posts_are_limited_per_address(srv):
    # argon2id is expensive on purpose: one address gets a burst of 20 login posts, then one every 3 s
    http = requests.Session()
    page = http.get(srv.base + "/admin/login")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    def post(i):
        return http.post(srv.base + "/admin/login", allow_redirects=False,
                         data={"csrf": token, "email": f"nobody{i}@example.org", "password": PASSWORD,
                               "code": "123456"})

    # the burst is 20; tokens refill meanwhile (each post verifies a hash), so the refusal comes a few posts
    # later on a slow machine — what is checked is that it comes, and with Retry-After
    statuses = []
    for i in range(60):
        statuses.append(post(i))
        if statuses[-1].status_code != 401:
            break
    assert len(statuses) > 20 and all(r.status_code == 401 for r in statuses[:-1])
    assert statuses[-1].status_code == 429 and int(statuses[-1].headers["Retry-After"]) >= 1
    assert "Too many attempts from this address" in statuses[-1].text


def test_operator_without_org_role_sees_no_organization(srv):
    r = srv.cli("user", "create", "--data", srv.data_dir, "--email", "ops@example.org", "--operator",
                input=PASSWORD + "\n")
    ops = Staff.__new__(Staff)
    ops.srv, ops.email, ops.last_step, ops.http = srv, "ops@example.org", 0, requests.Session()
    uri = srv.json_line(r.stdout)["totp_uri"]
    ops.secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    assert ops.login().status_code == 303
    assert ops.get("/admin").headers["Location"] == "/admin/platform"  # the operator's own screen
    page = ops.get("/admin/platform")
    assert page.status_code == 200 and "platform operator" in page.text
    assert 'href="/admin/people"' not in page.text  # no organization screens offered
    team = ops.get("/admin/team")
    assert team.status_code == 403 and "without a role in an organization" in team.text
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    assert ops.http.post(srv.base + "/admin/logout", data={"csrf": token}, allow_redirects=False).status_code == 303
    assert ops.get("/admin").headers["Location"] == "/admin/login"


DISCLOSURE = "Rally Alerts: up to 4 msgs/mo. Msg & data rates may apply. Reply HELP for help, STOP to end."


def test_person_page_shows_fields_actions_and_the_consent_timeline(tmp_path):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    s.create_org("B")
    s.write_config(server={"trusted_proxy_header": "X-Forwarded-For"})
    s.start()
    try:
        a, b = s.orgs["A"], s.orgs["B"]
        hdr = {"OSDI-API-Token": a["api_key"], "X-Forwarded-For": "203.0.113.7", "User-Agent": "signup-browser/1.0"}
        assert requests.post(s.api + "/tags", headers=hdr, json={"name": "volunteer"}).status_code == 200
        r = requests.post(s.api + "/people", headers=hdr, json={
            "person": {"given_name": "<script>alert(1)</script>", "family_name": "O'Hara & Sons",
                       "email_addresses": [{"address": "ada@example.org", "status": "subscribed"}],
                       "phone_numbers": [{"number": "+12025550143", "status": "subscribed"}],
                       "postal_addresses": [{"address_lines": ["1 Main St"], "locality": "Springfield",
                                             "region": "IL", "postal_code": "62701", "country": "US"}],
                       "custom_fields": {"shirt": "<b>XL</b>"}},
            "add_tags": ["volunteer"],  # an existing tag, as Action Network requires
            "tocsin:consent": {"source": "https://example.org/join v3", "method": "web form checkbox",
                               "disclosure": DISCLOSURE}})
        assert r.status_code == 200, r.text
        pid = r.json()["identifiers"][0].split(":", 1)[1]
        pet = requests.post(s.api + "/petitions", headers=hdr, json={"title": "Save the <park>"})
        assert pet.status_code == 200, pet.text
        pet_id = pet.json()["identifiers"][0].split(":", 1)[1]
        sig = requests.post(f"{s.api}/petitions/{pet_id}/signatures", headers=hdr,
                            json={"person": {"email_addresses": [{"address": "ada@example.org"}]}})
        assert sig.status_code == 200, sig.text
        r = requests.post(s.api + "/people", headers={"OSDI-API-Token": b["api_key"]},
                          json={"person": {"email_addresses": [{"address": "grace@example.org"}]}})
        other_pid = r.json()["identifiers"][0].split(":", 1)[1]

        viewer = Staff(s, a["org_id"], "v@example.org", "viewer")  # read-only role: sees the page
        assert viewer.login().status_code == 303

        # the search result links to the person's page
        found = viewer.http.post(s.base + "/admin/people", data={"csrf": viewer.csrf(), "q": "ada@example.org"})
        assert f'href="/admin/people/{pid}"' in found.text

        page = viewer.get(f"/admin/people/{pid}")
        assert page.status_code == 200, page.text
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        t = page.text
        # escaped by the templates: the name is text, never markup
        assert "<script>" not in t and "<h1>&lt;script&gt;alert(1)&lt;&#x2F;script&gt; O&#39;Hara &amp; Sons</h1>" in t
        assert "<b>XL</b>" not in t and "&lt;b&gt;XL&lt;" in t
        assert "ada@example.org (subscribed)" in t and "+12025550143 (subscribed)" in t
        assert "1 Main St" in t and "Springfield IL 62701 US" in t
        assert re.search(r"<dt>shirt</dt><dd>", t)
        assert 'id="tags"><li>volunteer</li>' in t  # a viewer gets no Remove button
        assert "Save the &lt;park&gt;" in t and "<td>petition</td>" in t
        # the timeline: both contact points, each entry's evidence with the IP given at signup
        assert "Email: ada@example.org (subscribed)" in t and "Texts: +12025550143 (subscribed)" in t
        assert t.count("none → subscribed") == 2
        assert t.count("<dd>203.0.113.7</dd>") >= 2 and "<dd>signup-browser&#x2F;1.0</dd>" in t
        assert "<dd>https:&#x2F;&#x2F;example.org&#x2F;join v3</dd>" in t
        assert "attested by the API key: web form checkbox" in t
        shown = DISCLOSURE.replace("&", "&amp;").replace("/", "&#x2F;")  # as the templates escape it
        assert f"<blockquote>{shown}</blockquote>" in t  # the disclosure text shown, whole
        assert "api_key:" in t
        assert f'action="/admin/people/{pid}/verify#consent"' in t
        assert 'id="chain-result"' not in t

        # Verify: a posted form with the CSRF token; reports the chain intact with its length and head
        assert viewer.http.post(f"{s.base}/admin/people/{pid}/verify", data={"csrf": "0" * 32},
                                allow_redirects=False).status_code == 403
        v = viewer.http.post(f"{s.base}/admin/people/{pid}/verify", data={"csrf": viewer.csrf()},
                             allow_redirects=False)
        assert v.status_code == 200, v.text
        m = re.search(r'id="chain-result">Chain intact: (\d+) entries, head ([0-9a-f]{64})\.<', v.text)
        assert m, v.text[-3000:]
        db = s.db()
        try:
            (count,) = db.execute("SELECT COUNT(*) FROM ledger WHERE org_id = ?", (a["org_id"],)).fetchone()
        finally:
            db.close()
        assert int(m.group(1)) == int(count) >= 2  # the whole organization's chain, not only this person

        # another organization's person is 404 for every role, and so is nonsense
        for role in ("owner", "admin", "organizer"):
            st = Staff(s, a["org_id"], f"{role}@example.org", role)
            assert st.login().status_code == 303
            assert st.get(f"/admin/people/{pid}").status_code == 200
            assert st.get(f"/admin/people/{other_pid}").status_code == 404
            r = st.http.post(f"{s.base}/admin/people/{other_pid}/verify", data={"csrf": st.csrf()},
                             allow_redirects=False)
            assert r.status_code == 404
        nf = viewer.get(f"/admin/people/{other_pid}")
        assert nf.status_code == 404 and "grace@example.org" not in nf.text
        assert viewer.get("/admin/people/not-an-id").status_code == 404
        assert viewer.get(f"/admin/people/{pid}/extra").status_code == 404
        # and the other organization's staff cannot open A's person
        b_owner = Staff(s, b["org_id"], "b@example.org", "owner")
        assert b_owner.login().status_code == 303
        assert b_owner.get(f"/admin/people/{pid}").status_code == 404
        assert b_owner.get(f"/admin/people/{other_pid}").status_code == 200
        # not logged in: to the login page
        assert requests.get(f"{s.base}/admin/people/{pid}", allow_redirects=False).headers["Location"] == \
            "/admin/login"

        # an altered entry (its plaintext IP no longer matches the digest the chain holds) is named by Verify
        # and marked in the timeline
        db = s.db(write=True)
        try:
            db.execute("UPDATE ledger SET ip = ? WHERE org_id = ? AND seq = ?", ("198.51.100.66", a["org_id"], 1))
            db.commit()
        finally:
            db.close()
        v = viewer.http.post(f"{s.base}/admin/people/{pid}/verify", data={"csrf": viewer.csrf()},
                             allow_redirects=False)
        assert v.status_code == 200
        assert ('class="alert" role="status" id="chain-result">Chain broken: entry 1 was altered (its hash does '
                'not match its contents).<') in v.text, v.text[-3000:]
        assert "(this entry's hash does not match its contents)" in v.text and "<dd>198.51.100.66</dd>" in v.text
    finally:
        s.stop()


def test_staff_unsubscribe_one_channel_from_the_person_page(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    hdr = {"OSDI-API-Token": a["api_key"]}
    r = requests.post(srv.api + "/people", headers=hdr, json={
        "person": {"email_addresses": [{"address": "caller@example.org", "status": "subscribed"}],
                   "phone_numbers": [{"number": "+12025550177", "status": "subscribed"}]},
        "tocsin:consent": {"source": "https://example.org/join", "method": "web form checkbox"}})
    assert r.status_code == 200, r.text
    pid = r.json()["identifiers"][0].split(":", 1)[1]
    r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": b["api_key"]},
                      json={"person": {"email_addresses": [{"address": "b-person@example.org"}]}})
    other_pid = r.json()["identifiers"][0].split(":", 1)[1]

    def ledger_methods():
        db = srv.db()
        try:
            return [row[0] for row in db.execute(
                "SELECT method FROM ledger WHERE org_id = ? AND person_id = ? ORDER BY seq", (a["org_id"], pid))]
        finally:
            db.close()

    # A viewer sees no button and cannot post the form.
    viewer = Staff(srv, a["org_id"], "viewer@example.org", "viewer")
    assert viewer.login().status_code == 303
    assert "/unsubscribe" not in viewer.get(f"/admin/people/{pid}").text
    assert viewer.http.post(f"{srv.base}/admin/people/{pid}/unsubscribe", allow_redirects=False,
                            data={"csrf": viewer.csrf(), "channel": "email"}).status_code == 403

    organizer = Staff(srv, a["org_id"], "organizer@example.org", "organizer")
    assert organizer.login().status_code == 303
    page = organizer.get(f"/admin/people/{pid}").text
    assert page.count(f'action="/admin/people/{pid}/unsubscribe"') == 2
    assert "Unsubscribe from email" in page and "Unsubscribe from texts" in page
    url = f"{srv.base}/admin/people/{pid}/unsubscribe"
    assert organizer.http.post(url, data={"csrf": "0" * 32, "channel": "email"},
                               allow_redirects=False).status_code == 403
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "channel": "fax"},
                               allow_redirects=False).status_code == 400
    assert len(ledger_methods()) == 2  # nothing written by the refused posts

    done = organizer.http.post(url, data={"csrf": organizer.csrf(), "channel": "email"}, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == f"/admin/people/{pid}#consent"
    person = requests.get(f"{srv.api}/people/{pid}", headers=hdr).json()
    assert person["email_addresses"][0]["status"] == "unsubscribed"
    assert person["phone_numbers"][0]["status"] == "subscribed"  # only the channel asked for
    methods = ledger_methods()
    assert len(methods) == 3 and methods[-1] == "console: unsubscribed by staff"
    db = srv.db()
    try:
        actor, ip = db.execute("SELECT actor, ip FROM ledger WHERE org_id = ? AND person_id = ? ORDER BY seq DESC",
                               (a["org_id"], pid)).fetchone()
        audit = [srv.unseal(row[0], "org_docs.doc")
                 for row in db.execute("SELECT doc FROM org_docs WHERE kind = 'staff_audit'")]
    finally:
        db.close()
    assert actor.startswith("staff:") and srv.unseal(ip, "ledger.ip") == "127.0.0.1"
    assert any("people.unsubscribe_email" in d and pid in d for d in audit), audit
    after = organizer.get(f"/admin/people/{pid}").text
    assert "Unsubscribe from email" not in after and "Unsubscribe from texts" in after
    # Again: nothing more is written; another organization's person is 404.
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "channel": "email"},
                               allow_redirects=False).status_code == 303
    assert len(ledger_methods()) == 3
    assert organizer.http.post(f"{srv.base}/admin/people/{other_pid}/unsubscribe", allow_redirects=False,
                               data={"csrf": organizer.csrf(), "channel": "email"}).status_code == 404


def staff_audit(srv) -> list[str]:
    """The staff audit trail's documents, as stored (decrypted by the test itself)."""
    db = srv.db()
    try:
        return [srv.unseal(row[0], "org_docs.doc")
                for row in db.execute("SELECT doc FROM org_docs WHERE kind = 'staff_audit'")]
    finally:
        db.close()


def test_staff_correct_a_persons_names(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    hdr = {"OSDI-API-Token": a["api_key"]}
    r = requests.post(srv.api + "/people", headers=hdr, json={
        "person": {"given_name": "Jnae", "family_name": "Doe", "email_addresses": [{"address": "typo@example.org"}]}})
    pid = r.json()["identifiers"][0].split(":", 1)[1]
    url = f"{srv.base}/admin/people/{pid}/fields"

    viewer = Staff(srv, a["org_id"], "viewer@example.org", "viewer")
    assert viewer.login().status_code == 303
    assert "/fields\"" not in viewer.get(f"/admin/people/{pid}").text
    assert viewer.http.post(url, data={"csrf": viewer.csrf(), "given_name": "X", "family_name": "Y"},
                            allow_redirects=False).status_code == 403

    organizer = Staff(srv, a["org_id"], "organizer@example.org", "organizer")
    assert organizer.login().status_code == 303
    page = organizer.get(f"/admin/people/{pid}").text
    assert 'id="edit-given-name" name="given_name" value="Jnae"' in page, page
    assert '<dd id="tracking">as the organization sets it</dd>' in page, page
    assert organizer.http.post(url, data={"csrf": "0" * 32, "given_name": "Jane", "family_name": "Doe"},
                               allow_redirects=False).status_code == 403
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "given_name": "J" * 256, "family_name": "Doe"},
                               allow_redirects=False).status_code == 400
    assert requests.get(f"{srv.api}/people/{pid}", headers=hdr).json()["given_name"] == "Jnae"

    # A quote and angle brackets come back escaped in the form's value and in the page.
    done = organizer.http.post(url, data={"csrf": organizer.csrf(), "given_name": 'Jane "J" <b>',
                                          "family_name": ""}, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == f"/admin/people/{pid}#fields"
    person = requests.get(f"{srv.api}/people/{pid}", headers=hdr).json()
    assert person["given_name"] == 'Jane "J" <b>' and "family_name" not in person, person
    after = organizer.get(f"/admin/people/{pid}").text
    assert 'value="Jane &quot;J&quot; &lt;b&gt;"' in after and "<b>" not in after.split("<main>", 1)[1]
    # Again: nothing more; one audit line; another organization's person is 404.
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "given_name": 'Jane "J" <b>',
                                          "family_name": ""}, allow_redirects=False).status_code == 303
    audit = staff_audit(srv)
    assert len([d for d in audit if "people.edit" in d and pid in d]) == 1, audit
    r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": b["api_key"]},
                      json={"person": {"email_addresses": [{"address": "b-names@example.org"}]}})
    other_pid = r.json()["identifiers"][0].split(":", 1)[1]
    assert organizer.http.post(f"{srv.base}/admin/people/{other_pid}/fields", allow_redirects=False,
                               data={"csrf": organizer.csrf(), "given_name": "Eve"}).status_code == 404
    assert "given_name" not in requests.get(f"{srv.api}/people/{other_pid}",
                                            headers={"OSDI-API-Token": b["api_key"]}).json()

    # Custom fields: one added, then changed, then emptied (removed); names kept as they are.
    def save(**fields):
        r = organizer.http.post(url, data={"csrf": organizer.csrf(), "given_name": 'Jane "J" <b>', **fields},
                                allow_redirects=False)
        assert r.status_code == 303, r.text
        return requests.get(f"{srv.api}/people/{pid}", headers=hdr).json()
    assert save(new_field="t-shirt size", new_value="<L>")["custom_fields"] == {"t-shirt size": "<L>"}
    page = organizer.get(f"/admin/people/{pid}").text
    assert '<label for="edit-field-0">t-shirt size</label><input id="edit-field-0" name="field:t-shirt size" ' \
           'value="&lt;L&gt;"' in page, page
    assert save(**{"field:t-shirt size": "XL"})["custom_fields"] == {"t-shirt size": "XL"}
    assert "t-shirt size" not in save(**{"field:t-shirt size": ""}).get("custom_fields", {})
    bad = organizer.http.post(url, data={"csrf": organizer.csrf(), "new_value": "orphan"}, allow_redirects=False)
    assert bad.status_code == 400 and "Name the new custom field" in bad.text
    assert len([d for d in staff_audit(srv) if "people.edit" in d and pid in d]) == 4

    # An objection to tracking (a privacy request) shows on the page with its date.
    r = requests.post(srv.api + "/tocsin:privacy_requests", headers=hdr,
                      json={"kind": "objection", "subject": "typo@example.org", "objection_to": "tracking"})
    assert r.status_code == 200, r.text
    r = requests.post(f"{srv.api}/tocsin:privacy_requests/{r.json()['id']}/tocsin:fulfil", headers=hdr)
    assert r.status_code == 200, r.text
    since = requests.get(f"{srv.api}/people/{pid}", headers=hdr).json()["tocsin:tracking_objection"]
    assert f'<dd id="tracking">objected on {since}: never tracked</dd>' in organizer.get(f"/admin/people/{pid}").text


def test_staff_tag_a_person_from_the_person_page(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    hdr, hdr_b = {"OSDI-API-Token": a["api_key"]}, {"OSDI-API-Token": b["api_key"]}

    def new_tag(h, name):
        r = requests.post(srv.api + "/tags", headers=h, json={"name": name})
        assert r.status_code == 200, r.text
        return r.json()["identifiers"][0].split(":", 1)[1]

    volunteers, donors, b_tag = new_tag(hdr, "Volunteers"), new_tag(hdr, "<Donors>"), new_tag(hdr_b, "B's tag")
    r = requests.post(srv.api + "/people", headers=hdr, json={
        "person": {"email_addresses": [{"address": "tagme@example.org"}]}, "add_tags": ["Volunteers"]})
    pid = r.json()["identifiers"][0].split(":", 1)[1]

    def tags_of(person_id):
        r = requests.get(f"{srv.api}/people/{person_id}/taggings", headers=hdr)
        assert r.status_code == 200, r.text
        return sorted(t["_links"]["osdi:tag"]["href"].rsplit("/", 1)[1]
                      for t in r.json()["_embedded"]["osdi:taggings"])

    url = f"{srv.base}/admin/people/{pid}/tag"
    viewer = Staff(srv, a["org_id"], "viewer@example.org", "viewer")
    assert viewer.login().status_code == 303
    assert "/tag\"" not in viewer.get(f"/admin/people/{pid}").text
    assert viewer.http.post(url, data={"csrf": viewer.csrf(), "tag": donors}, allow_redirects=False).status_code == 403

    organizer = Staff(srv, a["org_id"], "organizer@example.org", "organizer")
    assert organizer.login().status_code == 303
    page = organizer.get(f"/admin/people/{pid}").text
    # Only the tags the person lacks are offered, names escaped; B's tag is not among them.
    assert f'<option value="{donors}">&lt;Donors&gt;</option>' in page, page
    assert f'<option value="{volunteers}"' not in page and b_tag not in page
    assert organizer.http.post(url, data={"csrf": "0" * 32, "tag": donors}, allow_redirects=False).status_code == 403
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "tag": b_tag},
                               allow_redirects=False).status_code == 404
    assert tags_of(pid) == [volunteers], "nothing written by the refused posts"

    done = organizer.http.post(url, data={"csrf": organizer.csrf(), "tag": donors}, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == f"/admin/people/{pid}#fields"
    assert tags_of(pid) == sorted([volunteers, donors])
    after = organizer.get(f"/admin/people/{pid}").text
    assert "&lt;Donors&gt;" in after.split('id="tags"', 1)[1].split("</ul>", 1)[0]
    assert f'name="tag" value="{donors}"><button type="submit" aria-label="Remove the tag &lt;Donors&gt;">' in after
    assert 'action="/admin/people/' + pid + '/tag"' not in after, "no tag left to offer"
    # Again: nothing more; the staff audit has one line; another organization's person is 404.
    assert organizer.http.post(url, data={"csrf": organizer.csrf(), "tag": donors},
                               allow_redirects=False).status_code == 303
    audit = staff_audit(srv)
    assert len([d for d in audit if "people.tag" in d and pid in d]) == 1, audit
    r = requests.post(srv.api + "/people", headers=hdr_b,
                      json={"person": {"email_addresses": [{"address": "b-tag@example.org"}]}})
    other_pid = r.json()["identifiers"][0].split(":", 1)[1]
    assert organizer.http.post(f"{srv.base}/admin/people/{other_pid}/tag", allow_redirects=False,
                               data={"csrf": organizer.csrf(), "tag": donors}).status_code == 404

    # Remove: the API's DELETE path; a viewer may not; twice changes nothing; B's tag is not found.
    untag = f"{srv.base}/admin/people/{pid}/untag"
    assert viewer.http.post(untag, data={"csrf": viewer.csrf(), "tag": donors},
                            allow_redirects=False).status_code == 403
    assert organizer.http.post(untag, data={"csrf": organizer.csrf(), "tag": b_tag},
                               allow_redirects=False).status_code == 404
    assert tags_of(pid) == sorted([volunteers, donors])
    for _ in range(2):
        done = organizer.http.post(untag, data={"csrf": organizer.csrf(), "tag": donors}, allow_redirects=False)
        assert done.status_code == 303 and done.headers["Location"] == f"/admin/people/{pid}#fields"
        assert tags_of(pid) == [volunteers]
    assert len([d for d in staff_audit(srv) if "people.untag" in d and pid in d]) == 1
    assert f'<option value="{donors}">&lt;Donors&gt;</option>' in organizer.get(f"/admin/people/{pid}").text


def test_verify_is_limited_per_organization(srv):
    pids = {}
    for name in ("A", "B"):
        r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": srv.orgs[name]["api_key"]},
                          json={"person": {"email_addresses": [{"address": f"v-{name}@example.org"}]}})
        pids[name] = r.json()["identifiers"][0].split(":", 1)[1]
    viewer = Staff(srv, srv.orgs["A"]["org_id"], "viewer@example.org", "viewer")
    assert viewer.login().status_code == 303
    url = f"{srv.base}/admin/people/{pids['A']}/verify"
    codes = [viewer.http.post(url, data={"csrf": viewer.csrf()}, allow_redirects=False) for _ in range(6)]
    assert [r.status_code for r in codes[:5]] == [200] * 5  # a burst of five
    assert codes[5].status_code == 429 and int(codes[5].headers["Retry-After"]) >= 1
    # the limit is the organization's: B's staff still verify
    b_viewer = Staff(srv, srv.orgs["B"]["org_id"], "b-viewer@example.org", "viewer")
    assert b_viewer.login().status_code == 303
    assert b_viewer.http.post(f"{srv.base}/admin/people/{pids['B']}/verify", data={"csrf": b_viewer.csrf()},
                              allow_redirects=False).status_code == 200


def test_export_people_as_csv_by_role_and_logged(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    for key, email in ((a["api_key"], "exp1@example.org"), (a["api_key"], "exp2@example.org"),
                       (b["api_key"], "other-org@example.org")):
        r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": key},
                          json={"person": {"email_addresses": [{"address": email, "status": "subscribed"}]}})
        assert r.status_code == 200, r.text
    viewer = Staff(srv, a["org_id"], "viewer@example.org", "viewer")
    assert viewer.login().status_code == 303
    assert "/admin/people/export" not in viewer.get("/admin/people").text
    r = viewer.http.post(srv.base + "/admin/people/export", data={"csrf": viewer.csrf()}, allow_redirects=False)
    assert r.status_code == 403 and "viewers read only" in r.text

    organizer = Staff(srv, a["org_id"], "organizer@example.org", "organizer")
    assert organizer.login().status_code == 303
    assert 'action="/admin/people/export"' in organizer.get("/admin/people").text
    assert organizer.http.post(srv.base + "/admin/people/export", data={"csrf": "0" * 32},
                               allow_redirects=False).status_code == 403
    r = organizer.http.post(srv.base + "/admin/people/export", data={"csrf": organizer.csrf()},
                            allow_redirects=False)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="people-')
    assert r.headers["Cache-Control"] == "no-store"
    lines = r.content.decode("utf-8").splitlines()
    assert len(lines) == 3 and lines[0].startswith("email"), lines[:2]
    assert b"exp1@example.org" in r.content and b"exp2@example.org" in r.content
    assert b"other-org@example.org" not in r.content  # organization B's person

    # The export is in the access log (every person in it) under the organizer's account.
    account = [m for m in (srv.json_line(line) for line in srv.cli(
        "user", "list", "--data", srv.data_dir, "--org", a["org_id"]).stdout.splitlines() if line.strip())
        if m["email"] == "organizer@example.org"][0]
    deadline = time.monotonic() + 10
    while True:
        entries = [srv.json_line(line) for line in srv.cli("audit", "--data", srv.data_dir, "--org",
                                                           a["org_id"]).stdout.splitlines() if line.strip()]
        exports = [e for e in entries if e["action"] == "console.people_export"]
        if exports or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(exports) == 1 and exports[0]["actor"] == f"staff:{account['account_id']}"
    assert exports[0]["count"] == 2 and len(exports[0]["person_ids"]) == 2
