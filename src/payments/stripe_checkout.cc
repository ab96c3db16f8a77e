#include "payments/stripe_checkout.h"

#include <simdjson.h>

#include "sms/http_client.h"

namespace tocsin::payments {
namespace {

std::string text_of(simdjson::simdjson_result<simdjson::dom::element> e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

std::string text_of(simdjson::dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

// The provider's own error message, or the HTTP status.
std::string provider_error(long status, const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view msg;
  if (parser.parse(body).get(doc) == simdjson::SUCCESS &&
      doc["error"]["message"].get_string().get(msg) == simdjson::SUCCESS)
    return "HTTP " + std::to_string(status) + ": " + std::string(msg.substr(0, 300));
  return "HTTP " + std::to_string(status);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> StripeCheckout::session_form(const CheckoutRequest& req) {
  const bool recurring = !req.interval.empty();
  std::vector<std::pair<std::string, std::string>> f = {
      {"mode", recurring ? "subscription" : "payment"},
      {"line_items[0][price_data][currency]", req.currency},
      {"line_items[0][price_data][unit_amount]", std::to_string(req.amount_minor)},
      {"line_items[0][price_data][product_data][name]", req.description},
  };
  if (recurring) f.emplace_back("line_items[0][price_data][recurring][interval]", req.interval);
  f.insert(f.end(), {{"line_items[0][quantity]", "1"},
                     {"success_url", req.success_url},
                     {"cancel_url", req.cancel_url},
                     {"client_reference_id", req.reference}});
  for (const auto& [k, v] : req.metadata) f.emplace_back("metadata[" + k + "]", v);
  // The same metadata on the objects the later events are about: a recurring donation's subscription
  // (its invoices carry it as subscription_details.metadata, so an installment names its donation and
  // organization), a one-time payment's PaymentIntent (Stripe copies it to the charge a refund is about).
  const std::string carrier = recurring ? "subscription_data" : "payment_intent_data";
  for (const auto& [k, v] : req.metadata) f.emplace_back(carrier + "[metadata][" + k + "]", v);
  return f;
}

Result<CheckoutSession> StripeCheckout::create_session(const CheckoutRequest& req) {
  if (config_.secret_key.empty()) return Error{503, "payments: no secret key is configured"};
  sms::HttpRequest http;
  http.method = "POST";
  http.url = config_.api_base + "/v1/checkout/sessions";
  http.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
                  "Authorization: Bearer " + config_.secret_key, "Idempotency-Key: " + req.reference};
  http.body = sms::form_encode(session_form(req));
  http.timeout_ms = config_.timeout_ms;
  sms::HttpResponse res = sms::http_request(http);
  if (res.status == 0) return Error{502, "payment provider unreachable: " + res.error};
  if (res.status < 200 || res.status >= 300)
    return Error{502, "payment provider refused the checkout: " + provider_error(res.status, res.body)};
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(res.body).get(doc) != simdjson::SUCCESS)
    return Error{502, "payment provider answered without JSON"};
  CheckoutSession s;
  s.id = text_of(doc["id"]);
  s.url = text_of(doc["url"]);
  if (s.id.empty() || s.url.empty())
    return Error{502, "payment provider answered without a session id or url"};
  // Only ever send a supporter to the provider's own checkout pages.
  const std::string& origin = config_.checkout_origin;
  if (s.url.compare(0, origin.size(), origin) != 0 ||
      (s.url.size() > origin.size() && s.url[origin.size()] != '/'))
    return Error{502, "payment provider's checkout URL is outside " + origin};
  return s;
}

Result<PaymentEvent> StripeCheckout::parse_event(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS) return bad_request("the event is not JSON");
  PaymentEvent ev;
  ev.event_id = text_of(doc["id"]);
  ev.type = text_of(doc["type"]);
  simdjson::dom::element obj;
  if (ev.type.empty() || doc["data"]["object"].get(obj) != simdjson::SUCCESS)
    return bad_request("the event has no type or data.object");
  auto int_of = [&](const char* k) {
    int64_t n = 0;
    return obj[k].get_int64().get(n) == simdjson::SUCCESS ? n : 0;
  };
  auto metadata_of = [&](simdjson::simdjson_result<simdjson::dom::element> m) {
    simdjson::dom::object meta;
    if (m.get_object().get(meta) == simdjson::SUCCESS)
      for (auto [k, v] : meta) ev.metadata[std::string(k)] = text_of(v);
  };
  ev.currency = text_of(obj["currency"]);
  ev.payment_reference = text_of(obj["payment_intent"]);
  if (ev.type == "invoice.paid") {
    // A recurring donation's invoice. Its first one (billing_reason subscription_create) is the checkout
    // session's own payment, recorded from checkout.session.completed; later ones are installments.
    ev.invoice_id = text_of(obj["id"]);
    ev.session_id = ev.invoice_id;
    ev.subscription_id = text_of(obj["subscription"]);
    ev.amount_minor = int_of("amount_paid");
    if (ev.payment_reference.empty()) ev.payment_reference = ev.invoice_id;
    // Where the subscription's metadata is (API 2022-11 on: subscription_details; 2025-03 on: parent).
    metadata_of(obj["subscription_details"]["metadata"]);
    if (ev.metadata.empty()) metadata_of(obj["parent"]["subscription_details"]["metadata"]);
    if (ev.subscription_id.empty())
      ev.subscription_id = text_of(obj["parent"]["subscription_details"]["subscription"]);
    if (text_of(obj["billing_reason"]) == "subscription_cycle") ev.state = PaymentState::kInstallment;
    return ev;
  }
  if (ev.type == "charge.refunded") {
    // The charge: amount_refunded is the total refunded so far, so a repeated or reordered event
    // cannot add up twice.
    ev.session_id = text_of(obj["id"]);
    ev.invoice_id = text_of(obj["invoice"]);
    ev.amount_minor = int_of("amount");
    ev.refunded_minor = int_of("amount_refunded");
    bool full = false;
    if (obj["refunded"].get_bool().get(full) == simdjson::SUCCESS) ev.refunded_in_full = full;
    metadata_of(obj["metadata"]);
    if (ev.refunded_minor > 0) ev.state = PaymentState::kRefunded;
    return ev;
  }
  ev.session_id = text_of(obj["id"]);
  ev.amount_minor = int_of("amount_total");
  ev.subscription_id = text_of(obj["subscription"]);
  ev.invoice_id = text_of(obj["invoice"]);
  // A subscription's session has no PaymentIntent of its own: its first invoice is the payment.
  if (ev.payment_reference.empty()) ev.payment_reference = ev.invoice_id;
  if (ev.payment_reference.empty()) ev.payment_reference = ev.session_id;
  metadata_of(obj["metadata"]);
  const std::string paid_status = text_of(obj["payment_status"]);
  if ((ev.type == "checkout.session.completed" && paid_status == "paid") ||
      ev.type == "checkout.session.async_payment_succeeded")
    ev.state = PaymentState::kPaid;
  else if (ev.type == "checkout.session.expired" || ev.type == "checkout.session.async_payment_failed")
    ev.state = PaymentState::kExpired;
  return ev;
}

Result<PaymentEvent> StripeCheckout::verify_callback(const std::string* signature, const std::string& body,
                                                     Micros now) {
  auto sig = verify_stripe_signature(signature, body, config_.webhook_secret, now, config_.tolerance_seconds);
  if (!sig) return sig.error();
  auto ev = parse_event(body);
  if (!ev) return ev.error();
  // Only a message whose signature and content both passed counts as seen.
  if (!replays_.first_time(sig->mac, sig->t, now))
    return bad_request("Stripe-Signature: this signed message was already accepted (replay refused)");
  return ev;
}

}  // namespace tocsin::payments
