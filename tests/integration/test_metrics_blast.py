"""GET /metrics while a blast runs (core/metrics.h, docs/OPERATIONS.md): the process's counters move as the blast
does — deliveries handed over, the gate's verdicts, group commits, hand-over latency to the SMTP relay, the HTTP
requests of the routes the test called (labelled by route pattern, never by id) — read with the Prometheus
project's own parser of the text format; an opt-out, a hard bounce and a complaint about the blast are counted
for its organization; 401 without the token."""
import re
import subprocess
import time
from email import message_from_bytes
from email.policy import default as default_policy

import requests
from prometheus_client.parser import text_string_to_metric_families

from test_blast import create_message, setup_server
from test_mail_feedback_blast import BOUNCE_RE, fill

TOKEN = "metrics-token-for-the-blast-test-0"
INGEST_SECRET = "ingest-secret-of-the-metrics-test"
PEOPLE = 120


def scrape(srv):
    r = requests.get(srv.base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert r.status_code == 200, r.text
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return r.text, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def histogram_is_whole(samples, name, **labels):
    """Cumulative buckets never go down and the +Inf bucket is the count."""
    buckets = sorted((float(dict(k[1])["le"]), v) for k, v in samples.items()
                     if k[0] == name + "_bucket" and all(dict(k[1]).get(a) == b for a, b in labels.items()))
    assert buckets, f"no buckets for {name} {labels}"
    counts = [v for _, v in buckets]
    assert counts == sorted(counts), buckets
    assert buckets[-1][0] == float("inf") and buckets[-1][1] == value(samples, name + "_count", **labels)


def test_counters_move_as_the_blast_does(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=PEOPLE, per_second=40,
                                                    email={"ingest_secret": INGEST_SECRET},
                                                    sections={"metrics": {"token": TOKEN}})
    with srv:
        for headers in ({}, {"Authorization": "Bearer not-the-token-not-the-token"}):
            r = requests.get(srv.base + "/metrics", headers=headers, timeout=10)
            assert r.status_code == 401 and "error" in r.json()
        mid = create_message(c, tag_href)
        _, before = scrape(srv)
        handed = ("tocsin_deliveries_total", {"channel": "email", "state": "handed_over"})
        assert value(before, handed[0], **handed[1]) == 0

        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        progress, polls = [], 0
        deadline = time.time() + 90
        while time.time() < deadline:
            status = c.get(f"messages/{mid}").json()["status"]
            polls += 1
            _, now = scrape(srv)
            progress.append(value(now, handed[0], **handed[1]))
            if status == "sent":
                break
            time.sleep(0.25)
        assert status == "sent", progress
        assert progress == sorted(progress), f"a counter went down: {progress}"
        assert any(0 < n < PEOPLE for n in progress), f"never seen mid-blast (40/s pacing): {progress}"
        assert progress[-1] == PEOPLE
        assert len(sink.messages()) == PEOPLE

        text, after = scrape(srv)
        d = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
        # The gate: every hand-over cleared once at dispatch; the unsubscribed person refused at planning.
        assert d("tocsin_gate_verdicts_total", stage="dispatch", verdict="send", reason="ok") == PEOPLE
        assert d("tocsin_gate_verdicts_total", stage="plan", verdict="suppress", reason="not_subscribed") >= 1
        # Hand-overs to the relay, each timed once from the last look to the 250.
        assert d("tocsin_handover_seconds_count", transport="smtp_relay", outcome="accepted") == PEOPLE
        assert d("tocsin_handover_seconds_sum", transport="smtp_relay", outcome="accepted") > 0
        histogram_is_whole(after, "tocsin_handover_seconds", transport="smtp_relay", outcome="accepted")
        # The group committer: each hand-over is two jobs (the durable `handing` mark, the outcome).
        assert d("tocsin_group_commit_size_sum") >= 2 * PEOPLE
        assert d("tocsin_group_commit_size_count") >= 1
        assert d("tocsin_group_commit_seconds_count") == d("tocsin_group_commit_size_count")
        histogram_is_whole(after, "tocsin_group_commit_size")
        assert ("tocsin_committer_queue_depth", ()) in after
        # HTTP by route pattern: exactly the requests this test made.
        http = "tocsin_http_requests_total"
        assert d(http, method="POST", route="/api/v2/messages/{id}/send", status="200") == 1
        assert d(http, method="GET", route="/api/v2/messages/{id}", status="200") == polls
        assert value(after, http, method="POST", route="/api/v2/people", status="200") == PEOPLE + 1
        assert value(after, http, method="GET", route="/metrics", status="401") == 2
        assert value(after, "tocsin_http_request_seconds_count", method="GET", route="/api/v2/messages/{id}") >= polls
        histogram_is_whole(after, "tocsin_http_request_seconds", method="GET", route="/api/v2/messages/{id}")
        # No id, token or address in any label.
        routes = set(re.findall(r'route="([^"]*)"', text))
        assert routes and all(mid not in r and "@" not in r for r in routes), routes
        assert mid not in text and "@example.net" not in text

        # One recipient opts out with the message's one-click link: counted for the organization.
        raw = sink.messages()[0]
        token_path = re.search(rb"<https://127\.0\.0\.1:\d+(/unsubscribe/[A-Za-z0-9_-]+)>", raw).group(1).decode()
        r = requests.post(srv.base + token_path, data="List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        assert r.status_code == 200, r.text
        text, later = scrape(srv)
        assert value(later, "tocsin_opt_outs_total", org=org["org_id"], channel="email") == \
            value(after, "tocsin_opt_outs_total", org=org["org_id"], channel="email") + 1
        assert value(later, http, method="POST", route="/unsubscribe/{token}", status="200") == 1
        assert token_path.rsplit("/", 1)[1] not in text

        # A hard bounce (DSN) and a complaint (ARF) about two more recipients, through the running server as
        # Postfix would pipe them (`tocsin ingest-mail` posts to /mail/inbound).
        dumps = [f.read_bytes() for f in sorted(sink.dump_dir.iterdir())]
        reports = []
        for dump, raw in list(zip(dumps, sink.messages()))[1:3]:
            msg = message_from_bytes(raw, policy=default_policy)
            reports.append({"BOUNCE": BOUNCE_RE.search(dump).group().decode(), "MESSAGE_ID": str(msg["Message-ID"]),
                            "DELIVERY": str(msg["X-Tocsin-Delivery"]), "RCPT": str(msg["To"]),
                            "LIST": str(msg["List-Unsubscribe"])})
        for name, values in (("postfix-hard-5.1.1.eml", reports[0]), ("yahoo-arf-abuse.eml", reports[1])):
            r = subprocess.run([srv.binary, "ingest-mail", "--data", str(srv.data_dir), "--url", srv.base,
                                "--recipient", values["BOUNCE"]], input=fill(name, values), capture_output=True,
                               timeout=60, env=srv.proc_env)
            assert r.returncode == 0, r.stderr
        _, last = scrape(srv)
        g = lambda name, **labels: value(last, name, **labels) - value(later, name, **labels)  # noqa: E731
        assert g("tocsin_bounces_total", org=org["org_id"], channel="email", kind="hard") == 1
        assert g("tocsin_complaints_total", org=org["org_id"]) == 1
        assert g("tocsin_deliveries_total", channel="email", state="bounced") == 1
        assert g("tocsin_deliveries_total", channel="email", state="complained") == 1
        assert g(http, method="POST", route="/mail/inbound", status="200") == 2
