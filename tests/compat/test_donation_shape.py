"""Donations as Action Network returns them (issue #10 item 16; parsons/fake_donation.json): `amount` is always
present (the recipients' total as a string), `currency` (the page's, else USD) and `action_network:recurrence`
(`{"recurring": false}` for a one-time gift) too, whatever the client posted."""
from tocsin_server import an_id, assert_keys_superset, load_fixture, unique_email

# The fixture's donation is a monthly gift with a stored card; a one-time gift has no period, and the
# payment block is only there when the client sent one.
IGNORE = ["$.action_network:recurrence.period", "$.payment", "$.payment.*"]


def donate(a, page_id, **extra):
    return a.ok("POST", f"fundraising_pages/{page_id}/donations",
                json={"person": {"email_addresses": [{"address": unique_email("donor")}]}, **extra})


def test_donation_carries_amount_currency_and_recurrence(a):
    page = a.ok("POST", "fundraising_pages", json={"title": "Spring drive", "currency": "EUR"})
    d = donate(a, an_id(page), recipients=[{"display_name": "Org", "amount": "6.67"},
                                           {"display_name": "Candidate", "amount": "13.34"}])
    assert d["amount"] == "20.01"
    assert d["currency"] == "EUR"
    assert d["action_network:recurrence"] == {"recurring": False}
    assert_keys_superset(d, load_fixture("parsons/fake_donation.json"), ignore=IGNORE, what="donation")
    # the same on every read path
    for path in (f"donations/{an_id(d)}", f"fundraising_pages/{an_id(page)}/donations/{an_id(d)}"):
        got = a.ok("GET", path)
        assert (got["amount"], got["currency"], got["action_network:recurrence"]) == ("20.01", "EUR",
                                                                                      {"recurring": False})
    listed = a.ok("GET", f"people/{d['action_network:person_id']}/donations")["_embedded"]["osdi:donations"]
    assert listed[0]["amount"] == "20.01"


def test_posted_values_win_and_usd_is_the_default(a):
    page = a.ok("POST", "fundraising_pages", json={"title": "No currency"})
    d = donate(a, an_id(page), recipients=[{"display_name": "Org", "amount": "5"}])
    assert (d["amount"], d["currency"]) == ("5.00", "USD")
    monthly = donate(a, an_id(page), amount="9.50", currency="CAD",
                     **{"action_network:recurrence": {"recurring": True, "period": "Monthly"}})
    assert (monthly["amount"], monthly["currency"]) == ("9.50", "CAD")
    assert monthly["action_network:recurrence"] == {"recurring": True, "period": "Monthly"}
