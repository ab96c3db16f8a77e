"""Advocacy letters delivered to their targets (issue #12, docs/PAGES.md "Delivering letters"), on SQLite and
PostgreSQL: a supporter sends a campaign's letter from its hosted page; each target with an email address gets
one email, read here as the raw .eml bytes the outbox transport wrote (From the supporter's name at the
organization's verified domain, Reply-To the supporter, To the target, DKIM verified by python3-dkim against
the local DNS, the letter as sent + the signature block, no List-Unsubscribe); a target without an address
gets nothing and the outreach's `tocsin:deliveries` says why; a suspended organization's letters are not sent
(blocked, org_suspended); the per-target daily limit; a card number in an edited letter is blocked by content
screening; another organization neither sees the outreach nor sends from A's domain; a target's bad address
is refused at create. The same letter through a private Postfix relay into smtp-sink still verifies."""
import html as htmllib
import re
import time

import dkim
import pytest
import requests

from mail_servers import LocalDns, sending_domain_records
from tocsin_server import TocsinServer, an_id, unique_email

DOMAIN = "example.org"
LETTER = {"subject": "Please vote no", "body": "Dear Senator,\nPlease vote no on bill 12345.\nThank you."}
JILL = {"title": "Senator", "given_name": "Jill", "family_name": "Black", "email": "Jill.Black@Senate.example"}
SAM = {"title": "Governor", "given_name": "Sam", "family_name": "Green"}  # no address
LIMIT = 3  # [limits] letters_per_target_per_day


def ready_org(srv, org, work):
    """A postal address and a verified sending domain whose DNS stays up, for the DKIM check of what left."""
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", org["org_id"], DOMAIN).stdout)
    dns = LocalDns(work / "dns", sending_domain_records(added)).start()
    verified = srv.json_line(srv.cli("domain", "verify", "--data", data, "--org", org["org_id"], DOMAIN,
                                     "--dns", dns.forwarder).stdout)
    assert verified["verified"], verified
    return dns


def dkim_verifier(dns):
    resolver = dns.resolver()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return b"".join(b"".join(rr.strings) for rr in resolver.resolve(name.rstrip("."), "TXT"))

    return lambda raw: dkim.verify(raw, dnsfunc=dnsfunc)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("letters")
    srv = TocsinServer(work / "data")
    org = srv.init("Friends of the Bay")
    other = srv.create_org("Other Org")
    dns = ready_org(srv, org, work)
    srv.write_config(limits={"letters_per_target_per_day": LIMIT},
                     sections={"email": {"smtp_host": "", "outbox_dir": str(work / "outbox"),
                                         "mail_domain": "mail.example.org"}})
    srv.outbox = work / "outbox"
    srv.start()
    srv.org_id = org["org_id"]
    srv.other_api = srv.client(other["api_key"])
    srv.verify = dkim_verifier(dns)
    yield srv, srv.client(org["api_key"])
    srv.stop()
    dns.stop()


def form_of(html):
    html = html.split("<main>")[1]
    form = {"csrf": re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}
    # An editable letter's fields come prefilled; a browser posts them as shown.
    if m := re.search(r'name="letter_subject" type="text" value="([^"]*)"', html):
        form["letter_subject"] = htmllib.unescape(m.group(1))
    if m := re.search(r'name="letter_body"[^>]*>(.*?)</textarea>', html, re.S):
        form["letter_body"] = htmllib.unescape(m.group(1))
    return form


def campaign(api, targets, editable=True, title="Vote no on 12345"):
    return api.ok("POST", "advocacy_campaigns", json={"title": title, "targets": targets, "type": "email",
                                                      "tocsin:letter": LETTER, "tocsin:letter_editable": editable})


def send_letter(c, name="Ada Lovelace", zip_code="94110", **typed):
    s = requests.Session()
    html = s.get(c["browser_url"]).text
    email = unique_email("constituent")
    data = {**form_of(html), "name": name, "email": email, "zip": zip_code, **typed}
    r = s.post(c["browser_url"], data=data, allow_redirects=False)
    assert r.status_code == 303, r.text
    return email


def mails(outbox, to):
    """Raw bytes of the outbox's mails whose To names `to`."""
    return [f.read_bytes() for f in sorted(outbox.glob("*.eml"))
            if re.search(rb"^To: .*" + re.escape(to.encode()), f.read_bytes(), re.M | re.I)]


