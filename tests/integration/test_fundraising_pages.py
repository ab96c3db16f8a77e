"""Fundraising pages and advocacy letters over plain HTTP (issue #12): a donation goes through the
Stripe-compatible hosted checkout (tests/fixtures/checkout_standin.py plays Stripe and asserts the exact
session request: path, bearer key, form fields, amount in minor units, URLs, metadata naming the pending
donation, no card data), and is recorded — counted in the page's totals, with the page's consent evidence —
only once the stand-in's signed webhook says it is paid; a wrong signature, a stale timestamp or a replay is
refused with the reason; a duplicate callback does not count twice; a cancelled checkout records nothing;
another organization cannot complete org A's donation; without [payments] there is no donation form.
Advocacy campaigns: targets and letter on the page, the outreach recorded with the letter as sent."""
import json
import re
import time

import pytest
import requests

from fixtures.checkout_standin import CheckoutStandIn
from tocsin_server import TocsinServer, an_id, primary_email, primary_phone, unique_email, unique_phone

SECRET_KEY = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"
WEBHOOK_SECRET = "whsec_" + "test0123456789abcdefABCDEF"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("fundraising")
    co = CheckoutStandIn(SECRET_KEY, WEBHOOK_SECRET).__enter__()
    srv = TocsinServer(work / "data")
    org = srv.init("Friends of the Bay")
    other = srv.create_org("Other Org")
    key_file = work / "stripe.key"
    key_file.write_text(SECRET_KEY + "\n")
    # The secret key from a file, the webhook secret from the environment: both ways are read.
    srv.env["TEST_STRIPE_WHSEC"] = WEBHOOK_SECRET
    srv.write_config(sections={"payments": {
        "provider": "stripe", "api_base": co.base_url, "checkout_origin": co.base_url,
        "secret_key_file": str(key_file), "webhook_secret_env": "TEST_STRIPE_WHSEC", "tolerance_seconds": 300}})
    srv.start()
    co.webhook_url = srv.base + "/payments/webhook"
    srv.org_id, srv.other_id = org["org_id"], other["org_id"]
    srv.other_api = srv.client(other["api_key"])
    yield srv, srv.client(org["api_key"]), co
    srv.stop()
    co.__exit__()
    assert SECRET_KEY not in srv.log_tail(10**7) and WEBHOOK_SECRET not in srv.log_tail(10**7)


def form_of(html):
    html = html.split("<main>")[1]
    return {"csrf": re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}


def new_page(api, **extra):
    return api.ok("POST", "fundraising_pages", json={
        "title": "Year end fundraising", "currency": "USD", "tocsin:amounts": ["10.00", "25.00", "50"],
        "tocsin:disclosure": "Friends of the Bay may email you about the bay.", **extra})


def donations(api, page):
    return api.ok("GET", f"fundraising_pages/{an_id(page)}/donations")["_embedded"]["osdi:donations"]


def pending_rows(srv):
    db = srv.db()
    try:
        return db.execute("SELECT id FROM org_docs WHERE kind = 'pending_donation'").fetchall()
    finally:
        db.close()


