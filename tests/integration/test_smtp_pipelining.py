"""tocsin's own ESMTP client (email/smtp_relay.h) against a real Postfix: transactions pipelined (RFC 2920)
several to a connection, as the server sees the bytes arrive (a recording proxy in front of Postfix) and as
Postfix counts them; lock-step when PIPELINING is not offered; STARTTLS with a test certificate verified
against it; AUTH PLAIN and LOGIN against Cyrus SASL; per-recipient 4xx/5xx replies inside one pipelined batch
(Postfix's check_recipient_access), through send_test_mail and through a whole blast. Every message that gets
through is read as smtp-sink captured it behind the relay, and its DKIM signature is checked by python3-dkim
against a local dnsmasq."""

import json
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from test_blast import create_message, setup_server, wait_status
from test_email_delivery import DOMAIN, SELECTOR, TOOLS, key  # noqa: F401 (key: the module's DKIM key fixture)
from test_email_delivery import dns_verifier as verifier


def run_tool(*args):
    r = subprocess.run([str(TOOLS / args[0]), *map(str, args[1:])], capture_output=True, text=True, timeout=300)
    lines = r.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}, lines[:-1], r


def outcomes(lines):
    """{recipient index: (outcome, code, detail)} from send_test_mail --outcomes."""
    out = {}
    for line in lines:
        i, outcome, code, detail = line.split(" ", 3)
        out[int(i)] = (outcome, int(code), detail)
    return out


def wait_messages(sink, count, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        got = sink.messages()
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


class RecordingProxy:
    """A TCP proxy on loopback that forwards to 127.0.0.1:`target` and records every chunk the client's bytes
    arrived in, per connection: the server's view of how the commands were grouped. A lock-step client can
    never put two commands in one chunk, since it waits for each reply, which comes back through here."""

    def __init__(self, target: int):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections: list[list[bytes]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            chunks: list[bytes] = []
            with self.lock:
                self.connections.append(chunks)
            threading.Thread(target=self._pump, args=(client, server, chunks), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, None), daemon=True).start()

    def _pump(self, src, dst, record):
        try:
            while True:
                data = src.recv(262144)
                if not data:
                    break
                if record is not None:
                    with self.lock:
                        record.append(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def commands_in(chunk: bytes) -> list[str]:
    """The SMTP commands a client chunk carries (message text aside: lines of known verbs only)."""
    verbs = ("MAIL FROM:", "RCPT TO:", "DATA", "RSET", "QUIT", "EHLO ")
    return [line.decode() for line in chunk.split(b"\r\n") if line.startswith(tuple(v.encode() for v in verbs))]


@pytest.mark.parametrize("depth", [1, 3])
def test_transactions_are_pipelined_several_to_one_connection(smtp_sink, postfix_relay, local_dns, key, depth):
    """Depth 1 (the product's default): each transaction's MAIL, RCPT and DATA in one write, the next
    transaction only after the previous one's answer. Depth 3: the next transaction's commands also travel
    behind the previous message's end-of-data dot."""
    sink = smtp_sink()
    relay = postfix_relay(sink.port)
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"]})
    proxy = RecordingProxy(relay.port)
    try:
        summary, _, r = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{proxy.port}", "--count", 24,
                                 "--connections", 1, "--depth", depth, "--threads", 4, "--key", key["pem"],
                                 "--domain", DOMAIN, "--selector", SELECTOR, "--build-first")
        assert r.returncode == 0 and summary["accepted"] == 24, (summary, r.stderr)
        assert summary["sessions_opened"] == 1
        assert summary["pipelined"] >= 12 if depth > 1 else summary["pipelined"] == 0, summary
    finally:
        proxy.close()
    # The server's view: one connection; every MAIL FROM arrived in the same chunk as its RCPT TO and DATA,
    # and most behind the previous message's end-of-data dot.
    assert len(proxy.connections) == 1
    chunks = proxy.connections[0]
    groups = [commands_in(c) for c in chunks if b"MAIL FROM:<" in c]
    assert sum(len([x for x in g if x.startswith("MAIL FROM:")]) for g in groups) == 24
    for g in groups:
        i = next(k for k, x in enumerate(g) if x.startswith("MAIL FROM:"))
        assert g[i + 1].startswith("RCPT TO:<person") and g[i + 2] == "DATA", g
    behind_a_dot = [c for c in chunks if b"\r\n.\r\nMAIL FROM:<" in c]
    if depth > 1:
        assert len(behind_a_dot) >= 12, [c[-200:] for c in chunks]
    else:
        assert behind_a_dot == []
    # Postfix's count for the session: 24 transactions on one connection.
    (line,) = relay.wait_log(r"disconnect from .*mail=24", timeout=40)
    assert re.search(r"ehlo=1 mail=24 rcpt=24 data=24 quit=1", line), line
    assert not relay.wait_log(r"improper command pipelining", timeout=0)
    # What left the relay is what the client sent: signed, and verified by an independent verifier.
    messages = wait_messages(sink, 24)
    assert len(messages) == 24
    verify = verifier(dns)
    assert all(verify(raw) for raw in messages)
    assert {re.search(rb"^To: (\S+)", raw, re.M).group(1) for raw in messages} == \
        {f"person{i}@example.net".encode() for i in range(24)}


def test_lock_step_when_the_relay_does_not_offer_pipelining(smtp_sink, postfix_relay, key):
    sink = smtp_sink()
    # reject_unauth_pipelining refuses a client that pipelines where it was not told it may
    relay = postfix_relay(sink.port, extra_main_cf="smtpd_discard_ehlo_keywords = pipelining\n"
                                                   "smtpd_data_restrictions = reject_unauth_pipelining\n")
    proxy = RecordingProxy(relay.port)
    try:
        summary, _, r = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{proxy.port}", "--count", 6,
                                 "--connections", 1, "--depth", 3, "--threads", 3, "--key", key["pem"])
        assert r.returncode == 0 and summary["accepted"] == 6, (summary, r.stdout)
        assert summary["pipelined"] == 0
    finally:
        proxy.close()
    for chunk in proxy.connections[0]:
        assert len(commands_in(chunk)) <= 1, chunk[:300]
    assert relay.wait_log(r"disconnect from .*mail=6 rcpt=6 data=6", timeout=40)
    assert len(wait_messages(sink, 6)) == 6


