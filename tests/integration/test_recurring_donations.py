"""Monthly recurring donations and refunds through the payment driver (issue #12; docs/PAGES.md "Recurring
donations and refunds"), on SQLite and PostgreSQL. tests/fixtures/checkout_standin.py plays Stripe: it checks
the session request (mode=subscription, the monthly interval, the metadata on the subscription; no card or
supporter data), then sends the signed events Stripe sends — checkout.session.completed, invoice.paid for a
later month, charge.refunded. Asserted over the Action Network API (donations with
action_network:recurrence, the page's totals) and in the raw rows (action_records, org_docs, ledger)."""
import json
import re

import pytest
import requests

from fixtures.checkout_standin import CheckoutStandIn
from tocsin_server import TocsinServer, an_id, unique_email

SECRET_KEY = "sk_test_" + "recurring0123456789abcd"
WEBHOOK_SECRET = "whsec_" + "recurringABCDEF0123456789"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("recurring")
    co = CheckoutStandIn(SECRET_KEY, WEBHOOK_SECRET).__enter__()
    srv = TocsinServer(work / "data")
    org = srv.init("Friends of the Bay")
    other = srv.create_org("Other Org")
    srv.env["TEST_STRIPE_KEY"] = SECRET_KEY
    srv.env["TEST_STRIPE_WHSEC"] = WEBHOOK_SECRET
    srv.write_config(sections={"payments": {
        "provider": "stripe", "api_base": co.base_url, "checkout_origin": co.base_url,
        "secret_key_env": "TEST_STRIPE_KEY", "webhook_secret_env": "TEST_STRIPE_WHSEC"}})
    srv.start()
    co.webhook_url = srv.base + "/payments/webhook"
    srv.org_id, srv.other_id = org["org_id"], other["org_id"]
    srv.other_api = srv.client(other["api_key"])
    yield srv, srv.client(org["api_key"]), co
    srv.stop()
    co.__exit__()


def new_page(api, **extra):
    return api.ok("POST", "fundraising_pages", json={
        "title": "Monthly friends", "currency": "USD", "tocsin:amounts": ["15.00", "25.00"], **extra})


def donations(api, page):
    return api.ok("GET", f"fundraising_pages/{an_id(page)}/donations")["_embedded"]["osdi:donations"]


def totals(api, page):
    got = api.ok("GET", f"fundraising_pages/{an_id(page)}")
    return got["total_donations"], got["total_amount"]


def rows(srv, sql):
    db = srv.db()
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def ledger_count(srv):
    return rows(srv, f"SELECT COUNT(*) FROM ledger WHERE org_id = '{srv.org_id}'")[0][0]


def checkout(co, page, frequency, amount="15.00"):
    s = requests.Session()
    html = s.get(page["browser_url"]).text.split("<main>")[1]
    form = {"csrf": re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}
    email = unique_email("monthly")
    data = {**form, "amount": amount, "name": "Ada Lovelace", "email": email, "zip": "94110", "email_opt_in": "1"}
    if frequency:
        data["frequency"] = frequency
    before = set(co.sessions)
    r = s.post(page["browser_url"], data=data, allow_redirects=False)
    assert r.status_code == 303, r.text
    (sid,) = set(co.sessions) - before
    return co.sessions[sid], email


def test_the_page_offers_a_monthly_donation_and_asks_the_provider_for_a_subscription(site):
    srv, api, co = site
    page = new_page(api)
    html = requests.get(page["browser_url"]).text
    assert 'name="frequency" value="once" checked' in html and 'name="frequency" value="monthly">' in html
    assert "Every month" in html
    session, email = checkout(co, page, "monthly")
    f = session["form"]
    assert co.problems == []
    assert f["mode"] == "subscription" and f["line_items[0][price_data][recurring][interval]"] == "month"
    assert f["line_items[0][price_data][unit_amount]"] == "1500"
    pending = f["metadata[tocsin_donation]"]
    assert f["subscription_data[metadata][tocsin_donation]"] == pending
    assert f["subscription_data[metadata][tocsin_org]"] == srv.org_id
    assert not any(k.startswith("payment_intent_data") for k in f)
    raw = [r for r in co.requests if r.path == "/v1/checkout/sessions"][-1].body.decode()
    assert email.split("@")[0] not in raw and "Ada" not in raw and "94110" not in raw
    # A one-time donation stays a payment, its metadata on the PaymentIntent (the charge a refund is about).
    once, _ = checkout(co, page, "")
    assert once["form"]["mode"] == "payment" and "line_items[0][price_data][recurring][interval]" not in once["form"]
    assert once["form"]["payment_intent_data[metadata][tocsin_org]"] == srv.org_id
    assert co.problems == []


