"""Consent that cannot be forged: a keyless re-subscription of an opted-out address waits for its owner's
confirmation by email (messaging/resubscribe_confirmation.h), and the property that every path that can set
`subscribed` carries evidence naming who, where and how (people/subscribe_rule.h)."""
import re
from html import unescape
import time
from email import message_from_bytes
from email.policy import default as default_policy

import requests

from fixtures.twilio_standin import TwilioStandIn
from sms_setup import BRAND, FREQUENCY, SENDER, SUPPORT
from test_blast import setup_server
from test_sms_keywords import ACCOUNT, TOKEN, twilio_post, twilio_sign
from tocsin_server import TEST_ATTESTATION, an_id, primary_email, primary_phone

SMS_DISCLOSURE = {"program_name": "Rally Alerts", "message_frequency": "Up to 4 msgs/mo",
                  "rates": "Msg & data rates may apply", "help": "Text HELP for help",
                  "stop": "Text STOP to cancel", "terms_url": "https://example.org/terms",
                  "privacy_url": "https://example.org/privacy"}
OPT_OUTS = (2, 3, 4, 5, 6)  # consent::Status: unsubscribed .. previous spam complaint
SUBSCRIBED, EMAIL, SMS = 1, 0, 1


def wait_for(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def mails_to(sink, address):
    try:
        raws = sink.messages()
    except StopIteration:  # a dump file smtp-sink is still writing
        return []
    out = []
    for raw in raws:
        m = message_from_bytes(raw, policy=default_policy)
        if address in str(m["To"]):
            out.append(m)
    return out


def confirm_link(message):
    html = unescape(message.get_body(("html",)).get_content())  # the renderer escapes merge values
    return re.search(r'href="(https?://[^"]+/resubscribe/[A-Za-z0-9_-]+)"', html).group(1)


def unsubscribe(c, person_id, address):
    r = c.put(f"people/{person_id}", json={"email_addresses": [{"address": address, "status": "unsubscribed"}]})
    assert r.status_code == 200, r.text


def email_entries(c, person_id):
    proof = c.ok("GET", f"people/{person_id}/consent")
    return next(cp for cp in proof["contact_points"] if cp["channel"] == "email")["entries"]


def test_keyless_resubscription_waits_for_the_owners_confirmation(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, _ = setup_server(tmp_path, smtp_sink, local_dns, people=0)
    anon = srv.client(None)
    with srv:
        address, other = "back@example.net", "other@example.net"
        pid = an_id(c.signup(address, given="Back"))
        other_pid = an_id(c.signup(other))
        unsubscribe(c, pid, address)
        unsubscribe(c, other_pid, other)

        assert anon.post("people", json={"person": {"email_addresses": [{"address": address, "status": "subscribed"}]}}
                         ).status_code == 200
        assert primary_email(c.person(pid))["status"] == "unsubscribed", "a keyless post never undoes an opt-out"
        mail = wait_for(lambda: mails_to(sink, address), "the confirmation email")[0]
        assert "confirm" in mail["Subject"].lower() and "List-Unsubscribe" in mail
        link = confirm_link(mail)
        token = link.rsplit("/", 1)[1]

        # A second request the same day sends nothing more. The worker is first in, first out: once the mail
        # for `other`, asked after it, has arrived, a second one to `address` would be there too.
        anon.post("people", json={"person": {"email_addresses": [{"address": address, "status": "subscribed"}]}})
        anon.post("people", json={"person": {"email_addresses": [{"address": other, "status": "subscribed"}]}})
        wait_for(lambda: mails_to(sink, other), "the confirmation to the other address")
        assert len(mails_to(sink, address)) == 1

        # Fetching the link (a scanner, a preview) changes nothing; the button's POST does.
        page = requests.get(f"{srv.base}/resubscribe/{token}", timeout=10)
        assert page.status_code == 200 and "<form" in page.text and address in page.text
        assert primary_email(c.person(pid))["status"] == "unsubscribed"
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        assert requests.post(f"{srv.base}/resubscribe/{forged}", timeout=10).status_code == 404
        r = requests.post(f"{srv.base}/resubscribe/{token}", headers={"User-Agent": "confirming-browser"}, timeout=10)
        assert r.status_code == 200, r.text
        assert primary_email(c.person(pid))["status"] == "subscribed"
        entry = email_entries(c, pid)[-1]
        assert (entry["old_status"], entry["new_status"]) == ("unsubscribed", "subscribed")
        assert entry["actor"] == "recipient" and token in entry["source"] and "confirmed" in entry["method"]
        assert entry["ip"] == "127.0.0.1" and entry["user_agent"] == "confirming-browser" and entry["verified"]
        assert requests.post(f"{srv.base}/resubscribe/{token}", timeout=10).status_code == 404, "a link is spent once"
        # An unsubscribe link's token never confirms a re-subscription (the purpose is under the MAC).
        unsub = re.search(r"/unsubscribe/([A-Za-z0-9_-]+)", mail["List-Unsubscribe"]).group(1)
        assert requests.post(f"{srv.base}/resubscribe/{unsub}", timeout=10).status_code == 404
        def states():
            with srv.db() as db:
                return [s for (s,) in db.execute("SELECT state FROM deliveries WHERE person_id = ?", (pid,))]
        wait_for(lambda: states() == [3], f"the confirmation's delivery row handed over: {states()}")


def test_every_path_that_sets_subscribed_carries_evidence(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, _ = setup_server(tmp_path, smtp_sink, local_dns, people=0)
    srv.stop()
    d, oid = str(srv.data_dir), org["org_id"]
    srv.cli("settings", "--data", d, "--org", oid, "--brand", BRAND, "--support", SUPPORT, "--frequency", FREQUENCY)
    srv.cli("sender", "add", "--data", d, "--org", oid, SENDER, "--type", "10dlc", "--registered",
            "--campaign", "CTEST001")
    csv = tmp_path / "people.csv"
    csv.write_text("email,mobile,sms_opt_in\nimported@example.net,(202) 555-0170,yes\n")
    srv.cli("import", "--data", d, "--org", oid, csv, "--source", "https://example.org/fair v1",
            "--consent-date", "2024-05-01", "--consent-method", "paper form")
    config = (srv.data_dir / "tocsin.toml").read_text()
    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        (srv.data_dir / "tocsin.toml").write_text(
            config + f'\n[sms]\ngateway = "twilio"\ntwilio_base_url = "{tw.base_url}"\n'
                     f'twilio_account_sid = "{ACCOUNT}"\ntwilio_auth_token = "{TOKEN}"\n')
        srv.start()
        with srv:
            anon = srv.client(None)
            # Keyless signup helper: a new address, and a phone that must not be subscribed by it.
            anon.post("people", json={"person": {"email_addresses": [{"address": "keyless@example.net"}],
                                                 "phone_numbers": [{"number": "2025550171", "status": "subscribed"}]}})
            # Keyed signup helper with the key's attestation.
            keyed = c.signup("keyed@example.net", "2025550172", phone_status="subscribed")
            assert primary_phone(keyed)["status"] == "subscribed"
            # PUT: an opt-out and a re-subscription by the key.
            unsubscribe(c, an_id(keyed), "keyed@example.net")
            r = c.put(f"people/{an_id(keyed)}", json={"email_addresses": [{"status": "subscribed"}],
                                                      "tocsin:consent": TEST_ATTESTATION})
            assert primary_email(r.json())["status"] == "subscribed"
            # Keyless record helper through an action with a complete SMS disclosure.
            pid = an_id(c.ok("POST", "petitions", json={"title": "Rally", "tocsin:sms_disclosure": SMS_DISCLOSURE}))
            anon.post(f"petitions/{pid}/signatures", json={"person": {
                "email_addresses": [{"address": "signer@example.net"}],
                "phone_numbers": [{"number": "2025550173", "status": "subscribed"}]}})
            # The owner's confirmation of a keyless re-subscription.
            keyless = c.ok("GET", "people", params={"filter": "email_address eq 'keyless@example.net'"}
                           )["_embedded"]["osdi:people"][0]
            unsubscribe(c, an_id(keyless), "keyless@example.net")
            anon.post("people", json={"person": {"email_addresses": [{"address": "keyless@example.net",
                                                                      "status": "subscribed"}]}})
            link = confirm_link(wait_for(lambda: mails_to(sink, "keyless@example.net"), "the confirmation")[0])
            assert requests.post(f"{srv.base}/resubscribe/{link.rsplit('/', 1)[1]}", timeout=10).status_code == 200
            # STOP, then START from the phone (Twilio's signed webhook).
            url = f"{srv.base}/sms/twilio/inbound"
            public = f"https://127.0.0.1:{srv.port}/sms/twilio/inbound"
            for i, body in enumerate(["STOP", "START"]):
                fields = {"MessageSid": f"SM{i:032d}", "AccountSid": ACCOUNT, "From": "+12025550172", "To": SENDER,
                          "Body": body, "NumMedia": "0"}
                assert twilio_post(url, fields, twilio_sign(public, fields)).status_code == 200
            assert primary_phone(c.person(an_id(keyed)))["status"] == "subscribed"

    with srv.db() as db:
        rows = db.execute("SELECT channel, old_status, actor, source, method, disclosure_hash FROM ledger "
                          "WHERE new_status = ?", (SUBSCRIBED,)).fetchall()
    methods = [r[4] for r in rows]
    for path in ("paper form", "blind signup helper", "attested by the API key", "record signature helper",
                 "re-subscription confirmed", "sms keyword START"):
        assert any(path in m for m in methods), f"no subscription through {path!r}: {methods}"
    for channel, old, actor, source, method, disclosure_hash in rows:
        what = f"{channel=} {old=} {actor=} {source=} {method=}"
        assert actor and source and method, f"evidence incomplete: {what}"
        if channel == SMS:  # a disclosure shown, an attestation by a key or an import, or the phone's own START
            assert disclosure_hash or actor.startswith(("api_key:", "import:", "recipient")), what
        if old in OPT_OUTS:  # an opt-out is undone only by its owner, a key or an import
            assert actor != "anonymous", what
    assert not any(r[0] == SMS and r[2] == "anonymous" and not r[5] for r in rows)
