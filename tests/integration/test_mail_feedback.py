"""Mail feedback end to end with the real binary: one-click unsubscribe (RFC 8058: GET changes nothing,
POST answers 200 without redirect, durable ledger entry, idempotent, forged tokens 404 alike), and ingest of
bounces and complaints (`tocsin ingest-mail` as a Postfix pipe would run it, and POST /mail/inbound) over
the fixtures in tests/fixtures/mail/ — RFC and provider shapes, malformed input, 3 soft bounces over 72 h,
the complaint-rate pause.

The dispatcher that writes deliveries is not part of this branch: each test writes the message document and
its delivery rows into SQLite while the server is stopped, as the dispatcher would, and asks
`tocsin mail-links` for the addresses the message would carry."""
import json
from html.parser import HTMLParser
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tocsin_server import REPO, TocsinServer, an_id, free_port, unique_email

MAIL = REPO / "tests" / "fixtures" / "mail"
SECRET = "test-ingest-secret-0123456789"
DOMAIN = "mail.example.org"
HANDED_OVER, BOUNCED, COMPLAINED = 3, 5, 6
UNSUBSCRIBED_EVENT = 4


class Blast:
    """One organization, some subscribed people, and one sent message with a delivery per person."""

    def __init__(self, tmp_path, people=1, extra_deliveries=0):
        self.srv = TocsinServer(tmp_path / "data")
        self.org = self.srv.init("Friends of the Park")
        self.srv.port = free_port()
        self.srv.write_config(server={"listen": f"127.0.0.1:{self.srv.port}"},
                              sections={"email": {"mail_domain": DOMAIN, "ingest_secret": SECRET}})
        self.srv.start()
        self.client = self.srv.client(self.org["api_key"])
        self.people = [self.client.signup(unique_email("rcpt"), email_status="subscribed") for _ in range(people)]
        self.srv.stop()
        self.message_id = str(uuid.uuid4())
        self.emails = [p["email_addresses"][0]["address"] for p in self.people]
        con = self.srv.db(write=True)
        try:
            org_id = self.org["org_id"]
            doc = {"id": self.message_id, "channel": "email", "status": "sent", "subject": "Rally on Saturday"}
            con.execute("INSERT INTO org_docs (org_id, kind, id, doc) VALUES (?, 'message', ?, ?)",
                        (org_id, self.message_id, json.dumps(doc)))
            for seq, p in enumerate(self.people):
                (h,) = con.execute("SELECT hash FROM contact_points WHERE org_id = ? AND channel = 0 AND person_id = ?",
                                   (org_id, an_id(p))).fetchone()
                self._delivery(con, seq, an_id(p), h, self.emails[seq])
            for i in range(extra_deliveries):  # recipients that only count in the denominator
                self._delivery(con, len(self.people) + i, str(uuid.uuid4()), uuid.uuid4().bytes * 2,
                               f"other{i}@example.net")
            con.commit()
        finally:
            con.close()

    def _delivery(self, con, seq, person_id, contact_hash, address):
        con.execute("INSERT INTO deliveries (org_id, message_id, seq, person_id, channel, contact_hash, address, state, "
                    "reason, attempts, next_at, handed_at, updated, gateway_id, events) "
                    "VALUES (?, ?, ?, ?, 0, ?, ?, ?, '', 1, 0, 1795489200000000, 1795489200000000, '', 0)",
                    (self.org["org_id"], self.message_id, seq, person_id, contact_hash, address, HANDED_OVER))

    def links(self, seq=0):
        r = self.srv.cli("mail-links", "--data", self.srv.data_dir, "--org", self.org["org_id"], "--message",
                         self.message_id, "--seq", seq)
        return json.loads(r.stdout)

    def fixture(self, name, seq=0):
        raw = (MAIL / name).read_bytes()
        links = self.links(seq)
        mailto_address = links["unsubscribe_mailto"][len("mailto:"):].split("?")[0]
        for k, v in {"BOUNCE": links["bounce_address"], "DELIVERY": links["delivery_header"],
                     "MESSAGE_ID": links["message_id"], "UNSUBSCRIBE": mailto_address,
                     "RCPT": self.emails[seq] if seq < len(self.emails) else "x@example.net"}.items():
            raw = raw.replace(("{{" + k + "}}").encode(), v.encode())
        return raw

    def ingest(self, raw: bytes, *args, expect=0):
        cmd = [self.srv.binary, "ingest-mail", "--data", str(self.srv.data_dir), *[str(a) for a in args]]
        r = subprocess.run(cmd, input=raw, capture_output=True, timeout=60, env=self.srv.proc_env)
        assert r.returncode == expect, f"exit {r.returncode}: {r.stdout!r} {r.stderr!r}"
        return json.loads(r.stdout.decode().strip().splitlines()[-1]) if expect == 0 else None

    def db(self, sql, *params):
        con = self.srv.db(write=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def delivery(self, seq=0):
        (state, reason, events), = self.db("SELECT state, reason, events FROM deliveries WHERE message_id = ? AND seq = ?",
                                           self.message_id, seq)
        return state, reason, events

    def ledger_count(self):
        return self.db("SELECT count(*) FROM ledger")[0][0]

    def email_status(self, seq=0):
        """The status as the API shows it (server running) or as the evidence command proves it (stopped)."""
        if self.srv.running():
            return self.client.person(an_id(self.people[seq]))["email_addresses"][0]["status"]
        return self.evidence(seq)["status"]

    def evidence(self, seq=0):
        r = self.srv.cli("evidence", "--data", self.srv.data_dir, "--org", self.org["org_id"], self.emails[seq])
        out = json.loads(r.stdout)
        return out.get("contact_point", out)

    def settings_doc(self):
        rows = self.db("SELECT doc FROM org_docs WHERE kind = 'messaging_settings'")
        return json.loads(self.srv.unseal(rows[0][0], "org_docs.doc")) if rows else {}


def form_of(html: str) -> dict:
    """The attributes of the page's form (entities decoded, as a browser reads them)."""
    found = {}

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "form":
                found.update(attrs)

    P().feed(html)
    return found


@pytest.fixture()
def blast(tmp_path):
    b = Blast(tmp_path)
    yield b
    b.srv.stop()


# ------------------------------------------------------------------------------------ one-click unsubscribe
def test_get_shows_a_confirmation_page_and_changes_nothing(blast):
    blast.srv.start()
    url = blast.links()["unsubscribe_url"]
    before = blast.ledger_count()
    for _ in range(3):  # scanners fetch more than once
        r = requests.get(url, allow_redirects=False, timeout=10)
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("text/html")
        assert "Friends of the Park" in r.text
        assert form_of(r.text) == {"method": "post", "action": url}
    assert blast.ledger_count() == before
    assert blast.email_status() == "subscribed"
    assert blast.delivery()[2] & UNSUBSCRIBED_EVENT == 0


def test_one_click_post_unsubscribes_durably_without_redirect(blast):
    blast.srv.start()
    url = blast.links()["unsubscribe_url"]
    assert url.startswith(blast.srv.base + "/unsubscribe/")
    before = blast.ledger_count()
    r = requests.post(url, data="List-Unsubscribe=One-Click", allow_redirects=False, timeout=10,
                      headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "GoogleOneClick/1.0"})
    assert r.status_code == 200, r.text
    assert "Location" not in r.headers
    assert "unsubscribed" in r.text.lower()
    assert blast.ledger_count() == before + 1
    assert blast.email_status() == "unsubscribed"
    assert blast.delivery()[2] & UNSUBSCRIBED_EVENT, "the delivery counts the unsubscribe for statistics"
    # The proof names the method, the message and the request's user agent; the token is not in it.
    blast.srv.stop()
    ev = json.dumps(blast.evidence())
    assert "one-click unsubscribe" in ev and blast.message_id in ev and "GoogleOneClick/1.0" in ev
    assert '"recipient"' in ev
    assert url.rsplit("/", 1)[1] not in ev
    # Durable: a restart still knows.
    blast.srv.start()
    assert blast.email_status() == "unsubscribed"
    # Replayed POST (and a multipart one, which RFC 8058 clients may send): 200, nothing written.
    for kw in ({"data": "List-Unsubscribe=One-Click"}, {"files": {"List-Unsubscribe": (None, "One-Click")}}, {}):
        r = requests.post(url, allow_redirects=False, timeout=10, **kw)
        assert r.status_code == 200 and "Location" not in r.headers
    assert blast.ledger_count() == before + 1


