"""The preference-center link in autoresponses and re-subscription confirmation emails (issue #12): both are
composed as blasts are (messaging/compose.h), so their footer carries the same /my/{token} link. Read from the
raw .eml files the outbox transport wrote; the link opens the recipient's own preference center (200, their
subscriptions, the address the mail went to in full and their other contact point masked, as the page shows
them)."""
import json
import re
import time
from email import message_from_bytes
from email.policy import default as default_policy
from html import unescape

import requests

from tocsin_server import TocsinServer, an_id, primary_email

DOMAIN = "example.org"
PHONE = "+12025550143"
AUTORESPONSE = {"subject": "Thanks, {{given_name}}", "body": "<p>Thank you for signing, {{given_name}}.</p>",
                "from": "Friends of the Bay", "from_address": f"team@{DOMAIN}", "reply_to": f"team@{DOMAIN}"}


def mails_to(srv, address):
    out = []
    for f in sorted((srv.data_dir / "outbox").glob("*.eml")):
        msg = message_from_bytes(f.read_bytes(), policy=default_policy)
        if str(msg["To"]) == address:
            out.append(msg)
    return out


def wait_for_mail(srv, address, timeout=30):
    deadline = time.monotonic() + timeout
    while not mails_to(srv, address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.2)
    return mails_to(srv, address)


def preference_link(srv, msg):
    """The footer's link in the HTML part, the same URL in the text part; as a URL of the server under test."""
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r'<a href="([^"]+/my/[A-Za-z0-9_-]+)">Manage your preferences</a>', html)
    assert m, html
    url = unescape(m.group(1))
    assert url.startswith(srv.base + "/my/"), url
    assert f"Your preferences: {url}" in text
    return url


def test_autoresponse_and_confirmation_link_the_preference_center(tmp_path, local_dns):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Friends of the Bay")
    data = str(srv.data_dir)
    srv.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", data, "--org", org["org_id"], DOMAIN).stdout)
    dns = local_dns({added["dns_name"]: added["dns_value"]})
    verified = srv.json_line(srv.cli("domain", "verify", "--data", data, "--org", org["org_id"], DOMAIN,
                                     "--dns", dns.forwarder).stdout)
    assert verified["verified"], verified
    created = srv.json_line(srv.cli("actions", "create", "--data", data, "--org", org["org_id"], "--kind",
                                    "petitions", "--json",
                                    json.dumps({"title": "Clean air", "tocsin:autoresponse": AUTORESPONSE})).stdout)
    srv.write_config()
    srv.start()
    with srv:
        api = srv.client(org["api_key"])
        # Ada has an email address and a phone number; she signs and asks for the autoresponse.
        ada = "ada@example.net"
        r = api.post("people", json={"person": {"email_addresses": [{"address": ada, "status": "subscribed"}],
                                                "phone_numbers": [{"number": PHONE, "status": "unsubscribed"}]}})
        assert r.status_code == 200, r.text
        r = api.post(f"petitions/{created['id']}/signatures",
                     json={"person": {"given_name": "Ada", "email_addresses": [{"address": ada}]},
                           "triggers": {"autoresponse": {"enabled": True}}})
        assert r.status_code == 200, r.text
        msg = wait_for_mail(srv, ada)[0]
        assert str(msg["Subject"]) == "Thanks, Ada"
        page = requests.get(preference_link(srv, msg), timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        html = page.text
        assert "Your subscriptions: Friends of the Bay" in html
        # The address the link was sent to in full, the other contact point masked.
        assert ada in html and PHONE not in html and "•••43" in html
        assert 'id="status-email">Subscribed<' in html

        # Bob unsubscribed; a keyless signup for his address sends him a confirmation, with the same footer.
        bob = "bob@example.net"
        r = api.post("people", json={"person": {"email_addresses": [{"address": bob, "status": "subscribed"}]}})
        assert r.status_code == 200, r.text
        bob_id = an_id(r.json())
        r = api.put(f"people/{bob_id}", json={"email_addresses": [{"address": bob, "status": "unsubscribed"}]})
        assert r.status_code == 200, r.text
        anon = srv.client(None)
        assert anon.post("people", json={"person": {"email_addresses": [{"address": bob,
                                                                          "status": "subscribed"}]}}
                         ).status_code == 200
        conf = wait_for_mail(srv, bob)[0]
        assert "/resubscribe/" in unescape(conf.get_body(("html",)).get_content())  # mstch escapes "/"
        page = requests.get(preference_link(srv, conf), timeout=10)
        assert page.status_code == 200
        assert bob in page.text and ada not in page.text  # his page, not anyone else's
        assert 'id="status-email">Not subscribed<' in page.text  # still unsubscribed until he confirms
        assert primary_email(api.person(bob_id))["status"] == "unsubscribed"
