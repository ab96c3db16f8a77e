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
  std::vector<std::pair<std::string, std::string>> f = {
      {"mode", "payment"},
      {"line_items[0][price_data][currency]", req.currency},
      {"line_items[0][price_data][unit_amount]", std::to_string(req.amount_minor)},
      {"line_items[0][price_data][product_data][name]", req.description},
      {"line_items[0][quantity]", "1"},
      {"success_url", req.success_url},
      {"cancel_url", req.cancel_url},
      {"client_reference_id", req.reference},
  };
  for (const auto& [k, v] : req.metadata) f.emplace_back("metadata[" + k + "]", v);
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
  ev.session_id = text_of(obj["id"]);
  ev.currency = text_of(obj["currency"]);
  int64_t amount = 0;
  if (obj["amount_total"].get_int64().get(amount) == simdjson::SUCCESS) ev.amount_minor = amount;
  ev.payment_reference = text_of(obj["payment_intent"]);
  if (ev.payment_reference.empty()) ev.payment_reference = ev.session_id;
  simdjson::dom::object meta;
  if (obj["metadata"].get_object().get(meta) == simdjson::SUCCESS)
    for (auto [k, v] : meta) ev.metadata[std::string(k)] = text_of(v);
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