def test_forged_and_malformed_tokens_get_the_same_404(blast):
    blast.srv.start()
    url = blast.links()["unsubscribe_url"]
    token = url.rsplit("/", 1)[1]
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    before = blast.ledger_count()
    bodies = set()
    for bad in (flipped, token[:-2], "x", "A" * 90, token + "A"):
        for method in ("GET", "POST"):
            r = requests.request(method, blast.srv.base + "/unsubscribe/" + bad, data="List-Unsubscribe=One-Click",
                                 allow_redirects=False, timeout=10)
            assert r.status_code == 404, (bad, method, r.status_code)
            bodies.add(r.text)
    assert len(bodies) == 1, "no oracle: every invalid token gets the same answer"
    assert blast.ledger_count() == before
    assert blast.email_status() == "subscribed"


def test_unsubscribe_from_another_organizations_message_cannot_reach_this_one(tmp_path):
    b = Blast(tmp_path)
    try:
        other = b.srv.create_org("Other Org")
        # A valid token of this installation naming a person of org A under org B's id: verifies, but the
        # person is not B's; B has nothing to change and A is untouched.
        r = b.srv.cli("mail-links", "--data", b.srv.data_dir, "--org", other["org_id"], "--message", b.message_id,
                      "--seq", 0, "--person", an_id(b.people[0]))
        url = json.loads(r.stdout)["unsubscribe_url"]
        b.srv.start()
        before = b.ledger_count()
        assert requests.post(url, data="List-Unsubscribe=One-Click", timeout=10).status_code == 200
        assert b.ledger_count() == before
        assert b.email_status() == "subscribed"
    finally:
        b.srv.stop()


