"""Bulk-sender checks of sending domains (docs/MAIL.md "Bulk-sender checks", issue 15): `tocsin domain verify`
looks up SPF, the DKIM key and DMARC (at _dmarc.<domain>, else at the organizational domain) in a dnsmasq on
loopback answering as a real resolver would, reports each check with the record to publish, and blasts from a
domain without DMARC, or whose DMARC does not align with the DKIM d= tocsin signs with, are refused (preflight
and 422); p=none passes with a warning. The mail that does leave is read as smtp-sink received it."""
import re
import time
from email import message_from_bytes
from email.policy import default as default_policy

import dkim

from mail_servers import sending_domain_records
from test_blast import wait_status
from tocsin_server import TocsinServer, free_port


def start(tmp_path, smtp_sink, people=2):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A")
    other = srv.create_org("B")
    srv.cli("settings", "--data", srv.data_dir, "--org", org["org_id"], "--postal-address",
            "1 Main St, Springfield, IL 62701")
    sink = smtp_sink()
    srv.port = free_port()
    srv.write_config(server={"public_url": f"https://127.0.0.1:{srv.port}"},
                     sections={"email": {"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_starttls": "off",
                                         "mail_domain": "mail.example.org"}})
    return srv, org, other, sink


def add_domain(srv, org, domain, *flags):
    return srv.json_line(srv.cli("domain", "add", "--data", srv.data_dir, "--org", org["org_id"], domain, *flags).stdout)


def verify(srv, org, domain, dns):
    r = srv.cli("domain", "verify", "--data", srv.data_dir, "--org", org["org_id"], domain, "--dns", dns.forwarder,
                check=False)
    out = srv.json_line(r.stdout)
    assert r.returncode == (0 if out["verified"] else 1), r
    return out


def check(out, name):
    return next(c for c in out["checks"] if c["check"] == name)


def people_and_tag(c, n):
    assert c.post("tags", json={"name": "volunteers"}).status_code == 200
    for i in range(n):
        r = c.post("people", json={"person": {"email_addresses": [{"address": f"p{i}@example.net",
                                                                    "status": "subscribed"}]},
                                   "add_tags": ["volunteers"]})
        assert r.status_code == 200, r.text
    tag = next(t for t in c.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "volunteers")
    return tag["_links"]["self"]["href"]


