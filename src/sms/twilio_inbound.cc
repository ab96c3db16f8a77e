#include "sms/twilio_inbound.h"

#include <simdjson.h>

#include <array>
#include <utility>

namespace tocsin::sms {
namespace {

Status authentic(const TwilioWebhook& hook, std::string_view auth_token) {
  if (hook.signature.empty()) return Error{403, "missing X-Twilio-Signature"};
  if (!twilio_signature_valid(auth_token, hook.url, hook.params, hook.signature))
    return Error{403, "X-Twilio-Signature does not match"};
  return Ok{};
}

Result<std::string> field(const FormParams& p, std::string_view name, bool may_be_empty = false) {
  const std::string* v = form_value(p, name);
  if (!v || (!may_be_empty && v->empty()))
    return bad_request("the webhook has no '" + std::string(name) + "'");
  if (!simdjson::validate_utf8(v->data(), v->size()))
    return bad_request("'" + std::string(name) + "' is not valid UTF-8");
  return *v;
}

constexpr std::array<std::pair<std::string_view, ReceiptStatus>, 11> kStatuses{{
    {"delivered", ReceiptStatus::kDelivered},
    {"read", ReceiptStatus::kDelivered},
    {"undelivered", ReceiptStatus::kUndelivered},
    {"queued", ReceiptStatus::kBuffered},
    {"accepted", ReceiptStatus::kBuffered},
    {"scheduled", ReceiptStatus::kBuffered},
    {"sending", ReceiptStatus::kGatewayAccepted},
    {"sent", ReceiptStatus::kGatewayAccepted},
    {"failed", ReceiptStatus::kGatewayRejected},
    {"canceled", ReceiptStatus::kGatewayRejected},
    {"partially_delivered", ReceiptStatus::kUndelivered},
}};

}  // namespace

Result<InboundText> parse_twilio_inbound(const TwilioWebhook& hook, std::string_view auth_token) {
  if (auto ok = authentic(hook, auth_token); !ok) return ok.error();
  InboundText t;
  auto from = field(hook.params, "From");
  if (!from) return from.error();
  auto to = field(hook.params, "To");
  if (!to) return to.error();
  auto sid = field(hook.params, "MessageSid");
  if (!sid) return sid.error();
  auto body = field(hook.params, "Body", true);
  if (!body) return body.error();
  t.from = std::move(from.value());
  t.to = std::move(to.value());
  t.gateway_message_id = std::move(sid.value());
  t.text = std::move(body.value());
  return t;
}

Result<DeliveryReceipt> parse_twilio_status(const TwilioWebhook& hook, std::string_view auth_token) {
  if (auto ok = authentic(hook, auth_token); !ok) return ok.error();
  DeliveryReceipt r;
  size_t q = hook.url.find('?');
  FormParams query =
      q == std::string::npos ? FormParams{} : parse_form(std::string_view(hook.url).substr(q + 1));
  const std::string* delivery = form_value(query, "delivery");
  if (!delivery || delivery->empty()) return bad_request("the status callback URL has no 'delivery'");
  r.delivery_id = *delivery;
  auto sid = field(hook.params, "MessageSid");
  if (!sid) return sid.error();
  r.gateway_message_id = std::move(sid.value());
  auto status = field(hook.params, "MessageStatus");
  if (!status) return status.error();
  bool known = false;
  for (const auto& [name, s] : kStatuses)
    if (name == status.value()) {
      r.status = s;
      known = true;
    }
  if (!known) return bad_request("unknown MessageStatus: " + status.value());
  if (const std::string* code = form_value(hook.params, "ErrorCode"); code && !code->empty())
    r.detail = "error " + *code;
  return r;
}

}  // namespace tocsin::sms