# ------------------------------------------------------------------------------------------------- ingest
CASES = [
    # fixture, outcome, email status after, delivery state after, reason contains
    ("postfix-hard-5.1.1.eml", "hard_bounce", "bouncing", BOUNCED, "5.1.1"),
    ("exim-hard-5.1.1.eml", "hard_bounce", "bouncing", BOUNCED, "5.0.0"),
    ("google-mailbox-full-5.2.2.eml", "soft_bounce", "subscribed", BOUNCED, "5.2.2"),
    ("postfix-delayed-4.4.1.eml", "soft_bounce", "subscribed", HANDED_OVER, "4.4.1"),
    ("microsoft-auth-5.7.515.eml", "sender_policy", "subscribed", BOUNCED, "sending domain"),
    ("yahoo-arf-abuse.eml", "complaint", "spam complaint", COMPLAINED, "Yahoo!-Mail-Feedback"),
    ("microsoft-jmrp-arf.eml", "complaint", "spam complaint", COMPLAINED, "Junk Mail Reporting"),
    ("validity-arf-original-mail-from.eml", "complaint", "spam complaint", COMPLAINED, "abuse"),
    ("rfc5965-not-spam.eml", "ignored", "subscribed", HANDED_OVER, ""),
    ("autoreply-out-of-office.eml", "ignored", "subscribed", HANDED_OVER, ""),
    ("mailto-unsubscribe.eml", "unsubscribe", "unsubscribed", HANDED_OVER, ""),
]


@pytest.mark.parametrize("name,outcome,status,state,reason", CASES, ids=[c[0] for c in CASES])
def test_ingest_mail_applies_each_report_shape(blast, name, outcome, status, state, reason):
    raw = blast.fixture(name)
    before = blast.ledger_count()
    out = blast.ingest(raw)
    assert out["outcome"] == outcome, out
    assert blast.email_status() == status
    got_state, got_reason, events = blast.delivery()
    assert got_state == state, (got_state, got_reason)
    assert reason in got_reason
    changed = status != "subscribed"
    assert blast.ledger_count() == before + (1 if changed else 0)
    if name.startswith("mailto"):
        assert events & UNSUBSCRIBED_EVENT
        assert "mailto unsubscribe" in json.dumps(blast.evidence())
    # The same report again (a reporter's duplicate, a Postfix retry) changes nothing more.
    again = blast.ingest(raw)
    assert again["outcome"] == outcome and again["status_changed"] is False
    assert blast.ledger_count() == before + (1 if changed else 0)


@pytest.mark.parametrize("name", ["malformed-binary.eml", "malformed-truncated-report.eml",
                                  "malformed-empty-boundary.eml"])
def test_malformed_input_is_ignored_and_changes_nothing(blast, name):
    before = blast.db("SELECT * FROM ledger"), blast.db("SELECT * FROM deliveries"), blast.db("SELECT * FROM org_docs")
    out = blast.ingest(blast.fixture(name))
    assert out["outcome"] == "ignored"
    out = blast.ingest(b"")
    assert out["outcome"] == "ignored"
    after = blast.db("SELECT * FROM ledger"), blast.db("SELECT * FROM deliveries"), blast.db("SELECT * FROM org_docs")
    assert after == before


def test_forged_bounce_address_changes_nothing(blast):
    raw = blast.fixture("postfix-hard-5.1.1.eml").decode()
    token = blast.links()["delivery_header"]
    forged = token[:30] + ("a" if token[30] != "a" else "b") + token[31:]
    out = blast.ingest(raw.replace(token, forged).encode())
    assert out["outcome"] == "ignored"
    assert blast.email_status() == "subscribed"


