"""The console's settings screen over real HTTP (issue #13): the sending domains with the exact DNS record to
publish (the same name and value `tocsin domain add` printed) and their verification; the program's fields
saved through the write path (read back with `tocsin settings`), a control character refused with nothing
changed; API keys created (the secret shown once, working on the API at once) and revoked (refused at once);
roles (an organizer gets 403) and organizations kept apart (another organization's key id is 404)."""
import re
from html import unescape

import pytest

from test_console_http import Staff, staff_audit
from tocsin_server import TocsinServer, unique_email


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("console-settings")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp)
    srv.pending = srv.json_line(srv.cli("domain", "add", "--data", str(srv.data_dir), "--org", org["org_id"],
                                        "news.example.net").stdout)
    srv.create_org("Other Org")
    srv.write_config()
    srv.start()
    srv.org = org
    yield srv
    srv.stop()


def settings_json(srv):
    return srv.json_line(srv.cli("settings", "--data", str(srv.data_dir), "--org", srv.org["org_id"]).stdout)


def test_domains_program_and_keys(site):
    srv = site
    owner = Staff(srv, srv.org["org_id"], unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    page = owner.get("/admin/settings")
    assert page.status_code == 200
    text = unescape(page.text)
    # The record to publish, exactly as the CLI printed it, and each domain's state.
    assert srv.pending["dns_name"] in text and srv.pending["dns_value"] in text
    row = re.search(r"<tr><td>news\.example\.net</td><td>(.*?)</td>", text, re.S).group(1)
    assert "not verified" in row
    assert re.search(r"<tr><td>example\.org</td><td>verified \d{4}-\d\d-\d\d", text)
    # Under each domain, its DMARC row (docs/MAIL.md "Bulk-sender checks"): the fixture published p=reject for
    # example.org; news.example.net was never checked, so its blasts are refused until it is.
    dmarc = dict(re.findall(r'<tr class="dmarc"><td><span class="visually-hidden">([^<]+) </span>DMARC</td>'
                            r'<td>(.*?)<br>', text, re.S))
    assert dmarc == {"example.org": "enforced: blasts allowed", "news.example.net": "missing: blasts refused"}, dmarc

    # The program's fields, saved through the write path.
    r = owner.post("/admin/settings", postal_address="2 Side St, Springfield, IL", brand_name="Bay Friends",
             support_contact="help@example.org", message_frequency="Up to 4 msgs/month", tracking="off")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/settings"
    s = settings_json(srv)
    assert s["postal_address"] == "2 Side St, Springfield, IL" and s["brand_name"] == "Bay Friends"
    assert s["support_contact"] == "help@example.org" and s["message_frequency"] == "Up to 4 msgs/month"
    assert '<option value="off" selected>' in owner.get("/admin/settings").text  # tracking
    # A control character is refused, naming the field; nothing changes.
    r = owner.post("/admin/settings", postal_address="x", brand_name="Bay\x07Friends",
             support_contact="", message_frequency="Up to 4 msgs/month", tracking="")
    assert r.status_code == 422 and "brand name holds a control character" in unescape(r.text)
    assert settings_json(srv)["brand_name"] == "Bay Friends"

    # Frequency caps: an email cap set, texts made stricter; looser than SMS-F1 is refused, naming the rule.
    program = dict(postal_address="2 Side St, Springfield, IL", brand_name="Bay Friends",
                   support_contact="help@example.org", message_frequency="Up to 4 msgs/month", tracking="off")
    r = owner.post("/admin/settings", email_cap="2", email_cap_hours="48", sms_cap="2", sms_cap_hours="72", **program)
    assert r.status_code == 303, r.text
    s = settings_json(srv)
    assert (s["email_cap"], s["email_cap_hours"], s["sms_cap"], s["sms_cap_hours"]) == (2, 48, 2, 72), s
    page = owner.get("/admin/settings").text
    assert 'id="sms_cap" name="sms_cap" inputmode="numeric" maxlength="1" value="2"' in page
    assert "<dt>Email frequency cap</dt><dd>2 per 48 hours</dd>" in page
    for looser in (dict(sms_cap="4", sms_cap_hours="24"), dict(sms_cap="3", sms_cap_hours="12"),
                   dict(sms_cap="0", sms_cap_hours="24")):
        r = owner.post("/admin/settings", **looser, **program)
        assert r.status_code == 422 and ("SMS-F1" in unescape(r.text) or "from 0 to 3" in unescape(r.text)), r.text
    r = owner.post("/admin/settings", email_cap="5", email_cap_hours="0", **program)
    assert r.status_code == 422 and "at least 1 hour" in unescape(r.text)
    r = owner.post("/admin/settings", email_cap="x", **program)
    assert r.status_code == 422 and "email cap must be a whole number" in unescape(r.text)
    s = settings_json(srv)
    assert (s["email_cap"], s["sms_cap"], s["sms_cap_hours"]) == (2, 2, 72), "nothing changed"
    # A form without the cap fields keeps them; email cap 0 turns it off.
    assert owner.post("/admin/settings", **program).status_code == 303
    assert settings_json(srv)["sms_cap"] == 2
    assert owner.post("/admin/settings", email_cap="0", **program).status_code == 303
    assert settings_json(srv)["email_cap"] == 0

    # API keys: created (shown once), working at once, revoked, refused at once.
    r = owner.post("/admin/settings/keys")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="new-key-secret">([^<]+)</code>', r.text).group(1)
    key = srv.client(secret)
    assert key.get("people").status_code == 200
    assert secret not in owner.get("/admin/settings").text  # shown only in that one answer
    key_ids = re.findall(r'action="/admin/settings/keys/([^/"]+)/revoke"', owner.get("/admin/settings").text)
    assert srv.org["key_id"] in key_ids and len(key_ids) == 2  # `tocsin init`'s key, and the new one
    new_id = next(k for k in key_ids if k != srv.org["key_id"])
    r = owner.post(f"/admin/settings/keys/{new_id}/revoke")
    assert r.status_code == 303
    assert key.get("people").status_code == 401
    assert srv.client(srv.org["api_key"]).get("people").status_code == 200  # the other key is untouched
    assert re.search(rf"<tr><td><code>{new_id}</code></td><td>[^<]*</td><td>revoked</td>",
                     owner.get("/admin/settings").text)

    audit = staff_audit(srv)
    for action in ("settings.edit", "keys.create", "keys.revoke"):
        assert any(action in d for d in audit), (action, audit)


def test_roles_and_organizations(site):
    srv = site
    organizer = Staff(srv, srv.org["org_id"], unique_email("organizer"), "organizer")
    assert organizer.login().status_code == 303
    assert organizer.get("/admin/settings").status_code == 403
    assert "/admin/settings" not in organizer.get("/admin").text
    assert organizer.post("/admin/settings/keys").status_code == 403
    assert organizer.post("/admin/settings", postal_address="x", brand_name="y", support_contact="",
                message_frequency="z", tracking="").status_code == 403

    admin = Staff(srv, srv.org["org_id"], unique_email("admin"), "admin")
    assert admin.login().status_code == 303
    r = admin.post("/admin/settings/keys")
    assert r.status_code == 200
    a_key = re.findall(r'action="/admin/settings/keys/([^/"]+)/revoke"', admin.get("/admin/settings").text)[0]

    other = Staff(srv, srv.orgs["Other Org"]["org_id"], unique_email("b"), "owner")
    assert other.login().status_code == 303
    theirs = other.get("/admin/settings").text
    assert a_key not in theirs and "news.example.net" not in unescape(theirs)
    assert other.post(f"/admin/settings/keys/{a_key}/revoke").status_code == 404
    assert a_key in admin.get("/admin/settings").text and "revoked" not in re.search(
        rf"<tr><td><code>{a_key}</code></td>.*?</tr>", admin.get("/admin/settings").text, re.S).group(0)


def retention_policy(srv):
    """The policy as the CLI reads it from the store (a dry run applies nothing)."""
    return srv.json_line(srv.cli("privacy", "retention", "--data", str(srv.data_dir), "--org", srv.org["org_id"],
                                 "--dry-run").stdout)["policy"]


def test_retention_policy(site):
    """Retention on the settings screen: the policy in effect, changed by an admin through the same checks as
    `tocsin privacy retention` (read back by the CLI from the store), bad values refused naming the field with
    nothing changed; an organizer may not change it; the change is in the staff audit."""
    srv = site
    admin = Staff(srv, srv.org["org_id"], unique_email("admin"), "admin")
    organizer = Staff(srv, srv.org["org_id"], unique_email("organizer"), "organizer")
    for s in (admin, organizer):
        assert s.login().status_code == 303
    page = admin.get("/admin/settings").text
    before = retention_policy(srv)
    assert 'id="quiet-hours">texts reach people only between 8 a.m. and 9 p.m.' in page
    assert f"<dd>after {before['evidence_days']} days</dd>" in page, page

    r = admin.post("/admin/settings/retention", inactive_months="24", evidence_days="2000", inbound_days="90",
                   delivery_days="400")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/settings#retention", r.text
    after = retention_policy(srv)
    assert (after["inactive_people_months"], after["evidence_days"], after["inbound_text_days"],
            after["delivery_days"]) == (24, 2000, 90, 400), after
    page = admin.get("/admin/settings").text
    assert "<dd>after 24 months</dd>" in page and 'id="inbound_days" name="inbound_days"' in page

    for bad, says in ((dict(delivery_days="7"), "deliveries become statistics must be 0 (keep) or from 30"),
                      (dict(evidence_days="forever"), "consent evidence is blanked must be a whole number"),
                      (dict(inbound_days="99999"), "inbound texts are deleted must be from 0 (keep) to 36500")):
        fields = {**dict(inactive_months="24", evidence_days="2000", inbound_days="90", delivery_days="400"), **bad}
        r = admin.post("/admin/settings/retention", **fields)
        assert r.status_code == 422 and says in unescape(r.text), r.text
        assert retention_policy(srv) == after  # nothing changed
    assert organizer.post("/admin/settings/retention", inactive_months="1", evidence_days="1", inbound_days="1",
                          delivery_days="0").status_code == 403
    assert retention_policy(srv) == after
    assert sum('"settings.retention"' in a for a in staff_audit(srv)) == 1
