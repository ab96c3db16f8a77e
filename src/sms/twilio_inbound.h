// Twilio-compatible webhooks to tocsin: inbound messages and StatusCallback delivery reports.
//
// Every webhook must carry a valid X-Twilio-Signature for the exact URL the gateway was configured to call
// (query string included) and the decoded POST fields (sms/twilio_signature.h); otherwise 403 and nothing
// is read. Inbound: From, To, Body, MessageSid (required: From, To, MessageSid; Body may be empty).
// StatusCallback: MessageSid, MessageStatus, ErrorCode (optional); tocsin's delivery id comes from the
// `delivery` query parameter the Twilio driver puts on the StatusCallback URL. Unknown statuses and missing
// fields are 400 with a sentence naming the field.
#pragma once

#include <string>
#include <string_view>

#include "sms/inbound.h"

namespace tocsin::sms {

struct TwilioWebhook {
  std::string url;        // the full URL the gateway called, as configured there (scheme, host, path, query)
  FormParams params;      // decoded POST fields
  std::string signature;  // the X-Twilio-Signature header; empty when absent
};

Result<InboundText> parse_twilio_inbound(const TwilioWebhook& hook, std::string_view auth_token);
Result<DeliveryReceipt> parse_twilio_status(const TwilioWebhook& hook, std::string_view auth_token);

}  // namespace tocsin::sms
