"""Email hand-over against real servers: tocsin's SMTP driver (through tests/tools/send_test_mail) sends
DKIM-signed messages to Postfix's smtp-sink, directly and through a private Postfix relay; every captured
message is verified by an independent DKIM verifier (python3-dkim) that resolves the key through dnspython
against a local dnsmasq. Relay replies are classified (5xx rejected, 4xx and no server deferred), and the
sending-domain DNS checks (libunbound) are run against the same dnsmasq."""

import base64
import json
import os
import subprocess
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import dkim
import pytest

TOOLS = Path(os.environ.get("TOCSIN_TOOLS_DIR", Path(__file__).resolve().parents[2] / "build"))
DOMAIN, SELECTOR = "news.example.org", "s1"


def run_tool(*args, check=False):
    r = subprocess.run([str(TOOLS / args[0]), *map(str, args[1:])], capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}, lines[:-1], r.returncode


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    """An RSA-2048 key and the TXT record to publish for it."""
    d = tmp_path_factory.mktemp("key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", str(d / "key.pem")], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", str(d / "key.pem"), "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    public = base64.b64encode(der).decode()
    return {"pem": d / "key.pem", "public": public, "txt": f"v=DKIM1; k=rsa; p={public}"}


def dns_verifier(dns):
    resolver = dns.resolver()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        answer = resolver.resolve(name.rstrip("."), "TXT")
        return b"".join(b"".join(rr.strings) for rr in answer)

    return lambda msg: dkim.verify(msg, dnsfunc=dnsfunc)


def test_signed_messages_reach_smtp_sink_and_verify_against_published_dns(smtp_sink, local_dns, key):
    sink = smtp_sink()
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"]})
    summary, _, rc = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 40,
                              "--connections", 3, "--threads", 3, "--key", key["pem"], "--domain", DOMAIN,
                              "--selector", SELECTOR)
    assert rc == 0 and summary["accepted"] == 40, summary
    assert summary["sessions_opened"] <= 3, "connections are reused, not opened per message"

    messages = sink.messages()
    assert len(messages) == 40
    verify = dns_verifier(dns)
    recipients = set()
    for raw in messages:
        assert verify(raw), raw[:400]
        msg = message_from_bytes(raw, policy=default_policy)
        recipients.add(str(msg["To"]))
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "<https://act.example.org/u/t" in msg["List-Unsubscribe"]
        assert msg.get_body(("plain",)).get_content().startswith("Hello,")
        assert "— señal" in str(msg["Subject"])
        sig = raw.split(b"\r\n\r\n")[0].decode().replace("\r\n", "").replace("\t", "").replace(" ", "")
        signed = sig.split(";h=")[1].split(";")[0].lower().split(":")
        for h in ("from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"):
            assert h in signed
    assert recipients == {f"person{i}@example.net" for i in range(40)}


def test_a_tampered_message_or_another_key_fails_the_same_verifier(smtp_sink, local_dns, key):
    sink = smtp_sink()
    other = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                           check=True, capture_output=True).stdout
    other_pub = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=other, check=True,
                               capture_output=True).stdout
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"],
                     f"old._domainkey.{DOMAIN}": "v=DKIM1; k=rsa; p=" + base64.b64encode(other_pub).decode()})
    run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 1, "--key", key["pem"],
             "--domain", DOMAIN, "--selector", SELECTOR, check=True)
    (raw,) = sink.messages()
    verify = dns_verifier(dns)
    assert verify(raw)
    assert not verify(raw.replace(b"Subject: Test message 0", b"Subject: Test message 9"))
    assert not verify(raw.replace(b"s=s1;", b"s=old;"))


def test_through_a_private_postfix_relay(smtp_sink, postfix_relay, local_dns, key):
    sink = smtp_sink()
    relay = postfix_relay(sink.port)
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"]})
    summary, _, rc = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{relay.port}", "--count", 5,
                              "--key", key["pem"], "--domain", DOMAIN, "--selector", SELECTOR)
    assert rc == 0 and summary["accepted"] == 5, summary
    sent = relay.wait_log(r"status=sent", count=5)
    assert len(sent) == 5, relay.log()
    messages = sink.messages()
    assert len(messages) == 5
    verify = dns_verifier(dns)
    for raw in messages:
        # Postfix adds its Received: header above ours; the signature still holds
        assert b"Received: from sender.test" in raw
        assert verify(raw)


