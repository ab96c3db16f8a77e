"""Bounces by both roads a real relay takes (compliance-rules EM-B1):
- after acceptance: tocsin -> a private Postfix relay -> the far end, which refuses one recipient with
  550 5.1.1; Postfix writes a real DSN to the VERP envelope sender, its transport map routes bounce+...@ to a
  pipe(8) service running `tocsin ingest-mail` (as docs/MAIL.md shows), and tocsin marks the address bouncing;
- at SMTP time: the relay tocsin talks to refuses at RCPT with 5.1.1 (address bouncing, as a DSN would) or
  5.7.x (counted against the sending domain; the recipient is left alone)."""
import getpass
import os
import shutil
import tempfile
import time
from pathlib import Path

from test_blast import create_message, setup_server, wait_status

SECRET = "pipe-secret-0123456789"
UNKNOWN = "550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown in virtual mailbox table"


def statuses(c):
    return {p["email_addresses"][0]["address"]: p["email_addresses"][0]["status"]
            for p in c.all_pages("people", "osdi:people")}


def add_person(c, address):
    r = c.post("people", json={"person": {"email_addresses": [{"address": address, "status": "subscribed"}]},
                               "add_tags": ["volunteers"]})
    assert r.status_code == 200, r.text


def test_postfix_dsn_through_the_pipe_transport_makes_the_address_bouncing(tmp_path, smtp_sink, local_dns,
                                                                           postfix_relay):
    from tocsin_server import free_port, tocsin_bin

    sink = smtp_sink()
    far = smtp_sink(reject="RCPT", reply=UNKNOWN)
    port = free_port()
    # The pipe runs as an unprivileged user (pipe(8) refuses root), who cannot enter pytest's 0700 temp dirs:
    # its tocsin.toml (for the ingest secret) and the transport map live in a directory of its own.
    pipe_dir = Path(tempfile.mkdtemp(prefix="tocsin-pipe-"))
    pipe_dir.chmod(0o755)
    user = "nobody" if os.geteuid() == 0 else getpass.getuser()
    try:
        (pipe_dir / "transport").write_text(f"bad@example.net relay:[127.0.0.1]:{far.port}\n"
                                            "bounce@mail.example.org tocsin:\n")
        relay = postfix_relay(sink.port, extra_main_cf=f"""\
recipient_delimiter = +
transport_maps = texthash:{pipe_dir}/transport
tocsin_destination_recipient_limit = 1
""", extra_master_cf=f"""\
tocsin    unix  -       n       n       -       4       pipe
  flags=Rq user={user} argv={tocsin_bin()} ingest-mail --data {pipe_dir} --url http://127.0.0.1:{port} --recipient ${{original_recipient}}
""")
        srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2, sink=sink,
                                                     smtp_port=relay.port, port=port,
                                                     email={"ingest_secret": SECRET})
        (pipe_dir / "tocsin.toml").write_text((srv.data_dir / "tocsin.toml").read_text())
        (pipe_dir / "tocsin.toml").chmod(0o644)
        with srv:
            add_person(c, "bad@example.net")
            mid = create_message(c, tag_href)
            assert c.post(f"messages/{mid}/send", json={}).status_code == 200
            wait_status(c, mid, "sent")
            deadline = time.monotonic() + 90
            next_flush = time.monotonic() + 5
            while statuses(c).get("bad@example.net") != "bouncing":
                assert time.monotonic() < deadline, "no DSN reached tocsin:\n" + relay.log()[-4000:] + srv.log_tail()
                if time.monotonic() > next_flush:  # a pipe delivery deferred by a hiccup is retried now
                    relay.flush()
                    next_flush = time.monotonic() + 5
                time.sleep(0.3)
            # The DSN went through the pipe service, and Postfix says tocsin took it.
            assert relay.wait_log(r"relay=tocsin, .*status=sent \(delivered via tocsin service"), relay.log()[-3000:]
            assert relay.wait_log(r"to=<bad@example\.net>.*status=bounced .*5\.1\.1"), relay.log()[-3000:]
            m = c.get(f"messages/{mid}").json()
            stats = m["statistics"]
            assert stats["bounced"] == 1 and stats["sent"] == 3, stats
            now = statuses(c)
            assert now["p0@example.net"] == now["p1@example.net"] == "subscribed", now
            assert len(sink.messages()) == 2 and far.messages() == []
            # The gate refuses the address from now on, with the reason.
            pre = c.get(f"messages/{create_message(c, tag_href)}/tocsin:preflight").json()
            assert pre["excluded_by_reason"] == {"not_subscribed": 1, "bouncing": 1}, pre
    finally:
        shutil.rmtree(pipe_dir, ignore_errors=True)


def test_5_1_1_at_smtp_time_makes_the_address_bouncing(tmp_path, smtp_sink, local_dns):
    far = smtp_sink(reject="RCPT", reply=UNKNOWN)
    srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2, sink=far)
    with srv:
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        stats = wait_status(c, mid, "sent")["statistics"]
        assert stats["bounced"] == 2 and stats["tocsin:failed"] == 0, stats
        assert stats["sent"] == 0, ("refused at RCPT: bounced, never sent (issue #10 item 9)", stats)
        now = statuses(c)
        assert now["p0@example.net"] == now["p1@example.net"] == "bouncing", now
        pre = c.get(f"messages/{create_message(c, tag_href)}/tocsin:preflight").json()
        assert pre["excluded_by_reason"] == {"not_subscribed": 1, "bouncing": 2}, pre
        assert pre["would_send_now"] == 0


def test_5_7_x_at_smtp_time_counts_against_the_domain_not_the_recipient(tmp_path, smtp_sink, local_dns):
    far = smtp_sink(reject="RCPT", reply="550 5.7.26 Unauthenticated email from example.org is not accepted")
    srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2, sink=far)
    with srv:
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        stats = wait_status(c, mid, "sent")["statistics"]
        assert stats["bounced"] == 2, stats
        now = statuses(c)
        assert now["p0@example.net"] == now["p1@example.net"] == "subscribed", now
        pre = c.get(f"messages/{create_message(c, tag_href)}/tocsin:preflight").json()
        assert pre["would_send_now"] == 2, pre
