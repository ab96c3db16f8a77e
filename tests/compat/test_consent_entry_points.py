"""Who can subscribe whom, on every entry point (people/subscribe_rule.h, docs/POLICY.md "Who can subscribe
whom"): SMS opt-ins need a disclosure shown or a key's attestation; keyless requests never undo an email
opt-out; the age gate holds on PUT; names lose their control characters at input."""
import pytest

from test_petitions import SMS_DISCLOSURE, consent_entries, make_petition, sign
from tocsin_server import TEST_ATTESTATION, an_id, primary_email, primary_phone, unique_email, unique_phone


def find(a, email):
    return a.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]


# ------------------------------------------------------------------------------------------- SMS opt-in
def test_keyless_signup_does_not_subscribe_a_phone(anon, a):
    email, phone = unique_email("nosms"), unique_phone()
    r = anon.post("people", json={"person": {"email_addresses": [{"address": email}],
                                             "phone_numbers": [{"number": phone, "status": "subscribed"}]}})
    assert r.status_code == 200 and r.json() == {}
    found = find(a, email)
    assert len(found) == 1, "the person is still created"
    assert primary_phone(found[0])["status"] == "unsubscribed"
    assert consent_entries(a, an_id(found[0]), "sms")["entries"] == []


def test_keyed_sms_opt_in_without_attestation_is_refused(a):
    email, phone = unique_email("noatt"), unique_phone()
    r = a.post("people", json={"person": {"email_addresses": [{"address": email}],
                                          "phone_numbers": [{"number": phone, "status": "subscribed"}]}})
    assert r.status_code == 422, r.text
    assert "tocsin:consent" in r.json()["error"]
    assert find(a, email) == [], "a refused request changes nothing"


@pytest.mark.parametrize("consent,field", [({"method": "checkbox"}, "source"), ({"source": "form"}, "method"),
                                           ({"source": "form", "method": ""}, "method"), ("yes", None)])
def test_incomplete_attestation_is_a_400(a, consent, field):
    r = a.post("people", json={"person": {"email_addresses": [{"address": unique_email("badatt")}],
                                          "phone_numbers": [{"number": unique_phone(), "status": "subscribed"}]},
                               "tocsin:consent": consent})
    assert r.status_code == 400, r.text
    assert "tocsin:consent" in r.json()["error"] and (field is None or field in r.json()["error"])


def test_keyed_sms_opt_in_is_recorded_as_the_keys_attestation(a, org_a):
    attestation = {"source": "https://example.org/rally-signup v3", "method": "paper sign-up sheet",
                   "disclosure": "Rally Alerts: 4 msgs/mo. Msg & data rates may apply. Text HELP for help, STOP to end."}
    p = a.signup(unique_email("att"), unique_phone(), phone_status="subscribed", consent=attestation)
    assert primary_phone(p)["status"] == "subscribed"
    entry = consent_entries(a, an_id(p), "sms")["entries"][-1]
    assert entry["new_status"] == "subscribed"
    assert entry["actor"].startswith("api_key:")
    assert entry["source"] == attestation["source"]
    assert "paper sign-up sheet" in entry["method"] and "attested" in entry["method"]
    assert entry["disclosure_text"] == attestation["disclosure"]


def test_put_sms_opt_in_needs_attestation(a):
    p = a.signup(unique_email("putsms"), unique_phone())
    r = a.put(f"people/{an_id(p)}", json={"phone_numbers": [{"status": "subscribed"}]})
    assert r.status_code == 422 and "tocsin:consent" in r.json()["error"]
    assert primary_phone(a.person(an_id(p)))["status"] == "unsubscribed"
    r = a.put(f"people/{an_id(p)}", json={"phone_numbers": [{"status": "subscribed"}], "tocsin:consent": TEST_ATTESTATION})
    assert r.status_code == 200, r.text
    assert primary_phone(r.json())["status"] == "subscribed"
    assert consent_entries(a, an_id(p), "sms")["entries"][-1]["source"] == TEST_ATTESTATION["source"]


def test_keyless_record_helper_with_disclosure_still_subscribes(anon, a):
    pid = an_id(make_petition(a, **{"tocsin:sms_disclosure": SMS_DISCLOSURE}))
    email, phone = unique_email("helpsms"), unique_phone()
    assert sign(anon, pid, email, phone=phone, phone_status="subscribed") == {}
    person = find(a, email)[0]
    assert primary_phone(person)["status"] == "subscribed"
    assert "Msg & data rates may apply" in consent_entries(a, an_id(person), "sms")["entries"][-1]["disclosure_text"]


# ------------------------------------------------------------------------------------- email re-subscription
@pytest.mark.parametrize("status", ["subscribed", None])
def test_keyless_post_does_not_undo_an_unsubscribe(anon, a, status):
    email = unique_email("resub")
    p = a.signup(email)
    assert a.put(f"people/{an_id(p)}", json={"email_addresses": [{"address": email, "status": "unsubscribed"}]}).ok
    entry = {"address": email, **({"status": status} if status else {})}
    assert anon.post("people", json={"person": {"email_addresses": [entry]}}).status_code == 200
    assert primary_email(a.person(an_id(p)))["status"] == "unsubscribed"
    pid = an_id(make_petition(a))
    assert sign(anon, pid, email, email_status="subscribed") == {}
    assert primary_email(a.person(an_id(p)))["status"] == "unsubscribed"
    assert consent_entries(a, an_id(p), "email")["entries"][-1]["new_status"] == "unsubscribed"


def test_keyed_resubscription_is_the_keys_attestation(a, org_a):
    email = unique_email("keyresub")
    p = a.signup(email)
    a.put(f"people/{an_id(p)}", json={"email_addresses": [{"address": email, "status": "unsubscribed"}]})
    r = a.put(f"people/{an_id(p)}", json={"email_addresses": [{"address": email, "status": "subscribed"}]})
    assert r.status_code == 200 and primary_email(r.json())["status"] == "subscribed"
    entry = consent_entries(a, an_id(p), "email")["entries"][-1]
    assert entry["actor"].startswith("api_key:") and "attested by the API key" in entry["method"]


# ------------------------------------------------------------------------------------------------ age gate
def test_put_birthdate_of_a_child_is_refused(a):
    p = a.signup(unique_email("putage"), person_extra={"birthdate": "1990-01-01"})
    r = a.put(f"people/{an_id(p)}", json={"birthdate": "2020-01-01"})
    assert r.status_code == 422, r.text
    assert "13" in r.json()["error"]
    assert a.put(f"people/{an_id(p)}", json={"birthdate": "1991-02-03"}).status_code == 200


# ------------------------------------------------------------------------------------------ header-bound names
def test_control_characters_in_names_become_spaces(a, anon):
    email = unique_email("crlf")
    p = a.signup(email, given="Ada\r\nBcc: victim@example.org", family="Love\tlace\x00\u2028X")
    assert p["given_name"] == "Ada  Bcc: victim@example.org"
    assert p["family_name"] == "Love lace  X"
    r = a.put(f"people/{an_id(p)}", json={"given_name": "Eve\nMallory",
                                          "postal_addresses": [{"locality": "Spring\r\nfield"}]})
    assert r.status_code == 200
    assert r.json()["given_name"] == "Eve Mallory" and r.json()["postal_addresses"][0]["locality"] == "Spring  field"
    blind_email = unique_email("crlfblind")
    anon.post("people", json={"person": {"email_addresses": [{"address": blind_email}], "given_name": "\r\nZed\r\n"}})
    assert find(a, blind_email)[0]["given_name"] == "Zed"
