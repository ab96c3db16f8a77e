// StripeCheckout: the payment driver (payments/checkout.h) for a Stripe-Checkout-compatible API (Stripe
// itself, or a compatible provider or stand-in reached through `api_base`).
//
// Session: POST {api_base}/v1/checkout/sessions, `Authorization: Bearer <secret key>`, form-encoded:
// mode=payment, line_items[0][price_data][currency|unit_amount|product_data][name],
// line_items[0][quantity]=1, success_url, cancel_url, client_reference_id=<pending donation id>,
// metadata[<k>]=<v>; header `Idempotency-Key: <pending donation id>` so a retried request cannot open a
// second session. Answer: 200 with {"id": "cs_...", "url": "https://checkout.stripe.com/..."}; a URL outside
// `checkout_origin` is refused. Errors: the provider's {"error": {"message"}} or the transport's, as 502,
// never the key. A monthly donation (interval "month"): mode=subscription and
// line_items[0][price_data][recurring][interval]=month. The metadata also goes, as
// subscription_data[metadata][<k>] (recurring) or payment_intent_data[metadata][<k>] (one-time), onto the
// objects later events are about.
//
// Callback: the webhook of payments/stripe_signature.h over the raw body, then the event JSON:
// checkout.session.completed with payment_status "paid" and checkout.session.async_payment_succeeded are
// kPaid; checkout.session.expired and checkout.session.async_payment_failed are kExpired; invoice.paid
// with billing_reason subscription_cycle is kInstallment (amount_paid, the subscription's metadata from
// subscription_details or parent.subscription_details); charge.refunded is kRefunded (amount_refunded, the
// charge's payment_intent and invoice); anything else kOther. A session's data.object gives session id,
// amount_total, currency, metadata and payment_intent (a subscription's: its first invoice).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "payments/checkout.h"
#include "payments/stripe_signature.h"

namespace tocsin::payments {

struct StripeConfig {
  std::string api_base = "https://api.stripe.com";
  std::string checkout_origin = "https://checkout.stripe.com";
  std::string secret_key;           // secret: never logged
  std::string webhook_secret;       // secret: never logged
  int64_t tolerance_seconds = 300;  // Stripe's libraries' default
  long timeout_ms = 10'000;
};

class StripeCheckout final : public CheckoutDriver {
 public:
  explicit StripeCheckout(StripeConfig config)
      : config_(std::move(config)), replays_(config_.tolerance_seconds) {}
  std::string provider() const override { return "stripe"; }
  std::string checkout_origin() const override { return config_.checkout_origin; }
  Result<CheckoutSession> create_session(const CheckoutRequest& req) override;
  Result<PaymentEvent> verify_callback(const std::string* signature, const std::string& body,
                                       Micros now) override;

  // The form fields of a session request, in the order sent (exposed for tests).
  static std::vector<std::pair<std::string, std::string>> session_form(const CheckoutRequest& req);
  // Reads an event body (after its signature was checked; exposed for tests and the fuzz target).
  static Result<PaymentEvent> parse_event(const std::string& body);

 private:
  StripeConfig config_;
  ReplayGuard replays_;
};

}  // namespace tocsin::payments