def test_installments_are_donations_of_the_same_person_without_new_consent(site):
    srv, api, co = site
    page = new_page(api)
    session, email = checkout(co, page, "monthly")
    status, body = co.complete(session["id"])
    assert status == 200, body
    first_id = json.loads(body)["donation"]
    (first,) = donations(api, page)
    assert an_id(first) == first_id
    assert first["action_network:recurrence"] == {"recurring": True, "period": "Monthly"}
    assert first["payment"]["authorization_stored"] is True
    assert first["payment"]["reference_number"] == co.first_invoice(session["id"])
    person_href = first["_links"]["osdi:person"]["href"]
    ledger_before = ledger_count(srv)

    status, body, invoice = co.charge_month(session["id"])
    assert status == 200, body
    answer = json.loads(body)
    assert answer["recorded"] is True and answer["recurring_donation"] == first_id
    got = {an_id(d): d for d in donations(api, page)}
    assert set(got) == {first_id, answer["donation"]}
    second = got[answer["donation"]]
    assert second["amount"] == "15.00" and second["currency"] == "USD"
    assert second["action_network:recurrence"] == {"recurring": True, "period": "Monthly"}
    assert second["tocsin:recurring_donation"] == first_id
    assert second["payment"]["reference_number"] == invoice["payment_intent"]
    assert second["_links"]["osdi:person"]["href"] == person_href
    assert totals(api, page) == (2, "30.00")
    assert ledger_count(srv) == ledger_before  # an installment is no new consent

    # Stripe retries: the same invoice in a new (differently signed) event adds nothing.
    status, body, _ = co.charge_month(session["id"], id=invoice["id"], payment_intent=invoice["payment_intent"])
    assert status == 200 and json.loads(body)["recorded"] is False
    assert totals(api, page) == (2, "30.00")
    # The raw rows: two donation records for the page, both indexed by the payment that paid them.
    recs = rows(srv, f"SELECT id FROM action_records WHERE org_id = '{srv.org_id}' AND action_id = '{an_id(page)}'")
    assert sorted(r[0] for r in recs) == sorted(got)
    refs = {r[0] for r in rows(srv, f"SELECT id FROM org_docs WHERE org_id = '{srv.org_id}' AND kind = 'payment_ref'")}
    assert {co.first_invoice(session["id"]), invoice["id"], invoice["payment_intent"]} <= refs


def test_installment_refusals(site):
    srv, api, co = site
    page = new_page(api)
    session, _ = checkout(co, page, "monthly")
    # Before the first payment is recorded (events can come out of order): 404, so the provider retries.
    status, body, _ = co.charge_month(session["id"])
    assert status == 404, body
    assert "error" in json.loads(body)
    assert donations(api, page) == []
    assert co.complete(session["id"])[0] == 200
    # Another currency than the donation's: 409, nothing recorded.
    status, body, _ = co.charge_month(session["id"], currency="eur")
    assert status == 409, body
    # Another organization named with org A's donation: not found there, nothing recorded anywhere.
    meta = dict(session["metadata"], tocsin_org=srv.other_id)
    status, body, _ = co.charge_month(session["id"], subscription_details={"metadata": meta})
    assert status == 404, body
    # A wrong signature: refused before anything is read.
    payload = co._event("invoice.paid", {"id": "in_x", "billing_reason": "subscription_cycle", "amount_paid": 1500,
                                         "currency": "usd", "subscription_details": {"metadata": session["metadata"]}})
    status, body = co.send(payload, co.signed(payload).replace("v1=", "v1=0"))
    assert status == 400, body
    assert len(donations(api, page)) == 1 and totals(api, page) == (1, "15.00")


def test_a_refund_marks_the_donation_refunded_and_lowers_the_total(site):
    srv, api, co = site
    page = new_page(api)
    session, _ = checkout(co, page, "", amount="25.00")
    assert co.complete(session["id"])[0] == 200
    (d,) = donations(api, page)
    pi = d["payment"]["reference_number"]
    assert pi.startswith("pi_")
    assert totals(api, page) == (1, "25.00")

    status, body = co.refund(pi, 2500, 1000)
    assert status == 200, body
    assert json.loads(body) == {"received": True, "donation": an_id(d), "refunded": "10.00", "recorded": True}
    (d,) = donations(api, page)
    assert d["tocsin:refund"]["amount"] == "10.00" and d["tocsin:refund"]["refunded"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["tocsin:refund"]["refunded_date"])
    assert d["amount"] == "25.00"  # what was given stays; the refund is beside it
    assert totals(api, page) == (1, "15.00")

    # The same refund again (a retry): nothing changes.
    status, body = co.refund(pi, 2500, 1000)
    assert status == 200 and json.loads(body)["recorded"] is False
    # All of it.
    status, body = co.refund(pi, 2500, 2500)
    assert status == 200 and json.loads(body)["recorded"] is True
    (d,) = donations(api, page)
    assert d["tocsin:refund"]["amount"] == "25.00" and d["tocsin:refund"]["refunded"] is True
    assert totals(api, page) == (1, "0.00")
    # An older partial event arriving late does not undo the full refund.
    assert json.loads(co.refund(pi, 2500, 1000)[1])["recorded"] is False
    assert donations(api, page)[0]["tocsin:refund"]["refunded"] is True
    # The raw row holds the refund.
    (doc,) = rows(srv, f"SELECT doc FROM action_records WHERE org_id = '{srv.org_id}' AND id = '{an_id(d)}'")[0]
    assert "tocsin:refund" in srv.unseal(doc, "action_records.doc")