def start_checkout(srv, co, page, amount="25.00", other="", email=None, opt_in=True, ua="fund-test"):
    """Fills and posts the page; returns (session, email, the Session used)."""
    s = requests.Session()
    html = s.get(page["browser_url"]).text
    email = email or unique_email("donor")
    data = {**form_of(html), "amount": amount, "other_amount": other, "name": "Ada Lovelace", "email": email,
            "zip": "94110"}
    if opt_in:
        data["email_opt_in"] = "1"
    before = set(co.sessions)
    r = s.post(page["browser_url"], data=data, headers={"User-Agent": ua}, allow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["Location"].startswith(co.base_url + "/pay/cs_test_"), r.headers["Location"]
    (sid,) = set(co.sessions) - before
    assert r.headers["Location"] == co.sessions[sid]["url"]
    return co.sessions[sid], email, s


def test_page_offers_amounts_and_allows_the_checkout_origin(site):
    srv, api, co = site
    page = new_page(api)
    assert page["tocsin:amounts"] == ["10.00", "25.00", "50"] and page["currency"] == "USD"
    r = requests.get(page["browser_url"])
    assert r.status_code == 200
    html = r.text
    for v in ("10.00", "25.00", "50.00"):
        assert f'name="amount" value="{v}"' in html
    assert 'name="amount" value="other"' in html and 'name="other_amount"' in html
    assert "USD 25" in html and "Donate" in html and "<script" not in html
    # The form posts to the page; the page's answer redirects to the provider, which form-action allows.
    csp = r.headers["Content-Security-Policy"]
    assert f"form-action 'self' {co.base_url};" in csp and "script-src" not in csp
    assert requests.get(srv.base + "/o/friends-of-the-bay/petitions/x").headers["Content-Security-Policy"].count(
        "form-action 'self';") == 1


def test_donation_is_recorded_only_after_the_signed_webhook(site):
    srv, api, co = site
    page = new_page(api)
    session, email, s = start_checkout(srv, co, page)
    assert co.problems == []
    f = session["form"]
    # The exact request Stripe would get.
    assert f["mode"] == "payment" and f["line_items[0][price_data][currency]"] == "usd"
    assert f["line_items[0][price_data][unit_amount]"] == "2500" and f["line_items[0][quantity]"] == "1"
    assert f["line_items[0][price_data][product_data][name]"] == "Year end fundraising"
    assert f["success_url"] == page["browser_url"] + "/thanks?checkout=paid"
    assert f["cancel_url"] == page["browser_url"] + "?checkout=cancelled"
    assert f["metadata[tocsin_org]"] == srv.org_id
    pending_id = f["metadata[tocsin_donation]"]
    assert f["client_reference_id"] == pending_id
    raw = [r for r in co.requests if r.path == "/v1/checkout/sessions"][-1]
    assert raw.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert "Ada" not in raw.body.decode() and email not in raw.body.decode()  # the provider gets no supporter data

    # Nothing is a donation yet: the API, the counters and the people are untouched; only the pending row.
    assert donations(api, page) == []
    got = api.ok("GET", f"fundraising_pages/{an_id(page)}")
    assert got["total_donations"] == 0 and got["total_amount"] == "0.00"
    assert api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"] == []
    assert [r[0] for r in pending_rows(srv)].count(pending_id) == 1

    status, body = co.complete(session["id"])
    assert status == 200, body
    assert json.loads(body) == {"received": True, "donation": pending_id, "recorded": True}
    (d,) = donations(api, page)
    assert an_id(d) == pending_id
    assert d["amount"] == "25.00" and d["currency"] == "USD"
    assert d["payment"]["reference_number"] == "pi_" + session["id"][8:32]
    assert d["recipients"] == [{"display_name": "Friends of the Bay", "amount": "25.00"}]
    got = api.ok("GET", f"fundraising_pages/{an_id(page)}")
    assert got["total_donations"] == 1 and got["total_amount"] == "25.00"
    assert pending_id not in [r[0] for r in pending_rows(srv)]
    # Consent as on every page: the person, subscribed by the ticked box, with the page's evidence.
    (person,) = api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert primary_email(person)["status"] == "subscribed" and person["given_name"] == "Ada"
    consent = json.dumps(api.ok("GET", f"people/{an_id(person)}/consent"))
    assert f"{page['browser_url']}#disclosure-v1" in consent and "web page fundraising_pages" in consent
    assert "Friends of the Bay may email you about the bay." in consent and "fund-test" in consent
    # The page's counter shows it (within the render cache's second, web/page_cache.h); the provider's return
    # page thanks without claiming more.
    deadline = time.monotonic() + 3
    while 'id="raised">USD 25<' not in (shown := requests.get(page["browser_url"]).text):
        assert time.monotonic() < deadline, shown
        time.sleep(0.1)
    thanks = s.get(f["success_url"])
    assert thanks.status_code == 200 and "as soon as the payment provider confirms it" in thanks.text

    # Stripe delivers an event again (new timestamp, new signature): accepted, not counted twice.
    status, body = co.complete(session["id"])
    assert status == 200 and json.loads(body)["recorded"] is False
    assert len(donations(api, page)) == 1
    assert api.ok("GET", f"fundraising_pages/{an_id(page)}")["total_amount"] == "25.00"


def test_other_amount_and_unticked_box(site):
    srv, api, co = site
    page = new_page(api, currency="EUR")
    session, email, _ = start_checkout(srv, co, page, amount="other", other=" 1,234.5 ", opt_in=False)
    assert session["form"]["line_items[0][price_data][unit_amount]"] == "123450"
    assert session["form"]["line_items[0][price_data][currency]"] == "eur"
    assert co.complete(session["id"])[0] == 200
    (d,) = donations(api, page)
    assert d["amount"] == "1234.50" and d["currency"] == "EUR"
    (person,) = api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert primary_email(person)["status"] == "unsubscribed"  # a donation is not a subscription


SMS_DISCLOSURE = {"program_name": "Bay Alerts", "message_frequency": "Up to 4 msgs/mo",
                  "rates": "Msg & data rates may apply", "help": "Text HELP for help",
                  "stop": "Text STOP to cancel", "terms_url": "https://example.org/terms",
                  "privacy_url": "https://example.org/privacy"}


def test_sms_opt_in_through_a_donation_carries_the_disclosure_shown(site):
    srv, api, co = site
    page = new_page(api, **{"tocsin:sms_disclosure": SMS_DISCLOSURE})
    s = requests.Session()
    html = s.get(page["browser_url"]).text
    assert 'name="phone"' in html and re.search(r'name="sms_opt_in" value="1"\s*>', html)  # unticked
    email, phone = unique_email("smsdonor"), unique_phone()
    r = s.post(page["browser_url"], data={**form_of(html), "amount": "10.00", "name": "Grace", "email": email,
                                          "phone": phone, "sms_opt_in": "1"}, allow_redirects=False)
    assert r.status_code == 303
    sid = r.headers["Location"].rsplit("/", 1)[1]
    assert api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"] == []
    assert co.complete(sid)[0] == 200
    (person,) = api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"]
    assert primary_phone(person)["status"] == "subscribed"
    assert primary_email(person)["status"] == "unsubscribed"  # the email box was left unticked
    consent = json.dumps(api.ok("GET", f"people/{an_id(person)}/consent"))
    assert "Text STOP to cancel" in consent and f"{page['browser_url']}#disclosure-v1" in consent


def test_webhook_refusals_wrong_signature_stale_replay(site):
    srv, api, co = site
    page = new_page(api)
    session, _, _ = start_checkout(srv, co, page)
    payload = co.event(session["id"])
    # No header, a signature under another secret, a tampered body: 400 with the reason, nothing recorded.
    status, body = co.send(payload, None)
    assert status == 400 and "missing Stripe-Signature" in json.loads(body)["error"]
    from fixtures.checkout_standin import sign
    status, body = co.send(payload, sign(payload, "whsec_not_the_right_secret_at_all"))
    assert status == 400 and "does not match" in json.loads(body)["error"]
    status, body = co.send(payload.replace(b'"amount_total": 2500', b'"amount_total": 2'), co.signed(payload))
    assert status == 400 and "does not match" in json.loads(body)["error"]
    # Correctly signed but stale (an hour old), or from the future.
    for t in (int(time.time()) - 3600, int(time.time()) + 3600):
        status, body = co.send(payload, co.signed(payload, t))
        assert status == 400 and "tolerance" in json.loads(body)["error"], body
    assert donations(api, page) == []
    # A signed event whose amount differs from the pending donation: 409, nothing recorded.
    wrong = co.event(session["id"], amount_total=100)
    status, body = co.send(wrong, co.signed(wrong))
    assert status == 409 and "amount" in json.loads(body)["error"]
    assert donations(api, page) == []
    # The genuine message, then the same signed bytes again: the replay is refused.
    header = co.signed(payload)
    assert co.send(payload, header)[0] == 200
    status, body = co.send(payload, header)
    assert status == 400 and "replay" in json.loads(body)["error"]
    assert len(donations(api, page)) == 1


def test_cancelled_checkout_records_nothing(site):
    srv, api, co = site
    page = new_page(api)
    session, email, s = start_checkout(srv, co, page)
    back = s.get(session["cancel_url"])
    assert back.status_code == 200 and "nothing was charged or recorded" in back.text
    status, body = co.expire(session["id"])
    assert status == 200 and json.loads(body)["discarded"] is True
    assert donations(api, page) == []
    assert api.ok("GET", f"fundraising_pages/{an_id(page)}")["total_donations"] == 0
    assert api.ok("GET", "people", params={"filter": f"email_address eq '{email}'"})["_embedded"]["osdi:people"] == []
    assert session["form"]["metadata[tocsin_donation]"] not in [r[0] for r in pending_rows(srv)]
    # A late "paid" for it finds nothing to complete.
    status, body = co.complete(session["id"])
    assert status == 404 and "no pending donation" in json.loads(body)["error"]
    assert donations(api, page) == []


def test_another_organization_cannot_complete_org_a_donation(site):
    srv, api, co = site
    page = new_page(api)
    session, _, _ = start_checkout(srv, co, page)
    pending_id = session["form"]["metadata[tocsin_donation]"]
    # A correctly signed event that names org B with org A's pending donation: B has no such donation.
    status, body = co.complete(session["id"], metadata={"tocsin_donation": pending_id, "tocsin_org": srv.other_id})
    assert status == 404 and "no pending donation" in json.loads(body)["error"]
    assert donations(api, page) == []
    # Org B's key neither sees nor records donations on org A's page.
    assert srv.other_api.get(f"fundraising_pages/{an_id(page)}/donations").status_code == 404
    r = srv.other_api.post(f"fundraising_pages/{an_id(page)}/donations",
                           json={"person": {"email_addresses": [{"address": unique_email("b")}]},
                                 "recipients": [{"display_name": "B", "amount": "5.00"}]})
    assert r.status_code == 404
    assert api.ok("GET", f"fundraising_pages/{an_id(page)}")["total_donations"] == 0
    # The genuine event still completes it for org A.
    assert co.complete(session["id"])[0] == 200
    assert [an_id(d) for d in donations(api, page)] == [pending_id]


def test_amount_errors_keep_what_was_typed(site):
    srv, api, co = site
    page = new_page(api)
    s = requests.Session()
    html = s.get(page["browser_url"]).text
    n = len(co.sessions)
    cases = [({"amount": "other", "other_amount": "abc"}, "Enter an amount like 25 or 25.50."),
             ({"amount": "other", "other_amount": "0.50"}, "Enter an amount between 1.00 and 999,999.99."),
             ({"amount": "7.77"}, "Choose an amount or enter another one."),
             ({}, "Choose an amount or enter another one.")]
    for extra, message in cases:
        r = s.post(page["browser_url"], data={**form_of(html), "name": "Ada <b>", "email": unique_email("amt"),
                                              **extra})
        assert r.status_code == 422, r.text
        assert f'<span class="error" id="e-amount">{message.replace(",", ",")}</span>' in r.text
        assert 'value="Ada &lt;b&gt;"' in r.text and 'aria-describedby="e-amount"' in r.text
        if extra.get("other_amount"):
            assert f'value="{extra["other_amount"]}"' in r.text
            assert 'value="other" checked' in r.text
    assert len(co.sessions) == n and donations(api, page) == []
    # Bad settings over the API: 400 naming the field.
    for body in ({"tocsin:amounts": ["0.10"]}, {"tocsin:amounts": ["abc"]}, {"tocsin:amounts": []},
                 {"currency": "US"}):
        r = api.post("fundraising_pages", json={"title": "Bad", **body})
        assert r.status_code == 400 and "error" in r.json(), body


def test_without_payments_there_is_no_donation_form(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Plain Org")
    srv.write_config()
    with srv.start():
        api = srv.client(org["api_key"])
        page = new_page(api)
        s = requests.Session()
        r = s.get(page["browser_url"])
        assert r.status_code == 200 and "Donations are not available on this page yet." in r.text
        assert 'name="amount"' not in r.text and "<form method=\"post\" action=\"/o/" not in r.text
        assert "form-action 'self';" in r.headers["Content-Security-Policy"]
        # A post anyway (a stale page, a bot): refused, nothing recorded.
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)  # the cookie banner's
        r = s.post(page["browser_url"], data={"csrf": csrf, "version": "1", "amount": "25.00", "name": "Ada",
                                              "email": unique_email("nopay")})
        assert r.status_code in (403, 409) and 'name="amount"' not in r.text
        assert donations(api, page) == []
        r = requests.post(srv.base + "/payments/webhook", data=b"{}", headers={"Stripe-Signature": "t=1,v1=00"})
        assert r.status_code == 404 and "not configured" in r.json()["error"]


# ---------------------------------------------------------------- advocacy letters

TARGETS = [{"title": "Representative", "given_name": "Jill", "family_name": "Black",
            "ocdid": "ocd-division/country:us/state:ny/cd:18"},
           {"title": "Senator", "given_name": "Sam", "family_name": "Green"}]
LETTER = {"subject": "Please vote no", "body": "Dear Representative,\nPlease vote no on bill 12345.\nThank you."}


def outreaches(api, campaign):
    return api.ok("GET", f"advocacy_campaigns/{an_id(campaign)}/outreaches")["_embedded"]["osdi:outreaches"]


def test_editable_letter_sent_as_edited(site):
    srv, api, _ = site
    c = api.ok("POST", "advocacy_campaigns", json={"title": "Vote no on 12345", "targets": TARGETS, "type": "email",
                                                   "tocsin:letter": LETTER, "tocsin:letter_editable": True})
    assert c["tocsin:letter"] == LETTER and c["tocsin:letter_editable"] is True
    s = requests.Session()
    html = s.get(c["browser_url"]).text
    assert "Representative Jill Black" in html and "Senator Sam Green" in html
    assert '<textarea id="f-letter_body" name="letter_body" rows="10">Dear Representative,\nPlease vote no' in html
    assert 'name="letter_subject" type="text" value="Please vote no"' in html
    # An emptied letter: 422, the error next to it, the rest kept.
    email = unique_email("letter")
    r = s.post(c["browser_url"], data={**form_of(html), "name": "Ada", "email": email, "letter_subject": "Mine",
                                       "letter_body": "  \n"})
    assert r.status_code == 422 and '<span class="error" id="e-letter_body">Write your letter.</span>' in r.text
    assert 'value="Mine"' in r.text and f'value="{email}"' in r.text
    edited = "Dear Rep. Black,\nI live in your district. Vote no on 12345 <please>."
    # Browsers post a textarea's line breaks as CRLF; the letter is kept with LF like the campaign's text.
    r = s.post(c["browser_url"], data={**form_of(html), "name": "Ada", "email": email, "email_opt_in": "1",
                                       "letter_subject": "From a constituent",
                                       "letter_body": edited.replace("\n", "\r\n")},
               allow_redirects=False)
    assert r.status_code == 303, r.text
    (o,) = outreaches(api, c)
    assert o["message"] == edited and o["subject"] == "From a constituent" and o["type"] == "email"
    assert o["targets"] == TARGETS
    assert api.ok("GET", f"advocacy_campaigns/{an_id(c)}")["total_outreaches"] == 1
    # Org B cannot read it.
    assert srv.other_api.get(f"advocacy_campaigns/{an_id(c)}/outreaches").status_code == 404


def test_fixed_letter_ignores_an_edit(site):
    srv, api, _ = site
    c = api.ok("POST", "advocacy_campaigns", json={"title": "Thank Acme's CEO", "targets": "Acme CEO",
                                                   "tocsin:letter": LETTER})
    s = requests.Session()
    html = s.get(c["browser_url"]).text
    assert "Acme CEO" in html and "<textarea" not in html and 'name="letter_body"' not in html
    assert "<p>Please vote no on bill 12345.</p>" in html and "This letter is sent as written." in html
    r = s.post(c["browser_url"], data={**form_of(html), "name": "Bob", "email": unique_email("fixed"),
                                       "letter_subject": "Forged", "letter_body": "Something else entirely"},
               allow_redirects=False)
    assert r.status_code == 303
    (o,) = outreaches(api, c)
    assert o["message"] == LETTER["body"] and o["subject"] == LETTER["subject"]
    assert o["targets"] == [{"title": "Acme CEO"}]
    # Letter settings are checked over the API.
    r = api.post("advocacy_campaigns", json={"title": "Bad", "tocsin:letter": {"subject": "x", "body": ""}})
    assert r.status_code == 400 and "tocsin:letter" in r.json()["error"]
    r = api.post("advocacy_campaigns", json={"title": "Bad", "tocsin:letter_editable": "yes"})
    assert r.status_code == 400


def test_payments_config_is_checked_and_secrets_stay_out_of_the_log(tmp_path):
    from tocsin_server import CliError
    srv = TocsinServer(tmp_path / "data")
    srv.init("Config Org")
    key = tmp_path / "key"
    key.write_text("sk_test_never_in_any_log_1234\n")
    srv.env["CONFIG_TEST_WHSEC"] = "whsec_never_in_any_log_5678"
    good = {"provider": "stripe", "secret_key_file": str(key), "webhook_secret_env": "CONFIG_TEST_WHSEC"}
    cases = [({**good, "provider": "paypal"}, 'payments.provider must be "stripe"'),
             ({**good, "colour": "red"}, "unknown key payments.colour"),
             ({"provider": "stripe", "webhook_secret_env": "CONFIG_TEST_WHSEC"}, "exactly one of secret_key_file"),
             ({**good, "secret_key_file": str(tmp_path / "missing")}, "cannot read"),
             ({**good, "webhook_secret_env": "CONFIG_TEST_UNSET"}, "CONFIG_TEST_UNSET is not set"),
             ({**good, "api_base": "https://api.example/"}, "without a trailing /")]
    for table, message in cases:
        srv.write_config(sections={"payments": table})
        with pytest.raises(CliError) as e:
            srv.start(timeout=15)
        assert message in str(e.value), str(e.value)[-800:]
    srv.write_config(sections={"payments": good})
    srv.start()
    srv.stop()
    log = srv.log_tail(10**7)
    assert "Stripe-compatible checkout" in log
    assert "never_in_any_log" not in log