def outcomes(lines):
    return [line.split(" ", 3) for line in lines]


def test_a_5xx_reply_is_a_rejection_with_its_enhanced_status(smtp_sink, key):
    sink = smtp_sink(reject="RCPT", reply="550 5.1.1 <person0@example.net>: Recipient address rejected")
    summary, lines, rc = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 2,
                                  "--key", key["pem"], "--outcomes")
    assert rc == 1 and summary["rejected"] == 2, summary
    for _, outcome, code, detail in outcomes(lines):
        assert (outcome, code) == ("rejected", "550")
        assert detail == "550 5.1.1 <person0@example.net>: Recipient address rejected"
    assert sink.messages() == []


def test_a_4xx_reply_defers(smtp_sink, key):
    sink = smtp_sink(defer="MAIL", reply="451 4.3.0 Try again later")
    summary, lines, rc = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 2,
                                  "--key", key["pem"], "--outcomes")
    assert rc == 1 and summary["deferred"] == 2, summary
    for _, outcome, code, detail in outcomes(lines):
        assert (outcome, code, detail) == ("deferred", "451", "451 4.3.0 Try again later")


def test_a_hard_reject_at_end_of_data_is_a_rejection(smtp_sink, key):
    sink = smtp_sink(reject=".", reply="554 5.7.1 Message refused by policy")
    summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 1,
                                 "--key", key["pem"], "--outcomes")
    assert summary["rejected"] == 1, summary
    assert outcomes(lines)[0][1:] == ["rejected", "554", "554 5.7.1 Message refused by policy"]


def test_no_server_defers_and_required_starttls_defers(smtp_sink, key):
    from tocsin_server import free_port

    summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{free_port()}", "--count", 1,
                                 "--key", key["pem"], "--outcomes")
    assert summary["deferred"] == 1, summary
    assert outcomes(lines)[0][1:3] == ["deferred", "0"]

    sink = smtp_sink()  # smtp-sink offers no STARTTLS
    summary, lines, _ = run_tool("send_test_mail", "--smtp", f"127.0.0.1:{sink.port}", "--count", 1,
                                 "--starttls", "required", "--key", key["pem"], "--outcomes")
    assert summary["deferred"] == 1, summary
    assert "relay configuration" in outcomes(lines)[0][3]
    assert sink.messages() == []


def test_sending_domain_dns_checks(local_dns, key):
    dns = local_dns({f"{SELECTOR}._domainkey.{DOMAIN}": key["txt"],
                     DOMAIN: "v=spf1 include:relay.example.net ~all",
                     f"{SELECTOR}._domainkey.wrong.example.org": "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC",
                     f"{SELECTOR}._domainkey.revoked.example.org": "v=DKIM1; k=rsa; p=",
                     "wrong.example.org": "v=spf1 include:other.example ~all"})

    def check(domain):
        out, _, _ = run_tool("check_sending_domain", "--dns", dns.forwarder, "--domain", domain, "--selector",
                             SELECTOR, "--public-key", key["public"], "--spf-include", "relay.example.net",
                             check=True)
        return out

    ok = check(DOMAIN)
    assert (ok["dkim"], ok["spf"]) == ("verified", "verified"), ok
    wrong = check("wrong.example.org")
    assert (wrong["dkim"], wrong["spf"]) == ("mismatch", "mismatch"), wrong
    assert "include:relay.example.net" in wrong["spf_sentence"]
    assert check("revoked.example.org")["dkim"] == "mismatch"
    missing = check("missing.example.org")
    assert (missing["dkim"], missing["spf"]) == ("not_found", "not_found"), missing
    assert "s1._domainkey.missing.example.org" in missing["dkim_sentence"]