def test_three_soft_bounces_over_72_hours_make_the_address_bouncing(tmp_path):
    b = Blast(tmp_path, people=1)
    try:
        # Three more messages to the same person (soft bounces count once per delivery).
        first = b.message_id
        ids = [first]
        for _ in range(3):
            b.message_id = str(uuid.uuid4())
            ids.append(b.message_id)
            con = b.srv.db(write=True)
            con.execute("INSERT INTO org_docs (org_id, kind, id, doc) VALUES (?, 'message', ?, ?)",
                        (b.org["org_id"], b.message_id, json.dumps({"id": b.message_id, "status": "sent"})))
            (h,) = con.execute("SELECT hash FROM contact_points WHERE person_id = ?", (an_id(b.people[0]),)).fetchone()
            b._delivery(con, 0, an_id(b.people[0]), h, b.emails[0])
            con.commit()
            con.close()
        times = ["2026-11-24T03:00:00Z", "2026-11-25T03:00:00Z", "2026-11-26T03:00:00Z", "2026-11-27T03:00:00Z"]
        outs = []
        for mid, t in zip(ids, times):
            b.message_id = mid
            outs.append(b.ingest(b.fixture("postfix-delayed-4.4.1.eml"), "--now", t))
        assert [o["outcome"] for o in outs] == ["soft_bounce"] * 4
        assert [o["status_changed"] for o in outs] == [False, False, False, True], \
            "the third bounce spans only 48 h; the fourth makes 72 h"
        assert b.email_status() == "bouncing"
        assert "soft bounces over 72 h" in json.dumps(b.evidence())
    finally:
        b.srv.stop()


def test_complaint_rate_pauses_bulk_email(tmp_path):
    b = Blast(tmp_path, people=3, extra_deliveries=997)  # 1000 handed over
    try:
        outs = [b.ingest(b.fixture("yahoo-arf-abuse.eml", seq)) for seq in range(3)]
        assert [o["bulk_email_paused"] for o in outs] == [False, False, True]
        s = b.settings_doc()
        assert s["bulk_email_paused"] is True
        assert b.message_id in s["bulk_email_paused_reason"] and "0.30%" in s["bulk_email_paused_reason"]
        # The administrator's view shows it too.
        r = b.srv.cli("settings", "--data", b.srv.data_dir, "--org", b.org["org_id"])
        assert json.loads(r.stdout)["bulk_email_paused"] is True
    finally:
        b.srv.stop()


def test_one_complaint_of_a_small_blast_does_not_pause(tmp_path):
    b = Blast(tmp_path, people=1, extra_deliveries=9)
    try:
        assert b.ingest(b.fixture("yahoo-arf-abuse.eml"))["bulk_email_paused"] is False
        assert b.settings_doc().get("bulk_email_paused", False) is False
    finally:
        b.srv.stop()


# ------------------------------------------------------------------------------- with the server running
def test_http_ingest_needs_the_secret(blast):
    blast.srv.start()
    raw = blast.fixture("postfix-hard-5.1.1.eml")
    url = blast.srv.base + "/mail/inbound"
    for headers in ({}, {"X-Tocsin-Ingest-Secret": "wrong"}, {"X-Tocsin-Ingest-Secret": SECRET[:-1]}):
        r = requests.post(url, data=raw, headers=headers, timeout=10)
        assert r.status_code == 401 and "error" in r.json()
    assert blast.email_status() == "subscribed"
    r = requests.post(url, data=raw, headers={"X-Tocsin-Ingest-Secret": SECRET}, timeout=10)
    assert r.status_code == 200 and r.json()["outcome"] == "hard_bounce"
    assert blast.email_status() == "bouncing"
    r = requests.post(url, data=b"\x00garbage", headers={"X-Tocsin-Ingest-Secret": SECRET}, timeout=10)
    assert r.status_code == 200 and r.json()["outcome"] == "ignored"


def test_cli_hands_over_to_the_running_server(blast):
    """While the server holds the data directory, ingest-mail posts to it (its [server] listen address),
    and the server's serving state sees the change at once."""
    blast.srv.start()
    out = blast.ingest(blast.fixture("mailto-unsubscribe.eml"))
    assert out["outcome"] == "unsubscribe" and out["status_changed"] is True
    assert blast.email_status() == "unsubscribed"  # read from the running server's projection
    # --now is for the stopped-server path only.
    blast.ingest(blast.fixture("postfix-delayed-4.4.1.eml"), "--now", "2026-11-24T03:00:00Z", expect=64)


def test_unreachable_server_is_a_temporary_failure(blast):
    raw = blast.fixture("postfix-hard-5.1.1.eml")
    blast.ingest(raw, "--url", f"http://127.0.0.1:{free_port()}", expect=75)
    assert blast.email_status() == "subscribed"
