"""A blast through /messages end to end: preflight, send, DKIM-signed delivery to a real smtp-sink (verified by
python3-dkim against a local dnsmasq), statistics, and resumption after kill -9 without duplicates."""
import json
import os
import signal
import time
from email import message_from_bytes
from email.policy import default as default_policy

import dkim

from mail_servers import sending_domain_records
from tocsin_server import TocsinServer, free_port

DOMAIN = "example.org"


def setup_server(tmp_path, smtp_sink, local_dns, people=30, per_second=0, init_flags=(), sink=None, smtp_port=None,
                 email=None, port=None, sections=None, scheme="https"):
    """`scheme`: of the public URL (the console's cookies are `Secure` under https, which a test client talking
    plain http to the server would not send back); `init_flags`: for `tocsin init` (e.g. "--gdpr"); `sink`: an SmtpSink already started; `smtp_port`: where
    tocsin hands mail (default: the sink; e.g. a Postfix relay in front of it); `email`: more [email] keys;
    `port`: the server's port (default: a free one); `sections`: further tocsin.toml tables."""
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A", *init_flags)
    srv.cli("settings", "--data", str(srv.data_dir), "--org", org["org_id"], "--postal-address",
            "1 Main St, Springfield, IL 62701")
    added = srv.json_line(srv.cli("domain", "add", "--data", str(srv.data_dir), "--org", org["org_id"], DOMAIN).stdout)
    dns = local_dns(sending_domain_records(added))
    verified = srv.json_line(srv.cli("domain", "verify", "--data", str(srv.data_dir), "--org", org["org_id"], DOMAIN,
                                     "--dns", dns.forwarder).stdout)
    assert verified["verified"], verified
    sink = sink or smtp_sink()
    srv.port = port or free_port()
    srv.write_config(server={"public_url": f"{scheme}://127.0.0.1:{srv.port}"}, sections={"email": {"smtp_host": "127.0.0.1", "smtp_port": smtp_port or sink.port, "smtp_starttls": "off",
                                         "smtp_connections": 4, "smtp_max_per_second": per_second,
                                         "mail_domain": "mail.example.org", **(email or {})},
                                               **(sections or {})})
    srv.start()
    c = srv.client(org["api_key"])
    assert c.post("tags", json={"name": "volunteers"}).status_code == 200
    for i in range(people):
        r = c.post("people", json={"person": {"email_addresses": [{"address": f"p{i}@example.net", "status": "subscribed"}]},
                                   "add_tags": ["volunteers"]})
        assert r.status_code == 200, r.text
    r = c.post("people", json={"person": {"email_addresses": [{"address": "gone@example.net", "status": "unsubscribed"}]},
                               "add_tags": ["volunteers"]})
    assert r.status_code == 200
    tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "volunteers")
    return srv, org, c, sink, dns, tag["_links"]["self"]["href"]


