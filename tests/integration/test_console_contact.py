"""Editing a person's contact points in the console (issue #13; docs/CONSOLE.md "Contact points"): the email
address, the mobile number and the primary postal address through the API's PUT path. A changed address is
not consent: the raw ledger rows show that nothing is recorded for a new address unless staff tick the
person's agreement with where and how, and then exactly one entry with that evidence. Roles, CSRF, another
person's address, another organization's person."""
import re

import requests

from test_console_http import Staff, srv, staff_audit  # noqa: F401  (srv: the fixture, organizations A and B)

SUBSCRIBED = 1
EMAIL, SMS = 0, 1


def api_person(srv, org, pid):
    r = requests.get(f"{srv.api}/people/{pid}", headers={"OSDI-API-Token": org["api_key"]})
    assert r.status_code == 200, r.text
    return r.json()


def ledger(srv, org):
    with srv.db() as db:
        rows = db.execute("SELECT seq, channel, new_status, actor, source, method FROM ledger WHERE org_id = ? "
                          "ORDER BY seq", (org["org_id"],)).fetchall()
    return [(seq, ch, st, actor, srv.unseal(src, "ledger.source"), srv.unseal(m, "ledger.method"))
            for seq, ch, st, actor, src, m in rows]


def form_of(person, **change):
    """The contact points form as the page fills it, with `change` applied."""
    addr = (person.get("postal_addresses") or [{}])[0]
    lines = addr.get("address_lines") or []
    base = {"email": (person.get("email_addresses") or [{}])[0].get("address", ""),
            "phone": (person.get("phone_numbers") or [{}])[0].get("number", ""),
            "address_line1": lines[0] if lines else "", "address_line2": lines[1] if len(lines) > 1 else "",
            "locality": addr.get("locality", ""), "region": addr.get("region", ""),
            "postal_code": addr.get("postal_code", ""), "country": addr.get("country", "")}
    return {**base, **change}