ACCESS = {  # recipient index: (reply code, enhanced status, text)
    3: (550, "5.1.1", "User unknown"),
    5: (451, "4.2.1", "Mailbox busy, try again"),
    8: (554, "5.7.1", "Policy refuses this recipient"),
    9: (552, "5.3.4", "Message too big for this mailbox"),
}


def postfix_reply(address, code, status, text):
    """The reply line Postfix writes for an access-map refusal."""
    return f"{code} {status} <{address}>: Recipient address rejected: {text}"


def access_relay(postfix_relay, sink_port, tmp_path, pattern="person{i}@example.net"):
    """A Postfix relay that refuses chosen recipients with chosen replies (check_recipient_access)."""
    d = Path(tempfile.mkdtemp(prefix="tocsin-access-"))
    d.chmod(0o755)
    access = d / "access"
    access.write_text("".join(f"{pattern.format(i=i)} {code} {status} {text}\n"
                              for i, (code, status, text) in ACCESS.items()))
    access.chmod(0o644)
    relay = postfix_relay(sink_port, extra_main_cf=f"smtpd_recipient_restrictions = "
                                                   f"check_recipient_access texthash:{access}, permit_mynetworks, reject\n")
    return relay, d


def test_per_recipient_replies_inside_one_pipelined_batch(smtp_sink, postfix_relay, local_dns, key, tmp_path):
    sink = smtp_sink()
    relay, d = access_relay(postfix_relay, sink.port, tmp_path)
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"]})
    try:
        summary, lines, r = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 12,
                                     "--connections", 1, "--depth", 3, "--threads", 4, "--key", key["pem"], "--domain", DOMAIN,
                                     "--selector", SELECTOR, "--outcomes", "--build-first")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    # How many transactions share a write depends on when each sender's next one arrives; at least one batch
    # did (the count of pipelined transactions is measured in test_transactions_are_pipelined_...).
    assert summary["sessions_opened"] == 1 and summary["pipelined"] >= 1, summary
    got = outcomes(lines)
    assert len(got) == 12
    for i in range(12):
        if i in ACCESS:
            code = ACCESS[i][0]
            # the RCPT reply decides, exactly as Postfix wrote it, even though DATA went out in the same write
            want = postfix_reply(f"person{i}@example.net", *ACCESS[i])
            assert got[i] == ("rejected" if code >= 500 else "deferred", code, want), got[i]
        else:
            assert got[i][:2] == ("accepted", 250), got[i]
    (line,) = relay.wait_log(r"disconnect from .*mail=12", timeout=40)
    # 12 transactions on one connection, 8 recipients taken, each refused transaction reset before the next
    assert re.search(r"mail=12 rcpt=8/12 data=8/12 rset=\d+ quit=1", line), line
    messages = wait_messages(sink, 8)
    assert len(messages) == 8
    verify = verifier(dns)
    assert all(verify(raw) for raw in messages)
    to = {re.search(rb"^To: (\S+)", raw, re.M).group(1).decode() for raw in messages}
    assert to == {f"person{i}@example.net" for i in range(12) if i not in ACCESS}