def create_message(c, tag_href):
    r = c.post("messages", json={"subject": "Hello {{given_name}}{{^given_name}}friend{{/given_name}}",
                                 "body": "<p>Join us <b>tonight</b>.</p>", "from": "Progressive Action",
                                 "reply_to": f"team@{DOMAIN}", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def wait_status(c, mid, want, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = c.get(f"messages/{mid}").json()
        if m["status"] == want:
            return m
        time.sleep(0.2)
    raise AssertionError(f"message stayed {m['status']}: {m}")


def test_blast_preflight_send_and_signed_delivery(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns)
    with srv:
        mid = create_message(c, tag_href)
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["total_targeted"] == 31 and pre["would_send_now"] == 30, pre
        assert pre["excluded_by_reason"] == {"not_subscribed": 1}, pre

        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 200 and r.json()["message"] == "Your email has been sent."
        again = c.post(f"messages/{mid}/send", json={})
        assert again.status_code == 400, "sending twice is refused"
        m = wait_status(c, mid, "sent")
        assert m["statistics"]["sent"] == 30 and m["total_targeted"] == 31, (str(m["statistics"]) + srv.log_tail())
        assert m["statistics"]["tocsin:excluded"] == {"not_subscribed": 1}

        messages = sink.messages()
        assert len(messages) == 30
        resolver = dns.resolver()

        def dnsfunc(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            return b"".join(b"".join(rr.strings) for rr in resolver.resolve(name.rstrip("."), "TXT"))

        recipients = set()
        for raw in messages:
            assert dkim.verify(raw, dnsfunc=dnsfunc), raw[:300]
            msg = message_from_bytes(raw, policy=default_policy)
            recipients.add(str(msg["To"]))
            assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert f"<https://127.0.0.1:{srv.port}/unsubscribe/" in msg["List-Unsubscribe"]
            assert "<mailto:unsubscribe+" in msg["List-Unsubscribe"]
            assert str(msg["Subject"]) == "Hello friend"
            text = msg.get_body(("plain",)).get_content()
            assert "1 Main St, Springfield" in text and "/unsubscribe/" in text
        assert recipients == {f"p{i}@example.net" for i in range(30)}
        assert "gone@example.net" not in recipients


def test_bad_messages_are_refused_with_reasons(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    with srv:
        # not a list, tag, query or action with a page (an action, e.g. .../forms/{id}, targets its participants)
        assert c.post("messages", json={"targets": [{"href": "https://x/api/v2/donations/1"}]}).status_code == 400
        assert c.post("messages", json={"body": "{{#a}}unclosed"}).status_code == 422
        mid = create_message(c, tag_href)
        past = c.post(f"messages/{mid}/schedule", json={"scheduled_start_date": "2001-01-01T00:00:00Z"})
        assert past.status_code == 400
        bad_from = c.put(f"messages/{mid}", json={"tocsin:from_address": "team@unverified.example"})
        assert bad_from.status_code == 200
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and "sender_domain_unverified" in r.json()["error"], r.text
        assert c.get(f"messages/{mid}").json()["status"] == "draft"
        assert sink.messages() == []


def test_kill_mid_blast_then_restart_sends_nobody_twice_and_skips_nobody(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=200, per_second=100)
    mid = create_message(c, tag_href)
    r = c.post(f"messages/{mid}/send", json={})
    assert r.status_code == 200, r.text
    deadline = time.time() + 30
    while len(list(sink.dump_dir.iterdir())) < 40 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(srv.proc.pid, signal.SIGKILL)
    srv.proc.wait()
    time.sleep(0.5)  # smtp-sink finishes writing what it accepted
    before = len(sink.messages())
    assert 0 < before < 200, before
    srv.start()
    try:
        m = wait_status(c, mid, "sent", timeout=90)
    finally:
        srv.stop()
    recipients = [str(message_from_bytes(raw, policy=default_policy)["To"]) for raw in sink.messages()]
    assert len(recipients) == len(set(recipients)), "somebody got the message twice"
    stats = m["statistics"]
    # Every recipient is accounted for: handed over once, or reported unknown (in flight at the kill) — at most
    # one per SMTP connection (4): each hand-over's outcome is recorded as it happens, not per round.
    assert stats["sent"] + stats["tocsin:unknown"] == 200, stats
    assert len(set(recipients)) >= stats["sent"]
    assert stats["tocsin:unknown"] <= 4, stats


def test_after_a_kill_only_what_was_at_the_relay_is_unknown_and_an_audited_resend_sends_it(tmp_path, smtp_sink,
                                                                                         local_dns):
    """The relay takes 40 messages, then holds every further one unanswered (as a message in the middle of its
    DATA at a crash): kill -9 then. Only those at the relay's 4 connections are `unknown` after the restart;
    everyone else gets exactly one message. `tocsin deliveries unknown` lists them; `--resend --by` sends them
    again through the gate and leaves an audit document."""
    import sqlite3

    from mail_servers import RecordingSmtpSink

    sink = RecordingSmtpSink(stall_after=40).start()
    try:
        srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=200, sink=sink)
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        deadline = time.time() + 30
        while len(sink.stalled()) < 4 and time.time() < deadline:
            time.sleep(0.02)
        assert len(sink.stalled()) == 4, (sink.count(), sink.stalled())
        time.sleep(0.3)  # nothing else moves: every connection is held
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait()
        held = {r for rcpts in sink.stalled() for r in rcpts}
        sink.release()
        srv.start()
        try:
            m = wait_status(c, mid, "sent", timeout=90)
            stats = m["statistics"]
            assert stats["tocsin:unknown"] == 4 and stats["sent"] == 196, stats
            got = {}
            for _, rcpts, accepted in sink.transactions():
                for r in rcpts:
                    got[r] = got.get(r, 0) + accepted
            everyone = {f"p{i}@example.net" for i in range(200)}
            assert {r for r in everyone if got.get(r) == 1} == everyone - held, "everyone else exactly once"
            assert all(r not in got for r in held)

            args = ["deliveries", "unknown", "--data", srv.data_dir, "--org", org["org_id"], "--message", mid]
            listed = [json.loads(line) for line in srv.cli(*args).stdout.splitlines()]
            assert listed[-1] == {"message_id": mid, "unknown": 4}, listed
            assert {d["address"] for d in listed[:-1]} == held
            refused = srv.cli(*args, "--resend", check=False)
            assert refused.returncode != 0 and "--by" in refused.stderr
            done = srv.json_line(srv.cli(*args, "--resend", "--by", "ops@example.org").stdout)
            assert done["resent"] == 4, done
            wait_until_sent = time.time() + 30
            while time.time() < wait_until_sent:
                m = c.get(f"messages/{mid}").json()
                if m["status"] == "sent" and m["statistics"]["sent"] == 200:  # resumed within 1 s, then done
                    break
                time.sleep(0.2)
            assert m["statistics"]["sent"] == 200 and m["statistics"]["tocsin:unknown"] == 0, m
            got = {}
            for _, rcpts, accepted in sink.transactions():
                for r in rcpts:
                    got[r] = got.get(r, 0) + accepted
            assert all(got.get(r) == 1 for r in everyone), "the resend reached the four, nobody else again"
            db = srv.db()
            audits = [json.loads(srv.unseal(d, "org_docs.doc")) for (d,) in db.execute(
                "SELECT doc FROM org_docs WHERE org_id = ? AND kind = 'delivery_resend'", (org["org_id"],))]
            db.close()
            assert len(audits) == 1 and audits[0]["by"] == "ops@example.org" and audits[0]["count"] == 4, audits
            assert audits[0]["message_id"] == mid and len(audits[0]["deliveries"]) == 4
        finally:
            srv.stop()
    finally:
        sink.stop()


def test_stop_mid_blast_stops_the_rest_and_a_restart_sends_nothing_more(tmp_path, smtp_sink, local_dns):
    """DELETE .../send: the recipients still in the plan become `stopped` without a row each (the plan is marked
    stopped), the statistics still account for every recipient, and a restart neither resumes nor re-sends. Two
    rounds of 256 are in flight at the stop and finish; 800 recipients leave some that never left the plan."""
    people = 800
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=people, per_second=100)
    mid = create_message(c, tag_href)
    assert c.post(f"messages/{mid}/send", json={}).status_code == 200
    deadline = time.time() + 30
    while len(list(sink.dump_dir.iterdir())) < 20 and time.time() < deadline:
        time.sleep(0.05)
    assert c.delete(f"messages/{mid}/send").status_code == 200
    m = wait_status(c, mid, "stopped")
    stats = m["statistics"]
    assert stats["tocsin:stopped"] > 0 and stats["tocsin:queued"] == 0, stats
    assert stats["sent"] + stats["tocsin:stopped"] + stats["tocsin:failed"] == people, stats
    assert stats["tocsin:excluded"] == {"not_subscribed": 1}, stats
    time.sleep(0.5)
    sent = len(sink.messages())
    assert sent == stats["sent"], (sent, stats)
    srv.stop()
    srv.start()
    try:
        time.sleep(2)
        again = c.get(f"messages/{mid}").json()
    finally:
        srv.stop()
    assert again["status"] == "stopped" and again["statistics"] == stats, (again, stats)
    assert len(sink.messages()) == sent