def message(c, tag_href, from_address):
    r = c.post("messages", json={"subject": "Hello", "body": "<p>Join us tonight.</p>", "from": "Progressive Action",
                                 "reply_to": from_address, "tocsin:from_address": from_address,
                                 "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def domain_seen(c, name, dmarc, timeout=10):
    """The domain as GET /tocsin:sending_domains shows it once the server applied the CLI's verification."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        items = c.get("tocsin:sending_domains").json()["_embedded"]["tocsin:sending_domains"]
        d = next((x for x in items if x["domain"] == name), None)
        if d and d["tocsin:dmarc"] == dmarc:
            return d
        time.sleep(0.2)
    raise AssertionError(f"{name} never showed dmarc={dmarc}: {d}")


def signed_by(raw: bytes) -> tuple[str, str]:
    """(From domain, DKIM d=) of a raw message as the sink received it."""
    msg = message_from_bytes(raw, policy=default_policy)
    d = re.search(rb"^DKIM-Signature:.*?[\s;]d=([^;\s]+)", raw, re.S | re.M)
    assert d, raw[:400]
    return msg["From"].addresses[0].domain, d.group(1).decode()


def test_missing_dmarc_refuses_blasts_with_the_record_then_p_none_warns_and_sends(tmp_path, smtp_sink, local_dns):
    srv, org, other, sink = start(tmp_path, smtp_sink)
    added = add_domain(srv, org, "example.org")
    dns = local_dns(sending_domain_records(added, dmarc=None))
    out = verify(srv, org, "example.org", dns)
    # DKIM verifies the domain (one-off mail may use it); DMARC is missing, so blasts may not.
    assert out["verified"] and out["dmarc"] == "missing" and out["blasts_allowed"] is False, out
    assert out["blasts_refused_reason"] == "dmarc_missing"
    assert check(out, "dkim")["outcome"] == "pass" and check(out, "spf")["outcome"] == "pass", out
    d = check(out, "dmarc")
    assert d["outcome"] == "fail" and d["record_name"] == "_dmarc.example.org" and d["record_type"] == "TXT", d
    assert d["record_value"] == "v=DMARC1; p=none", d
    assert "Gmail, Yahoo and Microsoft require one" in d["sentence"], d

    with srv.start():
        c = srv.client(org["api_key"])
        tag = people_and_tag(c, 2)
        mid = message(c, tag, "team@example.org")
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["blocked_reason"] == "dmarc_missing" and pre["would_send_now"] == 0, pre
        assert '_dmarc.example.org publishes no DMARC record' in pre["blocked"], pre
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert "dmarc_missing" in error and '"v=DMARC1; p=none"' in error, error
        listed = domain_seen(c, "example.org", "missing")
        assert listed["tocsin:blasts_allowed"] is False and listed["tocsin:blasts_refused_reason"] == "dmarc_missing"
        assert [x["check"] for x in listed["tocsin:checks"]] == ["dkim", "spf", "dmarc", "alignment"], listed
        # Organization B sees none of A's domains.
        b = srv.client(other["api_key"]).get("tocsin:sending_domains").json()
        assert b["total_records"] == 0, b
        assert c.get(f"messages/{mid}").json()["status"] == "draft"

        # The organization publishes p=none: allowed, with the warning and the record to move to.
        dns.stop()
        dns = local_dns(sending_domain_records(added, dmarc="v=DMARC1; p=none"))
        out = verify(srv, org, "example.org", dns)
        assert out["dmarc"] == "monitor" and out["blasts_allowed"] is True, out
        d = check(out, "dmarc")
        assert d["outcome"] == "warn" and "asks receivers to do nothing" in d["sentence"], d
        assert d["record_name"] == "_dmarc.example.org" and d["record_value"] == "v=DMARC1; p=quarantine", d
        assert check(out, "alignment")["outcome"] == "pass", out
        domain_seen(c, "example.org", "monitor")
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 200, r.text
        wait_status(c, mid, "sent")
        raws = sink.messages()
        assert len(raws) == 2 and all(signed_by(raw) == ("example.org", "example.org") for raw in raws), raws


def test_alignment_strict_and_relaxed_and_the_organizational_domain(tmp_path, smtp_sink, local_dns):
    srv, org, _, sink = start(tmp_path, smtp_sink)
    main = add_domain(srv, org, "example.org")
    # news.example.org signs with d=example.org (one key for the organization's subdomains)
    news = add_domain(srv, org, "news.example.org", "--dkim-domain", "example.org", "--selector", "news")
    assert news["dns_name"] == "news._domainkey.example.org" and news["dkim_domain"] == "example.org", news
    lists = add_domain(srv, org, "lists.example.org")
    records = sending_domain_records(main, dmarc="v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.org")
    records[news["dns_name"]] = news["dns_value"]
    records["_dmarc.news.example.org"] = "v=DMARC1; p=reject; adkim=s"
    records[lists["dns_name"]] = lists["dns_value"]  # and no _dmarc.lists.example.org
    dns = local_dns(records)

    out = verify(srv, org, "example.org", dns)
    assert out["dmarc"] == "enforced" and out["blasts_allowed"], out
    assert [c["outcome"] for c in out["checks"]] == ["pass"] * 4, out
    out = verify(srv, org, "news.example.org", dns)
    assert out["verified"] and out["dmarc"] == "misaligned" and out["blasts_refused_reason"] == "dmarc_misaligned", out
    a = check(out, "alignment")
    assert a["outcome"] == "fail" and "d=example.org" in a["sentence"] and "strict (adkim=s)" in a["sentence"], a
    assert a["record_name"] == "_dmarc.news.example.org" and a["record_value"] == "v=DMARC1; p=reject; adkim=r", a
    # No record of its own: the organizational domain's record covers it, its sp= governing (RFC 7489 §6.6.3).
    out = verify(srv, org, "lists.example.org", dns)
    assert out["dmarc"] == "enforced" and out["blasts_allowed"], out
    d = check(out, "dmarc")
    assert "_dmarc.example.org (the organizational domain's record" in d["sentence"] and "sp=quarantine" in d["sentence"]

    with srv.start():
        c = srv.client(org["api_key"])
        tag = people_and_tag(c, 2)
        m_news = message(c, tag, "team@news.example.org")
        r = c.post(f"messages/{m_news}/send", json={})
        assert r.status_code == 422 and "dmarc_misaligned" in r.json()["error"], r.text
        assert "adkim=r" in r.json()["error"]
        for sender in ("team@example.org", "team@lists.example.org"):
            mid = message(c, tag, sender)
            assert c.post(f"messages/{mid}/send", json={}).status_code == 200
            wait_status(c, mid, "sent")
        assert sorted(signed_by(raw) for raw in sink.messages()) == [("example.org", "example.org")] * 2 + \
            [("lists.example.org", "lists.example.org")] * 2

        # Relaxing the alignment (the record the check showed) lets news.example.org's blast leave, signed
        # d=example.org, and that signature verifies against the published key.
        dns.stop()
        records["_dmarc.news.example.org"] = "v=DMARC1; p=reject; adkim=r"
        dns = local_dns(records)
        out = verify(srv, org, "news.example.org", dns)
        assert out["dmarc"] == "enforced" and check(out, "alignment")["outcome"] == "pass", out
        domain_seen(c, "news.example.org", "enforced")
        assert c.post(f"messages/{m_news}/send", json={}).status_code == 200
        wait_status(c, m_news, "sent")
        resolver = dns.resolver()

        def dnsfunc(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            return b"".join(b"".join(rr.strings) for rr in resolver.resolve(name.rstrip("."), "TXT"))

        news_raws = [raw for raw in sink.messages() if signed_by(raw)[0] == "news.example.org"]
        assert len(news_raws) == 2
        for raw in news_raws:
            assert signed_by(raw) == ("news.example.org", "example.org")
            assert dkim.verify(raw, dnsfunc=dnsfunc), raw[:400]