def outreach_of(api, c, email):
    for o in api.ok("GET", f"advocacy_campaigns/{an_id(c)}/outreaches")["_embedded"]["osdi:outreaches"]:
        person = api.ok("GET", f"people/{o['action_network:person_id']}")
        if any(e["address"] == email for e in person["email_addresses"]):
            return api.ok("GET", f"advocacy_campaigns/{an_id(c)}/outreaches/{an_id(o)}")
    raise AssertionError(f"no outreach by {email}")


def settled(api, c, email, timeout=15):
    """The outreach once no letter of it is queued or being handed over."""
    deadline = time.time() + timeout
    while True:
        o = outreach_of(api, c, email)
        states = [d["state"] for d in o.get("tocsin:deliveries", [])]
        if states and not {"queued", "handing"} & set(states):
            return o
        assert time.time() < deadline, o
        time.sleep(0.1)


def header(raw, name):
    head = raw.split(b"\r\n\r\n")[0].decode()
    m = re.search(rf"^{name}: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M)
    return m and re.sub(r"\r\n[ \t]", " ", m.group(1))


def test_the_letter_goes_to_each_target_with_an_address(site):
    srv, api = site
    c = campaign(api, [JILL, SAM])
    assert c["targets"][0]["email"] == JILL["email"]
    edited = "Dear Senator Black,\nI live in your district. Please vote no on 12345.\n"
    ada = send_letter(c, letter_subject="From a constituent", letter_body=edited.replace("\n", "\r\n"))
    o = settled(api, c, ada)
    assert o["message"] == edited and o["subject"] == "From a constituent"
    jill = "Jill.Black@senate.example"  # normalized (core/contact_point.h): the domain lower-cased, the local part as typed
    assert o["tocsin:deliveries"][0]["target"] == "Senator Jill Black"
    assert o["tocsin:deliveries"][0]["email"] == jill
    assert o["tocsin:deliveries"][0]["state"] == "handed_over" and "handed_at" in o["tocsin:deliveries"][0]
    assert o["tocsin:deliveries"][1] == {"target": "Governor Sam Green", "state": "suppressed",
                                         "reason": "no_email_address"}
    sent = [raw for raw in mails(srv.outbox, jill) if ada.encode() in raw]
    assert len(sent) == 1
    raw = sent[0]
    assert header(raw, "From") == f'"Ada Lovelace" <no-reply@{DOMAIN}>' or \
        header(raw, "From") == f"Ada Lovelace <no-reply@{DOMAIN}>", header(raw, "From")
    assert header(raw, "Reply-To") == ada
    assert jill in header(raw, "To") and "Senator Jill Black" in header(raw, "To")
    assert header(raw, "Subject") == "From a constituent"
    assert header(raw, "List-Unsubscribe") is None  # not a list message
    assert header(raw, "DKIM-Signature") and f"d={DOMAIN}" in header(raw, "DKIM-Signature")
    assert srv.verify(raw), raw[:2000].decode()
    body = raw.split(b"\r\n\r\n", 1)[1].decode().replace("\r\n", "\n")
    assert body.startswith(edited.rstrip("\n") + "\n\nAda Lovelace\n94110\n\n--\nSent by Ada Lovelace <" + ada +
                           "> through Friends of the Bay's campaign \"Vote no on 12345\""), body
    # Nothing to the target without an address, and the mail names no other person.
    assert not [f for f in srv.outbox.glob("*.eml") if b"Governor" in f.read_bytes()]
    # Another organization can see neither the outreach nor its deliveries.
    path = f"advocacy_campaigns/{an_id(c)}/outreaches/{an_id(o)}"
    assert srv.other_api.get(path).status_code == 404


def test_a_fixed_letter_goes_as_written(site):
    srv, api = site
    c = campaign(api, [JILL], editable=False, title="Fixed letter")
    ada = send_letter(c, letter_body="Forged text")
    o = settled(api, c, ada)
    assert o["tocsin:deliveries"][0]["state"] == "handed_over"
    raw = [r for r in mails(srv.outbox, "jill.black@senate.example") if ada.encode() in r][0]
    assert b"Forged text" not in raw and b"Please vote no on bill 12345." in raw
    assert header(raw, "Subject") == LETTER["subject"]
    assert srv.verify(raw)


def test_a_suspended_organizations_letters_are_not_sent(site):
    srv, api = site
    c = campaign(api, [{"title": "Mayor", "email": "mayor@city.example"}], title="Suspended")
    srv.cli("org", "suspend", "--data", str(srv.data_dir), "--org", srv.org_id, "--reason", "abuse report 9")
    try:
        time.sleep(2)  # the CLI's change reaches the running server within a second
        ada = send_letter(c)
        o = settled(api, c, ada)
        assert o["tocsin:deliveries"] == [{"target": "Mayor", "email": "mayor@city.example", "state": "blocked",
                                           "reason": "org_suspended"}]
        assert not mails(srv.outbox, "mayor@city.example")
    finally:
        srv.cli("org", "unsuspend", "--data", str(srv.data_dir), "--org", srv.org_id)
        time.sleep(2)
    bob = send_letter(c, name="Bob")
    assert settled(api, c, bob)["tocsin:deliveries"][0]["state"] == "handed_over"
    assert len(mails(srv.outbox, "mayor@city.example")) == 1


def test_a_target_gets_at_most_the_daily_limit(site):
    srv, api = site
    target = {"title": "Clerk", "email": "clerk@county.example"}
    c = campaign(api, [target], title="Flood")
    senders = [send_letter(c, name=f"Person {i}") for i in range(LIMIT + 1)]
    states = [settled(api, c, e)["tocsin:deliveries"][0] for e in senders]
    assert [s["state"] for s in states[:LIMIT]] == ["handed_over"] * LIMIT
    assert states[LIMIT]["state"] == "suppressed" and states[LIMIT]["reason"] == "target_daily_limit"
    assert len(mails(srv.outbox, "clerk@county.example")) == LIMIT
    # Another target of the same organization is not affected.
    c2 = campaign(api, [{"title": "Other clerk", "email": "clerk2@county.example"}], title="Flood 2")
    assert settled(api, c2, send_letter(c2))["tocsin:deliveries"][0]["state"] == "handed_over"


def test_content_screening_reads_the_letter(site):
    srv, api = site
    c = campaign(api, [{"title": "Treasurer", "email": "treasurer@city.example"}], title="Screened")
    ada = send_letter(c, letter_body="My card is 4111 1111 1111 1111, charge it.")
    d = settled(api, c, ada)["tocsin:deliveries"][0]
    assert d["state"] == "blocked" and d["reason"] == "content_blocked", d
    assert not mails(srv.outbox, "treasurer@city.example")


def test_another_organization_cannot_send_from_a_domain_it_has_not_verified(site):
    srv, api = site
    other = srv.other_api
    r = other.post("advocacy_campaigns", json={"title": "B's campaign", "targets": [{"title": "Mayor",
                                                                                     "email": "b-mayor@city.example"}],
                                               "tocsin:letter": LETTER})
    assert r.status_code == 200, r.text
    c = r.json()
    ada = send_letter(c)
    d = settled(other, c, ada)["tocsin:deliveries"][0]
    assert d["state"] == "blocked" and d["reason"] == "sender_domain_unverified", d
    assert not mails(srv.outbox, "b-mayor@city.example")
    # A's key cannot read B's outreaches either.
    assert api.get(f"advocacy_campaigns/{an_id(c)}/outreaches").status_code == 404


def test_a_target_address_that_is_not_one_is_refused(site):
    _, api = site
    r = api.post("advocacy_campaigns", json={"title": "Bad", "targets": [{"title": "X", "email": "not an address"}]})
    assert r.status_code == 400 and "targets" in r.json()["error"]


def test_through_a_private_postfix_relay(tmp_path, smtp_sink, postfix_relay):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Friends of the Bay")
    dns = ready_org(srv, org, tmp_path)
    try:
        sink = smtp_sink()
        relay = postfix_relay(sink.port)
        srv.write_config(sections={"email": {"smtp_host": "127.0.0.1", "smtp_port": relay.port,
                                             "smtp_starttls": "off", "mail_domain": "mail.example.org"}})
        srv.start()
        with srv:
            api = srv.client(org["api_key"])
            c = campaign(api, [JILL])
            ada = send_letter(c)
            assert settled(api, c, ada)["tocsin:deliveries"][0]["state"] == "handed_over"
            relay.wait_log(r"status=sent", count=1)
            messages = sink.messages()
            assert len(messages) == 1
            raw = messages[0]
            assert b"Received: " in raw  # Postfix's own header above the signed ones
            assert header(raw, "Reply-To") == ada
            assert dkim_verifier(dns)(raw)
    finally:
        dns.stop()
