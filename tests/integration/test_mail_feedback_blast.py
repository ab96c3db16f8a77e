"""Reports about a real blast find their deliveries: a blast through /messages to smtp-sink (the dispatcher
sets the signed VERP envelope sender, X-Tocsin-Delivery, Message-ID and List-Unsubscribe from
email/bounce_address.h), then a one-click POST on one recipient's List-Unsubscribe URL, a Postfix-style DSN
to another's envelope sender and a Yahoo-style ARF quoting a third's headers — applied by `tocsin
ingest-mail` — and the message's statistics and the people's statuses show each."""
import re
import subprocess
from email import message_from_bytes
from email.policy import default as default_policy

import requests

from test_blast import create_message, setup_server, wait_status
from test_mail_feedback import MAIL

BOUNCE_RE = re.compile(rb"bounce\+[a-z2-7]{50}@mail\.example\.org")


def fill(name, values):
    raw = (MAIL / name).read_bytes()
    for k, v in values.items():
        raw = raw.replace(("{{" + k + "}}").encode(), v.encode())
    return raw


def test_reports_about_a_real_blast_reach_its_deliveries(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=3)
    with srv:
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_status(c, mid, "sent")
        dumps = [f.read_bytes() for f in sorted(sink.dump_dir.iterdir())]
        by_rcpt = {}
        for dump, raw in zip(dumps, sink.messages()):
            msg = message_from_bytes(raw, policy=default_policy)
            envelope = BOUNCE_RE.search(dump)
            assert envelope, "the envelope sender is the signed VERP address"
            by_rcpt[str(msg["To"])] = {"BOUNCE": envelope.group().decode(), "MESSAGE_ID": str(msg["Message-ID"]),
                                       "DELIVERY": str(msg["X-Tocsin-Delivery"]), "RCPT": str(msg["To"]),
                                       "LIST": str(msg["List-Unsubscribe"])}
        assert set(by_rcpt) == {"p0@example.net", "p1@example.net", "p2@example.net"}

        # p0: one click (the server speaks plain http behind the https public_url a proxy would serve).
        url = re.search(r"<(https://[^>]+/unsubscribe/[^>]+)>", by_rcpt["p0@example.net"]["LIST"]).group(1)
        r = requests.post(url.replace("https://", "http://"), data="List-Unsubscribe=One-Click",
                          allow_redirects=False, timeout=10)
        assert r.status_code == 200 and "Location" not in r.headers

    # p1 bounces, p2 complains: Postfix would pipe these to ingest-mail (the server is stopped: direct path).
    outcomes = []
    for name, rcpt in (("postfix-hard-5.1.1.eml", "p1@example.net"), ("yahoo-arf-abuse.eml", "p2@example.net")):
        r = subprocess.run([srv.binary, "ingest-mail", "--data", str(srv.data_dir), "--recipient",
                            by_rcpt[rcpt]["BOUNCE"]], input=fill(name, by_rcpt[rcpt]), capture_output=True,
                           timeout=60, env=srv.proc_env)
        assert r.returncode == 0, r.stderr
        outcomes.append(srv.json_line(r.stdout.decode())["outcome"])
    assert outcomes == ["hard_bounce", "complaint"]

    srv.start()
    with srv:
        stats = c.get(f"messages/{mid}").json()["statistics"]
        assert (stats["unsubscribed"], stats["bounced"], stats["spam_reports"]) == (1, 1, 1), stats
        statuses = {p["email_addresses"][0]["address"]: p["email_addresses"][0]["status"]
                    for p in c.all_pages("people", "osdi:people")}
        assert statuses["p0@example.net"] == "unsubscribed"
        assert statuses["p1@example.net"] == "bouncing"
        assert statuses["p2@example.net"] == "spam complaint"