def test_contact_points(srv):
    a, b = srv.orgs["A"], srv.orgs["B"]
    hdr = {"OSDI-API-Token": a["api_key"]}
    r = requests.post(srv.api + "/people", headers=hdr, json={"person": {
        "given_name": "Ann", "email_addresses": [{"address": "ann@example.org"}],
        "postal_addresses": [{"address_lines": ["1 Main St"], "locality": "Springfield", "primary": True},
                             {"address_lines": ["PO Box 9"], "locality": "Capital City"}]}})
    assert r.status_code == 200, r.text
    pid = r.json()["identifiers"][0].split(":", 1)[1]
    r = requests.post(srv.api + "/people", headers=hdr, json={"person": {
        "email_addresses": [{"address": "taken@example.org"}]}})
    assert r.status_code == 200
    before = ledger(srv, a)
    assert [(ch, st) for _, ch, st, *_ in before] == [(EMAIL, SUBSCRIBED), (EMAIL, SUBSCRIBED)]

    owner = Staff(srv, a["org_id"], "o@example.org", "owner")
    viewer = Staff(srv, a["org_id"], "v@example.org", "viewer")
    other = Staff(srv, b["org_id"], "ob@example.org", "owner")
    for s in (owner, viewer, other):
        assert s.login().status_code == 303
    page = owner.get(f"/admin/people/{pid}").text
    assert 'action="/admin/people/' + pid + '/contact"' in page and 'value="1 Main St"' in page
    assert "/contact" not in viewer.get(f"/admin/people/{pid}").text  # viewers get no form
    p = api_person(srv, a, pid)

    def post(staff, **change):
        return staff.post(f"/admin/people/{pid}/contact", csrf_from=f"/admin/people/{pid}",
                          **form_of(api_person(srv, a, pid), **change))

    # Roles, CSRF, another organization.
    assert post(viewer, email="v@example.org").status_code == 403
    r = owner.http.post(f"{srv.base}/admin/people/{pid}/contact", data=form_of(p, csrf="0" * 32),
                        allow_redirects=False)
    assert r.status_code == 403
    r = other.post(f"/admin/people/{pid}/contact", csrf_from="/admin", **form_of(p, email="x@example.org"))
    assert r.status_code == 404
    assert api_person(srv, a, pid)["email_addresses"][0]["address"] == "ann@example.org"

    # A new address and a new number without the box ticked: stored, and no consent is recorded for them.
    r = post(owner, email="ann.new@example.org", phone="+12025550143", locality="Shelbyville")
    assert r.status_code == 303 and r.headers["Location"] == f"/admin/people/{pid}#fields", r.text
    p = api_person(srv, a, pid)
    assert p["email_addresses"][0] == {**p["email_addresses"][0], "address": "ann.new@example.org",
                                       "status": "unsubscribed"}
    assert p["phone_numbers"][0]["number"] == "12025550143" and p["phone_numbers"][0]["status"] == "unsubscribed"
    assert [a_["locality"] for a_ in p["postal_addresses"]] == ["Shelbyville", "Capital City"]  # others kept
    assert p["postal_addresses"][0]["address_lines"] == ["1 Main St"]
    assert ledger(srv, a) == before  # the raw rows: not one new ledger entry

    # The same form again changes nothing and is not audited twice.
    audit_before = [e for e in staff_audit(srv) if "people.edit_contact" in e]
    assert len(audit_before) == 1 and pid in audit_before[0]
    assert post(owner).status_code == 303
    assert len([e for e in staff_audit(srv) if "people.edit_contact" in e]) == 1

    # Ticking consent needs where and how.
    r = post(owner, consent_email="1")
    assert r.status_code == 400 and "source and method" in r.text
    assert ledger(srv, a) == before
    # With them: exactly one entry per ticked channel, with the staff member and the evidence given.
    r = post(owner, consent_email="1", consent_sms="1", consent_source="phone call to the office",
             consent_method="told us on the phone", consent_disclosure="We text about actions.")
    assert r.status_code == 303, r.text
    after = ledger(srv, a)
    new = after[len(before):]
    assert [(ch, st) for _, ch, st, *_ in new] == [(EMAIL, SUBSCRIBED), (SMS, SUBSCRIBED)], new
    account = re.search(r'"account_id":"([^"]+)"', owner.srv.cli("user", "list", "--data", srv.data_dir, "--org",
                                                                 a["org_id"]).stdout).group(1)
    for _, ch, _, actor, source, method in new:
        assert actor == f"staff:{account}"
        assert source == "phone call to the office"
        assert "told us on the phone" in method
    p = api_person(srv, a, pid)
    assert p["email_addresses"][0]["status"] == "subscribed" and p["phone_numbers"][0]["status"] == "subscribed"

    # Another person's address is refused with the API's words; nothing changes.
    r = post(owner, email="taken@example.org")
    assert r.status_code == 400 and "belongs to another person" in r.text, r.text
    # Removing the number keeps the email; removing both is refused (a person keeps one).
    assert post(owner, phone="").status_code == 303
    assert not api_person(srv, a, pid).get("phone_numbers")
    r = post(owner, email="", phone="")
    assert r.status_code == 400 and "email address or a phone number" in r.text
    # The primary postal address emptied is removed; the other stays.
    assert post(owner, address_line1="", address_line2="", locality="", region="", postal_code="",
                country="").status_code == 303
    assert [a_["locality"] for a_ in api_person(srv, a, pid)["postal_addresses"]] == ["Capital City"]
    # Changing back to the old address: it keeps its own ledger status (subscribed at signup), no new entry.
    n = len(ledger(srv, a))
    assert post(owner, email="ann@example.org").status_code == 303
    p = api_person(srv, a, pid)
    assert p["email_addresses"][0]["address"] == "ann@example.org" and p["email_addresses"][0]["status"] == "subscribed"
    assert len(ledger(srv, a)) == n
