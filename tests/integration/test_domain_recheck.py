"""The server re-verifies sending domains on its own (issue 15, docs/POLICY.md "DMARC re-checked by the
server"): with [dns] domain_recheck_seconds set, a running `tocsin serve` asks a dnsmasq on loopback (the same
fixture the DMARC tests use) again, with the function `tocsin domain verify` uses. The DMARC record removed
from the zone makes the domain's stored verdict `missing` and the preflight refuse the blast
(`dmarc_missing`) without anyone running the CLI; published again, blasts go. Each change is one staff audit
line `domain.recheck` naming it; an unchanged domain writes nothing; an operator's `domain disable` made
meanwhile is not written over by the re-check."""
import json
import time
from unittest import mock

import mail_servers
from mail_servers import LocalDns, sending_domain_records
from test_console_http import staff_audit
from tocsin_server import TocsinServer, unique_email, wait_until


def restart_dns(dns: LocalDns, records: dict) -> None:
    """The zone changed: dnsmasq restarted with the new records on the same port the server asks."""
    port = dns.port
    dns.stop()
    dns.records = dict(records)
    with mock.patch.object(mail_servers, "free_port", lambda: port):
        dns.start()


def domain_doc(srv, org_id, domain):
    db = srv.db()
    try:
        (doc,) = db.execute("SELECT doc FROM org_docs WHERE org_id = ? AND kind = 'sending_domain' AND id = ?",
                            (org_id, domain)).fetchone()
        return json.loads(srv.unseal(doc, "org_docs.doc"))
    finally:
        db.close()


def wait(check, what, seconds=20):
    return wait_until(what, check, seconds)


def test_the_server_rechecks_dmarc_when_the_zone_changes(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A")
    a = org["org_id"]
    srv.cli("settings", "--data", srv.data_dir, "--org", a, "--postal-address", "1 Main St, Springfield, IL")
    added = srv.json_line(srv.cli("domain", "add", "--data", srv.data_dir, "--org", a, "example.org").stdout)
    full = sending_domain_records(added, dmarc="v=DMARC1; p=none")
    dns = LocalDns(tmp_path / "dns", full).start()
    try:
        out = srv.json_line(srv.cli("domain", "verify", "--data", srv.data_dir, "--org", a, "example.org",
                                    "--dns", dns.forwarder).stdout)
        assert out["verified"] and out["dmarc"] == "monitor", out
        srv.write_config(sections={"dns": {"domain_recheck_seconds": 1, "resolver": dns.forwarder}})
        srv.start()
        with srv:  # stops it at the end
            api = srv.client(org["api_key"])
            assert api.post("tags", json={"name": "t"}).status_code == 200
            assert api.post("people", json={"person": {"email_addresses": [
                {"address": unique_email("p"), "status": "subscribed"}]}, "add_tags": ["t"]}).status_code == 200
            tag = api.get("tags").json()["_embedded"]["osdi:tags"][0]["_links"]["self"]["href"]
            r = api.post("messages", json={"subject": "s", "body": "<p>b</p>", "from": "A",
                                           "tocsin:from_address": "news@example.org", "targets": [{"href": tag}]})
            assert r.status_code == 200, r.text
            mid = r.json()["identifiers"][0].split(":")[1]
            assert "blocked_reason" not in api.get(f"messages/{mid}/tocsin:preflight").json()
            time.sleep(2.5)  # rechecked twice with nothing changed: nothing written, nothing audited
            assert not any("domain.recheck" in d for d in staff_audit(srv))

            # The organization's DNS host drops the DMARC record.
            restart_dns(dns, sending_domain_records(added, dmarc=None))
            d = wait(lambda: (lambda d: d if d["dmarc_state"] == "missing" else None)(
                domain_doc(srv, a, "example.org")), "the re-check to see the record gone")
            assert "_dmarc.example.org" in json.dumps(d["auth_checks"])
            pf = wait(lambda: (lambda p: p if p.get("blocked_reason") == "dmarc_missing" else None)(
                api.get(f"messages/{mid}/tocsin:preflight").json()), "the gate to refuse the blast")
            assert "DMARC" in pf["blocked"]
            assert any("domain.recheck" in x and "dmarc monitor -> missing" in x for x in staff_audit(srv))

            # The operator disables the domain meanwhile: the re-check's write keeps that lever pulled (it
            # applies DNS's answer to the document as stored, not to a copy taken before it asked).
            srv.cli("domain", "disable", "--data", srv.data_dir, "--org", a, "--domain", "example.org",
                    "--reason", "under investigation")
            # Published again, now enforcing: the DMARC verdict is back, the disable stays.
            restart_dns(dns, sending_domain_records(added, dmarc="v=DMARC1; p=reject"))
            d = wait(lambda: (lambda d: d if d["dmarc_state"] == "enforced" else None)(
                domain_doc(srv, a, "example.org")), "the record back")
            assert d["disabled_reason"] == "under investigation", d
            assert any("dmarc missing -> enforced" in x for x in staff_audit(srv))
            pf = wait(lambda: (lambda p: p if p.get("blocked_reason") == "domain_disabled" else None)(
                api.get(f"messages/{mid}/tocsin:preflight").json()), "the gate to refuse the disabled domain")
            # Enabled again: blasts go without the CLI having verified anything.
            srv.cli("domain", "enable", "--data", srv.data_dir, "--org", a, "--domain", "example.org",
                    "--reason", "cleared")
            wait(lambda: "blocked_reason" not in api.get(f"messages/{mid}/tocsin:preflight").json(),
                 "the gate to let the blast go")
    finally:
        dns.stop()
