#include "sms/inbound.h"

#include "core/query_string.h"

namespace tocsin::sms {

std::string_view receipt_status_name(ReceiptStatus s) {
  switch (s) {
    case ReceiptStatus::kDelivered:
      return "delivered";
    case ReceiptStatus::kUndelivered:
      return "undelivered";
    case ReceiptStatus::kBuffered:
      return "buffered";
    case ReceiptStatus::kGatewayAccepted:
      return "gateway_accepted";
    case ReceiptStatus::kGatewayRejected:
      return "gateway_rejected";
  }
  return "buffered";
}

bool receipt_is_final(ReceiptStatus s) {
  return s == ReceiptStatus::kDelivered || s == ReceiptStatus::kUndelivered ||
         s == ReceiptStatus::kGatewayRejected;
}

FormParams parse_form(std::string_view encoded) {
  FormParams out;
  while (!encoded.empty()) {
    size_t amp = encoded.find('&');
    std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view{} : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    out.emplace_back(percent_decode(key, true), percent_decode(value, true));
  }
  return out;
}

const std::string* form_value(const FormParams& params, std::string_view name) {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace tocsin::sms
