"""Autoresponses: a record helper POST with triggers.autoresponse.enabled on an action that has one configured
(`tocsin actions create` with tocsin:autoresponse) sends one thank-you email through the gate and the SMTP
relay, DKIM-signed with the footer and unsubscribe links; a repeat or a restart never sends it twice; an
address the gate refuses gets nothing and the delivery row says why; API-created actions never autorespond."""
import json
import time
from email import message_from_bytes
from email.policy import default as default_policy

import dkim

from test_blast import setup_server

AUTORESPONSE = {"subject": "Thanks, {{given_name}}{{^given_name}}friend{{/given_name}}",
                "body": "<p>Thank you for signing, {{given_name}}.</p>", "from": "Progressive Action",
                "from_address": "team@example.org", "reply_to": "team@example.org"}


def sign(c, pid, address, given="Ada", autoresponse=True):
    body = {"person": {"given_name": given, "email_addresses": [{"address": address, "status": "subscribed"}]},
            "triggers": {"autoresponse": {"enabled": autoresponse}}}
    r = c.post(f"petitions/{pid}/signatures", json=body)
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def to_addresses(sink):
    return [str(message_from_bytes(raw, policy=default_policy)["To"]) for raw in sink.messages()]


def wait_for(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def delivery_of(srv, record_id):
    with srv.db() as db:
        return db.execute("SELECT state, reason FROM deliveries WHERE message_id = ? AND seq = 0",
                          (record_id,)).fetchone()


def test_record_helper_autoresponse_is_sent_once_through_the_gate(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=0)
    srv.stop()  # the administrator's CLI needs the data directory to itself
    created = srv.json_line(srv.cli("actions", "create", "--data", str(srv.data_dir), "--org", org["org_id"],
                                    "--kind", "petitions", "--json",
                                    json.dumps({"title": "Clean air", "tocsin:autoresponse": AUTORESPONSE})).stdout)
    bad = srv.cli("actions", "create", "--data", str(srv.data_dir), "--org", org["org_id"], "--kind", "petitions",
                  "--json", json.dumps({"title": "x", "tocsin:autoresponse": {"subject": "no body"}}), check=False)
    assert bad.returncode != 0 and "subject and a body" in bad.stderr
    # Its subject, from and reply-to become mail headers: a control character is refused (issue #10 item 8).
    for field, value in [("subject", "Thanks\r\nBcc: all@example.net"), ("from", "Team\n"),
                         ("reply_to", "team@example.org\r\nX-Evil: 1")]:
        injected = srv.cli("actions", "create", "--data", str(srv.data_dir), "--org", org["org_id"], "--kind",
                           "petitions", "--json",
                           json.dumps({"title": "x", "tocsin:autoresponse": {**AUTORESPONSE, field: value}}),
                           check=False)
        assert injected.returncode != 0 and "control characters" in injected.stderr, (field, injected.stderr)
    pid = created["id"]
    srv.start()
    with srv:
        # An action created through the API cannot carry one: the field is not read there.
        api_pid = c.post("petitions", json={"title": "API", "tocsin:autoresponse": AUTORESPONSE}).json()
        assert "tocsin:autoresponse" not in api_pid
        api_pid = api_pid["identifiers"][0].split(":")[1]
        assert c.get(f"petitions/{pid}").json()["tocsin:autoresponse"]["subject"] == AUTORESPONSE["subject"]

        record = sign(c, pid, "ada@example.net")
        wait_for(lambda: len(sink.messages()) == 1, "the autoresponse reached the relay")
        raw = sink.messages()[0]
        msg = message_from_bytes(raw, policy=default_policy)
        assert str(msg["To"]) == "ada@example.net" and str(msg["Subject"]) == "Thanks, Ada"
        assert "team@example.org" in str(msg["From"])
        html = msg.get_body(("html",)).get_content()
        assert "Thank you for signing, Ada." in html and "1 Main St, Springfield" in html and "/unsubscribe/" in html
        assert "<mailto:unsubscribe+" in str(msg["List-Unsubscribe"])
        resolver = dns.resolver()
        assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: b"".join(
            b"".join(rr.strings) for rr in resolver.resolve((name.decode() if isinstance(name, bytes) else name)
                                                            .rstrip("."), "TXT")))
        assert delivery_of(srv, record) == (3, "")  # handed over

        # The same person again (the signature is updated, not added) and a request without the trigger.
        assert sign(c, pid, "ada@example.net") == record
        sign(c, pid, "bob@example.net", given="Bob", autoresponse=False)
        sign(c, api_pid, "cy@example.net", given="Cy")  # asked, but the action has no autoresponse
        time.sleep(2)
        assert to_addresses(sink) == ["ada@example.net"], "never twice, only when asked and configured"

        # A suppressed address: the gate refuses, the row says why, nothing is sent.
        srv.cli("suppress", "--data", str(srv.data_dir), "--platform", "dee@example.net", "--reason", "abuse")
        time.sleep(1.5)  # the server picks up platform suppressions every second
        refused = sign(c, pid, "dee@example.net", given="Dee")
        wait_for(lambda: delivery_of(srv, refused) is not None, "the refusal is recorded")
        assert delivery_of(srv, refused) == (8, "platform_suppressed")
        assert "not sent: platform_suppressed" in srv.log_tail()

    # A restart sends nothing again.
    srv.start()
    with srv:
        time.sleep(2)
        assert to_addresses(sink) == ["ada@example.net"]
        assert delivery_of(srv, record) == (3, "")
