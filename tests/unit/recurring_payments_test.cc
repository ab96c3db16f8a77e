// Recurring donations and refunds in the payment driver (payments/stripe_checkout.h) and the records
// (web/donation_events.h, actions/tally.h): the subscription session's form, the events of later
// installments and refunds, the installment ids, and a refund lowering what a donation counts.
#include <gtest/gtest.h>

#include <map>

#include "actions/tally.h"
#include "payments/stripe_checkout.h"
#include "web/donation_events.h"

namespace tocsin::payments {
namespace {

CheckoutRequest request(std::string interval) {
  CheckoutRequest r;
  r.amount_minor = 1500;
  r.currency = "usd";
  r.description = "Monthly";
  r.success_url = "https://act.example.org/p/thanks?checkout=paid";
  r.cancel_url = "https://act.example.org/p?checkout=cancelled";
  r.reference = "d1";
  r.metadata = {{"tocsin_donation", "d1"}, {"tocsin_org", "o1"}};
  r.interval = std::move(interval);
  return r;
}

}  // namespace

TEST(RecurringCheckout, MonthlyAsksForASubscriptionAndCarriesMetadataToIt) {
  auto f = StripeCheckout::session_form(request("month"));
  std::map<std::string, std::string> m(f.begin(), f.end());
  EXPECT_EQ(m.size(), f.size());  // no field twice
  EXPECT_EQ(m["mode"], "subscription");
  EXPECT_EQ(m["line_items[0][price_data][recurring][interval]"], "month");
  EXPECT_EQ(m["line_items[0][price_data][unit_amount]"], "1500");
  EXPECT_EQ(m["subscription_data[metadata][tocsin_donation]"], "d1");
  EXPECT_EQ(m["subscription_data[metadata][tocsin_org]"], "o1");
  EXPECT_EQ(m.count("payment_intent_data[metadata][tocsin_org]"), 0u);  // Stripe refuses it in this mode

  auto once = StripeCheckout::session_form(request(""));
  std::map<std::string, std::string> o(once.begin(), once.end());
  EXPECT_EQ(o["mode"], "payment");
  EXPECT_EQ(o.count("line_items[0][price_data][recurring][interval]"), 0u);
  EXPECT_EQ(o["payment_intent_data[metadata][tocsin_org]"], "o1");
  EXPECT_EQ(o.count("subscription_data[metadata][tocsin_org]"), 0u);
}

TEST(RecurringCheckout, SubscriptionSessionIsPaidByItsFirstInvoice) {
  auto ev = StripeCheckout::parse_event(
      R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","mode":"subscription",)"
      R"("payment_status":"paid","amount_total":1500,"currency":"usd","payment_intent":null,)"
      R"("subscription":"sub_1","invoice":"in_1","metadata":{"tocsin_donation":"d1"}}}})");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->state, PaymentState::kPaid);
  EXPECT_EQ(ev->payment_reference, "in_1");
  EXPECT_EQ(ev->subscription_id, "sub_1");
}

TEST(RecurringCheckout, InvoicesOfLaterMonthsAreInstallments) {
  const std::string cycle =
      R"({"id":"evt_2","type":"invoice.paid","data":{"object":{"id":"in_2","object":"invoice",)"
      R"("billing_reason":"subscription_cycle","subscription":"sub_1","amount_paid":1500,"currency":"usd",)"
      R"("payment_intent":"pi_2","subscription_details":{"metadata":{"tocsin_donation":"d1","tocsin_org":"o1"}}}}})";
  auto ev = StripeCheckout::parse_event(cycle);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->state, PaymentState::kInstallment);
  EXPECT_EQ(ev->invoice_id, "in_2");
  EXPECT_EQ(ev->payment_reference, "pi_2");
  EXPECT_EQ(ev->amount_minor, 1500);
  EXPECT_EQ(ev->metadata.at("tocsin_org"), "o1");
  // The 2025 API moved the subscription's metadata under parent.
  auto basil = StripeCheckout::parse_event(
      R"({"type":"invoice.paid","data":{"object":{"id":"in_3","billing_reason":"subscription_cycle",)"
      R"("amount_paid":700,"currency":"usd","parent":{"subscription_details":{"subscription":"sub_9",)"
      R"("metadata":{"tocsin_donation":"d9","tocsin_org":"o9"}}}}}})");
  ASSERT_TRUE(basil);
  EXPECT_EQ(basil->state, PaymentState::kInstallment);
  EXPECT_EQ(basil->subscription_id, "sub_9");
  EXPECT_EQ(basil->metadata.at("tocsin_donation"), "d9");
  EXPECT_EQ(basil->payment_reference, "in_3");
  // The first invoice is the session's own payment: not a second donation.
  auto first = StripeCheckout::parse_event(
      R"({"type":"invoice.paid","data":{"object":{"id":"in_1","billing_reason":"subscription_create",)"
      R"("amount_paid":1500,"currency":"usd"}}})");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->state, PaymentState::kOther);
}

TEST(RecurringCheckout, RefundsCarryTheCumulativeAmount) {
  auto partial = StripeCheckout::parse_event(
      R"({"type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge","amount":2500,)"
      R"("amount_refunded":1000,"refunded":false,"currency":"usd","payment_intent":"pi_1","invoice":null}}})");
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->state, PaymentState::kRefunded);
  EXPECT_EQ(partial->refunded_minor, 1000);
  EXPECT_FALSE(partial->refunded_in_full);
  EXPECT_EQ(partial->payment_reference, "pi_1");
  EXPECT_EQ(partial->invoice_id, "");
  auto nothing = StripeCheckout::parse_event(
      R"({"type":"charge.refunded","data":{"object":{"id":"ch_1","amount_refunded":0}}})");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->state, PaymentState::kOther);
}

TEST(RecurringCheckout, InstallmentIdsAreStableUuidsPerInvoice) {
  const std::string a = web::installment_id("stripe", "in_2");
  EXPECT_EQ(a, web::installment_id("stripe", "in_2"));
  EXPECT_NE(a, web::installment_id("stripe", "in_3"));
  EXPECT_NE(a, web::installment_id("other", "in_2"));
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '8');  // version 8
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
}

TEST(RecurringCheckout, ARefundLowersWhatADonationCounts) {
  actions::ActionRecord r;
  r.fields = {{"amount", R"("25.00")"}};
  EXPECT_EQ(actions::tally_of(r).amount_cents, 2500);
  r.fields.emplace_back("tocsin:refund", R"({"amount":"10.00","refunded":false})");
  EXPECT_EQ(actions::refunded_cents(r), 1000);
  EXPECT_EQ(actions::tally_of(r).amount_cents, 1500);
  EXPECT_EQ(actions::tally_of(r).records, 1);  // still a donation that was made
}

}  // namespace tocsin::payments
