"""Children (issue 11, COPPA and GDPR Art. 8; people/age_gate.h): an organization that asks for it
(`tocsin settings --sms-age-required on`) refuses an SMS opt-in whose age is unknown, in every entry point that
writes people (signup helper, record helpers, PUT, import), and a person the organization already holds, of
unknown age, who is later found under the minimum age by a keyed write is erased through the erasure path — a done erasure request
filed by the age gate — while a keyless write naming them is only refused (anyone could make one up)."""

from __future__ import annotations

import json

from sms_setup import wait_until
from test_erasure import dump
from tocsin_server import TEST_ATTESTATION, TocsinServer, an_id

PHONE = "+12025550188"
EMAIL = "Tilly.Brambleworth@example.net"
SECRETS_OF_TILLY = ["tilly.brambleworth@example.net", "Brambleworth", "2025550188", "Quillfeather-Lane"]


def server(tmp_path, *init_flags: str) -> tuple[TocsinServer, dict]:
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A", *init_flags)
    srv.write_config(sections={"privacy": {"age_custom_field": "age"}})
    return srv, org


def sms_signup(c, phone: str, expect: int, **person_extra):
    person = {"phone_numbers": [{"number": phone, "status": "subscribed"}], **person_extra}
    r = c.post("people", json={"person": person, "tocsin:consent": TEST_ATTESTATION})
    assert r.status_code == expect, r.text
    return r


def people_count(c) -> int:
    """How many people the organization holds (a handful here: one page)."""
    return len(c.get("people").json()["_embedded"]["osdi:people"])


def test_an_sms_opt_in_without_a_known_age_is_refused_where_the_organization_asks(tmp_path):
    srv, org = server(tmp_path)
    with srv.start():
        c = srv.client(org["api_key"])
        # Off (the default): an opt-in without an age is taken.
        sms_signup(c, "+12025550101", 200)
        out = srv.json_line(srv.cli("settings", "--data", srv.data_dir, "--org", org["org_id"],
                                    "--sms-age-required", "on").stdout)
        assert out["sms_age_required"] is True
        r = srv.cli("settings", "--data", srv.data_dir, "--org", org["org_id"], "--sms-age-required", "maybe",
                    check=False)
        assert r.returncode != 0 and "on or off" in r.stderr

        def refused(phone: str) -> bool:
            r = c.post("people", json={"person": {"phone_numbers": [{"number": phone, "status": "subscribed"}]},
                                       "tocsin:consent": TEST_ATTESTATION})
            return r.status_code == 422 and "age" in r.json()["error"] and "nothing was stored" in r.json()["error"]

        # The running server applies the setting within its refresh (a try before it lands is taken).
        wait_until("the setting to apply", lambda: refused("+12025550102"))
        before = people_count(c)
        assert refused("+12025550109")
        assert people_count(c) == before

        # An age given with the opt-in (birthdate, or the configured custom field) is enough; the age gate then
        # decides on it.
        sms_signup(c, "+12025550103", 200, birthdate="1990-04-01")
        sms_signup(c, "+12025550104", 200, custom_fields={"age": "34"})
        r = sms_signup(c, "+12025550105", 422, birthdate="2018-04-01")
        assert "under 13" in r.json()["error"], r.text
        # Email alone needs no age; a person whose age is on file may opt in their number later without it.
        assert c.post("people", json={"person": {"email_addresses": [{"address": "ada@example.net"}]}}).status_code == 200
        pid = an_id(sms_signup(c, "+12025550106", 200, birthdate="1985-01-01").json())
        r = c.put(f"people/{pid}", json={"phone_numbers": [{"number": "+12025550107", "status": "subscribed"}],
                                         "tocsin:consent": TEST_ATTESTATION})
        assert r.status_code == 200, r.text
        # A record helper (a petition's signature) follows the same rule.
        pet = an_id(c.ok("POST", "petitions", json={
            "title": "Safe Streets",
            "tocsin:sms_disclosure": {"program_name": "Park Alerts", "message_frequency": "Msg frequency varies",
                                      "rates": "Msg & data rates may apply", "help": "Text HELP for help",
                                      "stop": "Text STOP to cancel", "terms_url": "https://example.org/terms",
                                      "privacy_url": "https://example.org/privacy"}}))
        anon = srv.client()
        r = anon.post(f"petitions/{pet}/signatures",
                      json={"person": {"phone_numbers": [{"number": "+12025550108", "status": "subscribed"}],
                                       "email_addresses": [{"address": "kid@example.net"}]}})
        # A keyless post is answered alike whatever happens (nothing to learn for a prober); nothing was stored.
        assert r.status_code == 200, r.text
        assert c.get(f"petitions/{pet}").json()["total_signatures"] == 0
        found = c.ok("GET", "people", params={"filter": "email_address eq 'kid@example.net'"})
        assert found["_embedded"]["osdi:people"] == [], found

    # The import names the row, and imports the others.
    rows = tmp_path / "people.csv"
    rows.write_text("email,mobile,sms_opt_in,birthdate\n"
                    "grown@example.org,+12025550110,yes,1970-02-02\n"
                    "unknown@example.org,+12025550111,yes,\n"
                    "mailonly@example.org,,,\n")
    r = srv.cli("import", "--data", srv.data_dir, "--org", org["org_id"], rows, "--source", "county fair sheet",
                "--consent-date", "2026-09-01T10:00:00Z", "--consent-method", "signed form")
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("row ")]
    assert len(lines) == 1 and lines[0].startswith("row 2:") and "age" in lines[0], r.stderr  # data rows count from 1
    summary = srv.json_line(r.stdout)
    assert summary["errors"] == 1 and summary["imported"] == 2, summary