def test_refunds_of_a_recurring_donation(site):
    srv, api, co = site
    page = new_page(api)
    session, _ = checkout(co, page, "monthly")
    assert co.complete(session["id"])[0] == 200
    _, body, invoice = co.charge_month(session["id"])
    later = json.loads(body)["donation"]
    # The later month's charge carries no metadata: found by its PaymentIntent in the organization's index.
    status, body = co.refund(invoice["payment_intent"], 1500, 1500, invoice=invoice["id"])
    assert status == 200, body
    assert json.loads(body)["donation"] == later
    # The first month's charge is found by its invoice (the session had no PaymentIntent).
    status, body = co.refund("pi_unknown_to_tocsin", 1500, 500, invoice=co.first_invoice(session["id"]))
    assert status == 200, body
    got = {an_id(d): d for d in donations(api, page)}
    assert got[later]["tocsin:refund"]["refunded"] is True
    first = next(d for k, d in got.items() if k != later)
    assert first["tocsin:refund"] == {**first["tocsin:refund"], "amount": "5.00", "refunded": False}
    assert totals(api, page) == (2, "10.00")


def test_refund_refusals_and_other_organizations(site):
    srv, api, co = site
    page = new_page(api)
    session, _ = checkout(co, page, "", amount="25.00")
    assert co.complete(session["id"])[0] == 200
    (d,) = donations(api, page)
    pi = d["payment"]["reference_number"]
    # A payment tocsin never recorded (the platform's account used elsewhere): acknowledged and ignored.
    status, body = co.refund("pi_not_ours", 900, 900)
    assert status == 200 and "ignored" in json.loads(body)
    # ... unless it says it is a tocsin donation: 404 (the provider retries).
    status, body = co.refund("pi_not_ours", 900, 900, metadata={"tocsin_donation": "x", "tocsin_org": srv.org_id})
    assert status == 404, body
    # More than was given, or another currency: 409.
    assert co.refund(pi, 2500, 2600)[0] == 409
    assert co.refund(pi, 2500, 1000, currency="eur")[0] == 409
    # Naming org B with org A's payment: org B holds no such payment; org A's donation is untouched.
    status, body = co.refund(pi, 2500, 2500, metadata={"tocsin_donation": an_id(d), "tocsin_org": srv.other_id})
    assert status == 404, body
    assert "tocsin:refund" not in donations(api, page)[0]
    assert totals(api, page) == (1, "25.00")
    # Org B cannot read org A's donations.
    r = srv.other_api.request("GET", f"fundraising_pages/{an_id(page)}/donations")
    assert r.status_code == 404
    assert rows(srv, f"SELECT COUNT(*) FROM org_docs WHERE org_id = '{srv.other_id}' AND kind = 'payment_ref'")[0][0] == 0


def test_an_erased_donors_later_installments_are_not_recorded(site):
    srv, api, co = site
    page = new_page(api)
    session, email = checkout(co, page, "monthly")
    assert co.complete(session["id"])[0] == 200
    r = api.request("POST", "tocsin:privacy_requests", json={"kind": "erasure", "subject": email})
    assert r.status_code == 200, r.text
    r = api.request("POST", f"tocsin:privacy_requests/{r.json()['id']}/tocsin:fulfil")
    assert r.status_code == 200 and r.json()["state"] == "done", r.text
    assert donations(api, page) == []
    # The subscription was recorded and its donation erased since: acknowledged, nothing recorded, and
    # nothing for the provider to retry (unlike an installment that comes before its first payment).
    status, body, _ = co.charge_month(session["id"])
    assert status == 200, body
    assert json.loads(body)["recorded"] is False
    assert donations(api, page) == [] and totals(api, page) == (0, "0.00")
