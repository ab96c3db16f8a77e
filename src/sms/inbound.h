// What gateways tell tocsin, independent of the gateway: an inbound text (MO) and a delivery receipt.
//
// The gateway-specific parsers (kannel_inbound.h, twilio_inbound.h) turn a callback's decoded form fields
// into these values or a Result error with the HTTP status to answer (400 malformed, 403 not authenticated).
// They are pure functions: no store, no clock except what the callback carries.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "sms/twilio_signature.h"  // FormParams

namespace tocsin::sms {

struct InboundText {
  std::string from;                // the phone that sent it, as the gateway gave it (E.164 for both drivers)
  std::string to;                  // the organization's number or short code it was sent to
  std::string text;                // valid UTF-8
  std::string gateway_message_id;  // Kannel's message id (%I), Twilio's MessageSid
  Micros received_at = 0;  // when the gateway received it (Kannel %T); 0 when the gateway does not say
};

// Kannel DLR types (dlr-mask bits) and Twilio MessageStatus values, on one scale.
enum class ReceiptStatus {
  kDelivered,        // on the handset (Kannel 1, Twilio delivered/read)
  kUndelivered,      // the network gave up (Kannel 2, Twilio undelivered)
  kBuffered,         // waiting in the network (Kannel 4, Twilio queued/accepted/scheduled)
  kGatewayAccepted,  // the SMSC/carrier took it (Kannel 8, Twilio sending/sent)
  kGatewayRejected,  // the SMSC/carrier refused it (Kannel 16, Twilio failed/canceled)
};

std::string_view receipt_status_name(ReceiptStatus s);  // "delivered", "undelivered", ...
// Whether no later receipt is expected for this delivery.
bool receipt_is_final(ReceiptStatus s);

struct DeliveryReceipt {
  std::string delivery_id;  // tocsin's delivery id, echoed from the MT request
  ReceiptStatus status = ReceiptStatus::kBuffered;
  std::string detail;              // the SMSC's answer (Kannel %A) or Twilio's ErrorCode; may be empty
  std::string gateway_message_id;  // Twilio's MessageSid; empty for Kannel
  Micros reported_at = 0;          // Kannel %T; 0 when the gateway does not say
};

// Decodes an application/x-www-form-urlencoded body or query string ('+' is a space). Keys and values are
// percent-decoded; a pair without '=' has an empty value. Never fails: undecodable escapes stay literal.
FormParams parse_form(std::string_view encoded);

// The first value of `name`, or nullptr.
const std::string* form_value(const FormParams& params, std::string_view name);

}  // namespace tocsin::sms