def test_a_person_found_under_age_by_a_keyed_write_is_erased_and_a_keyless_one_only_refused(tmp_path):
    # Without encryption at rest, so the byte check below is about erasure (test_erasure.py says why).
    srv, org = server(tmp_path, "--unencrypted")
    with srv.start():
        c = srv.client(org["api_key"])
        tilly = an_id(c.ok("POST", "people", json={"person": {
            "email_addresses": [{"address": EMAIL, "status": "subscribed"}], "phone_numbers": [{"number": PHONE}],
            "given_name": "Tilly", "family_name": "Brambleworth",
            "postal_addresses": [{"address_lines": ["9 Quillfeather-Lane"], "postal_code": "62701"}]}}))
        other = an_id(c.ok("POST", "people", json={"person": {"email_addresses": [{"address": "adult@example.net"}]}}))

        # Keyless: anyone could claim this; refused, and Tilly stays.
        r = srv.client().post("people", json={"person": {"email_addresses": [{"address": EMAIL}],
                                                          "birthdate": "2017-05-05"}})
        assert r.status_code == 200, r.text  # keyless posts are answered alike (blind); nothing changes
        assert c.get(f"people/{tilly}").status_code == 200
        assert c.get(f"people/{tilly}").json().get("birthdate") in (None, "")

        # The organization's key learns her age: refused, and her records are erased through the erasure path.
        r = c.put(f"people/{tilly}", json={"birthdate": "2017-05-05"})
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert "under 13" in err and "erased" in err, err
        rid = err.rsplit("privacy request ", 1)[1].rstrip(")")
        assert c.get(f"people/{tilly}").status_code == 404
        req = c.get(f"tocsin:privacy_requests/{rid}").json()
        assert req["kind"] == "erasure" and req["state"] == "done", req
        assert "age gate" in json.dumps(req) and "erased 1 person(s)" in json.dumps(req), req
        assert c.get(f"people/{other}").status_code == 200
        rows = dump(srv).lower()
        assert [s for s in SECRETS_OF_TILLY if s.lower() in rows] == [], "Tilly's data is still in the database"
        # The erasure stub holds: her address comes back unsubscribed.
        again = c.ok("POST", "people", json={"person": {"email_addresses": [{"address": EMAIL, "status": "subscribed"}]}})
        assert again["email_addresses"][0]["status"] == "unsubscribed", again

        # A keyed signup that matches someone on file by address does the same.
        young = an_id(c.ok("POST", "people", json={"person": {"email_addresses": [{"address": "sam@example.net"}],
                                                               "given_name": "Sam"}}))
        r = c.post("people", json={"person": {"email_addresses": [{"address": "sam@example.net"}],
                                              "custom_fields": {"age": "12"}}})
        assert r.status_code == 422 and "erased" in r.json()["error"], r.text
        assert c.get(f"people/{young}").status_code == 404
        # A keyed signup of someone not on file is refused and stores nothing.
        n = people_count(c)
        r = c.post("people", json={"person": {"email_addresses": [{"address": "new@example.net"}],
                                              "birthdate": "2019-01-01"}})
        assert r.status_code == 422 and "erased" not in r.json()["error"], r.text
        assert people_count(c) == n
        # A record that already holds an adult age is only refused (a typo, more likely): nothing is erased.
        adult = an_id(c.ok("POST", "people", json={"person": {"email_addresses": [{"address": "pat@example.net"}],
                                                               "birthdate": "1980-03-03"}}))
        r = c.put(f"people/{adult}", json={"birthdate": "2018-03-03"})
        assert r.status_code == 422 and "erased" not in r.json()["error"], r.text
        assert c.get(f"people/{adult}").status_code == 200