def test_a_blast_reads_each_recipients_reply_like_a_dsn(tmp_path, smtp_sink, postfix_relay, local_dns):
    """Through the whole product: the access map refuses p3 (5.1.1), p5 (4xx), p8 (5.7.1), p9 (5.3.4) in the
    middle of pipelined batches; the deliveries end as they did with the lock-step driver."""
    sink = smtp_sink()
    relay, d = access_relay(postfix_relay, sink.port, tmp_path, pattern="p{i}@example.net")
    try:
        srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=12, sink=sink,
                                                     smtp_port=relay.port, email={"smtp_connections": 2})
        with srv:
            mid = create_message(c, tag_href)
            assert c.post(f"messages/{mid}/send", json={}).status_code == 200
            deadline = time.time() + 60
            while time.time() < deadline:
                stats = c.get(f"messages/{mid}").json()["statistics"]
                if stats["sent"] == 8 and stats["bounced"] == 2:
                    break
                time.sleep(0.2)
            assert stats["sent"] == 8 and stats["bounced"] == 2 and stats["tocsin:failed"] == 1, stats
            rows = {r["address"]: r for r in srv.deliveries(mid)} if hasattr(srv, "deliveries") else None
            people = c.get("people").json()["_embedded"]["osdi:people"]
            status = {p["email_addresses"][0]["address"]: p["email_addresses"][0]["status"] for p in people}
            assert status["p3@example.net"] == "bouncing", status          # 5.1.1: the address is bad
            assert status["p8@example.net"] == "subscribed", status        # 5.7.1: counted against us
            assert status["p9@example.net"] == "subscribed", status        # 5.3.4: this delivery failed
            assert status["p5@example.net"] == "subscribed", status        # 4xx: tried again later
            messages = wait_messages(sink, 8)
            assert len(messages) == 8
            verify = verifier(dns)
            assert all(verify(raw) for raw in messages)
        assert relay.wait_log(r"disconnect from .* mail=\d+ rcpt=\d+/\d+ data=", timeout=10)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def make_cert(d: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (subjectAltName IP) and its key, readable by Postfix."""
    cert, keyfile = d / f"{name}.crt", d / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=relay.test", "-addext", "subjectAltName=IP:127.0.0.1,DNS:relay.test",
                    "-keyout", str(keyfile), "-out", str(cert)], check=True, capture_output=True)
    cert.chmod(0o644)
    keyfile.chmod(0o644)
    return cert, keyfile


def test_starttls_with_a_test_certificate(smtp_sink, postfix_relay, local_dns, key):
    sink = smtp_sink()
    d = Path(tempfile.mkdtemp(prefix="tocsin-tls-"))
    d.chmod(0o755)
    try:
        cert, keyfile = make_cert(d, "relay")
        other, _ = make_cert(d, "other")
        relay = postfix_relay(sink.port, extra_main_cf=f"smtpd_tls_cert_file = {cert}\nsmtpd_tls_key_file = {keyfile}\n"
                                                       "smtpd_tls_security_level = encrypt\nsmtpd_tls_loglevel = 1\n",
                              extra_master_cf="tlsmgr unix - - n 1000? 1 tlsmgr\n")
        dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"]})
        summary, _, r = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 10,
                                 "--connections", 1, "--depth", 3, "--threads", 3, "--starttls", "required",
                                 "--ca-file", cert,
                                 "--key", key["pem"], "--domain", DOMAIN, "--selector", SELECTOR, "--build-first")
        assert r.returncode == 0 and summary["accepted"] == 10, (summary, r.stdout)
        assert summary["sessions_opened"] == 1 and summary["pipelined"] >= 1, summary  # inside TLS
        assert relay.wait_log(r"TLS connection established from", timeout=20)
        assert relay.wait_log(r"disconnect from .*starttls=1 mail=10 rcpt=10 data=10", timeout=40), relay.log()
        messages = wait_messages(sink, 10)
        verify = verifier(dns)
        assert len(messages) == 10 and all(verify(raw) for raw in messages)

        # A certificate the client does not trust: nothing is sent, the hand-over is deferred.
        summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 1,
                                     "--starttls", "required", "--ca-file", other, "--key", key["pem"],
                                     "--outcomes")
        assert summary["deferred"] == 1, summary
        assert outcomes(lines)[0][:2] == ("deferred", 0)
        assert "certificate verify failed" in outcomes(lines)[0][2], lines
        time.sleep(0.5)
        assert len(sink.messages()) == 10
    finally:
        shutil.rmtree(d, ignore_errors=True)


def sasl_relay(postfix_relay, sink_port, mechanisms):
    """A Postfix relay that relays only for SASL-authenticated clients (Cyrus SASL, sasldb), user
    tocsin@relay.test with password 'correct horse'. Debian's Postfix reads Cyrus's smtpd.conf from
    $config_directory/sasl; an smtpd reads it when it starts, and max_use = 1 starts one per connection (the
    relay's own start-up probe has one that started before the file was there)."""
    d = Path(tempfile.mkdtemp(prefix="tocsin-sasl-"))
    d.chmod(0o755)
    db = d / "sasldb2"
    subprocess.run(["saslpasswd2", "-p", "-c", "-f", str(db), "-u", "relay.test", "tocsin"],
                   input=b"correct horse", check=True, capture_output=True)
    db.chmod(0o644)
    relay = postfix_relay(sink_port, extra_main_cf="smtpd_sasl_auth_enable = yes\n"
                                                   "smtpd_sasl_local_domain = relay.test\n"
                                                   "smtpd_relay_restrictions = permit_sasl_authenticated, reject\n"
                                                   "mynetworks = 127.0.0.2/32\nmax_use = 1\n")
    (relay.config_dir / "sasl").mkdir(exist_ok=True)
    conf = relay.config_dir / "sasl" / "smtpd.conf"
    conf.write_text(f"pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: {mechanisms}\nsasldb_path: {db}\n")
    conf.chmod(0o644)
    time.sleep(0.2)
    return relay, d


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_auth(smtp_sink, postfix_relay, local_dns, key, tmp_path, mechanism):
    sink = smtp_sink()
    relay, d = sasl_relay(postfix_relay, sink.port, mechanism)
    try:
        (tmp_path / "pw").write_text("correct horse")
        (tmp_path / "bad").write_text("wrong horse")
        summary, _, r = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 4,
                                 "--connections", 1, "--threads", 2, "--user", "tocsin", "--password-file",
                                 tmp_path / "pw", "--key", key["pem"])
        assert r.returncode == 0 and summary["accepted"] == 4, (summary, r.stdout, relay.log()[-2000:])
        assert relay.wait_log(rf"sasl_method={mechanism}, sasl_username=tocsin", timeout=20)
        assert len(wait_messages(sink, 4)) == 4

        summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 1,
                                     "--user", "tocsin", "--password-file", tmp_path / "bad", "--key", key["pem"],
                                     "--outcomes")
        assert summary["deferred"] == 1, summary
        outcome, code, detail = outcomes(lines)[0]
        assert (outcome, code) == ("deferred", 535), detail
        assert detail.startswith("relay configuration: authentication failed: 535"), detail
        assert "wrong horse" not in detail and "d3Jvbmc" not in detail

        # Without AUTH the relay refuses to relay: a 554 5.7.1 per recipient, read as a rejection
        summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 1,
                                     "--key", key["pem"], "--outcomes")
        outcome, code, detail = outcomes(lines)[0]
        assert (outcome, code) == ("rejected", 554) and "5.7.1" in detail, detail
        time.sleep(0.5)
        assert len(sink.messages()) == 4
    finally:
        shutil.rmtree(d, ignore_errors=True)
