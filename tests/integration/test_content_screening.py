"""Content screening end to end (issue 15, docs/POLICY.md "Content screening"): the preflight shows the verdict
with its findings; a blocked email is refused (422) and a held one answers 202 and waits as `held`, visible to
the organization; the platform operator's `tocsin review list|approve|reject` works the queue (audited), after
which the approved content really goes out through smtp-sink; an edit after approval needs a new review; the
link blocklist loaded with `tocsin screening load` applies to a running server without a restart; and another
organization's key cannot see or send the held message."""
import datetime
import json
import time

from mail_servers import Spamd
from test_blast import DOMAIN, setup_server, wait_status


def message(c, tag_href, body, subject="Saturday", sender="Progressive Action"):
    r = c.post("messages", json={"subject": subject, "body": body, "from": sender, "reply_to": f"team@{DOMAIN}",
                                 "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def review(srv, *args, **kw):
    return srv.cli("review", *args, "--data", str(srv.data_dir), **kw)


def test_held_message_waits_for_review_then_sends(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=3)
    with srv:
        srv.stop()  # a second organization, to show it sees nothing of the first one's held message
        other = srv.create_org("B")
        srv.start()
        clean = message(c, tag_href, "<p>Rally at city hall on Saturday. Bring a friend!</p>")
        pre = c.get(f"messages/{clean}/tocsin:preflight").json()
        assert pre["tocsin:screening"]["verdict"] == "pass", pre
        assert pre["tocsin:screening"]["spam"]["computed"] is False, pre

        held = message(c, tag_href, "<p>Donor night: open bar and bourbon tasting!</p>")
        pre = c.get(f"messages/{held}/tocsin:preflight").json()
        s = pre["tocsin:screening"]
        assert s["verdict"] == "hold" and s["findings"][0]["code"] == "shaft_alcohol", s
        assert s["findings"][0]["excerpt"] == "open bar", s
        assert pre["blocked_reason"] == "content_held", pre

        r = c.post(f"messages/{held}/send", json={})
        assert r.status_code == 202, r.text
        assert r.json()["tocsin:screening"]["findings"][0]["code"] == "shaft_alcohol"
        m = c.get(f"messages/{held}").json()
        assert m["status"] == "held" and m["tocsin:review"]["state"] == "held", m
        assert m["tocsin:review"]["findings"][0]["code"] == "shaft_alcohol"
        assert c.post(f"messages/{held}/send", json={}).status_code == 400, "a held message waits for review"

        # Another organization sees nothing of it.
        c2 = srv.client(other["api_key"])
        assert c2.get(f"messages/{held}").status_code == 404
        assert c2.post(f"messages/{held}/send", json={}).status_code == 404

        queue = [json.loads(line) for line in review(srv, "list").stdout.splitlines() if line.strip()]
        assert [(q["org_id"], q["message_id"]) for q in queue] == [(org["org_id"], held)], queue
        assert queue[0]["findings"][0]["code"] == "shaft_alcohol"

        out = srv.json_line(review(srv, "approve", "--org", org["org_id"], "--message", held, "--by", "operator",
                                   "--note", "a ticketed 21+ event").stdout)
        assert out["status"] == "draft" and out["review_state"] == "approved", out
        m = wait_status(c, held, "draft")
        assert m["tocsin:review"]["state"] == "approved" and m["tocsin:review"]["note"] == "a ticketed 21+ event"
        assert review(srv, "list").stdout.strip() == ""

        r = c.post(f"messages/{held}/send", json={})
        assert r.status_code == 200, r.text
        wait_status(c, held, "sent")
        deadline = time.time() + 30
        while len(sink.messages()) < 3 and time.time() < deadline:
            time.sleep(0.2)
        assert len(sink.messages()) == 3

        # The audit of the decision is stored with the organization's documents.
        db = srv.db()
        try:
            docs = [json.loads(srv.unseal(d, "org_docs.doc"))
                    for (d,) in db.execute("SELECT doc FROM org_docs WHERE kind = 'content_review'")]
        finally:
            db.close()
        assert [(d["message_id"], d["decision"], d["by"]) for d in docs] == [(held, "approved", "operator")]


def test_rejected_and_edited_and_blocked(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    with srv:
        blocked = message(c, tag_href, "<p>Reply with your password to keep your account.</p>")
        r = c.post(f"messages/{blocked}/send", json={})
        assert r.status_code == 422 and "credential_request" in r.json()["error"], r.text

        held = message(c, tag_href, "<p>This is the IRS. You owe back taxes.</p>")
        assert c.post(f"messages/{held}/send", json={}).status_code == 202
        wait_status(c, held, "held")
        # The organization edits it: a draft again, screened anew (still held: the same claim).
        assert c.put(f"messages/{held}", json={"body": "<p>This is the IRS. Pay now.</p>"}).status_code == 200
        assert c.get(f"messages/{held}").json()["status"] == "draft"
        assert c.post(f"messages/{held}/send", json={}).status_code == 202
        wait_status(c, held, "held")
        out = srv.json_line(review(srv, "reject", "--org", org["org_id"], "--message", held, "--by", "operator",
                                   "--note", "impersonates a government agency").stdout)
        assert out["status"] == "stopped" and out["review_state"] == "rejected"
        m = wait_status(c, held, "stopped")
        assert "impersonates a government agency" in m["tocsin:status_reason"], m
        assert review(srv, "reject", "--org", org["org_id"], "--message", held, "--by", "x", "--note", "y",
                      check=False).returncode == 1, "only a held message can be decided"

        # A scheduled message whose content is held waits as `held` when its time comes, as a sent one does.
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        scheduled = message(c, tag_href, "<p>We know where you live. Vote them out.</p>")
        r = c.post(f"messages/{scheduled}/schedule", json={"scheduled_start_date": later})
        assert r.status_code == 200, r.text
        m = wait_status(c, scheduled, "held", timeout=60)
        assert m["tocsin:review"]["state"] == "held" and "harassment" in m["tocsin:status_reason"], m


def test_blocklist_loaded_into_a_running_server(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=1)
    with srv:
        mid = message(c, tag_href, '<p>Read <a href="https://news.bad-actor.example/story">this</a>.</p>')
        assert c.get(f"messages/{mid}/tocsin:preflight").json()["tocsin:screening"]["verdict"] == "pass"
        csv = tmp_path / "urlhaus.csv"
        csv.write_text("# id,dateadded,url,url_status\n"
                       '"1","2026-12-01 10:00:00","http://bad-actor.example/","online"\n')
        out = srv.json_line(srv.cli("screening", "load", "--data", str(srv.data_dir), str(csv)).stdout)
        assert out["entries"] == 1, out
        deadline = time.time() + 10
        verdict = None
        while time.time() < deadline:
            s = c.get(f"messages/{mid}/tocsin:preflight").json()["tocsin:screening"]
            verdict = s["verdict"]
            if verdict == "block":
                break
            time.sleep(0.3)
        assert verdict == "block" and s["findings"][0]["code"] == "blocklisted_domain", s
        assert c.post(f"messages/{mid}/send", json={}).status_code == 422


GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


def test_spam_score_from_a_real_spamd(tmp_path, smtp_sink, local_dns):
    spamd = Spamd(tmp_path / "spamd").start()
    try:
        srv, org, c, sink, dns, tag_href = setup_server(
            tmp_path, smtp_sink, local_dns, people=1,
            sections={"screening": {"spamd": f"127.0.0.1:{spamd.port}"}})
        with srv:
            clean = message(c, tag_href, "<p>Rally at city hall on Saturday. Bring a friend!</p>")
            s = c.get(f"messages/{clean}/tocsin:preflight", timeout=60).json()["tocsin:screening"]
            assert s["verdict"] == "pass", (s, spamd.log())
            assert isinstance(s["spam"]["score"], float) and s["spam"]["threshold"] == 5.0, s

            # GTUBE, SpamAssassin's standard test string, scores 1000: held, with the rule named.
            spam = message(c, tag_href, f"<p>{GTUBE}</p>")
            s = c.get(f"messages/{spam}/tocsin:preflight", timeout=60).json()["tocsin:screening"]
            assert s["verdict"] == "hold" and s["findings"][0]["code"] == "spam_score", s
            assert "GTUBE" in s["spam"]["rules"] and s["spam"]["score"] >= 1000, s
            r = c.post(f"messages/{spam}/send", json={}, timeout=60)
            assert r.status_code == 202 and "GTUBE" in r.json()["tocsin:screening"]["findings"][0]["excerpt"], r.text

            # spamd gone: the other rules still apply, the preflight says why no score was computed.
            spamd.stop()
            s = c.get(f"messages/{clean}/tocsin:preflight", timeout=60).json()["tocsin:screening"]
            assert s["verdict"] == "warn" and s["spam"]["computed"] is False, s
            assert "spamd" in s["spam"]["note"], s
    finally:
        spamd.stop()
