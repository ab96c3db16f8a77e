// The payment-driver contract: how a fundraising page takes money without any card data touching tocsin.
// The supporter pays on the provider's hosted checkout page; tocsin only asks for a session and later
// believes a callback the provider signed.
//
//  1. create_session(amount, currency, description, success/cancel URLs, metadata) -> the session's id and
//     the provider's URL to send the supporter to (303). Nothing is recorded as a donation here.
//  2. verify_callback(headers, raw body, now) -> the event, only when the provider's signature over the
//     exact bytes is valid, fresh (within the driver's tolerance) and not a replay of a message already
//     accepted; otherwise an Error whose message says which (the HTTP status to answer is in it).
//
// Secrets (API key, webhook secret) live in the driver and never appear in an Error or a log line.
// Thread-safe: both calls may run on any I/O thread; create_session blocks for the provider's answer.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace tocsin::payments {

struct CheckoutRequest {
  int64_t amount_minor = 0;  // in the currency's minor unit (cents; yen for zero-decimal currencies)
  std::string currency;      // ISO 4217, lower case ("usd")
  std::string description;   // what the supporter sees on the hosted page (the fundraising page's title)
  std::string success_url;   // where the provider sends the supporter after paying
  std::string cancel_url;    // ... and after giving up
  std::string reference;     // tocsin's pending donation id (also the idempotency key)
  std::map<std::string, std::string> metadata;  // returned verbatim in the callback
  // Empty: a one-time payment. "month": a monthly recurring donation; the provider keeps the payment
  // authorization (tocsin never sees it) and charges again each month, each charge a signed callback.
  std::string interval;
};

struct CheckoutSession {
  std::string id;   // the provider's session id
  std::string url;  // the hosted checkout page
};

// What a verified callback says about a session.
enum class PaymentState {
  kPaid,         // the money is taken: record the donation (a recurring one's first installment)
  kExpired,      // the session ended unpaid (abandoned or cancelled): forget the pending donation
  kInstallment,  // a later installment of a recurring donation was paid: record it as a donation
  kRefunded,     // money of a recorded donation went back: mark it refunded
  kOther,        // anything else (an asynchronous payment still pending, an event we do not use)
};

struct PaymentEvent {
  std::string event_id;  // the provider's event id
  std::string type;      // the provider's event type, e.g. "checkout.session.completed"
  PaymentState state = PaymentState::kOther;
  std::string session_id;         // the checkout session the event is about
  std::string payment_reference;  // the provider's payment id (kept as the donation's reference_number)
  int64_t amount_minor = 0;
  std::string currency;  // lower case
  std::map<std::string, std::string> metadata;
  // Recurring donations: the provider's subscription and invoice (an installment's own id).
  std::string subscription_id, invoice_id;
  // kRefunded: how much of the payment went back so far (cumulative, minor units) and whether all of it.
  int64_t refunded_minor = 0;
  bool refunded_in_full = false;
};

class CheckoutDriver {
 public:
  virtual ~CheckoutDriver() = default;
  virtual std::string provider() const = 0;  // "stripe"
  // The origin of the hosted checkout pages ("https://checkout.stripe.com"): the page's CSP form-action
  // allows it (a form's redirect to another origin is checked against form-action), and a session URL
  // outside it is refused rather than followed.
  virtual std::string checkout_origin() const = 0;
  virtual Result<CheckoutSession> create_session(const CheckoutRequest& req) = 0;
  // `signature`: the provider's signature header (null when absent); `body`: the raw request body.
  virtual Result<PaymentEvent> verify_callback(const std::string* signature, const std::string& body,
                                               Micros now) = 0;
};

}  // namespace tocsin::payments
