// The payment driver's pure parts: the Stripe-Signature check (a known answer computed with Python's
// hmac/hashlib, an independent implementation), its tolerance, rolled secrets and replays; the session form
// (no card data, amounts in minor units); events; and the page's money rules (actions/donation_amounts.h).
#include <gtest/gtest.h>

#include "actions/donation_amounts.h"
#include "payments/stripe_checkout.h"
#include "payments/stripe_signature.h"

namespace tocsin::payments {
namespace {

const std::string kSecret = "whsec_test_secret_0123456789";
const std::string kBody = R"({"id":"evt_1"})";
const std::string kMac = "7e9a82a20098cf01f04d9c09f5a7459669bfecf51392ce3adb1445906fceff61";
constexpr Micros kAt = 1'700'000'000LL * 1'000'000;

TEST(StripeSignature, KnownAnswerAndHeaderRoundTrip) {
  EXPECT_EQ(stripe_signature_header(kBody, kSecret, 1'700'000'000), "t=1700000000,v1=" + kMac);
  std::string h = "t=1700000000,v1=" + kMac;
  auto ok = verify_stripe_signature(&h, kBody, kSecret, kAt + 10'000'000, 300);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->t, 1'700'000'000);
  EXPECT_EQ(ok->mac, kMac);
}

TEST(StripeSignature, RolledSecretsV0AndSpacesAreTolerated) {
  std::string h = "t=1700000000, v0=abc, v1=" + std::string(64, '0') + ", v1=" + kMac;
  EXPECT_TRUE(verify_stripe_signature(&h, kBody, kSecret, kAt, 300));
}

TEST(StripeSignature, RefusalsSayWhy) {
  std::string good = "t=1700000000,v1=" + kMac;
  auto why = [&](const std::string* h, std::string_view body, std::string_view secret, Micros now) {
    auto r = verify_stripe_signature(h, body, secret, now, 300);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  EXPECT_NE(why(nullptr, kBody, kSecret, kAt).find("missing"), std::string::npos);
  std::string no_t = "v1=" + kMac;
  EXPECT_NE(why(&no_t, kBody, kSecret, kAt).find("timestamp"), std::string::npos);
  std::string no_v1 = "t=1700000000,v0=" + kMac;
  EXPECT_NE(why(&no_v1, kBody, kSecret, kAt).find("no v1"), std::string::npos);
  EXPECT_NE(why(&good, R"({"id":"evt_2"})", kSecret, kAt).find("does not match"), std::string::npos);
  EXPECT_NE(why(&good, kBody, "whsec_other_secret_0123456", kAt).find("does not match"), std::string::npos);
  EXPECT_NE(why(&good, kBody, kSecret, kAt + 301'000'000).find("tolerance"), std::string::npos);
  EXPECT_NE(why(&good, kBody, kSecret, kAt - 301'000'000).find("tolerance"), std::string::npos);
  auto none = verify_stripe_signature(&good, kBody, "", kAt, 300);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().http_status, 503);
}

TEST(ReplayGuard, SameSignedBytesOnceEntriesExpire) {
  ReplayGuard g(300);
  EXPECT_TRUE(g.first_time(kMac, 1'700'000'000, kAt));
  EXPECT_FALSE(g.first_time(kMac, 1'700'000'000, kAt + 1'000'000));
  EXPECT_TRUE(g.first_time("other", 1'700'000'000, kAt));
  // Long past the window the entry is dropped (the timestamp check refuses such a message anyway).
  EXPECT_TRUE(g.first_time(kMac, 1'700'000'000, kAt + 3600LL * 1'000'000));
}

TEST(StripeCheckout, SessionFormCarriesMinorUnitsAndNoCardData) {
  CheckoutRequest r;
  r.amount_minor = 2500;
  r.currency = "usd";
  r.description = "Year end";
  r.success_url = "https://act.example.org/o/a/fundraising_pages/y/thanks?checkout=paid";
  r.cancel_url = "https://act.example.org/o/a/fundraising_pages/y?checkout=cancelled";
  r.reference = "d1";
  r.metadata = {{"tocsin_donation", "d1"}, {"tocsin_org", "o1"}};
  auto f = StripeCheckout::session_form(r);
  std::map<std::string, std::string> m(f.begin(), f.end());
  EXPECT_EQ(m["mode"], "payment");
  EXPECT_EQ(m["line_items[0][price_data][unit_amount]"], "2500");
  EXPECT_EQ(m["line_items[0][price_data][currency]"], "usd");
  EXPECT_EQ(m["metadata[tocsin_donation]"], "d1");
  EXPECT_EQ(m["client_reference_id"], "d1");
  for (const auto& [k, v] : f) EXPECT_EQ(k.find("card"), std::string::npos) << k;
}

TEST(StripeCheckout, EventsMapToStates) {
  auto paid = StripeCheckout::parse_event(
      R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid",)"
      R"("amount_total":2500,"currency":"usd","payment_intent":"pi_1","metadata":{"tocsin_donation":"d1"}}}})");
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->state, PaymentState::kPaid);
  EXPECT_EQ(paid->amount_minor, 2500);
  EXPECT_EQ(paid->payment_reference, "pi_1");
  EXPECT_EQ(paid->metadata.at("tocsin_donation"), "d1");
  auto unpaid = StripeCheckout::parse_event(
      R"({"type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"unpaid"}}})");
  ASSERT_TRUE(unpaid);
  EXPECT_EQ(unpaid->state, PaymentState::kOther);  // an asynchronous payment still pending
  auto expired =
      StripeCheckout::parse_event(R"({"type":"checkout.session.expired","data":{"object":{"id":"cs_1"}}})");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->state, PaymentState::kExpired);
  EXPECT_FALSE(StripeCheckout::parse_event("not json"));
  EXPECT_FALSE(StripeCheckout::parse_event(R"({"type":"x"})"));
}

TEST(DonationAmounts, MinorUnitsAndSettings) {
  EXPECT_EQ(actions::minor_units(2550, "USD"), 2550);
  EXPECT_EQ(actions::minor_units(50000, "jpy"), 500);
  EXPECT_FALSE(actions::minor_units(50050, "JPY"));
  actions::Action a;
  EXPECT_EQ(actions::offered_amounts(a), (std::vector<int64_t>{1000, 2500, 5000, 10000}));
  EXPECT_EQ(actions::page_currency(a), "USD");
  a.fields = {{"tocsin:amounts", R"(["5",7.5,"100.00"])"}, {"currency", R"("eur")"}};
  EXPECT_EQ(actions::offered_amounts(a), (std::vector<int64_t>{500, 750, 10000}));
  EXPECT_EQ(actions::page_currency(a), "EUR");
  EXPECT_TRUE(actions::check_donation_settings(a.fields));
  EXPECT_FALSE(actions::check_donation_settings({{"tocsin:amounts", R"(["0.50"])"}}));
  EXPECT_FALSE(actions::check_donation_settings({{"tocsin:amounts", "[]"}}));
  EXPECT_FALSE(actions::check_donation_settings({{"currency", R"("US")"}}));
}

}  // namespace
}  // namespace tocsin::payments
